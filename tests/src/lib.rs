//! mote-tests: tests that cover several crates. The spec-suite runner lives in [`spec`];
//! `tests/spec.rs` drives it from `cargo test`.

pub mod spec;
