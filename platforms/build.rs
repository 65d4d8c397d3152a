//! Compiles the signal-recovery C file for the posix platform (`sigsetjmp`/`siglongjmp`
//! cannot be expressed in Rust).
fn main() {
    println!("cargo:rerun-if-changed=csrc/trap.c");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if std::env::var_os("CARGO_FEATURE_POSIX").is_some() && target_os == "linux" {
        cc::Build::new()
            .file("csrc/trap.c")
            .warnings(true)
            .compile("mote_trap");
    }
}
