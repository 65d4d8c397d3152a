//! `iwasm --fuel=N`, `--timeout=MS` and `--deterministic` on `.wasm` (interpreter) and
//! `.aot` files compiled in-process as `aotc --fuel --interruptible [--deterministic]`
//! would.
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
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "nan") (param i32) (result i32)
    (i32.reinterpret_f32 (f32.add (f32.reinterpret_i32 (local.get 0)) (f32.const 1)))))"#;

/// The program as `.wasm`, as `.aot` with and without the checks, and with the checks in
/// deterministic mode: written once per
/// process (the tests run in parallel and would otherwise read each other's half-written
/// files).
fn files() -> [PathBuf; 4] {
    static FILES: std::sync::OnceLock<[PathBuf; 4]> = std::sync::OnceLock::new();
    FILES.get_or_init(write_files).clone()
}

fn write_files() -> [PathBuf; 4] {
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
    let aot = |checks: bool, deterministic: bool| {
        let mut opts = mote_aotc::Options::host();
        opts.fuel = checks;
        opts.interruptible = checks;
        opts.deterministic = deterministic;
        opts.opt_level = 1;
        mote_core::aot::format::write(&mote_aotc::compile(&module, &wasm, &opts).unwrap())
    };
    [
        write("limits.wasm", &wasm),
        write("limits.aot", &aot(true, false)),
        write("limits-plain.aot", &aot(false, false)),
        write("limits-deterministic.aot", &aot(true, true)),
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
    let [wasm, aot, plain, _] = files();
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
    let [wasm, aot, plain, _] = files();
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
    for option in ["--fuel <N>", "--timeout <MS>", "--deterministic"] {
        assert!(help.contains(option), "{option}: {help}");
    }
}

#[test]
fn deterministic_mode_canonicalises_nans_with_the_same_fuel() {
    let [wasm, aot, plain, deterministic] = files();
    // `nan`: local.get, f32.reinterpret_i32, f32.const, f32.add, i32.reinterpret_f32,
    // end = 6 units, in either mode.
    let run = |flags: &[&str], file: &Path| {
        let mut args = vec!["--fuel=6", "-f", "nan"];
        args.extend_from_slice(flags);
        let out = iwasm(&args, file, &["0x7fa00001"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The input's payload by default (quietened), the canonical NaN when deterministic.
    assert_eq!(run(&[], &wasm), "0x7fe00001:i32\n");
    assert_eq!(run(&[], &aot), "0x7fe00001:i32\n");
    assert_eq!(run(&["--deterministic"], &wasm), "0x7fc00000:i32\n");
    assert_eq!(
        run(&["--deterministic"], &deterministic),
        "0x7fc00000:i32\n"
    );
    for file in [&wasm, &deterministic] {
        let out = iwasm(
            &["--fuel=5", "--deterministic", "-f", "nan"],
            file,
            &["0x7fa00001"],
        );
        fails_with(&out, "all fuel consumed");
    }
    let out = iwasm(&["--deterministic", "-f", "nan"], &plain, &["0"]);
    fails_with(&out, "aotc --deterministic");
}
