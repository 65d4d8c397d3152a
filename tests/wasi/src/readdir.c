/* Directory listing: many entries (so wasi-libc needs several fd_readdir calls and must
 * continue from cookies), telldir/seekdir, rewinddir, and raw fd_readdir with a tiny
 * buffer. Output is sorted so it does not depend on the file system's order. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "errname.h"

#define N 120

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists `dir` and returns the number of entries; prints them sorted when `print`. */
static int list(DIR *d, int print) {
    char *names[N + 8];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < N + 8)
        names[n++] = strdup(e->d_name);
    qsort(names, n, sizeof names[0], cmp);
    for (int i = 0; i < n; i++) {
        if (print)
            printf("  %s\n", names[i]);
        free(names[i]);
    }
    return n;
}

int main(void) {
    mkdir("many", 0755);
    for (int i = 0; i < N; i++) {
        char path[96];
        snprintf(path, sizeof path, "many/entry-with-a-rather-long-name-%03d.txt", i);
        close(open(path, O_CREAT | O_WRONLY, 0644));
    }
    mkdir("many/subdir", 0755);

    DIR *d = opendir("many");
    printf("entries in many: %d\n", list(d, 0));
    rewinddir(d);
    printf("after rewinddir: %d\n", list(d, 0));
    closedir(d);

    /* telldir/seekdir: remember a position, read on, come back. */
    d = opendir("many");
    for (int i = 0; i < 50; i++)
        readdir(d);
    long pos = telldir(d);
    char first[64];
    strcpy(first, readdir(d)->d_name);
    for (int i = 0; i < 30; i++)
        readdir(d);
    seekdir(d, pos);
    printf("seekdir returns to the same entry: %s\n", strcmp(first, readdir(d)->d_name) == 0 ? "yes" : "no");
    closedir(d);

    /* The types wasi-libc reports. */
    d = opendir("many");
    int dirs = 0, regs = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        dirs += e->d_type == DT_DIR;
        regs += e->d_type == DT_REG;
    }
    closedir(d);
    printf("directories %d (., .., subdir), regular files %d\n", dirs, regs);

    /* Raw fd_readdir with a buffer that holds less than one entry, then cookies. */
    int fd = open("many", O_RDONLY | O_DIRECTORY);
    unsigned char buf[16];
    __wasi_size_t used = 0;
    __wasi_errno_t err = __wasi_fd_readdir(fd, buf, sizeof buf, 0, &used);
    printf("tiny buffer: %s used=%lu (full buffer means: try a bigger one)\n", errname(err), (unsigned long)used);
    __wasi_dircookie_t cookie = 0;
    int count = 0;
    unsigned char big[256];
    for (;;) {
        err = __wasi_fd_readdir(fd, big, sizeof big, cookie, &used);
        if (err || used == 0)
            break;
        size_t off = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t ent;
            memcpy(&ent, big + off, sizeof ent);
            if (off + sizeof ent + ent.d_namlen > used)
                break; /* cut entry: read it again from its cookie */
            cookie = ent.d_next;
            off += sizeof ent + ent.d_namlen;
            count++;
        }
        if (used < sizeof big)
            break;
    }
    printf("raw fd_readdir entries: %d (%s)\n", count, errname(err));
    printf("fd_readdir on a file: %s\n", errname(__wasi_fd_readdir(1, big, sizeof big, 0, &used)));
    close(fd);

    /* A small directory, printed. */
    mkdir("small", 0755);
    close(open("small/b.txt", O_CREAT | O_WRONLY, 0644));
    close(open("small/a.txt", O_CREAT | O_WRONLY, 0644));
    mkdir("small/c", 0755);
    d = opendir("small");
    printf("small:\n");
    list(d, 1);
    closedir(d);
    printf("opendir missing: %s\n", opendir("nope") ? "ok" : errname(errno));
    return 0;
}
