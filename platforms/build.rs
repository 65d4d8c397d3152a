//! Compiles the signal-recovery C file for the posix platform (`sigsetjmp`/`siglongjmp`
//! cannot be expressed in Rust).
fn main() {
    println!("cargo:rerun-if-changed=csrc/trap.c");
    #[cfg(feature = "posix")]
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        cc::Build::new()
            .file("csrc/trap.c")
            .warnings(true)
            .compile("mote_trap");
    }
}
