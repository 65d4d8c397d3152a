//! The instance state in the caller's buffer: its layout, initialisation, calls, and the
//! memory and table operations the helpers perform.

use core::ffi::c_void;
use core::mem::{align_of, size_of};
use core::ptr::{self, NonNull};

use mote_core::aot::context::{VmContext, VmMemory};
use mote_core::aot::format::AotFile;
use mote_core::aot::meta::{ConstExpr, DataMode, ElemItems, ElemMode, FuncType, ImportDesc, Meta};
use mote_core::trap::HOST_TRAP_CODE;
use mote_core::types::{MAX_PAGES, PAGE_SIZE};
use mote_core::{Cell, Trap, Value};

use super::{BareError, Config, HostCall, HostFn, HostFunc, Name, TABLE_ROOM};
use crate::load::{load_into, ExecMemory, HelperTable, LoadedCode};

/// The state buffer holds u64 cells; pointers need no more.
pub(crate) const STATE_ALIGN: usize = if align_of::<Runtime<'static>>() > 8 {
    align_of::<Runtime<'static>>()
} else {
    8
};

/// One table: `size` live cells at `elems`, room for `cap`.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct TableRt {
    elems: *mut Cell,
    size: u32,
    cap: u32,
}

#[derive(Clone, Copy)]
#[repr(C)]
struct TypeInfo {
    /// Offset of the type's entry in the metadata.
    offset: u32,
    /// Index of the first structurally equal type.
    canon: u32,
}

#[derive(Clone, Copy)]
#[repr(C)]
struct ElemInfo {
    /// Metadata offset of the first item.
    items: u32,
    count: u32,
    /// Items are constant expressions (else function indices).
    exprs: u32,
}

#[derive(Clone, Copy)]
#[repr(C)]
struct DataInfo {
    offset: u32,
    len: u32,
}

/// Per-instance runtime data at the start of the state buffer; `VmContext::runtime`
/// points here. The context comes first so that its address is the runtime's.
#[repr(C)]
pub(crate) struct Runtime<'a> {
    pub(crate) ctx: VmContext,
    pub(crate) mem: VmMemory,
    /// Whether the module has a memory (`mem` then describes it).
    has_memory: bool,
    /// Largest size `memory.grow` may reach, in bytes.
    mem_limit: usize,
    code: LoadedCode<'a>,
    pub(crate) meta: Meta<'a>,
    hosts: &'a [HostFunc<'a>],
    /// The full trap when `ctx.trap == HOST_TRAP_CODE`.
    pending: Option<Trap>,
    stack_bytes: usize,
    /// Calls from the embedder in progress (more than one when a host function calls
    /// back into the instance); only the outermost sets the stack limit.
    pub(crate) depth: u32,
    globals: *mut Cell,
    global_ptrs: *mut *mut Cell,
    tables: *mut TableRt,
    types: *mut TypeInfo,
    func_types: *mut u32,
    bindings: *mut u32,
    elems: *mut ElemInfo,
    datas: *mut DataInfo,
    elem_dropped: *mut u32,
    data_dropped: *mut u32,
    pub(crate) scratch: *mut Cell,
}

/// Offsets of the arrays in the state buffer.
pub(crate) struct Layout {
    globals: usize,
    global_ptrs: usize,
    tables: usize,
    table_cells: usize,
    types: usize,
    func_types: usize,
    bindings: usize,
    elems: usize,
    datas: usize,
    elem_dropped: usize,
    data_dropped: usize,
    scratch: usize,
    pub(crate) total: usize,
}

struct Cursor(usize);

impl Cursor {
    /// Reserves `count` items of `T`; the offset of the first.
    fn take<T>(&mut self, count: usize) -> Result<usize, BareError> {
        let too_large = BareError::TooLarge("the instance state");
        let a = align_of::<T>().max(1);
        let start = self.0.checked_add(a - 1).ok_or(too_large.clone())? & !(a - 1);
        let bytes = count.checked_mul(size_of::<T>()).ok_or(too_large.clone())?;
        self.0 = start.checked_add(bytes).ok_or(too_large)?;
        Ok(start)
    }
}

/// A table's capacity: its declared maximum, but no more than `max(min, TABLE_ROOM)`.
fn table_capacity(min: u64, max: Option<u64>) -> u64 {
    let room = min.max(TABLE_ROOM);
    max.map_or(room, |m| m.min(room)).max(min)
}

impl Layout {
    pub(crate) fn of(meta: &Meta<'_>) -> Result<Layout, BareError> {
        let mut cells = 0usize;
        for t in meta.tables() {
            let t = t.map_err(BareError::Meta)?;
            let cap = usize::try_from(table_capacity(t.limits.min, t.limits.max))
                .ok()
                .filter(|&c| c <= u32::MAX as usize)
                .ok_or(BareError::TooLarge("a table"))?;
            cells = cells
                .checked_add(cap)
                .ok_or(BareError::TooLarge("the tables"))?;
        }
        let n = |v: u32| v as usize;
        let mut c = Cursor(0);
        c.take::<Runtime<'static>>(1)?;
        Ok(Layout {
            globals: c.take::<Cell>(n(meta.num_globals))?,
            global_ptrs: c.take::<*mut Cell>(n(meta.num_globals))?,
            tables: c.take::<TableRt>(n(meta.num_tables))?,
            table_cells: c.take::<Cell>(cells)?,
            types: c.take::<TypeInfo>(n(meta.num_types))?,
            func_types: c.take::<u32>(n(meta.num_funcs))?,
            bindings: c.take::<u32>(n(meta.num_imported_funcs))?,
            elems: c.take::<ElemInfo>(n(meta.num_elements))?,
            datas: c.take::<DataInfo>(n(meta.num_datas))?,
            elem_dropped: c.take::<u32>(n(meta.num_elements).div_ceil(32))?,
            data_dropped: c.take::<u32>(n(meta.num_datas).div_ceil(32))?,
            scratch: c.take::<Cell>(n(meta.max_arity))?,
            total: c.take::<u8>(0)?,
        })
    }
}

fn meta_err(e: mote_core::aot::meta::MetaError) -> BareError {
    BareError::Meta(e)
}

impl<'a> Runtime<'a> {
    /// Builds the runtime in `state` (already checked for size and alignment), links,
    /// loads the code and initialises globals, tables and memory. The start function is
    /// left to the caller.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn init(
        file: &AotFile<'a>,
        meta: &Meta<'a>,
        layout: &Layout,
        code: &'a mut dyn ExecMemory,
        state: &'a mut [u8],
        memory: &'a mut [u8],
        (mem_min, mem_max): (usize, Option<usize>),
        hosts: &'a [HostFunc<'a>],
        config: &Config,
    ) -> Result<NonNull<Runtime<'a>>, BareError> {
        state[..layout.total].fill(0);
        let base = state.as_mut_ptr();
        // SAFETY: every offset lies inside `state[..layout.total]` and is aligned for its
        // type (`Layout::of`, and the buffer start is STATE_ALIGN-aligned).
        let at = |off: usize| unsafe { base.add(off) };

        // Types: offsets and canonical ids.
        let types = at(layout.types) as *mut TypeInfo;
        let mut ntypes = 0usize;
        for (i, t) in meta.types().enumerate() {
            let (offset, ty) = t.map_err(meta_err)?;
            let mut canon = i as u32;
            for j in 0..i {
                // SAFETY: j < i < num_types, written in an earlier iteration.
                let other = unsafe { (*types.add(j)).offset };
                if meta.type_at(other as usize).map_err(meta_err)? == ty {
                    canon = j as u32;
                    break;
                }
            }
            // SAFETY: i < num_types.
            unsafe {
                *types.add(i) = TypeInfo {
                    offset: offset as u32,
                    canon,
                }
            };
            ntypes += 1;
        }
        let type_of = |ti: u32| -> Result<FuncType<'a>, BareError> {
            if ti as usize >= ntypes {
                return Err(BareError::Unsupported("a type index out of range"));
            }
            // SAFETY: ti < ntypes.
            let off = unsafe { (*types.add(ti as usize)).offset };
            meta.type_at(off as usize).map_err(meta_err)
        };

        // Function types and import bindings.
        let func_types = at(layout.func_types) as *mut u32;
        let bindings = at(layout.bindings) as *mut u32;
        let mut f = 0usize;
        for import in meta.imports() {
            let import = import.map_err(meta_err)?;
            let ImportDesc::Func(ti) = import.desc else {
                continue;
            };
            let want = type_of(ti)?;
            let host = hosts
                .iter()
                .position(|h| h.module == import.module && h.name == import.name)
                .ok_or_else(|| BareError::UnknownImport {
                    module: Name::of(import.module),
                    name: Name::of(import.name),
                })?;
            if !want.matches(hosts[host].params, hosts[host].results) {
                return Err(BareError::ImportMismatch {
                    module: Name::of(import.module),
                    name: Name::of(import.name),
                });
            }
            // SAFETY: f < num_imported_funcs ≤ num_funcs.
            unsafe {
                *func_types.add(f) = ti;
                *bindings.add(f) = host as u32;
            }
            f += 1;
        }
        for ti in meta.functions() {
            let ti = ti.map_err(meta_err)?;
            if f >= meta.num_funcs as usize {
                break;
            }
            // SAFETY: f < num_funcs.
            unsafe { *func_types.add(f) = ti };
            f += 1;
        }

        let helpers = super::helper_table();
        let loaded = load_into(file, code, &HelperTable::new(&helpers))?;

        let rt = base as *mut Runtime<'a>;
        let has_memory = meta.num_memories > 0;
        let mem_limit = if has_memory {
            let buffer = memory.len() / PAGE_SIZE as usize * PAGE_SIZE as usize;
            let pages_max = usize::try_from(MAX_PAGES * PAGE_SIZE).unwrap_or(usize::MAX);
            buffer.min(mem_max.unwrap_or(usize::MAX)).min(pages_max)
        } else {
            0
        };
        if has_memory {
            memory[..mem_min].fill(0);
        }
        // SAFETY: `rt` is the aligned start of the zeroed state buffer.
        unsafe {
            ptr::write(
                rt,
                Runtime {
                    ctx: VmContext {
                        memory: ptr::null_mut(),
                        globals: ptr::null(),
                        stack_limit: 0,
                        trap: 0,
                        helpers: ptr::null(),
                        runtime: ptr::null_mut(),
                    },
                    mem: VmMemory {
                        base: if has_memory {
                            memory.as_mut_ptr()
                        } else {
                            ptr::null_mut()
                        },
                        len: if has_memory { mem_min } else { 0 },
                    },
                    has_memory,
                    mem_limit,
                    code: loaded,
                    meta: *meta,
                    hosts,
                    pending: None,
                    stack_bytes: config.native_stack_bytes,
                    depth: 0,
                    globals: at(layout.globals) as *mut Cell,
                    global_ptrs: at(layout.global_ptrs) as *mut *mut Cell,
                    tables: at(layout.tables) as *mut TableRt,
                    types,
                    func_types,
                    bindings,
                    elems: at(layout.elems) as *mut ElemInfo,
                    datas: at(layout.datas) as *mut DataInfo,
                    elem_dropped: at(layout.elem_dropped) as *mut u32,
                    data_dropped: at(layout.data_dropped) as *mut u32,
                    scratch: at(layout.scratch) as *mut Cell,
                },
            );
            (*rt).ctx.runtime = rt as *mut c_void;
            (*rt).ctx.helpers = super::helpers::TABLE.0.as_ptr().cast();
            (*rt).ctx.globals = (*rt).global_ptrs;
            if has_memory {
                (*rt).ctx.memory = &mut (*rt).mem;
            }
            (*rt).init_globals()?;
            (*rt).init_tables(at(layout.table_cells) as *mut Cell)?;
            (*rt).init_segments()?;
            Ok(NonNull::new_unchecked(rt))
        }
    }

    fn init_globals(&mut self) -> Result<(), BareError> {
        for (i, g) in self.meta.globals().enumerate() {
            let g = g.map_err(meta_err)?;
            if i >= self.meta.num_globals as usize {
                break;
            }
            let v = self.eval(g.init);
            // SAFETY: i < num_globals.
            unsafe {
                *self.globals.add(i) = v;
                *self.global_ptrs.add(i) = self.globals.add(i);
            }
        }
        Ok(())
    }

    fn init_tables(&mut self, mut cells: *mut Cell) -> Result<(), BareError> {
        for (i, t) in self.meta.tables().enumerate() {
            let t = t.map_err(meta_err)?;
            if i >= self.meta.num_tables as usize {
                break;
            }
            // Both fit u32: checked by `Layout::of`.
            let cap = table_capacity(t.limits.min, t.limits.max) as u32;
            // SAFETY: i < num_tables; the capacities sum to the table-cell area.
            unsafe {
                *self.tables.add(i) = TableRt {
                    elems: cells,
                    size: t.limits.min as u32,
                    cap,
                };
                cells = cells.add(cap as usize);
            }
        }
        Ok(())
    }

    /// Active element and data segments in order (elements first), as in
    /// `Store::instantiate`; declared element segments are dropped.
    fn init_segments(&mut self) -> Result<(), BareError> {
        for (i, e) in self.meta.elements().enumerate() {
            let e = e.map_err(meta_err)?;
            if i >= self.meta.num_elements as usize {
                break;
            }
            let items = e.items;
            // SAFETY: i < num_elements.
            unsafe {
                *self.elems.add(i) = ElemInfo {
                    items: items.offset() as u32,
                    count: items.item_count(),
                    exprs: items.are_exprs() as u32,
                };
            }
            match e.mode {
                ElemMode::Active { table, offset } => {
                    let dst = self.eval(offset) as u32;
                    let n = items.item_count();
                    self.table_init(table, i as u32, dst, 0, n)
                        .map_err(BareError::Init)?;
                    set_bit(self.elem_dropped, i);
                }
                ElemMode::Declared => set_bit(self.elem_dropped, i),
                ElemMode::Passive => {}
            }
        }
        for (i, d) in self.meta.datas().enumerate() {
            let d = d.map_err(meta_err)?;
            if i >= self.meta.num_datas as usize {
                break;
            }
            // SAFETY: i < num_datas.
            unsafe {
                *self.datas.add(i) = DataInfo {
                    offset: d.offset as u32,
                    len: d.bytes.len() as u32,
                };
            }
            if let DataMode::Active { offset, .. } = d.mode {
                let dst = self.eval(offset) as u32;
                self.memory_init(i as u32, dst, 0, d.bytes.len() as u32)
                    .map_err(BareError::Init)?;
                set_bit(self.data_dropped, i);
            }
        }
        Ok(())
    }

    /// The cell of a constant expression (indices were checked by `Meta::parse`).
    fn eval(&self, e: ConstExpr) -> Cell {
        match e {
            ConstExpr::I32(v) => v as u32 as Cell,
            ConstExpr::I64(v) => v as Cell,
            ConstExpr::F32(v) => Cell::from(v),
            ConstExpr::F64(v) => v,
            ConstExpr::RefNull(_) => 0,
            ConstExpr::RefFunc(f) => Cell::from(f) + 1,
            ConstExpr::GlobalGet(g) if g < self.meta.num_globals => {
                // SAFETY: g < num_globals.
                unsafe { *self.globals.add(g as usize) }
            }
            ConstExpr::GlobalGet(_) => 0,
        }
    }

    pub(crate) fn func_type(&self, f: u32) -> Option<FuncType<'a>> {
        if f >= self.meta.num_funcs {
            return None;
        }
        // SAFETY: f < num_funcs; the type index was checked against num_types by the
        // metadata reader.
        let ti = unsafe { *self.func_types.add(f as usize) };
        if ti >= self.meta.num_types {
            return None;
        }
        let off = unsafe { (*self.types.add(ti as usize)).offset };
        self.meta.type_at(off as usize).ok()
    }

    pub(crate) fn global_value(&self, g: u32) -> Option<Value> {
        let ty = self.meta.globals().nth(g as usize)?.ok()?.ty.content;
        // SAFETY: the metadata has a global `g`, so g < num_globals.
        Some(Value::from_cell(ty, unsafe {
            *self.globals.add(g as usize)
        }))
    }

    // ---- memory -------------------------------------------------------------------

    fn memory_bytes(&mut self) -> Result<&mut [u8], Trap> {
        if !self.has_memory {
            return Err(Trap::MemoryOutOfBounds);
        }
        // SAFETY: `mem` describes the first `len` bytes of the borrowed memory buffer.
        Ok(unsafe { core::slice::from_raw_parts_mut(self.mem.base, self.mem.len) })
    }

    fn range(&mut self, addr: u32, len: u32) -> Result<core::ops::Range<usize>, Trap> {
        let size = self.memory_bytes()?.len() as u64;
        let end = u64::from(addr) + u64::from(len);
        if end > size {
            return Err(Trap::MemoryOutOfBounds);
        }
        Ok(addr as usize..end as usize)
    }

    /// `memory.grow`: the old size in pages, or -1.
    pub(crate) fn memory_grow(&mut self, delta: u32) -> Result<u32, Trap> {
        if !self.has_memory {
            return Err(Trap::MemoryOutOfBounds);
        }
        let page = PAGE_SIZE as usize;
        let old = self.mem.len / page;
        let new_len = (old as u64 + u64::from(delta)) * PAGE_SIZE;
        if new_len > self.mem_limit as u64 {
            return Ok(u32::MAX);
        }
        let new_len = new_len as usize;
        // SAFETY: new_len ≤ mem_limit ≤ the buffer's length.
        unsafe { ptr::write_bytes(self.mem.base.add(self.mem.len), 0, new_len - self.mem.len) };
        self.mem.len = new_len;
        Ok(old as u32)
    }

    pub(crate) fn memory_fill(&mut self, dst: u32, value: u8, len: u32) -> Result<(), Trap> {
        let r = self.range(dst, len)?;
        self.memory_bytes()?[r].fill(value);
        Ok(())
    }

    pub(crate) fn memory_copy(&mut self, dst: u32, src: u32, len: u32) -> Result<(), Trap> {
        let s = self.range(src, len)?;
        self.range(dst, len)?;
        self.memory_bytes()?.copy_within(s, dst as usize);
        Ok(())
    }

    pub(crate) fn memory_init(
        &mut self,
        seg: u32,
        dst: u32,
        src: u32,
        len: u32,
    ) -> Result<(), Trap> {
        if seg >= self.meta.num_datas {
            return Err(Trap::MemoryOutOfBounds);
        }
        // SAFETY: seg < num_datas.
        let info = unsafe { *self.datas.add(seg as usize) };
        let data: &[u8] = if get_bit(self.data_dropped, seg as usize) {
            &[]
        } else {
            let start = info.offset as usize;
            start
                .checked_add(info.len as usize)
                .and_then(|end| self.meta.bytes().get(start..end))
                .unwrap_or(&[])
        };
        let end = u64::from(src) + u64::from(len);
        if end > data.len() as u64 {
            return Err(Trap::MemoryOutOfBounds);
        }
        let r = self.range(dst, len)?;
        self.memory_bytes()?[r].copy_from_slice(&data[src as usize..end as usize]);
        Ok(())
    }

    pub(crate) fn data_drop(&mut self, seg: u32) {
        if seg < self.meta.num_datas {
            set_bit(self.data_dropped, seg as usize);
        }
    }

    // ---- tables -------------------------------------------------------------------

    fn table(&self, t: u32) -> Result<TableRt, Trap> {
        if t >= self.meta.num_tables {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: t < num_tables.
        Ok(unsafe { *self.tables.add(t as usize) })
    }

    pub(crate) fn table_get(&self, t: u32, i: u32) -> Result<Cell, Trap> {
        let tab = self.table(t)?;
        if i >= tab.size {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: i < size ≤ cap.
        Ok(unsafe { *tab.elems.add(i as usize) })
    }

    pub(crate) fn table_set(&mut self, t: u32, i: u32, v: Cell) -> Result<(), Trap> {
        let tab = self.table(t)?;
        if i >= tab.size {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: i < size ≤ cap.
        unsafe { *tab.elems.add(i as usize) = v };
        Ok(())
    }

    pub(crate) fn table_size(&self, t: u32) -> Result<u32, Trap> {
        Ok(self.table(t)?.size)
    }

    /// `table.grow`: the old size, or -1.
    pub(crate) fn table_grow(&mut self, t: u32, init: Cell, delta: u32) -> Result<u32, Trap> {
        let tab = self.table(t)?;
        let new = u64::from(tab.size) + u64::from(delta);
        if new > u64::from(tab.cap) {
            return Ok(u32::MAX);
        }
        // SAFETY: size..new ⊆ 0..cap; t < num_tables.
        unsafe {
            for k in tab.size as usize..new as usize {
                *tab.elems.add(k) = init;
            }
            (*self.tables.add(t as usize)).size = new as u32;
        }
        Ok(tab.size)
    }

    pub(crate) fn table_fill(&mut self, t: u32, i: u32, v: Cell, len: u32) -> Result<(), Trap> {
        let tab = self.table(t)?;
        let end = u64::from(i) + u64::from(len);
        if end > u64::from(tab.size) {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: i..end ⊆ 0..size.
        unsafe {
            for k in i as usize..end as usize {
                *tab.elems.add(k) = v;
            }
        }
        Ok(())
    }

    pub(crate) fn table_copy(
        &mut self,
        dt: u32,
        st: u32,
        d: u32,
        s: u32,
        n: u32,
    ) -> Result<(), Trap> {
        let dtab = self.table(dt)?;
        let stab = self.table(st)?;
        if u64::from(s) + u64::from(n) > u64::from(stab.size)
            || u64::from(d) + u64::from(n) > u64::from(dtab.size)
        {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: both ranges are inside their tables; `copy` allows overlap.
        unsafe {
            ptr::copy(
                stab.elems.add(s as usize),
                dtab.elems.add(d as usize),
                n as usize,
            )
        };
        Ok(())
    }

    /// `table.init` and active element segments: items `s..s+n` of segment `seg` to
    /// `d..d+n` of table `t`.
    pub(crate) fn table_init(
        &mut self,
        t: u32,
        seg: u32,
        d: u32,
        s: u32,
        n: u32,
    ) -> Result<(), Trap> {
        if seg >= self.meta.num_elements {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: seg < num_elements.
        let info = unsafe { *self.elems.add(seg as usize) };
        let len = if get_bit(self.elem_dropped, seg as usize) {
            0
        } else {
            info.count
        };
        let tab = self.table(t)?;
        if u64::from(s) + u64::from(n) > u64::from(len)
            || u64::from(d) + u64::from(n) > u64::from(tab.size)
        {
            return Err(Trap::TableOutOfBounds);
        }
        let items = ElemItems::at(
            self.meta.bytes(),
            info.items as usize,
            info.count,
            info.exprs != 0,
        );
        for (k, item) in items.skip(s as usize).take(n as usize).enumerate() {
            let item = item.map_err(|_| Trap::Host("malformed element segment"))?;
            let v = self.eval(item);
            // SAFETY: d + k < d + n ≤ size.
            unsafe { *tab.elems.add(d as usize + k) = v };
        }
        Ok(())
    }

    pub(crate) fn elem_drop(&mut self, seg: u32) {
        if seg < self.meta.num_elements {
            set_bit(self.elem_dropped, seg as usize);
        }
    }

    pub(crate) fn ref_func(&self, f: u32) -> Result<Cell, Trap> {
        if f >= self.meta.num_funcs {
            return Err(Trap::Host("ref.func of an unknown function"));
        }
        Ok(Cell::from(f) + 1)
    }

    /// The function a `call_indirect` reaches, after its checks.
    pub(crate) fn indirect_target(&self, t: u32, ty: u32, i: u32) -> Result<u32, Trap> {
        let tab = self.table(t)?;
        if i >= tab.size {
            return Err(Trap::UndefinedElement);
        }
        // SAFETY: i < size.
        let cell = unsafe { *tab.elems.add(i as usize) };
        if cell == 0 {
            return Err(Trap::UninitializedElement);
        }
        if ty >= self.meta.num_types {
            return Err(Trap::IndirectCallTypeMismatch);
        }
        let f = cell - 1;
        if f >= u64::from(self.meta.num_funcs) {
            return Err(Trap::UndefinedElement);
        }
        // SAFETY: f < num_funcs, ty < num_types, and function type indices were checked
        // against num_types by the metadata reader.
        let (want, have) = unsafe {
            let fty = *self.func_types.add(f as usize);
            if fty >= self.meta.num_types {
                return Err(Trap::IndirectCallTypeMismatch);
            }
            (
                (*self.types.add(ty as usize)).canon,
                (*self.types.add(fty as usize)).canon,
            )
        };
        if want != have {
            return Err(Trap::IndirectCallTypeMismatch);
        }
        Ok(f as u32)
    }
}

fn set_bit(bits: *mut u32, i: usize) {
    // SAFETY: callers pass i < the segment count the bitset was sized for.
    unsafe { *bits.add(i / 32) |= 1 << (i % 32) };
}

fn get_bit(bits: *mut u32, i: usize) -> bool {
    // SAFETY: as in `set_bit`.
    unsafe { *bits.add(i / 32) & (1 << (i % 32)) != 0 }
}

/// Records `trap` in the context (and the full trap when it has no code of its own).
///
/// # Safety
/// `rt` is a live runtime.
pub(crate) unsafe fn set_trap(rt: *mut Runtime<'_>, trap: Trap) {
    let code = trap.code();
    if code == HOST_TRAP_CODE {
        (*rt).pending = Some(trap);
    }
    (*rt).ctx.trap = code;
}

/// Reads and clears the pending trap.
unsafe fn take_trap(rt: *mut Runtime<'_>) -> Result<(), Trap> {
    let code = core::mem::replace(&mut (*rt).ctx.trap, 0);
    let pending = (*rt).pending.take();
    if code == 0 {
        return Ok(());
    }
    Err(if code == HOST_TRAP_CODE {
        pending.unwrap_or(Trap::Host("unknown host trap"))
    } else {
        Trap::from_code(code).unwrap_or(Trap::Host("unknown trap code"))
    })
}

/// A call from the embedder: the outermost one sets the stack limit below this frame;
/// runs `f` and returns its trap (the context is clean afterwards).
///
/// # Safety
/// `rt` is a live runtime; `cells` holds max(params, results) cells of `f`'s type.
#[inline(never)]
pub(crate) unsafe fn invoke(rt: *mut Runtime<'_>, f: u32, cells: *mut Cell) -> Result<(), Trap> {
    if (*rt).depth == 0 {
        let marker = 0u8;
        let sp = core::hint::black_box(&marker) as *const u8 as usize;
        (*rt).ctx.stack_limit = sp.saturating_sub((*rt).stack_bytes);
    }
    // A nested call starts while its caller is inside a host function, where no trap is
    // pending.
    (*rt).depth = (*rt).depth.saturating_add(1);
    (*rt).ctx.trap = 0;
    (*rt).pending = None;
    call_func(rt, f, cells);
    (*rt).depth -= 1;
    take_trap(rt)
}

/// Calls function `f` of the instance (host or generated code); a trap is left in the
/// context.
///
/// # Safety
/// As for [`invoke`], with the stack limit already set.
pub(crate) unsafe fn call_func(rt: *mut Runtime<'_>, f: u32, cells: *mut Cell) {
    let nimp = (*rt).meta.num_imported_funcs;
    if f < nimp {
        if let Err(t) = call_host(rt, f, cells) {
            set_trap(rt, t);
        }
        return;
    }
    let Some(entry) = (*rt).code.trampoline((f - nimp) as usize) else {
        set_trap(rt, Trap::Host("call of an unknown function"));
        return;
    };
    let entry: unsafe extern "C" fn(*mut VmContext, *mut Cell) =
        core::mem::transmute(entry as usize);
    entry(&mut (*rt).ctx, cells);
}

/// Calls the host function bound to import `f`.
///
/// # Safety
/// `rt` is a live runtime; `cells` holds max(params, results) cells of the import's type.
pub(crate) unsafe fn call_host(rt: *mut Runtime<'_>, f: u32, cells: *mut Cell) -> Result<(), Trap> {
    if f >= (*rt).meta.num_imported_funcs {
        return Err(Trap::Host("call of an unknown function"));
    }
    let binding = *(*rt).bindings.add(f as usize) as usize;
    let hosts = (*rt).hosts;
    let host = *hosts
        .get(binding)
        .ok_or(Trap::Host("call of an unknown function"))?;
    let n = host.params.len().max(host.results.len());
    let cells: &mut [Cell] = if n == 0 {
        &mut []
    } else {
        core::slice::from_raw_parts_mut(cells, n)
    };
    let mut call = HostCall {
        memory: if (*rt).has_memory {
            &mut (*rt).mem
        } else {
            ptr::null_mut()
        },
        data: host.data,
        trap: None,
        _memory: core::marker::PhantomData,
    };
    match host.func {
        HostFn::Rust(func) => func(&mut call, cells),
        HostFn::C(func) => {
            if func(&mut call, cells.as_mut_ptr(), host.data) == 0 {
                Ok(())
            } else {
                Err(call.trap.unwrap_or(Trap::Host("host function failed")))
            }
        }
    }
}
