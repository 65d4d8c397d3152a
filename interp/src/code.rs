//! The register bytecode: each instruction names frame slots (and immediates) directly,
//! so ordinary arithmetic is one instruction with no operand-stack traffic.

use alloc::boxed::Box;

/// A frame-slot index: locals first, then the temporaries of the operand stack.
pub type Slot = u16;

/// Branch offsets are relative to the instruction after the branch.
pub type Offset = i32;

/// One instruction. Kept to 12 bytes: slots are `u16`, immediates `i32`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    // ---- control ----
    Unreachable,
    Br {
        off: Offset,
    },
    BrIfNez {
        c: Slot,
        off: Offset,
    },
    BrIfEqz {
        c: Slot,
        off: Offset,
    },
    /// Followed by `len + 1` `Br` instructions; the last is the default target.
    BrTable {
        idx: Slot,
        len: u32,
    },
    /// Results are already in slots `0..n`.
    Return,
    /// Copies `s` to slot 0, then returns.
    Return1 {
        s: Slot,
    },
    /// Arguments start at `base`; results land there too.
    Call {
        func: u32,
        base: Slot,
    },
    /// The table index is in the slot after the arguments.
    CallIndirect {
        ty: u16,
        table: u16,
        base: Slot,
        idx: Slot,
    },

    // ---- compare and branch (fused) ----
    BrI32Eq {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32Ne {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32LtS {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32LtU {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32GtS {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32GtU {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32LeS {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32LeU {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32GeS {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32GeU {
        a: Slot,
        b: Slot,
        off: Offset,
    },
    BrI32EqI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32NeI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32LtSI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32LtUI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32GtSI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32GtUI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32LeSI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32LeUI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32GeSI {
        a: Slot,
        imm: i32,
        off: Offset,
    },
    BrI32GeUI {
        a: Slot,
        imm: i32,
        off: Offset,
    },

    // ---- moves and constants ----
    Copy {
        d: Slot,
        s: Slot,
    },
    /// Zero-extended 32-bit constant (i32 and f32 bits).
    Const32 {
        d: Slot,
        v: u32,
    },
    /// Sign-extended 32-bit constant (small i64).
    ConstI64S {
        d: Slot,
        v: i32,
    },
    Const64 {
        d: Slot,
        lo: u32,
        hi: u32,
    },
    Select {
        d: Slot,
        a: Slot,
        b: Slot,
        c: Slot,
    },
    GlobalGet {
        d: Slot,
        g: u32,
    },
    GlobalSet {
        s: Slot,
        g: u32,
    },
    RefFunc {
        d: Slot,
        func: u32,
    },

    // ---- memory ----
    I32Load {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I64Load {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I32Load8S {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I32Load8U {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I32Load16S {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I32Load16U {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I64Load8S {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I64Load8U {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I64Load16S {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I64Load16U {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I64Load32S {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I64Load32U {
        d: Slot,
        a: Slot,
        off: u32,
    },
    I32Store {
        a: Slot,
        v: Slot,
        off: u32,
    },
    I64Store {
        a: Slot,
        v: Slot,
        off: u32,
    },
    I32Store8 {
        a: Slot,
        v: Slot,
        off: u32,
    },
    I32Store16 {
        a: Slot,
        v: Slot,
        off: u32,
    },
    I64Store8 {
        a: Slot,
        v: Slot,
        off: u32,
    },
    I64Store16 {
        a: Slot,
        v: Slot,
        off: u32,
    },
    I64Store32 {
        a: Slot,
        v: Slot,
        off: u32,
    },
    MemorySize {
        d: Slot,
    },
    MemoryGrow {
        d: Slot,
        n: Slot,
    },
    MemoryFill {
        d: Slot,
        v: Slot,
        n: Slot,
    },
    MemoryCopy {
        d: Slot,
        s: Slot,
        n: Slot,
    },
    MemoryInit {
        seg: u32,
        d: Slot,
        s: Slot,
        n: Slot,
    },
    DataDrop {
        seg: u32,
    },

    // ---- tables ----
    TableGet {
        d: Slot,
        t: u16,
        i: Slot,
    },
    TableSet {
        t: u16,
        i: Slot,
        v: Slot,
    },
    TableSize {
        d: Slot,
        t: u16,
    },
    TableGrow {
        d: Slot,
        t: u16,
        v: Slot,
        n: Slot,
    },
    TableFill {
        t: u16,
        i: Slot,
        v: Slot,
        n: Slot,
    },
    TableCopy {
        dt: u16,
        st: u16,
        d: Slot,
        s: Slot,
        n: Slot,
    },
    TableInit {
        t: u16,
        seg: u16,
        d: Slot,
        s: Slot,
        n: Slot,
    },
    ElemDrop {
        seg: u32,
    },

    // ---- i32 ----
    I32Add {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Sub {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Mul {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32DivS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32DivU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32RemS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32RemU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32And {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Or {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Xor {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Shl {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32ShrS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32ShrU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Rotl {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Rotr {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Eq {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32Ne {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32LtS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32LtU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32GtS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32GtU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32LeS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32LeU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32GeS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32GeU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I32AddI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32SubI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32MulI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32DivSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32DivUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32RemSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32RemUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32AndI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32OrI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32XorI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32ShlI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32ShrSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32ShrUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32RotlI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32RotrI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32EqI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32NeI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32LtSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32LtUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32GtSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32GtUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32LeSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32LeUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32GeSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32GeUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I32Eqz {
        d: Slot,
        s: Slot,
    },
    I32Clz {
        d: Slot,
        s: Slot,
    },
    I32Ctz {
        d: Slot,
        s: Slot,
    },
    I32Popcnt {
        d: Slot,
        s: Slot,
    },
    I32Extend8S {
        d: Slot,
        s: Slot,
    },
    I32Extend16S {
        d: Slot,
        s: Slot,
    },
    I32WrapI64 {
        d: Slot,
        s: Slot,
    },

    // ---- i64 ----
    I64Add {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Sub {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Mul {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64DivS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64DivU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64RemS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64RemU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64And {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Or {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Xor {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Shl {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64ShrS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64ShrU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Rotl {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Rotr {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Eq {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64Ne {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64LtS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64LtU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64GtS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64GtU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64LeS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64LeU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64GeS {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64GeU {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    I64AddI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64SubI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64MulI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64DivSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64DivUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64RemSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64RemUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64AndI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64OrI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64XorI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64ShlI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64ShrSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64ShrUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64RotlI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64RotrI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64EqI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64NeI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64LtSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64LtUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64GtSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64GtUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64LeSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64LeUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64GeSI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64GeUI {
        d: Slot,
        a: Slot,
        imm: i32,
    },
    I64Eqz {
        d: Slot,
        s: Slot,
    },
    I64Clz {
        d: Slot,
        s: Slot,
    },
    I64Ctz {
        d: Slot,
        s: Slot,
    },
    I64Popcnt {
        d: Slot,
        s: Slot,
    },
    I64Extend8S {
        d: Slot,
        s: Slot,
    },
    I64Extend16S {
        d: Slot,
        s: Slot,
    },
    I64Extend32S {
        d: Slot,
        s: Slot,
    },
    I64ExtendI32S {
        d: Slot,
        s: Slot,
    },
    I64ExtendI32U {
        d: Slot,
        s: Slot,
    },

    // ---- f32 ----
    #[cfg(feature = "float")]
    F32Add {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Sub {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Mul {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Div {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Min {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Max {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Copysign {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Eq {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Ne {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Lt {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Gt {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Le {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Ge {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F32Abs {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32Neg {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32Ceil {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32Floor {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32Trunc {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32Nearest {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32Sqrt {
        d: Slot,
        s: Slot,
    },

    // ---- f64 ----
    #[cfg(feature = "float")]
    F64Add {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Sub {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Mul {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Div {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Min {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Max {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Copysign {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Eq {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Ne {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Lt {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Gt {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Le {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Ge {
        d: Slot,
        a: Slot,
        b: Slot,
    },
    #[cfg(feature = "float")]
    F64Abs {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64Neg {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64Ceil {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64Floor {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64Trunc {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64Nearest {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64Sqrt {
        d: Slot,
        s: Slot,
    },

    // ---- conversions ----
    #[cfg(feature = "float")]
    I32TruncF32S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I32TruncF32U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I32TruncF64S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I32TruncF64U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncF32S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncF32U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncF64S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncF64U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I32TruncSatF32S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I32TruncSatF32U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I32TruncSatF64S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I32TruncSatF64U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncSatF32S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncSatF32U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncSatF64S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    I64TruncSatF64U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32ConvertI32S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32ConvertI32U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32ConvertI64S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32ConvertI64U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64ConvertI32S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64ConvertI32U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64ConvertI64S {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64ConvertI64U {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F32DemoteF64 {
        d: Slot,
        s: Slot,
    },
    #[cfg(feature = "float")]
    F64PromoteF32 {
        d: Slot,
        s: Slot,
    },
}

impl Op {
    /// The slot an instruction writes its single result to, for retargeting a producer
    /// when `local.set` follows it.
    pub fn dest_mut(&mut self) -> Option<&mut Slot> {
        use Op::*;
        match self {
            Unreachable
            | Br { .. }
            | BrIfNez { .. }
            | BrIfEqz { .. }
            | BrTable { .. }
            | Return
            | Return1 { .. }
            | Call { .. }
            | CallIndirect { .. }
            | BrI32Eq { .. }
            | BrI32Ne { .. }
            | BrI32LtS { .. }
            | BrI32LtU { .. }
            | BrI32GtS { .. }
            | BrI32GtU { .. }
            | BrI32LeS { .. }
            | BrI32LeU { .. }
            | BrI32GeS { .. }
            | BrI32GeU { .. }
            | BrI32EqI { .. }
            | BrI32NeI { .. }
            | BrI32LtSI { .. }
            | BrI32LtUI { .. }
            | BrI32GtSI { .. }
            | BrI32GtUI { .. }
            | BrI32LeSI { .. }
            | BrI32LeUI { .. }
            | BrI32GeSI { .. }
            | BrI32GeUI { .. }
            | GlobalSet { .. }
            | I32Store { .. }
            | I64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. }
            | MemoryFill { .. }
            | MemoryCopy { .. }
            | MemoryInit { .. }
            | DataDrop { .. }
            | TableSet { .. }
            | TableFill { .. }
            | TableCopy { .. }
            | TableInit { .. }
            | ElemDrop { .. } => None,
            Copy { d, .. }
            | Const32 { d, .. }
            | ConstI64S { d, .. }
            | Const64 { d, .. }
            | Select { d, .. }
            | GlobalGet { d, .. }
            | RefFunc { d, .. }
            | I32Load { d, .. }
            | I64Load { d, .. }
            | I32Load8S { d, .. }
            | I32Load8U { d, .. }
            | I32Load16S { d, .. }
            | I32Load16U { d, .. }
            | I64Load8S { d, .. }
            | I64Load8U { d, .. }
            | I64Load16S { d, .. }
            | I64Load16U { d, .. }
            | I64Load32S { d, .. }
            | I64Load32U { d, .. }
            | MemorySize { d }
            | MemoryGrow { d, .. }
            | TableGet { d, .. }
            | TableSize { d, .. }
            | TableGrow { d, .. } => Some(d),
            I32Add { d, .. }
            | I32Sub { d, .. }
            | I32Mul { d, .. }
            | I32DivS { d, .. }
            | I32DivU { d, .. }
            | I32RemS { d, .. }
            | I32RemU { d, .. }
            | I32And { d, .. }
            | I32Or { d, .. }
            | I32Xor { d, .. }
            | I32Shl { d, .. }
            | I32ShrS { d, .. }
            | I32ShrU { d, .. }
            | I32Rotl { d, .. }
            | I32Rotr { d, .. }
            | I32Eq { d, .. }
            | I32Ne { d, .. }
            | I32LtS { d, .. }
            | I32LtU { d, .. }
            | I32GtS { d, .. }
            | I32GtU { d, .. }
            | I32LeS { d, .. }
            | I32LeU { d, .. }
            | I32GeS { d, .. }
            | I32GeU { d, .. }
            | I32AddI { d, .. }
            | I32SubI { d, .. }
            | I32MulI { d, .. }
            | I32DivSI { d, .. }
            | I32DivUI { d, .. }
            | I32RemSI { d, .. }
            | I32RemUI { d, .. }
            | I32AndI { d, .. }
            | I32OrI { d, .. }
            | I32XorI { d, .. }
            | I32ShlI { d, .. }
            | I32ShrSI { d, .. }
            | I32ShrUI { d, .. }
            | I32RotlI { d, .. }
            | I32RotrI { d, .. }
            | I32EqI { d, .. }
            | I32NeI { d, .. }
            | I32LtSI { d, .. }
            | I32LtUI { d, .. }
            | I32GtSI { d, .. }
            | I32GtUI { d, .. }
            | I32LeSI { d, .. }
            | I32LeUI { d, .. }
            | I32GeSI { d, .. }
            | I32GeUI { d, .. }
            | I32Eqz { d, .. }
            | I32Clz { d, .. }
            | I32Ctz { d, .. }
            | I32Popcnt { d, .. }
            | I32Extend8S { d, .. }
            | I32Extend16S { d, .. }
            | I32WrapI64 { d, .. } => Some(d),
            I64Add { d, .. }
            | I64Sub { d, .. }
            | I64Mul { d, .. }
            | I64DivS { d, .. }
            | I64DivU { d, .. }
            | I64RemS { d, .. }
            | I64RemU { d, .. }
            | I64And { d, .. }
            | I64Or { d, .. }
            | I64Xor { d, .. }
            | I64Shl { d, .. }
            | I64ShrS { d, .. }
            | I64ShrU { d, .. }
            | I64Rotl { d, .. }
            | I64Rotr { d, .. }
            | I64Eq { d, .. }
            | I64Ne { d, .. }
            | I64LtS { d, .. }
            | I64LtU { d, .. }
            | I64GtS { d, .. }
            | I64GtU { d, .. }
            | I64LeS { d, .. }
            | I64LeU { d, .. }
            | I64GeS { d, .. }
            | I64GeU { d, .. }
            | I64AddI { d, .. }
            | I64SubI { d, .. }
            | I64MulI { d, .. }
            | I64DivSI { d, .. }
            | I64DivUI { d, .. }
            | I64RemSI { d, .. }
            | I64RemUI { d, .. }
            | I64AndI { d, .. }
            | I64OrI { d, .. }
            | I64XorI { d, .. }
            | I64ShlI { d, .. }
            | I64ShrSI { d, .. }
            | I64ShrUI { d, .. }
            | I64RotlI { d, .. }
            | I64RotrI { d, .. }
            | I64EqI { d, .. }
            | I64NeI { d, .. }
            | I64LtSI { d, .. }
            | I64LtUI { d, .. }
            | I64GtSI { d, .. }
            | I64GtUI { d, .. }
            | I64LeSI { d, .. }
            | I64LeUI { d, .. }
            | I64GeSI { d, .. }
            | I64GeUI { d, .. }
            | I64Eqz { d, .. }
            | I64Clz { d, .. }
            | I64Ctz { d, .. }
            | I64Popcnt { d, .. }
            | I64Extend8S { d, .. }
            | I64Extend16S { d, .. }
            | I64Extend32S { d, .. }
            | I64ExtendI32S { d, .. }
            | I64ExtendI32U { d, .. } => Some(d),
            #[cfg(feature = "float")]
            F32Add { d, .. }
            | F32Sub { d, .. }
            | F32Mul { d, .. }
            | F32Div { d, .. }
            | F32Min { d, .. }
            | F32Max { d, .. }
            | F32Copysign { d, .. }
            | F32Eq { d, .. }
            | F32Ne { d, .. }
            | F32Lt { d, .. }
            | F32Gt { d, .. }
            | F32Le { d, .. }
            | F32Ge { d, .. }
            | F32Abs { d, .. }
            | F32Neg { d, .. }
            | F32Ceil { d, .. }
            | F32Floor { d, .. }
            | F32Trunc { d, .. }
            | F32Nearest { d, .. }
            | F32Sqrt { d, .. }
            | F64Add { d, .. }
            | F64Sub { d, .. }
            | F64Mul { d, .. }
            | F64Div { d, .. }
            | F64Min { d, .. }
            | F64Max { d, .. }
            | F64Copysign { d, .. }
            | F64Eq { d, .. }
            | F64Ne { d, .. }
            | F64Lt { d, .. }
            | F64Gt { d, .. }
            | F64Le { d, .. }
            | F64Ge { d, .. }
            | F64Abs { d, .. }
            | F64Neg { d, .. }
            | F64Ceil { d, .. }
            | F64Floor { d, .. }
            | F64Trunc { d, .. }
            | F64Nearest { d, .. }
            | F64Sqrt { d, .. } => Some(d),
            #[cfg(feature = "float")]
            I32TruncF32S { d, .. }
            | I32TruncF32U { d, .. }
            | I32TruncF64S { d, .. }
            | I32TruncF64U { d, .. }
            | I64TruncF32S { d, .. }
            | I64TruncF32U { d, .. }
            | I64TruncF64S { d, .. }
            | I64TruncF64U { d, .. }
            | I32TruncSatF32S { d, .. }
            | I32TruncSatF32U { d, .. }
            | I32TruncSatF64S { d, .. }
            | I32TruncSatF64U { d, .. }
            | I64TruncSatF32S { d, .. }
            | I64TruncSatF32U { d, .. }
            | I64TruncSatF64S { d, .. }
            | I64TruncSatF64U { d, .. }
            | F32ConvertI32S { d, .. }
            | F32ConvertI32U { d, .. }
            | F32ConvertI64S { d, .. }
            | F32ConvertI64U { d, .. }
            | F64ConvertI32S { d, .. }
            | F64ConvertI32U { d, .. }
            | F64ConvertI64S { d, .. }
            | F64ConvertI64U { d, .. }
            | F32DemoteF64 { d, .. }
            | F64PromoteF32 { d, .. } => Some(d),
        }
    }

    /// The offset of a branch instruction, for patching forward branches.
    pub fn branch_offset_mut(&mut self) -> Option<&mut Offset> {
        use Op::*;
        match self {
            Br { off }
            | BrIfNez { off, .. }
            | BrIfEqz { off, .. }
            | BrI32Eq { off, .. }
            | BrI32Ne { off, .. }
            | BrI32LtS { off, .. }
            | BrI32LtU { off, .. }
            | BrI32GtS { off, .. }
            | BrI32GtU { off, .. }
            | BrI32LeS { off, .. }
            | BrI32LeU { off, .. }
            | BrI32GeS { off, .. }
            | BrI32GeU { off, .. }
            | BrI32EqI { off, .. }
            | BrI32NeI { off, .. }
            | BrI32LtSI { off, .. }
            | BrI32LtUI { off, .. }
            | BrI32GtSI { off, .. }
            | BrI32GtUI { off, .. }
            | BrI32LeSI { off, .. }
            | BrI32LeUI { off, .. }
            | BrI32GeSI { off, .. }
            | BrI32GeUI { off, .. } => Some(off),
            _ => None,
        }
    }
}

/// A translated function.
#[derive(Debug)]
pub struct CompiledFunc {
    pub code: Box<[Op]>,
    pub num_params: u32,
    /// Parameters plus declared locals.
    pub num_locals: u32,
    /// Slots the frame needs: locals plus the deepest operand stack.
    pub frame_size: u32,
    /// `code` as threaded code, for the threaded backend.
    #[cfg(threaded)]
    pub threaded: Box<[crate::dispatch::TInstr]>,
}

#[cfg(threaded)]
impl core::fmt::Debug for crate::dispatch::TInstr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.op.fmt(f)
    }
}

const _: () = assert!(core::mem::size_of::<Op>() <= 12);
