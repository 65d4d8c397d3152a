//! Module generation: wasm-smith configurations restricted to what mote implements, a
//! module per (seed, index), with a fuel global so every loop and recursion ends.

use arbitrary::Unstructured;
use wasm_smith::{Config, MemoryOffsetChoices};

use crate::rng::Rng;
use crate::wasm_edit;

/// The export name of the fuel global that `ensure_termination` adds; the driver sets it
/// to [`FUEL`] before every call.
pub const FUEL_EXPORT: &str = "__fuel";

/// Loop iterations plus function entries one call may make before it traps with
/// `unreachable`. Also bounds recursion depth well below every engine's stack limit.
pub const FUEL: u32 = 1000;

/// A named restriction of the base configuration.
pub struct Profile {
    pub name: &'static str,
    pub apply: fn(&mut Config),
}

/// The profiles modules are generated from, in turn. To cover a feature once mote
/// implements it (SIMD, tail calls, memory64, multi-memory, exceptions, ...), enable it
/// in a new profile here and in the reference engine's configuration (`wasmi_engine`).
pub const PROFILES: &[Profile] = &[
    Profile {
        name: "int",
        apply: |c| {
            c.allow_floats = false;
            c.multi_value_enabled = false;
            c.bulk_memory_enabled = false;
            c.reference_types_enabled = false;
        },
    },
    Profile {
        name: "float",
        apply: |c| {
            c.multi_value_enabled = false;
            c.bulk_memory_enabled = false;
            c.reference_types_enabled = false;
        },
    },
    Profile {
        name: "multi-value",
        apply: |c| {
            c.bulk_memory_enabled = false;
            c.reference_types_enabled = false;
        },
    },
    Profile {
        name: "bulk-memory",
        apply: |c| {
            c.reference_types_enabled = false;
            c.min_memories = 1;
            c.max_data_segments = 20;
        },
    },
    Profile {
        name: "reference-types",
        apply: |c| {
            c.max_tables = 4;
            c.min_tables = 1;
            c.max_element_segments = 20;
            c.max_elements = 30;
        },
    },
    Profile {
        name: "small-memory",
        apply: |c| {
            // One or two pages, and offsets mostly at or past the end.
            c.min_memories = 1;
            c.max_memory32_bytes = 2 << 16;
            c.memory_offset_choices = MemoryOffsetChoices(40, 30, 30);
        },
    },
    Profile {
        name: "no-traps",
        apply: |c| {
            // wasm-smith guards divisions, conversions and accesses, so calls run longer.
            c.disallow_traps = true;
        },
    },
    Profile {
        name: "imports",
        apply: |c| {
            c.min_imports = 1;
            c.max_imports = 10;
            c.available_imports = Some(host_imports());
        },
    },
    Profile {
        name: "wasm2",
        apply: |_| {},
    },
];

/// Wasm 2.0 without SIMD (what mote implements), moderate sizes, everything exported,
/// limits with maxima so `memory.grow`/`table.grow` fail the same way everywhere.
fn base_config() -> Config {
    Config {
        // Proposals mote does not implement.
        simd_enabled: false,
        relaxed_simd_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        shared_everything_threads_enabled: false,
        max_memories: 1,
        max_tables: 1,
        // No imports unless a profile offers some: every engine must provide them.
        max_imports: 0,
        export_everything: true,
        // NaN payloads of float arithmetic are nondeterministic (spec 4.3.3, "NaN
        // propagation"); canonicalizing them keeps memory and bit casts comparable.
        canonicalize_nans: true,
        // `memory.grow`/`table.grow` may fail for no reason on any engine (spec
        // 4.4.7/4.4.6); maxima make failure the same everywhere.
        memory_max_size_required: true,
        table_max_size_required: true,
        max_memory32_bytes: 32 << 16,
        max_table_elements: 64,
        max_funcs: 24,
        max_types: 16,
        max_globals: 16,
        max_instructions: 150,
        max_data_segments: 8,
        max_element_segments: 8,
        max_elements: 16,
        max_exports: 64,
        ..Config::default()
    }
}

/// The host functions the `imports` profile may import ("host" module): every engine
/// defines them the same way (`host::results`).
fn host_imports() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (import "host" "none" (func))
            (import "host" "i32_i32" (func (param i32) (result i32)))
            (import "host" "i64_i64" (func (param i64) (result i64)))
            (import "host" "ii_i" (func (param i32 i32) (result i32)))
            (import "host" "f32_f32" (func (param f32) (result f32)))
            (import "host" "f64_i64" (func (param f64) (result i64)))
            (import "host" "mixed" (func (param i32 i64 f32 f64) (result f64)))
            (import "host" "pair" (func (param i64) (result i32 i64))))"#,
    )
    .expect("the host import list is valid text")
}

/// A generated module.
pub struct Generated {
    pub wasm: Vec<u8>,
    pub profile: &'static str,
}

/// Module `index` of the run with `seed`; profiles are taken in turn. `None` when
/// wasm-smith cannot make a module from this seed (rare: too little input).
pub fn module(seed: u64, index: u64) -> Option<Generated> {
    let profile = &PROFILES[(index % PROFILES.len() as u64) as usize];
    let mut rng = Rng::new(seed ^ index.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let mut config = base_config();
    // wasm-smith adds items past each minimum with probability 1/2 each, so the minima
    // set the sizes; they vary per module.
    config.min_types = 1 + rng.below(4) as usize;
    config.min_funcs = 2 + rng.below(12) as usize;
    (profile.apply)(&mut config);
    let mut entropy = vec![0u8; 1024 + rng.below(16 * 1024) as usize];
    rng.fill(&mut entropy);
    let mut u = Unstructured::new(&entropy);
    let mut module = wasm_smith::Module::new(config, &mut u).ok()?;
    let fuel = module.ensure_termination(FUEL).ok()?;
    let wasm = wasm_edit::export_global(&module.to_bytes(), FUEL_EXPORT, fuel)?;
    Some(Generated {
        wasm,
        profile: profile.name,
    })
}
