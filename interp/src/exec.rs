//! The executor: a `loop`/`match` dispatch over register bytecode.

use core::ptr;
use std::sync::OnceLock as OnceCell;

use mote_core::module::Module;
use mote_core::runtime::{FuncKind, InstanceAddr, Memory, SigId, Store, Table};
use mote_core::types::PAGE_SIZE;
use mote_core::{Cell, FuncAddr, Trap};

use crate::code::{CompiledFunc, Op, Slot};
use crate::numeric::*;
use crate::translate::translate;

/// Translated code of one module, shared by all its instances.
pub struct ModuleCode {
    funcs: Box<[OnceCell<CompiledFunc>]>,
}

fn module_code(module: &Module) -> Result<&ModuleCode, Trap> {
    let cache = module.engine_cache.get_or_init(|| {
        let funcs = (0..module.bodies.len()).map(|_| OnceCell::new()).collect();
        Box::new(ModuleCode { funcs })
    });
    cache
        .downcast_ref::<ModuleCode>()
        .ok_or(Trap::Host("module was prepared by another engine"))
}

impl ModuleCode {
    /// The translated function, translating it on first use.
    #[inline(always)]
    fn get<'a>(&'a self, module: &Module, defined_index: u32) -> Result<&'a CompiledFunc, Trap> {
        let cell = &self.funcs[defined_index as usize];
        match cell.get() {
            Some(f) => Ok(f),
            None => Self::translate_into(cell, module, defined_index),
        }
    }

    #[cold]
    fn translate_into<'a>(
        cell: &'a OnceCell<CompiledFunc>,
        module: &Module,
        defined_index: u32,
    ) -> Result<&'a CompiledFunc, Trap> {
        let f = translate(module, defined_index).map_err(|e| Trap::Host(e.0))?;
        Ok(cell.get_or_init(|| f))
    }
}

/// Returns the module's translated function, translating it on first use.
pub fn compiled(module: &Module, defined_index: u32) -> Result<&CompiledFunc, Trap> {
    module_code(module)?.get(module, defined_index)
}

/// What the hot path needs of an instance, as raw pointers into the store (whose
/// objects are boxed and never move).
struct InstCtx {
    addr: InstanceAddr,
    module: *const Module,
    code: *const ModuleCode,
    memory: *mut Memory,
    globals: Box<[*mut Cell]>,
    funcs: Box<[FuncAddr]>,
    num_imported: u32,
    tables: Box<[*mut Table]>,
    sigs: Box<[SigId]>,
}

struct Frame {
    ret_pc: *const Op,
    fp: *mut Cell,
    ctx: *const InstCtx,
}

/// Per-call executor state.
pub struct Machine<'s> {
    store: &'s mut Store,
    stack: &'s mut [Cell],
    frames: Vec<Frame>,
    max_frames: usize,
    ctxs: Vec<Option<Box<InstCtx>>>,
}

#[inline(always)]
unsafe fn rd<T: Cellable>(fp: *mut Cell, s: Slot) -> T {
    T::from_cell(*fp.add(s as usize))
}

#[inline(always)]
unsafe fn wr<T: Cellable>(fp: *mut Cell, s: Slot, v: T) {
    *fp.add(s as usize) = v.into_cell();
}

#[inline(always)]
fn imm<T: Cellable>(v: i32) -> T {
    T::from_cell(v as i64 as u64)
}

impl<'s> Machine<'s> {
    pub fn new(store: &'s mut Store, stack: &'s mut [Cell], max_frames: usize) -> Self {
        Machine {
            store,
            stack,
            frames: Vec::new(),
            max_frames,
            ctxs: Vec::new(),
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
            let memory = match data.memories.first() {
                Some(&m) => &mut *store.memories[m as usize] as *mut Memory,
                None => ptr::null_mut(),
            };
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
            let code = module_code(&data.module)? as *const ModuleCode;
            self.ctxs[i] = Some(Box::new(InstCtx {
                addr: inst,
                module: &*data.module as *const Module,
                code,
                memory,
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
        let module = unsafe { &*(*ctx).module };
        let f = compiled(module, index - module.num_imported_funcs)? as *const CompiledFunc;
        // SAFETY: the compiled function lives in the module's cache, kept alive by the
        // instance; everything else is checked inside `run`.
        unsafe {
            let f = &*f;
            if f.frame_size as usize > self.stack.len() {
                return Err(Trap::StackExhausted);
            }
            let fp = self.stack.as_mut_ptr();
            let n = f.num_params as usize;
            ptr::copy_nonoverlapping(cells.as_ptr(), fp, n);
            ptr::write_bytes(fp.add(n), 0, f.num_locals as usize - n);
            self.frames.clear();
            let result = self.run(ctx, f.code.as_ptr(), fp);
            self.frames.clear();
            result?;
            let results = self.store.funcs[func as usize].ty.results.len();
            ptr::copy_nonoverlapping(fp, cells.as_mut_ptr(), results);
        }
        Ok(())
    }

    /// Pushes a frame for `f` whose arguments start at `new_fp`.
    #[inline(always)]
    unsafe fn enter(
        &mut self,
        f: &CompiledFunc,
        new_fp: *mut Cell,
        ret_pc: *const Op,
        fp: *mut Cell,
        ctx: *const InstCtx,
    ) -> Result<(), Trap> {
        let stack_end = self.stack.as_mut_ptr().add(self.stack.len());
        if new_fp.add(f.frame_size as usize) > stack_end || self.frames.len() >= self.max_frames {
            return Err(Trap::StackExhausted);
        }
        self.frames.push(Frame { ret_pc, fp, ctx });
        let n = f.num_params as usize;
        ptr::write_bytes(new_fp.add(n), 0, f.num_locals as usize - n);
        Ok(())
    }

    /// Calls a function of another instance or of the host, with arguments at `args`.
    #[cold]
    #[inline(never)]
    unsafe fn call_external(
        &mut self,
        addr: FuncAddr,
        caller: InstanceAddr,
        args: *mut Cell,
    ) -> Result<Option<(*const InstCtx, *const CompiledFunc)>, Trap> {
        match self.store.funcs[addr as usize].kind {
            FuncKind::Host(_) => {
                let ty = &self.store.funcs[addr as usize].ty;
                let n = ty.params.len().max(ty.results.len());
                let stack_end = self.stack.as_mut_ptr().add(self.stack.len());
                if args.add(n) > stack_end {
                    return Err(Trap::StackExhausted);
                }
                let cells = core::slice::from_raw_parts_mut(args, n);
                self.store.call_host(addr, cells, Some(caller))?;
                Ok(None)
            }
            FuncKind::Wasm { instance, index } => {
                let ctx = self.ctx(instance)?;
                let module = &*(*ctx).module;
                let f = compiled(module, index - module.num_imported_funcs)?;
                Ok(Some((ctx, f as *const CompiledFunc)))
            }
        }
    }

    #[inline(never)]
    unsafe fn run(
        &mut self,
        mut ctx: *const InstCtx,
        mut pc: *const Op,
        mut fp: *mut Cell,
    ) -> Result<(), Trap> {
        let mut mem_base: *mut u8;
        let mut mem_len: u64;
        macro_rules! refresh_memory {
            () => {
                let m = (*ctx).memory;
                if m.is_null() {
                    mem_base = ptr::null_mut();
                    mem_len = 0;
                } else {
                    mem_base = (*m).base();
                    mem_len = (*m).len() as u64;
                }
            };
        }
        refresh_memory!();
        macro_rules! bin {
            ($d:ident, $a:ident, $b:ident, $t:ty, $f:expr) => {{
                let x: $t = rd(fp, $a);
                let y: $t = rd(fp, $b);
                wr(fp, $d, $f(x, y));
            }};
        }
        macro_rules! bin_i {
            ($d:ident, $a:ident, $imm:ident, $t:ty, $f:expr) => {{
                let x: $t = rd(fp, $a);
                let y: $t = imm($imm);
                wr(fp, $d, $f(x, y));
            }};
        }
        macro_rules! bin_trap {
            ($d:ident, $a:ident, $b:ident, $t:ty, $f:expr) => {{
                let x: $t = rd(fp, $a);
                let y: $t = rd(fp, $b);
                wr(fp, $d, $f(x, y)?);
            }};
        }
        macro_rules! bin_trap_i {
            ($d:ident, $a:ident, $imm:ident, $t:ty, $f:expr) => {{
                let x: $t = rd(fp, $a);
                let y: $t = imm($imm);
                wr(fp, $d, $f(x, y)?);
            }};
        }
        macro_rules! un {
            ($d:ident, $s:ident, $t:ty, $f:expr) => {{
                let x: $t = rd(fp, $s);
                wr(fp, $d, $f(x));
            }};
        }
        #[cfg(feature = "float")]
        macro_rules! un_trap {
            ($d:ident, $s:ident, $t:ty, $f:expr) => {{
                let x: $t = rd(fp, $s);
                wr(fp, $d, $f(x)?);
            }};
        }
        macro_rules! br_cmp {
            ($a:ident, $b:ident, $off:ident, $t:ty, $op:tt) => {{
                let x: $t = rd(fp, $a);
                let y: $t = rd(fp, $b);
                if x $op y {
                    pc = pc.offset($off as isize);
                }
            }};
        }
        macro_rules! br_cmp_i {
            ($a:ident, $imm:ident, $off:ident, $t:ty, $op:tt) => {{
                let x: $t = rd(fp, $a);
                let y: $t = imm($imm);
                if x $op y {
                    pc = pc.offset($off as isize);
                }
            }};
        }
        /// Effective address of an access of `$n` bytes, or an out-of-bounds trap.
        macro_rules! ea {
            ($a:ident, $off:ident, $n:expr) => {{
                let ea = rd::<u32>(fp, $a) as u64 + $off as u64;
                if ea + $n > mem_len {
                    return Err(Trap::MemoryOutOfBounds);
                }
                mem_base.add(ea as usize)
            }};
        }
        macro_rules! load {
            ($d:ident, $a:ident, $off:ident, $raw:ty, $t:ty) => {{
                let p = ea!($a, $off, core::mem::size_of::<$raw>() as u64);
                let v = ptr::read_unaligned(p as *const $raw);
                wr::<$t>(fp, $d, v as $t);
            }};
        }
        macro_rules! store {
            ($a:ident, $v:ident, $off:ident, $raw:ty) => {{
                let p = ea!($a, $off, core::mem::size_of::<$raw>() as u64);
                let v: u64 = rd(fp, $v);
                ptr::write_unaligned(p as *mut $raw, v as $raw);
            }};
        }
        /// Enters a function of this instance (module-local defined index).
        macro_rules! call_local {
            ($defined:expr, $base:ident) => {{
                let f = (*(*ctx).code).get(&*(*ctx).module, $defined)? as *const CompiledFunc;
                let new_fp = fp.add($base as usize);
                self.enter(&*f, new_fp, pc, fp, ctx)?;
                fp = new_fp;
                pc = (*f).code.as_ptr();
            }};
        }
        macro_rules! call_addr {
            ($addr:expr, $base:ident) => {{
                let args = fp.add($base as usize);
                match self.call_external($addr, (*ctx).addr, args)? {
                    None => {
                        refresh_memory!();
                    }
                    Some((callee_ctx, f)) => {
                        self.enter(&*f, args, pc, fp, ctx)?;
                        ctx = callee_ctx;
                        fp = args;
                        pc = (*f).code.as_ptr();
                        refresh_memory!();
                    }
                }
            }};
        }

        loop {
            let op = pc;
            pc = pc.add(1);
            match *op {
                Op::Unreachable => return Err(Trap::Unreachable),
                Op::Br { off } => pc = pc.offset(off as isize),
                Op::BrIfNez { c, off } => {
                    if rd::<u32>(fp, c) != 0 {
                        pc = pc.offset(off as isize);
                    }
                }
                Op::BrIfEqz { c, off } => {
                    if rd::<u32>(fp, c) == 0 {
                        pc = pc.offset(off as isize);
                    }
                }
                Op::BrTable { idx, len } => {
                    let i = rd::<u32>(fp, idx).min(len);
                    pc = pc.add(i as usize);
                }
                Op::Return | Op::Return1 { .. } => {
                    if let Op::Return1 { s } = *op {
                        *fp = *fp.add(s as usize);
                    }
                    let Some(frame) = self.frames.pop() else {
                        return Ok(());
                    };
                    pc = frame.ret_pc;
                    fp = frame.fp;
                    ctx = frame.ctx;
                    // The callee may have grown a memory this instance uses.
                    refresh_memory!();
                }
                Op::Call { func, base } => {
                    let num_imported = (*ctx).num_imported;
                    if func >= num_imported {
                        call_local!(func - num_imported, base);
                    } else {
                        call_addr!((*ctx).funcs[func as usize], base);
                    }
                }
                Op::CallIndirect {
                    ty,
                    table,
                    base,
                    idx,
                } => {
                    let table = &*(*ctx).tables[table as usize];
                    let i = rd::<u32>(fp, idx);
                    let cell = *table
                        .elements
                        .get(i as usize)
                        .ok_or(Trap::UndefinedElement)?;
                    if cell == 0 {
                        return Err(Trap::UninitializedElement);
                    }
                    let addr = (cell - 1) as FuncAddr;
                    let entity = &self.store.funcs[addr as usize];
                    if entity.sig != (*ctx).sigs[ty as usize] {
                        return Err(Trap::IndirectCallTypeMismatch);
                    }
                    match entity.kind {
                        FuncKind::Wasm { instance, index } if instance == (*ctx).addr => {
                            call_local!(index - (*ctx).num_imported, base);
                        }
                        _ => call_addr!(addr, base),
                    }
                }

                Op::BrI32Eq { a, b, off } => br_cmp!(a, b, off, i32, ==),
                Op::BrI32Ne { a, b, off } => br_cmp!(a, b, off, i32, !=),
                Op::BrI32LtS { a, b, off } => br_cmp!(a, b, off, i32, <),
                Op::BrI32LtU { a, b, off } => br_cmp!(a, b, off, u32, <),
                Op::BrI32GtS { a, b, off } => br_cmp!(a, b, off, i32, >),
                Op::BrI32GtU { a, b, off } => br_cmp!(a, b, off, u32, >),
                Op::BrI32LeS { a, b, off } => br_cmp!(a, b, off, i32, <=),
                Op::BrI32LeU { a, b, off } => br_cmp!(a, b, off, u32, <=),
                Op::BrI32GeS { a, b, off } => br_cmp!(a, b, off, i32, >=),
                Op::BrI32GeU { a, b, off } => br_cmp!(a, b, off, u32, >=),
                Op::BrI32EqI { a, imm, off } => br_cmp_i!(a, imm, off, i32, ==),
                Op::BrI32NeI { a, imm, off } => br_cmp_i!(a, imm, off, i32, !=),
                Op::BrI32LtSI { a, imm, off } => br_cmp_i!(a, imm, off, i32, <),
                Op::BrI32LtUI { a, imm, off } => br_cmp_i!(a, imm, off, u32, <),
                Op::BrI32GtSI { a, imm, off } => br_cmp_i!(a, imm, off, i32, >),
                Op::BrI32GtUI { a, imm, off } => br_cmp_i!(a, imm, off, u32, >),
                Op::BrI32LeSI { a, imm, off } => br_cmp_i!(a, imm, off, i32, <=),
                Op::BrI32LeUI { a, imm, off } => br_cmp_i!(a, imm, off, u32, <=),
                Op::BrI32GeSI { a, imm, off } => br_cmp_i!(a, imm, off, i32, >=),
                Op::BrI32GeUI { a, imm, off } => br_cmp_i!(a, imm, off, u32, >=),

                Op::Copy { d, s } => *fp.add(d as usize) = *fp.add(s as usize),
                Op::Const32 { d, v } => wr(fp, d, v),
                Op::ConstI64S { d, v } => wr(fp, d, v as i64),
                Op::Const64 { d, lo, hi } => wr(fp, d, (hi as u64) << 32 | lo as u64),
                Op::Select { d, a, b, c } => {
                    let v = if rd::<u32>(fp, c) != 0 {
                        *fp.add(a as usize)
                    } else {
                        *fp.add(b as usize)
                    };
                    *fp.add(d as usize) = v;
                }
                Op::GlobalGet { d, g } => *fp.add(d as usize) = *(*ctx).globals[g as usize],
                Op::GlobalSet { s, g } => *(*ctx).globals[g as usize] = *fp.add(s as usize),
                Op::RefFunc { d, func } => {
                    wr(fp, d, (*ctx).funcs[func as usize] as u64 + 1);
                }

                Op::I32Load { d, a, off } => load!(d, a, off, u32, u32),
                Op::I64Load { d, a, off } => load!(d, a, off, u64, u64),
                Op::I32Load8S { d, a, off } => load!(d, a, off, i8, i32),
                Op::I32Load8U { d, a, off } => load!(d, a, off, u8, u32),
                Op::I32Load16S { d, a, off } => load!(d, a, off, i16, i32),
                Op::I32Load16U { d, a, off } => load!(d, a, off, u16, u32),
                Op::I64Load8S { d, a, off } => load!(d, a, off, i8, i64),
                Op::I64Load8U { d, a, off } => load!(d, a, off, u8, u64),
                Op::I64Load16S { d, a, off } => load!(d, a, off, i16, i64),
                Op::I64Load16U { d, a, off } => load!(d, a, off, u16, u64),
                Op::I64Load32S { d, a, off } => load!(d, a, off, i32, i64),
                Op::I64Load32U { d, a, off } => load!(d, a, off, u32, u64),
                Op::I32Store { a, v, off } => store!(a, v, off, u32),
                Op::I64Store { a, v, off } => store!(a, v, off, u64),
                Op::I32Store8 { a, v, off } => store!(a, v, off, u8),
                Op::I32Store16 { a, v, off } => store!(a, v, off, u16),
                Op::I64Store8 { a, v, off } => store!(a, v, off, u8),
                Op::I64Store16 { a, v, off } => store!(a, v, off, u16),
                Op::I64Store32 { a, v, off } => store!(a, v, off, u32),
                Op::MemorySize { d } => wr(fp, d, (mem_len / PAGE_SIZE) as u32),
                Op::MemoryGrow { d, n } => {
                    let r = (*(*ctx).memory).grow(rd::<u32>(fp, n) as u64);
                    wr(fp, d, r as i32);
                    refresh_memory!();
                }
                Op::MemoryFill { d, v, n } => {
                    let m = &mut *(*ctx).memory;
                    m.fill(
                        rd::<u32>(fp, d) as u64,
                        rd::<u32>(fp, v) as u8,
                        rd::<u32>(fp, n) as u64,
                    )?;
                }
                Op::MemoryCopy { d, s, n } => {
                    let m = &mut *(*ctx).memory;
                    m.copy_within(
                        rd::<u32>(fp, d) as u64,
                        rd::<u32>(fp, s) as u64,
                        rd::<u32>(fp, n) as u64,
                    )?;
                }
                Op::MemoryInit { seg, d, s, n } => self.memory_init(
                    ctx,
                    seg,
                    rd::<u32>(fp, d),
                    rd::<u32>(fp, s),
                    rd::<u32>(fp, n),
                )?,
                Op::DataDrop { seg } => {
                    self.store.instances[(*ctx).addr as usize].data_dropped[seg as usize] = true;
                }

                Op::TableGet { d, t, i } => {
                    let v = (*(*ctx).tables[t as usize]).get(rd(fp, i))?;
                    wr(fp, d, v);
                }
                Op::TableSet { t, i, v } => {
                    (*(*ctx).tables[t as usize]).set(rd(fp, i), rd(fp, v))?;
                }
                Op::TableSize { d, t } => wr(fp, d, (*(*ctx).tables[t as usize]).size()),
                Op::TableGrow { d, t, v, n } => {
                    let r = (*(*ctx).tables[t as usize]).grow(rd(fp, n), rd(fp, v));
                    wr(fp, d, r);
                }
                Op::TableFill { t, i, v, n } => {
                    (*(*ctx).tables[t as usize]).fill(rd(fp, i), rd(fp, v), rd(fp, n))?;
                }
                Op::TableCopy { dt, st, d, s, n } => {
                    let (d, s, n): (u32, u32, u32) = (rd(fp, d), rd(fp, s), rd(fp, n));
                    let dst = (*ctx).tables[dt as usize];
                    let src = (*ctx).tables[st as usize];
                    if dst == src {
                        (*dst).copy_within(d, s, n)?;
                    } else {
                        let items = &(*src).elements;
                        if s as u64 + n as u64 > items.len() as u64 {
                            return Err(Trap::TableOutOfBounds);
                        }
                        (*dst).init(d, items, s, n)?;
                    }
                }
                Op::TableInit { t, seg, d, s, n } => {
                    let items = &self.store.instances[(*ctx).addr as usize].elements[seg as usize];
                    (*(*ctx).tables[t as usize]).init(rd(fp, d), items, rd(fp, s), rd(fp, n))?;
                }
                Op::ElemDrop { seg } => {
                    self.store.instances[(*ctx).addr as usize].elements[seg as usize] =
                        Box::new([]);
                }

                Op::I32Add { d, a, b } => bin!(d, a, b, i32, i32::wrapping_add),
                Op::I32Sub { d, a, b } => bin!(d, a, b, i32, i32::wrapping_sub),
                Op::I32Mul { d, a, b } => bin!(d, a, b, i32, i32::wrapping_mul),
                Op::I32DivS { d, a, b } => bin_trap!(d, a, b, i32, i32_div_s),
                Op::I32DivU { d, a, b } => bin_trap!(d, a, b, i32, i32_div_u),
                Op::I32RemS { d, a, b } => bin_trap!(d, a, b, i32, i32_rem_s),
                Op::I32RemU { d, a, b } => bin_trap!(d, a, b, i32, i32_rem_u),
                Op::I32And { d, a, b } => bin!(d, a, b, i32, |x, y| x & y),
                Op::I32Or { d, a, b } => bin!(d, a, b, i32, |x, y| x | y),
                Op::I32Xor { d, a, b } => bin!(d, a, b, i32, |x, y| x ^ y),
                Op::I32Shl { d, a, b } => bin!(d, a, b, i32, i32_shl),
                Op::I32ShrS { d, a, b } => bin!(d, a, b, i32, i32_shr_s),
                Op::I32ShrU { d, a, b } => bin!(d, a, b, i32, i32_shr_u),
                Op::I32Rotl { d, a, b } => bin!(d, a, b, i32, i32_rotl),
                Op::I32Rotr { d, a, b } => bin!(d, a, b, i32, i32_rotr),
                Op::I32Eq { d, a, b } => bin!(d, a, b, i32, |x, y| x == y),
                Op::I32Ne { d, a, b } => bin!(d, a, b, i32, |x, y| x != y),
                Op::I32LtS { d, a, b } => bin!(d, a, b, i32, |x, y| x < y),
                Op::I32LtU { d, a, b } => bin!(d, a, b, u32, |x, y| x < y),
                Op::I32GtS { d, a, b } => bin!(d, a, b, i32, |x, y| x > y),
                Op::I32GtU { d, a, b } => bin!(d, a, b, u32, |x, y| x > y),
                Op::I32LeS { d, a, b } => bin!(d, a, b, i32, |x, y| x <= y),
                Op::I32LeU { d, a, b } => bin!(d, a, b, u32, |x, y| x <= y),
                Op::I32GeS { d, a, b } => bin!(d, a, b, i32, |x, y| x >= y),
                Op::I32GeU { d, a, b } => bin!(d, a, b, u32, |x, y| x >= y),
                Op::I32AddI { d, a, imm } => bin_i!(d, a, imm, i32, i32::wrapping_add),
                Op::I32SubI { d, a, imm } => bin_i!(d, a, imm, i32, i32::wrapping_sub),
                Op::I32MulI { d, a, imm } => bin_i!(d, a, imm, i32, i32::wrapping_mul),
                Op::I32DivSI { d, a, imm } => bin_trap_i!(d, a, imm, i32, i32_div_s),
                Op::I32DivUI { d, a, imm } => bin_trap_i!(d, a, imm, i32, i32_div_u),
                Op::I32RemSI { d, a, imm } => bin_trap_i!(d, a, imm, i32, i32_rem_s),
                Op::I32RemUI { d, a, imm } => bin_trap_i!(d, a, imm, i32, i32_rem_u),
                Op::I32AndI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x & y),
                Op::I32OrI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x | y),
                Op::I32XorI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x ^ y),
                Op::I32ShlI { d, a, imm } => bin_i!(d, a, imm, i32, i32_shl),
                Op::I32ShrSI { d, a, imm } => bin_i!(d, a, imm, i32, i32_shr_s),
                Op::I32ShrUI { d, a, imm } => bin_i!(d, a, imm, i32, i32_shr_u),
                Op::I32RotlI { d, a, imm } => bin_i!(d, a, imm, i32, i32_rotl),
                Op::I32RotrI { d, a, imm } => bin_i!(d, a, imm, i32, i32_rotr),
                Op::I32EqI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x == y),
                Op::I32NeI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x != y),
                Op::I32LtSI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x < y),
                Op::I32LtUI { d, a, imm } => bin_i!(d, a, imm, u32, |x, y| x < y),
                Op::I32GtSI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x > y),
                Op::I32GtUI { d, a, imm } => bin_i!(d, a, imm, u32, |x, y| x > y),
                Op::I32LeSI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x <= y),
                Op::I32LeUI { d, a, imm } => bin_i!(d, a, imm, u32, |x, y| x <= y),
                Op::I32GeSI { d, a, imm } => bin_i!(d, a, imm, i32, |x, y| x >= y),
                Op::I32GeUI { d, a, imm } => bin_i!(d, a, imm, u32, |x, y| x >= y),
                Op::I32Eqz { d, s } => un!(d, s, u32, |x| x == 0),
                Op::I32Clz { d, s } => un!(d, s, u32, u32::leading_zeros),
                Op::I32Ctz { d, s } => un!(d, s, u32, u32::trailing_zeros),
                Op::I32Popcnt { d, s } => un!(d, s, u32, u32::count_ones),
                Op::I32Extend8S { d, s } => un!(d, s, i32, |x: i32| x as i8 as i32),
                Op::I32Extend16S { d, s } => un!(d, s, i32, |x: i32| x as i16 as i32),
                Op::I32WrapI64 { d, s } => un!(d, s, u64, |x: u64| x as u32),

                Op::I64Add { d, a, b } => bin!(d, a, b, i64, i64::wrapping_add),
                Op::I64Sub { d, a, b } => bin!(d, a, b, i64, i64::wrapping_sub),
                Op::I64Mul { d, a, b } => bin!(d, a, b, i64, i64::wrapping_mul),
                Op::I64DivS { d, a, b } => bin_trap!(d, a, b, i64, i64_div_s),
                Op::I64DivU { d, a, b } => bin_trap!(d, a, b, i64, i64_div_u),
                Op::I64RemS { d, a, b } => bin_trap!(d, a, b, i64, i64_rem_s),
                Op::I64RemU { d, a, b } => bin_trap!(d, a, b, i64, i64_rem_u),
                Op::I64And { d, a, b } => bin!(d, a, b, i64, |x, y| x & y),
                Op::I64Or { d, a, b } => bin!(d, a, b, i64, |x, y| x | y),
                Op::I64Xor { d, a, b } => bin!(d, a, b, i64, |x, y| x ^ y),
                Op::I64Shl { d, a, b } => bin!(d, a, b, i64, i64_shl),
                Op::I64ShrS { d, a, b } => bin!(d, a, b, i64, i64_shr_s),
                Op::I64ShrU { d, a, b } => bin!(d, a, b, i64, i64_shr_u),
                Op::I64Rotl { d, a, b } => bin!(d, a, b, i64, i64_rotl),
                Op::I64Rotr { d, a, b } => bin!(d, a, b, i64, i64_rotr),
                Op::I64Eq { d, a, b } => bin!(d, a, b, i64, |x, y| x == y),
                Op::I64Ne { d, a, b } => bin!(d, a, b, i64, |x, y| x != y),
                Op::I64LtS { d, a, b } => bin!(d, a, b, i64, |x, y| x < y),
                Op::I64LtU { d, a, b } => bin!(d, a, b, u64, |x, y| x < y),
                Op::I64GtS { d, a, b } => bin!(d, a, b, i64, |x, y| x > y),
                Op::I64GtU { d, a, b } => bin!(d, a, b, u64, |x, y| x > y),
                Op::I64LeS { d, a, b } => bin!(d, a, b, i64, |x, y| x <= y),
                Op::I64LeU { d, a, b } => bin!(d, a, b, u64, |x, y| x <= y),
                Op::I64GeS { d, a, b } => bin!(d, a, b, i64, |x, y| x >= y),
                Op::I64GeU { d, a, b } => bin!(d, a, b, u64, |x, y| x >= y),
                Op::I64AddI { d, a, imm } => bin_i!(d, a, imm, i64, i64::wrapping_add),
                Op::I64SubI { d, a, imm } => bin_i!(d, a, imm, i64, i64::wrapping_sub),
                Op::I64MulI { d, a, imm } => bin_i!(d, a, imm, i64, i64::wrapping_mul),
                Op::I64DivSI { d, a, imm } => bin_trap_i!(d, a, imm, i64, i64_div_s),
                Op::I64DivUI { d, a, imm } => bin_trap_i!(d, a, imm, i64, i64_div_u),
                Op::I64RemSI { d, a, imm } => bin_trap_i!(d, a, imm, i64, i64_rem_s),
                Op::I64RemUI { d, a, imm } => bin_trap_i!(d, a, imm, i64, i64_rem_u),
                Op::I64AndI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x & y),
                Op::I64OrI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x | y),
                Op::I64XorI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x ^ y),
                Op::I64ShlI { d, a, imm } => bin_i!(d, a, imm, i64, i64_shl),
                Op::I64ShrSI { d, a, imm } => bin_i!(d, a, imm, i64, i64_shr_s),
                Op::I64ShrUI { d, a, imm } => bin_i!(d, a, imm, i64, i64_shr_u),
                Op::I64RotlI { d, a, imm } => bin_i!(d, a, imm, i64, i64_rotl),
                Op::I64RotrI { d, a, imm } => bin_i!(d, a, imm, i64, i64_rotr),
                Op::I64EqI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x == y),
                Op::I64NeI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x != y),
                Op::I64LtSI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x < y),
                Op::I64LtUI { d, a, imm } => bin_i!(d, a, imm, u64, |x, y| x < y),
                Op::I64GtSI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x > y),
                Op::I64GtUI { d, a, imm } => bin_i!(d, a, imm, u64, |x, y| x > y),
                Op::I64LeSI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x <= y),
                Op::I64LeUI { d, a, imm } => bin_i!(d, a, imm, u64, |x, y| x <= y),
                Op::I64GeSI { d, a, imm } => bin_i!(d, a, imm, i64, |x, y| x >= y),
                Op::I64GeUI { d, a, imm } => bin_i!(d, a, imm, u64, |x, y| x >= y),
                Op::I64Eqz { d, s } => un!(d, s, u64, |x| x == 0),
                Op::I64Clz { d, s } => un!(d, s, u64, |x: u64| x.leading_zeros() as u64),
                Op::I64Ctz { d, s } => un!(d, s, u64, |x: u64| x.trailing_zeros() as u64),
                Op::I64Popcnt { d, s } => un!(d, s, u64, |x: u64| x.count_ones() as u64),
                Op::I64Extend8S { d, s } => un!(d, s, i64, |x: i64| x as i8 as i64),
                Op::I64Extend16S { d, s } => un!(d, s, i64, |x: i64| x as i16 as i64),
                Op::I64Extend32S { d, s } => un!(d, s, i64, |x: i64| x as i32 as i64),
                Op::I64ExtendI32S { d, s } => un!(d, s, i32, |x: i32| x as i64),
                Op::I64ExtendI32U { d, s } => un!(d, s, u32, |x: u32| x as u64),

                #[cfg(feature = "float")]
                Op::F32Add { d, a, b } => bin!(d, a, b, f32, |x, y| x + y),
                #[cfg(feature = "float")]
                Op::F32Sub { d, a, b } => bin!(d, a, b, f32, |x, y| x - y),
                #[cfg(feature = "float")]
                Op::F32Mul { d, a, b } => bin!(d, a, b, f32, |x, y| x * y),
                #[cfg(feature = "float")]
                Op::F32Div { d, a, b } => bin!(d, a, b, f32, |x, y| x / y),
                #[cfg(feature = "float")]
                Op::F32Min { d, a, b } => bin!(d, a, b, f32, f32_min),
                #[cfg(feature = "float")]
                Op::F32Max { d, a, b } => bin!(d, a, b, f32, f32_max),
                #[cfg(feature = "float")]
                Op::F32Copysign { d, a, b } => bin!(d, a, b, f32, f32::copysign),
                #[cfg(feature = "float")]
                Op::F32Eq { d, a, b } => bin!(d, a, b, f32, |x, y| x == y),
                #[cfg(feature = "float")]
                Op::F32Ne { d, a, b } => bin!(d, a, b, f32, |x, y| x != y),
                #[cfg(feature = "float")]
                Op::F32Lt { d, a, b } => bin!(d, a, b, f32, |x, y| x < y),
                #[cfg(feature = "float")]
                Op::F32Gt { d, a, b } => bin!(d, a, b, f32, |x, y| x > y),
                #[cfg(feature = "float")]
                Op::F32Le { d, a, b } => bin!(d, a, b, f32, |x, y| x <= y),
                #[cfg(feature = "float")]
                Op::F32Ge { d, a, b } => bin!(d, a, b, f32, |x, y| x >= y),
                #[cfg(feature = "float")]
                Op::F32Abs { d, s } => un!(d, s, u32, |x: u32| x & 0x7fff_ffff),
                #[cfg(feature = "float")]
                Op::F32Neg { d, s } => un!(d, s, u32, |x: u32| x ^ 0x8000_0000),
                #[cfg(feature = "float")]
                Op::F32Ceil { d, s } => un!(d, s, f32, f32_ceil),
                #[cfg(feature = "float")]
                Op::F32Floor { d, s } => un!(d, s, f32, f32_floor),
                #[cfg(feature = "float")]
                Op::F32Trunc { d, s } => un!(d, s, f32, f32_trunc),
                #[cfg(feature = "float")]
                Op::F32Nearest { d, s } => un!(d, s, f32, f32_nearest),
                #[cfg(feature = "float")]
                Op::F32Sqrt { d, s } => un!(d, s, f32, f32::sqrt),

                #[cfg(feature = "float")]
                Op::F64Add { d, a, b } => bin!(d, a, b, f64, |x, y| x + y),
                #[cfg(feature = "float")]
                Op::F64Sub { d, a, b } => bin!(d, a, b, f64, |x, y| x - y),
                #[cfg(feature = "float")]
                Op::F64Mul { d, a, b } => bin!(d, a, b, f64, |x, y| x * y),
                #[cfg(feature = "float")]
                Op::F64Div { d, a, b } => bin!(d, a, b, f64, |x, y| x / y),
                #[cfg(feature = "float")]
                Op::F64Min { d, a, b } => bin!(d, a, b, f64, f64_min),
                #[cfg(feature = "float")]
                Op::F64Max { d, a, b } => bin!(d, a, b, f64, f64_max),
                #[cfg(feature = "float")]
                Op::F64Copysign { d, a, b } => bin!(d, a, b, f64, f64::copysign),
                #[cfg(feature = "float")]
                Op::F64Eq { d, a, b } => bin!(d, a, b, f64, |x, y| x == y),
                #[cfg(feature = "float")]
                Op::F64Ne { d, a, b } => bin!(d, a, b, f64, |x, y| x != y),
                #[cfg(feature = "float")]
                Op::F64Lt { d, a, b } => bin!(d, a, b, f64, |x, y| x < y),
                #[cfg(feature = "float")]
                Op::F64Gt { d, a, b } => bin!(d, a, b, f64, |x, y| x > y),
                #[cfg(feature = "float")]
                Op::F64Le { d, a, b } => bin!(d, a, b, f64, |x, y| x <= y),
                #[cfg(feature = "float")]
                Op::F64Ge { d, a, b } => bin!(d, a, b, f64, |x, y| x >= y),
                #[cfg(feature = "float")]
                Op::F64Abs { d, s } => un!(d, s, u64, |x: u64| x & 0x7fff_ffff_ffff_ffff),
                #[cfg(feature = "float")]
                Op::F64Neg { d, s } => un!(d, s, u64, |x: u64| x ^ 0x8000_0000_0000_0000),
                #[cfg(feature = "float")]
                Op::F64Ceil { d, s } => un!(d, s, f64, f64_ceil),
                #[cfg(feature = "float")]
                Op::F64Floor { d, s } => un!(d, s, f64, f64_floor),
                #[cfg(feature = "float")]
                Op::F64Trunc { d, s } => un!(d, s, f64, f64_trunc),
                #[cfg(feature = "float")]
                Op::F64Nearest { d, s } => un!(d, s, f64, f64_nearest),
                #[cfg(feature = "float")]
                Op::F64Sqrt { d, s } => un!(d, s, f64, f64::sqrt),

                #[cfg(feature = "float")]
                Op::I32TruncF32S { d, s } => un_trap!(d, s, f32, |x: f32| i32_trunc_s(x as f64)),
                #[cfg(feature = "float")]
                Op::I32TruncF32U { d, s } => un_trap!(d, s, f32, |x: f32| i32_trunc_u(x as f64)),
                #[cfg(feature = "float")]
                Op::I32TruncF64S { d, s } => un_trap!(d, s, f64, i32_trunc_s),
                #[cfg(feature = "float")]
                Op::I32TruncF64U { d, s } => un_trap!(d, s, f64, i32_trunc_u),
                #[cfg(feature = "float")]
                Op::I64TruncF32S { d, s } => un_trap!(d, s, f32, |x: f32| i64_trunc_s(x as f64)),
                #[cfg(feature = "float")]
                Op::I64TruncF32U { d, s } => un_trap!(d, s, f32, |x: f32| i64_trunc_u(x as f64)),
                #[cfg(feature = "float")]
                Op::I64TruncF64S { d, s } => un_trap!(d, s, f64, i64_trunc_s),
                #[cfg(feature = "float")]
                Op::I64TruncF64U { d, s } => un_trap!(d, s, f64, i64_trunc_u),
                #[cfg(feature = "float")]
                Op::I32TruncSatF32S { d, s } => un!(d, s, f32, |x: f32| i32_trunc_sat_s(x as f64)),
                #[cfg(feature = "float")]
                Op::I32TruncSatF32U { d, s } => un!(d, s, f32, |x: f32| i32_trunc_sat_u(x as f64)),
                #[cfg(feature = "float")]
                Op::I32TruncSatF64S { d, s } => un!(d, s, f64, i32_trunc_sat_s),
                #[cfg(feature = "float")]
                Op::I32TruncSatF64U { d, s } => un!(d, s, f64, i32_trunc_sat_u),
                #[cfg(feature = "float")]
                Op::I64TruncSatF32S { d, s } => un!(d, s, f32, |x: f32| i64_trunc_sat_s(x as f64)),
                #[cfg(feature = "float")]
                Op::I64TruncSatF32U { d, s } => un!(d, s, f32, |x: f32| i64_trunc_sat_u(x as f64)),
                #[cfg(feature = "float")]
                Op::I64TruncSatF64S { d, s } => un!(d, s, f64, i64_trunc_sat_s),
                #[cfg(feature = "float")]
                Op::I64TruncSatF64U { d, s } => un!(d, s, f64, i64_trunc_sat_u),
                #[cfg(feature = "float")]
                Op::F32ConvertI32S { d, s } => un!(d, s, i32, |x: i32| x as f32),
                #[cfg(feature = "float")]
                Op::F32ConvertI32U { d, s } => un!(d, s, u32, |x: u32| x as f32),
                #[cfg(feature = "float")]
                Op::F32ConvertI64S { d, s } => un!(d, s, i64, |x: i64| x as f32),
                #[cfg(feature = "float")]
                Op::F32ConvertI64U { d, s } => un!(d, s, u64, |x: u64| x as f32),
                #[cfg(feature = "float")]
                Op::F64ConvertI32S { d, s } => un!(d, s, i32, |x: i32| x as f64),
                #[cfg(feature = "float")]
                Op::F64ConvertI32U { d, s } => un!(d, s, u32, |x: u32| x as f64),
                #[cfg(feature = "float")]
                Op::F64ConvertI64S { d, s } => un!(d, s, i64, |x: i64| x as f64),
                #[cfg(feature = "float")]
                Op::F64ConvertI64U { d, s } => un!(d, s, u64, |x: u64| x as f64),
                #[cfg(feature = "float")]
                Op::F32DemoteF64 { d, s } => un!(d, s, f64, |x: f64| x as f32),
                #[cfg(feature = "float")]
                Op::F64PromoteF32 { d, s } => un!(d, s, f32, |x: f32| x as f64),
            }
        }
    }

    #[cold]
    unsafe fn memory_init(
        &mut self,
        ctx: *const InstCtx,
        seg: u32,
        d: u32,
        s: u32,
        n: u32,
    ) -> Result<(), Trap> {
        let inst = &self.store.instances[(*ctx).addr as usize];
        let data: &[u8] = if inst.data_dropped[seg as usize] {
            &[]
        } else {
            &(&*(*ctx).module).datas[seg as usize].bytes
        };
        (*(*ctx).memory).init(d as u64, data, s as u64, n as u64)
    }
}
