//! Running compiled modules: on mote's hosted AOT runtime (the `.aot` file is written,
//! loaded and relocated as `iwasm` would), with the interpreter as the reference.
#![allow(dead_code)]

use std::rc::Rc;
use std::sync::Arc;

use mote::aot::{prepare, AotExecutor};
use mote_aotc::{compile, Options};
use mote_core::aot::format::write;
use mote_core::aot::object::BoundsChecks;
use mote_core::aot::reloc::Arch;
use mote_core::runtime::{Extern, InvokeError, Linker, Store};
use mote_core::{FuncType, Module, ValType, Value};
use mote_interp::Interpreter;

pub fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("wat")
}

/// One interpreter instance (the reference).
pub struct Interp {
    store: Store,
    exec: Interpreter,
    inst: mote_core::runtime::InstanceAddr,
}

impl Interp {
    pub fn new(wasm: &[u8]) -> Interp {
        let mut store = Store::new();
        let mut exec = Interpreter::new();
        let m = Arc::new(Module::new(wasm).unwrap());
        let inst = Linker::new().instantiate(&mut store, m, &mut exec).unwrap();
        Interp { store, exec, inst }
    }

    /// Runs `name`; `Ok(values)` or `Err(trap message)`.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
        let Some(Extern::Func(f)) = self.store.export(self.inst, name) else {
            panic!("no export {name}")
        };
        self.store
            .invoke(&mut self.exec, f, args)
            .map_err(|e| match e {
                InvokeError::Trap(t) => t.message().to_string(),
                other => other.to_string(),
            })
    }
}

/// One AOT instance on mote's hosted AOT runtime, with `env.inc` (i32 -> i32, adds one,
/// counted in `import_calls`) for modules that import it.
pub struct Instance {
    store: Store,
    exec: AotExecutor,
    inst: mote_core::runtime::InstanceAddr,
    calls: Rc<std::cell::Cell<u32>>,
    pub import_calls: u32,
}

impl Instance {
    pub fn new(wasm: &[u8], opts: &Options) -> Box<Instance> {
        let module = Module::new(wasm).unwrap();
        let obj = compile(&module, wasm, opts).unwrap_or_else(|e| panic!("compile: {e}"));
        assert_eq!(obj.arch, Arch::X86_64);
        prepare(&module, &write(&obj)).expect("the .aot file loads");
        let mut store = Store::new();
        let mut exec = AotExecutor::new();
        let mut linker = Linker::new();
        let calls = Rc::new(std::cell::Cell::new(0));
        let counter = calls.clone();
        let ty = FuncType::new([ValType::I32], [ValType::I32]);
        linker.func(&mut store, "env", "inc", ty, move |_, cells| {
            counter.set(counter.get() + 1);
            cells[0] = u64::from((cells[0] as u32).wrapping_add(1));
            Ok(())
        });
        let inst = linker
            .instantiate(&mut store, Arc::new(module), &mut exec)
            .unwrap_or_else(|e| panic!("instantiate: {e}"));
        Box::new(Instance {
            store,
            exec,
            inst,
            calls,
            import_calls: 0,
        })
    }

    /// Calls export `name`; traps come back as their message.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
        let Some(Extern::Func(f)) = self.store.export(self.inst, name) else {
            panic!("no export {name}")
        };
        let result = self
            .store
            .invoke(&mut self.exec, f, args)
            .map_err(|e| match e {
                InvokeError::Trap(t) => t.message().to_string(),
                other => other.to_string(),
            });
        self.import_calls = self.calls.get();
        result
    }
}

/// Options for the native tests: x86_64, explicit checks (the test runtime has no guard
/// reservation), `-O3`.
pub fn x86_opts(native_rounding: bool) -> Options {
    let mut o = Options::new(Arch::X86_64);
    o.bounds_checks = BoundsChecks::Explicit;
    if native_rounding {
        o.cpu_features = Some("+sse4.1".into());
    }
    o
}

/// Values equal, with any NaN equal to any NaN of the same type.
pub fn same(a: &Result<Vec<Value>, String>, b: &Result<Vec<Value>, String>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).all(|(p, q)| match (p, q) {
                    (Value::F32(p), Value::F32(q)) => {
                        p == q || (f32::from_bits(*p).is_nan() && f32::from_bits(*q).is_nan())
                    }
                    (Value::F64(p), Value::F64(q)) => {
                        p == q || (f64::from_bits(*p).is_nan() && f64::from_bits(*q).is_nan())
                    }
                    _ => p == q,
                })
        }
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

pub fn args_for(params: &[ValType], seed: &[u64]) -> Vec<Value> {
    params
        .iter()
        .zip(seed)
        .map(|(t, c)| Value::from_cell(*t, *c))
        .collect()
}
