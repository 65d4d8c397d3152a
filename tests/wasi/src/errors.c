/* The errno of calls that must fail, through the raw WASI API on the preopened
 * directory (descriptor 3): access modes, wrong kinds of descriptor, bad flags, unknown
 * descriptors, unsupported calls. Every line matches what wasmtime answers. */
#include <stdio.h>
#include <wasi/api.h>
#include "errname.h"

/* Not declared by this wasi-libc's headers. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint16_t raw_proc_raise(uint8_t sig);

#define S(label, x) printf("%-34s %s\n", label, errname(x))

int main(void) {
    __wasi_fd_t wo, ro, rw, d, fd;
    const __wasi_rights_t R = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL;
    const __wasi_rights_t W = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK;
    const __wasi_rights_t DIR = __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN;
    S("create write-only", __wasi_path_open(3, 0, "f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, W, 0, 0, &wo));
    S("open read-only", __wasi_path_open(3, 0, "f.txt", 0, R, 0, 0, &ro));
    S("open read-write", __wasi_path_open(3, 0, "f.txt", 0, R | W, 0, 0, &rw));
    S("open directory", __wasi_path_open(3, 0, "sub", __WASI_OFLAGS_DIRECTORY, DIR, DIR, 0, &d));

    char buf[8] = "abc";
    __wasi_ciovec_t out = {(const uint8_t *)buf, 3};
    __wasi_iovec_t in = {(uint8_t *)buf, 3};
    __wasi_size_t n;
    __wasi_filesize_t off;
    S("write read-only", __wasi_fd_write(ro, &out, 1, &n));
    S("read write-only", __wasi_fd_read(wo, &in, 1, &n));
    S("write write-only", __wasi_fd_write(wo, &out, 1, &n));
    S("read directory", __wasi_fd_read(d, &in, 1, &n));
    S("write directory", __wasi_fd_write(d, &out, 1, &n));
    S("seek directory", __wasi_fd_seek(d, 0, __WASI_WHENCE_SET, &off));
    S("seek before start", __wasi_fd_seek(ro, -5, __WASI_WHENCE_SET, &off));
    S("seek past end", __wasi_fd_seek(ro, 100, __WASI_WHENCE_SET, &off));
    S("truncate read-only", __wasi_fd_filestat_set_size(ro, 1));
    S("set rights", __wasi_fd_fdstat_set_rights(ro, 0, 0));
    S("set flags append", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_APPEND));
    S("set flags sync", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_SYNC));
    S("set flags nonblock", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_NONBLOCK));
    S("allocate", __wasi_fd_allocate(rw, 0, 100));
    S("advise", __wasi_fd_advise(rw, 0, 100, __WASI_ADVICE_SEQUENTIAL));
    S("sync", __wasi_fd_sync(rw));
    S("datasync read-only", __wasi_fd_datasync(ro));

    __wasi_fdstat_t st;
    S("fdstat file", __wasi_fd_fdstat_get(ro, &st));
    printf("  type=%d rights: read %s write %s\n", st.fs_filetype,
           st.fs_rights_base & __WASI_RIGHTS_FD_READ ? "yes" : "no",
           st.fs_rights_base & __WASI_RIGHTS_FD_WRITE ? "yes" : "no");
    S("fdstat directory", __wasi_fd_fdstat_get(d, &st));
    printf("  type=%d\n", st.fs_filetype);
    S("fdstat preopen", __wasi_fd_fdstat_get(3, &st));
    printf("  type=%d base=%llx inheriting=%llx\n", st.fs_filetype,
           (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
    S("fdstat unknown fd", __wasi_fd_fdstat_get(99, &st));

    __wasi_prestat_t p;
    S("prestat of a file", __wasi_fd_prestat_get(ro, &p));
    S("prestat of opened dir", __wasi_fd_prestat_get(d, &p));
    S("prestat unknown fd", __wasi_fd_prestat_get(99, &p));
    char name[4];
    S("prestat name too small", __wasi_fd_prestat_dir_name(3, (uint8_t *)name, 0));

    S("open file as directory", __wasi_path_open(3, 0, "f.txt", __WASI_OFLAGS_DIRECTORY, R, 0, 0, &fd));
    S("exclusive create existing", __wasi_path_open(3, 0, "f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R, 0, 0, &fd));
    S("create in missing directory", __wasi_path_open(3, 0, "nope/x", __WASI_OFLAGS_CREAT, R, 0, 0, &fd));
    S("file with trailing slash", __wasi_path_open(3, 0, "f.txt/", 0, R, 0, 0, &fd));
    S("empty path", __wasi_path_open(3, 0, "", 0, R, 0, 0, &fd));
    S("path relative to a file", __wasi_path_open(ro, 0, "x", 0, R, 0, 0, &fd));
    S("open directory for writing", __wasi_path_open(3, 0, "sub", 0, R | W, 0, 0, &fd));
    S("mkdir existing", __wasi_path_create_directory(3, "sub"));
    S("rmdir a file", __wasi_path_remove_directory(3, "f.txt"));
    S("unlink a directory", __wasi_path_unlink_file(3, "sub"));
    S("unlink file with slash", __wasi_path_unlink_file(3, "f.txt/"));
    S("rmdir .", __wasi_path_remove_directory(3, "."));
    S("rmdir missing", __wasi_path_remove_directory(3, "missing"));
    S("rename missing", __wasi_path_rename(3, "missing", 3, "other"));
    S("readlink a file", __wasi_path_readlink(3, "f.txt", (uint8_t *)buf, sizeof buf, &n));

    S("renumber to unknown fd", __wasi_fd_renumber(ro, 99));
    S("renumber unknown fd", __wasi_fd_renumber(99, ro));
    S("renumber", __wasi_fd_renumber(rw, ro));
    S("use renumbered-away fd", __wasi_fd_write(rw, &out, 1, &n));
    S("close", __wasi_fd_close(ro));
    S("close again", __wasi_fd_close(ro));

    S("poll nothing", __wasi_poll_oneoff(0, 0, 0, &n));
    S("proc_raise", raw_proc_raise(9));
    S("sched_yield", __wasi_sched_yield());
    S("sock_accept on a directory", __wasi_sock_accept(3, 0, &fd));
    S("sock_shutdown on a file", __wasi_sock_shutdown(wo, __WASI_SDFLAGS_RD));
    __wasi_size_t got;
    __wasi_roflags_t roflags;
    S("sock_recv on a file", __wasi_sock_recv(wo, &in, 1, 0, &got, &roflags));
    S("sock_send on a file", __wasi_sock_send(wo, &out, 1, 0, &got));
    S("close preopen", __wasi_fd_close(3));
    S("use closed preopen", __wasi_path_create_directory(3, "x"));
    return 0;
}
