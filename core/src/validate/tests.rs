//! The validator's messages, places and limits. Its agreement with wasmparser's
//! validator on many modules is `tests/tests/validate_oracle.rs`.

use alloc::string::ToString;
use alloc::vec::Vec;

use crate::module::{Module, ModuleError, ModuleErrorKind};

fn refuse(wat: &str) -> ModuleError {
    let wasm = wat::parse_str(wat).unwrap();
    match Module::new(&wasm) {
        Ok(_) => panic!("accepted: {wat}"),
        Err(e) => e,
    }
}

#[test]
fn errors_in_code_name_the_function_and_offset() {
    let err = refuse(
        r#"(module
             (func (result i32) i32.const 1)
             (func (result i32) i64.const 1))"#,
    );
    assert_eq!(err.kind, ModuleErrorKind::Invalid);
    assert_eq!(err.func_index, Some(1));
    let text = err.to_string();
    assert!(
        text.starts_with("invalid module (function 1, offset 0x") && text.contains("type mismatch"),
        "{text}"
    );
}

#[test]
fn messages_are_the_specs() {
    let cases = [
        ("(func (local.get 3) drop)", "unknown local 3"),
        ("(func (call 7))", "unknown function 7"),
        ("(func (global.get 2) drop)", "unknown global 2"),
        ("(func (br 1))", "unknown label 1"),
        (
            "(memory 1) (func (i32.load align=8 (i32.const 0)) drop)",
            "alignment must not be larger than natural",
        ),
        ("(func (i32.load (i32.const 0)) drop)", "unknown memory 0"),
        (
            "(global i32 (i32.div_s (i32.const 1) (i32.const 2)))",
            "constant expression required",
        ),
        ("(global i32 (i64.const 1))", "type mismatch"),
        (
            "(func (export \"f\")) (func (export \"f\"))",
            "duplicate export name",
        ),
        ("(func (ref.func 0) drop)", "undeclared function reference"),
        (
            "(global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))",
            "global is immutable",
        ),
        ("(func (param i32)) (start 0)", "start function"),
        (
            "(memory 65537)",
            "memory size must be at most 65536 pages (4GiB)",
        ),
        (
            "(memory 2 1)",
            "size minimum must not be greater than maximum",
        ),
        (
            "(table 1 externref) (func (call_indirect (i32.const 0)))",
            "type mismatch",
        ),
        (
            "(func (select (ref.null func) (ref.null func) (i32.const 1)) drop)",
            "type mismatch",
        ),
        (
            "(func (result i32) (i32.const 1) (i32.const 2))",
            "type mismatch",
        ),
        ("(func (elem.drop 4))", "unknown elem segment 4"),
        (
            "(func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0)))",
            "unknown memory 0",
        ),
    ];
    for (fields, expected) in cases {
        let err = refuse(&alloc::format!("(module {fields})"));
        assert!(err.message.starts_with(expected), "{fields}: {err}");
    }
}

/// A 64-bit memory or table is valid with the cargo feature `memory64`, and refused
/// naming the proposal without it.
#[test]
fn memory64_follows_its_feature() {
    for fields in ["(memory i64 1)", "(table i64 1 funcref)"] {
        let wasm = wat::parse_str(alloc::format!("(module {fields})")).unwrap();
        let enabled = cfg!(feature = "memory64");
        match Module::new(&wasm) {
            Ok(_) if enabled => {}
            Ok(_) => panic!("{fields} accepted without memory64"),
            Err(err) if enabled => panic!("{fields}: {err}"),
            Err(err) => {
                assert_eq!(err.kind, ModuleErrorKind::Unsupported, "{fields}: {err}");
                assert!(
                    err.message
                        .starts_with("the memory64 proposal is not enabled"),
                    "{fields}: {err}"
                );
            }
        }
    }
}

#[test]
fn memory_init_without_a_data_count_section_is_refused() {
    // The text format adds a data count section; strip it (id 12) from the binary.
    let wasm = wat::parse_str(
        r#"(module (memory 1) (data "x")
             (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1))))"#,
    )
    .unwrap();
    let at = wasm.windows(3).position(|w| w == [12, 1, 1]).unwrap();
    let stripped: Vec<u8> = wasm[..at].iter().chain(&wasm[at + 3..]).copied().collect();
    let err = Module::new(&stripped).unwrap_err();
    assert!(
        err.message.starts_with("data count section required"),
        "{err}"
    );
}

/// A module with one function of `params` i32 parameters declaring `locals` i32 locals
/// in one run, as a binary (the text format cannot say 50000 compactly).
fn function_with_locals(params: u8, locals: u32) -> Vec<u8> {
    let leb = |value: u32, out: &mut Vec<u8>| crate::leb::write_unsigned(out, value.into());
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    let mut ty = alloc::vec![1, 0x60, params];
    ty.extend(core::iter::repeat_n(0x7f, params as usize));
    ty.push(0);
    wasm.push(1);
    leb(ty.len() as u32, &mut wasm);
    wasm.extend(ty);
    wasm.extend([3, 2, 1, 0]);
    let mut body = alloc::vec![1];
    leb(locals, &mut body);
    body.extend([0x7f, 0x0b]);
    let mut code = alloc::vec![1];
    leb(body.len() as u32, &mut code);
    code.extend(body);
    wasm.push(10);
    leb(code.len() as u32, &mut wasm);
    wasm.extend(code);
    wasm
}

#[test]
fn locals_are_limited_like_wasmparser_without_a_slot_each() {
    let module = Module::new(&function_with_locals(2, 49_998)).unwrap();
    assert_eq!(module.bodies[0].num_locals, 49_998);
    let err = Module::new(&function_with_locals(2, 49_999)).unwrap_err();
    assert!(err.message.starts_with("too many locals"), "{err}");
    let err = Module::new(&function_with_locals(0, u32::MAX)).unwrap_err();
    assert!(err.message.contains("too many locals"), "{err}");
}

#[test]
fn simd_is_unsupported_naming_the_first_function() {
    let err =
        refuse(r#"(module (func $scalar) (func $vector (result v128) v128.const i64x2 1 2))"#);
    assert_eq!(err.kind, ModuleErrorKind::Unsupported);
    assert_eq!(err.func_index, Some(1));
    assert!(
        err.message
            .starts_with("SIMD is not supported yet (first in function 1, vector)"),
        "{err}"
    );
}

#[test]
fn an_invalid_module_with_v128_is_invalid_not_unsupported() {
    let err = refuse(r#"(module (func (result i32) i64.const 0) (func (param v128)))"#);
    assert_eq!(err.kind, ModuleErrorKind::Invalid, "{err}");
    assert_eq!(err.func_index, Some(0));
}

#[test]
fn later_proposals_are_unsupported() {
    let cases = [
        (
            "(type $t (func)) (func (return_call_ref $t (ref.null $t)))",
            "typed function references and GC",
        ),
        (
            "(type $t (func)) (func (param (ref null $t)) (call_ref $t (local.get 0)))",
            "typed function references and GC",
        ),
        ("(func (try_table))", "exception handling"),
        ("(func (throw 0)) (tag)", "exception handling"),
        ("(type (struct))", "typed function references and GC"),
        (
            "(func (local (ref func)))",
            "typed function references and GC",
        ),
        ("(tag)", "exception handling"),
        ("(memory 1 1 shared)", "threads"),
    ];
    for (fields, expected) in cases {
        let err = refuse(&alloc::format!("(module {fields})"));
        assert_eq!(err.kind, ModuleErrorKind::Unsupported, "{fields}: {err}");
        assert!(err.message.starts_with(expected), "{fields}: {err}");
    }
}

#[test]
fn tail_calls_are_supported() {
    let wasm = wat::parse_str(
        r#"(module
          (table 1 funcref)
          (func $f (param i32) (result i32) (return_call $f (local.get 0)))
          (func (result i32) (return_call_indirect (param i32) (result i32)
            (i32.const 1) (i32.const 0))))"#,
    )
    .unwrap();
    Module::new(&wasm).unwrap();
    // The callee's results must be the caller's.
    let err = refuse("(module (func $f (result i64) (i64.const 0)) (func (return_call $f)))");
    assert!(err.message.starts_with("type mismatch"), "{err}");
}

/// Extended constant expressions with the `extended-const` feature; refused as
/// unsupported, naming it, by a build without.
#[test]
fn extended_constants_follow_the_build() {
    let wat = r#"(module
      (global $g (import "m" "g") i32)
      (global i32 (i32.add (global.get $g) (i32.mul (i32.const 2) (i32.const 3)))))"#;
    if !cfg!(feature = "extended-const") {
        let err = refuse(wat);
        assert_eq!(err.kind, ModuleErrorKind::Unsupported, "{err}");
        assert!(err.message.contains("`extended-const`"), "{err}");
        return;
    }
    let m = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    assert_eq!(m.const_ops.len(), 5);
    // Deeper than the evaluator's fixed stack: refused, naming the limit.
    let mut deep = alloc::string::String::from("(module (global i32 ");
    for _ in 0..16 {
        deep.push_str("(i32.add (i32.const 1) ");
    }
    deep.push_str("(i32.const 1)");
    deep.push_str(&")".repeat(16));
    deep.push_str("))");
    let err = refuse(&deep);
    assert_eq!(err.kind, ModuleErrorKind::Unsupported, "{err}");
    assert!(err.message.contains("deeper than 16"), "{err}");
}

#[test]
fn floats_are_refused_only_by_builds_without_them() {
    let wasm = wat::parse_str(
        r#"(module
             (func $int (param i32) (result i32) (local.get 0))
             (func $float (result i32) (i32.trunc_f32_s (f32.const 1))))"#,
    )
    .unwrap();
    let result = Module::new(&wasm);
    if cfg!(feature = "float") {
        result.unwrap();
    } else {
        let err = result.unwrap_err();
        assert_eq!(err.kind, ModuleErrorKind::Unsupported);
        assert_eq!(err.func_index, Some(1));
        assert!(
            err.to_string().contains("(first in function 1, float)"),
            "{err}"
        );
    }
}

#[test]
fn damaged_modules_are_refused_without_panicking() {
    let wasm = wat::parse_str(
        r#"(module
             (type $t (func (param i32) (result i32)))
             (import "env" "f" (func $f (type $t)))
             (memory 1) (table 2 funcref) (global $g (mut i32) (i32.const 0))
             (elem (i32.const 0) $f $g2)
             (data (i32.const 8) "data")
             (func $g2 (export "g") (param i32) (result i32)
               (block (result i32)
                 (br_table 0 0 (local.get 0) (local.get 0)))
               (call_indirect (type $t) (i32.const 1))
               (global.set $g (i32.load offset=4 (i32.const 0)))
               (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
               (i32.add)))"#,
    )
    .unwrap();
    Module::new(&wasm).unwrap();
    for len in 0..wasm.len() {
        let _ = Module::new(&wasm[..len]);
    }
    for at in 8..wasm.len() {
        for value in [0x00, 0x01, 0x0b, 0x41, 0x7f, 0x80, 0xfd, 0xff] {
            let mut damaged = wasm.clone();
            damaged[at] = value;
            let _ = Module::new(&damaged).map_err(|e| e.to_string());
        }
    }
}

#[test]
fn heapsort_sorts_every_order_of_small_slices() {
    // Every permutation-like pattern of lengths 0..=9, with duplicates, against `sort`.
    let mut seed = 0x2545_f491_u32;
    for len in 0..=9 {
        for _ in 0..200 {
            let mut v: Vec<u32> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed % 5
                })
                .collect();
            let mut want = v.clone();
            want.sort();
            super::sections::heapsort(&mut v, |a, b| a < b);
            assert_eq!(v, want);
        }
    }
}
