//! The store: every function, table, memory, global and instance, addressed by index.

use alloc::{boxed::Box, format, rc::Rc, string::String, sync::Arc, vec, vec::Vec};

use super::instance::{self, Instance, MemoryPair, TablePair};
use super::{Memory, Table};
use crate::module::{ImportDesc, Module};
use crate::trap::Trap;
use crate::types::{ElemMode, ExternKind, FuncType, GlobalType};
use crate::value::{Cell, FuncAddr, Value};

pub type InstanceAddr = u32;
pub use super::instance::SigId;

/// The host-call ABI shared by both engines: the caller's context, then cells holding the
/// arguments on entry and the results on return (the slice is long enough for both).
pub type HostFunc = dyn Fn(&mut Caller<'_>, &mut [Cell]) -> Result<(), Trap>;

/// Runs WebAssembly functions. Implemented by the interpreter and the AOT runtime.
pub trait Executor {
    /// Calls `func`; `cells` holds the arguments and receives the results.
    fn call(&mut self, store: &mut Store, func: FuncAddr, cells: &mut [Cell]) -> Result<(), Trap>;
}

pub enum FuncKind {
    /// A function defined in `instance`, by its index in the module's function space.
    Wasm {
        instance: InstanceAddr,
        index: u32,
    },
    Host(Rc<HostFunc>),
}

pub struct FuncEntity {
    pub ty: FuncType,
    pub sig: SigId,
    pub kind: FuncKind,
}

pub struct Global {
    pub ty: GlobalType,
    pub value: Cell,
}

/// Something an instance exports or imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    Func(FuncAddr),
    Table(u32),
    Memory(u32),
    Global(u32),
}

impl Extern {
    pub fn kind(&self) -> ExternKind {
        match self {
            Extern::Func(_) => ExternKind::Func,
            Extern::Table(_) => ExternKind::Table,
            Extern::Memory(_) => ExternKind::Memory,
            Extern::Global(_) => ExternKind::Global,
        }
    }
}

pub struct InstanceData {
    pub module: Arc<Module>,
    pub funcs: Vec<FuncAddr>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Store signature id of each of the module's types.
    pub sigs: Vec<SigId>,
    /// Passive element segments as reference cells; a dropped (or active, or declared)
    /// segment is empty.
    pub elements: Vec<Box<[Cell]>>,
    pub data_dropped: Vec<bool>,
}

/// Why instantiation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstantiationError {
    /// An import is missing or has the wrong type.
    Unlinkable(String),
    /// A segment initialiser or the start function trapped.
    Trap(Trap),
}

impl core::fmt::Display for InstantiationError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            InstantiationError::Unlinkable(msg) => f.write_str(msg),
            InstantiationError::Trap(trap) => write!(f, "{trap}"),
        }
    }
}

impl core::error::Error for InstantiationError {}

/// Why a typed call could not be made or did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    /// The arguments do not fit the function's parameters.
    Signature(String),
    Trap(Trap),
}

impl core::fmt::Display for InvokeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            InvokeError::Signature(msg) => f.write_str(msg),
            InvokeError::Trap(trap) => write!(f, "{trap}"),
        }
    }
}

impl core::error::Error for InvokeError {}

/// What a host function sees of the instance that called it.
pub struct Caller<'a> {
    pub store: &'a mut Store,
    pub instance: Option<InstanceAddr>,
}

impl Caller<'_> {
    /// The caller's memory 0, if it has one.
    pub fn memory(&mut self) -> Option<&mut Memory> {
        let inst = &self.store.instances[self.instance? as usize];
        let addr = *inst.memories.first()?;
        Some(&mut self.store.memories[addr as usize])
    }
}

#[derive(Default)]
pub struct Store {
    pub funcs: Vec<FuncEntity>,
    // Boxed so that engines may hold raw pointers across pushes to these vectors.
    pub tables: Vec<Box<Table>>,
    pub memories: Vec<Box<Memory>>,
    pub globals: Vec<Box<Global>>,
    pub instances: Vec<InstanceData>,
    sigs: Vec<FuncType>,
    /// Fuel left (`crate::fuel`), or `None` when execution is not metered. Engines keep
    /// the running count themselves during a call and write it back here whenever
    /// control leaves generated code or bytecode (returns, traps, host calls).
    pub fuel: Option<u64>,
    /// The interrupt flag (non-zero: stop with `Trap::Interrupted` at the next function
    /// entry or loop header), or `None` when execution does not check for interrupts.
    /// Shared with other threads, signal handlers or ISRs, which only store to it. The
    /// engine that raises the trap clears it, so the store stays usable.
    pub interrupt: Option<Arc<core::sync::atomic::AtomicU32>>,
    /// The Wasm call stack of the last trap that escaped a call (`crate::backtrace`),
    /// set by the engine that raised it; `None` after a call that returned normally
    /// or when the engine was built without backtraces.
    #[cfg(feature = "backtrace")]
    pub trap_backtrace: Option<crate::backtrace::Backtrace>,
    /// Deterministic mode (`crate::nan`): NaN results are canonicalised, so results and
    /// fuel counts are bit-identical on every engine. AOT code must have been compiled
    /// for it (`aotc --deterministic`).
    pub deterministic: bool,
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    pub fn intern_sig(&mut self, ty: &FuncType) -> SigId {
        if let Some(i) = self.sigs.iter().position(|t| t == ty) {
            return i as SigId;
        }
        self.sigs.push(ty.clone());
        (self.sigs.len() - 1) as SigId
    }

    pub fn add_host_func(&mut self, ty: FuncType, func: Rc<HostFunc>) -> FuncAddr {
        let sig = self.intern_sig(&ty);
        self.funcs.push(FuncEntity {
            ty,
            sig,
            kind: FuncKind::Host(func),
        });
        (self.funcs.len() - 1) as FuncAddr
    }

    pub fn add_table(&mut self, table: Table) -> u32 {
        self.tables.push(Box::new(table));
        (self.tables.len() - 1) as u32
    }

    pub fn add_memory(&mut self, memory: Memory) -> u32 {
        self.memories.push(Box::new(memory));
        (self.memories.len() - 1) as u32
    }

    pub fn add_global(&mut self, ty: GlobalType, value: Value) -> u32 {
        self.globals.push(Box::new(Global {
            ty,
            value: value.to_cell(),
        }));
        (self.globals.len() - 1) as u32
    }

    pub fn func_type(&self, func: FuncAddr) -> &FuncType {
        &self.funcs[func as usize].ty
    }

    /// Calls a host function with the ABI's cells.
    pub fn call_host(
        &mut self,
        func: FuncAddr,
        cells: &mut [Cell],
        caller: Option<InstanceAddr>,
    ) -> Result<(), Trap> {
        let FuncKind::Host(f) = &self.funcs[func as usize].kind else {
            unreachable!("call_host on a wasm function");
        };
        let f = f.clone();
        let mut caller = Caller {
            store: self,
            instance: caller,
        };
        f(&mut caller, cells)
    }

    /// Looks up an export of an instance.
    pub fn export(&self, instance: InstanceAddr, name: &str) -> Option<Extern> {
        let inst = &self.instances[instance as usize];
        let e = inst.module.export(name)?;
        let i = e.index as usize;
        Some(match e.kind {
            ExternKind::Func => Extern::Func(inst.funcs[i]),
            ExternKind::Table => Extern::Table(inst.tables[i]),
            ExternKind::Memory => Extern::Memory(inst.memories[i]),
            ExternKind::Global => Extern::Global(inst.globals[i]),
        })
    }

    pub fn global_value(&self, global: u32) -> Value {
        let g = &self.globals[global as usize];
        Value::from_cell(g.ty.content, g.value)
    }

    /// Calls `func` with typed arguments, checking them against its signature.
    pub fn invoke(
        &mut self,
        exec: &mut dyn Executor,
        func: FuncAddr,
        args: &[Value],
    ) -> Result<Vec<Value>, InvokeError> {
        let ty = self.func_type(func).clone();
        if args.len() != ty.params.len()
            || args.iter().zip(ty.params.iter()).any(|(a, p)| a.ty() != *p)
        {
            return Err(InvokeError::Signature(format!(
                "function expects {} but was given {} argument(s)",
                ty,
                args.len()
            )));
        }
        let mut cells = vec![0; ty.params.len().max(ty.results.len())];
        for (cell, arg) in cells.iter_mut().zip(args) {
            *cell = arg.to_cell();
        }
        exec.call(self, func, &mut cells)
            .map_err(InvokeError::Trap)?;
        Ok(ty
            .results
            .iter()
            .zip(&cells)
            .map(|(t, c)| Value::from_cell(*t, *c))
            .collect())
    }

    /// Instantiates `module` with `imports` (one per module import, in order), runs its
    /// segment initialisers and start function.
    pub fn instantiate(
        &mut self,
        module: Arc<Module>,
        imports: &[Extern],
        exec: &mut dyn Executor,
    ) -> Result<InstanceAddr, InstantiationError> {
        // A trap below (a segment out of bounds) is not the last call's.
        #[cfg(feature = "backtrace")]
        {
            self.trap_backtrace = None;
        }
        self.check_imports(&module, imports)?;
        let addr = self.instances.len() as InstanceAddr;
        let sigs = module.types.iter().map(|t| self.intern_sig(t)).collect();
        let mut inst = InstanceData {
            module: module.clone(),
            funcs: Vec::with_capacity(module.funcs.len()),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            sigs,
            elements: Vec::new(),
            data_dropped: vec![false; module.datas.len()],
        };
        for import in imports {
            match *import {
                Extern::Func(f) => inst.funcs.push(f),
                Extern::Table(t) => inst.tables.push(t),
                Extern::Memory(m) => inst.memories.push(m),
                Extern::Global(g) => inst.globals.push(g),
            }
        }
        for index in module.num_imported_funcs..module.funcs.len() as u32 {
            let ty = module.func_type(index).clone();
            let sig = inst.sigs[module.funcs[index as usize] as usize];
            self.funcs.push(FuncEntity {
                ty,
                sig,
                kind: FuncKind::Wasm {
                    instance: addr,
                    index,
                },
            });
            inst.funcs.push((self.funcs.len() - 1) as FuncAddr);
        }
        // Constant expressions read the instance's imports and functions from here on.
        self.instances.push(inst);
        let trap = InstantiationError::Trap;
        for (i, init) in module.global_inits.iter().enumerate() {
            let ty = module.globals[module.num_imported_globals as usize + i];
            let value = instance::eval_const(&self.instance(addr), &*module, init).map_err(trap)?;
            let g = self.add_global(ty, Value::from_cell(ty.content, value));
            self.instances[addr as usize].globals.push(g);
        }
        for ty in &module.tables[module.num_imported_tables as usize..] {
            let table = Table::new(*ty, 0).map_err(trap)?;
            let t = self.add_table(table);
            self.instances[addr as usize].tables.push(t);
        }
        for ty in &module.memories[module.num_imported_memories as usize..] {
            let memory = Memory::new(*ty).map_err(trap)?;
            let m = self.add_memory(memory);
            self.instances[addr as usize].memories.push(m);
        }
        for seg in &module.elements {
            let items: Box<[Cell]> = match seg.mode {
                ElemMode::Passive => {
                    let inst = self.instance(addr);
                    seg.items
                        .iter()
                        .map(|e| instance::eval_const(&inst, &*module, e))
                        .collect::<Result<_, Trap>>()
                        .map_err(trap)?
                }
                ElemMode::Active { .. } | ElemMode::Declared => Box::new([]),
            };
            self.instances[addr as usize].elements.push(items);
        }
        instance::initialize(&mut self.instance(addr), &*module).map_err(trap)?;
        if let Some(start) = module.start {
            let func = self.instances[addr as usize].funcs[start as usize];
            exec.call(self, func, &mut [])
                .map_err(InstantiationError::Trap)?;
        }
        Ok(addr)
    }

    /// Instance `addr` as the instance rules see it.
    pub fn instance(&mut self, addr: InstanceAddr) -> StoreInstance<'_> {
        StoreInstance { store: self, addr }
    }

    fn check_imports(&self, module: &Module, imports: &[Extern]) -> Result<(), InstantiationError> {
        if imports.len() != module.imports.len() {
            return Err(InstantiationError::Unlinkable(format!(
                "the module needs {} imports but {} were provided",
                module.imports.len(),
                imports.len()
            )));
        }
        for (import, ext) in module.imports.iter().zip(imports) {
            let ok = match (import.desc, *ext) {
                (ImportDesc::Func(t), Extern::Func(f)) => {
                    self.funcs[f as usize].ty == module.types[t as usize]
                }
                (ImportDesc::Table(want), Extern::Table(t)) => {
                    self.tables[t as usize].ty().satisfies(&want)
                }
                (ImportDesc::Memory(want), Extern::Memory(m)) => {
                    let have = self.memories[m as usize].ty();
                    if have.page_size_log2 != want.page_size_log2 {
                        // The custom page sizes proposal's words for this case.
                        return Err(InstantiationError::Unlinkable(format!(
                            "memory types incompatible for `{}.{}`: page sizes differ",
                            import.module, import.name
                        )));
                    }
                    have.satisfies(&want)
                }
                (ImportDesc::Global(want), Extern::Global(g)) => {
                    self.globals[g as usize].ty == want
                }
                _ => false,
            };
            if !ok {
                return Err(InstantiationError::Unlinkable(format!(
                    "incompatible import type for `{}.{}`",
                    import.module, import.name
                )));
            }
        }
        Ok(())
    }
}

/// One instance of a store, as the instance rules reach it.
pub struct StoreInstance<'s> {
    pub store: &'s mut Store,
    pub addr: InstanceAddr,
}

impl StoreInstance<'_> {
    fn data(&self) -> &InstanceData {
        &self.store.instances[self.addr as usize]
    }

    fn memory_addr(&self, index: u32) -> Result<u32, Trap> {
        self.data()
            .memories
            .get(index as usize)
            .copied()
            .ok_or(Trap::MemoryOutOfBounds)
    }

    fn table_addr(&self, index: u32) -> Result<u32, Trap> {
        self.data()
            .tables
            .get(index as usize)
            .copied()
            .ok_or(Trap::TableOutOfBounds)
    }
}

impl Instance for StoreInstance<'_> {
    fn memory(&mut self, index: u32) -> Result<&mut Memory, Trap> {
        let m = self.memory_addr(index)?;
        Ok(&mut self.store.memories[m as usize])
    }

    fn table(&mut self, index: u32) -> Result<&mut Table, Trap> {
        let t = self.table_addr(index)?;
        Ok(&mut self.store.tables[t as usize])
    }

    fn table_pair(&mut self, dst: u32, src: u32) -> Result<TablePair<'_>, Trap> {
        let (d, s) = (self.table_addr(dst)?, self.table_addr(src)?);
        if d == s {
            return Ok(TablePair::Same(&mut self.store.tables[d as usize]));
        }
        let [dst, src] = self
            .store
            .tables
            .get_disjoint_mut([d as usize, s as usize])
            .map_err(|_| Trap::TableOutOfBounds)?;
        Ok(TablePair::Distinct(dst, src))
    }

    fn memory_pair(&mut self, dst: u32, src: u32) -> Result<MemoryPair<'_>, Trap> {
        let (d, s) = (self.memory_addr(dst)?, self.memory_addr(src)?);
        if d == s {
            return Ok(MemoryPair::Same(&mut self.store.memories[d as usize]));
        }
        let [dst, src] = self
            .store
            .memories
            .get_disjoint_mut([d as usize, s as usize])
            .map_err(|_| Trap::MemoryOutOfBounds)?;
        Ok(MemoryPair::Distinct(dst, src))
    }

    fn memory_and_data(&mut self, memory: u32, segment: u32) -> Result<(&mut Memory, &[u8]), Trap> {
        let m = self.memory_addr(memory)?;
        let inst = &self.store.instances[self.addr as usize];
        let data: &[u8] = match inst.data_dropped.get(segment as usize) {
            Some(false) => &inst.module.datas[segment as usize].bytes,
            Some(true) => &[],
            None => return Err(Trap::MemoryOutOfBounds),
        };
        Ok((&mut self.store.memories[m as usize], data))
    }

    fn table_and_elements(
        &mut self,
        table: u32,
        segment: u32,
    ) -> Result<(&mut Table, &[Cell]), Trap> {
        let t = self.table_addr(table)?;
        let items = self.store.instances[self.addr as usize]
            .elements
            .get(segment as usize)
            .ok_or(Trap::TableOutOfBounds)?;
        Ok((&mut self.store.tables[t as usize], items))
    }

    fn drop_data(&mut self, segment: u32) {
        let inst = &mut self.store.instances[self.addr as usize];
        if let Some(dropped) = inst.data_dropped.get_mut(segment as usize) {
            *dropped = true;
        }
    }

    fn drop_elements(&mut self, segment: u32) {
        let inst = &mut self.store.instances[self.addr as usize];
        if let Some(items) = inst.elements.get_mut(segment as usize) {
            *items = Box::new([]);
        }
    }

    fn global(&self, index: u32) -> Result<Cell, Trap> {
        let g = *self
            .data()
            .globals
            .get(index as usize)
            .ok_or(Trap::Host("global.get of an unknown global"))?;
        Ok(self.store.globals[g as usize].value)
    }

    fn func_ref(&self, index: u32) -> Result<Cell, Trap> {
        let f = *self
            .data()
            .funcs
            .get(index as usize)
            .ok_or(Trap::Host("ref.func of an unknown function"))?;
        Ok(Cell::from(f) + 1)
    }

    fn type_sig(&self, index: u32) -> Option<SigId> {
        self.data().sigs.get(index as usize).copied()
    }

    fn ref_sig(&self, cell: Cell) -> Option<SigId> {
        let f = usize::try_from(cell.checked_sub(1)?).ok()?;
        Some(self.store.funcs.get(f)?.sig)
    }
}
