/* Lists the preopened directories by the names the guest sees, then reads
 * /data/in.txt and writes /data/out.txt through them (run with --map-dir=/data::DIR). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include "errname.h"

int main(void) {
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t p;
        if (__wasi_fd_prestat_get(fd, &p) != 0)
            break;
        char name[256] = {0};
        (void)__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, p.u.dir.pr_name_len);
        printf("preopen %u: %s\n", fd, name);
    }
    FILE *in = fopen("/data/in.txt", "r");
    if (!in) {
        printf("open /data/in.txt: %s\n", errname(errno));
        return 1;
    }
    char line[128] = {0};
    fgets(line, sizeof line, in);
    fclose(in);
    printf("in.txt: %s", line);
    FILE *out = fopen("/data/out.txt", "w");
    fprintf(out, "copied: %s", line);
    fclose(out);
    printf("outside /data: %s\n", fopen("/etc/hostname", "r") ? "opened" : errname(errno));
    return 0;
}
