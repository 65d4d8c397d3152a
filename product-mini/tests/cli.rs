//! Runs the `iwasm` binary the way a person would and checks what it prints and how it
//! exits. Modules come from `examples/` or are built here from inline text.

use std::path::{Path, PathBuf};
use std::process::Command;

const EXIT_FAILURE: i32 = 1;
const EXIT_USAGE: i32 = 2;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Exited with `code` (not killed by a signal) and never printed a panic.
    fn exits(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "exit status; stderr: {}",
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("internal error"),
            "{}",
            self.stderr
        );
        self
    }

    /// Succeeded and printed exactly `line` (plus the newline).
    fn prints(&self, line: &str) -> &Run {
        self.exits(0);
        assert_eq!(self.stdout, format!("{line}\n"));
        assert_eq!(self.stderr, "");
        self
    }

    /// Failed with status 1, printing nothing on stdout and `needle` somewhere on stderr.
    fn fails_with(&self, needle: &str) -> &Run {
        self.exits(EXIT_FAILURE);
        assert_eq!(self.stdout, "", "stdout of a failed run");
        assert!(
            self.stderr.contains(needle),
            "stderr should contain {needle:?}: {}",
            self.stderr
        );
        self
    }
}

fn iwasm<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .args(args)
        .output()
        .expect("run iwasm");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `iwasm --interp -f FUNC FILE ARGS...`
fn call(file: &Path, func: &str, args: &[&str]) -> Run {
    let mut all = vec!["--interp", "-f", func, file.to_str().unwrap()];
    all.extend_from_slice(args);
    iwasm(&all)
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn example(name: &str) -> PathBuf {
    examples_dir().join(name)
}

/// Writes `bytes` to a fresh file in cargo's scratch directory for tests.
fn fixture_bytes(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("iwasm-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn fixture(name: &str, wat: &str) -> PathBuf {
    fixture_bytes(&format!("{name}.wasm"), &wat::parse_str(wat).unwrap())
}

// ---- The command line itself --------------------------------------------------------

#[test]
fn help_lists_the_real_options_only() {
    let run = iwasm(&["--help"]);
    run.exits(0);
    for want in [
        "Usage: iwasm [OPTIONS] FILE [ARG]...",
        "--interp",
        "--function",
        "--stack-size",
    ] {
        assert!(run.stdout.contains(want), "{want}: {}", run.stdout);
    }
    // WASI's options exist exactly when WASI is built in.
    for wasi_option in ["--env", "--dir", "--map-dir"] {
        assert_eq!(
            run.stdout.contains(wasi_option),
            cfg!(feature = "wasi"),
            "{wasi_option}"
        );
    }
    assert_eq!(iwasm(&["-h"]).exits(0).stdout, run.stdout);
}

#[test]
fn version() {
    let want = format!("iwasm (mote) {}", env!("CARGO_PKG_VERSION"));
    iwasm(&["--version"]).prints(&want);
}

#[test]
fn usage_errors_exit_2() {
    let fac = example("fac.wasm");
    let fac = fac.to_str().unwrap();
    for args in [
        &[][..],
        &["--bogus", fac],
        &["-x"],
        &["-f"],
        &["--stack-size", "lots", fac],
        &["--stack-size=-1", fac],
        // Larger than 4 GiB: refused rather than attempted.
        &["--stack-size=100000000000000", "-f", "fac", fac, "5"],
    ] {
        let run = iwasm(args);
        assert_eq!(run.code, Some(EXIT_USAGE), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("error:"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn options_after_file_belong_to_the_guest() {
    // As in WAMR: `-f` after FILE is an argument, and there is no -f, so nothing is called.
    iwasm(&[example("fac.wasm").to_str().unwrap(), "-f", "fac", "3"]).exits(0);
    assert_eq!(
        iwasm(&[example("fac.wasm").to_str().unwrap(), "-f", "fac"]).stdout,
        ""
    );
}

// ---- Files that are not (valid) modules ---------------------------------------------

#[test]
fn missing_file() {
    iwasm(&["--interp", "no/such/file.wasm"]).fails_with("cannot read no/such/file.wasm");
}

#[test]
fn directory_instead_of_file() {
    iwasm(&[examples_dir()]).fails_with("cannot read");
}

#[test]
fn not_a_webassembly_file() {
    let text = fixture_bytes("text.wasm", b"(module)\n");
    let empty = fixture_bytes("empty.wasm", b"");
    let short = fixture_bytes("short.wasm", b"\0as");
    for file in [&text, &empty, &short] {
        iwasm(&[file]).fails_with("not a WebAssembly or AOT file");
        call(file, "f", &[]).fails_with("not a WebAssembly or AOT file");
    }
}

/// Offsets where a section ends (and the header's end): cutting a module there leaves
/// well-formed sections, which may or may not make a valid module.
fn section_boundaries(bytes: &[u8]) -> Vec<usize> {
    let mut ends = vec![8];
    let mut at = 8;
    while at < bytes.len() {
        let (mut size, mut shift, mut p) = (0usize, 0, at + 1);
        loop {
            let b = bytes[p];
            size |= ((b & 0x7f) as usize) << shift;
            shift += 7;
            p += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
        at = p + size;
        ends.push(at);
    }
    ends
}

#[test]
fn every_truncation_is_a_load_error() {
    let bytes = std::fs::read(example("fac.wasm")).unwrap();
    let section_ends = section_boundaries(&bytes);
    assert_eq!(section_ends.last(), Some(&bytes.len()));
    for len in 4..bytes.len() {
        let file = fixture_bytes(&format!("truncated-{len}.wasm"), &bytes[..len]);
        let run = iwasm(&[&file]);
        if section_ends.contains(&len) {
            // Whole sections: valid unless a needed section is now missing.
            let code = run.code.unwrap_or(-1);
            assert!(code == 0 || code == EXIT_FAILURE, "{len}: {}", run.stderr);
            run.exits(code);
        } else {
            run.fails_with("WASM module load failed");
        }
    }
}

#[test]
fn corrupted_bytes_never_crash() {
    // A flipped byte may still leave a valid module; either way iwasm must answer with an
    // exit status, not a crash. fac.wasm has no start function, so nothing runs.
    let bytes = std::fs::read(example("fac.wasm")).unwrap();
    for at in 0..bytes.len() {
        let mut broken = bytes.clone();
        broken[at] ^= 0xff;
        let file = fixture_bytes(&format!("corrupt-{at}.wasm"), &broken);
        let run = iwasm(&[&file]);
        match run.code {
            Some(0) => {}
            Some(EXIT_FAILURE) => assert!(run.stderr.starts_with("iwasm: "), "{}", run.stderr),
            _ => panic!("byte {at}: {:?} {}", run.code, run.stderr),
        }
        run.exits(run.code.unwrap());
    }
}

#[test]
fn validation_error_names_function_and_offset() {
    // Function 1 returns an i64 where it promises an i32.
    let file = fixture(
        "invalid",
        r#"(module
             (func (result i32) i32.const 1)
             (func (result i32) i64.const 1))"#,
    );
    let run = iwasm(&[&file]);
    run.fails_with("WASM module load failed: invalid module (function 1, offset 0x");
    assert!(run.stderr.contains("type mismatch"), "{}", run.stderr);
}

#[test]
fn simd_is_reported_as_unsupported() {
    let file = fixture(
        "simd",
        r#"(module (func (result v128) v128.const i64x2 1 2))"#,
    );
    iwasm(&[&file]).fails_with("SIMD is not supported yet");
}

// ---- Linking ------------------------------------------------------------------------

#[test]
fn missing_import_is_named() {
    let file = fixture(
        "needs-env",
        r#"(module (import "env" "log" (func (param i32))) (func (export "f")))"#,
    );
    iwasm(&[&file]).fails_with("WASM module instantiate failed: unknown import: `env.log`");
    call(&file, "f", &[]).fails_with("unknown import: `env.log`");
}

#[test]
#[cfg(not(feature = "wasi"))]
fn wasi_import_says_wasi_is_unavailable() {
    let file = fixture(
        "needs-wasi",
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write"
               (func (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start")))"#,
    );
    let run = iwasm(&[&file]);
    run.fails_with("`wasi_snapshot_preview1.fd_write`");
    assert!(
        run.stderr.contains("WASI is not available"),
        "{}",
        run.stderr
    );
}

#[test]
#[cfg(feature = "wasi")]
fn wasi_imports_link_when_built_with_wasi() {
    // fd_write(1, iovs=0, 1, nwritten=8) with the iovec {16, 3} pointing at "hi\n".
    let file = fixture(
        "uses-wasi",
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write"
               (func $write (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "\10\00\00\00\03\00\00\00")
             (data (i32.const 16) "hi\n")
             (func (export "_start")
               (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    );
    iwasm(&[&file]).prints("hi");
    let unknown = fixture(
        "unknown-wasi",
        r#"(module (import "wasi_snapshot_preview1" "no_such_call" (func)) (func (export "_start")))"#,
    );
    let run = iwasm(&[&unknown]);
    run.fails_with("unknown import: `wasi_snapshot_preview1.no_such_call`");
    assert!(!run.stderr.contains("not available"), "{}", run.stderr);
}

// ---- -f: finding the function and reading its arguments ----------------------------

#[test]
fn unknown_function_lists_the_exports() {
    call(&example("fac.wasm"), "fact", &["5"])
        .fails_with("function `fact` not found (exported functions: fac, fib)");
    let none = fixture("no-exports", "(module (func))");
    call(&none, "main", &[]).fails_with("the module exports no functions");
}

#[test]
fn export_that_is_not_a_function() {
    let file = fixture("memory-export", r#"(module (memory (export "mem") 1))"#);
    call(&file, "mem", &[]).fails_with("export `mem` is a memory, not a function");
}

#[test]
fn wrong_argument_count() {
    let fac = example("fac.wasm");
    call(&fac, "fac", &[]).fails_with("`fac` (i64) -> (i64) takes 1 argument but 0 were given");
    call(&fac, "fac", &["1", "2"]).fails_with("takes 1 argument but 2 were given");
    call(&example("calc.wasm"), "divmod", &["1"]).fails_with("takes 2 arguments but 1 was given");
}

#[test]
fn unparsable_arguments() {
    let fac = example("fac.wasm");
    let calc = example("calc.wasm");
    call(&fac, "fac", &["ten"]).fails_with("invalid argument 1 `ten` for a i64 parameter");
    call(&fac, "fac", &["1.5"]).fails_with("not an integer");
    call(&fac, "fib", &["4294967296"]).fails_with("out of range");
    call(&fac, "fib", &["-2147483649"]).fails_with("out of range");
    call(&fac, "fib", &[""]).fails_with("invalid argument 1 ``");
    call(&calc, "hypot", &["3", "four"]).fails_with("invalid argument 2 `four` for a f64");
    call(&calc, "half", &["nan:0x0"]).fails_with("NaN payload");
}

#[test]
fn committed_example_builds_match_their_sources() {
    let mut checked = 0;
    for entry in std::fs::read_dir(examples_dir()).unwrap() {
        let source = entry.unwrap().path();
        if source.extension().is_some_and(|e| e == "wat") {
            let built = std::fs::read(source.with_extension("wasm")).unwrap();
            let want = wat::parse_file(&source).unwrap();
            assert!(
                built == want,
                "{} is stale: run examples/build.sh",
                source.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 3);
}

// ---- Running (these need the interpreter) -------------------------------------------

#[test]
fn readme_factorial() {
    call(&example("fac.wasm"), "fac", &["20"]).prints("0x21c3677c82b40000:i64");
    call(&example("fac.wasm"), "fac", &["0x14"]).prints("0x21c3677c82b40000:i64");
    call(&example("fac.wasm"), "fac", &["0"]).prints("0x1:i64");
}

#[test]
fn fibonacci() {
    call(&example("fac.wasm"), "fib", &["20"]).prints("0x1a6d:i32");
    call(&example("fac.wasm"), "fib", &["1"]).prints("0x1:i32");
}

#[test]
fn float_results_print_like_c_percent_g() {
    let calc = example("calc.wasm");
    call(&calc, "hypot", &["3", "4"]).prints("5:f64");
    call(&calc, "hypot", &["1", "1"]).prints("1.414214:f64");
    call(&calc, "hypot", &["1e200", "1e200"]).prints("inf:f64");
    call(&calc, "hypot", &["-inf", "0"]).prints("inf:f64");
    call(&calc, "hypot", &["nan", "0"]).prints("nan:f64");
    call(&calc, "half", &["1"]).prints("0.5:f32");
    call(&calc, "half", &["-3e-7"]).prints("-1.5e-07:f32");
    call(&calc, "half", &["inf"]).prints("inf:f32");
}

#[test]
fn several_results_are_comma_separated() {
    let calc = example("calc.wasm");
    call(&calc, "divmod", &["17", "5"]).prints("0x3:i32,0x2:i32");
    call(&calc, "divmod", &["-7", "2"]).prints("0xfffffffd:i32,0xffffffff:i32");
    call(&calc, "minmax", &["2.5", "-1"]).prints("-1:f64,2.5:f64");
}

#[test]
fn a_function_without_results_prints_an_empty_line() {
    // WAMR ends the result line even when there is nothing on it.
    let file = fixture("void", r#"(module (func (export "nothing")))"#);
    call(&file, "nothing", &[]).prints("");
}

#[test]
fn traps_print_an_exception() {
    let calc = example("calc.wasm");
    call(&calc, "divmod", &["1", "0"]).fails_with("Exception: integer divide by zero");
    call(&calc, "divmod", &["-2147483648", "-1"]).fails_with("Exception: integer overflow");
}

#[test]
fn start_export_runs_without_f() {
    let run = iwasm(&["--interp", example("selftest.wasm").to_str().unwrap()]);
    assert_eq!(
        (run.exits(0).stdout.as_str(), run.stderr.as_str()),
        ("", "")
    );
    // Default engine for a .wasm file is the interpreter too.
    iwasm(&[example("selftest.wasm")]).exits(0);
    let failing = fixture(
        "start-export-traps",
        r#"(module (func (export "_start") unreachable))"#,
    );
    iwasm(&[&failing]).fails_with("Exception: unreachable");
}

#[test]
fn start_function_trap_fails_instantiation() {
    let file = fixture(
        "start-traps",
        r#"(module (func $boom unreachable) (start $boom) (func (export "f")))"#,
    );
    iwasm(&[&file]).fails_with("Exception: unreachable");
    call(&file, "f", &[]).fails_with("Exception: unreachable");
}

#[test]
fn tiny_stack_exhausts_cleanly() {
    let run = iwasm(&[
        "--interp",
        "--stack-size=4096",
        "-f",
        "fac",
        example("fac.wasm").to_str().unwrap(),
        "100000",
    ]);
    run.fails_with("Exception: call stack exhausted");
    // The engine stays usable for shallow calls with the same tiny stack.
    iwasm(&[
        "--stack-size=4096",
        "-f",
        "fac",
        example("fac.wasm").to_str().unwrap(),
        "3",
    ])
    .prints("0x6:i64");
}

#[test]
fn runaway_recursion_with_the_default_stack_is_a_trap_not_a_crash() {
    call(&example("fac.wasm"), "fac", &["100000000"]).fails_with("Exception: call stack exhausted");
}
