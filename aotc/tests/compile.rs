//! The compiler's output without running it: functions, relocations, metadata, all four
//! targets.

use mote_aotc::{compile, compile_full, CompileError, Options};
use mote_core::aot::helpers::Helper;
use mote_core::aot::meta::Meta;
use mote_core::aot::object::{AotObject, BoundsChecks};
use mote_core::aot::reloc::{Arch, RelocSection, SymbolKind};
use mote_core::Module;

const ALL: [Arch; 4] = [Arch::X86_64, Arch::Aarch64, Arch::Thumbv7em, Arch::Riscv32];

/// Memory, calls, call_indirect, br_table (big enough for a jump table), float ops, globals,
/// an import, bulk memory and table ops. f64 only where every target has it in hardware
/// with the options below.
const MIXED: &str = r#"(module
  (import "env" "log" (func $log (param i32)))
  (type $ii (func (param i32) (result i32)))
  (memory 1)
  (data (i32.const 8) "hello")
  (global $g (mut i32) (i32.const 7))
  (global $f (mut f32) (f32.const 0.25))
  (table 8 funcref)
  (elem (i32.const 0) $a $b $c)
  (func $a (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $b (type $ii) (i32.mul (local.get 0) (global.get $g)))
  (func $c (type $ii) (call $log (local.get 0)) (local.get 0))
  (func (export "dispatch") (param i32 i32) (result i32)
    (block $d (block $5 (block $4 (block $3 (block $2 (block $1 (block $0
      (br_table $0 $1 $2 $3 $4 $5 $d (local.get 0)))
      (return (call_indirect (type $ii) (local.get 1) (i32.const 0))))
      (return (call_indirect (type $ii) (local.get 1) (i32.const 1))))
      (return (call_indirect (type $ii) (local.get 1) (i32.const 2))))
      (return (call $a (local.get 1))))
      (return (i32.load offset=8 (local.get 1))))
      (return (i32.const 55)))
    (i32.const -1))
  (func (export "floats") (param f32 f32) (result f32)
    (global.set $f (f32.add (global.get $f) (f32.mul (local.get 0) (f32.const 3.5))))
    (f32.min (f32.sqrt (f32.abs (local.get 0))) (f32.max (global.get $f) (local.get 1))))
  (func (export "bulk") (param i32)
    (memory.fill (local.get 0) (i32.const 0) (i32.const 16))
    (memory.copy (i32.const 0) (local.get 0) (i32.const 4))
    (drop (memory.grow (i32.const 1)))
    (table.set (i32.const 5) (ref.func $a))
    (drop (table.grow (ref.null func) (i32.const 1))))
  (func (export "mem") (param i32 i64) (result i64)
    (i64.store offset=16 (local.get 0) (local.get 1))
    (i64.add (i64.load8_s (local.get 0)) (i64.load32_u offset=4 (local.get 0))))
)"#;

fn opts(arch: Arch) -> Options {
    let mut o = Options::new(arch);
    match arch {
        Arch::Riscv32 => o.cpu_features = Some("+f".into()),
        Arch::Thumbv7em => {}
        _ => {}
    }
    o
}

fn build(wat: &str, o: &Options) -> (Vec<u8>, Module, AotObject) {
    let wasm = wat::parse_str(wat).unwrap();
    let m = Module::new(&wasm).unwrap();
    let obj = compile(&m, &wasm, o).unwrap_or_else(|e| panic!("{:?}: {e}", o.arch));
    (wasm, m, obj)
}

fn check_object(m: &Module, obj: &AotObject, arch: Arch) {
    assert_eq!(obj.arch, arch);
    assert_eq!(obj.funcs.len(), m.bodies.len());
    for f in &obj.funcs {
        assert!((f.native as usize) < obj.text.len());
        assert!((f.trampoline as usize) < obj.text.len());
        assert_ne!(f.native, f.trampoline);
    }
    for r in &obj.relocs {
        assert_eq!(r.kind.arch(), arch, "{r:?}");
        assert!(!r.kind.is_got(), "{r:?}");
        let size = match r.section {
            RelocSection::Text => obj.text.len(),
            RelocSection::RoData => obj.rodata.len(),
            RelocSection::Got => panic!("no GOT expected: {r:?}"),
        };
        assert!(r.offset as usize + r.kind.width() <= size, "{r:?}");
        match r.symbol_kind {
            SymbolKind::Function => assert!((r.symbol_index as usize) < obj.funcs.len()),
            SymbolKind::Helper => assert!(Helper::from_u32(r.symbol_index).is_some()),
            SymbolKind::SectionBase => assert!(
                r.symbol_index == RelocSection::Text as u32
                    || r.symbol_index == RelocSection::RoData as u32
            ),
        }
    }
    // The metadata is the same module without code.
    let meta = Module::from_meta(&Meta::parse(&obj.metadata).expect("metadata reads"), None);
    assert_eq!(meta.types, m.types);
    assert_eq!(meta.funcs, m.funcs);
    assert_eq!(meta.num_imported_funcs, m.num_imported_funcs);
    assert_eq!(meta.exports.len(), m.exports.len());
    for (a, b) in meta.exports.iter().zip(&m.exports) {
        assert_eq!((&a.name, a.kind, a.index), (&b.name, b.kind, b.index));
    }
    assert_eq!(meta.globals, m.globals);
    assert_eq!(meta.global_inits, m.global_inits);
    assert_eq!(meta.memories, m.memories);
    assert_eq!(meta.tables, m.tables);
    assert_eq!(meta.datas.len(), m.datas.len());
    assert_eq!(meta.elements.len(), m.elements.len());
    assert!(obj.metadata.len() < 4096);
}

#[test]
fn mixed_module_converts_for_every_target() {
    for arch in ALL {
        let o = opts(arch);
        let (_, m, obj) = build(MIXED, &o);
        check_object(&m, &obj, arch);
        let helpers: Vec<u32> = obj
            .relocs
            .iter()
            .filter(|r| r.symbol_kind == SymbolKind::Helper)
            .map(|r| r.symbol_index)
            .collect();
        for h in [
            Helper::CallImport,
            Helper::CallIndirect,
            Helper::MemoryFill,
            Helper::MemoryCopy,
            Helper::MemoryGrow,
            Helper::TableSet,
            Helper::RefFunc,
            Helper::TableGrow,
        ] {
            assert!(helpers.contains(&(h as u32)), "{arch:?}: no call to {h:?}");
        }
        // The .aot writer accepts it.
        let bytes = mote_core::aot::format::write(&obj);
        assert!(bytes.len() > obj.text.len());
    }
}

#[test]
fn every_opt_and_size_level_and_bounds_mode_compiles() {
    for arch in ALL {
        for (opt, size) in [(0, 0), (1, 0), (2, 0), (3, 0), (2, 1), (2, 2)] {
            let mut o = opts(arch);
            o.opt_level = opt;
            o.size_level = size;
            let (_, m, obj) = build(MIXED, &o);
            check_object(&m, &obj, arch);
        }
    }
    let mut o = opts(Arch::X86_64);
    o.bounds_checks = BoundsChecks::Explicit;
    let (_, m, obj) = build(MIXED, &o);
    check_object(&m, &obj, Arch::X86_64);
    assert_eq!(obj.bounds_checks, BoundsChecks::Explicit);
}

#[test]
fn position_independent_32_bit_code_converts() {
    // PIC on RISC-V uses %pcrel_hi/%pcrel_lo pairs (resolved by the writer) and
    // ADD32/SUB32 jump tables; on Thumb MOVW/MOVT_PREL or REL32.
    for arch in [Arch::Thumbv7em, Arch::Riscv32] {
        let mut o = opts(arch);
        o.pic = Some(true);
        let (_, m, obj) = build(MIXED, &o);
        check_object(&m, &obj, arch);
        if arch == Arch::Riscv32 {
            use mote_core::aot::reloc::RelocKind;
            let lo: Vec<_> = obj
                .relocs
                .iter()
                .filter(|r| r.kind == RelocKind::RiscvPcrelLo12I)
                .collect();
            assert!(!lo.is_empty(), "{:?}", obj.relocs);
            for l in lo {
                // Paired with a HI20 at a lower offset naming the same symbol.
                assert!(obj
                    .relocs
                    .iter()
                    .any(|h| h.kind == RelocKind::RiscvPcrelHi20
                        && h.symbol_kind == l.symbol_kind
                        && h.symbol_index == l.symbol_index
                        && h.offset < l.offset
                        && l.addend == h.addend + i64::from(l.offset - h.offset)));
            }
        }
    }
    let mut o = opts(Arch::X86_64);
    o.pic = Some(false);
    let wasm = wat::parse_str("(module)").unwrap();
    let m = Module::new(&wasm).unwrap();
    assert!(compile(&m, &wasm, &o).is_err());
}

#[test]
fn guard_pages_are_refused_on_32_bit_targets() {
    let wasm = wat::parse_str("(module)").unwrap();
    let m = Module::new(&wasm).unwrap();
    let mut o = Options::new(Arch::Riscv32);
    o.bounds_checks = BoundsChecks::Guard;
    let e = compile(&m, &wasm, &o).unwrap_err();
    assert!(e.to_string().contains("64-bit"), "{e}");
}

#[test]
fn calls_between_functions_are_direct_on_x86_64() {
    let (_, _, obj) = build(
        r#"(module
          (func $f (param i32) (result i32) (local.get 0))
          (func (export "g") (param i32) (result i32) (call $f (local.get 0)))
          (func (export "h") (param i32) (result i32)
            (i32.add (call $f (local.get 0)) (i32.const 3))))"#,
        &opts(Arch::X86_64),
    );
    // Nothing to relocate but the trap paths' backtrace report (`TrapFrame`): the calls
    // are resolved inside .text by the assembler.
    for r in &obj.relocs {
        let trap_frame = mote_core::aot::helpers::Helper::TrapFrame as u32;
        assert!(
            r.symbol_kind != SymbolKind::Helper || r.symbol_index == trap_frame,
            "{r:?}"
        );
    }
}

#[test]
fn soft_float_target_names_the_missing_libcall() {
    let wasm = wat::parse_str(
        r#"(module (func (export "f") (param f64 f64) (result f64)
            (f64.div (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    let m = Module::new(&wasm).unwrap();
    let e = compile(&m, &wasm, &Options::new(Arch::Riscv32)).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, CompileError::Object(_)), "{msg}");
    assert!(msg.contains("__divdf3"), "{msg}");
    // With the F and D extensions it compiles.
    let mut o = Options::new(Arch::Riscv32);
    o.cpu_features = Some("+f,+d".into());
    compile(&m, &wasm, &o).unwrap();
}

#[test]
fn rounding_has_no_libcalls_on_any_target() {
    let wat = r#"(module
      (func (export "r32") (param f32) (result f32)
        (f32.add (f32.add (f32.ceil (local.get 0)) (f32.floor (local.get 0)))
                 (f32.add (f32.trunc (local.get 0)) (f32.nearest (local.get 0)))))
      (func (export "r64") (param f64) (result f64)
        (f64.add (f64.add (f64.ceil (local.get 0)) (f64.floor (local.get 0)))
                 (f64.add (f64.trunc (local.get 0)) (f64.nearest (local.get 0))))))"#;
    for arch in ALL {
        let mut o = Options::new(arch);
        if arch == Arch::Riscv32 {
            o.cpu_features = Some("+f,+d".into());
        }
        if arch == Arch::Thumbv7em {
            o.cpu = Some("cortex-m7".into());
        }
        let (_, m, obj) = build(wat, &o);
        check_object(&m, &obj, arch);
    }
}

#[test]
fn emit_llvm_returns_the_ir() {
    let wasm =
        wat::parse_str(r#"(module (func (export "f") (result i32) (i32.const 1)))"#).unwrap();
    let m = Module::new(&wasm).unwrap();
    let mut o = Options::new(Arch::X86_64);
    o.emit_llvm = true;
    let out = compile_full(&m, &wasm, &o).unwrap();
    let ir = out.llvm_ir.unwrap();
    assert!(
        ir.contains("define") && ir.contains("@f0") && ir.contains("@t0"),
        "{ir}"
    );
}

#[test]
fn function_names_travel_in_the_names_section() {
    let wasm = wat::parse_str(
        r#"(module (func $long_named_function (export "f") (param i32) (result i32)
            (i32.mul (i32.add (local.get 0) (i32.const 1)) (i32.const 3))))"#,
    )
    .unwrap();
    let m = Module::new(&wasm).unwrap();
    let obj = compile(&m, &wasm, &opts(Arch::X86_64)).unwrap();
    let names = obj.names.as_deref().expect("a names section");
    let meta = Meta::parse(&obj.metadata).unwrap();
    let back = Module::from_meta(&meta, Some(names));
    assert_eq!(back.func_name(0), Some("long_named_function"));
    assert!(back.bodies.is_empty());
    // Without a name section there is none.
    let plain = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
    let obj = compile(&Module::new(&plain).unwrap(), &plain, &opts(Arch::X86_64)).unwrap();
    assert_eq!(obj.names, None);
}

/// `cargo test -p mote-aotc --test compile -- --ignored --nocapture print_asm` with
/// `WAT=...` and `ARCH=...` / `FEAT=...` prints the optimised assembly.
#[test]
#[ignore]
fn print_asm() {
    let src = std::env::var("WAT").unwrap_or_else(|_| {
        r#"(module
          (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#
            .to_string()
    });
    let wasm = wat::parse_str(&src).unwrap();
    let m = Module::new(&wasm).unwrap();
    let mut o = Options::host();
    if let Ok(a) = std::env::var("ARCH") {
        o = Options::new(mote_aotc::parse_arch(&a).unwrap());
    }
    o.cpu_features = std::env::var("FEAT").ok();
    println!("{}", mote_aotc::assembly(&m, &o).unwrap());
}

#[test]
fn i64_division_needs_no_libcall_on_32_bit_targets() {
    let wat = r#"(module
      (func (export "d") (param i64 i64) (result i64)
        (i64.add (i64.add (i64.div_s (local.get 0) (local.get 1)) (i64.div_u (local.get 0) (local.get 1)))
                 (i64.add (i64.rem_s (local.get 0) (local.get 1)) (i64.rem_u (local.get 0) (i64.const 10))))))"#;
    for arch in [Arch::Thumbv7em, Arch::Riscv32] {
        let (_, m, obj) = build(wat, &Options::new(arch));
        check_object(&m, &obj, arch);
    }
}

#[test]
fn i64_float_conversions_need_no_libcall_on_32_bit_targets() {
    let wat = r#"(module
      (func (export "a") (param i64) (result f64) (f64.convert_i64_s (local.get 0)))
      (func (export "b") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
      (func (export "c") (param f64) (result i64) (i64.trunc_f64_s (local.get 0)))
      (func (export "d") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
      (func (export "e") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))
      (func (export "f") (param f32) (result i64) (i64.trunc_sat_f32_s (local.get 0))))"#;
    let mut rv = Options::new(Arch::Riscv32);
    rv.cpu_features = Some("+f,+d".into());
    let mut m7 = Options::new(Arch::Thumbv7em);
    m7.cpu = Some("cortex-m7".into());
    for o in [rv, m7] {
        let (_, m, obj) = build(wat, &o);
        check_object(&m, &obj, o.arch);
    }
    // On x86_64 the same lowering is used when asked for (the exec tests run it).
    let wasm = wat::parse_str(wat).unwrap();
    let m = Module::new(&wasm).unwrap();
    let mut o = Options::new(Arch::X86_64);
    o.soft_div64 = Some(true);
    o.emit_llvm = true;
    let ir = compile_full(&m, &wasm, &o).unwrap().llvm_ir.unwrap();
    assert!(
        !ir.contains("sitofp i64") && !ir.contains("uitofp i64"),
        "{ir}"
    );
    assert!(
        !ir.contains("to i64\n") || !ir.contains("fptosi double"),
        "{ir}"
    );
}

#[test]
fn large_offsets_on_32_bit_targets() {
    // offset + size beyond 4 GiB: always traps; near it: the overflow-checked compare.
    let wat = r#"(module (memory 1)
      (func (export "a") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))
      (func (export "b") (param i32) (result i32) (i32.load offset=4294967292 (local.get 0)))
      (func (export "c") (param i32) (result i32) (i32.load8_u offset=2147483648 (local.get 0))))"#;
    for arch in [Arch::Thumbv7em, Arch::Riscv32] {
        let (_, m, obj) = build(wat, &Options::new(arch));
        check_object(&m, &obj, arch);
    }
}

/// `cargo test -p mote-aotc --test compile -- --ignored --nocapture print_relocs`: the
/// relocation kinds each target produces for the mixed module.
#[test]
#[ignore]
fn print_relocs() {
    for arch in ALL {
        let (_, _, obj) = build(MIXED, &opts(arch));
        let mut kinds: Vec<String> = obj
            .relocs
            .iter()
            .map(|r| format!("{:?}/{:?}", r.kind, r.symbol_kind))
            .collect();
        kinds.sort();
        kinds.dedup();
        println!(
            "{arch:?}: text {} B, rodata {} B, {} relocs: {}",
            obj.text.len(),
            obj.rodata.len(),
            obj.relocs.len(),
            kinds.join(", ")
        );
    }
}

#[test]
fn smallest_size_level_keeps_64_bit_shifts_inline_on_32_bit_targets() {
    // Under `minsize` LLVM calls __ashldi3/__lshrdi3/__ashrdi3 on 32-bit targets, which
    // mote does not provide, so -Oz refused any module with an i64 shift there.
    const SHIFTS: &str = r#"(module
      (func (export "shifts") (param i64 i64) (result i64)
        (i64.xor
          (i64.shl (local.get 0) (local.get 1))
          (i64.xor (i64.shr_u (local.get 0) (local.get 1))
                   (i64.shr_s (local.get 0) (local.get 1))))))"#;
    for arch in ALL {
        let mut o = opts(arch);
        o.size_level = 2;
        let (_, m, obj) = build(SHIFTS, &o);
        check_object(&m, &obj, arch);
    }
}

/// `--xip` leaves nothing for a loader to patch on every target it supports: the mixed
/// module (calls, jump tables, rodata constants, helpers, an import) has no relocation
/// left, and the file is marked execute-in-place and parses. Its relocatable build of the
/// same module needs relocations, so the resolution really happened.
#[test]
fn xip_code_has_no_relocations_left() {
    use mote_core::aot::format::{AotFile, CodeModel};
    for arch in [Arch::X86_64, Arch::Thumbv7em, Arch::Riscv32] {
        let mut o = opts(arch);
        o.bounds_checks = BoundsChecks::Explicit;
        let (_, m, relocatable) = build(MIXED, &o);
        assert!(!relocatable.relocs.is_empty(), "{arch:?}");
        o.xip = true;
        let (_, _, obj) = build(MIXED, &o);
        check_object(&m, &obj, arch);
        assert!(obj.relocs.is_empty(), "{arch:?}: {:?}", obj.relocs);
        let bytes = mote_aotc::write_file(&obj, &o);
        let file = AotFile::parse(&bytes).unwrap_or_else(|e| panic!("{arch:?}: {e}"));
        assert_eq!(file.header().code_model, CodeModel::Xip);
        assert_eq!((file.header().got_size, file.header().veneer_size), (0, 0));
    }
    let mut o = opts(Arch::Aarch64);
    o.xip = true;
    let wasm = wat::parse_str(MIXED).unwrap();
    let m = Module::new(&wasm).unwrap();
    match compile(&m, &wasm, &o) {
        Err(CompileError::Unsupported(msg)) => assert!(msg.contains("--xip on aarch64"), "{msg}"),
        other => panic!("aarch64 --xip: {other:?}"),
    }
}

/// Tail calls between functions of different signatures (stack arguments on every ABI)
/// and through a table.
const TAIL_CALLS: &str = r#"(module
  (type $t (func (param i32) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $few $few)
  (func $few (param $n i32) (result i64)
    (return_call $many (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
                       (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8) (local.get $n)))
  (func $many (param i64 i64 i64 i64 i64 i64 i64 i64) (param $n i32) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get 7))
      (else (return_call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1))
                                            (i32.wrap_i64 (local.get 0))))))
  (func (export "run") (param i32) (result i64) (return_call $few (local.get 0))))"#;

#[test]
fn tail_calls_compile_for_the_targets_with_guaranteed_tail_calls() {
    for arch in [Arch::X86_64, Arch::Aarch64, Arch::Thumbv7em] {
        for (opt, size) in [(0, 0), (2, 0), (2, 2)] {
            let mut o = opts(arch);
            o.opt_level = opt;
            o.size_level = size;
            let (_, m, obj) = build(TAIL_CALLS, &o);
            check_object(&m, &obj, arch);
            assert!(
                obj.relocs
                    .iter()
                    .any(|r| r.symbol_kind == SymbolKind::Helper
                        && r.symbol_index == Helper::TailCallIndirect as u32),
                "{arch:?}: return_call_indirect resolves its callee through the helper"
            );
        }
    }
    // LLVM 14's RISC-V backend has no `tailcc`: refused, not miscompiled.
    let wasm = wat::parse_str(TAIL_CALLS).unwrap();
    let m = Module::new(&wasm).unwrap();
    let e = compile(&m, &wasm, &opts(Arch::Riscv32)).unwrap_err();
    assert!(e.to_string().contains("tail calls"), "{e}");
}

/// LLVM 14's ARM `tailcc` bug (`aotc/src/arm_tailcc.rs`): after calling a function that
/// pops its own stack arguments, the caller re-reserves what it believes was popped. Each
/// `bl fN; sub sp, #n` must re-reserve exactly what `fN` pops (`add sp, #n; bx lr`), for
/// callees with 8, 12, 16 and 20 bytes of unpadded stack arguments.
#[test]
fn thumbv7em_callers_re_reserve_what_tailcc_callees_pop() {
    let wat = r#"(module
      (func $two (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
      (func $three (param i64 i64 i32) (result i64) (local.get 0))
      (func $four (param i64 i64 i64) (result i64) (local.get 2))
      (func $five (param i32 i32 i32 i32 i32 i32 i32) (result i32) (local.get 6))
      (func (export "run") (param i64) (result i64)
        (i64.add
          (i64.add (call $two (local.get 0) (local.get 0))
                   (call $three (local.get 0) (local.get 0) (i32.const 1)))
          (i64.add (call $four (local.get 0) (local.get 0) (local.get 0))
                   (i64.extend_i32_u (call $five (i32.const 1) (i32.const 2) (i32.const 3)
                     (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7)))))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let m = Module::new(&wasm).unwrap();
    let asm = mote_aotc::assembly(&m, &opts(Arch::Thumbv7em)).unwrap();
    let lines: Vec<&str> = asm
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(['@', '.']))
        .collect();
    let imm = |l: &str, op: &str| -> Option<u32> {
        let rest = l.strip_prefix(op)?.trim_start().strip_prefix("sp, #")?;
        rest.parse().ok()
    };
    // What each function pops: `add sp, #n` right before its `bx lr`.
    let mut pops = std::collections::HashMap::new();
    let mut current = "";
    for pair in lines.windows(2) {
        if let Some(label) = pair[0].strip_suffix(':') {
            current = label;
        }
        if pair[1] == "bx\tlr" {
            pops.insert(current, imm(pair[0], "add").unwrap_or(0));
        }
    }
    let mut checked = 0;
    for pair in lines.windows(2) {
        let Some(callee) = pair[0].strip_prefix("bl\t") else {
            continue;
        };
        let Some(&popped) = pops.get(callee) else {
            continue;
        };
        if popped > 0 {
            assert_eq!(
                imm(pair[1], "sub"),
                Some(popped),
                "after `bl {callee}`:\n{asm}"
            );
            checked += 1;
        }
    }
    assert_eq!(
        checked, 4,
        "four calls of functions with stack arguments:\n{asm}"
    );
}

/// `call_indirect` of the module's own functions does not go through the runtime: the
/// caller calls a dispatcher per type class (`dispatch{class}`, a `switch` over the
/// functions of that class), and the `CallIndirect` helper stays only as the slow path.
#[test]
fn call_indirect_dispatches_to_own_functions_in_generated_code() {
    let wat = r#"(module
      (type $binop (func (param i32 i32) (result i32)))
      (table 2 funcref)
      (elem (i32.const 0) $add $sub)
      (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
      (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
      (func (export "apply") (param i32 i32 i32) (result i32)
        (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let m = Module::new(&wasm).unwrap();
    for arch in [Arch::X86_64, Arch::Aarch64, Arch::Thumbv7em] {
        // Unoptimised, so that LLVM does not inline the dispatcher and the callees.
        let mut o = opts(arch);
        o.opt_level = 0;
        let asm = mote_aotc::assembly(&m, &o).unwrap();
        let apply = asm
            .split("\nf2:")
            .nth(1)
            .and_then(|rest| rest.split(".Lfunc_end").next())
            .unwrap_or_else(|| panic!("{arch:?}: no f2:\n{asm}"));
        let calls = |symbol: &str| {
            apply
                .lines()
                .any(|l| l.trim().starts_with(['b', 'c']) && l.contains(symbol))
        };
        assert!(
            calls("dispatch0"),
            "{arch:?}: apply calls the dispatcher:\n{apply}"
        );
        assert!(
            asm.contains("\ndispatch0:"),
            "{arch:?}: the dispatcher is defined"
        );
    }
}
