//! mote-loader: verifies, maps and relocates `.aot` files into caller-provided memory.
#![no_std]

pub mod load;
pub mod reloc;

#[cfg(feature = "capi")]
pub mod capi;

pub use load::{
    host_arch, load, load_at, load_into, requirements, ExecMemory, HelperTable, LoadError,
    LoadedCode, Requirements,
};
pub use mote_core::aot::format::{AotFile, FormatError};

/// For no_std final artifacts (the staticlib): the loader never panics on any input
/// (every index is checked), so this is only reached by a bug.
#[cfg(all(feature = "panic-handler", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
