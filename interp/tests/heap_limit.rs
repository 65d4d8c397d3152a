//! On firmware the interpreter runs on a fixed arena. Deep recursion there must end in the
//! "call stack exhausted" trap when the arena cannot hold more frame records, not in the
//! allocator's abort. A global allocator that refuses large blocks stands in for the arena.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use mote_core::runtime::{Extern, InvokeError, Linker, Store};
use mote_core::{Module, Trap, Value};
use mote_interp::Interpreter;

/// Largest block the allocator hands out.
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

struct Capped;

// SAFETY: every request is either refused (null, which the contract allows) or passed
// unchanged to the system allocator, which upholds `GlobalAlloc`'s contract.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > LIMIT.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's `alloc` contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through this allocator (the caller's contract).
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > LIMIT.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: `ptr` came from `System` through this allocator (the caller's contract).
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Capped = Capped;

const DEPTH: &str = r#"(module
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;

#[test]
fn recursion_past_what_the_heap_holds_traps() {
    let mut store = Store::new();
    // A value stack deep enough that only the frame records can run out.
    let mut exec = Interpreter::with_stack_size(64 << 20);
    let module = Arc::new(Module::new(&wat::parse_str(DEPTH).unwrap()).unwrap());
    let inst = Linker::new()
        .instantiate(&mut store, module, &mut exec)
        .unwrap();
    let Some(Extern::Func(depth)) = store.export(inst, "depth") else {
        panic!("no depth export")
    };
    // Unlimited, the recursion completes (this also allocates the value stack and
    // translates the function, so that below only frame records are refused).
    let n = 200_000;
    assert_eq!(
        store.invoke(&mut exec, depth, &[Value::I32(n)]).unwrap(),
        [Value::I32(n)]
    );

    LIMIT.store(256 * 1024, Ordering::Relaxed);
    let result = store.invoke(&mut exec, depth, &[Value::I32(n)]);
    let shallow = store.invoke(&mut exec, depth, &[Value::I32(100)]);
    LIMIT.store(usize::MAX, Ordering::Relaxed);

    assert_eq!(result, Err(InvokeError::Trap(Trap::StackExhausted)));
    // The machine is usable afterwards.
    assert_eq!(shallow.unwrap(), [Value::I32(100)]);
}
