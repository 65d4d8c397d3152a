//! The runtime helpers generated code calls (`mote_core::aot::helpers::Helper`), on the
//! bare runtime's state. Each is `extern "C"` with the `VmContext` first and reaches
//! the instance through `VmContext::runtime`; a helper that fails records the trap in
//! the context and returns a dummy value, exactly like the std engine's helpers.

use mote_core::aot::context::VmContext;
use mote_core::aot::helpers::Helper;
use mote_core::{Cell, Trap};

use super::runtime::{call_func, call_host, set_trap, Runtime};

const fn slots() -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < Helper::ALL.len() {
        let h = Helper::ALL[i] as usize;
        if h > max {
            max = h;
        }
        i += 1;
    }
    max + 1
}

/// Entries of [`helper_table`]: the largest helper number plus one.
pub const HELPER_SLOTS: usize = slots();

/// Helper entry points by `Helper` number (index 0 unused); `VmContext::helpers` of
/// every instance points here (XIP code calls through it).
#[repr(transparent)]
pub(crate) struct Table(pub(crate) [*const (); HELPER_SLOTS]);

// SAFETY: immutable function addresses.
unsafe impl Sync for Table {}

pub(crate) static TABLE: Table = {
    let mut t = [core::ptr::null::<()>(); HELPER_SLOTS];
    let mut i = 0;
    while i < Helper::ALL.len() {
        let h = Helper::ALL[i];
        t[h as usize] = address(h);
        i += 1;
    }
    Table(t)
};

/// The bare helpers' addresses by `Helper` number (index 0 unused), for
/// [`crate::HelperTable`].
pub fn helper_table() -> [usize; HELPER_SLOTS] {
    TABLE.0.map(|p| p as usize)
}

const fn address(h: Helper) -> *const () {
    match h {
        Helper::MemoryGrow => memory_grow as *const (),
        Helper::MemoryFill => memory_fill as *const (),
        Helper::MemoryCopy => memory_copy as *const (),
        Helper::MemoryInit => memory_init as *const (),
        Helper::DataDrop => data_drop as *const (),
        Helper::TableGet => table_get as *const (),
        Helper::TableSet => table_set as *const (),
        Helper::TableSize => table_size as *const (),
        Helper::TableGrow => table_grow as *const (),
        Helper::TableFill => table_fill as *const (),
        Helper::TableCopy => table_copy as *const (),
        Helper::TableInit => table_init as *const (),
        Helper::ElemDrop => elem_drop as *const (),
        Helper::RefFunc => ref_func as *const (),
        Helper::CallImport => call_import as *const (),
        Helper::CallIndirect => call_indirect as *const (),
        Helper::RaiseTrap => raise_trap as *const (),
    }
}

/// Runs `f` on the runtime behind `ctx`; a trap goes into the context.
///
/// # Safety
/// `ctx` is the context of a live bare instance (generated code only ever passes its
/// own), and `f` does not call back into generated code.
unsafe fn with<R>(
    ctx: *mut VmContext,
    dummy: R,
    f: impl FnOnce(&mut Runtime<'static>) -> Result<R, Trap>,
) -> R {
    let rt = (*ctx).runtime as *mut Runtime<'static>;
    match f(&mut *rt) {
        Ok(v) => v,
        Err(trap) => {
            set_trap(rt, trap);
            dummy
        }
    }
}

extern "C" fn memory_grow(ctx: *mut VmContext, delta: u32) -> u32 {
    // SAFETY (all helpers): called by generated code with its context.
    unsafe { with(ctx, u32::MAX, |rt| rt.memory_grow(delta)) }
}

extern "C" fn memory_fill(ctx: *mut VmContext, dst: u32, value: u32, len: u32) {
    unsafe { with(ctx, (), |rt| rt.memory_fill(dst, value as u8, len)) }
}

extern "C" fn memory_copy(ctx: *mut VmContext, dst: u32, src: u32, len: u32) {
    unsafe { with(ctx, (), |rt| rt.memory_copy(dst, src, len)) }
}

extern "C" fn memory_init(ctx: *mut VmContext, seg: u32, dst: u32, src: u32, len: u32) {
    unsafe { with(ctx, (), |rt| rt.memory_init(seg, dst, src, len)) }
}

extern "C" fn data_drop(ctx: *mut VmContext, seg: u32) {
    unsafe {
        with(ctx, (), |rt| {
            rt.data_drop(seg);
            Ok(())
        })
    }
}

extern "C" fn table_get(ctx: *mut VmContext, t: u32, i: u32) -> u64 {
    unsafe { with(ctx, 0, |rt| rt.table_get(t, i)) }
}

extern "C" fn table_set(ctx: *mut VmContext, t: u32, i: u32, v: u64) {
    unsafe { with(ctx, (), |rt| rt.table_set(t, i, v)) }
}

extern "C" fn table_size(ctx: *mut VmContext, t: u32) -> u32 {
    unsafe { with(ctx, 0, |rt| rt.table_size(t)) }
}

extern "C" fn table_grow(ctx: *mut VmContext, t: u32, init: u64, delta: u32) -> u32 {
    unsafe { with(ctx, u32::MAX, |rt| rt.table_grow(t, init, delta)) }
}

extern "C" fn table_fill(ctx: *mut VmContext, t: u32, i: u32, v: u64, len: u32) {
    unsafe { with(ctx, (), |rt| rt.table_fill(t, i, v, len)) }
}

extern "C" fn table_copy(ctx: *mut VmContext, dt: u32, st: u32, d: u32, s: u32, n: u32) {
    unsafe { with(ctx, (), |rt| rt.table_copy(dt, st, d, s, n)) }
}

extern "C" fn table_init(ctx: *mut VmContext, t: u32, seg: u32, d: u32, s: u32, n: u32) {
    unsafe { with(ctx, (), |rt| rt.table_init(t, seg, d, s, n)) }
}

extern "C" fn elem_drop(ctx: *mut VmContext, seg: u32) {
    unsafe {
        with(ctx, (), |rt| {
            rt.elem_drop(seg);
            Ok(())
        })
    }
}

extern "C" fn ref_func(ctx: *mut VmContext, f: u32) -> u64 {
    unsafe { with(ctx, 0, |rt| rt.ref_func(f)) }
}

extern "C" fn call_import(ctx: *mut VmContext, f: u32, cells: *mut Cell) {
    // SAFETY: the generated code passes max(params, results) cells of import `f`'s type.
    unsafe {
        let rt = (*ctx).runtime as *mut Runtime<'static>;
        if let Err(t) = call_host(rt, f, cells) {
            set_trap(rt, t);
        }
    }
}

extern "C" fn call_indirect(ctx: *mut VmContext, t: u32, ty: u32, i: u32, cells: *mut Cell) {
    // SAFETY: as for `call_import`, with cells for type `ty`, which the target's type
    // equals once checked; no reference into the runtime is held across the call.
    unsafe {
        let rt = (*ctx).runtime as *mut Runtime<'static>;
        match (*rt).indirect_target(t, ty, i) {
            Ok(f) => call_func(rt, f, cells),
            Err(trap) => set_trap(rt, trap),
        }
    }
}

extern "C" fn raise_trap(ctx: *mut VmContext, code: u32) {
    unsafe {
        with(ctx, (), |_| {
            Err(Trap::from_code(code as usize).unwrap_or(Trap::Host("unknown trap code")))
        })
    }
}
