//! Execute-in-place `.aot` files (`aotc --xip`) on the no-heap runtime: the file's bytes
//! lie in a read-only, executable mapping (what flash is to an MCU), so any write the
//! loader or runtime made into them would fault and fail the test. The same module
//! compiled for the copying loader gives the same results.
#![cfg(all(feature = "aot", feature = "std", target_arch = "x86_64"))]

use mote::aot::HostCode as Code;
use mote::bare::{instance_requirements, CallError, Config, HostFunc, Instance};
use mote_core::aot::format::CodeModel;
use mote_core::aot::object::BoundsChecks;
use mote_core::{Module, Trap, Value};
use mote_loader::{load_in_place, AotFile, LoadError};
use mote_platforms::posix::ExecRegion;

/// Calls between functions (PC-relative in the code), `br_table` and float constants
/// (jump tables and constants in rodata), helpers (`memory.grow`, `call_indirect`,
/// `memory.fill`), memory and a trap.
const MODULE: &str = r#"
(module
  (memory 1 4)
  (table 2 funcref)
  (elem (i32.const 0) $double $fib)
  (type $unary (func (param i32) (result i32)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $double (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $unary) (local.get 1) (local.get 0)))
  (func (export "pick") (param i32) (result i32)
    (block (block (block (block (br_table 0 1 2 3 (local.get 0)))
      (return (i32.const 10))) (return (i32.const 20))) (return (i32.const 30)))
    (i32.const 40))
  (func (export "scale") (param f64) (result f64)
    (f64.add (f64.mul (local.get 0) (f64.const 1.25)) (f64.const 0.5)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "fill_sum") (param i32 i32) (result i32)
    (memory.fill (i32.const 16) (local.get 0) (local.get 1))
    (i32.add (i32.load8_u (i32.const 16))
             (i32.load8_u (i32.add (i32.const 15) (local.get 1)))))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))
"#;

fn compile(xip: bool) -> Vec<u8> {
    let wasm = wat::parse_str(MODULE).unwrap();
    let module = Module::new(&wasm).unwrap();
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = BoundsChecks::Explicit;
    opts.xip = xip;
    mote_aotc::write_file(&mote_aotc::compile(&module, &wasm, &opts).unwrap(), &opts)
}

/// `bytes` in a fresh mapping that is readable and executable but never writable again.
fn read_only_executable(bytes: &[u8]) -> ExecRegion {
    let mut region = ExecRegion::new(bytes.len()).unwrap();
    region.make_writable().unwrap();
    region.bytes_mut().unwrap()[..bytes.len()].copy_from_slice(bytes);
    region.make_executable().unwrap();
    region
}

/// Runs every export of the test module on `file`, in a code region of the size the
/// file asks for (none for XIP).
fn run_all(file: &AotFile<'_>) -> Vec<Result<Value, CallError>> {
    let req = instance_requirements(file).unwrap();
    let mut code = Code(ExecRegion::new(req.code.region_bytes.max(1)).unwrap());
    let mut state = vec![0u64; req.state_bytes.div_ceil(8)];
    // SAFETY: u8 has no alignment or validity requirements.
    let state =
        unsafe { std::slice::from_raw_parts_mut(state.as_mut_ptr().cast::<u8>(), state.len() * 8) };
    let mut memory = vec![0u8; 4 * 65536];
    let hosts: [HostFunc<'_>; 0] = [];
    let mut inst = Instance::new(
        file,
        &mut code,
        state,
        &mut memory,
        &hosts,
        &Config::default(),
    )
    .unwrap();
    let mut call = |name: &str, args: &[Value]| {
        let f = inst.func(name).unwrap();
        let mut out = [Value::I32(0)];
        inst.call(f, args, &mut out).map(|()| out[0])
    };
    vec![
        call("fib", &[Value::I32(20)]),
        call("indirect", &[Value::I32(0), Value::I32(21)]),
        call("indirect", &[Value::I32(1), Value::I32(10)]),
        call("indirect", &[Value::I32(7), Value::I32(1)]),
        call("pick", &[Value::I32(1)]),
        call("pick", &[Value::I32(9)]),
        call("scale", &[Value::F64(2.0f64.to_bits())]),
        call("grow", &[Value::I32(1)]),
        call("grow", &[Value::I32(5)]),
        call("fill_sum", &[Value::I32(7), Value::I32(100)]),
        call("div", &[Value::I32(7), Value::I32(0)]),
        // Still usable after the trap.
        call("div", &[Value::I32(7), Value::I32(2)]),
    ]
}

#[test]
fn xip_file_runs_from_read_only_bytes_like_the_relocated_one() {
    let xip_bytes = compile(true);
    let mapping = read_only_executable(&xip_bytes);
    // SAFETY: the mapping lives until the end of the test and is never written again.
    let in_place = unsafe { std::slice::from_raw_parts(mapping.as_ptr(), xip_bytes.len()) };
    let file = AotFile::parse(in_place).unwrap();
    assert_eq!(file.header().code_model, CodeModel::Xip);
    assert_eq!(file.reloc_count(), 0);
    let req = instance_requirements(&file).unwrap();
    assert_eq!(req.code.region_bytes, 0, "XIP code needs no code region");
    // The code runs where it lies: its entry points are inside the mapping.
    let code = load_in_place(&file).unwrap();
    let range = mapping.as_ptr() as u64..mapping.as_ptr() as u64 + xip_bytes.len() as u64;
    assert!(range.contains(&code.trampoline(0).unwrap()));

    let xip_results = run_all(&file);
    assert_eq!(in_place, &xip_bytes[..], "the file's bytes are unchanged");

    let relocated_bytes = compile(false);
    let relocated = AotFile::parse(&relocated_bytes).unwrap();
    assert!(relocated.reloc_count() > 0);
    assert_eq!(xip_results, run_all(&relocated));
    assert_eq!(xip_results[0], Ok(Value::I32(6765)));
    assert_eq!(xip_results[1], Ok(Value::I32(42)));
    assert_eq!(xip_results[2], Ok(Value::I32(55)));
    assert_eq!(xip_results[3], Err(CallError::Trap(Trap::UndefinedElement)));
    assert_eq!(xip_results[6], Ok(Value::F64(3.0f64.to_bits())));
    assert_eq!(xip_results[7], Ok(Value::I32(1)));
    assert_eq!(
        xip_results[8],
        Ok(Value::I32(-1)),
        "the declared maximum holds"
    );
    assert_eq!(xip_results[9], Ok(Value::I32(14)));
    assert_eq!(
        xip_results[10],
        Err(CallError::Trap(Trap::IntegerDivideByZero))
    );
    assert_eq!(xip_results[11], Ok(Value::I32(3)));
}

#[test]
fn in_place_loading_refuses_relocatable_and_misplaced_files() {
    let relocated = compile(false);
    let file = AotFile::parse(&relocated).unwrap();
    assert_eq!(load_in_place(&file).unwrap_err(), LoadError::NotXip);

    // One byte off the alignment the text needs.
    let xip = compile(true);
    let mut shifted = vec![0u8; xip.len() + 16];
    let at = (16 - shifted.as_ptr() as usize % 16) % 16 + 1;
    shifted[at..at + xip.len()].copy_from_slice(&xip);
    let file = AotFile::parse(&shifted[at..at + xip.len()]).unwrap();
    assert_eq!(
        load_in_place(&file).unwrap_err(),
        LoadError::XipMisaligned { align: 16 }
    );
}
