//! What the driver reads from a generated module: its exported functions with their
//! types, its exported state, and the host functions it imports.

use mote_core::ValType;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

use crate::engine::{HostImport, StateKind};

#[derive(Debug, Clone)]
pub struct ExportFunc {
    pub name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub funcs: Vec<ExportFunc>,
    /// Exported globals, memories and tables, in export order.
    pub state: Vec<(String, StateKind)>,
    pub imports: Vec<HostImport>,
}

fn val_type(ty: wasmparser::ValType) -> Result<ValType, String> {
    Ok(match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::Ref(r) if r.is_func_ref() => ValType::FuncRef,
        wasmparser::ValType::Ref(r) if r.is_extern_ref() => ValType::ExternRef,
        other => return Err(format!("unsupported value type {other:?}")),
    })
}

type Sig = (Vec<ValType>, Vec<ValType>);

/// Reads the module; an error names what the fuzzer cannot drive (a bug in the
/// generator configuration).
pub fn read(wasm: &[u8]) -> Result<ModuleInfo, String> {
    let mut types: Vec<Sig> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut info = ModuleInfo::default();
    let err = |e: wasmparser::BinaryReaderError| e.to_string();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(err)? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(err)?;
                    let params = ty
                        .params()
                        .iter()
                        .map(|t| val_type(*t))
                        .collect::<Result<_, _>>()?;
                    let results = ty
                        .results()
                        .iter()
                        .map(|t| val_type(*t))
                        .collect::<Result<_, _>>()?;
                    types.push((params, results));
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(err)?;
                    let TypeRef::Func(index) = import.ty else {
                        return Err(format!(
                            "import {}.{} is not a function",
                            import.module, import.name
                        ));
                    };
                    let (params, results) =
                        types.get(index as usize).cloned().ok_or("bad type index")?;
                    func_types.push(index);
                    info.imports.push(HostImport {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        params,
                        results,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for index in reader {
                    func_types.push(index.map_err(err)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(err)?;
                    let name = export.name.to_string();
                    match export.kind {
                        ExternalKind::Func => {
                            let ty = func_types
                                .get(export.index as usize)
                                .ok_or("bad function index")?;
                            let (params, results) =
                                types.get(*ty as usize).cloned().ok_or("bad type index")?;
                            info.funcs.push(ExportFunc {
                                name,
                                params,
                                results,
                            });
                        }
                        ExternalKind::Global => info.state.push((name, StateKind::Global)),
                        ExternalKind::Memory => info.state.push((name, StateKind::Memory)),
                        ExternalKind::Table => info.state.push((name, StateKind::Table)),
                        other => return Err(format!("unsupported export kind {other:?}")),
                    }
                }
            }
            _ => {}
        }
    }
    Ok(info)
}
