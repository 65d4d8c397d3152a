//! WASI preview1's data types: flags, enums and records with their guest encodings.

use alloc::string::String;

use bitflags::bitflags;

use super::errno::{Errno, WasiResult};

/// `filetype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FileType {
    Unknown = 0,
    BlockDevice = 1,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketDgram = 5,
    SocketStream = 6,
    SymbolicLink = 7,
}

/// `filestat`: what `fd_filestat_get` and `path_filestat_get` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: FileType,
    pub nlink: u64,
    pub size: u64,
    /// Access, modification and status-change times in nanoseconds since the epoch.
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    /// The 64-byte guest layout.
    pub const SIZE: u32 = 64;

    pub fn encode(&self) -> [u8; Self::SIZE as usize] {
        let mut out = [0u8; Self::SIZE as usize];
        out[0..8].copy_from_slice(&self.dev.to_le_bytes());
        out[8..16].copy_from_slice(&self.ino.to_le_bytes());
        out[16] = self.filetype as u8;
        out[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        out[32..40].copy_from_slice(&self.size.to_le_bytes());
        out[40..48].copy_from_slice(&self.atim.to_le_bytes());
        out[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        out[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        out
    }
}

bitflags! {
    /// `rights`: what a descriptor may be used for. mote reports rights the way wasmtime
    /// does (derived from how the file was opened) and does not let guests narrow them.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Rights: u64 {
        const FD_DATASYNC = 1 << 0;
        const FD_READ = 1 << 1;
        const FD_SEEK = 1 << 2;
        const FD_FDSTAT_SET_FLAGS = 1 << 3;
        const FD_SYNC = 1 << 4;
        const FD_TELL = 1 << 5;
        const FD_WRITE = 1 << 6;
        const FD_ADVISE = 1 << 7;
        const FD_ALLOCATE = 1 << 8;
        const PATH_CREATE_DIRECTORY = 1 << 9;
        const PATH_CREATE_FILE = 1 << 10;
        const PATH_LINK_SOURCE = 1 << 11;
        const PATH_LINK_TARGET = 1 << 12;
        const PATH_OPEN = 1 << 13;
        const FD_READDIR = 1 << 14;
        const PATH_READLINK = 1 << 15;
        const PATH_RENAME_SOURCE = 1 << 16;
        const PATH_RENAME_TARGET = 1 << 17;
        const PATH_FILESTAT_GET = 1 << 18;
        const PATH_FILESTAT_SET_SIZE = 1 << 19;
        const PATH_FILESTAT_SET_TIMES = 1 << 20;
        const FD_FILESTAT_GET = 1 << 21;
        const FD_FILESTAT_SET_SIZE = 1 << 22;
        const FD_FILESTAT_SET_TIMES = 1 << 23;
        const PATH_SYMLINK = 1 << 24;
        const PATH_REMOVE_DIRECTORY = 1 << 25;
        const PATH_UNLINK_FILE = 1 << 26;
        const POLL_FD_READWRITE = 1 << 27;
        const SOCK_SHUTDOWN = 1 << 28;
        const SOCK_ACCEPT = 1 << 29;
    }
}

bitflags! {
    /// `fdflags`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct FdFlags: u16 {
        const APPEND = 1 << 0;
        const DSYNC = 1 << 1;
        const NONBLOCK = 1 << 2;
        const RSYNC = 1 << 3;
        const SYNC = 1 << 4;
    }
}

bitflags! {
    /// `oflags`: how `path_open` creates or opens.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct OFlags: u16 {
        const CREAT = 1 << 0;
        const DIRECTORY = 1 << 1;
        const EXCL = 1 << 2;
        const TRUNC = 1 << 3;
    }
}

bitflags! {
    /// `lookupflags`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct LookupFlags: u32 {
        const SYMLINK_FOLLOW = 1 << 0;
    }
}

bitflags! {
    /// `fstflags`: which timestamps `*_set_times` changes, and how.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Fstflags: u16 {
        const ATIM = 1 << 0;
        const ATIM_NOW = 1 << 1;
        const MTIM = 1 << 2;
        const MTIM_NOW = 1 << 3;
    }
}

/// A timestamp to set: left alone, the current time, or a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetTime {
    Omit,
    Now,
    At(u64),
}

impl SetTime {
    /// Decodes the (atim, mtim) pair of a `*_set_times` call.
    pub fn pair(atim: u64, mtim: u64, flags: u16) -> WasiResult<(SetTime, SetTime)> {
        let flags = Fstflags::from_bits(flags).ok_or(Errno::Inval)?;
        let one = |value, at, now| match (flags.contains(at), flags.contains(now)) {
            (true, true) => Err(Errno::Inval),
            (true, false) => Ok(SetTime::At(value)),
            (false, true) => Ok(SetTime::Now),
            (false, false) => Ok(SetTime::Omit),
        };
        Ok((
            one(atim, Fstflags::ATIM, Fstflags::ATIM_NOW)?,
            one(mtim, Fstflags::MTIM, Fstflags::MTIM_NOW)?,
        ))
    }
}

/// `whence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whence {
    Set,
    Cur,
    End,
}

impl Whence {
    pub fn decode(raw: u32) -> WasiResult<Whence> {
        match raw {
            0 => Ok(Whence::Set),
            1 => Ok(Whence::Cur),
            2 => Ok(Whence::End),
            _ => Err(Errno::Inval),
        }
    }
}

/// `advice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    Normal,
    Sequential,
    Random,
    WillNeed,
    DontNeed,
    NoReuse,
}

impl Advice {
    pub fn decode(raw: u32) -> WasiResult<Advice> {
        Ok(match raw {
            0 => Advice::Normal,
            1 => Advice::Sequential,
            2 => Advice::Random,
            3 => Advice::WillNeed,
            4 => Advice::DontNeed,
            5 => Advice::NoReuse,
            _ => return Err(Errno::Inval),
        })
    }
}

/// `clockid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockId {
    Realtime,
    Monotonic,
    ProcessCpuTime,
    ThreadCpuTime,
}

impl ClockId {
    pub fn decode(raw: u32) -> WasiResult<ClockId> {
        Ok(match raw {
            0 => ClockId::Realtime,
            1 => ClockId::Monotonic,
            2 => ClockId::ProcessCpuTime,
            3 => ClockId::ThreadCpuTime,
            _ => return Err(Errno::Inval),
        })
    }
}

/// One directory entry as the host lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub ino: u64,
    pub filetype: FileType,
}

/// How `path_open` asks the host to open the last component of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenOptions {
    pub read: bool,
    pub write: bool,
    pub oflags: OFlags,
    pub fdflags: FdFlags,
}
