//! An open host descriptor as a `WasiFile`.

use std::any::Any;
use std::ffi::CString;
use std::os::fd::RawFd;

use mote_core::wasi::{
    Advice, DirEntry, Errno, FdFlags, Filestat, OFlags, OpenOptions, SetTime, WasiFile, WasiResult,
    Whence,
};

use super::errno::{check, last};
use super::stat::{dirent_type, filestat, timespec};

/// A host file descriptor. Owned ones are closed on drop; the standard streams are
/// borrowed, so a guest closing its stdout does not close the host's.
pub struct PosixFile {
    fd: RawFd,
    owned: bool,
}

impl PosixFile {
    /// Takes ownership of `fd`.
    pub fn owned(fd: RawFd) -> PosixFile {
        PosixFile { fd, owned: true }
    }

    /// Uses `fd` without ever closing it.
    pub fn borrowed(fd: RawFd) -> PosixFile {
        PosixFile { fd, owned: false }
    }

    pub fn raw_fd(&self) -> RawFd {
        self.fd
    }

    /// Another `WasiFile` of this platform (the second directory of a rename or link).
    fn peer(other: &dyn WasiFile) -> WasiResult<RawFd> {
        other
            .as_any()
            .downcast_ref::<PosixFile>()
            .map(PosixFile::raw_fd)
            .ok_or(Errno::Xdev)
    }
}

impl Drop for PosixFile {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: we own fd and nothing uses it after this.
            unsafe { libc::close(self.fd) };
        }
    }
}

/// A path component as a C string; core never passes one with a NUL, but a guest's
/// symlink text could hold one.
fn cstr(name: &str) -> WasiResult<CString> {
    CString::new(name).map_err(|_| Errno::Inval)
}

fn open_flags(opts: &OpenOptions) -> libc::c_int {
    let mut flags = libc::O_CLOEXEC | libc::O_NOFOLLOW;
    flags |= match (opts.read, opts.write) {
        (true, true) => libc::O_RDWR,
        (false, true) => libc::O_WRONLY,
        _ => libc::O_RDONLY,
    };
    let oflags = [
        (OFlags::CREAT, libc::O_CREAT),
        (OFlags::DIRECTORY, libc::O_DIRECTORY),
        (OFlags::EXCL, libc::O_EXCL),
        (OFlags::TRUNC, libc::O_TRUNC),
    ];
    for (wasi, host) in oflags {
        if opts.oflags.contains(wasi) {
            flags |= host;
        }
    }
    flags | fdflags_to_host(opts.fdflags)
}

fn fdflags_to_host(fdflags: FdFlags) -> libc::c_int {
    let table = [
        (FdFlags::APPEND, libc::O_APPEND),
        (FdFlags::DSYNC, libc::O_DSYNC),
        (FdFlags::NONBLOCK, libc::O_NONBLOCK),
        (FdFlags::RSYNC, libc::O_RSYNC),
        (FdFlags::SYNC, libc::O_SYNC),
    ];
    let mut flags = 0;
    for (wasi, host) in table {
        if fdflags.contains(wasi) {
            flags |= host;
        }
    }
    flags
}

fn fdflags_from_host(flags: libc::c_int) -> FdFlags {
    let mut out = FdFlags::empty();
    out.set(FdFlags::APPEND, flags & libc::O_APPEND != 0);
    out.set(FdFlags::NONBLOCK, flags & libc::O_NONBLOCK != 0);
    // O_SYNC includes the O_DSYNC bit on Linux, so test the wider one first.
    if flags & libc::O_SYNC == libc::O_SYNC {
        out |= FdFlags::SYNC;
    } else if flags & libc::O_DSYNC != 0 {
        out |= FdFlags::DSYNC;
    }
    out
}

fn byte_count(ret: libc::ssize_t) -> WasiResult<usize> {
    usize::try_from(ret).map_err(|_| last())
}

impl WasiFile for PosixFile {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn read(&self, buf: &mut [u8]) -> WasiResult<usize> {
        byte_count(check(|| {
            // SAFETY: buf is valid for buf.len() bytes.
            unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) }
        })?)
    }

    fn write(&self, buf: &[u8]) -> WasiResult<usize> {
        byte_count(check(|| {
            // SAFETY: buf is valid for buf.len() bytes.
            unsafe { libc::write(self.fd, buf.as_ptr().cast(), buf.len()) }
        })?)
    }

    fn pread(&self, buf: &mut [u8], offset: u64) -> WasiResult<usize> {
        let off = offset as libc::off_t;
        byte_count(check(|| {
            // SAFETY: buf is valid for buf.len() bytes.
            unsafe { libc::pread(self.fd, buf.as_mut_ptr().cast(), buf.len(), off) }
        })?)
    }

    fn pwrite(&self, buf: &[u8], offset: u64) -> WasiResult<usize> {
        let off = offset as libc::off_t;
        byte_count(check(|| {
            // SAFETY: buf is valid for buf.len() bytes.
            unsafe { libc::pwrite(self.fd, buf.as_ptr().cast(), buf.len(), off) }
        })?)
    }

    fn seek(&self, offset: i64, whence: Whence) -> WasiResult<u64> {
        let whence = match whence {
            Whence::Set => libc::SEEK_SET,
            Whence::Cur => libc::SEEK_CUR,
            Whence::End => libc::SEEK_END,
        };
        let pos = check(|| {
            // SAFETY: plain system call on a descriptor we hold.
            unsafe { libc::lseek(self.fd, offset as libc::off_t, whence) }
        })?;
        Ok(pos as u64)
    }

    fn sync(&self) -> WasiResult<()> {
        check(|| {
            // SAFETY: plain system call.
            unsafe { libc::fsync(self.fd) }
        })
        .map(drop)
    }

    fn datasync(&self) -> WasiResult<()> {
        check(|| {
            // SAFETY: plain system call.
            unsafe { libc::fdatasync(self.fd) }
        })
        .map(drop)
    }

    fn advise(&self, offset: u64, len: u64, advice: Advice) -> WasiResult<()> {
        let advice = match advice {
            Advice::Normal => libc::POSIX_FADV_NORMAL,
            Advice::Sequential => libc::POSIX_FADV_SEQUENTIAL,
            Advice::Random => libc::POSIX_FADV_RANDOM,
            Advice::WillNeed => libc::POSIX_FADV_WILLNEED,
            Advice::DontNeed => libc::POSIX_FADV_DONTNEED,
            Advice::NoReuse => libc::POSIX_FADV_NOREUSE,
        };
        // SAFETY: plain system call; it returns the error instead of setting errno.
        let ret = unsafe {
            libc::posix_fadvise(self.fd, offset as libc::off_t, len as libc::off_t, advice)
        };
        match ret {
            0 => Ok(()),
            // Advice is only advice: pipes and the like simply do not take it.
            libc::ESPIPE => Ok(()),
            e => Err(super::errno::from_raw(e)),
        }
    }

    fn fdflags(&self) -> WasiResult<FdFlags> {
        let flags = check(|| {
            // SAFETY: plain system call.
            unsafe { libc::fcntl(self.fd, libc::F_GETFL) }
        })?;
        Ok(fdflags_from_host(flags))
    }

    fn set_fdflags(&self, flags: FdFlags) -> WasiResult<()> {
        let old = check(|| {
            // SAFETY: plain system calls.
            unsafe { libc::fcntl(self.fd, libc::F_GETFL) }
        })?;
        let changeable = libc::O_APPEND | libc::O_NONBLOCK;
        let new = (old & !changeable) | fdflags_to_host(flags);
        check(|| {
            // SAFETY: plain system call on a descriptor we hold.
            unsafe { libc::fcntl(self.fd, libc::F_SETFL, new) }
        })
        .map(drop)
    }

    fn filestat(&self) -> WasiResult<Filestat> {
        // SAFETY: st is written by fstat before it is read.
        let mut st = unsafe { std::mem::zeroed::<libc::stat>() };
        check(|| {
            // SAFETY: `st` is a valid out-parameter; plain system call.
            unsafe { libc::fstat(self.fd, &mut st) }
        })?;
        Ok(filestat(&st))
    }

    fn isatty(&self) -> bool {
        // SAFETY: plain query on a descriptor we hold.
        unsafe { libc::isatty(self.fd) == 1 }
    }

    fn set_size(&self, size: u64) -> WasiResult<()> {
        check(|| {
            // SAFETY: plain system call.
            unsafe { libc::ftruncate(self.fd, size as libc::off_t) }
        })
        .map(drop)
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> WasiResult<()> {
        let times = [timespec(atim), timespec(mtim)];
        check(|| {
            // SAFETY: times is an array of two timespecs, as futimens wants.
            unsafe { libc::futimens(self.fd, times.as_ptr()) }
        })
        .map(drop)
    }

    fn readdir(&self) -> WasiResult<Vec<DirEntry>> {
        read_dir(self.fd)
    }

    fn open_at(&self, name: &str, opts: &OpenOptions) -> WasiResult<Box<dyn WasiFile>> {
        let name = cstr(name)?;
        let flags = open_flags(opts);
        let fd = check(|| {
            // SAFETY: name is NUL-terminated; the mode is read only with O_CREAT.
            unsafe { libc::openat(self.fd, name.as_ptr(), flags, 0o666) }
        })?;
        Ok(Box::new(PosixFile::owned(fd)))
    }

    fn stat_at(&self, name: &str) -> WasiResult<Filestat> {
        let name = cstr(name)?;
        // SAFETY: st is written by fstatat before it is read; name is NUL-terminated.
        let mut st = unsafe { std::mem::zeroed::<libc::stat>() };
        check(|| {
            // SAFETY: `st` is a valid out-parameter and `name` NUL-terminated.
            unsafe { libc::fstatat(self.fd, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) }
        })?;
        Ok(filestat(&st))
    }

    fn set_times_at(&self, name: &str, atim: SetTime, mtim: SetTime) -> WasiResult<()> {
        let name = cstr(name)?;
        let times = [timespec(atim), timespec(mtim)];
        check(|| {
            // SAFETY: name is NUL-terminated and times holds two timespecs.
            unsafe {
                libc::utimensat(
                    self.fd,
                    name.as_ptr(),
                    times.as_ptr(),
                    libc::AT_SYMLINK_NOFOLLOW,
                )
            }
        })
        .map(drop)
    }

    fn mkdir_at(&self, name: &str) -> WasiResult<()> {
        let name = cstr(name)?;
        check(|| {
            // SAFETY: name is NUL-terminated.
            unsafe { libc::mkdirat(self.fd, name.as_ptr(), 0o777) }
        })
        .map(drop)
    }

    fn rmdir_at(&self, name: &str) -> WasiResult<()> {
        let name = cstr(name)?;
        check(|| {
            // SAFETY: name is NUL-terminated.
            unsafe { libc::unlinkat(self.fd, name.as_ptr(), libc::AT_REMOVEDIR) }
        })
        .map(drop)
    }

    fn unlink_at(&self, name: &str) -> WasiResult<()> {
        let name = cstr(name)?;
        check(|| {
            // SAFETY: name is NUL-terminated.
            unsafe { libc::unlinkat(self.fd, name.as_ptr(), 0) }
        })
        .map(drop)
    }

    fn symlink_at(&self, target: &str, name: &str) -> WasiResult<()> {
        let (target, name) = (cstr(target)?, cstr(name)?);
        check(|| {
            // SAFETY: both strings are NUL-terminated.
            unsafe { libc::symlinkat(target.as_ptr(), self.fd, name.as_ptr()) }
        })
        .map(drop)
    }

    fn readlink_at(&self, name: &str) -> WasiResult<Vec<u8>> {
        let name = cstr(name)?;
        let mut buf = vec![0u8; 256];
        loop {
            let n = byte_count(check(|| {
                // SAFETY: buf is valid for buf.len() bytes; name is NUL-terminated.
                unsafe {
                    libc::readlinkat(self.fd, name.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
                }
            })?)?;
            // A full buffer may mean the text was cut: try again with more room.
            if n < buf.len() {
                buf.truncate(n);
                return Ok(buf);
            }
            buf.resize(buf.len() * 2, 0);
        }
    }

    fn rename_at(&self, name: &str, new_dir: &dyn WasiFile, new_name: &str) -> WasiResult<()> {
        let new_fd = Self::peer(new_dir)?;
        let (name, new_name) = (cstr(name)?, cstr(new_name)?);
        check(|| {
            // SAFETY: both names are NUL-terminated.
            unsafe { libc::renameat(self.fd, name.as_ptr(), new_fd, new_name.as_ptr()) }
        })
        .map(drop)
    }

    fn link_at(&self, name: &str, new_dir: &dyn WasiFile, new_name: &str) -> WasiResult<()> {
        let new_fd = Self::peer(new_dir)?;
        let (name, new_name) = (cstr(name)?, cstr(new_name)?);
        check(|| {
            // SAFETY: both names are NUL-terminated; flags 0 does not follow a link in `name`.
            unsafe { libc::linkat(self.fd, name.as_ptr(), new_fd, new_name.as_ptr(), 0) }
        })
        .map(drop)
    }

    fn sock_recv(&self, buf: &mut [u8], peek: bool, waitall: bool) -> WasiResult<(usize, bool)> {
        let mut flags = 0;
        if peek {
            flags |= libc::MSG_PEEK;
        }
        if waitall {
            flags |= libc::MSG_WAITALL;
        }
        let n = byte_count(check(|| {
            // SAFETY: buf is valid for buf.len() bytes.
            unsafe { libc::recv(self.fd, buf.as_mut_ptr().cast(), buf.len(), flags) }
        })?)?;
        Ok((n, false))
    }

    fn sock_send(&self, buf: &[u8]) -> WasiResult<usize> {
        // SAFETY: buf is valid for buf.len() bytes. MSG_NOSIGNAL: a closed peer is EPIPE
        // for the guest, not SIGPIPE for the host.
        byte_count(check(|| unsafe {
            libc::send(self.fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL)
        })?)
    }

    fn sock_shutdown(&self, read: bool, write: bool) -> WasiResult<()> {
        let how = match (read, write) {
            (true, true) => libc::SHUT_RDWR,
            (true, false) => libc::SHUT_RD,
            _ => libc::SHUT_WR,
        };
        check(|| {
            // SAFETY: plain system call.
            unsafe { libc::shutdown(self.fd, how) }
        })
        .map(drop)
    }

    fn sock_accept(&self, nonblock: bool) -> WasiResult<Box<dyn WasiFile>> {
        let mut flags = libc::SOCK_CLOEXEC;
        if nonblock {
            flags |= libc::SOCK_NONBLOCK;
        }
        let fd = check(|| {
            // SAFETY: null address pointers are allowed when the peer address is not wanted.
            unsafe { libc::accept4(self.fd, std::ptr::null_mut(), std::ptr::null_mut(), flags) }
        })?;
        Ok(Box::new(PosixFile::owned(fd)))
    }
}

/// Lists the directory open at `fd` through a second descriptor, so that reading does
/// not move the position of the guest's descriptor.
fn read_dir(fd: RawFd) -> WasiResult<Vec<DirEntry>> {
    let dot = c".";
    let dup = check(|| {
        // SAFETY: "." is NUL-terminated.
        unsafe {
            libc::openat(
                fd,
                dot.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        }
    })?;
    // SAFETY: dup is a fresh directory descriptor that fdopendir takes over.
    let dir = unsafe { libc::fdopendir(dup) };
    if dir.is_null() {
        let e = last();
        // SAFETY: fdopendir failed, so dup is still ours to close.
        unsafe { libc::close(dup) };
        return Err(e);
    }
    let mut entries = Vec::new();
    let result = loop {
        // readdir reports errors only through errno, so clear it first.
        // SAFETY: errno is thread-local; dir is a valid stream until closedir.
        unsafe { *libc::__errno_location() = 0 };
        // SAFETY: `dir` is a valid stream until closedir.
        let ent = unsafe { libc::readdir(dir) };
        if ent.is_null() {
            let code = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            break if code == 0 {
                Ok(())
            } else {
                Err(super::errno::from_raw(code))
            };
        }
        // SAFETY: readdir returned a valid entry whose d_name is NUL-terminated.
        let ent = unsafe { &*ent };
        // SAFETY: `d_name` is NUL-terminated inside the entry.
        let name = unsafe { std::ffi::CStr::from_ptr(ent.d_name.as_ptr()) };
        let name = name.to_string_lossy().into_owned();
        if name == "." || name == ".." {
            continue;
        }
        let filetype = match dirent_type(ent.d_type) {
            Some(t) => t,
            None => stat_type(fd, &name),
        };
        entries.push(DirEntry {
            name,
            ino: ent.d_ino,
            filetype,
        });
    };
    // SAFETY: dir came from fdopendir and is closed once.
    unsafe { libc::closedir(dir) };
    result.map(|()| entries)
}

/// The type of an entry whose file system did not say (`DT_UNKNOWN`).
fn stat_type(dir_fd: RawFd, name: &str) -> mote_core::wasi::FileType {
    let Ok(name) = cstr(name) else {
        return mote_core::wasi::FileType::Unknown;
    };
    // SAFETY: st is written by fstatat before it is read.
    let mut st = unsafe { std::mem::zeroed::<libc::stat>() };
    // SAFETY: `st` is a valid out-parameter and `name` NUL-terminated.
    let ret = unsafe { libc::fstatat(dir_fd, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
    if ret == 0 {
        super::stat::filetype(st.st_mode)
    } else {
        mote_core::wasi::FileType::Unknown
    }
}
