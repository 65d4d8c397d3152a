//! f32 and f64 arithmetic and comparisons, and the conversions that involve floats
//! (grammar in `ops/mod.rs`). Comparisons write 1 or 0. This is where float support is
//! gated: built without the `float` feature the sub-table adds nothing, so no float
//! instruction, handler or printer arm exists.

#[cfg(feature = "float")]
macro_rules! float_ops {
    (
        $tables:tt $callback:ident
        [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        $($entries:tt)*
    ) => {
        $crate::ops::next_table! {
            $tables $callback [$pc, $fp, $ctx, $m, $mem_base, $mem_len] $($entries)*

            // ---- f32 ----
            /// `result = lhs + rhs` (f32).
            F32Add { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x + y);
            /// `result = lhs - rhs` (f32).
            F32Sub { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x - y);
            /// `result = lhs * rhs` (f32).
            F32Mul { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x * y);
            /// `result = lhs / rhs` (f32).
            F32Div { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x / y);
            /// `result = ` the lesser of `lhs` and `rhs`; NaN if either is (f32).
            F32Min { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, f32_min);
            /// `result = ` the greater of `lhs` and `rhs`; NaN if either is (f32).
            F32Max { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, f32_max);
            /// `result = lhs` with the sign of `rhs` (f32).
            F32Copysign { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, f32::copysign);
            /// `result = lhs == rhs` (f32).
            F32Eq { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x == y);
            /// `result = lhs != rhs` (f32).
            F32Ne { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x != y);
            /// `result = lhs < rhs` (f32).
            F32Lt { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x < y);
            /// `result = lhs > rhs` (f32).
            F32Gt { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x > y);
            /// `result = lhs <= rhs` (f32).
            F32Le { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x <= y);
            /// `result = lhs >= rhs` (f32).
            F32Ge { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f32, |x, y| x >= y);
            /// `result = |value|` (`flip` 0: clears the sign bit) or `-value` (`flip`
            /// `i32::MIN`: flips it) (f32). One instruction for both keeps the instruction
            /// set within a one-byte tag.
            F32Sign { result: Slot, value: Slot, flip: i32 } writes result
                => binary_imm(u32, |x: u32, flip: u32| (x & 0x7fff_ffff) | (!x & flip));
            /// `result = value` rounded up (f32).
            F32Ceil { result: Slot, value: Slot } writes result
                => unary(f32, f32_ceil);
            /// `result = value` rounded down (f32).
            F32Floor { result: Slot, value: Slot } writes result
                => unary(f32, f32_floor);
            /// `result = value` rounded toward zero (f32).
            F32Trunc { result: Slot, value: Slot } writes result
                => unary(f32, f32_trunc);
            /// `result = value` rounded to the nearest integer, ties to even (f32).
            F32Nearest { result: Slot, value: Slot } writes result
                => unary(f32, f32_nearest);
            /// `result = ` the square root of `value` (f32).
            F32Sqrt { result: Slot, value: Slot } writes result
                => unary(f32, f32_sqrt);

            // ---- f64 ----
            /// `result = lhs + rhs` (f64).
            F64Add { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x + y);
            /// `result = lhs - rhs` (f64).
            F64Sub { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x - y);
            /// `result = lhs * rhs` (f64).
            F64Mul { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x * y);
            /// `result = lhs / rhs` (f64).
            F64Div { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x / y);
            /// `result = ` the lesser of `lhs` and `rhs`; NaN if either is (f64).
            F64Min { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, f64_min);
            /// `result = ` the greater of `lhs` and `rhs`; NaN if either is (f64).
            F64Max { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, f64_max);
            /// `result = lhs` with the sign of `rhs` (f64).
            F64Copysign { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, f64::copysign);
            /// `result = lhs == rhs` (f64).
            F64Eq { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x == y);
            /// `result = lhs != rhs` (f64).
            F64Ne { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x != y);
            /// `result = lhs < rhs` (f64).
            F64Lt { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x < y);
            /// `result = lhs > rhs` (f64).
            F64Gt { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x > y);
            /// `result = lhs <= rhs` (f64).
            F64Le { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x <= y);
            /// `result = lhs >= rhs` (f64).
            F64Ge { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(f64, |x, y| x >= y);
            /// `result = |value|`, clearing the sign bit (f64).
            F64Abs { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x & 0x7fff_ffff_ffff_ffff);
            /// `result = -value`, flipping the sign bit (f64).
            F64Neg { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x ^ 0x8000_0000_0000_0000);
            /// `result = value` rounded up (f64).
            F64Ceil { result: Slot, value: Slot } writes result
                => unary(f64, f64_ceil);
            /// `result = value` rounded down (f64).
            F64Floor { result: Slot, value: Slot } writes result
                => unary(f64, f64_floor);
            /// `result = value` rounded toward zero (f64).
            F64Trunc { result: Slot, value: Slot } writes result
                => unary(f64, f64_trunc);
            /// `result = value` rounded to the nearest integer, ties to even (f64).
            F64Nearest { result: Slot, value: Slot } writes result
                => unary(f64, f64_nearest);
            /// `result = ` the square root of `value` (f64).
            F64Sqrt { result: Slot, value: Slot } writes result
                => unary(f64, f64_sqrt);

            // ---- conversions involving floats ----
            /// `result = f32 value` truncated to signed i32; traps when out of range.
            I32TruncF32S { result: Slot, value: Slot } writes result
                => unary_trap(f32, |x: f32| i32_trunc_s(x as f64));
            /// `result = f32 value` truncated to unsigned i32; traps when out of range.
            I32TruncF32U { result: Slot, value: Slot } writes result
                => unary_trap(f32, |x: f32| i32_trunc_u(x as f64));
            /// `result = f64 value` truncated to signed i32; traps when out of range.
            I32TruncF64S { result: Slot, value: Slot } writes result
                => unary_trap(f64, i32_trunc_s);
            /// `result = f64 value` truncated to unsigned i32; traps when out of range.
            I32TruncF64U { result: Slot, value: Slot } writes result
                => unary_trap(f64, i32_trunc_u);
            /// `result = f32 value` truncated to signed i64; traps when out of range.
            I64TruncF32S { result: Slot, value: Slot } writes result
                => unary_trap(f32, |x: f32| i64_trunc_s(x as f64));
            /// `result = f32 value` truncated to unsigned i64; traps when out of range.
            I64TruncF32U { result: Slot, value: Slot } writes result
                => unary_trap(f32, |x: f32| i64_trunc_u(x as f64));
            /// `result = f64 value` truncated to signed i64; traps when out of range.
            I64TruncF64S { result: Slot, value: Slot } writes result
                => unary_trap(f64, i64_trunc_s);
            /// `result = f64 value` truncated to unsigned i64; traps when out of range.
            I64TruncF64U { result: Slot, value: Slot } writes result
                => unary_trap(f64, i64_trunc_u);
            /// `result = f32 value` truncated to signed i32, saturating.
            I32TruncSatF32S { result: Slot, value: Slot } writes result
                => unary(f32, |x: f32| i32_trunc_sat_s(x as f64));
            /// `result = f32 value` truncated to unsigned i32, saturating.
            I32TruncSatF32U { result: Slot, value: Slot } writes result
                => unary(f32, |x: f32| i32_trunc_sat_u(x as f64));
            /// `result = f64 value` truncated to signed i32, saturating.
            I32TruncSatF64S { result: Slot, value: Slot } writes result
                => unary(f64, i32_trunc_sat_s);
            /// `result = f64 value` truncated to unsigned i32, saturating.
            I32TruncSatF64U { result: Slot, value: Slot } writes result
                => unary(f64, i32_trunc_sat_u);
            /// `result = f32 value` truncated to signed i64, saturating.
            I64TruncSatF32S { result: Slot, value: Slot } writes result
                => unary(f32, |x: f32| i64_trunc_sat_s(x as f64));
            /// `result = f32 value` truncated to unsigned i64, saturating.
            I64TruncSatF32U { result: Slot, value: Slot } writes result
                => unary(f32, |x: f32| i64_trunc_sat_u(x as f64));
            /// `result = f64 value` truncated to signed i64, saturating.
            I64TruncSatF64S { result: Slot, value: Slot } writes result
                => unary(f64, i64_trunc_sat_s);
            /// `result = f64 value` truncated to unsigned i64, saturating.
            I64TruncSatF64U { result: Slot, value: Slot } writes result
                => unary(f64, i64_trunc_sat_u);
            /// `result = ` signed i32 `value` converted to f32.
            F32ConvertI32S { result: Slot, value: Slot } writes result
                => unary(i32, |x: i32| x as f32);
            /// `result = ` unsigned i32 `value` converted to f32.
            F32ConvertI32U { result: Slot, value: Slot } writes result
                => unary(u32, |x: u32| x as f32);
            /// `result = ` signed i64 `value` converted to f32.
            F32ConvertI64S { result: Slot, value: Slot } writes result
                => unary(i64, |x: i64| x as f32);
            /// `result = ` unsigned i64 `value` converted to f32.
            F32ConvertI64U { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x as f32);
            /// `result = ` signed i32 `value` converted to f64.
            F64ConvertI32S { result: Slot, value: Slot } writes result
                => unary(i32, |x: i32| x as f64);
            /// `result = ` unsigned i32 `value` converted to f64.
            F64ConvertI32U { result: Slot, value: Slot } writes result
                => unary(u32, |x: u32| x as f64);
            /// `result = ` signed i64 `value` converted to f64.
            F64ConvertI64S { result: Slot, value: Slot } writes result
                => unary(i64, |x: i64| x as f64);
            /// `result = ` unsigned i64 `value` converted to f64.
            F64ConvertI64U { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x as f64);
            /// `result = f64 value` rounded to f32.
            F32DemoteF64 { result: Slot, value: Slot } writes result
                => unary(f64, |x: f64| x as f32);
            /// `result = f32 value` converted to f64.
            F64PromoteF32 { result: Slot, value: Slot } writes result
                => unary(f32, |x: f32| x as f64);

            // ---- deterministic mode ----
            /// `result = value`, or the canonical NaN when `value` is a NaN (f64 when
            /// `wide`, else f32; `mote_core::nan`). Follows each operator whose result
            /// may be a NaN in deterministic translations (`Metering::deterministic`).
            CanonNan { result: Slot, value: Slot, wide: u8 } writes result => handler {
                if wide != 0 {
                    let x: f64 = rd($fp, value);
                    wr($fp, result, mote_core::nan::canonical_f64(x));
                } else {
                    let x: f32 = rd($fp, value);
                    wr($fp, result, mote_core::nan::canonical_f32(x));
                }
            };
        }
    };
}

#[cfg(not(feature = "float"))]
macro_rules! float_ops {
    ($tables:tt $callback:ident $state:tt $($entries:tt)*) => {
        $crate::ops::next_table! { $tables $callback $state $($entries)* }
    };
}

pub(crate) use float_ops;
