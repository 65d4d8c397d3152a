//! A zero-copy, no-heap reader for the `.aot` metadata section: the original Wasm binary
//! with every function body replaced by `unreachable` (see `aotc::metadata`).
//!
//! It reads what a runtime without a heap needs to instantiate the module: types,
//! imports, functions, tables, memories, globals, exports, start, element and data
//! segments and their constant expressions. Everything is borrowed from the input;
//! nothing is allocated. [`Meta::parse`] walks every section it knows once, so the
//! iterators afterwards only fail on bytes that changed in between (they cannot: the
//! input is borrowed), but every read stays bounds-checked and returns [`MetaError`]
//! instead of panicking.
//!
//! The metadata was validated by `aotc` and is covered by the file checksum, so this is
//! not a validator: it checks structure (lengths, LEB encodings, known opcodes and
//! type bytes, index ranges where a wrong one would make a runtime misbehave) and
//! refuses what a no-heap runtime does not support with [`MetaError::Unsupported`]:
//! GC and typed-reference types, `v128`, shared and 64-bit memories, 64-bit tables,
//! exception tags and extended constant expressions.

use core::fmt;

pub use crate::types::{ConstExpr, DataMode, ElemMode};
use crate::types::{ExternKind, GlobalType, Limits, ValType};

/// Why the metadata could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaError {
    /// The bytes end inside an item that starts before `offset`.
    Truncated { offset: usize },
    /// Malformed bytes at `offset` (named problem).
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
/// modules that use floating point (the `.aot` header's `feature::FLOAT` bit).
pub const FLOAT_SUPPORT: bool = cfg!(feature = "float");

/// A cursor over the module bytes. Positions are absolute offsets into the module, so a
/// runtime can remember where an item starts and come back to it.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes[pos..end]`; out-of-range bounds read as empty.
    pub fn new(bytes: &'a [u8], pos: usize, end: usize) -> Reader<'a> {
        let end = end.min(bytes.len());
        Reader {
            bytes,
            pos: pos.min(end),
            end,
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    fn malformed(&self, what: &'static str) -> MetaError {
        MetaError::Malformed {
            offset: self.pos,
            what,
        }
    }

    pub fn u8(&mut self) -> Result<u8> {
        if self.pos >= self.end {
            return Err(MetaError::Truncated { offset: self.pos });
        }
        let b = self.bytes[self.pos];
        self.pos += 1;
        Ok(b)
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.end)
            .ok_or(MetaError::Truncated { offset: self.pos })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// Unsigned LEB128 of at most 32 bits.
    pub fn u32(&mut self) -> Result<u32> {
        let start = self.pos;
        let mut result: u32 = 0;
        for i in 0..5 {
            let b = self.u8()?;
            if i == 4 && b & 0xf0 != 0 {
                self.pos = start;
                return Err(self.malformed("integer too large"));
            }
            result |= u32::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(result);
            }
        }
        self.pos = start;
        Err(self.malformed("integer representation too long"))
    }

    /// Signed LEB128 of at most `bits` bits (32 or 64), sign-extended.
    fn signed(&mut self, bits: u32) -> Result<i64> {
        let start = self.pos;
        let max_bytes = bits.div_ceil(7);
        let mut result: i64 = 0;
        let mut shift = 0u32;
        for i in 0..max_bytes {
            let b = self.u8()?;
            if i == max_bytes - 1 {
                // The unused bits of the last byte must all equal the sign bit.
                let used = bits - 7 * i;
                let rest = (b & 0x7f) >> (used - 1);
                let all = 0x7f >> (used - 1);
                if b & 0x80 != 0 || (rest != 0 && rest != all) {
                    self.pos = start;
                    return Err(self.malformed("integer too large"));
                }
            }
            result |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    result |= -1i64 << shift;
                }
                return Ok(result);
            }
        }
        self.pos = start;
        Err(self.malformed("integer representation too long"))
    }

    pub fn i32(&mut self) -> Result<i32> {
        // In range by construction: at most 32 significant bits, sign-extended.
        self.signed(32).map(|v| v as i32)
    }

    pub fn i64(&mut self) -> Result<i64> {
        self.signed(64)
    }

    /// A length-prefixed UTF-8 name.
    pub fn name(&mut self) -> Result<&'a str> {
        let n = self.u32()? as usize;
        let start = self.pos;
        let b = self.bytes(n)?;
        core::str::from_utf8(b).map_err(|_| MetaError::Malformed {
            offset: start,
            what: "name is not UTF-8",
        })
    }

    /// A vector count, refused when it cannot fit in the remaining bytes (each item
    /// takes at least `min_item` bytes).
    fn count(&mut self, min_item: usize) -> Result<u32> {
        let start = self.pos;
        let n = self.u32()?;
        if (n as usize).saturating_mul(min_item) > self.end - self.pos {
            return Err(MetaError::Malformed {
                offset: start,
                what: "count larger than its section",
            });
        }
        Ok(n)
    }

    pub fn val_type(&mut self) -> Result<ValType> {
        let b = self.u8()?;
        val_type(b).map_err(|e| match e {
            MetaError::Malformed { what, .. } => MetaError::Malformed {
                offset: self.pos - 1,
                what,
            },
            e => e,
        })
    }

    fn ref_type(&mut self) -> Result<ValType> {
        let t = self.val_type()?;
        if !t.is_ref() {
            self.pos -= 1;
            return Err(self.malformed("not a reference type"));
        }
        Ok(t)
    }

    fn limits(&mut self, table: bool) -> Result<Limits> {
        let flags = self.u8()?;
        let (min, max) = match flags {
            0x00 => (self.u32()?, None),
            0x01 => {
                let min = self.u32()?;
                (min, Some(self.u32()?))
            }
            0x02 | 0x03 => return Err(MetaError::Unsupported("shared memories")),
            0x04..=0x07 => {
                return Err(MetaError::Unsupported(if table {
                    "64-bit tables"
                } else {
                    "64-bit memories"
                }))
            }
            0x08..=0x0f => return Err(MetaError::Unsupported("custom page sizes")),
            _ => {
                self.pos -= 1;
                return Err(self.malformed("limits flags"));
            }
        };
        Ok(Limits {
            min: u64::from(min),
            max: max.map(u64::from),
        })
    }

    fn table_type(&mut self) -> Result<TableType> {
        if self.pos < self.end && self.bytes[self.pos] == 0x40 {
            return Err(MetaError::Unsupported(
                "tables with an initialiser expression",
            ));
        }
        let element = self.ref_type()?;
        let limits = self.limits(true)?;
        Ok(TableType { element, limits })
    }

    fn global_type(&mut self) -> Result<GlobalType> {
        let content = self.val_type()?;
        let mutable = match self.u8()? {
            0 => false,
            1 => true,
            _ => {
                self.pos -= 1;
                return Err(self.malformed("global mutability"));
            }
        };
        Ok(GlobalType { content, mutable })
    }

    /// A constant expression: one instruction and `end`.
    pub fn const_expr(&mut self) -> Result<ConstExpr> {
        let at = self.pos;
        let e = match self.u8()? {
            0x41 => ConstExpr::I32(self.i32()?),
            0x42 => ConstExpr::I64(self.i64()?),
            0x43 => ConstExpr::F32(u32::from_le_bytes(array(self.bytes(4)?))),
            0x44 => ConstExpr::F64(u64::from_le_bytes(array(self.bytes(8)?))),
            0x23 => ConstExpr::GlobalGet(self.u32()?),
            0xd0 => ConstExpr::RefNull(self.ref_type()?),
            0xd2 => ConstExpr::RefFunc(self.u32()?),
            0xfd => return Err(MetaError::Unsupported("v128 constants (SIMD)")),
            0x6a | 0x6b | 0x6c | 0x7c | 0x7d | 0x7e => {
                return Err(MetaError::Unsupported("extended constant expressions"))
            }
            0x0b => {
                return Err(MetaError::Malformed {
                    offset: at,
                    what: "empty constant expression",
                })
            }
            _ => {
                return Err(MetaError::Malformed {
                    offset: at,
                    what: "not a constant instruction",
                })
            }
        };
        match self.u8()? {
            0x0b => Ok(e),
            0x6a | 0x6b | 0x6c | 0x7c | 0x7d | 0x7e | 0x23 | 0x41 | 0x42 => {
                Err(MetaError::Unsupported("extended constant expressions"))
            }
            _ => {
                self.pos -= 1;
                Err(self.malformed("constant expression has more than one instruction"))
            }
        }
    }
}

fn array<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0; N];
    a.copy_from_slice(b);
    a
}

/// The value type of one type byte (single-byte encodings only).
pub fn val_type(b: u8) -> Result<ValType> {
    Ok(match b {
        0x7f => ValType::I32,
        0x7e => ValType::I64,
        0x7d => ValType::F32,
        0x7c => ValType::F64,
        0x70 => ValType::FuncRef,
        0x6f => ValType::ExternRef,
        0x7b => return Err(MetaError::Unsupported("v128 values (SIMD)")),
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

/// A function type whose parameter and result types are single bytes (checked by
/// [`Meta::parse`]); structural equality is byte equality.
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
        // Every byte was checked by `Meta::parse`; an unknown one cannot occur, and
        // reading it as i32 would only ever affect a signature comparison.
        self.0.next().map(|&b| val_type(b).unwrap_or(ValType::I32))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for ValTypes<'_> {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub element: ValType,
    pub limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportDesc {
    Func(u32),
    Table(TableType),
    Memory(Limits),
    Global(GlobalType),
}

impl ImportDesc {
    pub fn kind(&self) -> ExternKind {
        match self {
            ImportDesc::Func(_) => ExternKind::Func,
            ImportDesc::Table(_) => ExternKind::Table,
            ImportDesc::Memory(_) => ExternKind::Memory,
            ImportDesc::Global(_) => ExternKind::Global,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import<'a> {
    pub module: &'a str,
    pub name: &'a str,
    pub desc: ImportDesc,
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
    pub init: ConstExpr,
}

/// The items of an element segment: function indices or constant expressions.
#[derive(Debug, Clone, Copy)]
pub struct ElemItems<'a> {
    reader: Reader<'a>,
    count: u32,
    exprs: bool,
}

impl<'a> ElemItems<'a> {
    /// Items stored at `offset` (from [`ElemItems::offset`]) of `module`.
    pub fn at(module: &'a [u8], offset: usize, count: u32, exprs: bool) -> ElemItems<'a> {
        ElemItems {
            reader: Reader::new(module, offset, module.len()),
            count,
            exprs,
        }
    }

    /// Where the first item starts in the module.
    pub fn offset(&self) -> usize {
        self.reader.pos
    }

    /// Items left (all of them before iterating).
    pub fn item_count(&self) -> u32 {
        self.count
    }

    /// Whether items are constant expressions (else plain function indices).
    pub fn are_exprs(&self) -> bool {
        self.exprs
    }
}

impl Iterator for ElemItems<'_> {
    type Item = Result<ConstExpr>;
    fn next(&mut self) -> Option<Result<ConstExpr>> {
        if self.count == 0 {
            return None;
        }
        self.count -= 1;
        let item = if self.exprs {
            self.reader.const_expr()
        } else {
            self.reader.u32().map(ConstExpr::RefFunc)
        };
        if item.is_err() {
            self.count = 0;
        }
        Some(item)
    }
}

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
    /// Offset of `bytes` in the module.
    pub offset: usize,
}

/// One section's vector: item count, where the first item starts and where the section
/// ends (absent sections are empty). Offsets fit u32: `Meta::parse` refuses larger input.
#[derive(Debug, Clone, Copy, Default)]
struct Vector {
    count: u32,
    pos: u32,
    end: u32,
}

/// Iterator over a section's items; yields one error and stops on malformed bytes.
pub struct Items<'a, T> {
    count: u32,
    reader: Reader<'a>,
    parse: fn(&mut Reader<'a>) -> Result<T>,
}

impl<T> Iterator for Items<'_, T> {
    type Item = Result<T>;
    fn next(&mut self) -> Option<Result<T>> {
        if self.count == 0 {
            return None;
        }
        self.count -= 1;
        let item = (self.parse)(&mut self.reader);
        if item.is_err() {
            self.count = 0;
        }
        Some(item)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.count as usize))
    }
}

/// Section ids of the Wasm binary format.
mod id {
    pub const CUSTOM: u8 = 0;
    pub const TYPE: u8 = 1;
    pub const IMPORT: u8 = 2;
    pub const FUNCTION: u8 = 3;
    pub const TABLE: u8 = 4;
    pub const MEMORY: u8 = 5;
    pub const GLOBAL: u8 = 6;
    pub const EXPORT: u8 = 7;
    pub const START: u8 = 8;
    pub const ELEMENT: u8 = 9;
    pub const CODE: u8 = 10;
    pub const DATA: u8 = 11;
    pub const DATA_COUNT: u8 = 12;
    pub const TAG: u8 = 13;
}

/// A function type entry: `0x60 params results`; returns the type and leaves the
/// reader after it.
fn parse_type<'a>(r: &mut Reader<'a>) -> Result<FuncType<'a>> {
    let at = r.pos;
    match r.u8()? {
        0x60 => {}
        0x4e | 0x4f | 0x50 | 0x5e | 0x5f => {
            return Err(MetaError::Unsupported("GC types (rec, sub, struct, array)"))
        }
        _ => {
            return Err(MetaError::Malformed {
                offset: at,
                what: "not a function type",
            })
        }
    }
    let mut list = || -> Result<&'a [u8]> {
        let n = r.count(1)? as usize;
        let start = r.pos;
        for _ in 0..n {
            r.val_type()?;
        }
        Ok(&r.bytes[start..r.pos])
    };
    let params = list()?;
    let results = list()?;
    Ok(FuncType { params, results })
}

fn parse_import<'a>(r: &mut Reader<'a>) -> Result<Import<'a>> {
    let module = r.name()?;
    let name = r.name()?;
    let at = r.pos;
    let desc = match r.u8()? {
        0x00 => ImportDesc::Func(r.u32()?),
        0x01 => ImportDesc::Table(r.table_type()?),
        0x02 => ImportDesc::Memory(r.limits(false)?),
        0x03 => ImportDesc::Global(r.global_type()?),
        0x04 => return Err(MetaError::Unsupported("exception tags")),
        _ => {
            return Err(MetaError::Malformed {
                offset: at,
                what: "import kind",
            })
        }
    };
    Ok(Import { module, name, desc })
}

fn parse_export<'a>(r: &mut Reader<'a>) -> Result<Export<'a>> {
    let name = r.name()?;
    let at = r.pos;
    let kind = match r.u8()? {
        0x00 => ExternKind::Func,
        0x01 => ExternKind::Table,
        0x02 => ExternKind::Memory,
        0x03 => ExternKind::Global,
        0x04 => return Err(MetaError::Unsupported("exception tags")),
        _ => {
            return Err(MetaError::Malformed {
                offset: at,
                what: "export kind",
            })
        }
    };
    Ok(Export {
        name,
        kind,
        index: r.u32()?,
    })
}

fn parse_global(r: &mut Reader<'_>) -> Result<Global> {
    let ty = r.global_type()?;
    let init = r.const_expr()?;
    Ok(Global { ty, init })
}

fn parse_element<'a>(r: &mut Reader<'a>) -> Result<Element<'a>> {
    let at = r.pos;
    let flags = r.u32()?;
    if flags > 7 {
        return Err(MetaError::Malformed {
            offset: at,
            what: "element segment flags",
        });
    }
    let exprs = flags & 4 != 0;
    let mode = if flags & 1 == 0 {
        let table = if flags & 2 != 0 { r.u32()? } else { 0 };
        ElemMode::Active {
            table,
            offset: r.const_expr()?,
        }
    } else if flags & 2 == 0 {
        ElemMode::Passive
    } else {
        ElemMode::Declared
    };
    // Flags 0 and 4 carry neither element kind nor type: funcref.
    let ty = if flags & 3 == 0 {
        ValType::FuncRef
    } else if exprs {
        r.ref_type()?
    } else {
        let k = r.pos;
        if r.u8()? != 0x00 {
            return Err(MetaError::Malformed {
                offset: k,
                what: "element kind",
            });
        }
        ValType::FuncRef
    };
    let count = r.count(1)?;
    let mut items = ElemItems {
        reader: *r,
        count,
        exprs,
    };
    // Walk the items once so the segment's end (and every item) is known to be good.
    for item in &mut items {
        let ok = match item? {
            ConstExpr::RefNull(t) => t == ty,
            ConstExpr::RefFunc(_) => ty == ValType::FuncRef,
            ConstExpr::GlobalGet(_) => true,
            _ => false,
        };
        if !ok {
            return Err(MetaError::Malformed {
                offset: at,
                what: "element item type",
            });
        }
    }
    let start = r.pos;
    r.pos = items.reader.pos;
    Ok(Element {
        mode,
        ty,
        items: ElemItems {
            reader: Reader::new(r.bytes, start, r.end),
            count,
            exprs,
        },
    })
}

fn parse_data<'a>(r: &mut Reader<'a>) -> Result<Data<'a>> {
    let at = r.pos;
    let mode = match r.u32()? {
        0 => DataMode::Active {
            memory: 0,
            offset: r.const_expr()?,
        },
        1 => DataMode::Passive,
        2 => {
            let memory = r.u32()?;
            DataMode::Active {
                memory,
                offset: r.const_expr()?,
            }
        }
        _ => {
            return Err(MetaError::Malformed {
                offset: at,
                what: "data segment flags",
            })
        }
    };
    let n = r.u32()? as usize;
    let offset = r.pos;
    let bytes = r.bytes(n)?;
    Ok(Data {
        mode,
        bytes,
        offset,
    })
}

fn parse_limits_memory(r: &mut Reader<'_>) -> Result<Limits> {
    r.limits(false)
}

fn parse_table(r: &mut Reader<'_>) -> Result<TableType> {
    r.table_type()
}

fn parse_func(r: &mut Reader<'_>) -> Result<u32> {
    r.u32()
}

/// The parsed module: where each section's items are, and the counts a runtime sizes
/// its state from.
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    bytes: &'a [u8],
    types: Vector,
    imports: Vector,
    functions: Vector,
    tables: Vector,
    memories: Vector,
    globals: Vector,
    exports: Vector,
    elements: Vector,
    datas: Vector,
    start: Option<u32>,
    pub num_types: u32,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    /// Functions, imported ones first.
    pub num_funcs: u32,
    pub num_tables: u32,
    pub num_memories: u32,
    pub num_globals: u32,
    pub num_elements: u32,
    pub num_datas: u32,
    /// Largest `max(params, results)` over all types: the cells any call needs.
    pub max_arity: u32,
}

fn each<'a, T>(
    bytes: &'a [u8],
    v: Vector,
    parse: fn(&mut Reader<'a>) -> Result<T>,
) -> Items<'a, T> {
    Items {
        count: v.count,
        reader: Reader::new(bytes, v.pos as usize, v.end as usize),
        parse,
    }
}

fn check_all<'a, T>(
    bytes: &'a [u8],
    v: Vector,
    parse: fn(&mut Reader<'a>) -> Result<T>,
    mut check: impl FnMut(usize, T) -> Result<()>,
) -> Result<()> {
    let mut r = Reader::new(bytes, v.pos as usize, v.end as usize);
    for i in 0..v.count as usize {
        let item = parse(&mut r)?;
        check(i, item)?;
    }
    if r.pos != v.end as usize {
        return Err(MetaError::Malformed {
            offset: r.pos,
            what: "section size mismatch",
        });
    }
    Ok(())
}

impl<'a> Meta<'a> {
    /// Reads the section layout and checks every section this reader knows.
    pub fn parse(bytes: &'a [u8]) -> Result<Meta<'a>> {
        if bytes.len() < 8 {
            return Err(MetaError::Truncated {
                offset: bytes.len(),
            });
        }
        if bytes[..4] != *b"\0asm" {
            return Err(MetaError::Malformed {
                offset: 0,
                what: "not a WebAssembly module",
            });
        }
        if u32::try_from(bytes.len()).is_err() {
            return Err(MetaError::Unsupported("module metadata larger than 4 GiB"));
        }
        if bytes[4..8] != [1, 0, 0, 0] {
            return Err(MetaError::Malformed {
                offset: 4,
                what: "unsupported WebAssembly version",
            });
        }
        let mut m = Meta {
            bytes,
            types: Vector::default(),
            imports: Vector::default(),
            functions: Vector::default(),
            tables: Vector::default(),
            memories: Vector::default(),
            globals: Vector::default(),
            exports: Vector::default(),
            elements: Vector::default(),
            datas: Vector::default(),
            start: None,
            num_types: 0,
            num_imported_funcs: 0,
            num_imported_tables: 0,
            num_imported_memories: 0,
            num_imported_globals: 0,
            num_funcs: 0,
            num_tables: 0,
            num_memories: 0,
            num_globals: 0,
            num_elements: 0,
            num_datas: 0,
            max_arity: 0,
        };
        let mut seen: u16 = 0;
        let mut r = Reader::new(bytes, 8, bytes.len());
        let mut code_count = None;
        while !r.is_empty() {
            let at = r.pos;
            let sid = r.u8()?;
            let size = r.u32()? as usize;
            let start = r.pos;
            let end = start
                .checked_add(size)
                .filter(|&e| e <= bytes.len())
                .ok_or(MetaError::Truncated { offset: at })?;
            if sid != id::CUSTOM {
                if sid > id::TAG {
                    return Err(MetaError::Malformed {
                        offset: at,
                        what: "unknown section id",
                    });
                }
                if seen & (1 << sid) != 0 {
                    return Err(MetaError::Malformed {
                        offset: at,
                        what: "duplicate section",
                    });
                }
                seen |= 1 << sid;
            }
            let mut s = Reader::new(bytes, start, end);
            let min_item = match sid {
                id::TYPE => 3,
                id::IMPORT => 4,
                id::FUNCTION | id::EXPORT | id::ELEMENT | id::DATA | id::CODE => 1,
                id::TABLE | id::MEMORY => 2,
                id::GLOBAL => 4,
                _ => 0,
            };
            let vector = |s: &mut Reader<'a>| -> Result<Vector> {
                let count = s.count(min_item)?;
                // Both fit u32: the input length was checked above.
                Ok(Vector {
                    count,
                    pos: s.pos as u32,
                    end: end as u32,
                })
            };
            match sid {
                id::CUSTOM => {}
                id::TYPE => m.types = vector(&mut s)?,
                id::IMPORT => m.imports = vector(&mut s)?,
                id::FUNCTION => m.functions = vector(&mut s)?,
                id::TABLE => m.tables = vector(&mut s)?,
                id::MEMORY => m.memories = vector(&mut s)?,
                id::GLOBAL => m.globals = vector(&mut s)?,
                id::EXPORT => m.exports = vector(&mut s)?,
                id::START => {
                    m.start = Some(s.u32()?);
                    if s.pos != end {
                        return Err(MetaError::Malformed {
                            offset: s.pos,
                            what: "section size mismatch",
                        });
                    }
                }
                id::ELEMENT => m.elements = vector(&mut s)?,
                id::CODE => code_count = Some(s.count(1)?),
                id::DATA => m.datas = vector(&mut s)?,
                id::DATA_COUNT => {
                    s.u32()?;
                }
                id::TAG => return Err(MetaError::Unsupported("exception tags")),
                _ => {}
            }
            r.pos = end;
        }

        // Types, and the arity every call needs.
        let mut max_arity = 0u32;
        check_all(bytes, m.types, parse_type, |_, t| {
            max_arity = max_arity.max(t.params.len().max(t.results.len()) as u32);
            Ok(())
        })?;
        m.max_arity = max_arity;
        m.num_types = m.types.count;
        let num_types = m.num_types;
        let bad_index = |what| MetaError::Malformed { offset: 0, what };

        let (mut f, mut t, mut mem, mut g) = (0u32, 0u32, 0u32, 0u32);
        check_all(bytes, m.imports, parse_import, |_, i| {
            match i.desc {
                ImportDesc::Func(ty) if ty >= num_types => {
                    return Err(bad_index("import type index out of range"))
                }
                ImportDesc::Func(_) => f += 1,
                ImportDesc::Table(_) => t += 1,
                ImportDesc::Memory(_) => mem += 1,
                ImportDesc::Global(_) => g += 1,
            }
            Ok(())
        })?;
        m.num_imported_funcs = f;
        m.num_imported_tables = t;
        m.num_imported_memories = mem;
        m.num_imported_globals = g;

        check_all(bytes, m.functions, parse_func, |_, ty| {
            if ty >= num_types {
                return Err(bad_index("function type index out of range"));
            }
            Ok(())
        })?;
        let defined = m.functions.count;
        if code_count.unwrap_or(0) != defined {
            return Err(bad_index("function and code section counts differ"));
        }
        m.num_funcs = f
            .checked_add(defined)
            .ok_or(bad_index("too many functions"))?;
        check_all(bytes, m.tables, parse_table, |_, _| Ok(()))?;
        m.num_tables = t + m.tables.count;
        check_all(bytes, m.memories, parse_limits_memory, |_, _| Ok(()))?;
        m.num_memories = mem + m.memories.count;
        let num_funcs = m.num_funcs;
        let imported_globals = g;
        let check_expr = |e: ConstExpr, globals: u32| match e {
            ConstExpr::GlobalGet(i) if i >= globals => Err(bad_index(
                "global.get in a constant expression of a later global",
            )),
            ConstExpr::RefFunc(i) if i >= num_funcs => {
                Err(bad_index("ref.func index out of range"))
            }
            _ => Ok(()),
        };
        check_all(bytes, m.globals, parse_global, |i, gl| {
            check_expr(gl.init, imported_globals + i as u32)
        })?;
        m.num_globals = g + m.globals.count;
        let num_globals = m.num_globals;
        let (num_tables, num_memories) = (m.num_tables, m.num_memories);
        check_all(bytes, m.exports, parse_export, |_, e| {
            let limit = match e.kind {
                ExternKind::Func => num_funcs,
                ExternKind::Table => num_tables,
                ExternKind::Memory => num_memories,
                ExternKind::Global => num_globals,
            };
            if e.index >= limit {
                return Err(bad_index("export index out of range"));
            }
            Ok(())
        })?;
        if let Some(s) = m.start {
            if s >= num_funcs {
                return Err(bad_index("start function index out of range"));
            }
        }
        check_all(bytes, m.elements, parse_element, |_, e| {
            if let ElemMode::Active { table, offset } = e.mode {
                if table >= num_tables {
                    return Err(bad_index("element segment table out of range"));
                }
                check_expr(offset, num_globals)?;
            }
            for item in e.items {
                check_expr(item?, num_globals)?;
            }
            Ok(())
        })?;
        m.num_elements = m.elements.count;
        check_all(bytes, m.datas, parse_data, |_, d| {
            if let DataMode::Active { memory, offset } = d.mode {
                if memory >= num_memories {
                    return Err(bad_index("data segment memory out of range"));
                }
                check_expr(offset, num_globals)?;
            }
            Ok(())
        })?;
        m.num_datas = m.datas.count;
        Ok(m)
    }

    /// The module bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Types with the offset of each entry (for [`Meta::type_at`]).
    pub fn types(&self) -> Items<'a, (usize, FuncType<'a>)> {
        each(self.bytes, self.types, |r| {
            let at = r.pos;
            parse_type(r).map(|t| (at, t))
        })
    }

    /// The type whose entry starts at `offset` (from [`Meta::types`]).
    pub fn type_at(&self, offset: usize) -> Result<FuncType<'a>> {
        parse_type(&mut Reader::new(self.bytes, offset, self.bytes.len()))
    }

    /// Type `index` (a linear scan; runtimes keep the offsets from [`Meta::types`]).
    pub fn func_type(&self, index: u32) -> Result<FuncType<'a>> {
        match self.types().nth(index as usize) {
            Some(t) => t.map(|(_, t)| t),
            None => Err(MetaError::Malformed {
                offset: 0,
                what: "type index out of range",
            }),
        }
    }

    pub fn imports(&self) -> Items<'a, Import<'a>> {
        each(self.bytes, self.imports, parse_import)
    }

    /// Type index of each defined function.
    pub fn functions(&self) -> Items<'a, u32> {
        each(self.bytes, self.functions, parse_func)
    }

    /// Defined tables.
    pub fn tables(&self) -> Items<'a, TableType> {
        each(self.bytes, self.tables, parse_table)
    }

    /// Defined memories.
    pub fn memories(&self) -> Items<'a, Limits> {
        each(self.bytes, self.memories, parse_limits_memory)
    }

    /// Defined globals.
    pub fn globals(&self) -> Items<'a, Global> {
        each(self.bytes, self.globals, parse_global)
    }

    pub fn exports(&self) -> Items<'a, Export<'a>> {
        each(self.bytes, self.exports, parse_export)
    }

    /// The export called `name`, if any.
    pub fn export(&self, name: &str) -> Result<Option<Export<'a>>> {
        for e in self.exports() {
            let e = e?;
            if e.name == name {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    pub fn start(&self) -> Option<u32> {
        self.start
    }

    pub fn elements(&self) -> Items<'a, Element<'a>> {
        each(self.bytes, self.elements, parse_element)
    }

    pub fn datas(&self) -> Items<'a, Data<'a>> {
        each(self.bytes, self.datas, parse_data)
    }
}

impl crate::runtime::instance::Segments for Meta<'_> {
    fn element_count(&self) -> u32 {
        self.num_elements
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
        let malformed = crate::Trap::Host("malformed module metadata");
        let e = self
            .elements()
            .nth(index as usize)
            .and_then(|e| e.ok())
            .ok_or(malformed)?;
        let items = e.items.map(move |item| item.map_err(|_| malformed));
        Ok((e.mode, e.items.item_count(), items))
    }

    fn data_count(&self) -> u32 {
        self.num_datas
    }

    fn data(&self, index: u32) -> core::result::Result<(DataMode, &[u8]), crate::Trap> {
        let d = self
            .datas()
            .nth(index as usize)
            .and_then(|d| d.ok())
            .ok_or(crate::Trap::Host("malformed module metadata"))?;
        Ok((d.mode, d.bytes))
    }
}
