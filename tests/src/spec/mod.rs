//! The official spec-suite runner: executes every top-level `.wast` script of the
//! WebAssembly test suite on each engine and counts passed and failed directives; then
//! the proposal folders' scripts of the proposals mote runs, and the repository's own
//! scripts (`tests/wast`), the same way.
//!
//! - [`suite`]: finding the scripts, running them on worker threads, the report.
//! - [`proposals`]: the scripts of the proposal folders, by proposal, and which run.
//! - [`script`]: one script's directives, in order, with its own store and linker.
//! - [`values`]: arguments, expected-result patterns (NaN classes, references), messages.
//! - [`spectest`]: the `spectest` host module.
//! - [`panics`], [`watchdog`]: keeping one engine bug from stopping or hiding the run.

mod panics;
pub mod proposals;
mod script;
mod spectest;
mod suite;
mod values;
mod watchdog;

pub use script::{run_script, Failure, ScriptOutcome};
pub use suite::{run_all, run_engine, Config, EngineReport, FileReport, Skipped, REPO_SCRIPTS};

use mote::aot::AotExecutor;
use mote_core::runtime::Executor;

/// An engine the suite runs on. Adding one (the AOT runtime, say) is one more entry in
/// [`ENGINES`].
#[derive(Clone, Copy)]
pub struct Engine {
    pub name: &'static str,
    /// A fresh executor; each script gets its own.
    pub new_executor: fn() -> Box<dyn Executor>,
}

pub const INTERP: Engine = Engine {
    name: "interp",
    new_executor: || Box::new(mote_interp::Interpreter::new()),
};

/// The AOT runtime with explicit bounds checks: each module is compiled in-process on its
/// first call (`mote_aotc::compile`), written as an `.aot` file, parsed, loaded into
/// executable memory and run by `mote::aot::AotExecutor`.
pub const AOT_EXPLICIT: Engine = Engine {
    name: "aot-explicit",
    new_executor: || Box::new(AotExecutor::with_compiler(aot::compile_explicit)),
};

/// As [`AOT_EXPLICIT`] with guard pages instead of checks (64-bit hosts).
pub const AOT_GUARD: Engine = Engine {
    name: "aot-guard",
    new_executor: || Box::new(AotExecutor::with_compiler(aot::compile_guard)),
};

/// Every engine the suite runs on, in report order.
pub const ENGINES: &[Engine] = &[INTERP, AOT_EXPLICIT, AOT_GUARD];

/// The engines of the repository's own scripts: the same, except that the AOT engines
/// optimise as `aotc` does by default. These scripts test what the compiler makes of
/// code (that no load's trap is optimised away, say), which the light level the official
/// suite uses would not show.
pub const REPO_ENGINES: &[Engine] = &[
    INTERP,
    Engine {
        name: "aot-explicit",
        new_executor: || Box::new(AotExecutor::with_compiler(aot::compile_explicit_full)),
    },
    Engine {
        name: "aot-guard",
        new_executor: || Box::new(AotExecutor::with_compiler(aot::compile_guard_full)),
    },
];

mod aot {
    use mote_core::aot::format;
    use mote_core::aot::object::BoundsChecks;
    use mote_core::Module;

    /// The suite checks semantics, not speed: a light optimisation level keeps the
    /// thousands of small modules quick to compile.
    const SUITE_OPT_LEVEL: u8 = 1;

    fn compile(module: &Module, bounds: BoundsChecks, opt_level: u8) -> Result<Vec<u8>, String> {
        let mut opts = mote_aotc::Options::host();
        opts.bounds_checks = bounds;
        opts.opt_level = opt_level;
        let obj = mote_aotc::compile(module, &module.bytes, &opts)
            .map_err(|e| format!("AOT compilation failed: {e}"))?;
        let aot = format::write(&obj);
        check_metadata(module, &aot)?;
        Ok(aot)
    }

    /// The file's metadata must read back as the module it was compiled from (what the
    /// hosted engine loads from an `.aot` file): every suite module goes through the one
    /// metadata writer and reader.
    fn check_metadata(module: &Module, aot: &[u8]) -> Result<(), String> {
        let file = format::AotFile::parse(aot).map_err(|e| e.to_string())?;
        let back = Module::from_aot(&file).map_err(|e| format!("metadata: {e}"))?;
        let model = |m: &Module| {
            format!(
                "{:?} {:?} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                m.types,
                m.imports,
                m.funcs,
                m.num_imported_funcs,
                m.tables,
                m.memories,
                m.globals,
                m.global_inits,
                m.const_ops,
                m.exports,
                m.start,
                m.elements,
                m.datas,
                m.func_names
            )
        };
        if model(&back) != model(module) {
            return Err(format!(
                "the .aot metadata reads back as another module:\n{}\n{}",
                model(&back),
                model(module)
            ));
        }
        Ok(())
    }

    pub fn compile_explicit(module: &Module) -> Result<Vec<u8>, String> {
        compile(module, BoundsChecks::Explicit, SUITE_OPT_LEVEL)
    }

    pub fn compile_guard(module: &Module) -> Result<Vec<u8>, String> {
        compile(module, BoundsChecks::Guard, SUITE_OPT_LEVEL)
    }

    /// At `aotc`'s default optimisation level.
    pub fn compile_explicit_full(module: &Module) -> Result<Vec<u8>, String> {
        let full = mote_aotc::Options::host().opt_level;
        compile(module, BoundsChecks::Explicit, full)
    }

    /// At `aotc`'s default optimisation level.
    pub fn compile_guard_full(module: &Module) -> Result<Vec<u8>, String> {
        let full = mote_aotc::Options::host().opt_level;
        compile(module, BoundsChecks::Guard, full)
    }
}
