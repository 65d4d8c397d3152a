//! Linear memory for guard-mode AOT code: a large `PROT_NONE` reservation whose first
//! bytes are committed read-write as the memory grows. Accesses past the committed part
//! fault; with the reservation registered, `trap::call_guarded` turns the fault into a
//! trap.

use core::ptr::NonNull;

use super::exec::{last_error, page_size, OsError};

/// Bytes reserved per guard-mode memory on 64-bit hosts: 4 GiB of addressable memory
/// (any 32-bit index) plus 4 GiB for the largest static offset, so a wasm32 access
/// `base + u32 index + u32 offset` always lands inside the reservation.
pub const GUARD_RESERVATION: usize = 8 << 30;

pub struct Reservation {
    ptr: NonNull<u8>,
    reserved: usize,
    committed: usize,
    slot: i32,
}

// SAFETY: plain memory owned by this value.
unsafe impl Send for Reservation {}
// SAFETY: `&self` methods never write the reserved bytes; growth takes `&mut self`.
unsafe impl Sync for Reservation {}

impl Reservation {
    /// Reserves `bytes` (rounded up to pages) inaccessible and registers the range with
    /// the fault handler.
    pub fn new(bytes: usize) -> Result<Reservation, OsError> {
        let page = page_size();
        let reserved = bytes.max(1).div_ceil(page) * page;
        // SAFETY: a fresh anonymous mapping; MAP_NORESERVE so the reservation costs no
        // commit charge until pages are made accessible.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                reserved,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(last_error());
        }
        let ptr = NonNull::new(p.cast::<u8>()).ok_or(OsError(libc::ENOMEM))?;
        let slot = super::trap::register(ptr.as_ptr(), reserved);
        Ok(Reservation {
            ptr,
            reserved,
            committed: 0,
            slot,
        })
    }

    pub fn base(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    pub fn reserved(&self) -> usize {
        self.reserved
    }

    pub fn committed(&self) -> usize {
        self.committed
    }

    /// Makes the first `len` bytes read-write (new bytes read as zero). Shrinking is not
    /// supported (wasm memories only grow); a smaller `len` is a no-op.
    pub fn commit(&mut self, len: usize) -> Result<(), OsError> {
        if len <= self.committed {
            return Ok(());
        }
        if len > self.reserved {
            return Err(OsError(libc::ENOMEM));
        }
        let page = page_size();
        let new = len.div_ceil(page) * page;
        // SAFETY: [committed, new) lies inside the reservation.
        let rc = unsafe {
            libc::mprotect(
                self.ptr.as_ptr().add(self.committed).cast(),
                new - self.committed,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if rc != 0 {
            return Err(last_error());
        }
        self.committed = new;
        Ok(())
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        super::trap::unregister(self.slot);
        // SAFETY: mapped in `new` with this length.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.reserved) };
    }
}
