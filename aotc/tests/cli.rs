//! The `aotc` command line.

use std::path::PathBuf;
use std::process::Command;

use mote_core::aot::format::AotFile;

fn aotc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aotc"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mote-aotc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const FIB: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;

/// `aotc [FLAGS] --target TARGET fib.wasm` must succeed; returns the file it wrote.
fn compile_fib(input: &std::path::Path, target: &str, flags: &[&str]) -> Vec<u8> {
    let out = tmp(&format!("fib{}-{target}.aot", flags.concat()));
    let st = aotc()
        .args(flags)
        .arg("-o")
        .arg(&out)
        .arg(input)
        .args(["--target", target])
        .status()
        .unwrap();
    assert!(st.success(), "{target} {flags:?}");
    std::fs::read(&out).unwrap()
}

#[test]
fn compiles_to_a_loadable_aot_file_for_every_target() {
    let input = tmp("fib.wasm");
    std::fs::write(&input, wat::parse_str(FIB).unwrap()).unwrap();
    for target in ["x86_64", "aarch64", "thumbv7em", "riscv32"] {
        let bytes = compile_fib(&input, target, &[]);
        let file = AotFile::parse(&bytes).unwrap_or_else(|e| panic!("{target}: {e:?}"));
        assert_eq!(file.func_count(), 1);
    }
}

#[test]
fn emit_llvm_writes_the_ir_next_to_the_output() {
    let input = tmp("fib2.wasm");
    std::fs::write(&input, wat::parse_str(FIB).unwrap()).unwrap();
    let out = tmp("fib2.aot");
    let st = aotc()
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .args([
            "--emit-llvm",
            "--opt-level",
            "2",
            "--bounds-checks",
            "explicit",
        ])
        .status()
        .unwrap();
    assert!(st.success());
    let ll = std::fs::read_to_string(tmp("fib2.aot.ll")).unwrap();
    assert!(ll.contains("@f0") && ll.contains("@t0"), "{ll}");
}

#[test]
fn bad_input_gives_clear_errors_and_a_failing_exit_code() {
    let out = tmp("never.aot");
    // Missing file.
    let o = aotc()
        .arg("-o")
        .arg(&out)
        .arg(tmp("missing.wasm"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot read"), "{err}");
    // Not Wasm.
    let junk = tmp("junk.wasm");
    std::fs::write(&junk, b"\0asm\x01\0\0\0\x01\x05garbage").unwrap();
    let o = aotc().arg("-o").arg(&out).arg(&junk).output().unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("invalid module"), "{err}");
    // Unknown target.
    let good = tmp("good.wasm");
    std::fs::write(&good, wat::parse_str("(module)").unwrap()).unwrap();
    let o = aotc()
        .arg("-o")
        .arg(&out)
        .arg(&good)
        .args(["--target", "mips"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown target"));
    // Guard pages on a 32-bit target.
    let o = aotc()
        .arg("-o")
        .arg(&out)
        .arg(&good)
        .args(["--target", "riscv32", "--bounds-checks", "guard"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("64-bit"));
    // Soft-float target and f64 arithmetic: names the libcall.
    let f = tmp("f64.wasm");
    std::fs::write(
        &f,
        wat::parse_str(
            r#"(module (func (export "f") (param f64 f64) (result f64)
                (f64.mul (local.get 0) (local.get 1))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let o = aotc()
        .arg("-o")
        .arg(&out)
        .arg(&f)
        .args(["--target", "riscv32"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("__muldf3"));
    assert!(!out.exists());
}

#[test]
fn xip_writes_an_execute_in_place_file() {
    use mote_core::aot::format::CodeModel;
    let help = aotc().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--xip"));
    let input = tmp("fib-xip.wasm");
    std::fs::write(&input, wat::parse_str(FIB).unwrap()).unwrap();
    for target in ["x86_64", "thumbv7em", "riscv32"] {
        let bytes = compile_fib(&input, target, &["--xip"]);
        let file = AotFile::parse(&bytes).unwrap_or_else(|e| panic!("{target}: {e:?}"));
        assert_eq!(file.header().code_model, CodeModel::Xip, "{target}");
        assert_eq!(file.reloc_count(), 0, "{target}");
    }
    let refused = aotc()
        .args(["--xip", "--target", "aarch64", "-o"])
        .arg(tmp("fib-xip-aarch64.aot"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--xip on aarch64"));
}
