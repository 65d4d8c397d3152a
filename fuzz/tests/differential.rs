//! The CI sample: a fixed seed's first modules on every engine (a few seconds in a
//! release build). Longer campaigns: `cargo run --release -p mote-fuzz -- --seconds N`.

use std::time::Duration;

use mote_fuzz::campaign::{self, Options};
use mote_fuzz::generate::PROFILES;

/// Every profile several times over.
const MODULES: u64 = 12 * PROFILES.len() as u64;

#[test]
fn fixed_seed_sample_agrees_with_the_reference() {
    let summary = campaign::run(&Options {
        seed: 1,
        count: Some(MODULES),
        time: None,
        jobs: 1,
        out: None,
        // The report names the module; `mote-fuzz --seed 1 --only N` reduces and saves it.
        reduce: Duration::ZERO,
        engines: Vec::new(),
        verbose: false,
        only: None,
    });
    println!("{summary}");
    assert_eq!(summary.modules + summary.not_generated, MODULES);
    // The sample must exercise something: most modules instantiate and get called.
    assert!(summary.instantiated * 2 > summary.modules, "{summary}");
    assert!(summary.calls > summary.modules, "{summary}");
    assert_eq!(summary.total_divergences(), 0, "{summary}");
}
