//! The hosted AOT runtime as the AOT helpers (`mote_core::runtime::helpers`, written once
//! for every runtime) reach it: the instance behind a context is an instance of the core
//! `Store`, and calls go to the store's host functions or back into the executor.

use mote_core::aot::context::VmContext;
use mote_core::runtime::helpers::{AotRuntime, HelperFns};
use mote_core::runtime::{Executor, FuncKind, StoreInstance};
use mote_core::{Cell, FuncAddr, Trap};

use super::InstanceRt;

/// The hosted runtime, as the helpers see it.
pub(crate) struct Hosted;

/// The helpers of every hosted instance.
pub(crate) static HELPERS: HelperFns = HelperFns::of::<Hosted>();

/// Records `trap` in the instance's context (and the full trap when it has no code).
///
/// # Safety
/// `rt` is a live runtime record.
pub(crate) unsafe fn set_trap(rt: *mut InstanceRt, trap: Trap) {
    // SAFETY: the caller's contract; nothing else borrows the record during this call.
    let rt = unsafe { &mut *rt };
    rt.ctx.raise(trap, &mut rt.pending);
}

/// Calls store function `f` with the cells at `cells` for the instance of `rt`.
///
/// # Safety
/// `rt` is a live runtime record during a call (its store and executor pointers are set);
/// `cells` holds at least max(params, results) cells of `f`'s type.
unsafe fn call(rt: *mut InstanceRt, f: FuncAddr, cells: *mut Cell) -> Result<(), Trap> {
    // SAFETY: the caller's contract; no reference into the store is held across the call.
    unsafe {
        let store = &mut *(*rt).store;
        let entity = store.funcs.get(f as usize).ok_or(Trap::UndefinedElement)?;
        let n = entity.ty.params.len().max(entity.ty.results.len());
        let cells: &mut [Cell] = if n == 0 {
            &mut []
        } else {
            core::slice::from_raw_parts_mut(cells, n)
        };
        // The callee (a host function, or generated code through `call_wasm`) reads
        // and updates the store's fuel: hand over the count this code was running with.
        if let Some(fuel) = &mut store.fuel {
            super::fuel_from_ctx(fuel, (*rt).ctx.fuel);
        }
        let result = match entity.kind {
            FuncKind::Host(_) => store.call_host(f, cells, Some((*rt).instance)),
            FuncKind::Wasm { .. } => (*(*rt).exec).call(store, f, cells),
        };
        if let Some(fuel) = (*(*rt).store).fuel {
            (*rt).ctx.fuel = super::fuel_to_ctx(fuel);
        }
        result
    }
}

// SAFETY: `VmContext::runtime` of a hosted instance points at its boxed `InstanceRt`,
// whose store and executor pointers are set for the duration of every call into
// generated code (`AotExecutor::call_wasm`).
unsafe impl AotRuntime for Hosted {
    type Instance<'a> = StoreInstance<'a>;

    unsafe fn with_instance<R>(
        ctx: *mut VmContext,
        f: impl FnOnce(&mut StoreInstance<'_>) -> R,
    ) -> R {
        // SAFETY: the trait's contract.
        unsafe {
            let rt = (*ctx).runtime as *mut InstanceRt;
            f(&mut (*(*rt).store).instance((*rt).instance))
        }
    }

    unsafe fn set_trap(ctx: *mut VmContext, trap: Trap) {
        // SAFETY: the trait's contract.
        unsafe { set_trap((*ctx).runtime as *mut InstanceRt, trap) }
    }

    unsafe fn call_func(ctx: *mut VmContext, index: u32, cells: *mut Cell) -> Result<(), Trap> {
        // SAFETY: the trait's contract.
        unsafe {
            let rt = (*ctx).runtime as *mut InstanceRt;
            let store = &*(*rt).store;
            let addr = *store.instances[(*rt).instance as usize]
                .funcs
                .get(index as usize)
                .ok_or(Trap::Host("call of an unknown function"))?;
            call(rt, addr, cells)
        }
    }

    unsafe fn call_ref(ctx: *mut VmContext, cell: Cell, cells: *mut Cell) -> Result<(), Trap> {
        let addr = FuncAddr::try_from(cell - 1).map_err(|_| Trap::UndefinedElement)?;
        // SAFETY: the trait's contract.
        unsafe { call((*ctx).runtime as *mut InstanceRt, addr, cells) }
    }

    unsafe fn defined_callee(ctx: *mut VmContext, cell: Cell) -> Option<u32> {
        let addr = usize::try_from(cell.checked_sub(1)?).ok()?;
        // SAFETY: the trait's contract; the store is only read.
        unsafe {
            let rt = (*ctx).runtime as *mut InstanceRt;
            let store = &*(*rt).store;
            match store.funcs.get(addr)?.kind {
                FuncKind::Wasm { instance, index } if instance == (*rt).instance => {
                    let module = &store.instances[instance as usize].module;
                    index.checked_sub(module.num_imported_funcs)
                }
                _ => None,
            }
        }
    }

    unsafe fn trap_frame(ctx: *mut VmContext, func_index: u32, wasm_offset: Option<u32>) {
        #[cfg(feature = "backtrace")]
        // SAFETY: the trait's contract; the store is not otherwise borrowed while
        // generated code runs.
        unsafe {
            let rt = (*ctx).runtime as *mut InstanceRt;
            let store = &mut *(*rt).store;
            let trace = store
                .trap_backtrace
                .get_or_insert_with(mote_core::backtrace::Backtrace::new);
            if trace.is_full() {
                // A deep recursion: count the frame without looking up its name.
                trace.omit(1);
                return;
            }
            let module = &store.instances[(*rt).instance as usize].module;
            let frame = mote_core::backtrace::Frame {
                func_index,
                wasm_offset,
            };
            trace.push(frame, module.func_name(func_index));
        }
        #[cfg(not(feature = "backtrace"))]
        let _ = (ctx, func_index, wasm_offset);
    }
}
