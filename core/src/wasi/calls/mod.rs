//! The `wasi_snapshot_preview1` functions, grouped by what they act on. Each takes the
//! context, the caller's memory and the raw arguments, and returns the errno to report.

pub mod clock;
pub mod fd_io;
pub mod fd_meta;
pub mod path;
pub mod poll;
pub mod process;
pub mod readdir;
pub mod sock;

use super::ctx::WasiCtx;
use super::errno::WasiResult;
use super::guest::GuestMemory;
use crate::value::Cell;

/// A WASI function body as `register` wires it.
pub type Call = fn(&mut WasiCtx, &mut GuestMemory<'_>, &Args) -> WasiResult<()>;

/// The raw arguments of a call (at most 9 in preview1), read by position and type.
pub struct Args {
    cells: [Cell; 9],
}

impl Args {
    pub fn new(cells: &[Cell]) -> Args {
        let mut copy = [0; 9];
        let n = cells.len().min(9);
        copy[..n].copy_from_slice(&cells[..n]);
        Args { cells: copy }
    }

    /// An i32 argument (pointers, lengths, descriptors, flags).
    pub fn u32(&self, i: usize) -> u32 {
        self.cells[i] as u32
    }

    /// An i64 argument (offsets, sizes, timestamps, rights).
    pub fn u64(&self, i: usize) -> u64 {
        self.cells[i]
    }
}
