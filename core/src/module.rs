//! The validated module model, read with wasmparser's parser and validated up front by
//! [`crate::validate`].

use alloc::{boxed::Box, string::String, string::ToString, vec::Vec};
use core::ops::Range;

use wasmparser::{BinaryReader, Encoding, Parser, Payload};

pub use crate::types::{ConstExpr, DataMode, ElemMode};
use crate::types::{ExternKind, FuncType, GlobalType, MemoryType, TableType, ValType};
use crate::validate::{
    check_count, invalid, unsupported, Features, ModuleValidator, Proposal, Reason,
};

/// Why a module could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleError {
    pub kind: ModuleErrorKind,
    pub message: String,
    /// Index (in the function index space) of the function the error is in, if any.
    pub func_index: Option<u32>,
    /// Byte offset in the module file.
    pub offset: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleErrorKind {
    /// Malformed binary or a validation failure.
    Invalid,
    /// Valid WebAssembly that this build of mote cannot run.
    Unsupported,
}

impl core::fmt::Display for ModuleError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.kind {
            ModuleErrorKind::Invalid => write!(f, "invalid module")?,
            ModuleErrorKind::Unsupported => write!(f, "unsupported module")?,
        }
        if let Some(func) = self.func_index {
            write!(f, " (function {func}")?;
            if let Some(off) = self.offset {
                write!(f, ", offset 0x{off:x}")?;
            }
            write!(f, ")")?;
        } else if let Some(off) = self.offset {
            write!(f, " (offset 0x{off:x})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl core::error::Error for ModuleError {}

/// Per-module data an engine attaches, set at most once. Thread-safe, so a module can be
/// shared between threads that each instantiate it; without std it still is, because a
/// race to set it is settled by one atomic swap (the loser's value is dropped) rather
/// than by a lock an RTOS might not have.
#[derive(Default)]
pub struct EngineCache {
    // Boxed twice because the atomic slot holds a thin pointer.
    cell: once_cell::race::OnceBox<Box<dyn core::any::Any + Send + Sync>>,
}

impl EngineCache {
    pub fn get(&self) -> Option<&(dyn core::any::Any + Send + Sync)> {
        self.cell.get().map(|b| &**b)
    }

    /// Stores `value` unless the cache is already set, in which case `value` comes back.
    pub fn set(
        &self,
        value: Box<dyn core::any::Any + Send + Sync>,
    ) -> Result<(), Box<dyn core::any::Any + Send + Sync>> {
        self.cell.set(Box::new(value)).map_err(|b| *b)
    }

    /// The cached value, made by `f` if the cache is empty. Two threads racing here may
    /// both run `f`; every caller gets the one value that was stored.
    pub fn get_or_init(
        &self,
        f: impl FnOnce() -> Box<dyn core::any::Any + Send + Sync>,
    ) -> &(dyn core::any::Any + Send + Sync) {
        &**self.cell.get_or_init(|| Box::new(f()))
    }
}

impl core::fmt::Debug for EngineCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.get().is_some() {
            "EngineCache(set)"
        } else {
            "EngineCache(empty)"
        })
    }
}

#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub desc: ImportDesc,
}

pub use crate::types::ImportDesc;

#[derive(Debug, Clone)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
}

#[derive(Debug, Clone)]
pub struct ElementSegment {
    pub mode: ElemMode,
    pub ty: ValType,
    pub items: Box<[ConstExpr]>,
}

#[derive(Debug, Clone)]
pub struct DataSegment {
    pub mode: DataMode,
    pub bytes: Box<[u8]>,
}

/// A defined function's body: declared locals and where its code lies in the module bytes.
#[derive(Debug, Clone)]
pub struct FuncBody {
    /// Declared locals (not parameters), as (count, type) runs.
    pub locals: Box<[(u32, ValType)]>,
    pub num_locals: u32,
    /// Byte range of the operators (after the locals) in `Module::bytes`.
    pub code: Range<usize>,
}

/// A validated module. Imported entities come first in each index space.
pub struct Module {
    pub bytes: Box<[u8]>,
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// Initialisers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    /// The instructions of the extended constant expressions (`ConstExpr::Extended`
    /// names a run of them), in module order.
    pub const_ops: Vec<ConstExpr>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub datas: Vec<DataSegment>,
    /// Bodies of the defined functions.
    pub bodies: Vec<FuncBody>,
    /// Function names from the `name` section, where present.
    pub func_names: Vec<(u32, String)>,
    /// An engine's per-module data (the interpreter keeps translated code here so that
    /// every instance of the module shares it).
    pub engine_cache: EngineCache,
}

impl Module {
    /// Parses and fully validates a binary module (see [`crate::validate`]): every
    /// function body is checked here, whether it is ever called or not.
    pub fn new(bytes: &[u8]) -> Result<Module, ModuleError> {
        let features = Features::SUPPORTED;
        let mut m = Module {
            bytes: bytes.into(),
            types: Vec::new(),
            imports: Vec::new(),
            funcs: Vec::new(),
            num_imported_funcs: 0,
            tables: Vec::new(),
            num_imported_tables: 0,
            memories: Vec::new(),
            num_imported_memories: 0,
            globals: Vec::new(),
            num_imported_globals: 0,
            global_inits: Vec::new(),
            const_ops: Vec::new(),
            exports: Vec::new(),
            start: None,
            elements: Vec::new(),
            datas: Vec::new(),
            bodies: Vec::new(),
            func_names: Vec::new(),
            engine_cache: EngineCache::default(),
        };
        let mut v = ModuleValidator::new(features);
        // The parser decodes with every feature unless told otherwise (e.g. memory limits
        // as u64 LEBs, so overlong u32 encodings would slip through).
        let mut parser = Parser::new(0);
        parser.set_features(features.decoding());
        for payload in parser.parse_all(bytes) {
            m.read_payload(&payload?, bytes, &mut v)?;
        }
        v.finish(&m)?;
        m.const_ops = v.take_const_ops();
        Ok(m)
    }

    /// Reads (and validates) one payload of `bytes` into the model.
    fn read_payload(
        &mut self,
        payload: &Payload<'_>,
        bytes: &[u8],
        v: &mut ModuleValidator,
    ) -> Result<(), ModuleError> {
        use crate::validate::limits as max;
        let count = |what, current: usize, added: u32, limit: usize, offset: u64| {
            check_count(current, added, limit, what, offset)
        };
        match payload {
            Payload::Version { encoding, .. } if *encoding != Encoding::Module => {
                return Err(ModuleError {
                    kind: ModuleErrorKind::Unsupported,
                    message: "components are not supported".to_string(),
                    func_index: None,
                    offset: None,
                })
            }
            Payload::TypeSection(reader) => {
                let offset = reader.range().start;
                count(
                    "types",
                    self.types.len(),
                    reader.count(),
                    max::MAX_WASM_TYPES,
                    offset,
                )?;
                let mut entries = section_entries(bytes, reader.range())?;
                for _ in 0..reader.count() {
                    let ty = v.func_type(&mut entries)?;
                    self.types.push(ty);
                }
                section_end(&entries)?;
            }
            Payload::ImportSection(reader) => {
                let offset = reader.range().start;
                count("imports", 0, reader.count(), max::MAX_WASM_IMPORTS, offset)?;
                for import in reader.clone().into_imports_with_offsets() {
                    let (offset, import) = import?;
                    let desc = v.import(self, import.ty, offset)?;
                    match desc {
                        ImportDesc::Func(t) => {
                            self.funcs.push(t);
                            self.num_imported_funcs += 1;
                        }
                        ImportDesc::Table(t) => {
                            self.tables.push(t);
                            self.num_imported_tables += 1;
                        }
                        ImportDesc::Memory(t) => {
                            self.memories.push(t);
                            self.num_imported_memories += 1;
                        }
                        ImportDesc::Global(t) => {
                            self.globals.push(t);
                            self.num_imported_globals += 1;
                        }
                    }
                    self.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        desc,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                let offset = reader.range().start;
                count(
                    "functions",
                    self.funcs.len(),
                    reader.count(),
                    max::MAX_WASM_FUNCTIONS,
                    offset,
                )?;
                for ty in reader.clone().into_iter_with_offsets() {
                    let (offset, ty) = ty?;
                    self.funcs.push(v.function(self, ty, offset)?);
                }
            }
            Payload::TableSection(reader) => {
                let offset = reader.range().start;
                count(
                    "tables",
                    self.tables.len(),
                    reader.count(),
                    max::MAX_WASM_TABLES,
                    offset,
                )?;
                let mut entries = section_entries(bytes, reader.range())?;
                for _ in 0..reader.count() {
                    let table = v.table(&mut entries)?;
                    self.tables.push(table);
                }
                section_end(&entries)?;
            }
            Payload::MemorySection(reader) => {
                let offset = reader.range().start;
                count(
                    "memories",
                    self.memories.len(),
                    reader.count(),
                    v.max_memories(),
                    offset,
                )?;
                for mem in reader.clone().into_iter_with_offsets() {
                    let (offset, mem) = mem?;
                    self.memories.push(v.memory_type(&mem, offset)?);
                }
            }
            Payload::GlobalSection(reader) => {
                let offset = reader.range().start;
                count(
                    "globals",
                    self.globals.len(),
                    reader.count(),
                    max::MAX_WASM_GLOBALS,
                    offset,
                )?;
                let mut entries = section_entries(bytes, reader.range())?;
                for _ in 0..reader.count() {
                    let offset = entries.original_position();
                    let ty = v.global_type(&entries.read()?, offset)?;
                    let init = v.const_expr(self, &mut entries, ty.content)?;
                    self.globals.push(ty);
                    self.global_inits.push(init);
                }
                section_end(&entries)?;
            }
            Payload::ExportSection(reader) => {
                let offset = reader.range().start;
                count("exports", 0, reader.count(), max::MAX_WASM_EXPORTS, offset)?;
                let mut offsets = Vec::new();
                for export in reader.clone().into_iter_with_offsets() {
                    let (offset, export) = export?;
                    let export = v.export(self, &export, offset)?;
                    self.exports.push(export);
                    offsets.push(offset);
                }
                ModuleValidator::unique_export_names(&self.exports, &offsets)?;
            }
            Payload::StartSection { func, range } => {
                v.start(self, *func, range.start)?;
                self.start = Some(*func);
            }
            Payload::ElementSection(reader) => {
                let offset = reader.range().start;
                count(
                    "element segments",
                    0,
                    reader.count(),
                    max::MAX_WASM_ELEMENT_SEGMENTS,
                    offset,
                )?;
                let mut entries = section_entries(bytes, reader.range())?;
                for _ in 0..reader.count() {
                    let segment = v.element(self, &mut entries)?;
                    self.elements.push(segment);
                }
                section_end(&entries)?;
            }
            Payload::DataCountSection { count, range } => v.data_count(*count, range.start)?,
            Payload::CodeSectionEntry(body) => {
                let body = v.code_entry(self, body)?;
                self.bodies.push(body);
            }
            Payload::DataSection(reader) => {
                let offset = reader.range().start;
                count(
                    "data segments",
                    0,
                    reader.count(),
                    max::MAX_WASM_DATA_SEGMENTS,
                    offset,
                )?;
                let mut entries = section_entries(bytes, reader.range())?;
                for _ in 0..reader.count() {
                    let segment = v.data(self, &mut entries)?;
                    self.datas.push(segment);
                }
                section_end(&entries)?;
            }
            Payload::TagSection(reader) => {
                return Err(unsupported(Proposal::Exceptions, reader.range().start))
            }
            Payload::UnknownSection { range, .. } => {
                return Err(invalid(Reason::MalformedSectionId, range.start))
            }
            // Only the name section is read: `as_known()` would also link in the readers
            // of every other custom section wasmparser knows (core dumps, linking, ...).
            Payload::CustomSection(reader) if reader.name() == "name" => {
                let data = wasmparser::BinaryReader::new(reader.data(), reader.data_offset());
                // A malformed name section is not an error (the spec says to ignore it).
                for name in wasmparser::NameSectionReader::new(data).flatten() {
                    if let wasmparser::Name::Function(map) = name {
                        for naming in map.into_iter().flatten() {
                            self.func_names
                                .push((naming.index, naming.name.to_string()));
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }

    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.name == name)
    }

    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        self.func_names
            .iter()
            .find(|(i, _)| *i == func_index)
            .map(|(_, n)| n.as_str())
    }

    /// Instructions of a defined function, for the interpreter's translator, in mote's
    /// decoding ([`crate::operators`]).
    pub fn instructions(&self, defined_index: u32) -> crate::operators::OperatorReader<'_> {
        let range = self.bodies[defined_index as usize].code.clone();
        let reader = wasmparser::BinaryReader::new(&self.bytes[range.clone()], range.start as u64);
        crate::operators::OperatorReader::new(reader)
    }

    /// Operators of a defined function in wasmparser's decoding, for the AOT compiler
    /// (which runs on a host, where the size of wasmparser's decoder does not matter).
    pub fn operators(&self, defined_index: u32) -> wasmparser::OperatorsReader<'_> {
        let range = self.bodies[defined_index as usize].code.clone();
        let reader = wasmparser::BinaryReader::new(&self.bytes[range.clone()], range.start as u64);
        wasmparser::OperatorsReader::new(reader)
    }
}

/// The entries of the type, table, global, element or data section at `range` of `bytes` (after
/// the count, which the parser has read), decoded as the parser decodes. These sections
/// are read here rather than with wasmparser's section readers because those skip over
/// each constant expression with a second instance of wasmparser's operator decoder, and
/// read the type section's GC types, which mote refuses anyway.
fn section_entries(bytes: &[u8], range: Range<u64>) -> Result<BinaryReader<'_>, ModuleError> {
    let decoding = Features::SUPPORTED.decoding();
    let section = &bytes[range.start as usize..range.end as usize];
    let mut entries = BinaryReader::new_features(section, range.start, decoding);
    entries.read_var_u32()?;
    Ok(entries)
}

/// After a section's last entry: nothing may follow it.
fn section_end(entries: &BinaryReader<'_>) -> Result<(), ModuleError> {
    if entries.eof() {
        return Ok(());
    }
    Err(ModuleError {
        kind: ModuleErrorKind::Invalid,
        message: "section size mismatch: unexpected data at the end of the section".to_string(),
        func_index: None,
        offset: Some(entries.original_position() as usize),
    })
}

impl From<wasmparser::BinaryReaderError> for Box<ModuleError> {
    fn from(e: wasmparser::BinaryReaderError) -> Box<ModuleError> {
        Box::new(e.into())
    }
}

impl From<wasmparser::BinaryReaderError> for ModuleError {
    /// A malformed binary, in wasmparser's words, on one line: a few of its messages
    /// pretty-print bytes over several ("bad magic number - expected=[\n    0x0, ...").
    fn from(e: wasmparser::BinaryReaderError) -> ModuleError {
        let mut message = String::new();
        for word in e.message().split_whitespace() {
            if !message.is_empty() {
                message.push(' ');
            }
            message.push_str(word);
        }
        ModuleError {
            kind: ModuleErrorKind::Invalid,
            message,
            func_index: None,
            offset: Some(e.offset() as usize),
        }
    }
}

/// The model's type for a value type of validated code (the engines' translators read
/// block types with it).
pub fn val_type(t: wasmparser::ValType) -> ValType {
    match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => ValType::ExternRef,
        wasmparser::ValType::Ref(_) => ValType::FuncRef,
    }
}

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Module")
            .field("types", &self.types.len())
            .field("imports", &self.imports.len())
            .field("funcs", &self.funcs.len())
            .field("exports", &self.exports.len())
            .finish_non_exhaustive()
    }
}

impl crate::runtime::instance::Segments for Module {
    fn element_count(&self) -> u32 {
        self.elements.len() as u32
    }

    fn element(
        &self,
        index: u32,
    ) -> Result<
        (
            ElemMode,
            u32,
            impl Iterator<Item = Result<ConstExpr, crate::Trap>> + '_,
        ),
        crate::Trap,
    > {
        let seg = &self.elements[index as usize];
        Ok((
            seg.mode,
            seg.items.len() as u32,
            seg.items.iter().map(|e| Ok(*e)),
        ))
    }

    fn data_count(&self) -> u32 {
        self.datas.len() as u32
    }

    fn const_op(&self, index: u32) -> Option<ConstExpr> {
        self.const_ops.get(index as usize).copied()
    }

    fn data(&self, index: u32) -> Result<(DataMode, &[u8]), crate::Trap> {
        let seg = &self.datas[index as usize];
        Ok((seg.mode, &seg.bytes))
    }
}
