//! Resolves a module's imports by `module.name` against host functions and other
//! instances' exports.

use alloc::{collections::BTreeMap, format, rc::Rc, string::String, sync::Arc, vec::Vec};

use super::store::{Caller, Executor, Extern, InstanceAddr, InstantiationError, Store};
use crate::module::Module;
use crate::trap::Trap;
use crate::types::FuncType;
use crate::value::Cell;

#[derive(Default, Clone)]
pub struct Linker {
    defs: BTreeMap<(String, String), Extern>,
}

impl Linker {
    pub fn new() -> Linker {
        Linker::default()
    }

    pub fn define(&mut self, module: &str, name: &str, ext: Extern) {
        self.defs.insert((module.into(), name.into()), ext);
    }

    /// Defines a host function under `module.name`.
    pub fn func(
        &mut self,
        store: &mut Store,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &mut [Cell]) -> Result<(), Trap> + 'static,
    ) {
        let addr = store.add_host_func(ty, Rc::new(f));
        self.define(module, name, Extern::Func(addr));
    }

    /// Makes every export of `instance` importable as `module.<export name>`.
    pub fn define_instance(&mut self, store: &Store, module: &str, instance: InstanceAddr) {
        let m = store.instances[instance as usize].module.clone();
        for e in &m.exports {
            if let Some(ext) = store.export(instance, &e.name) {
                self.define(module, &e.name, ext);
            }
        }
    }

    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.defs.get(&(module.into(), name.into())).copied()
    }

    pub fn resolve(&self, module: &Module) -> Result<Vec<Extern>, InstantiationError> {
        module
            .imports
            .iter()
            .map(|import| {
                self.get(&import.module, &import.name).ok_or_else(|| {
                    // Only a linker without any WASI function lacks WASI; with WASI
                    // defined, the name itself is what is wrong.
                    let wasi_missing = import.module == "wasi_snapshot_preview1"
                        && !self.defs.keys().any(|(m, _)| *m == import.module);
                    let hint = if wasi_missing {
                        " (WASI is not available here)"
                    } else {
                        ""
                    };
                    InstantiationError::Unlinkable(format!(
                        "unknown import: `{}.{}` ({}){hint}",
                        import.module,
                        import.name,
                        import.desc.kind().name()
                    ))
                })
            })
            .collect()
    }

    pub fn instantiate(
        &self,
        store: &mut Store,
        module: Arc<Module>,
        exec: &mut dyn Executor,
    ) -> Result<InstanceAddr, InstantiationError> {
        let imports = self.resolve(&module)?;
        store.instantiate(module, &imports, exec)
    }
}
