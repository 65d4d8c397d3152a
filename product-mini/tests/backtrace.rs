//! `iwasm` prints the Wasm call stack of a trap on stderr, after the `Exception:` line,
//! for `.wasm` (interpreter) and `.aot` files alike.
#![cfg(all(feature = "backtrace", target_os = "linux"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use mote_core::aot::object::BoundsChecks;

const NESTED: &str = r#"(module
  (func $outer (export "outer") (param i32) (result i32)
    local.get 0
    call $middle)
  (func $middle (param i32) (result i32)
    i32.const 1
    local.get 0
    call $inner
    i32.add)
  (func $inner (param i32) (result i32)
    i32.const 7
    local.get 0
    i32.div_s)
  (func $down (export "down") (param i32) (result i32)
    local.get 0
    call $down)
  (func (export "nameless") unreachable))"#;

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("iwasm-backtrace");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The module as `.wasm`, and as `.aot` with each bounds-check mode; a nameless function
/// comes from a module whose name section names only the others.
fn files() -> Vec<PathBuf> {
    let wasm = wat::parse_str(NESTED).unwrap();
    let module = mote_core::Module::new(&wasm).unwrap();
    let mut files = vec![write("nested.wasm", &wasm)];
    if cfg!(feature = "aot") {
        for (name, bounds) in [
            ("guard.aot", BoundsChecks::Guard),
            ("explicit.aot", BoundsChecks::Explicit),
        ] {
            let mut opts = mote_aotc::Options::host();
            opts.bounds_checks = bounds;
            let object = mote_aotc::compile(&module, &wasm, &opts).unwrap();
            files.push(write(name, &mote_core::aot::format::write(&object)));
        }
    }
    files
}

/// `iwasm -f FUNC FILE 0`: exit status and stderr.
fn run(file: &Path, func: &str) -> (Option<i32>, String) {
    let mut args = vec!["-f", func, file.to_str().unwrap()];
    if func != "nameless" {
        args.push("0");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .args(&args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_trap_prints_the_three_nested_frames() {
    // Offsets in the module file (checked against wasmparser in the library's tests):
    // the i32.div_s of $inner, the calls in $middle and $outer.
    let wasm = wat::parse_str(NESTED).unwrap();
    let offsets = call_and_div_offsets(&wasm);
    let want = format!(
        "Exception: integer divide by zero\nwasm backtrace:\n    0: {:#6x} - inner\n    1: {:#6x} - middle\n    2: {:#6x} - outer\n",
        offsets[2], offsets[1], offsets[0]
    );
    for file in files() {
        let (code, stderr) = run(&file, "outer");
        assert_eq!(code, Some(1), "{}", file.display());
        assert_eq!(stderr, want, "{}", file.display());
    }
}

#[test]
fn unnamed_functions_print_their_index() {
    for file in files() {
        let (_, stderr) = run(&file, "nameless");
        assert!(
            stderr.starts_with("Exception: unreachable\nwasm backtrace:\n    0: "),
            "{stderr}"
        );
        assert!(
            stderr.ends_with(" - func[4]\n"),
            "{}: {stderr}",
            file.display()
        );
    }
}

#[test]
fn stack_overflow_prints_a_screenful() {
    for file in files() {
        let (code, stderr) = run(&file, "down");
        assert_eq!(code, Some(1));
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines[0],
            "Exception: call stack exhausted",
            "{}",
            file.display()
        );
        assert_eq!(lines.len(), 2 + mote_core::backtrace::MAX_FRAMES + 1);
        let last = lines.last().unwrap();
        assert!(
            last.starts_with("    ... ") && last.ends_with(" more frames"),
            "{last}"
        );
    }
}

/// For functions 0..3: the offset of the first `call` in 0 and 1, of `i32.div_s` in 2.
fn call_and_div_offsets(wasm: &[u8]) -> Vec<u32> {
    let mut offsets = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            let mut ops = body.get_operators_reader().unwrap();
            while !ops.eof() {
                let (op, offset) = ops.read_with_offset().unwrap();
                if matches!(
                    op,
                    wasmparser::Operator::Call { .. } | wasmparser::Operator::I32DivS
                ) {
                    offsets.push(offset as u32);
                    break;
                }
            }
        }
    }
    offsets
}
