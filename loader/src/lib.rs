//! mote-loader: verifies, maps and relocates `.aot` files into caller-provided memory.
#![no_std]

#[cfg(feature = "std")]
extern crate std;

pub mod bare;
#[cfg(all(feature = "std", target_os = "linux"))]
pub mod engine;
pub mod load;
pub mod reloc;

pub use load::{
    host_arch, load, load_at, load_into, requirements, ExecMemory, HelperTable, LoadError,
    LoadedCode, Requirements,
};
pub use mote_core::aot::format::{AotFile, FormatError};
