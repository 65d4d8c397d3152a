/* Writes a line (flushed to the host) and then traps: the line must reach stdout and
 * iwasm must report the trap and fail. */
#include <stdio.h>

int main(void) {
    printf("before the trap\n");
    fflush(stdout);
    __builtin_trap();
}
