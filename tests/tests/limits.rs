//! Fuel (`mote_core::fuel`) and interruption on every engine: the interpreter, hosted
//! AOT with explicit checks and with guard pages (`mote::aot`), and the no-heap runtime
//! (`mote::bare`). The cost model promises the same count on each for the same run;
//! these tests check it on hand-written control flow, generated modules and the
//! benchmark programs, and that running out traps without consuming, so adding fuel
//! resumes. Interrupts stop endless loops from another thread, or at once when set
//! before the call, and leave the instance usable.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use mote::aot::HostCode;
use mote::bare::{instance_requirements, CallError, Config, Instance as BareInstance};
use mote::wasi::{PosixHost, WasiCtxBuilder};
use mote::{Linker, Module, Store, Trap, Value};
use mote_core::aot::format::{self, AotFile};
use mote_core::aot::object::BoundsChecks;
use mote_core::ValType;
use mote_fuzz::mote_engine::{from_value, to_value};
use mote_platforms::posix::ExecRegion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Interp,
    AotExplicit,
    AotGuard,
}

const HOSTED: [Kind; 3] = [Kind::Interp, Kind::AotExplicit, Kind::AotGuard];

/// An `.aot` file; `checks`: compiled with fuel metering and interrupt checks.
fn aot_file(wasm: &[u8], bounds: BoundsChecks, checks: bool) -> Vec<u8> {
    let module = mote_core::Module::new(wasm).expect("test module validates");
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = bounds;
    opts.fuel = checks;
    opts.interruptible = checks;
    opts.opt_level = 1;
    format::write(&mote_aotc::compile(&module, wasm, &opts).expect("aotc"))
}

fn module(kind: Kind, wasm: &[u8]) -> Module {
    let bytes = match kind {
        Kind::Interp => wasm.to_vec(),
        Kind::AotExplicit => aot_file(wasm, BoundsChecks::Explicit, true),
        Kind::AotGuard => aot_file(wasm, BoundsChecks::Guard, true),
    };
    Module::new(&bytes).expect("module loads")
}

/// A `mote::bare` instance in heap buffers.
struct Bare {
    file: Vec<u8>,
    code: HostCode,
    state: Vec<u64>,
    memory: Vec<u8>,
}

impl Bare {
    fn new(wasm: &[u8]) -> Bare {
        let file = aot_file(wasm, BoundsChecks::Explicit, true);
        let parsed = AotFile::parse(&file).unwrap();
        let req = instance_requirements(&parsed).unwrap();
        Bare {
            code: HostCode(ExecRegion::new(req.code.region_bytes).unwrap()),
            state: vec![0; req.state_bytes.div_ceil(8)],
            memory: vec![0; req.memory_min_bytes.max(1 << 16)],
            file,
        }
    }

    /// Runs `f` on a fresh instance.
    fn with<R>(&mut self, f: impl FnOnce(&mut BareInstance<'_>) -> R) -> R {
        let file = AotFile::parse(&self.file).unwrap();
        // SAFETY: u64 cells reinterpreted as bytes: no alignment or validity requirements.
        let state = unsafe {
            std::slice::from_raw_parts_mut(self.state.as_mut_ptr().cast(), self.state.len() * 8)
        };
        let mut inst = BareInstance::new(
            &file,
            &mut self.code,
            state,
            &mut self.memory,
            &[],
            &Config::default(),
        )
        .expect("bare instance");
        f(&mut inst)
    }
}

const SPIN: &str = r#"(module
  (func (export "spin") (loop $l (br $l))))"#;

/// Runs `spin` with `budget`; it must stop with "all fuel consumed", then again after
/// more fuel is added. Returns the fuel left after each stop.
fn spin_hosted(kind: Kind, budget: u64) -> (u64, u64) {
    let wasm = wat::parse_str(SPIN).unwrap();
    let mut store = Store::new();
    store.set_fuel(budget);
    let instance = Linker::new()
        .instantiate(&mut store, &module(kind, &wasm))
        .unwrap();
    let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();
    assert_eq!(spin.call(&mut store, ()), Err(Trap::OutOfFuel), "{kind:?}");
    let first = store.get_fuel().unwrap();
    store.set_fuel(first + budget);
    assert_eq!(spin.call(&mut store, ()), Err(Trap::OutOfFuel), "{kind:?}");
    (first, store.get_fuel().unwrap())
}

#[test]
fn an_endless_loop_stops_and_resumes_with_more_fuel() {
    // Entry segment: `loop` (1 unit); the loop body: `br` (1 unit) per iteration. 1000
    // units: the entry, 999 iterations, 0 left; with 1000 more, 1000 iterations.
    for kind in HOSTED {
        assert_eq!(spin_hosted(kind, 1000), (0, 0), "{kind:?}");
    }
    let wasm = wat::parse_str(SPIN).unwrap();
    let mut bare = Bare::new(&wasm);
    bare.with(|inst| {
        let spin = inst.func("spin").unwrap();
        inst.set_fuel(1000);
        let stop = inst.call(spin, &[], &mut []);
        assert_eq!(stop, Err(CallError::Trap(Trap::OutOfFuel)));
        assert_eq!(inst.fuel(), Some(0));
        inst.set_fuel(1000);
        assert_eq!(
            inst.call(spin, &[], &mut []),
            Err(CallError::Trap(Trap::OutOfFuel))
        );
        assert_eq!(inst.fuel(), Some(0));
    });
}

#[test]
fn running_out_keeps_the_rest_when_a_segment_costs_more() {
    // A budget that does not divide evenly into the loop body's cost leaves the
    // remainder untouched.
    let wasm = wat::parse_str(
        r#"(module (func (export "spin")
             (loop $l (drop (i32.const 1)) (drop (i32.const 2)) (br $l))))"#,
    )
    .unwrap();
    for kind in HOSTED {
        let mut store = Store::new();
        // Entry: `loop` = 1; each iteration: const, drop, const, drop, br = 5.
        store.set_fuel(1 + 5 * 10 + 3);
        let instance = Linker::new()
            .instantiate(&mut store, &module(kind, &wasm))
            .unwrap();
        let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();
        assert_eq!(spin.call(&mut store, ()), Err(Trap::OutOfFuel));
        assert_eq!(store.get_fuel(), Some(3), "{kind:?}");
    }
}

#[test]
fn aot_code_without_metering_is_refused_when_fuel_is_set() {
    let wasm = wat::parse_str(SPIN).unwrap();
    let aot = aot_file(&wasm, BoundsChecks::Explicit, false);
    let mut store = Store::new();
    store.set_fuel(10);
    let instance = Linker::new()
        .instantiate(&mut store, &Module::new(&aot).unwrap())
        .unwrap();
    let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();
    let Err(Trap::Host(msg)) = spin.call(&mut store, ()) else {
        panic!("unmetered code ran with fuel set");
    };
    assert!(msg.contains("aotc --fuel"), "{msg}");
}

/// Control flow of every shape the cost model distinguishes, called with arguments
/// that take each path.
const SHAPES: &str = r#"(module
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "switch") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
      (br 0))
    (i32.const 40))
  (func (export "sum") (param i32) (result i32) (local i32)
    (block $out
      (loop $l
        (br_if $out (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get 1))
  (func (export "select") (param i32) (result i32)
    (if (local.get 0) (then (nop)) (else (return (i32.const 7))))
    (block (result i32) (i32.const 3) (br_if 0 (local.get 0)) (drop) (i32.const 4)))
  (func $inner (param i32) (result i32)
    (if (i32.gt_u (local.get 0) (i32.const 5)) (then unreachable))
    (i32.store (local.get 0) (local.get 0))
    (i32.load (local.get 0)))
  (func (export "nested") (param i32) (result i32)
    (i32.add (call $inner (local.get 0)) (i32.const 1)))
  ;; Out of bounds from 1: a guard-page fault, which leaves without a trap exit.
  (func (export "oob") (param i32) (result i32)
    (if (local.get 0) (then (nop)))
    (i32.load (i32.mul (local.get 0) (i32.const 65536)))))"#;

const SHAPE_CALLS: &[(&str, i32)] = &[
    ("fib", 0),
    ("fib", 1),
    ("fib", 15),
    ("switch", 0),
    ("switch", 1),
    ("switch", 2),
    ("switch", 3),
    ("switch", 99),
    ("sum", 0),
    ("sum", 100),
    ("select", 0),
    ("select", 1),
    ("nested", 2),
    ("nested", 9),
    ("oob", 0),
    ("oob", 1),
];

/// Fuel used by each call (and whether it trapped), on one hosted engine.
fn shape_costs(kind: Kind, budget: u64) -> Vec<(u64, bool)> {
    let wasm = wat::parse_str(SHAPES).unwrap();
    let mut store = Store::new();
    let instance = Linker::new()
        .instantiate(&mut store, &module(kind, &wasm))
        .unwrap();
    SHAPE_CALLS
        .iter()
        .map(|&(name, arg)| {
            store.set_fuel(budget);
            let f = instance.get_typed_func::<i32, i32>(&store, name).unwrap();
            let trapped = f.call(&mut store, arg).is_err();
            (budget - store.get_fuel().unwrap(), trapped)
        })
        .collect()
}

#[test]
fn every_engine_charges_the_same_for_each_control_shape() {
    let expected = shape_costs(Kind::Interp, 1 << 40);
    // Hand-counted anchors of the model: `switch` with 99 takes the default `br_table`
    // target to $d's end: entry segment (block ×4, local.get, br_table = 6), then after
    // $d's `end`: i32.const, end = 2.
    assert_eq!(expected[7], (8, false));
    // fib(0): entry (local.get, i32.const, i32.lt_u, if = 4), then (local.get, else = 2),
    // then after the if's `end`: end = 1.
    assert_eq!(expected[0], (7, false));
    for kind in [Kind::AotExplicit, Kind::AotGuard] {
        assert_eq!(shape_costs(kind, 1 << 40), expected, "{kind:?}");
    }
    let wasm = wat::parse_str(SHAPES).unwrap();
    let mut bare = Bare::new(&wasm);
    let bare_costs: Vec<(u64, bool)> = bare.with(|inst| {
        SHAPE_CALLS
            .iter()
            .map(|&(name, arg)| {
                inst.set_fuel(1 << 40);
                let f = inst.func(name).unwrap();
                let mut result = [Value::I32(0)];
                let trapped = inst.call(f, &[Value::I32(arg)], &mut result).is_err();
                ((1 << 40) - inst.fuel().unwrap(), trapped)
            })
            .collect()
    });
    assert_eq!(bare_costs, expected, "bare");
    // Every budget below a call's cost stops it at the same point on every engine.
    for budget in [1, 5, 17, 100, 1000] {
        let interp = shape_costs(Kind::Interp, budget);
        assert_eq!(
            shape_costs(Kind::AotExplicit, budget),
            interp,
            "budget {budget}"
        );
    }
}

/// Runs a WASI program with `budget`; returns whether it finished, the fuel left and
/// a hash of its memory.
fn run_wasi(kind: Kind, wasm: &[u8], budget: u64) -> (String, u64, u64) {
    let mut store = Store::new();
    store.set_fuel(budget);
    let mut linker = Linker::new();
    let ctx = WasiCtxBuilder::new()
        .arg("bench")
        .build(Box::new(PosixHost::new()))
        .unwrap();
    linker.add_wasi(&mut store, ctx);
    let instance = linker.instantiate(&mut store, &module(kind, wasm)).unwrap();
    let start = instance.get_typed_func::<(), ()>(&store, "_start").unwrap();
    let outcome = format!("{:?}", start.call(&mut store, ()));
    let memory = instance.get_memory(&store, "memory").unwrap();
    let hash = memory
        .data(&store)
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
        });
    (outcome, store.get_fuel().unwrap(), hash)
}

#[test]
fn benchmark_programs_use_the_same_fuel_on_every_engine() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/wasm");
    let mut checked = 0;
    // The rest (hashtable, lu, lz77, mandelbrot, matmul, nbody) only add compile time.
    for name in ["empty", "crc32", "fib", "sha256", "sieve", "sort", "vm"] {
        let wasm = std::fs::read(format!("{dir}/{name}.wasm")).unwrap();
        // Enough for a few million instructions: each program stops mid-run, at the same
        // segment on every engine, with the same memory.
        let budget = 3_000_000;
        let interp = run_wasi(Kind::Interp, &wasm, budget);
        for kind in [Kind::AotExplicit, Kind::AotGuard] {
            assert_eq!(run_wasi(kind, &wasm, budget), interp, "{name} on {kind:?}");
        }
        checked += 1;
    }
    assert_eq!(checked, 7);
}

/// The fuel each planned call of a generated module used, and whether it trapped.
fn generated_costs(kind: Kind, wasm: &[u8], seed: u64) -> Option<Vec<(u64, bool)>> {
    let info = mote_fuzz::module_info::read(wasm).ok()?;
    let mut linker = Linker::new();
    for import in &info.imports {
        let (module_name, name) = (import.module.clone(), import.name.clone());
        let result_types = import.results.clone();
        let ty = mote_core::FuncType::new(import.params.clone(), import.results.clone());
        linker
            .func_new(
                &import.module,
                &import.name,
                ty,
                move |_, params, results| {
                    let args: Vec<_> = params.iter().map(|v| from_value(*v)).collect();
                    let out = mote_fuzz::host::results(&module_name, &name, &args, &result_types);
                    for (slot, v) in results.iter_mut().zip(out) {
                        *slot = to_value(v);
                    }
                    Ok(())
                },
            )
            .ok()?;
    }
    let budget = 1u64 << 40;
    let mut store = Store::new();
    store.set_fuel(budget);
    let instance = linker.instantiate(&mut store, &module(kind, wasm)).ok()?;
    let mut costs = vec![(budget - store.get_fuel().unwrap(), false)];
    let mut rng = mote_fuzz::rng::Rng::new(seed);
    for call in mote_fuzz::driver::plan(&info, &mut rng) {
        let func = instance.get_func(&store, &call.func)?;
        let args: Vec<Value> = call.args.iter().map(|v| to_value(*v)).collect();
        let mut results: Vec<Value> = call
            .results
            .iter()
            .map(|&t| Value::default_for(t))
            .collect();
        store.set_fuel(budget);
        let trapped = func.call(&mut store, &args, &mut results).is_err();
        costs.push((budget - store.get_fuel().unwrap(), trapped));
    }
    Some(costs)
}

#[test]
fn generated_modules_use_the_same_fuel_on_every_engine() {
    let mut compared = 0;
    for index in 0..40 {
        let Some(generated) = mote_fuzz::generate::module(0x5eed_f0e1, index) else {
            continue;
        };
        let wasm = generated.wasm;
        // Floats that differ only in NaN bits can steer control flow differently on
        // different engines (no deterministic mode here): compare integer-only modules.
        let uses_float = |m: mote_core::Module| {
            m.types.iter().any(|t| {
                t.params
                    .iter()
                    .chain(t.results.iter())
                    .any(|v| matches!(v, ValType::F32 | ValType::F64))
            })
        };
        if mote_core::Module::new(&wasm).map_or(true, uses_float) {
            continue;
        }
        let Some(interp) = generated_costs(Kind::Interp, &wasm, index) else {
            continue;
        };
        let aot = generated_costs(Kind::AotExplicit, &wasm, index);
        assert_eq!(
            aot.as_ref(),
            Some(&interp),
            "module {index} ({})",
            generated.profile
        );
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} generated modules compared");
}

/// `spin` never returns; `fib` is a normal call that must work after an interrupt; `leaf`
/// has no loop and no call (AOT code checks in its trampoline, not at its entry).
const SPIN_AND_FIB: &str = r#"(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "leaf") (result i32) (i32.const 7))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;

#[test]
fn interrupts_stop_endless_loops_and_leave_the_instance_usable() {
    let wasm = wat::parse_str(SPIN_AND_FIB).unwrap();
    for kind in HOSTED {
        let mut store = Store::new();
        let handle = store.interrupt_handle();
        let instance = Linker::new()
            .instantiate(&mut store, &module(kind, &wasm))
            .unwrap();
        let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();
        let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
        // From another thread, while the loop runs.
        let remote = handle.clone();
        let timer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            remote.interrupt();
        });
        assert_eq!(
            spin.call(&mut store, ()),
            Err(Trap::Interrupted),
            "{kind:?}"
        );
        timer.join().unwrap();
        // The trap cleared the flag.
        assert_eq!(fib.call(&mut store, 10), Ok(55), "{kind:?}");
        // Set before the call: stops it at its entry, once.
        handle.interrupt();
        assert_eq!(fib.call(&mut store, 10), Err(Trap::Interrupted), "{kind:?}");
        assert_eq!(fib.call(&mut store, 10), Ok(55), "{kind:?}");
        let leaf = instance.get_typed_func::<(), i32>(&store, "leaf").unwrap();
        handle.interrupt();
        assert_eq!(
            leaf.call(&mut store, ()),
            Err(Trap::Interrupted),
            "{kind:?}"
        );
        assert_eq!(leaf.call(&mut store, ()), Ok(7), "{kind:?}");
        // Fuel and interrupts together: either one stops the loop.
        store.set_fuel(10_000);
        assert_eq!(spin.call(&mut store, ()), Err(Trap::OutOfFuel), "{kind:?}");
    }

    // Static, as an ISR's flag would be.
    static FLAG: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let flag = &FLAG;
    let mut bare = Bare::new(&wasm);
    std::thread::scope(|scope| {
        bare.with(|inst| {
            inst.set_interrupt_flag(flag);
            let spin = inst.func("spin").unwrap();
            let fib = inst.func("fib").unwrap();
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(50));
                flag.store(1, std::sync::atomic::Ordering::Relaxed);
            });
            assert_eq!(
                inst.call(spin, &[], &mut []),
                Err(CallError::Trap(Trap::Interrupted))
            );
            let mut result = [Value::I32(0)];
            inst.call(fib, &[Value::I32(10)], &mut result).unwrap();
            assert_eq!(result, [Value::I32(55)]);
            flag.store(1, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(
                inst.call(fib, &[Value::I32(10)], &mut result),
                Err(CallError::Trap(Trap::Interrupted))
            );
            inst.call(fib, &[Value::I32(10)], &mut result).unwrap();
            assert_eq!(result, [Value::I32(55)]);
        });
    });
}

#[test]
fn aot_code_without_checks_is_refused_when_interrupts_are_on() {
    let wasm = wat::parse_str(SPIN).unwrap();
    let aot = aot_file(&wasm, BoundsChecks::Explicit, false);
    let mut store = Store::new();
    let _handle = store.interrupt_handle();
    let instance = Linker::new()
        .instantiate(&mut store, &Module::new(&aot).unwrap())
        .unwrap();
    let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();
    let Err(Trap::Host(msg)) = spin.call(&mut store, ()) else {
        panic!("unchecked code ran with interrupts on");
    };
    assert!(msg.contains("aotc --interruptible"), "{msg}");
}

#[test]
fn one_stack_budget_bounds_recursion_on_both_engines() {
    let wasm = wat::parse_str(
        r#"(module (func $depth (export "depth") (param i32) (result i32)
             (if (result i32) (local.get 0)
               (then (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1)))
                              (i32.const 1)))
               (else (i32.const 0)))))"#,
    )
    .unwrap();
    for kind in [Kind::Interp, Kind::AotExplicit] {
        let run = |budget: Option<usize>, n: i32| {
            let mut store = match budget {
                Some(bytes) => Store::with_stack_size(bytes),
                None => Store::new(),
            };
            let instance = Linker::new()
                .instantiate(&mut store, &module(kind, &wasm))
                .unwrap();
            let depth = instance
                .get_typed_func::<i32, i32>(&store, "depth")
                .unwrap();
            depth.call(&mut store, n)
        };
        // 10 000 frames fit the default budgets (1 MiB of interpreter stack, the test
        // thread's native stack) but not 16 KiB.
        assert_eq!(run(None, 10_000), Ok(10_000), "{kind:?}");
        assert_eq!(run(Some(16 << 10), 100), Ok(100), "{kind:?}");
        assert_eq!(
            run(Some(16 << 10), 10_000),
            Err(Trap::StackExhausted),
            "{kind:?}"
        );
    }
}
