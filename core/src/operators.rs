//! mote's instruction decoder: the WebAssembly 2.0 instructions (without SIMD), the set
//! mote validates and runs, decoded into [`Operator`] for the validator
//! ([`crate::validate`]) and the interpreter's translator.
//!
//! wasmparser's `OperatorsReader` decodes every proposal it knows (GC, threads,
//! exceptions, SIMD, ...) into a ~700-variant enum, and its constant-expression reader
//! instantiates that decoder a second time; on a microcontroller the two were a quarter
//! of the interpreter build's code. This decoder knows only what mote runs, so an
//! opcode of another proposal ends decoding with an "unsupported" error naming the
//! proposal. The variants and their fields are named as wasmparser names them; the
//! primitive reads (LEB128, floats, value and heap types) are still wasmparser's.

use alloc::boxed::Box;
use alloc::string::ToString;

use wasmparser::{
    BinaryReader, BlockType, HeapType, Ieee32, Ieee64, MemArg, MemArgTarget, ValType,
};

use crate::module::{ModuleError, ModuleErrorKind};
use crate::validate::{unsupported, Proposal};

/// Decoding errors are boxed so that `Result<Operator>` stays small on the hot path.
pub type Result<T> = core::result::Result<T, Box<ModuleError>>;

/// A malformed instruction, in wasmparser's words where it has them.
#[cold]
#[inline(never)]
fn malformed(message: &str, offset: u64) -> Box<ModuleError> {
    Box::new(ModuleError {
        kind: ModuleErrorKind::Invalid,
        message: message.to_string(),
        func_index: None,
        offset: Some(offset as usize),
    })
}

/// The targets of a `br_table`, read on demand (they are checked to be LEB128 numbers
/// when the instruction is decoded).
#[derive(Debug, Clone)]
pub struct BrTable<'a> {
    targets: BinaryReader<'a>,
    len: u32,
    default: u32,
}

impl<'a> BrTable<'a> {
    /// The number of targets, without the default.
    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The label depth taken when the index is out of range.
    pub fn default(&self) -> u32 {
        self.default
    }

    /// The label depths, in index order.
    pub fn targets(&self) -> impl Iterator<Item = Result<u32>> + 'a {
        let mut reader = self.targets.clone();
        (0..self.len).map(move |_| Ok(reader.read_var_u32()?))
    }
}

/// One decoded instruction. The variants are declared in opcode order, which lets the
/// compiler turn the decoder's matches into arithmetic on the discriminant.
#[derive(Debug, Clone)]
pub enum Operator<'a> {
    // ---- control ----
    Unreachable,
    Nop,
    Block {
        blockty: BlockType,
    },
    Loop {
        blockty: BlockType,
    },
    If {
        blockty: BlockType,
    },
    Else,
    End,
    Br {
        relative_depth: u32,
    },
    BrIf {
        relative_depth: u32,
    },
    BrTable {
        targets: BrTable<'a>,
    },
    Return,
    Call {
        function_index: u32,
    },
    CallIndirect {
        type_index: u32,
        table_index: u32,
    },
    /// Tail calls (`validate::Features::tail_calls`).
    ReturnCall {
        function_index: u32,
    },
    ReturnCallIndirect {
        type_index: u32,
        table_index: u32,
    },
    // ---- parametric ----
    Drop,
    Select,
    TypedSelect {
        ty: ValType,
    },
    /// `select` with other than one result type (invalid in WebAssembly 2.0).
    TypedSelectMulti,
    // ---- variables and tables ----
    LocalGet {
        local_index: u32,
    },
    LocalSet {
        local_index: u32,
    },
    LocalTee {
        local_index: u32,
    },
    GlobalGet {
        global_index: u32,
    },
    GlobalSet {
        global_index: u32,
    },
    TableGet {
        table: u32,
    },
    TableSet {
        table: u32,
    },
    // ---- memory (0x28..=0x40) ----
    I32Load {
        memarg: MemArg,
    },
    I64Load {
        memarg: MemArg,
    },
    F32Load {
        memarg: MemArg,
    },
    F64Load {
        memarg: MemArg,
    },
    I32Load8S {
        memarg: MemArg,
    },
    I32Load8U {
        memarg: MemArg,
    },
    I32Load16S {
        memarg: MemArg,
    },
    I32Load16U {
        memarg: MemArg,
    },
    I64Load8S {
        memarg: MemArg,
    },
    I64Load8U {
        memarg: MemArg,
    },
    I64Load16S {
        memarg: MemArg,
    },
    I64Load16U {
        memarg: MemArg,
    },
    I64Load32S {
        memarg: MemArg,
    },
    I64Load32U {
        memarg: MemArg,
    },
    I32Store {
        memarg: MemArg,
    },
    I64Store {
        memarg: MemArg,
    },
    F32Store {
        memarg: MemArg,
    },
    F64Store {
        memarg: MemArg,
    },
    I32Store8 {
        memarg: MemArg,
    },
    I32Store16 {
        memarg: MemArg,
    },
    I64Store8 {
        memarg: MemArg,
    },
    I64Store16 {
        memarg: MemArg,
    },
    I64Store32 {
        memarg: MemArg,
    },
    MemorySize {
        mem: u32,
    },
    MemoryGrow {
        mem: u32,
    },
    // ---- constants ----
    I32Const {
        value: i32,
    },
    I64Const {
        value: i64,
    },
    F32Const {
        value: Ieee32,
    },
    F64Const {
        value: Ieee64,
    },
    // ---- numeric, 0x45..=0xc4 in opcode order ----
    I32Eqz,
    I32Eq,
    I32Ne,
    I32LtS,
    I32LtU,
    I32GtS,
    I32GtU,
    I32LeS,
    I32LeU,
    I32GeS,
    I32GeU,
    I64Eqz,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64GtU,
    I64LeS,
    I64LeU,
    I64GeS,
    I64GeU,
    F32Eq,
    F32Ne,
    F32Lt,
    F32Gt,
    F32Le,
    F32Ge,
    F64Eq,
    F64Ne,
    F64Lt,
    F64Gt,
    F64Le,
    F64Ge,
    I32Clz,
    I32Ctz,
    I32Popcnt,
    I32Add,
    I32Sub,
    I32Mul,
    I32DivS,
    I32DivU,
    I32RemS,
    I32RemU,
    I32And,
    I32Or,
    I32Xor,
    I32Shl,
    I32ShrS,
    I32ShrU,
    I32Rotl,
    I32Rotr,
    I64Clz,
    I64Ctz,
    I64Popcnt,
    I64Add,
    I64Sub,
    I64Mul,
    I64DivS,
    I64DivU,
    I64RemS,
    I64RemU,
    I64And,
    I64Or,
    I64Xor,
    I64Shl,
    I64ShrS,
    I64ShrU,
    I64Rotl,
    I64Rotr,
    F32Abs,
    F32Neg,
    F32Ceil,
    F32Floor,
    F32Trunc,
    F32Nearest,
    F32Sqrt,
    F32Add,
    F32Sub,
    F32Mul,
    F32Div,
    F32Min,
    F32Max,
    F32Copysign,
    F64Abs,
    F64Neg,
    F64Ceil,
    F64Floor,
    F64Trunc,
    F64Nearest,
    F64Sqrt,
    F64Add,
    F64Sub,
    F64Mul,
    F64Div,
    F64Min,
    F64Max,
    F64Copysign,
    I32WrapI64,
    I32TruncF32S,
    I32TruncF32U,
    I32TruncF64S,
    I32TruncF64U,
    I64ExtendI32S,
    I64ExtendI32U,
    I64TruncF32S,
    I64TruncF32U,
    I64TruncF64S,
    I64TruncF64U,
    F32ConvertI32S,
    F32ConvertI32U,
    F32ConvertI64S,
    F32ConvertI64U,
    F32DemoteF64,
    F64ConvertI32S,
    F64ConvertI32U,
    F64ConvertI64S,
    F64ConvertI64U,
    F64PromoteF32,
    I32ReinterpretF32,
    I64ReinterpretF64,
    F32ReinterpretI32,
    F64ReinterpretI64,
    I32Extend8S,
    I32Extend16S,
    I64Extend8S,
    I64Extend16S,
    I64Extend32S,
    // ---- references ----
    RefNull {
        hty: HeapType,
    },
    RefIsNull,
    RefFunc {
        function_index: u32,
    },
    // ---- 0xfc prefix, in sub-opcode order ----
    I32TruncSatF32S,
    I32TruncSatF32U,
    I32TruncSatF64S,
    I32TruncSatF64U,
    I64TruncSatF32S,
    I64TruncSatF32U,
    I64TruncSatF64S,
    I64TruncSatF64U,
    MemoryInit {
        data_index: u32,
        mem: u32,
    },
    DataDrop {
        data_index: u32,
    },
    MemoryCopy {
        dst_mem: u32,
        src_mem: u32,
    },
    MemoryFill {
        mem: u32,
    },
    TableInit {
        elem_index: u32,
        table: u32,
    },
    ElemDrop {
        elem_index: u32,
    },
    TableCopy {
        dst_table: u32,
        src_table: u32,
    },
    TableGrow {
        table: u32,
    },
    TableSize {
        table: u32,
    },
    TableFill {
        table: u32,
    },
}

/// The memory a load or store accesses (multi-memory). Array targets (GC) are never
/// decoded by mote and refused by validation.
pub fn memory_of(memarg: &MemArg) -> u32 {
    match memarg.target {
        MemArgTarget::Memory(index) => index,
        MemArgTarget::Array(_) => 0,
    }
}

/// Reads instructions one at a time from an expression or a function body.
#[derive(Clone)]
pub struct OperatorReader<'a> {
    reader: BinaryReader<'a>,
}

impl<'a> OperatorReader<'a> {
    pub fn new(reader: BinaryReader<'a>) -> OperatorReader<'a> {
        OperatorReader { reader }
    }

    pub fn eof(&self) -> bool {
        self.reader.eof()
    }

    /// The underlying reader, positioned after the last instruction read.
    pub fn into_binary_reader(self) -> BinaryReader<'a> {
        self.reader
    }

    /// The position of the next instruction in the module file.
    pub fn original_position(&self) -> u64 {
        self.reader.original_position()
    }

    /// Decodes the next instruction.
    pub fn read(&mut self) -> Result<Operator<'a>> {
        use Operator as O;
        let offset = self.reader.original_position();
        let r = &mut self.reader;
        let opcode = r.read_u8()?;
        Ok(match opcode {
            0x00 => O::Unreachable,
            0x01 => O::Nop,
            0x02 => O::Block {
                blockty: self.block_type()?,
            },
            0x03 => O::Loop {
                blockty: self.block_type()?,
            },
            0x04 => O::If {
                blockty: self.block_type()?,
            },
            0x05 => O::Else,
            0x0b => O::End,
            0x0c => O::Br {
                relative_depth: r.read_var_u32()?,
            },
            0x0d => O::BrIf {
                relative_depth: r.read_var_u32()?,
            },
            0x0e => O::BrTable {
                targets: self.br_table()?,
            },
            0x0f => O::Return,
            0x10 => O::Call {
                function_index: r.read_var_u32()?,
            },
            // With reference types the table index is a LEB128 number, no longer a
            // zero byte.
            0x11 => O::CallIndirect {
                type_index: r.read_var_u32()?,
                table_index: r.read_var_u32()?,
            },
            0x12 => O::ReturnCall {
                function_index: r.read_var_u32()?,
            },
            0x13 => O::ReturnCallIndirect {
                type_index: r.read_var_u32()?,
                table_index: r.read_var_u32()?,
            },
            0x1a => O::Drop,
            0x1b => O::Select,
            0x1c => {
                let count_offset = r.original_position();
                match r.read_var_u32()? {
                    1 => O::TypedSelect { ty: r.read()? },
                    // wasmparser's limit on the count; other counts are invalid.
                    count if count as usize <= MAX_SELECT_RESULTS => O::TypedSelectMulti,
                    _ => {
                        return Err(malformed(
                            "select types size is out of bounds",
                            count_offset,
                        ))
                    }
                }
            }
            0x20 => O::LocalGet {
                local_index: r.read_var_u32()?,
            },
            0x21 => O::LocalSet {
                local_index: r.read_var_u32()?,
            },
            0x22 => O::LocalTee {
                local_index: r.read_var_u32()?,
            },
            0x23 => O::GlobalGet {
                global_index: r.read_var_u32()?,
            },
            0x24 => O::GlobalSet {
                global_index: r.read_var_u32()?,
            },
            0x25 => O::TableGet {
                table: r.read_var_u32()?,
            },
            0x26 => O::TableSet {
                table: r.read_var_u32()?,
            },
            0x28..=0x3e => self.memory_access(opcode)?,
            // Multi-memory: a memory index where 2.0 had a zero byte.
            0x3f => O::MemorySize {
                mem: r.read_var_u32()?,
            },
            0x40 => O::MemoryGrow {
                mem: r.read_var_u32()?,
            },
            0x41 => O::I32Const {
                value: r.read_var_i32()?,
            },
            0x42 => O::I64Const {
                value: r.read_var_i64()?,
            },
            0x43 => O::F32Const {
                value: r.read_f32()?,
            },
            0x44 => O::F64Const {
                value: r.read_f64()?,
            },
            0x45..=0xc4 => numeric(opcode),
            0xd0 => O::RefNull { hty: r.read()? },
            0xd1 => O::RefIsNull,
            0xd2 => O::RefFunc {
                function_index: r.read_var_u32()?,
            },
            0xfc => self.prefixed(offset)?,
            // Another proposal's instruction (tail calls, SIMD, threads, ...): enabling
            // one (`validate::Features`) means decoding it here and validating it in
            // `validate::func`.
            _ => match Proposal::of_opcode(opcode) {
                Proposal::Other => return Err(malformed("illegal opcode", offset)),
                proposal => return Err(Box::new(unsupported(proposal, offset))),
            },
        })
    }

    /// A block type: empty, one value type, or a type index as a positive s33.
    fn block_type(&mut self) -> Result<BlockType> {
        // A value type is one byte with the sign bit set and no continuation bit; any
        // other first byte starts an s33 (so overlong value types are not accepted).
        let first = self.reader.clone().read_u8()?;
        if first & 0xc0 == 0x40 {
            if first == 0x40 {
                self.reader.read_u8()?;
                return Ok(BlockType::Empty);
            }
            return Ok(BlockType::Type(self.reader.read()?));
        }
        let index = self.reader.read_var_s33()?;
        u32::try_from(index)
            .map(BlockType::FuncType)
            .map_err(|_| malformed("invalid function type", self.reader.original_position()))
    }

    fn br_table(&mut self) -> Result<BrTable<'a>> {
        let len_offset = self.reader.original_position();
        let len = self.reader.read_var_u32()?;
        if len as usize > crate::validate::limits::MAX_WASM_FUNCTION_SIZE {
            return Err(malformed("br_table size is out of bounds", len_offset));
        }
        let targets = self.reader.skip(|reader| {
            for _ in 0..len {
                reader.read_var_u32()?;
            }
            Ok(())
        })?;
        let default = self.reader.read_var_u32()?;
        Ok(BrTable {
            targets,
            len,
            default,
        })
    }

    /// The loads and stores, 0x28..=0x3e.
    fn memory_access(&mut self, opcode: u8) -> Result<Operator<'a>> {
        use Operator as O;
        // log2 of each access's natural alignment, in opcode order.
        const MAX_ALIGN: [u8; 23] = [
            2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2,
        ];
        let max_align = MAX_ALIGN[usize::from(opcode - 0x28)];
        let flags_offset = self.reader.original_position();
        let flags = self.reader.read_var_u32()?;
        // Bits 0-5 are the alignment; bit 6 says a memory index follows (multi-memory);
        // the bits above are reserved.
        if flags >> 7 != 0 {
            return Err(malformed(
                "malformed memop: reserved flags bits set",
                flags_offset,
            ));
        }
        let memory = if flags & 0x40 != 0 {
            self.reader.read_var_u32()?
        } else {
            0
        };
        let memarg = MemArg {
            align: (flags & 0x3f) as u8,
            max_align,
            // A u64 since memory64 (validation keeps a 32-bit memory's below 2^32);
            // without it, the 2.0 encoding's u32.
            offset: if cfg!(feature = "memory64") {
                self.reader.read_var_u64()?
            } else {
                u64::from(self.reader.read_var_u32()?)
            },
            target: MemArgTarget::Memory(memory),
            ordering: None,
        };
        Ok(match opcode {
            0x28 => O::I32Load { memarg },
            0x29 => O::I64Load { memarg },
            0x2a => O::F32Load { memarg },
            0x2b => O::F64Load { memarg },
            0x2c => O::I32Load8S { memarg },
            0x2d => O::I32Load8U { memarg },
            0x2e => O::I32Load16S { memarg },
            0x2f => O::I32Load16U { memarg },
            0x30 => O::I64Load8S { memarg },
            0x31 => O::I64Load8U { memarg },
            0x32 => O::I64Load16S { memarg },
            0x33 => O::I64Load16U { memarg },
            0x34 => O::I64Load32S { memarg },
            0x35 => O::I64Load32U { memarg },
            0x36 => O::I32Store { memarg },
            0x37 => O::I64Store { memarg },
            0x38 => O::F32Store { memarg },
            0x39 => O::F64Store { memarg },
            0x3a => O::I32Store8 { memarg },
            0x3b => O::I32Store16 { memarg },
            0x3c => O::I64Store8 { memarg },
            0x3d => O::I64Store16 { memarg },
            _ => O::I64Store32 { memarg },
        })
    }

    /// The 0xfc-prefixed instructions: saturating truncations, bulk memory and tables.
    fn prefixed(&mut self, offset: u64) -> Result<Operator<'a>> {
        use Operator as O;
        let r = &mut self.reader;
        Ok(match r.read_var_u32()? {
            0x00 => O::I32TruncSatF32S,
            0x01 => O::I32TruncSatF32U,
            0x02 => O::I32TruncSatF64S,
            0x03 => O::I32TruncSatF64U,
            0x04 => O::I64TruncSatF32S,
            0x05 => O::I64TruncSatF32U,
            0x06 => O::I64TruncSatF64S,
            0x07 => O::I64TruncSatF64U,
            0x08 => O::MemoryInit {
                data_index: r.read_var_u32()?,
                mem: r.read_var_u32()?,
            },
            0x09 => O::DataDrop {
                data_index: r.read_var_u32()?,
            },
            0x0a => O::MemoryCopy {
                dst_mem: r.read_var_u32()?,
                src_mem: r.read_var_u32()?,
            },
            0x0b => O::MemoryFill {
                mem: r.read_var_u32()?,
            },
            0x0c => O::TableInit {
                elem_index: r.read_var_u32()?,
                table: r.read_var_u32()?,
            },
            0x0d => O::ElemDrop {
                elem_index: r.read_var_u32()?,
            },
            0x0e => O::TableCopy {
                dst_table: r.read_var_u32()?,
                src_table: r.read_var_u32()?,
            },
            0x0f => O::TableGrow {
                table: r.read_var_u32()?,
            },
            0x10 => O::TableSize {
                table: r.read_var_u32()?,
            },
            0x11 => O::TableFill {
                table: r.read_var_u32()?,
            },
            // memory.discard, the wide arithmetic proposal, ...
            _ => return Err(Box::new(unsupported(Proposal::Other, offset))),
        })
    }
}

/// wasmparser's limit on the result types of a typed `select`.
const MAX_SELECT_RESULTS: usize = 10;

/// The numeric instructions without immediates, 0x45..=0xc4 (the caller checked the
/// range).
#[inline(never)]
fn numeric(opcode: u8) -> Operator<'static> {
    use Operator as O;
    match opcode {
        0x45 => O::I32Eqz,
        0x46 => O::I32Eq,
        0x47 => O::I32Ne,
        0x48 => O::I32LtS,
        0x49 => O::I32LtU,
        0x4a => O::I32GtS,
        0x4b => O::I32GtU,
        0x4c => O::I32LeS,
        0x4d => O::I32LeU,
        0x4e => O::I32GeS,
        0x4f => O::I32GeU,
        0x50 => O::I64Eqz,
        0x51 => O::I64Eq,
        0x52 => O::I64Ne,
        0x53 => O::I64LtS,
        0x54 => O::I64LtU,
        0x55 => O::I64GtS,
        0x56 => O::I64GtU,
        0x57 => O::I64LeS,
        0x58 => O::I64LeU,
        0x59 => O::I64GeS,
        0x5a => O::I64GeU,
        0x5b => O::F32Eq,
        0x5c => O::F32Ne,
        0x5d => O::F32Lt,
        0x5e => O::F32Gt,
        0x5f => O::F32Le,
        0x60 => O::F32Ge,
        0x61 => O::F64Eq,
        0x62 => O::F64Ne,
        0x63 => O::F64Lt,
        0x64 => O::F64Gt,
        0x65 => O::F64Le,
        0x66 => O::F64Ge,
        0x67 => O::I32Clz,
        0x68 => O::I32Ctz,
        0x69 => O::I32Popcnt,
        0x6a => O::I32Add,
        0x6b => O::I32Sub,
        0x6c => O::I32Mul,
        0x6d => O::I32DivS,
        0x6e => O::I32DivU,
        0x6f => O::I32RemS,
        0x70 => O::I32RemU,
        0x71 => O::I32And,
        0x72 => O::I32Or,
        0x73 => O::I32Xor,
        0x74 => O::I32Shl,
        0x75 => O::I32ShrS,
        0x76 => O::I32ShrU,
        0x77 => O::I32Rotl,
        0x78 => O::I32Rotr,
        0x79 => O::I64Clz,
        0x7a => O::I64Ctz,
        0x7b => O::I64Popcnt,
        0x7c => O::I64Add,
        0x7d => O::I64Sub,
        0x7e => O::I64Mul,
        0x7f => O::I64DivS,
        0x80 => O::I64DivU,
        0x81 => O::I64RemS,
        0x82 => O::I64RemU,
        0x83 => O::I64And,
        0x84 => O::I64Or,
        0x85 => O::I64Xor,
        0x86 => O::I64Shl,
        0x87 => O::I64ShrS,
        0x88 => O::I64ShrU,
        0x89 => O::I64Rotl,
        0x8a => O::I64Rotr,
        0x8b => O::F32Abs,
        0x8c => O::F32Neg,
        0x8d => O::F32Ceil,
        0x8e => O::F32Floor,
        0x8f => O::F32Trunc,
        0x90 => O::F32Nearest,
        0x91 => O::F32Sqrt,
        0x92 => O::F32Add,
        0x93 => O::F32Sub,
        0x94 => O::F32Mul,
        0x95 => O::F32Div,
        0x96 => O::F32Min,
        0x97 => O::F32Max,
        0x98 => O::F32Copysign,
        0x99 => O::F64Abs,
        0x9a => O::F64Neg,
        0x9b => O::F64Ceil,
        0x9c => O::F64Floor,
        0x9d => O::F64Trunc,
        0x9e => O::F64Nearest,
        0x9f => O::F64Sqrt,
        0xa0 => O::F64Add,
        0xa1 => O::F64Sub,
        0xa2 => O::F64Mul,
        0xa3 => O::F64Div,
        0xa4 => O::F64Min,
        0xa5 => O::F64Max,
        0xa6 => O::F64Copysign,
        0xa7 => O::I32WrapI64,
        0xa8 => O::I32TruncF32S,
        0xa9 => O::I32TruncF32U,
        0xaa => O::I32TruncF64S,
        0xab => O::I32TruncF64U,
        0xac => O::I64ExtendI32S,
        0xad => O::I64ExtendI32U,
        0xae => O::I64TruncF32S,
        0xaf => O::I64TruncF32U,
        0xb0 => O::I64TruncF64S,
        0xb1 => O::I64TruncF64U,
        0xb2 => O::F32ConvertI32S,
        0xb3 => O::F32ConvertI32U,
        0xb4 => O::F32ConvertI64S,
        0xb5 => O::F32ConvertI64U,
        0xb6 => O::F32DemoteF64,
        0xb7 => O::F64ConvertI32S,
        0xb8 => O::F64ConvertI32U,
        0xb9 => O::F64ConvertI64S,
        0xba => O::F64ConvertI64U,
        0xbb => O::F64PromoteF32,
        0xbc => O::I32ReinterpretF32,
        0xbd => O::I64ReinterpretF64,
        0xbe => O::F32ReinterpretI32,
        0xbf => O::F64ReinterpretI64,
        0xc0 => O::I32Extend8S,
        0xc1 => O::I32Extend16S,
        0xc2 => O::I64Extend8S,
        0xc3 => O::I64Extend16S,
        _ => O::I64Extend32S,
    }
}
