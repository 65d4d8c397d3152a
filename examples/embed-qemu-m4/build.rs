//! Puts memory.x on the linker's search path (cortex-m-rt's link.x includes it) and
//! relinks when it changes, which cargo would not notice on its own.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-search={dir}");
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
