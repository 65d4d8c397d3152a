//! The no-heap runtime (`mote::bare`) on real `.aot` files compiled for this host
//! with explicit bounds checks, in heap buffers standing in for static ones.
// The no-heap runtime (`aot`) in code regions from the POSIX platform (`std`).
#![cfg(all(
    feature = "aot",
    feature = "std",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]

use std::ffi::c_void;

use mote::aot::HostCode as Code;
use mote::bare::{
    instance_requirements, memory_requirements, BareError, CallError, Config, HostCall, HostFn,
    HostFunc, Instance, STATE_ALIGN, TABLE_ROOM,
};
use mote_core::aot::format::write;
use mote_core::aot::object::BoundsChecks;
use mote_core::{Cell, Module, Trap, ValType, Value};
use mote_loader::{AotFile, LoadError};
use mote_platforms::posix::ExecRegion;

fn compile(wat: &str, bounds: BoundsChecks) -> Vec<u8> {
    let wasm = wat::parse_str(wat).unwrap();
    let module = Module::new(&wasm).unwrap();
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = bounds;
    opts.opt_level = 1;
    write(&mote_aotc::compile(&module, &wasm, &opts).unwrap())
}

fn aot(wat: &str) -> Vec<u8> {
    compile(wat, BoundsChecks::Explicit)
}

/// The buffers an embedder would place statically: code region, state and memory.
struct Buffers {
    code: Code,
    state: Vec<u64>,
    memory: Vec<u8>,
}

impl Buffers {
    /// Exactly the required state, and `memory_bytes` of memory (or the minimum).
    fn new(file: &AotFile<'_>, memory_bytes: Option<usize>) -> Buffers {
        let req = instance_requirements(file).unwrap();
        assert!(req.state_align <= 8 && STATE_ALIGN == req.state_align);
        Buffers {
            code: Code(ExecRegion::new(req.code.region_bytes).unwrap()),
            state: vec![0; req.state_bytes.div_ceil(8)],
            memory: vec![0xa5; memory_bytes.unwrap_or(req.memory_min_bytes)],
        }
    }

    fn instance<'a>(
        &'a mut self,
        file: &AotFile<'a>,
        hosts: &'a [HostFunc<'a>],
    ) -> Result<Instance<'a>, BareError> {
        let state = as_bytes(&mut self.state);
        Instance::new(
            file,
            &mut self.code,
            state,
            &mut self.memory,
            hosts,
            &Config::default(),
        )
    }
}

fn as_bytes(v: &mut [u64]) -> &mut [u8] {
    // SAFETY: u8 has no alignment or validity requirements.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast(), v.len() * 8) }
}

fn call1(inst: &mut Instance<'_>, name: &str, args: &[Value]) -> Result<Value, CallError> {
    let f = inst
        .func(name)
        .unwrap_or_else(|| panic!("no export {name}"));
    let mut out = [Value::I32(0)];
    inst.call(f, args, &mut out)?;
    Ok(out[0])
}

fn trap<T>(t: Trap) -> Result<T, CallError> {
    Err(CallError::Trap(t))
}

fn call0(inst: &mut Instance<'_>, name: &str, args: &[Value]) -> Result<(), CallError> {
    let f = inst
        .func(name)
        .unwrap_or_else(|| panic!("no export {name}"));
    inst.call(f, args, &mut [])
}

const ARITH: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "fma") (param f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call 4 (i64.sub (local.get 0) (i64.const 1))))))))"#;

#[test]
fn arithmetic_exports() {
    let bytes = aot(ARITH);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    assert_eq!(
        (req.memory_min_bytes, req.memory_max_bytes, req.imports),
        (0, None, 0)
    );
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &[]).unwrap();
    assert_eq!(
        call1(&mut inst, "add", &[Value::I32(40), Value::I32(2)]),
        Ok(Value::I32(42))
    );
    assert_eq!(
        call1(&mut inst, "mul64", &[Value::I64(1 << 40), Value::I64(-3)]),
        Ok(Value::I64(-3 << 40))
    );
    let f = |v: f64| Value::F64(v.to_bits());
    assert_eq!(
        call1(&mut inst, "fma", &[f(1.5), f(4.0), f(0.25)]),
        Ok(f(6.25))
    );
    assert_eq!(
        call1(&mut inst, "fac", &[Value::I64(20)]),
        Ok(Value::I64(2432902008176640000))
    );

    let swap = inst.func("swap").unwrap();
    let ty = inst.func_type(swap);
    assert!(ty.params().eq([ValType::I32, ValType::I64]));
    assert!(ty.results().eq([ValType::I64, ValType::I32]));
    let mut out = [Value::I32(0), Value::I32(0)];
    inst.call(swap, &[Value::I32(7), Value::I64(9)], &mut out)
        .unwrap();
    assert_eq!(out, [Value::I64(9), Value::I32(7)]);
    let mut cells = [7u64, 9];
    inst.call_cells(swap, &mut cells).unwrap();
    assert_eq!(cells, [9, 7]);

    // Arity and types are checked.
    let add = inst.func("add").unwrap();
    let mut one = [Value::I32(0)];
    assert_eq!(
        inst.call(add, &[Value::I32(1)], &mut one),
        Err(CallError::Signature)
    );
    assert_eq!(
        inst.call(add, &[Value::I32(1), Value::I64(2)], &mut one),
        Err(CallError::Signature)
    );
    assert_eq!(
        inst.call(add, &[Value::I32(1), Value::I32(2)], &mut []),
        Err(CallError::Signature)
    );
    assert_eq!(inst.call_cells(add, &mut [1]), Err(CallError::Signature));
    assert!(inst.func("nope").is_none());
    assert!(inst.func_at(5).is_none());
    assert_eq!(inst.func_at(4), inst.func("fac"));
    assert_eq!(inst.func_count(), 5);
    assert!(inst.global("add").is_none());
    assert!(inst.memory().is_empty());
}

const HOSTED: &str = r#"(module
  (import "env" "sum" (func $sum (param i32 i32) (result i32)))
  (import "env" "c_sum" (func $c_sum (param i32 i32) (result i32)))
  (import "env" "fail" (func $fail))
  (import "env" "c_fail" (func $c_fail (param i32)))
  (memory (export "mem") 1)
  (data (i32.const 100) "\01\02\03\04\05")
  (func (export "rust") (result i32) (call $sum (i32.const 100) (i32.const 5)))
  (func (export "c") (result i32) (call $c_sum (i32.const 100) (i32.const 5)))
  (func (export "fail") (call $fail))
  (func (export "c_fail") (param i32) (call $c_fail (local.get 0)))
  (func (export "after") (result i32) (i32.load8_u (i32.const 200)))
  (export "sum_direct" (func $sum)))"#;

/// Sums `len` bytes at `ptr` and writes the sum at 200.
fn sum(call: &mut HostCall<'_>, cells: &mut [Cell]) -> Result<(), Trap> {
    let (ptr, len) = (cells[0] as usize, cells[1] as usize);
    let mem = call.memory();
    let s: u32 = mem
        .get(ptr..ptr + len)
        .ok_or(Trap::MemoryOutOfBounds)?
        .iter()
        .map(|&b| u32::from(b))
        .sum();
    mem[200] = s as u8;
    cells[0] = u64::from(s);
    Ok(())
}

unsafe extern "C" fn c_sum(call: *mut HostCall<'_>, cells: *mut Cell, data: *mut c_void) -> i32 {
    // SAFETY: the runtime passes the registered `data` (this test's counter), the live
    // call and the import's (ii)->i cells.
    let (calls, cells, mem) = unsafe {
        (
            &mut *(data as *mut u32),
            std::slice::from_raw_parts_mut(cells, 2),
            (*call).memory(),
        )
    };
    *calls += 1;
    let s: u64 = mem[cells[0] as usize..][..cells[1] as usize]
        .iter()
        .map(|&b| u64::from(b) * 10)
        .sum();
    cells[0] = s;
    0
}

fn fail(_: &mut HostCall<'_>, _: &mut [Cell]) -> Result<(), Trap> {
    Err(Trap::Host("the host says no"))
}

unsafe extern "C" fn c_fail(call: *mut HostCall<'_>, cells: *mut Cell, _: *mut c_void) -> i32 {
    // SAFETY: the runtime passes the live call and the import's one argument cell.
    unsafe {
        match *cells {
            0 => 0,
            1 => 1,
            _ => {
                (*call).set_trap(Trap::Exit(3));
                1
            }
        }
    }
}

fn hosts(calls: *mut u32) -> [HostFunc<'static>; 4] {
    const II_I: (&[ValType], &[ValType]) = (&[ValType::I32, ValType::I32], &[ValType::I32]);
    [
        HostFunc {
            module: "env",
            name: "sum",
            params: II_I.0,
            results: II_I.1,
            func: HostFn::Rust(sum),
            data: std::ptr::null_mut(),
        },
        HostFunc {
            module: "env",
            name: "c_sum",
            params: II_I.0,
            results: II_I.1,
            func: HostFn::C(c_sum),
            data: calls.cast(),
        },
        HostFunc {
            module: "env",
            name: "fail",
            params: &[],
            results: &[],
            func: HostFn::Rust(fail),
            data: std::ptr::null_mut(),
        },
        HostFunc {
            module: "env",
            name: "c_fail",
            params: &[ValType::I32],
            results: &[],
            func: HostFn::C(c_fail),
            data: std::ptr::null_mut(),
        },
    ]
}

#[test]
fn host_functions_rust_and_c() {
    let bytes = aot(HOSTED);
    let file = AotFile::parse(&bytes).unwrap();
    assert_eq!(instance_requirements(&file).unwrap().imports, 4);
    let mut calls = 0u32;
    let hosts = hosts(&mut calls);
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &hosts).unwrap();
    assert_eq!(call1(&mut inst, "rust", &[]), Ok(Value::I32(15)));
    assert_eq!(call1(&mut inst, "after", &[]), Ok(Value::I32(15)));
    assert_eq!(inst.memory()[200], 15);
    assert_eq!(call1(&mut inst, "c", &[]), Ok(Value::I32(150)));
    // An imported function exported and called directly.
    inst.memory_mut()[300..302].copy_from_slice(&[20, 22]);
    assert_eq!(
        call1(&mut inst, "sum_direct", &[Value::I32(300), Value::I32(2)]),
        Ok(Value::I32(42))
    );
    assert_eq!(
        call1(&mut inst, "sum_direct", &[Value::I32(65535), Value::I32(2)]),
        Err(CallError::Trap(Trap::MemoryOutOfBounds))
    );
    assert_eq!(
        call0(&mut inst, "fail", &[]),
        Err(CallError::Trap(Trap::Host("the host says no")))
    );
    assert_eq!(call1(&mut inst, "rust", &[]), Ok(Value::I32(15)));
    assert_eq!(call0(&mut inst, "c_fail", &[Value::I32(0)]), Ok(()));
    assert_eq!(
        call0(&mut inst, "c_fail", &[Value::I32(1)]),
        Err(CallError::Trap(Trap::Host("host function failed")))
    );
    assert_eq!(
        call0(&mut inst, "c_fail", &[Value::I32(2)]),
        Err(CallError::Trap(Trap::Exit(3)))
    );
    assert_eq!(call1(&mut inst, "c", &[]), Ok(Value::I32(150)));
    let _ = inst;
    assert_eq!(calls, 2);
}

#[test]
fn link_errors_name_the_import() {
    let bytes = aot(HOSTED);
    let file = AotFile::parse(&bytes).unwrap();
    let mut calls = 0u32;
    let all = hosts(&mut calls);
    let mut b = Buffers::new(&file, None);
    let err = b.instance(&file, &all[..2]).err().unwrap();
    assert_eq!(
        err.to_string(),
        "unknown import `env.fail`: no host function provides it"
    );
    let mut wrong = all;
    wrong[1].results = &[ValType::I64];
    let err = b.instance(&file, &wrong).err().unwrap();
    assert!(matches!(&err, BareError::ImportMismatch { module, name }
        if module.as_str() == "env" && name.as_str() == "c_sum"));
    assert!(err.to_string().contains("`env.c_sum`"), "{err}");
    // Linking fails before the code region is touched, and a good set still works.
    let mut inst = b.instance(&file, &all).unwrap();
    assert_eq!(call1(&mut inst, "rust", &[]), Ok(Value::I32(15)));
}

const GROW: &str = r#"(module
  (memory (export "mem") 1 10)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))"#;

#[test]
fn memory_grows_within_the_buffer() {
    let bytes = aot(GROW);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    assert_eq!(req.memory_min_bytes, 65536);
    assert_eq!(req.memory_max_bytes, Some(10 * 65536));
    // Three pages and a bit: the partial page is never used.
    let mut b = Buffers::new(&file, Some(3 * 65536 + 100));
    let mut inst = b.instance(&file, &[]).unwrap();
    assert_eq!(inst.memory().len(), 65536);
    assert!(
        inst.memory().iter().all(|&x| x == 0),
        "initial pages zeroed"
    );
    let i = Value::I32;
    assert_eq!(call1(&mut inst, "load", &[i(65532)]), Ok(i(0)));
    assert_eq!(
        call1(&mut inst, "load", &[i(65533)]),
        Err(CallError::Trap(Trap::MemoryOutOfBounds))
    );
    assert_eq!(call1(&mut inst, "grow", &[i(1)]), Ok(i(1)));
    // The new page was zeroed (the buffer was filled with 0xa5).
    assert_eq!(call1(&mut inst, "load", &[i(65536)]), Ok(i(0)));
    assert_eq!(call1(&mut inst, "load", &[i(2 * 65536 - 4)]), Ok(i(0)));
    assert_eq!(
        call0(&mut inst, "store", &[i(2 * 65536 - 4), i(-1)]),
        Ok(())
    );
    assert_eq!(call1(&mut inst, "grow", &[i(0)]), Ok(i(2)));
    assert_eq!(
        call1(&mut inst, "grow", &[i(2)]),
        Ok(i(-1)),
        "beyond the buffer"
    );
    assert_eq!(call1(&mut inst, "grow", &[i(1)]), Ok(i(2)));
    assert_eq!(call1(&mut inst, "grow", &[i(1)]), Ok(i(-1)));
    assert_eq!(call1(&mut inst, "size", &[]), Ok(i(3)));
    assert_eq!(inst.memory().len(), 3 * 65536);
    assert_eq!(call1(&mut inst, "load", &[i(2 * 65536 - 4)]), Ok(i(-1)));
    let _ = inst;
    assert_eq!(b.memory[3 * 65536], 0xa5, "bytes past the memory untouched");
}

#[test]
fn memory_grow_stops_at_the_declared_maximum() {
    let bytes = aot(&GROW.replace("1 10", "1 2"));
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, Some(8 * 65536));
    let mut inst = b.instance(&file, &[]).unwrap();
    let i = Value::I32;
    assert_eq!(call1(&mut inst, "grow", &[i(2)]), Ok(i(-1)));
    assert_eq!(call1(&mut inst, "grow", &[i(1)]), Ok(i(1)));
    assert_eq!(call1(&mut inst, "grow", &[i(1)]), Ok(i(-1)));
}

/// Custom page sizes: a memory of 2048 one-byte pages needs exactly 2 KiB, traps at its
/// byte size, and grows byte by byte within the buffer.
#[test]
fn a_2_kib_memory_of_one_byte_pages() {
    let bytes = aot(&GROW.replace("1 10", "2048 (pagesize 1)"));
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    assert_eq!((req.memory_min_bytes, req.memory_max_bytes), (2048, None));
    let i = Value::I32;
    {
        let mut b = Buffers::new(&file, None);
        assert_eq!(b.memory.len(), 2048);
        let mut inst = b.instance(&file, &[]).unwrap();
        assert_eq!(inst.memory().len(), 2048);
        assert_eq!(call1(&mut inst, "size", &[]), Ok(i(2048)));
        assert_eq!(call0(&mut inst, "store", &[i(2044), i(7)]), Ok(()));
        assert_eq!(call1(&mut inst, "load", &[i(2044)]), Ok(i(7)));
        assert_eq!(
            call1(&mut inst, "load", &[i(2045)]),
            Err(CallError::Trap(Trap::MemoryOutOfBounds))
        );
        assert_eq!(call1(&mut inst, "grow", &[i(1)]), Ok(i(-1)), "buffer full");
    }
    // Three bytes more in the buffer: the memory may grow by exactly three.
    let mut b = Buffers::new(&file, Some(2051));
    let mut inst = b.instance(&file, &[]).unwrap();
    assert_eq!(call1(&mut inst, "grow", &[i(2)]), Ok(i(2048)));
    assert_eq!(call1(&mut inst, "grow", &[i(2)]), Ok(i(-1)));
    assert_eq!(call1(&mut inst, "grow", &[i(1)]), Ok(i(2050)));
    assert_eq!(call1(&mut inst, "size", &[]), Ok(i(2051)));
    assert_eq!(call1(&mut inst, "load", &[i(2047)]), Ok(i(0)));
    assert_eq!(
        call1(&mut inst, "load", &[i(2048)]),
        Err(CallError::Trap(Trap::MemoryOutOfBounds))
    );
    let _ = inst;
    let mut small = Buffers::new(&file, Some(2047));
    assert_eq!(
        small.instance(&file, &[]).err(),
        Some(BareError::MemoryTooSmall {
            need: 2048,
            have: 2047
        })
    );
}

/// Multi-memory: two memories, each in its own buffer sized from the file; loads,
/// stores, `memory.size`/`grow`, data segments, `memory.init` and `memory.copy`
/// between them.
#[cfg(feature = "multi-memory")]
#[test]
fn two_memories_in_two_buffers() {
    let bytes = aot(r#"(module
      (memory $a 1 2)
      (memory $b 100 200 (pagesize 1))
      (data (memory $b) (i32.const 96) "\01\02\03\04")
      (data $later "\aa\bb")
      (func (export "load_b") (param i32) (result i32) (i32.load $b (local.get 0)))
      (func (export "store_b8") (param i32 i32) (i32.store8 $b (local.get 0) (local.get 1)))
      (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
      (func (export "size_b") (result i32) (memory.size $b))
      (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
      (func (export "init_b") (param i32) (memory.init $b $later (local.get 0) (i32.const 0) (i32.const 2)))
      (func (export "copy_b_to_a") (param i32 i32 i32)
        (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2))))"#);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    assert_eq!(req.memories, 2);
    assert_eq!(
        (req.memory_min_bytes, req.memory_max_bytes),
        (65536, Some(2 * 65536))
    );
    assert_eq!(memory_requirements(&file, 1), Ok((100, Some(200))));
    assert!(memory_requirements(&file, 2).is_err());

    let mut code = Code(ExecRegion::new(req.code.region_bytes).unwrap());
    let mut state = vec![0u64; req.state_bytes.div_ceil(8)];
    let (mut mem_a, mut mem_b) = (vec![0xa5u8; 65536], vec![0xa5u8; 110]);
    // One buffer for two memories is an error, not a crash.
    {
        let mut one = vec![0u8; 65536];
        let mut code1 = Code(ExecRegion::new(req.code.region_bytes).unwrap());
        let mut state1 = vec![0u64; req.state_bytes.div_ceil(8)];
        let e = Instance::new(
            &file,
            &mut code1,
            as_bytes(&mut state1),
            &mut one,
            &[],
            &Config::default(),
        );
        assert!(matches!(e, Err(BareError::Unsupported(_))), "{:?}", e.err());
    }
    let mut inst = Instance::with_memories(
        &file,
        &mut code,
        as_bytes(&mut state),
        [&mut mem_a[..], &mut mem_b[..]],
        &[],
        &Config::default(),
    )
    .unwrap();
    let i = Value::I32;
    assert_eq!(inst.memory_at(1).len(), 100);
    assert_eq!(call1(&mut inst, "load_b", &[i(96)]), Ok(i(0x0403_0201)));
    assert_eq!(
        call1(&mut inst, "load_b", &[i(97)]),
        Err(CallError::Trap(Trap::MemoryOutOfBounds))
    );
    assert_eq!(
        call1(&mut inst, "load_a", &[i(96)]),
        Ok(i(0)),
        "memory 0 untouched"
    );
    assert_eq!(call1(&mut inst, "size_b", &[]), Ok(i(100)));
    // The buffer holds 110 bytes, the type allows 200.
    assert_eq!(call1(&mut inst, "grow_b", &[i(11)]), Ok(i(-1)));
    assert_eq!(call1(&mut inst, "grow_b", &[i(10)]), Ok(i(100)));
    assert_eq!(call0(&mut inst, "store_b8", &[i(109), i(0x77)]), Ok(()));
    assert_eq!(call0(&mut inst, "init_b", &[i(0)]), Ok(()));
    assert_eq!(
        call0(&mut inst, "copy_b_to_a", &[i(65532), i(0), i(4)]),
        Ok(())
    );
    assert_eq!(call1(&mut inst, "load_a", &[i(65532)]), Ok(i(0x0000_bbaa)));
    assert_eq!(
        call0(&mut inst, "copy_b_to_a", &[i(0), i(107), i(4)]),
        Err(CallError::Trap(Trap::MemoryOutOfBounds))
    );
    assert_eq!(
        call0(&mut inst, "copy_b_to_a", &[i(0), i(106), i(4)]),
        Ok(())
    );
    assert_eq!(call1(&mut inst, "load_a", &[i(0)]), Ok(i(0x7700_0000)));
    assert_eq!(inst.memory_at(1)[109], 0x77);
    assert!(inst.memory_at(2).is_empty());
    let _ = inst;
    assert_eq!(mem_b[109], 0x77, "memory 1 lives in its buffer");
}

const TABLES: &str = r#"(module
  (import "env" "triple" (func $triple (param i32) (result i32)))
  (type $ii (func (param i32) (result i32)))
  (type $same (func (param i32) (result i32)))
  (type $v (func (result i32)))
  (table $t 6 8 funcref)
  (table $ext 2 externref)
  (memory 1)
  (global $g funcref (ref.func $dbl))
  (func $dbl (type $same) (i32.mul (local.get 0) (i32.const 2)))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $seven (type $v) (i32.const 7))
  (elem (table $t) (i32.const 1) func $dbl $inc $seven $triple)
  (elem $passive funcref (ref.func $inc) (ref.null func) (ref.func $dbl))
  (elem declare func $seven)
  (data (i32.const 8) "abc")
  (data $pd "xyz")
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect $t (type $ii) (local.get 1) (local.get 0)))
  (func (export "call_v") (param i32) (result i32)
    (call_indirect $t (type $v) (local.get 0)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "init_passive") (param i32)
    (table.init $t $passive (local.get 0) (i32.const 0) (i32.const 3)))
  (func (export "drop_passive") (elem.drop $passive))
  (func (export "minit") (param i32) (memory.init $pd (local.get 0) (i32.const 0) (i32.const 3)))
  (func (export "ddrop") (data.drop $pd))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.func $seven) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "set_from_global") (param i32) (table.set $t (local.get 0) (global.get $g)))
  (func (export "ext_set") (param i32 externref) (table.set $ext (local.get 0) (local.get 1)))
  (func (export "ext_get") (param i32) (result externref) (table.get $ext (local.get 0)))
  (func (export "fref") (result funcref) (ref.func $inc)))"#;

fn triple(_: &mut HostCall<'_>, cells: &mut [Cell]) -> Result<(), Trap> {
    cells[0] = u64::from((cells[0] as u32).wrapping_mul(3));
    Ok(())
}

#[test]
fn segments_tables_and_call_indirect() {
    let bytes = aot(TABLES);
    let file = AotFile::parse(&bytes).unwrap();
    let hosts = [HostFunc {
        module: "env",
        name: "triple",
        params: &[ValType::I32],
        results: &[ValType::I32],
        func: HostFn::Rust(triple),
        data: std::ptr::null_mut(),
    }];
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &hosts).unwrap();
    let i = Value::I32;
    let call = |inst: &mut Instance<'_>, idx: i32, arg: i32| call1(inst, "call", &[i(idx), i(arg)]);
    // Structurally equal types match; the host function is reachable through the table.
    assert_eq!(call(&mut inst, 1, 21), Ok(i(42)));
    assert_eq!(call(&mut inst, 2, 41), Ok(i(42)));
    assert_eq!(call(&mut inst, 4, 14), Ok(i(42)));
    assert_eq!(call1(&mut inst, "call_v", &[i(3)]), Ok(i(7)));
    assert_eq!(call(&mut inst, 3, 0), trap(Trap::IndirectCallTypeMismatch));
    assert_eq!(
        call1(&mut inst, "call_v", &[i(1)]),
        trap(Trap::IndirectCallTypeMismatch)
    );
    assert_eq!(call(&mut inst, 0, 0), trap(Trap::UninitializedElement));
    assert_eq!(call(&mut inst, 6, 0), trap(Trap::UndefinedElement));
    assert_eq!(call(&mut inst, 1, 5), Ok(i(10)));

    // Data segments: active applied, passive by memory.init until dropped.
    assert_eq!(&inst.memory()[8..11], b"abc");
    call0(&mut inst, "minit", &[i(20)]).unwrap();
    assert_eq!(&inst.memory()[20..23], b"xyz");
    call0(&mut inst, "ddrop", &[]).unwrap();
    assert_eq!(
        call0(&mut inst, "minit", &[i(30)]),
        trap(Trap::MemoryOutOfBounds)
    );
    assert_eq!(&inst.memory()[30..33], &[0, 0, 0]);

    // Passive element segment: table.init with ref.func / ref.null items.
    call0(&mut inst, "init_passive", &[i(3)]).unwrap();
    assert_eq!(call(&mut inst, 3, 1), Ok(i(2)));
    assert_eq!(call(&mut inst, 4, 1), trap(Trap::UninitializedElement));
    assert_eq!(call(&mut inst, 5, 4), Ok(i(8)));
    assert_eq!(
        call0(&mut inst, "init_passive", &[i(4)]),
        trap(Trap::TableOutOfBounds)
    );
    call0(&mut inst, "drop_passive", &[]).unwrap();
    assert_eq!(
        call0(&mut inst, "init_passive", &[i(0)]),
        trap(Trap::TableOutOfBounds)
    );

    // table.grow up to the declared maximum, with the init value.
    assert_eq!(call1(&mut inst, "size", &[]), Ok(i(6)));
    assert_eq!(call1(&mut inst, "grow", &[i(3)]), Ok(i(-1)));
    assert_eq!(call1(&mut inst, "grow", &[i(2)]), Ok(i(6)));
    assert_eq!(call1(&mut inst, "call_v", &[i(7)]), Ok(i(7)));
    assert_eq!(call1(&mut inst, "size", &[]), Ok(i(8)));
    // fill / copy / get / set.
    call0(&mut inst, "copy", &[i(0), i(1), i(2)]).unwrap();
    assert_eq!(call(&mut inst, 0, 4), Ok(i(8)));
    assert_eq!(
        call0(&mut inst, "copy", &[i(7), i(0), i(2)]),
        trap(Trap::TableOutOfBounds)
    );
    call0(&mut inst, "fill", &[i(6), i(2)]).unwrap();
    assert_eq!(call1(&mut inst, "is_null", &[i(7)]), Ok(i(1)));
    assert_eq!(call1(&mut inst, "is_null", &[i(0)]), Ok(i(0)));
    assert_eq!(
        call0(&mut inst, "fill", &[i(7), i(2)]),
        trap(Trap::TableOutOfBounds)
    );
    assert_eq!(
        call1(&mut inst, "is_null", &[i(8)]),
        trap(Trap::TableOutOfBounds)
    );
    call0(&mut inst, "set_from_global", &[i(7)]).unwrap();
    assert_eq!(call(&mut inst, 7, 50), Ok(i(100)));
    // externref round trip; funcref results carry the function index.
    call0(&mut inst, "ext_set", &[i(1), Value::ExternRef(Some(77))]).unwrap();
    assert_eq!(
        call1(&mut inst, "ext_get", &[i(1)]),
        Ok(Value::ExternRef(Some(77)))
    );
    assert_eq!(
        call1(&mut inst, "ext_get", &[i(0)]),
        Ok(Value::ExternRef(None))
    );
    assert_eq!(call1(&mut inst, "fref", &[]), Ok(Value::FuncRef(Some(2))));
    assert_eq!(
        call0(&mut inst, "ext_set", &[i(2), Value::ExternRef(None)]),
        trap(Trap::TableOutOfBounds)
    );
}

#[test]
fn table_room_caps_unbounded_growth() {
    let wat = r#"(module (table 2 funcref)
      (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#;
    let bytes = aot(wat);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &[]).unwrap();
    let room = TABLE_ROOM as i32;
    assert_eq!(
        call1(&mut inst, "grow", &[Value::I32(room - 1)]),
        Ok(Value::I32(-1))
    );
    assert_eq!(
        call1(&mut inst, "grow", &[Value::I32(room - 2)]),
        Ok(Value::I32(2))
    );
    assert_eq!(
        call1(&mut inst, "grow", &[Value::I32(1)]),
        Ok(Value::I32(-1))
    );
}

#[test]
fn active_segment_out_of_bounds_fails_instantiation() {
    for wat in [
        r#"(module (memory 1) (data (i32.const 65535) "ab"))"#,
        r#"(module (table 1 funcref) (func $f) (elem (i32.const 1) $f))"#,
    ] {
        let bytes = aot(wat);
        let file = AotFile::parse(&bytes).unwrap();
        let mut b = Buffers::new(&file, None);
        let err = b.instance(&file, &[]).err().unwrap();
        let want = if wat.contains("data") {
            Trap::MemoryOutOfBounds
        } else {
            Trap::TableOutOfBounds
        };
        assert_eq!(err, BareError::Init(want), "{wat}");
    }
}

#[test]
fn start_function_and_globals() {
    let wat = r#"(module
      (memory 1)
      (global $count (export "count") (mut i32) (i32.const 40))
      (global (export "big") i64 (i64.const -5000000000))
      (global (export "pi") f32 (f32.const 3.25))
      (global (export "e") (mut f64) (f64.const 2.5))
      (global $copy (export "copy") i32 (i32.const 9))
      (func $start (global.set $count (i32.add (global.get $count) (i32.const 2)))
        (i32.store (i32.const 0) (global.get $count)))
      (start $start)
      (func (export "bump") (result i32)
        (global.set $count (i32.add (global.get $count) (i32.const 1)))
        (global.set 3 (f64.mul (global.get 3) (f64.const 2)))
        (global.get $count))
      (func (export "mem0") (result i32) (i32.load (i32.const 0))))"#;
    let bytes = aot(wat);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &[]).unwrap();
    assert_eq!(inst.global("count"), Some(Value::I32(42)));
    assert_eq!(call1(&mut inst, "mem0", &[]), Ok(Value::I32(42)));
    assert_eq!(inst.global("big"), Some(Value::I64(-5000000000)));
    assert_eq!(inst.global("pi"), Some(Value::F32(3.25f32.to_bits())));
    assert_eq!(inst.global("copy"), Some(Value::I32(9)));
    assert_eq!(call1(&mut inst, "bump", &[]), Ok(Value::I32(43)));
    assert_eq!(inst.global("count"), Some(Value::I32(43)));
    assert_eq!(inst.global("e"), Some(Value::F64(5.0f64.to_bits())));
    assert_eq!(inst.global("bump"), None);
    assert_eq!(inst.global("missing"), None);
}

#[test]
fn start_trap_fails_instantiation() {
    let bytes = aot(r#"(module (func $s unreachable) (start $s))"#);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let err = b.instance(&file, &[]).err().unwrap();
    assert_eq!(err, BareError::Start(Trap::Unreachable));
    assert_eq!(err.to_string(), "start function trapped: unreachable");
}

const TRAPS: &str = r#"(module
  (memory 1)
  (func (export "unreachable") unreachable)
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $rec (export "recurse") (param i32) (result i32)
    (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "ok") (result i32) (i32.const 1)))"#;

#[test]
fn traps_are_values_and_the_instance_stays_usable() {
    let bytes = aot(TRAPS);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &[]).unwrap();
    let i = Value::I32;
    let cases: [(&str, Vec<Value>, Trap); 5] = [
        ("unreachable", vec![], Trap::Unreachable),
        ("div", vec![i(1), i(0)], Trap::IntegerDivideByZero),
        ("div", vec![i(i32::MIN), i(-1)], Trap::IntegerOverflow),
        ("load", vec![i(-1)], Trap::MemoryOutOfBounds),
        ("recurse", vec![i(0)], Trap::StackExhausted),
    ];
    for (name, args, want) in cases {
        let f = inst.func(name).unwrap();
        let n = inst.func_type(f).result_count();
        let mut out = vec![Value::I32(0); n];
        assert_eq!(
            inst.call(f, &args, &mut out),
            Err(CallError::Trap(want)),
            "{name}"
        );
        assert_eq!(call1(&mut inst, "ok", &[]), Ok(i(1)), "after {name}");
    }
    assert_eq!(call1(&mut inst, "div", &[i(7), i(2)]), Ok(i(3)));
}

#[test]
fn stack_exhaustion_respects_the_configured_budget() {
    let bytes = aot(TRAPS);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let state = as_bytes(&mut b.state);
    let config = Config {
        native_stack_bytes: 4096,
        ..Config::new()
    };
    let mut inst = Instance::new(&file, &mut b.code, state, &mut b.memory, &[], &config).unwrap();
    assert_eq!(
        call1(&mut inst, "recurse", &[Value::I32(0)]),
        Err(CallError::Trap(Trap::StackExhausted))
    );
    assert_eq!(call1(&mut inst, "ok", &[]), Ok(Value::I32(1)));
}

#[test]
fn buffers_are_checked() {
    let bytes = aot(GROW);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    let mut b = Buffers::new(&file, None);
    let state = as_bytes(&mut b.state);
    let short = &mut state[..req.state_bytes - 1];
    let err = Instance::new(
        &file,
        &mut b.code,
        short,
        &mut b.memory,
        &[],
        &Config::new(),
    )
    .err()
    .unwrap();
    assert_eq!(
        err,
        BareError::StateTooSmall {
            need: req.state_bytes,
            have: req.state_bytes - 1
        }
    );
    let mut b = Buffers::new(&file, None);
    let state = as_bytes(&mut b.state);
    let mut bigger = vec![0u64; state.len() / 8 + 1];
    let misaligned = &mut as_bytes(&mut bigger)[4..];
    let err = Instance::new(
        &file,
        &mut b.code,
        misaligned,
        &mut b.memory,
        &[],
        &Config::new(),
    )
    .err()
    .unwrap();
    assert_eq!(err, BareError::StateMisaligned);
    let mut b = Buffers::new(&file, Some(65535));
    let err = b.instance(&file, &[]).err().unwrap();
    assert_eq!(
        err,
        BareError::MemoryTooSmall {
            need: 65536,
            have: 65535
        }
    );
    assert_eq!(
        err.to_string(),
        "linear memory buffer too small: need 65536 bytes, have 65535"
    );
    // A too-small code region comes back from the loader.
    let mut b = Buffers::new(&file, None);
    let mut small = Code(ExecRegion::new(8).unwrap());
    let state = as_bytes(&mut b.state);
    let err = Instance::new(&file, &mut small, state, &mut b.memory, &[], &Config::new())
        .err()
        .unwrap();
    assert!(
        matches!(err, BareError::Load(LoadError::RegionTooSmall { .. })),
        "{err}"
    );
}

#[test]
fn unsupported_files_are_refused() {
    let guard = compile(ARITH, BoundsChecks::Guard);
    let file = AotFile::parse(&guard).unwrap();
    let err = instance_requirements(&file).err().unwrap();
    assert!(matches!(err, BareError::Unsupported(_)));
    assert!(
        err.to_string().contains("--bounds-checks=explicit"),
        "{err}"
    );

    for (wat, kind) in [
        (r#"(module (import "env" "mem" (memory 1)))"#, "memorys"),
        (r#"(module (import "env" "t" (table 1 funcref)))"#, "tables"),
        (r#"(module (import "env" "g" (global i32)))"#, "globals"),
    ] {
        let bytes = aot(wat);
        let file = AotFile::parse(&bytes).unwrap();
        let err = instance_requirements(&file).err().unwrap();
        assert!(matches!(err, BareError::UnsupportedImport { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.starts_with("import `env."), "{msg}");
        assert!(msg.contains(kind.trim_end_matches('s')), "{msg}");
    }
}

#[test]
fn funcref_arguments_are_checked() {
    let wat = r#"(module (table 1 funcref)
      (func (export "put") (param funcref) (table.set (i32.const 0) (local.get 0)))
      (func (export "run") (result i32) (call_indirect (result i32) (i32.const 0)))
      (func (export "nine") (result i32) (i32.const 9)))"#;
    let bytes = aot(wat);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &[]).unwrap();
    assert_eq!(
        call0(&mut inst, "put", &[Value::FuncRef(Some(3))]),
        Err(CallError::Signature)
    );
    call0(&mut inst, "put", &[Value::FuncRef(Some(2))]).unwrap();
    assert_eq!(call1(&mut inst, "run", &[]), Ok(Value::I32(9)));
    call0(&mut inst, "put", &[Value::FuncRef(None)]).unwrap();
    assert_eq!(
        call1(&mut inst, "run", &[]),
        Err(CallError::Trap(Trap::UninitializedElement))
    );
}

#[test]
fn raw_handle_round_trip() {
    let bytes = aot(ARITH);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let inst = b.instance(&file, &[]).unwrap();
    let raw = inst.as_raw();
    let _ = inst;
    // SAFETY: the buffers are still borrowed by `b` and no other handle is used.
    let mut again = unsafe { Instance::from_raw(raw) };
    assert_eq!(
        call1(&mut again, "add", &[Value::I32(1), Value::I32(2)]),
        Ok(Value::I32(3))
    );
}

#[cfg(feature = "interp")]
type Calls<'a> = &'a [(&'a str, &'a [Value])];

/// The same modules under the interpreter and the bare runtime give the same results
/// and traps.
#[test]
#[cfg(feature = "interp")]
fn differential_against_the_interpreter() {
    use mote_core::runtime::{Extern, Store};
    use std::sync::Arc;
    let modules: [(&str, Calls<'_>); 3] = [
        (
            r#"(module
              (func $fib (export "fib") (param i32) (result i32)
                (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                  (then (local.get 0))
                  (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                                 (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
              (func (export "conv") (param f64) (result i64) (i64.trunc_f64_s (local.get 0)))
              (func (export "rot") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1))))"#,
            &[
                ("fib", &[Value::I32(20)]),
                ("conv", &[Value::F64(1e300f64.to_bits())]),
                ("conv", &[Value::F64((-12345.75f64).to_bits())]),
                ("rot", &[Value::I64(0x0123_4567_89ab_cdef), Value::I64(12)]),
            ],
        ),
        (
            r#"(module (memory 1 3)
              (data (i32.const 0) "\10\20\30\40")
              (func (export "sum") (param i32) (result i32) (local i32 i32)
                (block (loop
                  (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
                  (local.set 2 (i32.add (local.get 2) (i32.load8_u (local.get 1))))
                  (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                  (br 0)))
                (local.get 2))
              (func (export "fill") (param i32 i32 i32) (result i32)
                (memory.fill (local.get 0) (local.get 1) (local.get 2))
                (i32.load (local.get 0)))
              (func (export "copy") (param i32 i32 i32) (result i32)
                (memory.copy (local.get 0) (local.get 1) (local.get 2))
                (i32.load (local.get 0)))
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
            &[
                ("sum", &[Value::I32(4)]),
                ("sum", &[Value::I32(70000)]),
                ("fill", &[Value::I32(100), Value::I32(7), Value::I32(4)]),
                ("fill", &[Value::I32(65534), Value::I32(7), Value::I32(4)]),
                ("copy", &[Value::I32(200), Value::I32(0), Value::I32(4)]),
                ("copy", &[Value::I32(0), Value::I32(65533), Value::I32(4)]),
                ("grow", &[Value::I32(2)]),
                ("grow", &[Value::I32(1)]),
            ],
        ),
        (
            r#"(module (table 3 funcref)
              (func $a (result i32) (i32.const 1))
              (func $b (param i32) (result i32) (local.get 0))
              (elem (i32.const 0) $a $b)
              (func (export "ci") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
              (func (export "tg") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#,
            &[
                ("ci", &[Value::I32(0)]),
                ("ci", &[Value::I32(1)]),
                ("ci", &[Value::I32(2)]),
                ("ci", &[Value::I32(3)]),
                ("tg", &[Value::I32(5)]),
            ],
        ),
    ];
    for (wat, calls) in modules {
        let wasm = wat::parse_str(wat).unwrap();
        let module = Arc::new(Module::new(&wasm).unwrap());
        let mut store = Store::new();
        let mut interp = mote_interp::Interpreter::new();
        let inst_i = store.instantiate(module, &[], &mut interp).unwrap();

        let bytes = aot(wat);
        let file = AotFile::parse(&bytes).unwrap();
        let mut b = Buffers::new(&file, Some(3 * 65536));
        let mut inst = b.instance(&file, &[]).unwrap();
        for (name, args) in calls {
            let Some(Extern::Func(fi)) = store.export(inst_i, name) else {
                panic!("{name}");
            };
            let want = store
                .invoke(&mut interp, fi, args)
                .map_err(|e| e.to_string());
            let f = inst.func(name).unwrap();
            let mut out = vec![Value::I32(0); inst.func_type(f).result_count()];
            let got = inst
                .call(f, args, &mut out)
                .map(|()| out)
                .map_err(|e| e.to_string());
            assert_eq!(got, want, "{name}{args:?}");
        }
    }
}

/// Metadata that is cut short or corrupted (behind a valid checksum) gives errors from
/// `instance_requirements` / `Instance::new`, never a panic.
#[test]
fn corrupted_metadata_gives_errors() {
    let wat = r#"(module
      (import "env" "triple" (func (param i32) (result i32)))
      (memory 1 2) (table 3 funcref) (global (mut i32) (i32.const 5))
      (func $f (result i32) (i32.const 1))
      (elem (i32.const 1) $f) (elem funcref (ref.func $f))
      (data (i32.const 3) "abc") (data "p")
      (export "f" (func $f)))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let module = Module::new(&wasm).unwrap();
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = BoundsChecks::Explicit;
    opts.opt_level = 1;
    let obj = mote_aotc::compile(&module, &wasm, &opts).unwrap();
    let hosts = [HostFunc {
        module: "env",
        name: "triple",
        params: &[ValType::I32],
        results: &[ValType::I32],
        func: HostFn::Rust(triple),
        data: std::ptr::null_mut(),
    }];
    let meta = obj.metadata.clone();
    let mut variants: Vec<Vec<u8>> = (0..meta.len()).map(|n| meta[..n].to_vec()).collect();
    for i in 8..meta.len() {
        for v in [0x00, 0x01, 0x7f, 0x80, 0xff] {
            let mut m = meta.clone();
            m[i] = v;
            variants.push(m);
        }
    }
    let (mut ok, mut refused) = (0, 0);
    for m in variants {
        let mut o = obj.clone();
        o.metadata = m;
        let bytes = write(&o);
        let file = AotFile::parse(&bytes).unwrap();
        let Ok(req) = instance_requirements(&file) else {
            refused += 1;
            continue;
        };
        let parsed = mote_core::aot::meta::Meta::parse(file.metadata()).unwrap();
        if req.state_bytes > 1 << 20 || req.memory_min_bytes > 4 << 16 || parsed.start().is_some() {
            continue;
        }
        let mut b = Buffers::new(&file, None);
        match b.instance(&file, &hosts) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                refused += 1;
            }
        }
    }
    assert!(ok > 0 && refused > 0, "{ok} {refused}");
}

/// The state of a small module stays small (what an MCU budget sees).
#[test]
fn state_is_small() {
    let bytes = aot(ARITH);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    println!("ARITH: {req:?}");
    assert!(req.state_bytes < 1024, "{}", req.state_bytes);
    let bytes = aot(TABLES);
    let file = AotFile::parse(&bytes).unwrap();
    let req = instance_requirements(&file).unwrap();
    println!("TABLES: state {} bytes", req.state_bytes);
    // Table cells (8, and 256 for the unbounded externref table) dominate.
    let cells = (8 + TABLE_ROOM as usize) * 8;
    assert!(req.state_bytes - cells < 1536, "{}", req.state_bytes);
}

/// A host function calling back into its instance through the raw handle: the nested
/// call works, shares the stack budget, and its trap does not disturb the outer call.
#[test]
fn host_functions_may_call_back() {
    let wat = r#"(module
      (import "env" "back" (func $back (param i32) (result i32)))
      (func (export "outer") (param i32) (result i32)
        (i32.add (call $back (local.get 0)) (i32.const 1000)))
      (func (export "inner") (param i32) (result i32)
        (if (i32.eqz (local.get 0)) (then unreachable))
        (i32.mul (local.get 0) (i32.const 2)))
      (func $rec (export "recurse") (param i32) (result i32)
        (i32.add (call $rec (local.get 0)) (i32.const 1))))"#;
    fn back(call: &mut HostCall<'_>, cells: &mut [Cell]) -> Result<(), Trap> {
        // SAFETY: the test stores the instance's raw handle here before calling.
        let mut inst = unsafe { Instance::from_raw(*(call.data() as *const *mut c_void)) };
        let x = cells[0] as i32;
        let name = if x < 0 { "recurse" } else { "inner" };
        let f = inst.func(name).unwrap();
        let mut out = [Value::I32(0)];
        match inst.call(f, &[Value::I32(x)], &mut out) {
            Ok(()) => cells[0] = out[0].to_cell(),
            Err(CallError::Trap(t)) => cells[0] = t.code() as u64,
            Err(CallError::Signature) => return Err(Trap::Host("signature")),
        }
        Ok(())
    }
    let mut handle: *mut c_void = std::ptr::null_mut();
    let hosts = [HostFunc {
        module: "env",
        name: "back",
        params: &[ValType::I32],
        results: &[ValType::I32],
        func: HostFn::Rust(back),
        data: (&mut handle as *mut *mut c_void).cast(),
    }];
    let bytes = aot(wat);
    let file = AotFile::parse(&bytes).unwrap();
    let mut b = Buffers::new(&file, None);
    let mut inst = b.instance(&file, &hosts).unwrap();
    // SAFETY: `handle` outlives the calls below.
    unsafe { *(hosts[0].data as *mut *mut c_void) = inst.as_raw() };
    let i = Value::I32;
    assert_eq!(call1(&mut inst, "outer", &[i(21)]), Ok(i(1042)));
    // The nested call trapped (unreachable = code 1); the outer one goes on.
    assert_eq!(call1(&mut inst, "outer", &[i(0)]), Ok(i(1001)));
    // Nested unbounded recursion exhausts the shared budget (code 10) and is caught.
    assert_eq!(call1(&mut inst, "outer", &[i(-1)]), Ok(i(1010)));
    assert_eq!(call1(&mut inst, "inner", &[i(4)]), Ok(i(8)));
}

#[test]
fn files_for_another_arch_are_refused() {
    let wasm = wat::parse_str(TRAPS).unwrap();
    let module = Module::new(&wasm).unwrap();
    let mut opts = mote_aotc::Options::new(mote_core::aot::reloc::Arch::Thumbv7em);
    opts.bounds_checks = BoundsChecks::Explicit;
    let bytes = write(&mote_aotc::compile(&module, &wasm, &opts).unwrap());
    let file = AotFile::parse(&bytes).unwrap();
    let err = instance_requirements(&file).err().unwrap();
    assert!(
        matches!(err, BareError::Load(LoadError::WrongArch { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("Thumbv7em"), "{err}");
}

/// memory64: a 64-bit memory and a 64-bit table in caller buffers: i64 addresses, offsets beyond
/// 2^32 and address + offset past 2^64 trap without wrapping, `memory.size`/`grow` and
/// `table.size`/`grow` in i64, an i64 data segment offset, `call_indirect` with an i64
/// index.
#[cfg(feature = "memory64")]
#[test]
fn a_64_bit_memory_and_table_in_buffers() {
    const MEMORY64: &str = r#"(module
      (memory i64 1 3)
      (table $t i64 2 4 funcref)
      (elem (table $t) (i64.const 1) func $seven)
      (data (i64.const 8) "\2a")
      (func $seven (result i32) (i32.const 7))
      (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
      (func (export "load_far") (param i64) (result i32)
        (i32.load8_u offset=0x1_0000_0000 (local.get 0)))
      (func (export "load_wrap") (param i64) (result i32)
        (i32.load offset=0xffff_ffff_ffff_fff0 (local.get 0)))
      (func (export "store") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
      (func (export "size") (result i64) (memory.size))
      (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "fill") (param i64 i64) (memory.fill (local.get 0) (i32.const 9) (local.get 1)))
      (func (export "call") (param i64) (result i32) (call_indirect $t (result i32) (local.get 0)))
      (func (export "table_size") (result i64) (table.size $t))
      (func (export "table_grow") (param i64) (result i64)
        (table.grow $t (ref.null func) (local.get 0))))"#;
    {
        let bytes = aot(MEMORY64);
        let file = AotFile::parse(&bytes).unwrap();
        let req = instance_requirements(&file).unwrap();
        assert_eq!(
            (req.memory_min_bytes, req.memory_max_bytes),
            (65536, Some(3 * 65536))
        );
        let mut b = Buffers::new(&file, Some(2 * 65536));
        let mut inst = b.instance(&file, &[]).unwrap();
        let (i, l) = (Value::I32, Value::I64);
        let oob = trap(Trap::MemoryOutOfBounds);
        assert_eq!(call1(&mut inst, "load", &[l(8)]), Ok(i(42)));
        assert_eq!(call1(&mut inst, "load", &[l(65535)]), Ok(i(0)));
        assert_eq!(call1(&mut inst, "load", &[l(65536)]), oob);
        assert_eq!(call1(&mut inst, "load", &[l(1 << 32)]), oob);
        assert_eq!(call1(&mut inst, "load", &[l(-1)]), oob);
        assert_eq!(call1(&mut inst, "load_far", &[l(0)]), oob);
        // 0x20 + 0xffff_ffff_ffff_fff0 wraps to 0x10 in 64 bits: still out of bounds.
        assert_eq!(call1(&mut inst, "load_wrap", &[l(0x20)]), oob);
        assert_eq!(
            call0(&mut inst, "store", &[l(-8), i(1)]),
            trap(Trap::MemoryOutOfBounds)
        );
        assert_eq!(call1(&mut inst, "size", &[]), Ok(l(1)));
        assert_eq!(call1(&mut inst, "grow", &[l(1 << 32)]), Ok(l(-1)));
        assert_eq!(
            call1(&mut inst, "grow", &[l(2)]),
            Ok(l(-1)),
            "beyond the buffer"
        );
        assert_eq!(call1(&mut inst, "grow", &[l(1)]), Ok(l(1)));
        assert_eq!(call1(&mut inst, "size", &[]), Ok(l(2)));
        assert_eq!(call0(&mut inst, "fill", &[l(65536), l(65536)]), Ok(()));
        assert_eq!(call1(&mut inst, "load", &[l(2 * 65536 - 1)]), Ok(i(9)));
        assert_eq!(
            call0(&mut inst, "fill", &[l(65536), l(1 << 32)]),
            trap(Trap::MemoryOutOfBounds)
        );
        assert_eq!(call1(&mut inst, "call", &[l(1)]), Ok(i(7)));
        assert_eq!(
            call1(&mut inst, "call", &[l(0)]),
            trap(Trap::UninitializedElement)
        );
        assert_eq!(
            call1(&mut inst, "call", &[l(1 << 32 | 1)]),
            trap(Trap::UndefinedElement)
        );
        assert_eq!(call1(&mut inst, "table_size", &[]), Ok(l(2)));
        assert_eq!(call1(&mut inst, "table_grow", &[l(1 << 32)]), Ok(l(-1)));
    }
}
