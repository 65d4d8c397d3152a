//! The POSIX host for `mote_core::wasi`: every WASI call that needs the OS ends up in a
//! system call here. Policy (what a guest may reach) is decided in core; this layer only
//! carries out single-component operations relative to directory descriptors, never
//! following a symbolic link itself.

mod errno;
mod file;
mod host;
mod stat;

pub use file::PosixFile;
pub use host::PosixHost;
