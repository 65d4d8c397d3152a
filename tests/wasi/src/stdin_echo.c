/* Copies stdin to stdout, then reports how many lines and bytes it saw. */
#include <stdio.h>

int main(void) {
    char buf[256];
    size_t n, bytes = 0, lines = 0;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        for (size_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
        fwrite(buf, 1, n, stdout);
        bytes += n;
    }
    printf("-- %zu lines, %zu bytes\n", lines, bytes);
    return 0;
}
