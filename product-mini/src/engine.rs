//! Picks the engine by the file's magic, as WAMR does, and gives every engine the same
//! face: a store, an instance in it and an executor to call into it.
//!
//! `\0asm` files run on the interpreter, `.aot` files (magic `\0mot`) on the AOT runtime
//! (`mote::aot`); `run` is the same for both.

//!
//! Each engine is a cargo feature (`interp`, `aot`); a file whose engine was left out of
//! the build is refused with `Error::EngineMissing`.

use std::sync::Arc;

#[cfg(feature = "aot")]
use mote::aot::{load_module, AotError, AotExecutor};
#[cfg(feature = "aot")]
use mote_core::module::{ModuleError, ModuleErrorKind};
#[cfg(any(feature = "interp", feature = "aot"))]
use mote_core::runtime::Linker;
use mote_core::runtime::{Executor, InstanceAddr, Store};
use mote_core::Module;
#[cfg(feature = "interp")]
use mote_interp::Interpreter;

use crate::error::Error;
use crate::imports::Imports;

const WASM_MAGIC: &[u8; 4] = b"\0asm";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Interp,
    /// An `.aot` file (`mote_core::aot::format::MAGIC4`), run by the AOT runtime.
    Aot,
}

/// Settings that shape an engine's runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Bytes of engine stack; `None` takes the engine's default.
    #[cfg_attr(not(feature = "interp"), allow(dead_code))]
    pub stack_size: Option<usize>,
}

/// An instantiated module, ready for calls.
pub struct Instance {
    pub store: Store,
    pub addr: InstanceAddr,
    pub module: Arc<Module>,
    pub exec: Box<dyn Executor>,
}

impl Engine {
    /// The engine for a file, or `None` if it is neither WebAssembly nor AOT.
    pub fn detect(bytes: &[u8]) -> Option<Engine> {
        match bytes.get(..4) {
            Some(magic) if magic == WASM_MAGIC => Some(Engine::Interp),
            Some(magic) if magic == mote_core::aot::format::MAGIC4 => Some(Engine::Aot),
            _ => None,
        }
    }

    /// Loads, links and instantiates `bytes`, which runs the module's start function.
    pub fn instantiate(
        self,
        bytes: &[u8],
        opts: Options,
        imports: Imports,
    ) -> Result<Instance, Error> {
        match self {
            #[cfg(not(feature = "interp"))]
            Engine::Interp => {
                let _ = (bytes, opts, imports);
                Err(Error::EngineMissing("interpreter", "interp"))
            }
            #[cfg(not(feature = "aot"))]
            Engine::Aot => {
                let _ = (bytes, opts, imports);
                Err(Error::EngineMissing("AOT runtime", "aot"))
            }
            #[cfg(feature = "interp")]
            Engine::Interp => {
                let module = Arc::new(Module::new(bytes).map_err(Error::Load)?);
                let exec = Box::new(match opts.stack_size {
                    Some(bytes) => Interpreter::with_stack_size(bytes),
                    None => Interpreter::new(),
                });
                link(module, exec, imports)
            }
            #[cfg(feature = "aot")]
            Engine::Aot => {
                // The AOT engine runs on the native stack (its limit comes from the
                // thread's stack), so `stack_size` does not apply.
                let module = load_module(bytes).map_err(aot_load_error)?;
                link(module, Box::new(AotExecutor::new()), imports)
            }
        }
    }
}

/// Defines the host's imports in a fresh store and instantiates `module` with `exec`.
#[cfg(any(feature = "interp", feature = "aot"))]
fn link(
    module: Arc<Module>,
    mut exec: Box<dyn Executor>,
    imports: Imports,
) -> Result<Instance, Error> {
    let mut store = Store::new();
    let mut linker = Linker::new();
    imports.define(&mut linker, &mut store);
    let addr = linker
        .instantiate(&mut store, module.clone(), exec.as_mut())
        .map_err(Error::Instantiate)?;
    Ok(Instance {
        store,
        addr,
        module,
        exec,
    })
}

/// An `.aot` file that cannot be loaded reads like a module that cannot be loaded.
#[cfg(feature = "aot")]
fn aot_load_error(e: AotError) -> Error {
    match e {
        AotError::Module(e) => Error::Load(e),
        other => Error::Load(ModuleError {
            kind: match other {
                AotError::Load(mote::bare::LoadError::WrongArch { .. })
                | AotError::Load(mote::bare::LoadError::BoundsMode) => ModuleErrorKind::Unsupported,
                _ => ModuleErrorKind::Invalid,
            },
            message: format!("AOT file: {other}"),
            func_index: None,
            offset: None,
        }),
    }
}
