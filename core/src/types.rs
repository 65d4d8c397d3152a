//! Value and entity types of the module model.

#[cfg(feature = "alloc")]
use alloc::boxed::Box;

/// A WebAssembly value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub fn is_float(self) -> bool {
        matches!(self, ValType::F32 | ValType::F64)
    }

    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        }
    }
}

impl core::fmt::Display for ValType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A function signature.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Box<[ValType]>,
    pub results: Box<[ValType]>,
}

#[cfg(feature = "alloc")]
impl FuncType {
    pub fn new(params: impl Into<Box<[ValType]>>, results: impl Into<Box<[ValType]>>) -> Self {
        FuncType {
            params: params.into(),
            results: results.into(),
        }
    }
}

#[cfg(feature = "alloc")]
impl core::fmt::Display for FuncType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "(")?;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{p}")?;
        }
        write!(f, ") -> (")?;
        for (i, r) in self.results.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{r}")?;
        }
        write!(f, ")")
    }
}

/// Minimum and optional maximum, in pages (memories) or elements (tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl Limits {
    /// Import matching: the provided limits must lie within the required ones.
    pub fn satisfies(&self, required: &Limits) -> bool {
        if self.min < required.min {
            return false;
        }
        match (self.max, required.max) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(have), Some(want)) => have <= want,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryType {
    /// In pages of `1 << page_size_log2` bytes.
    pub limits: Limits,
    /// log2 of the page size: [`PAGE_SIZE_LOG2`] (64 KiB) or 0 (one byte, the custom
    /// page sizes proposal, which lets a module declare exactly the bytes it needs).
    pub page_size_log2: u8,
    /// Addresses, `memory.size` and `memory.grow` are i64 (memory64), else i32.
    pub address64: bool,
}

impl MemoryType {
    /// A memory of 64 KiB pages.
    pub const fn new(limits: Limits) -> MemoryType {
        MemoryType {
            limits,
            page_size_log2: PAGE_SIZE_LOG2,
            address64: false,
        }
    }

    /// The type of addresses, sizes and page counts of this memory.
    pub const fn address_type(&self) -> ValType {
        address_type(self.is_64())
    }

    /// Whether addresses are i64; always `false` without the cargo feature `memory64`
    /// (such a memory is refused at load), so that such a build has none of its code.
    pub const fn is_64(&self) -> bool {
        cfg!(feature = "memory64") && self.address64
    }

    /// Bytes in one page of this memory.
    pub const fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }

    /// Bytes in `pages` pages of this memory, `None` past 2^64 (a shift, not a
    /// multiplication: page sizes are powers of two).
    pub const fn bytes(&self, pages: u64) -> Option<u64> {
        if pages > u64::MAX >> self.page_size_log2 {
            None
        } else {
            Some(pages << self.page_size_log2)
        }
    }

    /// The most pages a memory of this type may declare: for a 32-bit memory 4 GiB in
    /// bytes (at most 2^32 - 1 one-byte pages), for a 64-bit one 2^64 bytes (at most
    /// 2^64 - 1 one-byte pages).
    pub const fn max_pages(&self) -> u64 {
        let address_bits = if self.is_64() { 64 } else { 32 };
        if self.page_size_log2 == PAGE_SIZE_LOG2 {
            1 << (address_bits - PAGE_SIZE_LOG2 as u32)
        } else {
            u64::MAX >> (64 - address_bits)
        }
    }

    /// Import matching: limits within the required ones, the same page size and the
    /// same address type.
    pub fn satisfies(&self, required: &MemoryType) -> bool {
        self.page_size_log2 == required.page_size_log2
            && self.address64 == required.address64
            && self.limits.satisfies(&required.limits)
    }
}

/// i64 for a 64-bit memory or table (memory64), else i32.
pub const fn address_type(address64: bool) -> ValType {
    if address64 {
        ValType::I64
    } else {
        ValType::I32
    }
}

/// The most bytes mote gives a 64-bit memory, whatever its type allows: 4 GiB less one
/// 64 KiB page. Every engine can then check a 64-bit access on 32-bit arithmetic once
/// the address and offset are saturated at `u32::MAX` ([`saturate_u32`]): a saturated
/// access always ends past the memory, as the original one would. `memory.grow` beyond
/// it returns -1, as for any request the host cannot give.
pub const MAX_MEMORY64_BYTES: u64 = (1 << 32) - PAGE_SIZE;

/// `value` as a u32, `u32::MAX` when it does not fit: an i64 address, offset, index or
/// length of a 64-bit memory or table on the engines' 32-bit paths. Memories
/// ([`MAX_MEMORY64_BYTES`]) and tables (`runtime::MAX_TABLE_ELEMENTS`) are smaller
/// than `u32::MAX`, so an operand that saturates is out of bounds either way.
pub const fn saturate_u32(value: u64) -> u32 {
    if value > u32::MAX as u64 {
        u32::MAX
    } else {
        value as u32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub element: ValType,
    pub limits: Limits,
    /// Indices, `table.size` and `table.grow` are i64 (table64, part of memory64).
    pub address64: bool,
}

impl TableType {
    /// The type of indices and sizes of this table.
    pub const fn address_type(&self) -> ValType {
        address_type(self.is_64())
    }

    /// Whether indices are i64; always `false` without the cargo feature `memory64`
    /// (such a table is refused at load), so that such a build has none of its code.
    pub const fn is_64(&self) -> bool {
        cfg!(feature = "memory64") && self.address64
    }

    /// Import matching: limits within the required ones, the same element type and
    /// address type.
    pub fn satisfies(&self, required: &TableType) -> bool {
        self.element == required.element
            && self.address64 == required.address64
            && self.limits.satisfies(&required.limits)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

/// What an import provides: the type of the imported entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportDesc {
    /// A function of this type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
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

/// The kind of an import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
}

impl ExternKind {
    pub fn name(self) -> &'static str {
        match self {
            ExternKind::Func => "function",
            ExternKind::Table => "table",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
        }
    }
}

/// Bytes in one (default) linear-memory page.
pub const PAGE_SIZE: u64 = 65536;
/// log2 of [`PAGE_SIZE`].
pub const PAGE_SIZE_LOG2: u8 = 16;
/// Largest number of 64 KiB pages a 32-bit memory may have.
pub const MAX_PAGES: u64 = 65536;

/// A constant expression (Wasm 2.0: one constant, `ref.null`, `ref.func` or `global.get`;
/// with extended constant expressions, a sequence of them and integer arithmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstExpr {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull(ValType),
    RefFunc(u32),
    GlobalGet(u32),
    /// An expression of several instructions: `count` of them from `first` in the
    /// module's list of such instructions (`Module::const_ops`; in an `.aot` file its
    /// ops region), evaluated on a stack of at most [`MAX_CONST_DEPTH`] values.
    Extended {
        first: u32,
        count: u32,
    },
    /// Arithmetic of an extended expression (only inside such a list).
    Binary(ConstBinOp),
}

/// Most values an extended constant expression's stack holds at once: evaluation needs
/// no heap, and the validator refuses deeper expressions as unsupported.
pub const MAX_CONST_DEPTH: usize = 16;

/// The arithmetic extended constant expressions allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstBinOp {
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

impl ConstBinOp {
    /// Its Wasm opcode (also its `.aot` ops-region opcode).
    pub fn opcode(self) -> u16 {
        match self {
            ConstBinOp::I32Add => 0x6a,
            ConstBinOp::I32Sub => 0x6b,
            ConstBinOp::I32Mul => 0x6c,
            ConstBinOp::I64Add => 0x7c,
            ConstBinOp::I64Sub => 0x7d,
            ConstBinOp::I64Mul => 0x7e,
        }
    }

    pub fn from_opcode(opcode: u16) -> Option<ConstBinOp> {
        Some(match opcode {
            0x6a => ConstBinOp::I32Add,
            0x6b => ConstBinOp::I32Sub,
            0x6c => ConstBinOp::I32Mul,
            0x7c => ConstBinOp::I64Add,
            0x7d => ConstBinOp::I64Sub,
            0x7e => ConstBinOp::I64Mul,
            _ => return None,
        })
    }

    /// The type of both operands and the result.
    pub fn ty(self) -> ValType {
        match self {
            ConstBinOp::I32Add | ConstBinOp::I32Sub | ConstBinOp::I32Mul => ValType::I32,
            _ => ValType::I64,
        }
    }

    /// `lhs OP rhs` on cells (an i32 is the low half of its cell, zero-extended).
    pub fn apply(self, lhs: u64, rhs: u64) -> u64 {
        let (l32, r32) = (lhs as u32, rhs as u32);
        match self {
            ConstBinOp::I32Add => u64::from(l32.wrapping_add(r32)),
            ConstBinOp::I32Sub => u64::from(l32.wrapping_sub(r32)),
            ConstBinOp::I32Mul => u64::from(l32.wrapping_mul(r32)),
            ConstBinOp::I64Add => lhs.wrapping_add(rhs),
            ConstBinOp::I64Sub => lhs.wrapping_sub(rhs),
            ConstBinOp::I64Mul => lhs.wrapping_mul(rhs),
        }
    }
}

/// When an element segment is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElemMode {
    /// Kept for `table.init`.
    Passive,
    /// Only declares references for `ref.func`; dropped at instantiation.
    Declared,
    /// Copied into `table` at `offset` at instantiation, then dropped.
    Active { table: u32, offset: ConstExpr },
}

/// When a data segment is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataMode {
    /// Kept for `memory.init`.
    Passive,
    /// Copied into `memory` at `offset` at instantiation, then dropped.
    Active { memory: u32, offset: ConstExpr },
}
