/* Exits with the code given as argv[1] through proc_exit, after output that libc must
 * flush on the way out (the last line has no newline). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int code = argc > 1 ? atoi(argv[1]) : 0;
    printf("exiting with %d\n", code);
    printf("no newline before exit");
    exit(code);
}
