/* Pointers outside linear memory: every call answers EFAULT and the guest goes on.
 * (wasmtime traps instead; mote keeps the guest alive and says what was wrong.) */
#include <stdio.h>
#include <wasi/api.h>
#include "errname.h"

/* wasi-libc's wrapper would take strlen of the path itself; call the import directly. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_create_directory")))
uint16_t raw_path_create_directory(uint32_t fd, const char *path, uint32_t len);

#define BAD ((void *)0xfffffff0)
#define S(label, x) printf("%-26s %s\n", label, errname(x))

int main(void) {
    __wasi_size_t n;
    __wasi_ciovec_t out = {(const uint8_t *)"x", 1};
    __wasi_ciovec_t bad_buf = {BAD, 100};
    S("iovec array", __wasi_fd_write(1, BAD, 1, &n));
    S("iovec buffer", __wasi_fd_write(1, &bad_buf, 1, &n));
    S("result pointer", __wasi_fd_write(2, &out, 0, BAD));
    S("args sizes", __wasi_args_sizes_get(BAD, &n));
    S("environ", __wasi_environ_get(BAD, BAD));
    S("clock result", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BAD));
    S("random buffer", __wasi_random_get(BAD, 64));
    S("path", raw_path_create_directory(3, BAD, 8));
    S("fdstat", __wasi_fd_fdstat_get(1, BAD));
    S("poll subscriptions", __wasi_poll_oneoff(BAD, BAD, 4, &n));
    puts("still running");
    return 0;
}
