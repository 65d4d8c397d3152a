//! The AOT runtime for hosts with `std`: loads `.aot` files into W^X memory from the
//! platform, and runs their functions as an `Executor` on the core `Store`, so linking,
//! instantiation, host functions (WASI too) and the spec runner work unchanged.
//!
//! - A module's code lives in `Module::engine_cache` (an [`AotCode`]), put there by
//!   [`load_module`] (from an `.aot` file) or [`prepare`] (from one compiled in-process).
//! - Each instance gets, lazily on its first call, an [`InstanceRt`] holding its
//!   `VmContext` (memory 0, global cells, stack limit, trap slot) and what the helpers need.
//! - Generated code calls the helpers in [`helpers`] through relocations; they work on the
//!   store through the instance's runtime pointer.

mod helpers;

use std::boxed::Box;
use std::collections::HashMap;
use std::string::{String, ToString};
use std::sync::Arc;
use std::vec::Vec;

use core::ffi::c_void;

use mote_core::aot::context::{VmContext, VmMemory, VmTable, NO_INTERRUPT};
use mote_core::aot::format::{feature, AotFile, BoundsMode};
use mote_core::runtime::{Executor, FuncKind, InstanceAddr, MemoryBacking, Store};
use mote_core::{Cell, FuncAddr, Module, ModuleError, Trap};
use mote_platforms::posix::{trap as ptrap, ExecRegion, Reservation, GUARD_RESERVATION};

use mote_loader::{host_arch, load_into, requirements, ExecMemory, LoadError};

/// Why an `.aot` file could not become a module.
#[derive(Debug)]
pub enum AotError {
    Load(LoadError),
    /// The metadata is malformed or describes a module this build cannot run.
    Module(ModuleError),
    Mismatch(String),
    /// The OS refused memory.
    Os(String),
}

impl core::fmt::Display for AotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AotError::Load(e) => write!(f, "{e}"),
            AotError::Module(e) => write!(f, "{e}"),
            AotError::Mismatch(m) => f.write_str(m),
            AotError::Os(m) => write!(f, "cannot map code memory: {m}"),
        }
    }
}

impl std::error::Error for AotError {}

impl From<LoadError> for AotError {
    fn from(e: LoadError) -> AotError {
        AotError::Load(e)
    }
}

/// A module's loaded code: the executable region and each defined function's
/// trampoline address.
pub struct AotCode {
    _region: ExecRegion,
    trampolines: Vec<usize>,
    bounds: BoundsMode,
    /// Header feature bits: which checks the code was compiled with (`feature::FUEL`).
    features: u32,
}

impl AotCode {
    pub fn bounds(&self) -> BoundsMode {
        self.bounds
    }
}

/// Code memory on a hosted OS (an mmap region the loader writes, then makes executable):
/// what the hosted engine loads into, and what an embedder running `mote::bare` on a
/// host passes as its code buffer.
pub struct HostCode(pub ExecRegion);

impl ExecMemory for HostCode {
    fn bytes(&mut self) -> &mut [u8] {
        self.0.bytes_mut().unwrap_or(&mut [])
    }
    fn make_writable(&mut self) -> Result<(), LoadError> {
        self.0.make_writable().map_err(|_| LoadError::Protect)
    }
    fn make_executable(&mut self) -> Result<(), LoadError> {
        self.0.make_executable().map_err(|_| LoadError::Protect)
    }
}

/// Loads the code of a parsed file into fresh executable memory.
pub fn load_code(file: &AotFile<'_>) -> Result<AotCode, AotError> {
    let host = host_arch();
    if Some(file.arch()) != host {
        return Err(LoadError::WrongArch {
            file: file.arch(),
            host,
        }
        .into());
    }
    if file.bounds() == BoundsMode::Guard && !guard_supported() {
        return Err(LoadError::BoundsMode.into());
    }
    let reqs = requirements(file);
    let region = ExecRegion::new(reqs.region_bytes).map_err(|e| AotError::Os(e.to_string()))?;
    let mut region = HostCode(region);
    let table = helpers::HELPERS.addresses();
    let code = load_into(file, &mut region, &mote_loader::HelperTable::new(&table))?;
    let trampolines = (0..file.func_count())
        .map(|i| code.trampoline(i).unwrap_or(0) as usize)
        .collect();
    Ok(AotCode {
        _region: region.0,
        trampolines,
        bounds: file.bounds(),
        features: file.header().features,
    })
}

/// Guard mode needs a 64-bit address space for the reservations and the fault handler.
fn guard_supported() -> bool {
    cfg!(target_pointer_width = "64") && ptrap::install_handler()
}

/// Attaches the code in `aot` (an `.aot` file) to `module`, which must be the module the
/// file was compiled from.
pub fn prepare(module: &Module, aot: &[u8]) -> Result<(), AotError> {
    attach(module, &AotFile::parse(aot).map_err(LoadError::Format)?)
}

fn attach(module: &Module, file: &AotFile<'_>) -> Result<(), AotError> {
    let defined = module.funcs.len() - module.num_imported_funcs as usize;
    if file.func_count() != defined {
        return Err(AotError::Mismatch(std::format!(
            "the .aot file has {} functions but its module defines {defined}",
            file.func_count()
        )));
    }
    let code = load_code(file)?;
    module
        .engine_cache
        .set(Box::new(code))
        .map_err(|_| AotError::Mismatch("the module already has engine code".to_string()))
}

/// Reads an `.aot` file: its metadata becomes the module (`Module::from_aot`, the one
/// metadata reader), its code the module's engine code.
pub fn load_module(aot: &[u8]) -> Result<Arc<Module>, AotError> {
    let file = AotFile::parse(aot).map_err(LoadError::Format)?;
    let module = Module::from_aot(&file).map_err(AotError::Module)?;
    attach(&module, &file)?;
    Ok(Arc::new(module))
}

/// Compiles a module to an `.aot` file in-process (supplied by the embedder, e.g. the
/// test runner with `mote_aotc`; the runtime itself never links the compiler).
pub type Compiler = fn(&Module) -> Result<Vec<u8>, String>;

/// Per-instance runtime data; `VmContext::runtime` points here.
pub(crate) struct InstanceRt {
    pub(crate) ctx: VmContext,
    globals: Vec<*mut u64>,
    /// Every memory's header (`VmContext::memories` points here).
    memories: Vec<*mut VmMemory>,
    /// Every table's header (`VmContext::tables` points here).
    tables: Vec<*mut VmTable>,
    pub(crate) instance: InstanceAddr,
    pub(crate) store: *mut Store,
    pub(crate) exec: *mut AotExecutor,
    /// The full trap when `ctx.trap == HOST_TRAP_CODE`.
    pub(crate) pending: Option<Trap>,
}

/// How much native stack the runtime keeps for helpers and host functions below the
/// limit generated code checks against.
const STACK_RESERVE: usize = 256 << 10;

std::thread_local! {
    static STACK_LIMIT: usize = ptrap::stack_limit(STACK_RESERVE, 1 << 20);
}

/// The AOT engine's executor.
#[derive(Default)]
pub struct AotExecutor {
    instances: HashMap<(usize, InstanceAddr), Box<InstanceRt>>,
    compiler: Option<Compiler>,
    /// Calls into generated code currently active on this executor.
    depth: usize,
    /// Native stack generated code may use below the outermost call's frame (the
    /// embedder's budget, `Store::with_stack_size`); `None`: what the thread has.
    stack_budget: Option<usize>,
    /// The limit of the outermost call in progress, shared by the calls it nests.
    stack_limit: usize,
}

struct Backing(Reservation);

impl MemoryBacking for Backing {
    fn base(&self) -> *mut u8 {
        self.0.base()
    }
    fn grow_to(&mut self, len: usize) -> bool {
        // Never commit past 4 GiB: the rest of the reservation is the guard.
        len <= (4usize << 30) && self.0.commit(len).is_ok()
    }
}

impl AotExecutor {
    pub fn new() -> AotExecutor {
        AotExecutor::default()
    }

    /// An executor that compiles modules without code on their first call.
    pub fn with_compiler(compiler: Compiler) -> AotExecutor {
        AotExecutor {
            instances: HashMap::new(),
            compiler: Some(compiler),
            depth: 0,
            stack_budget: None,
            stack_limit: 0,
        }
    }

    /// Lets generated code use at most `bytes` of native stack below the frame of each
    /// outermost call (never more than the thread has); deeper recursion traps with
    /// "call stack exhausted".
    pub fn set_stack_size(&mut self, bytes: usize) {
        self.stack_budget = Some(bytes);
    }

    /// The stack limit for an outermost call starting in this frame.
    #[inline(never)]
    fn outermost_stack_limit(&self) -> usize {
        let thread_limit = STACK_LIMIT.with(|l| *l);
        match self.stack_budget {
            Some(bytes) => {
                let marker = 0u8;
                let sp = core::hint::black_box(&marker) as *const u8 as usize;
                sp.saturating_sub(bytes).max(thread_limit)
            }
            None => thread_limit,
        }
    }

    fn code<'m>(&self, module: &'m Module) -> Result<&'m AotCode, Trap> {
        if module.engine_cache.get().is_none() {
            if let Some(compile) = self.compiler {
                let aot = compile(module).map_err(|e| Trap::Host(leak(e)))?;
                prepare(module, &aot).map_err(|e| Trap::Host(leak(e.to_string())))?;
            }
        }
        module
            .engine_cache
            .get()
            .and_then(|c| c.downcast_ref::<AotCode>())
            .ok_or(Trap::Host("the module has no AOT code"))
    }

    /// The instance's runtime data, created on first use.
    fn instance_rt(
        &mut self,
        store: &mut Store,
        instance: InstanceAddr,
        bounds: BoundsMode,
    ) -> Result<*mut InstanceRt, Trap> {
        let key = (store as *mut Store as usize, instance);
        if let Some(rt) = self.instances.get_mut(&key) {
            // A store dropped and another allocated at the same address would leave
            // stale pointers: on entry from outside, check the context still describes
            // this instance (nested calls run on the store of the outer call).
            if self.depth > 0 || rt_matches(rt, store, instance) {
                return Ok(&mut **rt);
            }
            self.instances.remove(&key);
        }
        let inst = &store.instances[instance as usize];
        let memory = inst.memories.first().copied();
        let globals = inst.globals.clone();
        // Guard pages protect memory 0 only; generated code checks the others (and any
        // memory of one-byte pages) explicitly.
        if let Some(m) = memory {
            let mem = &mut *store.memories[m as usize];
            if bounds == BoundsMode::Guard && !mem.has_backing() {
                let res = Reservation::new(GUARD_RESERVATION)
                    .map_err(|_| Trap::Host("cannot reserve guard memory"))?;
                mem.set_backing(Box::new(Backing(res)))?;
            }
        }
        let memories = memory_headers(store, instance);
        let memory_ptr = memories.first().copied().unwrap_or(core::ptr::null_mut());
        let tables = table_headers(store, instance);
        let inst = &store.instances[instance as usize];
        // The store numbers an instance's defined functions consecutively (`Store::
        // instantiate`), so the first one's address identifies them all.
        let func_base = inst
            .funcs
            .get(inst.module.num_imported_funcs as usize)
            .map_or(0, |&f| f as usize);
        let globals: Vec<*mut u64> = globals
            .iter()
            .map(|&g| &mut store.globals[g as usize].value as *mut u64)
            .collect();
        let mut rt = Box::new(InstanceRt {
            ctx: VmContext {
                memory: memory_ptr,
                globals: core::ptr::null(),
                stack_limit: 0,
                trap: 0,
                helpers: core::ptr::null(),
                runtime: core::ptr::null_mut(),
                memories: core::ptr::null(),
                fuel: 0,
                interrupt: &NO_INTERRUPT,
                tables: core::ptr::null(),
                func_base,
            },
            globals,
            memories,
            tables,
            instance,
            store: core::ptr::null_mut(),
            exec: core::ptr::null_mut(),
            pending: None,
        });
        rt.ctx.globals = rt.globals.as_ptr();
        rt.ctx.memories = rt.memories.as_ptr();
        rt.ctx.tables = rt.tables.as_ptr();
        rt.ctx.helpers = helpers::HELPERS.0.as_ptr().cast();
        let p: *mut InstanceRt = &mut *rt;
        rt.ctx.runtime = p as *mut c_void;
        self.instances.insert(key, rt);
        Ok(p)
    }

    fn call_wasm(
        &mut self,
        store: &mut Store,
        instance: InstanceAddr,
        index: u32,
        cells: &mut [Cell],
    ) -> Result<(), Trap> {
        let module = store.instances[instance as usize].module.clone();
        let code = self.code(&module)?;
        let defined = index
            .checked_sub(module.num_imported_funcs)
            .ok_or(Trap::Host("not a defined function"))?;
        let entry = *code
            .trampolines
            .get(defined as usize)
            .ok_or(Trap::Host("function missing from the AOT code"))?;
        let guard = code.bounds == BoundsMode::Guard;
        let metered = code.features & feature::FUEL != 0;
        if store.fuel.is_some() && !metered {
            return Err(Trap::Host(
                "fuel is set but the .aot code does not meter it: compile it with `aotc --fuel`",
            ));
        }
        if store.interrupt.is_some() && code.features & feature::INTERRUPTIBLE == 0 {
            return Err(Trap::Host(
                "interrupts are on but the .aot code does not check for them: compile it with `aotc --interruptible`",
            ));
        }
        if store.deterministic && code.features & feature::DETERMINISTIC == 0 {
            return Err(Trap::Host(mote_core::nan::NOT_DETERMINISTIC_AOT));
        }
        let rt = self.instance_rt(store, instance, code.bounds)?;
        if self.depth == 0 {
            self.stack_limit = self.outermost_stack_limit();
            // The frames of this call's trap, if it traps (`Hosted::trap_frame`).
            #[cfg(feature = "backtrace")]
            {
                store.trap_backtrace = None;
            }
        }
        // Frames a nested call records before a host function handles its trap are
        // not the outer call's.
        #[cfg(feature = "backtrace")]
        let trace_depth = store.trap_backtrace.as_ref().map_or(0, |t| t.depth());
        #[cfg(not(feature = "backtrace"))]
        let trace_depth = 0;
        let exec: *mut AotExecutor = self;
        // SAFETY: `rt` is boxed in `self.instances` and never removed while the executor
        // lives; the store and executor pointers are only used by helpers during this
        // call, while this frame does not touch `store` or `self`.
        unsafe {
            (*rt).store = store;
            (*rt).exec = exec;
            (*rt).ctx.stack_limit = (*exec).stack_limit;
            (*rt).ctx.trap = 0;
            // Without a budget, metered code runs with (practically) unlimited fuel.
            (*rt).ctx.fuel = store.fuel.map_or(usize::MAX, fuel_to_ctx);
            // The store's `Arc` keeps the flag alive through the call.
            (*rt).ctx.interrupt = store
                .interrupt
                .as_ref()
                .map_or(&NO_INTERRUPT as *const _, |flag| &**flag as *const _);
            let ctx = &mut (*rt).ctx as *mut VmContext as *mut c_void;
            let f: unsafe extern "C" fn(*mut c_void, *mut c_void) = core::mem::transmute(entry);
            (*exec).depth += 1;
            let faulted = if guard {
                ptrap::call_guarded(f, ctx, cells.as_mut_ptr().cast()).is_err()
            } else {
                f(ctx, cells.as_mut_ptr().cast());
                false
            };
            (*exec).depth -= 1;
            if let Some(fuel) = &mut (*(*rt).store).fuel {
                fuel_from_ctx(fuel, (*rt).ctx.fuel);
            }
            if faulted {
                (*rt).ctx.trap = 0;
                (*rt).pending = None;
                // A guard-page fault leaves generated code at once, without the trap
                // paths that record frames: no trace (docs/diagnostics.md).
                let result = Err(Trap::MemoryOutOfBounds);
                finish_backtrace(&mut *(*rt).store, &result, trace_depth);
                return result;
            }
            let rt = &mut *rt;
            let result = rt.ctx.take_trap(&mut rt.pending);
            finish_backtrace(&mut *rt.store, &result, trace_depth);
            if result == Err(Trap::Interrupted) {
                // Handled: the next call runs (`Store::interrupt` documents this).
                (*rt.ctx.interrupt).store(0, core::sync::atomic::Ordering::Relaxed);
            }
            result
        }
    }
}

/// Keeps the trace the trap paths recorded only for a trap that escapes the call (and
/// not for an exit request); `depth` is the trace's depth when the call started.
#[cfg(feature = "backtrace")]
fn finish_backtrace(store: &mut Store, result: &Result<(), Trap>, depth: usize) {
    let keep = matches!(result, Err(trap) if !matches!(trap, Trap::Exit(_)));
    match &mut store.trap_backtrace {
        Some(trace) if !keep => trace.truncate(depth),
        _ => {}
    }
    if store
        .trap_backtrace
        .as_ref()
        .is_some_and(|t| t.depth() == 0)
    {
        store.trap_backtrace = None;
    }
}

#[cfg(not(feature = "backtrace"))]
fn finish_backtrace(_: &mut Store, _: &Result<(), Trap>, _: usize) {}

/// The header of each memory of `instance` (a `Memory` starts with its `VmMemory`).
fn memory_headers(store: &mut Store, instance: InstanceAddr) -> Vec<*mut VmMemory> {
    let inst = &store.instances[instance as usize];
    inst.memories
        .iter()
        .map(|&m| &mut *store.memories[m as usize] as *mut _ as *mut VmMemory)
        .collect()
}

/// The header of each table of `instance` (a `Table` starts with its `VmTable`; the
/// store boxes tables, so the headers stay where they are).
fn table_headers(store: &mut Store, instance: InstanceAddr) -> Vec<*mut VmTable> {
    let inst = &store.instances[instance as usize];
    inst.tables
        .iter()
        .map(|&t| &mut *store.tables[t as usize] as *mut _ as *mut VmTable)
        .collect()
}

/// The part of a store's fuel generated code runs with: all of it where `usize` holds it.
/// While the code runs the store keeps the count it had when this was taken.
pub(crate) fn fuel_to_ctx(fuel: u64) -> usize {
    usize::try_from(fuel).unwrap_or(usize::MAX)
}

/// Writes the fuel generated code left in its context back to the store (whose count is
/// still the one [`fuel_to_ctx`] was given).
pub(crate) fn fuel_from_ctx(store_fuel: &mut u64, ctx_fuel: usize) {
    *store_fuel = store_fuel.saturating_sub(usize::MAX as u64) + ctx_fuel as u64;
}

fn rt_matches(rt: &InstanceRt, store: &mut Store, instance: InstanceAddr) -> bool {
    let memories = memory_headers(store, instance);
    let inst = &store.instances[instance as usize];
    let globals_match = rt.globals.len() == inst.globals.len()
        && inst.globals.iter().zip(&rt.globals).all(|(&g, &p)| {
            core::ptr::eq(
                &store.globals[g as usize].value as *const u64,
                p as *const u64,
            )
        });
    rt.memories == memories && rt.tables == table_headers(store, instance) && globals_match
}

/// Trap messages from the compiler or loader live as long as the process (they are
/// rare: one per module that fails to compile).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl Executor for AotExecutor {
    fn call(&mut self, store: &mut Store, func: FuncAddr, cells: &mut [Cell]) -> Result<(), Trap> {
        match store.funcs[func as usize].kind {
            FuncKind::Host(_) => store.call_host(func, cells, None),
            FuncKind::Wasm { instance, index } => self.call_wasm(store, instance, index, cells),
        }
    }
}

#[cfg(test)]
mod tests;
