//! Runs AOT-compiled x86_64 code (mapped and relocated by the test runtime in `common`)
//! and compares every result and trap with the interpreter.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;

use common::*;
use mote_core::{Module, ValType, Value};

const I32S: &[i32] = &[
    0,
    1,
    -1,
    2,
    7,
    -7,
    31,
    32,
    33,
    i32::MIN,
    i32::MAX,
    0x1234_5678,
];
const I64S: &[i64] = &[
    0,
    1,
    -1,
    2,
    7,
    -7,
    63,
    64,
    65,
    i64::MIN,
    i64::MAX,
    0x1234_5678_9abc_def0,
    i32::MIN as i64,
    u32::MAX as i64,
];
const F32S: &[f32] = &[
    0.0,
    -0.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    -3.7,
    1e30,
    -1e-30,
    2147483648.0,
    -2147483648.0,
    2147483520.0,
    4294967296.0,
    4294967040.0,
    9223372036854775808.0,
    -9223372036854775808.0,
    18446744073709551616.0,
    8388609.0,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    -f32::NAN,
];
const F64S: &[f64] = &[
    0.0,
    -0.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    -3.7,
    1e300,
    -1e-300,
    2147483647.9,
    2147483648.0,
    -2147483648.9,
    -2147483649.0,
    4294967295.9,
    4294967296.0,
    -0.99,
    -1.0,
    9223372036854775808.0,
    -9223372036854775808.0,
    9223372036854774784.0,
    18446744073709551616.0,
    18446744073709549568.0,
    4503599627370497.0,
    4503599627370495.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    -f64::NAN,
];

fn edge(t: ValType) -> Vec<Value> {
    let mut v: Vec<Value> = match t {
        ValType::I32 => I32S.iter().map(|x| Value::I32(*x)).collect(),
        ValType::I64 => I64S.iter().map(|x| Value::I64(*x)).collect(),
        ValType::F32 => F32S.iter().map(|x| Value::F32(x.to_bits())).collect(),
        ValType::F64 => F64S.iter().map(|x| Value::F64(x.to_bits())).collect(),
        _ => unreachable!(),
    };
    // A signalling NaN with payload.
    match t {
        ValType::F32 => v.push(Value::F32(0x7fa0_0001)),
        ValType::F64 => v.push(Value::F64(0x7ff4_0000_0000_0001)),
        _ => {}
    }
    v
}

fn numeric_module() -> String {
    let mut m = String::from("(module\n");
    let mut add = |name: &str, params: &str, result: &str, body: &str| {
        m.push_str(&format!(
            "(func (export \"{name}\") (param {params}) (result {result}) {body})\n"
        ));
    };
    for t in ["i32", "i64"] {
        for op in [
            "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl",
            "shr_s", "shr_u", "rotl", "rotr",
        ] {
            add(
                &format!("{t}.{op}"),
                &format!("{t} {t}"),
                t,
                &format!("({t}.{op} (local.get 0) (local.get 1))"),
            );
        }
        for op in [
            "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
        ] {
            add(
                &format!("{t}.{op}"),
                &format!("{t} {t}"),
                "i32",
                &format!("({t}.{op} (local.get 0) (local.get 1))"),
            );
        }
        for op in ["clz", "ctz", "popcnt", "extend8_s", "extend16_s"] {
            add(
                &format!("{t}.{op}"),
                t,
                t,
                &format!("({t}.{op} (local.get 0))"),
            );
        }
        add(
            &format!("{t}.eqz"),
            t,
            "i32",
            &format!("({t}.eqz (local.get 0))"),
        );
    }
    add(
        "i64.extend32_s",
        "i64",
        "i64",
        "(i64.extend32_s (local.get 0))",
    );
    for (t, it) in [("f32", "i32"), ("f64", "i64")] {
        for op in ["add", "sub", "mul", "div", "min", "max", "copysign"] {
            add(
                &format!("{t}.{op}"),
                &format!("{t} {t}"),
                t,
                &format!("({t}.{op} (local.get 0) (local.get 1))"),
            );
        }
        for op in ["min", "max", "copysign"] {
            add(
                &format!("{t}.{op}.bits"),
                &format!("{t} {t}"),
                it,
                &format!("({it}.reinterpret_{t} ({t}.{op} (local.get 0) (local.get 1)))"),
            );
        }
        for op in ["eq", "ne", "lt", "gt", "le", "ge"] {
            add(
                &format!("{t}.{op}"),
                &format!("{t} {t}"),
                "i32",
                &format!("({t}.{op} (local.get 0) (local.get 1))"),
            );
        }
        for op in ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"] {
            add(
                &format!("{t}.{op}"),
                t,
                t,
                &format!("({t}.{op} (local.get 0))"),
            );
        }
        for op in ["abs", "neg"] {
            add(
                &format!("{t}.{op}.bits"),
                t,
                it,
                &format!("({it}.reinterpret_{t} ({t}.{op} (local.get 0)))"),
            );
        }
        add(
            &format!("{it}.reinterpret_{t}"),
            t,
            it,
            &format!("({it}.reinterpret_{t} (local.get 0))"),
        );
        add(
            &format!("{t}.reinterpret_{it}"),
            it,
            t,
            &format!("({t}.reinterpret_{it} (local.get 0))"),
        );
    }
    for to in ["i32", "i64"] {
        for from in ["f32", "f64"] {
            for s in ["s", "u"] {
                add(
                    &format!("{to}.trunc_{from}_{s}"),
                    from,
                    to,
                    &format!("({to}.trunc_{from}_{s} (local.get 0))"),
                );
                add(
                    &format!("{to}.trunc_sat_{from}_{s}"),
                    from,
                    to,
                    &format!("({to}.trunc_sat_{from}_{s} (local.get 0))"),
                );
            }
        }
    }
    for to in ["f32", "f64"] {
        for from in ["i32", "i64"] {
            for s in ["s", "u"] {
                add(
                    &format!("{to}.convert_{from}_{s}"),
                    from,
                    to,
                    &format!("({to}.convert_{from}_{s} (local.get 0))"),
                );
            }
        }
    }
    add("i32.wrap_i64", "i64", "i32", "(i32.wrap_i64 (local.get 0))");
    add(
        "i64.extend_i32_s",
        "i32",
        "i64",
        "(i64.extend_i32_s (local.get 0))",
    );
    add(
        "i64.extend_i32_u",
        "i32",
        "i64",
        "(i64.extend_i32_u (local.get 0))",
    );
    add(
        "f32.demote_f64",
        "f64",
        "f32",
        "(f32.demote_f64 (local.get 0))",
    );
    add(
        "f64.promote_f32",
        "f32",
        "f64",
        "(f64.promote_f32 (local.get 0))",
    );
    m.push_str(")\n");
    m
}

fn differential(wasm: &[u8], native_rounding: bool) -> usize {
    let module = Module::new(wasm).unwrap();
    let inst = Instance::new(wasm, &x86_opts(native_rounding));
    differential_with(wasm, &module, inst)
}

fn differential_with(wasm: &[u8], module: &Module, mut inst: Box<Instance>) -> usize {
    let mut reference = Interp::new(wasm);
    let mut n = 0;
    let mut failures = Vec::new();
    for e in &module.exports {
        let ty = module.func_type(e.index).clone();
        let lists: Vec<Vec<Value>> = ty.params.iter().map(|t| edge(*t)).collect();
        let mut combos: Vec<Vec<Value>> = vec![vec![]];
        for l in &lists {
            combos = combos
                .into_iter()
                .flat_map(|c| {
                    l.iter().map(move |v| {
                        let mut c = c.clone();
                        c.push(*v);
                        c
                    })
                })
                .collect();
        }
        for args in combos {
            let want = reference.call(&e.name, &args);
            let got = inst.call(&e.name, &args);
            n += 1;
            if !same(&want, &got) {
                failures.push(format!(
                    "{}{:?}: interp {:?}, aot {:?}",
                    e.name, args, want, got
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
    n
}

#[test]
fn numeric_ops_match_the_interpreter_soft_rounding() {
    let w = wasm(&numeric_module());
    let n = differential(&w, false);
    assert!(n > 5000, "{n}");
}

#[test]
fn numeric_ops_match_the_interpreter_with_the_32_bit_target_lowerings() {
    // Software i64 division and i64 <-> float conversions, run natively.
    let w = wasm(&numeric_module());
    let module = Module::new(&w).unwrap();
    let mut o = x86_opts(false);
    o.soft_div64 = Some(true);
    let inst = Instance::new(&w, &o);
    differential_with(&w, &module, inst);
}

#[test]
fn numeric_ops_match_the_interpreter_sse41() {
    let w = wasm(&numeric_module());
    differential(&w, true);
}

const PROGRAM: &str = r#"(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (memory 1 3)
  (data (i32.const 16) "\01\02\03\04\05\06\07\08\f0\f1\f2\f3\f4\f5\f6\f7")
  (global $g (mut i32) (i32.const 5))
  (global $h (mut i64) (i64.const -3))
  (global $x (mut f32) (f32.const 1.5))
  (global $y (mut f64) (f64.const -2.25))
  (table 4 funcref)
  (elem (i32.const 0) $double $fib $nothing)
  (func $nothing)
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "fac") (param i64) (result i64) (local i64)
    (local.set 1 (i64.const 1))
    (block $done (loop $l
      (br_if $done (i64.eqz (local.get 0)))
      (local.set 1 (i64.mul (local.get 1) (local.get 0)))
      (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
      (br $l)))
    (local.get 1))
  (func (export "sum") (param i32) (result i64) (local i64)
    (loop $l (result i64)
      (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (i32.ge_s (i32.const 0)))
      (local.get 1)))
  (func (export "switch") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $a $d (local.get 0)))
      (return (i32.const 100)))
      (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const 103))
  (func (export "switch_values") (param i32) (result i32)
    (block $out (result i32)
      (block $one (result i32)
        (br_table $out $one $out (i32.const 7) (local.get 0)))
      (i32.add (i32.const 1000))))
  (func (export "multi") (param i32 i32) (result i32 i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32)
      (br_if 0 (i32.eqz (local.get 0)))
      (i32.add) (local.get 0)))
  (func (export "if_params") (param i32) (result i32)
    (i32.const 10) (i32.const 3)
    (if (param i32 i32) (result i32) (local.get 0)
      (then i32.sub) (else i32.add)))
  (func (export "select") (param i32 i64 i64) (result i64)
    (select (local.get 1) (local.get 2) (local.get 0)))
  (func (export "globals") (param i32) (result i64)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (global.set $h (i64.mul (global.get $h) (i64.extend_i32_s (global.get $g))))
    (global.set $x (f32.add (global.get $x) (f32.const 1)))
    (global.set $y (f64.mul (global.get $y) (f64.promote_f32 (global.get $x))))
    (i64.add (global.get $h) (i64.trunc_f64_s (global.get $y))))
  (func (export "loads") (param i32) (result i64)
    (i64.add
      (i64.add (i64.load (local.get 0)) (i64.load32_s offset=4 (local.get 0)))
      (i64.add
        (i64.add (i64.load8_s offset=8 (local.get 0)) (i64.load16_u offset=9 (local.get 0)))
        (i64.extend_i32_u (i32.add (i32.load8_u offset=1 (local.get 0)) (i32.load16_s offset=2 (local.get 0)))))))
  (func (export "stores") (param i32 i64) (result i64)
    (i64.store (local.get 0) (local.get 1))
    (i32.store8 offset=1 (local.get 0) (i32.const 0xabcd))
    (i64.store16 offset=2 (local.get 0) (local.get 1))
    (i64.store32 offset=8 (local.get 0) (i64.const -1))
    (f32.store offset=12 (local.get 0) (f32.const -0.0))
    (i64.add (i64.load (local.get 0)) (i64.load offset=8 (local.get 0))))
  (func (export "fload") (param i32) (result f64)
    (f64.add (f64.load (local.get 0)) (f64.promote_f32 (f32.load offset=8 (local.get 0)))))
  (func (export "dropped_load") (param i32)
    (drop (i32.load (local.get 0))))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.grow (local.get 0)))
    (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 42))
    (i32.add (memory.size) (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 0) (local.get 1)))
  (func (export "indirect_void") (param i32)
    (call_indirect (type $v) (local.get 0)))
  (func (export "unreachable") (param i32) (result i32)
    (if (local.get 0) (then unreachable))
    (i32.const 1))
  (func $runaway (export "runaway") (param i32) (result i32)
    (call $runaway (i32.add (local.get 0) (i32.const 1))))
  (func $mutual_a (param i32) (call $mutual_b (local.get 0)))
  (func $mutual_b (param i32) (call $mutual_a (local.get 0)))
  (func (export "mutual") (param i32) (call $mutual_a (local.get 0)))
  (func (export "fill_copy") (param i32 i32 i32) (result i64)
    (memory.fill (local.get 0) (i32.const 0x5a) (local.get 2))
    (memory.copy (local.get 1) (local.get 0) (local.get 2))
    (i64.load (local.get 1)))
  (func (export "refs") (param i32) (result i32)
    (i32.add (ref.is_null (table.get (local.get 0)))
      (i32.add (table.size) (ref.is_null (ref.func $double)))))
  (func (export "br_in_loop") (param i32) (result i32) (local i32)
    (block $exit (result i32)
      (loop $top
        (local.set 1 (i32.add (local.get 1) (i32.const 3)))
        (br_if $exit (local.get 1) (i32.gt_u (local.get 1) (local.get 0)))
        (br $top))
      (i32.const -1)))
)"#;

fn check(inst: &mut Instance, r: &mut Interp, name: &str, args: &[Value]) {
    let want = r.call(name, args);
    let got = inst.call(name, args);
    assert!(
        same(&want, &got),
        "{name}{args:?}: interp {want:?}, aot {got:?}"
    );
}

#[test]
fn control_memory_calls_match_the_interpreter() {
    let w = wasm(PROGRAM);
    for native in [false, true] {
        let mut i = Instance::new(&w, &x86_opts(native));
        let mut r = Interp::new(&w);
        let r = &mut r;
        for n in [0, 1, 2, 10, 20] {
            check(&mut i, r, "fib", &[Value::I32(n)]);
        }
        for n in [0, 1, 5, 20, 25] {
            check(&mut i, r, "fac", &[Value::I64(n)]);
        }
        check(&mut i, r, "sum", &[Value::I32(1000)]);
        for n in -1..7 {
            check(&mut i, r, "switch", &[Value::I32(n)]);
            check(&mut i, r, "switch_values", &[Value::I32(n)]);
            check(&mut i, r, "if_params", &[Value::I32(n)]);
            check(&mut i, r, "indirect", &[Value::I32(n), Value::I32(n)]);
            check(&mut i, r, "indirect_void", &[Value::I32(n)]);
            check(&mut i, r, "refs", &[Value::I32(n)]);
            check(&mut i, r, "br_in_loop", &[Value::I32(n.max(0) * 5)]);
        }
        check(&mut i, r, "multi", &[Value::I32(0), Value::I32(9)]);
        check(&mut i, r, "multi", &[Value::I32(4), Value::I32(9)]);
        check(
            &mut i,
            r,
            "select",
            &[Value::I32(0), Value::I64(1), Value::I64(2)],
        );
        check(
            &mut i,
            r,
            "select",
            &[Value::I32(5), Value::I64(1), Value::I64(2)],
        );
        for a in [0, 16, 17, 65528, 65529, 65536, -1] {
            check(&mut i, r, "loads", &[Value::I32(a)]);
            check(&mut i, r, "fload", &[Value::I32(a)]);
            check(&mut i, r, "dropped_load", &[Value::I32(a)]);
            check(
                &mut i,
                r,
                "stores",
                &[Value::I32(a), Value::I64(0x0102_0304_0506_0708)],
            );
        }
        check(
            &mut i,
            r,
            "fill_copy",
            &[Value::I32(100), Value::I32(200), Value::I32(8)],
        );
        check(
            &mut i,
            r,
            "fill_copy",
            &[Value::I32(65530), Value::I32(200), Value::I32(8)],
        );
        check(&mut i, r, "unreachable", &[Value::I32(0)]);
        check(&mut i, r, "unreachable", &[Value::I32(1)]);
        assert_eq!(
            i.call("runaway", &[Value::I32(0)]),
            Err("call stack exhausted".into())
        );
        assert_eq!(
            i.call("mutual", &[Value::I32(0)]),
            Err("call stack exhausted".into())
        );
    }
    // Stateful: globals and memory.grow, one fresh instance per engine.
    for native in [false, true] {
        let mut i = Instance::new(&w, &x86_opts(native));
        let mut store_want = Vec::new();
        let mut got = Vec::new();
        for n in [1, 2, 3] {
            got.push(i.call("globals", &[Value::I32(n)]));
        }
        let mut r = Interp::new(&w);
        for n in [1, 2, 3] {
            store_want.push(r.call("globals", &[Value::I32(n)]));
        }
        for n in [1, 1, 5] {
            store_want.push(r.call("grow", &[Value::I32(n)]));
        }
        for n in [1, 1, 5] {
            got.push(i.call("grow", &[Value::I32(n)]));
        }
        for (a, b) in store_want.iter().zip(&got) {
            assert!(same(a, b), "interp {a:?}, aot {b:?}");
        }
    }
}

#[test]
fn imported_function_goes_through_the_call_import_helper() {
    let w = wasm(
        r#"(module
          (import "env" "inc" (func $inc (param i32) (result i32)))
          (func (export "twice") (param i32) (result i32)
            (call $inc (call $inc (local.get 0)))))"#,
    );
    let mut i = Instance::new(&w, &x86_opts(false));
    assert_eq!(i.call("twice", &[Value::I32(40)]), Ok(vec![Value::I32(42)]));
    assert_eq!(i.import_calls, 2);
}

#[test]
fn identity_arithmetic_still_quiets_signalling_nans() {
    let mut body = String::from("(module\n");
    for (t, it) in [("f32", "i32"), ("f64", "i64")] {
        for (op, c) in [
            ("add", "-0.0"),
            ("sub", "0.0"),
            ("sub", "-0.0"),
            ("mul", "1.0"),
            ("mul", "-1.0"),
            ("div", "1.0"),
            ("div", "-1.0"),
            ("min", "-0.0"),
            ("max", "0.0"),
        ] {
            body.push_str(&format!(
                "(func (export \"{t}.{op}.{c}\") (param {t}) (result {it}) ({it}.reinterpret_{t} ({t}.{op} (local.get 0) ({t}.const {c}))))\n"
            ));
        }
        body.push_str(&format!(
            "(func (export \"{t}.neg_sub\") (param {t}) (result {it}) ({it}.reinterpret_{t} ({t}.sub ({t}.const -0.0) (local.get 0))))\n"
        ));
    }
    body.push_str(
        "(func (export \"f32.demote_promote\") (param f32) (result i32) (i32.reinterpret_f32 (f32.demote_f64 (f64.promote_f32 (local.get 0)))))\n",
    );
    body.push(')');
    let w = wasm(&body);
    let m = Module::new(&w).unwrap();
    let mut i = Instance::new(&w, &x86_opts(false));
    for e in &m.exports {
        let (arg, quiet) = if e.name.starts_with("f32") {
            (Value::F32(0x7fa0_0001), 0x0040_0000u64)
        } else {
            (Value::F64(0x7ff4_0000_0000_0001), 0x0008_0000_0000_0000u64)
        };
        let got = i.call(&e.name, &[arg]).unwrap();
        let bits = match got[0] {
            Value::I32(b) => b as u32 as u64,
            Value::I64(b) => b as u64,
            _ => unreachable!(),
        };
        assert_ne!(bits & quiet, 0, "{}: {bits:#x} is not a quiet NaN", e.name);
    }
}

#[test]
fn software_64_bit_division_matches_the_interpreter() {
    // The routine 32-bit targets use, run natively here.
    let mut body = String::from("(module\n");
    for op in ["div_s", "div_u", "rem_s", "rem_u"] {
        body.push_str(&format!(
            "(func (export \"{op}\") (param i64 i64) (result i64) (i64.{op} (local.get 0) (local.get 1)))\n"
        ));
    }
    body.push(')');
    let w = wasm(&body);
    let mut o = x86_opts(false);
    o.soft_div64 = Some(true);
    let mut i = Instance::new(&w, &o);
    let mut r = Interp::new(&w);
    let mut vals: Vec<i64> = I64S.to_vec();
    vals.extend([
        3,
        -3,
        1 << 32,
        (1 << 32) + 1,
        -(1 << 32),
        i64::MIN + 1,
        0x7fff_ffff,
        0xffff_ffff_ffff,
        -0x1234_5678_9abc,
        u64::MAX as i64 - 5,
    ]);
    let mut n = 0;
    for op in ["div_s", "div_u", "rem_s", "rem_u"] {
        for a in &vals {
            for b in &vals {
                let args = [Value::I64(*a), Value::I64(*b)];
                let want = r.call(op, &args);
                let got = i.call(op, &args);
                assert!(
                    same(&want, &got),
                    "{op}({a}, {b}): interp {want:?}, aot {got:?}"
                );
                n += 1;
            }
        }
    }
    assert!(n > 1000);
}
