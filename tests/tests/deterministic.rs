//! Deterministic mode (`mote_core::nan`) on every engine: the interpreter, hosted AOT
//! with explicit checks and with guard pages (`mote::aot`), and the no-heap runtime
//! (`mote::bare`). NaN results whose bits engines choose differently (x86's default NaN
//! from `0 / 0` has its sign set; arithmetic keeps an input's payload) come out as the
//! canonical NaN in deterministic mode, and the fuel counts do not change with the mode.
//! The C API and `iwasm --deterministic` are tested with the other C API and CLI tests.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use mote::aot::HostCode;
use mote::bare::{instance_requirements, BareError, Config, Instance as BareInstance};
use mote::{Linker, Module, Store, Trap, Value};
use mote_core::aot::format::{self, AotFile};
use mote_core::aot::object::BoundsChecks;
use mote_core::nan::{CANONICAL_F32, CANONICAL_F64};
use mote_platforms::posix::ExecRegion;

/// Every function takes and returns the bits of its float (f32 bits in the low half).
const NANS: &str = r#"(module
  (func (export "f32.div") (param i64) (result i64)
    (local f32)
    (local.set 1 (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0))))
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.div (local.get 1) (local.get 1)))))
  (func (export "f32.add") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32
      (f32.add (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0))) (f32.const 1)))))
  (func (export "f32.sqrt") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32
      (f32.sqrt (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0)))))))
  (func (export "f32.min") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32
      (f32.min (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0))) (f32.const 0)))))
  (func (export "f32.nearest") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32
      (f32.nearest (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0)))))))
  (func (export "f32.demote_f64") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.demote_f64 (f64.reinterpret_i64 (local.get 0))))))
  (func (export "f64.div") (param i64) (result i64)
    (local f64)
    (local.set 1 (f64.reinterpret_i64 (local.get 0)))
    (i64.reinterpret_f64 (f64.div (local.get 1) (local.get 1))))
  (func (export "f64.mul") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.mul (f64.reinterpret_i64 (local.get 0)) (f64.const 3))))
  (func (export "f64.max") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.max (f64.reinterpret_i64 (local.get 0)) (f64.const 0))))
  (func (export "f64.floor") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.floor (f64.reinterpret_i64 (local.get 0)))))
  (func (export "f64.promote_f32") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.promote_f32 (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0))))))
  ;; A bit operation: the NaN it moves keeps its bits in deterministic mode too.
  (func (export "f32.neg") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32
      (f32.neg (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0))))))))"#;

const F32: u64 = CANONICAL_F32 as u64;
const F64: u64 = CANONICAL_F64;
/// A quiet f32 NaN with a payload, and a signalling f64 NaN with a negative sign.
const F32_PAYLOAD: u64 = 0x7fa0_0001;
const F64_PAYLOAD: u64 = 0xfff0_0000_0000_0005;

/// (function, argument bits, result bits in deterministic mode).
const CALLS: &[(&str, u64, u64)] = &[
    ("f32.div", 0, F32),
    ("f32.add", F32_PAYLOAD, F32),
    ("f32.sqrt", 0xbf80_0000, F32),
    ("f32.min", F32_PAYLOAD, F32),
    ("f32.nearest", F32_PAYLOAD, F32),
    ("f32.demote_f64", F64_PAYLOAD, F32),
    ("f64.div", 0, F64),
    ("f64.mul", F64_PAYLOAD, F64),
    ("f64.max", F64_PAYLOAD, F64),
    ("f64.floor", F64_PAYLOAD, F64),
    ("f64.promote_f32", F32_PAYLOAD, F64),
    ("f32.neg", F32_PAYLOAD, F32_PAYLOAD ^ 0x8000_0000),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Interp,
    AotExplicit,
    AotGuard,
}

const HOSTED: [Kind; 3] = [Kind::Interp, Kind::AotExplicit, Kind::AotGuard];

fn aot_file(wasm: &[u8], bounds: BoundsChecks, deterministic: bool) -> Vec<u8> {
    let module = mote_core::Module::new(wasm).expect("test module validates");
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = bounds;
    opts.fuel = true;
    opts.deterministic = deterministic;
    format::write(&mote_aotc::compile(&module, wasm, &opts).expect("aotc"))
}

fn module(kind: Kind, wasm: &[u8], deterministic: bool) -> Module {
    let bytes = match kind {
        Kind::Interp => wasm.to_vec(),
        Kind::AotExplicit => aot_file(wasm, BoundsChecks::Explicit, deterministic),
        Kind::AotGuard => aot_file(wasm, BoundsChecks::Guard, deterministic),
    };
    Module::new(&bytes).expect("module loads")
}

/// Each call's result bits and fuel used, on one hosted engine.
fn hosted_runs(kind: Kind, deterministic: bool) -> Vec<(u64, u64)> {
    let wasm = wat::parse_str(NANS).unwrap();
    let mut store = Store::new();
    store.set_deterministic(deterministic);
    let instance = Linker::new()
        .instantiate(&mut store, &module(kind, &wasm, deterministic))
        .unwrap();
    CALLS
        .iter()
        .map(|&(name, arg, _)| {
            store.set_fuel(1000);
            let f = instance.get_typed_func::<i64, i64>(&store, name).unwrap();
            let result = f.call(&mut store, arg as i64).expect(name);
            (result as u64, 1000 - store.get_fuel().unwrap())
        })
        .collect()
}

/// The same on `mote::bare` (explicit checks), with `Config::deterministic`.
fn bare_runs(deterministic: bool) -> Vec<(u64, u64)> {
    let wasm = wat::parse_str(NANS).unwrap();
    let bytes = aot_file(&wasm, BoundsChecks::Explicit, deterministic);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    let mut code = HostCode(ExecRegion::new(req.code.region_bytes).unwrap());
    let mut state = vec![0u64; req.state_bytes.div_ceil(8)];
    // SAFETY: u64 cells reinterpreted as bytes: no alignment or validity requirements.
    let state =
        unsafe { std::slice::from_raw_parts_mut(state.as_mut_ptr().cast(), state.len() * 8) };
    let mut memory = vec![0u8; req.memory_min_bytes];
    let config = Config {
        deterministic,
        ..Config::new()
    };
    let mut inst =
        BareInstance::new(&file, &mut code, state, &mut memory, &[], &config).expect("instance");
    CALLS
        .iter()
        .map(|&(name, arg, _)| {
            inst.set_fuel(1000);
            let f = inst.func(name).unwrap();
            let mut result = [Value::I64(0)];
            inst.call(f, &[Value::I64(arg as i64)], &mut result)
                .expect(name);
            let Value::I64(bits) = result[0] else {
                panic!("{name}: not an i64 result");
            };
            (bits as u64, 1000 - inst.fuel().unwrap())
        })
        .collect()
}

#[test]
fn deterministic_mode_gives_canonical_nans_and_the_same_fuel_everywhere() {
    let expected: Vec<u64> = CALLS.iter().map(|&(_, _, bits)| bits).collect();
    let interp = hosted_runs(Kind::Interp, false);
    let fuel: Vec<u64> = interp.iter().map(|&(_, used)| used).collect();
    let mut runs: Vec<(String, Vec<(u64, u64)>)> = HOSTED
        .iter()
        .map(|&kind| (format!("{kind:?}"), hosted_runs(kind, true)))
        .collect();
    runs.push(("bare".into(), bare_runs(true)));
    for (engine, run) in &runs {
        let bits: Vec<u64> = run.iter().map(|&(bits, _)| bits).collect();
        let used: Vec<u64> = run.iter().map(|&(_, used)| used).collect();
        assert_eq!(bits, expected, "{engine}: results in deterministic mode");
        assert_eq!(used, fuel, "{engine}: fuel in deterministic mode");
    }
    // Without the mode the NaNs are x86's and the inputs' (so the test above can fail),
    // and the counts are the same.
    let mut defaults: Vec<(String, Vec<(u64, u64)>)> = HOSTED
        .iter()
        .map(|&kind| (format!("{kind:?}"), hosted_runs(kind, false)))
        .collect();
    defaults.push(("bare".into(), bare_runs(false)));
    for (engine, run) in &defaults {
        let used: Vec<u64> = run.iter().map(|&(_, used)| used).collect();
        assert_eq!(used, fuel, "{engine}: fuel without deterministic mode");
        // f32.div 0/0: x86's default NaN, sign set; f32.add keeps the (quiet) payload.
        assert_eq!(run[0].0, 0xffc0_0000, "{engine}: f32.div by default");
        assert_eq!(
            run[1].0,
            F32_PAYLOAD | 0x0040_0000,
            "{engine}: f32.add by default"
        );
    }
}

#[test]
fn aot_code_without_canonicalisation_is_refused_in_deterministic_mode() {
    let wasm = wat::parse_str(NANS).unwrap();
    let mut store = Store::new();
    store.set_deterministic(true);
    let instance = Linker::new()
        .instantiate(&mut store, &module(Kind::AotExplicit, &wasm, false))
        .unwrap();
    let f = instance
        .get_typed_func::<i64, i64>(&store, "f32.div")
        .unwrap();
    let Err(Trap::Host(msg)) = f.call(&mut store, 0) else {
        panic!("code without canonicalisation ran in deterministic mode");
    };
    assert!(msg.contains("aotc --deterministic"), "{msg}");

    let bytes = aot_file(&wasm, BoundsChecks::Explicit, false);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    let mut code = HostCode(ExecRegion::new(req.code.region_bytes).unwrap());
    let mut state = vec![0u64; req.state_bytes.div_ceil(8)];
    // SAFETY: u64 cells reinterpreted as bytes: no alignment or validity requirements.
    let state =
        unsafe { std::slice::from_raw_parts_mut(state.as_mut_ptr().cast(), state.len() * 8) };
    let config = Config {
        deterministic: true,
        ..Config::new()
    };
    match BareInstance::new(&file, &mut code, state, &mut [], &[], &config) {
        Err(e @ BareError::Unsupported(_)) => {
            assert!(e.to_string().contains("aotc --deterministic"), "{e}")
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("code without canonicalisation instantiated in deterministic mode"),
    }
}
