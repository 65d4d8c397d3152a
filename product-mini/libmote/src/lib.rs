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
#[cfg(all(feature = "aot", feature = "std", target_os = "linux"))]
pub mod aot;
#[cfg(feature = "aot")]
pub mod bare;
