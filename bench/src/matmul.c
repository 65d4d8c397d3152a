/* Dense double-precision matrix multiply (i-k-j loop order). */
#include <stdio.h>
#include <stdlib.h>

#define N 500

int main(void)
{
    double *a = malloc(sizeof(double) * N * N);
    double *b = malloc(sizeof(double) * N * N);
    double *c = malloc(sizeof(double) * N * N);
    if (!a || !b || !c) {
        printf("out of memory\n");
        return 1;
    }
    /* Small dyadic fractions keep every product exact, so the result does
     * not depend on libm or printf rounding differences between libcs. */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i * N + j] = (double)((i * 7 + j * 3) % 17 - 8) / 8.0;
            b[i * N + j] = (double)((i * 5 + j * 11) % 13 - 6) / 4.0;
            c[i * N + j] = 0.0;
        }
    for (int rep = 0; rep < 9; rep++) {
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = a[i * N + k];
                for (int j = 0; j < N; j++)
                    c[i * N + j] += aik * b[k * N + j];
            }
    }
    double sum = 0.0, trace = 0.0;
    for (int i = 0; i < N; i++) {
        trace += c[i * N + i];
        for (int j = 0; j < N; j++)
            sum += c[i * N + j] * (double)((i + j) % 5 + 1);
    }
    printf("trace = %.5f\n", trace);
    printf("checksum: %.5f\n", sum);
    free(a);
    free(b);
    free(c);
    return 0;
}
