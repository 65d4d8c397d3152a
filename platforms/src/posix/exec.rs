//! Executable memory with W^X: an anonymous mapping that is either read-write or
//! read-execute, never both.

use core::ptr::NonNull;

/// Why the OS refused a mapping or a protection change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsError(pub i32);

impl core::fmt::Display for OsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", std::io::Error::from_raw_os_error(self.0))
    }
}

impl std::error::Error for OsError {}

pub(crate) fn last_error() -> OsError {
    OsError(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
}

pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}

/// The protection a region currently has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    ReadWrite,
    ReadExecute,
}

/// A page-aligned region for generated code. Starts read-write.
pub struct ExecRegion {
    ptr: NonNull<u8>,
    /// Mapped bytes (a whole number of pages, at least one).
    mapped: usize,
    /// Bytes the caller asked for.
    len: usize,
    prot: Protection,
}

// SAFETY: the region is plain memory owned by this value.
unsafe impl Send for ExecRegion {}
// SAFETY: shared access only reads the bytes (`&self` methods never write).
unsafe impl Sync for ExecRegion {}

impl ExecRegion {
    /// Maps `len` bytes (rounded up to pages) read-write.
    pub fn new(len: usize) -> Result<ExecRegion, OsError> {
        let page = page_size();
        let mapped = len.max(1).div_ceil(page) * page;
        // SAFETY: an anonymous private mapping at an address the kernel picks.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(last_error());
        }
        Ok(ExecRegion {
            ptr: NonNull::new(p.cast()).ok_or(OsError(libc::ENOMEM))?,
            mapped,
            len,
            prot: Protection::ReadWrite,
        })
    }

    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn protection(&self) -> Protection {
        self.prot
    }

    /// The bytes, for writing; `None` unless the region is read-write.
    pub fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        match self.prot {
            Protection::ReadWrite => {
                // SAFETY: mapped read-write, owned by self, `len <= mapped`.
                Some(unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) })
            }
            Protection::ReadExecute => None,
        }
    }

    fn protect(&mut self, prot: Protection) -> Result<(), OsError> {
        let flags = match prot {
            Protection::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
            Protection::ReadExecute => libc::PROT_READ | libc::PROT_EXEC,
        };
        // SAFETY: the whole mapping belongs to self.
        if unsafe { libc::mprotect(self.ptr.as_ptr().cast(), self.mapped, flags) } != 0 {
            return Err(last_error());
        }
        self.prot = prot;
        Ok(())
    }

    pub fn make_writable(&mut self) -> Result<(), OsError> {
        self.protect(Protection::ReadWrite)
    }

    /// Switches to read-execute. On aarch64 the instruction cache is synchronised first.
    pub fn make_executable(&mut self) -> Result<(), OsError> {
        #[cfg(target_arch = "aarch64")]
        {
            extern "C" {
                fn __clear_cache(start: *mut core::ffi::c_void, end: *mut core::ffi::c_void);
            }
            // SAFETY: the range is inside the mapping.
            unsafe {
                __clear_cache(
                    self.ptr.as_ptr().cast(),
                    self.ptr.as_ptr().add(self.mapped).cast(),
                )
            };
        }
        self.protect(Protection::ReadExecute)
    }
}

impl Drop for ExecRegion {
    fn drop(&mut self) {
        // SAFETY: mapped in `new` with this length.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.mapped) };
    }
}
