/* random_get fills buffers with bytes that are not all zero and differ between calls. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "errname.h"

int main(void) {
    unsigned char a[64], b[64], zero[64] = {0};
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    __wasi_errno_t e1 = __wasi_random_get(a, sizeof a);
    __wasi_errno_t e2 = __wasi_random_get(b, sizeof b);
    printf("random_get %s %s\n", errname(e1), errname(e2));
    printf("nonzero: %s\n", memcmp(a, zero, sizeof a) ? "yes" : "no");
    printf("different: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
    printf("empty buffer: %s\n", errname(__wasi_random_get(a, 0)));
    static unsigned char big[100000];
    printf("large buffer: %s\n", errname(__wasi_random_get(big, sizeof big)));
    printf("getentropy: %d\n", getentropy(a, 32));
    return 0;
}
