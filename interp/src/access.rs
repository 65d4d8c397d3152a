//! Loads and stores on a memory other than memory 0 (multi-memory) or on a 64-bit
//! memory (memory64). Memory 0 has one instruction per access (`I32Load`, ...) that
//! works on the base and length the dispatch loop keeps in registers; the rarer accesses
//! to another memory share two instructions, `LoadMem` and `StoreMem`, whose `kind`
//! field says which access it is. A 64-bit memory's accesses take this path too: its
//! addresses are u64, and its memarg offsets, saturated to `u32::MAX` by the
//! translator, still trap exactly as the full offset would (such a memory is smaller
//! than 4 GiB, `mote_core::types::MAX_MEMORY64_BYTES`).

use mote_core::runtime::Memory;
use mote_core::Trap;

use crate::code::Op;

/// What a `LoadMem` reads: width, extension and result type, as the `Op` of the same
/// access to memory 0.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(crate) enum Load {
    I32,
    I64,
    I32S8,
    I32U8,
    I32S16,
    I32U16,
    I64S8,
    I64U8,
    I64S16,
    I64U16,
    I64S32,
    I64U32,
}

const LOADS: [Load; 12] = [
    Load::I32,
    Load::I64,
    Load::I32S8,
    Load::I32U8,
    Load::I32S16,
    Load::I32U16,
    Load::I64S8,
    Load::I64U8,
    Load::I64S16,
    Load::I64U16,
    Load::I64S32,
    Load::I64U32,
];

impl Load {
    /// The access a memory-0 load instruction makes, `None` for anything else.
    pub(crate) fn of(op: &Op) -> Option<Load> {
        Some(match op {
            Op::I32Load { .. } => Load::I32,
            Op::I64Load { .. } => Load::I64,
            Op::I32Load8S { .. } => Load::I32S8,
            Op::I32Load8U { .. } => Load::I32U8,
            Op::I32Load16S { .. } => Load::I32S16,
            Op::I32Load16U { .. } => Load::I32U16,
            Op::I64Load8S { .. } => Load::I64S8,
            Op::I64Load8U { .. } => Load::I64U8,
            Op::I64Load16S { .. } => Load::I64S16,
            Op::I64Load16U { .. } => Load::I64U16,
            Op::I64Load32S { .. } => Load::I64S32,
            Op::I64Load32U { .. } => Load::I64U32,
            _ => return None,
        })
    }
}

/// Reads the access `kind` (a [`Load`] as `u8`) at `address + offset` of `memory`, as
/// the cell the memory-0 instruction would write.
pub(crate) fn load(memory: &Memory, kind: u8, address: u64, offset: u32) -> Result<u64, Trap> {
    let kind = *LOADS.get(kind as usize).ok_or(Trap::MemoryOutOfBounds)?;
    let width = match kind {
        Load::I32S8 | Load::I32U8 | Load::I64S8 | Load::I64U8 => 1,
        Load::I32S16 | Load::I32U16 | Load::I64S16 | Load::I64U16 => 2,
        Load::I32 | Load::I64S32 | Load::I64U32 => 4,
        Load::I64 => 8,
    };
    let start = address.checked_add(u64::from(offset));
    let bytes = memory.slice(start.ok_or(Trap::MemoryOutOfBounds)?, width)?;
    let mut raw = [0u8; 8];
    raw[..width as usize].copy_from_slice(bytes);
    let v = u64::from_le_bytes(raw);
    // i32 results are cells with the upper half zero (`Cellable for i32`).
    Ok(match kind {
        Load::I32 | Load::I32U8 | Load::I32U16 => v,
        Load::I64 | Load::I64U8 | Load::I64U16 | Load::I64U32 => v,
        Load::I32S8 => v as i8 as i32 as u32 as u64,
        Load::I32S16 => v as i16 as i32 as u32 as u64,
        Load::I64S8 => v as i8 as i64 as u64,
        Load::I64S16 => v as i16 as i64 as u64,
        Load::I64S32 => v as i32 as i64 as u64,
    })
}

/// The bytes a memory-0 store instruction writes, `None` for anything else.
pub(crate) fn store_width(op: &Op) -> Option<u8> {
    Some(match op {
        Op::I32Store8 { .. } | Op::I64Store8 { .. } => 1,
        Op::I32Store16 { .. } | Op::I64Store16 { .. } => 2,
        Op::I32Store { .. } | Op::I64Store32 { .. } => 4,
        Op::I64Store { .. } => 8,
        _ => return None,
    })
}

/// Writes the low `width` bytes of `value` at `address + offset` of `memory`.
pub(crate) fn store(
    memory: &mut Memory,
    width: u8,
    address: u64,
    offset: u32,
    value: u64,
) -> Result<(), Trap> {
    let width = usize::from(width.min(8));
    let start = address.checked_add(u64::from(offset));
    let bytes = memory.slice_mut(start.ok_or(Trap::MemoryOutOfBounds)?, width as u64)?;
    bytes.copy_from_slice(&value.to_le_bytes()[..width]);
    Ok(())
}
