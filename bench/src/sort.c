/* Quicksort and heapsort of a generated array; both results are verified. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define COUNT 700000u

static uint64_t rng_state = 0x853c49e6748fea9bull;

/* splitmix64: cheap, well-distributed and identical on every target. */
static uint32_t next_random(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 16);
}

static void insertion_sort(uint32_t *a, int32_t lo, int32_t hi)
{
    for (int32_t i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int32_t j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(uint32_t *a, int32_t i, int32_t j)
{
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Median-of-three Hoare quicksort; recursing into the smaller half keeps
 * the depth logarithmic, which matters with wasm's small default stack. */
static void quicksort(uint32_t *a, int32_t lo, int32_t hi)
{
    while (hi - lo > 16) {
        int32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        uint32_t pivot = a[mid];
        int32_t i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j)
                break;
            swap(a, i, j);
        }
        if (j - lo < hi - j) {
            quicksort(a, lo, j);
            lo = j + 1;
        } else {
            quicksort(a, j + 1, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

static void sift_down(uint32_t *a, uint32_t start, uint32_t n)
{
    uint32_t root = start;
    for (;;) {
        uint32_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child] < a[child + 1])
            child++;
        if (a[root] >= a[child])
            return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heapsort(uint32_t *a, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (uint32_t end = n; end-- > 1;) {
        uint32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

static int is_sorted(const uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

int main(void)
{
    uint32_t *a = malloc(sizeof(uint32_t) * COUNT);
    uint32_t *b = malloc(sizeof(uint32_t) * COUNT);
    if (!a || !b) {
        printf("out of memory\n");
        return 1;
    }
    uint32_t checksum = 0;
    for (int round = 0; round < 2; round++) {
        for (uint32_t i = 0; i < COUNT; i++)
            a[i] = b[i] = next_random() % (round == 0 ? 0xffffffffu : 1000u);
        quicksort(a, 0, (int32_t)COUNT - 1);
        heapsort(b, COUNT);
        if (!is_sorted(a, COUNT) || memcmp(a, b, sizeof(uint32_t) * COUNT) != 0) {
            printf("FAIL: round %d not sorted\n", round);
            return 1;
        }
        for (uint32_t i = 0; i < COUNT; i += 97)
            checksum = checksum * 31u + a[i];
        printf("round %d: min %u median %u max %u\n", round, (unsigned)a[0],
               (unsigned)a[COUNT / 2], (unsigned)a[COUNT - 1]);
    }
    printf("checksum: %08x\n", (unsigned)checksum);
    free(a);
    free(b);
    return 0;
}
