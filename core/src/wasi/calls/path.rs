//! Calls that name a file by path relative to a directory descriptor. Every path goes
//! through `resolve`, which keeps it inside that directory and reads a trailing slash as
//! POSIX does (`name/` is `name/.`), except where a call says otherwise.

use alloc::rc::Rc;

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::fd_table::{FdEntry, FdKind};
use crate::wasi::guest::GuestMemory;
use crate::wasi::resolve::{resolve, split_trailing_slash, Resolved};
use crate::wasi::types::{FdFlags, FileType, LookupFlags, OFlags, OpenOptions, Rights, SetTime};

/// Resolves `path` against directory descriptor `fd`.
fn lookup(ctx: &WasiCtx, fd: u32, path: &str, follow: bool) -> WasiResult<Resolved> {
    resolve(ctx.fds.get(fd)?.as_dir()?, path, follow)
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
    ctx.fds.get(a.u32(0))?.as_dir()?;
    // Creating a directory is `path_create_directory`'s job (wasmtime, Linux: `EINVAL`).
    if oflags.contains(OFlags::CREAT | OFlags::DIRECTORY) {
        return Err(Errno::Inval);
    }
    let path = mem.read_str(a.u32(2), a.u32(3))?;
    let (entry, slash) = split_trailing_slash(path);
    if oflags.contains(OFlags::CREAT) && slash && !matches!(last_component(entry), "." | "..") {
        // `name/` can only be a directory, which `O_CREAT` does not make (POSIX `open`,
        // wasmtime: `EISDIR`, once the directories on the way are found).
        lookup(ctx, a.u32(0), entry, false)?;
        return Err(Errno::IsDir);
    }
    let found = lookup(ctx, a.u32(0), path, follows(a.u32(1)))?;
    let write = rights.intersects(WRITE_RIGHTS) || fdflags.contains(FdFlags::APPEND);
    let opts = OpenOptions {
        read: rights.intersects(READ_RIGHTS) || !write,
        write,
        oflags,
        fdflags,
    };
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

fn last_component(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `mkdir` reads `name/` as `name` (POSIX, wasmtime): a directory is what it makes.
pub fn path_create_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let (path, _) = split_trailing_slash(mem.read_str(a.u32(1), a.u32(2))?);
    let found = lookup(ctx, a.u32(0), path, false)?;
    found.dir.mkdir_at(&found.name)
}

/// `rmdir` reads `name/` as `name`, as POSIX does: a link is not followed, so `link/` is
/// `ENOTDIR` (wasmtime reads it as `name/.` and answers `EINVAL`, even for a directory).
pub fn path_remove_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let (path, _) = split_trailing_slash(mem.read_str(a.u32(1), a.u32(2))?);
    let found = lookup(ctx, a.u32(0), path, false)?;
    found.dir.rmdir_at(&found.name)
}

/// `name/` is `name/.`: `EISDIR` for a directory (or a link to one), `ENOTDIR` for a
/// file, as in wasmtime.
pub fn path_unlink_file(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let found = lookup(ctx, a.u32(0), mem.read_str(a.u32(1), a.u32(2))?, false)?;
    found.dir.unlink_at(&found.name)
}

/// `path_filestat_get(fd, flags, path, path_len, buf)`.
pub fn path_filestat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let path = mem.read_str(a.u32(2), a.u32(3))?;
    let found = lookup(ctx, a.u32(0), path, follows(a.u32(1)))?;
    let stat = found.dir.stat_at(&found.name)?;
    mem.write_bytes(a.u32(4), &stat.encode())
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fstflags)`.
pub fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    a: &Args,
) -> WasiResult<()> {
    let (atim, mtim) = SetTime::pair(a.u64(4), a.u64(5), a.u32(6) as u16)?;
    let path = mem.read_str(a.u32(2), a.u32(3))?;
    let found = lookup(ctx, a.u32(0), path, follows(a.u32(1)))?;
    found.dir.set_times_at(&found.name, atim, mtim)
}

/// `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)`. Like POSIX `rename`
/// (and wasmtime), it reads `name/` as `name`, not following a link, and a trailing slash
/// on either path says the source is a directory: anything else is `ENOTDIR`.
pub fn path_rename(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let (old_path, old_slash) = split_trailing_slash(mem.read_str(a.u32(1), a.u32(2))?);
    let (new_path, new_slash) = split_trailing_slash(mem.read_str(a.u32(4), a.u32(5))?);
    let old = lookup(ctx, a.u32(0), old_path, false)?;
    let new = lookup(ctx, a.u32(3), new_path, false)?;
    if (old_slash || new_slash) && old.dir.stat_at(&old.name)?.filetype != FileType::Directory {
        return Err(Errno::NotDir);
    }
    old.dir.rename_at(&old.name, &*new.dir, &new.name)
}

/// `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)`.
/// Following a link in the source is `EINVAL`, as in wasmtime. A trailing slash on either
/// path makes it name `.` in a directory (`ENOENT`/`ENOTDIR` when there is none), which
/// cannot be linked (`EPERM`) or linked to (`EEXIST`).
pub fn path_link(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    if follows(a.u32(1)) {
        return Err(Errno::Inval);
    }
    let old = lookup(ctx, a.u32(0), mem.read_str(a.u32(2), a.u32(3))?, false)?;
    let new = lookup(ctx, a.u32(4), mem.read_str(a.u32(5), a.u32(6))?, false)?;
    old.dir.link_at(&old.name, &*new.dir, &new.name)
}

/// `path_symlink(old_path, old_len, fd, new_path, new_len)`. The link's text is stored as
/// given: following it later is checked like any path. An absolute text could never be
/// followed and is refused up front (`EPERM`, as in wasmtime). A trailing slash on the
/// new path makes it name `.` in a directory, as for `path_link`.
pub fn path_symlink(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let target = mem.read_str(a.u32(0), a.u32(1))?;
    if target.starts_with('/') {
        return Err(Errno::Perm);
    }
    let found = lookup(ctx, a.u32(2), mem.read_str(a.u32(3), a.u32(4))?, false)?;
    found.dir.symlink_at(target, &found.name)
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused)`: the text is cut to fit,
/// as POSIX `readlink` does.
pub fn path_readlink(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let found = lookup(ctx, a.u32(0), mem.read_str(a.u32(1), a.u32(2))?, false)?;
    let text = found.dir.readlink_at(&found.name)?;
    let n = text.len().min(a.u32(4) as usize);
    mem.write_bytes(a.u32(3), &text[..n])?;
    mem.write_u32(a.u32(5), n as u32)
}
