//! The interpreter really is register-based: inspect the translated bytecode.

use std::sync::Arc;

use mote_core::runtime::{Extern, Linker, Store};
use mote_core::{Module, Value};
use mote_interp::code::Op;
use mote_interp::Interpreter;

fn module(wat: &str) -> Module {
    Module::new(&wat::parse_str(wat).unwrap()).unwrap()
}

#[test]
fn add_of_two_locals_into_a_third_is_one_instruction() {
    let m = module(
        r#"(module (func (param i32 i32) (local i32)
            local.get 0
            local.get 1
            i32.add
            local.set 2))"#,
    );
    let code = Interpreter::bytecode(&m, 0).unwrap();
    println!("{code:?}");
    assert_eq!(
        code[0],
        Op::I32Add {
            result: 2,
            lhs: 0,
            rhs: 1
        }
    );
    assert_eq!(code[0].to_string(), "I32Add result=s2 lhs=s0 rhs=s1");
    assert_eq!(code.len(), 2, "only the add and the return: {code:?}");
    assert_eq!(code[1], Op::Return);
}

#[test]
fn constant_operand_is_an_immediate_and_compare_fuses_with_branch() {
    let m = module(
        r#"(module (func (param i32) (result i32)
            (local.set 0 (i32.add (local.get 0) (i32.const 7)))
            (if (i32.lt_s (local.get 0) (i32.const 10)) (then (return (i32.const 1))))
            (local.get 0)))"#,
    );
    let code = Interpreter::bytecode(&m, 0).unwrap();
    println!("{code:?}");
    assert_eq!(
        code[0],
        Op::I32AddI {
            result: 0,
            lhs: 0,
            imm: 7
        }
    );
    assert!(
        matches!(
            code[1],
            Op::BrI32GeSI {
                lhs: 0,
                imm: 10,
                ..
            }
        ),
        "{code:?}"
    );
}

fn run(wat: &str, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
    let mut store = Store::new();
    let mut exec = Interpreter::new();
    let inst = Linker::new()
        .instantiate(&mut store, Arc::new(module(wat)), &mut exec)
        .map_err(|e| e.to_string())?;
    let Some(Extern::Func(f)) = store.export(inst, name) else {
        panic!("no export {name}")
    };
    store.invoke(&mut exec, f, args).map_err(|e| e.to_string())
}

#[test]
fn fib_runs() {
    let wat = r#"(module (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;
    assert_eq!(
        run(wat, "fib", &[Value::I32(20)]),
        Ok(vec![Value::I32(6765)])
    );
}

#[test]
fn deep_recursion_traps_and_instance_stays_usable() {
    let wat = r#"(module
        (func $inf (export "inf") (call $inf))
        (func (export "one") (result i32) (i32.const 1)))"#;
    let mut store = Store::new();
    let mut exec = Interpreter::new();
    let inst = Linker::new()
        .instantiate(&mut store, Arc::new(module(wat)), &mut exec)
        .unwrap();
    let Some(Extern::Func(inf)) = store.export(inst, "inf") else {
        panic!()
    };
    let Some(Extern::Func(one)) = store.export(inst, "one") else {
        panic!()
    };
    let err = store.invoke(&mut exec, inf, &[]).unwrap_err();
    assert_eq!(err.to_string(), "call stack exhausted");
    assert_eq!(
        store.invoke(&mut exec, one, &[]).unwrap(),
        vec![Value::I32(1)]
    );
}

#[test]
fn fib_bytecode_is_compact() {
    let wasm = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fac.wasm")).unwrap();
    let m = Module::new(&wasm).unwrap();
    let code = Interpreter::bytecode(&m, 1).unwrap();
    for (i, op) in code.iter().enumerate() {
        println!("{i:3}: {op:?}");
    }
    // compare+branch, two subtractions, two calls, an add and the returns.
    assert!(code.len() <= 9, "{code:?}");
}
