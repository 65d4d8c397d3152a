//! Modules: loaded, validated code, ready to be instantiated any number of times.

use std::sync::Arc;

use mote_core::ExternKind;

use super::error::Error;

const WASM_MAGIC: [u8; 4] = *b"\0asm";

/// Which engine runs a module's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// The register-bytecode interpreter (`.wasm` files).
    Interpreter,
    /// Native code compiled ahead of time by `aotc` (`.aot` files).
    Aot,
}

impl Engine {
    /// The engine a file needs, from its first four bytes: WebAssembly binaries
    /// (`\0asm`) run on the interpreter, `.aot` files (`\0mot`, made by `aotc`) on the AOT
    /// runtime; `None` for anything else. Nothing beyond the magic is checked, and the
    /// answer does not depend on which engines this build has, so a program can tell
    /// "wrong kind of file" from "right file, engine compiled out" before
    /// [`Module::new`] validates it.
    ///
    /// ```
    /// use mote::Engine;
    ///
    /// assert_eq!(Engine::detect(b"\0asm\x01\0\0\0"), Some(Engine::Interpreter));
    /// assert_eq!(Engine::detect(b"\0mot"), Some(Engine::Aot));
    /// assert_eq!(Engine::detect(b"(module)"), None);
    /// assert_eq!(Engine::detect(b"\0as"), None);
    /// ```
    pub fn detect(bytes: &[u8]) -> Option<Engine> {
        match bytes.get(..4) {
            Some(magic) if magic == WASM_MAGIC => Some(Engine::Interpreter),
            Some(magic) if magic == mote_core::aot::format::MAGIC4 => Some(Engine::Aot),
            _ => None,
        }
    }
}

impl core::fmt::Display for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Engine::Interpreter => "interpreter",
            Engine::Aot => "AOT",
        })
    }
}

/// A loaded and fully validated module.
///
/// Cheap to clone (the code is shared), and independent of any [`Store`](super::Store):
/// the same module can be instantiated in many stores.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<mote_core::Module>,
    pub(crate) engine: Engine,
}

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Module")
            .field("engine", &self.engine)
            .field("imports", &self.inner.imports.len())
            .field("exports", &self.inner.exports.len())
            .finish()
    }
}

impl Module {
    /// Loads a module, choosing the engine by the file's magic: WebAssembly binaries
    /// (`\0asm`) run on the interpreter, `.aot` files (`\0mot`, made by `aotc`) on the AOT
    /// runtime.
    ///
    /// Everything is checked here: a `.wasm` file is parsed and validated in full, an
    /// `.aot` file's header, checksum, architecture and relocations are verified and its
    /// code is mapped. Bad bytes give an error, never a panic.
    ///
    /// # Errors
    /// - [`Error::UnknownFormat`] for bytes that are neither,
    /// - [`Error::Module`] for a malformed or invalid module,
    /// - [`Error::Aot`] for an `.aot` file that cannot run here,
    /// - [`Error::EngineMissing`] when the engine the file needs was compiled out (the
    ///   `interp` feature, or `aot` with `std` on Linux).
    ///
    /// # Examples
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{Engine, Error, Module};
    ///
    /// let module = Module::new(&wat::parse_str("(module (func (export \"f\")))")?)?;
    /// assert_eq!(module.engine(), Engine::Interpreter);
    ///
    /// assert_eq!(Module::new(b"hello").unwrap_err(), Error::UnknownFormat);
    /// // A WebAssembly header with a truncated section after it:
    /// let err = Module::new(b"\0asm\x01\0\0\0\x01\x05").unwrap_err();
    /// assert!(matches!(err, Error::Module(_)));
    /// assert!(err.to_string().starts_with("invalid module"), "{err}");
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(bytes: &[u8]) -> Result<Module, Error> {
        match Engine::detect(bytes) {
            Some(Engine::Interpreter) => Module::from_wasm(bytes),
            Some(Engine::Aot) => Module::from_aot(bytes),
            None => Err(Error::UnknownFormat),
        }
    }

    #[cfg(feature = "interp")]
    fn from_wasm(bytes: &[u8]) -> Result<Module, Error> {
        let inner = mote_core::Module::new(bytes).map_err(Error::Module)?;
        Ok(Module {
            inner: Arc::new(inner),
            engine: Engine::Interpreter,
        })
    }

    #[cfg(not(feature = "interp"))]
    fn from_wasm(_: &[u8]) -> Result<Module, Error> {
        Err(Error::EngineMissing {
            engine: "interpreter",
            reason: "built without the `interp` feature",
        })
    }

    #[cfg(all(feature = "aot", target_os = "linux"))]
    fn from_aot(bytes: &[u8]) -> Result<Module, Error> {
        use crate::aot::{load_module, AotError};
        use std::string::ToString;
        let inner = load_module(bytes).map_err(|e| match e {
            AotError::Module(e) => Error::Module(e),
            other => Error::Aot(other.to_string()),
        })?;
        Ok(Module {
            inner,
            engine: Engine::Aot,
        })
    }

    #[cfg(not(all(feature = "aot", target_os = "linux")))]
    fn from_aot(_: &[u8]) -> Result<Module, Error> {
        Err(Error::EngineMissing {
            engine: "AOT runtime",
            reason: if cfg!(feature = "aot") {
                "the hosted AOT engine needs Linux; use `mote::bare` elsewhere"
            } else {
                "built without the `aot` feature"
            },
        })
    }

    /// The engine that runs this module.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The module's imports as `(module, name, kind)`, in the order the module declares
    /// them.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, ExternKind)> + '_ {
        self.inner
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str(), i.desc.kind()))
    }

    /// The module's exports as `(name, kind)`.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// # use mote::{ExternKind, Module};
    /// let wasm = wat::parse_str(r#"(module (memory (export "mem") 1) (func (export "run")))"#)?;
    /// let module = Module::new(&wasm)?;
    /// let exports: Vec<_> = module.exports().collect();
    /// assert_eq!(exports, [("mem", ExternKind::Memory), ("run", ExternKind::Func)]);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternKind)> + '_ {
        self.inner.exports.iter().map(|e| (e.name.as_str(), e.kind))
    }
}
