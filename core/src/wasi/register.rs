//! Wires the WASI functions into a `Linker` under `wasi_snapshot_preview1`, with the
//! host-call ABI both engines use.

use alloc::rc::Rc;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;

use super::calls::{self, Args, Call};
use super::ctx::WasiCtx;
use super::guest::GuestMemory;
use crate::runtime::{Linker, Store};
use crate::trap::Trap;
use crate::types::{FuncType, ValType};

/// The import module name WASI preview1 programs use.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Every function but `proc_exit`, with its parameters (`i` = i32, `I` = i64). All of them
/// return one i32, the errno.
const CALLS: &[(&str, &str, Call)] = {
    use calls::*;
    &[
        ("args_get", "ii", process::args_get),
        ("args_sizes_get", "ii", process::args_sizes_get),
        ("environ_get", "ii", process::environ_get),
        ("environ_sizes_get", "ii", process::environ_sizes_get),
        ("clock_res_get", "ii", clock::clock_res_get),
        ("clock_time_get", "iIi", clock::clock_time_get),
        ("random_get", "ii", process::random_get),
        ("sched_yield", "", process::sched_yield),
        ("proc_raise", "i", process::proc_raise),
        ("fd_advise", "iIIi", fd_meta::fd_advise),
        ("fd_allocate", "iII", fd_meta::fd_allocate),
        ("fd_close", "i", fd_meta::fd_close),
        ("fd_datasync", "i", fd_meta::fd_datasync),
        ("fd_fdstat_get", "ii", fd_meta::fd_fdstat_get),
        ("fd_fdstat_set_flags", "ii", fd_meta::fd_fdstat_set_flags),
        ("fd_fdstat_set_rights", "iII", fd_meta::fd_fdstat_set_rights),
        ("fd_filestat_get", "ii", fd_meta::fd_filestat_get),
        ("fd_filestat_set_size", "iI", fd_meta::fd_filestat_set_size),
        (
            "fd_filestat_set_times",
            "iIIi",
            fd_meta::fd_filestat_set_times,
        ),
        ("fd_pread", "iiiIi", fd_io::fd_pread),
        ("fd_prestat_get", "ii", fd_meta::fd_prestat_get),
        ("fd_prestat_dir_name", "iii", fd_meta::fd_prestat_dir_name),
        ("fd_pwrite", "iiiIi", fd_io::fd_pwrite),
        ("fd_read", "iiii", fd_io::fd_read),
        ("fd_readdir", "iiiIi", readdir::fd_readdir),
        ("fd_renumber", "ii", fd_meta::fd_renumber),
        ("fd_seek", "iIii", fd_io::fd_seek),
        ("fd_sync", "i", fd_meta::fd_sync),
        ("fd_tell", "ii", fd_io::fd_tell),
        ("fd_write", "iiii", fd_io::fd_write),
        ("path_create_directory", "iii", path::path_create_directory),
        ("path_filestat_get", "iiiii", path::path_filestat_get),
        (
            "path_filestat_set_times",
            "iiiiIIi",
            path::path_filestat_set_times,
        ),
        ("path_link", "iiiiiii", path::path_link),
        ("path_open", "iiiiiIIii", path::path_open),
        ("path_readlink", "iiiiii", path::path_readlink),
        ("path_remove_directory", "iii", path::path_remove_directory),
        ("path_rename", "iiiiii", path::path_rename),
        ("path_symlink", "iiiii", path::path_symlink),
        ("path_unlink_file", "iii", path::path_unlink_file),
        ("poll_oneoff", "iiii", poll::poll_oneoff),
        ("sock_accept", "iii", sock::sock_accept),
        ("sock_recv", "iiiiii", sock::sock_recv),
        ("sock_send", "iiiii", sock::sock_send),
        ("sock_shutdown", "ii", sock::sock_shutdown),
    ]
};

fn params(sig: &str) -> Vec<ValType> {
    sig.chars()
        .map(|c| if c == 'I' { ValType::I64 } else { ValType::I32 })
        .collect()
}

/// Defines every `wasi_snapshot_preview1` function in `linker`, all sharing `ctx`.
/// Returns the shared context so that the embedder can look at it after the run.
pub fn add_to_linker(linker: &mut Linker, store: &mut Store, ctx: WasiCtx) -> Rc<RefCell<WasiCtx>> {
    let ctx = Rc::new(RefCell::new(ctx));
    for &(name, sig, call) in CALLS {
        let ty = FuncType::new(params(sig), vec![ValType::I32]);
        let ctx = ctx.clone();
        linker.func(store, MODULE, name, ty, move |caller, cells| {
            let args = Args::new(cells);
            let mut mem = GuestMemory::new(match caller.memory() {
                Some(memory) => memory.data_mut(),
                None => &mut [],
            });
            let errno = match call(&mut ctx.borrow_mut(), &mut mem, &args) {
                Ok(()) => 0,
                Err(e) => e as u16,
            };
            cells[0] = errno as u64;
            Ok(())
        });
    }
    // `proc_exit` does not return: the exit code travels as a trap to the embedder.
    let ty = FuncType::new(vec![ValType::I32], vec![]);
    linker.func(store, MODULE, "proc_exit", ty, |_, cells| {
        Err(Trap::Exit(cells[0] as u32 as i32))
    });
    ctx
}
