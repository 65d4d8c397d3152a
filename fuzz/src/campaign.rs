//! A fuzzing run: modules from a seed, on every engine, until a count or a time is
//! reached; differences are reduced and saved, and counted for the summary.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Not;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mote_core::aot::object::BoundsChecks;

use crate::driver::{self, Difference, Point};
use crate::engine::Engine;
use crate::mote_engine::{MoteEngine, Variant};
use crate::reduce::{self, Case};
use crate::rng::Rng;
use crate::wasmi_engine::Wasmi;
use crate::{generate, module_info};

/// AOT optimisation levels, taken in turn (a different cycle from the profiles', so
/// every profile meets every level).
const OPT_LEVELS: &[u8] = &[3, 0, 2, 1];

pub struct Options {
    pub seed: u64,
    /// Stop after this many modules.
    pub count: Option<u64>,
    /// Stop after this long.
    pub time: Option<Duration>,
    /// Worker threads.
    pub jobs: usize,
    /// Where divergences are saved; `None`: not saved.
    pub out: Option<PathBuf>,
    /// Time spent reducing each divergence; zero: not reduced.
    pub reduce: Duration,
    /// mote engines to run (`interp`, `aot-explicit`, `aot-guard`); empty: all.
    pub engines: Vec<String>,
    /// Print each module's number before running it (to find one that crashes).
    pub verbose: bool,
    /// Run only this module of the seed.
    pub only: Option<u64>,
}

/// A divergence found.
#[derive(Debug)]
pub struct Found {
    pub index: u64,
    pub profile: &'static str,
    pub engine: String,
    pub opt_level: u8,
    pub difference: Difference,
    pub saved: Option<PathBuf>,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub seed: u64,
    pub modules: u64,
    pub not_generated: u64,
    pub instantiated: u64,
    pub calls: u64,
    /// Modules whose comparison stopped when an engine exhausted its stack or the
    /// reference its step bound.
    pub exhausted: u64,
    /// Divergences per engine pair.
    pub divergences: BTreeMap<String, u64>,
    /// Modules and calls (on the reference) per generator profile.
    pub per_profile: BTreeMap<&'static str, (u64, u64)>,
    pub found: Vec<Found>,
    pub elapsed: Duration,
}

impl Summary {
    pub fn total_divergences(&self) -> u64 {
        self.divergences.values().sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seed {}: {} modules generated ({} seeds gave none), {} instantiated, {} calls, {:.1} s",
            self.seed, self.modules, self.not_generated, self.instantiated, self.calls, self.elapsed.as_secs_f64())?;
        let profiles: Vec<String> = self
            .per_profile
            .iter()
            .map(|(p, (modules, calls))| format!("{p} {modules}/{calls}"))
            .collect();
        writeln!(f, "modules/calls per profile: {}", profiles.join(", "))?;
        writeln!(
            f,
            "stopped at stack exhaustion or the step bound: {} modules",
            self.exhausted
        )?;
        for found in &self.found {
            let d = &found.difference;
            let at = match d.point {
                Point::Setup => "setup".to_string(),
                Point::Call(i) => format!("call {i}"),
            };
            writeln!(
                f,
                "DIVERGENCE module {} ({}, {} -O{}): {} at {at}: wasmi {} / {} {}{}",
                found.index,
                found.profile,
                found.engine,
                found.opt_level,
                d.what,
                d.reference,
                found.engine,
                d.other,
                found
                    .saved
                    .as_ref()
                    .map(|p| format!(" [{}]", p.display()))
                    .unwrap_or_default()
            )?;
        }
        let pairs: Vec<String> = self
            .divergences
            .iter()
            .map(|(p, n)| format!("{p}: {n}"))
            .collect();
        write!(
            f,
            "divergences: {} ({})",
            self.total_divergences(),
            if pairs.is_empty() {
                "none".to_string()
            } else {
                pairs.join(", ")
            }
        )
    }
}

fn mote_engines(opt_level: u8, wanted: &[String]) -> Vec<MoteEngine> {
    [
        Variant::Interp,
        Variant::Aot(BoundsChecks::Explicit, opt_level),
        Variant::Aot(BoundsChecks::Guard, opt_level),
    ]
    .into_iter()
    .map(MoteEngine::new)
    .filter(|e| wanted.is_empty() || wanted.iter().any(|w| w == e.name()))
    .collect()
}

/// Runs module `index`; returns what to add to the summary.
fn one_module(opts: &Options, index: u64, summary: &Mutex<Summary>) {
    let Some(generated) = generate::module(opts.seed, index) else {
        summary.lock().unwrap().not_generated += 1;
        return;
    };
    let opt_level = OPT_LEVELS[(index % OPT_LEVELS.len() as u64) as usize];
    let info = match module_info::read(&generated.wasm) {
        Ok(info) => info,
        Err(e) => {
            panic!("module {index}: the generator made a module the fuzzer cannot drive: {e}")
        }
    };
    let mut rng = Rng::new(opts.seed.rotate_left(17) ^ index);
    let calls = driver::plan(&info, &mut rng);
    let reference = Wasmi::default();
    let motes = mote_engines(opt_level, &opts.engines);
    let mut engines: Vec<&dyn Engine> = vec![&reference];
    engines.extend(motes.iter().map(|e| e as &dyn Engine));

    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        driver::run(&generated.wasm, &info, &info.imports, &engines, &calls)
    }));
    let report = match run {
        Ok(report) => report,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let difference = Difference {
                point: Point::Setup,
                what: "panic".to_string(),
                kind: "panic".to_string(),
                reference: "-".to_string(),
                other: msg,
            };
            let case = Case {
                wasm: generated.wasm.clone(),
                calls: calls.clone(),
            };
            let saved = opts
                .out
                .as_deref()
                .map(|out| save(out, opts.seed, index, "panic", &case, None, &difference));
            let mut s = summary.lock().unwrap();
            s.modules += 1;
            *s.divergences.entry("panic".to_string()).or_default() += 1;
            s.found.push(Found {
                index,
                profile: generated.profile,
                engine: "panic".to_string(),
                opt_level,
                difference,
                saved,
            });
            return;
        }
    };

    let mut found = Vec::new();
    for (engine_index, difference) in report.differences {
        let engine = engines[engine_index];
        let calls_upto = match difference.point {
            Point::Setup => Vec::new(),
            Point::Call(i) => calls[..=i].to_vec(),
        };
        let case = Case {
            wasm: generated.wasm.clone(),
            calls: calls_upto,
        };
        let reduced = opts.reduce.is_zero().not().then(|| {
            reduce::reduce(
                case.clone(),
                &reference,
                engine,
                &difference.kind,
                opts.reduce,
            )
        });
        let saved = opts.out.as_deref().map(|out| {
            save(
                out,
                opts.seed,
                index,
                engine.name(),
                &case,
                reduced
                    .as_ref()
                    .map(|r| (r, &reference as &dyn Engine, engine)),
                &difference,
            )
        });
        found.push(Found {
            index,
            profile: generated.profile,
            engine: engine.name().to_string(),
            opt_level,
            difference,
            saved,
        });
    }

    let mut s = summary.lock().unwrap();
    s.modules += 1;
    let profile = s.per_profile.entry(generated.profile).or_default();
    profile.0 += 1;
    profile.1 += report.calls as u64;
    s.instantiated += u64::from(report.instantiated);
    s.calls += report.calls as u64;
    s.exhausted += u64::from(report.exhausted);
    for f in &found {
        *s.divergences
            .entry(format!("{} vs wasmi", f.engine))
            .or_default() += 1;
    }
    s.found.extend(found);
}

/// Writes `<out>/<seed>-<index>/`: the module (`.wasm`, `.wat`), the calls, both
/// outcomes, and the reduced case if there is one.
fn save(
    out: &Path,
    seed: u64,
    index: u64,
    engine: &str,
    case: &Case,
    reduced: Option<(&Case, &dyn Engine, &dyn Engine)>,
    difference: &Difference,
) -> PathBuf {
    let dir = out.join(format!("{seed}-{index}"));
    let write = |name: &str, bytes: &[u8]| {
        if let Err(e) =
            std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join(name), bytes))
        {
            eprintln!("cannot save {}: {e}", dir.join(name).display());
        }
    };
    let wat = |wasm: &[u8]| {
        wasmprinter::print_bytes(wasm).unwrap_or_else(|e| format!(";; wasmprinter: {e}\n"))
    };
    write("module.wasm", &case.wasm);
    write("module.wat", wat(&case.wasm).as_bytes());
    let mut text = format!(
        "engine: {engine} (reference: wasmi)\nwhat: {}\nat: {:?}\nwasmi: {}\n{engine}: {}\n\ncalls (in order, on one instance):\n",
        difference.what, difference.point, difference.reference, difference.other
    );
    for call in &case.calls {
        text.push_str(&format!("  {call}\n"));
    }
    if let Some((reduced, reference, other)) = reduced {
        write(&format!("reduced-{engine}.wasm"), &reduced.wasm);
        write(
            &format!("reduced-{engine}.wat"),
            wat(&reduced.wasm).as_bytes(),
        );
        text.push_str(&format!("\nreduced (reduced-{engine}.wasm), calls:\n"));
        for call in &reduced.calls {
            text.push_str(&format!("  {call}\n"));
        }
        match reduce::check(reduced, reference, other, &difference.kind) {
            Some(d) => text.push_str(&format!(
                "reduced outcome: {} at {:?}\n  wasmi: {}\n  {engine}: {}\n",
                d.what, d.point, d.reference, d.other
            )),
            None => text.push_str("the reduced case no longer reproduces\n"),
        }
    }
    write(&format!("report-{engine}.txt"), text.as_bytes());
    dir
}

/// Runs the campaign described by `opts`.
pub fn run(opts: &Options) -> Summary {
    let start = Instant::now();
    let summary = Mutex::new(Summary {
        seed: opts.seed,
        ..Summary::default()
    });
    let next = Mutex::new(0u64);
    let take = || -> Option<u64> {
        if let Some(only) = opts.only {
            let mut n = next.lock().unwrap();
            let first = *n == 0;
            *n = 1;
            return first.then_some(only);
        }
        if opts.time.is_some_and(|t| start.elapsed() >= t) {
            return None;
        }
        let mut n = next.lock().unwrap();
        if opts.count.is_some_and(|c| *n >= c) {
            return None;
        }
        *n += 1;
        Some(*n - 1)
    };
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.max(1) {
            std::thread::Builder::new()
                // AOT code runs on this thread's stack; fuel keeps recursion shallow,
                // but host calls and LLVM need room too.
                .stack_size(64 << 20)
                .spawn_scoped(scope, || {
                    while let Some(index) = take() {
                        if opts.verbose {
                            eprintln!("module {index}");
                        }
                        one_module(opts, index, &summary);
                    }
                })
                .expect("spawn a fuzzing thread");
        }
    });
    let mut summary = summary.into_inner().unwrap();
    summary.found.sort_by_key(|f| f.index);
    summary.elapsed = start.elapsed();
    summary
}
