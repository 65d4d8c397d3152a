//! Wasm numeric semantics, one function per operation, shared by every dispatch arm that
//! performs it (register and immediate forms alike).

use mote_core::Trap;

/// Conversion between a cell and a typed value.
pub trait Cellable: Copy {
    fn from_cell(c: u64) -> Self;
    fn into_cell(self) -> u64;
}

macro_rules! cellable_int {
    ($($t:ty),*) => {$(
        impl Cellable for $t {
            #[inline(always)]
            fn from_cell(c: u64) -> Self { c as $t }
            #[inline(always)]
            fn into_cell(self) -> u64 { self as u64 }
        }
    )*};
}
cellable_int!(u32, u64, i64);

impl Cellable for i32 {
    #[inline(always)]
    fn from_cell(c: u64) -> Self {
        c as u32 as i32
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self as u32 as u64
    }
}

impl Cellable for bool {
    #[inline(always)]
    fn from_cell(c: u64) -> Self {
        c as u32 != 0
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self as u64
    }
}

#[cfg(feature = "float")]
impl Cellable for f32 {
    #[inline(always)]
    fn from_cell(c: u64) -> Self {
        f32::from_bits(c as u32)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits() as u64
    }
}

#[cfg(feature = "float")]
impl Cellable for f64 {
    #[inline(always)]
    fn from_cell(c: u64) -> Self {
        f64::from_bits(c)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits()
    }
}

macro_rules! int_ops {
    ($s:ty, $u:ty, $bits:expr, $div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident,
     $shl:ident, $shr_s:ident, $shr_u:ident, $rotl:ident, $rotr:ident) => {
        #[inline(always)]
        pub fn $div_s(a: $s, b: $s) -> Result<$s, Trap> {
            if b == 0 {
                return Err(Trap::IntegerDivideByZero);
            }
            a.checked_div(b).ok_or(Trap::IntegerOverflow)
        }
        #[inline(always)]
        pub fn $div_u(a: $s, b: $s) -> Result<$s, Trap> {
            if b == 0 {
                return Err(Trap::IntegerDivideByZero);
            }
            Ok(((a as $u) / (b as $u)) as $s)
        }
        #[inline(always)]
        pub fn $rem_s(a: $s, b: $s) -> Result<$s, Trap> {
            if b == 0 {
                return Err(Trap::IntegerDivideByZero);
            }
            Ok(a.wrapping_rem(b))
        }
        #[inline(always)]
        pub fn $rem_u(a: $s, b: $s) -> Result<$s, Trap> {
            if b == 0 {
                return Err(Trap::IntegerDivideByZero);
            }
            Ok(((a as $u) % (b as $u)) as $s)
        }
        #[inline(always)]
        pub fn $shl(a: $s, b: $s) -> $s {
            a.wrapping_shl(b as u32)
        }
        #[inline(always)]
        pub fn $shr_s(a: $s, b: $s) -> $s {
            a.wrapping_shr(b as u32)
        }
        #[inline(always)]
        pub fn $shr_u(a: $s, b: $s) -> $s {
            (a as $u).wrapping_shr(b as u32) as $s
        }
        #[inline(always)]
        pub fn $rotl(a: $s, b: $s) -> $s {
            a.rotate_left((b as u32) % $bits)
        }
        #[inline(always)]
        pub fn $rotr(a: $s, b: $s) -> $s {
            a.rotate_right((b as u32) % $bits)
        }
    };
}
int_ops!(
    i32, u32, 32, i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, i32_shl, i32_shr_s, i32_shr_u,
    i32_rotl, i32_rotr
);
int_ops!(
    i64, u64, 64, i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, i64_shl, i64_shr_s, i64_shr_u,
    i64_rotl, i64_rotr
);

/// The float operations core lacks: std's (hardware) versions where std is present,
/// `libm`'s otherwise. All are exact in IEEE 754 (sqrt is correctly rounded, the others
/// produce integers), so both give the same bits for every non-NaN operand; callers handle
/// NaNs before they get here. The tests check the two against each other.
#[cfg(feature = "float")]
mod fmath {
    macro_rules! ops {
        ($f:ident, $via:ident) => {
            pub mod $f {
                #[inline(always)]
                pub fn sqrt(a: $f) -> $f {
                    ops!(@$via a, sqrt, $f)
                }
                #[inline(always)]
                pub fn ceil(a: $f) -> $f {
                    ops!(@$via a, ceil, $f)
                }
                #[inline(always)]
                pub fn floor(a: $f) -> $f {
                    ops!(@$via a, floor, $f)
                }
                #[inline(always)]
                pub fn trunc(a: $f) -> $f {
                    ops!(@$via a, trunc, $f)
                }
                /// Round to nearest, ties to even.
                #[inline(always)]
                pub fn nearest(a: $f) -> $f {
                    ops!(@$via a, nearest, $f)
                }
            }
        };
        (@hard $a:ident, nearest, $f:ident) => { $a.round_ties_even() };
        (@hard $a:ident, $op:ident, $f:ident) => { $a.$op() };
        (@soft $a:ident, sqrt, f32) => { libm::sqrtf($a) };
        (@soft $a:ident, ceil, f32) => { libm::ceilf($a) };
        (@soft $a:ident, floor, f32) => { libm::floorf($a) };
        (@soft $a:ident, trunc, f32) => { libm::truncf($a) };
        (@soft $a:ident, nearest, f32) => { libm::roundevenf($a) };
        (@soft $a:ident, nearest, f64) => { libm::roundeven($a) };
        (@soft $a:ident, $op:ident, f64) => { libm::$op($a) };
    }

    #[cfg(feature = "std")]
    pub mod hard {
        ops!(f32, hard);
        ops!(f64, hard);
    }

    // Compiled in std builds too, for the tests that compare it with `hard`.
    #[cfg_attr(all(feature = "std", not(test)), allow(dead_code))]
    pub mod soft {
        ops!(f32, soft);
        ops!(f64, soft);
    }

    #[cfg(feature = "std")]
    pub use hard::*;
    #[cfg(not(feature = "std"))]
    pub use soft::*;
}

#[cfg(feature = "float")]
macro_rules! float_ops {
    ($f:ident, $min:ident, $max:ident, $nearest:ident, $ceil:ident, $floor:ident, $trunc:ident, $sqrt:ident) => {
        /// Wasm `min`: NaN if either operand is NaN, and -0 below +0.
        #[inline]
        pub fn $min(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                return <$f>::from_bits(a.to_bits() | b.to_bits());
            }
            if a < b {
                a
            } else {
                b
            }
        }
        #[inline]
        pub fn $max(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                return <$f>::from_bits(a.to_bits() & b.to_bits());
            }
            if a > b {
                a
            } else {
                b
            }
        }
        // Rounding may be done in software, which passes a signalling NaN through
        // unchanged; Wasm requires an arithmetic (quiet) NaN, hence the `a + a`.
        #[inline]
        pub fn $nearest(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            fmath::$f::nearest(a)
        }
        #[inline]
        pub fn $ceil(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            fmath::$f::ceil(a)
        }
        #[inline]
        pub fn $floor(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            fmath::$f::floor(a)
        }
        #[inline]
        pub fn $trunc(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            fmath::$f::trunc(a)
        }
        /// Software square roots return the canonical NaN for a NaN operand, hardware
        /// ones its payload; both are valid, but the payload is kept so that every build
        /// gives the same bits.
        #[inline]
        pub fn $sqrt(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            fmath::$f::sqrt(a)
        }
    };
}
#[cfg(feature = "float")]
float_ops!(
    f32,
    f32_min,
    f32_max,
    f32_nearest,
    f32_ceil,
    f32_floor,
    f32_trunc,
    f32_sqrt
);
#[cfg(feature = "float")]
float_ops!(
    f64,
    f64_min,
    f64_max,
    f64_nearest,
    f64_ceil,
    f64_floor,
    f64_trunc,
    f64_sqrt
);

#[cfg(feature = "float")]
mod conversions {
    use mote_core::Trap;

    /// Trapping float-to-int conversion: the value, truncated, must lie strictly between
    /// `lo` and `hi` (both exact in f64).
    #[inline]
    fn trunc_checked(x: f64, lo: f64, hi: f64) -> Result<f64, Trap> {
        if x.is_nan() {
            return Err(Trap::InvalidConversionToInteger);
        }
        if x <= lo || x >= hi {
            return Err(Trap::IntegerOverflow);
        }
        Ok(super::fmath::f64::trunc(x))
    }

    pub fn i32_trunc_s(x: f64) -> Result<i32, Trap> {
        trunc_checked(x, -2147483649.0, 2147483648.0).map(|v| v as i32)
    }
    pub fn i32_trunc_u(x: f64) -> Result<i32, Trap> {
        trunc_checked(x, -1.0, 4294967296.0).map(|v| v as u32 as i32)
    }
    pub fn i64_trunc_s(x: f64) -> Result<i64, Trap> {
        // -2^63 itself converts; the next lower f64 does not.
        if x == -9223372036854775808.0 {
            return Ok(i64::MIN);
        }
        trunc_checked(x, -9223372036854775808.0, 9223372036854775808.0).map(|v| v as i64)
    }
    pub fn i64_trunc_u(x: f64) -> Result<i64, Trap> {
        trunc_checked(x, -1.0, 18446744073709551616.0).map(|v| v as u64 as i64)
    }

    /// Rust's `as` casts saturate and map NaN to 0, exactly the `trunc_sat` semantics.
    pub fn i32_trunc_sat_s(x: f64) -> i32 {
        x as i32
    }
    pub fn i32_trunc_sat_u(x: f64) -> i32 {
        x as u32 as i32
    }
    pub fn i64_trunc_sat_s(x: f64) -> i64 {
        x as i64
    }
    pub fn i64_trunc_sat_u(x: f64) -> i64 {
        x as u64 as i64
    }
}
#[cfg(feature = "float")]
pub use conversions::*;

#[cfg(all(test, feature = "float", feature = "std"))]
mod tests {
    use super::fmath::{hard, soft};

    /// Boundaries where rounding code goes wrong: zeros, halves, the integer threshold of
    /// the format, subnormals, extremes.
    fn f64_specials() -> Vec<f64> {
        let mut v = vec![
            0.0,
            0.5,
            1.0,
            1.5,
            2.5,
            3.5,
            0.49999999999999994,
            4503599627370495.5,
            4503599627370496.0,
            4503599627370497.0,
            9007199254740991.0,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::from_bits(0x000f_ffff_ffff_ffff),
            f64::MAX,
            f64::EPSILON,
            f64::INFINITY,
        ];
        for b in 0..64 {
            v.push(f64::from_bits(1u64 << b));
            v.push(f64::from_bits((1u64 << b) - 1));
        }
        let neg: Vec<f64> = v.iter().map(|x| -x).collect();
        v.extend(neg);
        v
    }

    fn f32_specials() -> Vec<f32> {
        let mut v = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.49999997,
            8388607.5,
            8388608.0,
            8388609.0,
            16777215.0,
            f32::MIN_POSITIVE,
            f32::from_bits(1),
            f32::from_bits(0x007f_ffff),
            f32::MAX,
            f32::INFINITY,
        ];
        for b in 0..32 {
            v.push(f32::from_bits(1u32 << b));
            v.push(f32::from_bits((1u32 << b) - 1));
        }
        let neg: Vec<f32> = v.iter().map(|x| -x).collect();
        v.extend(neg);
        v
    }

    /// Deterministic pseudo-random bit patterns (xorshift64*), NaNs skipped since the
    /// callers handle those.
    fn bits(n: usize) -> impl Iterator<Item = u64> {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        (0..n).map(move |_| {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            s.wrapping_mul(0x2545_f491_4f6c_dd1d)
        })
    }

    macro_rules! check {
        ($f:ident, $x:expr) => {{
            let x = $x;
            if !x.is_nan() {
                for (name, h, s) in [
                    ("sqrt", hard::$f::sqrt(x), soft::$f::sqrt(x)),
                    ("ceil", hard::$f::ceil(x), soft::$f::ceil(x)),
                    ("floor", hard::$f::floor(x), soft::$f::floor(x)),
                    ("trunc", hard::$f::trunc(x), soft::$f::trunc(x)),
                    ("nearest", hard::$f::nearest(x), soft::$f::nearest(x)),
                ] {
                    // Negative operands of sqrt give a NaN whose sign and payload the spec
                    // leaves open.
                    if h.is_nan() && s.is_nan() {
                        continue;
                    }
                    assert_eq!(h.to_bits(), s.to_bits(), "{name}({x:e})");
                }
            }
        }};
    }

    #[test]
    fn libm_matches_std_bit_for_bit_f64() {
        for x in f64_specials() {
            check!(f64, x);
        }
        for b in bits(200_000) {
            check!(f64, f64::from_bits(b));
            // Also values near the integers, where the roundings differ.
            check!(f64, (b >> 11) as f64 / 1024.0 - (1u64 << 42) as f64);
        }
    }

    #[test]
    fn libm_matches_std_bit_for_bit_f32() {
        for x in f32_specials() {
            check!(f32, x);
        }
        for b in bits(200_000) {
            check!(f32, f32::from_bits(b as u32));
            check!(f32, (b >> 40) as f32 / 16.0 - (1u32 << 20) as f32);
        }
    }

    #[test]
    fn nan_operands_give_quiet_nans() {
        let snan32 = f32::from_bits(0x7fa0_0001);
        let snan64 = f64::from_bits(0x7ff4_0000_0000_0001);
        for r in [
            super::f32_sqrt(snan32),
            super::f32_nearest(snan32),
            super::f32_ceil(snan32),
            super::f32_floor(snan32),
            super::f32_trunc(snan32),
        ] {
            assert_eq!(r.to_bits() & 0x7fc0_0000, 0x7fc0_0000, "{:#x}", r.to_bits());
        }
        for r in [
            super::f64_sqrt(snan64),
            super::f64_nearest(snan64),
            super::f64_ceil(snan64),
            super::f64_floor(snan64),
            super::f64_trunc(snan64),
        ] {
            assert_eq!(
                r.to_bits() & 0x7ff8_0000_0000_0000,
                0x7ff8_0000_0000_0000,
                "{:#x}",
                r.to_bits()
            );
        }
    }
}
