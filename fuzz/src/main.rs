//! `mote-fuzz`: the differential fuzzer's command line. See `fuzz/README.md`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use mote_fuzz::campaign::{self, Options};

#[derive(Parser)]
#[command(about = "Differential fuzzing: wasm-smith modules on mote's engines and wasmi")]
struct Args {
    /// Seed of the run: the same seed makes the same modules and calls.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of modules (default 100 unless --seconds is given).
    #[arg(long)]
    count: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long)]
    seconds: Option<u64>,
    /// Worker threads.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Where divergences are saved.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/divergences"))]
    out: PathBuf,
    /// Seconds spent reducing each divergence before it is saved (0: not reduced).
    #[arg(long, default_value_t = 60)]
    reduce_seconds: u64,
    /// mote engines to compare (interp, aot-explicit, aot-guard); all by default.
    #[arg(long, value_delimiter = ',')]
    engines: Vec<String>,
    /// Run only module N of the seed.
    #[arg(long)]
    only: Option<u64>,
    /// Print each module's number before it runs.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let count = match (args.count, args.seconds) {
        (None, None) => Some(100),
        (count, _) => count,
    };
    let opts = Options {
        seed: args.seed,
        count,
        time: args.seconds.map(Duration::from_secs),
        jobs: args.jobs,
        out: Some(args.out),
        reduce: Duration::from_secs(args.reduce_seconds),
        engines: args.engines,
        verbose: args.verbose,
        only: args.only,
    };
    let summary = campaign::run(&opts);
    println!("{summary}");
    if summary.total_divergences() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
