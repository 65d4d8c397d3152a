//! Built without the `float` feature, a float module is refused at load with a clear
//! error naming the function, and integer modules still run.
#![cfg(not(feature = "float"))]

use mote_core::Module;

#[test]
fn float_module_is_refused_naming_the_function() {
    let wasm = wat::parse_str(
        r#"(module
            (func $int (param i32) (result i32) (local.get 0))
            (func $half (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5))))"#,
    )
    .unwrap();
    let err = Module::new(&wasm).unwrap_err();
    assert_eq!(err.func_index, Some(1));
    assert!(err.to_string().contains("no float support"), "{err}");
}

#[test]
fn float_instruction_in_an_integer_function_is_found_too() {
    let wasm = wat::parse_str(
        r#"(module (func (param i32) (result i32)
            (i32.trunc_f32_s (f32.convert_i32_s (local.get 0)))))"#,
    )
    .unwrap();
    let err = Module::new(&wasm).unwrap_err();
    assert_eq!(err.func_index, Some(0), "{err}");
}
