//! The function-body validator: the spec's validation algorithm (appendix "Validation
//! Algorithm") over the operators [`crate::operators`] decodes — the same decoding the
//! interpreter's translator uses, so the library holds one operator decoder.
//!
//! The operand stack holds maybe-types (`None`: unknown, from unreachable code); each
//! control frame records its block type, the operand height at its start and whether
//! the rest of it is unreachable. Locals are kept as runs, so a function may declare
//! up to wasmparser's limit of locals without a slot being allocated for each.

use alloc::boxed::Box;
use alloc::vec::Vec;

use wasmparser::{BlockType, FunctionBody, MemArg, MemArgTarget};

use super::sections::value_type;
use super::{FuncSet, Proposal, Reason};
use crate::module::{FuncBody, Module, ModuleError, ModuleErrorKind};
use crate::operators::{Operator, OperatorReader};
use crate::types::{FuncType, TableType, ValType};

/// Errors are boxed here so that the hot paths (`pop`, ...) return small `Result`s.
type Result<T> = core::result::Result<T, Box<ModuleError>>;

#[cold]
fn invalid(reason: Reason, offset: u64) -> Box<ModuleError> {
    Box::new(super::invalid(reason, offset))
}

#[cold]
fn unsupported(proposal: Proposal, offset: u64) -> Box<ModuleError> {
    Box::new(super::unsupported(proposal, offset))
}

/// Locals whose types are also kept one per entry (most functions have fewer).
const FIRST_LOCALS: usize = 64;

/// What a body is validated against: the module as declared before the code section.
pub(crate) struct Context<'a> {
    pub(crate) module: &'a Module,
    /// Functions `ref.func` may name.
    pub(crate) refs: &'a FuncSet,
    pub(crate) data_count: Option<u32>,
    /// Index of the function, in the function index space.
    pub(crate) func: u32,
}

/// The types a block takes and produces.
#[derive(Debug, Clone, Copy)]
enum Sig {
    Empty,
    Value(ValType),
    /// A function type, by type index (checked to exist).
    Type(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    kind: Kind,
    sig: Sig,
    /// Operand stack height where the block started (below its parameters).
    height: usize,
    unreachable: bool,
}

/// What the last validated body used that a build may refuse.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Used {
    pub(crate) floats: bool,
    /// `v128` values.
    pub(crate) simd: bool,
    /// Validation stopped at a SIMD instruction.
    pub(crate) simd_instruction: bool,
}

/// Reusable state for validating function bodies one after another.
#[derive(Default)]
pub(crate) struct FuncValidator {
    operands: Vec<Option<ValType>>,
    frames: Vec<Frame>,
    /// Parameters and declared locals as runs: (index after the run's last local, type).
    locals: Vec<(u32, ValType)>,
    /// The types of the first [`FIRST_LOCALS`] locals, for a quick look-up.
    first_locals: Vec<ValType>,
    /// A `br_table` target's operands, popped to be checked and pushed back.
    popped: Vec<Option<ValType>>,
    /// The value types the body used, one bit each (`1 << ValType as u8`).
    types_used: u8,
    /// Validation stopped at a SIMD instruction.
    simd_instruction: bool,
}

impl<'a> Context<'a> {
    fn params(&self, sig: Sig) -> &'a [ValType] {
        let module: &'a Module = self.module;
        match sig {
            Sig::Type(index) => &module.types[index as usize].params,
            Sig::Empty | Sig::Value(_) => &[],
        }
    }

    fn results(&self, sig: Sig) -> &'a [ValType] {
        let module: &'a Module = self.module;
        match sig {
            Sig::Empty => &[],
            Sig::Value(ty) => one(ty),
            Sig::Type(index) => &module.types[index as usize].results,
        }
    }

    fn table(&self, index: u32, offset: u64) -> Result<TableType> {
        let tables = &self.module.tables;
        tables
            .get(index as usize)
            .copied()
            .ok_or_else(|| invalid(Reason::UnknownTable(index), offset))
    }

    /// Memory `index`'s address type (i64 for a 64-bit memory, else i32).
    fn memory(&self, index: u32, offset: u64) -> Result<ValType> {
        self.module
            .memories
            .get(index as usize)
            .map(|m| m.address_type())
            .ok_or_else(|| invalid(Reason::UnknownMemory(index), offset))
    }

    fn elem(&self, index: u32, offset: u64) -> Result<ValType> {
        let elements = &self.module.elements;
        elements
            .get(index as usize)
            .map(|e| e.ty)
            .ok_or_else(|| invalid(Reason::UnknownElem(index), offset))
    }

    fn data(&self, index: u32, offset: u64) -> Result<()> {
        match self.data_count {
            None => Err(invalid(Reason::DataCountRequired, offset)),
            Some(count) if index < count => Ok(()),
            Some(_) => Err(invalid(Reason::UnknownData(index), offset)),
        }
    }
}

/// `[ty]` as a static slice.
fn one(ty: ValType) -> &'static [ValType] {
    match ty {
        ValType::I32 => &[ValType::I32],
        ValType::I64 => &[ValType::I64],
        ValType::F32 => &[ValType::F32],
        ValType::F64 => &[ValType::F64],
        ValType::V128 => &[ValType::V128],
        ValType::FuncRef => &[ValType::FuncRef],
        ValType::ExternRef => &[ValType::ExternRef],
    }
}

impl FuncValidator {
    /// What the last body validated used.
    pub(crate) fn used(&self) -> Used {
        let used = |ty: ValType| self.types_used & (1 << ty as u8) != 0;
        Used {
            floats: used(ValType::F32) || used(ValType::F64),
            simd: used(ValType::V128),
            simd_instruction: self.simd_instruction,
        }
    }

    /// Validates the body of function `cx.func`; returns its locals and code range.
    pub(crate) fn validate(
        &mut self,
        cx: &Context<'_>,
        body: &FunctionBody<'_>,
    ) -> core::result::Result<FuncBody, ModuleError> {
        self.body(cx, body).map_err(|e| *e)
    }

    fn body(&mut self, cx: &Context<'_>, body: &FunctionBody<'_>) -> Result<FuncBody> {
        self.operands.clear();
        self.frames.clear();
        self.locals.clear();
        self.first_locals.clear();
        self.types_used = 0;
        self.simd_instruction = false;
        let m = cx.module;
        // The parser makes the code section's count match the function section's.
        let Some(&type_index) = m.funcs.get(cx.func as usize) else {
            return Err(invalid(
                Reason::UnknownFunction(cx.func),
                body.range().start,
            ));
        };
        let mut count = 0u32;
        for &param in m.types[type_index as usize].params.iter() {
            self.note(param);
            count += 1;
            self.add_locals(1, param);
        }
        let num_params = count;
        let mut declared = Vec::new();
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (n, ty) = locals.read()?;
            let ty = value_type(ty, offset)?;
            self.note(ty);
            if n == 0 {
                continue;
            }
            count = count
                .checked_add(n)
                .filter(|&total| total <= super::limits::MAX_WASM_FUNCTION_LOCALS)
                .ok_or_else(|| invalid(Reason::TooManyLocals, offset))?;
            self.add_locals(n, ty);
            declared.push((n, ty));
        }
        let mut reader = OperatorReader::new(locals.get_binary_reader());
        let code_start = reader.original_position() as usize;
        self.frames.push(Frame {
            kind: Kind::Block,
            sig: Sig::Type(type_index),
            height: 0,
            unreachable: false,
        });
        while !reader.eof() {
            let offset = reader.original_position();
            if self.frames.is_empty() {
                return Err(invalid(Reason::AfterEnd, offset));
            }
            // Matched where the reader wrote it: moving the operator out of the
            // `Result` first costs a store-forwarding stall on every instruction.
            let op = reader.read();
            match &op {
                Ok(op) => self.operator(cx, op, offset)?,
                Err(e) => {
                    // Validation cannot go past a SIMD instruction yet (see
                    // `ModuleValidator::code_entry`).
                    self.simd_instruction = e.kind == ModuleErrorKind::Unsupported
                        && m.bytes.get(offset as usize) == Some(&0xfd);
                    return Err(e.clone());
                }
            }
        }
        if !self.frames.is_empty() {
            return Err(invalid(Reason::EndExpected, reader.original_position()));
        }
        Ok(FuncBody {
            locals: declared.into(),
            num_locals: count - num_params,
            code: code_start..body.range().end as usize,
        })
    }

    /// Appends `n` locals of type `ty` (the total was checked against the limit).
    fn add_locals(&mut self, n: u32, ty: ValType) {
        let end = self.locals.last().map_or(0, |&(end, _)| end) + n;
        self.locals.push((end, ty));
        let cached = (FIRST_LOCALS - self.first_locals.len().min(FIRST_LOCALS)).min(n as usize);
        self.first_locals.extend(core::iter::repeat_n(ty, cached));
    }

    fn note(&mut self, ty: ValType) {
        self.types_used |= 1 << ty as u8;
    }

    // ---- the operand and control stacks (the spec's `push_val`, `pop_val`, ...) ----

    fn push(&mut self, ty: ValType) {
        self.note(ty);
        self.operands.push(Some(ty));
    }

    fn push_all(&mut self, types: &[ValType]) {
        for &ty in types {
            self.push(ty);
        }
    }

    /// Pops any operand; `None` is the unknown type of unreachable code. `expected` is
    /// only for the message.
    fn pop_any(&mut self, expected: Option<ValType>, offset: u64) -> Result<Option<ValType>> {
        let Some(frame) = self.frames.last() else {
            return Err(invalid(Reason::TypeMismatch, offset));
        };
        if self.operands.len() > frame.height {
            Ok(self.operands.pop().flatten())
        } else if frame.unreachable {
            Ok(None)
        } else {
            Err(invalid(
                expected.map_or(Reason::TypeMismatch, Reason::Missing),
                offset,
            ))
        }
    }

    #[inline]
    fn pop(&mut self, expected: ValType, offset: u64) -> Result<Option<ValType>> {
        // The common case: the expected type on top, above the current block's start.
        if let (Some(&Some(actual)), Some(frame)) = (self.operands.last(), self.frames.last()) {
            if actual == expected && self.operands.len() > frame.height {
                self.operands.pop();
                return Ok(Some(actual));
            }
        }
        self.pop_slow(expected, offset)
    }

    fn pop_slow(&mut self, expected: ValType, offset: u64) -> Result<Option<ValType>> {
        // What is popped in unreachable code was never pushed: note the type here.
        self.note(expected);
        match self.pop_any(Some(expected), offset)? {
            Some(actual) if actual != expected => {
                Err(invalid(Reason::Expected(expected, actual), offset))
            }
            actual => Ok(actual),
        }
    }

    fn pop_all(&mut self, types: &[ValType], offset: u64) -> Result<()> {
        for &ty in types.iter().rev() {
            self.pop(ty, offset)?;
        }
        Ok(())
    }

    fn unop(&mut self, operand: ValType, result: ValType, offset: u64) -> Result<()> {
        self.pop(operand, offset)?;
        self.push(result);
        Ok(())
    }

    fn binop(&mut self, operand: ValType, result: ValType, offset: u64) -> Result<()> {
        self.pop(operand, offset)?;
        self.unop(operand, result, offset)
    }

    /// The spec's `push_ctrl` after popping the block's parameters.
    fn enter(&mut self, cx: &Context<'_>, kind: Kind, sig: Sig, offset: u64) -> Result<()> {
        self.pop_all(cx.params(sig), offset)?;
        self.push_frame(cx, kind, sig);
        Ok(())
    }

    /// The spec's `push_ctrl`: a new frame, with the block's parameters on the stack.
    fn push_frame(&mut self, cx: &Context<'_>, kind: Kind, sig: Sig) {
        self.frames.push(Frame {
            kind,
            sig,
            height: self.operands.len(),
            unreachable: false,
        });
        self.push_all(cx.params(sig));
    }

    fn leave(&mut self, cx: &Context<'_>, offset: u64) -> Result<Frame> {
        let Some(&frame) = self.frames.last() else {
            return Err(invalid(Reason::TypeMismatch, offset));
        };
        self.pop_all(cx.results(frame.sig), offset)?;
        if self.operands.len() != frame.height {
            return Err(invalid(Reason::ValuesRemaining, offset));
        }
        self.frames.pop();
        Ok(frame)
    }

    fn unreachable(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            self.operands.truncate(frame.height);
            frame.unreachable = true;
        }
    }

    /// The operand types a branch to label `depth` carries.
    fn label<'a>(&self, cx: &Context<'a>, depth: u32, offset: u64) -> Result<&'a [ValType]> {
        let frame = (depth as usize)
            .checked_add(1)
            .and_then(|depth| self.frames.len().checked_sub(depth))
            .map(|i| self.frames[i])
            .ok_or_else(|| invalid(Reason::UnknownLabel(depth), offset))?;
        Ok(match frame.kind {
            Kind::Loop => cx.params(frame.sig),
            _ => cx.results(frame.sig),
        })
    }

    #[inline]
    fn local(&self, index: u32, offset: u64) -> Result<ValType> {
        match self.first_locals.get(index as usize) {
            Some(&ty) => Ok(ty),
            None => self.local_in_runs(index, offset),
        }
    }

    fn local_in_runs(&self, index: u32, offset: u64) -> Result<ValType> {
        let run = self.locals.partition_point(|&(end, _)| end <= index);
        match self.locals.get(run) {
            Some(&(_, ty)) => Ok(ty),
            None => Err(invalid(Reason::UnknownLocal(index), offset)),
        }
    }

    fn block_type(&mut self, cx: &Context<'_>, ty: BlockType, offset: u64) -> Result<Sig> {
        Ok(match ty {
            BlockType::Empty => Sig::Empty,
            BlockType::Type(ty) => Sig::Value(value_type(ty, offset)?),
            BlockType::FuncType(index) if (index as usize) < cx.module.types.len() => {
                Sig::Type(index)
            }
            BlockType::FuncType(index) => return Err(invalid(Reason::UnknownType(index), offset)),
        })
    }

    /// Checks a load's or store's memarg; returns the memory's address type.
    fn memarg(&self, cx: &Context<'_>, memarg: &MemArg, offset: u64) -> Result<ValType> {
        let address = match memarg.target {
            MemArgTarget::Memory(index) => cx.memory(index, offset)?,
            MemArgTarget::Array(_) => return Err(unsupported(Proposal::Gc, offset)),
        };
        if memarg.align > memarg.max_align {
            return Err(invalid(Reason::Alignment, offset));
        }
        // The offset is decoded as a u64 with memory64; a 32-bit memory's fits a u32.
        #[cfg(feature = "memory64")]
        if address == ValType::I32 && memarg.offset > u64::from(u32::MAX) {
            return Err(invalid(Reason::OffsetRange, offset));
        }
        Ok(address)
    }

    fn load(&mut self, cx: &Context<'_>, memarg: MemArg, ty: ValType, offset: u64) -> Result<()> {
        let address = self.memarg(cx, &memarg, offset)?;
        self.unop(address, ty, offset)
    }

    fn store(&mut self, cx: &Context<'_>, memarg: MemArg, ty: ValType, offset: u64) -> Result<()> {
        let address = self.memarg(cx, &memarg, offset)?;
        self.pop(ty, offset)?;
        self.pop(address, offset)?;
        Ok(())
    }

    /// Pops the three operands of a bulk instruction: destination, source (or value)
    /// and length, of the given types.
    fn pop3(&mut self, dst: ValType, src: ValType, len: ValType, offset: u64) -> Result<()> {
        self.pop_all(&[dst, src, len], offset)
    }

    /// A `return_call*` to a function of type `callee` (its table operand popped): the
    /// arguments are popped, and the callee's results become the caller's, so they must
    /// be the caller's result types.
    fn tail_call(&mut self, cx: &Context<'_>, callee: &FuncType, offset: u64) -> Result<()> {
        if !super::Features::SUPPORTED.tail_calls {
            return Err(unsupported(Proposal::TailCalls, offset));
        }
        self.pop_all(&callee.params, offset)?;
        let caller = self.frames.first().map_or(Sig::Empty, |f| f.sig);
        if *cx.results(caller) != *callee.results {
            return Err(invalid(Reason::TypeMismatch, offset));
        }
        self.unreachable();
        Ok(())
    }

    /// Validates one instruction at `offset`.
    fn operator(&mut self, cx: &Context<'_>, op: &Operator<'_>, offset: u64) -> Result<()> {
        use Operator as Op;
        use ValType::{FuncRef, F32, F64, I32, I64};
        let m = cx.module;
        match op {
            // ---- control ----
            Op::Unreachable => self.unreachable(),
            Op::Nop => {}
            Op::Block { blockty } => {
                let sig = self.block_type(cx, *blockty, offset)?;
                self.enter(cx, Kind::Block, sig, offset)?;
            }
            Op::Loop { blockty } => {
                let sig = self.block_type(cx, *blockty, offset)?;
                self.enter(cx, Kind::Loop, sig, offset)?;
            }
            Op::If { blockty } => {
                let sig = self.block_type(cx, *blockty, offset)?;
                self.pop(I32, offset)?;
                self.enter(cx, Kind::If, sig, offset)?;
            }
            Op::Else => {
                let frame = self.leave(cx, offset)?;
                if frame.kind != Kind::If {
                    return Err(invalid(Reason::TypeMismatch, offset));
                }
                self.push_frame(cx, Kind::Else, frame.sig);
            }
            Op::End => {
                let frame = self.leave(cx, offset)?;
                if frame.kind == Kind::If {
                    // `if` without `else`: the empty else branch passes the parameters
                    // through, so they must be the results.
                    self.push_frame(cx, Kind::Else, frame.sig);
                    self.leave(cx, offset)?;
                }
                self.push_all(cx.results(frame.sig));
            }
            Op::Br { relative_depth } => {
                let label = self.label(cx, *relative_depth, offset)?;
                self.pop_all(label, offset)?;
                self.unreachable();
            }
            Op::BrIf { relative_depth } => {
                self.pop(I32, offset)?;
                let label = self.label(cx, *relative_depth, offset)?;
                self.pop_all(label, offset)?;
                self.push_all(label);
            }
            Op::BrTable { targets } => {
                self.pop(I32, offset)?;
                let default = self.label(cx, targets.default(), offset)?;
                for depth in targets.targets() {
                    let label = self.label(cx, depth?, offset)?;
                    if label.len() != default.len() {
                        return Err(invalid(Reason::TypeMismatch, offset));
                    }
                    // The spec's `push_vals(pop_vals(label))`: the operands keep the
                    // types they had (unknown ones stay unknown).
                    let mut popped = core::mem::take(&mut self.popped);
                    popped.clear();
                    for &ty in label.iter().rev() {
                        popped.push(self.pop(ty, offset)?);
                    }
                    self.operands.extend(popped.drain(..).rev());
                    self.popped = popped;
                }
                self.pop_all(default, offset)?;
                self.unreachable();
            }
            Op::Return => {
                let sig = self.frames.first().map_or(Sig::Empty, |f| f.sig);
                self.pop_all(cx.results(sig), offset)?;
                self.unreachable();
            }
            Op::Call { function_index } | Op::ReturnCall { function_index } => {
                let Some(&ty) = m.funcs.get(*function_index as usize) else {
                    return Err(invalid(Reason::UnknownFunction(*function_index), offset));
                };
                let ty = &m.types[ty as usize];
                if matches!(op, Op::ReturnCall { .. }) {
                    self.tail_call(cx, ty, offset)?;
                } else {
                    self.pop_all(&ty.params, offset)?;
                    self.push_all(&ty.results);
                }
            }
            Op::CallIndirect {
                type_index,
                table_index,
            }
            | Op::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let table = cx.table(*table_index, offset)?;
                if table.element != FuncRef {
                    return Err(invalid(Reason::TypeMismatch, offset));
                }
                let Some(ty) = m.types.get(*type_index as usize) else {
                    return Err(invalid(Reason::UnknownType(*type_index), offset));
                };
                self.pop(table.address_type(), offset)?;
                if matches!(op, Op::ReturnCallIndirect { .. }) {
                    self.tail_call(cx, ty, offset)?;
                } else {
                    self.pop_all(&ty.params, offset)?;
                    self.push_all(&ty.results);
                }
            }
            // ---- parametric ----
            Op::Drop => {
                self.pop_any(None, offset)?;
            }
            Op::Select => {
                self.pop(I32, offset)?;
                let first = self.pop_any(None, offset)?;
                let second = self.pop_any(None, offset)?;
                // Untyped `select` takes numeric or vector operands of one type.
                let is_ref = |ty: Option<ValType>| ty.is_some_and(ValType::is_ref);
                match (first, second) {
                    _ if is_ref(first) || is_ref(second) => {
                        return Err(invalid(Reason::TypeMismatch, offset))
                    }
                    (Some(a), Some(b)) if a != b => {
                        return Err(invalid(Reason::Expected(a, b), offset))
                    }
                    _ => self.operands.push(first.or(second)),
                }
            }
            Op::TypedSelect { ty } => {
                let ty = value_type(*ty, offset)?;
                self.pop(I32, offset)?;
                self.pop(ty, offset)?;
                self.unop(ty, ty, offset)?;
            }
            Op::TypedSelectMulti { .. } => return Err(invalid(Reason::ResultArity, offset)),

            // ---- variables ----
            Op::LocalGet { local_index } => {
                let ty = self.local(*local_index, offset)?;
                self.push(ty);
            }
            Op::LocalSet { local_index } => {
                let ty = self.local(*local_index, offset)?;
                self.pop(ty, offset)?;
            }
            Op::LocalTee { local_index } => {
                let ty = self.local(*local_index, offset)?;
                self.unop(ty, ty, offset)?;
            }
            Op::GlobalGet { global_index } | Op::GlobalSet { global_index } => {
                let Some(global) = m.globals.get(*global_index as usize) else {
                    return Err(invalid(Reason::UnknownGlobal(*global_index), offset));
                };
                if matches!(op, Op::GlobalGet { .. }) {
                    self.push(global.content);
                } else if global.mutable {
                    self.pop(global.content, offset)?;
                } else {
                    return Err(invalid(Reason::GlobalImmutable, offset));
                }
            }

            // ---- memory ----
            Op::I32Load { memarg }
            | Op::I32Load8S { memarg }
            | Op::I32Load8U { memarg }
            | Op::I32Load16S { memarg }
            | Op::I32Load16U { memarg } => self.load(cx, *memarg, I32, offset)?,
            Op::I64Load { memarg }
            | Op::I64Load8S { memarg }
            | Op::I64Load8U { memarg }
            | Op::I64Load16S { memarg }
            | Op::I64Load16U { memarg }
            | Op::I64Load32S { memarg }
            | Op::I64Load32U { memarg } => self.load(cx, *memarg, I64, offset)?,
            Op::F32Load { memarg } => self.load(cx, *memarg, F32, offset)?,
            Op::F64Load { memarg } => self.load(cx, *memarg, F64, offset)?,
            Op::I32Store { memarg } | Op::I32Store8 { memarg } | Op::I32Store16 { memarg } => {
                self.store(cx, *memarg, I32, offset)?
            }
            Op::I64Store { memarg }
            | Op::I64Store8 { memarg }
            | Op::I64Store16 { memarg }
            | Op::I64Store32 { memarg } => self.store(cx, *memarg, I64, offset)?,
            Op::F32Store { memarg } => self.store(cx, *memarg, F32, offset)?,
            Op::F64Store { memarg } => self.store(cx, *memarg, F64, offset)?,
            Op::MemorySize { mem } => {
                let address = cx.memory(*mem, offset)?;
                self.push(address);
            }
            Op::MemoryGrow { mem } => {
                let address = cx.memory(*mem, offset)?;
                self.unop(address, address, offset)?;
            }
            Op::MemoryInit { data_index, mem } => {
                let address = cx.memory(*mem, offset)?;
                cx.data(*data_index, offset)?;
                self.pop3(address, I32, I32, offset)?;
            }
            Op::DataDrop { data_index } => cx.data(*data_index, offset)?,
            Op::MemoryCopy { dst_mem, src_mem } => {
                let dst = cx.memory(*dst_mem, offset)?;
                let src = cx.memory(*src_mem, offset)?;
                self.pop3(dst, src, narrower(dst, src), offset)?;
            }
            Op::MemoryFill { mem } => {
                let address = cx.memory(*mem, offset)?;
                self.pop3(address, I32, address, offset)?;
            }

            // ---- tables and references ----
            Op::TableInit { elem_index, table } => {
                let table = cx.table(*table, offset)?;
                if cx.elem(*elem_index, offset)? != table.element {
                    return Err(invalid(Reason::TypeMismatch, offset));
                }
                self.pop3(table.address_type(), I32, I32, offset)?;
            }
            Op::ElemDrop { elem_index } => {
                cx.elem(*elem_index, offset)?;
            }
            Op::TableCopy {
                dst_table,
                src_table,
            } => {
                let dst = cx.table(*dst_table, offset)?;
                let src = cx.table(*src_table, offset)?;
                if src.element != dst.element {
                    return Err(invalid(Reason::TypeMismatch, offset));
                }
                let (dst, src) = (dst.address_type(), src.address_type());
                self.pop3(dst, src, narrower(dst, src), offset)?;
            }
            Op::TableGet { table } => {
                let table = cx.table(*table, offset)?;
                self.unop(table.address_type(), table.element, offset)?;
            }
            Op::TableSet { table } => {
                let table = cx.table(*table, offset)?;
                self.pop(table.element, offset)?;
                self.pop(table.address_type(), offset)?;
            }
            Op::TableGrow { table } => {
                let table = cx.table(*table, offset)?;
                let address = table.address_type();
                self.pop(address, offset)?;
                self.unop(table.element, address, offset)?;
            }
            Op::TableSize { table } => {
                let table = cx.table(*table, offset)?;
                self.push(table.address_type());
            }
            Op::TableFill { table } => {
                let table = cx.table(*table, offset)?;
                let address = table.address_type();
                self.pop3(address, table.element, address, offset)?;
            }
            Op::RefNull { hty } => {
                let ty = wasmparser::RefType::new(true, *hty)
                    .ok_or_else(|| unsupported(Proposal::Gc, offset))?;
                self.push(value_type(wasmparser::ValType::Ref(ty), offset)?);
            }
            Op::RefIsNull => {
                if self.pop_any(None, offset)?.is_some_and(|ty| !ty.is_ref()) {
                    return Err(invalid(Reason::TypeMismatch, offset));
                }
                self.push(I32);
            }
            Op::RefFunc { function_index } => {
                if *function_index as usize >= m.funcs.len() {
                    return Err(invalid(Reason::UnknownFunction(*function_index), offset));
                }
                if !cx.refs.contains(*function_index) {
                    return Err(invalid(Reason::UndeclaredFuncRef, offset));
                }
                self.push(FuncRef);
            }

            // ---- numeric ----
            Op::I32Const { .. } => self.push(I32),
            Op::I64Const { .. } => self.push(I64),
            Op::F32Const { .. } => self.push(F32),
            Op::F64Const { .. } => self.push(F64),
            Op::I32Eqz
            | Op::I32Clz
            | Op::I32Ctz
            | Op::I32Popcnt
            | Op::I32Extend8S
            | Op::I32Extend16S => self.unop(I32, I32, offset)?,
            Op::I32Eq
            | Op::I32Ne
            | Op::I32LtS
            | Op::I32LtU
            | Op::I32GtS
            | Op::I32GtU
            | Op::I32LeS
            | Op::I32LeU
            | Op::I32GeS
            | Op::I32GeU
            | Op::I32Add
            | Op::I32Sub
            | Op::I32Mul
            | Op::I32DivS
            | Op::I32DivU
            | Op::I32RemS
            | Op::I32RemU
            | Op::I32And
            | Op::I32Or
            | Op::I32Xor
            | Op::I32Shl
            | Op::I32ShrS
            | Op::I32ShrU
            | Op::I32Rotl
            | Op::I32Rotr => self.binop(I32, I32, offset)?,
            Op::I64Eqz | Op::I32WrapI64 => self.unop(I64, I32, offset)?,
            Op::I64Clz
            | Op::I64Ctz
            | Op::I64Popcnt
            | Op::I64Extend8S
            | Op::I64Extend16S
            | Op::I64Extend32S => self.unop(I64, I64, offset)?,
            Op::I64Eq
            | Op::I64Ne
            | Op::I64LtS
            | Op::I64LtU
            | Op::I64GtS
            | Op::I64GtU
            | Op::I64LeS
            | Op::I64LeU
            | Op::I64GeS
            | Op::I64GeU => self.binop(I64, I32, offset)?,
            Op::I64Add
            | Op::I64Sub
            | Op::I64Mul
            | Op::I64DivS
            | Op::I64DivU
            | Op::I64RemS
            | Op::I64RemU
            | Op::I64And
            | Op::I64Or
            | Op::I64Xor
            | Op::I64Shl
            | Op::I64ShrS
            | Op::I64ShrU
            | Op::I64Rotl
            | Op::I64Rotr => self.binop(I64, I64, offset)?,
            Op::F32Eq | Op::F32Ne | Op::F32Lt | Op::F32Gt | Op::F32Le | Op::F32Ge => {
                self.binop(F32, I32, offset)?
            }
            Op::F64Eq | Op::F64Ne | Op::F64Lt | Op::F64Gt | Op::F64Le | Op::F64Ge => {
                self.binop(F64, I32, offset)?
            }
            Op::F32Abs
            | Op::F32Neg
            | Op::F32Ceil
            | Op::F32Floor
            | Op::F32Trunc
            | Op::F32Nearest
            | Op::F32Sqrt => self.unop(F32, F32, offset)?,
            Op::F32Add
            | Op::F32Sub
            | Op::F32Mul
            | Op::F32Div
            | Op::F32Min
            | Op::F32Max
            | Op::F32Copysign => self.binop(F32, F32, offset)?,
            Op::F64Abs
            | Op::F64Neg
            | Op::F64Ceil
            | Op::F64Floor
            | Op::F64Trunc
            | Op::F64Nearest
            | Op::F64Sqrt => self.unop(F64, F64, offset)?,
            Op::F64Add
            | Op::F64Sub
            | Op::F64Mul
            | Op::F64Div
            | Op::F64Min
            | Op::F64Max
            | Op::F64Copysign => self.binop(F64, F64, offset)?,
            Op::I32TruncF32S
            | Op::I32TruncF32U
            | Op::I32TruncSatF32S
            | Op::I32TruncSatF32U
            | Op::I32ReinterpretF32 => self.unop(F32, I32, offset)?,
            Op::I32TruncF64S | Op::I32TruncF64U | Op::I32TruncSatF64S | Op::I32TruncSatF64U => {
                self.unop(F64, I32, offset)?
            }
            Op::I64ExtendI32S | Op::I64ExtendI32U => self.unop(I32, I64, offset)?,
            Op::I64TruncF32S | Op::I64TruncF32U | Op::I64TruncSatF32S | Op::I64TruncSatF32U => {
                self.unop(F32, I64, offset)?
            }
            Op::I64TruncF64S
            | Op::I64TruncF64U
            | Op::I64TruncSatF64S
            | Op::I64TruncSatF64U
            | Op::I64ReinterpretF64 => self.unop(F64, I64, offset)?,
            Op::F32ConvertI32S | Op::F32ConvertI32U | Op::F32ReinterpretI32 => {
                self.unop(I32, F32, offset)?
            }
            Op::F32ConvertI64S | Op::F32ConvertI64U => self.unop(I64, F32, offset)?,
            Op::F32DemoteF64 => self.unop(F64, F32, offset)?,
            Op::F64ConvertI32S | Op::F64ConvertI32U => self.unop(I32, F64, offset)?,
            Op::F64ConvertI64S | Op::F64ConvertI64U | Op::F64ReinterpretI64 => {
                self.unop(I64, F64, offset)?
            }
            Op::F64PromoteF32 => self.unop(F32, F64, offset)?,
        }
        Ok(())
    }
}

/// The length type of a copy between memories or tables of address types `dst` and
/// `src`: i64 only when both are 64-bit.
fn narrower(dst: ValType, src: ValType) -> ValType {
    if dst == ValType::I64 && src == ValType::I64 {
        ValType::I64
    } else {
        ValType::I32
    }
}
