//! mote-interp: translates Wasm stack code into register bytecode and runs it.

use mote_core::runtime::{Executor, Store};
use mote_core::{Cell, FuncAddr, Trap};

/// Default interpreter stack: 512 KiB of value cells.
pub const DEFAULT_STACK_SIZE: usize = 512 * 1024;

/// The interpreter. Implements the shared `Executor` so instantiation, the spec runner and
/// the CLI drive it like any engine.
pub struct Interpreter {
    stack_size: usize,
}

impl Interpreter {
    pub fn new() -> Interpreter {
        Interpreter::with_stack_size(DEFAULT_STACK_SIZE)
    }

    /// `bytes` bounds the interpreter's value stack; deeper recursion traps with
    /// "call stack exhausted".
    pub fn with_stack_size(bytes: usize) -> Interpreter {
        Interpreter { stack_size: bytes }
    }
}

impl Default for Interpreter {
    fn default() -> Self {
        Interpreter::new()
    }
}

impl Executor for Interpreter {
    fn call(&mut self, _store: &mut Store, _func: FuncAddr, _cells: &mut [Cell]) -> Result<(), Trap> {
        let _ = self.stack_size;
        Err(Trap::Host("interpreter under construction"))
    }
}
