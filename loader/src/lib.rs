//! mote-loader: verifies, maps and relocates `.aot` files into caller-provided memory.
#![no_std]
pub mod reloc;
