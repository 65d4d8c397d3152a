//! Calls that name a file by path relative to a directory descriptor. Every path goes
//! through `resolve`, which keeps it inside that directory.

use alloc::rc::Rc;

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::fd_table::{FdEntry, FdKind};
use crate::wasi::guest::GuestMemory;
use crate::wasi::resolve::{resolve, Resolved};
use crate::wasi::types::{FdFlags, FileType, LookupFlags, OFlags, OpenOptions, Rights, SetTime};

/// Resolves the path at (`ptr`, `len`) against directory descriptor `fd`.
fn lookup(
    ctx: &WasiCtx,
    mem: &GuestMemory<'_>,
    fd: u32,
    ptr: u32,
    len: u32,
    follow: bool,
) -> WasiResult<Resolved> {
    let dir = ctx.fds.get(fd)?.as_dir()?;
    resolve(dir, mem.read_str(ptr, len)?, follow)
}

fn follows(lookup_flags: u32) -> bool {
    LookupFlags::from_bits_truncate(lookup_flags).contains(LookupFlags::SYMLINK_FOLLOW)
}

/// The rights that ask for reading or writing the opened file.
const READ_RIGHTS: Rights = Rights::FD_READ.union(Rights::FD_READDIR);
const WRITE_RIGHTS: Rights = Rights::FD_WRITE
    .union(Rights::FD_DATASYNC)
    .union(Rights::FD_ALLOCATE)
    .union(Rights::FD_FILESTAT_SET_SIZE);

/// `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting,
/// fdflags, fd_out)`. The access mode comes from the requested base rights, as in
/// wasmtime: any write-like right opens for writing.
pub fn path_open(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let oflags = OFlags::from_bits(a.u32(4) as u16).ok_or(Errno::Inval)?;
    let fdflags = FdFlags::from_bits(a.u32(7) as u16).ok_or(Errno::Inval)?;
    let rights = Rights::from_bits_truncate(a.u64(5));
    let found = lookup(ctx, mem, a.u32(0), a.u32(2), a.u32(3), follows(a.u32(1)))?;
    let write = rights.intersects(WRITE_RIGHTS) || fdflags.contains(FdFlags::APPEND);
    let mut opts = OpenOptions {
        read: rights.intersects(READ_RIGHTS) || !write,
        write,
        oflags,
        fdflags,
    };
    if found.must_be_dir {
        opts.oflags |= OFlags::DIRECTORY;
    }
    let file: Rc<dyn crate::wasi::host::WasiFile> =
        Rc::from(found.dir.open_at(&found.name, &opts)?);
    let kind = match file.filestat()?.filetype {
        FileType::Directory => FdKind::Dir { preopen: None },
        _ => FdKind::File {
            read: opts.read,
            write: opts.write,
        },
    };
    let fd = ctx.fds.insert(FdEntry::new(file, kind))?;
    mem.write_u32(a.u32(8), fd)
}

pub fn path_create_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let found = lookup(ctx, mem, a.u32(0), a.u32(1), a.u32(2), false)?;
    found.dir.mkdir_at(&found.name)
}

pub fn path_remove_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let found = lookup(ctx, mem, a.u32(0), a.u32(1), a.u32(2), false)?;
    found.dir.rmdir_at(&found.name)
}

pub fn path_unlink_file(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let found = lookup(ctx, mem, a.u32(0), a.u32(1), a.u32(2), false)?;
    if found.must_be_dir {
        // `file/` names no file; `dir/` names a directory, which unlink does not remove.
        return match found.dir.stat_at(&found.name)?.filetype {
            FileType::Directory => Err(Errno::IsDir),
            _ => Err(Errno::NotDir),
        };
    }
    found.dir.unlink_at(&found.name)
}

/// `path_filestat_get(fd, flags, path, path_len, buf)`.
pub fn path_filestat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let found = lookup(ctx, mem, a.u32(0), a.u32(2), a.u32(3), follows(a.u32(1)))?;
    let stat = found.dir.stat_at(&found.name)?;
    if found.must_be_dir && stat.filetype != FileType::Directory {
        return Err(Errno::NotDir);
    }
    mem.write_bytes(a.u32(4), &stat.encode())
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fstflags)`.
pub fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let (atim, mtim) = SetTime::pair(a.u64(4), a.u64(5), a.u32(6) as u16)?;
    let found = lookup(ctx, mem, a.u32(0), a.u32(2), a.u32(3), follows(a.u32(1)))?;
    found.dir.set_times_at(&found.name, atim, mtim)
}

/// `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)`.
pub fn path_rename(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let old = lookup(ctx, mem, a.u32(0), a.u32(1), a.u32(2), false)?;
    let new = lookup(ctx, mem, a.u32(3), a.u32(4), a.u32(5), false)?;
    old.dir.rename_at(&old.name, &*new.dir, &new.name)
}

/// `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)`.
/// Following a link in the source is `EINVAL`, as in wasmtime.
pub fn path_link(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    if follows(a.u32(1)) {
        return Err(Errno::Inval);
    }
    let old = lookup(ctx, mem, a.u32(0), a.u32(2), a.u32(3), false)?;
    let new = lookup(ctx, mem, a.u32(4), a.u32(5), a.u32(6), false)?;
    old.dir.link_at(&old.name, &*new.dir, &new.name)
}

/// `path_symlink(old_path, old_len, fd, new_path, new_len)`. The link's text is stored as
/// given: following it later is checked like any path. An absolute text could never be
/// followed and is refused up front (`EPERM`, as in wasmtime).
pub fn path_symlink(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let target = mem.read_str(a.u32(0), a.u32(1))?;
    if target.starts_with('/') {
        return Err(Errno::Perm);
    }
    let found = lookup(ctx, mem, a.u32(2), a.u32(3), a.u32(4), false)?;
    found.dir.symlink_at(target, &found.name)
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused)`: the text is cut to fit,
/// as POSIX `readlink` does.
pub fn path_readlink(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let found = lookup(ctx, mem, a.u32(0), a.u32(1), a.u32(2), false)?;
    let text = found.dir.readlink_at(&found.name)?;
    let n = text.len().min(a.u32(4) as usize);
    mem.write_bytes(a.u32(3), &text[..n])?;
    mem.write_u32(a.u32(5), n as u32)
}
