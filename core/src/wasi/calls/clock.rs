//! `clock_res_get` and `clock_time_get`.

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::WasiResult;
use crate::wasi::guest::GuestMemory;
use crate::wasi::types::ClockId;

pub fn clock_res_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let res = ctx.host.clock_res(ClockId::decode(a.u32(0))?)?;
    mem.write_u64(a.u32(1), res)
}

/// The precision argument (1) is a hint that every host may ignore.
pub fn clock_time_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let now = ctx.host.clock_time(ClockId::decode(a.u32(0))?)?;
    mem.write_u64(a.u32(2), now)
}
