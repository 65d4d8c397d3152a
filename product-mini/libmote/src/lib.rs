//! mote: embed a WebAssembly runtime in a Rust program or, through the C API
//! (`include/mote.h`), in firmware.
// Unit tests need std (the test harness) even when the library is built without it.
#![cfg_attr(not(any(feature = "std", test)), no_std)]

#[cfg(feature = "interp")]
extern crate alloc;

pub mod arena;
pub mod capi;
#[cfg(feature = "std")]
pub mod embed;
#[cfg(feature = "std")]
pub use embed::*;
/// The no-heap AOT runtime: instances in caller-provided buffers (mote-loader's `bare`).
#[cfg(feature = "aot")]
pub use mote_loader::bare;
