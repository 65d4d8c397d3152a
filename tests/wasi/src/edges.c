/* Edge cases of the raw WASI API, each printed with its errno; every line matches what
 * wasmtime answers unless the test says otherwise. Arguments pick the groups (all
 * three without arguments):
 * - "paths": a trailing slash on path_link, path_symlink, path_rename (and the other
 *   path calls), with the source a file, a directory, a link or nothing. Needs the
 *   preopened directory 3 holding `f.txt` and `g.txt` (files) and `sub/` (empty).
 * - "dirs": calls that need a regular file, on directory descriptors (an opened
 *   subdirectory and the preopen itself), next to the same calls on files. Needs the
 *   same preopen (run after "paths", which leaves it as it found it).
 * - "stdio": the same calls on the standard streams, which are streams, not files. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include "errname.h"

#define S(label, x) printf("%-40s %s\n", label, errname(x))

#define LINK(from, to) __wasi_path_link(3, 0, from, 3, to)
#define SYMLINK(target, to) __wasi_path_symlink(target, 3, to)
#define RENAME(from, to) __wasi_path_rename(3, from, 3, to)

/* What `path` is, not following a link in its last component. */
static const char *kind(const char *path) {
    __wasi_filestat_t st;
    if (__wasi_path_filestat_get(3, 0, path, &st) != 0)
        return "absent";
    switch (st.filetype) {
    case __WASI_FILETYPE_DIRECTORY: return "dir";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "link";
    default: return "other";
    }
}

static void show(const char *names) {
    char buf[128];
    strncpy(buf, names, sizeof buf - 1);
    buf[sizeof buf - 1] = 0;
    printf(" ");
    for (char *name = strtok(buf, " "); name; name = strtok(NULL, " "))
        printf(" %s=%s", name, kind(name));
    printf("\n");
}

static void paths(void) {
    /* Links to a directory, to a file, to nothing; and an empty directory. */
    S("setup: symlink ldir -> sub", SYMLINK("sub", "ldir"));
    S("setup: symlink lfile -> f.txt", SYMLINK("f.txt", "lfile"));
    S("setup: symlink ldangle -> nowhere", SYMLINK("nowhere", "ldangle"));
    S("setup: mkdir empty", __wasi_path_create_directory(3, "empty"));

    S("link f.txt new/", LINK("f.txt", "new/"));
    S("link f.txt g.txt/", LINK("f.txt", "g.txt/"));
    S("link f.txt sub/", LINK("f.txt", "sub/"));
    S("link f.txt sub//", LINK("f.txt", "sub//"));
    S("link f.txt sub/.", LINK("f.txt", "sub/."));
    S("link f.txt ldir/", LINK("f.txt", "ldir/"));
    S("link f.txt lfile/", LINK("f.txt", "lfile/"));
    S("link f.txt ldangle/", LINK("f.txt", "ldangle/"));
    S("link f.txt f.txt/", LINK("f.txt", "f.txt/"));
    S("link f.txt sub/x/", LINK("f.txt", "sub/x/"));
    S("link missing new/", LINK("missing", "new/"));
    S("link missing g.txt/", LINK("missing", "g.txt/"));
    S("link missing sub/", LINK("missing", "sub/"));
    S("link f.txt/ new", LINK("f.txt/", "new"));
    S("link f.txt/ new/", LINK("f.txt/", "new/"));
    S("link lfile/ new", LINK("lfile/", "new"));
    S("link sub new/", LINK("sub", "new/"));
    S("link sub/ new", LINK("sub/", "new"));
    S("link ldir/ new", LINK("ldir/", "new"));
    show("new nowhere sub/x");

    S("symlink f.txt new/", SYMLINK("f.txt", "new/"));
    S("symlink sub new/", SYMLINK("sub", "new/"));
    S("symlink missing new/", SYMLINK("missing", "new/"));
    S("symlink f.txt g.txt/", SYMLINK("f.txt", "g.txt/"));
    S("symlink f.txt sub/", SYMLINK("f.txt", "sub/"));
    S("symlink f.txt ldir/", SYMLINK("f.txt", "ldir/"));
    S("symlink f.txt lfile/", SYMLINK("f.txt", "lfile/"));
    S("symlink f.txt ldangle/", SYMLINK("f.txt", "ldangle/"));
    S("symlink x/ new (the text may end in /)", SYMLINK("x/", "new"));
    S("unlink new", __wasi_path_unlink_file(3, "new"));
    show("new nowhere");

    S("rename f.txt new/", RENAME("f.txt", "new/"));
    S("rename f.txt g.txt/", RENAME("f.txt", "g.txt/"));
    S("rename f.txt sub/", RENAME("f.txt", "sub/"));
    S("rename f.txt ldir/", RENAME("f.txt", "ldir/"));
    S("rename f.txt lfile/", RENAME("f.txt", "lfile/"));
    S("rename f.txt ldangle/", RENAME("f.txt", "ldangle/"));
    S("rename f.txt f.txt/", RENAME("f.txt", "f.txt/"));
    S("rename f.txt/ new", RENAME("f.txt/", "new"));
    S("rename lfile new/", RENAME("lfile", "new/"));
    S("rename lfile/ new", RENAME("lfile/", "new"));
    S("rename ldir/ new", RENAME("ldir/", "new"));
    S("rename missing new/", RENAME("missing", "new/"));
    S("rename missing g.txt/", RENAME("missing", "g.txt/"));
    S("rename f.txt nope/x/", RENAME("f.txt", "nope/x/"));
    S("rename empty g.txt/", RENAME("empty", "g.txt/"));
    S("rename empty ldir/", RENAME("empty", "ldir/"));
    S("rename empty ldangle/", RENAME("empty", "ldangle/"));
    S("rename empty new/", RENAME("empty", "new/"));
    S("rename new/ empty", RENAME("new/", "empty"));
    S("rename empty// new//", RENAME("empty//", "new//"));
    S("rename new/ sub/ (sub is empty)", RENAME("new/", "sub/"));
    S("mkdir sub", __wasi_path_create_directory(3, "sub"));
    show("f.txt g.txt new empty sub lfile ldir");

    /* The other path calls read `name/` as POSIX does. */
    S("mkdir new/", __wasi_path_create_directory(3, "new/"));
    S("mkdir ldangle/", __wasi_path_create_directory(3, "ldangle/"));
    S("mkdir f.txt/", __wasi_path_create_directory(3, "f.txt/"));
    S("rmdir new/", __wasi_path_remove_directory(3, "new/"));
    S("rmdir ldir/", __wasi_path_remove_directory(3, "ldir/"));
    S("rmdir lfile/", __wasi_path_remove_directory(3, "lfile/"));
    S("unlink sub/", __wasi_path_unlink_file(3, "sub/"));
    S("unlink ldir/", __wasi_path_unlink_file(3, "ldir/"));
    S("unlink lfile/", __wasi_path_unlink_file(3, "lfile/"));
    S("unlink ldangle/", __wasi_path_unlink_file(3, "ldangle/"));
    char buf[32];
    __wasi_size_t n;
    S("readlink lfile/", __wasi_path_readlink(3, "lfile/", (uint8_t *)buf, sizeof buf, &n));
    S("readlink ldir/", __wasi_path_readlink(3, "ldir/", (uint8_t *)buf, sizeof buf, &n));
    S("set times lfile/", __wasi_path_filestat_set_times(3, 0, "lfile/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    S("set times ldir/", __wasi_path_filestat_set_times(3, 0, "ldir/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    __wasi_filestat_t st = {0};
    S("stat f.txt/ (not following)", __wasi_path_filestat_get(3, 0, "f.txt/", &st));
    S("stat ldir/ (not following)", __wasi_path_filestat_get(3, 0, "ldir/", &st));
    printf("  ldir/ is a directory: %s\n", st.filetype == __WASI_FILETYPE_DIRECTORY ? "yes" : "no");
    __wasi_fd_t fd;
    const __wasi_rights_t R = __WASI_RIGHTS_FD_READ;
    S("open ldir/", __wasi_path_open(3, 0, "ldir/", 0, R, 0, 0, &fd));
    S("open lfile/", __wasi_path_open(3, 0, "lfile/", 0, R, 0, 0, &fd));
    S("open creat new.txt/", __wasi_path_open(3, 0, "new.txt/", __WASI_OFLAGS_CREAT, R, 0, 0, &fd));
    S("open creat f.txt/", __wasi_path_open(3, 0, "f.txt/", __WASI_OFLAGS_CREAT, R, 0, 0, &fd));
    S("open creat excl sub/", __wasi_path_open(3, 0, "sub/", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R, 0, 0, &fd));
    S("open creat excl sub/./", __wasi_path_open(3, 0, "sub/./", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R, 0, 0, &fd));
    S("open creat nope/x/", __wasi_path_open(3, 0, "nope/x/", __WASI_OFLAGS_CREAT, R, 0, 0, &fd));
    S("open creat|directory new.txt/.", __wasi_path_open(3, 0, "new.txt/.", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, R, 0, 0, &fd));
    S("open creat|directory ../x", __wasi_path_open(3, 0, "../x", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, R, 0, 0, &fd));
    show("new.txt nowhere");

    /* Gone already where `rmdir new/` removed it (see the test). */
    __wasi_path_remove_directory(3, "new");
    S("cleanup", __wasi_path_unlink_file(3, "ldir") | __wasi_path_unlink_file(3, "lfile") |
                     __wasi_path_unlink_file(3, "ldangle"));
}

/* Every call that reads, writes, positions or changes a file, on descriptor `fd`. */
static void file_calls(const char *what, __wasi_fd_t fd) {
    char buf[8] = "abc";
    char label[64];
    __wasi_ciovec_t out = {(const uint8_t *)buf, 3}, out0 = {(const uint8_t *)buf, 0};
    __wasi_iovec_t in = {(uint8_t *)buf, 3}, in0 = {(uint8_t *)buf, 0};
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_filestat_t st;
#define C(name, x) (snprintf(label, sizeof label, "%s %s", name, what), S(label, x))
    if (fd != 0) /* Nothing is read from stdin: that would wait for input. */
        C("fd_read", __wasi_fd_read(fd, &in, 1, &n));
    if (fd != 0) /* wasmtime answers EINTR for an empty read of stdin. */
        C("fd_read nothing", __wasi_fd_read(fd, &in0, 1, &n));
    if (fd != 1 && fd != 2) /* A write to stdout or stderr would show. */
        C("fd_write", __wasi_fd_write(fd, &out, 1, &n));
    C("fd_write nothing", __wasi_fd_write(fd, &out0, 1, &n));
    C("fd_pread", __wasi_fd_pread(fd, &in, 1, 0, &n));
    C("fd_pread nothing", __wasi_fd_pread(fd, &in0, 1, 0, &n));
    C("fd_pwrite", __wasi_fd_pwrite(fd, &out, 1, 0, &n));
    C("fd_pwrite nothing", __wasi_fd_pwrite(fd, &out0, 1, 0, &n));
    C("fd_seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos));
    C("fd_tell", __wasi_fd_tell(fd, &pos));
    C("fd_allocate", __wasi_fd_allocate(fd, 0, 16));
    C("fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 3));
    C("fd_advise", __wasi_fd_advise(fd, 0, 16, __WASI_ADVICE_NORMAL));
    C("fd_sync", __wasi_fd_sync(fd));
    C("fd_datasync", __wasi_fd_datasync(fd));
    C("fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(fd, 0));
    C("fd_fdstat_set_flags nonblock", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
    C("fd_fdstat_set_flags sync", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    C("fd_fdstat_set_flags 0 again", __wasi_fd_fdstat_set_flags(fd, 0));
    C("fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    C("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
    C("fd_readdir", __wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &n));
#undef C
}

static void dirs(void) {
    const __wasi_rights_t ALL = ((__wasi_rights_t)1 << 29) - 1; /* every right there is */
    /* A directory asked for writing rights is EISDIR. */
    const __wasi_rights_t DIR = ALL & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |
                                                          __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
    __wasi_fd_t d, rw, ro, wo;
    S("open sub", __wasi_path_open(3, 0, "sub", __WASI_OFLAGS_DIRECTORY, DIR, ALL, 0, &d));
    S("open g.txt read-write", __wasi_path_open(3, 0, "g.txt", 0, ALL, ALL, 0, &rw));
    S("open g.txt read-only", __wasi_path_open(3, 0, "g.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &ro));
    S("open g.txt write-only", __wasi_path_open(3, 0, "g.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &wo));
    file_calls("dir", d);
    file_calls("preopen", 3);
    file_calls("file", rw);
    file_calls("read-only", ro);
    file_calls("write-only", wo);
}

static void stdio(void) {
    file_calls("stdin", 0);
    file_calls("stdout", 1);
    file_calls("stderr", 2);
}

static void run(const char *group) {
    if (!strcmp(group, "paths"))
        paths();
    else if (!strcmp(group, "dirs"))
        dirs();
    else if (!strcmp(group, "stdio"))
        stdio();
    else
        printf("unknown group %s\n", group);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        run("paths");
        run("dirs");
        run("stdio");
    }
    for (int i = 1; i < argc; i++)
        run(argv[i]);
    return 0;
}
