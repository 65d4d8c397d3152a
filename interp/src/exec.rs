//! The executor: frames, calls between instances and the host, and instance contexts.
//! The instruction handlers are in `dispatch`.

use alloc::{boxed::Box, vec::Vec};
use core::ptr;

// Racing translations (two threads calling the same new function) each translate and one
// result is kept: no lock, so nothing for an RTOS to provide and no priority inversion.
use once_cell::race::OnceBox as OnceCell;

use mote_core::module::Module;
use mote_core::runtime::instance::indirect_callee;
use mote_core::runtime::{FuncKind, InstanceAddr, Memory, SigId, Store, Table};
use mote_core::{Cell, FuncAddr, Trap};

use crate::code::{CompiledFunc, Slot};
use crate::numeric::Cellable;
use crate::translate::{translate_metered, Metering};

/// Translated code of one module, shared by all its instances: one function table per
/// metering variant (`Metering::index`), allocated on the variant's first use, so a
/// module never mixes metered and unmetered code and an unused variant costs one pointer.
pub struct ModuleVariants {
    variants: [OnceCell<ModuleCode>; Metering::VARIANTS],
}

/// The translated functions of one module in one metering variant.
pub struct ModuleCode {
    funcs: Box<[OnceCell<CompiledFunc>]>,
    metering: Metering,
}

fn module_code(module: &Module, metering: Metering) -> Result<&ModuleCode, Trap> {
    let cache = module.engine_cache.get_or_init(|| {
        Box::new(ModuleVariants {
            variants: core::array::from_fn(|_| OnceCell::new()),
        })
    });
    let variants = cache
        .downcast_ref::<ModuleVariants>()
        .ok_or(Trap::Host("module was prepared by another engine"))?;
    Ok(variants.variants[metering.index()].get_or_init(|| {
        let funcs = (0..module.bodies.len()).map(|_| OnceCell::new()).collect();
        Box::new(ModuleCode { funcs, metering })
    }))
}

impl ModuleCode {
    /// The translated function, translating it on first use.
    #[inline(always)]
    pub(crate) fn get<'a>(
        &'a self,
        module: &Module,
        defined_index: u32,
    ) -> Result<&'a CompiledFunc, Trap> {
        let cell = &self.funcs[defined_index as usize];
        match cell.get() {
            Some(f) => Ok(f),
            None => self.translate_into(cell, module, defined_index),
        }
    }

    #[cold]
    fn translate_into<'a>(
        &self,
        cell: &'a OnceCell<CompiledFunc>,
        module: &Module,
        defined_index: u32,
    ) -> Result<&'a CompiledFunc, Trap> {
        #[allow(unused_mut)]
        let mut f =
            translate_metered(module, defined_index, self.metering).map_err(|e| Trap::Host(e.0))?;
        #[cfg(threaded)]
        {
            f.threaded = f
                .code
                .iter()
                .map(|op| crate::dispatch::TInstr {
                    handler: crate::dispatch::handler_of(op),
                    op: *op,
                })
                .collect();
        }
        Ok(cell.get_or_init(|| Box::new(f)))
    }
}

#[cfg(feature = "backtrace")]
impl ModuleCode {
    /// The functions translated so far, by defined index.
    pub(crate) fn translated(&self) -> impl Iterator<Item = (u32, &CompiledFunc)> {
        (0u32..)
            .zip(self.funcs.iter())
            .filter_map(|(defined, cell)| Some((defined, cell.get()?)))
    }

    pub(crate) fn metering(&self) -> Metering {
        self.metering
    }
}

/// Returns the module's translated function (unmetered), translating it on first use.
pub fn compiled(module: &Module, defined_index: u32) -> Result<&CompiledFunc, Trap> {
    module_code(module, Metering::default())?.get(module, defined_index)
}

/// What the hot path needs of an instance, as raw pointers into the store (whose
/// objects are boxed and never move).
pub(crate) struct InstCtx {
    pub(crate) addr: InstanceAddr,
    pub(crate) module: *const Module,
    pub(crate) code: *const ModuleCode,
    /// Memory 0, null without memories (what the dispatch loop keeps in registers).
    pub(crate) memory: *mut Memory,
    /// Every memory, imported first (multi-memory).
    pub(crate) memories: Box<[*mut Memory]>,
    pub(crate) globals: Box<[*mut Cell]>,
    pub(crate) funcs: Box<[FuncAddr]>,
    pub(crate) num_imported: u32,
    pub(crate) tables: Box<[*mut Table]>,
    pub(crate) sigs: Box<[SigId]>,
}

pub(crate) struct Frame {
    /// Where the caller continues (an `Op` or a threaded instruction, per backend).
    pub(crate) ret_pc: *const (),
    pub(crate) fp: *mut Cell,
    pub(crate) ctx: *const InstCtx,
}

/// The callee of `call_indirect` and `return_call_indirect`.
pub(crate) enum Callee {
    /// A function of the running instance (module-local defined index).
    Local(u32),
    /// A function of another instance or of the host.
    Elsewhere(FuncAddr),
}

/// Why execution left the dispatch loop.
pub(crate) enum Stop {
    /// The outermost frame returned.
    Done,
    Trap(Trap),
}

impl From<Trap> for Stop {
    fn from(t: Trap) -> Stop {
        Stop::Trap(t)
    }
}

/// Per-call executor state.
pub struct Machine<'s> {
    pub(crate) store: &'s mut Store,
    stack: &'s mut [Cell],
    pub(crate) frames: Vec<Frame>,
    max_frames: usize,
    ctxs: Vec<Option<Box<InstCtx>>>,
    /// The running instance and its memory length, for handlers that cannot keep them
    /// in locals (the threaded backend).
    pub(crate) ctx: *const InstCtx,
    pub(crate) mem_len: u64,
    /// What the translated code checks (from the store's settings at the call).
    metering: Metering,
    /// Fuel left while running metered code; written back to `Store::fuel` whenever
    /// control leaves the machine.
    pub(crate) fuel: u64,
    /// The store's interrupt flag while running code that checks it (else null).
    pub(crate) interrupt: *const core::sync::atomic::AtomicU32,
    #[cfg(threaded)]
    pending: Option<Trap>,
    /// The instruction (an `Op` or a threaded instruction) that stopped the dispatch
    /// loop with a trap, or null: with `frames` and `ctx`, where a backtrace starts.
    /// Written only when a trap leaves the loop.
    #[cfg(feature = "backtrace")]
    pub(crate) trap_pc: *const (),
}

/// Reads slot `s` of the frame at `fp`.
///
/// # Safety
/// `fp` is the frame of a running function and `s` a slot its code names. The translator
/// keeps every such slot below the function's `frame_size` (the slot invariant, at
/// `frame_size` and `Translator::home` in translate.rs), and `Machine::call` and
/// `Machine::enter` only run a frame whose `frame_size` slots lie inside the stack.
#[inline(always)]
pub(crate) unsafe fn rd<T: Cellable>(fp: *mut Cell, s: Slot) -> T {
    // SAFETY: `s < frame_size` (slot invariant) and `fp..fp + frame_size` is inside the
    // zero-initialised stack (`call`/`enter`), so the cell is in bounds and initialised.
    unsafe { T::from_cell(*fp.add(s as usize)) }
}

/// Writes slot `s` of the frame at `fp`.
///
/// # Safety
/// As for [`rd`].
#[inline(always)]
pub(crate) unsafe fn wr<T: Cellable>(fp: *mut Cell, s: Slot, v: T) {
    // SAFETY: `s < frame_size` (slot invariant, see `rd`) and the frame is inside the
    // stack (`call`/`enter`), so the cell is in bounds.
    unsafe { *fp.add(s as usize) = v.into_cell() };
}

#[inline(always)]
pub(crate) fn from_imm<T: Cellable>(v: i32) -> T {
    T::from_cell(v as i64 as u64)
}

impl<'s> Machine<'s> {
    pub fn new(store: &'s mut Store, stack: &'s mut [Cell], max_frames: usize) -> Self {
        let fuel = store.fuel;
        // Without `float` there is no NaN to canonicalise: one variant for both modes.
        let deterministic = cfg!(feature = "float") && store.deterministic;
        // The store keeps the flag alive for the whole call (it outlives the machine).
        let interrupt: *const core::sync::atomic::AtomicU32 = store
            .interrupt
            .as_ref()
            .map_or(ptr::null(), |flag| &**flag as *const _);
        Machine {
            store,
            stack,
            frames: Vec::new(),
            max_frames,
            ctxs: Vec::new(),
            ctx: ptr::null(),
            mem_len: 0,
            metering: Metering {
                fuel: fuel.is_some(),
                interrupt: !interrupt.is_null(),
                deterministic,
            },
            fuel: fuel.unwrap_or(0),
            interrupt,
            #[cfg(threaded)]
            pending: None,
            #[cfg(feature = "backtrace")]
            trap_pc: ptr::null(),
        }
    }

    fn ctx(&mut self, inst: InstanceAddr) -> Result<*const InstCtx, Trap> {
        let i = inst as usize;
        if self.ctxs.len() <= i {
            self.ctxs.resize_with(i + 1, || None);
        }
        if self.ctxs[i].is_none() {
            let store = &mut *self.store;
            let data = &store.instances[i];
            let memories: Box<[*mut Memory]> = data
                .memories
                .iter()
                .map(|&m| &mut *store.memories[m as usize] as *mut Memory)
                .collect();
            let memory = memories.first().copied().unwrap_or(ptr::null_mut());
            let globals = data
                .globals
                .iter()
                .map(|&g| &mut store.globals[g as usize].value as *mut Cell)
                .collect();
            let tables = data
                .tables
                .iter()
                .map(|&t| &mut *store.tables[t as usize] as *mut Table)
                .collect();
            let code = module_code(&data.module, self.metering)? as *const ModuleCode;
            self.ctxs[i] = Some(Box::new(InstCtx {
                addr: inst,
                module: &*data.module as *const Module,
                code,
                memory,
                memories,
                globals,
                funcs: data.funcs.clone().into(),
                num_imported: data.module.num_imported_funcs,
                tables,
                sigs: data.sigs.clone().into(),
            }));
        }
        Ok(&**self.ctxs[i].as_ref().expect("just built") as *const InstCtx)
    }

    /// Calls store function `func` with `cells` holding arguments, then results.
    pub fn call(&mut self, func: FuncAddr, cells: &mut [Cell]) -> Result<(), Trap> {
        let (inst, index) = match self.store.funcs[func as usize].kind {
            FuncKind::Host(_) => return self.store.call_host(func, cells, None),
            FuncKind::Wasm { instance, index } => (instance, index),
        };
        let ctx = self.ctx(inst)?;
        // SAFETY: ctx points into self.ctxs, whose boxes live as long as self.
        let (module, code) = unsafe { (&*(*ctx).module, &*(*ctx).code) };
        let f = code.get(module, index - module.num_imported_funcs)? as *const CompiledFunc;
        // SAFETY: the compiled function lives in the module's cache, kept alive by the
        // instance; everything else is checked inside `run`.
        unsafe {
            let f = &*f;
            // SAFETY (for the handlers' unchecked `rd`/`wr`): the outermost frame starts at
            // the stack's base, so this check puts all its `frame_size` slots inside the
            // stack; the translator keeps every slot the code names below `frame_size`
            // (slot invariant, translate.rs).
            if f.frame_size as usize > self.stack.len() {
                return Err(Trap::StackExhausted);
            }
            let fp = self.stack.as_mut_ptr();
            let n = f.num_params as usize;
            ptr::copy_nonoverlapping(cells.as_ptr(), fp, n);
            ptr::write_bytes(fp.add(n), 0, f.num_locals as usize - n);
            self.frames.clear();
            #[cfg(feature = "backtrace")]
            {
                self.trap_pc = ptr::null();
            }
            let result = self.run(ctx, f, fp);
            #[cfg(feature = "backtrace")]
            self.record_backtrace(&result);
            self.frames.clear();
            self.sync_fuel_out();
            result?;
            let results = self.store.funcs[func as usize].ty.results.len();
            ptr::copy_nonoverlapping(fp, cells.as_mut_ptr(), results);
        }
        Ok(())
    }

    /// Writes the running fuel count back to the store.
    fn sync_fuel_out(&mut self) {
        if self.metering.fuel {
            self.store.fuel = Some(self.fuel);
        }
    }

    /// Takes the store's fuel count (a host function may have changed it).
    fn sync_fuel_in(&mut self) {
        if self.metering.fuel {
            self.fuel = self.store.fuel.unwrap_or(0);
        }
    }

    /// Pushes a frame for `f` whose arguments start at `new_fp`.
    ///
    /// # Safety
    /// `new_fp` points into this machine's stack (at or past the caller's frame base `fp`,
    /// inside the caller's frame), and `ctx` is the caller's live instance context.
    #[inline(always)]
    pub(crate) unsafe fn enter(
        &mut self,
        f: &CompiledFunc,
        new_fp: *mut Cell,
        ret_pc: *const (),
        fp: *mut Cell,
        ctx: *const InstCtx,
    ) -> Result<(), Trap> {
        // SAFETY: `new_fp` points into the stack (this function's contract), so its
        // distance from the base is in bounds and non-negative.
        let base = unsafe { new_fp.offset_from(self.stack.as_ptr()) } as usize;
        // For the handlers' unchecked `rd`/`wr`: the callee's frame is
        // `new_fp..new_fp + frame_size`, and the translator keeps every slot its code
        // names below `frame_size` (slot invariant, translate.rs); this check keeps the
        // whole frame inside the stack. Compared as indices: a pointer past the stack's
        // end may not even be formed.
        if base + f.frame_size as usize > self.stack.len() || self.frames.len() >= self.max_frames {
            return Err(Trap::StackExhausted);
        }
        if self.frames.len() == self.frames.capacity() {
            self.grow_frames()?;
        }
        self.frames.push(Frame { ret_pc, fp, ctx });
        let n = f.num_params as usize;
        // SAFETY: locals follow the parameters inside the frame, which the check above
        // put inside the stack.
        unsafe { ptr::write_bytes(new_fp.add(n), 0, f.num_locals as usize - n) };
        Ok(())
    }

    /// Replaces the running frame at `fp` with one for defined function `defined` of
    /// the instance `ctx`, whose arguments are at `args` (a tail call): the arguments
    /// move down to `fp`, no frame record is pushed, so a chain of tail calls runs in the
    /// space of one frame. Returns the function to run. Out of line: both tail-call
    /// handlers share it.
    ///
    /// # Safety
    /// `ctx` is a live context of this machine; `fp` is the running frame's base and
    /// `args` points inside that frame, both in this machine's stack, with the callee's
    /// parameters in place at `args`.
    #[inline(never)]
    pub(crate) unsafe fn tail_enter(
        &mut self,
        ctx: *const InstCtx,
        defined: u32,
        fp: *mut Cell,
        args: *mut Cell,
    ) -> Result<*const CompiledFunc, Trap> {
        // SAFETY: `ctx` is live (the contract): its code and module outlive the call.
        let f = unsafe { (*(*ctx).code).get(&*(*ctx).module, defined)? };
        // SAFETY: `fp` points into the stack (this function's contract).
        let base = unsafe { fp.offset_from(self.stack.as_ptr()) } as usize;
        // For the handlers' unchecked `rd`/`wr`, as in `enter`: the callee's whole frame
        // `fp..fp + frame_size` must lie inside the stack.
        if base + f.frame_size as usize > self.stack.len() {
            return Err(Trap::StackExhausted);
        }
        let n = f.num_params as usize;
        // SAFETY: the arguments lie inside the running frame (contract) and their new
        // place inside the callee's frame (checked above); the two ranges may overlap,
        // which `copy` allows. The locals follow inside the checked frame.
        unsafe {
            ptr::copy(args, fp, n);
            ptr::write_bytes(fp.add(n), 0, f.num_locals as usize - n);
        }
        Ok(f)
    }

    /// The function at element `index` of table `table` of the instance `ctx`, checked
    /// to have the module's type `type_index` (`indirect_callee`). Out of line: both
    /// indirect-call handlers share it.
    ///
    /// # Safety
    /// `ctx` is a live context of this machine and `table` one of its tables.
    #[inline(never)]
    pub(crate) unsafe fn indirect_target(
        &self,
        ctx: *const InstCtx,
        table: u16,
        type_index: u16,
        index: u32,
    ) -> Result<Callee, Trap> {
        // SAFETY: `ctx` is live and `table` is in range (the contract; the translator
        // emits only validated table indices).
        let (table, ctx) = unsafe { (&*(*ctx).tables[table as usize], &*ctx) };
        let cell = indirect_callee(
            table.cells().get(index as usize).copied(),
            ctx.sigs.get(type_index as usize).copied(),
            |cell| self.store.funcs.get((cell - 1) as usize).map(|f| f.sig),
        )?;
        let addr = (cell - 1) as FuncAddr;
        Ok(match self.store.funcs[addr as usize].kind {
            FuncKind::Wasm { instance, index } if instance == ctx.addr => {
                Callee::Local(index - ctx.num_imported)
            }
            _ => Callee::Elsewhere(addr),
        })
    }

    /// Makes room for more frame records. Deep recursion on a small heap (a firmware arena)
    /// then traps like an exhausted value stack instead of aborting in the allocator.
    #[cold]
    #[inline(never)]
    fn grow_frames(&mut self) -> Result<(), Trap> {
        let want = self.frames.capacity().max(16).min(self.max_frames);
        self.frames
            .try_reserve(want)
            .map_err(|_| Trap::StackExhausted)
    }

    /// Calls a function of another instance or of the host, with arguments at `args`.
    ///
    /// # Safety
    /// `args` points into this machine's stack (inside the caller's frame).
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn call_external(
        &mut self,
        addr: FuncAddr,
        caller: InstanceAddr,
        args: *mut Cell,
    ) -> Result<Option<(*const InstCtx, *const CompiledFunc)>, Trap> {
        match self.store.funcs[addr as usize].kind {
            FuncKind::Host(_) => {
                let ty = &self.store.funcs[addr as usize].ty;
                let n = ty.params.len().max(ty.results.len());
                // SAFETY: `args` points into the stack (this function's contract).
                let start = unsafe { args.offset_from(self.stack.as_ptr()) } as usize;
                if start + n > self.stack.len() {
                    return Err(Trap::StackExhausted);
                }
                // SAFETY: `start + n` cells lie inside the stack (checked above), and no
                // other reference to them lives during the host call.
                let cells = unsafe { core::slice::from_raw_parts_mut(args, n) };
                // The host function may read the fuel or call back into an engine.
                self.sync_fuel_out();
                let result = self.store.call_host(addr, cells, Some(caller));
                self.sync_fuel_in();
                result?;
                Ok(None)
            }
            FuncKind::Wasm { instance, index } => {
                let ctx = self.ctx(instance)?;
                // SAFETY: `ctx` points into `self.ctxs`, whose boxes live as long as
                // `self`, and its module and code are kept alive by the instance.
                let (module, code) = unsafe { (&*(*ctx).module, &*(*ctx).code) };
                let f = code.get(module, index - module.num_imported_funcs)?;
                Ok(Some((ctx, f as *const CompiledFunc)))
            }
        }
    }

    /// Runs `f` (its frame at `fp`) until the outermost frame returns.
    ///
    /// # Safety
    /// `ctx` is a live context of this machine, `f` a function of its instance, and
    /// `fp..fp + f.frame_size` lies inside the stack with the parameters in place.
    unsafe fn run(
        &mut self,
        ctx: *const InstCtx,
        f: &CompiledFunc,
        fp: *mut Cell,
    ) -> Result<(), Trap> {
        #[cfg(not(threaded))]
        // SAFETY: this function's contract is `run_loop`'s.
        let flow = unsafe { self.run_loop(ctx, f.code.as_ptr(), fp) };
        #[cfg(threaded)]
        let flow = {
            self.ctx = ctx;
            // SAFETY: `ctx` is live (this function's contract).
            let (mem_base, _) = unsafe { self.memory_view(ctx) };
            let pc = f.threaded.as_ptr();
            // Handlers see the machine without its borrow lifetime; it outlives this call.
            let mp: *mut Machine<'static> = (self as *mut Machine<'_>).cast();
            // SAFETY: the threaded code of `f` starts at `pc` and ends in a return, the
            // frame is in place (this function's contract), and `mp` is this machine,
            // not otherwise used until the handlers return.
            match unsafe { ((*pc).handler)(pc, fp, mp, mem_base) } {
                0 => Ok(()),
                _ => Err(Stop::Trap(
                    self.pending.take().unwrap_or(Trap::Host("lost trap")),
                )),
            }
        };
        match flow {
            Ok(()) | Err(Stop::Done) => Ok(()),
            Err(Stop::Trap(t)) => Err(t),
        }
    }

    /// Base and length of the instance's memory 0, remembered for the dispatch loop.
    ///
    /// # Safety
    /// `ctx` is a live context of this machine.
    #[inline(always)]
    pub(crate) unsafe fn memory_view(&mut self, ctx: *const InstCtx) -> (*mut u8, u64) {
        // SAFETY: `ctx` is live (contract), and its memory pointer, when set, points to
        // a memory of the store this machine borrows.
        let (base, len) = unsafe {
            let m = (*ctx).memory;
            if m.is_null() {
                (ptr::null_mut(), 0)
            } else {
                ((*m).base(), (*m).len() as u64)
            }
        };
        self.mem_len = len;
        (base, len)
    }

    /// Ends threaded execution at instruction `at`: 0 when done, 1 with the trap kept
    /// in `pending`.
    #[cfg(threaded)]
    #[cold]
    #[cfg_attr(not(feature = "backtrace"), allow(unused_variables))]
    pub(crate) fn stop(&mut self, stop: Stop, at: *const ()) -> usize {
        match stop {
            Stop::Done => 0,
            Stop::Trap(t) => {
                self.pending = Some(t);
                #[cfg(feature = "backtrace")]
                {
                    self.trap_pc = at;
                }
                1
            }
        }
    }
}
