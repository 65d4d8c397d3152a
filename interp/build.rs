//! Chooses the dispatch backend. The threaded backend needs every handler's call of the
//! next handler to compile to a jump, which LLVM does when optimising (sibling calls) on
//! the targets listed; elsewhere, and in unoptimised builds, the `loop`/`match` backend
//! runs. `MOTE_INTERP_BACKEND=loop|threaded` overrides the choice.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(threaded)");
    println!("cargo:rerun-if-env-changed=MOTE_INTERP_BACKEND");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let threaded = match std::env::var("MOTE_INTERP_BACKEND").as_deref() {
        Ok("loop") => false,
        Ok("threaded") => true,
        _ => opt != "0" && matches!(arch.as_str(), "x86_64" | "aarch64"),
    };
    if threaded {
        println!("cargo:rustc-cfg=threaded");
    }
}
