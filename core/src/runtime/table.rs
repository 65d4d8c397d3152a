//! Tables of references (cells: 0 is null, otherwise index + 1).

use alloc::vec::Vec;

use crate::trap::Trap;
use crate::types::{Limits, TableType};
use crate::value::Cell;

/// Largest table the runtime creates, to keep a hostile `table.grow` from exhausting memory.
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

pub struct Table {
    pub elements: Vec<Cell>,
    pub ty: TableType,
}

impl Table {
    pub fn new(ty: TableType, init: Cell) -> Result<Table, Trap> {
        if ty.limits.min > MAX_TABLE_ELEMENTS {
            return Err(Trap::Host("table too large"));
        }
        Ok(Table {
            elements: alloc::vec![init; ty.limits.min as usize],
            ty,
        })
    }

    pub fn ty(&self) -> TableType {
        TableType {
            element: self.ty.element,
            limits: Limits {
                min: self.elements.len() as u64,
                max: self.ty.limits.max,
            },
        }
    }

    pub fn size(&self) -> u32 {
        self.elements.len() as u32
    }

    /// Grows by `delta` entries set to `init`; returns the old size or -1.
    pub fn grow(&mut self, delta: u32, init: Cell) -> i32 {
        let old = self.elements.len() as u64;
        let max = self
            .ty
            .limits
            .max
            .unwrap_or(u32::MAX as u64)
            .min(MAX_TABLE_ELEMENTS);
        let new = old + delta as u64;
        if new > max || self.elements.try_reserve(delta as usize).is_err() {
            return -1;
        }
        self.elements.resize(new as usize, init);
        old as i32
    }

    pub fn get(&self, index: u32) -> Result<Cell, Trap> {
        self.elements
            .get(index as usize)
            .copied()
            .ok_or(Trap::TableOutOfBounds)
    }

    pub fn set(&mut self, index: u32, value: Cell) -> Result<(), Trap> {
        let slot = self
            .elements
            .get_mut(index as usize)
            .ok_or(Trap::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    pub fn fill(&mut self, dst: u32, value: Cell, len: u32) -> Result<(), Trap> {
        let end = dst as u64 + len as u64;
        if end > self.elements.len() as u64 {
            return Err(Trap::TableOutOfBounds);
        }
        self.elements[dst as usize..end as usize].fill(value);
        Ok(())
    }

    /// `table.init` / active elements: copy `len` items of `items` from `src` to `dst`.
    pub fn init(&mut self, dst: u32, items: &[Cell], src: u32, len: u32) -> Result<(), Trap> {
        let src_end = src as u64 + len as u64;
        let dst_end = dst as u64 + len as u64;
        if src_end > items.len() as u64 || dst_end > self.elements.len() as u64 {
            return Err(Trap::TableOutOfBounds);
        }
        self.elements[dst as usize..dst_end as usize]
            .copy_from_slice(&items[src as usize..src_end as usize]);
        Ok(())
    }

    pub fn copy_within(&mut self, dst: u32, src: u32, len: u32) -> Result<(), Trap> {
        let size = self.elements.len() as u64;
        if src as u64 + len as u64 > size || dst as u64 + len as u64 > size {
            return Err(Trap::TableOutOfBounds);
        }
        self.elements
            .copy_within(src as usize..(src + len) as usize, dst as usize);
        Ok(())
    }
}
