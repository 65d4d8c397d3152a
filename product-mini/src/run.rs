//! What `iwasm` does once the command line is parsed: load, instantiate, call, print.
//! Everything below the command line is the `mote` crate's embedding API.

use std::io::Write;

use mote::{Engine, Extern, ExternKind, Func, Instance, Linker, Module, Store, Value};

use crate::cli::Cli;
use crate::error::Error;
use crate::imports;

/// The export a command-style module is started through (WASI's convention).
const START_EXPORT: &str = "_start";

pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<(), Error> {
    let bytes = std::fs::read(cli.file()).map_err(|e| Error::Read(cli.file().to_path_buf(), e))?;
    let engine = Engine::detect(&bytes).ok_or_else(|| Error::NotWasm(cli.file().to_path_buf()))?;
    // `--interp` insists on the interpreter, which can only run WebAssembly.
    if cli.interp && engine != Engine::Interpreter {
        return Err(Error::InterpNeedsWasm(cli.file().to_path_buf()));
    }
    // One budget for both engines (the AOT engine's is also capped by the thread's
    // stack, which main sizes generously).
    let mut store = match cli.stack_size {
        Some(bytes) => Store::with_stack_size(bytes as usize),
        None => Store::new(),
    };
    #[cfg(feature = "limits")]
    set_limits(cli, &mut store)?;
    store.set_deterministic(cli.deterministic);
    let mut linker = Linker::new();
    imports::define(cli, &mut linker, &mut store)?;
    let module = Module::new(&bytes).map_err(|e| load_error(e, engine))?;
    // Runs the module's start function.
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(mote::Error::Instantiation(trap)) => return Err(traced(&store, trap)),
        Err(e) => return Err(Error::Instantiate(e)),
    };
    let outcome = match &cli.function {
        Some(name) => {
            let func = lookup_function(&store, &module, instance, name)?;
            call(&mut store, name, func, cli.args())
                .and_then(|results| print_results(out, &results).map_err(Error::Output))
        }
        None => {
            // `_start` is optional.
            match instance.get_func(&store, START_EXPORT) {
                Some(func) => call(&mut store, START_EXPORT, func, &[]).map(|_| ()),
                None => Ok(()),
            }
        }
    };
    match outcome {
        Err(Error::Trap(trap, None)) => Err(traced(&store, trap)),
        other => other,
    }
}

/// The trap with the Wasm call stack the engine recorded for it.
#[cfg(feature = "backtrace")]
fn traced(store: &Store, trap: mote::Trap) -> Error {
    Error::Trap(trap, store.trap_backtrace().cloned())
}

#[cfg(not(feature = "backtrace"))]
fn traced(_: &Store, trap: mote::Trap) -> Error {
    Error::Trap(trap, None)
}

/// `--fuel` and `--timeout`. A timer thread sets the interrupt flag; if the guest
/// finishes first, the process ends and takes the sleeping thread with it.
#[cfg(feature = "limits")]
fn set_limits(cli: &Cli, store: &mut Store) -> Result<(), Error> {
    if let Some(fuel) = cli.fuel {
        store.set_fuel(fuel);
    }
    if let Some(ms) = cli.timeout {
        let handle = store.interrupt_handle();
        std::thread::Builder::new()
            .name("iwasm-timeout".into())
            .spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                handle.interrupt();
            })
            .map_err(Error::Timer)?;
    }
    Ok(())
}

/// A file whose engine this build left out names iwasm's feature that brings it.
fn load_error(e: mote::Error, engine: Engine) -> Error {
    match e {
        mote::Error::EngineMissing { engine: what, .. } => Error::EngineMissing {
            engine: what,
            feature: match engine {
                Engine::Interpreter => "interp",
                Engine::Aot => "aot",
            },
        },
        other => Error::Load(other),
    }
}

fn lookup_function(
    store: &Store,
    module: &Module,
    instance: Instance,
    name: &str,
) -> Result<Func, Error> {
    match instance.get_export(store, name) {
        Some(Extern::Func(func)) => Ok(func),
        Some(other) => Err(Error::NotAFunction {
            name: name.to_string(),
            kind: other.kind().name(),
        }),
        None => Err(Error::FunctionNotFound {
            name: name.to_string(),
            available: module
                .exports()
                .filter(|(_, kind)| *kind == ExternKind::Func)
                .map(|(name, _)| name.to_string())
                .collect(),
        }),
    }
}

/// Parses `texts` by the function's parameter types and calls it.
fn call(store: &mut Store, name: &str, func: Func, texts: &[String]) -> Result<Vec<Value>, Error> {
    let ty = func.ty(store);
    if texts.len() != ty.params.len() {
        return Err(Error::ArgCount {
            name: name.to_string(),
            ty,
            given: texts.len(),
        });
    }
    let args = texts
        .iter()
        .zip(ty.params.iter())
        .enumerate()
        .map(|(i, (text, &param))| {
            mote::parse_value(text, param).map_err(|reason| Error::BadArg {
                position: i + 1,
                text: text.clone(),
                ty: param,
                reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Value> = ty.results.iter().map(|&t| Value::default_for(t)).collect();
    func.call(store, &args, &mut results)?;
    Ok(results)
}

/// WAMR's format (`Value`'s `Display`): results comma-separated on one line; a function
/// without results still prints the (empty) line.
fn print_results(out: &mut dyn Write, results: &[Value]) -> std::io::Result<()> {
    for (i, value) in results.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "{value}")?;
    }
    out.write_all(b"\n")?;
    out.flush()
}
