//! Linear memory.

use alloc::alloc::{alloc_zeroed, dealloc, Layout};
use alloc::boxed::Box;
use core::ptr::NonNull;

use crate::trap::Trap;
use crate::types::{MemoryType, MAX_PAGES, PAGE_SIZE};

/// A linear memory. The bytes live in one zeroed allocation that is replaced on growth,
/// so engines must reload `base()` after anything that can grow memory (a call or
/// `memory.grow`).
///
/// `#[repr(C)]` and starting with base and length: AOT code reads them through a
/// `*mut VmMemory` (see `aot::context`).
#[repr(C)]
pub struct Memory {
    base: NonNull<u8>,
    len: usize,
    ty: MemoryType,
    /// Pages the embedder allows at most, below the type's maximum.
    limit_pages: u64,
    /// Storage provided by the runtime instead of the heap (e.g. a guard-page
    /// reservation for AOT code); the base then never moves.
    backing: Option<Box<dyn MemoryBacking>>,
}

/// Storage for a linear memory that grows in place: a fixed base whose first bytes are
/// made accessible on demand (e.g. an address-space reservation with guard pages).
pub trait MemoryBacking {
    /// The first byte; never changes.
    fn base(&self) -> *mut u8;
    /// Makes the first `len` bytes accessible; bytes not accessible before read as
    /// zero. `false` if that is impossible.
    fn grow_to(&mut self, len: usize) -> bool;
}

impl Memory {
    pub fn new(ty: MemoryType) -> Result<Memory, Trap> {
        let mut mem = Memory {
            base: NonNull::dangling(),
            len: 0,
            ty,
            limit_pages: MAX_PAGES,
            backing: None,
        };
        if mem.grow(ty.limits.min) < 0 {
            return Err(Trap::Host("cannot allocate the initial linear memory"));
        }
        Ok(mem)
    }

    pub fn ty(&self) -> MemoryType {
        MemoryType {
            limits: crate::types::Limits {
                min: self.pages(),
                max: self.ty.limits.max,
            },
        }
    }

    pub fn pages(&self) -> u64 {
        self.len as u64 / PAGE_SIZE
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    pub fn data(&self) -> &[u8] {
        // SAFETY: base points to `len` initialised bytes owned by self.
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }

    /// Grows by `delta` pages; returns the old size in pages, or -1 if it cannot.
    pub fn grow(&mut self, delta: u64) -> i64 {
        let old = self.pages();
        let max = self
            .ty
            .limits
            .max
            .unwrap_or(MAX_PAGES)
            .min(self.limit_pages);
        let Some(new) = old.checked_add(delta).filter(|&n| n <= max) else {
            return -1;
        };
        if delta == 0 {
            return old as i64;
        }
        let new_len = (new * PAGE_SIZE) as usize;
        if let Some(backing) = &mut self.backing {
            if !backing.grow_to(new_len) {
                return -1;
            }
            self.len = new_len;
            return old as i64;
        }
        let Ok(layout) = Layout::from_size_align(new_len, 16) else {
            return -1;
        };
        // A fresh zeroed allocation lets the allocator hand out untouched pages, so a
        // large memory costs nothing until used.
        // SAFETY: new_len > 0 because delta > 0.
        let ptr = unsafe { alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(ptr) else {
            return -1;
        };
        // SAFETY: both regions are valid for `self.len` bytes and distinct.
        unsafe {
            core::ptr::copy_nonoverlapping(self.base.as_ptr(), ptr.as_ptr(), self.len);
        }
        self.free();
        self.base = ptr;
        self.len = new_len;
        old as i64
    }

    /// Caps growth below the type's maximum (an embedder's memory budget).
    pub fn set_limit_pages(&mut self, pages: u64) {
        self.limit_pages = pages;
    }

    /// Moves the contents into `backing`, which holds the memory from now on (its base
    /// must stay valid for as long as the memory lives). Fails, leaving the memory as it
    /// was, if the backing cannot hold the current size.
    pub fn set_backing(&mut self, mut backing: Box<dyn MemoryBacking>) -> Result<(), Trap> {
        let base = NonNull::new(backing.base()).ok_or(Trap::Host("null memory backing"))?;
        if !backing.grow_to(self.len) {
            return Err(Trap::Host(
                "cannot move the linear memory into its reservation",
            ));
        }
        // SAFETY: the backing's first `len` bytes are accessible and distinct from ours.
        unsafe { core::ptr::copy_nonoverlapping(self.base.as_ptr(), base.as_ptr(), self.len) };
        self.free();
        self.base = base;
        self.backing = Some(backing);
        Ok(())
    }

    /// Whether the memory lives in runtime-provided storage (`set_backing`).
    pub fn has_backing(&self) -> bool {
        self.backing.is_some()
    }

    fn free(&mut self) {
        if self.backing.is_some() {
            return;
        }
        if self.len > 0 {
            // SAFETY: allocated in `grow` with this exact layout.
            unsafe {
                dealloc(
                    self.base.as_ptr(),
                    Layout::from_size_align_unchecked(self.len, 16),
                )
            };
        }
    }

    /// Bounds-checked view of `len` bytes at `addr`.
    pub fn slice(&self, addr: u64, len: u64) -> Result<&[u8], Trap> {
        let end = addr.checked_add(len).ok_or(Trap::MemoryOutOfBounds)?;
        if end > self.len as u64 {
            return Err(Trap::MemoryOutOfBounds);
        }
        Ok(&self.data()[addr as usize..end as usize])
    }

    pub fn slice_mut(&mut self, addr: u64, len: u64) -> Result<&mut [u8], Trap> {
        let end = addr.checked_add(len).ok_or(Trap::MemoryOutOfBounds)?;
        if end > self.len as u64 {
            return Err(Trap::MemoryOutOfBounds);
        }
        Ok(&mut self.data_mut()[addr as usize..end as usize])
    }

    pub fn fill(&mut self, dst: u64, value: u8, len: u64) -> Result<(), Trap> {
        self.slice_mut(dst, len)?.fill(value);
        Ok(())
    }

    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), Trap> {
        self.slice(src, len)?;
        self.slice(dst, len)?;
        self.data_mut()
            .copy_within(src as usize..(src + len) as usize, dst as usize);
        Ok(())
    }

    /// `memory.init` / active data: copy `len` bytes of `data` from `src` to `dst`.
    pub fn init(&mut self, dst: u64, data: &[u8], src: u64, len: u64) -> Result<(), Trap> {
        let end = src.checked_add(len).ok_or(Trap::MemoryOutOfBounds)?;
        if end > data.len() as u64 {
            return Err(Trap::MemoryOutOfBounds);
        }
        self.slice_mut(dst, len)?
            .copy_from_slice(&data[src as usize..end as usize]);
        Ok(())
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        self.free();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aot::context::VmMemory;
    use crate::types::Limits;

    #[test]
    fn memory_starts_with_the_vm_memory_header() {
        let mut m = Memory::new(MemoryType {
            limits: Limits { min: 1, max: None },
        })
        .unwrap();
        let header = &m as *const Memory as *const VmMemory;
        // SAFETY: Memory is repr(C) and begins with the same two fields.
        let (base, len) = unsafe { ((*header).base, (*header).len) };
        assert_eq!(base, m.base());
        assert_eq!(len, 65536);
        m.grow(1);
        let len = unsafe { (*header).len };
        assert_eq!(len, 2 * 65536);
    }

    struct Backing(alloc::vec::Vec<u8>, usize);

    impl MemoryBacking for Backing {
        fn base(&self) -> *mut u8 {
            self.0.as_ptr() as *mut u8
        }
        fn grow_to(&mut self, len: usize) -> bool {
            self.1 = self.1.max(len);
            len <= self.0.len()
        }
    }

    #[test]
    fn backing_keeps_contents_and_grows_in_place() {
        let mut m = Memory::new(MemoryType {
            limits: Limits { min: 1, max: None },
        })
        .unwrap();
        m.data_mut()[5] = 9;
        assert!(!m.has_backing());
        m.set_backing(Box::new(Backing(alloc::vec![0; 3 * 65536], 0)))
            .unwrap();
        assert!(m.has_backing());
        let base = m.base();
        assert_eq!(m.data()[5], 9);
        assert_eq!(m.grow(2), 1);
        assert_eq!(m.base(), base);
        assert_eq!(m.len(), 3 * 65536);
        assert_eq!(m.grow(1), -1);
        let mut small = Memory::new(MemoryType {
            limits: Limits { min: 2, max: None },
        })
        .unwrap();
        assert!(small
            .set_backing(Box::new(Backing(alloc::vec![0; 65536], 0)))
            .is_err());
        assert!(!small.has_backing());
    }
}
