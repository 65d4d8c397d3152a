//! `struct stat` to WASI's `filestat`, and WASI's times to `timespec`.

use mote_core::wasi::{FileType, Filestat, SetTime};

pub fn filetype(mode: libc::mode_t) -> FileType {
    match mode & libc::S_IFMT {
        libc::S_IFBLK => FileType::BlockDevice,
        libc::S_IFCHR => FileType::CharacterDevice,
        libc::S_IFDIR => FileType::Directory,
        libc::S_IFREG => FileType::RegularFile,
        libc::S_IFSOCK => FileType::SocketStream,
        libc::S_IFLNK => FileType::SymbolicLink,
        // FIFOs have no WASI file type.
        _ => FileType::Unknown,
    }
}

/// `d_type` of a directory entry, when the file system reports one.
pub fn dirent_type(d_type: u8) -> Option<FileType> {
    Some(match d_type {
        libc::DT_BLK => FileType::BlockDevice,
        libc::DT_CHR => FileType::CharacterDevice,
        libc::DT_DIR => FileType::Directory,
        libc::DT_REG => FileType::RegularFile,
        libc::DT_SOCK => FileType::SocketStream,
        libc::DT_LNK => FileType::SymbolicLink,
        libc::DT_FIFO => FileType::Unknown,
        _ => return None,
    })
}

fn nanos(sec: i64, nsec: i64) -> u64 {
    // Times before 1970 cannot be expressed in WASI's unsigned timestamps.
    (sec.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(nsec.max(0) as u64)
}

// The field types of `struct stat` differ between Linux targets (aarch64's `st_nlink` is
// 32-bit), so the conversions are needed somewhere even if not on this one.
#[allow(clippy::useless_conversion)]
pub fn filestat(st: &libc::stat) -> Filestat {
    Filestat {
        dev: u64::from(st.st_dev),
        ino: u64::from(st.st_ino),
        filetype: filetype(st.st_mode),
        nlink: u64::from(st.st_nlink),
        size: u64::try_from(st.st_size).unwrap_or(0),
        atim: nanos(i64::from(st.st_atime), i64::from(st.st_atime_nsec)),
        mtim: nanos(i64::from(st.st_mtime), i64::from(st.st_mtime_nsec)),
        ctim: nanos(i64::from(st.st_ctime), i64::from(st.st_ctime_nsec)),
    }
}

pub fn timespec(t: SetTime) -> libc::timespec {
    match t {
        SetTime::Omit => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
        SetTime::Now => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_NOW,
        },
        SetTime::At(ns) => libc::timespec {
            tv_sec: (ns / 1_000_000_000) as libc::time_t,
            tv_nsec: (ns % 1_000_000_000) as libc::c_long,
        },
    }
}
