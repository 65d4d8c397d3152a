//! The threaded backend is only sound if every handler's call of the next handler is a
//! jump: otherwise each executed instruction would take native stack. Running millions of
//! instructions (loops, calls, memory, branches) on a thread with a 64 KiB stack proves it
//! for this build; a handler that does not tail-call overflows the stack and kills the
//! test.

use std::sync::Arc;

use mote_core::runtime::{Extern, Linker, Store};
use mote_core::{Module, Value};
use mote_interp::Interpreter;

const KERNEL: &str = r#"(module
  (memory 1)
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc))
                 (local.get $acc))
      (local.set $acc
        (i32.xor (local.get $acc)
                 (i32.add (i32.load8_u (i32.and (local.get $i) (i32.const 0xffff)))
                          (i32.rotl (local.get $i) (i32.const 3)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (i32.add (local.get $acc) (call $fib (i32.const 20)))))"#;

#[test]
fn millions_of_instructions_run_on_a_64k_native_stack() {
    let wasm = wat::parse_str(KERNEL).unwrap();
    // The loop backend (unoptimised builds) uses a constant but, unoptimised, large
    // amount of stack; only the threaded backend is under test here.
    let stack = if mote_interp::THREADED {
        64 * 1024
    } else {
        16 << 20
    };
    let result = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let mut store = Store::new();
            let mut exec = Interpreter::new();
            let module = Arc::new(Module::new(&wasm).unwrap());
            let inst = Linker::new()
                .instantiate(&mut store, module, &mut exec)
                .unwrap();
            let Some(Extern::Func(run)) = store.export(inst, "run") else {
                panic!("no run export")
            };
            store
                .invoke(&mut exec, run, &[Value::I32(1_000_000)])
                .unwrap()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(matches!(result[..], [Value::I32(_)]));
    println!("threaded backend: {}", mote_interp::THREADED);
}
