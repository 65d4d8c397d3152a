//! Call arguments: edge values half of the time, random bits otherwise.

use mote_core::ValType;

use crate::engine::Val;
use crate::rng::Rng;

const I32S: &[i32] = &[
    0,
    1,
    -1,
    2,
    i32::MIN,
    i32::MAX,
    31,
    32,
    0xff,
    0x8000,
    0xffff,
    0x1_0000,
    0x1_fffc,
    0x2_0000,
    -0x1_0000,
];
const I64S: &[i64] = &[
    0,
    1,
    -1,
    i64::MIN,
    i64::MAX,
    63,
    64,
    i32::MIN as i64,
    i32::MAX as i64,
    u32::MAX as i64,
    0x1_0000,
    0x1_0000_0000,
];
const F32S: &[u32] = &[
    0x0000_0000, // 0
    0x8000_0000, // -0
    0x3f80_0000, // 1
    0xbf80_0000, // -1
    0x3f00_0000, // 0.5
    0x7f80_0000, // inf
    0xff80_0000, // -inf
    0x7fc0_0000, // canonical NaN
    0xffc0_0000, // negative NaN
    0x7fa0_0001, // signalling NaN with a payload
    0x0000_0001, // smallest subnormal
    0x7f7f_ffff, // largest finite
    0x4f00_0000, // 2^31
    0xcf00_0000, // -2^31
    0x4f80_0000, // 2^32
    0x5f00_0000, // 2^63
    0xdf00_0000, // -2^63
    0x4b80_0001, // 16777218, not exact below
];
const F64S: &[u64] = &[
    0x0000_0000_0000_0000,
    0x8000_0000_0000_0000,
    0x3ff0_0000_0000_0000,
    0xbff0_0000_0000_0000,
    0x3fe0_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff4_0000_0000_0001,
    0x0000_0000_0000_0001,
    0x7fef_ffff_ffff_ffff,
    0x41e0_0000_0000_0000, // 2^31
    0xc1e0_0000_0020_0000, // -2^31 - 1
    0x41df_ffff_ffc0_0000, // 2^31 - 1
    0x43e0_0000_0000_0000, // 2^63
    0xc3e0_0000_0000_0000, // -2^63
    0x43f0_0000_0000_0000, // 2^64
];

pub fn value(rng: &mut Rng, ty: ValType) -> Val {
    let edge = rng.one_in(2);
    match ty {
        ValType::I32 if edge => Val::I32(*rng.pick(I32S)),
        ValType::I32 => Val::I32(rng.next_u64() as i32),
        ValType::I64 if edge => Val::I64(*rng.pick(I64S)),
        ValType::I64 => Val::I64(rng.next_u64() as i64),
        ValType::F32 if edge => Val::F32(*rng.pick(F32S)),
        ValType::F32 => Val::F32(rng.next_u64() as u32),
        ValType::F64 if edge => Val::F64(*rng.pick(F64S)),
        ValType::F64 => Val::F64(rng.next_u64()),
        ValType::FuncRef => Val::FuncRef(false),
        ValType::ExternRef if edge => Val::ExternRef(None),
        ValType::ExternRef => Val::ExternRef(Some(rng.below(4) as u32)),
        ValType::V128 => unreachable!("SIMD is not generated"),
    }
}

pub fn values(rng: &mut Rng, types: &[ValType]) -> Vec<Val> {
    types.iter().map(|t| value(rng, *t)).collect()
}
