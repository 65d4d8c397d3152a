//! `Meta::parse`: every check, once. Each region is read once (the value-type, string
//! and data regions as wholes; element items in one pass because segments own
//! consecutive runs of them), so the work is linear in the section whatever its counts.

use super::layout::{self, Region};
use super::{
    decode_op, extern_kind, record, val_type, ConstExpr, Meta, MetaError, Rec, Result, Span,
};
use crate::types::{
    ConstBinOp, ExternKind, Limits, MemoryType, ValType, MAX_CONST_DEPTH, PAGE_SIZE_LOG2,
};

fn malformed(offset: usize, what: &'static str) -> MetaError {
    MetaError::Malformed { offset, what }
}

impl<'a> Meta<'a> {
    /// Checks `bytes` (the metadata section) and returns the reader over it.
    pub fn parse(bytes: &'a [u8]) -> Result<Meta<'a>> {
        if bytes.len() < layout::HEADER_SIZE {
            return Err(MetaError::Truncated {
                offset: bytes.len(),
            });
        }
        let len = u32::try_from(bytes.len())
            .map_err(|_| MetaError::Unsupported("module metadata larger than 4 GiB"))?;
        let h = Rec(bytes);
        if h.u32(layout::H_SIZE) as usize != layout::HEADER_SIZE {
            return Err(malformed(layout::H_SIZE, "metadata header size"));
        }
        let mut spans = [Span::default(); Region::ALL.len()];
        let mut end = layout::HEADER_SIZE as u64;
        for region in Region::ALL {
            let at = region.header_offset();
            let span = Span {
                offset: h.u32(at),
                count: h.u32(at + 4),
            };
            if u64::from(span.offset) < end {
                return Err(malformed(
                    at,
                    "metadata regions overlap or are out of order",
                ));
            }
            end = u64::from(span.offset) + u64::from(span.count) * region.record_size() as u64;
            if end > u64::from(len) {
                return Err(MetaError::Truncated {
                    offset: span.offset as usize,
                });
            }
            spans[region as usize] = span;
        }
        let region = |r: Region| {
            let s = spans[r as usize];
            // In range: checked above.
            bytes
                .get(s.offset as usize..)
                .and_then(|b| b.get(..s.count as usize * r.record_size()))
                .unwrap_or(&[])
        };

        // The pools, each as a whole.
        let valtypes = spans[Region::ValTypes as usize];
        let mut uses_float = false;
        for (i, &b) in region(Region::ValTypes).iter().enumerate() {
            let t = val_type(b).map_err(|e| at_offset(e, valtypes.offset as usize + i))?;
            uses_float |= t.is_float();
        }
        let strings_at = spans[Region::Strings as usize].offset;
        let strings = core::str::from_utf8(region(Region::Strings))
            .map_err(|e| malformed(strings_at as usize + e.valid_up_to(), "a name is not UTF-8"))?;

        let mut m = Meta {
            bytes,
            strings,
            strings_at,
            spans,
            start: h.u32(layout::H_START),
            imported: [0; 4],
            max_arity: 0,
            uses_float,
        };
        m.check_types()?;
        m.check_imports()?;
        m.check_funcs()?;
        m.check_tables()?;
        m.check_memories()?;
        m.check_globals()?;
        m.check_exports()?;
        m.check_start()?;
        m.check_elements()?;
        m.check_datas()?;
        Ok(m)
    }

    /// Every record of `region` with its section offset.
    fn records(&self, region: Region) -> impl Iterator<Item = (usize, Rec<'a>)> + 'a {
        let (bytes, span, size) = (self.bytes, self.span(region), region.record_size());
        (0..span.count).filter_map(move |i| {
            let r = record(bytes, span, size, i)?;
            Some((span.offset as usize + i as usize * size, r))
        })
    }

    /// Whether (`offset`, `len`) lies inside `region`.
    fn inside(&self, region: Region, offset: u32, len: u64) -> bool {
        let span = self.span(region);
        let end = u64::from(span.offset) + u64::from(span.count) * region.record_size() as u64;
        offset >= span.offset && u64::from(offset) + len <= end
    }

    /// A name of the strings region: inside it and on character boundaries.
    fn check_str(&self, r: Rec<'_>, offset: usize, len: usize, at: usize) -> Result<()> {
        let (offset, len) = (r.u32(offset), r.u32(len));
        if !self.inside(Region::Strings, offset, u64::from(len)) {
            return Err(malformed(at, "name outside the names region"));
        }
        let start = (offset - self.strings_at) as usize;
        if self.strings.get(start..start + len as usize).is_none() {
            return Err(malformed(at, "a name is not UTF-8"));
        }
        Ok(())
    }

    fn check_types(&mut self) -> Result<()> {
        use layout::func_type as t;
        for (at, r) in self.records(Region::Types) {
            let (params, results) = (r.u16(t::PARAMS), r.u16(t::RESULTS));
            let n = u64::from(params) + u64::from(results);
            if !self.inside(Region::ValTypes, r.u32(t::TYPES), n) {
                return Err(malformed(at, "function type outside the value-type region"));
            }
            self.max_arity = self.max_arity.max(u32::from(params.max(results)));
        }
        Ok(())
    }

    /// Imports come first in each index space: the `k`-th import of a kind is entity `k`.
    fn check_imports(&mut self) -> Result<()> {
        use layout::import as i;
        for (at, r) in self.records(Region::Imports) {
            self.check_str(r, i::MODULE, i::MODULE_LEN, at)?;
            self.check_str(r, i::NAME, i::NAME_LEN, at)?;
            let kind = r.u8(i::KIND);
            let space = match extern_kind(kind) {
                Some(k) => self.space(k),
                None if kind == 4 => return Err(MetaError::Unsupported("exception tags")),
                None => return Err(malformed(at, "import kind")),
            };
            if !r.zero(i::RESERVED, 3) {
                return Err(malformed(at, "reserved bytes of an import"));
            }
            let next = &mut self.imported[kind as usize];
            if r.u32(i::INDEX) != *next || *next >= space {
                return Err(malformed(
                    at,
                    "imports must come first in their index space",
                ));
            }
            *next += 1;
        }
        Ok(())
    }

    /// Entities of kind `k`, imported ones included.
    fn space(&self, k: ExternKind) -> u32 {
        match k {
            ExternKind::Func => self.num_funcs(),
            ExternKind::Table => self.num_tables(),
            ExternKind::Memory => self.num_memories(),
            ExternKind::Global => self.num_globals(),
        }
    }

    fn check_funcs(&self) -> Result<()> {
        let types = self.num_types();
        for (at, r) in self.records(Region::Funcs) {
            if r.u32(layout::func::TYPE) >= types {
                return Err(malformed(at, "function type index out of range"));
            }
        }
        Ok(())
    }

    fn check_tables(&self) -> Result<()> {
        use layout::{limits, table as t};
        for (at, r) in self.records(Region::Tables) {
            let element = val_type(r.u8(t::ELEMENT)).map_err(|e| at_offset(e, at))?;
            if !element.is_ref() {
                return Err(malformed(at, "table element type is not a reference type"));
            }
            let flags = r.u8(t::FLAGS);
            let address64 = flags & limits::INDEX64 != 0;
            if address64 && !cfg!(feature = "memory64") {
                return Err(MetaError::Unsupported(MEMORY64_DISABLED));
            }
            if flags & !(limits::HAS_MAX | limits::INDEX64) != 0 || !r.zero(t::RESERVED, 6) {
                return Err(malformed(at, "table flags or reserved bytes"));
            }
            check_limits(
                r,
                flags,
                (t::MIN, t::MAX),
                if address64 {
                    u64::MAX
                } else {
                    u64::from(u32::MAX)
                },
                "table size too large",
                at,
            )?;
            if r.u32(t::INIT + layout::expr::COUNT) != 0 {
                return Err(MetaError::Unsupported("table initialiser expressions"));
            }
            if r.u32(t::INIT + layout::expr::FIRST) != 0 {
                return Err(malformed(at, "table initialiser"));
            }
        }
        Ok(())
    }

    fn check_memories(&self) -> Result<()> {
        use layout::{limits, memory as mem};
        for (at, r) in self.records(Region::Memories) {
            let flags = r.u8(mem::FLAGS);
            if flags & limits::SHARED != 0 {
                return Err(MetaError::Unsupported("shared memories"));
            }
            let address64 = flags & limits::INDEX64 != 0;
            if address64 && !cfg!(feature = "memory64") {
                return Err(MetaError::Unsupported(MEMORY64_DISABLED));
            }
            // Custom page sizes: 1-byte or 64 KiB pages.
            let ty = MemoryType {
                limits: Limits { min: 0, max: None },
                page_size_log2: r.u8(mem::PAGE_SIZE_LOG2),
                address64,
            };
            if !matches!(ty.page_size_log2, 0 | PAGE_SIZE_LOG2) {
                return Err(MetaError::Unsupported(
                    "page sizes other than 1 byte and 64 KiB",
                ));
            }
            if flags & !(limits::HAS_MAX | limits::INDEX64) != 0 || !r.zero(mem::RESERVED, 6) {
                return Err(malformed(at, "memory flags or reserved bytes"));
            }
            check_limits(
                r,
                flags,
                (mem::MIN, mem::MAX),
                ty.max_pages(),
                if address64 {
                    "memory size must be at most 2^64 bytes"
                } else {
                    "memory size must be at most 4 GiB"
                },
                at,
            )?;
        }
        Ok(())
    }

    fn check_globals(&mut self) -> Result<()> {
        use layout::global as g;
        let imported = self.num_imported_globals();
        for (i, (at, r)) in (0u32..).zip(self.records(Region::Globals)) {
            let ty = val_type(r.u8(g::TYPE)).map_err(|e| at_offset(e, at))?;
            self.uses_float |= ty.is_float();
            if r.u8(g::MUTABLE) > 1 || !r.zero(g::RESERVED, 2) {
                return Err(malformed(at, "global mutability or reserved bytes"));
            }
            if i < imported {
                if !r.zero(g::INIT, layout::expr::SIZE) {
                    return Err(malformed(at, "an imported global has an initialiser"));
                }
            } else {
                self.check_expr(r, g::INIT, ty, i, at)?;
            }
        }
        Ok(())
    }

    fn check_exports(&self) -> Result<()> {
        use layout::export as e;
        for (at, r) in self.records(Region::Exports) {
            self.check_str(r, e::NAME, e::NAME_LEN, at)?;
            let kind = r.u8(e::KIND);
            let space = match extern_kind(kind) {
                Some(k) => self.space(k),
                None if kind == 4 => return Err(MetaError::Unsupported("exception tags")),
                None => return Err(malformed(at, "export kind")),
            };
            if !r.zero(e::RESERVED, 3) {
                return Err(malformed(at, "reserved bytes of an export"));
            }
            if r.u32(e::INDEX) >= space {
                return Err(malformed(at, "export index out of range"));
            }
        }
        Ok(())
    }

    fn check_start(&self) -> Result<()> {
        if self.start == layout::NO_START {
            return Ok(());
        }
        match self.func_type_of(self.start) {
            None => Err(malformed(
                layout::H_START,
                "start function index out of range",
            )),
            Some(t) if t.param_count() != 0 || t.result_count() != 0 => Err(malformed(
                layout::H_START,
                "the start function takes parameters or returns results",
            )),
            Some(_) => Ok(()),
        }
    }

    /// Segments own consecutive runs of the items region, in order, so every item is
    /// checked once.
    fn check_elements(&self) -> Result<()> {
        use layout::{elem as e, items, seg_mode};
        let all = self.num_globals();
        let items_span = self.span(Region::Items);
        let mut next_word = 0u64;
        for (at, r) in self.records(Region::Elems) {
            let ty = val_type(r.u8(e::ELEMENT)).map_err(|err| at_offset(err, at))?;
            let form = r.u8(e::FORM);
            let funcs = match form {
                items::FUNCS if ty == ValType::FuncRef => true,
                items::EXPRS if ty.is_ref() => false,
                _ => return Err(malformed(at, "element segment type or item form")),
            };
            if !r.zero(e::RESERVED, 1) {
                return Err(malformed(at, "reserved bytes of an element segment"));
            }
            match r.u8(e::MODE) {
                seg_mode::ACTIVE => {
                    let table = self.table(r.u32(e::TABLE));
                    let Some(table) = table.filter(|t| t.element == ty) else {
                        return Err(malformed(
                            at,
                            "element segment table out of range or of another type",
                        ));
                    };
                    self.check_expr(r, e::OFFSET, table.address_type(), all, at)?;
                }
                seg_mode::PASSIVE | seg_mode::DECLARED => {
                    if r.u32(e::TABLE) != 0 || !r.zero(e::OFFSET, layout::expr::SIZE) {
                        return Err(malformed(
                            at,
                            "table or offset of a passive or declared element segment",
                        ));
                    }
                }
                _ => return Err(malformed(at, "element segment mode")),
            }
            let count = r.u32(e::ITEM_COUNT);
            let per_item: u64 = if funcs { 1 } else { 2 };
            let words = u64::from(count) * per_item;
            if u64::from(r.u32(e::ITEMS)) != next_word
                || next_word + words > u64::from(items_span.count)
            {
                return Err(malformed(
                    at,
                    "element items out of order or outside their region",
                ));
            }
            for k in 0..u64::from(count) {
                let item = items_rec(self.bytes, items_span, next_word + k * per_item, per_item);
                if funcs {
                    if item.u32(0) >= self.num_funcs() {
                        return Err(malformed(at, "element function index out of range"));
                    }
                } else {
                    self.check_expr(item, 0, ty, all, at)?;
                }
            }
            next_word += words;
        }
        if next_word != u64::from(items_span.count) {
            return Err(malformed(
                items_span.offset as usize,
                "element items not owned by a segment",
            ));
        }
        Ok(())
    }

    fn check_datas(&self) -> Result<()> {
        use layout::{data as d, seg_mode};
        let all = self.num_globals();
        for (at, r) in self.records(Region::Datas) {
            if !r.zero(d::RESERVED, 3) {
                return Err(malformed(at, "reserved bytes of a data segment"));
            }
            match r.u8(d::MODE) {
                seg_mode::ACTIVE => {
                    let Some(memory) = self.memory(r.u32(d::MEMORY)) else {
                        return Err(malformed(at, "data segment memory out of range"));
                    };
                    self.check_expr(r, d::OFFSET, memory.address_type(), all, at)?;
                }
                seg_mode::PASSIVE => {
                    if r.u32(d::MEMORY) != 0 || !r.zero(d::OFFSET, layout::expr::SIZE) {
                        return Err(malformed(at, "memory or offset of a passive data segment"));
                    }
                }
                _ => return Err(malformed(at, "data segment mode")),
            }
            if !self.inside(Region::Data, r.u32(d::BYTES), u64::from(r.u32(d::LEN))) {
                return Err(malformed(at, "data segment bytes outside the data region"));
            }
        }
        Ok(())
    }

    /// The constant expression referenced at `field` of record `r` (at `at`), of type
    /// `want`: its instructions (one, or an extended expression's several, whose stack
    /// never holds more than `MAX_CONST_DEPTH` values) read only immutable globals below
    /// `globals_below` (earlier or imported ones in an initialiser, as the spec allows).
    fn check_expr(
        &self,
        r: Rec<'_>,
        field: usize,
        want: ValType,
        globals_below: u32,
        at: usize,
    ) -> Result<ConstExpr> {
        let first = r.u32(field + layout::expr::FIRST);
        let count = r.u32(field + layout::expr::COUNT);
        if count == 0 {
            return Err(malformed(at, "missing constant expression"));
        }
        if count > 1 && !cfg!(feature = "extended-const") {
            return Err(MetaError::Unsupported(
                "extended constant expressions (mote-core built without `extended-const`)",
            ));
        }
        let mut stack = [ValType::I32; MAX_CONST_DEPTH];
        let mut depth = 0;
        let mut single = None;
        for i in 0..count {
            let index = first
                .checked_add(i)
                .ok_or(malformed(at, "constant expression outside the ops region"))?;
            let (op, ty) = self.check_op(index, globals_below, at)?;
            match op {
                ConstExpr::Binary(bin) => {
                    let ty = bin.ty();
                    if depth < 2 || stack[depth - 1] != ty || stack[depth - 2] != ty {
                        return Err(malformed(
                            at,
                            "constant expression operands of the wrong type",
                        ));
                    }
                    depth -= 1;
                }
                _ if depth == MAX_CONST_DEPTH => {
                    return Err(MetaError::Unsupported("constant expressions this deep"))
                }
                _ => {
                    stack[depth] = ty;
                    depth += 1;
                }
            }
            single = Some(op);
        }
        if depth != 1 || stack[0] != want {
            return Err(malformed(at, "constant expression of the wrong type"));
        }
        match (count, single) {
            (1, Some(op)) => Ok(op),
            _ => Ok(ConstExpr::Extended { first, count }),
        }
    }

    /// Constant instruction `index` of the ops region, and the type it pushes (a binary
    /// operator's result).
    fn check_op(&self, index: u32, globals_below: u32, at: usize) -> Result<(ConstExpr, ValType)> {
        use layout::opcode as o;
        let ops = self.span(Region::Ops);
        let Some(op) = record(self.bytes, ops, layout::op::SIZE, index) else {
            return Err(malformed(at, "constant expression outside the ops region"));
        };
        let op_at = ops.offset as usize + index as usize * layout::op::SIZE;
        let opcode = op.u16(layout::op::OPCODE);
        if opcode == o::V128_CONST {
            return Err(MetaError::Unsupported("v128 constants (SIMD)"));
        }
        if !op.zero(layout::op::RESERVED, 6) {
            return Err(malformed(op_at, "reserved bytes of a constant instruction"));
        }
        let imm = op.u64(layout::op::IMMEDIATE);
        let fits32 = imm >> 32 == 0;
        if let Some(bin) = ConstBinOp::from_opcode(opcode) {
            if imm != 0 {
                return Err(malformed(
                    op_at,
                    "immediate of a constant arithmetic instruction",
                ));
            }
            return Ok((ConstExpr::Binary(bin), bin.ty()));
        }
        let ty = match opcode {
            o::I32_CONST if fits32 => ValType::I32,
            o::I64_CONST => ValType::I64,
            o::F32_CONST if fits32 => ValType::F32,
            o::F64_CONST => ValType::F64,
            o::REF_NULL => match val_type(imm as u8) {
                Ok(t) if t.is_ref() && imm >> 8 == 0 => t,
                _ => return Err(malformed(op_at, "ref.null type")),
            },
            o::REF_FUNC if fits32 && (imm as u32) < self.num_funcs() => ValType::FuncRef,
            o::REF_FUNC => return Err(malformed(op_at, "ref.func index out of range")),
            o::GLOBAL_GET => match self.global(imm as u32) {
                Some(g) if fits32 && (imm as u32) < globals_below && !g.ty.mutable => g.ty.content,
                _ => {
                    return Err(malformed(
                        op_at,
                        "global.get of a later, mutable or unknown global in a constant expression",
                    ))
                }
            },
            o::I32_CONST | o::F32_CONST => {
                return Err(malformed(op_at, "32-bit constant with upper bits set"))
            }
            _ => return Err(malformed(op_at, "not a constant instruction")),
        };
        let op = decode_op(op).ok_or(malformed(op_at, "not a constant instruction"))?;
        Ok((op, ty))
    }
}

/// Limits of a table or memory: no maximum field without `HAS_MAX`, min ≤ max ≤ `limit`.
/// Why a file with a 64-bit memory or table is refused by a build without memory64.
const MEMORY64_DISABLED: &str = "the memory64 proposal is not enabled in this build";

fn check_limits(
    r: Rec<'_>,
    flags: u8,
    (min, max): (usize, usize),
    limit: u64,
    too_large: &'static str,
    at: usize,
) -> Result<()> {
    let (lo, hi) = (r.u64(min), r.u64(max));
    let has_max = flags & layout::limits::HAS_MAX != 0;
    if !has_max && hi != 0 {
        return Err(malformed(at, "maximum without the has-maximum flag"));
    }
    if has_max && lo > hi {
        return Err(malformed(
            at,
            "size minimum must not be greater than maximum",
        ));
    }
    if lo > limit || hi > limit {
        return Err(malformed(at, too_large));
    }
    Ok(())
}

/// `words` words of the items region from word `word` (checked in range by the caller).
fn items_rec(bytes: &[u8], items: Span, word: u64, words: u64) -> Rec<'_> {
    let start = items.offset as usize + word as usize * 4;
    Rec(bytes
        .get(start..)
        .and_then(|b| b.get(..words as usize * 4))
        .unwrap_or(&[]))
}

/// `e` with its offset set (value-type errors come without one).
fn at_offset(e: MetaError, offset: usize) -> MetaError {
    match e {
        MetaError::Malformed { what, .. } => MetaError::Malformed { offset, what },
        e => e,
    }
}
