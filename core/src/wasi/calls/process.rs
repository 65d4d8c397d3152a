//! Arguments, environment, randomness, yielding and raising signals.

use alloc::string::String;

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::guest::GuestMemory;

/// Writes `strings` as NUL-terminated copies into `buf` and their addresses into `ptrs`
/// (the layout of both `args_get` and `environ_get`).
fn write_strings(
    mem: &mut GuestMemory<'_>,
    strings: &[String],
    ptrs: u32,
    buf: u32,
) -> WasiResult<()> {
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        mem.write_u32(ptrs.wrapping_add(4 * i as u32), at)?;
        mem.write_bytes(at, s.as_bytes())?;
        at = at.wrapping_add(s.len() as u32);
        mem.write_u8(at, 0)?;
        at = at.wrapping_add(1);
    }
    Ok(())
}

/// Writes the count of `strings` and their total size with terminators.
fn write_sizes(
    mem: &mut GuestMemory<'_>,
    strings: &[String],
    count: u32,
    size: u32,
) -> WasiResult<()> {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    mem.write_u32(count, strings.len() as u32)?;
    mem.write_u32(size, total as u32)
}

pub fn args_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    write_strings(mem, &ctx.args, a.u32(0), a.u32(1))
}

pub fn args_sizes_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    write_sizes(mem, &ctx.args, a.u32(0), a.u32(1))
}

pub fn environ_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    write_strings(mem, &ctx.env, a.u32(0), a.u32(1))
}

pub fn environ_sizes_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    write_sizes(mem, &ctx.env, a.u32(0), a.u32(1))
}

pub fn random_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let buf = mem.slice_mut(a.u32(0), a.u32(1))?;
    ctx.host.random(buf)
}

pub fn sched_yield(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, _: &Args) -> WasiResult<()> {
    ctx.host.sched_yield();
    Ok(())
}

/// Signals are not delivered to guests; wasmtime answers the same.
pub fn proc_raise(_: &mut WasiCtx, _: &mut GuestMemory<'_>, _: &Args) -> WasiResult<()> {
    Err(Errno::NotSup)
}
