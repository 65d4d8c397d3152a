//! Turns command-line text into typed arguments for `-f`.
//!
//! Accepted forms: integers in decimal or `0x` hex, optionally negative, in the signed or
//! unsigned range of their width (`-1` and `0xffffffff` are the same i32); floats in
//! decimal or exponent form, `inf`, `-inf`, `nan` and `nan:0xPAYLOAD` (WAMR's syntax for a
//! NaN with a chosen payload). WAMR reads integers with `strtoul(.., 0)`, which takes a
//! leading `0` as octal; here `010` is ten, which is what a person means.

use mote_core::{ValType, Value};

/// Why a text is not a value of the wanted type.
pub type Reason = &'static str;

pub fn parse(text: &str, ty: ValType) -> Result<Value, Reason> {
    match ty {
        ValType::I32 => parse_int(text, 32).map(|v| Value::I32(v as u32 as i32)),
        ValType::I64 => parse_int(text, 64).map(|v| Value::I64(v as i64)),
        ValType::F32 => parse_f32(text).map(|v| Value::F32(v.to_bits())),
        ValType::F64 => parse_f64(text).map(|v| Value::F64(v.to_bits())),
        ValType::FuncRef => parse_null(text).map(|_| Value::FuncRef(None)),
        ValType::ExternRef => parse_null(text).map(|_| Value::ExternRef(None)),
        ValType::V128 => Err("v128 arguments are not supported"),
    }
}

/// Splits an optional leading sign off.
fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// An integer of `bits` width, as its two's-complement bit pattern.
fn parse_int(text: &str, bits: u32) -> Result<u64, Reason> {
    let (negative, digits) = split_sign(text);
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => parse_digits(hex, 16)?,
        None => parse_digits(digits, 10)?,
    };
    let (min_magnitude, max) = (1u128 << (bits - 1), (1u128 << bits) - 1);
    if negative {
        if magnitude > min_magnitude {
            return Err("out of range");
        }
        Ok((magnitude as u64).wrapping_neg() & max as u64)
    } else if magnitude > max {
        Err("out of range")
    } else {
        Ok(magnitude as u64)
    }
}

fn parse_digits(digits: &str, radix: u32) -> Result<u128, Reason> {
    // `from_str_radix` would accept a second sign; only digits are allowed here.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err("not an integer");
    }
    u128::from_str_radix(digits, radix).map_err(|_| "out of range")
}

fn parse_f32(text: &str) -> Result<f32, Reason> {
    let (negative, rest) = split_sign(text);
    let magnitude = match special_float(rest, 23)? {
        Some(Special::Inf) => f32::INFINITY,
        Some(Special::Nan(payload)) => f32::from_bits(0x7f80_0000 | payload as u32),
        None => parse_decimal(rest)?,
    };
    Ok(if negative { -magnitude } else { magnitude })
}

fn parse_f64(text: &str) -> Result<f64, Reason> {
    let (negative, rest) = split_sign(text);
    let magnitude = match special_float(rest, 52)? {
        Some(Special::Inf) => f64::INFINITY,
        Some(Special::Nan(payload)) => f64::from_bits(0x7ff0_0000_0000_0000 | payload),
        None => parse_decimal(rest)?,
    };
    Ok(if negative { -magnitude } else { magnitude })
}

enum Special {
    Inf,
    /// The mantissa bits of a NaN (never zero: that would be infinity).
    Nan(u64),
}

/// `inf`, `infinity`, `nan` or `nan:0xPAYLOAD` for a mantissa of `mantissa_bits`.
fn special_float(text: &str, mantissa_bits: u32) -> Result<Option<Special>, Reason> {
    let lower = text.to_ascii_lowercase();
    let canonical = 1u64 << (mantissa_bits - 1);
    Ok(match lower.as_str() {
        "inf" | "infinity" => Some(Special::Inf),
        "nan" => Some(Special::Nan(canonical)),
        _ => match lower.strip_prefix("nan:0x") {
            Some(hex) => {
                let payload = u64::from_str_radix(hex, 16).map_err(|_| "bad NaN payload")?;
                if payload == 0 || payload >> mantissa_bits != 0 {
                    return Err("NaN payload out of range");
                }
                Some(Special::Nan(payload))
            }
            None => None,
        },
    })
}

/// A finite decimal number without sign (Rust's grammar: `1`, `1.5`, `.5`, `1e-3`).
fn parse_decimal<F: std::str::FromStr>(text: &str) -> Result<F, Reason> {
    // Rust's parser also takes spellings of inf and NaN and a sign; those are handled by the
    // caller, so insist on a digit or a dot first.
    match text.as_bytes().first() {
        Some(c) if c.is_ascii_digit() || *c == b'.' => text.parse().map_err(|_| "not a number"),
        _ => Err("not a number"),
    }
}

fn parse_null(text: &str) -> Result<(), Reason> {
    if text.eq_ignore_ascii_case("null") {
        Ok(())
    } else {
        Err("only `null` can be passed for a reference")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, ty: ValType) -> Value {
        parse(text, ty).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn integers() {
        assert_eq!(ok("42", ValType::I32), Value::I32(42));
        assert_eq!(ok("-1", ValType::I32), Value::I32(-1));
        assert_eq!(ok("0xffffffff", ValType::I32), Value::I32(-1));
        assert_eq!(ok("-2147483648", ValType::I32), Value::I32(i32::MIN));
        assert_eq!(ok("010", ValType::I32), Value::I32(10));
        assert_eq!(ok("0X1F", ValType::I64), Value::I64(31));
        assert_eq!(ok("18446744073709551615", ValType::I64), Value::I64(-1));
        assert_eq!(
            ok("-9223372036854775808", ValType::I64),
            Value::I64(i64::MIN)
        );
        for bad in [
            "",
            "-",
            "0x",
            "abc",
            "1.5",
            "--1",
            "+-1",
            "0x-1",
            " 1",
            "4294967296",
        ] {
            assert!(parse(bad, ValType::I32).is_err(), "{bad:?}");
        }
        assert!(parse("-2147483649", ValType::I32).is_err());
        assert!(parse("-9223372036854775809", ValType::I64).is_err());
        assert!(parse("18446744073709551616", ValType::I64).is_err());
    }

    #[test]
    fn floats() {
        assert_eq!(ok("1.5", ValType::F64), Value::F64(1.5f64.to_bits()));
        assert_eq!(ok("-2e3", ValType::F64), Value::F64((-2000f64).to_bits()));
        assert_eq!(ok(".5", ValType::F32), Value::F32(0.5f32.to_bits()));
        assert_eq!(ok("inf", ValType::F32), Value::F32(f32::INFINITY.to_bits()));
        assert_eq!(
            ok("-inf", ValType::F64),
            Value::F64(f64::NEG_INFINITY.to_bits())
        );
        assert_eq!(ok("nan", ValType::F32), Value::F32(0x7fc0_0000));
        assert_eq!(ok("-nan", ValType::F32), Value::F32(0xffc0_0000));
        assert_eq!(ok("nan", ValType::F64), Value::F64(0x7ff8_0000_0000_0000));
        assert_eq!(
            ok("nan:0x1", ValType::F64),
            Value::F64(0x7ff0_0000_0000_0001)
        );
        // f32 text is rounded once, straight to f32.
        assert_eq!(ok("0.1", ValType::F32), Value::F32(0.1f32.to_bits()));
        for bad in [
            "",
            "x",
            "1.5.5",
            "nan:0x0",
            "nan:0x800000",
            "--1",
            "e5",
            "1,5",
        ] {
            assert!(parse(bad, ValType::F32).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn references() {
        assert_eq!(ok("null", ValType::FuncRef), Value::FuncRef(None));
        assert!(parse("3", ValType::FuncRef).is_err());
        assert!(parse("0", ValType::V128).is_err());
    }
}
