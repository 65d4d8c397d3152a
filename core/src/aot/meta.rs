//! The `.aot` metadata section: the module's types, imports, functions, tables,
//! memories, globals, exports, start and segments as fixed-size little-endian records
//! ([`layout`]; `docs/aot-format.md` explains every field). Both AOT runtimes read it
//! here: the no-heap one instantiates from a [`Meta`], the hosted one builds its module
//! model from it (`Module::from_meta`). The writer (`write`, behind `alloc`) makes it
//! from the validated module model.
//!
//! [`Meta::parse`] checks everything once — each region against the section, every
//! count, offset, length and index, names (UTF-8), value-type bytes, modes, limits and
//! constant expressions (their types, and `global.get` only of earlier immutable
//! globals) — so the accessors afterwards are O(1) indexed reads; an index the caller
//! passes is still checked (`None` past the end). Nothing is allocated or copied, and no
//! input makes it panic; the work is linear in the section's size whatever the counts
//! say.
//!
//! It refuses what mote's runtimes do not support with [`MetaError::Unsupported`],
//! naming it: `v128`, GC and typed-reference types, shared, 64-bit and custom-page-size
//! memories, 64-bit tables, table initialisers and extended constant expressions.

pub mod layout;
#[cfg(feature = "alloc")]
mod module;
mod names;
mod parse;
#[cfg(feature = "alloc")]
pub mod write;

use core::fmt;

use crate::types::{ConstBinOp, ExternKind, GlobalType, Limits, MemoryType, TableType, ValType};
pub use crate::types::{ConstExpr, DataMode, ElemMode};
use layout::Region;
pub use names::{func_names, FuncNames};

/// Why the metadata could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaError {
    /// The section ends before the header, or before a region the header places.
    Truncated { offset: usize },
    /// Malformed bytes at `offset` in the section (named problem).
    Malformed { offset: usize, what: &'static str },
    /// A valid construct this reader does not support (named).
    Unsupported(&'static str),
}

impl fmt::Display for MetaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetaError::Truncated { offset } => {
                write!(f, "module metadata is truncated (at byte {offset})")
            }
            MetaError::Malformed { offset, what } => {
                write!(f, "malformed module metadata at byte {offset}: {what}")
            }
            MetaError::Unsupported(what) => write!(f, "unsupported: {what}"),
        }
    }
}

impl core::error::Error for MetaError {}

type Result<T> = core::result::Result<T, MetaError>;

/// Whether this build of mote-core has the `float` feature: a runtime without it refuses
/// modules that use floating point ([`Meta::check_build`]).
pub const FLOAT_SUPPORT: bool = cfg!(feature = "float");

/// The value type of a value-type byte.
pub fn val_type(b: u8) -> Result<ValType> {
    use layout::valtype as v;
    Ok(match b {
        v::I32 => ValType::I32,
        v::I64 => ValType::I64,
        v::F32 => ValType::F32,
        v::F64 => ValType::F64,
        v::FUNCREF => ValType::FuncRef,
        v::EXTERNREF => ValType::ExternRef,
        v::V128 => return Err(MetaError::Unsupported("v128 values (SIMD)")),
        0x63 | 0x64 => return Err(MetaError::Unsupported("typed function references")),
        0x69..=0x6e | 0x71..=0x74 => return Err(MetaError::Unsupported("GC reference types")),
        _ => {
            return Err(MetaError::Malformed {
                offset: 0,
                what: "unknown value type",
            })
        }
    })
}

/// The value-type byte of `t`.
pub const fn val_type_byte(t: ValType) -> u8 {
    use layout::valtype as v;
    match t {
        ValType::I32 => v::I32,
        ValType::I64 => v::I64,
        ValType::F32 => v::F32,
        ValType::F64 => v::F64,
        ValType::V128 => v::V128,
        ValType::FuncRef => v::FUNCREF,
        ValType::ExternRef => v::EXTERNREF,
    }
}

/// The kind of a kind byte ([`layout::kind`]).
pub(crate) fn extern_kind(b: u8) -> Option<ExternKind> {
    use layout::kind as k;
    match b {
        k::FUNC => Some(ExternKind::Func),
        k::TABLE => Some(ExternKind::Table),
        k::MEMORY => Some(ExternKind::Memory),
        k::GLOBAL => Some(ExternKind::Global),
        _ => None,
    }
}

/// The kind byte of `k`.
pub const fn extern_kind_byte(k: ExternKind) -> u8 {
    use layout::kind;
    match k {
        ExternKind::Func => kind::FUNC,
        ExternKind::Table => kind::TABLE,
        ExternKind::Memory => kind::MEMORY,
        ExternKind::Global => kind::GLOBAL,
    }
}

/// A run of the section's bytes (one record). Reads past its end give zeros: they
/// cannot happen once `Meta::parse` has checked the record, and must not panic.
#[derive(Clone, Copy)]
pub(crate) struct Rec<'a>(pub(crate) &'a [u8]);

impl Rec<'_> {
    fn array<const N: usize>(self, at: usize) -> [u8; N] {
        self.0
            .get(at..)
            .and_then(|b| b.get(..N))
            .and_then(|b| b.try_into().ok())
            .unwrap_or([0; N])
    }

    pub(crate) fn u8(self, at: usize) -> u8 {
        self.0.get(at).copied().unwrap_or(0)
    }

    pub(crate) fn u16(self, at: usize) -> u16 {
        u16::from_le_bytes(self.array(at))
    }

    pub(crate) fn u32(self, at: usize) -> u32 {
        u32::from_le_bytes(self.array(at))
    }

    pub(crate) fn u64(self, at: usize) -> u64 {
        u64::from_le_bytes(self.array(at))
    }

    /// Whether the `len` bytes at `at` are all zero.
    pub(crate) fn zero(self, at: usize, len: usize) -> bool {
        self.0
            .get(at..)
            .and_then(|b| b.get(..len))
            .is_some_and(|b| b.iter().all(|&x| x == 0))
    }
}

/// Where a region lies: its offset in the section and its record count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) offset: u32,
    pub(crate) count: u32,
}

/// A function type; its parameter and result bytes were checked by [`Meta::parse`], so
/// structural equality is byte equality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FuncType<'a> {
    params: &'a [u8],
    results: &'a [u8],
}

impl<'a> FuncType<'a> {
    pub fn param_count(&self) -> usize {
        self.params.len()
    }

    pub fn result_count(&self) -> usize {
        self.results.len()
    }

    pub fn params(&self) -> ValTypes<'a> {
        ValTypes(self.params.iter())
    }

    pub fn results(&self) -> ValTypes<'a> {
        ValTypes(self.results.iter())
    }

    /// Whether the type is exactly `params -> results`.
    pub fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        self.params().eq(params.iter().copied()) && self.results().eq(results.iter().copied())
    }
}

impl fmt::Display for FuncType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, t) in self.params().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{t}")?;
        }
        f.write_str(") -> (")?;
        for (i, t) in self.results().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{t}")?;
        }
        f.write_str(")")
    }
}

/// The value types of a [`FuncType`].
#[derive(Debug, Clone)]
pub struct ValTypes<'a>(core::slice::Iter<'a, u8>);

impl Iterator for ValTypes<'_> {
    type Item = ValType;
    fn next(&mut self) -> Option<ValType> {
        // Every byte was checked by `Meta::parse`; reading an unknown one as i32 could
        // only ever affect a signature comparison.
        self.0.next().map(|&b| val_type(b).unwrap_or(ValType::I32))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for ValTypes<'_> {}

pub use crate::types::ImportDesc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import<'a> {
    pub module: &'a str,
    pub name: &'a str,
    pub desc: ImportDesc,
    /// Index of the imported entity in its kind's index space.
    pub index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Export<'a> {
    pub name: &'a str,
    pub kind: ExternKind,
    pub index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global {
    pub ty: GlobalType,
    /// The initialiser of a defined global; `None` for an imported one.
    pub init: Option<ConstExpr>,
}

/// The items of an element segment, as constant expressions (a function index item is
/// `ref.func` of it).
#[derive(Debug, Clone, Copy)]
pub struct ElemItems<'a> {
    bytes: &'a [u8],
    ops: Span,
    /// Section offset of the next item's first word.
    at: usize,
    left: u32,
    exprs: bool,
}

impl ElemItems<'_> {
    /// Items left (all of them before iterating).
    pub fn item_count(&self) -> u32 {
        self.left
    }

    /// Whether the items are stored as constant expressions (else function indices).
    pub fn are_exprs(&self) -> bool {
        self.exprs
    }
}

impl Iterator for ElemItems<'_> {
    type Item = ConstExpr;
    fn next(&mut self) -> Option<ConstExpr> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let words = Rec(self.bytes.get(self.at..).unwrap_or(&[]));
        if self.exprs {
            self.at += layout::expr::SIZE;
            // Checked by `Meta::parse`: one instruction of the segment's type.
            op_at(self.bytes, self.ops, words.u32(layout::expr::FIRST))
        } else {
            self.at += 4;
            Some(ConstExpr::RefFunc(words.u32(0)))
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for ElemItems<'_> {}

#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    pub mode: ElemMode,
    /// `funcref` or `externref`.
    pub ty: ValType,
    pub items: ElemItems<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Data<'a> {
    pub mode: DataMode,
    pub bytes: &'a [u8],
    /// Offset of `bytes` in the section.
    pub offset: usize,
}

/// The record of region `span` at `index`, if `index` < its count.
fn record(bytes: &[u8], span: Span, size: usize, index: u32) -> Option<Rec<'_>> {
    if index >= span.count {
        return None;
    }
    // In range of the section (and without overflow): `Meta::parse` checked
    // offset + count × size ≤ section length.
    let start = span.offset as usize + index as usize * size;
    bytes.get(start..)?.get(..size).map(Rec)
}

/// The constant instruction `index` of the ops region.
fn op_at(bytes: &[u8], ops: Span, index: u32) -> Option<ConstExpr> {
    decode_op(record(bytes, ops, layout::op::SIZE, index)?)
}

/// One constant instruction (its immediate already checked by `Meta::parse`).
pub(crate) fn decode_op(op: Rec<'_>) -> Option<ConstExpr> {
    use layout::opcode as o;
    let imm = op.u64(layout::op::IMMEDIATE);
    Some(match op.u16(layout::op::OPCODE) {
        o::I32_CONST => ConstExpr::I32(imm as u32 as i32),
        o::I64_CONST => ConstExpr::I64(imm as i64),
        o::F32_CONST => ConstExpr::F32(imm as u32),
        o::F64_CONST => ConstExpr::F64(imm),
        o::GLOBAL_GET => ConstExpr::GlobalGet(imm as u32),
        o::REF_FUNC => ConstExpr::RefFunc(imm as u32),
        o::REF_NULL => ConstExpr::RefNull(val_type(imm as u8).ok()?),
        opcode => ConstExpr::Binary(ConstBinOp::from_opcode(opcode)?),
    })
}

/// Limits from a table or memory record (`HAS_MAX` decides whether there is a maximum).
fn limits(r: Rec<'_>, flags: usize, min: usize, max: usize) -> Limits {
    Limits {
        min: r.u64(min),
        max: (r.u8(flags) & layout::limits::HAS_MAX != 0).then(|| r.u64(max)),
    }
}

/// The checked metadata: where each region lies, and the counts a runtime sizes its
/// state from. Copy it freely (it borrows the section).
#[derive(Clone, Copy)]
pub struct Meta<'a> {
    bytes: &'a [u8],
    /// The strings region, checked to be UTF-8 as a whole (a name is a sub-slice on
    /// char boundaries).
    strings: &'a str,
    /// Offset of the strings region in the section.
    strings_at: u32,
    spans: [Span; Region::ALL.len()],
    start: u32,
    /// Imported functions, tables, memories and globals (by `layout::kind`).
    imported: [u32; 4],
    max_arity: u32,
    uses_float: bool,
}

impl<'a> Meta<'a> {
    fn span(&self, region: Region) -> Span {
        self.spans[region as usize]
    }

    fn record(&self, region: Region, index: u32) -> Option<Rec<'a>> {
        record(self.bytes, self.span(region), region.record_size(), index)
    }

    /// The name at (`offset`, `len`) of the strings region (checked by `parse`).
    fn str_at(&self, offset: u32, len: u32) -> &'a str {
        let start = offset.wrapping_sub(self.strings_at) as usize;
        start
            .checked_add(len as usize)
            .and_then(|end| self.strings.get(start..end))
            .unwrap_or("")
    }

    /// The constant expression referenced at `at` of `r` (`None`: no expression); one
    /// of several instructions is `Extended`, indexing the ops region.
    fn expr(&self, r: Rec<'_>, at: usize) -> Option<ConstExpr> {
        let first = r.u32(at + layout::expr::FIRST);
        match r.u32(at + layout::expr::COUNT) {
            0 => None,
            1 => op_at(self.bytes, self.span(Region::Ops), first),
            count => Some(ConstExpr::Extended { first, count }),
        }
    }

    /// The section bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    pub fn num_types(&self) -> u32 {
        self.span(Region::Types).count
    }

    pub fn num_imports(&self) -> u32 {
        self.span(Region::Imports).count
    }

    /// Functions, imported ones included.
    pub fn num_funcs(&self) -> u32 {
        self.span(Region::Funcs).count
    }

    pub fn num_imported_funcs(&self) -> u32 {
        self.imported[layout::kind::FUNC as usize]
    }

    /// Tables, imported ones included.
    pub fn num_tables(&self) -> u32 {
        self.span(Region::Tables).count
    }

    pub fn num_imported_tables(&self) -> u32 {
        self.imported[layout::kind::TABLE as usize]
    }

    /// Memories, imported ones included.
    pub fn num_memories(&self) -> u32 {
        self.span(Region::Memories).count
    }

    pub fn num_imported_memories(&self) -> u32 {
        self.imported[layout::kind::MEMORY as usize]
    }

    /// Globals, imported ones included.
    pub fn num_globals(&self) -> u32 {
        self.span(Region::Globals).count
    }

    pub fn num_imported_globals(&self) -> u32 {
        self.imported[layout::kind::GLOBAL as usize]
    }

    pub fn num_exports(&self) -> u32 {
        self.span(Region::Exports).count
    }

    pub fn num_elements(&self) -> u32 {
        self.span(Region::Elems).count
    }

    pub fn num_datas(&self) -> u32 {
        self.span(Region::Datas).count
    }

    /// Largest `max(params, results)` over all types: the cells any call needs.
    pub fn max_arity(&self) -> u32 {
        self.max_arity
    }

    /// Whether a function type or a global uses `f32`/`f64`.
    pub fn uses_float(&self) -> bool {
        self.uses_float
    }

    /// Refuses a module this build cannot run: floating point without the `float`
    /// feature.
    pub fn check_build(&self) -> Result<()> {
        if self.uses_float && !FLOAT_SUPPORT {
            return Err(MetaError::Unsupported(
                "the module uses floating point, but this build of mote has no float support",
            ));
        }
        Ok(())
    }

    /// Type `index`.
    pub fn func_type(&self, index: u32) -> Option<FuncType<'a>> {
        use layout::func_type as t;
        let r = self.record(Region::Types, index)?;
        let start = r.u32(t::TYPES) as usize;
        let params = usize::from(r.u16(t::PARAMS));
        let results = usize::from(r.u16(t::RESULTS));
        let all = self.bytes.get(start..)?.get(..params + results)?;
        let (params, results) = all.split_at(params);
        Some(FuncType { params, results })
    }

    pub fn types(&self) -> impl Iterator<Item = FuncType<'a>> + 'a {
        let m = *self;
        (0..self.num_types()).filter_map(move |i| m.func_type(i))
    }

    /// The type index of function `func` (imports first).
    pub fn func_type_index(&self, func: u32) -> Option<u32> {
        Some(self.record(Region::Funcs, func)?.u32(layout::func::TYPE))
    }

    /// The type of function `func`.
    pub fn func_type_of(&self, func: u32) -> Option<FuncType<'a>> {
        self.func_type(self.func_type_index(func)?)
    }

    /// The type index of every function, imported ones first.
    pub fn functions(&self) -> impl Iterator<Item = u32> + 'a {
        let m = *self;
        (0..self.num_funcs()).filter_map(move |f| m.func_type_index(f))
    }

    pub fn import(&self, index: u32) -> Option<Import<'a>> {
        use layout::import as i;
        let r = self.record(Region::Imports, index)?;
        let entity = r.u32(i::INDEX);
        let desc = match extern_kind(r.u8(i::KIND))? {
            ExternKind::Func => ImportDesc::Func(self.func_type_index(entity)?),
            ExternKind::Table => ImportDesc::Table(self.table(entity)?),
            ExternKind::Memory => ImportDesc::Memory(self.memory(entity)?),
            ExternKind::Global => ImportDesc::Global(self.global(entity)?.ty),
        };
        Some(Import {
            module: self.str_at(r.u32(i::MODULE), r.u32(i::MODULE_LEN)),
            name: self.str_at(r.u32(i::NAME), r.u32(i::NAME_LEN)),
            desc,
            index: entity,
        })
    }

    pub fn imports(&self) -> impl Iterator<Item = Import<'a>> + 'a {
        let m = *self;
        (0..self.num_imports()).filter_map(move |i| m.import(i))
    }

    /// Table `index` (imports first).
    pub fn table(&self, index: u32) -> Option<TableType> {
        use layout::table as t;
        let r = self.record(Region::Tables, index)?;
        Some(TableType {
            element: val_type(r.u8(t::ELEMENT)).ok()?,
            limits: limits(r, t::FLAGS, t::MIN, t::MAX),
            address64: r.u8(t::FLAGS) & layout::limits::INDEX64 != 0,
        })
    }

    /// Every table, imported ones first.
    pub fn tables(&self) -> impl Iterator<Item = TableType> + 'a {
        let m = *self;
        (0..self.num_tables()).filter_map(move |i| m.table(i))
    }

    /// Memory `index` (imports first).
    pub fn memory(&self, index: u32) -> Option<MemoryType> {
        use layout::memory as mem;
        let r = self.record(Region::Memories, index)?;
        Some(MemoryType {
            limits: limits(r, mem::FLAGS, mem::MIN, mem::MAX),
            page_size_log2: r.u8(mem::PAGE_SIZE_LOG2),
            address64: r.u8(mem::FLAGS) & layout::limits::INDEX64 != 0,
        })
    }

    /// Every memory, imported ones first.
    pub fn memories(&self) -> impl Iterator<Item = MemoryType> + 'a {
        let m = *self;
        (0..self.num_memories()).filter_map(move |i| m.memory(i))
    }

    /// Global `index` (imports first).
    pub fn global(&self, index: u32) -> Option<Global> {
        use layout::global as g;
        let r = self.record(Region::Globals, index)?;
        Some(Global {
            ty: GlobalType {
                content: val_type(r.u8(g::TYPE)).ok()?,
                mutable: r.u8(g::MUTABLE) != 0,
            },
            init: self.expr(r, g::INIT),
        })
    }

    /// Every global, imported ones first.
    pub fn globals(&self) -> impl Iterator<Item = Global> + 'a {
        let m = *self;
        (0..self.num_globals()).filter_map(move |i| m.global(i))
    }

    /// Export `index`, in the module's order.
    pub fn export_at(&self, index: u32) -> Option<Export<'a>> {
        use layout::export as e;
        let r = self.record(Region::Exports, index)?;
        Some(Export {
            name: self.str_at(r.u32(e::NAME), r.u32(e::NAME_LEN)),
            kind: extern_kind(r.u8(e::KIND))?,
            index: r.u32(e::INDEX),
        })
    }

    pub fn exports(&self) -> impl Iterator<Item = Export<'a>> + 'a {
        let m = *self;
        (0..self.num_exports()).filter_map(move |i| m.export_at(i))
    }

    /// The export called `name`, if any (a linear search).
    pub fn export(&self, name: &str) -> Option<Export<'a>> {
        self.exports().find(|e| e.name == name)
    }

    pub fn start(&self) -> Option<u32> {
        (self.start != layout::NO_START).then_some(self.start)
    }

    /// Element segment `index`.
    pub fn element(&self, index: u32) -> Option<Element<'a>> {
        use layout::elem as e;
        let r = self.record(Region::Elems, index)?;
        let mode = match r.u8(e::MODE) {
            layout::seg_mode::PASSIVE => ElemMode::Passive,
            layout::seg_mode::DECLARED => ElemMode::Declared,
            _ => ElemMode::Active {
                table: r.u32(e::TABLE),
                offset: self.expr(r, e::OFFSET)?,
            },
        };
        let items = self.span(Region::Items);
        Some(Element {
            mode,
            ty: val_type(r.u8(e::ELEMENT)).ok()?,
            items: ElemItems {
                bytes: self.bytes,
                ops: self.span(Region::Ops),
                at: items.offset as usize + r.u32(e::ITEMS) as usize * 4,
                left: r.u32(e::ITEM_COUNT),
                exprs: r.u8(e::FORM) == layout::items::EXPRS,
            },
        })
    }

    pub fn elements(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        let m = *self;
        (0..self.num_elements()).filter_map(move |i| m.element(i))
    }

    /// Data segment `index`.
    pub fn data(&self, index: u32) -> Option<Data<'a>> {
        use layout::data as d;
        let r = self.record(Region::Datas, index)?;
        let mode = match r.u8(d::MODE) {
            layout::seg_mode::ACTIVE => DataMode::Active {
                memory: r.u32(d::MEMORY),
                offset: self.expr(r, d::OFFSET)?,
            },
            _ => DataMode::Passive,
        };
        let offset = r.u32(d::BYTES) as usize;
        let bytes = self.bytes.get(offset..)?.get(..r.u32(d::LEN) as usize)?;
        Some(Data {
            mode,
            bytes,
            offset,
        })
    }

    pub fn datas(&self) -> impl Iterator<Item = Data<'a>> + 'a {
        let m = *self;
        (0..self.num_datas()).filter_map(move |i| m.data(i))
    }
}

impl fmt::Debug for Meta<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Meta")
            .field("bytes", &self.bytes.len())
            .field("types", &self.num_types())
            .field("imports", &self.num_imports())
            .field("funcs", &self.num_funcs())
            .field("tables", &self.num_tables())
            .field("memories", &self.num_memories())
            .field("globals", &self.num_globals())
            .field("exports", &self.num_exports())
            .field("elements", &self.num_elements())
            .field("datas", &self.num_datas())
            .field("start", &self.start())
            .finish_non_exhaustive()
    }
}

impl crate::runtime::instance::Segments for Meta<'_> {
    fn element_count(&self) -> u32 {
        self.num_elements()
    }

    fn element(
        &self,
        index: u32,
    ) -> core::result::Result<
        (
            ElemMode,
            u32,
            impl Iterator<Item = core::result::Result<ConstExpr, crate::Trap>> + '_,
        ),
        crate::Trap,
    > {
        let e = Meta::element(self, index).ok_or(crate::Trap::Host("no such element segment"))?;
        Ok((e.mode, e.items.item_count(), e.items.map(Ok)))
    }

    fn data_count(&self) -> u32 {
        self.num_datas()
    }

    fn const_op(&self, index: u32) -> Option<ConstExpr> {
        op_at(self.bytes, self.span(Region::Ops), index)
    }

    fn data(&self, index: u32) -> core::result::Result<(DataMode, &[u8]), crate::Trap> {
        let d = Meta::data(self, index).ok_or(crate::Trap::Host("no such data segment"))?;
        Ok((d.mode, d.bytes))
    }
}
