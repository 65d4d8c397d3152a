/* LZ77 compressor (hash chains) and decompressor, verified by round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define INPUT_SIZE (10u << 20)
#define WINDOW 32768u
#define HASH_BITS 15
#define MIN_MATCH 3
#define MAX_MATCH 258
#define MAX_CHAIN 24
#define VOCAB 600

static uint32_t rng_state = 2463534242u;

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* Text-like input: words from a skewed vocabulary, so there is real
 * redundancy for the matcher to find but it is not trivially repetitive. */
static void generate_input(uint8_t *out, uint32_t size)
{
    static char words[VOCAB][12];
    for (int w = 0; w < VOCAB; w++) {
        int len = 2 + (int)(xorshift32() % 9);
        for (int i = 0; i < len; i++)
            words[w][i] = (char)('a' + xorshift32() % 26);
        words[w][len] = 0;
    }
    uint32_t pos = 0;
    while (pos < size) {
        uint32_t r = xorshift32();
        /* Squaring the index favours the first words, like natural text. */
        uint32_t idx = (uint32_t)((uint64_t)(r % 1000) * (r % 1000) * VOCAB / 1000000u);
        const char *w = words[idx];
        for (const char *c = w; *c && pos < size; c++)
            out[pos++] = (uint8_t)*c;
        if (pos < size)
            out[pos++] = (r >> 20) % 13 == 0 ? '\n' : ' ';
    }
}

static uint32_t hash3(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Format: a flag byte announces 8 tokens (bit set = match); a literal is
 * one byte, a match is offset (2 bytes, little endian) + length-3 (1 byte). */
static uint32_t compress(const uint8_t *in, uint32_t n, uint8_t *out)
{
    int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
    int32_t *prev = malloc(sizeof(int32_t) * WINDOW);
    for (uint32_t i = 0; i < (1u << HASH_BITS); i++)
        head[i] = -1;
    uint32_t op = 0, flag_pos = 0, ntok = 0;
    uint32_t i = 0;
    while (i < n) {
        if (ntok % 8 == 0) {
            flag_pos = op;
            out[op++] = 0;
        }
        uint32_t best_len = 0, best_off = 0;
        if (i + MIN_MATCH <= n) {
            uint32_t h = hash3(in + i);
            int32_t cand = head[h];
            int chain = MAX_CHAIN;
            uint32_t limit = n - i < MAX_MATCH ? n - i : MAX_MATCH;
            while (cand >= 0 && i - (uint32_t)cand <= WINDOW - 1 && chain-- > 0) {
                const uint8_t *a = in + cand, *b = in + i;
                if (a[best_len] == b[best_len]) {
                    uint32_t len = 0;
                    while (len < limit && a[len] == b[len])
                        len++;
                    if (len > best_len) {
                        best_len = len;
                        best_off = i - (uint32_t)cand;
                        if (len == limit)
                            break;
                    }
                }
                cand = prev[cand % WINDOW];
            }
        }
        if (best_len >= MIN_MATCH) {
            out[flag_pos] |= (uint8_t)(1u << (ntok % 8));
            out[op++] = (uint8_t)best_off;
            out[op++] = (uint8_t)(best_off >> 8);
            out[op++] = (uint8_t)(best_len - MIN_MATCH);
        } else {
            best_len = 1;
            out[op++] = in[i];
        }
        for (uint32_t k = 0; k < best_len; k++, i++) {
            if (i + MIN_MATCH <= n) {
                uint32_t h = hash3(in + i);
                prev[i % WINDOW] = head[h];
                head[h] = (int32_t)i;
            }
        }
        ntok++;
    }
    free(head);
    free(prev);
    return op;
}

/* Returns the decompressed size, or 0 on a malformed stream. */
static uint32_t decompress(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap)
{
    uint32_t ip = 0, op = 0;
    while (ip < n) {
        uint8_t flags = in[ip++];
        for (int t = 0; t < 8 && ip < n; t++) {
            if (flags & (1u << t)) {
                if (ip + 3 > n)
                    return 0;
                uint32_t off = in[ip] | (uint32_t)in[ip + 1] << 8;
                uint32_t len = in[ip + 2] + MIN_MATCH;
                ip += 3;
                if (off == 0 || off > op || op + len > cap)
                    return 0;
                for (uint32_t k = 0; k < len; k++, op++)
                    out[op] = out[op - off];
            } else {
                if (op >= cap)
                    return 0;
                out[op++] = in[ip++];
            }
        }
    }
    return op;
}

int main(void)
{
    uint8_t *input = malloc(INPUT_SIZE);
    /* Worst case: one flag byte per 8 literals. */
    uint8_t *packed = malloc(INPUT_SIZE + INPUT_SIZE / 8 + 16);
    uint8_t *output = malloc(INPUT_SIZE);
    if (!input || !packed || !output) {
        printf("out of memory\n");
        return 1;
    }
    generate_input(input, INPUT_SIZE);
    uint32_t packed_size = compress(input, INPUT_SIZE, packed);
    uint32_t out_size = decompress(packed, packed_size, output, INPUT_SIZE);
    if (out_size != INPUT_SIZE || memcmp(input, output, INPUT_SIZE) != 0) {
        printf("FAIL: round trip mismatch (%u bytes back)\n", (unsigned)out_size);
        return 1;
    }
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < packed_size; i++)
        hash = (hash ^ packed[i]) * 16777619u;
    printf("compressed %u -> %u bytes, round trip ok\n", (unsigned)INPUT_SIZE,
           (unsigned)packed_size);
    printf("checksum: %08x\n", (unsigned)hash);
    free(input);
    free(packed);
    free(output);
    return 0;
}
