/* Clocks: realtime is today, monotonic never goes back, resolutions are sane, and the
 * CPU-time clocks advance while the guest computes. */
#include <stdio.h>
#include <time.h>
#include <wasi/api.h>
#include "errname.h"

static __wasi_timestamp_t now(__wasi_clockid_t id, __wasi_errno_t *err) {
    __wasi_timestamp_t t = 0;
    *err = __wasi_clock_time_get(id, 1, &t);
    return t;
}

static volatile unsigned sink;

static void busy(void) {
    for (unsigned i = 0; i < 200000; i++)
        sink += i * i;
}

int main(void) {
    __wasi_errno_t e;
    __wasi_timestamp_t real = now(__WASI_CLOCKID_REALTIME, &e);
    /* 2020-01-01 in nanoseconds since the epoch. */
    printf("realtime %s after 2020: %s\n", errname(e), real > 1577836800ull * 1000000000ull ? "yes" : "no");

    __wasi_timestamp_t m1 = now(__WASI_CLOCKID_MONOTONIC, &e);
    busy();
    __wasi_timestamp_t m2 = now(__WASI_CLOCKID_MONOTONIC, &e);
    printf("monotonic %s advances: %s\n", errname(e), m2 > m1 ? "yes" : "no");

    const __wasi_clockid_t ids[] = {__WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC};
    for (int i = 0; i < 2; i++) {
        __wasi_timestamp_t res = 0;
        e = __wasi_clock_res_get(ids[i], &res);
        printf("res %d %s in (0, 1ms]: %s\n", i, errname(e), res > 0 && res <= 1000000 ? "yes" : "no");
    }

    /* CPU time (wasmtime answers EBADF for these; mote reads the host's clocks). */
    const __wasi_clockid_t cpu[] = {__WASI_CLOCKID_PROCESS_CPUTIME_ID, __WASI_CLOCKID_THREAD_CPUTIME_ID};
    for (int i = 0; i < 2; i++) {
        __wasi_timestamp_t c1 = now(cpu[i], &e);
        busy();
        __wasi_timestamp_t c2 = now(cpu[i], &e);
        printf("cputime %d %s advances: %s\n", i, errname(e), c2 > c1 ? "yes" : "no");
    }

    /* Through libc, as programs use it. */
    struct timespec ts;
    printf("clock_gettime: %d\n", clock_gettime(CLOCK_MONOTONIC, &ts));
    printf("time() after 2020: %s\n", time(NULL) > 1577836800 ? "yes" : "no");
    return 0;
}
