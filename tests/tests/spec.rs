//! The official WebAssembly spec suite on every engine, then the proposal folders'
//! scripts (`proposals/wasm-3.0`, `proposals/custom-page-sizes`: those of the proposals
//! mote runs, the others counted as skipped with the reason), then the repository's own
//! scripts (`tests/wast`), each engine with its own summary line.
//!
//! Run with `cargo test -p mote-tests --test spec`; `SPEC_FILTER=substring` runs only the
//! scripts whose name contains it, `WASM_TESTSUITE=dir` points at another copy of the
//! suite, `SPEC_JOBS=n` sets the number of worker threads.

use std::io::Write;
use std::path::Path;

use mote_tests::spec::proposals::PROPOSAL_SUITES;
use mote_tests::spec::{self, Config, ENGINES, REPO_ENGINES};

#[test]
fn spec_suite() {
    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives inside the repository");
    let config = Config::from_env(repo_root);
    // The report goes to the process's stdout directly rather than through `println!`,
    // which the test harness captures: the per-script lines and the summary are the
    // point of this test, passing or not.
    let mut out = std::io::stdout();

    let mut reports = Vec::new();
    if config.dir.is_dir() {
        reports = spec::run_all(ENGINES, &config, &mut out).expect("cannot read the suite");
        // Then the proposals' scripts (`proposals.rs` says which run), each folder as a
        // named set with a summary per proposal and engine.
        for suite in PROPOSAL_SUITES {
            let proposal = config.proposal_suite(suite);
            assert!(
                proposal.dir.is_dir(),
                "proposal scripts not found at {} (the suite at {} is incomplete)",
                proposal.dir.display(),
                config.dir.display()
            );
            reports.extend(
                spec::run_all(ENGINES, &proposal, &mut out).expect("cannot read the proposals"),
            );
        }
    } else {
        let msg = format!(
            "spec suite not found at {} (set WASM_TESTSUITE to its folder)",
            config.dir.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        let banner = "!".repeat(72);
        writeln!(out, "{banner}\nSKIPPED: {msg}\n{banner}").unwrap();
    }
    let own = config.repo_scripts(repo_root);
    reports.extend(spec::run_all(REPO_ENGINES, &own, &mut out).expect("cannot read tests/wast"));
    out.flush().unwrap();

    let failing: Vec<String> = reports
        .iter()
        .filter(|r| r.failed() > 0)
        .map(|r| format!("{}: {} failed", r.engine, r.failed()))
        .collect();
    assert!(
        failing.is_empty(),
        "spec suite failures: {}",
        failing.join(", ")
    );
}
