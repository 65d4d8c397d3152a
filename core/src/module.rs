//! The validated module model, built from `wasmparser` with full validation up front.

use alloc::{boxed::Box, string::String, string::ToString, vec::Vec};
use core::ops::Range;

use wasmparser::{
    Encoding, FuncValidatorAllocations, Parser, Payload, ValidPayload, Validator, WasmFeatures,
};

pub use crate::types::{ConstExpr, DataMode, ElemMode};
use crate::types::{ExternKind, FuncType, GlobalType, Limits, MemoryType, TableType, ValType};

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

#[derive(Debug, Clone, Copy)]
pub enum ImportDesc {
    /// Type index.
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

/// What this build accepts: Wasm 2.0 without SIMD, and without floats if the `float`
/// feature is off.
fn supported_features() -> WasmFeatures {
    let mut f = WasmFeatures::WASM2;
    f.remove(WasmFeatures::SIMD);
    if !cfg!(feature = "float") {
        f.remove(WasmFeatures::FLOATS);
    }
    f
}

impl Module {
    /// Parses and fully validates a binary module.
    pub fn new(bytes: &[u8]) -> Result<Module, ModuleError> {
        match Self::parse(bytes, supported_features()) {
            Ok(m) => Ok(m),
            Err(err) => Err(Self::explain_unsupported(bytes, err)),
        }
    }

    /// A module rejected under our feature set may be valid Wasm 2.0 that uses something
    /// this build leaves out; say so instead of calling it invalid.
    fn explain_unsupported(bytes: &[u8], err: ModuleError) -> ModuleError {
        let mut with_floats = supported_features();
        with_floats.insert(WasmFeatures::FLOATS);
        if !cfg!(feature = "float") {
            if let Ok(m) = Self::parse(bytes, with_floats) {
                let func_index = m.first_float_function().or(err.func_index);
                let place = match func_index {
                    Some(f) => match m.func_name(f) {
                        Some(name) => alloc::format!(" (first in function {f}, {name})"),
                        None => alloc::format!(" (first in function {f})"),
                    },
                    None => String::new(),
                };
                return ModuleError {
                    kind: ModuleErrorKind::Unsupported,
                    message: alloc::format!(
                        "the module uses floating point{place}, but this build of mote has no float support"
                    ),
                    func_index,
                    offset: err.offset,
                };
            }
        }
        let mut with_simd = with_floats;
        with_simd.insert(WasmFeatures::SIMD);
        match Self::parse(bytes, with_simd) {
            Ok(_) => ModuleError {
                kind: ModuleErrorKind::Unsupported,
                message: "SIMD is not supported yet".to_string(),
                ..err
            },
            // Without the missing features the module is still wrong: report that error,
            // which is the real one when the first complaint was about a feature.
            Err(real) if err.message.contains("support is not enabled") => real,
            Err(_) => err,
        }
    }

    fn parse(bytes: &[u8], features: WasmFeatures) -> Result<Module, ModuleError> {
        let mut validator = Validator::new_with_features(features);
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
            exports: Vec::new(),
            start: None,
            elements: Vec::new(),
            datas: Vec::new(),
            bodies: Vec::new(),
            func_names: Vec::new(),
            engine_cache: EngineCache::default(),
        };
        let mut allocs = FuncValidatorAllocations::default();
        let mut next_func = 0u32;
        // The parser decodes with every feature unless told otherwise (e.g. memory limits
        // as u64 LEBs, so overlong u32 encodings would slip through).
        let mut parser = Parser::new(0);
        parser.set_features(features);
        for payload in parser.parse_all(bytes) {
            let payload = payload.map_err(|e| invalid(&e, None))?;
            let valid = validator.payload(&payload).map_err(|e| invalid(&e, None))?;
            m.read_payload(&payload)?;
            if let ValidPayload::Func(func, body) = valid {
                let index = m.num_imported_funcs + next_func;
                next_func += 1;
                let mut fv = func.into_validator(core::mem::take(&mut allocs));
                fv.validate(&body).map_err(|e| invalid(&e, Some(index)))?;
                allocs = fv.into_allocations();
                m.bodies
                    .push(read_body(&body).map_err(|e| invalid(&e, Some(index)))?);
            }
        }
        Ok(m)
    }

    fn read_payload(&mut self, payload: &Payload<'_>) -> Result<(), ModuleError> {
        let err = |e: wasmparser::BinaryReaderError| invalid(&e, None);
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
                for ty in reader.clone().into_iter_err_on_gc_types() {
                    let ty = ty.map_err(err)?;
                    self.types.push(FuncType::new(
                        ty.params().iter().map(|t| val_type(*t)).collect::<Vec<_>>(),
                        ty.results()
                            .iter()
                            .map(|t| val_type(*t))
                            .collect::<Vec<_>>(),
                    ));
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import.map_err(err)?;
                    let desc = match import.ty {
                        wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => {
                            self.funcs.push(t);
                            self.num_imported_funcs += 1;
                            ImportDesc::Func(t)
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = table_type(&t);
                            self.tables.push(t);
                            self.num_imported_tables += 1;
                            ImportDesc::Table(t)
                        }
                        wasmparser::TypeRef::Memory(t) => {
                            let t = memory_type(&t);
                            self.memories.push(t);
                            self.num_imported_memories += 1;
                            ImportDesc::Memory(t)
                        }
                        wasmparser::TypeRef::Global(t) => {
                            let t = global_type(&t);
                            self.globals.push(t);
                            self.num_imported_globals += 1;
                            ImportDesc::Global(t)
                        }
                        wasmparser::TypeRef::Tag(_) => return Err(unsupported("exception tags")),
                    };
                    self.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        desc,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    self.funcs.push(ty.map_err(err)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.clone() {
                    let table = table.map_err(err)?;
                    if !matches!(table.init, wasmparser::TableInit::RefNull) {
                        return Err(unsupported("table initialiser expressions"));
                    }
                    self.tables.push(table_type(&table.ty));
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader.clone() {
                    self.memories.push(memory_type(&mem.map_err(err)?));
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader.clone() {
                    let global = global.map_err(err)?;
                    self.globals.push(global_type(&global.ty));
                    self.global_inits.push(const_expr(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export.map_err(err)?;
                    let kind = match export.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                            ExternKind::Func
                        }
                        wasmparser::ExternalKind::Table => ExternKind::Table,
                        wasmparser::ExternalKind::Memory => ExternKind::Memory,
                        wasmparser::ExternalKind::Global => ExternKind::Global,
                        wasmparser::ExternalKind::Tag => return Err(unsupported("exception tags")),
                    };
                    self.exports.push(Export {
                        name: export.name.to_string(),
                        kind,
                        index: export.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => self.start = Some(*func),
            Payload::ElementSection(reader) => {
                for elem in reader.clone() {
                    let elem = elem.map_err(err)?;
                    let mode = match elem.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declared,
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match elem.items {
                        wasmparser::ElementItems::Functions(funcs) => {
                            let mut items = Vec::new();
                            for f in funcs {
                                items.push(ConstExpr::RefFunc(f.map_err(err)?));
                            }
                            (ValType::FuncRef, items)
                        }
                        wasmparser::ElementItems::Expressions(ty, exprs) => {
                            let mut items = Vec::new();
                            for e in exprs {
                                items.push(const_expr(&e.map_err(err)?)?);
                            }
                            (ref_type(ty), items)
                        }
                    };
                    self.elements.push(ElementSegment {
                        mode,
                        ty,
                        items: items.into(),
                    });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader.clone() {
                    let data = data.map_err(err)?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataMode::Active {
                            memory: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    self.datas.push(DataSegment {
                        mode,
                        bytes: data.data.into(),
                    });
                }
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    // A malformed name section is not an error (the spec says to ignore it).
                    for name in names.into_iter().flatten() {
                        if let wasmparser::Name::Function(map) = name {
                            for naming in map.into_iter().flatten() {
                                self.func_names
                                    .push((naming.index, naming.name.to_string()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The first function whose signature or locals use f32/f64.
    fn first_float_function(&self) -> Option<u32> {
        let float_sig = |f: u32| {
            let ty = self.func_type(f);
            ty.params
                .iter()
                .chain(ty.results.iter())
                .any(|t| t.is_float())
        };
        (0..self.funcs.len() as u32).find(|&f| {
            float_sig(f)
                || f.checked_sub(self.num_imported_funcs)
                    .and_then(|d| self.bodies.get(d as usize))
                    .is_some_and(|b| b.locals.iter().any(|(_, t)| t.is_float()))
        })
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

    /// Operators of a defined function, for the engines' translators.
    pub fn operators(&self, defined_index: u32) -> wasmparser::OperatorsReader<'_> {
        let range = self.bodies[defined_index as usize].code.clone();
        let reader = wasmparser::BinaryReader::new(&self.bytes[range.clone()], range.start as u64);
        wasmparser::OperatorsReader::new(reader)
    }
}

fn read_body(body: &wasmparser::FunctionBody<'_>) -> wasmparser::Result<FuncBody> {
    let mut locals = Vec::new();
    let mut num_locals = 0u32;
    let mut reader = body.get_locals_reader()?;
    for _ in 0..reader.get_count() {
        let (count, ty) = reader.read()?;
        num_locals += count;
        locals.push((count, val_type(ty)));
    }
    let ops = body.get_binary_reader_for_operators()?;
    let start = ops.original_position() as usize;
    let end = body.range().end as usize;
    Ok(FuncBody {
        locals: locals.into(),
        num_locals,
        code: start..end,
    })
}

fn invalid(e: &wasmparser::BinaryReaderError, func_index: Option<u32>) -> ModuleError {
    ModuleError {
        kind: ModuleErrorKind::Invalid,
        message: e.message().to_string(),
        func_index,
        offset: Some(e.offset() as usize),
    }
}

fn unsupported(what: &str) -> ModuleError {
    ModuleError {
        kind: ModuleErrorKind::Unsupported,
        message: alloc::format!("{what} are not supported"),
        func_index: None,
        offset: None,
    }
}

pub fn val_type(t: wasmparser::ValType) -> ValType {
    match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ref_type(r),
    }
}

fn ref_type(r: wasmparser::RefType) -> ValType {
    // Validation with Wasm 2.0 features admits only funcref and externref.
    if r.heap_type() == wasmparser::HeapType::EXTERN {
        ValType::ExternRef
    } else {
        ValType::FuncRef
    }
}

fn table_type(t: &wasmparser::TableType) -> TableType {
    TableType {
        element: ref_type(t.element_type),
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
    }
}

fn memory_type(t: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
    }
}

fn global_type(t: &wasmparser::GlobalType) -> GlobalType {
    GlobalType {
        content: val_type(t.content_type),
        mutable: t.mutable,
    }
}

fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, ModuleError> {
    use wasmparser::Operator as Op;
    let mut reader = e.get_operators_reader();
    let op = reader.read().map_err(|e| invalid(&e, None))?;
    let value = match op {
        Op::I32Const { value } => ConstExpr::I32(value),
        Op::I64Const { value } => ConstExpr::I64(value),
        Op::F32Const { value } => ConstExpr::F32(value.bits()),
        Op::F64Const { value } => ConstExpr::F64(value.bits()),
        Op::V128Const { value } => ConstExpr::V128(value.i128() as u128),
        Op::RefNull { hty } => ConstExpr::RefNull(if hty == wasmparser::HeapType::EXTERN {
            ValType::ExternRef
        } else {
            ValType::FuncRef
        }),
        Op::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        Op::GlobalGet { global_index } => ConstExpr::GlobalGet(global_index),
        _ => return Err(unsupported("extended constant expressions")),
    };
    match reader.read() {
        Ok(Op::End) => Ok(value),
        _ => Err(unsupported("extended constant expressions")),
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

    fn data(&self, index: u32) -> Result<(DataMode, &[u8]), crate::Trap> {
        let seg = &self.datas[index as usize];
        Ok((seg.mode, &seg.bytes))
    }
}
