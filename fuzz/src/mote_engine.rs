//! mote's engines through its public embedding API: the interpreter on the `.wasm`
//! bytes, and AOT code compiled in-process by `mote_aotc` (as `aotc` would), written as
//! an `.aot` file and loaded back with `mote::Module::new`.

use mote::{Error, Extern, Linker, Module, Store, Value};
use mote_core::aot::format;
use mote_core::aot::object::BoundsChecks;
use mote_core::{FuncType, ValType};

use crate::engine::{Engine, HostImport, Instance, Item, Outcome, SetupError, StateKind, Val};
use crate::host;

/// Which of mote's engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Interp,
    /// AOT with the given bounds checks and LLVM optimisation level.
    Aot(BoundsChecks, u8),
}

pub struct MoteEngine {
    pub variant: Variant,
    name: String,
}

impl MoteEngine {
    pub fn new(variant: Variant) -> MoteEngine {
        let name = match variant {
            Variant::Interp => "interp".to_string(),
            Variant::Aot(BoundsChecks::Explicit, _) => "aot-explicit".to_string(),
            Variant::Aot(BoundsChecks::Guard, _) => "aot-guard".to_string(),
        };
        MoteEngine { variant, name }
    }

    /// The bytes a user would load: the module itself, or the `.aot` file made from it.
    pub fn artifact(&self, wasm: &[u8]) -> Result<Vec<u8>, String> {
        match self.variant {
            Variant::Interp => Ok(wasm.to_vec()),
            Variant::Aot(bounds, opt_level) => {
                let module = mote_core::Module::new(wasm).map_err(|e| e.to_string())?;
                let mut opts = mote_aotc::Options::host();
                opts.bounds_checks = bounds;
                opts.opt_level = opt_level;
                let object =
                    mote_aotc::compile(&module, wasm, &opts).map_err(|e| format!("aotc: {e}"))?;
                Ok(format::write(&object))
            }
        }
    }
}

/// The fuzzer's value as mote's (function references become null: the fuzzer only
/// passes null ones).
pub fn to_value(v: Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(x) => Value::F32(x),
        Val::F64(x) => Value::F64(x),
        // Arguments and host results only ever hold null function references.
        Val::FuncRef(_) => Value::FuncRef(None),
        Val::ExternRef(r) => Value::ExternRef(r),
    }
}

/// mote's value as the fuzzer's.
pub fn from_value(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(x) => Val::F32(x),
        Value::F64(x) => Val::F64(x),
        Value::FuncRef(r) => Val::FuncRef(r.is_some()),
        Value::ExternRef(r) => Val::ExternRef(r),
        Value::V128(_) => unreachable!("SIMD is not generated"),
    }
}

impl Engine for MoteEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn instantiate(
        &self,
        wasm: &[u8],
        imports: &[HostImport],
    ) -> Result<Box<dyn Instance>, SetupError> {
        let bytes = self.artifact(wasm).map_err(SetupError::Refused)?;
        let module = Module::new(&bytes).map_err(|e| SetupError::Refused(e.to_string()))?;
        let mut linker = Linker::new();
        for import in imports {
            let (module_name, name) = (import.module.clone(), import.name.clone());
            let result_types = import.results.clone();
            let ty = FuncType::new(import.params.clone(), import.results.clone());
            linker
                .func_new(
                    &import.module,
                    &import.name,
                    ty,
                    move |_, params, results| {
                        let args: Vec<Val> = params.iter().map(|v| from_value(*v)).collect();
                        let out = host::results(&module_name, &name, &args, &result_types);
                        for (slot, v) in results.iter_mut().zip(out) {
                            *slot = to_value(v);
                        }
                        Ok(())
                    },
                )
                .map_err(|e| SetupError::Failed(e.to_string()))?;
        }
        let mut store = Store::new();
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| match e {
                Error::Instantiation(trap) => SetupError::Trapped(trap),
                other => SetupError::Failed(other.to_string()),
            })?;
        Ok(Box::new(MoteInstance { store, instance }))
    }
}

struct MoteInstance {
    store: Store,
    instance: mote::Instance,
}

impl Instance for MoteInstance {
    fn call(&mut self, name: &str, args: &[Val], results: &[ValType]) -> Outcome {
        let Some(func) = self.instance.get_func(&self.store, name) else {
            return Outcome::Failed(format!("no function export `{name}`"));
        };
        let params: Vec<Value> = args.iter().map(|v| to_value(*v)).collect();
        let mut out: Vec<Value> = results.iter().map(|t| Value::default_for(*t)).collect();
        match func.call(&mut self.store, &params, &mut out) {
            Ok(()) => Outcome::Returned(out.into_iter().map(from_value).collect()),
            Err(Error::Trap(trap)) => Outcome::Trapped(trap),
            Err(other) => Outcome::Failed(other.to_string()),
        }
    }

    fn set_global(&mut self, name: &str, value: Val) -> Result<(), String> {
        let global = self
            .instance
            .get_global(&self.store, name)
            .ok_or_else(|| format!("no global export `{name}`"))?;
        global
            .set(&mut self.store, to_value(value))
            .map_err(|e| e.to_string())
    }

    fn item(&self, name: &str, kind: StateKind) -> Option<Item> {
        match (self.instance.get_export(&self.store, name)?, kind) {
            (Extern::Global(g), StateKind::Global) => {
                Some(Item::Global(from_value(g.get(&self.store))))
            }
            (Extern::Memory(m), StateKind::Memory) => Some(Item::Memory {
                pages: m.size(&self.store),
                hash: crate::engine::hash_memory(m.data(&self.store)),
            }),
            (Extern::Table(t), StateKind::Table) => Some(Item::Table {
                size: u64::from(t.size(&self.store)),
            }),
            _ => None,
        }
    }
}
