//! The runtime helpers AOT-compiled code calls (numbered by `aot::helpers::Helper`),
//! written once on the instance rules and generic over the runtime an instance lives in
//! ([`AotRuntime`]: the hosted store, or the no-heap runtime in caller buffers).
//!
//! Each helper is `extern "C"` with the `VmContext` first. A helper that fails records the
//! trap through [`AotRuntime::set_trap`] and returns a dummy value; the generated code
//! checks `VmContext::trap` after every helper that can trap (`Helper::can_trap`).

use crate::aot::context::VmContext;
use crate::aot::helpers::Helper;
use crate::runtime::instance::{self, Instance};
use crate::trap::Trap;
use crate::value::Cell;

/// The runtime an AOT instance lives in, as the helpers reach it from a `VmContext`.
///
/// # Safety
/// Implementations are called by generated code with the context of one of their own
/// live instances, during a call the runtime made into that code: every method may
/// rely on `ctx` being such a context.
pub unsafe trait AotRuntime: 'static {
    /// The instance view the rules run on.
    type Instance<'a>: Instance;

    /// Runs `f` on the instance whose context is `ctx`.
    ///
    /// # Safety
    /// `ctx` is the context of a live instance of this runtime (see the trait).
    unsafe fn with_instance<R>(
        ctx: *mut VmContext,
        f: impl FnOnce(&mut Self::Instance<'_>) -> R,
    ) -> R;

    /// Records `trap` for the runtime's caller of the generated code.
    ///
    /// # Safety
    /// As for [`AotRuntime::with_instance`].
    unsafe fn set_trap(ctx: *mut VmContext, trap: Trap);

    /// Calls function `index` of the instance's function space (an import or a defined
    /// function); `cells` holds the arguments on entry and the results on return.
    ///
    /// # Safety
    /// As for [`AotRuntime::with_instance`]; `cells` holds max(params, results) cells of
    /// the function's type.
    unsafe fn call_func(ctx: *mut VmContext, index: u32, cells: *mut Cell) -> Result<(), Trap>;

    /// Calls the function a non-null reference cell of this instance refers to.
    ///
    /// # Safety
    /// As for [`AotRuntime::call_func`], with `cell` from the instance's tables.
    unsafe fn call_ref(ctx: *mut VmContext, cell: Cell, cells: *mut Cell) -> Result<(), Trap>;

    /// The index among the module's defined functions of the function a non-null
    /// reference cell refers to, when it is a function of this very instance (whose
    /// generated code can then be entered directly, with the same context).
    ///
    /// # Safety
    /// As for [`AotRuntime::call_ref`].
    unsafe fn defined_callee(ctx: *mut VmContext, cell: Cell) -> Option<u32>;

    /// Records the next outer frame of the trap in progress (`Helper::TrapFrame`):
    /// function `func_index` of the instance's module, at `wasm_offset` when the code
    /// has offsets. A runtime without backtraces ignores it.
    ///
    /// # Safety
    /// As for [`AotRuntime::with_instance`].
    unsafe fn trap_frame(ctx: *mut VmContext, func_index: u32, wasm_offset: Option<u32>);
}

/// Entries of a helper table: the largest helper number plus one (index 0 unused).
pub const HELPER_SLOTS: usize = {
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
};

/// Helper entry points by `Helper` number (index 0 unused): what `VmContext::helpers`
/// points to (XIP code calls through it) and what the loader relocates calls against.
#[repr(transparent)]
pub struct HelperFns(pub [*const (); HELPER_SLOTS]);

// SAFETY: immutable function addresses.
unsafe impl Sync for HelperFns {}

impl HelperFns {
    /// The helpers of runtime `R`; put it in a `static`.
    pub const fn of<R: AotRuntime>() -> HelperFns {
        let mut t = [core::ptr::null::<()>(); HELPER_SLOTS];
        let mut i = 0;
        while i < Helper::ALL.len() {
            let h = Helper::ALL[i];
            t[h as usize] = address::<R>(h);
            i += 1;
        }
        HelperFns(t)
    }

    /// The addresses as integers (what the loader takes).
    pub fn addresses(&self) -> [usize; HELPER_SLOTS] {
        self.0.map(|p| p as usize)
    }
}

const fn address<R: AotRuntime>(h: Helper) -> *const () {
    match h {
        Helper::MemoryGrow => memory_grow::<R> as *const (),
        Helper::MemoryFill => memory_fill::<R> as *const (),
        Helper::MemoryCopy => memory_copy::<R> as *const (),
        Helper::MemoryInit => memory_init::<R> as *const (),
        Helper::DataDrop => data_drop::<R> as *const (),
        Helper::TableGet => table_get::<R> as *const (),
        Helper::TableSet => table_set::<R> as *const (),
        Helper::TableSize => table_size::<R> as *const (),
        Helper::TableGrow => table_grow::<R> as *const (),
        Helper::TableFill => table_fill::<R> as *const (),
        Helper::TableCopy => table_copy::<R> as *const (),
        Helper::TableInit => table_init::<R> as *const (),
        Helper::ElemDrop => elem_drop::<R> as *const (),
        Helper::RefFunc => ref_func::<R> as *const (),
        Helper::CallImport => call_import::<R> as *const (),
        Helper::CallIndirect => call_indirect::<R> as *const (),
        Helper::RaiseTrap => raise_trap::<R> as *const (),
        Helper::TailCallIndirect => tail_call_indirect::<R> as *const (),
        Helper::TrapFrame => trap_frame::<R> as *const (),
    }
}

/// Runs a rule on the instance behind `ctx`; a trap goes to the runtime and the
/// generated code gets `dummy`.
///
/// # Safety
/// `ctx` is the context generated code was called with (see [`AotRuntime`]).
unsafe fn run<R: AotRuntime, T>(
    ctx: *mut VmContext,
    dummy: T,
    rule: impl FnOnce(&mut R::Instance<'_>) -> Result<T, Trap>,
) -> T {
    // SAFETY: the caller's contract.
    match unsafe { R::with_instance(ctx, rule) } {
        Ok(v) => v,
        Err(trap) => {
            // SAFETY: as above.
            unsafe { R::set_trap(ctx, trap) };
            dummy
        }
    }
}

// SAFETY (every helper below): generated code calls helpers only with its own context,
// during a call its runtime made (the `AotRuntime` contract), and with the arguments of
// the signature `Helper::params` declares.

extern "C" fn memory_grow<R: AotRuntime>(ctx: *mut VmContext, memory: u32, delta: u32) -> u32 {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        run::<R, _>(ctx, u32::MAX, |i| {
            Ok(i.memory(memory)?.grow(u64::from(delta)) as u32)
        })
    }
}

extern "C" fn memory_fill<R: AotRuntime>(
    ctx: *mut VmContext,
    memory: u32,
    dst: u32,
    value: u32,
    len: u32,
) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        run::<R, _>(ctx, (), |i| {
            i.memory(memory)?.fill(dst.into(), value as u8, len.into())
        })
    }
}

extern "C" fn memory_copy<R: AotRuntime>(
    ctx: *mut VmContext,
    dst_memory: u32,
    src_memory: u32,
    dst: u32,
    src: u32,
    len: u32,
) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        run::<R, _>(ctx, (), |i| {
            instance::memory_copy(
                i,
                dst_memory,
                src_memory,
                dst.into(),
                src.into(),
                len.into(),
            )
        })
    }
}

extern "C" fn memory_init<R: AotRuntime>(
    ctx: *mut VmContext,
    memory: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        run::<R, _>(ctx, (), |i| {
            instance::memory_init(i, memory, segment, dst.into(), src.into(), len.into())
        })
    }
}

extern "C" fn data_drop<R: AotRuntime>(ctx: *mut VmContext, segment: u32) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { R::with_instance(ctx, |i| i.drop_data(segment)) }
}

extern "C" fn table_get<R: AotRuntime>(ctx: *mut VmContext, table: u32, index: u32) -> u64 {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { run::<R, _>(ctx, 0, |i| i.table(table)?.get(index)) }
}

extern "C" fn table_set<R: AotRuntime>(ctx: *mut VmContext, table: u32, index: u32, value: u64) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { run::<R, _>(ctx, (), |i| i.table(table)?.set(index, value)) }
}

extern "C" fn table_size<R: AotRuntime>(ctx: *mut VmContext, table: u32) -> u32 {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { run::<R, _>(ctx, 0, |i| Ok(i.table(table)?.size())) }
}

extern "C" fn table_grow<R: AotRuntime>(
    ctx: *mut VmContext,
    table: u32,
    init: u64,
    delta: u32,
) -> u32 {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        run::<R, _>(ctx, u32::MAX, |i| {
            Ok(i.table(table)?.grow(delta, init) as u32)
        })
    }
}

extern "C" fn table_fill<R: AotRuntime>(
    ctx: *mut VmContext,
    table: u32,
    dst: u32,
    value: u64,
    len: u32,
) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { run::<R, _>(ctx, (), |i| i.table(table)?.fill(dst, value, len)) }
}

extern "C" fn table_copy<R: AotRuntime>(
    ctx: *mut VmContext,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        run::<R, _>(ctx, (), |i| {
            instance::table_copy(i, dst_table, src_table, dst, src, len)
        })
    }
}

extern "C" fn table_init<R: AotRuntime>(
    ctx: *mut VmContext,
    table: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        run::<R, _>(ctx, (), |i| {
            instance::table_init(i, table, segment, dst, src, len)
        })
    }
}

extern "C" fn elem_drop<R: AotRuntime>(ctx: *mut VmContext, segment: u32) {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { R::with_instance(ctx, |i| i.drop_elements(segment)) }
}

extern "C" fn ref_func<R: AotRuntime>(ctx: *mut VmContext, func: u32) -> u64 {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { run::<R, _>(ctx, 0, |i| i.func_ref(func)) }
}

extern "C" fn call_import<R: AotRuntime>(ctx: *mut VmContext, func: u32, cells: *mut Cell) {
    // SAFETY: the helper contract above; `cells` is the caller's argument/result area of the callee's type.
    unsafe {
        if let Err(trap) = R::call_func(ctx, func, cells) {
            R::set_trap(ctx, trap);
        }
    }
}

extern "C" fn call_indirect<R: AotRuntime>(
    ctx: *mut VmContext,
    table: u32,
    ty: u32,
    index: u32,
    cells: *mut Cell,
) {
    // SAFETY: the helper contract above; `cells` is the caller's argument/result area of the callee's type.
    unsafe {
        // The instance is not borrowed across the call: the callee may use it too.
        let callee = R::with_instance(ctx, |i| instance::call_indirect_target(i, table, ty, index));
        if let Err(trap) = callee.and_then(|cell| R::call_ref(ctx, cell, cells)) {
            R::set_trap(ctx, trap);
        }
    }
}

extern "C" fn tail_call_indirect<R: AotRuntime>(
    ctx: *mut VmContext,
    table: u32,
    ty: u32,
    index: u32,
) -> u32 {
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe {
        match R::with_instance(ctx, |i| instance::call_indirect_target(i, table, ty, index)) {
            Ok(cell) => R::defined_callee(ctx, cell).unwrap_or(u32::MAX),
            Err(trap) => {
                R::set_trap(ctx, trap);
                u32::MAX
            }
        }
    }
}

extern "C" fn trap_frame<R: AotRuntime>(ctx: *mut VmContext, func_index: u32, wasm_offset: u32) {
    let wasm_offset = (wasm_offset != u32::MAX).then_some(wasm_offset);
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { R::trap_frame(ctx, func_index, wasm_offset) }
}

extern "C" fn raise_trap<R: AotRuntime>(ctx: *mut VmContext, code: u32) {
    let trap = Trap::from_code(code as usize).unwrap_or(Trap::Host("unknown trap code"));
    // SAFETY: the helper contract above (`ctx` is the calling code's live context).
    unsafe { R::set_trap(ctx, trap) }
}
