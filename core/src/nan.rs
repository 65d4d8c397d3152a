//! Deterministic mode's NaN rule, defined once for every engine.
//!
//! WebAssembly lets an operator that returns a NaN pick its sign and payload
//! (nondeterministically, within the spec's rules), and engines differ: x86 `0.0 / 0.0`
//! gives `0xffc00000`, the interpreter's Rust arithmetic on a NaN operand keeps that
//! operand's payload, LLVM may fold either way. In deterministic mode (`iwasm
//! --deterministic`, `aotc --deterministic`) every result of the operators in
//! [`nan_result!`] that is a NaN is replaced by the canonical NaN of its type (positive,
//! quiet, payload zero: `0x7fc00000`, `0x7ff8000000000000`), as wasmtime's
//! `cranelift_nan_canonicalization` does, so the same module and inputs give
//! bit-identical results (and so the same control flow and fuel counts) everywhere.
//!
//! Not canonicalised, because they are bit operations that never create a NaN: `abs`,
//! `neg`, `copysign`, `reinterpret`, loads, stores, `select`, locals and globals. A NaN
//! they move keeps its bits, which came from the module or its inputs (or from a
//! canonicalised result).

/// The canonical f32 NaN's bits.
pub const CANONICAL_F32: u32 = 0x7fc0_0000;
/// The canonical f64 NaN's bits.
pub const CANONICAL_F64: u64 = 0x7ff8_0000_0000_0000;

/// `x`, or the canonical NaN when `x` is a NaN.
#[inline(always)]
pub fn canonical_f32(x: f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(CANONICAL_F32)
    } else {
        x
    }
}

/// `x`, or the canonical NaN when `x` is a NaN.
#[inline(always)]
pub fn canonical_f64(x: f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(CANONICAL_F64)
    } else {
        x
    }
}

/// Whether operator `$op` may return a NaN that deterministic mode canonicalises:
/// `Some(false)` for an f32 result, `Some(true)` for f64, `None` for every other
/// operator. The caller names its operator enum `O` (`use Operator as O;`): mote's
/// decoder (`crate::operators`, the interpreter) and wasmparser's (`aotc`) share the
/// variant names, and this list is the one definition both engines use.
#[macro_export]
macro_rules! nan_result {
    ($op:expr) => {
        match $op {
            O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Sqrt
            | O::F32Min
            | O::F32Max
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F32DemoteF64 => Some(false),
            O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Sqrt
            | O::F64Min
            | O::F64Max
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F64PromoteF32 => Some(true),
            _ => None,
        }
    };
}

/// The error of a runtime in deterministic mode asked to run `.aot` code compiled
/// without it (header bit `feature::DETERMINISTIC` clear): never a silent run.
pub const NOT_DETERMINISTIC_AOT: &str = "deterministic mode is on but the .aot code does not canonicalise NaNs: compile it with `aotc --deterministic`";
