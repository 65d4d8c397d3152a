//! The guest's descriptor table: small integers mapped to open host files.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::errno::{Errno, WasiResult};
use super::host::WasiFile;
use super::types::{DirEntry, Rights};

/// Most descriptors a guest may hold open at once (the host's own limit may be lower).
const MAX_FDS: usize = 1 << 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FdKind {
    /// A file, device, pipe or socket, with the access it was opened for.
    File { read: bool, write: bool },
    /// A directory; `preopen` is the name the guest sees for a preopened one.
    Dir { preopen: Option<String> },
}

pub struct FdEntry {
    pub file: Rc<dyn WasiFile>,
    pub kind: FdKind,
    /// One of the process's standard streams.
    pub stdio: bool,
    /// The listing the last `fd_readdir` read: cookies index into it, so a guest reading a
    /// directory in several calls sees one consistent listing.
    pub listing: Option<Rc<Vec<DirEntry>>>,
}

impl FdEntry {
    pub fn new(file: Rc<dyn WasiFile>, kind: FdKind) -> FdEntry {
        FdEntry {
            file,
            kind,
            stdio: false,
            listing: None,
        }
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.kind, FdKind::Dir { .. })
    }

    // What each kind of call may be made on. The answers are wasmtime's: a directory is
    // `EBADF` for anything that needs a file; the standard streams are streams, with no
    // position (`ESPIPE`) and nothing of the host's file behind them that a guest may
    // change (size, flags, times, sync: `EBADF`), since they are the host's own.

    /// The file behind a descriptor read (`write == false`) or written as a stream
    /// (`fd_read`, `fd_write`): it must be open that way, even for an empty transfer.
    pub fn as_stream(&self, write: bool) -> WasiResult<&dyn WasiFile> {
        match self.kind {
            FdKind::File {
                read,
                write: can_write,
            } if (read && !write) || (can_write && write) => Ok(&*self.file),
            _ => Err(Errno::Badf),
        }
    }

    /// The file behind a descriptor read or written at an offset (`fd_pread`, `fd_pwrite`).
    pub fn as_positioned(&self, write: bool) -> WasiResult<&dyn WasiFile> {
        let file = self.as_stream(write)?;
        if self.stdio {
            return Err(Errno::Spipe);
        }
        Ok(file)
    }

    /// The file behind a descriptor whose position is moved or read (`fd_seek`, `fd_tell`).
    pub fn as_seekable(&self) -> WasiResult<&dyn WasiFile> {
        match self.kind {
            FdKind::File { .. } if self.stdio => Err(Errno::Spipe),
            FdKind::File { .. } => Ok(&*self.file),
            FdKind::Dir { .. } => Err(Errno::Badf),
        }
    }

    /// The file behind a descriptor whose data or state a call acts on (`fd_sync`,
    /// `fd_datasync`, `fd_advise`, `fd_allocate`, `fd_filestat_set_size`,
    /// `fd_fdstat_set_flags`): a file the guest opened by path.
    pub fn as_opened_file(&self) -> WasiResult<&dyn WasiFile> {
        match self.kind {
            FdKind::File { .. } if !self.stdio => Ok(&*self.file),
            _ => Err(Errno::Badf),
        }
    }

    /// The file or directory behind a descriptor whose times are set
    /// (`fd_filestat_set_times`): anything but a standard stream.
    pub fn as_opened(&self) -> WasiResult<&dyn WasiFile> {
        if self.stdio {
            return Err(Errno::Badf);
        }
        Ok(&*self.file)
    }

    /// The directory behind a descriptor used as the base of a path.
    pub fn as_dir(&self) -> WasiResult<&Rc<dyn WasiFile>> {
        match self.kind {
            FdKind::Dir { .. } => Ok(&self.file),
            FdKind::File { .. } => Err(Errno::NotDir),
        }
    }

    /// (base, inheriting) rights as `fd_fdstat_get` reports them: the same values
    /// wasmtime reports, derived from the kind of descriptor and its access.
    pub fn rights(&self) -> (Rights, Rights) {
        match &self.kind {
            FdKind::File { read, write } if self.stdio => {
                let mut r = Rights::empty();
                r.set(Rights::FD_READ, *read);
                r.set(Rights::FD_WRITE, *write);
                (r, r)
            }
            FdKind::File { read, write } => {
                let mut r = Rights::all();
                if !read {
                    r -= Rights::FD_READ | Rights::FD_READDIR;
                }
                if !write {
                    r -= Rights::FD_WRITE;
                }
                (r, r)
            }
            FdKind::Dir { preopen: Some(_) } => (
                Rights::from_bits_truncate(0x07b7_fe00),
                Rights::from_bits_truncate(0x0ff7_ffff),
            ),
            FdKind::Dir { preopen: None } => {
                let r = Rights::all()
                    - (Rights::FD_SEEK
                        | Rights::FD_WRITE
                        | Rights::PATH_FILESTAT_SET_SIZE
                        | Rights::FD_FILESTAT_SET_SIZE);
                (r, r)
            }
        }
    }
}

#[derive(Default)]
pub struct FdTable {
    entries: Vec<Option<FdEntry>>,
}

impl FdTable {
    pub fn get(&self, fd: u32) -> WasiResult<&FdEntry> {
        self.entries
            .get(fd as usize)
            .and_then(Option::as_ref)
            .ok_or(Errno::Badf)
    }

    pub fn get_mut(&mut self, fd: u32) -> WasiResult<&mut FdEntry> {
        self.entries
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    /// Puts `entry` at descriptor `fd`, replacing what was there.
    pub fn insert_at(&mut self, fd: u32, entry: FdEntry) {
        let i = fd as usize;
        if self.entries.len() <= i {
            self.entries.resize_with(i + 1, || None);
        }
        self.entries[i] = Some(entry);
    }

    /// Puts `entry` at the lowest free descriptor, as POSIX `open` does.
    pub fn insert(&mut self, entry: FdEntry) -> WasiResult<u32> {
        let i = match self.entries.iter().position(Option::is_none) {
            Some(i) => i,
            None if self.entries.len() < MAX_FDS => {
                self.entries.push(None);
                self.entries.len() - 1
            }
            None => return Err(Errno::Mfile),
        };
        self.entries[i] = Some(entry);
        Ok(i as u32)
    }

    pub fn remove(&mut self, fd: u32) -> WasiResult<FdEntry> {
        self.entries
            .get_mut(fd as usize)
            .and_then(Option::take)
            .ok_or(Errno::Badf)
    }

    /// `fd_renumber`: moves `from` onto `to`, closing what `to` held. Both must be open.
    pub fn renumber(&mut self, from: u32, to: u32) -> WasiResult<()> {
        self.get(from)?;
        self.get(to)?;
        if from != to {
            let entry = self.remove(from)?;
            self.insert_at(to, entry);
        }
        Ok(())
    }
}
