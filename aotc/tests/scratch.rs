use mote_aotc::*;
use mote_core::Module;

#[test]
#[ignore]
fn scratch_asm() {
    let src = std::env::var("WAT").unwrap_or_else(|_| r#"(module
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#.to_string());
    let wasm = wat::parse_str(&src).unwrap();
    let m = Module::new(&wasm).unwrap();
    let mut o = Options::host();
    if let Ok(a) = std::env::var("ARCH") { o = Options::new(parse_arch(&a).unwrap()); }
    println!("{}", assembly(&m, &o).unwrap());
    let obj = compile(&m, &wasm, &o).unwrap();
    println!("{:?}", obj.funcs);
    println!("{:#?}", obj.relocs);
}
