//! Everything that can stop `iwasm`, with the message and exit status for each.

use std::fmt;
use std::io;
use std::path::PathBuf;

use mote::{FuncType, ParseValueError, Trap, ValType};

/// The Wasm call stack iwasm prints after a trap (nothing without the `backtrace`
/// feature).
#[cfg(feature = "backtrace")]
pub type Backtrace = mote::Backtrace;
#[cfg(not(feature = "backtrace"))]
pub type Backtrace = core::convert::Infallible;

/// Exit status for a module that cannot be loaded, linked or run, and for traps.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug)]
pub enum Error {
    Read(PathBuf, io::Error),
    /// Neither `\0asm` nor an AOT magic.
    NotWasm(PathBuf),
    /// `--interp` with a file that is not WebAssembly.
    InterpNeedsWasm(PathBuf),
    /// The file needs an engine this iwasm was built without.
    EngineMissing {
        /// What is missing, in mote's words ("interpreter", "AOT runtime").
        engine: &'static str,
        /// iwasm's cargo feature that brings it.
        feature: &'static str,
    },
    /// `mote::Module::new` refused the file.
    Load(mote::Error),
    /// Linking or instantiating failed, or the start function trapped.
    Instantiate(mote::Error),
    /// A call or the start function trapped; the Wasm call stack when the engine
    /// recorded one (printed after the trap, wasmtime-style).
    Trap(Trap, Option<Backtrace>),
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
        reason: ParseValueError,
    },
    /// The engine refused the call itself (not a trap).
    Call(mote::Error),
    /// Writing results failed (a closed pipe, a full disk).
    Output(io::Error),
    /// The `--timeout` timer thread could not start.
    #[cfg(feature = "limits")]
    Timer(io::Error),
    /// A directory granted with `--dir`/`--map-dir` cannot be opened.
    #[cfg(feature = "wasi")]
    Preopen(mote::wasi::PreopenError),
}

impl Error {
    /// The trap, if this error is one, wherever it surfaced.
    fn trap(&self) -> Option<Trap> {
        match self {
            Error::Trap(trap, _) | Error::Instantiate(mote::Error::Instantiation(trap)) => {
                Some(*trap)
            }
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

impl From<mote::Error> for Error {
    /// An error of `Func::call`: the function trapped, or refused the arguments (`run`
    /// checks them against the signature first, so then the two disagree; still report
    /// it rather than panic).
    fn from(e: mote::Error) -> Error {
        match e {
            mote::Error::Trap(trap) => Error::Trap(trap, None),
            other => Error::Call(other),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // WAMR's wording, so scripts written for it keep working.
            Error::Trap(trap, backtrace) => {
                write!(f, "Exception: {trap}")?;
                match backtrace {
                    // The block ends in a newline; the caller adds the last one.
                    #[cfg(feature = "backtrace")]
                    Some(trace) => write!(f, "\n{}", trace.to_string().trim_end()),
                    #[cfg(not(feature = "backtrace"))]
                    Some(never) => match *never {},
                    None => Ok(()),
                }
            }
            Error::Instantiate(mote::Error::Instantiation(trap)) => {
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
            Error::EngineMissing { engine, feature } => write!(
                f,
                "iwasm: this iwasm was built without the {engine} (cargo feature `{feature}`)"
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
            Error::Call(e) => write!(f, "iwasm: cannot call the function: {e}"),
            Error::Output(e) => write!(f, "iwasm: cannot write results: {e}"),
            #[cfg(feature = "limits")]
            Error::Timer(e) => write!(f, "iwasm: cannot start the --timeout timer: {e}"),
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
        let exit = Error::Trap(Trap::Exit(3), None);
        assert_eq!((exit.exit_code(), exit.is_silent()), (3, true));
        let in_start = Error::Instantiate(mote::Error::Instantiation(Trap::Exit(256 + 7)));
        assert_eq!((in_start.exit_code(), in_start.is_silent()), (7, true));
    }

    #[test]
    fn traps_fail_with_wamr_wording() {
        let trap = Error::from(mote::Error::Trap(Trap::IntegerDivideByZero));
        assert_eq!((trap.exit_code(), trap.is_silent()), (EXIT_FAILURE, false));
        assert_eq!(trap.to_string(), "Exception: integer divide by zero");
        let in_start = Error::Instantiate(mote::Error::Instantiation(Trap::Unreachable));
        assert_eq!(in_start.to_string(), "Exception: unreachable");
        let link = Error::Instantiate(mote::Error::Link("unknown import: `env.f`".into()));
        assert_eq!(
            (link.exit_code(), link.to_string().as_str()),
            (
                EXIT_FAILURE,
                "iwasm: WASM module instantiate failed: unknown import: `env.f`"
            )
        );
    }
}
