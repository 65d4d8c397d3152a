/* Hash tables: word counting with a chained string map, then an
 * open-addressing integer map with inserts, lookups and deletions. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define WORDS 1200000
#define STR_BUCKETS (1u << 16)
#define INT_KEYS 400000u
#define INT_CAP (1u << 20)

static uint32_t rng_state = 88172645u;

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

struct entry {
    struct entry *next;
    uint32_t hash;
    uint32_t count;
    char word[12];
};

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

/* Returns the number of distinct words; *top gets the highest count. */
static uint32_t count_words(uint32_t *top, uint32_t *checksum)
{
    struct entry **buckets = calloc(STR_BUCKETS, sizeof(*buckets));
    struct entry *pool = malloc(sizeof(struct entry) * WORDS);
    uint32_t used = 0;
    char word[12];
    for (int w = 0; w < WORDS; w++) {
        /* A small alphabet and short words give many repeated keys. */
        uint32_t r = xorshift32();
        int len = 2 + (int)(r % 5);
        for (int i = 0; i < len; i++)
            word[i] = (char)('a' + xorshift32() % 7);
        word[len] = 0;
        uint32_t h = fnv1a(word);
        struct entry **slot = &buckets[h & (STR_BUCKETS - 1)];
        struct entry *e = *slot;
        while (e && (e->hash != h || strcmp(e->word, word) != 0))
            e = e->next;
        if (!e) {
            e = &pool[used++];
            e->hash = h;
            e->count = 0;
            memcpy(e->word, word, (size_t)len + 1);
            e->next = *slot;
            *slot = e;
        }
        e->count++;
    }
    *top = 0;
    *checksum = 0;
    for (uint32_t i = 0; i < used; i++) {
        if (pool[i].count > *top)
            *top = pool[i].count;
        *checksum += pool[i].count * (pool[i].hash | 1u);
    }
    free(buckets);
    free(pool);
    return used;
}

/* Open addressing with linear probing and backward-shift deletion, so no
 * tombstones accumulate. Key 0 marks an empty slot. */
struct int_map {
    uint32_t *keys;
    uint32_t *values;
    uint32_t size;
};

static uint32_t mix(uint32_t k)
{
    k ^= k >> 16;
    k *= 0x7feb352du;
    k ^= k >> 15;
    k *= 0x846ca68bu;
    k ^= k >> 16;
    return k & (INT_CAP - 1);
}

static void map_put(struct int_map *m, uint32_t key, uint32_t value)
{
    uint32_t i = mix(key);
    while (m->keys[i] != 0 && m->keys[i] != key)
        i = (i + 1) & (INT_CAP - 1);
    if (m->keys[i] == 0)
        m->size++;
    m->keys[i] = key;
    m->values[i] = value;
}

static int map_get(const struct int_map *m, uint32_t key, uint32_t *value)
{
    uint32_t i = mix(key);
    while (m->keys[i] != 0) {
        if (m->keys[i] == key) {
            *value = m->values[i];
            return 1;
        }
        i = (i + 1) & (INT_CAP - 1);
    }
    return 0;
}

static int map_remove(struct int_map *m, uint32_t key)
{
    uint32_t i = mix(key);
    while (m->keys[i] != key) {
        if (m->keys[i] == 0)
            return 0;
        i = (i + 1) & (INT_CAP - 1);
    }
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & (INT_CAP - 1);
        if (m->keys[j] == 0)
            break;
        uint32_t home = mix(m->keys[j]);
        /* Move j back into the hole unless its home lies in (i, j]. */
        if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
            m->keys[i] = m->keys[j];
            m->values[i] = m->values[j];
            i = j;
        }
    }
    m->keys[i] = 0;
    m->size--;
    return 1;
}

static uint32_t int_map_workload(uint32_t *found, uint32_t *removed, uint32_t *size)
{
    struct int_map m = {calloc(INT_CAP, sizeof(uint32_t)), calloc(INT_CAP, sizeof(uint32_t)), 0};
    uint32_t checksum = 0, v;
    *found = *removed = 0;
    for (uint32_t i = 0; i < INT_KEYS; i++)
        map_put(&m, (xorshift32() & 0x3fffffu) | 1u, i);
    for (int round = 0; round < 8; round++) {
        for (uint32_t i = 0; i < INT_KEYS; i++) {
            uint32_t key = (xorshift32() & 0x3fffffu) | 1u;
            if (map_get(&m, key, &v)) {
                (*found)++;
                checksum = checksum * 31u + v;
            }
            if ((i & 7) == 0 && map_remove(&m, key))
                (*removed)++;
            else if ((i & 7) == 1)
                map_put(&m, key, i);
        }
    }
    *size = m.size;
    free(m.keys);
    free(m.values);
    return checksum;
}

int main(void)
{
    uint32_t top, word_sum;
    uint32_t distinct = count_words(&top, &word_sum);
    printf("words: %u distinct, most frequent seen %u times\n", (unsigned)distinct,
           (unsigned)top);
    uint32_t found, removed, size;
    uint32_t int_sum = int_map_workload(&found, &removed, &size);
    printf("int map: %u hits, %u removed, %u left\n", (unsigned)found, (unsigned)removed,
           (unsigned)size);
    printf("checksum: %08x\n", (unsigned)(word_sum ^ (int_sum * 2654435761u)));
    return 0;
}
