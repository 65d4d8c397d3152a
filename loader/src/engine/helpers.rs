//! The runtime helpers generated code calls (`mote_core::aot::helpers::Helper`), on top of
//! the core `Store`. Each is `extern "C"` with the `VmContext` first; a helper that fails
//! records the trap in the context (and the full `Trap` in the instance's runtime data
//! when it has no code of its own) and returns a dummy value.

use std::sync::LazyLock;
use std::vec::Vec;

use mote_core::aot::context::VmContext;
use mote_core::aot::helpers::Helper;
use mote_core::runtime::{Executor, FuncKind, InstanceAddr, Memory, Store};
use mote_core::trap::HOST_TRAP_CODE;
use mote_core::{Cell, FuncAddr, Trap};

use super::{AotExecutor, InstanceRt};

/// Helper addresses by number (index 0 unused).
pub(crate) static TABLE: LazyLock<Vec<usize>> = LazyLock::new(|| {
    let mut t = std::vec![0usize; Helper::ALL.iter().map(|h| *h as usize).max().unwrap_or(0) + 1];
    for &h in Helper::ALL {
        t[h as usize] = address(h);
    }
    t
});

pub(crate) fn table() -> Vec<usize> {
    TABLE.clone()
}

fn address(h: Helper) -> usize {
    match h {
        Helper::MemoryGrow => memory_grow as *const () as usize,
        Helper::MemoryFill => memory_fill as *const () as usize,
        Helper::MemoryCopy => memory_copy as *const () as usize,
        Helper::MemoryInit => memory_init as *const () as usize,
        Helper::DataDrop => data_drop as *const () as usize,
        Helper::TableGet => table_get as *const () as usize,
        Helper::TableSet => table_set as *const () as usize,
        Helper::TableSize => table_size as *const () as usize,
        Helper::TableGrow => table_grow as *const () as usize,
        Helper::TableFill => table_fill as *const () as usize,
        Helper::TableCopy => table_copy as *const () as usize,
        Helper::TableInit => table_init as *const () as usize,
        Helper::ElemDrop => elem_drop as *const () as usize,
        Helper::RefFunc => ref_func as *const () as usize,
        Helper::CallImport => call_import as *const () as usize,
        Helper::CallIndirect => call_indirect as *const () as usize,
        Helper::RaiseTrap => raise_trap as *const () as usize,
    }
}

struct Env<'a> {
    store: &'a mut Store,
    instance: InstanceAddr,
    exec: *mut AotExecutor,
}

impl Env<'_> {
    fn memory(&mut self) -> Result<&mut Memory, Trap> {
        let m = *self.store.instances[self.instance as usize]
            .memories
            .first()
            .ok_or(Trap::MemoryOutOfBounds)?;
        Ok(&mut self.store.memories[m as usize])
    }

    fn table(&mut self, t: u32) -> Result<&mut mote_core::runtime::Table, Trap> {
        let addr = *self.store.instances[self.instance as usize]
            .tables
            .get(t as usize)
            .ok_or(Trap::TableOutOfBounds)?;
        Ok(&mut self.store.tables[addr as usize])
    }

    /// Calls store function `f` with the cells at `cells`.
    ///
    /// # Safety
    /// `cells` holds at least max(params, results) cells of `f`'s type.
    unsafe fn call(&mut self, f: FuncAddr, cells: *mut Cell) -> Result<(), Trap> {
        let entity = &self.store.funcs[f as usize];
        let n = entity.ty.params.len().max(entity.ty.results.len());
        let cells: &mut [Cell] = if n == 0 {
            &mut []
        } else {
            core::slice::from_raw_parts_mut(cells, n)
        };
        match entity.kind {
            FuncKind::Host(_) => self.store.call_host(f, cells, Some(self.instance)),
            FuncKind::Wasm { .. } => (*self.exec).call(self.store, f, cells),
        }
    }
}

/// Runs `f` on the instance behind `ctx`; a trap goes into the context.
///
/// # Safety
/// `ctx` is the context the runtime passed to generated code.
unsafe fn with<R>(
    ctx: *mut VmContext,
    dummy: R,
    f: impl FnOnce(&mut Env<'_>) -> Result<R, Trap>,
) -> R {
    let rt = (*ctx).runtime as *mut InstanceRt;
    let mut env = Env {
        store: &mut *(*rt).store,
        instance: (*rt).instance,
        exec: (*rt).exec,
    };
    match f(&mut env) {
        Ok(v) => v,
        Err(trap) => {
            set_trap(rt, trap);
            dummy
        }
    }
}

unsafe fn set_trap(rt: *mut InstanceRt, trap: Trap) {
    let code = trap.code();
    if code == HOST_TRAP_CODE {
        (*rt).pending = Some(trap);
    }
    (*rt).ctx.trap = code;
}

extern "C" fn memory_grow(ctx: *mut VmContext, delta: u32) -> u32 {
    // SAFETY (all helpers): called by generated code with its context.
    unsafe {
        with(ctx, u32::MAX, |e| {
            Ok(e.memory()?.grow(u64::from(delta)) as u32)
        })
    }
}

extern "C" fn memory_fill(ctx: *mut VmContext, dst: u32, value: u32, len: u32) {
    unsafe {
        with(ctx, (), |e| {
            e.memory()?.fill(dst.into(), value as u8, len.into())
        })
    }
}

extern "C" fn memory_copy(ctx: *mut VmContext, dst: u32, src: u32, len: u32) {
    unsafe {
        with(ctx, (), |e| {
            e.memory()?.copy_within(dst.into(), src.into(), len.into())
        })
    }
}

extern "C" fn memory_init(ctx: *mut VmContext, seg: u32, dst: u32, src: u32, len: u32) {
    unsafe {
        with(ctx, (), |e| {
            let inst = &e.store.instances[e.instance as usize];
            let module = inst.module.clone();
            let dropped = *inst
                .data_dropped
                .get(seg as usize)
                .ok_or(Trap::MemoryOutOfBounds)?;
            let data: &[u8] = if dropped {
                &[]
            } else {
                &module.datas[seg as usize].bytes
            };
            e.memory()?.init(dst.into(), data, src.into(), len.into())
        })
    }
}

extern "C" fn data_drop(ctx: *mut VmContext, seg: u32) {
    unsafe {
        with(ctx, (), |e| {
            if let Some(d) = e.store.instances[e.instance as usize]
                .data_dropped
                .get_mut(seg as usize)
            {
                *d = true;
            }
            Ok(())
        })
    }
}

extern "C" fn table_get(ctx: *mut VmContext, t: u32, i: u32) -> u64 {
    unsafe { with(ctx, 0, |e| e.table(t)?.get(i)) }
}

extern "C" fn table_set(ctx: *mut VmContext, t: u32, i: u32, v: u64) {
    unsafe { with(ctx, (), |e| e.table(t)?.set(i, v)) }
}

extern "C" fn table_size(ctx: *mut VmContext, t: u32) -> u32 {
    unsafe { with(ctx, 0, |e| Ok(e.table(t)?.size())) }
}

extern "C" fn table_grow(ctx: *mut VmContext, t: u32, init: u64, delta: u32) -> u32 {
    unsafe { with(ctx, u32::MAX, |e| Ok(e.table(t)?.grow(delta, init) as u32)) }
}

extern "C" fn table_fill(ctx: *mut VmContext, t: u32, i: u32, v: u64, len: u32) {
    unsafe { with(ctx, (), |e| e.table(t)?.fill(i, v, len)) }
}

extern "C" fn table_copy(ctx: *mut VmContext, dt: u32, st: u32, d: u32, s: u32, n: u32) {
    unsafe {
        with(ctx, (), |e| {
            if dt == st {
                return e.table(dt)?.copy_within(d, s, n);
            }
            let src = e.table(st)?;
            if u64::from(s) + u64::from(n) > src.elements.len() as u64 {
                return Err(Trap::TableOutOfBounds);
            }
            let items: Vec<Cell> = src.elements[s as usize..(s + n) as usize].to_vec();
            e.table(dt)?.init(d, &items, 0, n)
        })
    }
}

extern "C" fn table_init(ctx: *mut VmContext, t: u32, seg: u32, d: u32, s: u32, n: u32) {
    unsafe {
        with(ctx, (), |e| {
            let items = e.store.instances[e.instance as usize]
                .elements
                .get(seg as usize)
                .ok_or(Trap::TableOutOfBounds)?
                .clone();
            e.table(t)?.init(d, &items, s, n)
        })
    }
}

extern "C" fn elem_drop(ctx: *mut VmContext, seg: u32) {
    unsafe {
        with(ctx, (), |e| {
            if let Some(items) = e.store.instances[e.instance as usize]
                .elements
                .get_mut(seg as usize)
            {
                *items = std::boxed::Box::new([]);
            }
            Ok(())
        })
    }
}

extern "C" fn ref_func(ctx: *mut VmContext, f: u32) -> u64 {
    unsafe {
        with(ctx, 0, |e| {
            let addr = *e.store.instances[e.instance as usize]
                .funcs
                .get(f as usize)
                .ok_or(Trap::Host("ref.func of an unknown function"))?;
            Ok(u64::from(addr) + 1)
        })
    }
}

extern "C" fn call_import(ctx: *mut VmContext, f: u32, cells: *mut Cell) {
    unsafe {
        with(ctx, (), |e| {
            let addr = *e.store.instances[e.instance as usize]
                .funcs
                .get(f as usize)
                .ok_or(Trap::Host("call of an unknown function"))?;
            e.call(addr, cells)
        })
    }
}

extern "C" fn call_indirect(ctx: *mut VmContext, t: u32, ty: u32, i: u32, cells: *mut Cell) {
    unsafe {
        with(ctx, (), |e| {
            let table = e.table(t)?;
            let cell = *table
                .elements
                .get(i as usize)
                .ok_or(Trap::UndefinedElement)?;
            if cell == 0 {
                return Err(Trap::UninitializedElement);
            }
            let f = (cell - 1) as FuncAddr;
            let want = *e.store.instances[e.instance as usize]
                .sigs
                .get(ty as usize)
                .ok_or(Trap::IndirectCallTypeMismatch)?;
            let entity = e
                .store
                .funcs
                .get(f as usize)
                .ok_or(Trap::UndefinedElement)?;
            if entity.sig != want {
                return Err(Trap::IndirectCallTypeMismatch);
            }
            e.call(f, cells)
        })
    }
}

extern "C" fn raise_trap(ctx: *mut VmContext, code: u32) {
    unsafe {
        with(ctx, (), |_| {
            Err(Trap::from_code(code as usize).unwrap_or(Trap::Host("unknown trap code")))
        })
    }
}
