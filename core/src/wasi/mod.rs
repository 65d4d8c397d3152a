//! WASI preview1 (`wasi_snapshot_preview1`): argument decoding, descriptors, rights, path
//! resolution inside preopened directories and errno mapping. The operating system is
//! reached only through the [`WasiHost`] and [`WasiFile`] traits, which a platform
//! implements (`mote-platforms`: POSIX, and `bare` for firmware without files). Needs
//! only `alloc`, so the no_std interpreter can offer WASI too.
//!
//! ```ignore
//! let ctx = WasiCtxBuilder::new()
//!     .arg("app.wasm")
//!     .env("LANG", "C")
//!     .preopen_dir("data", "data")
//!     .inherit_stdio()
//!     .build(Box::new(host))?;
//! mote_core::wasi::add_to_linker(&mut linker, &mut store, ctx);
//! ```

mod calls;
mod ctx;
mod errno;
mod fd_table;
mod guest;
mod host;
mod register;
mod resolve;
mod types;

pub use ctx::{PreopenError, WasiCtx, WasiCtxBuilder};
pub use errno::{Errno, WasiResult};
pub use host::{PollFd, Readiness, WasiFile, WasiHost};
pub use register::{add_to_linker, MODULE};
pub use types::{
    Advice, ClockId, DirEntry, FdFlags, FileType, Filestat, OFlags, OpenOptions, SetTime, Whence,
};
