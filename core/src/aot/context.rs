//! The instance context that AOT-compiled code receives as its first argument, and the
//! linear-memory header it points to. The compiler emits field accesses from the offsets
//! defined here; the runtime fills the same `#[repr(C)]` structs.
//!
//! Every field is pointer-sized, so a field's offset is its index times the target's
//! pointer size (the compiler may target a 32-bit MCU from a 64-bit host).

use core::ffi::c_void;
use core::sync::atomic::AtomicU32;

use crate::trap::{Trap, HOST_TRAP_CODE};

/// What generated code reads on its hot paths.
#[repr(C)]
pub struct VmContext {
    /// Memory 0 of the instance (owned or imported), or null.
    pub memory: *mut VmMemory,
    /// One pointer per global (imported first) to its 64-bit cell.
    pub globals: *const *mut u64,
    /// Generated code stops here: a function prologue traps with "call stack exhausted"
    /// when the native stack pointer is below this address.
    pub stack_limit: usize,
    /// Pending trap code (`Trap::code`), 0 when none. Set by a trapping function or
    /// helper; callers check it after every call and return at once when set.
    pub trap: usize,
    /// Helper function table indexed by `Helper` number (used by XIP code; relocatable
    /// code reaches helpers through relocations instead).
    pub helpers: *const usize,
    /// The runtime's own per-instance data; opaque to generated code.
    pub runtime: *mut c_void,
    /// Every memory of the instance (multi-memory), imported first: one pointer per
    /// memory to its header; null without memories. Memory 0 is also in `memory`, which
    /// saves accesses to it the extra load.
    pub memories: *const *mut VmMemory,
    /// Fuel left, for code compiled with fuel metering (`aotc --fuel`,
    /// `mote_core::fuel`): each segment's charge traps with "all fuel consumed" when it
    /// is below the segment's cost, else subtracts the cost. The runtime copies the
    /// store's fuel in and out around calls (on 32-bit targets one call can use at most
    /// `u32::MAX` units).
    pub fuel: usize,
    /// The interrupt flag code compiled with `aotc --interruptible` loads at function
    /// entries and loop headers: non-zero stops it with "execution interrupted" (the
    /// runtime then clears the flag). Never null: [`NO_INTERRUPT`] when nobody can
    /// interrupt.
    pub interrupt: *const AtomicU32,
    /// Every table of the instance, imported first: one pointer per table to its header
    /// (a [`crate::runtime::Table`] starts with a [`VmTable`]); null without tables.
    /// `call_indirect` reads entries here and calls the module's own functions directly.
    pub tables: *const *mut VmTable,
    /// Reference cell − 1 of the instance's first defined function: a table entry `cell`
    /// with `cell - 1 - func_base` below the module's number of defined functions is
    /// that defined function of this very instance (the runtimes number an instance's
    /// defined functions consecutively), which generated code may call directly.
    pub func_base: usize,
}

/// The flag of contexts nobody interrupts.
pub static NO_INTERRUPT: AtomicU32 = AtomicU32::new(0);

impl VmContext {
    /// Records `trap` for the runtime's caller of the generated code: its code where
    /// generated code checks it, and a host trap (which has no code of its own) in
    /// `pending`, the runtime's slot for it. Every AOT runtime hands traps over this way.
    pub fn raise(&mut self, trap: Trap, pending: &mut Option<Trap>) {
        let code = trap.code();
        if code == HOST_TRAP_CODE {
            *pending = Some(trap);
        }
        self.trap = code;
    }

    /// Reads and clears the trap [`VmContext::raise`] recorded (the context and `pending`
    /// are clean afterwards).
    pub fn take_trap(&mut self, pending: &mut Option<Trap>) -> Result<(), Trap> {
        let code = core::mem::replace(&mut self.trap, 0);
        let pending = pending.take();
        if code == 0 {
            return Ok(());
        }
        Err(if code == HOST_TRAP_CODE {
            pending.unwrap_or(Trap::Host("unknown host trap"))
        } else {
            Trap::from_code(code).unwrap_or(Trap::Host("unknown trap code"))
        })
    }
}

/// Field indices of `VmContext`; offset = index × pointer size.
pub mod field {
    pub const MEMORY: usize = 0;
    pub const GLOBALS: usize = 1;
    pub const STACK_LIMIT: usize = 2;
    pub const TRAP: usize = 3;
    pub const HELPERS: usize = 4;
    pub const RUNTIME: usize = 5;
    pub const MEMORIES: usize = 6;
    pub const FUEL: usize = 7;
    pub const INTERRUPT: usize = 8;
    pub const TABLES: usize = 9;
    pub const FUNC_BASE: usize = 10;
    /// Number of fields.
    pub const COUNT: usize = 11;
}

/// Byte offset of field `index` for a target with `pointer_size`-byte pointers.
pub const fn field_offset(index: usize, pointer_size: usize) -> usize {
    index * pointer_size
}

/// The start of every linear memory object: base address and current length in bytes.
/// `mote_core::runtime::Memory` begins with exactly these fields so that generated code
/// can read them through the pointer in `VmContext::memory`.
#[repr(C)]
pub struct VmMemory {
    pub base: *mut u8,
    pub len: usize,
}

/// Field indices of `VmMemory`; offset = index × pointer size.
pub mod memory_field {
    pub const BASE: usize = 0;
    pub const LEN: usize = 1;
}

/// The start of every table object: its entries (reference cells, 0 = null) and how
/// many are live. `mote_core::runtime::Table` begins with exactly these fields.
#[repr(C)]
pub struct VmTable {
    pub elements: *mut u64,
    pub size: u32,
}

/// Field indices of `VmTable`; offset = index × pointer size (`size` is a `u32`).
pub mod table_field {
    pub const ELEMENTS: usize = 0;
    pub const SIZE: usize = 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn host_layout_matches_field_indices() {
        let p = size_of::<usize>();
        assert_eq!(
            offset_of!(VmContext, memory),
            field_offset(field::MEMORY, p)
        );
        assert_eq!(
            offset_of!(VmContext, globals),
            field_offset(field::GLOBALS, p)
        );
        assert_eq!(
            offset_of!(VmContext, stack_limit),
            field_offset(field::STACK_LIMIT, p)
        );
        assert_eq!(offset_of!(VmContext, trap), field_offset(field::TRAP, p));
        assert_eq!(
            offset_of!(VmContext, helpers),
            field_offset(field::HELPERS, p)
        );
        assert_eq!(
            offset_of!(VmContext, runtime),
            field_offset(field::RUNTIME, p)
        );
        assert_eq!(
            offset_of!(VmContext, memories),
            field_offset(field::MEMORIES, p)
        );
        assert_eq!(offset_of!(VmContext, fuel), field_offset(field::FUEL, p));
        assert_eq!(
            offset_of!(VmContext, interrupt),
            field_offset(field::INTERRUPT, p)
        );
        assert_eq!(
            offset_of!(VmContext, tables),
            field_offset(field::TABLES, p)
        );
        assert_eq!(
            offset_of!(VmContext, func_base),
            field_offset(field::FUNC_BASE, p)
        );
        assert_eq!(size_of::<VmContext>(), field::COUNT * p);
        assert_eq!(
            offset_of!(VmTable, size),
            field_offset(table_field::SIZE, p)
        );
        assert_eq!(
            offset_of!(VmMemory, len),
            field_offset(memory_field::LEN, p)
        );
    }
}
