//! The boundary to the operating system. Core decides *what* a WASI call may do; a
//! platform (`mote-platforms`) implements *how*, with these two traits.
//!
//! Every path-taking method receives a single component that core has already checked
//! (no `/`, never `..`, never empty) and must not follow a symbolic link in it: core
//! resolves paths one component at a time and follows links itself, so that no lookup
//! can leave a preopened directory. A platform without files (`bare`) implements
//! `WasiHost` and returns `NotSup` from `open_dir`; the defaults below make that short.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;

use super::errno::{Errno, WasiResult};
use super::types::{Advice, ClockId, DirEntry, FdFlags, Filestat, OpenOptions, SetTime, Whence};

/// Process-wide services: clocks, randomness, stdio, preopens, waiting.
pub trait WasiHost {
    /// Resolution of `clock` in nanoseconds.
    fn clock_res(&self, clock: ClockId) -> WasiResult<u64>;
    /// Current time of `clock` in nanoseconds.
    fn clock_time(&self, clock: ClockId) -> WasiResult<u64>;
    /// Fills `buf` with cryptographically secure random bytes.
    fn random(&self, buf: &mut [u8]) -> WasiResult<()>;
    fn sched_yield(&self) {}
    /// Blocks the calling thread for `nanos` nanoseconds.
    fn sleep(&self, nanos: u64);
    /// Whether `sleep` really waits. A host with neither a timer nor a clock cannot, and
    /// then `poll_oneoff` on a clock is `ENOTSUP` rather than an early, false wake-up.
    fn can_sleep(&self) -> bool {
        true
    }
    /// The process's standard stream `fd` (0, 1 or 2), shared rather than owned: closing
    /// it in the guest must not close it for the host.
    fn stdio(&self, fd: u32) -> WasiResult<Box<dyn WasiFile>>;
    /// Opens the host directory `path` to be preopened.
    fn open_dir(&self, path: &str) -> WasiResult<Box<dyn WasiFile>> {
        let _ = path;
        Err(Errno::NotSup)
    }
    /// Waits until one of `fds` is ready or `timeout` nanoseconds pass (`None`: no
    /// limit), filling in each entry's `ready` and returning how many are ready.
    fn poll(&self, fds: &mut [PollFd<'_>], timeout: Option<u64>) -> WasiResult<usize>;
}

/// What `poll_oneoff` waits for on one descriptor, and what it found.
pub struct PollFd<'a> {
    pub file: &'a dyn WasiFile,
    /// Wait for writability rather than readability.
    pub write: bool,
    pub ready: Option<Readiness>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Readiness {
    /// Bytes available to read (or 0 when unknown or when waiting to write).
    pub nbytes: u64,
    /// The peer hung up (end of file on a pipe or socket).
    pub hangup: bool,
    /// The wait failed for this descriptor.
    pub error: Option<Errno>,
}

/// An open host file, directory, character device or socket.
///
/// Methods that make no sense for the kind of file return the error the OS would; the
/// defaults return `NotSup`, so a platform implements what it has.
pub trait WasiFile {
    /// For platforms to recover their own type (e.g. the other directory of a rename).
    fn as_any(&self) -> &dyn Any;

    fn read(&self, buf: &mut [u8]) -> WasiResult<usize>;
    fn write(&self, buf: &[u8]) -> WasiResult<usize>;
    fn pread(&self, buf: &mut [u8], offset: u64) -> WasiResult<usize> {
        let _ = (buf, offset);
        Err(Errno::NotSup)
    }
    fn pwrite(&self, buf: &[u8], offset: u64) -> WasiResult<usize> {
        let _ = (buf, offset);
        Err(Errno::NotSup)
    }
    /// Moves the file position; returns the new position.
    fn seek(&self, offset: i64, whence: Whence) -> WasiResult<u64> {
        let _ = (offset, whence);
        Err(Errno::Spipe)
    }
    fn sync(&self) -> WasiResult<()> {
        Ok(())
    }
    fn datasync(&self) -> WasiResult<()> {
        self.sync()
    }
    fn advise(&self, offset: u64, len: u64, advice: Advice) -> WasiResult<()> {
        let _ = (offset, len, advice);
        Ok(())
    }
    fn fdflags(&self) -> WasiResult<FdFlags> {
        Ok(FdFlags::empty())
    }
    /// Changes the flags that can change after opening (`APPEND`, `NONBLOCK`).
    fn set_fdflags(&self, flags: FdFlags) -> WasiResult<()> {
        let _ = flags;
        Err(Errno::NotSup)
    }
    fn filestat(&self) -> WasiResult<Filestat>;
    /// Whether this is a terminal (only asked of the standard streams).
    fn isatty(&self) -> bool {
        false
    }
    fn set_size(&self, size: u64) -> WasiResult<()> {
        let _ = size;
        Err(Errno::NotSup)
    }
    fn set_times(&self, atim: SetTime, mtim: SetTime) -> WasiResult<()> {
        let _ = (atim, mtim);
        Err(Errno::NotSup)
    }

    // ---- directories: `name` is one checked component, never followed ----

    /// Every entry of this directory, `.` and `..` excluded, in the host's order.
    fn readdir(&self) -> WasiResult<Vec<DirEntry>> {
        Err(Errno::NotDir)
    }
    fn open_at(&self, name: &str, opts: &OpenOptions) -> WasiResult<Box<dyn WasiFile>> {
        let _ = (name, opts);
        Err(Errno::NotDir)
    }
    fn stat_at(&self, name: &str) -> WasiResult<Filestat> {
        let _ = name;
        Err(Errno::NotDir)
    }
    fn set_times_at(&self, name: &str, atim: SetTime, mtim: SetTime) -> WasiResult<()> {
        let _ = (name, atim, mtim);
        Err(Errno::NotDir)
    }
    fn mkdir_at(&self, name: &str) -> WasiResult<()> {
        let _ = name;
        Err(Errno::NotDir)
    }
    fn rmdir_at(&self, name: &str) -> WasiResult<()> {
        let _ = name;
        Err(Errno::NotDir)
    }
    fn unlink_at(&self, name: &str) -> WasiResult<()> {
        let _ = name;
        Err(Errno::NotDir)
    }
    /// Creates `name` as a symbolic link whose text is `target` (not interpreted here).
    fn symlink_at(&self, target: &str, name: &str) -> WasiResult<()> {
        let _ = (target, name);
        Err(Errno::NotDir)
    }
    /// The text of the symbolic link `name`; `Inval` if it is not one.
    fn readlink_at(&self, name: &str) -> WasiResult<Vec<u8>> {
        let _ = name;
        Err(Errno::NotDir)
    }
    fn rename_at(&self, name: &str, new_dir: &dyn WasiFile, new_name: &str) -> WasiResult<()> {
        let _ = (name, new_dir, new_name);
        Err(Errno::NotDir)
    }
    /// Hard-links `name` (not following a link in it) as `new_dir/new_name`.
    fn link_at(&self, name: &str, new_dir: &dyn WasiFile, new_name: &str) -> WasiResult<()> {
        let _ = (name, new_dir, new_name);
        Err(Errno::NotDir)
    }

    // ---- sockets: only descriptors the host handed over can be sockets ----

    /// Receives into `buf`; returns the byte count and whether the message was cut.
    fn sock_recv(&self, buf: &mut [u8], peek: bool, waitall: bool) -> WasiResult<(usize, bool)> {
        let _ = (buf, peek, waitall);
        Err(Errno::NotSock)
    }
    fn sock_send(&self, buf: &[u8]) -> WasiResult<usize> {
        let _ = buf;
        Err(Errno::NotSock)
    }
    fn sock_shutdown(&self, read: bool, write: bool) -> WasiResult<()> {
        let _ = (read, write);
        Err(Errno::NotSock)
    }
    fn sock_accept(&self, nonblock: bool) -> WasiResult<Box<dyn WasiFile>> {
        let _ = nonblock;
        Err(Errno::NotSock)
    }
}
