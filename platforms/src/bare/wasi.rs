//! The host side of WASI on the `bare` platform: what a module built against wasi-libc
//! needs to print, read the clock and get random bytes on firmware with no OS.
//!
//! - Clocks and randomness are the embedder's [`ClockFn`]/[`RandomFn`] (through
//!   [`Services`]). The CPU-time clocks are `ENOTSUP`: other tasks and interrupts share
//!   the core, so no embedder clock measures the guest's CPU time.
//! - stdout and stderr go to the embedder's [`WriteFn`]; stdin is always at end of file.
//! - There are no files or directories: [`WasiHost::open_dir`] is `ENOTSUP`, so nothing
//!   can be preopened and every `path_*` call fails (`EBADF`, no directory descriptor).
//! - Sleeping uses the embedder's [`SleepFn`] (an RTOS delay) if there is one, else it
//!   spins on the monotonic clock. With neither, `poll_oneoff` on a clock is `ENOTSUP`.
//!
//! Everything allocated here (the host, one handle per standard stream) comes from the
//! global allocator, once, when the context is built.
//!
//! ```
//! use mote_platforms::bare::wasi::{BareWasiHost, WasiServices};
//! use mote_platforms::bare::Services;
//!
//! let host = BareWasiHost::new(WasiServices {
//!     base: Services::NONE,
//!     write: None,
//!     sleep: None,
//!     clock_res_ns: 0,
//! });
//! let ctx = host.context(["app.wasm"]).unwrap();
//! // mote_core::wasi::add_to_linker(&mut linker, &mut store, ctx);
//! # let _ = ctx;
//! ```

extern crate alloc;

use alloc::boxed::Box;
use core::any::Any;
use core::ffi::c_void;

use mote_core::wasi::{
    ClockId, Errno, FileType, Filestat, PollFd, PreopenError, Readiness, WasiCtx, WasiCtxBuilder,
    WasiFile, WasiHost, WasiResult,
};

use super::{BareError, ClockFn, RandomFn, Services, CLOCK_MONOTONIC, CLOCK_REALTIME};

/// Writes all `len` bytes at `buf` to the embedder's stream `fd` (1: stdout, 2: stderr);
/// returns 0 on success. The guest is told every byte was written.
pub type WriteFn =
    unsafe extern "C" fn(fd: u32, buf: *const u8, len: usize, user: *mut c_void) -> i32;

/// Blocks the calling task for at least `nanos` nanoseconds; returns 0 on success.
pub type SleepFn = unsafe extern "C" fn(nanos: u64, user: *mut c_void) -> i32;

/// The embedder callbacks behind WASI. Every callback receives `base.user`.
#[derive(Clone, Copy)]
pub struct WasiServices {
    /// Clock and random source (either may be absent).
    pub base: Services,
    /// Console output; without it stdout and stderr are closed (writes are `EBADF`).
    pub write: Option<WriteFn>,
    /// Waiting; without it sleeps spin on the monotonic clock.
    pub sleep: Option<SleepFn>,
    /// Resolution of the embedder's clock in nanoseconds (its tick); 0 when unknown, and
    /// `clock_res_get` is then `ENOTSUP`.
    pub clock_res_ns: u64,
}

impl WasiServices {
    /// No clock, no random source, no console, no sleep.
    pub const NONE: WasiServices = WasiServices {
        base: Services::NONE,
        write: None,
        sleep: None,
        clock_res_ns: 0,
    };

    /// The base services plus (optionally) the console and sleep callbacks, all with the
    /// same `user` pointer, in the shape a C API passes them on.
    pub fn from_callbacks(
        clock: Option<ClockFn>,
        random: Option<RandomFn>,
        write: Option<WriteFn>,
        sleep: Option<SleepFn>,
        clock_res_ns: u64,
        user: *mut c_void,
    ) -> WasiServices {
        WasiServices {
            base: Services {
                clock,
                random,
                user,
            },
            write,
            sleep,
            clock_res_ns,
        }
    }
}

impl Default for WasiServices {
    fn default() -> Self {
        WasiServices::NONE
    }
}

fn errno(e: BareError) -> Errno {
    match e {
        BareError::Unavailable(_) => Errno::NotSup,
        BareError::Callback(_) => Errno::Io,
    }
}

fn bare_clock(clock: ClockId) -> WasiResult<u32> {
    match clock {
        ClockId::Realtime => Ok(CLOCK_REALTIME),
        ClockId::Monotonic => Ok(CLOCK_MONOTONIC),
        ClockId::ProcessCpuTime | ClockId::ThreadCpuTime => Err(Errno::NotSup),
    }
}

/// [`WasiHost`] over the embedder's callbacks.
#[derive(Clone, Copy)]
pub struct BareWasiHost {
    svc: WasiServices,
}

impl BareWasiHost {
    pub fn new(svc: WasiServices) -> BareWasiHost {
        BareWasiHost { svc }
    }

    /// A context for one instance: `args` (the first is the program name), no
    /// environment, the three standard streams, no directories. Pass it to
    /// `mote_core::wasi::add_to_linker`. (`build` fails only for a preopen, which this
    /// context has none of, so the error is there only to avoid a panic path.)
    pub fn context<S: Into<alloc::string::String>>(
        self,
        args: impl IntoIterator<Item = S>,
    ) -> Result<WasiCtx, PreopenError> {
        WasiCtxBuilder::new()
            .args(args)
            .inherit_stdio()
            .build(Box::new(self))
    }

    /// Spins until the monotonic clock has moved `nanos` on; stops early only if the
    /// clock fails, since a sleep has no way to report that.
    fn spin(&self, nanos: u64) {
        let Ok(start) = self.svc.base.now_ns(CLOCK_MONOTONIC) else {
            return;
        };
        while let Ok(now) = self.svc.base.now_ns(CLOCK_MONOTONIC) {
            if now.saturating_sub(start) >= nanos {
                return;
            }
            core::hint::spin_loop();
        }
    }
}

impl WasiHost for BareWasiHost {
    fn clock_res(&self, clock: ClockId) -> WasiResult<u64> {
        bare_clock(clock)?;
        if self.svc.base.clock.is_none() || self.svc.clock_res_ns == 0 {
            return Err(Errno::NotSup);
        }
        Ok(self.svc.clock_res_ns)
    }

    fn clock_time(&self, clock: ClockId) -> WasiResult<u64> {
        self.svc.base.now_ns(bare_clock(clock)?).map_err(errno)
    }

    fn random(&self, buf: &mut [u8]) -> WasiResult<()> {
        self.svc.base.fill_random(buf).map_err(errno)
    }

    fn sleep(&self, nanos: u64) {
        if nanos == 0 {
            return;
        }
        if let Some(sleep) = self.svc.sleep {
            // SAFETY: the embedder's callback with its own `user` pointer.
            if unsafe { sleep(nanos, self.svc.base.user) } == 0 {
                return;
            }
        }
        self.spin(nanos);
    }

    fn can_sleep(&self) -> bool {
        self.svc.sleep.is_some() || self.svc.base.clock.is_some()
    }

    fn stdio(&self, fd: u32) -> WasiResult<Box<dyn WasiFile>> {
        match fd {
            0 => Ok(Box::new(Stdio {
                fd,
                write: None,
                user: self.svc.base.user,
            })),
            1 | 2 => match self.svc.write {
                Some(write) => Ok(Box::new(Stdio {
                    fd,
                    write: Some(write),
                    user: self.svc.base.user,
                })),
                None => Err(Errno::Badf),
            },
            _ => Err(Errno::Badf),
        }
    }

    /// Every standard stream is ready at once (stdin at end of file, the console always
    /// accepts output), so this never waits for a descriptor; it waits only when asked
    /// for the wrong direction on all of them and a clock bounds the wait.
    fn poll(&self, fds: &mut [PollFd<'_>], timeout: Option<u64>) -> WasiResult<usize> {
        let mut ready = 0;
        for f in fds.iter_mut() {
            let stdio = f.file.as_any().downcast_ref::<Stdio>().ok_or(Errno::Badf)?;
            f.ready = match (stdio.fd, f.write) {
                (0, false) => Some(Readiness {
                    nbytes: 0,
                    hangup: true,
                    error: None,
                }),
                (1 | 2, true) => Some(Readiness::default()),
                // Waiting to read the console or to write stdin would never end.
                _ => None,
            };
            ready += usize::from(f.ready.is_some());
        }
        if ready == 0 {
            match timeout {
                Some(nanos) if nanos == 0 || self.can_sleep() => self.sleep(nanos),
                _ => return Err(Errno::NotSup),
            }
        }
        Ok(ready)
    }
}

/// One standard stream: stdin (always at end of file) or the console.
struct Stdio {
    fd: u32,
    write: Option<WriteFn>,
    user: *mut c_void,
}

impl WasiFile for Stdio {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn read(&self, _: &mut [u8]) -> WasiResult<usize> {
        match self.fd {
            0 => Ok(0),
            _ => Err(Errno::Badf),
        }
    }

    fn write(&self, buf: &[u8]) -> WasiResult<usize> {
        let Some(write) = self.write else {
            return Err(Errno::Badf);
        };
        if buf.is_empty() {
            return Ok(0);
        }
        // SAFETY: `buf` is valid for `len` bytes for the duration of the call.
        match unsafe { write(self.fd, buf.as_ptr(), buf.len(), self.user) } {
            0 => Ok(buf.len()),
            _ => Err(Errno::Io),
        }
    }

    fn filestat(&self) -> WasiResult<Filestat> {
        Ok(Filestat {
            dev: 0,
            ino: 0,
            filetype: FileType::CharacterDevice,
            nlink: 1,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        })
    }

    /// A console: wasi-libc then line-buffers stdout, so each line reaches the embedder
    /// when it is printed rather than when the buffer fills or the program exits.
    fn isatty(&self) -> bool {
        true
    }
}
