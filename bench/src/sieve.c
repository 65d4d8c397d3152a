/* Sieve of Eratosthenes over a byte array, repeated. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define LIMIT 8000000u
#define ROUNDS 9

int main(void)
{
    uint8_t *composite = malloc(LIMIT + 1);
    if (!composite) {
        printf("out of memory\n");
        return 1;
    }
    uint32_t count = 0, sum = 0;
    for (int round = 0; round < ROUNDS; round++) {
        memset(composite, 0, LIMIT + 1);
        count = 0;
        sum = 0;
        for (uint32_t i = 2; i <= LIMIT; i++) {
            if (composite[i])
                continue;
            count++;
            sum += i * (uint32_t)(round + 1);
            if ((uint64_t)i * i <= LIMIT)
                for (uint32_t j = i * i; j <= LIMIT; j += i)
                    composite[j] = 1;
        }
    }
    printf("primes below %u: %u\n", LIMIT, (unsigned)count);
    printf("checksum: %08x\n", (unsigned)sum);
    free(composite);
    return 0;
}
