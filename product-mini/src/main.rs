//! `iwasm`: runs a WebAssembly module from the command line, like WAMR's `iwasm`.
//!
//! Exit status: 0 on success; 1 when the file cannot be read, is not WebAssembly, fails to
//! validate, link or instantiate, traps, or `-f` cannot be called as asked (and for an
//! internal error); 2 for a command-line usage error (clap's). A guest that exits with a
//! code (WASI `proc_exit`) exits `iwasm` with that code.
//!
//! iwasm is a thin client of the `mote` crate: engine choice, linking, WASI and calls are
//! mote's embedding API; this crate is the command line, messages and exit codes.

mod cli;
mod error;
mod imports;
mod run;

use std::process::ExitCode;

use crate::error::EXIT_FAILURE;

/// Native stack of the thread the engine runs on. Generous, so that deep guest recursion
/// is stopped by the engine's own limit ("call stack exhausted"), never by overflowing
/// the native stack, which would kill the process.
const ENGINE_THREAD_STACK: usize = 64 << 20;

fn main() -> ExitCode {
    let cli = cli::Cli::parse_args();
    // Last line of defence: a bug in mote must still end in one line of error, not a
    // backtrace. Panics are never the way errors travel, so this should never print.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("iwasm: internal error: {info}");
    }));
    let engine = std::thread::Builder::new()
        .name("iwasm-engine".into())
        .stack_size(ENGINE_THREAD_STACK)
        .spawn(move || run::run(&cli, &mut std::io::stdout().lock()));
    let outcome = match engine {
        Ok(handle) => match handle.join() {
            Ok(outcome) => outcome,
            // The panic hook has already said what happened.
            Err(_) => return ExitCode::from(EXIT_FAILURE),
        },
        Err(e) => {
            eprintln!("iwasm: cannot start the engine thread: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_silent() {
                eprintln!("{e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
