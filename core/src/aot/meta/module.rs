//! The module model of an `.aot` file, built from its checked metadata: what the hosted
//! AOT engine links and instantiates (the code is native, so there are no bodies).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{func_names, ImportDesc as MetaImport, Meta, MetaError};
use crate::aot::format::AotFile;
use crate::module::{
    DataSegment, ElementSegment, EngineCache, Export, Import, ImportDesc, Module, ModuleError,
    ModuleErrorKind,
};
use crate::runtime::instance::Segments;
use crate::types::{ConstExpr, DataMode, ElemMode, FuncType};

impl From<MetaError> for ModuleError {
    fn from(e: MetaError) -> ModuleError {
        let (kind, offset) = match e {
            MetaError::Unsupported(_) => (ModuleErrorKind::Unsupported, None),
            MetaError::Truncated { offset } | MetaError::Malformed { offset, .. } => {
                (ModuleErrorKind::Invalid, Some(offset))
            }
        };
        // The metadata error names its own offset; `offset` lets callers point at it.
        let message = match e {
            MetaError::Unsupported(what) => what.to_string(),
            e => e.to_string(),
        };
        ModuleError {
            kind,
            message,
            func_index: None,
            offset,
        }
    }
}

impl Module {
    /// The module of a parsed `.aot` file: its metadata (refused if this build cannot
    /// run it) and its function names.
    pub fn from_aot(file: &AotFile<'_>) -> Result<Module, ModuleError> {
        let meta = Meta::parse(file.metadata())?;
        meta.check_build()?;
        Ok(Module::from_meta(&meta, file.names()))
    }

    /// The module described by `meta`, with function names from `names` (a `name`
    /// section payload, the `.aot` Names section) where given. `bytes` and `bodies` are
    /// empty: the code is native.
    pub fn from_meta(meta: &Meta<'_>, names: Option<&[u8]>) -> Module {
        let imported = meta.num_imported_globals() as usize;
        let globals: Vec<_> = meta.globals().collect();
        // Extended expressions index the metadata's ops region; the module keeps their
        // instructions in its own list, in module order (globals, elements, data), as
        // the validator does.
        let mut const_ops = Vec::new();
        let mut own = |expr: ConstExpr| match expr {
            ConstExpr::Extended { first, count } => {
                let at = const_ops.len() as u32;
                const_ops
                    .extend((first..first.saturating_add(count)).filter_map(|i| meta.const_op(i)));
                ConstExpr::Extended { first: at, count }
            }
            single => single,
        };
        let global_inits = globals[imported.min(globals.len())..]
            .iter()
            .filter_map(|g| g.init)
            .map(&mut own)
            .collect();
        let elements = meta
            .elements()
            .map(|e| ElementSegment {
                mode: match e.mode {
                    ElemMode::Active { table, offset } => ElemMode::Active {
                        table,
                        offset: own(offset),
                    },
                    mode => mode,
                },
                ty: e.ty,
                items: e.items.collect(),
            })
            .collect();
        let datas = meta
            .datas()
            .map(|d| DataSegment {
                mode: match d.mode {
                    DataMode::Active { memory, offset } => DataMode::Active {
                        memory,
                        offset: own(offset),
                    },
                    mode => mode,
                },
                bytes: d.bytes.into(),
            })
            .collect();
        Module {
            bytes: Default::default(),
            types: meta
                .types()
                .map(|t| {
                    FuncType::new(
                        t.params().collect::<Vec<_>>(),
                        t.results().collect::<Vec<_>>(),
                    )
                })
                .collect(),
            imports: meta
                .imports()
                .map(|i| Import {
                    module: i.module.to_string(),
                    name: i.name.to_string(),
                    desc: match i.desc {
                        MetaImport::Func(ty) => ImportDesc::Func(ty),
                        MetaImport::Table(t) => ImportDesc::Table(t),
                        MetaImport::Memory(m) => ImportDesc::Memory(m),
                        MetaImport::Global(g) => ImportDesc::Global(g),
                    },
                })
                .collect(),
            funcs: meta.functions().collect(),
            num_imported_funcs: meta.num_imported_funcs(),
            tables: meta.tables().collect(),
            num_imported_tables: meta.num_imported_tables(),
            memories: meta.memories().collect(),
            num_imported_memories: meta.num_imported_memories(),
            globals: globals.iter().map(|g| g.ty).collect(),
            num_imported_globals: meta.num_imported_globals(),
            global_inits,
            const_ops,
            exports: meta
                .exports()
                .map(|e| Export {
                    name: e.name.to_string(),
                    kind: e.kind,
                    index: e.index,
                })
                .collect(),
            start: meta.start(),
            elements,
            datas,
            bodies: Vec::new(),
            func_names: names
                .map(|n| func_names(n).map(|(i, s)| (i, String::from(s))).collect())
                .unwrap_or_default(),
            engine_cache: EngineCache::default(),
        }
    }
}
