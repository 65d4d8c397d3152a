//! Differential execution fuzzing of mote, and hostile-input checks.
//!
//! Modules come from `wasm-smith` ([`generate`]) with a seeded generator ([`rng`]); each
//! runs on wasmi (the reference, [`wasmi_engine`]) and on mote's interpreter, AOT with
//! explicit bounds checks and AOT with guard pages ([`mote_engine`]). The driver
//! ([`driver`]) calls every export with edge and random arguments and compares results,
//! traps, exported globals, memories and tables after each call ([`compare`]). A
//! difference is reduced ([`reduce`]) and saved by the campaign ([`campaign`]).

pub mod args;
pub mod campaign;
pub mod compare;
pub mod driver;
pub mod engine;
pub mod generate;
pub mod host;
pub mod module_info;
pub mod mote_engine;
pub mod reduce;
pub mod rng;
pub mod wasm_edit;
pub mod wasmi_engine;
