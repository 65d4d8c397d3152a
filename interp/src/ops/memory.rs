//! Linear memory and tables (grammar in `ops/mod.rs`). Loads and stores address memory
//! 0, except `LoadMem`/`StoreMem` (any memory, `access.rs`); the effective address is
//! `address + static_offset` (the memarg offset), checked against the memory's length.
//!
//! Operands that are addresses, lengths or indices are i32 for a 32-bit memory or table
//! and i64 for a 64-bit one (memory64): the handlers read the whole cell and let the
//! memory or table take what its type says (`Memory::address`, `Table::address`), so
//! the instructions need no flag. Where that means looking up a memory or table the
//! handler does not otherwise need, a build without `memory64` reads i32s as before. Tables index with u32: an i64 index that does not fit
//! saturates ([`saturate_u32`](mote_core::types::saturate_u32)) and is out of bounds
//! either way.

macro_rules! memory_ops {
    (
        $tables:tt $callback:ident
        [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        $($entries:tt)*
    ) => {
        $crate::ops::next_table! {
            $tables $callback [$pc, $fp, $ctx, $m, $mem_base, $mem_len] $($entries)*

            // ---- memory ----
            /// `result = ` 4 bytes at `address + static_offset` (i32 and f32).
            I32Load { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(u32, u32);
            /// `result = ` 8 bytes at `address + static_offset` (i64 and f64).
            I64Load { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(u64, u64);
            /// `result = ` the byte at `address + static_offset`, sign-extended to i32.
            I32Load8S { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(i8, i32);
            /// `result = ` the byte at `address + static_offset`, zero-extended to i32.
            I32Load8U { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(u8, u32);
            /// `result = ` 2 bytes at `address + static_offset`, sign-extended to i32.
            I32Load16S { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(i16, i32);
            /// `result = ` 2 bytes at `address + static_offset`, zero-extended to i32.
            I32Load16U { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(u16, u32);
            /// `result = ` the byte at `address + static_offset`, sign-extended to i64.
            I64Load8S { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(i8, i64);
            /// `result = ` the byte at `address + static_offset`, zero-extended to i64.
            I64Load8U { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(u8, u64);
            /// `result = ` 2 bytes at `address + static_offset`, sign-extended to i64.
            I64Load16S { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(i16, i64);
            /// `result = ` 2 bytes at `address + static_offset`, zero-extended to i64.
            I64Load16U { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(u16, u64);
            /// `result = ` 4 bytes at `address + static_offset`, sign-extended to i64.
            I64Load32S { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(i32, i64);
            /// `result = ` 4 bytes at `address + static_offset`, zero-extended to i64.
            I64Load32U { result: Slot, address: Slot, static_offset: u32 } writes result
                => load(u32, u64);
            /// Stores the low 4 bytes of `value` at `address + static_offset` (i32 and f32).
            I32Store { address: Slot, value: Slot, static_offset: u32 } => store(u32);
            /// Stores the 8 bytes of `value` at `address + static_offset` (i64 and f64).
            I64Store { address: Slot, value: Slot, static_offset: u32 } => store(u64);
            /// Stores the low byte of `value` at `address + static_offset`.
            I32Store8 { address: Slot, value: Slot, static_offset: u32 } => store(u8);
            /// Stores the low 2 bytes of `value` at `address + static_offset`.
            I32Store16 { address: Slot, value: Slot, static_offset: u32 } => store(u16);
            /// Stores the low byte of `value` at `address + static_offset`.
            I64Store8 { address: Slot, value: Slot, static_offset: u32 } => store(u8);
            /// Stores the low 2 bytes of `value` at `address + static_offset`.
            I64Store16 { address: Slot, value: Slot, static_offset: u32 } => store(u16);
            /// Stores the low 4 bytes of `value` at `address + static_offset`.
            I64Store32 { address: Slot, value: Slot, static_offset: u32 } => store(u32);
            /// `result = ` the size of memory `memory` in pages (of its page size).
            MemorySize { result: Slot, memory: u8 } writes result => handler {
                wr($fp, result, (*(*$ctx).memories[memory as usize]).pages() as u32)
            };
            /// Grows memory `memory` by `delta` pages; `result = ` the old size in pages,
            /// or -1.
            MemoryGrow { result: Slot, delta: Slot, memory: u8 } writes result => handler {
                let mem = &mut *(*$ctx).memories[memory as usize];
                let r = mem.grow(mem.address(rd($fp, delta)));
                if mem.address64() {
                    wr($fp, result, r);
                } else {
                    wr($fp, result, r as i32);
                }
                refresh_memory!($ctx, $m, $mem_base, $mem_len);
            };
            /// Sets `len` bytes of memory `memory` from `dst` to the low byte of `value`.
            MemoryFill { dst: Slot, value: Slot, len: Slot, memory: u8 } => handler {
                let mem = &mut *(*$ctx).memories[memory as usize];
                let (dst, len) = (mem.address(rd($fp, dst)), mem.address(rd($fp, len)));
                mem.fill(dst, rd::<u32>($fp, value) as u8, len)?;
            };
            /// Copies `len` bytes from `src` of memory `src_memory` to `dst` of
            /// `dst_memory` (the ranges may overlap).
            MemoryCopy { dst: Slot, src: Slot, len: Slot, dst_memory: u8, src_memory: u8 }
                => handler {
                let (dst, src, len) = if cfg!(feature = "memory64") {
                    let (to, from) = (
                        &*(*$ctx).memories[dst_memory as usize],
                        &*(*$ctx).memories[src_memory as usize],
                    );
                    // The length is i64 only between two 64-bit memories.
                    let len = if to.address64() && from.address64() {
                        rd::<u64>($fp, len)
                    } else {
                        rd::<u32>($fp, len) as u64
                    };
                    (to.address(rd($fp, dst)), from.address(rd($fp, src)), len)
                } else {
                    (
                        rd::<u32>($fp, dst) as u64,
                        rd::<u32>($fp, src) as u64,
                        rd::<u32>($fp, len) as u64,
                    )
                };
                if dst_memory == src_memory {
                    (*(*$ctx).memories[dst_memory as usize]).copy_within(dst, src, len)?;
                } else {
                    instance::memory_copy(
                        &mut $m.store.instance((*$ctx).addr),
                        u32::from(dst_memory),
                        u32::from(src_memory),
                        dst,
                        src,
                        len,
                    )?;
                }
            };
            /// Copies `len` bytes from offset `src` of data segment `segment` to `dst` of
            /// memory `memory`.
            MemoryInit { segment: u32, dst: Slot, src: Slot, len: Slot, memory: u8 } => handler {
                let dst = if cfg!(feature = "memory64") {
                    (*(*$ctx).memories[memory as usize]).address(rd($fp, dst))
                } else {
                    rd::<u32>($fp, dst) as u64
                };
                instance::memory_init(
                    &mut $m.store.instance((*$ctx).addr),
                    u32::from(memory),
                    segment,
                    dst,
                    rd::<u32>($fp, src) as u64,
                    rd::<u32>($fp, len) as u64,
                )?
            };
            /// Empties data segment `segment`.
            DataDrop { segment: u32 } => handler {
                $m.store.instance((*$ctx).addr).drop_data(segment);
            };

            // ---- tables ----
            /// `result = ` element `index` of table `table`.
            TableGet { result: Slot, table: u16, index: Slot } writes result => handler {
                let table = &*(*$ctx).tables[table as usize];
                let v = table.get(saturate_u32(table.address(rd($fp, index))))?;
                wr($fp, result, v);
            };
            /// Element `index` of table `table` ` = value`.
            TableSet { table: u16, index: Slot, value: Slot } => handler {
                let table = &mut *(*$ctx).tables[table as usize];
                table.set(saturate_u32(table.address(rd($fp, index))), rd($fp, value))?;
            };
            /// `result = ` the size of table `table` (an i32 cell and an i64 cell of a size
            /// below 2^32 are the same).
            TableSize { result: Slot, table: u16 } writes result => handler {
                wr($fp, result, (*(*$ctx).tables[table as usize]).size())
            };
            /// Grows table `table` by `delta` elements set to `value`; `result = ` the old
            /// size, or -1.
            TableGrow { result: Slot, table: u16, value: Slot, delta: Slot } writes result
                => handler {
                let table = &mut *(*$ctx).tables[table as usize];
                let delta = saturate_u32(table.address(rd($fp, delta)));
                let r = table.grow(delta, rd($fp, value));
                if table.address64() {
                    wr($fp, result, i64::from(r));
                } else {
                    wr($fp, result, r);
                }
            };
            /// Sets `len` elements of table `table` from `dst` to `value`.
            TableFill { table: u16, dst: Slot, value: Slot, len: Slot } => handler {
                let table = &mut *(*$ctx).tables[table as usize];
                let dst = saturate_u32(table.address(rd($fp, dst)));
                let len = saturate_u32(table.address(rd($fp, len)));
                table.fill(dst, rd($fp, value), len)?;
            };
            /// Copies `len` elements from `src` of table `src_table` to `dst` of `dst_table`.
            TableCopy { dst_table: u16, src_table: u16, dst: Slot, src: Slot, len: Slot }
                => handler {
                let (dst, src, len) = if cfg!(feature = "memory64") {
                    let (to, from) = (
                        &*(*$ctx).tables[dst_table as usize],
                        &*(*$ctx).tables[src_table as usize],
                    );
                    // The length is i64 only between two 64-bit tables.
                    let len = if to.address64() && from.address64() {
                        saturate_u32(rd($fp, len))
                    } else {
                        rd($fp, len)
                    };
                    let dst = saturate_u32(to.address(rd($fp, dst)));
                    (dst, saturate_u32(from.address(rd($fp, src))), len)
                } else {
                    (rd($fp, dst), rd($fp, src), rd($fp, len))
                };
                instance::table_copy(
                    &mut $m.store.instance((*$ctx).addr),
                    u32::from(dst_table),
                    u32::from(src_table),
                    dst,
                    src,
                    len,
                )?;
            };
            /// Copies `len` elements from `src` of element segment `segment` to `dst` of
            /// table `table`.
            TableInit { table: u16, segment: u16, dst: Slot, src: Slot, len: Slot } => handler {
                let dst = if cfg!(feature = "memory64") {
                    saturate_u32((*(*$ctx).tables[table as usize]).address(rd($fp, dst)))
                } else {
                    rd($fp, dst)
                };
                instance::table_init(
                    &mut $m.store.instance((*$ctx).addr),
                    u32::from(table),
                    u32::from(segment),
                    dst,
                    rd($fp, src),
                    rd($fp, len),
                )?;
            };
            /// Empties element segment `segment`.
            ElemDrop { segment: u32 } => handler {
                $m.store.instance((*$ctx).addr).drop_elements(segment);
            };
        }
    };
}
pub(crate) use memory_ops;

/// Loads and stores on memories other than memory 0, and on 64-bit memories: with the
/// `multi-memory` or `memory64` feature only, so that a build without both has neither
/// the instructions nor their handlers.
#[cfg(any(feature = "multi-memory", feature = "memory64"))]
macro_rules! multi_memory_ops {
    (
        $tables:tt $callback:ident
        [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        $($entries:tt)*
    ) => {
        $crate::ops::next_table! {
            $tables $callback [$pc, $fp, $ctx, $m, $mem_base, $mem_len] $($entries)*

            /// `result = ` the access `kind` (`access::Load`) at `address + static_offset`
            /// of memory `memory` (multi-memory, or a 64-bit memory).
            LoadMem { result: Slot, address: Slot, static_offset: u32, memory: u8, kind: u8 }
                writes result => handler {
                let mem = &*(*$ctx).memories[memory as usize];
                let address = mem.address(rd($fp, address));
                let v = access::load(mem, kind, address, static_offset)?;
                wr($fp, result, v);
            };
            /// Stores the low `width` bytes of `value` at `address + static_offset` of
            /// memory `memory` (multi-memory, or a 64-bit memory).
            StoreMem { address: Slot, value: Slot, static_offset: u32, memory: u8, width: u8 }
                => handler {
                let mem = &mut *(*$ctx).memories[memory as usize];
                let address = mem.address(rd($fp, address));
                access::store(mem, width, address, static_offset, rd($fp, value))?;
            };
        }
    };
}

#[cfg(not(any(feature = "multi-memory", feature = "memory64")))]
macro_rules! multi_memory_ops {
    ($tables:tt $callback:ident $state:tt $($entries:tt)*) => {
        $crate::ops::next_table! { $tables $callback $state $($entries)* }
    };
}

pub(crate) use multi_memory_ops;
