//! mote-interp: translates Wasm stack code into register bytecode and runs it.
//!
//! Translation happens lazily, once per function, on its first call; the module was
//! fully validated when it was loaded.
//!
//! Without the `std` feature the crate is `no_std` and needs only `alloc`: firmware links
//! it with its own global allocator.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(any(feature = "multi-memory", feature = "memory64"))]
mod access;
#[cfg(feature = "backtrace")]
mod backtrace;
pub mod code;
mod dispatch;
mod exec;
mod numeric;
mod ops;
pub mod translate;

use alloc::vec::Vec;

use mote_core::module::Module;
use mote_core::runtime::{Executor, Store};
use mote_core::{Cell, FuncAddr, Trap};

pub use exec::compiled;

/// Whether this build runs the threaded backend (optimised builds on x86_64 and aarch64,
/// where handler-to-handler calls become jumps) or the portable `loop`/`match` one.
pub const THREADED: bool = cfg!(threaded);

/// Default interpreter stack: 1 MiB of value cells.
pub const DEFAULT_STACK_SIZE: usize = 1024 * 1024;

/// The interpreter. Implements the shared `Executor`, so instantiation, the spec runner
/// and the CLI drive it like any engine.
pub struct Interpreter {
    /// Allocated on the first call, so that creating an interpreter is cheap and an
    /// oversized stack is an error rather than an abort.
    stack: Vec<Cell>,
    stack_cells: usize,
    max_frames: usize,
}

impl Interpreter {
    pub fn new() -> Interpreter {
        Interpreter::with_stack_size(DEFAULT_STACK_SIZE)
    }

    /// `bytes` bounds the interpreter's value stack; deeper recursion traps with
    /// "call stack exhausted".
    pub fn with_stack_size(bytes: usize) -> Interpreter {
        let cells = (bytes / core::mem::size_of::<Cell>()).max(16);
        Interpreter {
            stack: Vec::new(),
            stack_cells: cells,
            // Every frame holds at least one cell, so this bound is never the tighter one
            // for real code; it caps the frame records of degenerate recursion.
            max_frames: cells,
        }
    }

    fn stack(&mut self) -> Result<&mut [Cell], Trap> {
        if self.stack.len() < self.stack_cells {
            self.stack
                .try_reserve_exact(self.stack_cells)
                .map_err(|_| Trap::Host("cannot allocate the interpreter stack"))?;
            self.stack.resize(self.stack_cells, 0);
        }
        Ok(&mut self.stack)
    }

    /// The register bytecode of a module's defined function, for inspection and tests.
    pub fn bytecode(module: &Module, defined_index: u32) -> Result<&[code::Op], Trap> {
        Ok(&compiled(module, defined_index)?.code)
    }
}

impl Default for Interpreter {
    fn default() -> Self {
        Interpreter::new()
    }
}

impl Executor for Interpreter {
    fn call(&mut self, store: &mut Store, func: FuncAddr, cells: &mut [Cell]) -> Result<(), Trap> {
        let max_frames = self.max_frames;
        let mut machine = exec::Machine::new(store, self.stack()?, max_frames);
        machine.call(func, cells)
    }
}
