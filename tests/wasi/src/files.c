/* Files in the preopened current directory: create, write, read, seek, pread/pwrite,
 * truncate, append, rename, unlink, directories, symbolic and hard links, times, sync.
 * The test then checks what is left on the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errname.h"

#define CHECK(what, expr) printf("%-28s %s\n", what, (expr) == 0 ? "ok" : errname(errno))

static long size_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void show_file(const char *path) {
    char buf[128] = {0};
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("%s: %s\n", path, errname(errno));
        return;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\n')
            buf[i] = '|';
        else if (buf[i] == 0)
            buf[i] = '0';
    printf("%s: \"%s\"\n", path, buf);
}

int main(void) {
    FILE *f = fopen("data.txt", "w");
    for (int i = 0; i < 3; i++)
        fputs("hello world\n", f);
    fclose(f);
    printf("size after write: %ld\n", size_of("data.txt"));

    int fd = open("data.txt", O_RDWR);
    char buf[32] = {0};
    lseek(fd, 6, SEEK_SET);
    read(fd, buf, 5);
    printf("read at 6: %s\n", buf);
    printf("seek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
    printf("seek cur -6: %ld\n", (long)lseek(fd, -6, SEEK_CUR));
    printf("seek before start: %ld %s\n", (long)lseek(fd, -100, SEEK_CUR), errname(errno));
    pwrite(fd, "HELLO", 5, 0);
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 11, 0);
    printf("pread after pwrite: %s\n", buf);
    printf("position after pread: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    CHECK("ftruncate 12", ftruncate(fd, 12));
    printf("size after truncate: %ld\n", size_of("data.txt"));
    CHECK("ftruncate 16", ftruncate(fd, 16));
    CHECK("fsync", fsync(fd));
    CHECK("fdatasync", fdatasync(fd));
    printf("posix_fadvise: %s\n", errname(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)));
    printf("posix_fallocate: %s\n", errname(posix_fallocate(fd, 0, 100)));
    close(fd);
    show_file("data.txt");

    fd = open("data.txt", O_WRONLY | O_APPEND);
    printf("append flag: %s\n", (fcntl(fd, F_GETFL) & O_APPEND) ? "set" : "clear");
    write(fd, "tail\n", 5);
    close(fd);
    printf("size after append: %ld\n", size_of("data.txt"));

    printf("exclusive create: %d %s\n", open("data.txt", O_WRONLY | O_CREAT | O_EXCL, 0644), errname(errno));
    printf("open missing: %d %s\n", open("missing.txt", O_RDONLY), errname(errno));

    CHECK("rename", rename("data.txt", "renamed.txt"));
    printf("old name: %ld %s\n", size_of("data.txt"), errname(errno));
    show_file("renamed.txt");

    CHECK("mkdir dir", mkdir("dir", 0755));
    printf("mkdir again: %d %s\n", mkdir("dir", 0755), errname(errno));
    f = fopen("dir/inner.txt", "w");
    fputs("inner\n", f);
    fclose(f);
    printf("rmdir non-empty: %d %s\n", rmdir("dir"), errname(errno));
    printf("unlink a directory: %d %s\n", unlink("dir"), errname(errno));
    CHECK("rename into dir", rename("dir/inner.txt", "dir/moved.txt"));
    show_file("dir/moved.txt");
    CHECK("unlink dir/moved.txt", unlink("dir/moved.txt"));
    CHECK("rmdir dir", rmdir("dir"));

    CHECK("symlink", symlink("renamed.txt", "link.txt"));
    memset(buf, 0, sizeof buf);
    printf("readlink: %ld %s\n", (long)readlink("link.txt", buf, sizeof buf), buf);
    show_file("link.txt");
    struct stat st;
    lstat("link.txt", &st);
    printf("lstat is link: %s\n", S_ISLNK(st.st_mode) ? "yes" : "no");
    stat("link.txt", &st);
    printf("stat is regular: %s\n", S_ISREG(st.st_mode) ? "yes" : "no");

    CHECK("link", link("renamed.txt", "hard.txt"));
    stat("renamed.txt", &st);
    printf("nlink: %ld\n", (long)st.st_nlink);

    struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
    CHECK("utimensat", utimensat(AT_FDCWD, "renamed.txt", times, 0));
    stat("renamed.txt", &st);
    printf("mtime: %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    printf("atime: %lld\n", (long long)st.st_atim.tv_sec);
    fd = open("renamed.txt", O_RDONLY);
    struct timespec later[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
    CHECK("futimens", futimens(fd, later));
    fstat(fd, &st);
    printf("mtime after futimens: %lld, atime kept: %lld\n", (long long)st.st_mtim.tv_sec,
           (long long)st.st_atim.tv_sec);
    close(fd);

    f = fopen("gone.txt", "w");
    fclose(f);
    CHECK("unlink gone.txt", unlink("gone.txt"));
    printf("unlink again: %d %s\n", unlink("gone.txt"), errname(errno));

    f = fopen("keep.txt", "w");
    fputs("kept\n", f);
    fclose(f);
    return 0;
}
