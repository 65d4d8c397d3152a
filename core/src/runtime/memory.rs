//! Linear memory: one object for every engine and every place a memory can live, and
//! every rule of the memory instructions that needs no instance (`memory.size`,
//! `memory.grow`, `memory.fill`, `memory.copy`, and the copy half of `memory.init`).

#[cfg(feature = "alloc")]
use alloc::{
    alloc::{alloc_zeroed, dealloc, Layout},
    boxed::Box,
};
use core::ptr::NonNull;

use crate::trap::Trap;
use crate::types::{MemoryType, MAX_MEMORY64_BYTES};

/// A linear memory. Engines keep raw pointers to it and must reload `base()` after
/// anything that can grow memory (a call or `memory.grow`): heap storage moves on growth.
///
/// `#[repr(C)]` and starting with base and length: AOT code reads them through a
/// `*mut VmMemory` (see `aot::context`).
#[repr(C)]
pub struct Memory {
    base: NonNull<u8>,
    len: usize,
    ty: MemoryType,
    /// Bytes growth may reach: the type's maximum, capped by the embedder's limit and by
    /// what the storage can hold.
    limit: usize,
    storage: Storage,
}

/// Where the bytes live.
enum Storage {
    /// A buffer the embedder lent for the memory's lifetime (firmware: a static array);
    /// growth stays inside it, so the base never moves.
    Buffer,
    /// One zeroed heap allocation, replaced on growth.
    #[cfg(feature = "alloc")]
    Heap,
    /// Storage that grows in place (e.g. an address-space reservation with guard pages).
    #[cfg(feature = "alloc")]
    Backing(Box<dyn MemoryBacking>),
}

/// Storage for a linear memory that grows in place: a fixed base whose first bytes are
/// made accessible on demand (e.g. an address-space reservation with guard pages).
#[cfg(feature = "alloc")]
pub trait MemoryBacking {
    /// The first byte; never changes.
    fn base(&self) -> *mut u8;
    /// Makes the first `len` bytes accessible; bytes not accessible before read as
    /// zero. `false` if that is impossible.
    fn grow_to(&mut self, len: usize) -> bool;
}

/// Bytes of `pages` pages of `ty`, if that fits the address space.
fn pages_to_bytes(ty: &MemoryType, pages: u64) -> Option<usize> {
    ty.bytes(pages).and_then(|b| usize::try_from(b).ok())
}

/// The byte limit the type allows on this host (whole pages); a 64-bit memory also
/// stops at [`MAX_MEMORY64_BYTES`].
fn type_limit(ty: &MemoryType) -> usize {
    let pages = ty.limits.max.unwrap_or(u64::MAX).min(ty.max_pages());
    let bytes = pages_to_bytes(ty, pages).unwrap_or(whole_pages(ty, usize::MAX));
    if ty.is_64() {
        bytes.min(whole_pages(ty, MAX_MEMORY64_BYTES as usize))
    } else {
        bytes
    }
}

/// `bytes` rounded down to whole pages of `ty`.
fn whole_pages(ty: &MemoryType, bytes: usize) -> usize {
    // Page sizes are powers of two.
    bytes & !(ty.page_size() as usize - 1)
}

impl Memory {
    /// A memory of `ty` on the heap, at its initial size.
    #[cfg(feature = "alloc")]
    pub fn new(ty: MemoryType) -> Result<Memory, Trap> {
        let mut mem = Memory {
            base: NonNull::dangling(),
            len: 0,
            ty,
            limit: type_limit(&ty),
            storage: Storage::Heap,
        };
        if mem.grow(ty.limits.min) < 0 {
            return Err(Trap::Host("cannot allocate the initial linear memory"));
        }
        Ok(mem)
    }

    /// A memory of `ty` in the embedder's buffer of `capacity` bytes at `buffer`: the
    /// initial pages are zeroed, and growth stays within the buffer (whole pages of the
    /// memory's page size: with one-byte pages, every byte of the buffer).
    /// Fails if the initial size does not fit.
    ///
    /// # Safety
    /// `buffer` is valid for reads and writes of `capacity` bytes, aligned to 8, for as
    /// long as the memory lives, and nothing else accesses it meanwhile.
    pub unsafe fn in_buffer(
        ty: MemoryType,
        buffer: NonNull<u8>,
        capacity: usize,
    ) -> Result<Memory, Trap> {
        let whole_pages = whole_pages(&ty, capacity);
        let min = pages_to_bytes(&ty, ty.limits.min)
            .filter(|&min| min <= whole_pages)
            .ok_or(Trap::Host(
                "the memory buffer is smaller than the initial memory",
            ))?;
        // SAFETY: `min` ≤ `capacity` bytes at `buffer` are ours (caller's contract).
        unsafe { core::ptr::write_bytes(buffer.as_ptr(), 0, min) };
        Ok(Memory {
            base: buffer,
            len: min,
            ty,
            limit: type_limit(&ty).min(whole_pages),
            storage: Storage::Buffer,
        })
    }

    /// The type with the current size as its minimum (what an importer sees).
    pub fn ty(&self) -> MemoryType {
        MemoryType {
            limits: crate::types::Limits {
                min: self.pages(),
                max: self.ty.limits.max,
            },
            ..self.ty
        }
    }

    /// Whether addresses are i64 (memory64); always `false` in a build without the
    /// `memory64` feature, which refuses such memories at load.
    pub fn address64(&self) -> bool {
        self.ty.is_64()
    }

    /// The address in a cell of this memory's address type: all 64 bits of an i64, the
    /// low 32 of an i32.
    pub fn address(&self, cell: u64) -> u64 {
        if self.address64() {
            cell
        } else {
            cell as u32 as u64
        }
    }

    /// The size in pages of the memory's page size (`memory.size`).
    pub fn pages(&self) -> u64 {
        self.len as u64 >> self.ty.page_size_log2
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
        // SAFETY: base points to `len` initialised bytes owned (or borrowed) by self.
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }

    /// `memory.grow`: grows by `delta` pages with the new bytes zeroed; returns the old
    /// size in pages, or -1 if the memory cannot grow that much (never a trap).
    pub fn grow(&mut self, delta: u64) -> i64 {
        let old = self.pages();
        let Some(new_len) = old
            .checked_add(delta)
            .and_then(|pages| pages_to_bytes(&self.ty, pages))
            .filter(|&n| n <= self.limit)
        else {
            return -1;
        };
        if delta == 0 {
            return old as i64;
        }
        match &mut self.storage {
            Storage::Buffer => {
                // SAFETY: len..new_len lies inside the lent buffer (limit ≤ its length).
                unsafe {
                    core::ptr::write_bytes(self.base.as_ptr().add(self.len), 0, new_len - self.len)
                };
            }
            #[cfg(feature = "alloc")]
            Storage::Backing(backing) => {
                if !backing.grow_to(new_len) {
                    return -1;
                }
            }
            #[cfg(feature = "alloc")]
            Storage::Heap => {
                let Ok(layout) = Layout::from_size_align(new_len, 16) else {
                    return -1;
                };
                // A fresh zeroed allocation lets the allocator hand out untouched pages,
                // so a large memory costs nothing until used.
                // SAFETY: new_len > 0 because delta > 0.
                let ptr = unsafe { alloc_zeroed(layout) };
                let Some(ptr) = NonNull::new(ptr) else {
                    return -1;
                };
                // SAFETY: both regions are valid for `self.len` bytes and distinct.
                unsafe {
                    core::ptr::copy_nonoverlapping(self.base.as_ptr(), ptr.as_ptr(), self.len);
                }
                self.free_heap();
                self.base = ptr;
            }
        }
        self.len = new_len;
        old as i64
    }

    /// Caps growth below the type's maximum (an embedder's memory budget).
    pub fn set_limit_pages(&mut self, pages: u64) {
        let bytes = pages_to_bytes(&self.ty, pages).unwrap_or(usize::MAX);
        self.limit = self.limit.min(bytes);
    }

    /// Moves the contents into `backing`, which holds the memory from now on (its base
    /// must stay valid for as long as the memory lives). Fails, leaving the memory as it
    /// was, if the backing cannot hold the current size.
    #[cfg(feature = "alloc")]
    pub fn set_backing(&mut self, mut backing: Box<dyn MemoryBacking>) -> Result<(), Trap> {
        let base = NonNull::new(backing.base()).ok_or(Trap::Host("null memory backing"))?;
        if !backing.grow_to(self.len) {
            return Err(Trap::Host(
                "cannot move the linear memory into its reservation",
            ));
        }
        // SAFETY: the backing's first `len` bytes are accessible and distinct from ours.
        unsafe { core::ptr::copy_nonoverlapping(self.base.as_ptr(), base.as_ptr(), self.len) };
        self.free_heap();
        self.base = base;
        self.storage = Storage::Backing(backing);
        Ok(())
    }

    /// Whether the base never moves (a lent buffer or a backing): generated code may
    /// then keep it across calls.
    pub fn has_fixed_base(&self) -> bool {
        match self.storage {
            Storage::Buffer => true,
            #[cfg(feature = "alloc")]
            Storage::Backing(_) => true,
            #[cfg(feature = "alloc")]
            Storage::Heap => false,
        }
    }

    /// Whether the memory lives in runtime-provided storage (`set_backing`).
    #[cfg(feature = "alloc")]
    pub fn has_backing(&self) -> bool {
        matches!(self.storage, Storage::Backing(_))
    }

    #[cfg(feature = "alloc")]
    fn free_heap(&mut self) {
        if matches!(self.storage, Storage::Heap) && self.len > 0 {
            // SAFETY: allocated in `grow` with this exact layout.
            unsafe {
                dealloc(
                    self.base.as_ptr(),
                    Layout::from_size_align_unchecked(self.len, 16),
                )
            };
        }
    }

    /// The byte range `addr..addr + len`, or an out-of-bounds trap.
    fn range(&self, addr: u64, len: u64) -> Result<core::ops::Range<usize>, Trap> {
        let end = addr.checked_add(len).ok_or(Trap::MemoryOutOfBounds)?;
        if end > self.len as u64 {
            return Err(Trap::MemoryOutOfBounds);
        }
        Ok(addr as usize..end as usize)
    }

    /// Bounds-checked view of `len` bytes at `addr`.
    pub fn slice(&self, addr: u64, len: u64) -> Result<&[u8], Trap> {
        let range = self.range(addr, len)?;
        Ok(&self.data()[range])
    }

    pub fn slice_mut(&mut self, addr: u64, len: u64) -> Result<&mut [u8], Trap> {
        let range = self.range(addr, len)?;
        Ok(&mut self.data_mut()[range])
    }

    /// `memory.fill`.
    pub fn fill(&mut self, dst: u64, value: u8, len: u64) -> Result<(), Trap> {
        self.slice_mut(dst, len)?.fill(value);
        Ok(())
    }

    /// `memory.copy` within this memory (overlapping ranges allowed).
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), Trap> {
        let src = self.range(src, len)?;
        self.range(dst, len)?;
        self.data_mut().copy_within(src, dst as usize);
        Ok(())
    }

    /// `memory.copy` from another memory (multi-memory): both ranges are checked
    /// before anything is written.
    pub fn copy_from(
        &mut self,
        dst: u64,
        src_memory: &Memory,
        src: u64,
        len: u64,
    ) -> Result<(), Trap> {
        let bytes = src_memory.slice(src, len)?;
        self.slice_mut(dst, len)?.copy_from_slice(bytes);
        Ok(())
    }

    /// `memory.init` / active data: copy `len` bytes of `data` from `src` to `dst`;
    /// both ranges are checked before anything is written.
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
        #[cfg(feature = "alloc")]
        self.free_heap();
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::aot::context::VmMemory;
    use crate::types::Limits;

    fn ty(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType::new(Limits { min, max })
    }

    #[test]
    fn memory_starts_with_the_vm_memory_header() {
        let mut m = Memory::new(ty(1, None)).unwrap();
        let header = &m as *const Memory as *const VmMemory;
        // SAFETY: Memory is repr(C) and begins with the same two fields.
        let (base, len) = unsafe { ((*header).base, (*header).len) };
        assert_eq!(base, m.base());
        assert_eq!(len, 65536);
        m.grow(1);
        // SAFETY: as above.
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
        let mut m = Memory::new(ty(1, None)).unwrap();
        m.data_mut()[5] = 9;
        assert!(!m.has_backing());
        m.set_backing(Box::new(Backing(alloc::vec![0; 3 * 65536], 0)))
            .unwrap();
        assert!(m.has_backing() && m.has_fixed_base());
        let base = m.base();
        assert_eq!(m.data()[5], 9);
        assert_eq!(m.grow(2), 1);
        assert_eq!(m.base(), base);
        assert_eq!(m.len(), 3 * 65536);
        assert_eq!(m.grow(1), -1);
        let mut small = Memory::new(ty(2, None)).unwrap();
        assert!(small
            .set_backing(Box::new(Backing(alloc::vec![0; 65536], 0)))
            .is_err());
        assert!(!small.has_backing());
    }

    #[test]
    fn a_lent_buffer_is_zeroed_and_bounds_growth() {
        let mut buffer = alloc::vec![0xaau8; 2 * 65536 + 100];
        let base = NonNull::new(buffer.as_mut_ptr()).unwrap();
        // SAFETY: the vector outlives the memory and is not touched meanwhile.
        let mut m = unsafe { Memory::in_buffer(ty(1, Some(5)), base, buffer.len()) }.unwrap();
        assert!(m.data().iter().all(|&b| b == 0));
        assert_eq!(m.grow(1), 1);
        assert!(m.data().iter().all(|&b| b == 0), "new pages are zeroed");
        assert_eq!(m.base(), base.as_ptr());
        // Two whole pages fit the buffer, though the type allows five.
        assert_eq!(m.grow(1), -1);
        drop(m);
        // SAFETY: as above.
        let too_small = unsafe { Memory::in_buffer(ty(3, None), base, buffer.len()) };
        assert!(too_small.is_err());
    }

    #[test]
    fn growth_stops_at_the_maximum_and_the_limit() {
        let mut m = Memory::new(ty(0, Some(3))).unwrap();
        assert_eq!(m.grow(4), -1);
        assert_eq!(m.grow(2), 0);
        m.set_limit_pages(2);
        assert_eq!(m.grow(1), -1);
        assert_eq!(m.grow(0), 2);
    }
}
