//! WASI error numbers (`errno` in `wasi_snapshot_preview1`), as the guest sees them.
//!
//! The numbering is WASI's own, not the host's: platforms translate their native error
//! codes into these.

macro_rules! errnos {
    ($($variant:ident = $value:literal, $name:literal;)*) => {
        /// An error a WASI call reports to the guest.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u16)]
        pub enum Errno {
            $($variant = $value,)*
        }

        impl Errno {
            /// The C name (`ENOENT`), for messages.
            pub fn name(self) -> &'static str {
                match self {
                    $(Errno::$variant => $name,)*
                }
            }
        }
    };
}

errnos! {
    Success = 0, "ESUCCESS";
    TooBig = 1, "E2BIG";
    Acces = 2, "EACCES";
    AddrInUse = 3, "EADDRINUSE";
    AddrNotAvail = 4, "EADDRNOTAVAIL";
    AfNoSupport = 5, "EAFNOSUPPORT";
    Again = 6, "EAGAIN";
    Already = 7, "EALREADY";
    Badf = 8, "EBADF";
    BadMsg = 9, "EBADMSG";
    Busy = 10, "EBUSY";
    Canceled = 11, "ECANCELED";
    Child = 12, "ECHILD";
    ConnAborted = 13, "ECONNABORTED";
    ConnRefused = 14, "ECONNREFUSED";
    ConnReset = 15, "ECONNRESET";
    Deadlk = 16, "EDEADLK";
    DestAddrReq = 17, "EDESTADDRREQ";
    Dom = 18, "EDOM";
    Dquot = 19, "EDQUOT";
    Exist = 20, "EEXIST";
    Fault = 21, "EFAULT";
    Fbig = 22, "EFBIG";
    HostUnreach = 23, "EHOSTUNREACH";
    Idrm = 24, "EIDRM";
    Ilseq = 25, "EILSEQ";
    InProgress = 26, "EINPROGRESS";
    Intr = 27, "EINTR";
    Inval = 28, "EINVAL";
    Io = 29, "EIO";
    IsConn = 30, "EISCONN";
    IsDir = 31, "EISDIR";
    Loop = 32, "ELOOP";
    Mfile = 33, "EMFILE";
    Mlink = 34, "EMLINK";
    MsgSize = 35, "EMSGSIZE";
    Multihop = 36, "EMULTIHOP";
    NameTooLong = 37, "ENAMETOOLONG";
    NetDown = 38, "ENETDOWN";
    NetReset = 39, "ENETRESET";
    NetUnreach = 40, "ENETUNREACH";
    Nfile = 41, "ENFILE";
    NoBufs = 42, "ENOBUFS";
    NoDev = 43, "ENODEV";
    NoEnt = 44, "ENOENT";
    NoExec = 45, "ENOEXEC";
    NoLck = 46, "ENOLCK";
    NoLink = 47, "ENOLINK";
    NoMem = 48, "ENOMEM";
    NoMsg = 49, "ENOMSG";
    NoProtoOpt = 50, "ENOPROTOOPT";
    NoSpc = 51, "ENOSPC";
    NoSys = 52, "ENOSYS";
    NotConn = 53, "ENOTCONN";
    NotDir = 54, "ENOTDIR";
    NotEmpty = 55, "ENOTEMPTY";
    NotRecoverable = 56, "ENOTRECOVERABLE";
    NotSock = 57, "ENOTSOCK";
    NotSup = 58, "ENOTSUP";
    NoTty = 59, "ENOTTY";
    Nxio = 60, "ENXIO";
    Overflow = 61, "EOVERFLOW";
    OwnerDead = 62, "EOWNERDEAD";
    Perm = 63, "EPERM";
    Pipe = 64, "EPIPE";
    Proto = 65, "EPROTO";
    ProtoNoSupport = 66, "EPROTONOSUPPORT";
    ProtoType = 67, "EPROTOTYPE";
    Range = 68, "ERANGE";
    Rofs = 69, "EROFS";
    Spipe = 70, "ESPIPE";
    Srch = 71, "ESRCH";
    Stale = 72, "ESTALE";
    TimedOut = 73, "ETIMEDOUT";
    TxtBsy = 74, "ETXTBSY";
    Xdev = 75, "EXDEV";
    NotCapable = 76, "ENOTCAPABLE";
}

/// The result of a WASI call or of a host operation behind one.
pub type WasiResult<T> = Result<T, Errno>;

impl core::fmt::Display for Errno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
