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

#[cfg(feature = "float")]
macro_rules! float_ops {
    ($f:ty, $min:ident, $max:ident, $nearest:ident, $ceil:ident, $floor:ident, $trunc:ident) => {
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
            a.round_ties_even()
        }
        #[inline]
        pub fn $ceil(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            a.ceil()
        }
        #[inline]
        pub fn $floor(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            a.floor()
        }
        #[inline]
        pub fn $trunc(a: $f) -> $f {
            if a.is_nan() {
                return a + a;
            }
            a.trunc()
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
    f32_trunc
);
#[cfg(feature = "float")]
float_ops!(
    f64,
    f64_min,
    f64_max,
    f64_nearest,
    f64_ceil,
    f64_floor,
    f64_trunc
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
        Ok(x.trunc())
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
