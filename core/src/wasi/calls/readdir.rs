//! `fd_readdir`: directory listings with cookies.
//!
//! A cookie is an index into the listing: `.` and `..` first (as wasmtime lists them),
//! then the host's entries in the host's order. Reading from cookie 0 takes a fresh
//! listing; a later cookie continues in the listing the descriptor already holds, so a
//! guest that reads a directory in several calls neither misses nor repeats entries.

use alloc::rc::Rc;
use alloc::vec::Vec;

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::guest::GuestMemory;
use crate::wasi::types::{DirEntry, FileType};

/// Bytes of a `dirent` before its name.
const DIRENT_SIZE: usize = 24;

pub fn fd_readdir(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let (fd, buf, buf_len, cookie, used_ptr) = (a.u32(0), a.u32(1), a.u32(2), a.u64(3), a.u32(4));
    let entry = ctx.fds.get_mut(fd)?;
    if !entry.is_dir() {
        return Err(Errno::Badf);
    }
    let listing = match &entry.listing {
        Some(listing) if cookie != 0 => listing.clone(),
        _ => {
            let fresh = Rc::new(list(&*entry.file)?);
            entry.listing = Some(fresh.clone());
            fresh
        }
    };
    let out = encode(&listing, cookie, buf_len as usize);
    mem.write_bytes(buf, &out)?;
    mem.write_u32(used_ptr, out.len() as u32)
}

fn list(dir: &dyn crate::wasi::host::WasiFile) -> WasiResult<Vec<DirEntry>> {
    let stat = dir.filestat()?;
    let dots = [".", ".."].map(|name| DirEntry {
        name: name.into(),
        // The parent's inode is not ours to look up (it may be outside the preopen).
        ino: if name == "." { stat.ino } else { 0 },
        filetype: FileType::Directory,
    });
    let mut all = dots.to_vec();
    all.extend(dir.readdir()?);
    Ok(all)
}

/// The entries from `cookie` on, encoded and cut at `limit` bytes. A cut entry tells the
/// guest (by a full buffer) to call again with a bigger one.
fn encode(listing: &[DirEntry], cookie: u64, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, entry) in listing.iter().enumerate().skip(start) {
        if out.len() >= limit {
            break;
        }
        let mut dirent = [0u8; DIRENT_SIZE];
        dirent[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        dirent[8..16].copy_from_slice(&entry.ino.to_le_bytes());
        dirent[16..20].copy_from_slice(&(entry.name.len() as u32).to_le_bytes());
        dirent[20] = entry.filetype as u8;
        out.extend_from_slice(&dirent);
        out.extend_from_slice(entry.name.as_bytes());
    }
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> DirEntry {
        DirEntry {
            name: name.into(),
            ino: 7,
            filetype: FileType::RegularFile,
        }
    }

    #[test]
    fn cookies_continue_where_the_last_call_stopped() {
        let listing = [entry("a"), entry("bb"), entry("ccc")];
        let all = encode(&listing, 0, 4096);
        assert_eq!(all.len(), 3 * DIRENT_SIZE + 6);
        // d_next of the first entry is 1; starting from it skips exactly one entry.
        assert_eq!(all[0], 1);
        let rest = encode(&listing, 1, 4096);
        assert_eq!(&rest[DIRENT_SIZE..DIRENT_SIZE + 2], b"bb");
        assert!(encode(&listing, 3, 4096).is_empty());
        assert!(encode(&listing, u64::MAX, 4096).is_empty());
        assert_eq!(encode(&listing, 0, 30).len(), 30);
    }
}
