//! Module-level validation: each section item is checked (and converted into the
//! module model) as `Module::new` reads it, so the checks can use everything the module
//! has declared before that item, which is all the binary format lets an item refer to.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use wasmparser::{BinaryReader, FunctionBody, RefType};

use super::func::{Context, FuncValidator};
use super::limits as max;
use super::{check_count, error, invalid, unsupported, Features, FuncSet, Proposal, Reason, Usage};
use crate::module::{
    DataSegment, ElementSegment, Export, FuncBody, ImportDesc, Module, ModuleError, ModuleErrorKind,
};
use crate::types::{
    ConstBinOp, ConstExpr, DataMode, ElemMode, ExternKind, FuncType, GlobalType, Limits,
    MemoryType, TableType, ValType, MAX_CONST_DEPTH, PAGE_SIZE_LOG2,
};

type Result<T> = core::result::Result<T, ModuleError>;

/// Sorts `v` ascending by `less`. Heapsort, because the one sort validation needs
/// (export names) would otherwise bring the standard library's ~1.5 KiB pattern-defeating
/// quicksort into firmware.
pub(super) fn heapsort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    // Moves `v[node]` down the max-heap `v[..end]` until both children are not greater.
    let sift_down = |v: &mut [T], mut node: usize, end: usize| loop {
        let mut child = 2 * node + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[node], &v[child]) {
            break;
        }
        v.swap(node, child);
        node = child;
    };
    for node in (0..v.len() / 2).rev() {
        sift_down(v, node, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// A malformed entry, in wasmparser's words.
#[cold]
fn malformed(message: &str, offset: u64) -> ModuleError {
    ModuleError {
        kind: crate::module::ModuleErrorKind::Invalid,
        message: message.to_string(),
        func_index: None,
        offset: Some(offset as usize),
    }
}

/// The state of validating one module: what the sections read so far declared beyond
/// the module model itself.
#[derive(Default)]
pub(crate) struct ModuleValidator {
    features: Features,
    /// Functions referenced outside function bodies (`ref.func` may only name these).
    refs: FuncSet,
    /// The data count section's value, if there was one.
    data_count: Option<u32>,
    /// Defined functions whose bodies have been validated.
    bodies_done: u32,
    /// wasmparser's running total of import and export type sizes.
    type_size: u32,
    floats: Usage,
    simd: Usage,
    func: FuncValidator,
    /// The instructions of the extended constant expressions read so far.
    const_ops: Vec<ConstExpr>,
}

impl ModuleValidator {
    pub(crate) fn new(features: Features) -> ModuleValidator {
        ModuleValidator {
            features,
            type_size: 1,
            ..ModuleValidator::default()
        }
    }

    /// A value type outside function bodies.
    fn value_type(&mut self, ty: wasmparser::ValType, offset: u64) -> Result<ValType> {
        let ty = value_type(ty, offset)?;
        self.note(ty);
        Ok(ty)
    }

    fn note(&mut self, ty: ValType) {
        if ty.is_float() {
            self.floats.note(None);
        } else if ty == ValType::V128 {
            self.simd.note(None);
        }
    }

    /// The next entry of the type section: a function type, the only kind WebAssembly
    /// 2.0 has (read here rather than with wasmparser's reader of GC types).
    pub(crate) fn func_type(&mut self, entries: &mut BinaryReader<'_>) -> Result<FuncType> {
        let offset = entries.original_position();
        match entries.read_u8()? {
            0x60 => {}
            // Shared types.
            0x65 => return Err(unsupported(Proposal::Threads, offset)),
            // Recursion groups, subtypes, descriptors, struct, array and continuation
            // types.
            0x4c..=0x50 | 0x5d..=0x5f => return Err(unsupported(Proposal::Gc, offset)),
            _ => return Err(malformed("invalid leading byte in type definition", offset)),
        }
        let params = self.value_types(entries, max::MAX_WASM_FUNCTION_PARAMS, "params")?;
        let results = self.value_types(entries, max::MAX_WASM_FUNCTION_RETURNS, "returns")?;
        Ok(FuncType::new(params, results))
    }

    /// A vector of value types of a function type (`what`: params or returns).
    fn value_types(
        &mut self,
        entries: &mut BinaryReader<'_>,
        limit: usize,
        what: &'static str,
    ) -> Result<Vec<ValType>> {
        let count_offset = entries.original_position();
        let count = entries.read_var_u32()? as usize;
        if count > limit {
            return Err(invalid(Reason::Limit(what, limit), count_offset));
        }
        let mut types = Vec::with_capacity(count);
        for _ in 0..count {
            let offset = entries.original_position();
            let ty = entries.read()?;
            types.push(self.value_type(ty, offset)?);
        }
        Ok(types)
    }

    /// One import; `m` holds the imports before it.
    pub(crate) fn import(
        &mut self,
        m: &Module,
        ty: wasmparser::TypeRef,
        offset: u64,
    ) -> Result<ImportDesc> {
        use wasmparser::TypeRef;
        let (desc, count, limit, what) = match ty {
            TypeRef::Func(index) => {
                self.add_type_size(m, Some(index), offset)?;
                (
                    ImportDesc::Func(index),
                    m.funcs.len(),
                    max::MAX_WASM_FUNCTIONS,
                    "functions",
                )
            }
            TypeRef::Table(t) => (
                ImportDesc::Table(self.table_type(&t, offset)?),
                m.tables.len(),
                max::MAX_WASM_TABLES,
                "tables",
            ),
            TypeRef::Memory(t) => (
                ImportDesc::Memory(self.memory_type(&t, offset)?),
                m.memories.len(),
                self.max_memories(),
                "memories",
            ),
            TypeRef::Global(t) => (
                ImportDesc::Global(self.global_type(&t, offset)?),
                m.globals.len(),
                max::MAX_WASM_GLOBALS,
                "globals",
            ),
            TypeRef::FuncExact(_) => return Err(unsupported(Proposal::Gc, offset)),
            TypeRef::Tag(_) => return Err(unsupported(Proposal::Exceptions, offset)),
        };
        if !matches!(desc, ImportDesc::Func(_)) {
            self.add_type_size(m, None, offset)?;
        }
        check_count(count, 1, limit, what, offset)?;
        Ok(desc)
    }

    /// wasmparser's limit on the summed "size" of imported and exported entity types
    /// (a function counts 2 plus its parameters and results, anything else 1).
    fn add_type_size(&mut self, m: &Module, type_index: Option<u32>, offset: u64) -> Result<()> {
        let size = match type_index {
            Some(index) => {
                let ty = m
                    .types
                    .get(index as usize)
                    .ok_or_else(|| invalid(Reason::UnknownType(index), offset))?;
                2 + (ty.params.len() + ty.results.len()) as u32
            }
            None => 1,
        };
        self.type_size = self.type_size.saturating_add(size);
        if self.type_size < max::MAX_WASM_TYPE_SIZE {
            Ok(())
        } else {
            Err(invalid(Reason::TypeSize, offset))
        }
    }

    /// One function section entry: its type index.
    pub(crate) fn function(&self, m: &Module, type_index: u32, offset: u64) -> Result<u32> {
        if (type_index as usize) < m.types.len() {
            Ok(type_index)
        } else {
            Err(invalid(Reason::UnknownType(type_index), offset))
        }
    }

    pub(crate) fn max_memories(&self) -> usize {
        // Multi-memory: enabling it also needs memory indices in the engines' memory
        // instructions (the decoder then reads them, see `Features::decoding`).
        if self.features.multi_memory {
            max::MAX_WASM_MEMORIES
        } else {
            1
        }
    }

    /// The next entry of the table section.
    pub(crate) fn table(&mut self, entries: &mut BinaryReader<'_>) -> Result<TableType> {
        let offset = entries.original_position();
        // 0x40 0x00: a table with an initialiser expression (function references).
        let with_init = entries.clone().read_u8()? == 0x40;
        if with_init {
            entries.read_u8()?;
            if entries.read_u8()? != 0x00 {
                return Err(malformed("invalid table encoding", offset + 1));
            }
        }
        let ty = self.table_type(&entries.read()?, offset)?;
        if with_init {
            return Err(unsupported(Proposal::Gc, offset));
        }
        Ok(ty)
    }

    fn table_type(&mut self, t: &wasmparser::TableType, offset: u64) -> Result<TableType> {
        let element = self.ref_type(t.element_type, offset)?;
        // `cfg!` first: without the feature a build has no code for 64-bit tables.
        let table64 = cfg!(feature = "memory64") && t.table64;
        if t.table64 && !(table64 && self.features.memory64) {
            return Err(unsupported(Proposal::Memory64, offset));
        }
        if t.shared {
            return Err(unsupported(Proposal::Threads, offset));
        }
        let limits = limits(t.initial, t.maximum, offset)?;
        // Limits are decoded as u64 with memory64 (else as u32); a 32-bit table has at
        // most 2^32 - 1 entries, a 64-bit one any u64.
        #[cfg(feature = "memory64")]
        if !table64 && (limits.min > u64::from(u32::MAX) || limits.max > Some(u32::MAX.into())) {
            return Err(invalid(Reason::TableSize, offset));
        }
        Ok(TableType {
            element,
            limits,
            address64: table64,
        })
    }

    pub(crate) fn memory_type(
        &self,
        t: &wasmparser::MemoryType,
        offset: u64,
    ) -> Result<MemoryType> {
        let limits = limits(t.initial, t.maximum, offset)?;
        let memory64 = cfg!(feature = "memory64") && t.memory64;
        if t.memory64 && !(memory64 && self.features.memory64) {
            return Err(unsupported(Proposal::Memory64, offset));
        }
        if t.shared {
            return Err(unsupported(Proposal::Threads, offset));
        }
        let page_size_log2 = match t.page_size_log2 {
            None => PAGE_SIZE_LOG2,
            Some(_) if !self.features.custom_page_sizes => {
                return Err(unsupported(Proposal::CustomPageSizes, offset))
            }
            // 1 and 65536 bytes are the proposal's only page sizes.
            Some(log2 @ (0 | 16)) => log2 as u8,
            Some(_) => return Err(invalid(Reason::PageSize, offset)),
        };
        let ty = MemoryType {
            limits,
            page_size_log2,
            address64: memory64,
        };
        let max = ty.max_pages();
        if limits.min > max || limits.max.is_some_and(|m| m > max) {
            // A 64-bit memory can exceed it only with 64 KiB pages (2^64 - 1 one-byte
            // pages is the largest u64).
            #[cfg(feature = "memory64")]
            if ty.is_64() {
                return Err(invalid(Reason::Memory64Size, offset));
            }
            return Err(invalid(
                if page_size_log2 == PAGE_SIZE_LOG2 {
                    Reason::MemorySize
                } else {
                    Reason::MemoryBytes
                },
                offset,
            ));
        }
        Ok(ty)
    }

    pub(crate) fn global_type(
        &mut self,
        t: &wasmparser::GlobalType,
        offset: u64,
    ) -> Result<GlobalType> {
        if t.shared {
            return Err(unsupported(Proposal::Threads, offset));
        }
        Ok(GlobalType {
            content: self.value_type(t.content_type, offset)?,
            mutable: t.mutable,
        })
    }

    fn ref_type(&mut self, t: RefType, offset: u64) -> Result<ValType> {
        self.value_type(wasmparser::ValType::Ref(t), offset)
    }

    /// One export; `m` holds the exports before it. Names are checked for uniqueness by
    /// [`ModuleValidator::unique_export_names`] once the section is read.
    pub(crate) fn export(
        &mut self,
        m: &Module,
        e: &wasmparser::Export<'_>,
        offset: u64,
    ) -> Result<Export> {
        use wasmparser::ExternalKind as K;
        let (kind, count) = match e.kind {
            K::Func => (ExternKind::Func, m.funcs.len()),
            K::Table => (ExternKind::Table, m.tables.len()),
            K::Memory => (ExternKind::Memory, m.memories.len()),
            K::Global => (ExternKind::Global, m.globals.len()),
            K::FuncExact => return Err(unsupported(Proposal::Gc, offset)),
            K::Tag => return Err(unsupported(Proposal::Exceptions, offset)),
        };
        if e.index as usize >= count {
            let reason = match kind {
                ExternKind::Func => Reason::UnknownFunction(e.index),
                ExternKind::Table => Reason::UnknownTable(e.index),
                ExternKind::Memory => Reason::UnknownMemory(e.index),
                ExternKind::Global => Reason::UnknownGlobal(e.index),
            };
            return Err(invalid(reason, offset));
        }
        let type_index = match kind {
            ExternKind::Func => {
                self.refs.insert(e.index);
                Some(m.funcs[e.index as usize])
            }
            _ => None,
        };
        self.add_type_size(m, type_index, offset)?;
        Ok(Export {
            name: e.name.to_string(),
            kind,
            index: e.index,
        })
    }

    /// After the export section: no two exports share a name. `offsets[i]` is where
    /// `exports[i]` starts.
    pub(crate) fn unique_export_names(exports: &[Export], offsets: &[u64]) -> Result<()> {
        let mut order: Vec<usize> = (0..exports.len()).collect();
        heapsort(&mut order, |&a, &b| {
            (&exports[a].name, a) < (&exports[b].name, b)
        });
        let first_duplicate = order
            .windows(2)
            .filter(|pair| exports[pair[0]].name == exports[pair[1]].name)
            .map(|pair| pair[1])
            .min();
        match first_duplicate {
            Some(i) => Err(invalid(Reason::DuplicateExport, offsets[i])),
            None => Ok(()),
        }
    }

    pub(crate) fn start(&self, m: &Module, func: u32, offset: u64) -> Result<()> {
        let Some(&ty) = m.funcs.get(func as usize) else {
            return Err(invalid(Reason::UnknownFunction(func), offset));
        };
        let ty = &m.types[ty as usize];
        if ty.params.is_empty() && ty.results.is_empty() {
            Ok(())
        } else {
            Err(invalid(Reason::StartFunction, offset))
        }
    }

    /// The instructions of the module's extended constant expressions, in module order
    /// (what `ConstExpr::Extended` indexes).
    pub(crate) fn take_const_ops(&mut self) -> Vec<ConstExpr> {
        core::mem::take(&mut self.const_ops)
    }

    /// A constant expression that must produce one value of type `expected`. Wasm 2.0:
    /// one `t.const`, `ref.null`, `ref.func` or `global.get` of an immutable *imported*
    /// global (the only globals a constant expression sees). Extended constant
    /// expressions add `i32/i64.add/sub/mul`: an expression of several instructions is
    /// kept in `const_ops` and returned as `ConstExpr::Extended`.
    pub(crate) fn const_expr(
        &mut self,
        m: &Module,
        entries: &mut BinaryReader<'_>,
        expected: ValType,
    ) -> Result<ConstExpr> {
        use crate::operators::{Operator as Op, OperatorReader};
        let mut reader = OperatorReader::new(entries.clone());
        // The instructions go to `const_ops` (taken back below if there is only one); the
        // operand stack's types: exactly one must remain.
        let first = self.const_ops.len();
        let mut types = [ValType::I32; MAX_CONST_DEPTH];
        let mut depth = 0;
        let end_offset = loop {
            let offset = reader.original_position();
            let op = reader.read().map_err(|e| *e)?;
            let binary = match op {
                Op::I32Add => Some(ConstBinOp::I32Add),
                Op::I32Sub => Some(ConstBinOp::I32Sub),
                Op::I32Mul => Some(ConstBinOp::I32Mul),
                Op::I64Add => Some(ConstBinOp::I64Add),
                Op::I64Sub => Some(ConstBinOp::I64Sub),
                Op::I64Mul => Some(ConstBinOp::I64Mul),
                _ => None,
            };
            if let Some(binary) = binary {
                if !self.features.extended_const {
                    return Err(unsupported(Proposal::ExtendedConst, offset));
                }
                let ty = binary.ty();
                for _ in 0..2 {
                    if depth == 0 {
                        return Err(invalid(Reason::Missing(ty), offset));
                    }
                    depth -= 1;
                    if types[depth] != ty {
                        return Err(invalid(Reason::Expected(ty, types[depth]), offset));
                    }
                }
                types[depth] = ty;
                depth += 1;
                self.const_ops.push(ConstExpr::Binary(binary));
                continue;
            }
            let value = match op {
                Op::End => break offset,
                Op::I32Const { value } => (ConstExpr::I32(value), ValType::I32),
                Op::I64Const { value } => (ConstExpr::I64(value), ValType::I64),
                Op::F32Const { value } => (ConstExpr::F32(value.bits()), ValType::F32),
                Op::F64Const { value } => (ConstExpr::F64(value.bits()), ValType::F64),
                Op::RefNull { hty } => {
                    let ty = self.ref_type(
                        RefType::new(true, hty).ok_or_else(|| unsupported(Proposal::Gc, offset))?,
                        offset,
                    )?;
                    (ConstExpr::RefNull(ty), ty)
                }
                Op::RefFunc { function_index } => {
                    if function_index as usize >= m.funcs.len() {
                        return Err(invalid(Reason::UnknownFunction(function_index), offset));
                    }
                    self.refs.insert(function_index);
                    (ConstExpr::RefFunc(function_index), ValType::FuncRef)
                }
                Op::GlobalGet { global_index } => {
                    // Extended constant expressions (and GC) also let defined globals
                    // be read here.
                    if global_index >= m.num_imported_globals {
                        return Err(invalid(Reason::UnknownGlobal(global_index), offset));
                    }
                    let global = m.globals[global_index as usize];
                    if global.mutable {
                        return Err(invalid(Reason::ConstantRequired, offset));
                    }
                    (ConstExpr::GlobalGet(global_index), global.content)
                }
                // Extended constant expressions (i32/i64 add, sub, mul) would be
                // validated here when `features.extended_const` is on; the module model
                // has no representation for them yet.
                _ => return Err(invalid(Reason::ConstantRequired, offset)),
            };
            self.note(value.1);
            if depth == MAX_CONST_DEPTH {
                return Err(error(
                    ModuleErrorKind::Unsupported,
                    format!("constant expression deeper than {MAX_CONST_DEPTH} values"),
                    offset,
                ));
            }
            types[depth] = value.1;
            depth += 1;
            self.const_ops.push(value.0);
        };
        *entries = reader.into_binary_reader();
        if depth != 1 || types[0] != expected {
            return Err(invalid(Reason::TypeMismatch, end_offset));
        }
        let count = self.const_ops.len() - first;
        if count == 1 {
            return Ok(self.const_ops.pop().expect("one instruction"));
        }
        // Both fit: the instructions come from a module of less than 4 GiB.
        Ok(ConstExpr::Extended {
            first: first as u32,
            count: count as u32,
        })
    }

    /// The next entry of the element section.
    pub(crate) fn element(
        &mut self,
        m: &Module,
        entries: &mut BinaryReader<'_>,
    ) -> Result<ElementSegment> {
        let offset = entries.original_position();
        // Bit 0: passive or declarative, else active; bit 1: declarative (passive) or
        // with a table index (active); bit 2: the items are expressions, not indices.
        let flags = entries.read_var_u32()?;
        if flags & !0b111 != 0 {
            return Err(malformed("invalid flags byte in element segment", offset));
        }
        let exprs = flags & 0b100 != 0;
        let mode = if flags & 0b001 != 0 {
            if flags & 0b010 != 0 {
                ElemMode::Declared
            } else {
                ElemMode::Passive
            }
        } else {
            let table = if flags & 0b010 != 0 {
                entries.read_var_u32()?
            } else {
                0
            };
            if table as usize >= m.tables.len() {
                return Err(invalid(Reason::UnknownTable(table), offset));
            }
            ElemMode::Active {
                table,
                offset: self.const_expr(m, entries, m.tables[table as usize].address_type())?,
            }
        };
        // The element type: explicit with a table index or passive/declarative, else
        // funcref (as an element kind, 0x00, for function indices).
        let ty = match (flags & 0b011 != 0, exprs) {
            (true, true) => {
                let ty_offset = entries.original_position();
                self.ref_type(entries.read()?, ty_offset)?
            }
            (true, false) => {
                let kind_offset = entries.original_position();
                if entries.read_u8()? != 0x00 {
                    return Err(malformed(
                        "only the function external type is supported in elem segment",
                        kind_offset,
                    ));
                }
                ValType::FuncRef
            }
            (false, _) => ValType::FuncRef,
        };
        if let ElemMode::Active { table, .. } = mode {
            if m.tables[table as usize].element != ty {
                return Err(invalid(Reason::TypeMismatch, offset));
            }
        }
        let count_offset = entries.original_position();
        let count = entries.read_var_u32()?;
        check_count(
            0,
            count,
            max::MAX_WASM_TABLE_ENTRIES,
            "elements",
            count_offset,
        )?;
        let mut items = Vec::new();
        for _ in 0..count {
            if exprs {
                items.push(self.const_expr(m, entries, ty)?);
                continue;
            }
            let func_offset = entries.original_position();
            let func = entries.read_var_u32()?;
            if func as usize >= m.funcs.len() {
                return Err(invalid(Reason::UnknownFunction(func), func_offset));
            }
            self.refs.insert(func);
            items.push(ConstExpr::RefFunc(func));
        }
        Ok(ElementSegment {
            mode,
            ty,
            items: items.into(),
        })
    }

    pub(crate) fn data_count(&mut self, count: u32, offset: u64) -> Result<()> {
        check_count(
            0,
            count,
            max::MAX_WASM_DATA_SEGMENTS,
            "data segments",
            offset,
        )?;
        self.data_count = Some(count);
        Ok(())
    }

    /// The next entry of the data section.
    pub(crate) fn data(
        &mut self,
        m: &Module,
        entries: &mut BinaryReader<'_>,
    ) -> Result<DataSegment> {
        let offset = entries.original_position();
        // 0: active in memory 0; 1: passive; 2: active with a memory index.
        let mode = match entries.read_var_u32()? {
            1 => DataMode::Passive,
            flags @ (0 | 2) => {
                let memory = if flags == 2 {
                    entries.read_var_u32()?
                } else {
                    0
                };
                if memory as usize >= m.memories.len() {
                    return Err(invalid(Reason::UnknownMemory(memory), offset));
                }
                DataMode::Active {
                    memory,
                    offset: self.const_expr(
                        m,
                        entries,
                        m.memories[memory as usize].address_type(),
                    )?,
                }
            }
            _ => return Err(malformed("invalid flags byte in data segment", offset)),
        };
        let len = entries.read_var_u32()?;
        let bytes = entries.read_bytes(len as usize)?;
        Ok(DataSegment {
            mode,
            bytes: bytes.into(),
        })
    }

    /// The next function body of the code section.
    pub(crate) fn code_entry(&mut self, m: &Module, body: &FunctionBody<'_>) -> Result<FuncBody> {
        let func = m.num_imported_funcs + self.bodies_done;
        self.bodies_done += 1;
        let range = body.range();
        let size = (range.end - range.start) as usize;
        let cx = Context {
            module: m,
            refs: &self.refs,
            data_count: self.data_count,
            func,
        };
        let checked = if size > max::MAX_WASM_FUNCTION_SIZE {
            let limit = Reason::Limit("function body size", max::MAX_WASM_FUNCTION_SIZE);
            Err(invalid(limit, range.start))
        } else {
            self.func.validate(&cx, body)
        };
        let used = self.func.used();
        if used.floats {
            self.floats.note(Some(func));
        }
        if used.simd || used.simd_instruction {
            self.simd.note(Some(func));
        }
        match checked {
            Ok(body) => Ok(body),
            // Validation cannot go past a SIMD instruction yet. The rest of the module
            // is still validated (an error elsewhere is the one to report), and `finish`
            // then refuses it, naming functions by the name section, which comes last;
            // the body is never used.
            Err(_) if used.simd_instruction => Ok(FuncBody {
                locals: Default::default(),
                num_locals: 0,
                code: range.start as usize..range.end as usize,
            }),
            Err(mut e) => {
                e.func_index.get_or_insert(func);
                Err(e)
            }
        }
    }

    /// After the last section: a valid module may still use what this build leaves out.
    pub(crate) fn finish(&self, m: &Module) -> Result<()> {
        if self.simd.anywhere && !self.features.simd {
            return Err(self.simd_refusal(m));
        }
        if self.floats.anywhere && !self.features.floats {
            let func_index = self.first_function(m, self.floats, ValType::is_float);
            return Err(ModuleError {
                kind: ModuleErrorKind::Unsupported,
                message: format!(
                    "the module uses floating point{}, but this build of mote has no float support",
                    place(m, func_index)
                ),
                func_index,
                offset: None,
            });
        }
        Ok(())
    }

    /// SIMD refused, naming the first function whose signature, locals or code use it.
    fn simd_refusal(&self, m: &Module) -> ModuleError {
        let func_index = self.first_function(m, self.simd, |t| t == ValType::V128);
        ModuleError {
            kind: ModuleErrorKind::Unsupported,
            message: format!("{}{}", Proposal::Simd.message(), place(m, func_index)),
            func_index,
            offset: None,
        }
    }

    /// The first function whose signature uses a type `uses` picks, or whose body
    /// used it (`usage`).
    fn first_function(&self, m: &Module, usage: Usage, uses: fn(ValType) -> bool) -> Option<u32> {
        let by_signature = m.funcs.iter().position(|&ty| {
            let ty = &m.types[ty as usize];
            ty.params.iter().chain(ty.results.iter()).any(|&t| uses(t))
        });
        match (by_signature.map(|f| f as u32), usage.first_body) {
            (Some(sig), Some(body)) => Some(sig.min(body)),
            (sig, body) => sig.or(body),
        }
    }
}

/// " (first in function N, name)" for a refusal message.
fn place(m: &Module, func_index: Option<u32>) -> String {
    match func_index {
        Some(f) => match m.func_name(f) {
            Some(name) => format!(" (first in function {f}, {name})"),
            None => format!(" (first in function {f})"),
        },
        None => String::new(),
    }
}

/// A value type of WebAssembly 2.0 (the reader decodes later proposals' types too).
pub(crate) fn value_type(ty: wasmparser::ValType, offset: u64) -> Result<ValType> {
    Ok(match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) if r == RefType::FUNCREF => ValType::FuncRef,
        wasmparser::ValType::Ref(r) if r == RefType::EXTERNREF => ValType::ExternRef,
        wasmparser::ValType::Ref(_) => return Err(unsupported(Proposal::Gc, offset)),
    })
}

fn limits(min: u64, max: Option<u64>, offset: u64) -> Result<Limits> {
    if max.is_some_and(|max| min > max) {
        return Err(invalid(Reason::LimitsOrder, offset));
    }
    Ok(Limits { min, max })
}
