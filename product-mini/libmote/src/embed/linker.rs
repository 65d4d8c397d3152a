//! The linker: names host functions and other instances' items so modules can import
//! them, then instantiates modules against those names.

use std::collections::BTreeMap;
use std::format;
use std::rc::Rc;
use std::string::{String, ToString};
use std::vec::Vec;

use mote_core::module::ImportDesc;
use mote_core::runtime::{Caller as CoreCaller, Extern as CoreExtern, InstantiationError};
use mote_core::{Cell, FuncType, Trap, Value};

use super::error::Error;
use super::func::{HostFn, IntoFunc};
use super::instance::{Extern, Instance};
use super::module::Module;
use super::store::{AsContext, Caller, Store};

#[derive(Clone)]
enum Definition {
    /// A host function; it becomes a function of each store a module importing it is
    /// instantiated in.
    Host { ty: FuncType, func: Rc<HostFn> },
    /// An item that already lives in a store.
    Item { store: u64, ext: CoreExtern },
}

/// Defines what modules may import, by `module` and `name`, and instantiates modules.
///
/// Host functions are defined once and can be instantiated into any number of stores;
/// items of instances ([`Linker::instance`], [`Linker::define`]) belong to their store.
///
/// ```
/// # #[cfg(feature = "interp")] {
/// use mote::{Linker, Module, Store};
///
/// let wasm = wat::parse_str(r#"(module
///     (import "env" "add" (func $add (param i32 i32) (result i32)))
///     (import "env" "pair" (func $pair (result i64 f64)))
///     (func (export "run") (param i32) (result i32)
///       (call $add (local.get 0) (i32.const 1))))"#)?;
///
/// let mut linker = Linker::new();
/// linker
///     .func_wrap("env", "add", |a: i32, b: i32| -> i32 { a.wrapping_add(b) })?
///     .func_wrap("env", "pair", || (7i64, 0.5f64))?;
///
/// let mut store = Store::new();
/// let instance = linker.instantiate(&mut store, &Module::new(&wasm)?)?;
/// let run = instance.get_typed_func::<i32, i32>(&store, "run")?;
/// assert_eq!(run.call(&mut store, 41)?, 42);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct Linker {
    defs: BTreeMap<String, BTreeMap<String, Definition>>,
    /// WASI functions of each store they were added to (they close over one context).
    #[cfg(feature = "wasi")]
    wasi: Vec<(u64, mote_core::runtime::Linker)>,
}

impl core::fmt::Debug for Linker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<String> = self
            .defs
            .iter()
            .flat_map(|(m, d)| d.keys().map(move |n| format!("{m}.{n}")))
            .collect();
        f.debug_struct("Linker").field("defs", &names).finish()
    }
}

impl Linker {
    /// An empty linker.
    pub fn new() -> Linker {
        Linker::default()
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition) -> Result<&mut Self, Error> {
        let names = self.defs.entry(module.to_string()).or_default();
        if names.contains_key(name) {
            return Err(Error::Duplicate {
                module: module.to_string(),
                name: name.to_string(),
            });
        }
        names.insert(name.to_string(), def);
        Ok(self)
    }

    /// Defines a host function from a Rust closure; its WebAssembly type comes from the
    /// closure's parameter and return types.
    ///
    /// - Parameters: up to eight of `i32`, `i64`, `f32`, `f64` (and `u32`/`u64`),
    ///   optionally preceded by a [`Caller`] to reach the calling instance's memory and
    ///   exports.
    /// - Return: `()`, one value, a tuple of values (multi-value), or any of these inside
    ///   `Result<_, Trap>`. An `Err` traps the WebAssembly caller, and the trap reaches
    ///   the embedder as the call's error.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{Caller, Linker, Module, Store, Trap};
    ///
    /// let wasm = wat::parse_str(r#"(module
    ///     (import "env" "check" (func $check (param i32)))
    ///     (import "env" "log" (func $log (param i32 i32)))
    ///     (memory (export "memory") 1)
    ///     (data (i32.const 0) "ready")
    ///     (func (export "run") (param i32)
    ///       (call $log (i32.const 0) (i32.const 5))
    ///       (call $check (local.get 0))))"#)?;
    ///
    /// let mut linker = Linker::new();
    /// linker.func_wrap("env", "check", |v: i32| -> Result<(), Trap> {
    ///     if v < 0 { Err(Trap::Host("negative input")) } else { Ok(()) }
    /// })?;
    /// let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    /// let sink = log.clone();
    /// linker.func_wrap("env", "log", move |caller: Caller<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
    ///     let memory = caller.get_export("memory").and_then(|e| e.into_memory())
    ///         .ok_or(Trap::Host("no exported memory"))?;
    ///     let bytes = memory.data(&caller)
    ///         .get(ptr as u32 as usize..)
    ///         .and_then(|rest| rest.get(..len as u32 as usize))
    ///         .ok_or(Trap::MemoryOutOfBounds)?;
    ///     sink.borrow_mut().push(String::from_utf8_lossy(bytes).into_owned());
    ///     Ok(())
    /// })?;
    ///
    /// let mut store = Store::new();
    /// let instance = linker.instantiate(&mut store, &Module::new(&wasm)?)?;
    /// let run = instance.get_typed_func::<i32, ()>(&store, "run")?;
    /// run.call(&mut store, 1)?;
    /// assert_eq!(run.call(&mut store, -1), Err(Trap::Host("negative input")));
    /// assert_eq!(*log.borrow(), ["ready", "ready"]);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Duplicate`] if `module.name` is already defined.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<Params, Results>,
    ) -> Result<&mut Self, Error> {
        let (ty, func) = func.into_host();
        self.insert(module, name, Definition::Host { ty, func })
    }

    /// Defines a host function of type `ty` that receives and returns untyped
    /// [`Value`]s. `results` arrives filled with zeros of the result types; each value
    /// written must keep its slot's type, or the call traps.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{FuncType, Linker, Module, Store, ValType, Value};
    ///
    /// let wasm = wat::parse_str(r#"(module
    ///     (import "env" "max" (func $max (param i64 i64) (result i64)))
    ///     (func (export "run") (result i64) (call $max (i64.const -3) (i64.const 9))))"#)?;
    /// let mut linker = Linker::new();
    /// let ty = FuncType::new([ValType::I64, ValType::I64], [ValType::I64]);
    /// linker.func_new("env", "max", ty, |_caller, params, results| {
    ///     let (Value::I64(a), Value::I64(b)) = (params[0], params[1]) else { unreachable!() };
    ///     results[0] = Value::I64(a.max(b));
    ///     Ok(())
    /// })?;
    /// let mut store = Store::new();
    /// let instance = linker.instantiate(&mut store, &Module::new(&wasm)?)?;
    /// assert_eq!(instance.get_typed_func::<(), i64>(&store, "run")?.call(&mut store, ())?, 9);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Duplicate`] if `module.name` is already defined.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_>, &[Value], &mut [Value]) -> Result<(), Trap> + 'static,
    ) -> Result<&mut Self, Error> {
        let params = ty.params.clone();
        let result_types = ty.results.clone();
        let needed = params.len().max(result_types.len());
        let host = move |caller: Caller<'_>, cells: &mut [Cell]| -> Result<(), Trap> {
            if cells.len() < needed {
                return Err(Trap::Host(
                    "host function called with too few argument cells",
                ));
            }
            let args: Vec<Value> = params
                .iter()
                .zip(cells.iter())
                .map(|(t, c)| Value::from_cell(*t, *c))
                .collect();
            let mut results: Vec<Value> = result_types
                .iter()
                .map(|t| Value::default_for(*t))
                .collect();
            // The host cannot add functions, so the count before the call still bounds
            // the references it may return.
            let funcs = caller.store.funcs.len();
            func(caller, &args, &mut results)?;
            for ((cell, v), t) in cells.iter_mut().zip(&results).zip(result_types.iter()) {
                if v.ty() != *t {
                    return Err(Trap::Host(
                        "host function returned a value of the wrong type",
                    ));
                }
                if let Value::FuncRef(Some(f)) = v {
                    if *f as usize >= funcs {
                        return Err(Trap::Host("host function returned an unknown function"));
                    }
                }
                *cell = v.to_cell();
            }
            Ok(())
        };
        self.insert(
            module,
            name,
            Definition::Host {
                ty,
                func: Rc::new(host),
            },
        )
    }

    /// Defines a host function of type `ty` with the engines' own calling convention,
    /// for the lowest overhead: `cells` holds the arguments on entry, one 64-bit cell
    /// each (`i32` zero-extended, floats as their bits), and the function writes its
    /// results to the first cells. The slice has `max(params, results)` cells.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{FuncType, Linker, Module, Store, ValType};
    ///
    /// let wasm = wat::parse_str(r#"(module
    ///     (import "env" "swap" (func $swap (param i32 i32) (result i32 i32)))
    ///     (func (export "run") (result i32) (i32.sub (call $swap (i32.const 1) (i32.const 10)))))"#)?;
    /// let mut linker = Linker::new();
    /// let ty = FuncType::new([ValType::I32; 2], [ValType::I32; 2]);
    /// linker.func_cells("env", "swap", ty, |_caller, cells| {
    ///     cells.swap(0, 1);
    ///     Ok(())
    /// })?;
    /// let mut store = Store::new();
    /// let instance = linker.instantiate(&mut store, &Module::new(&wasm)?)?;
    /// assert_eq!(instance.get_typed_func::<(), i32>(&store, "run")?.call(&mut store, ())?, 9);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Duplicate`] if `module.name` is already defined.
    pub fn func_cells(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_>, &mut [Cell]) -> Result<(), Trap> + 'static,
    ) -> Result<&mut Self, Error> {
        let needed = ty.params.len().max(ty.results.len());
        let host = move |caller: Caller<'_>, cells: &mut [Cell]| -> Result<(), Trap> {
            if cells.len() < needed {
                return Err(Trap::Host(
                    "host function called with too few argument cells",
                ));
            }
            func(caller, cells)
        };
        self.insert(
            module,
            name,
            Definition::Host {
                ty,
                func: Rc::new(host),
            },
        )
    }

    /// Defines an item of a store (an instance's export) as `module.name`. Only modules
    /// instantiated in that store can import it.
    ///
    /// # Errors
    /// [`Error::Duplicate`] if `module.name` is already defined.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        let (store, ext) = item.into().to_core();
        self.insert(module, name, Definition::Item { store, ext })
    }

    /// Defines every export of `instance` as `module.<export name>`, so that modules
    /// instantiated later in the same store can import them.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{Linker, Module, Store};
    ///
    /// let lib = wat::parse_str(r#"(module
    ///     (memory (export "mem") 1)
    ///     (func (export "double") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1))))"#)?;
    /// let app = wat::parse_str(r#"(module
    ///     (import "lib" "double" (func $double (param i32) (result i32)))
    ///     (import "lib" "mem" (memory 1))
    ///     (func (export "run") (result i32)
    ///       (i32.store (i32.const 8) (call $double (i32.const 21)))
    ///       (i32.load (i32.const 8))))"#)?;
    /// let mut store = Store::new();
    /// let mut linker = Linker::new();
    /// let lib = linker.instantiate(&mut store, &Module::new(&lib)?)?;
    /// linker.instance(&store, "lib", lib)?;
    /// let app = linker.instantiate(&mut store, &Module::new(&app)?)?;
    /// assert_eq!(app.get_typed_func::<(), i32>(&store, "run")?.call(&mut store, ())?, 42);
    /// let mem = lib.get_memory(&store, "mem").expect("exported");
    /// assert_eq!(&mem.data(&store)[8..12], &42i32.to_le_bytes());
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Duplicate`] if a name is already defined (the names before it are
    /// defined then).
    ///
    /// # Panics
    /// If `store` is not the instance's store.
    pub fn instance(
        &mut self,
        store: &impl AsContext,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        let exports: Vec<(String, Extern)> = instance
            .exports(store)
            .map(|(name, ext)| (name.to_string(), ext))
            .collect();
        for (name, ext) in exports {
            self.define(module, &name, ext)?;
        }
        Ok(self)
    }

    /// Defines the WASI preview1 functions (`wasi_snapshot_preview1.*`) for modules
    /// instantiated in `store`, with the capabilities in `ctx` (arguments, environment,
    /// preopened directories, standard streams). Returns the context, shared with the
    /// functions, e.g. to inspect it after a run. `proc_exit(code)` reaches the embedder
    /// as [`Trap::Exit`].
    ///
    /// ```
    /// use mote::wasi::{PosixHost, WasiCtxBuilder};
    /// use mote::{Linker, Module, Store, Trap};
    ///
    /// let wasm = wat::parse_str(r#"(module
    ///     (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    ///     (memory (export "memory") 1)
    ///     (func (export "_start") (call $exit (i32.const 3))))"#)?;
    /// let mut store = Store::new();
    /// let mut linker = Linker::new();
    /// let ctx = WasiCtxBuilder::new().arg("app").build(Box::new(PosixHost::new()))?;
    /// linker.add_wasi(&mut store, ctx);
    /// let instance = linker.instantiate(&mut store, &Module::new(&wasm)?)?;
    /// let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
    /// assert_eq!(start.call(&mut store, ()), Err(Trap::Exit(3)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "wasi")]
    pub fn add_wasi(
        &mut self,
        store: &mut Store,
        ctx: mote_core::wasi::WasiCtx,
    ) -> Rc<core::cell::RefCell<mote_core::wasi::WasiCtx>> {
        let mut wasi = mote_core::runtime::Linker::new();
        let ctx = mote_core::wasi::add_to_linker(&mut wasi, &mut store.inner, ctx);
        self.wasi.retain(|(id, _)| *id != store.id);
        self.wasi.push((store.id, wasi));
        ctx
    }

    #[cfg(feature = "wasi")]
    fn wasi_get(&self, store: u64, module: &str, name: &str) -> Option<CoreExtern> {
        let (_, linker) = self.wasi.iter().find(|(id, _)| *id == store)?;
        linker.get(module, name)
    }

    #[cfg(not(feature = "wasi"))]
    fn wasi_get(&self, _: u64, _: &str, _: &str) -> Option<CoreExtern> {
        None
    }

    fn has_wasi(&self, store: u64) -> bool {
        #[cfg(feature = "wasi")]
        {
            self.wasi.iter().any(|(id, _)| *id == store)
        }
        #[cfg(not(feature = "wasi"))]
        {
            let _ = store;
            false
        }
    }

    /// Instantiates `module` in `store`: resolves each import by `module.name` and
    /// checks its type, creates memories, tables and globals, runs the data and element
    /// initialisers and the start function.
    ///
    /// # Errors
    /// [`Error::Link`] for a missing or mistyped import (naming it),
    /// [`Error::Instantiation`] if an initialiser or the start function traps,
    /// [`Error::EngineMismatch`] if the store already runs the other engine.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{Error, Linker, Module, Store};
    ///
    /// let wasm = wat::parse_str(r#"(module (import "env" "tick" (func)))"#)?;
    /// let err = Linker::new().instantiate(&mut Store::new(), &Module::new(&wasm)?).unwrap_err();
    /// assert_eq!(err.to_string(), "unknown import: `env.tick` (function)");
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn instantiate(&self, store: &mut Store, module: &Module) -> Result<Instance, Error> {
        store.use_engine(module.engine)?;
        let id = store.id;
        let m = &module.inner;
        let mut imports = Vec::with_capacity(m.imports.len());
        for import in &m.imports {
            let def = self
                .defs
                .get(&import.module)
                .and_then(|names| names.get(&import.name));
            let ext = match def {
                Some(Definition::Host { ty, func }) => {
                    let want = match import.desc {
                        ImportDesc::Func(t) => m.types.get(t as usize),
                        _ => None,
                    };
                    if want != Some(ty) {
                        let want = match want {
                            Some(t) => format!("a function {t}"),
                            None => format!("a {}", import.desc.kind().name()),
                        };
                        return Err(Error::Link(format!(
                            "incompatible import type for `{}.{}`: the module expects {want}, \
                             the host function is {ty}",
                            import.module, import.name
                        )));
                    }
                    let func = func.clone();
                    let wrapper = move |cc: &mut CoreCaller<'_>, cells: &mut [Cell]| {
                        let caller = Caller {
                            store: &mut *cc.store,
                            instance: cc.instance,
                            id,
                        };
                        func(caller, cells)
                    };
                    CoreExtern::Func(store.inner.add_host_func(ty.clone(), Rc::new(wrapper)))
                }
                Some(Definition::Item { store: owner, ext }) => {
                    if *owner != id {
                        return Err(Error::Link(format!(
                            "`{}.{}` is an item of another store",
                            import.module, import.name
                        )));
                    }
                    *ext
                }
                None => match self.wasi_get(id, &import.module, &import.name) {
                    Some(ext) => ext,
                    None => {
                        let hint = if import.module == "wasi_snapshot_preview1"
                            && !self.has_wasi(id)
                        {
                            if cfg!(feature = "wasi") {
                                " (WASI is not defined for this store: see Linker::add_wasi)"
                            } else {
                                " (this build of mote has no WASI: WASI is not available without the `wasi` feature)"
                            }
                        } else {
                            ""
                        };
                        return Err(Error::Link(format!(
                            "unknown import: `{}.{}` ({}){hint}",
                            import.module,
                            import.name,
                            import.desc.kind().name()
                        )));
                    }
                },
            };
            imports.push(ext);
        }
        let (core, exec) = store.parts()?;
        let addr = core
            .instantiate(m.clone(), &imports, exec)
            .map_err(|e| match e {
                InstantiationError::Unlinkable(msg) => Error::Link(msg),
                InstantiationError::Trap(trap) => Error::Instantiation(trap),
            })?;
        Ok(Instance { store: id, addr })
    }
}
