/* poll_oneoff: sleeping on relative and absolute clocks, several clocks at once, and
 * readiness of stdin (a pipe with data) and stdout. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include "errname.h"

static __wasi_timestamp_t mono(void) {
    __wasi_timestamp_t t;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

#define MS 1000000ull

int main(void) {
    __wasi_timestamp_t t0 = mono();
    struct timespec ts = {0, 50 * MS};
    nanosleep(&ts, NULL);
    __wasi_timestamp_t slept = mono() - t0;
    printf("nanosleep 50ms: %s\n", slept >= 50 * MS && slept < 2000 * MS ? "ok" : "wrong");

    /* Two clocks: the earlier one fires alone. */
    __wasi_subscription_t subs[3];
    __wasi_event_t events[3];
    __wasi_size_t n = 0;
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 1;
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[0].u.u.clock.timeout = 200 * MS;
    subs[1].userdata = 2;
    subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[1].u.u.clock.timeout = 20 * MS;
    t0 = mono();
    __wasi_errno_t e = __wasi_poll_oneoff(subs, events, 2, &n);
    slept = mono() - t0;
    printf("two clocks: %s n=%lu userdata=%llu type=%d in time: %s\n", errname(e), (unsigned long)n,
           (unsigned long long)events[0].userdata, events[0].type,
           slept >= 20 * MS && slept < 200 * MS ? "yes" : "no");

    /* An absolute deadline 30ms from now. */
    subs[0].userdata = 3;
    subs[0].u.u.clock.timeout = mono() + 30 * MS;
    subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    t0 = mono();
    e = __wasi_poll_oneoff(subs, events, 1, &n);
    slept = mono() - t0;
    printf("absolute clock: %s n=%lu userdata=%llu waited: %s\n", errname(e), (unsigned long)n,
           (unsigned long long)events[0].userdata, slept >= 25 * MS ? "yes" : "no");
    /* A deadline in the past fires at once. */
    subs[0].u.u.clock.timeout = 1;
    e = __wasi_poll_oneoff(subs, events, 1, &n);
    printf("past deadline: %s n=%lu\n", errname(e), (unsigned long)n);

    /* stdin has data (the test pipes some in): ready for reading before a long clock. */
    subs[0].userdata = 10;
    subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[0].u.u.fd_read.file_descriptor = 0;
    subs[1].userdata = 11;
    subs[1].u.u.clock.timeout = 5000 * MS;
    t0 = mono();
    e = __wasi_poll_oneoff(subs, events, 2, &n);
    printf("stdin readable: %s n=%lu userdata=%llu type=%d error=%d quick: %s\n", errname(e),
           (unsigned long)n, (unsigned long long)events[0].userdata, events[0].type, events[0].error,
           mono() - t0 < 2000 * MS ? "yes" : "no");

    subs[0].userdata = 20;
    subs[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[0].u.u.fd_write.file_descriptor = 1;
    e = __wasi_poll_oneoff(subs, events, 1, &n);
    printf("stdout writable: %s n=%lu userdata=%llu type=%d\n", errname(e), (unsigned long)n,
           (unsigned long long)events[0].userdata, events[0].type);

    subs[0].u.u.fd_write.file_descriptor = 77;
    printf("unknown fd: %s\n", errname(__wasi_poll_oneoff(subs, events, 1, &n)));
    printf("no subscriptions: %s\n", errname(__wasi_poll_oneoff(subs, events, 0, &n)));

    /* libc's poll() and the data itself. */
    struct pollfd p = {.fd = 0, .events = POLLIN};
    printf("poll(): %d revents has POLLIN: %s\n", poll(&p, 1, 1000), (p.revents & POLLIN) ? "yes" : "no");
    char line[64] = {0};
    fgets(line, sizeof line, stdin);
    printf("stdin said: %s", line);
    return 0;
}
