//! A slice of the official spec suite on the no-heap runtime: the scripts about memory,
//! tables, segments, calls (tail calls too), globals, start and traps. Every module whose imports the bare
//! runtime supports (functions only: `spectest.print*`) is compiled for this host with
//! explicit bounds checks and instantiated in fresh buffers; `assert_return`,
//! `assert_trap` (invocations and instantiation) and `assert_exhaustion` are checked
//! against the script. Modules that import memories, tables, globals or other modules'
//! functions are skipped with the directives that use them (counted, not failed).
//!
//! `WASM_TESTSUITE=dir` points at another copy of the suite; without one the test says
//! so and passes (CI has it).
// The no-heap runtime (`aot`) in code regions from the POSIX platform (`std`).
#![cfg(all(
    feature = "aot",
    feature = "std",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]

use std::collections::HashMap;
use std::path::PathBuf;

use mote::aot::HostCode as Code;
use mote::bare::{
    instance_requirements, BareError, CallError, Config, HostCall, HostFn, HostFunc, Instance,
};
use mote_core::aot::format::write;
use mote_core::aot::object::BoundsChecks;
use mote_core::{Cell, Module, Trap, ValType, Value};
use mote_loader::AotFile;
use mote_platforms::posix::ExecRegion;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// Directives where the bare runtime differs from the spec by design.
const KNOWN: &[(&str, usize, &str)] = &[(
    "table_grow",
    64,
    "an unbounded table grows to at most max(min, TABLE_ROOM) elements",
)];

const SCRIPTS: &[&str] = &[
    "address",
    "block",
    "br_table",
    "bulk",
    "call",
    "call_indirect",
    "conversions",
    "data",
    "elem",
    "endianness",
    "f64",
    "fac",
    "float_exprs",
    "forward",
    "global",
    "i32",
    "i64",
    "int_exprs",
    "left-to-right",
    "load",
    "memory",
    "memory_copy",
    "memory_fill",
    "memory_grow",
    "memory_init",
    "memory_size",
    "memory_trap",
    "ref_func",
    "ref_is_null",
    "ref_null",
    "select",
    "start",
    "store",
    "switch",
    "table",
    "table-sub",
    "table_copy",
    "table_fill",
    "table_get",
    "table_grow",
    "table_init",
    "table_set",
    "table_size",
    "traps",
    "unreachable",
    "unwind",
    // Tail calls (Wasm 3.0).
    "proposals/wasm-3.0/return_call",
    "proposals/wasm-3.0/return_call_indirect",
];

/// Memory buffer for a memory without a declared maximum (untouched pages cost nothing).
const UNBOUNDED_MEMORY: usize = 256 << 20;

fn print(_: &mut HostCall<'_>, _: &mut [Cell]) -> Result<(), Trap> {
    Ok(())
}

macro_rules! spectest {
    ($($name:literal: [$($p:ident),*]),* $(,)?) => {
        [$(HostFunc {
            module: "spectest",
            name: $name,
            params: &[$(ValType::$p),*],
            results: &[],
            func: HostFn::Rust(print),
            data: std::ptr::null_mut(),
        }),*]
    };
}

static SPECTEST: [HostFunc<'static>; 7] = spectest! {
    "print": [],
    "print_i32": [I32],
    "print_i64": [I64],
    "print_f32": [F32],
    "print_f64": [F64],
    "print_i32_f32": [I32, F32],
    "print_f64_f64": [F64, F64],
};

/// What instantiating a module in fresh buffers gave.
enum Outcome {
    Ready(Instance<'static>),
    /// The runtime does not support the module's imports; its directives are skipped.
    Unsupported,
    Failed(BareError),
}

/// Compiles and instantiates `wasm`. The buffers are leaked: a test process runs a few
/// hundred modules.
fn instantiate(wasm: &[u8]) -> Result<Outcome, String> {
    let module = Module::new(wasm).map_err(|e| format!("invalid module: {e}"))?;
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = BoundsChecks::Explicit;
    opts.opt_level = 1;
    let obj = mote_aotc::compile(&module, wasm, &opts).map_err(|e| format!("aotc: {e}"))?;
    let bytes: &'static [u8] = Vec::leak(write(&obj));
    let file = AotFile::parse(bytes).map_err(|e| e.to_string())?;
    let req = match instance_requirements(&file) {
        Ok(r) => r,
        Err(BareError::UnsupportedImport { .. }) => return Ok(Outcome::Unsupported),
        Err(e) => return Ok(Outcome::Failed(e)),
    };
    let memory = match req.memory_max_bytes {
        Some(max) => max.min(UNBOUNDED_MEMORY),
        None if req.memory_min_bytes > 0 || module_has_memory(&file) => UNBOUNDED_MEMORY,
        None => 0,
    };
    let code: &'static mut Code = Box::leak(Box::new(Code(
        ExecRegion::new(req.code.region_bytes).unwrap(),
    )));
    let state: &'static mut [u64] = Vec::leak(vec![0u64; req.state_bytes.div_ceil(8)]);
    // SAFETY: u8 has no alignment or validity requirements.
    let state: &'static mut [u8] =
        unsafe { std::slice::from_raw_parts_mut(state.as_mut_ptr().cast(), state.len() * 8) };
    let memory: &'static mut [u8] = Vec::leak(vec![0u8; memory.max(req.memory_min_bytes)]);
    // Debug builds of the helpers have large frames; the suite recurses ~200 levels
    // through call_indirect (the 2 MiB test thread has room for this budget).
    let config = Config {
        native_stack_bytes: 1 << 20,
        ..Config::new()
    };
    match Instance::new(&file, code, state, memory, &SPECTEST, &config) {
        Ok(inst) => Ok(Outcome::Ready(inst)),
        Err(BareError::UnknownImport { .. }) => Ok(Outcome::Unsupported),
        Err(e) => Ok(Outcome::Failed(e)),
    }
}

fn module_has_memory(file: &AotFile<'_>) -> bool {
    mote_core::aot::meta::Meta::parse(file.metadata()).is_ok_and(|m| m.num_memories() > 0)
}

fn argument(arg: &WastArg<'_>) -> Option<Value> {
    let WastArg::Core(arg) = arg else { return None };
    Some(match arg {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(f) => Value::F32(f.bits),
        WastArgCore::F64(f) => Value::F64(f.bits),
        WastArgCore::RefNull(HeapType::Abstract { ty, .. }) => match ty {
            AbstractHeapType::Func => Value::FuncRef(None),
            AbstractHeapType::Extern => Value::ExternRef(None),
            _ => return None,
        },
        WastArgCore::RefExtern(n) => Value::ExternRef(Some(*n)),
        _ => return None,
    })
}

fn matches(expected: &WastRet<'_>, got: &Value) -> bool {
    let WastRet::Core(expected) = expected else {
        return false;
    };
    matches_core(expected, got)
}

fn matches_core(expected: &WastRetCore<'_>, got: &Value) -> bool {
    match (expected, got) {
        (WastRetCore::I32(w), Value::I32(v)) => w == v,
        (WastRetCore::I64(w), Value::I64(v)) => w == v,
        (WastRetCore::F32(w), &Value::F32(b)) => match w {
            NanPattern::CanonicalNan => b & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => b & 0x7fc0_0000 == 0x7fc0_0000,
            NanPattern::Value(f) => f.bits == b,
        },
        (WastRetCore::F64(w), &Value::F64(b)) => match w {
            NanPattern::CanonicalNan => b & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => b & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
            NanPattern::Value(f) => f.bits == b,
        },
        (WastRetCore::RefNull(_), Value::FuncRef(None) | Value::ExternRef(None)) => true,
        (WastRetCore::RefExtern(None), Value::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(w)), Value::ExternRef(Some(n))) => w == n,
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(options), v) => options.iter().any(|o| matches_core(o, v)),
        _ => false,
    }
}

fn message_matches(expected: &str, got: &str) -> bool {
    !got.is_empty() && (expected.starts_with(got) || got.starts_with(expected))
}

#[derive(Default)]
struct Tally {
    passed: usize,
    skipped: usize,
    known: usize,
    failures: Vec<String>,
}

struct Script {
    current: Option<Instance<'static>>,
    named: HashMap<String, Option<Instance<'static>>>,
}

/// A call's results, or its trap; `None` when it cannot be run here.
type Run = Option<Result<Vec<Value>, Trap>>;

impl Script {
    fn instance(&mut self, id: Option<wast::token::Id<'_>>) -> Option<&mut Instance<'static>> {
        match id {
            Some(id) => self.named.get_mut(id.name())?.as_mut(),
            None => self.current.as_mut(),
        }
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Run, String> {
        let Some(inst) = self.instance(inv.module) else {
            return Ok(None);
        };
        let Some(args) = inv.args.iter().map(argument).collect::<Option<Vec<_>>>() else {
            return Ok(None);
        };
        let f = inst
            .func(inv.name)
            .ok_or_else(|| format!("no export {}", inv.name))?;
        let mut out = vec![Value::I32(0); inst.func_type(f).result_count()];
        match inst.call(f, &args, &mut out) {
            Ok(()) => Ok(Some(Ok(out))),
            Err(CallError::Trap(t)) => Ok(Some(Err(t))),
            Err(CallError::Signature) => Err(format!("{}: signature mismatch", inv.name)),
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Run, String> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(&inv),
            WastExecute::Get { module, global, .. } => {
                let Some(inst) = self.instance(module) else {
                    return Ok(None);
                };
                let v = inst
                    .global(global)
                    .ok_or_else(|| format!("no global {global}"))?;
                Ok(Some(Ok(vec![v])))
            }
            WastExecute::Wat(mut wat) => {
                let wasm = wat.encode().map_err(|e| e.to_string())?;
                match instantiate(&wasm)? {
                    Outcome::Ready(_) => Ok(Some(Ok(vec![]))),
                    Outcome::Unsupported => Ok(None),
                    Outcome::Failed(BareError::Init(t) | BareError::Start(t)) => Ok(Some(Err(t))),
                    Outcome::Failed(e) => Err(format!("instantiation failed: {e}")),
                }
            }
        }
    }

    fn run(&mut self, d: WastDirective<'_>) -> Result<bool, String> {
        match d {
            WastDirective::Module(QuoteWat::Wat(mut wat)) => {
                let name = match &wat {
                    wast::Wat::Module(m) => m.id.map(|id| id.name().to_string()),
                    _ => None,
                };
                let wasm = wat.encode().map_err(|e| e.to_string())?;
                let inst = match instantiate(&wasm)? {
                    Outcome::Ready(i) => Some(i),
                    Outcome::Unsupported => {
                        // The skipped module may have changed the instances it imports
                        // from (shared tables, memories): nothing named can be trusted.
                        for v in self.named.values_mut() {
                            *v = None;
                        }
                        None
                    }
                    Outcome::Failed(e) => {
                        self.current = None;
                        return Err(format!("instantiation failed: {e}"));
                    }
                };
                let ran = inst.is_some();
                if let Some(name) = name {
                    let copy = inst.as_ref().map(|i| {
                        // SAFETY: the runtime state is leaked; the named handle and the
                        // current one are used one at a time.
                        unsafe { Instance::from_raw(i.as_raw()) }
                    });
                    self.named.insert(name, copy);
                }
                self.current = inst;
                Ok(ran)
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let Some(run) = self.execute(exec)? else {
                    return Ok(false);
                };
                let got = run.map_err(|t| format!("trapped: {t}"))?;
                if got.len() != results.len()
                    || !results.iter().zip(&got).all(|(e, g)| matches(e, g))
                {
                    return Err(format!("got {got:?}, expected {results:?}"));
                }
                Ok(true)
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let Some(run) = self.execute(exec)? else {
                    return Ok(false);
                };
                match run {
                    Err(t) if message_matches(message, t.message()) => Ok(true),
                    other => Err(format!("got {other:?}, expected trap \"{message}\"")),
                }
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let Some(run) = self.invoke(&call)? else {
                    return Ok(false);
                };
                match run {
                    Err(t) if message_matches(message, t.message()) => Ok(true),
                    other => Err(format!("got {other:?}, expected \"{message}\"")),
                }
            }
            WastDirective::Invoke(inv) => Ok(self.invoke(&inv)?.is_some()),
            _ => Ok(false),
        }
    }
}

fn suite_dir() -> PathBuf {
    match std::env::var_os("WASM_TESTSUITE") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/wasm-testsuite"),
    }
}

#[test]
fn spec_scripts_on_the_bare_runtime() {
    let dir = suite_dir();
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "spec suite not found at {}",
            dir.display()
        );
        println!("SKIPPED: spec suite not found at {}", dir.display());
        return;
    }
    let mut total = Tally::default();
    for name in SCRIPTS {
        let path = dir.join(format!("{name}.wast"));
        let text = std::fs::read_to_string(&path).unwrap();
        let buf = ParseBuffer::new(&text).unwrap();
        let wast = parser::parse::<Wast>(&buf).unwrap();
        let mut script = Script {
            current: None,
            named: HashMap::new(),
        };
        let mut tally = Tally::default();
        for d in wast.directives {
            let line = d.span().linecol_in(&text).0 + 1;
            match script.run(d) {
                Ok(true) => tally.passed += 1,
                Ok(false) => tally.skipped += 1,
                Err(_) if KNOWN.iter().any(|k| (k.0, k.1) == (*name, line)) => tally.known += 1,
                Err(e) => tally.failures.push(format!("{name}.wast:{line}: {e}")),
            }
        }
        println!(
            "{name}: {} passed, {} failed, {} not run",
            tally.passed,
            tally.failures.len(),
            tally.skipped
        );
        total.passed += tally.passed;
        total.skipped += tally.skipped;
        total.known += tally.known;
        total.failures.extend(tally.failures);
    }
    println!(
        "bare: {} passed, {} failed, {} not run",
        total.passed,
        total.failures.len(),
        total.skipped
    );
    for f in total.failures.iter().take(40) {
        println!("  {f}");
    }
    println!("known deviations: {} of {}", total.known, KNOWN.len());
    assert!(
        total.failures.is_empty(),
        "{} failures",
        total.failures.len()
    );
    // Each listed deviation still happens (else it should leave the list).
    assert_eq!(total.known, KNOWN.len());
    assert!(total.passed > 5000, "only {} passed", total.passed);
}
