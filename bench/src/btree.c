/* A B-tree of records ordered by a comparator callback, queried with lookups and
 * range scans that report through a visitor callback, and the same records
 * sorted with libc's qsort and its comparator. Every comparison and every
 * visited record is an indirect call (call_indirect in Wasm), as in databases
 * and containers with user-supplied ordering. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define RECORDS 150000
#define LOOKUPS 400000
#define SCANS 3000
#define ORDER 8 /* keys per node: ORDER - 1 .. 2 * ORDER - 1 */

struct record { uint32_t key; uint32_t group; uint64_t payload; };

typedef int (*compare_fn)(const struct record *, const struct record *);
typedef void (*visit_fn)(const struct record *, void *state);

struct node {
    int count;
    int leaf;
    const struct record *keys[2 * ORDER - 1];
    struct node *child[2 * ORDER];
};

struct btree { struct node *root; compare_fn compare; size_t nodes; };

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t next_random(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 16);
}

static struct node *new_node(struct btree *tree, int leaf)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n) { printf("FAIL out of memory\n"); exit(1); }
    n->leaf = leaf;
    tree->nodes++;
    return n;
}

/* Orders by key, then group (keys repeat across groups). */
static int by_key(const struct record *lhs, const struct record *rhs)
{
    if (lhs->key != rhs->key) return lhs->key < rhs->key ? -1 : 1;
    if (lhs->group != rhs->group) return lhs->group < rhs->group ? -1 : 1;
    return 0;
}

/* Orders by group, then key descending. */
static int by_group(const struct record *lhs, const struct record *rhs)
{
    if (lhs->group != rhs->group) return lhs->group < rhs->group ? -1 : 1;
    if (lhs->key != rhs->key) return lhs->key > rhs->key ? -1 : 1;
    return 0;
}

static void split_child(struct btree *tree, struct node *parent, int index)
{
    struct node *full = parent->child[index];
    struct node *right = new_node(tree, full->leaf);
    right->count = ORDER - 1;
    for (int j = 0; j < ORDER - 1; j++) right->keys[j] = full->keys[j + ORDER];
    if (!full->leaf)
        for (int j = 0; j < ORDER; j++) right->child[j] = full->child[j + ORDER];
    full->count = ORDER - 1;
    for (int j = parent->count; j > index; j--) parent->child[j + 1] = parent->child[j];
    parent->child[index + 1] = right;
    for (int j = parent->count - 1; j >= index; j--) parent->keys[j + 1] = parent->keys[j];
    parent->keys[index] = full->keys[ORDER - 1];
    parent->count++;
}

static void insert(struct btree *tree, const struct record *rec)
{
    struct node *root = tree->root;
    if (root->count == 2 * ORDER - 1) {
        struct node *top = new_node(tree, 0);
        top->child[0] = root;
        split_child(tree, top, 0);
        tree->root = root = top;
    }
    struct node *n = root;
    for (;;) {
        int i = n->count - 1;
        if (n->leaf) {
            while (i >= 0 && tree->compare(rec, n->keys[i]) < 0) {
                n->keys[i + 1] = n->keys[i];
                i--;
            }
            n->keys[i + 1] = rec;
            n->count++;
            return;
        }
        while (i >= 0 && tree->compare(rec, n->keys[i]) < 0) i--;
        i++;
        if (n->child[i]->count == 2 * ORDER - 1) {
            split_child(tree, n, i);
            if (tree->compare(rec, n->keys[i]) > 0) i++;
        }
        n = n->child[i];
    }
}

static const struct record *find(const struct btree *tree, const struct record *probe)
{
    const struct node *n = tree->root;
    while (n) {
        int lo = 0, hi = n->count;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            int c = tree->compare(probe, n->keys[mid]);
            if (c == 0) return n->keys[mid];
            if (c < 0) hi = mid; else lo = mid + 1;
        }
        n = n->leaf ? NULL : n->child[lo];
    }
    return NULL;
}

/* Visits every record in [from, to] in order; returns how many. */
static size_t scan(const struct btree *tree, const struct node *n, const struct record *from,
                   const struct record *to, visit_fn visit, void *state)
{
    size_t visited = 0;
    int i = 0;
    while (i < n->count && tree->compare(n->keys[i], from) < 0) i++;
    for (; i <= n->count; i++) {
        if (!n->leaf) visited += scan(tree, n->child[i], from, to, visit, state);
        if (i == n->count || tree->compare(n->keys[i], to) > 0) break;
        visit(n->keys[i], state);
        visited++;
    }
    return visited;
}

struct sum { uint64_t hash; uint32_t last_key; int ordered; };

static void fold(const struct record *rec, void *state)
{
    struct sum *s = state;
    if (rec->key < s->last_key) s->ordered = 0;
    s->last_key = rec->key;
    s->hash = (s->hash ^ rec->payload) * 0x100000001b3ull;
}

static int qsort_by_group(const void *lhs, const void *rhs) { return by_group(lhs, rhs); }

static struct record records[RECORDS];

int main(void)
{
    int failures = 0;
    for (uint32_t i = 0; i < RECORDS; i++) {
        records[i].key = next_random() % (RECORDS * 4);
        records[i].group = i & 7;
        records[i].payload = ((uint64_t)next_random() << 32) | i;
    }

    struct btree tree = { 0, by_key, 0 };
    tree.root = new_node(&tree, 1);
    for (uint32_t i = 0; i < RECORDS; i++)
        if (!find(&tree, &records[i])) insert(&tree, &records[i]);

    size_t hits = 0;
    uint64_t hit_hash = 0;
    for (uint32_t i = 0; i < LOOKUPS; i++) {
        struct record probe = { next_random() % (RECORDS * 4), next_random() & 7, 0 };
        const struct record *found = find(&tree, &probe);
        if (found) { hits++; hit_hash += found->payload; }
    }

    struct sum total = { 0xcbf29ce484222325ull, 0, 1 };
    size_t scanned = 0;
    for (uint32_t i = 0; i < SCANS; i++) {
        uint32_t start = next_random() % (RECORDS * 4);
        struct record from = { start, 0, 0 }, to = { start + 400, 7, 0 };
        total.last_key = 0;
        scanned += scan(&tree, tree.root, &from, &to, fold, &total);
        if (!total.ordered) { printf("FAIL scan out of order at %u\n", start); failures++; break; }
    }

    qsort(records, RECORDS, sizeof records[0], qsort_by_group);
    for (uint32_t i = 1; i < RECORDS; i++)
        if (by_group(&records[i - 1], &records[i]) > 0) { printf("FAIL qsort order at %u\n", i); failures++; break; }
    uint64_t order_hash = 0;
    for (uint32_t i = 0; i < RECORDS; i += 97) order_hash = order_hash * 31 + records[i].key;

    printf("nodes: %zu\n", tree.nodes);
    printf("lookups: %zu hits, hash %016llx\n", hits, (unsigned long long)hit_hash);
    printf("scans: %zu records, hash %016llx\n", scanned, (unsigned long long)total.hash);
    printf("sorted: %016llx\n", (unsigned long long)order_hash);
    printf("checksum: %016llx\n", (unsigned long long)(hit_hash ^ total.hash ^ order_hash ^ tree.nodes));
    return failures ? 1 : 0;
}
