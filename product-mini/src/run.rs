//! What `iwasm` does once the command line is parsed: load, instantiate, call, print.

use std::io::Write;

use mote_core::runtime::Extern;
use mote_core::{ExternKind, FuncAddr, Value};

use crate::args;
use crate::cli::Cli;
use crate::engine::{Engine, Instance, Options};
use crate::error::Error;
use crate::imports::Imports;

/// The export a command-style module is started through (WASI's convention).
const START_EXPORT: &str = "_start";

pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<(), Error> {
    let bytes = std::fs::read(cli.file()).map_err(|e| Error::Read(cli.file().to_path_buf(), e))?;
    let engine = Engine::detect(&bytes).ok_or_else(|| Error::NotWasm(cli.file().to_path_buf()))?;
    // `--interp` insists on the interpreter, which can only run WebAssembly (today that is
    // every file `detect` accepts; an AOT file will land here).
    if cli.interp && engine != Engine::Interp {
        return Err(Error::InterpNeedsWasm(cli.file().to_path_buf()));
    }
    let opts = Options {
        stack_size: cli.stack_size.map(|bytes| bytes as usize),
    };
    let imports = Imports::from_cli(cli)?;
    let mut inst = engine.instantiate(&bytes, opts, imports)?;
    match &cli.function {
        Some(name) => {
            let func = lookup_function(&inst, name)?;
            let results = call(&mut inst, name, func, cli.args())?;
            print_results(out, &results).map_err(Error::Output)
        }
        None => {
            // Instantiation already ran the start function; `_start` is optional.
            if let Some(Extern::Func(func)) = inst.store.export(inst.addr, START_EXPORT) {
                call(&mut inst, START_EXPORT, func, &[])?;
            }
            Ok(())
        }
    }
}

fn lookup_function(inst: &Instance, name: &str) -> Result<FuncAddr, Error> {
    match inst.store.export(inst.addr, name) {
        Some(Extern::Func(func)) => Ok(func),
        Some(other) => Err(Error::NotAFunction {
            name: name.to_string(),
            kind: other.kind().name(),
        }),
        None => Err(Error::FunctionNotFound {
            name: name.to_string(),
            available: inst
                .module
                .exports
                .iter()
                .filter(|e| e.kind == ExternKind::Func)
                .map(|e| e.name.clone())
                .collect(),
        }),
    }
}

/// Parses `texts` by the function's parameter types and calls it.
fn call(
    inst: &mut Instance,
    name: &str,
    func: FuncAddr,
    texts: &[String],
) -> Result<Vec<Value>, Error> {
    let ty = inst.store.func_type(func).clone();
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
            args::parse(text, param).map_err(|reason| Error::BadArg {
                position: i + 1,
                text: text.clone(),
                ty: param,
                reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(inst.store.invoke(inst.exec.as_mut(), func, &args)?)
}

/// WAMR's format: results comma-separated on one line; a function without results still
/// prints the (empty) line.
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
