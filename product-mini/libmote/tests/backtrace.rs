//! Backtraces of escaping traps on every engine: the interpreter and hosted AOT through
//! `mote::Store::trap_backtrace`, the no-heap runtime through `bare::Instance::backtrace`.
//! Each checks the functions, their order and the Wasm offsets against offsets read
//! independently from the module with wasmparser.
#![cfg(all(
    feature = "backtrace",
    feature = "aot",
    feature = "interp",
    feature = "std",
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]

use mote::aot::HostCode as Code;
use mote::bare::{instance_requirements, CallError, Config, Instance, TRACE_FRAMES};
use mote::{Frame, Linker, Module, Store, Trap};
use mote_core::aot::format::write;
use mote_core::aot::object::BoundsChecks;
use mote_loader::AotFile;
use mote_platforms::posix::ExecRegion;

/// $outer calls $middle calls $inner, which traps as `trap` says; function 0 is $first,
/// which never runs, so indices and names are told apart.
fn nested(trap: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (memory 1)
  (func $first)
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
    ))
    .unwrap()
}

const RECURSE: &str = r#"(module
  (func $down (export "outer") (param i32) (result i32)
    local.get 0
    call $down))"#;

/// The module-file offset of the first instruction of defined function `defined` that
/// `is` picks.
fn offset_of(wasm: &[u8], defined: usize, is: fn(&wasmparser::Operator<'_>) -> bool) -> u32 {
    let bodies: Vec<_> = wasmparser::Parser::new(0)
        .parse_all(wasm)
        .filter_map(|p| match p.unwrap() {
            wasmparser::Payload::CodeSectionEntry(body) => Some(body),
            _ => None,
        })
        .collect();
    let mut ops = bodies[defined].get_operators_reader().unwrap();
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().unwrap();
        if is(&op) {
            return offset as u32;
        }
    }
    panic!("no such instruction")
}

fn is_call(op: &wasmparser::Operator<'_>) -> bool {
    matches!(op, wasmparser::Operator::Call { .. })
}

/// What every engine must report for `nested(trap)`.
fn expected(wasm: &[u8], trapping: fn(&wasmparser::Operator<'_>) -> bool) -> Vec<Frame> {
    let frame = |func_index, wasm_offset| Frame {
        func_index,
        wasm_offset: Some(wasm_offset),
    };
    vec![
        frame(3, offset_of(wasm, 3, trapping)),
        frame(2, offset_of(wasm, 2, is_call)),
        frame(1, offset_of(wasm, 1, is_call)),
    ]
}

fn aot_file(wasm: &[u8], bounds: BoundsChecks, offsets: bool) -> Vec<u8> {
    let module = mote_core::Module::new(wasm).unwrap();
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = bounds;
    opts.backtrace_offsets = offsets;
    write(&mote_aotc::compile(&module, wasm, &opts).unwrap())
}

/// Calls `outer(0)` through `mote::Store`; the trap, the frames and the printed block.
fn run_store(bytes: &[u8]) -> (Trap, Vec<Frame>, Vec<Option<String>>, String) {
    let module = Module::new(bytes).unwrap();
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let outer = instance
        .get_typed_func::<i32, i32>(&store, "outer")
        .unwrap();
    let trap = outer.call(&mut store, 0).unwrap_err();
    let trace = store.trap_backtrace().expect("a backtrace").clone();
    let names = (0..trace.frames().len())
        .map(|i| trace.func_name(i).map(String::from))
        .collect();
    (trap, trace.frames().to_vec(), names, trace.to_string())
}

/// Calls `outer(0)` on a bare instance; the trap, frames, omitted count and text.
fn run_bare(aot: &[u8]) -> (Trap, Vec<Frame>, usize, String) {
    let file = AotFile::parse(aot).unwrap();
    let req = instance_requirements(&file).unwrap();
    let mut code = Code(ExecRegion::new(req.code.region_bytes).unwrap());
    let mut state = vec![0u64; req.state_bytes.div_ceil(8)];
    // SAFETY: u8 has no alignment or validity requirements.
    let state: &mut [u8] =
        unsafe { std::slice::from_raw_parts_mut(state.as_mut_ptr().cast(), state.len() * 8) };
    let mut memory = vec![0u8; req.memory_min_bytes];
    let mut inst = Instance::new(
        &file,
        &mut code,
        state,
        &mut memory,
        &[],
        &Config::default(),
    )
    .unwrap();
    let outer = inst.func("outer").unwrap();
    let mut out = [mote_core::Value::I32(0)];
    let Err(CallError::Trap(trap)) = inst.call(outer, &[mote_core::Value::I32(0)], &mut out) else {
        panic!("no trap")
    };
    let mut text = String::new();
    inst.write_backtrace(&mut text).unwrap();
    (
        trap,
        inst.backtrace().to_vec(),
        inst.backtrace_omitted(),
        text,
    )
}

fn check_every_engine(
    trap_text: &str,
    want: Trap,
    trapping: fn(&wasmparser::Operator<'_>) -> bool,
) {
    let wasm = nested(trap_text);
    let frames = expected(&wasm, trapping);
    let names = vec![
        Some("inner".to_string()),
        Some("middle".to_string()),
        Some("outer".to_string()),
    ];
    let (trap, got, got_names, text) = run_store(&wasm);
    assert_eq!(
        (trap, &got, &got_names),
        (want, &frames, &names),
        "interp:\n{text}"
    );
    let explicit = aot_file(&wasm, BoundsChecks::Explicit, true);
    let (trap, got, got_names, text) = run_store(&explicit);
    assert_eq!(
        (trap, &got, &got_names),
        (want, &frames, &names),
        "aot:\n{text}"
    );
    let (trap, got, omitted, text) = run_bare(&explicit);
    assert_eq!((trap, &got, omitted), (want, &frames, 0), "bare:\n{text}");
    assert!(
        text.starts_with("wasm backtrace:\n") && text.contains(" - middle\n"),
        "{text}"
    );
}

#[test]
fn division_by_zero_on_every_engine() {
    check_every_engine("i32.div_s", Trap::IntegerDivideByZero, |op| {
        matches!(op, wasmparser::Operator::I32DivS)
    });
}

#[test]
fn unreachable_on_every_engine() {
    check_every_engine("drop drop unreachable", Trap::Unreachable, |op| {
        matches!(op, wasmparser::Operator::Unreachable)
    });
}

#[test]
fn explicit_out_of_bounds_on_every_engine() {
    check_every_engine(
        "i32.add i32.const 70000 i32.mul i32.load",
        Trap::MemoryOutOfBounds,
        |op| matches!(op, wasmparser::Operator::I32Load { .. }),
    );
}

#[test]
fn the_same_text_on_every_engine() {
    let wasm = nested("i32.div_s");
    let aot = aot_file(&wasm, BoundsChecks::Explicit, true);
    let (_, _, _, interp) = run_store(&wasm);
    let (_, _, _, hosted) = run_store(&aot);
    let (_, _, _, bare) = run_bare(&aot);
    assert_eq!(interp, hosted);
    assert_eq!(interp, bare);
    let div = offset_of(&wasm, 3, |op| matches!(op, wasmparser::Operator::I32DivS));
    assert!(
        interp.starts_with(&format!("wasm backtrace:\n    0: {div:#6x} - inner\n")),
        "{interp}"
    );
}

#[test]
fn without_offsets_frames_name_their_functions() {
    let wasm = nested("i32.div_s");
    let aot = aot_file(&wasm, BoundsChecks::Explicit, false);
    let (_, got, names, text) = run_store(&aot);
    let indices: Vec<(u32, Option<u32>)> =
        got.iter().map(|f| (f.func_index, f.wasm_offset)).collect();
    assert_eq!(indices, [(3, None), (2, None), (1, None)], "{text}");
    assert_eq!(names[0].as_deref(), Some("inner"));
    assert!(text.contains("          inner\n"), "{text}");
}

#[test]
fn deep_recursion_keeps_a_truncated_trace() {
    let wasm = wat::parse_str(RECURSE).unwrap();
    let (trap, got, _, text) = run_store(&wasm);
    assert_eq!(trap, Trap::StackExhausted);
    assert_eq!(got.len(), mote_core::backtrace::MAX_FRAMES);
    assert!(text.trim_end().ends_with(" more frames"), "interp: {text}");
    let aot = aot_file(&wasm, BoundsChecks::Explicit, true);
    let (trap, got, _, text) = run_store(&aot);
    assert_eq!(trap, Trap::StackExhausted);
    assert_eq!(got.len(), mote_core::backtrace::MAX_FRAMES);
    assert!(text.trim_end().ends_with(" more frames"), "aot: {text}");
    let (trap, got, omitted, _) = run_bare(&aot);
    assert_eq!(trap, Trap::StackExhausted);
    assert_eq!(got.len(), TRACE_FRAMES);
    assert!(omitted > 0);
}

#[test]
fn a_call_that_returns_leaves_no_trace() {
    let wasm = nested("i32.div_s");
    for bytes in [wasm.clone(), aot_file(&wasm, BoundsChecks::Explicit, true)] {
        let module = Module::new(&bytes).unwrap();
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let outer = instance
            .get_typed_func::<i32, i32>(&store, "outer")
            .unwrap();
        assert!(outer.call(&mut store, 0).is_err());
        assert!(store.trap_backtrace().is_some());
        assert_eq!(outer.call(&mut store, 1), Ok(8));
        assert!(store.trap_backtrace().is_none());
    }
}
