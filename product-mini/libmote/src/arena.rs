//! The interpreter's fixed arena: the memory `mote_init` is given, managed by
//! `linked_list_allocator` (first fit, coalescing frees), with a high-water mark for
//! sizing. In the no_std staticlib with feature `arena` it is the global allocator, so
//! the interpreter never calls `malloc`.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{null_mut, NonNull};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use linked_list_allocator::Heap;

use crate::capi::Global;

/// Usage figures for `mote_arena_stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArenaStats {
    pub size: usize,
    pub used: usize,
    pub peak: usize,
}

pub struct Arena {
    heap: Global<Heap>,
    /// Held while the heap is touched. Allocation is never waited for: a second thread
    /// (against the API's rules) gets a failed allocation rather than a corrupt heap.
    busy: AtomicBool,
    peak: AtomicUsize,
}

impl Arena {
    pub const fn new() -> Arena {
        Arena {
            heap: Global::new(Heap::empty()),
            busy: AtomicBool::new(false),
            peak: AtomicUsize::new(0),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Heap) -> R) -> Option<R> {
        if self
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return None;
        }
        // SAFETY: `busy` gives exclusive access.
        let r = f(unsafe { &mut *self.heap.get() });
        self.busy.store(false, Ordering::Release);
        Some(r)
    }

    /// Takes `len` bytes at `base` as the arena, or says the smallest size accepted.
    ///
    /// # Safety
    /// The bytes are writable, unused by anything else, and outlive every allocation.
    pub unsafe fn init(&self, base: *mut u8, len: usize) -> Result<(), usize> {
        // Below a few words the allocator cannot even hold its free-list header.
        let min = 8 * core::mem::size_of::<usize>();
        if len < min {
            return Err(min);
        }
        self.with(|h| {
            // SAFETY: see the function's contract; a fresh heap replaces the old one.
            *h = unsafe { Heap::new(base, len) };
        })
        .ok_or(min)?;
        self.peak.store(0, Ordering::Relaxed);
        Ok(())
    }

    /// Forgets the arena (`mote_deinit`); later allocations fail.
    pub fn reset(&self) {
        self.with(|h| *h = Heap::empty());
        self.peak.store(0, Ordering::Relaxed);
    }

    pub fn stats(&self) -> ArenaStats {
        self.with(|h| ArenaStats {
            size: h.size(),
            used: h.used(),
            peak: self.peak.load(Ordering::Relaxed),
        })
        .unwrap_or_default()
    }

    pub fn allocate(&self, layout: Layout) -> *mut u8 {
        self.with(|h| match h.allocate_first_fit(layout) {
            Ok(p) => {
                self.peak.fetch_max(h.used(), Ordering::Relaxed);
                p.as_ptr()
            }
            Err(()) => null_mut(),
        })
        .unwrap_or(null_mut())
    }

    /// # Safety
    /// `ptr` came from `allocate` with `layout`.
    pub unsafe fn deallocate(&self, ptr: *mut u8, layout: Layout) {
        if let Some(p) = NonNull::new(ptr) {
            // SAFETY: see above.
            self.with(|h| unsafe { h.deallocate(p, layout) });
        }
    }
}

impl Default for Arena {
    fn default() -> Self {
        Arena::new()
    }
}

// SAFETY: `allocate`/`deallocate` hand out disjoint blocks of the arena and fail (null)
// rather than block or corrupt when called concurrently.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.allocate(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.deallocate(ptr, layout) }
    }
}

/// The arena `mote_init` sets up.
#[cfg_attr(
    all(feature = "arena", not(feature = "std"), not(test)),
    global_allocator
)]
pub static ARENA: Arena = Arena::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(align(16))]
    struct Buf([u8; 4096]);

    #[test]
    fn allocates_frees_and_tracks_the_high_water_mark() {
        let arena = Arena::new();
        let mut buf = Buf([0; 4096]);
        assert_eq!(arena.stats().size, 0);
        assert!(
            arena.allocate(Layout::new::<u64>()).is_null(),
            "no arena yet"
        );
        // SAFETY: the buffer outlives the arena in this test and nothing else uses it.
        unsafe { arena.init(buf.0.as_mut_ptr(), buf.0.len()).unwrap() };
        assert_eq!(arena.stats().size, 4096);
        let big = Layout::from_size_align(1000, 8).unwrap();
        let a = arena.allocate(big);
        let b = arena.allocate(big);
        assert!(!a.is_null() && !b.is_null() && a != b);
        let range = buf.0.as_ptr_range();
        assert!(range.contains(&a.cast_const()) && range.contains(&b.cast_const()));
        let peak = arena.stats().peak;
        assert!(peak >= 2000, "{peak}");
        // SAFETY: `a` and `b` came from this arena with layout `big`, each freed once.
        unsafe { arena.deallocate(a, big) };
        // SAFETY: as for `a`.
        unsafe { arena.deallocate(b, big) };
        let s = arena.stats();
        assert_eq!(s.used, 0);
        assert_eq!(s.peak, peak, "the peak stays");
        // Exhaustion is a null pointer, not a crash.
        assert!(arena
            .allocate(Layout::from_size_align(8192, 8).unwrap())
            .is_null());
        arena.reset();
        assert!(arena.allocate(Layout::new::<u64>()).is_null());
    }

    #[test]
    fn too_small_an_arena_is_refused() {
        let arena = Arena::new();
        let mut buf = [0u8; 8];
        // SAFETY: a writable buffer of that length; refused before it is used.
        let min = unsafe { arena.init(buf.as_mut_ptr(), buf.len()) }.unwrap_err();
        assert!(min > 8);
    }
}
