//! mote-platforms: the OS boundary. Filled in by the WASI and AOT work.
//!
//! Without the POSIX platform the crate is `no_std`, so `bare` builds for microcontrollers.
#![cfg_attr(not(all(feature = "posix", target_os = "linux")), no_std)]

#[cfg(all(test, not(all(feature = "posix", target_os = "linux"))))]
extern crate std;

#[cfg(all(feature = "posix", target_os = "linux"))]
pub mod posix;

#[cfg(feature = "bare")]
pub mod bare;
