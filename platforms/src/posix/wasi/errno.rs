//! Host `errno` values to WASI's numbering.

use mote_core::wasi::Errno;

/// The WASI errno for the calling thread's current host `errno`.
pub fn last() -> Errno {
    from_raw(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
}

/// Runs a system call that returns -1 on failure, retrying when a signal interrupted it.
pub fn check<T: PartialEq + From<i8>>(mut call: impl FnMut() -> T) -> Result<T, Errno> {
    loop {
        let ret = call();
        if ret != T::from(-1) {
            return Ok(ret);
        }
        match last() {
            Errno::Intr => continue,
            e => return Err(e),
        }
    }
}

pub fn from_raw(code: i32) -> Errno {
    use libc::*;
    match code {
        E2BIG => Errno::TooBig,
        EACCES => Errno::Acces,
        EADDRINUSE => Errno::AddrInUse,
        EADDRNOTAVAIL => Errno::AddrNotAvail,
        EAFNOSUPPORT => Errno::AfNoSupport,
        EAGAIN => Errno::Again,
        EALREADY => Errno::Already,
        EBADF => Errno::Badf,
        EBADMSG => Errno::BadMsg,
        EBUSY => Errno::Busy,
        ECANCELED => Errno::Canceled,
        ECHILD => Errno::Child,
        ECONNABORTED => Errno::ConnAborted,
        ECONNREFUSED => Errno::ConnRefused,
        ECONNRESET => Errno::ConnReset,
        EDEADLK => Errno::Deadlk,
        EDESTADDRREQ => Errno::DestAddrReq,
        EDOM => Errno::Dom,
        EDQUOT => Errno::Dquot,
        EEXIST => Errno::Exist,
        EFAULT => Errno::Fault,
        EFBIG => Errno::Fbig,
        EHOSTUNREACH => Errno::HostUnreach,
        EIDRM => Errno::Idrm,
        EILSEQ => Errno::Ilseq,
        EINPROGRESS => Errno::InProgress,
        EINTR => Errno::Intr,
        EINVAL => Errno::Inval,
        EIO => Errno::Io,
        EISCONN => Errno::IsConn,
        EISDIR => Errno::IsDir,
        ELOOP => Errno::Loop,
        EMFILE => Errno::Mfile,
        EMLINK => Errno::Mlink,
        EMSGSIZE => Errno::MsgSize,
        EMULTIHOP => Errno::Multihop,
        ENAMETOOLONG => Errno::NameTooLong,
        ENETDOWN => Errno::NetDown,
        ENETRESET => Errno::NetReset,
        ENETUNREACH => Errno::NetUnreach,
        ENFILE => Errno::Nfile,
        ENOBUFS => Errno::NoBufs,
        ENODEV => Errno::NoDev,
        ENOENT => Errno::NoEnt,
        ENOEXEC => Errno::NoExec,
        ENOLCK => Errno::NoLck,
        ENOLINK => Errno::NoLink,
        ENOMEM => Errno::NoMem,
        ENOMSG => Errno::NoMsg,
        ENOPROTOOPT => Errno::NoProtoOpt,
        ENOSPC => Errno::NoSpc,
        ENOSYS => Errno::NoSys,
        ENOTCONN => Errno::NotConn,
        ENOTDIR => Errno::NotDir,
        ENOTEMPTY => Errno::NotEmpty,
        ENOTRECOVERABLE => Errno::NotRecoverable,
        ENOTSOCK => Errno::NotSock,
        ENOTSUP => Errno::NotSup,
        ENOTTY => Errno::NoTty,
        ENXIO => Errno::Nxio,
        EOVERFLOW => Errno::Overflow,
        EOWNERDEAD => Errno::OwnerDead,
        EPERM => Errno::Perm,
        EPIPE => Errno::Pipe,
        EPROTO => Errno::Proto,
        EPROTONOSUPPORT => Errno::ProtoNoSupport,
        EPROTOTYPE => Errno::ProtoType,
        ERANGE => Errno::Range,
        EROFS => Errno::Rofs,
        ESPIPE => Errno::Spipe,
        ESRCH => Errno::Srch,
        ESTALE => Errno::Stale,
        ETIMEDOUT => Errno::TimedOut,
        ETXTBSY => Errno::TxtBsy,
        EXDEV => Errno::Xdev,
        // Anything else has no WASI name; EIO is the closest honest answer.
        _ => Errno::Io,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes_map_by_name() {
        assert_eq!(from_raw(libc::ENOENT), Errno::NoEnt);
        assert_eq!(from_raw(libc::ELOOP), Errno::Loop);
        assert_eq!(from_raw(libc::EWOULDBLOCK), Errno::Again);
        assert_eq!(from_raw(-12345), Errno::Io);
    }
}
