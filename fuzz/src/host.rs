//! The host functions modules of the `imports` profile call: each engine defines every
//! imported function with [`results`], so all engines see the same answers.

use mote_core::ValType;

use crate::engine::Val;

/// Results of host function `module.name` for `args`: a hash of the name and the
/// arguments, spread over the result types. A NaN argument counts as one value whatever
/// its payload, since engines may legitimately produce different NaNs.
pub fn results(module: &str, name: &str, args: &[Val], types: &[ValType]) -> Vec<Val> {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut mix = |v: u64| hash = (hash ^ v).wrapping_mul(0x0000_0100_0000_01b3);
    for b in module.bytes().chain(name.bytes()) {
        mix(u64::from(b));
    }
    for arg in args {
        mix(match *arg {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(bits) if f32::from_bits(bits).is_nan() => 0x7fc0_0000,
            Val::F32(bits) => u64::from(bits),
            Val::F64(bits) if f64::from_bits(bits).is_nan() => 0x7ff8_0000_0000_0000,
            Val::F64(bits) => bits,
            Val::FuncRef(non_null) => u64::from(non_null),
            Val::ExternRef(r) => r.map_or(u64::MAX, u64::from),
        });
    }
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let bits = (hash ^ i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let bits = bits ^ (bits >> 29);
            match ty {
                ValType::I32 => Val::I32(bits as i32),
                ValType::I64 => Val::I64(bits as i64),
                // Finite floats: a NaN from the host would be passed on bit-exactly, but
                // keeping them ordinary keeps the later arithmetic interesting.
                ValType::F32 => Val::F32((bits as u32) & 0xbfff_ffff),
                ValType::F64 => Val::F64(bits & 0xbfff_ffff_ffff_ffff),
                ValType::FuncRef => Val::FuncRef(false),
                ValType::ExternRef => Val::ExternRef(Some(bits as u32 % 4)),
                ValType::V128 => unreachable!("SIMD is not generated"),
            }
        })
        .collect()
}
