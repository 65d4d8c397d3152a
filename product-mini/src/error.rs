//! Everything that can stop `iwasm`, with the message and exit status for each.

use std::fmt;
use std::io;
use std::path::PathBuf;

use mote_core::runtime::{InstantiationError, InvokeError};
use mote_core::{FuncType, ModuleError, Trap, ValType};

/// Exit status for a module that cannot be loaded, linked or run, and for traps.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug)]
pub enum Error {
    Read(PathBuf, io::Error),
    /// Neither `\0asm` nor an AOT magic.
    NotWasm(PathBuf),
    /// `--interp` with a file that is not WebAssembly.
    InterpNeedsWasm(PathBuf),
    Load(ModuleError),
    Instantiate(InstantiationError),
    Trap(Trap),
    FunctionNotFound {
        name: String,
        available: Vec<String>,
    },
    NotAFunction {
        name: String,
        kind: &'static str,
    },
    ArgCount {
        name: String,
        ty: FuncType,
        given: usize,
    },
    BadArg {
        /// 1-based, as a person counts.
        position: usize,
        text: String,
        ty: ValType,
        reason: &'static str,
    },
    /// The engine refused the call itself (not a trap).
    Call(String),
    /// The file needs an engine this iwasm was built without: (what, cargo feature).
    #[cfg(not(all(feature = "interp", feature = "aot")))]
    EngineMissing(&'static str, &'static str),
    /// Writing results failed (a closed pipe, a full disk).
    Output(io::Error),
    /// A directory granted with `--dir`/`--map-dir` cannot be opened.
    #[cfg(feature = "wasi")]
    Preopen(mote_core::wasi::PreopenError),
}

impl Error {
    /// The trap, if this error is one, wherever it surfaced.
    fn trap(&self) -> Option<Trap> {
        match self {
            Error::Trap(trap) | Error::Instantiate(InstantiationError::Trap(trap)) => Some(*trap),
            _ => None,
        }
    }

    /// The process exit status. A guest's `proc_exit(code)` (`Trap::Exit`) is not a
    /// failure: its code becomes ours, truncated to 8 bits as the OS would.
    pub fn exit_code(&self) -> u8 {
        match self.trap() {
            Some(Trap::Exit(code)) => code as u8,
            _ => EXIT_FAILURE,
        }
    }

    /// Whether the error is worth a message; an exit request is not.
    pub fn is_silent(&self) -> bool {
        matches!(self.trap(), Some(Trap::Exit(_)))
    }
}

impl From<InvokeError> for Error {
    fn from(e: InvokeError) -> Error {
        match e {
            InvokeError::Trap(trap) => Error::Trap(trap),
            // `run` checks arguments against the signature first, so this means the two
            // disagree; still report it rather than panic.
            InvokeError::Signature(msg) => Error::Call(msg),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // WAMR's wording, so scripts written for it keep working.
            Error::Trap(trap) | Error::Instantiate(InstantiationError::Trap(trap)) => {
                write!(f, "Exception: {trap}")
            }
            Error::Read(path, e) => write!(f, "iwasm: cannot read {}: {e}", path.display()),
            Error::NotWasm(path) => write!(
                f,
                "iwasm: {}: not a WebAssembly or AOT file",
                path.display()
            ),
            Error::InterpNeedsWasm(path) => write!(
                f,
                "iwasm: {}: --interp runs WebAssembly (.wasm) files only",
                path.display()
            ),
            Error::Load(e) => write!(f, "iwasm: WASM module load failed: {e}"),
            Error::Instantiate(e) => write!(f, "iwasm: WASM module instantiate failed: {e}"),
            Error::FunctionNotFound { name, available } => {
                write!(f, "iwasm: function `{name}` not found")?;
                if available.is_empty() {
                    write!(f, " (the module exports no functions)")
                } else {
                    write!(f, " (exported functions: {})", available.join(", "))
                }
            }
            Error::NotAFunction { name, kind } => {
                write!(f, "iwasm: export `{name}` is a {kind}, not a function")
            }
            Error::ArgCount { name, ty, given } => {
                let want = ty.params.len();
                let s = if want == 1 { "" } else { "s" };
                write!(
                    f,
                    "iwasm: function `{name}` {ty} takes {want} argument{s} but {given} {} given",
                    if *given == 1 { "was" } else { "were" }
                )
            }
            Error::BadArg {
                position,
                text,
                ty,
                reason,
            } => write!(
                f,
                "iwasm: invalid argument {position} `{text}` for a {ty} parameter: {reason}"
            ),
            Error::Call(msg) => write!(f, "iwasm: cannot call the function: {msg}"),
            #[cfg(not(all(feature = "interp", feature = "aot")))]
            Error::EngineMissing(what, feature) => write!(
                f,
                "iwasm: this iwasm was built without the {what} (cargo feature `{feature}`)"
            ),
            Error::Output(e) => write!(f, "iwasm: cannot write results: {e}"),
            #[cfg(feature = "wasi")]
            Error::Preopen(e) => write!(f, "iwasm: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_requests_pass_their_code_through_silently() {
        let exit = Error::Trap(Trap::Exit(3));
        assert_eq!((exit.exit_code(), exit.is_silent()), (3, true));
        let in_start = Error::Instantiate(InstantiationError::Trap(Trap::Exit(256 + 7)));
        assert_eq!((in_start.exit_code(), in_start.is_silent()), (7, true));
    }

    #[test]
    fn traps_fail_with_wamr_wording() {
        let trap = Error::Trap(Trap::IntegerDivideByZero);
        assert_eq!((trap.exit_code(), trap.is_silent()), (EXIT_FAILURE, false));
        assert_eq!(trap.to_string(), "Exception: integer divide by zero");
        let in_start = Error::Instantiate(InstantiationError::Trap(Trap::Unreachable));
        assert_eq!(in_start.to_string(), "Exception: unreachable");
    }
}
