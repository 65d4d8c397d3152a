//! A tiny test-only runtime for x86_64 `AotObject`s: maps text + rodata, applies the
//! relocation records with `mote_loader::reloc::apply` (veneers for far helpers), builds a
//! `VmContext` with linear memory, globals and table 0, provides the runtime helpers, and
//! calls functions through their trampolines. The interpreter is the reference.
#![allow(dead_code)]

use std::sync::Arc;

use mote_aotc::{compile, Options};
use mote_core::aot::context::{VmContext, VmMemory};
use mote_core::aot::helpers::Helper;
use mote_core::aot::object::{AotObject, BoundsChecks};
use mote_core::aot::reloc::{Arch, RelocSection, SymbolKind};
use mote_core::module::{ConstExpr, DataMode, ElementMode};
use mote_core::runtime::{Extern, InvokeError, Linker, Store};
use mote_core::{Module, Trap, ValType, Value};
use mote_interp::Interpreter;
use mote_loader::reloc::{apply, veneer_size, write_veneer, RelocError};

pub fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("wat")
}

/// One interpreter instance (the reference).
pub struct Interp {
    store: Store,
    exec: Interpreter,
    inst: mote_core::runtime::InstanceAddr,
}

impl Interp {
    pub fn new(wasm: &[u8]) -> Interp {
        let mut store = Store::new();
        let mut exec = Interpreter::new();
        let m = Arc::new(Module::new(wasm).unwrap());
        let inst = Linker::new().instantiate(&mut store, m, &mut exec).unwrap();
        Interp { store, exec, inst }
    }

    /// Runs `name`; `Ok(values)` or `Err(trap message)`.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
        let Some(Extern::Func(f)) = self.store.export(self.inst, name) else {
            panic!("no export {name}")
        };
        self.store
            .invoke(&mut self.exec, f, args)
            .map_err(|e| match e {
                InvokeError::Trap(t) => t.message().to_string(),
                other => other.to_string(),
            })
    }
}

struct Region {
    ptr: *mut u8,
    len: usize,
}

impl Drop for Region {
    fn drop(&mut self) {
        unsafe {
            libc::munmap(self.ptr.cast(), self.len);
        }
    }
}

type Tramp = unsafe extern "C" fn(*mut VmContext, *mut u64);

pub struct Instance {
    _region: Region,
    text: *const u8,
    obj: AotObject,
    module: Module,
    memory: Vec<u8>,
    max_pages: u64,
    vmmem: Box<VmMemory>,
    cells: Vec<u64>,
    global_ptrs: Vec<*mut u64>,
    table: Vec<u64>,
    ctx: Box<VmContext>,
    /// `env.inc` import calls seen.
    pub import_calls: u32,
}

fn align(v: usize, a: usize) -> usize {
    v.div_ceil(a) * a
}

fn helper_addr(h: Helper) -> u64 {
    (match h {
        Helper::MemoryGrow => h_memory_grow as *const () as usize,
        Helper::MemoryFill => h_memory_fill as *const () as usize,
        Helper::MemoryCopy => h_memory_copy as *const () as usize,
        Helper::CallImport => h_call_import as *const () as usize,
        Helper::CallIndirect => h_call_indirect as *const () as usize,
        Helper::RefFunc => h_ref_func as *const () as usize,
        Helper::TableGet => h_table_get as *const () as usize,
        Helper::TableSet => h_table_set as *const () as usize,
        Helper::TableSize => h_table_size as *const () as usize,
        Helper::RaiseTrap => h_raise as *const () as usize,
        _ => h_unimplemented as *const () as usize,
    }) as u64
}

fn const_cell(e: &ConstExpr) -> u64 {
    match *e {
        ConstExpr::I32(v) => v as u32 as u64,
        ConstExpr::I64(v) => v as u64,
        ConstExpr::F32(b) => b as u64,
        ConstExpr::F64(b) => b,
        ConstExpr::RefNull(_) => 0,
        ConstExpr::RefFunc(f) => f as u64 + 1,
        other => panic!("const expr {other:?} not supported by the test runtime"),
    }
}

impl Instance {
    pub fn new(wasm: &[u8], opts: &Options) -> Box<Instance> {
        let module = Module::new(wasm).unwrap();
        let obj = compile(&module, wasm, opts).unwrap_or_else(|e| panic!("compile: {e}"));
        Self::from_object(module, obj)
    }

    pub fn from_object(module: Module, obj: AotObject) -> Box<Instance> {
        assert_eq!(obj.arch, Arch::X86_64);
        // Metadata re-validates.
        Module::new(&obj.metadata).expect("metadata validates");
        let ro_off = align(obj.text.len(), 16);
        let ven_off = align(ro_off + obj.rodata.len(), 16);
        let vsz = veneer_size(Arch::X86_64);
        let len = align(ven_off + obj.relocs.len() * vsz + 16, 4096);
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(ptr, libc::MAP_FAILED);
        let region = Region {
            ptr: ptr.cast(),
            len,
        };
        let buf = unsafe { std::slice::from_raw_parts_mut(region.ptr, len) };
        buf[..obj.text.len()].copy_from_slice(&obj.text);
        buf[ro_off..ro_off + obj.rodata.len()].copy_from_slice(&obj.rodata);
        let base = region.ptr as u64;
        let mut next_veneer = ven_off;
        for r in &obj.relocs {
            let sec_off = match r.section {
                RelocSection::Text => 0,
                RelocSection::RoData => ro_off,
                RelocSection::Got => panic!("GOT records not expected"),
            };
            let s = match r.symbol_kind {
                SymbolKind::Function => base + obj.funcs[r.symbol_index as usize].native as u64,
                SymbolKind::SectionBase => {
                    match RelocSection::from_u8(r.symbol_index as u8).unwrap() {
                        RelocSection::Text => base,
                        RelocSection::RoData => base + ro_off as u64,
                        RelocSection::Got => panic!("GOT"),
                    }
                }
                SymbolKind::Helper => helper_addr(Helper::from_u32(r.symbol_index).unwrap()),
            };
            let off = sec_off + r.offset as usize;
            let p = base + off as u64;
            match apply(r.kind, buf, off, p, s, r.addend) {
                Ok(()) => {}
                Err(RelocError::OutOfRange) if r.kind.veneer_ok() => {
                    write_veneer(Arch::X86_64, &mut buf[next_veneer..], s).unwrap();
                    let v = base + next_veneer as u64;
                    next_veneer += vsz;
                    apply(r.kind, buf, off, p, v, r.addend).unwrap();
                }
                Err(e) => panic!("relocation {r:?}: {e:?}"),
            }
        }
        unsafe {
            assert_eq!(
                libc::mprotect(region.ptr.cast(), len, libc::PROT_READ | libc::PROT_EXEC),
                0
            );
        }

        // Memory 0, data segments.
        let (pages, max_pages) = module
            .memories
            .first()
            .map(|m| (m.limits.min, m.limits.max.unwrap_or(65536)))
            .unwrap_or((0, 0));
        let mut memory = vec![0u8; (pages as usize) * 65536];
        for d in &module.datas {
            if let DataMode::Active { offset, .. } = &d.mode {
                let o = const_cell(offset) as usize;
                memory[o..o + d.bytes.len()].copy_from_slice(&d.bytes);
            }
        }
        // Never resized after this: the context points into it.
        let mut cells: Vec<u64> = module.global_inits.iter().map(const_cell).collect();
        let global_ptrs: Vec<*mut u64> = cells.iter_mut().map(|c| c as *mut u64).collect();
        let mut table = vec![
            0u64;
            module
                .tables
                .first()
                .map(|t| t.limits.min as usize)
                .unwrap_or(0)
        ];
        for e in &module.elements {
            if let ElementMode::Active { offset, .. } = &e.mode {
                let o = const_cell(offset) as usize;
                for (j, it) in e.items.iter().enumerate() {
                    table[o + j] = const_cell(it);
                }
            }
        }
        let mut inst = Box::new(Instance {
            text: region.ptr,
            _region: region,
            obj,
            module,
            memory,
            max_pages,
            vmmem: Box::new(VmMemory {
                base: std::ptr::null_mut(),
                len: 0,
            }),
            cells,
            global_ptrs,
            table,
            ctx: Box::new(VmContext {
                memory: std::ptr::null_mut(),
                globals: std::ptr::null(),
                stack_limit: 0,
                trap: 0,
                helpers: std::ptr::null(),
                runtime: std::ptr::null_mut(),
            }),
            import_calls: 0,
        });
        inst.vmmem.base = inst.memory.as_mut_ptr();
        inst.vmmem.len = inst.memory.len();
        inst.ctx.memory = &mut *inst.vmmem;
        inst.ctx.globals = inst.global_ptrs.as_ptr();
        let me: *mut Instance = &mut *inst;
        inst.ctx.runtime = me.cast();
        inst
    }

    fn tramp(&self, defined: usize) -> Tramp {
        unsafe { std::mem::transmute(self.text.add(self.obj.funcs[defined].trampoline as usize)) }
    }

    pub fn global_cell(&self, i: usize) -> u64 {
        self.cells[i]
    }

    /// Calls export `name`; traps come back as their message.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
        let fi = self
            .module
            .export(name)
            .unwrap_or_else(|| panic!("no export {name}"))
            .index;
        let d = (fi - self.module.num_imported_funcs) as usize;
        let ty = self.module.func_type(fi).clone();
        let mut cells = vec![0u64; ty.params.len().max(ty.results.len()).max(1)];
        for (c, a) in cells.iter_mut().zip(args) {
            *c = a.to_cell();
        }
        let marker = 0u8;
        let sp = &marker as *const u8 as usize;
        // Tests run on threads with at least 2 MiB of stack; leave room for Rust frames.
        self.ctx.stack_limit = sp - 1536 * 1024;
        self.ctx.trap = 0;
        let t = self.tramp(d);
        unsafe { t(&mut *self.ctx, cells.as_mut_ptr()) };
        if self.ctx.trap != 0 {
            return Err(Trap::from_code(self.ctx.trap)
                .map(|t| t.message().to_string())
                .unwrap_or_else(|| format!("trap code {}", self.ctx.trap)));
        }
        Ok(ty
            .results
            .iter()
            .zip(&cells)
            .map(|(t, c)| Value::from_cell(*t, *c))
            .collect())
    }
}

unsafe fn inst<'a>(ctx: *mut VmContext) -> &'a mut Instance {
    &mut *((*ctx).runtime as *mut Instance)
}

fn set_trap(ctx: *mut VmContext, t: Trap) {
    unsafe { (*ctx).trap = t.code() }
}

extern "C" fn h_memory_grow(ctx: *mut VmContext, delta: i32) -> i32 {
    let i = unsafe { inst(ctx) };
    let old = (i.memory.len() / 65536) as u64;
    let new = old + delta as u32 as u64;
    if new > i.max_pages {
        return -1;
    }
    i.memory.resize(new as usize * 65536, 0);
    i.vmmem.base = i.memory.as_mut_ptr();
    i.vmmem.len = i.memory.len();
    old as i32
}

extern "C" fn h_memory_fill(ctx: *mut VmContext, d: i32, v: i32, n: i32) {
    let i = unsafe { inst(ctx) };
    let (d, n) = (d as u32 as usize, n as u32 as usize);
    if d + n > i.memory.len() {
        return set_trap(ctx, Trap::MemoryOutOfBounds);
    }
    i.memory[d..d + n].fill(v as u8);
}

extern "C" fn h_memory_copy(ctx: *mut VmContext, d: i32, s: i32, n: i32) {
    let i = unsafe { inst(ctx) };
    let (d, s, n) = (d as u32 as usize, s as u32 as usize, n as u32 as usize);
    if d + n > i.memory.len() || s + n > i.memory.len() {
        return set_trap(ctx, Trap::MemoryOutOfBounds);
    }
    i.memory.copy_within(s..s + n, d);
}

/// `env.inc`: i32 -> i32, adds one.
extern "C" fn h_call_import(ctx: *mut VmContext, _func: i32, cells: *mut u64) {
    let i = unsafe { inst(ctx) };
    i.import_calls += 1;
    unsafe {
        *cells = (*cells as u32).wrapping_add(1) as u64;
    }
}

extern "C" fn h_call_indirect(
    ctx: *mut VmContext,
    _table: i32,
    ty: i32,
    elem: i32,
    cells: *mut u64,
) {
    let i = unsafe { inst(ctx) };
    let Some(&r) = i.table.get(elem as u32 as usize) else {
        return set_trap(ctx, Trap::UndefinedElement);
    };
    if r == 0 {
        return set_trap(ctx, Trap::UninitializedElement);
    }
    let fi = (r - 1) as u32;
    if i.module.func_type(fi) != &i.module.types[ty as usize] {
        return set_trap(ctx, Trap::IndirectCallTypeMismatch);
    }
    let d = (fi - i.module.num_imported_funcs) as usize;
    let t = i.tramp(d);
    unsafe { t(ctx, cells) };
}

extern "C" fn h_ref_func(_ctx: *mut VmContext, f: i32) -> i64 {
    f as i64 + 1
}

extern "C" fn h_table_get(ctx: *mut VmContext, _t: i32, idx: i32) -> i64 {
    let i = unsafe { inst(ctx) };
    match i.table.get(idx as u32 as usize) {
        Some(v) => *v as i64,
        None => {
            set_trap(ctx, Trap::TableOutOfBounds);
            0
        }
    }
}

extern "C" fn h_table_set(ctx: *mut VmContext, _t: i32, idx: i32, v: i64) {
    let i = unsafe { inst(ctx) };
    match i.table.get_mut(idx as u32 as usize) {
        Some(s) => *s = v as u64,
        None => set_trap(ctx, Trap::TableOutOfBounds),
    }
}

extern "C" fn h_table_size(ctx: *mut VmContext, _t: i32) -> i32 {
    unsafe { inst(ctx) }.table.len() as i32
}

extern "C" fn h_raise(ctx: *mut VmContext, code: i32) {
    unsafe { (*ctx).trap = code as usize }
}

extern "C" fn h_unimplemented(ctx: *mut VmContext) {
    unsafe { (*ctx).trap = 255 }
}

/// Options for the native tests: x86_64, explicit checks (the test runtime has no guard
/// reservation), `-O3`.
pub fn x86_opts(native_rounding: bool) -> Options {
    let mut o = Options::new(Arch::X86_64);
    o.bounds_checks = BoundsChecks::Explicit;
    if native_rounding {
        o.cpu_features = Some("+sse4.1".into());
    }
    o
}

/// Values equal, with any NaN equal to any NaN of the same type.
pub fn same(a: &Result<Vec<Value>, String>, b: &Result<Vec<Value>, String>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).all(|(p, q)| match (p, q) {
                    (Value::F32(p), Value::F32(q)) => {
                        p == q || (f32::from_bits(*p).is_nan() && f32::from_bits(*q).is_nan())
                    }
                    (Value::F64(p), Value::F64(q)) => {
                        p == q || (f64::from_bits(*p).is_nan() && f64::from_bits(*q).is_nan())
                    }
                    _ => p == q,
                })
        }
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

pub fn args_for(params: &[ValType], seed: &[u64]) -> Vec<Value> {
    params
        .iter()
        .zip(seed)
        .map(|(t, c)| Value::from_cell(*t, *c))
        .collect()
}
