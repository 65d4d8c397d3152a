//! Script values: turning `.wast` arguments into [`Value`]s, checking results against
//! expected patterns, and printing both for failure reports.

use mote_core::Value;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// The value an `invoke` argument stands for.
pub fn argument(arg: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(arg) = arg else {
        return Err("component-model argument".to_string());
    };
    Ok(match arg {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(f) => Value::F32(f.bits),
        WastArgCore::F64(f) => Value::F64(f.bits),
        WastArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(heap) => match null_kind(heap) {
            Some(RefKind::Func) => Value::FuncRef(None),
            Some(RefKind::Extern) => Value::ExternRef(None),
            None => return Err(format!("unsupported null reference type {heap:?}")),
        },
        // Host references are opaque integers the engine only passes around.
        WastArgCore::RefExtern(n) => Value::ExternRef(Some(*n)),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

enum RefKind {
    Func,
    Extern,
}

/// Which Wasm 2.0 reference type a null of heap type `heap` has.
fn null_kind(heap: &HeapType<'_>) -> Option<RefKind> {
    match heap {
        HeapType::Abstract { ty, .. } => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Some(RefKind::Func),
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Some(RefKind::Extern),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `got` satisfies the expected result pattern.
pub fn matches(expected: &WastRet<'_>, got: &Value) -> bool {
    match expected {
        WastRet::Core(core) => matches_core(core, got),
        _ => false,
    }
}

fn matches_core(expected: &WastRetCore<'_>, got: &Value) -> bool {
    match (expected, got) {
        (WastRetCore::I32(want), Value::I32(v)) => want == v,
        (WastRetCore::I64(want), Value::I64(v)) => want == v,
        (WastRetCore::F32(want), Value::F32(bits)) => f32_matches(want, *bits),
        (WastRetCore::F64(want), Value::F64(bits)) => f64_matches(want, *bits),
        (WastRetCore::V128(want), Value::V128(v)) => v128_matches(want, *v),
        // `(ref.null)` without a type accepts any null.
        (WastRetCore::RefNull(None), Value::FuncRef(None) | Value::ExternRef(None)) => true,
        (WastRetCore::RefNull(Some(heap)), Value::FuncRef(None)) => {
            matches!(null_kind(heap), Some(RefKind::Func))
        }
        (WastRetCore::RefNull(Some(heap)), Value::ExternRef(None)) => {
            matches!(null_kind(heap), Some(RefKind::Extern))
        }
        (WastRetCore::RefExtern(None), Value::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(want)), Value::ExternRef(Some(n))) => want == n,
        // The index in `(ref.func $f)` names a function of some module the script does
        // not pin down, so any non-null function reference is accepted.
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(options), v) => options.iter().any(|o| matches_core(o, v)),
        _ => false,
    }
}

fn f32_matches(want: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    const EXP_AND_QUIET: u32 = 0x7fc0_0000;
    match want {
        // Canonical: only the quiet bit set in the payload, either sign.
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == EXP_AND_QUIET,
        // Arithmetic: any quiet NaN.
        NanPattern::ArithmeticNan => bits & EXP_AND_QUIET == EXP_AND_QUIET,
        // Exact bits, so a NaN payload and the sign of zero must match too.
        NanPattern::Value(f) => f.bits == bits,
    }
}

fn f64_matches(want: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    const EXP_AND_QUIET: u64 = 0x7ff8_0000_0000_0000;
    match want {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == EXP_AND_QUIET,
        NanPattern::ArithmeticNan => bits & EXP_AND_QUIET == EXP_AND_QUIET,
        NanPattern::Value(f) => f.bits == bits,
    }
}

fn v128_matches(want: &V128Pattern, v: u128) -> bool {
    let bytes = v.to_le_bytes();
    let lane = |i: usize, size: usize| -> u64 {
        let mut buf = [0u8; 8];
        buf[..size].copy_from_slice(&bytes[i * size..(i + 1) * size]);
        u64::from_le_bytes(buf)
    };
    match want {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 1) == *x as u8 as u64),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 2) == *x as u16 as u64),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 4) == *x as u32 as u64),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(i, 8) == *x as u64),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(p, lane(i, 4) as u32)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(p, lane(i, 8))),
    }
}

/// A value as failure reports show it: the number, and the bits for floats.
pub fn show(v: &Value) -> String {
    match *v {
        Value::I32(x) => format!("i32:{x}"),
        Value::I64(x) => format!("i64:{x}"),
        Value::F32(b) => format!("f32:{:?} (0x{b:08x})", f32::from_bits(b)),
        Value::F64(b) => format!("f64:{:?} (0x{b:016x})", f64::from_bits(b)),
        Value::V128(x) => format!("v128:0x{x:032x}"),
        Value::FuncRef(None) => "ref.null func".to_string(),
        Value::FuncRef(Some(a)) => format!("ref.func (store func {a})"),
        Value::ExternRef(None) => "ref.null extern".to_string(),
        Value::ExternRef(Some(n)) => format!("ref.extern {n}"),
    }
}

pub fn show_all(values: &[Value]) -> String {
    let items: Vec<String> = values.iter().map(show).collect();
    format!("[{}]", items.join(", "))
}

/// An expected result pattern as failure reports show it.
pub fn show_expected(ret: &WastRet<'_>) -> String {
    match ret {
        WastRet::Core(core) => show_core(core),
        other => format!("{other:?}"),
    }
}

pub fn show_expected_all(rets: &[WastRet<'_>]) -> String {
    let items: Vec<String> = rets.iter().map(show_expected).collect();
    format!("[{}]", items.join(", "))
}

fn show_core(ret: &WastRetCore<'_>) -> String {
    match ret {
        WastRetCore::I32(x) => show(&Value::I32(*x)),
        WastRetCore::I64(x) => show(&Value::I64(*x)),
        WastRetCore::F32(NanPattern::Value(f)) => show(&Value::F32(f.bits)),
        WastRetCore::F64(NanPattern::Value(f)) => show(&Value::F64(f.bits)),
        WastRetCore::F32(NanPattern::CanonicalNan) => "f32:nan:canonical".to_string(),
        WastRetCore::F32(NanPattern::ArithmeticNan) => "f32:nan:arithmetic".to_string(),
        WastRetCore::F64(NanPattern::CanonicalNan) => "f64:nan:canonical".to_string(),
        WastRetCore::F64(NanPattern::ArithmeticNan) => "f64:nan:arithmetic".to_string(),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(heap)) => match null_kind(heap) {
            Some(RefKind::Func) => "ref.null func".to_string(),
            Some(RefKind::Extern) => "ref.null extern".to_string(),
            None => format!("ref.null {heap:?}"),
        },
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::Either(options) => {
            let items: Vec<String> = options.iter().map(show_core).collect();
            format!("either({})", items.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

/// Whether a trap message satisfies the expected text. The suite's texts sometimes carry
/// detail after the spec's phrase ("uninitialized element 2") and engines sometimes add
/// detail of their own, so either being a prefix of the other is accepted.
pub fn message_matches(expected: &str, got: &str) -> bool {
    !got.is_empty() && (expected.starts_with(got) || got.starts_with(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_patterns() {
        let canonical = NanPattern::<wast::token::F32>::CanonicalNan;
        let arithmetic = NanPattern::<wast::token::F32>::ArithmeticNan;
        assert!(f32_matches(&canonical, 0x7fc0_0000));
        assert!(f32_matches(&canonical, 0xffc0_0000));
        assert!(!f32_matches(&canonical, 0x7fc0_0001));
        assert!(f32_matches(&arithmetic, 0x7fc0_0001));
        assert!(!f32_matches(&arithmetic, 0x7fa0_0000), "signalling NaN");
        assert!(!f32_matches(&arithmetic, 0x7f80_0000), "infinity");
        let canonical = NanPattern::<wast::token::F64>::CanonicalNan;
        assert!(f64_matches(&canonical, 0xfff8_0000_0000_0000));
        assert!(!f64_matches(&canonical, 0x7ff8_0000_0000_0001));
    }

    #[test]
    fn trap_messages() {
        assert!(message_matches(
            "uninitialized element 2",
            "uninitialized element"
        ));
        assert!(message_matches(
            "unknown import",
            "unknown import: `a.b` (function)"
        ));
        assert!(!message_matches(
            "integer overflow",
            "integer divide by zero"
        ));
        assert!(!message_matches("unreachable", ""));
    }
}
