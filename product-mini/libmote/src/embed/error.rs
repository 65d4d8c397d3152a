//! Errors of the embedding API.

use std::string::String;

use mote_core::module::ModuleError;
use mote_core::{ExternKind, FuncType, Trap};

use super::module::Engine;

/// Why loading, linking, instantiating, looking up or calling did not work.
///
/// Every variant's [`Display`](core::fmt::Display) is a complete one-line message meant for
/// people; match on the variant to react in code. A trap raised while running code is a
/// value too: [`Error::Trap`] from [`Func::call`](super::Func::call), or a plain [`Trap`]
/// from [`TypedFunc::call`](super::TypedFunc::call).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The bytes start with neither the WebAssembly magic (`\0asm`) nor the `.aot` magic.
    UnknownFormat,
    /// The module is malformed, invalid, or uses something this build leaves out
    /// (floats without the `float` feature, SIMD).
    Module(ModuleError),
    /// An `.aot` file that cannot be loaded here: wrong architecture, bad checksum,
    /// truncated, compiled for another helper ABI, ...
    Aot(String),
    /// The module needs an engine this build of mote does not have.
    EngineMissing {
        /// `"interpreter"` or `"AOT runtime"`.
        engine: &'static str,
        /// What to change, e.g. "built without the `interp` feature".
        reason: &'static str,
    },
    /// A store runs one engine; this module needs the other one.
    EngineMismatch {
        /// The engine of the store's earlier instances.
        store: Engine,
        /// The engine the module needs.
        module: Engine,
    },
    /// An import is missing, has the wrong type, or was defined in another store.
    Link(String),
    /// The linker already has a definition of this name.
    Duplicate {
        /// Import module name.
        module: String,
        /// Import field name.
        name: String,
    },
    /// A segment initialiser or the start function trapped while instantiating.
    Instantiation(Trap),
    /// The instance has no export of this name.
    ExportNotFound(String),
    /// The export exists but is another kind of item (a global asked for as a function,
    /// ...).
    ExportKind {
        /// The export's name.
        name: String,
        /// The kind that was asked for.
        expected: ExternKind,
        /// The export's actual kind.
        found: ExternKind,
    },
    /// A function's signature differs from the one the Rust types or the arguments imply.
    Signature {
        /// What the caller asked for, written as a function type.
        expected: FuncType,
        /// The function's actual type.
        found: FuncType,
    },
    /// A global is immutable, or the new value has the wrong type.
    Global(String),
    /// A handle (instance, function, memory, global) was used with a store it does not
    /// belong to.
    WrongStore,
    /// The called function trapped.
    Trap(Trap),
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::UnknownFormat => f.write_str(
                "not a WebAssembly module or an .aot file (the magic is neither \\0asm nor \\0mot)",
            ),
            Error::Module(e) => write!(f, "{e}"),
            Error::Aot(msg) => write!(f, "cannot load the .aot file: {msg}"),
            Error::EngineMissing { engine, reason } => {
                write!(f, "this build of mote has no {engine} ({reason})")
            }
            Error::EngineMismatch { store, module } => write!(
                f,
                "this store runs {store} modules and cannot hold an instance of a {module} \
                 module; use a separate Store"
            ),
            Error::Link(msg) => f.write_str(msg),
            Error::Duplicate { module, name } => {
                write!(f, "`{module}.{name}` is already defined in this linker")
            }
            Error::Instantiation(trap) => write!(f, "instantiation trapped: {trap}"),
            Error::ExportNotFound(name) => write!(f, "the instance has no export `{name}`"),
            Error::ExportKind {
                name,
                expected,
                found,
            } => write!(
                f,
                "export `{name}` is a {}, not a {}",
                found.name(),
                expected.name()
            ),
            Error::Signature { expected, found } => write!(
                f,
                "function type mismatch: the function is {found}, but {expected} was asked for"
            ),
            Error::Global(msg) => f.write_str(msg),
            Error::WrongStore => {
                f.write_str("a handle was used with a store it does not belong to")
            }
            Error::Trap(trap) => write!(f, "{trap}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Error {
        Error::Trap(trap)
    }
}

/// A linear-memory access outside the memory.
///
/// Converts into [`Trap::MemoryOutOfBounds`], so a host function can use `?` on
/// [`Memory::read`](super::Memory::read) and [`Memory::write`](super::Memory::write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryAccessError {
    /// First byte of the access.
    pub offset: usize,
    /// Bytes accessed.
    pub len: usize,
    /// The memory's size in bytes.
    pub size: usize,
}

impl core::fmt::Display for MemoryAccessError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "out of bounds memory access: {} byte(s) at offset {} in a memory of {} bytes",
            self.len, self.offset, self.size
        )
    }
}

impl std::error::Error for MemoryAccessError {}

impl From<MemoryAccessError> for Trap {
    fn from(_: MemoryAccessError) -> Trap {
        Trap::MemoryOutOfBounds
    }
}
