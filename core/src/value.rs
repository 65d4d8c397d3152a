//! Typed values, as host functions and the embedder see them. Engines see untyped cells.

use crate::types::ValType;

/// An untyped 64-bit slot holding one value (`v128` takes two).
pub type Cell = u64;

/// Index of a function in a store.
pub type FuncAddr = u32;

/// A typed WebAssembly value. Floats are kept as bits so NaN payloads survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    FuncRef(Option<FuncAddr>),
    ExternRef(Option<u32>),
}

impl Value {
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::V128(_) => ValType::V128,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value of a type, used for fresh locals, globals and table entries.
    pub fn default_for(ty: ValType) -> Value {
        match ty {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::V128 => Value::V128(0),
            ValType::FuncRef => Value::FuncRef(None),
            ValType::ExternRef => Value::ExternRef(None),
        }
    }

    /// The cell form engines use. References are stored as index + 1 so that 0 is null
    /// and freshly zeroed tables and locals read as null.
    pub fn to_cell(&self) -> Cell {
        match *self {
            Value::I32(v) => v as u32 as u64,
            Value::I64(v) => v as u64,
            Value::F32(v) => v as u64,
            Value::F64(v) => v,
            Value::V128(v) => v as u64,
            Value::FuncRef(r) => ref_to_cell(r),
            Value::ExternRef(r) => ref_to_cell(r),
        }
    }

    pub fn from_cell(ty: ValType, cell: Cell) -> Value {
        match ty {
            ValType::I32 => Value::I32(cell as u32 as i32),
            ValType::I64 => Value::I64(cell as i64),
            ValType::F32 => Value::F32(cell as u32),
            ValType::F64 => Value::F64(cell),
            ValType::V128 => Value::V128(cell as u128),
            ValType::FuncRef => Value::FuncRef(cell_to_ref(cell)),
            ValType::ExternRef => Value::ExternRef(cell_to_ref(cell)),
        }
    }
}

pub fn ref_to_cell(r: Option<u32>) -> Cell {
    match r {
        None => 0,
        Some(i) => i as u64 + 1,
    }
}

pub fn cell_to_ref(cell: Cell) -> Option<u32> {
    if cell == 0 {
        None
    } else {
        Some((cell - 1) as u32)
    }
}

impl core::fmt::Display for Value {
    /// The format WAMR's `iwasm -f` prints results in.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "0x{:x}:i32", v as u32),
            Value::I64(v) => write!(f, "0x{:x}:i64", v as u64),
            #[cfg(feature = "float")]
            Value::F32(bits) => write!(f, "{}:f32", FormatG7(f32::from_bits(bits) as f64)),
            #[cfg(feature = "float")]
            Value::F64(bits) => write!(f, "{}:f64", FormatG7(f64::from_bits(bits))),
            // No module a float-less build runs makes floats; printing their bits keeps
            // the float formatter out of such builds.
            #[cfg(not(feature = "float"))]
            Value::F32(bits) => write!(f, "0x{bits:x}:f32"),
            #[cfg(not(feature = "float"))]
            Value::F64(bits) => write!(f, "0x{bits:x}:f64"),
            Value::V128(v) => write!(f, "<0x{:016x} 0x{:016x}>:v128", v as u64, (v >> 64) as u64),
            Value::FuncRef(None) => write!(f, "func:ref.null"),
            Value::FuncRef(Some(i)) => write!(f, "{i}:ref.func"),
            Value::ExternRef(None) => write!(f, "extern:ref.null"),
            Value::ExternRef(Some(i)) => write!(f, "0x{i:x}:ref.extern"),
        }
    }
}

/// C's `%.7g`: 7 significant digits, shortest of fixed or exponent form, no trailing zeros.
#[cfg(feature = "float")]
pub struct FormatG7(pub f64);

#[cfg(feature = "float")]
impl core::fmt::Display for FormatG7 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        const P: i32 = 7;
        let v = self.0;
        if v.is_nan() {
            return f.write_str(if v.is_sign_negative() { "-nan" } else { "nan" });
        }
        if v.is_infinite() {
            return f.write_str(if v < 0.0 { "-inf" } else { "inf" });
        }
        if v == 0.0 {
            return f.write_str(if v.is_sign_negative() { "-0" } else { "0" });
        }
        // The exponent after rounding to P significant digits decides the form.
        let mut buf = heapless::String::<64>::new();
        core::fmt::write(&mut buf, format_args!("{:.*e}", (P - 1) as usize, v))?;
        let (mantissa, exp) = buf.split_once('e').unwrap_or((&buf, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        if !(-4..P).contains(&exp) {
            let m = trim_zeros(mantissa);
            let sign = if exp < 0 { '-' } else { '+' };
            write!(f, "{m}e{sign}{:02}", exp.abs())
        } else {
            let mut fixed = heapless::String::<400>::new();
            core::fmt::write(&mut fixed, format_args!("{:.*}", (P - 1 - exp) as usize, v))?;
            f.write_str(trim_zeros(&fixed))
        }
    }
}

#[cfg(feature = "float")]
fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "float")]
    fn g7_matches_c() {
        let cases: &[(f64, &str)] = &[
            (3.5, "3.5"),
            (1.0 / 3.0, "0.3333333"),
            (1e10, "1e+10"),
            (123456789.0, "1.234568e+08"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (-2.0, "-2"),
            (1234567.0, "1234567"),
        ];
        for (v, want) in cases {
            assert_eq!(std::format!("{}", FormatG7(*v)), *want, "{v}");
        }
    }

    #[test]
    fn results_print_like_wamr() {
        assert_eq!(std::format!("{}", Value::I32(42)), "0x2a:i32");
        assert_eq!(std::format!("{}", Value::I32(-1)), "0xffffffff:i32");
        assert_eq!(std::format!("{}", Value::I64(42)), "0x2a:i64");
        #[cfg(feature = "float")]
        assert_eq!(std::format!("{}", Value::F32(1.5f32.to_bits())), "1.5:f32");
        assert_eq!(std::format!("{}", Value::FuncRef(None)), "func:ref.null");
        assert_eq!(std::format!("{}", Value::FuncRef(Some(3))), "3:ref.func");
        assert_eq!(
            std::format!("{}", Value::ExternRef(None)),
            "extern:ref.null"
        );
        assert_eq!(
            std::format!("{}", Value::V128(1 | (2u128 << 64))),
            "<0x0000000000000001 0x0000000000000002>:v128"
        );
    }
}
