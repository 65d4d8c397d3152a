//! The official WebAssembly spec suite on the AOT engines (compile, write .aot, load, run).
//!
//! Run with `cargo test -p mote-tests --test spec_aot`; `SPEC_FILTER=substring` runs only the
//! scripts whose name contains it, `WASM_TESTSUITE=dir` points at another copy of the
//! suite, `SPEC_JOBS=n` sets the number of worker threads.

use std::io::Write;
use std::path::Path;

use mote_tests::spec::{self, Config, AOT_ENGINES};

#[test]
fn spec_suite_aot() {
    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives inside the repository");
    let config = Config::from_env(repo_root);
    // The report goes to the process's stdout directly rather than through `println!`,
    // which the test harness captures: the per-script lines and the summary are the
    // point of this test, passing or not.
    let mut out = std::io::stdout();

    if !config.dir.is_dir() {
        let msg = format!(
            "spec suite not found at {} (set WASM_TESTSUITE to its folder)",
            config.dir.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        let banner = "!".repeat(72);
        writeln!(out, "{banner}\nSKIPPED: {msg}\n{banner}").unwrap();
        return;
    }

    let reports = spec::run_all(AOT_ENGINES, &config, &mut out).expect("cannot read the suite");
    out.flush().unwrap();
    // Failures beyond the known ones (per script) fail the test; fewer are welcome.
    let mut unexpected = Vec::new();
    for report in &reports {
        for file in &report.files {
            let allowed = KNOWN_FAILURES
                .iter()
                .find(|(name, _)| *name == file.name)
                .map_or(0, |(_, n)| *n);
            if file.outcome.failed > allowed {
                unexpected.push(format!(
                    "{} {}: {} failed (known: {allowed})",
                    report.engine, file.name, file.outcome.failed
                ));
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "AOT spec suite failures: {}",
        unexpected.join(", ")
    );
}

/// Known AOT failures, per script: LLVM folds `f32.demote_f64(f64.promote_f32(x))` to
/// `x`, so a signalling NaN argument comes back unquieted where the spec expects an
/// arithmetic (quiet) NaN (`no_fold_promote_demote`). The compiler's fix keeps the pair.
const KNOWN_FAILURES: &[(&str, usize)] = &[("float_exprs.wast", 2)];
