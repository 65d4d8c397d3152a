//! The embedding API on every engine: the interpreter, and AOT code with guard-page and
//! explicit bounds checks. Each test loads the same text module through each engine.
// The embedding API needs std.
#![cfg(feature = "std")]

use std::cell::{Cell as StdCell, RefCell};
use std::rc::Rc;

use mote::{
    Caller, Engine, Error, Extern, ExternKind, FuncType, Linker, Module, Store, Trap, ValType,
    Value,
};
use mote_core::aot::object::BoundsChecks;

// Builds without an engine leave its variants unused.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
enum Kind {
    Interp,
    AotGuard,
    AotExplicit,
}

/// The engines this build has.
const KINDS: &[Kind] = &[
    #[cfg(feature = "interp")]
    Kind::Interp,
    #[cfg(all(feature = "aot", target_os = "linux"))]
    Kind::AotGuard,
    #[cfg(all(feature = "aot", target_os = "linux"))]
    Kind::AotExplicit,
];

/// What `aotc` would write for this host.
fn aot_bytes(wasm: &[u8], bounds: BoundsChecks) -> Vec<u8> {
    let parsed = mote_core::Module::new(wasm).expect("test module validates");
    let opts = mote_aotc::Options {
        bounds_checks: bounds,
        ..mote_aotc::Options::host()
    };
    let object = mote_aotc::compile(&parsed, wasm, &opts).expect("aotc");
    mote_core::aot::format::write(&object)
}

fn bytes(kind: Kind, wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).expect("test module parses");
    match kind {
        Kind::Interp => wasm,
        Kind::AotGuard => aot_bytes(&wasm, BoundsChecks::Guard),
        Kind::AotExplicit => aot_bytes(&wasm, BoundsChecks::Explicit),
    }
}

fn load(kind: Kind, wat: &str) -> Module {
    let module = Module::new(&bytes(kind, wat)).expect("module loads");
    let want = match kind {
        Kind::Interp => Engine::Interpreter,
        Kind::AotGuard | Kind::AotExplicit => Engine::Aot,
    };
    assert_eq!(module.engine(), want);
    module
}

const ARITH: &str = r#"(module
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "mix") (param i64 f32 f64) (result f64 i64)
      (f64.add (f64.promote_f32 (local.get 1)) (local.get 2))
      (i64.mul (local.get 0) (i64.const 3)))
    (func (export "spin") (param i32) (result i32) (call 3 (local.get 0)))
    (func $deep (export "deep") (param i32) (result i32)
      (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
    (func (export "boom") unreachable))"#;

#[test]
fn typed_calls_and_traps_as_values() {
    for &kind in KINDS {
        let module = load(kind, ARITH);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        assert_eq!(store.engine(), Some(module.engine()));

        let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
        assert_eq!(fib.call(&mut store, 25), Ok(75025), "{kind:?}");

        // Without `float` the interpreter has no float instructions.
        #[cfg(feature = "float")]
        {
            let mix = instance
                .get_typed_func::<(i64, f32, f64), (f64, i64)>(&store, "mix")
                .unwrap();
            assert_eq!(mix.call(&mut store, (7, 1.5, 0.25)), Ok((1.75, 21)));
        }

        let div = instance
            .get_typed_func::<(i32, i32), i32>(&store, "div")
            .unwrap();
        assert_eq!(div.call(&mut store, (1, 0)), Err(Trap::IntegerDivideByZero));
        assert_eq!(
            div.call(&mut store, (i32::MIN, -1)),
            Err(Trap::IntegerOverflow)
        );
        assert_eq!(
            div.call(&mut store, (-9, 2)),
            Ok(-4),
            "{kind:?}: usable after a trap"
        );

        let boom = instance.get_typed_func::<(), ()>(&store, "boom").unwrap();
        let trap = boom.call(&mut store, ()).unwrap_err();
        assert_eq!(trap.to_string(), "unreachable");

        let deep = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
        assert_eq!(
            deep.call(&mut store, 0),
            Err(Trap::StackExhausted),
            "{kind:?}"
        );
        assert_eq!(
            fib.call(&mut store, 10),
            Ok(55),
            "{kind:?}: usable after exhaustion"
        );
    }
}

#[test]
fn untyped_calls() {
    for &kind in KINDS {
        let module = load(kind, ARITH);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let mix = instance.get_func(&store, "mix").unwrap();
        assert_eq!(
            mix.ty(&store),
            FuncType::new(
                [ValType::I64, ValType::F32, ValType::F64],
                [ValType::F64, ValType::I64]
            )
        );
        // Without `float` the interpreter has no float instructions.
        #[cfg(feature = "float")]
        {
            let mut out = [Value::I32(0); 2];
            let args = [
                Value::I64(2),
                Value::F32(2.5f32.to_bits()),
                Value::F64(1f64.to_bits()),
            ];
            mix.call(&mut store, &args, &mut out).unwrap();
            assert_eq!(out, [Value::F64(3.5f64.to_bits()), Value::I64(6)]);
        }

        let div = instance.get_func(&store, "div").unwrap();
        let mut one = [Value::I32(0)];
        let err = div
            .call(&mut store, &[Value::I32(1), Value::I32(0)], &mut one)
            .unwrap_err();
        assert_eq!(err, Error::Trap(Trap::IntegerDivideByZero));
        // Wrong argument type, wrong argument count, wrong number of result slots.
        for (args, slots) in [
            (&[Value::I32(1), Value::I64(1)][..], 1),
            (&[Value::I32(1)][..], 1),
            (&[Value::I32(1), Value::I32(1)][..], 2),
        ] {
            let mut out = vec![Value::I32(0); slots];
            let err = div.call(&mut store, args, &mut out).unwrap_err();
            assert!(matches!(err, Error::Signature { .. }), "{err}");
            assert!(
                err.to_string()
                    .contains("the function is (i32 i32) -> (i32)"),
                "{err}"
            );
        }
    }
}

#[test]
fn signature_and_export_errors() {
    for &kind in KINDS {
        let module = load(kind, ARITH);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let err = instance
            .get_typed_func::<(i32, i32), i64>(&store, "div")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "function type mismatch: the function is (i32 i32) -> (i32), but (i32 i32) -> (i64) was asked for"
        );
        let err = instance
            .get_typed_func::<i32, i32>(&store, "nope")
            .unwrap_err();
        assert_eq!(err, Error::ExportNotFound("nope".into()));
        assert!(instance.get_memory(&store, "fib").is_none());

        // A handle of one store refuses another store.
        let mut other = Store::new();
        let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
        assert!(matches!(fib.call(&mut other, 3), Err(Trap::Host(_))));
        let err = instance
            .get_typed_func::<i32, i32>(&other, "fib")
            .unwrap_err();
        assert_eq!(err, Error::WrongStore);
        let mut out = [Value::I32(0)];
        assert_eq!(
            fib.func().call(&mut other, &[Value::I32(3)], &mut out),
            Err(Error::WrongStore)
        );
    }
}

const HOSTED: &str = r#"(module
    (import "env" "add" (func $add (param i32 i32) (result i32)))
    (import "env" "fail" (func $fail (param i32) (result i32)))
    (import "env" "log" (func $log (param i32 i32)))
    (import "env" "pair" (func $pair (param f32) (result f64 i64)))
    (memory (export "memory") 1 3)
    (global $g (export "g") (mut i64) (i64.const 5))
    (global (export "k") f32 (f32.const 1.5))
    (data (i32.const 8) "hello")
    (func (export "add3") (param i32 i32 i32) (result i32)
      (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "guarded") (param i32) (result i32)
      (i32.add (call $fail (local.get 0)) (i32.const 1)))
    (func (export "greet") (call $log (i32.const 8) (i32.const 5)))
    (func (export "pair") (param f32) (result f64 i64) (call $pair (local.get 0)))
    (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "bump") (result i64)
      (global.set $g (i64.add (global.get $g) (i64.const 1)))
      (global.get $g))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

fn hosted_linker(log: Rc<RefCell<Vec<String>>>) -> Linker {
    let mut linker = Linker::new();
    linker
        .func_wrap("env", "add", |a: i32, b: i32| a.wrapping_add(b))
        .unwrap()
        .func_wrap("env", "fail", |v: i32| -> Result<i32, Trap> {
            if v == 13 {
                Err(Trap::Host("unlucky number"))
            } else {
                Ok(v * 2)
            }
        })
        .unwrap()
        .func_wrap(
            "env",
            "log",
            move |caller: Caller<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
                let memory = caller.memory().ok_or(Trap::Host("no memory"))?;
                let mut buf = vec![0; len as usize];
                memory.read(&caller, ptr as usize, &mut buf)?;
                log.borrow_mut()
                    .push(String::from_utf8_lossy(&buf).into_owned());
                Ok(())
            },
        )
        .unwrap()
        .func_wrap("env", "pair", |x: f32| (x as f64 * 2.0, x as i64))
        .unwrap();
    linker
}

#[test]
fn host_functions_memory_and_globals() {
    for &kind in KINDS {
        let module = load(kind, HOSTED);
        let log = Rc::new(RefCell::new(Vec::new()));
        let linker = hosted_linker(log.clone());
        let mut store = Store::new();
        let instance = linker.instantiate(&mut store, &module).unwrap();

        let add3 = instance
            .get_typed_func::<(i32, i32, i32), i32>(&store, "add3")
            .unwrap();
        assert_eq!(add3.call(&mut store, (1, 2, 3)), Ok(6), "{kind:?}");
        let pair = instance
            .get_typed_func::<f32, (f64, i64)>(&store, "pair")
            .unwrap();
        assert_eq!(pair.call(&mut store, 3.5), Ok((7.0, 3)));

        // A host trap travels through the WebAssembly caller to the embedder, which can
        // call again afterwards.
        let guarded = instance
            .get_typed_func::<i32, i32>(&store, "guarded")
            .unwrap();
        let trap = guarded.call(&mut store, 13).unwrap_err();
        assert_eq!(trap, Trap::Host("unlucky number"));
        assert_eq!(trap.to_string(), "unlucky number");
        assert_eq!(guarded.call(&mut store, 4), Ok(9), "{kind:?}");

        // Host reads the caller's memory.
        let greet = instance.get_typed_func::<(), ()>(&store, "greet").unwrap();
        let memory = instance.get_memory(&store, "memory").unwrap();
        greet.call(&mut store, ()).unwrap();
        memory.write(&mut store, 8, b"HEL").unwrap();
        greet.call(&mut store, ()).unwrap();
        assert_eq!(*log.borrow(), ["hello", "HELlo"], "{kind:?}");

        // Embedder reads and writes memory that the module sees.
        let peek = instance.get_typed_func::<i32, i32>(&store, "peek").unwrap();
        memory.data_mut(&mut store)[70000 % 65536] = 0xAB;
        assert_eq!(peek.call(&mut store, 70000 % 65536), Ok(0xAB));
        let mut buf = [0u8; 5];
        memory.read(&store, 8, &mut buf).unwrap();
        assert_eq!(&buf, b"HELlo");
        let err = memory.read(&store, 65534, &mut buf).unwrap_err();
        assert_eq!(
            err.to_string(),
            "out of bounds memory access: 5 byte(s) at offset 65534 in a memory of 65536 bytes"
        );
        assert_eq!(Trap::from(err), Trap::MemoryOutOfBounds);
        assert!(memory.write(&mut store, usize::MAX, b"x").is_err());
        assert_eq!(peek.call(&mut store, 65536), Err(Trap::MemoryOutOfBounds));

        // Growth from either side is seen by the other.
        assert_eq!(memory.size(&store), 1);
        assert_eq!(memory.grow(&mut store, 1), Some(1));
        memory.write(&mut store, 65536 + 10, &[7]).unwrap();
        assert_eq!(peek.call(&mut store, 65536 + 10), Ok(7), "{kind:?}");
        let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        assert_eq!(grow.call(&mut store, 1), Ok(2));
        assert_eq!(memory.data_size(&store), 3 * 65536);
        assert_eq!(memory.grow(&mut store, 1), None, "the maximum is 3 pages");
        assert_eq!(grow.call(&mut store, 1), Ok(-1));

        // Globals: the embedder's writes are what the code reads next.
        let g = instance.get_global(&store, "g").unwrap();
        let bump = instance.get_typed_func::<(), i64>(&store, "bump").unwrap();
        assert_eq!(bump.call(&mut store, ()), Ok(6));
        assert_eq!(g.get(&store), Value::I64(6));
        g.set(&mut store, Value::I64(100)).unwrap();
        assert_eq!(bump.call(&mut store, ()), Ok(101), "{kind:?}");
        let k = instance.get_global(&store, "k").unwrap();
        assert_eq!(k.get(&store), Value::F32(1.5f32.to_bits()));
        assert!(!k.ty(&store).mutable);
        assert!(matches!(
            k.set(&mut store, Value::F32(0)),
            Err(Error::Global(_))
        ));
        assert!(matches!(
            g.set(&mut store, Value::I32(0)),
            Err(Error::Global(_))
        ));
    }
}

#[test]
fn import_errors() {
    for &kind in KINDS {
        let module = load(kind, HOSTED);
        let mut store = Store::new();
        // Nothing defined: the first import is named.
        let err = Linker::new().instantiate(&mut store, &module).unwrap_err();
        assert_eq!(err.to_string(), "unknown import: `env.add` (function)");
        assert!(matches!(err, Error::Link(_)));

        // A host function of the wrong type.
        let mut linker = hosted_linker(Rc::default());
        let mut wrong = Linker::new();
        wrong
            .func_wrap("env", "add", |a: i64, b: i64| a + b)
            .unwrap();
        let err = wrong.instantiate(&mut store, &module).unwrap_err();
        assert_eq!(
            err.to_string(),
            "incompatible import type for `env.add`: the module expects a function \
             (i32 i32) -> (i32), the host function is (i64 i64) -> (i64)"
        );

        // Defining a name twice.
        let err = linker.func_wrap("env", "add", || ()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`env.add` is already defined in this linker"
        );

        // WASI imports without WASI.
        let wasi = load(
            kind,
            r#"(module (import "wasi_snapshot_preview1" "fd_write"
                 (func (param i32 i32 i32 i32) (result i32))))"#,
        );
        let err = linker.instantiate(&mut store, &wasi).unwrap_err();
        assert!(
            err.to_string().starts_with(if cfg!(feature = "wasi") {
                "unknown import: `wasi_snapshot_preview1.fd_write` (function) (WASI is not defined"
            } else {
                "unknown import: `wasi_snapshot_preview1.fd_write` (function) (this build of mote has no WASI"
            }),
            "{err}"
        );
    }
}

#[test]
fn untyped_host_functions() {
    const WAT: &str = r#"(module
        (import "env" "max" (func $max (param i64 i64) (result i64)))
        (import "env" "raw" (func $raw (param i32) (result i32)))
        (import "env" "bad" (func $bad (result i32)))
        (func (export "run") (param i64 i64) (result i64) (call $max (local.get 0) (local.get 1)))
        (func (export "raw") (param i32) (result i32) (call $raw (local.get 0)))
        (func (export "bad") (result i32) (call $bad)))"#;
    for &kind in KINDS {
        let module = load(kind, WAT);
        let mut linker = Linker::new();
        linker
            .func_new(
                "env",
                "max",
                FuncType::new([ValType::I64; 2], [ValType::I64]),
                |_, params, results| match (params[0], params[1]) {
                    (Value::I64(a), Value::I64(b)) => {
                        results[0] = Value::I64(a.max(b));
                        Ok(())
                    }
                    _ => Err(Trap::Host("unexpected types")),
                },
            )
            .unwrap()
            .func_cells(
                "env",
                "raw",
                FuncType::new([ValType::I32], [ValType::I32]),
                |_, cells| {
                    cells[0] = (cells[0] as u32).rotate_left(8) as u64;
                    Ok(())
                },
            )
            .unwrap()
            .func_new(
                "env",
                "bad",
                FuncType::new([], [ValType::I32]),
                |_, _, results| {
                    results[0] = Value::I64(1);
                    Ok(())
                },
            )
            .unwrap();
        let mut store = Store::new();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance
            .get_typed_func::<(i64, i64), i64>(&store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, (-5, 3)), Ok(3));
        let raw = instance.get_typed_func::<u32, u32>(&store, "raw").unwrap();
        assert_eq!(raw.call(&mut store, 0x1200_0034), Ok(0x0000_3412));
        let bad = instance.get_typed_func::<(), i32>(&store, "bad").unwrap();
        assert_eq!(
            bad.call(&mut store, ()),
            Err(Trap::Host(
                "host function returned a value of the wrong type"
            ))
        );
    }
}

#[test]
fn instances_link_to_each_other_and_reexported_host_functions() {
    const LIB: &str = r#"(module
        (import "env" "count" (func $count (result i32)))
        (export "count" (func $count))
        (memory (export "mem") 1)
        (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))"#;
    const APP: &str = r#"(module
        (import "lib" "store" (func $store (param i32 i32)))
        (import "lib" "mem" (memory 1))
        (import "lib" "count" (func $count (result i32)))
        (func (export "run") (result i32)
          (call $store (i32.const 4) (i32.add (call $count) (i32.const 100)))
          (i32.load (i32.const 4))))"#;
    for &kind in KINDS {
        let calls = Rc::new(StdCell::new(0));
        let seen = calls.clone();
        let mut linker = Linker::new();
        linker
            .func_wrap("env", "count", move |caller: Caller<'_>| -> i32 {
                // Called by the embedder directly there is no calling instance.
                let _ = caller.memory().is_some() || caller.get_export("mem").is_some();
                seen.set(seen.get() + 1);
                seen.get()
            })
            .unwrap();
        let mut store = Store::new();
        let lib = linker.instantiate(&mut store, &load(kind, LIB)).unwrap();
        linker.instance(&store, "lib", lib).unwrap();
        let app = linker.instantiate(&mut store, &load(kind, APP)).unwrap();
        let run = app.get_typed_func::<(), i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, ()), Ok(101), "{kind:?}");
        let mem = lib.get_memory(&store, "mem").unwrap();
        assert_eq!(&mem.data(&store)[4..8], &101i32.to_le_bytes());

        // The re-exported host function, called by the embedder.
        let count = lib.get_typed_func::<(), i32>(&store, "count").unwrap();
        assert_eq!(count.call(&mut store, ()), Ok(2));
        assert_eq!(calls.get(), 2);

        let kinds: Vec<(&str, ExternKind)> =
            lib.exports(&store).map(|(n, e)| (n, e.kind())).collect();
        assert_eq!(
            kinds,
            [
                ("count", ExternKind::Func),
                ("mem", ExternKind::Memory),
                ("store", ExternKind::Func)
            ]
        );
        assert!(matches!(
            lib.get_export(&store, "mem"),
            Some(Extern::Memory(_))
        ));

        // Items of one store cannot be imported into another.
        let mut other = Store::new();
        let err = linker
            .instantiate(&mut other, &load(kind, APP))
            .unwrap_err();
        assert_eq!(err.to_string(), "`lib.store` is an item of another store");
    }
}

#[test]
fn start_function_trap_is_an_instantiation_error() {
    for &kind in KINDS {
        let module = load(
            kind,
            r#"(module (memory 1) (func $s (i32.store (i32.const 65535) (i32.const 1))) (start $s))"#,
        );
        let err = Linker::new()
            .instantiate(&mut Store::new(), &module)
            .unwrap_err();
        assert_eq!(err, Error::Instantiation(Trap::MemoryOutOfBounds));
        assert_eq!(
            err.to_string(),
            "instantiation trapped: out of bounds memory access"
        );
    }
}

#[cfg(all(feature = "interp", feature = "aot", target_os = "linux"))]
#[test]
fn one_engine_per_store() {
    let mut store = Store::new();
    Linker::new()
        .instantiate(&mut store, &load(Kind::Interp, ARITH))
        .unwrap();
    let err = Linker::new()
        .instantiate(&mut store, &load(Kind::AotExplicit, ARITH))
        .unwrap_err();
    assert_eq!(
        err,
        Error::EngineMismatch {
            store: Engine::Interpreter,
            module: Engine::Aot
        }
    );
    assert!(err.to_string().contains("use a separate Store"), "{err}");
}

#[cfg(all(feature = "interp", feature = "aot", target_os = "linux"))]
#[test]
fn malformed_input_is_an_error() {
    let wasm = wat::parse_str(HOSTED).unwrap();
    let aot = aot_bytes(&wasm, BoundsChecks::Explicit);
    assert_eq!(Module::new(b"").unwrap_err(), Error::UnknownFormat);
    assert_eq!(Module::new(b"\0as").unwrap_err(), Error::UnknownFormat);
    assert_eq!(
        Module::new(b"#!/bin/sh\n").unwrap_err(),
        Error::UnknownFormat
    );
    assert_eq!(
        Module::new(b"ELF").unwrap_err().to_string(),
        "not a WebAssembly module or an .aot file (the magic is neither \\0asm nor \\0mot)"
    );
    // Every truncation of an .aot file is refused (its header records the length).
    for len in 4..aot.len() {
        let err = Module::new(&aot[..len]).expect_err("truncated .aot file loads");
        assert!(matches!(err, Error::Module(_) | Error::Aot(_)), "{err}");
    }
    // A .wasm file cut at a section boundary is a smaller valid module; anywhere else it
    // is malformed. Either way, no panic.
    let mut refused = 0;
    for len in 4..wasm.len() {
        if let Err(err) = Module::new(&wasm[..len]) {
            assert!(matches!(err, Error::Module(_)), "{err}");
            refused += 1;
        }
    }
    assert!(refused > wasm.len() / 2);
    let err = Module::new(&aot[..aot.len() - 1]).unwrap_err();
    assert!(
        err.to_string().starts_with("cannot load the .aot file: "),
        "{err}"
    );
    // A flipped bit in the body fails the checksum.
    let mut bad = aot.clone();
    let at = bad.len() / 2;
    bad[at] ^= 0x10;
    assert!(matches!(Module::new(&bad), Err(Error::Aot(_))));
}

#[cfg(feature = "interp")]
#[test]
fn invalid_module_names_the_problem() {
    // `wat` checks syntax only, so this binary reaches the validator.
    let wasm = wat::parse_str("(module (func (result i32) i64.const 1))").unwrap();
    let err = Module::new(&wasm).unwrap_err();
    assert!(matches!(err, Error::Module(_)));
    assert!(err.to_string().starts_with("invalid module"), "{err}");
    assert!(err.to_string().contains("type mismatch"), "{err}");
}

#[cfg(feature = "wasi")]
#[test]
fn wasi_proc_exit_is_a_trap_value() {
    use mote::wasi::{PosixHost, WasiCtxBuilder};
    const WAT: &str = r#"(module
        (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (func (export "_start")
          (drop (call $sizes (i32.const 0) (i32.const 4)))
          (call $exit (i32.load (i32.const 0)))))"#;
    for &kind in KINDS {
        let mut store = Store::new();
        let mut linker = Linker::new();
        let ctx = WasiCtxBuilder::new()
            .args(["app", "one", "two"])
            .build(Box::new(PosixHost::new()))
            .unwrap();
        linker.add_wasi(&mut store, ctx);
        let instance = linker.instantiate(&mut store, &load(kind, WAT)).unwrap();
        let start = instance.get_typed_func::<(), ()>(&store, "_start").unwrap();
        assert_eq!(start.call(&mut store, ()), Err(Trap::Exit(3)), "{kind:?}");
    }
}

#[cfg(not(all(feature = "aot", target_os = "linux")))]
#[test]
fn aot_file_without_the_aot_engine_is_refused() {
    let aot = aot_bytes(&wat::parse_str(ARITH).unwrap(), BoundsChecks::Explicit);
    let err = Module::new(&aot).unwrap_err();
    assert!(
        matches!(
            err,
            Error::EngineMissing {
                engine: "AOT runtime",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("this build of mote has no AOT runtime ("),
        "{err}"
    );
}

#[cfg(not(feature = "interp"))]
#[test]
fn wasm_file_without_the_interpreter_is_refused() {
    let err = Module::new(&wat::parse_str(ARITH).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "this build of mote has no interpreter (built without the `interp` feature)"
    );
}
