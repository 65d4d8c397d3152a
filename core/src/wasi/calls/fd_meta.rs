//! Descriptor housekeeping and metadata: close, renumber, sync, advise, allocate, fdstat,
//! filestat, prestat.

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::fd_table::FdKind;
use crate::wasi::guest::GuestMemory;
use crate::wasi::types::{Advice, FdFlags, FileType, SetTime};

pub fn fd_close(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    // Dropping the last reference closes the host file (stdio handles never close).
    ctx.fds.remove(a.u32(0)).map(drop)
}

pub fn fd_renumber(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    ctx.fds.renumber(a.u32(0), a.u32(1))
}

pub fn fd_sync(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    ctx.fds.get(a.u32(0))?.as_opened_file()?.sync()
}

pub fn fd_datasync(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    ctx.fds.get(a.u32(0))?.as_opened_file()?.datasync()
}

pub fn fd_advise(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_opened_file()?;
    file.advise(a.u64(1), a.u64(2), Advice::decode(a.u32(3))?)
}

/// Preallocation is not offered (wasmtime neither): `ENOTSUP` for a file, and the
/// `EBADF` of any other call that needs one for anything else.
pub fn fd_allocate(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    ctx.fds.get(a.u32(0))?.as_opened_file()?;
    Err(Errno::NotSup)
}

pub fn fd_fdstat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let entry = ctx.fds.get(a.u32(0))?;
    // The standard streams are terminals or nothing in particular, as in wasmtime (so a
    // guest does not treat a redirected stdout as a seekable file).
    let filetype = match entry.stdio {
        true if entry.file.isatty() => FileType::CharacterDevice,
        true => FileType::Unknown,
        false => entry.file.filestat()?.filetype,
    };
    let flags = entry.file.fdflags()?;
    let (base, inheriting) = entry.rights();
    let mut out = [0u8; 24];
    out[0] = filetype as u8;
    out[2..4].copy_from_slice(&flags.bits().to_le_bytes());
    out[8..16].copy_from_slice(&base.bits().to_le_bytes());
    out[16..24].copy_from_slice(&inheriting.bits().to_le_bytes());
    mem.write_bytes(a.u32(1), &out)
}

/// Only `APPEND` and `NONBLOCK` can change after opening; asking for a sync mode is
/// `EINVAL`, as in wasmtime.
pub fn fd_fdstat_set_flags(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_opened_file()?;
    let flags = FdFlags::from_bits(a.u32(1) as u16).ok_or(Errno::Inval)?;
    if flags.intersects(FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC) {
        return Err(Errno::Inval);
    }
    file.set_fdflags(flags)
}

/// Rights are reported but cannot be narrowed (wasmtime answers the same).
pub fn fd_fdstat_set_rights(
    ctx: &mut WasiCtx,
    _: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    ctx.fds.get(a.u32(0))?;
    Err(Errno::NotSup)
}

pub fn fd_filestat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let stat = ctx.fds.get(a.u32(0))?.file.filestat()?;
    mem.write_bytes(a.u32(1), &stat.encode())
}

pub fn fd_filestat_set_size(
    ctx: &mut WasiCtx,
    _: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.as_opened_file()?;
    let size = a.u64(1);
    if size > i64::MAX as u64 {
        return Err(Errno::Inval);
    }
    file.set_size(size)
}

pub fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    _: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let (atim, mtim) = SetTime::pair(a.u64(1), a.u64(2), a.u32(3) as u16)?;
    let file = ctx.fds.get(a.u32(0))?.as_opened()?;
    file.set_times(atim, mtim)
}

fn preopen_name(ctx: &WasiCtx, fd: u32) -> WasiResult<&str> {
    match &ctx.fds.get(fd)?.kind {
        FdKind::Dir {
            preopen: Some(name),
        } => Ok(name),
        _ => Err(Errno::Badf),
    }
}

pub fn fd_prestat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let len = preopen_name(ctx, a.u32(0))?.len() as u32;
    // prestat: tag 0 (a directory), then the name length at offset 4.
    let mut out = [0u8; 8];
    out[4..8].copy_from_slice(&len.to_le_bytes());
    mem.write_bytes(a.u32(1), &out)
}

pub fn fd_prestat_dir_name(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let name = preopen_name(ctx, a.u32(0))?;
    if (a.u32(2) as usize) < name.len() {
        return Err(Errno::NameTooLong);
    }
    mem.write_bytes(a.u32(1), name.as_bytes())
}
