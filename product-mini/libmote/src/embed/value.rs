//! Values written as text, as on a command line or in a configuration file: the inverse
//! of [`Value`]'s `Display` (WAMR's `0x2a:i32`, `1.5:f64`) without the type suffix,
//! because the type comes from the function's signature.

use mote_core::{ValType, Value};

/// Why a text is not a value of the wanted type. `Display` gives the reason in a few
/// words, to follow "invalid argument `...`: ".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseValueError {
    /// An integer type, and the text is not an (optionally signed) decimal or `0x` hex
    /// integer.
    NotAnInteger,
    /// An integer outside both the signed and the unsigned range of its width.
    OutOfRange,
    /// A float type, and the text is neither a decimal number nor `inf`/`nan`.
    NotANumber,
    /// `nan:0x...` whose payload is not hexadecimal.
    BadNanPayload,
    /// `nan:0x...` whose payload is zero (that would be infinity) or wider than the
    /// mantissa.
    NanPayloadOutOfRange,
    /// A reference type, and the text is not `null` (the only reference text can name).
    NotNull,
    /// A type with no text form (`v128`).
    Unsupported(ValType),
}

impl core::fmt::Display for ParseValueError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ParseValueError::NotAnInteger => f.write_str("not an integer"),
            ParseValueError::OutOfRange => f.write_str("out of range"),
            ParseValueError::NotANumber => f.write_str("not a number"),
            ParseValueError::BadNanPayload => f.write_str("bad NaN payload"),
            ParseValueError::NanPayloadOutOfRange => f.write_str("NaN payload out of range"),
            ParseValueError::NotNull => f.write_str("only `null` can be passed for a reference"),
            ParseValueError::Unsupported(ty) => write!(f, "{ty} arguments are not supported"),
        }
    }
}

impl std::error::Error for ParseValueError {}

/// Reads a value of type `ty` from `text`, e.g. to call a function with arguments typed by
/// a person ([`Func::ty`](super::Func::ty) gives the types).
///
/// - `i32`/`i64`: decimal or `0x` hex, optionally signed, in the signed or the unsigned
///   range of the width (`-1` and `0xffffffff` are the same `i32`). A leading `0` is
///   decimal, not octal: `010` is ten (WAMR's `strtoul(.., 0)` would read eight).
/// - `f32`/`f64`: decimal or exponent form (`1.5`, `.5`, `-2e3`), `inf`, `infinity`,
///   `nan`, and `nan:0xPAYLOAD` for a NaN with chosen mantissa bits (WAMR's syntax), each
///   optionally signed. `f32` text is rounded once, straight to `f32`.
/// - `funcref`/`externref`: `null`.
///
/// ```
/// use mote::{parse_value, ParseValueError, ValType, Value};
///
/// assert_eq!(parse_value("0xffffffff", ValType::I32), Ok(Value::I32(-1)));
/// assert_eq!(parse_value("-2e3", ValType::F64), Ok(Value::F64((-2000f64).to_bits())));
/// assert_eq!(parse_value("nan:0x1", ValType::F32), Ok(Value::F32(0x7f80_0001)));
/// assert_eq!(parse_value("null", ValType::FuncRef), Ok(Value::FuncRef(None)));
///
/// let err = parse_value("4294967296", ValType::I32).unwrap_err();
/// assert_eq!(err, ParseValueError::OutOfRange);
/// assert_eq!(err.to_string(), "out of range");
/// assert_eq!(parse_value("1.5", ValType::I64), Err(ParseValueError::NotAnInteger));
/// ```
///
/// # Errors
/// A [`ParseValueError`] saying what is wrong with the text.
pub fn parse_value(text: &str, ty: ValType) -> Result<Value, ParseValueError> {
    match ty {
        ValType::I32 => parse_int(text, 32).map(|v| Value::I32(v as u32 as i32)),
        ValType::I64 => parse_int(text, 64).map(|v| Value::I64(v as i64)),
        ValType::F32 => parse_f32(text).map(|v| Value::F32(v.to_bits())),
        ValType::F64 => parse_f64(text).map(|v| Value::F64(v.to_bits())),
        ValType::FuncRef => parse_null(text).map(|_| Value::FuncRef(None)),
        ValType::ExternRef => parse_null(text).map(|_| Value::ExternRef(None)),
        ValType::V128 => Err(ParseValueError::Unsupported(ty)),
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
fn parse_int(text: &str, bits: u32) -> Result<u64, ParseValueError> {
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
            return Err(ParseValueError::OutOfRange);
        }
        Ok((magnitude as u64).wrapping_neg() & max as u64)
    } else if magnitude > max {
        Err(ParseValueError::OutOfRange)
    } else {
        Ok(magnitude as u64)
    }
}

fn parse_digits(digits: &str, radix: u32) -> Result<u128, ParseValueError> {
    // `from_str_radix` would accept a second sign; only digits are allowed here.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(ParseValueError::NotAnInteger);
    }
    u128::from_str_radix(digits, radix).map_err(|_| ParseValueError::OutOfRange)
}

fn parse_f32(text: &str) -> Result<f32, ParseValueError> {
    let (negative, rest) = split_sign(text);
    let magnitude = match special_float(rest, 23)? {
        Some(Special::Inf) => f32::INFINITY,
        Some(Special::Nan(payload)) => f32::from_bits(0x7f80_0000 | payload as u32),
        None => parse_decimal(rest)?,
    };
    Ok(if negative { -magnitude } else { magnitude })
}

fn parse_f64(text: &str) -> Result<f64, ParseValueError> {
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
fn special_float(text: &str, mantissa_bits: u32) -> Result<Option<Special>, ParseValueError> {
    let lower = text.to_ascii_lowercase();
    let canonical = 1u64 << (mantissa_bits - 1);
    Ok(match lower.as_str() {
        "inf" | "infinity" => Some(Special::Inf),
        "nan" => Some(Special::Nan(canonical)),
        _ => match lower.strip_prefix("nan:0x") {
            Some(hex) => {
                let payload =
                    u64::from_str_radix(hex, 16).map_err(|_| ParseValueError::BadNanPayload)?;
                if payload == 0 || payload >> mantissa_bits != 0 {
                    return Err(ParseValueError::NanPayloadOutOfRange);
                }
                Some(Special::Nan(payload))
            }
            None => None,
        },
    })
}

/// A finite decimal number without sign (Rust's grammar: `1`, `1.5`, `.5`, `1e-3`).
fn parse_decimal<F: core::str::FromStr>(text: &str) -> Result<F, ParseValueError> {
    // Rust's parser also takes spellings of inf and NaN and a sign; those are handled by the
    // caller, so insist on a digit or a dot first.
    match text.as_bytes().first() {
        Some(c) if c.is_ascii_digit() || *c == b'.' => {
            text.parse().map_err(|_| ParseValueError::NotANumber)
        }
        _ => Err(ParseValueError::NotANumber),
    }
}

fn parse_null(text: &str) -> Result<(), ParseValueError> {
    if text.eq_ignore_ascii_case("null") {
        Ok(())
    } else {
        Err(ParseValueError::NotNull)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, ty: ValType) -> Value {
        parse_value(text, ty).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn integers() {
        assert_eq!(ok("42", ValType::I32), Value::I32(42));
        assert_eq!(ok("-1", ValType::I32), Value::I32(-1));
        assert_eq!(ok("+7", ValType::I32), Value::I32(7));
        assert_eq!(ok("0xffffffff", ValType::I32), Value::I32(-1));
        assert_eq!(ok("-2147483648", ValType::I32), Value::I32(i32::MIN));
        assert_eq!(ok("010", ValType::I32), Value::I32(10));
        assert_eq!(ok("0X1F", ValType::I64), Value::I64(31));
        assert_eq!(ok("18446744073709551615", ValType::I64), Value::I64(-1));
        assert_eq!(
            ok("-9223372036854775808", ValType::I64),
            Value::I64(i64::MIN)
        );
        for bad in ["", "-", "0x", "abc", "1.5", "--1", "+-1", "0x-1", " 1"] {
            assert_eq!(
                parse_value(bad, ValType::I32),
                Err(ParseValueError::NotAnInteger),
                "{bad:?}"
            );
        }
        for (text, ty) in [
            ("4294967296", ValType::I32),
            ("-2147483649", ValType::I32),
            ("-9223372036854775809", ValType::I64),
            ("18446744073709551616", ValType::I64),
            // Wider than u128: still a range error, not a syntax error.
            ("0x1000000000000000000000000000000000", ValType::I64),
        ] {
            assert_eq!(
                parse_value(text, ty),
                Err(ParseValueError::OutOfRange),
                "{text}"
            );
        }
    }

    #[test]
    fn floats() {
        assert_eq!(ok("1.5", ValType::F64), Value::F64(1.5f64.to_bits()));
        assert_eq!(ok("-2e3", ValType::F64), Value::F64((-2000f64).to_bits()));
        assert_eq!(ok(".5", ValType::F32), Value::F32(0.5f32.to_bits()));
        assert_eq!(ok("inf", ValType::F32), Value::F32(f32::INFINITY.to_bits()));
        assert_eq!(
            ok("Infinity", ValType::F32),
            Value::F32(f32::INFINITY.to_bits())
        );
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
        for bad in ["", "x", "1.5.5", "--1", "e5", "1,5"] {
            assert_eq!(
                parse_value(bad, ValType::F32),
                Err(ParseValueError::NotANumber),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_value("nan:0xg", ValType::F32),
            Err(ParseValueError::BadNanPayload)
        );
        for bad in ["nan:0x0", "nan:0x800000"] {
            assert_eq!(
                parse_value(bad, ValType::F32),
                Err(ParseValueError::NanPayloadOutOfRange),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn references_and_v128() {
        assert_eq!(ok("null", ValType::FuncRef), Value::FuncRef(None));
        assert_eq!(ok("NULL", ValType::ExternRef), Value::ExternRef(None));
        assert_eq!(
            parse_value("3", ValType::FuncRef),
            Err(ParseValueError::NotNull)
        );
        let err = parse_value("0", ValType::V128).unwrap_err();
        assert_eq!(err, ParseValueError::Unsupported(ValType::V128));
        assert_eq!(err.to_string(), "v128 arguments are not supported");
    }
}
