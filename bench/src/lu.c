/* LU decomposition with partial pivoting, then a forward/back solve. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <math.h>

#define N 700
#define MATRICES 6

static uint32_t rng_state = 12345u;

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* Returns the number of row swaps, or -1 for a singular matrix. */
static int lu_decompose(double *a, int *perm)
{
    int swaps = 0;
    for (int i = 0; i < N; i++)
        perm[i] = i;
    for (int k = 0; k < N; k++) {
        int p = k;
        double best = fabs(a[k * N + k]);
        for (int i = k + 1; i < N; i++) {
            double v = fabs(a[i * N + k]);
            if (v > best) {
                best = v;
                p = i;
            }
        }
        if (best == 0.0)
            return -1;
        if (p != k) {
            for (int j = 0; j < N; j++) {
                double t = a[k * N + j];
                a[k * N + j] = a[p * N + j];
                a[p * N + j] = t;
            }
            int t = perm[k];
            perm[k] = perm[p];
            perm[p] = t;
            swaps++;
        }
        double pivot = a[k * N + k];
        for (int i = k + 1; i < N; i++) {
            double f = a[i * N + k] / pivot;
            a[i * N + k] = f;
            for (int j = k + 1; j < N; j++)
                a[i * N + j] -= f * a[k * N + j];
        }
    }
    return swaps;
}

static void lu_solve(const double *lu, const int *perm, const double *b, double *x)
{
    for (int i = 0; i < N; i++) {
        double s = b[perm[i]];
        for (int j = 0; j < i; j++)
            s -= lu[i * N + j] * x[j];
        x[i] = s;
    }
    for (int i = N - 1; i >= 0; i--) {
        double s = x[i];
        for (int j = i + 1; j < N; j++)
            s -= lu[i * N + j] * x[j];
        x[i] = s / lu[i * N + i];
    }
}

int main(void)
{
    double *a = malloc(sizeof(double) * N * N);
    double *orig = malloc(sizeof(double) * N * N);
    double *b = malloc(sizeof(double) * N);
    double *x = malloc(sizeof(double) * N);
    int *perm = malloc(sizeof(int) * N);
    if (!a || !orig || !b || !x || !perm) {
        printf("out of memory\n");
        return 1;
    }
    double checksum = 0.0, worst = 0.0;
    int total_swaps = 0;
    for (int m = 0; m < MATRICES; m++) {
        for (int i = 0; i < N * N; i++)
            orig[i] = a[i] = (double)(int32_t)(xorshift32() % 2001u) / 1000.0 - 1.0;
        /* b = A * 1, so the exact solution is the all-ones vector. */
        for (int i = 0; i < N; i++) {
            double s = 0.0;
            for (int j = 0; j < N; j++)
                s += orig[i * N + j];
            b[i] = s;
        }
        int swaps = lu_decompose(a, perm);
        if (swaps < 0) {
            printf("singular matrix\n");
            return 1;
        }
        total_swaps += swaps;
        lu_solve(a, perm, b, x);
        for (int i = 0; i < N; i++) {
            double err = fabs(x[i] - 1.0);
            if (err > worst)
                worst = err;
        }
        for (int i = 0; i < N; i++)
            checksum += a[i * N + i] * (double)(i % 7 + 1);
    }
    if (worst > 1e-6) {
        printf("FAIL: solution error %g\n", worst);
        return 1;
    }
    printf("row swaps = %d, solution ok\n", total_swaps);
    printf("checksum: %.6e\n", checksum);
    free(a);
    free(orig);
    free(b);
    free(x);
    free(perm);
    return 0;
}
