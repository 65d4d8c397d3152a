//! Process-wide WASI services on POSIX: clocks, randomness, stdio, preopens, poll.

use std::ffi::CString;
use std::time::{Duration, Instant};

use mote_core::wasi::{ClockId, Errno, PollFd, Readiness, WasiFile, WasiHost, WasiResult};

use super::errno::{check, last};
use super::file::PosixFile;

/// The POSIX implementation of `WasiHost`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PosixHost;

impl PosixHost {
    pub fn new() -> PosixHost {
        PosixHost
    }
}

fn clock_id(clock: ClockId) -> libc::clockid_t {
    match clock {
        ClockId::Realtime => libc::CLOCK_REALTIME,
        ClockId::Monotonic => libc::CLOCK_MONOTONIC,
        ClockId::ProcessCpuTime => libc::CLOCK_PROCESS_CPUTIME_ID,
        ClockId::ThreadCpuTime => libc::CLOCK_THREAD_CPUTIME_ID,
    }
}

fn nanos(ts: &libc::timespec) -> u64 {
    (ts.tv_sec.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec.max(0) as u64)
}

impl WasiHost for PosixHost {
    fn clock_res(&self, clock: ClockId) -> WasiResult<u64> {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: ts is a valid timespec to write.
        check(|| unsafe { libc::clock_getres(clock_id(clock), &mut ts) })?;
        Ok(nanos(&ts))
    }

    fn clock_time(&self, clock: ClockId) -> WasiResult<u64> {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: ts is a valid timespec to write.
        check(|| unsafe { libc::clock_gettime(clock_id(clock), &mut ts) })?;
        Ok(nanos(&ts))
    }

    fn random(&self, buf: &mut [u8]) -> WasiResult<()> {
        let mut filled = 0;
        while filled < buf.len() {
            let rest = &mut buf[filled..];
            // SAFETY: rest is valid for rest.len() bytes.
            let n = check(|| unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) })?;
            filled += n as usize;
        }
        Ok(())
    }

    fn sched_yield(&self) {
        // SAFETY: no arguments, cannot fail in a way that matters.
        unsafe { libc::sched_yield() };
    }

    fn sleep(&self, nanos: u64) {
        std::thread::sleep(Duration::from_nanos(nanos));
    }

    fn stdio(&self, fd: u32) -> WasiResult<Box<dyn WasiFile>> {
        let fd = fd as libc::c_int;
        // SAFETY: F_GETFD only asks whether fd is open.
        check(|| unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
        Ok(Box::new(PosixFile::borrowed(fd)))
    }

    fn open_dir(&self, path: &str) -> WasiResult<Box<dyn WasiFile>> {
        let path = CString::new(path).map_err(|_| Errno::Inval)?;
        // The user named this directory on the command line, so a symbolic link in it is
        // theirs to follow; only the guest's lookups below it are confined.
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
        // SAFETY: path is NUL-terminated.
        let fd = check(|| unsafe { libc::open(path.as_ptr(), flags) })?;
        Ok(Box::new(PosixFile::owned(fd)))
    }

    fn poll(&self, fds: &mut [PollFd<'_>], timeout: Option<u64>) -> WasiResult<usize> {
        let mut pollfds = Vec::with_capacity(fds.len());
        for f in fds.iter() {
            let file = f
                .file
                .as_any()
                .downcast_ref::<PosixFile>()
                .ok_or(Errno::Badf)?;
            let events = if f.write { libc::POLLOUT } else { libc::POLLIN };
            pollfds.push(libc::pollfd {
                fd: file.raw_fd(),
                events,
                revents: 0,
            });
        }
        let deadline = timeout.map(|ns| Instant::now() + Duration::from_nanos(ns));
        let ready = loop {
            let ms = match deadline {
                None => -1,
                // Round up so that a wait never ends before the clock it serves.
                Some(d) => d
                    .saturating_duration_since(Instant::now())
                    .as_nanos()
                    .div_ceil(1_000_000)
                    .min(i32::MAX as u128) as libc::c_int,
            };
            // SAFETY: pollfds holds pollfds.len() entries.
            let n = unsafe { libc::poll(pollfds.as_mut_ptr(), pollfds.len() as libc::nfds_t, ms) };
            if n < 0 {
                match last() {
                    Errno::Intr => continue,
                    e => return Err(e),
                }
            }
            // A timeout longer than poll can take in one call: wait again until the end.
            if n == 0 && deadline.is_some_and(|d| Instant::now() < d) {
                continue;
            }
            break n as usize;
        };
        for (f, p) in fds.iter_mut().zip(&pollfds) {
            if p.revents == 0 {
                continue;
            }
            f.ready = Some(readiness(p, f.write));
        }
        Ok(ready)
    }
}

fn readiness(p: &libc::pollfd, write: bool) -> Readiness {
    let mut r = Readiness {
        hangup: p.revents & libc::POLLHUP != 0,
        ..Readiness::default()
    };
    if p.revents & libc::POLLNVAL != 0 {
        r.error = Some(Errno::Badf);
    } else if p.revents & libc::POLLERR != 0 {
        r.error = Some(Errno::Io);
    } else if !write {
        // Bytes ready to read: pipes, sockets and terminals say; for a regular file Linux
        // reports what is left before its end.
        let mut avail: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int.
        if unsafe { libc::ioctl(p.fd, libc::FIONREAD, &mut avail) } == 0 {
            r.nbytes = avail.max(0) as u64;
        }
    }
    r
}
