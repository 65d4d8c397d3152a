//! mote-platforms: the OS boundary. Filled in by the WASI and AOT work.
#[cfg(all(feature = "posix", target_os = "linux"))]
pub mod posix;
