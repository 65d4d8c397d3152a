//! WASI preview1 for guests: build a [`WasiCtx`] with exactly the capabilities a module
//! gets (arguments, environment, preopened directories, standard streams), then add it to
//! a linker with [`Linker::add_wasi`](super::Linker::add_wasi).
//!
//! The operating system is reached through a [`WasiHost`]; [`PosixHost`] is the one for
//! Linux.

pub use mote_core::wasi::{PreopenError, WasiCtx, WasiCtxBuilder, WasiFile, WasiHost};
#[cfg(target_os = "linux")]
pub use mote_platforms::posix::wasi::PosixHost;
