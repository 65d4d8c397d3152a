//! Runs the whole suite on one engine: finds the scripts, runs them on worker threads and
//! prints the report in file order.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::proposals::{self, Proposal, ProposalSuite};
use super::script::{count_directives, run_script, Failure, ScriptOutcome};
use super::watchdog::Watchdog;
use super::Engine;

/// Native stack for the threads that run scripts. Engines keep their own value stack, so
/// this only needs room for the runner and for engines that recurse natively while
/// translating deeply nested code.
const WORKER_STACK: usize = 32 << 20;

/// Longest failure detail printed; panics and long result lists get cut here.
const MAX_DETAIL_CHARS: usize = 400;

/// The repository's own scripts, relative to its root: cases the official suite does not
/// cover, run on every engine after it.
pub const REPO_SCRIPTS: &str = "tests/wast";

pub struct Config {
    /// The folder whose top-level `.wast` files are run.
    pub dir: PathBuf,
    /// What the report calls these scripts (`tests/wast`), in front of each engine's
    /// header and summary line; none for the official suite, whose lines stay bare.
    pub name: Option<String>,
    /// Run only scripts whose file name contains this.
    pub filter: Option<String>,
    /// Scripts run at once.
    pub jobs: usize,
    /// Failure lines printed per script; the rest are only counted.
    pub max_details: usize,
    /// Run only the engines named here (`SPEC_ENGINES=interp,aot-guard`); all if empty.
    pub engines: Vec<String>,
    /// For a proposal folder, each script's proposal (`proposals.rs`); none for the core
    /// suite and the repository's scripts.
    pub proposals: Option<&'static [(&'static str, Proposal)]>,
}

impl Config {
    /// The suite at `$WASM_TESTSUITE`, or `../shared/wasm-testsuite` beside the repository
    /// at `repo_root`. `SPEC_FILTER=substring` picks scripts by name, `SPEC_JOBS=n` sets
    /// the number of worker threads, `SPEC_DETAILS=n` the failure lines shown per script,
    /// `SPEC_ENGINES=a,b` the engines to run.
    pub fn from_env(repo_root: &Path) -> Config {
        let dir = match std::env::var_os("WASM_TESTSUITE") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => repo_root.join("../shared/wasm-testsuite"),
        };
        let filter = std::env::var("SPEC_FILTER").ok().filter(|f| !f.is_empty());
        let jobs = std::env::var("SPEC_JOBS")
            .ok()
            .and_then(|j| j.parse().ok())
            .filter(|&j| j > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let max_details = std::env::var("SPEC_DETAILS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20);
        let engines = std::env::var("SPEC_ENGINES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(String::from)
            .collect();
        Config {
            dir,
            name: None,
            filter,
            jobs,
            max_details,
            engines,
            proposals: None,
        }
    }

    /// The proposal folder `suite` of the suite at `self.dir`, with the same filter,
    /// threads, details and engines.
    pub fn proposal_suite(&self, suite: &ProposalSuite) -> Config {
        Config {
            dir: self.dir.join(suite.dir),
            name: Some(suite.dir.to_string()),
            proposals: Some(suite.scripts),
            ..self.same_selection()
        }
    }

    fn same_selection(&self) -> Config {
        Config {
            dir: self.dir.clone(),
            name: None,
            filter: self.filter.clone(),
            jobs: self.jobs,
            max_details: self.max_details,
            engines: self.engines.clone(),
            proposals: None,
        }
    }

    /// The proposal a script belongs to: from the folder's table, or SIMD for the core
    /// suite's `simd_*` scripts; `None` for core scripts.
    fn proposal(&self, name: &str) -> Option<Proposal> {
        match self.proposals {
            Some(table) => table.iter().find(|(n, _)| *n == name).map(|&(_, p)| p),
            None => proposals::core_script(name),
        }
    }

    /// The repository's own scripts (`REPO_SCRIPTS` under `repo_root`), with the same
    /// filter, threads, details and engines.
    pub fn repo_scripts(&self, repo_root: &Path) -> Config {
        Config {
            dir: repo_root.join(REPO_SCRIPTS),
            name: Some(REPO_SCRIPTS.to_string()),
            ..self.same_selection()
        }
    }

    /// `NAME: ` for a named set of scripts, nothing for the official suite.
    fn prefix(&self) -> String {
        self.name
            .as_ref()
            .map_or_else(String::new, |name| format!("{name}: "))
    }

    /// The top-level `.wast` files that pass the filter, sorted by name. In a proposal
    /// folder every script must be in its table, so that none is left out unnoticed.
    pub fn scripts(&self) -> io::Result<Vec<PathBuf>> {
        let mut scripts = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let path = entry?.path();
            let is_wast = path.extension().is_some_and(|e| e == "wast");
            if is_wast && self.proposals.is_some() && self.proposal(&file_name(&path)).is_none() {
                return Err(io::Error::other(format!(
                    "{} is not in the proposal table (tests/src/spec/proposals.rs)",
                    path.display()
                )));
            }
            let wanted = match &self.filter {
                Some(filter) => file_name(&path).contains(filter.as_str()),
                None => true,
            };
            if is_wast && wanted && path.is_file() {
                scripts.push(path);
            }
        }
        scripts.sort();
        Ok(scripts)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

pub struct FileReport {
    pub name: String,
    /// The proposal the script belongs to, if any.
    pub proposal: Option<&'static str>,
    pub outcome: ScriptOutcome,
}

/// The scripts of one proposal that were counted, not run.
#[derive(Default)]
pub struct Skipped {
    pub reason: &'static str,
    pub files: usize,
    pub directives: usize,
}

pub struct EngineReport {
    pub engine: &'static str,
    /// The scripts that ran, in file order.
    pub files: Vec<FileReport>,
    /// By proposal name.
    pub skipped: BTreeMap<&'static str, Skipped>,
    pub elapsed: Duration,
}

impl EngineReport {
    pub fn passed(&self) -> usize {
        self.files.iter().map(|f| f.outcome.passed).sum()
    }

    pub fn failed(&self) -> usize {
        self.files.iter().map(|f| f.outcome.failed).sum()
    }

    /// Binary `assert_malformed` modules refused, and how many with the script's message.
    pub fn malformed(&self) -> (usize, usize) {
        let refused = self.files.iter().map(|f| f.outcome.malformed).sum();
        let matching = self
            .files
            .iter()
            .map(|f| f.outcome.malformed_matching)
            .sum();
        (refused, matching)
    }
}

/// What a worker did with one script.
enum Done {
    Ran(Option<Proposal>, ScriptOutcome),
    /// A script of a proposal mote does not run, counted.
    Counted(Proposal, Result<usize, String>),
}

/// Runs the suite on each engine in turn, printing each engine's report as it goes.
pub fn run_all(
    engines: &[Engine],
    config: &Config,
    out: &mut dyn Write,
) -> io::Result<Vec<EngineReport>> {
    engines
        .iter()
        .filter(|e| config.engines.is_empty() || config.engines.iter().any(|n| n == e.name))
        .map(|engine| run_engine(engine, config, out))
        .collect()
}

/// Runs every script on `engine`. Prints a header, one line per script (with up to
/// `config.max_details` failure lines), the SIMD skip count, and last the engine's
/// name followed by the line `N passed, M failed` (both lines after the scripts'
/// name, if they have one: `tests/wast: N passed, M failed`).
pub fn run_engine(
    engine: &Engine,
    config: &Config,
    out: &mut dyn Write,
) -> io::Result<EngineReport> {
    let start = Instant::now();
    let scripts = config.scripts()?;
    let prefix = config.prefix();
    writeln!(out, "== {prefix}engine: {} ==", engine.name)?;
    let mut report = EngineReport {
        engine: engine.name,
        files: Vec::new(),
        skipped: BTreeMap::new(),
        elapsed: Duration::ZERO,
    };
    let mut record = |path: &Path, done: Done| -> io::Result<()> {
        let name = file_name(path);
        match done {
            Done::Ran(proposal, outcome) => {
                print_file(out, &name, &outcome, config.max_details)?;
                report.files.push(FileReport {
                    name,
                    proposal: proposal.map(|p| p.name),
                    outcome,
                });
            }
            Done::Counted(proposal, counted) => {
                let skipped = report.skipped.entry(proposal.name).or_default();
                skipped.reason = proposal.skip.unwrap_or_default();
                skipped.files += 1;
                match counted {
                    Ok(directives) => skipped.directives += directives,
                    Err(e) => writeln!(
                        out,
                        "{name}: skipped ({}), cannot count its directives: {e}",
                        proposal.name
                    )?,
                }
            }
        }
        Ok(())
    };
    run_parallel(&scripts, engine, config, &mut record)?;
    report.elapsed = start.elapsed();
    if config.proposals.is_some() {
        print_proposals(out, &report)?;
    }
    for (proposal, skipped) in &report.skipped {
        writeln!(
            out,
            "skipped: {proposal} {} files, {} directives ({})",
            skipped.files, skipped.directives, skipped.reason
        )?;
    }
    let (malformed, matching) = report.malformed();
    writeln!(
        out,
        "assert_malformed: {matching} of {malformed} binary modules refused with the script's message"
    )?;
    writeln!(
        out,
        "engine {}: {} scripts in {:.1} s",
        engine.name,
        report.files.len(),
        report.elapsed.as_secs_f64()
    )?;
    writeln!(
        out,
        "{prefix}{} passed, {} failed",
        report.passed(),
        report.failed()
    )?;
    Ok(report)
}

/// Runs `scripts` on `jobs` threads and hands each result to `record` in file order, as
/// soon as it and all before it are done, so the report streams.
fn run_parallel(
    scripts: &[PathBuf],
    engine: &Engine,
    config: &Config,
    record: &mut dyn FnMut(&Path, Done) -> io::Result<()>,
) -> io::Result<()> {
    let jobs = config.jobs.clamp(1, scripts.len().max(1));
    let next = AtomicUsize::new(0);
    let watchdog = Watchdog::new(jobs);
    std::thread::scope(|scope| -> io::Result<()> {
        let (tx, rx) = mpsc::channel::<(usize, Done)>();
        for worker in 0..jobs {
            let tx = tx.clone();
            let (next, watchdog) = (&next, &watchdog);
            std::thread::Builder::new()
                .name(format!("spec-{worker}"))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = scripts.get(i) else { break };
                    let name = file_name(path);
                    let done = match config.proposal(&name) {
                        Some(p) if p.skip.is_some() => Done::Counted(p, count_directives(path)),
                        proposal => Done::Ran(
                            proposal,
                            run_script(path, engine, &|line| watchdog.at(worker, &name, line)),
                        ),
                    };
                    watchdog.idle(worker);
                    if tx.send((i, done)).is_err() {
                        break;
                    }
                })?;
        }
        drop(tx);
        scope.spawn(|| watchdog.watch());

        let mut waiting = BTreeMap::new();
        let mut printed = 0;
        let result = (|| {
            for (i, done) in &rx {
                waiting.insert(i, done);
                while let Some(done) = waiting.remove(&printed) {
                    record(&scripts[printed], done)?;
                    printed += 1;
                }
            }
            // Every worker has exited; a script without a result lost its worker to a
            // panic outside the per-directive guard.
            for (i, path) in scripts.iter().enumerate().skip(printed) {
                let done = waiting
                    .remove(&i)
                    .unwrap_or_else(|| Done::Ran(config.proposal(&file_name(path)), worker_died()));
                record(path, done)?;
            }
            Ok(())
        })();
        watchdog.finish();
        result
    })
}

fn worker_died() -> ScriptOutcome {
    ScriptOutcome {
        failed: 1,
        failures: vec![Failure {
            line: 0,
            directive: "script",
            detail: "the worker thread running it died".to_string(),
        }],
        ..ScriptOutcome::default()
    }
}

/// One line per proposal whose scripts ran: `proposal NAME: N passed, M failed (K
/// scripts)`.
fn print_proposals(out: &mut dyn Write, report: &EngineReport) -> io::Result<()> {
    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for file in &report.files {
        let total = totals.entry(file.proposal.unwrap_or("core")).or_default();
        total.0 += file.outcome.passed;
        total.1 += file.outcome.failed;
        total.2 += 1;
    }
    for (proposal, (passed, failed, scripts)) in totals {
        writeln!(
            out,
            "proposal {proposal}: {passed} passed, {failed} failed ({scripts} scripts)"
        )?;
    }
    Ok(())
}

fn print_file(
    out: &mut dyn Write,
    name: &str,
    outcome: &ScriptOutcome,
    max_details: usize,
) -> io::Result<()> {
    writeln!(
        out,
        "{name}: {} passed, {} failed",
        outcome.passed, outcome.failed
    )?;
    for f in outcome.failures.iter().take(max_details) {
        writeln!(
            out,
            "  {name}:{}: {}: {}",
            f.line,
            f.directive,
            truncate(&f.detail, MAX_DETAIL_CHARS)
        )?;
    }
    if outcome.failures.len() > max_details {
        writeln!(
            out,
            "  ... {} more failures in {name}",
            outcome.failures.len() - max_details
        )?;
    }
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &s[..cut]),
        None => s.to_string(),
    }
}
