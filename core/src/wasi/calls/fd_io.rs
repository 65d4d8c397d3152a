//! Reading, writing and positioning: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`,
//! `fd_seek`, `fd_tell`.
//!
//! Like wasmtime, a vectored call transfers data through the first non-empty buffer only
//! (a short transfer, which callers handle anyway). That keeps one host call per guest
//! call and lets the host read straight into guest memory without a bounce buffer, which
//! several possibly overlapping guest buffers would need.

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::guest::{GuestBuf, GuestMemory};
use crate::wasi::types::Whence;

fn first_non_empty(mem: &GuestMemory<'_>, iovs: u32, count: u32) -> WasiResult<Option<GuestBuf>> {
    Ok(mem.iovecs(iovs, count)?.into_iter().find(|b| b.len > 0))
}

/// A file offset from the guest; offsets past `i64::MAX` cannot exist on any host.
fn offset(raw: u64) -> WasiResult<u64> {
    if raw > i64::MAX as u64 {
        return Err(Errno::Inval);
    }
    Ok(raw)
}

pub fn fd_read(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_stream(false)?;
    let n = match first_non_empty(mem, a.u32(1), a.u32(2))? {
        Some(buf) => file.read(mem.slice_mut(buf.ptr, buf.len)?)?,
        None => 0,
    };
    mem.write_u32(a.u32(3), n as u32)
}

pub fn fd_pread(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_positioned(false)?;
    let at = offset(a.u64(3))?;
    let n = match first_non_empty(mem, a.u32(1), a.u32(2))? {
        Some(buf) => file.pread(mem.slice_mut(buf.ptr, buf.len)?, at)?,
        None => 0,
    };
    mem.write_u32(a.u32(4), n as u32)
}

pub fn fd_write(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_stream(true)?;
    let n = match first_non_empty(mem, a.u32(1), a.u32(2))? {
        Some(buf) => file.write(mem.slice(buf.ptr, buf.len)?)?,
        None => 0,
    };
    mem.write_u32(a.u32(3), n as u32)
}

pub fn fd_pwrite(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_positioned(true)?;
    let at = offset(a.u64(3))?;
    let n = match first_non_empty(mem, a.u32(1), a.u32(2))? {
        Some(buf) => file.pwrite(mem.slice(buf.ptr, buf.len)?, at)?,
        None => 0,
    };
    mem.write_u32(a.u32(4), n as u32)
}

pub fn fd_seek(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_seekable()?;
    let pos = file.seek(a.u64(1) as i64, Whence::decode(a.u32(2))?)?;
    mem.write_u64(a.u32(3), pos)
}

pub fn fd_tell(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_seekable()?;
    let pos = file.seek(0, Whence::Cur)?;
    mem.write_u64(a.u32(1), pos)
}
