//! mote's validator (`mote_core::Module::new`) against wasmparser's `Validator` with the
//! same feature set (WebAssembly 2.0 without SIMD) as the oracle: on every module of the
//! spec suite, on modules wasm-smith generates under several configurations, and on
//! byte-mutated copies of both, the two must agree on accepting or refusing. mote must
//! also never panic.
//!
//! `MOTE_ORACLE_COUNT=n` sets how many modules wasm-smith generates (default: a quick
//! sample), `MOTE_ORACLE_SEED=n` the seed; the same seed gives the same modules.
//! The spec suite is found as the spec runner finds it (`WASM_TESTSUITE`).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use arbitrary::Unstructured;
use mote_fuzz::rng::Rng;
use wasmparser::{Validator, WasmFeatures};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::{Wast, WastDirective, WastExecute};

/// wasm-smith modules generated without `MOTE_ORACLE_COUNT`.
const QUICK_COUNT: usize = 1500;
/// Mutated copies made of each module.
const MUTANTS: usize = 2;
const DEFAULT_SEED: u64 = 0x6d6f_7465_7761_736d;

/// The oracle's features: what mote runs (see `mote_core::validate::Features`).
fn oracle_features() -> WasmFeatures {
    let mut features = WasmFeatures::WASM2;
    features.remove(WasmFeatures::SIMD);
    features.insert(WasmFeatures::TAIL_CALL);
    features.insert(WasmFeatures::EXTENDED_CONST);
    features.insert(
        WasmFeatures::MULTI_MEMORY | WasmFeatures::CUSTOM_PAGE_SIZES | WasmFeatures::MEMORY64,
    );
    features
}

/// Accepted or refused, with the reason, by one validator.
type Verdict = Result<(), String>;

fn oracle(bytes: &[u8]) -> Verdict {
    Validator::new_with_features(oracle_features())
        .validate_all(bytes)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn mote(bytes: &[u8]) -> Verdict {
    match catch_unwind(AssertUnwindSafe(|| mote_core::Module::new(bytes))) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("PANIC".to_string()),
    }
}

/// Counts for one category of modules.
#[derive(Default)]
struct Tally {
    modules: usize,
    both_accept: usize,
    both_refuse: usize,
    disagreements: Vec<String>,
}

#[derive(Default)]
struct Report {
    categories: BTreeMap<String, Tally>,
}

impl Report {
    fn check(&mut self, category: &str, what: &dyn Fn() -> String, bytes: &[u8]) {
        let tally = self.categories.entry(category.to_string()).or_default();
        tally.modules += 1;
        let (mote, oracle) = (mote(bytes), oracle(bytes));
        match (&mote, &oracle) {
            (Ok(()), Ok(())) => tally.both_accept += 1,
            (Err(m), Err(_)) if m != "PANIC" => tally.both_refuse += 1,
            _ => tally.disagreements.push(format!(
                "{}: mote {:?}, wasmparser {:?} ({} bytes: {})",
                what(),
                mote,
                oracle,
                bytes.len(),
                hex(bytes)
            )),
        }
    }

    fn print_and_assert(&self) {
        println!(
            "{:<48} {:>8} {:>9} {:>9} {:>9}",
            "category", "modules", "accepted", "refused", "disagree"
        );
        let mut total = Tally::default();
        for (name, t) in &self.categories {
            println!(
                "{name:<48} {:>8} {:>9} {:>9} {:>9}",
                t.modules,
                t.both_accept,
                t.both_refuse,
                t.disagreements.len()
            );
            total.modules += t.modules;
            total.both_accept += t.both_accept;
            total.both_refuse += t.both_refuse;
        }
        let disagreements: Vec<&String> = self
            .categories
            .values()
            .flat_map(|t| &t.disagreements)
            .collect();
        println!(
            "{:<48} {:>8} {:>9} {:>9} {:>9}",
            "total",
            total.modules,
            total.both_accept,
            total.both_refuse,
            disagreements.len()
        );
        for d in disagreements.iter().take(20) {
            println!("DISAGREE {d}");
        }
        assert!(
            disagreements.is_empty(),
            "{} disagreements with wasmparser's validator",
            disagreements.len()
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    const SHOWN: usize = 160;
    let mut s: String = bytes
        .iter()
        .take(SHOWN)
        .map(|b| format!("{b:02x}"))
        .collect();
    if bytes.len() > SHOWN {
        s.push_str("...");
    }
    s
}

/// A copy of `bytes` with one byte replaced (which keeps every size field intact, so
/// the copy often still parses and tests validation proper), or with one to three
/// bytes flipped, inserted or deleted.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if !out.is_empty() && rng.index(2) == 0 {
        let at = rng.index(out.len());
        out[at] = rng.byte();
        return out;
    }
    for _ in 0..1 + rng.index(3) {
        let at = rng.index(out.len() + 1);
        match rng.index(3) {
            0 if at < out.len() => out[at] ^= 1 << rng.index(8),
            1 => out.insert(at, rng.byte()),
            _ if at < out.len() => {
                out.remove(at);
            }
            _ => out.push(rng.byte()),
        }
    }
    out
}

/// Every module of the spec suite's top-level scripts (SIMD scripts included: mote
/// refuses those modules, as the oracle does without SIMD): (category, label, bytes).
fn spec_modules(dir: &Path) -> Vec<(&'static str, String, Vec<u8>)> {
    let mut scripts: Vec<_> = std::fs::read_dir(dir)
        .expect("read the spec suite")
        .map(|e| e.expect("spec suite entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    scripts.sort();
    let mut modules = Vec::new();
    for path in scripts {
        let text = std::fs::read_to_string(&path).expect("read a script");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut lexer = Lexer::new(&text);
        lexer.allow_confusing_unicode(true);
        let buf = ParseBuffer::new_with_lexer(lexer).expect("lex a script");
        let wast = parser::parse::<Wast>(&buf).expect("parse a script");
        for directive in wast.directives {
            let line = directive.span().linecol_in(&text).0 + 1;
            let (category, encoded) = match directive {
                WastDirective::Module(mut m) | WastDirective::ModuleDefinition(mut m) => {
                    ("spec: modules", m.encode())
                }
                WastDirective::AssertUnlinkable { mut module, .. } => {
                    ("spec: modules", module.encode())
                }
                WastDirective::AssertTrap {
                    exec: WastExecute::Wat(mut module),
                    ..
                }
                | WastDirective::AssertReturn {
                    exec: WastExecute::Wat(mut module),
                    ..
                } => ("spec: modules", module.encode()),
                WastDirective::AssertInvalid { mut module, .. } => {
                    ("spec: assert_invalid", module.encode())
                }
                // Malformed text that wast cannot turn into a binary is skipped below.
                WastDirective::AssertMalformed { mut module, .. } => {
                    ("spec: assert_malformed", module.encode())
                }
                _ => continue,
            };
            if let Ok(bytes) = encoded {
                modules.push((category, format!("{name}:{line}"), bytes));
            }
        }
    }
    modules
}

/// A wasm-smith configuration: WebAssembly 2.0 without SIMD, with tail calls and
/// extended constant expressions, unless changed.
fn wasm2() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        threads_enabled: false,
        tail_call_enabled: true,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: true,
        compact_imports_enabled: false,
        custom_page_sizes_enabled: false,
        max_memories: 1,
        ..wasm_smith::Config::default()
    }
}

/// The configurations generated modules come from.
fn smith_configs() -> Vec<(&'static str, wasm_smith::Config)> {
    use wasm_smith::{InstructionKind as K, InstructionKinds};
    vec![
        // Everything wasm-smith knows (GC, exceptions, threads, SIMD, ...): mostly
        // modules both refuse, through mote's unsupported-proposal paths.
        ("default (all proposals)", wasm_smith::Config::default()),
        ("wasm 2.0", wasm2()),
        (
            "wasm 2.0, no floats",
            wasm_smith::Config {
                allow_floats: false,
                ..wasm2()
            },
        ),
        (
            "reference types + bulk memory",
            wasm_smith::Config {
                max_tables: 5,
                min_element_segments: 1,
                max_element_segments: 10,
                min_data_segments: 1,
                max_data_segments: 10,
                allowed_instructions: InstructionKinds::new(&[
                    K::Reference,
                    K::Table,
                    K::Memory,
                    K::Control,
                    K::Parametric,
                    K::Variable,
                    K::NumericInt,
                ]),
                ..wasm2()
            },
        ),
        (
            "multi-value",
            wasm_smith::Config {
                max_values: 16,
                max_types: 40,
                max_nesting_depth: 20,
                ..wasm2()
            },
        ),
        (
            "invalid instructions",
            wasm_smith::Config {
                allow_invalid_funcs: true,
                max_funcs: 8,
                ..wasm2()
            },
        ),
    ]
}

#[test]
fn mote_agrees_with_wasmparser() {
    let seed = std::env::var("MOTE_ORACLE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let count = std::env::var("MOTE_ORACLE_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(QUICK_COUNT);
    let mut rng = Rng::new(seed);
    let mut report = Report::default();
    println!("seed {seed}, {count} generated modules, {MUTANTS} mutants each");

    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let suite = mote_tests::spec::Config::from_env(repo_root).dir;
    if suite.is_dir() {
        for (category, label, bytes) in spec_modules(&suite) {
            report.check(category, &|| label.clone(), &bytes);
            for i in 0..MUTANTS {
                let mutant = mutate(&mut rng, &bytes);
                report.check("spec: mutated", &|| format!("{label} mutant {i}"), &mutant);
            }
        }
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "spec suite not found at {}",
            suite.display()
        );
        println!(
            "spec suite not found at {}: only generated modules",
            suite.display()
        );
    }

    let configs = smith_configs();
    for n in 0..count {
        let (name, config) = &configs[n % configs.len()];
        let len = 16 + rng.index(4096);
        let data = rng.bytes(len);
        let Ok(module) = wasm_smith::Module::new(config.clone(), &mut Unstructured::new(&data))
        else {
            continue;
        };
        let bytes = module.to_bytes();
        let label = || format!("wasm-smith {name} #{n} (seed {seed})");
        report.check(&format!("wasm-smith: {name}"), &label, &bytes);
        for i in 0..MUTANTS {
            let mutant = mutate(&mut rng, &bytes);
            let label = || format!("wasm-smith {name} #{n} mutant {i} (seed {seed})");
            report.check(&format!("wasm-smith: {name}, mutated"), &label, &mutant);
        }
    }
    report.print_and_assert();
}
