//! The official spec-suite runner: executes every top-level `.wast` script of the
//! WebAssembly test suite on each engine and counts passed and failed directives.
//!
//! - [`suite`]: finding the scripts, running them on worker threads, the report.
//! - [`script`]: one script's directives, in order, with its own store and linker.
//! - [`values`]: arguments, expected-result patterns (NaN classes, references), messages.
//! - [`spectest`]: the `spectest` host module.
//! - [`panics`], [`watchdog`]: keeping one engine bug from stopping or hiding the run.

mod panics;
mod script;
mod spectest;
mod suite;
mod values;
mod watchdog;

pub use script::{run_script, Failure, ScriptOutcome};
pub use suite::{run_all, run_engine, Config, EngineReport, FileReport};

use mote_core::runtime::Executor;

/// An engine the suite runs on. Adding one (the AOT runtime, say) is one more entry in
/// [`ENGINES`].
#[derive(Clone, Copy)]
pub struct Engine {
    pub name: &'static str,
    /// A fresh executor; each script gets its own.
    pub new_executor: fn() -> Box<dyn Executor>,
}

pub const INTERP: Engine = Engine {
    name: "interp",
    new_executor: || Box::new(mote_interp::Interpreter::new()),
};

/// Every engine the suite runs on, in report order.
pub const ENGINES: &[Engine] = &[INTERP];
