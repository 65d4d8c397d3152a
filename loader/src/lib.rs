//! mote-loader: verifies, maps and relocates `.aot` files into caller-provided memory.
#![no_std]

pub mod load;
pub mod reloc;

pub use load::{
    host_arch, load, load_at, load_in_place, load_into, requirements, ExecMemory, HelperTable,
    LoadError, LoadedCode, Requirements,
};
pub use mote_core::aot::format::{AotFile, FormatError};
