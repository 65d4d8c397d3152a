/* Prints its arguments and its whole environment: the guest must see exactly what
 * iwasm was given (argv[0] is the module name; nothing of the host's environment). */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    int n = 0;
    for (char **e = environ; *e; e++, n++)
        printf("env: %s\n", *e);
    printf("envc=%d\n", n);
    const char *home = getenv("HOME");
    printf("HOME %s\n", home ? "leaked" : "absent");
    return 0;
}
