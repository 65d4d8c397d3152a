//! Tables of references: one object for every engine and every place a table can live,
//! and every rule of the table instructions that needs no instance (`table.get`,
//! `table.set`, `table.size`, `table.grow`, `table.fill`, `table.copy`, and the copy half
//! of `table.init`).
//!
//! Entries are reference cells: 0 is null; what a non-null cell means is the instance's
//! business (`instance::Instance::func_ref`).

#[cfg(feature = "alloc")]
use alloc::vec::Vec;
use core::ptr::NonNull;

use crate::trap::Trap;
use crate::types::{Limits, TableType};
use crate::value::Cell;

/// Largest table the heap storage creates, to keep a hostile `table.grow` from
/// exhausting memory.
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

/// A table. Engines keep raw pointers to it; `#[repr(C)]` with the entries first so that
/// generated code can read `elements`/`size` at fixed offsets: it starts with a
/// [`VmTable`](crate::aot::context::VmTable) (checked below).
#[repr(C)]
pub struct Table {
    elements: NonNull<Cell>,
    size: u32,
    /// Entries the storage holds without moving.
    capacity: u32,
    ty: TableType,
    /// Entries growth may reach: the type's maximum, capped by the storage.
    limit: u32,
    storage: Storage,
}

const _: () = {
    use crate::aot::context::VmTable;
    use core::mem::offset_of;
    assert!(offset_of!(Table, elements) == offset_of!(VmTable, elements));
    assert!(offset_of!(Table, size) == offset_of!(VmTable, size));
};

enum Storage {
    /// An array the embedder lent for the table's lifetime; growth stays inside it.
    Buffer,
    /// A heap allocation of `capacity` cells, replaced on growth.
    #[cfg(feature = "alloc")]
    Heap,
}

impl Table {
    /// A table of `ty` on the heap, its `min` entries set to `init`.
    #[cfg(feature = "alloc")]
    pub fn new(ty: TableType, init: Cell) -> Result<Table, Trap> {
        if ty.limits.min > MAX_TABLE_ELEMENTS {
            return Err(Trap::Host("table too large"));
        }
        let mut cells: Vec<Cell> = Vec::new();
        cells
            .try_reserve_exact(ty.limits.min as usize)
            .map_err(|_| Trap::Host("table too large"))?;
        cells.resize(ty.limits.min as usize, init);
        let limit = ty
            .limits
            .max
            .unwrap_or(u32::MAX as u64)
            .min(MAX_TABLE_ELEMENTS) as u32;
        Ok(Table::from_vec(cells, ty, limit))
    }

    #[cfg(feature = "alloc")]
    fn from_vec(cells: Vec<Cell>, ty: TableType, limit: u32) -> Table {
        let mut cells = core::mem::ManuallyDrop::new(cells);
        // Both fit u32: the size is at most MAX_TABLE_ELEMENTS, and so is the capacity
        // (reserved exactly).
        let (size, capacity) = (cells.len() as u32, cells.capacity() as u32);
        Table {
            // SAFETY: a vector's pointer is never null (dangling when empty).
            elements: unsafe { NonNull::new_unchecked(cells.as_mut_ptr()) },
            size,
            capacity,
            ty,
            limit,
            storage: Storage::Heap,
        }
    }

    /// A table of `ty` in the embedder's array of `capacity` cells: the initial entries
    /// are null, and growth stays within the array. Fails if the initial size does not fit.
    ///
    /// # Safety
    /// `cells` is valid for reads and writes of `capacity` cells for as long as the table
    /// lives, and nothing else accesses them meanwhile.
    pub unsafe fn in_buffer(
        ty: TableType,
        cells: NonNull<Cell>,
        capacity: u32,
    ) -> Result<Table, Trap> {
        if ty.limits.min > u64::from(capacity) {
            return Err(Trap::Host(
                "the table buffer is smaller than the initial table",
            ));
        }
        let size = ty.limits.min as u32;
        // SAFETY: `size` ≤ `capacity` cells are ours (caller's contract).
        unsafe { core::ptr::write_bytes(cells.as_ptr(), 0, size as usize) };
        let limit = ty
            .limits
            .max
            .map_or(capacity, |m| m.min(u64::from(capacity)) as u32);
        Ok(Table {
            elements: cells,
            size,
            capacity,
            ty,
            limit,
            storage: Storage::Buffer,
        })
    }

    /// The type with the current size as its minimum (what an importer sees).
    pub fn ty(&self) -> TableType {
        TableType {
            limits: Limits {
                min: u64::from(self.size),
                max: self.ty.limits.max,
            },
            ..self.ty
        }
    }

    /// Whether indices are i64 (table64); always `false` in a build without the
    /// `memory64` feature, which refuses such tables at load.
    pub fn address64(&self) -> bool {
        self.ty.is_64()
    }

    /// The index in a cell of this table's address type: all 64 bits of an i64, the
    /// low 32 of an i32.
    pub fn address(&self, cell: u64) -> u64 {
        if self.address64() {
            cell
        } else {
            cell as u32 as u64
        }
    }

    /// `table.size`.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// The live entries.
    pub fn cells(&self) -> &[Cell] {
        // SAFETY: `size` ≤ `capacity` initialised cells at `elements`, owned or lent.
        unsafe { core::slice::from_raw_parts(self.elements.as_ptr(), self.size as usize) }
    }

    fn cells_mut(&mut self) -> &mut [Cell] {
        // SAFETY: as in `cells`; `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.elements.as_ptr(), self.size as usize) }
    }

    /// The range `start..start + len` of the entries, or an out-of-bounds trap.
    fn range(&self, start: u32, len: u32) -> Result<core::ops::Range<usize>, Trap> {
        let end = u64::from(start) + u64::from(len);
        if end > u64::from(self.size) {
            return Err(Trap::TableOutOfBounds);
        }
        Ok(start as usize..end as usize)
    }

    /// `table.grow`: `delta` new entries set to `init`; returns the old size, or -1 if the
    /// table cannot grow that much (never a trap).
    pub fn grow(&mut self, delta: u32, init: Cell) -> i32 {
        let old = self.size;
        let Some(new) = old.checked_add(delta).filter(|&n| n <= self.limit) else {
            return -1;
        };
        if new > self.capacity && !self.reserve(new) {
            return -1;
        }
        for i in old..new {
            // SAFETY: i < new ≤ capacity; written before `size` makes it live.
            unsafe { self.elements.as_ptr().add(i as usize).write(init) };
        }
        self.size = new;
        old as i32
    }

    /// Makes room for `new` entries without changing the size; false if impossible.
    #[cfg_attr(not(feature = "alloc"), allow(unused_variables))]
    fn reserve(&mut self, new: u32) -> bool {
        match self.storage {
            Storage::Buffer => false,
            #[cfg(feature = "alloc")]
            Storage::Heap => {
                let mut cells = self.take_vec();
                let ok = cells.try_reserve_exact((new - self.size) as usize).is_ok();
                // The vector goes back either way, grown or not.
                let mut cells = core::mem::ManuallyDrop::new(cells);
                // SAFETY: a vector's pointer is never null.
                self.elements = unsafe { NonNull::new_unchecked(cells.as_mut_ptr()) };
                // At most `new` ≤ MAX_TABLE_ELEMENTS: reserved exactly.
                self.capacity = cells.capacity() as u32;
                ok
            }
        }
    }

    /// The heap vector. The caller puts it back (`ManuallyDrop`) or drops it with `self`.
    #[cfg(feature = "alloc")]
    fn take_vec(&mut self) -> Vec<Cell> {
        // SAFETY: heap storage came from a vector with exactly this pointer, length and
        // capacity (`from_vec`, `reserve`); callers never let two vectors own it.
        unsafe {
            Vec::from_raw_parts(
                self.elements.as_ptr(),
                self.size as usize,
                self.capacity as usize,
            )
        }
    }

    /// `table.get`.
    pub fn get(&self, index: u32) -> Result<Cell, Trap> {
        self.cells()
            .get(index as usize)
            .copied()
            .ok_or(Trap::TableOutOfBounds)
    }

    /// `table.set`.
    pub fn set(&mut self, index: u32, value: Cell) -> Result<(), Trap> {
        let slot = self
            .cells_mut()
            .get_mut(index as usize)
            .ok_or(Trap::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    /// `table.fill`.
    pub fn fill(&mut self, dst: u32, value: Cell, len: u32) -> Result<(), Trap> {
        let range = self.range(dst, len)?;
        self.cells_mut()[range].fill(value);
        Ok(())
    }

    /// `table.init` / active elements: copy `len` items of `items` from `src` to `dst`;
    /// both ranges are checked before anything is written.
    pub fn init(&mut self, dst: u32, items: &[Cell], src: u32, len: u32) -> Result<(), Trap> {
        let src_end = u64::from(src) + u64::from(len);
        if src_end > items.len() as u64 {
            return Err(Trap::TableOutOfBounds);
        }
        let range = self.range(dst, len)?;
        self.cells_mut()[range].copy_from_slice(&items[src as usize..src_end as usize]);
        Ok(())
    }

    /// `table.copy` within this table (overlapping ranges allowed).
    pub fn copy_within(&mut self, dst: u32, src: u32, len: u32) -> Result<(), Trap> {
        let src = self.range(src, len)?;
        self.range(dst, len)?;
        self.cells_mut().copy_within(src, dst as usize);
        Ok(())
    }

    /// `table.copy` from another table.
    pub fn copy_from(&mut self, dst: u32, source: &Table, src: u32, len: u32) -> Result<(), Trap> {
        self.init(dst, source.cells(), src, len)
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        #[cfg(feature = "alloc")]
        if matches!(self.storage, Storage::Heap) {
            drop(self.take_vec());
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::types::ValType;

    fn ty(min: u64, max: Option<u64>) -> TableType {
        TableType {
            element: ValType::FuncRef,
            limits: Limits { min, max },
            address64: false,
        }
    }

    #[test]
    fn heap_tables_grow_to_their_maximum() {
        let mut t = Table::new(ty(2, Some(5)), 7).unwrap();
        assert_eq!(t.cells(), &[7, 7]);
        assert_eq!(t.grow(2, 9), 2);
        assert_eq!(t.cells(), &[7, 7, 9, 9]);
        assert_eq!(t.grow(2, 0), -1);
        assert_eq!(t.grow(1, 1), 4);
        assert_eq!(t.size(), 5);
        assert_eq!(t.get(4), Ok(1));
        assert_eq!(t.get(5), Err(Trap::TableOutOfBounds));
    }

    #[test]
    fn lent_tables_grow_within_their_array() {
        let mut cells = [5u64; 4];
        let base = NonNull::new(cells.as_mut_ptr()).unwrap();
        // SAFETY: the array outlives the table and is not touched meanwhile.
        let mut t = unsafe { Table::in_buffer(ty(1, None), base, 4) }.unwrap();
        assert_eq!(t.cells(), &[0]);
        assert_eq!(t.grow(3, 2), 1);
        assert_eq!(t.grow(1, 2), -1);
        t.copy_within(0, 1, 3).unwrap();
        assert_eq!(t.cells(), &[2, 2, 2, 2]);
        drop(t);
        // SAFETY: as above.
        assert!(unsafe { Table::in_buffer(ty(5, None), base, 4) }.is_err());
    }

    #[test]
    fn ranges_are_checked_before_writing() {
        let mut t = Table::new(ty(3, None), 0).unwrap();
        assert_eq!(t.init(1, &[1, 2, 3], 0, 3), Err(Trap::TableOutOfBounds));
        assert_eq!(t.cells(), &[0, 0, 0]);
        assert_eq!(t.fill(2, 4, 2), Err(Trap::TableOutOfBounds));
        let other = Table::new(ty(2, None), 6).unwrap();
        t.copy_from(1, &other, 0, 2).unwrap();
        assert_eq!(t.cells(), &[0, 6, 6]);
        assert_eq!(t.fill(3, 1, 0), Ok(()));
    }
}
