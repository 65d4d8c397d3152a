//! mote-core: the parts both engines share — values, types, traps, the validated module
//! model, runtime objects and the host-call ABI.
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod aot;
pub mod backtrace;
#[cfg(feature = "alloc")]
pub mod fuel;
#[cfg(feature = "alloc")]
pub mod leb;
pub mod trap;
pub mod types;
pub mod value;

#[cfg(feature = "alloc")]
pub mod module;
pub mod nan;
#[cfg(feature = "alloc")]
pub mod operators;
pub mod runtime;
#[cfg(feature = "alloc")]
pub mod validate;
#[cfg(feature = "wasi")]
pub mod wasi;

pub use trap::Trap;
#[cfg(feature = "alloc")]
pub use types::FuncType;
pub use types::{ExternKind, GlobalType, Limits, MemoryType, TableType, ValType};
pub use value::{Cell, FuncAddr, Value};

#[cfg(feature = "alloc")]
pub use module::{Module, ModuleError};
