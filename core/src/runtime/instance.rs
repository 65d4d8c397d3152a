//! The instance rules: what the Wasm spec says an instance does beyond a single memory or
//! table object — `memory.init`/`data.drop`, `table.init`/`elem.drop`, `table.copy`
//! between tables, `ref.func`, the checks of `call_indirect`, constant expressions,
//! and segment initialisation at instantiation.
//!
//! They are written once, generic over where an instance lives ([`Instance`]): the
//! hosted store (`store::StoreInstance`, used by the interpreter and hosted AOT) or the
//! caller's buffers (`bare::Runtime`, no heap). The AOT helpers (`helpers`) and the
//! interpreter's handlers call these functions, so every engine traps, grows and copies
//! identically because it runs the same code.

use crate::runtime::{Memory, Table};
use crate::trap::Trap;
use crate::types::{ConstExpr, DataMode, ElemMode};
use crate::value::Cell;

/// Interned function type: structurally equal signatures have equal ids within one
/// store (or one bare instance), so `call_indirect` compares one integer.
pub type SigId = u32;

/// One instance, as the rules reach it. Indices are the module's own (imports first);
/// validated code never names an entity that does not exist, so a missing one is only
/// reported (as the trap the access would give), never assumed away.
pub trait Instance {
    /// Memory `index`.
    fn memory(&mut self, index: u32) -> Result<&mut Memory, Trap>;
    /// Table `index`.
    fn table(&mut self, index: u32) -> Result<&mut Table, Trap>;
    /// Tables `dst` and `src` at once (two indices may name one imported table).
    fn table_pair(&mut self, dst: u32, src: u32) -> Result<TablePair<'_>, Trap>;
    /// Memories `dst` and `src` at once (two indices may name one imported memory).
    fn memory_pair(&mut self, dst: u32, src: u32) -> Result<MemoryPair<'_>, Trap>;
    /// Memory `memory` and the bytes of data segment `segment` (empty once dropped).
    fn memory_and_data(&mut self, memory: u32, segment: u32) -> Result<(&mut Memory, &[u8]), Trap>;
    /// Table `table` and the references of element segment `segment` (empty once dropped).
    fn table_and_elements(
        &mut self,
        table: u32,
        segment: u32,
    ) -> Result<(&mut Table, &[Cell]), Trap>;
    /// `data.drop`: the segment's bytes are gone (a later `memory.init` sees none).
    fn drop_data(&mut self, segment: u32);
    /// `elem.drop`.
    fn drop_elements(&mut self, segment: u32);
    /// The value of global `index`.
    fn global(&self, index: u32) -> Result<Cell, Trap>;
    /// The reference cell of function `index` (`ref.func`), never 0.
    fn func_ref(&self, index: u32) -> Result<Cell, Trap>;
    /// The canonical signature of the module's type `index`.
    fn type_sig(&self, index: u32) -> Option<SigId>;
    /// The canonical signature of the function a non-null reference cell refers to.
    fn ref_sig(&self, cell: Cell) -> Option<SigId>;
}

/// Two table or memory indices of one instance, resolved.
pub enum Pair<'a, T> {
    /// Both name the same table or memory.
    Same(&'a mut T),
    /// Destination and source.
    Distinct(&'a mut T, &'a T),
}

pub type TablePair<'a> = Pair<'a, Table>;
pub type MemoryPair<'a> = Pair<'a, Memory>;

/// `memory.init`: `len` bytes of data segment `segment` from `src` to `dst` of `memory`.
pub fn memory_init(
    inst: &mut impl Instance,
    memory: u32,
    segment: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), Trap> {
    let (memory, data) = inst.memory_and_data(memory, segment)?;
    memory.init(dst, data, src, len)
}

/// `table.init`: `len` references of element segment `segment` from `src` to `dst`.
pub fn table_init(
    inst: &mut impl Instance,
    table: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), Trap> {
    let (table, items) = inst.table_and_elements(table, segment)?;
    table.init(dst, items, src, len)
}

/// `memory.copy`, within one memory or between two (multi-memory).
pub fn memory_copy(
    inst: &mut impl Instance,
    dst_memory: u32,
    src_memory: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), Trap> {
    // Without the `multi-memory` feature every module has at most one memory, and the
    // pair code is left out of the build.
    if !cfg!(feature = "multi-memory") || dst_memory == src_memory {
        return inst.memory(dst_memory)?.copy_within(dst, src, len);
    }
    match inst.memory_pair(dst_memory, src_memory)? {
        Pair::Same(memory) => memory.copy_within(dst, src, len),
        Pair::Distinct(dst_memory, src_memory) => dst_memory.copy_from(dst, src_memory, src, len),
    }
}

/// `table.copy`, within one table or between two.
pub fn table_copy(
    inst: &mut impl Instance,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), Trap> {
    match inst.table_pair(dst_table, src_table)? {
        Pair::Same(table) => table.copy_within(dst, src, len),
        Pair::Distinct(dst_table, src_table) => dst_table.copy_from(dst, src_table, src, len),
    }
}

/// The checks of `call_indirect` on the table entry it read (`None`: the index was past
/// the end), in the spec's order: the entry exists, is not null, and refers to a function
/// of the expected signature. Returns the callee's reference cell.
#[inline(always)]
pub fn indirect_callee(
    entry: Option<Cell>,
    expected: Option<SigId>,
    sig_of: impl FnOnce(Cell) -> Option<SigId>,
) -> Result<Cell, Trap> {
    let cell = entry.ok_or(Trap::UndefinedElement)?;
    if cell == 0 {
        return Err(Trap::UninitializedElement);
    }
    match expected {
        Some(want) if sig_of(cell) == Some(want) => Ok(cell),
        _ => Err(Trap::IndirectCallTypeMismatch),
    }
}

/// `call_indirect` through table `table` at `index` with the module's type `ty`: the
/// callee's reference cell, after [`indirect_callee`]'s checks.
pub fn call_indirect_target(
    inst: &mut impl Instance,
    table: u32,
    ty: u32,
    index: u32,
) -> Result<Cell, Trap> {
    let entry = inst.table(table)?.get(index).ok();
    let expected = inst.type_sig(ty);
    indirect_callee(entry, expected, |cell| inst.ref_sig(cell))
}

/// The value of a constant expression in `inst`; an extended one's instructions come
/// from `module`.
#[cfg_attr(not(feature = "extended-const"), allow(unused_variables))]
pub fn eval_const(
    inst: &impl Instance,
    module: &impl Segments,
    expr: &ConstExpr,
) -> Result<Cell, Trap> {
    Ok(match *expr {
        ConstExpr::I32(v) => v as u32 as Cell,
        ConstExpr::I64(v) => v as Cell,
        ConstExpr::F32(v) => Cell::from(v),
        ConstExpr::F64(v) => v,
        // One cell holds the low half; v128 globals are not supported by the runtimes yet.
        ConstExpr::V128(v) => v as Cell,
        ConstExpr::RefNull(_) => 0,
        ConstExpr::RefFunc(f) => inst.func_ref(f)?,
        ConstExpr::GlobalGet(g) => inst.global(g)?,
        #[cfg(feature = "extended-const")]
        ConstExpr::Extended { first, count } => {
            // The validator and `Meta::parse` checked the instructions' types and depth;
            // a list that breaks those rules is still evaluated without a panic.
            let mut stack = [0 as Cell; crate::types::MAX_CONST_DEPTH + 1];
            let mut depth = 0;
            for index in first..first.saturating_add(count) {
                let op = module.const_op(index).ok_or(MALFORMED_CONST)?;
                let value = match op {
                    ConstExpr::Binary(op) if depth >= 2 => {
                        depth -= 2;
                        op.apply(stack[depth], stack[depth + 1])
                    }
                    ConstExpr::Binary(_) | ConstExpr::Extended { .. } => {
                        return Err(MALFORMED_CONST)
                    }
                    single => eval_const(inst, module, &single)?,
                };
                *stack.get_mut(depth).ok_or(MALFORMED_CONST)? = value;
                depth += 1;
            }
            stack[0]
        }
        #[cfg(not(feature = "extended-const"))]
        ConstExpr::Extended { .. } => {
            // Refused at load (validator, `Meta::parse`) by such a build.
            return Err(Trap::Host(
                "extended constant expressions are not supported by this build",
            ));
        }
        ConstExpr::Binary(_) => return Err(MALFORMED_CONST),
    })
}

const MALFORMED_CONST: Trap = Trap::Host("malformed extended constant expression");

/// The segments of a module, as instantiation reads them (the module model and the
/// `.aot` metadata both provide this).
pub trait Segments {
    fn element_count(&self) -> u32;
    /// Element segment `index`: its mode, its item count, and the items.
    fn element(
        &self,
        index: u32,
    ) -> Result<
        (
            ElemMode,
            u32,
            impl Iterator<Item = Result<ConstExpr, Trap>> + '_,
        ),
        Trap,
    >;
    fn data_count(&self) -> u32;
    /// Instruction `index` of the module's extended constant expressions.
    fn const_op(&self, index: u32) -> Option<ConstExpr>;
    /// Data segment `index`: its mode and bytes.
    fn data(&self, index: u32) -> Result<(DataMode, &[u8]), Trap>;
}

/// Applies the active segments at instantiation, in the spec's order (element segments,
/// then data segments, each in module order), and drops active and declared segments.
/// Each segment is bounds-checked before it writes; a trap stops here but leaves what
/// earlier segments wrote (Wasm 2.0 semantics).
pub fn initialize(inst: &mut impl Instance, module: &impl Segments) -> Result<(), Trap> {
    for index in 0..module.element_count() {
        let (mode, count, items) = module.element(index)?;
        match mode {
            ElemMode::Active { table, offset } => {
                let dst = eval_const(inst, module, &offset)?;
                let (dst, size) = {
                    let table = inst.table(table)?;
                    (table.address(dst), u64::from(table.size()))
                };
                if dst
                    .checked_add(u64::from(count))
                    .is_none_or(|end| end > size)
                {
                    return Err(Trap::TableOutOfBounds);
                }
                // Below the table's size, so a u32.
                let dst = dst as u32;
                for (k, item) in items.enumerate() {
                    let cell = eval_const(inst, module, &item?)?;
                    inst.table(table)?.set(dst + k as u32, cell)?;
                }
                inst.drop_elements(index);
            }
            ElemMode::Declared => inst.drop_elements(index),
            ElemMode::Passive => {}
        }
    }
    for index in 0..module.data_count() {
        let (mode, bytes) = module.data(index)?;
        if let DataMode::Active { memory, offset } = mode {
            let dst = eval_const(inst, module, &offset)?;
            let memory = inst.memory(memory)?;
            let dst = memory.address(dst);
            memory.init(dst, bytes, 0, bytes.len() as u64)?;
            inst.drop_data(index);
        }
    }
    Ok(())
}
