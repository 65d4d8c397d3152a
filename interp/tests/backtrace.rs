//! Backtraces of traps on the interpreter: functions, order and Wasm offsets.
#![cfg(feature = "backtrace")]

use std::sync::Arc;

use mote_core::runtime::{Extern, InvokeError, Linker, Store};
use mote_core::{Module, Trap, Value};
use mote_interp::Interpreter;

/// $outer calls $middle calls $inner, which traps as `$trap` says (after an import,
/// so that function indices and defined indices differ).
fn nested(trap: &str) -> String {
    format!(
        r#"(module
  (import "env" "f" (func $imported))
  (memory 1)
  (func $outer (export "outer") (param i32) (result i32)
    local.get 0
    call $middle)
  (func $middle (param i32) (result i32)
    i32.const 1
    local.get 0
    call $inner
    i32.add)
  (func $inner (param i32) (result i32)
    i32.const 7
    local.get 0
    {trap}))"#
    )
}

/// The module-file offset of the `nth` instruction of defined function `defined` for
/// which `is` holds, read independently with wasmparser.
fn offset_of(wasm: &[u8], defined: usize, is: fn(&wasmparser::Operator<'_>) -> bool) -> u32 {
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            bodies.push(body);
        }
    }
    let mut ops = bodies[defined].get_operators_reader().unwrap();
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().unwrap();
        if is(&op) {
            return offset as u32;
        }
    }
    panic!("no such instruction in function {defined}")
}

fn is_call(op: &wasmparser::Operator<'_>) -> bool {
    matches!(op, wasmparser::Operator::Call { .. })
}

/// One frame as (function index, name, offset).
type FrameRow = (u32, Option<String>, Option<u32>);

/// Calls `outer(arg)` of `wasm` and returns the trap and the store's backtrace as
/// (function index, name, offset) per frame.
fn run(wasm: &[u8], arg: i32, fuel: Option<u64>) -> (Trap, Vec<FrameRow>, String) {
    let module = Arc::new(Module::new(wasm).unwrap());
    let mut store = Store::new();
    store.fuel = fuel;
    let mut exec = Interpreter::new();
    let mut linker = Linker::new();
    let ty = mote_core::FuncType {
        params: Vec::new().into(),
        results: Vec::new().into(),
    };
    let f = store.add_host_func(ty, std::rc::Rc::new(|_, _| Ok(())));
    linker.define("env", "f", Extern::Func(f));
    let inst = linker.instantiate(&mut store, module, &mut exec).unwrap();
    let Some(Extern::Func(outer)) = store.export(inst, "outer") else {
        panic!("no export")
    };
    let Err(InvokeError::Trap(trap)) = store.invoke(&mut exec, outer, &[Value::I32(arg)]) else {
        panic!("no trap")
    };
    let trace = store.trap_backtrace.clone().expect("a backtrace");
    let frames = (0..trace.frames().len())
        .map(|i| {
            let frame = trace.frames()[i];
            (
                frame.func_index,
                trace.func_name(i).map(String::from),
                frame.wasm_offset,
            )
        })
        .collect();
    (trap, frames, trace.to_string())
}

fn check(trap_text: &str, want: Trap, trapping: fn(&wasmparser::Operator<'_>) -> bool) {
    let wasm = wat::parse_str(nested(trap_text)).unwrap();
    let expected = vec![
        (3, Some("inner".into()), Some(offset_of(&wasm, 2, trapping))),
        (2, Some("middle".into()), Some(offset_of(&wasm, 1, is_call))),
        (1, Some("outer".into()), Some(offset_of(&wasm, 0, is_call))),
    ];
    for fuel in [None, Some(1_000_000)] {
        let (trap, frames, text) = run(&wasm, 0, fuel);
        assert_eq!(trap, want);
        assert_eq!(frames, expected, "fuel {fuel:?}:\n{text}");
    }
}

#[test]
fn division_by_zero_names_three_nested_functions() {
    check("i32.div_s", Trap::IntegerDivideByZero, |op| {
        matches!(op, wasmparser::Operator::I32DivS)
    });
}

#[test]
fn unreachable_names_three_nested_functions() {
    check("drop drop unreachable", Trap::Unreachable, |op| {
        matches!(op, wasmparser::Operator::Unreachable)
    });
}

#[test]
fn out_of_bounds_load_names_three_nested_functions() {
    check(
        "i32.add i32.const 70000 i32.mul i32.load",
        Trap::MemoryOutOfBounds,
        |op| matches!(op, wasmparser::Operator::I32Load { .. }),
    );
}

#[test]
fn prints_the_wasmtime_style_block() {
    let wasm = wat::parse_str(nested("i32.div_s")).unwrap();
    let (_, _, text) = run(&wasm, 0, None);
    let div = offset_of(&wasm, 2, |op| matches!(op, wasmparser::Operator::I32DivS));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "wasm backtrace:");
    assert_eq!(lines[1], format!("    0: {:#6x} - inner", div));
    assert!(
        lines[2].ends_with(" - middle") && lines[3].ends_with(" - outer"),
        "{text}"
    );
    assert_eq!(lines.len(), 4);
}

#[test]
fn functions_without_names_print_their_index() {
    let wasm = wat::parse_str(
        r#"(module
  (func (export "outer") (param i32) (result i32) local.get 0 call 1)
  (func (param i32) (result i32) local.get 0 unreachable))"#,
    )
    .unwrap();
    // No import here: `run` defines one the module does not use.
    let (_, frames, text) = run(&wasm, 0, None);
    assert_eq!(frames.len(), 2);
    assert_eq!((frames[0].0, frames[0].1.as_deref()), (1, None));
    assert_eq!((frames[1].0, frames[1].1.as_deref()), (0, None));
    assert!(
        text.contains(" - func[1]\n") && text.contains(" - func[0]\n"),
        "{text}"
    );
}

#[test]
fn stack_overflow_prints_a_truncated_trace() {
    let wasm = wat::parse_str(
        r#"(module
  (func $outer (export "outer") (param i32) (result i32)
    local.get 0
    call $outer))"#,
    )
    .unwrap();
    let (trap, frames, text) = run(&wasm, 0, None);
    assert_eq!(trap, Trap::StackExhausted);
    assert_eq!(frames.len(), mote_core::backtrace::MAX_FRAMES);
    assert!(frames.iter().all(|f| f.1.as_deref() == Some("outer")));
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("    ... ") && last.ends_with(" more frames"),
        "{last}"
    );
}
