//! The layout of the metadata section: the one definition the writer and the reader use
//! (`docs/aot-format.md` explains every field). All integers are little-endian; every
//! offset is a byte offset from the start of the section; reserved bytes are zero.
//!
//! ```text
//! header            HEADER_SIZE bytes: size, start, one (offset, count) per region
//! regions           in `Region::ALL` order, each at or after the end of the previous
//!   types           func_type::SIZE bytes each
//!   imports         import::SIZE
//!   funcs           func::SIZE        every function, imported ones first
//!   tables          table::SIZE       every table, imported ones first
//!   memories        memory::SIZE      every memory, imported ones first
//!   globals         global::SIZE      every global, imported ones first
//!   exports         export::SIZE
//!   elems           elem::SIZE
//!   datas           data::SIZE
//!   ops             op::SIZE          constant-expression instructions
//!   items           4 (u32 words)     element-segment items, segment after segment
//!   valtypes        1                 value-type bytes of the function types
//!   strings         1                 UTF-8 names
//!   data            1                 data-segment bytes
//! ```

/// Header: `u32` size of the header, `HEADER_SIZE`.
pub const H_SIZE: usize = 0;
/// Header: `u32` index of the start function, or [`NO_START`].
pub const H_START: usize = 4;
/// Header: the region table, one [`REGION_ENTRY_SIZE`]-byte entry per [`Region`] in
/// `Region::ALL` order: `u32` offset, `u32` count of records (bytes for the byte regions).
pub const H_REGIONS: usize = 8;
/// Bytes of one region-table entry.
pub const REGION_ENTRY_SIZE: usize = 8;
/// Bytes of the metadata header.
pub const HEADER_SIZE: usize = H_REGIONS + Region::ALL.len() * REGION_ENTRY_SIZE;
/// `H_START` of a module without a start function.
pub const NO_START: u32 = u32::MAX;

/// The regions of the section, in the order they appear (and their header entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Region {
    Types,
    Imports,
    Funcs,
    Tables,
    Memories,
    Globals,
    Exports,
    Elems,
    Datas,
    Ops,
    Items,
    ValTypes,
    Strings,
    Data,
}

impl Region {
    pub const ALL: [Region; 14] = [
        Region::Types,
        Region::Imports,
        Region::Funcs,
        Region::Tables,
        Region::Memories,
        Region::Globals,
        Region::Exports,
        Region::Elems,
        Region::Datas,
        Region::Ops,
        Region::Items,
        Region::ValTypes,
        Region::Strings,
        Region::Data,
    ];

    /// Bytes of one record of this region.
    pub const fn record_size(self) -> usize {
        match self {
            Region::Types => func_type::SIZE,
            Region::Imports => import::SIZE,
            Region::Funcs => func::SIZE,
            Region::Tables => table::SIZE,
            Region::Memories => memory::SIZE,
            Region::Globals => global::SIZE,
            Region::Exports => export::SIZE,
            Region::Elems => elem::SIZE,
            Region::Datas => data::SIZE,
            Region::Ops => op::SIZE,
            Region::Items => 4,
            Region::ValTypes | Region::Strings | Region::Data => 1,
        }
    }

    /// Offset of this region's entry in the header.
    pub const fn header_offset(self) -> usize {
        H_REGIONS + self as usize * REGION_ENTRY_SIZE
    }

    pub const fn name(self) -> &'static str {
        match self {
            Region::Types => "types",
            Region::Imports => "imports",
            Region::Funcs => "functions",
            Region::Tables => "tables",
            Region::Memories => "memories",
            Region::Globals => "globals",
            Region::Exports => "exports",
            Region::Elems => "element segments",
            Region::Datas => "data segments",
            Region::Ops => "constant-expression instructions",
            Region::Items => "element items",
            Region::ValTypes => "value types",
            Region::Strings => "names",
            Region::Data => "data bytes",
        }
    }
}

/// A reference to a constant expression, inside a record: `u32` index of its first
/// instruction in the ops region, `u32` number of instructions (0 = no expression).
pub mod expr {
    pub const FIRST: usize = 0;
    pub const COUNT: usize = 4;
    pub const SIZE: usize = 8;
}

/// A function type.
pub mod func_type {
    pub const SIZE: usize = 8;
    /// `u32` offset of the parameter types in the valtypes region; the result types follow.
    pub const TYPES: usize = 0;
    /// `u16` number of parameters.
    pub const PARAMS: usize = 4;
    /// `u16` number of results.
    pub const RESULTS: usize = 6;
}

/// An import. The `k`-th import of a kind is entity `k` of that kind's index space; its
/// type is that entity's record (funcs, tables, memories or globals).
pub mod import {
    pub const SIZE: usize = 24;
    /// `u32` offset, `u32` length of the module name in the strings region.
    pub const MODULE: usize = 0;
    pub const MODULE_LEN: usize = 4;
    /// `u32` offset, `u32` length of the field name in the strings region.
    pub const NAME: usize = 8;
    pub const NAME_LEN: usize = 12;
    /// `u8` [`kind`](super::kind).
    pub const KIND: usize = 16;
    /// 3 reserved bytes.
    pub const RESERVED: usize = 17;
    /// `u32` index of the imported entity in its index space.
    pub const INDEX: usize = 20;
}

/// A function: its type.
pub mod func {
    pub const SIZE: usize = 4;
    /// `u32` type index.
    pub const TYPE: usize = 0;
}

/// A table.
pub mod table {
    pub const SIZE: usize = 32;
    /// `u8` element type ([`valtype::FUNCREF`](super::valtype::FUNCREF) or `EXTERNREF`).
    pub const ELEMENT: usize = 0;
    /// `u8` [`limits`](super::limits) flags.
    pub const FLAGS: usize = 1;
    /// 6 reserved bytes.
    pub const RESERVED: usize = 2;
    /// `u64` minimum elements.
    pub const MIN: usize = 8;
    /// `u64` maximum elements (0 without `limits::HAS_MAX`).
    pub const MAX: usize = 16;
    /// [`expr`](super::expr) initialiser of every element; none = null.
    pub const INIT: usize = 24;
}

/// A linear memory.
pub mod memory {
    pub const SIZE: usize = 24;
    /// `u8` [`limits`](super::limits) flags.
    pub const FLAGS: usize = 0;
    /// `u8` log2 of the page size: 16 for 64 KiB pages, 0 for one-byte pages (custom
    /// page sizes); `MemoryType::page_size_log2`.
    pub const PAGE_SIZE_LOG2: usize = 1;
    /// 6 reserved bytes.
    pub const RESERVED: usize = 2;
    /// `u64` minimum pages.
    pub const MIN: usize = 8;
    /// `u64` maximum pages (0 without `limits::HAS_MAX`).
    pub const MAX: usize = 16;
}

/// Flags of table and memory limits.
pub mod limits {
    /// The maximum field is present.
    pub const HAS_MAX: u8 = 1 << 0;
    /// Shared memory (threads).
    pub const SHARED: u8 = 1 << 1;
    /// 64-bit index type (memory64, table64).
    pub const INDEX64: u8 = 1 << 2;
}

/// A global.
pub mod global {
    pub const SIZE: usize = 12;
    /// `u8` value type.
    pub const TYPE: usize = 0;
    /// `u8` 0 = immutable, 1 = mutable.
    pub const MUTABLE: usize = 1;
    /// 2 reserved bytes.
    pub const RESERVED: usize = 2;
    /// [`expr`](super::expr) initialiser; none for an imported global.
    pub const INIT: usize = 4;
}

/// An export.
pub mod export {
    pub const SIZE: usize = 16;
    /// `u32` offset, `u32` length of the name in the strings region.
    pub const NAME: usize = 0;
    pub const NAME_LEN: usize = 4;
    /// `u8` [`kind`](super::kind).
    pub const KIND: usize = 8;
    /// 3 reserved bytes.
    pub const RESERVED: usize = 9;
    /// `u32` index in the kind's index space.
    pub const INDEX: usize = 12;
}

/// An element segment.
pub mod elem {
    pub const SIZE: usize = 24;
    /// `u8` [`seg_mode`](super::seg_mode).
    pub const MODE: usize = 0;
    /// `u8` [`items`](super::items) form.
    pub const FORM: usize = 1;
    /// `u8` element type (`FUNCREF` or `EXTERNREF`).
    pub const ELEMENT: usize = 2;
    /// 1 reserved byte.
    pub const RESERVED: usize = 3;
    /// `u32` table index (active; 0 otherwise).
    pub const TABLE: usize = 4;
    /// [`expr`](super::expr) offset in the table (active; none otherwise).
    pub const OFFSET: usize = 8;
    /// `u32` index of the first item word in the items region.
    pub const ITEMS: usize = 16;
    /// `u32` number of items.
    pub const ITEM_COUNT: usize = 20;
}

/// How element items are stored in the items region.
pub mod items {
    /// One word per item: a function index (the item is `ref.func` of it).
    pub const FUNCS: u8 = 0;
    /// Two words per item: an [`expr`](super::expr) reference.
    pub const EXPRS: u8 = 1;
}

/// A data segment.
pub mod data {
    pub const SIZE: usize = 24;
    /// `u8` [`seg_mode`](super::seg_mode) (`PASSIVE` or `ACTIVE`).
    pub const MODE: usize = 0;
    /// 3 reserved bytes.
    pub const RESERVED: usize = 1;
    /// `u32` memory index (active; 0 otherwise).
    pub const MEMORY: usize = 4;
    /// [`expr`](super::expr) offset in memory (active; none otherwise).
    pub const OFFSET: usize = 8;
    /// `u32` offset, `u32` length of the bytes in the data region.
    pub const BYTES: usize = 16;
    pub const LEN: usize = 20;
}

/// Segment modes.
pub mod seg_mode {
    pub const PASSIVE: u8 = 0;
    pub const ACTIVE: u8 = 1;
    /// Element segments only.
    pub const DECLARED: u8 = 2;
}

/// One constant-expression instruction.
pub mod op {
    pub const SIZE: usize = 16;
    /// `u16` [`opcode`](super::opcode).
    pub const OPCODE: usize = 0;
    /// 6 reserved bytes.
    pub const RESERVED: usize = 2;
    /// `u64` immediate (see `opcode`).
    pub const IMMEDIATE: usize = 8;
}

/// Constant-expression opcodes: the Wasm opcode (a prefixed one as `prefix << 8 | code`).
/// Immediates: `i32.const`/`f32.const` the 32 value bits (upper half zero),
/// `i64.const`/`f64.const` the 64 value bits, `global.get`/`ref.func` the index,
/// `ref.null` the reference type byte.
pub mod opcode {
    pub const GLOBAL_GET: u16 = 0x23;
    pub const I32_CONST: u16 = 0x41;
    pub const I64_CONST: u16 = 0x42;
    pub const F32_CONST: u16 = 0x43;
    pub const F64_CONST: u16 = 0x44;
    pub const REF_NULL: u16 = 0xd0;
    pub const REF_FUNC: u16 = 0xd2;
    /// Not produced yet (SIMD); refused.
    pub const V128_CONST: u16 = 0xfd0c;
    // The extended-constant-expression arithmetic (`i32/i64.add/sub/mul`, immediate
    // zero) uses its Wasm opcodes too: `types::ConstBinOp::opcode`.
}

/// Import and export kinds (Wasm's external-kind bytes).
pub mod kind {
    pub const FUNC: u8 = 0;
    pub const TABLE: u8 = 1;
    pub const MEMORY: u8 = 2;
    pub const GLOBAL: u8 = 3;
}

/// Value-type bytes (Wasm's).
pub mod valtype {
    pub const I32: u8 = 0x7f;
    pub const I64: u8 = 0x7e;
    pub const F32: u8 = 0x7d;
    pub const F64: u8 = 0x7c;
    pub const V128: u8 = 0x7b;
    pub const FUNCREF: u8 = 0x70;
    pub const EXTERNREF: u8 = 0x6f;
}
