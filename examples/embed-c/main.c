/*
 * A firmware-style embedding of mote: fixed memory, no heap after start-up.
 *
 * Everything the runtime uses is a static array: the AOT code region (page-aligned, so
 * the protect callback can flip it between writable and executable with mprotect), the
 * AOT instance state, the AOT linear memory, and the interpreter's arena. The modules are
 * `const` arrays (generated headers, see build.sh): an `.aot` file made by aotc and a
 * `.wasm` file for the interpreter. Two natives are registered: env.sensor_read and
 * env.log.
 *
 * The program is linked with -Wl,--wrap=malloc,... (see run.sh): after the mark in main()
 * any call to malloc, calloc, realloc, free, mmap or mmap64 ends the program with an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mote.h"
#include "sensor_aot.h"
#include "filter_wasm.h"

/* ---- the no-allocation check ------------------------------------------------------- */

static int past_init;             /* set at the mark in main() */
static unsigned long startup_allocs; /* libc heap and mmap calls before the mark */

static void forbidden(const char *what)
{
    static const char head[] = "FAIL: ";
    static const char tail[] = "() called after initialisation\n";
    fflush(stdout);
    (void)!write(2, head, sizeof head - 1);
    (void)!write(2, what, strlen(what));
    (void)!write(2, tail, sizeof tail - 1);
    _exit(3);
}

#define COUNT(name)           \
    do {                      \
        if (past_init)        \
            forbidden(name);  \
        startup_allocs++;     \
    } while (0)

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off);

void *__wrap_malloc(size_t n) { COUNT("malloc"); return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { COUNT("calloc"); return __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { COUNT("realloc"); return __real_realloc(p, n); }
void __wrap_free(void *p) { COUNT("free"); __real_free(p); }
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    COUNT("mmap");
    return __real_mmap(addr, len, prot, flags, fd, off);
}
void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
    COUNT("mmap64");
    return __real_mmap64(addr, len, prot, flags, fd, off);
}

/* ---- static memory ------------------------------------------------------------------ */

#define PAGE 4096
static uint8_t code_region[16 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t aot_state[16 * 1024] __attribute__((aligned(64)));
/* The AOT guest declares 2048 one-byte pages (custom page sizes): 2 KiB, not 64. */
static uint8_t aot_memory[2 * 1024] __attribute__((aligned(16)));
#ifndef ARENA_BYTES
#define ARENA_BYTES (256 * 1024)
#endif
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));
static char stdout_buffer[4096];

/* ---- platform callbacks ------------------------------------------------------------- */

static unsigned protect_calls;

/* W^X on the code region: the MMU here, an MPU region (plus cache maintenance) on an MCU. */
static int32_t protect(void *addr, size_t len, uint32_t prot, void *user)
{
    (void)user;
    uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(PAGE - 1);
    uintptr_t end = ((uintptr_t)addr + len + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    int flags = prot == MOTE_PROT_READ_EXECUTE ? PROT_READ | PROT_EXEC : PROT_READ | PROT_WRITE;
    protect_calls++;
    return mprotect((void *)start, end - start, flags) == 0 ? 0 : errno;
}

static int32_t clock_ns(uint32_t clock, uint64_t *out, void *user)
{
    (void)user;
    struct timespec ts;
    if (clock_gettime(clock == MOTE_CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts))
        return errno;
    *out = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return 0;
}

static int32_t random_bytes(uint8_t *buf, size_t len, void *user)
{
    static uint32_t x = 2463534242u; /* xorshift32: a stand-in for a hardware RNG */
    (void)user;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
    return 0;
}

static void fatal(const char *message, void *user)
{
    (void)user;
    printf("fatal: %s\n", message);
    fflush(stdout);
    _exit(4);
}

/* ---- natives ------------------------------------------------------------------------ */

static unsigned sensor_calls, log_calls;
static const int32_t readings[8] = {21, 23, 25, 27, 29, 31, 33, 35};

/* (i)i: the reading of channel cells[0]; an unknown channel fails the call (a trap). */
static int32_t sensor_read(mote_exec_env *env, uint64_t *cells, void *user)
{
    (void)env;
    (void)user;
    uint32_t channel = (uint32_t)cells[0];
    sensor_calls++;
    if (channel >= sizeof readings / sizeof readings[0])
        return 1;
    cells[0] = (uint32_t)readings[channel];
    return 0;
}

/* (ii): prints len = cells[1] bytes of guest memory at ptr = cells[0]. */
static int32_t log_text(mote_exec_env *env, uint64_t *cells, void *user)
{
    (void)user;
    uint32_t ptr = (uint32_t)cells[0], len = (uint32_t)cells[1];
    size_t mem_len;
    const uint8_t *mem = mote_exec_memory(env, &mem_len);
    log_calls++;
    if (!mem || ptr > mem_len || len > mem_len - ptr)
        return 2;
    printf("  [log] %.*s\n", (int)len, (const char *)mem + ptr);
    return 0;
}

static const mote_native natives[] = {
    {"sensor_read", "(i)i", sensor_read, NULL},
    {"log", "(ii)", log_text, NULL},
};

/* ---- helpers ------------------------------------------------------------------------ */

#define CHECK(call)                                                                 \
    do {                                                                            \
        mote_result rc_ = (call);                                                   \
        if (rc_ != MOTE_OK) {                                                       \
            printf("error %d from %s: %s\n", (int)rc_, #call, mote_last_error());   \
            return 1;                                                               \
        }                                                                           \
    } while (0)

static mote_val i32(int32_t v)
{
    mote_val r = {.kind = MOTE_I32};
    r.of.i32 = v;
    return r;
}

/* After a trap: the Wasm call stack, wasmtime-style (nothing in builds without the
 * `backtrace` feature, which this example leaves out to stay small). */
static void print_backtrace(mote_instance *inst)
{
    mote_frame frames[8];
    uint32_t count, omitted;
    if (mote_trap_backtrace(inst, frames, 8, &count, &omitted) != MOTE_OK || count == 0)
        return;
    printf("wasm backtrace:\n");
    for (uint32_t i = 0; i < count && i < 8; i++) {
        const mote_frame *f = &frames[i];
        if (f->wasm_offset != MOTE_NO_OFFSET)
            printf("%5u: %#6x - ", (unsigned)i, (unsigned)f->wasm_offset);
        else
            printf("%5u:          ", (unsigned)i);
        if (f->name)
            printf("%.*s\n", (int)f->name_len, f->name);
        else
            printf("func[%u]\n", (unsigned)f->func_index);
    }
    if (omitted)
        printf("    ... %u more frames\n", (unsigned)omitted);
}

/* Calls an exported function returning one i32; prints the outcome. */
static mote_result run(const char *engine, mote_instance *inst, const char *name,
                       const mote_val *args, uint32_t nargs, const char *shown,
                       const char *note)
{
    mote_function f;
    mote_val result;
    mote_result rc = mote_lookup_function(inst, name, &f);
    if (rc == MOTE_OK)
        rc = mote_call(inst, f, args, nargs, &result, 1);
    if (rc == MOTE_OK)
        printf("%s: %s(%s) = %d%s\n", engine, name, shown, (int)result.of.i32, note);
    else
        printf("%s: %s(%s) failed (%d): %s\n", engine, name, shown, (int)rc, mote_last_error());
    if (rc == MOTE_ERR_TRAP)
        print_backtrace(inst);
    return rc;
}

int main(void)
{
    /* Start-up: the C library may allocate here (stdio's buffer is made static so that
     * printing never allocates later). */
    setvbuf(stdout, stdout_buffer, _IOLBF, sizeof stdout_buffer);

    /* ==== end of initialisation: from here on, nothing may call malloc/free/mmap ==== */
    past_init = 1;
#ifdef MALLOC_AFTER_INIT
    /* Proves the check works (tests/embed_c.rs builds this variant and expects exit 3). */
    void *volatile probe = malloc(16); /* volatile: the compiler may not elide the pair */
    free(probe);
#endif

    mote_init_args init = {
        .protect = protect,
        .clock = clock_ns,
        .random = random_bytes,
        .arena = arena,
        .arena_len = sizeof arena,
        .interp_stack_bytes = 16 * 1024,
        .fatal = fatal,
    };
    CHECK(mote_init(&init));
    CHECK(mote_register_natives("env", natives, sizeof natives / sizeof natives[0]));

    /* -- AOT: sizes first, then the instance in the static buffers -- */
    mote_aot_reqs req;
    CHECK(mote_aot_requirements(sensor_aot, sizeof sensor_aot, &req));
    printf("aot: needs code %zu B (align %zu), state %zu B (align %zu), memory %zu B\n",
           req.code_bytes, req.code_align, req.state_bytes, req.state_align,
           req.memory_min_bytes);
    if (req.code_bytes > sizeof code_region || req.state_bytes > sizeof aot_state ||
        req.memory_min_bytes > sizeof aot_memory) {
        printf("the static buffers are too small for this module\n");
        return 1;
    }
    mote_instance *aot;
    CHECK(mote_aot_instantiate(sensor_aot, sizeof sensor_aot, code_region, sizeof code_region,
                               aot_state, sizeof aot_state, aot_memory, sizeof aot_memory,
                               &aot));
    mote_val four = i32(4), zero = i32(0), nine = i32(9), eight = i32(8);
    if (run("aot", aot, "average", &four, 1, "4", "") != MOTE_OK)
        return 1;
    if (run("aot", aot, "average", &zero, 1, "0", "") != MOTE_ERR_TRAP)
        return 1;
    if (run("aot", aot, "average", &nine, 1, "9", "") != MOTE_ERR_TRAP)
        return 1;
    if (run("aot", aot, "average", &eight, 1, "8", " after the traps") != MOTE_OK)
        return 1;
    size_t aot_mem_len;
    if (!mote_memory(aot, &aot_mem_len))
        return 1;
    printf("aot: linear memory is %zu bytes in a %zu-byte static array\n", aot_mem_len,
           sizeof aot_memory);
    mote_val last = i32(2047), past = i32(2048);
    if (run("aot", aot, "peek", &last, 1, "2047", "") != MOTE_OK)
        return 1;
    if (run("aot", aot, "peek", &past, 1, "2048", "") != MOTE_ERR_TRAP)
        return 1;

    /* -- Interpreter: module and instance in the arena -- */
    mote_module *module;
    mote_instance *interp;
    CHECK(mote_wasm_load(filter_wasm, sizeof filter_wasm, &module));
    CHECK(mote_wasm_instantiate(module, &interp));
    mote_val peak_args[2] = {i32(8), i32(30)}, small_args[2] = {i32(4), i32(24)};
    mote_val three = i32(3);
    if (run("interp", interp, "peak", peak_args, 2, "8, 30", "") != MOTE_OK)
        return 1;
    size_t mem_len;
    const uint8_t *mem = mote_memory(interp, &mem_len);
    if (!mem || mem_len < 104)
        return 1;
    printf("interp: guest memory holds \"%.40s\" (%zu bytes)\n", (const char *)mem + 64, mem_len);
    if (run("interp", interp, "calibrated", &three, 1, "3", "") != MOTE_OK)
        return 1;
    if (run("interp", interp, "calibrated", &four, 1, "4", "") != MOTE_ERR_TRAP)
        return 1;
    if (run("interp", interp, "peak", small_args, 2, "4, 24", " after the trap") != MOTE_OK)
        return 1;

    /* -- Errors are values too -- */
    mote_function missing;
    if (mote_lookup_function(aot, "nope", &missing) != MOTE_ERR_NOT_FOUND)
        return 1;
    printf("lookup of a missing export: %s\n", mote_last_error());

    mote_arena_usage arena_use;
    CHECK(mote_arena_stats(&arena_use));
    CHECK(mote_instance_deinit(interp));
    CHECK(mote_module_free(module));
    mote_arena_usage after;
    CHECK(mote_arena_stats(&after));
    CHECK(mote_instance_deinit(aot));
    CHECK(mote_deinit());

    printf("host calls: sensor_read=%u log=%u, code region protection changes=%u\n",
           sensor_calls, log_calls, protect_calls);
    printf("arena: %zu B, peak %zu B, in use %zu B with the instance, %zu B after freeing\n",
           arena_use.size, arena_use.peak, arena_use.used, after.used);
    printf("no allocation after init (%lu during start-up)\n", startup_allocs);
    return 0;
}
