/* Recursive Fibonacci: stresses calls/returns and the operand stack. */
#include <stdio.h>
#include <stdint.h>

static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    uint32_t sum = 0;
    /* Several arguments so the compiler cannot fold one constant call. */
    for (uint32_t n = 20; n <= 38; n++) {
        uint32_t f = fib(n);
        sum = sum * 31u + f;
    }
    printf("fib(30) = %u\n", (unsigned)fib(30));
    printf("checksum: %08x\n", (unsigned)sum);
    return 0;
}
