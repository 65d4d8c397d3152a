//! `iwasm app.aot`: the engine is picked by the `.aot` magic; `-f` works as for Wasm, and
//! a broken file is a clear load error. The files are hand-assembled x86_64 objects (the
//! compiler's output is exercised by the spec runner's AOT engines).
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mote_core::aot::format::write;
use mote_core::aot::object::{AotFunc, AotObject, BoundsChecks};
use mote_core::aot::reloc::Arch;

fn aot_file(name: &str, bounds: BoundsChecks) -> PathBuf {
    let wasm = wat::parse_str(
        r#"(module (memory 1)
             (func (export "answer") (result i64) unreachable)
             (func (export "trap") unreachable)
             (func $start))"#,
    )
    .unwrap();
    // answer: mov qword [rsi], 42; ret
    let mut text = vec![0x48, 0xc7, 0x06, 0x2a, 0, 0, 0, 0xc3];
    text.resize(16, 0xcc);
    // trap: mov qword [rdi + 24], 1 (unreachable); ret
    text.extend_from_slice(&[0x48, 0xc7, 0x47, 0x18, 0x01, 0, 0, 0, 0xc3]);
    text.resize(32, 0xcc);
    text.push(0xc3);
    let funcs = [0, 16, 32]
        .iter()
        .map(|&o| AotFunc {
            native: o,
            trampoline: o,
        })
        .collect();
    let bytes = write(&AotObject {
        arch: Arch::X86_64,
        bounds_checks: bounds,
        checks: 0,
        metadata: mote_core::aot::meta::write::metadata(&mote_core::Module::new(&wasm).unwrap())
            .unwrap(),
        names: None,
        funcs,
        text,
        rodata: vec![],
        relocs: vec![],
    });
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("iwasm-aot");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn iwasm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .args(args)
        .output()
        .expect("run iwasm")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn runs_an_aot_file_picked_by_magic() {
    for (name, bounds) in [
        ("explicit.aot", BoundsChecks::Explicit),
        ("guard.aot", BoundsChecks::Guard),
    ] {
        let file = aot_file(name, bounds);
        let out = iwasm(&["-f", "answer", file.to_str().unwrap()]);
        assert_eq!(text(&out.stdout), "0x2a:i64\n", "{}", text(&out.stderr));
        assert!(out.status.success());
        let out = iwasm(&["-f", "trap", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains("unreachable"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn broken_aot_files_are_load_errors() {
    let file = aot_file("broken.aot", BoundsChecks::Explicit);
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 0x40;
    std::fs::write(&file, &bytes).unwrap();
    let out = iwasm(&["-f", "answer", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("WASM module load failed") && err.contains("checksum"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    std::fs::write(&file, &bytes[..50]).unwrap();
    let out = iwasm(&[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("truncated"),
        "{}",
        text(&out.stderr)
    );
}
