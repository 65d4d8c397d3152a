/* Attempts to reach outside the preopened directory (descriptor 3), through the raw API
 * and through libc: `..`, absolute paths, symbolic links pointing out (made by the test
 * beforehand), links and renames out. Prints what each attempt returned; everything
 * outside must be refused. The lines match what wasmtime answers. */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <wasi/api.h>
#include "errname.h"

#define DIRFD 3
static void show(const char *what, __wasi_errno_t e) { printf("%-32s %s\n", what, errname(e)); }

static void try_open(const char *path, int follow) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(DIRFD, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, 0,
                                        __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    char label[64];
    snprintf(label, sizeof label, "open %s%s", path, follow ? "" : " (nofollow)");
    if (e == 0) {
        char buf[16] = {0};
        __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
        __wasi_size_t n = 0;
        (void)__wasi_fd_read(fd, &iov, 1, &n);
        buf[strcspn(buf, "\n")] = 0;
        printf("%-32s OK \"%s\"\n", label, buf);
        (void)__wasi_fd_close(fd);
    } else {
        show(label, e);
    }
}

int main(void) {
    try_open("inside.txt", 1);
    try_open("../outside.txt", 1);
    try_open("sub/../../outside.txt", 1);
    try_open("sub/../inside.txt", 1);
    try_open("/etc/passwd", 1);
    try_open("link_out", 1);
    try_open("link_out", 0);
    try_open("link_abs", 1);
    try_open("link_in", 1);
    try_open("sub/link_up", 1);
    try_open("loop1", 1);
    try_open("link_dir_out/outside.txt", 1);
    try_open("..", 1);
    try_open("sub/../..", 1);
    try_open("./sub/./../inside.txt", 1);
    try_open(".", 1);
    show("link inside.txt -> ../l.txt", __wasi_path_link(DIRFD, 0, "inside.txt", DIRFD, "../l.txt"));
    show("link ../outside.txt -> s.txt", __wasi_path_link(DIRFD, 0, "../outside.txt", DIRFD, "s.txt"));
    show("link follow link_out -> s2", __wasi_path_link(DIRFD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out", DIRFD, "s2.txt"));
    show("symlink /etc/passwd mylink", __wasi_path_symlink("/etc/passwd", DIRFD, "mylink"));
    show("symlink ../outside.txt mylink2", __wasi_path_symlink("../outside.txt", DIRFD, "mylink2"));
    try_open("mylink2", 1);
    show("rename inside.txt ../moved", __wasi_path_rename(DIRFD, "inside.txt", DIRFD, "../moved.txt"));
    __wasi_filestat_t st;
    show("stat ../outside.txt", __wasi_path_filestat_get(DIRFD, 0, "../outside.txt", &st));
    show("stat follow link_out", __wasi_path_filestat_get(DIRFD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out", &st));
    show("stat nofollow link_out", __wasi_path_filestat_get(DIRFD, 0, "link_out", &st));
    show("mkdir ../newdir", __wasi_path_create_directory(DIRFD, "../newdir"));
    show("unlink ../outside.txt", __wasi_path_unlink_file(DIRFD, "../outside.txt"));
    show("rmdir ..", __wasi_path_remove_directory(DIRFD, ".."));
    char buf[64]; __wasi_size_t used;
    show("readlink link_out", __wasi_path_readlink(DIRFD, "link_out", (uint8_t*)buf, sizeof buf, &used));
    FILE *f = fopen("/etc/passwd", "r");
    printf("%-32s %s\n", "fopen /etc/passwd", f ? "OK" : errname(errno));
    f = fopen("../outside.txt", "r");
    printf("%-32s %s\n", "fopen ../outside.txt", f ? "OK" : errname(errno));
    f = fopen("box/../outside.txt", "r");
    printf("%-32s %s\n", "fopen box/../outside.txt", f ? "OK" : errname(errno));
    return 0;
}
