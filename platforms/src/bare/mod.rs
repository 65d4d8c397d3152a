//! The `bare` platform: no OS and no libc. Everything comes from the embedder: generated
//! code runs from a static byte region it passes in, and protection changes, instruction
//! cache maintenance, the clock and randomness are callbacks it may provide. There are
//! no files.
//!
//! Memory protection is optional because most microcontrollers have none (or an MPU the
//! firmware programs itself); where the hardware has it, the `protect` callback keeps the
//! region writable or executable, never both (W^X).

use core::ffi::c_void;
use core::fmt;

/// `prot` argument of [`ProtectFn`]: the region becomes readable and writable.
pub const PROT_READ_WRITE: u32 = 1;
/// `prot` argument of [`ProtectFn`]: the region becomes readable and executable. The
/// callback also makes freshly written code visible to instruction fetch (data cache
/// clean, instruction cache invalidate) where the core has caches.
pub const PROT_READ_EXECUTE: u32 = 2;

/// Changes the protection of `len` bytes at `addr` to `prot` (`PROT_READ_WRITE` or
/// `PROT_READ_EXECUTE`); returns 0 on success.
pub type ProtectFn =
    unsafe extern "C" fn(addr: *mut u8, len: usize, prot: u32, user: *mut c_void) -> i32;

/// Current time of `clock` (`CLOCK_REALTIME` or `CLOCK_MONOTONIC`) in nanoseconds into
/// `*out`; returns 0 on success.
pub type ClockFn = unsafe extern "C" fn(clock: u32, out: *mut u64, user: *mut c_void) -> i32;

/// Fills `len` bytes at `buf` with random bytes; returns 0 on success.
pub type RandomFn = unsafe extern "C" fn(buf: *mut u8, len: usize, user: *mut c_void) -> i32;

/// `clock` argument of [`ClockFn`]: wall-clock time since the Unix epoch.
pub const CLOCK_REALTIME: u32 = 0;
/// `clock` argument of [`ClockFn`]: time since an arbitrary fixed point, never going back.
pub const CLOCK_MONOTONIC: u32 = 1;

/// Why a platform service failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareError {
    /// The embedder gave no callback for this service.
    Unavailable(&'static str),
    /// The embedder's callback returned this non-zero status.
    Callback(i32),
}

impl fmt::Display for BareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BareError::Unavailable(what) => write!(f, "{what} is not available on this platform"),
            BareError::Callback(code) => write!(f, "platform callback failed with status {code}"),
        }
    }
}

impl core::error::Error for BareError {}

/// The protection a [`CodeRegion`] was last switched to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    ReadWrite,
    ReadExecute,
}

/// Executable memory over a byte region the embedder owns (typically a `static` array,
/// aligned as the code needs). Starts out as the embedder left it; `make_writable` must be
/// called before writing.
pub struct CodeRegion<'a> {
    bytes: &'a mut [u8],
    protect: Option<ProtectFn>,
    user: *mut c_void,
    prot: Protection,
}

impl<'a> CodeRegion<'a> {
    /// `protect` (with `user` passed back to it) switches the region's protection; without
    /// it the region is taken to be both writable and executable, as RAM on a core without
    /// memory protection is.
    pub fn new(bytes: &'a mut [u8], protect: Option<ProtectFn>, user: *mut c_void) -> Self {
        CodeRegion {
            bytes,
            protect,
            user,
            prot: Protection::ReadWrite,
        }
    }

    pub fn as_ptr(&self) -> *const u8 {
        self.bytes.as_ptr()
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn protection(&self) -> Protection {
        self.prot
    }

    /// The region's bytes; write them only while the region is writable.
    pub fn bytes(&mut self) -> &mut [u8] {
        self.bytes
    }

    fn set(&mut self, prot: u32) -> Result<(), BareError> {
        let Some(protect) = self.protect else {
            return Ok(());
        };
        // SAFETY: the callback receives the region the embedder handed us.
        match unsafe { protect(self.bytes.as_mut_ptr(), self.bytes.len(), prot, self.user) } {
            0 => Ok(()),
            code => Err(BareError::Callback(code)),
        }
    }

    pub fn make_writable(&mut self) -> Result<(), BareError> {
        self.set(PROT_READ_WRITE)?;
        self.prot = Protection::ReadWrite;
        Ok(())
    }

    /// Switches to read-execute (through the callback, which also maintains caches), then
    /// makes sure the core fetches the new instructions rather than stale prefetched ones.
    pub fn make_executable(&mut self) -> Result<(), BareError> {
        self.set(PROT_READ_EXECUTE)?;
        sync_instructions();
        self.prot = Protection::ReadExecute;
        Ok(())
    }
}

/// After code was written through data accesses: complete the writes and flush the
/// pipeline (ARMv7-M requires DSB + ISB before executing modified memory; RISC-V needs
/// `fence.i`). Cache maintenance on cores with caches is the `protect` callback's job,
/// since only the firmware knows its cache configuration.
#[inline]
pub fn sync_instructions() {
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    #[cfg(target_arch = "arm")]
    // SAFETY: barriers have no operands and no effect besides ordering.
    unsafe {
        core::arch::asm!("dsb sy", "isb sy", options(nostack, preserves_flags));
    }
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    // SAFETY: as above.
    unsafe {
        core::arch::asm!("fence.i", options(nostack, preserves_flags));
    }
}

/// The embedder's clock and random source. Either may be absent; asking for it then
/// fails with [`BareError::Unavailable`].
#[derive(Clone, Copy)]
pub struct Services {
    pub clock: Option<ClockFn>,
    pub random: Option<RandomFn>,
    /// Passed back to every callback.
    pub user: *mut c_void,
}

impl Default for Services {
    fn default() -> Self {
        Services::NONE
    }
}

impl Services {
    /// No clock and no random source.
    pub const NONE: Services = Services {
        clock: None,
        random: None,
        user: core::ptr::null_mut(),
    };

    /// Nanoseconds on `clock` (`CLOCK_REALTIME` or `CLOCK_MONOTONIC`).
    pub fn now_ns(&self, clock: u32) -> Result<u64, BareError> {
        let f = self.clock.ok_or(BareError::Unavailable("a clock"))?;
        let mut out = 0u64;
        // SAFETY: `out` is a valid u64 for the callback to write.
        match unsafe { f(clock, &mut out, self.user) } {
            0 => Ok(out),
            code => Err(BareError::Callback(code)),
        }
    }

    /// Fills `buf` from the embedder's random source.
    pub fn fill_random(&self, buf: &mut [u8]) -> Result<(), BareError> {
        let f = self
            .random
            .ok_or(BareError::Unavailable("a random source"))?;
        if buf.is_empty() {
            return Ok(());
        }
        // SAFETY: `buf` is valid for `len` bytes.
        match unsafe { f(buf.as_mut_ptr(), buf.len(), self.user) } {
            0 => Ok(()),
            code => Err(BareError::Callback(code)),
        }
    }
}

#[cfg(feature = "bare-wasi")]
pub mod wasi;

#[cfg(test)]
mod tests;
