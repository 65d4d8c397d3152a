//! Sockets. mote preopens none, so these only work on a socket the host handed over as a
//! standard stream (e.g. under inetd); on anything else they are `ENOTSOCK`, as in
//! wasmtime.

use alloc::rc::Rc;

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::fd_table::{FdEntry, FdKind};
use crate::wasi::guest::GuestMemory;
use crate::wasi::types::FdFlags;

const RIFLAGS_RECV_PEEK: u32 = 1;
const RIFLAGS_RECV_WAITALL: u32 = 2;
const ROFLAGS_RECV_DATA_TRUNCATED: u16 = 1;
const SDFLAGS_RD: u32 = 1;
const SDFLAGS_WR: u32 = 2;

/// `sock_accept(fd, flags, fd_out)`.
pub fn sock_accept(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let flags = FdFlags::from_bits(a.u32(1) as u16).ok_or(Errno::Inval)?;
    if !(flags - FdFlags::NONBLOCK).is_empty() {
        return Err(Errno::Inval);
    }
    let conn = ctx
        .fds
        .get(a.u32(0))?
        .file
        .sock_accept(flags.contains(FdFlags::NONBLOCK))?;
    let kind = FdKind::File {
        read: true,
        write: true,
    };
    let fd = ctx.fds.insert(FdEntry::new(Rc::from(conn), kind))?;
    mem.write_u32(a.u32(2), fd)
}

/// `sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags)`; like reads, it
/// fills the first non-empty buffer.
pub fn sock_recv(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.file.clone();
    let flags = a.u32(3);
    let bufs = mem.iovecs(a.u32(1), a.u32(2))?;
    let (n, truncated) = match bufs.iter().find(|b| b.len > 0) {
        Some(buf) => file.sock_recv(
            mem.slice_mut(buf.ptr, buf.len)?,
            flags & RIFLAGS_RECV_PEEK != 0,
            flags & RIFLAGS_RECV_WAITALL != 0,
        )?,
        None => file.sock_recv(&mut [], false, false)?,
    };
    mem.write_u32(a.u32(4), n as u32)?;
    let ro_flags = if truncated {
        ROFLAGS_RECV_DATA_TRUNCATED
    } else {
        0
    };
    mem.write_u16(a.u32(5), ro_flags)
}

/// `sock_send(fd, si_data, si_data_len, si_flags, so_datalen)`.
pub fn sock_send(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let file = ctx.fds.get(a.u32(0))?.file.clone();
    let bufs = mem.iovecs(a.u32(1), a.u32(2))?;
    let n = match bufs.iter().find(|b| b.len > 0) {
        Some(buf) => file.sock_send(mem.slice(buf.ptr, buf.len)?)?,
        None => file.sock_send(&[])?,
    };
    mem.write_u32(a.u32(4), n as u32)
}

/// `sock_shutdown(fd, how)`.
pub fn sock_shutdown(ctx: &mut WasiCtx, _: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let how = a.u32(1);
    if how == 0 || how & !(SDFLAGS_RD | SDFLAGS_WR) != 0 {
        return Err(Errno::Inval);
    }
    ctx.fds
        .get(a.u32(0))?
        .file
        .sock_shutdown(how & SDFLAGS_RD != 0, how & SDFLAGS_WR != 0)
}
