//! Builds `.wasm` binaries from `.wat` sources with the `wat` crate, so rebuilding the
//! bundled examples needs nothing beyond cargo (no wabt on the machine).
//!
//! Usage: `cargo run -p iwasm --example wat2wasm -- FILE.wat...` writes each `FILE.wasm`
//! beside its source. `examples/build.sh` runs it over every example.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let sources: Vec<String> = std::env::args().skip(1).collect();
    if sources.is_empty() {
        eprintln!("usage: wat2wasm FILE.wat...");
        return ExitCode::from(2);
    }
    let mut status = ExitCode::SUCCESS;
    for source in &sources {
        let out = Path::new(source).with_extension("wasm");
        match wat::parse_file(source).map(|bytes| std::fs::write(&out, bytes)) {
            Ok(Ok(())) => println!("{source} -> {}", out.display()),
            Ok(Err(e)) => {
                eprintln!("wat2wasm: cannot write {}: {e}", out.display());
                status = ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("wat2wasm: {e}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
