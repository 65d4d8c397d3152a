//! The engine on hand-assembled x86_64 code (the compiler is tested end to end in the
//! spec runner).
#![cfg(target_arch = "x86_64")]

use std::sync::Arc;
use std::vec;
use std::vec::Vec;

use mote_core::aot::format::write;
use mote_core::aot::helpers::Helper;
use mote_core::aot::object::{AotFunc, AotObject, BoundsChecks};
use mote_core::aot::reloc::{Arch, RelocKind, RelocRecord, RelocSection, SymbolKind};
use mote_core::runtime::{Extern, InvokeError, Linker, Store};
use mote_core::{FuncType, Trap, ValType, Value};

use super::*;

/// One function per `(text offset of its trampoline)`; the native entry is the same.
fn object(
    wat: &str,
    bounds: BoundsChecks,
    text: Vec<u8>,
    entries: &[u32],
    relocs: Vec<RelocRecord>,
) -> Vec<u8> {
    let module = mote_core::Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    write(&AotObject {
        arch: Arch::X86_64,
        bounds_checks: bounds,
        checks: 0,
        metadata: mote_core::aot::meta::write::metadata(&module).unwrap(),
        names: None,
        funcs: entries
            .iter()
            .map(|&o| AotFunc {
                native: o,
                trampoline: o,
            })
            .collect(),
        text,
        rodata: vec![],
        relocs,
    })
}

fn call_helper(offset: u32, helper: Helper) -> RelocRecord {
    RelocRecord {
        section: RelocSection::Text,
        kind: RelocKind::X86_64Plt32,
        symbol_kind: SymbolKind::Helper,
        symbol_index: helper as u32,
        offset,
        addend: -4,
    }
}

fn instantiate(
    aot: &[u8],
    linker: &Linker,
    store: &mut Store,
    exec: &mut AotExecutor,
) -> InstanceAddr {
    let module = load_module(aot).unwrap();
    linker.instantiate(store, module, exec).unwrap()
}

fn invoke(
    store: &mut Store,
    exec: &mut AotExecutor,
    inst: InstanceAddr,
    name: &str,
    args: &[Value],
) -> Result<Vec<Value>, InvokeError> {
    let Some(Extern::Func(f)) = store.export(inst, name) else {
        panic!("no export {name}");
    };
    store.invoke(exec, f, args)
}

/// mov qword [rsi], 42; ret
const RET42: [u8; 8] = [0x48, 0xc7, 0x06, 0x2a, 0, 0, 0, 0xc3];
/// mov qword [rdi + 24], 7 (ctx.trap = integer divide by zero); ret
const TRAP7: [u8; 9] = [0x48, 0xc7, 0x47, 0x18, 0x07, 0, 0, 0, 0xc3];

#[test]
fn runs_code_and_reports_traps() {
    let mut text = RET42.to_vec();
    text.resize(16, 0xcc);
    text.extend_from_slice(&TRAP7);
    let aot = object(
        r#"(module (func (export "answer") (result i64) unreachable)
                   (func (export "div") (result i32) unreachable))"#,
        BoundsChecks::Explicit,
        text,
        &[0, 16],
        vec![],
    );
    let mut store = Store::new();
    let mut exec = AotExecutor::new();
    let inst = instantiate(&aot, &Linker::new(), &mut store, &mut exec);
    assert_eq!(
        invoke(&mut store, &mut exec, inst, "answer", &[]).unwrap(),
        [Value::I64(42)]
    );
    assert_eq!(
        invoke(&mut store, &mut exec, inst, "div", &[]).unwrap_err(),
        InvokeError::Trap(Trap::IntegerDivideByZero)
    );
    // The instance stays usable after a trap.
    assert_eq!(
        invoke(&mut store, &mut exec, inst, "answer", &[]).unwrap(),
        [Value::I64(42)]
    );
}

/// push rbx; mov rbx, rsi; mov edx, [rbx] (delta); xor esi, esi (memory 0);
/// call MemoryGrow; mov eax, eax; mov [rbx], rax; pop rbx; ret
fn grow_code() -> (Vec<u8>, RelocRecord) {
    (
        vec![
            0x53, 0x48, 0x89, 0xf3, 0x8b, 0x13, 0x31, 0xf6, 0xe8, 0, 0, 0, 0, 0x89, 0xc0, 0x48,
            0x89, 0x03, 0x5b, 0xc3,
        ],
        call_helper(9, Helper::MemoryGrow),
    )
}

/// mov rax, [rdi] (VmMemory*); mov rax, [rax] (base); mov ecx, [rsi];
/// movzx eax, byte [rax + rcx]; mov [rsi], rax; ret
const LOAD8: [u8; 17] = [
    0x48, 0x8b, 0x07, 0x48, 0x8b, 0x00, 0x8b, 0x0e, 0x0f, 0xb6, 0x04, 0x08, 0x48, 0x89, 0x06, 0xc3,
    0xcc,
];

fn memory_module(bounds: BoundsChecks) -> Vec<u8> {
    let (mut text, reloc) = grow_code();
    text.resize(32, 0xcc);
    text.extend_from_slice(&LOAD8);
    object(
        r#"(module (memory 1) (data (i32.const 5) "\07")
             (func (export "grow") (param i32) (result i32) unreachable)
             (func (export "load8") (param i32) (result i32) unreachable))"#,
        bounds,
        text,
        &[0, 32],
        vec![reloc],
    )
}

#[test]
fn helpers_reach_the_store() {
    for bounds in [BoundsChecks::Explicit, BoundsChecks::Guard] {
        let aot = memory_module(bounds);
        let mut store = Store::new();
        let mut exec = AotExecutor::new();
        let inst = instantiate(&aot, &Linker::new(), &mut store, &mut exec);
        assert_eq!(
            invoke(&mut store, &mut exec, inst, "load8", &[Value::I32(5)]).unwrap(),
            [Value::I32(7)]
        );
        assert_eq!(
            invoke(&mut store, &mut exec, inst, "grow", &[Value::I32(2)]).unwrap(),
            [Value::I32(1)]
        );
        assert_eq!(
            invoke(&mut store, &mut exec, inst, "grow", &[Value::I32(70000)]).unwrap(),
            [Value::I32(-1)]
        );
        let Some(Extern::Memory(m)) = store.export(inst, "missing").or(Some(Extern::Memory(0)))
        else {
            unreachable!()
        };
        assert_eq!(store.memories[m as usize].pages(), 3);
        assert_eq!(
            store.memories[m as usize].has_backing(),
            bounds == BoundsChecks::Guard
        );
    }
}

#[test]
fn guard_mode_turns_faults_into_traps() {
    let aot = memory_module(BoundsChecks::Guard);
    let mut store = Store::new();
    let mut exec = AotExecutor::new();
    let inst = instantiate(&aot, &Linker::new(), &mut store, &mut exec);
    assert_eq!(
        invoke(
            &mut store,
            &mut exec,
            inst,
            "load8",
            &[Value::I32(65536 + 3)]
        )
        .unwrap_err(),
        InvokeError::Trap(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        invoke(&mut store, &mut exec, inst, "load8", &[Value::I32(-1)]).unwrap_err(),
        InvokeError::Trap(Trap::MemoryOutOfBounds)
    );
    // Grown memory is accessible at once, and the instance still works.
    invoke(&mut store, &mut exec, inst, "grow", &[Value::I32(1)]).unwrap();
    assert_eq!(
        invoke(
            &mut store,
            &mut exec,
            inst,
            "load8",
            &[Value::I32(65536 + 3)]
        )
        .unwrap(),
        [Value::I32(0)]
    );
}

#[test]
fn imports_and_indirect_calls_go_through_the_store() {
    // f0 (import) ; "call_double": mov rdx, rsi; xor esi, esi; jmp CallImport
    // "indirect": push rbx; mov rbx, rsi; mov rcx, rsi(cells); mov edx? -> see below
    let mut text = vec![0x48, 0x89, 0xf2, 0x31, 0xf6, 0xe9, 0, 0, 0, 0];
    let mut relocs = vec![call_helper(6, Helper::CallImport)];
    text.resize(16, 0xcc);
    // call_indirect(table 0, type 0, element = cells[0], cells):
    // mov rcx, rsi; mov ecx? — registers: rdi ctx, esi table, edx type, ecx elem, r8 cells
    // mov r8, rsi (49 89 f0); mov ecx, [rsi] (8b 0e); xor esi, esi (31 f6);
    // xor edx, edx (31 d2); jmp CallIndirect (e9 rel32)
    text.extend_from_slice(&[
        0x49, 0x89, 0xf0, 0x8b, 0x0e, 0x31, 0xf6, 0x31, 0xd2, 0xe9, 0, 0, 0, 0,
    ]);
    relocs.push(call_helper(16 + 10, Helper::CallIndirect));
    let aot = object(
        r#"(module
             (type $t (func (param i32) (result i32)))
             (import "env" "double" (func $double (type $t)))
             (import "env" "fail" (func $fail (type $t)))
             (table 4 funcref)
             (elem (i32.const 0) $double $fail)
             (elem (i32.const 2) func $other)
             (func (export "call_double") (param i32) (result i32) unreachable)
             (func (export "indirect") (param i32) (result i32) unreachable)
             (func $other))"#,
        BoundsChecks::Explicit,
        {
            text.resize(32, 0xcc);
            text.extend_from_slice(&RET42);
            text
        },
        &[0, 16, 32],
        relocs,
    );
    let mut store = Store::new();
    let mut linker = Linker::new();
    let ty = FuncType::new(vec![ValType::I32], vec![ValType::I32]);
    linker.func(&mut store, "env", "double", ty.clone(), |_, cells| {
        cells[0] = (cells[0] as u32).wrapping_mul(2) as u64;
        Ok(())
    });
    linker.func(&mut store, "env", "fail", ty, |_, _| {
        Err(Trap::Host("boom"))
    });
    let mut exec = AotExecutor::new();
    let inst = instantiate(&aot, &linker, &mut store, &mut exec);
    let mut call =
        |name: &str, arg: i32| invoke(&mut store, &mut exec, inst, name, &[Value::I32(arg)]);
    assert_eq!(call("call_double", 21).unwrap(), [Value::I32(42)]);
    assert_eq!(call("indirect", 0).unwrap(), [Value::I32(0)]);
    assert_eq!(
        call("indirect", 1).unwrap_err(),
        InvokeError::Trap(Trap::Host("boom"))
    );
    assert_eq!(
        call("indirect", 2).unwrap_err(),
        InvokeError::Trap(Trap::IndirectCallTypeMismatch)
    );
    assert_eq!(
        call("indirect", 3).unwrap_err(),
        InvokeError::Trap(Trap::UninitializedElement)
    );
    assert_eq!(
        call("indirect", 4).unwrap_err(),
        InvokeError::Trap(Trap::UndefinedElement)
    );
}

#[test]
fn refuses_other_archs_and_mismatched_code() {
    let mut obj_bytes = memory_module(BoundsChecks::Explicit);
    // Corrupt: checksum error surfaces as a load error with a clear message.
    let n = obj_bytes.len();
    obj_bytes[n - 1] ^= 0xff;
    let err = load_module(&obj_bytes).unwrap_err();
    assert!(err.to_string().contains("checksum"), "{err}");
    let module = Arc::new(
        mote_core::Module::new(&wat::parse_str("(module (func) (func))").unwrap()).unwrap(),
    );
    let good = memory_module(BoundsChecks::Explicit);
    // Two functions in both, but prepare still attaches; a single function module does not.
    let one = mote_core::Module::new(&wat::parse_str("(module (func))").unwrap()).unwrap();
    assert!(matches!(prepare(&one, &good), Err(AotError::Mismatch(_))));
    assert!(prepare(&module, &good).is_ok());
}
