//! Tail calls are real on every engine: a million-deep tail recursion (direct, mutual
//! through `return_call_indirect`, and between functions of different signatures)
//! completes in constant stack on the interpreter, hosted AOT with guard pages and with
//! explicit checks, and the no-heap runtime `mote::bare`; the same recursion through
//! ordinary calls exhausts the stack, so the test would fail without them.
#![cfg(feature = "std")]

use mote::{Engine, Linker, Module, Store, Trap};
use mote_core::aot::object::BoundsChecks;

/// Deep enough that one native or interpreter frame per call overflows any default
/// stack (the test thread's 2 MiB, the interpreter's value stack).
const DEPTH: i64 = 1_000_000;

const TAIL: &str = r#"(module
  (type $pair (func (param i64 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $even $odd)
  ;; 1 + 2 + ... + n with an accumulator.
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum (i64.sub (local.get $n) (i64.const 1))
                              (i64.add (local.get $acc) (local.get $n))))))
  ;; The same through ordinary calls: one frame per step.
  (func $sum_call (export "sum_call") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (call $sum_call (i64.sub (local.get $n) (i64.const 1))
                            (i64.add (local.get $acc) (local.get $n))))))
  ;; Parity by mutual recursion through the table.
  (func $even (export "even") (param $n i64) (param $depth i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else (return_call_indirect (type $pair)
        (i64.sub (local.get $n) (i64.const 1)) (local.get $depth) (i32.const 1)))))
  (func $odd (param $n i64) (param $depth i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 0))
      (else (return_call_indirect (type $pair)
        (i64.sub (local.get $n) (i64.const 1)) (local.get $depth) (i32.const 0)))))
  ;; Between a one-parameter function and one whose arguments do not all fit in
  ;; registers on any target: the frames differ in size at every step.
  (func $few (export "few") (param $n i32) (result i64)
    (return_call $many (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
                       (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8) (local.get $n)))
  (func $many (param i64 i64 i64 i64 i64 i64 i64 i64) (param $n i32) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (i64.add (local.get 0) (local.get 7)))
      (else (return_call $few (i32.sub (local.get $n) (i32.const 1))))))
)"#;

fn wasm() -> Vec<u8> {
    wat::parse_str(TAIL).expect("test module parses")
}

fn aot_bytes(bounds: BoundsChecks) -> Vec<u8> {
    let wasm = wasm();
    let parsed = mote_core::Module::new(&wasm).expect("test module validates");
    let opts = mote_aotc::Options {
        bounds_checks: bounds,
        ..mote_aotc::Options::host()
    };
    let object = mote_aotc::compile(&parsed, &wasm, &opts).expect("aotc");
    mote_core::aot::format::write(&object)
}

/// The expected results and the one trap, checked on an engine through `call`.
fn check(engine: &str, call: &mut dyn FnMut(&str, i64, i64) -> Result<i64, Trap>) {
    let sum = DEPTH * (DEPTH + 1) / 2;
    assert_eq!(call("sum", DEPTH, 0), Ok(sum), "{engine}: sum");
    assert_eq!(call("even", DEPTH, 0), Ok(1), "{engine}: even");
    assert_eq!(call("even", DEPTH + 1, 0), Ok(0), "{engine}: odd");
    assert_eq!(call("few", DEPTH, 0), Ok(9), "{engine}: few/many");
    assert_eq!(
        call("sum_call", DEPTH, 0),
        Err(Trap::StackExhausted),
        "{engine}: ordinary calls keep a frame each"
    );
    assert_eq!(
        call("sum", 10, 0),
        Ok(55),
        "{engine}: usable after exhaustion"
    );
}

#[test]
fn million_deep_tail_recursion_on_the_hosted_engines() {
    let mut engines = Vec::new();
    #[cfg(feature = "interp")]
    engines.push(("interp", wasm()));
    #[cfg(all(feature = "aot", target_os = "linux"))]
    {
        engines.push(("aot-guard", aot_bytes(BoundsChecks::Guard)));
        engines.push(("aot-explicit", aot_bytes(BoundsChecks::Explicit)));
    }
    for (engine, bytes) in engines {
        let module = Module::new(&bytes).expect("module loads");
        assert_eq!(
            module.engine() == Engine::Interpreter,
            engine == "interp",
            "{engine}"
        );
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        check(engine, &mut |name, n, acc| {
            if name == "few" {
                let f = instance.get_typed_func::<i32, i64>(&store, name).unwrap();
                return f.call(&mut store, n as i32);
            }
            let f = instance
                .get_typed_func::<(i64, i64), i64>(&store, name)
                .unwrap();
            f.call(&mut store, (n, acc))
        });
    }
}

/// `mote::bare` on `.aot` code for this host, in heap buffers standing in for static ones.
#[cfg(all(feature = "aot", any(target_arch = "x86_64", target_arch = "aarch64")))]
#[test]
fn million_deep_tail_recursion_on_the_bare_runtime() {
    use mote::aot::HostCode;
    use mote::bare::{instance_requirements, CallError, Config, Instance};
    use mote_core::Value;
    use mote_loader::AotFile;
    use mote_platforms::posix::ExecRegion;

    let bytes = aot_bytes(BoundsChecks::Explicit);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    let mut code = HostCode(ExecRegion::new(req.code.region_bytes).unwrap());
    let mut state = vec![0u64; req.state_bytes.div_ceil(8)];
    // SAFETY: u8 has no alignment or validity requirements.
    let state =
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
    check("bare", &mut |name, n, acc| {
        let f = inst.func(name).unwrap();
        let args = if name == "few" {
            vec![Value::I32(n as i32)]
        } else {
            vec![Value::I64(n), Value::I64(acc)]
        };
        let mut out = [Value::I64(0)];
        match inst.call(f, &args, &mut out) {
            Ok(()) => match out[0] {
                Value::I64(v) => Ok(v),
                other => panic!("bare: {name} returned {other:?}"),
            },
            Err(CallError::Trap(t)) => Err(t),
            Err(e) => panic!("bare: {name}: {e:?}"),
        }
    });
}
