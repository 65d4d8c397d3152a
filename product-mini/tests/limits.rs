//! `iwasm --fuel=N` and `--timeout=MS` on `.wasm` (interpreter) and `.aot` files compiled
//! in-process as `aotc --fuel --interruptible` would.
#![cfg(all(
    feature = "limits",
    feature = "interp",
    feature = "aot",
    target_arch = "x86_64",
    target_os = "linux"
))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROGRAM: &str = r#"(module
  (func (export "spin") (loop $l (br $l)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;

/// The program as `.wasm`, and as `.aot` with and without the checks: written once per
/// process (the tests run in parallel and would otherwise read each other's half-written
/// files).
fn files() -> [PathBuf; 3] {
    static FILES: std::sync::OnceLock<[PathBuf; 3]> = std::sync::OnceLock::new();
    FILES.get_or_init(write_files).clone()
}

fn write_files() -> [PathBuf; 3] {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("iwasm-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = wat::parse_str(PROGRAM).unwrap();
    let module = mote_core::Module::new(&wasm).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let aot = |checks: bool| {
        let mut opts = mote_aotc::Options::host();
        opts.fuel = checks;
        opts.interruptible = checks;
        opts.opt_level = 1;
        mote_core::aot::format::write(&mote_aotc::compile(&module, &wasm, &opts).unwrap())
    };
    [
        write("limits.wasm", &wasm),
        write("limits.aot", &aot(true)),
        write("limits-plain.aot", &aot(false)),
    ]
}

fn iwasm(args: &[&str], file: &Path, rest: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .args(args)
        .arg(file)
        .args(rest)
        .output()
        .expect("run iwasm")
}

fn fails_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
}

#[test]
fn fuel_stops_an_endless_loop_and_is_enough_for_a_bounded_call() {
    let [wasm, aot, plain] = files();
    for file in [&wasm, &aot] {
        let out = iwasm(&["--fuel=100000", "-f", "spin"], file, &[]);
        fails_with(&out, "Exception: all fuel consumed");
        let out = iwasm(&["--fuel=100000", "-f", "fib"], file, &["10"]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "0x37:i32\n");
        // fib(10) takes 89 leaf calls × 7 units + 88 inner calls × 15 = 1943 units.
        let out = iwasm(&["--fuel=1942", "-f", "fib"], file, &["10"]);
        fails_with(&out, "all fuel consumed");
        let out = iwasm(&["--fuel=1943", "-f", "fib"], file, &["10"]);
        assert_eq!(out.status.code(), Some(0));
    }
    let out = iwasm(&["--fuel=100", "-f", "fib"], &plain, &["10"]);
    fails_with(&out, "aotc --fuel");
}

#[test]
fn timeout_interrupts_an_endless_loop() {
    let [wasm, aot, plain] = files();
    for file in [&wasm, &aot] {
        let out = iwasm(&["--timeout=200", "-f", "spin"], file, &[]);
        fails_with(&out, "Exception: execution interrupted");
        let out = iwasm(&["--timeout=60000", "-f", "fib"], file, &["10"]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "0x37:i32\n");
    }
    let out = iwasm(&["--timeout=200", "-f", "spin"], &plain, &[]);
    fails_with(&out, "aotc --interruptible");
}

#[test]
fn help_documents_the_limits() {
    let out = Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for option in ["--fuel <N>", "--timeout <MS>"] {
        assert!(help.contains(option), "{option}: {help}");
    }
}
