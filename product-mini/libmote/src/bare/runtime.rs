//! The instance state in the caller's buffer: its layout, initialisation and calls, and
//! the instance as the runtime's rules and helpers (`mote_core::runtime`) reach it.

use core::ffi::c_void;
use core::mem::{align_of, size_of};
use core::ptr::{self, NonNull};

use mote_core::aot::context::{VmContext, VmMemory, VmTable};
use mote_core::aot::format::AotFile;
use mote_core::aot::meta::{FuncType, ImportDesc, Meta};
#[cfg(feature = "backtrace")]
use mote_core::backtrace::{Frame, FrameBuffer};
use mote_core::runtime::helpers::{AotRuntime, HelperFns};
use mote_core::runtime::instance::{self, eval_const, Instance, MemoryPair, SigId, TablePair};
use mote_core::runtime::{Memory, Table};
use mote_core::types::ElemMode;
use mote_core::{Cell, Trap, Value};

use super::{memory_bytes, BareError, Config, HostCall, HostFn, HostFunc, Name, TABLE_ROOM};
use mote_core::aot::format::CodeModel;
use mote_loader::{load_in_place, load_into, ExecMemory, HelperTable, LoadedCode};

/// The state buffer holds u64 cells; pointers need no more.
pub(crate) const STATE_ALIGN: usize = if align_of::<Runtime<'static>>() > 8 {
    align_of::<Runtime<'static>>()
} else {
    8
};

/// An element segment's references in the element-cell area: passive segments keep
/// their evaluated items there; a dropped (active, declared) segment has none.
#[derive(Clone, Copy)]
#[repr(C)]
struct ElemInfo {
    /// Index of the first cell.
    first: u32,
    count: u32,
}

/// Per-instance runtime data at the start of the state buffer; `VmContext::runtime`
/// points here. The context comes first so that its address is the runtime's.
#[repr(C)]
pub(crate) struct Runtime<'a> {
    pub(crate) ctx: VmContext,
    /// The memories (multi-memory), each in its own caller buffer: `num_memories`
    /// objects in the state buffer; `ctx.memory` points to the first, `ctx.memories` to
    /// `memory_ptrs`, one pointer to each.
    pub(crate) memories: *mut Memory,
    pub(crate) num_memories: u32,
    memory_ptrs: *mut *mut VmMemory,
    code: LoadedCode<'a>,
    pub(crate) meta: Meta<'a>,
    hosts: &'a [HostFunc<'a>],
    /// The full trap when `ctx.trap == HOST_TRAP_CODE`.
    pending: Option<Trap>,
    stack_bytes: usize,
    /// Calls from the embedder in progress (more than one when a host function calls
    /// back into the instance); only the outermost sets the stack limit.
    pub(crate) depth: u32,
    /// The code charges `ctx.fuel` (`feature::FUEL` in the file's header).
    pub(crate) fuel_metered: bool,
    /// The embedder set a fuel budget (`Instance::set_fuel`); `ctx.fuel` holds what is
    /// left. Unset, metered code runs with `usize::MAX` per outermost call.
    pub(crate) fuel_set: bool,
    /// The code checks `ctx.interrupt` (`feature::INTERRUPTIBLE`).
    pub(crate) interruptible: bool,
    /// The code canonicalises NaN results (`feature::DETERMINISTIC`).
    pub(crate) deterministic: bool,
    globals: *mut Cell,
    global_ptrs: *mut *mut Cell,
    tables: *mut Table,
    /// Each table's header (`ctx.tables` points here).
    table_ptrs: *mut *mut VmTable,
    /// Per type: the index of the first structurally equal type (its canonical id).
    canon: *mut u32,
    bindings: *mut u32,
    elems: *mut ElemInfo,
    elem_cells: *mut Cell,
    data_dropped: *mut u32,
    pub(crate) scratch: *mut Cell,
    /// The frames of the last trap that escaped a call (`Bare::trap_frame`), in the
    /// state buffer: no heap.
    #[cfg(feature = "backtrace")]
    pub(crate) trace: FrameBuffer<TRACE_FRAMES>,
    /// The file's name section payload (empty without one), for the trace's names.
    #[cfg(feature = "backtrace")]
    pub(crate) names: &'a [u8],
}

/// Frames a bare instance keeps of a trap's call stack (12 bytes each, in the state
/// buffer); deeper stacks are counted (`Instance::backtrace`).
#[cfg(feature = "backtrace")]
pub const TRACE_FRAMES: usize = 16;

/// Offsets of the arrays in the state buffer.
pub(crate) struct Layout {
    memories: usize,
    memory_ptrs: usize,
    globals: usize,
    global_ptrs: usize,
    tables: usize,
    table_ptrs: usize,
    table_cells: usize,
    canon: usize,
    bindings: usize,
    elems: usize,
    elem_cells: usize,
    data_dropped: usize,
    scratch: usize,
    pub(crate) total: usize,
}

struct Cursor(usize);

impl Cursor {
    /// Reserves `count` items of `T`; the offset of the first.
    fn take<T>(&mut self, count: usize) -> Result<usize, BareError> {
        self.take_bytes(count, size_of::<T>(), align_of::<T>())
    }

    /// [`Cursor::take`] for items of `size` bytes aligned to `align`: one copy of the
    /// checks for every array (firmware size).
    #[inline(never)]
    fn take_bytes(&mut self, count: usize, size: usize, align: usize) -> Result<usize, BareError> {
        let too_large = BareError::TooLarge("the instance state");
        let a = align.max(1);
        let start = self.0.checked_add(a - 1).ok_or(too_large.clone())? & !(a - 1);
        let bytes = count.checked_mul(size).ok_or(too_large.clone())?;
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
            let cap = usize::try_from(table_capacity(t.limits.min, t.limits.max))
                .ok()
                .filter(|&c| c <= u32::MAX as usize)
                .ok_or(BareError::TooLarge("a table"))?;
            cells = cells
                .checked_add(cap)
                .ok_or(BareError::TooLarge("the tables"))?;
        }
        // Only passive segments keep their references after instantiation.
        let mut passive_items = 0usize;
        for e in meta.elements() {
            if e.mode == ElemMode::Passive {
                passive_items = passive_items
                    .checked_add(e.items.item_count() as usize)
                    .ok_or(BareError::TooLarge("the element segments"))?;
            }
        }
        let n = |v: u32| v as usize;
        let mut c = Cursor(0);
        c.take::<Runtime<'static>>(1)?;
        Ok(Layout {
            memories: c.take::<Memory>(n(meta.num_memories()))?,
            memory_ptrs: c.take::<*mut VmMemory>(n(meta.num_memories()))?,
            globals: c.take::<Cell>(n(meta.num_globals()))?,
            global_ptrs: c.take::<*mut Cell>(n(meta.num_globals()))?,
            tables: c.take::<Table>(n(meta.num_tables()))?,
            table_ptrs: c.take::<*mut VmTable>(n(meta.num_tables()))?,
            table_cells: c.take::<Cell>(cells)?,
            canon: c.take::<u32>(n(meta.num_types()))?,
            bindings: c.take::<u32>(n(meta.num_imported_funcs()))?,
            elems: c.take::<ElemInfo>(n(meta.num_elements()))?,
            elem_cells: c.take::<Cell>(passive_items)?,
            data_dropped: c.take::<u32>(n(meta.num_datas()).div_ceil(32))?,
            scratch: c.take::<Cell>(n(meta.max_arity()))?,
            total: c.take::<u8>(0)?,
        })
    }
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
        memories: &mut [(NonNull<u8>, usize)],
        hosts: &'a [HostFunc<'a>],
        config: &Config,
    ) -> Result<NonNull<Runtime<'a>>, BareError> {
        state[..layout.total].fill(0);
        let base = state.as_mut_ptr();
        // SAFETY: every offset lies inside `state[..layout.total]` and is aligned for its
        // type (`Layout::of`, and the buffer start is STATE_ALIGN-aligned).
        let at = |off: usize| unsafe { base.add(off) };

        // Canonical type ids: the first structurally equal type.
        let canon = at(layout.canon) as *mut u32;
        for (i, ty) in (0u32..).zip(meta.types()) {
            let first = (0..i).find(|&j| meta.func_type(j) == Some(ty)).unwrap_or(i);
            // SAFETY: i < num_types.
            unsafe { *canon.add(i as usize) = first };
        }

        // Import bindings: imported function `k` calls `hosts[bindings[k]]`.
        let bindings = at(layout.bindings) as *mut u32;
        for import in meta.imports() {
            let ImportDesc::Func(ti) = import.desc else {
                continue;
            };
            let want = meta.func_type(ti).unwrap_or_default();
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
            // SAFETY: an imported function's index is < num_imported_funcs (checked by
            // `Meta::parse`).
            unsafe { *bindings.add(import.index as usize) = host as u32 };
        }

        // An execute-in-place file runs from its own bytes and needs no code region.
        let loaded = if file.header().code_model == CodeModel::Xip {
            load_in_place(file)?
        } else {
            let helpers = HELPERS.addresses();
            load_into(file, code, &HelperTable::new(&helpers))?
        };

        // Memory `i` in buffer `i` (checked against the requirements by the caller).
        let memory_objs = at(layout.memories) as *mut Memory;
        let memory_ptrs = at(layout.memory_ptrs) as *mut *mut VmMemory;
        for (i, (ty, &mut (buffer, len))) in meta.memories().zip(memories.iter_mut()).enumerate() {
            let need = memory_bytes(&ty).map_or(usize::MAX, |(min, _)| min);
            // SAFETY: each buffer is borrowed for 'a, as long as the instance lives, and
            // is the only one of its memory (`Instance::with_memories`).
            let m = unsafe { Memory::in_buffer(ty, buffer, len) }
                .map_err(|_| BareError::MemoryTooSmall { need, have: len })?;
            // SAFETY: i < num_memories (the zip stops there): both arrays have room.
            unsafe {
                ptr::write(memory_objs.add(i), m);
                *memory_ptrs.add(i) = memory_objs.add(i).cast();
            }
        }
        let rt = base as *mut Runtime<'a>;
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
                        // Execute-in-place code calls helpers through this table
                        // (relocated code has their addresses patched in).
                        helpers: HELPERS.0.as_ptr().cast(),
                        runtime: ptr::null_mut(),
                        memories: ptr::null(),
                        fuel: usize::MAX,
                        interrupt: &mote_core::aot::context::NO_INTERRUPT,
                        tables: ptr::null(),
                        // A reference cell is the function index + 1 (`func_ref`).
                        func_base: meta.num_imported_funcs() as usize,
                    },
                    memories: memory_objs,
                    num_memories: meta.num_memories(),
                    memory_ptrs,
                    code: loaded,
                    meta: *meta,
                    hosts,
                    pending: None,
                    stack_bytes: config.native_stack_bytes,
                    depth: 0,
                    fuel_metered: file.header().features & mote_core::aot::format::feature::FUEL
                        != 0,
                    fuel_set: false,
                    interruptible: file.header().features
                        & mote_core::aot::format::feature::INTERRUPTIBLE
                        != 0,
                    deterministic: file.header().features
                        & mote_core::aot::format::feature::DETERMINISTIC
                        != 0,
                    globals: at(layout.globals) as *mut Cell,
                    global_ptrs: at(layout.global_ptrs) as *mut *mut Cell,
                    tables: at(layout.tables) as *mut Table,
                    table_ptrs: at(layout.table_ptrs) as *mut *mut VmTable,
                    canon,
                    bindings,
                    elems: at(layout.elems) as *mut ElemInfo,
                    elem_cells: at(layout.elem_cells) as *mut Cell,
                    data_dropped: at(layout.data_dropped) as *mut u32,
                    scratch: at(layout.scratch) as *mut Cell,
                    #[cfg(feature = "backtrace")]
                    trace: FrameBuffer::default(),
                    #[cfg(feature = "backtrace")]
                    names: file.names().unwrap_or(&[]),
                },
            );
            (*rt).ctx.runtime = rt as *mut c_void;
            (*rt).ctx.helpers = HELPERS.0.as_ptr().cast();
            (*rt).ctx.globals = (*rt).global_ptrs;
            if (*rt).num_memories > 0 {
                (*rt).ctx.memory = *memory_ptrs;
                (*rt).ctx.memories = memory_ptrs;
            }
            (*rt).init_globals()?;
            (*rt).init_tables(at(layout.table_cells) as *mut Cell)?;
            (*rt).init_segments()?;
            Ok(NonNull::new_unchecked(rt))
        }
    }

    fn init_globals(&mut self) -> Result<(), BareError> {
        let meta = self.meta;
        for (i, g) in meta.globals().enumerate() {
            // Imported globals are refused before this (`check_file`); earlier globals
            // are initialised, later ones read as 0 (the reader refuses a reference to
            // them).
            let v = match g.init {
                Some(init) => eval_const(self, &meta, &init).map_err(BareError::Init)?,
                None => 0,
            };
            // SAFETY: i < num_globals.
            unsafe {
                *self.globals.add(i) = v;
                *self.global_ptrs.add(i) = self.globals.add(i);
            }
        }
        Ok(())
    }

    fn init_tables(&mut self, mut cells: *mut Cell) -> Result<(), BareError> {
        for (i, ty) in self.meta.tables().enumerate() {
            // Fits u32: checked by `Layout::of`.
            let cap = table_capacity(ty.limits.min, ty.limits.max) as u32;
            // SAFETY: i < num_tables; the capacities sum to the table-cell area, which
            // the instance borrows for 'a.
            unsafe {
                let table = Table::in_buffer(ty, NonNull::new_unchecked(cells), cap)
                    .map_err(BareError::Init)?;
                ptr::write(self.tables.add(i), table);
                // A `Table` starts with its `VmTable` header.
                *self.table_ptrs.add(i) = self.tables.add(i) as *mut VmTable;
                cells = cells.add(cap as usize);
            }
        }
        if self.meta.num_tables() > 0 {
            self.ctx.tables = self.table_ptrs;
        }
        Ok(())
    }

    /// Keeps passive element segments' references, then applies the active segments
    /// (`instance::initialize`).
    fn init_segments(&mut self) -> Result<(), BareError> {
        let meta = self.meta;
        let mut next = 0u32;
        for (i, e) in meta.elements().enumerate() {
            let mut info = ElemInfo {
                first: next,
                count: 0,
            };
            if e.mode == ElemMode::Passive {
                for item in e.items {
                    let cell = eval_const(self, &meta, &item).map_err(BareError::Init)?;
                    // SAFETY: Σ passive item counts cells were laid out (`Layout::of`).
                    unsafe { *self.elem_cells.add((next + info.count) as usize) = cell };
                    info.count += 1;
                }
                next += info.count;
            }
            // SAFETY: i < num_elements.
            unsafe { *self.elems.add(i) = info };
        }
        instance::initialize(self, &meta).map_err(BareError::Init)
    }

    pub(crate) fn func_type(&self, f: u32) -> Option<FuncType<'a>> {
        self.meta.func_type_of(f)
    }

    pub(crate) fn global_value(&self, g: u32) -> Option<Value> {
        let ty = self.meta.global(g)?.ty.content;
        // SAFETY: the metadata has a global `g`, so g < num_globals.
        Some(Value::from_cell(ty, unsafe {
            *self.globals.add(g as usize)
        }))
    }
}

/// The canonical signature of type `ti`, if it exists.
fn canon(rt: &Runtime<'_>, ti: u32) -> Option<SigId> {
    // SAFETY: checked against num_types.
    (ti < rt.meta.num_types()).then(|| unsafe { *rt.canon.add(ti as usize) })
}

impl Instance for Runtime<'_> {
    fn memory(&mut self, index: u32) -> Result<&mut Memory, Trap> {
        if index >= self.num_memories {
            return Err(Trap::MemoryOutOfBounds);
        }
        // SAFETY: index < num_memories, initialised by `init`.
        Ok(unsafe { &mut *self.memories.add(index as usize) })
    }

    fn memory_pair(&mut self, dst: u32, src: u32) -> Result<MemoryPair<'_>, Trap> {
        if dst >= self.num_memories || src >= self.num_memories {
            return Err(Trap::MemoryOutOfBounds);
        }
        // SAFETY: both < num_memories; distinct indices are distinct memories (no
        // imports in this runtime).
        unsafe {
            if dst == src {
                return Ok(MemoryPair::Same(&mut *self.memories.add(dst as usize)));
            }
            Ok(MemoryPair::Distinct(
                &mut *self.memories.add(dst as usize),
                &*self.memories.add(src as usize),
            ))
        }
    }

    fn table(&mut self, index: u32) -> Result<&mut Table, Trap> {
        if index >= self.meta.num_tables() {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: index < num_tables, initialised by `init_tables`.
        Ok(unsafe { &mut *self.tables.add(index as usize) })
    }

    fn table_pair(&mut self, dst: u32, src: u32) -> Result<TablePair<'_>, Trap> {
        let n = self.meta.num_tables();
        if dst >= n || src >= n {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: both < num_tables; distinct indices are distinct tables (no imports).
        unsafe {
            if dst == src {
                return Ok(TablePair::Same(&mut *self.tables.add(dst as usize)));
            }
            Ok(TablePair::Distinct(
                &mut *self.tables.add(dst as usize),
                &*self.tables.add(src as usize),
            ))
        }
    }

    fn memory_and_data(&mut self, memory: u32, segment: u32) -> Result<(&mut Memory, &[u8]), Trap> {
        let Some(segment_data) = self.meta.data(segment) else {
            return Err(Trap::MemoryOutOfBounds);
        };
        let data: &[u8] = if get_bit(self.data_dropped, segment as usize) {
            &[]
        } else {
            segment_data.bytes
        };
        Ok((self.memory(memory)?, data))
    }

    fn table_and_elements(
        &mut self,
        table: u32,
        segment: u32,
    ) -> Result<(&mut Table, &[Cell]), Trap> {
        if segment >= self.meta.num_elements() {
            return Err(Trap::TableOutOfBounds);
        }
        // SAFETY: segment < num_elements; its cells lie in the element-cell area, apart
        // from the tables.
        let items = unsafe {
            let info = *self.elems.add(segment as usize);
            core::slice::from_raw_parts(
                self.elem_cells.add(info.first as usize),
                info.count as usize,
            )
        };
        Ok((self.table(table)?, items))
    }

    fn drop_data(&mut self, segment: u32) {
        if segment < self.meta.num_datas() {
            set_bit(self.data_dropped, segment as usize);
        }
    }

    fn drop_elements(&mut self, segment: u32) {
        if segment < self.meta.num_elements() {
            // SAFETY: segment < num_elements.
            unsafe { (*self.elems.add(segment as usize)).count = 0 };
        }
    }

    fn global(&self, index: u32) -> Result<Cell, Trap> {
        if index >= self.meta.num_globals() {
            return Err(Trap::Host("global.get of an unknown global"));
        }
        // SAFETY: index < num_globals.
        Ok(unsafe { *self.globals.add(index as usize) })
    }

    fn func_ref(&self, index: u32) -> Result<Cell, Trap> {
        if index >= self.meta.num_funcs() {
            return Err(Trap::Host("ref.func of an unknown function"));
        }
        Ok(Cell::from(index) + 1)
    }

    fn type_sig(&self, index: u32) -> Option<SigId> {
        canon(self, index)
    }

    fn ref_sig(&self, cell: Cell) -> Option<SigId> {
        let f = u32::try_from(cell.checked_sub(1)?).ok()?;
        canon(self, self.meta.func_type_index(f)?)
    }
}

/// The no-heap runtime as the AOT helpers reach it.
pub(crate) struct Bare;

/// The helpers of every bare instance (`VmContext::helpers`, and what calls are
/// relocated against).
static HELPERS: HelperFns = HelperFns::of::<Bare>();

// SAFETY: `VmContext::runtime` of a bare instance points at its `Runtime`, set before
// any generated code runs (`Runtime::init`).
unsafe impl AotRuntime for Bare {
    type Instance<'a> = Runtime<'static>;

    unsafe fn with_instance<R>(
        ctx: *mut VmContext,
        f: impl FnOnce(&mut Runtime<'static>) -> R,
    ) -> R {
        // SAFETY: the trait's contract; the runtime outlives the call.
        f(unsafe { &mut *((*ctx).runtime as *mut Runtime<'static>) })
    }

    unsafe fn set_trap(ctx: *mut VmContext, trap: Trap) {
        // SAFETY: as above.
        unsafe { set_trap((*ctx).runtime as *mut Runtime<'static>, trap) }
    }

    unsafe fn call_func(ctx: *mut VmContext, index: u32, cells: *mut Cell) -> Result<(), Trap> {
        // SAFETY: as above; the generated caller passes cells of the callee's type. A
        // trap is left in the context by `call_func`.
        unsafe { call_func((*ctx).runtime as *mut Runtime<'static>, index, cells) };
        Ok(())
    }

    unsafe fn call_ref(ctx: *mut VmContext, cell: Cell, cells: *mut Cell) -> Result<(), Trap> {
        let index = u32::try_from(cell - 1).map_err(|_| Trap::UndefinedElement)?;
        // SAFETY: the trait's contract.
        unsafe { Self::call_func(ctx, index, cells) }
    }

    unsafe fn defined_callee(ctx: *mut VmContext, cell: Cell) -> Option<u32> {
        // One instance per runtime: every function reference is one of its functions.
        let index = u32::try_from(cell.checked_sub(1)?).ok()?;
        // SAFETY: the trait's contract.
        let nimp = unsafe {
            (*((*ctx).runtime as *mut Runtime<'static>))
                .meta
                .num_imported_funcs()
        };
        index.checked_sub(nimp)
    }

    unsafe fn trap_frame(ctx: *mut VmContext, func_index: u32, wasm_offset: Option<u32>) {
        #[cfg(feature = "backtrace")]
        // SAFETY: the trait's contract; nothing else borrows the runtime meanwhile.
        unsafe {
            (*((*ctx).runtime as *mut Runtime<'static>))
                .trace
                .push(Frame {
                    func_index,
                    wasm_offset,
                })
        };
        #[cfg(not(feature = "backtrace"))]
        let _ = (ctx, func_index, wasm_offset);
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

/// Records `trap` for the embedder's call in progress (`VmContext::raise`).
///
/// # Safety
/// `rt` is a live runtime.
pub(crate) unsafe fn set_trap(rt: *mut Runtime<'_>, trap: Trap) {
    // SAFETY: the caller's contract; nothing else borrows the runtime during this call.
    let rt = unsafe { &mut *rt };
    rt.ctx.raise(trap, &mut rt.pending);
}

/// A call from the embedder: the outermost one sets the stack limit below this frame;
/// runs `f` and returns its trap (the context is clean afterwards).
///
/// # Safety
/// `rt` is a live runtime; `cells` holds max(params, results) cells of `f`'s type.
#[inline(never)]
pub(crate) unsafe fn invoke(rt: *mut Runtime<'_>, f: u32, cells: *mut Cell) -> Result<(), Trap> {
    // SAFETY: the caller's contract. No reference to the runtime is held across
    // `call_func`, which re-enters it through the context.
    unsafe {
        if (*rt).fuel_set && !(*rt).fuel_metered {
            return Err(Trap::Host(
                "fuel is set but the .aot code does not meter it: compile it with `aotc --fuel`",
            ));
        }
        let watched = !ptr::eq((*rt).ctx.interrupt, &mote_core::aot::context::NO_INTERRUPT);
        if watched && !(*rt).interruptible {
            return Err(Trap::Host(
                "interrupts are on but the .aot code does not check for them: compile it with `aotc --interruptible`",
            ));
        }
        if (*rt).depth == 0 {
            #[cfg(feature = "backtrace")]
            (*rt).trace.clear();
            if !(*rt).fuel_set {
                (*rt).ctx.fuel = usize::MAX;
            }
            let marker = 0u8;
            let sp = core::hint::black_box(&marker) as *const u8 as usize;
            (*rt).ctx.stack_limit = sp.saturating_sub((*rt).stack_bytes);
        }
        // A nested call starts while its caller is inside a host function, where no trap
        // is pending.
        (*rt).depth = (*rt).depth.saturating_add(1);
        (*rt).ctx.trap = 0;
        (*rt).pending = None;
        #[cfg(feature = "backtrace")]
        let trace_depth = (*rt).trace.depth();
        call_func(rt, f, cells);
        (*rt).depth -= 1;
        let rt = &mut *rt;
        let result = rt.ctx.take_trap(&mut rt.pending);
        // Only a trap that escapes keeps its frames (not an exit request, nor a nested
        // call's trap a host function handled).
        #[cfg(feature = "backtrace")]
        if !matches!(result, Err(trap) if !matches!(trap, Trap::Exit(_))) {
            rt.trace.truncate(trace_depth);
        }
        if result == Err(Trap::Interrupted) {
            // Handled: the next call runs (`Instance::set_interrupt_flag`).
            (*rt.ctx.interrupt).store(0, core::sync::atomic::Ordering::Relaxed);
        }
        result
    }
}

/// Calls function `f` of the instance (host or generated code); a trap is left in the
/// context.
///
/// # Safety
/// As for [`invoke`], with the stack limit already set.
pub(crate) unsafe fn call_func(rt: *mut Runtime<'_>, f: u32, cells: *mut Cell) {
    // SAFETY: the caller's contract. A trampoline of the loaded code has exactly this
    // signature (the `.aot` format's entry ABI) and takes the instance's own context.
    unsafe {
        let nimp = (*rt).meta.num_imported_funcs();
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
}

/// Calls the host function bound to import `f`.
///
/// # Safety
/// `rt` is a live runtime; `cells` holds max(params, results) cells of the import's type.
pub(crate) unsafe fn call_host(rt: *mut Runtime<'_>, f: u32, cells: *mut Cell) -> Result<(), Trap> {
    // SAFETY: `rt` is live (the caller's contract); `bindings` holds one entry per
    // imported function, and `f` is one.
    let (binding, hosts, memory) = unsafe {
        if f >= (*rt).meta.num_imported_funcs() {
            return Err(Trap::Host("call of an unknown function"));
        }
        let binding = *(*rt).bindings.add(f as usize) as usize;
        (binding, (*rt).hosts, (*rt).ctx.memory)
    };
    let host = *hosts
        .get(binding)
        .ok_or(Trap::Host("call of an unknown function"))?;
    let n = host.params.len().max(host.results.len());
    let cells: &mut [Cell] = if n == 0 {
        &mut []
    } else {
        // SAFETY: `cells` holds max(params, results) cells (the caller's contract).
        unsafe { core::slice::from_raw_parts_mut(cells, n) }
    };
    let mut call = HostCall {
        memory,
        data: host.data,
        trap: None,
        _memory: core::marker::PhantomData,
    };
    match host.func {
        HostFn::Rust(func) => func(&mut call, cells),
        HostFn::C(func) => {
            // SAFETY: the embedder registered `func` for this import's type; `cells`
            // holds max(params, results) cells of it.
            if unsafe { func(&mut call, cells.as_mut_ptr(), host.data) } == 0 {
                Ok(())
            } else {
                Err(call.trap.unwrap_or(Trap::Host("host function failed")))
            }
        }
    }
}
