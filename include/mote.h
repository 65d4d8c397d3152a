/*
 * mote.h — the C API of mote, a WebAssembly runtime for firmware.
 *
 * Link libmote.a (built with `cargo rustc -p mote --crate-type staticlib`, see
 * product-mini/libmote/Cargo.toml for the feature sets). Two engines:
 *
 *   - AOT (`.aot` files made by `aotc --bounds-checks=explicit`): no heap at all. Ask
 *     mote_aot_requirements() for the sizes, hand static buffers to mote_aot_instantiate().
 *   - Interpreter (`.wasm` files): allocates from the fixed arena given to mote_init().
 *
 * Every function returns MOTE_OK or a negative mote_result; mote_last_error() then says
 * why in one line. Nothing aborts on bad input. The API keeps global state (the native
 * registry, the arena, the last error) and is not thread-safe: call it from one thread,
 * or serialise the calls.
 */
#ifndef MOTE_H
#define MOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results ------------------------------------------------------------------------ */

typedef int32_t mote_result;
#define MOTE_OK 0
#define MOTE_ERR_ARGUMENT (-1)    /* a NULL pointer, a bad string or signature            */
#define MOTE_ERR_STATE (-2)       /* mote_init missing or repeated, objects still alive,  */
                                  /* or a native calling back into its own instance       */
#define MOTE_ERR_FORMAT (-3)      /* malformed module, or for another arch/runtime        */
#define MOTE_ERR_SPACE (-4)       /* a caller buffer is too small or misaligned           */
#define MOTE_ERR_LINK (-5)        /* an import is missing or has another type             */
#define MOTE_ERR_TRAP (-6)        /* the wasm code trapped; the instance stays usable     */
#define MOTE_ERR_NOT_FOUND (-7)   /* no export of that name or kind                       */
#define MOTE_ERR_SIGNATURE (-8)   /* arguments or results do not match the function      */
#define MOTE_ERR_FULL (-9)        /* the native table (MOTE_MAX_NATIVES) is full          */
#define MOTE_ERR_NO_MEMORY (-10)  /* the interpreter arena is missing or too small        */
#define MOTE_ERR_UNSUPPORTED (-11)/* engine or feature left out of this build             */
#define MOTE_ERR_LOAD (-12)       /* relocation failed, or the protect callback refused   */
#define MOTE_ERR_EXIT (-13)       /* the module called WASI proc_exit (the code is in the */
                                  /* message: "exit with code N")                         */

/* The last failure's message (NUL-terminated, in a static buffer; "" if none yet). A trap
 * reads "wasm trap: integer divide by zero". Valid until the next mote_* call. */
const char *mote_last_error(void);

/* ---- initialisation ----------------------------------------------------------------- */

/* `prot` values for the protect callback. */
#define MOTE_PROT_READ_WRITE 1u
#define MOTE_PROT_READ_EXECUTE 2u /* also: make the new code visible (caches) */

/* `clock` values for the clock callback. */
#define MOTE_CLOCK_REALTIME 0u
#define MOTE_CLOCK_MONOTONIC 1u

typedef struct mote_init_args {
    /* Switches the code region between writable and executable (W^X) and maintains the
     * caches; returns 0 on success. NULL: the region is plain RAM, usable as both. */
    int32_t (*protect)(void *addr, size_t len, uint32_t prot, void *user);
    /* Nanoseconds on `clock` into *out; 0 on success. May be NULL. */
    int32_t (*clock)(uint32_t clock, uint64_t *out, void *user);
    /* Fills buf with len random bytes; 0 on success. May be NULL. */
    int32_t (*random)(uint8_t *buf, size_t len, void *user);
    /* Passed back to protect, clock, random and fatal. */
    void *user;
    /* The interpreter's heap: every allocation it makes comes from here (no malloc).
     * May be NULL/0 when only AOT modules are used. Must outlive mote_deinit(). */
    void *arena;
    size_t arena_len;
    /* The interpreter's value stack, allocated from the arena; 0: 16 KiB. */
    size_t interp_stack_bytes;
    /* The native stack AOT code may use below the caller's; 0: 64 KiB. */
    size_t native_stack_bytes;
    /* Called once if the runtime cannot go on: the arena ran out inside the interpreter's
     * bookkeeping (size it with mote_arena_stats) or an internal error. NULL: halt. */
    void (*fatal)(const char *message, void *user);
    /* WASI (libmote built with `bare-wasi`; interpreter modules importing
     * wasi_snapshot_preview1): writes len bytes to the console stream fd (1 stdout,
     * 2 stderr), 0 on success; NULL: stdout and stderr are closed. */
    int32_t (*write)(uint32_t fd, const uint8_t *buf, size_t len, void *user);
    /* WASI: blocks the task for at least nanos ns, 0 on success; NULL: sleeps spin on the
     * monotonic clock. */
    int32_t (*sleep)(uint64_t nanos, void *user);
    /* WASI: the clock's resolution in ns (its tick); 0: unknown. */
    uint32_t clock_res_ns;
    uint32_t reserved;
} mote_init_args;

/* Once, before anything else. `args` is copied. */
mote_result mote_init(const mote_init_args *args);
/* Forgets the natives and the arena. Every interpreter instance and module must have been
 * freed (MOTE_ERR_STATE otherwise). mote_init may be called again afterwards. */
mote_result mote_deinit(void);

typedef struct mote_arena_usage {
    size_t size; /* bytes given to mote_init */
    size_t used; /* bytes allocated now */
    size_t peak; /* most bytes allocated at once since mote_init (high-water mark) */
} mote_arena_usage;

mote_result mote_arena_stats(mote_arena_usage *out);

/* ---- values and functions ----------------------------------------------------------- */

#define MOTE_I32 0u
#define MOTE_I64 1u
#define MOTE_F32 2u
#define MOTE_F64 3u

typedef struct mote_val {
    uint32_t kind; /* MOTE_I32 ... MOTE_F64 */
    uint32_t reserved;
    union {
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
    } of;
} mote_val;

typedef struct mote_instance mote_instance;
typedef struct mote_module mote_module;

/* An exported function of one instance (filled in by mote_lookup_function). */
typedef struct mote_function {
    const mote_instance *instance;
    uint32_t index;
    uint16_t param_count;
    uint16_t result_count;
} mote_function;

/* ---- natives (host functions) ------------------------------------------------------- */

#define MOTE_MAX_NATIVES 32
#define MOTE_MAX_NAME 31 /* bytes of a module or function name */

/* What a native can reach of the instance that called it. */
typedef struct mote_exec_env mote_exec_env;

/* cells[0..params) hold the arguments (i32/f32 in the low 32 bits, floats as bits); write
 * the results to cells[0..results). Return 0, or non-zero to trap the caller ("wasm trap:
 * host function failed"). */
typedef int32_t (*mote_native_fn)(mote_exec_env *env, uint64_t *cells, void *user);

typedef struct mote_native {
    const char *name;
    /* WAMR style: "(ii)i", "(I)", "()F": i = i32, I = i64, f = f32, F = f64. */
    const char *signature;
    mote_native_fn fn;
    void *user;
} mote_native;

/* Registers natives as imports `module`.`name` for every later instantiation (both
 * engines). The strings are copied; a name registered again is replaced. */
mote_result mote_register_natives(const char *module, const mote_native *natives, uint32_t n);

/* The calling instance's linear memory (NULL and *len = 0 if it has none). */
uint8_t *mote_exec_memory(mote_exec_env *env, size_t *len);

/* ---- AOT: no heap -------------------------------------------------------------------- */

typedef struct mote_aot_reqs {
    size_t code_bytes;  /* executable code region */
    size_t code_align;
    size_t state_bytes; /* instance state: context, globals, tables, import bindings */
    size_t state_align;
    size_t memory_min_bytes; /* linear memory 0's initial size (0: no memory); with
                                one-byte pages (custom page sizes) exactly the declared
                                bytes, e.g. 2048 */
    size_t memory_max_bytes; /* its declared maximum, SIZE_MAX if none */
    uint32_t imports;        /* imported functions */
    uint32_t memories;       /* linear memories (more than 1: multi-memory) */
} mote_aot_reqs;

mote_result mote_aot_requirements(const uint8_t *file, size_t len, mote_aot_reqs *out);
/* Memory `index`'s initial size and declared maximum (SIZE_MAX if none) in bytes. */
mote_result mote_aot_memory_requirements(const uint8_t *file, size_t len, uint32_t index,
                                         size_t *min_bytes, size_t *max_bytes);

/* Loads `file` into `code`, lays out the instance in `state`, links imports against the
 * registered natives, initialises memory (whose length bounds memory.grow), runs the start
 * function. Every buffer, and `file` itself, must stay valid until mote_instance_deinit.
 * *out points into `state`.
 * An execute-in-place file (`aotc --xip`) runs where `file` lies, e.g. in flash, and is
 * never written: mote_aot_requirements reports code_bytes = 0, pass code = NULL and
 * code_len = 0; `file` must be aligned to code_align. */
mote_result mote_aot_instantiate(const uint8_t *file, size_t len, void *code, size_t code_len,
                                 void *state, size_t state_len, void *memory,
                                 size_t memory_len, mote_instance **out);
/* As mote_aot_instantiate with one buffer per memory (multi-memory): memories[i] of
 * memory_lens[i] bytes holds memory i; `count` must cover every memory of the module. */
mote_result mote_aot_instantiate_memories(const uint8_t *file, size_t len, void *code,
                                          size_t code_len, void *state, size_t state_len,
                                          void *const *memories, const size_t *memory_lens,
                                          uint32_t count, mote_instance **out);

/* ---- interpreter: arena ------------------------------------------------------------- */

/* Parses and validates a .wasm module (the bytes are copied into the arena). */
mote_result mote_wasm_load(const uint8_t *buf, size_t len, mote_module **out);
/* Instantiates a module against the registered natives and runs its start function. */
mote_result mote_wasm_instantiate(const mote_module *module, mote_instance **out);
/* Frees a module; instances made from it keep working. */
mote_result mote_module_free(mote_module *module);

/* ---- both engines ------------------------------------------------------------------- */

mote_result mote_lookup_function(const mote_instance *inst, const char *name,
                                 mote_function *out);
/* Calls `func` with args[0..nargs) (kinds must match the parameters) and writes its
 * nresults results (nresults must equal the function's result count). */
mote_result mote_call(mote_instance *inst, mote_function func, const mote_val *args,
                      uint32_t nargs, mote_val *results, uint32_t nresults);
/* The instance's linear memory 0 (NULL and *len = 0 if it has none). */
uint8_t *mote_memory(mote_instance *inst, size_t *len);
/* Fuel (docs/limits.md): sets the budget calls consume, one unit per Wasm instruction;
 * a call that runs out fails with MOTE_ERR_TRAP "all fuel consumed" and keeps the rest,
 * so setting more fuel and calling again continues. AOT files must be compiled with
 * `aotc --fuel`. mote_get_fuel writes the fuel left (MOTE_ERR_STATE when none was set). */
mote_result mote_set_fuel(mote_instance *inst, uint64_t fuel);
mote_result mote_get_fuel(mote_instance *inst, uint64_t *fuel);
/* Deterministic mode (docs/limits.md): every NaN an arithmetic operator returns is the
 * canonical NaN, so the same module and inputs give bit-identical results and fuel counts
 * on every engine. Interpreter instances switch it on or off (off by default); AOT files
 * have it compiled in with `aotc --deterministic`: turning it on for a file without it
 * is MOTE_ERR_STATE. */
mote_result mote_set_deterministic(mote_instance *inst, bool on);
/* Interruption: stops inst's running code with MOTE_ERR_TRAP "execution interrupted" at
 * its next function entry or loop header (or at its next call); raising the trap clears
 * the request. Async-signal-safe (one atomic store): call it from another thread, a
 * signal handler or an ISR. Interpreter instances always check; AOT files must be
 * compiled with `aotc --interruptible` (else MOTE_ERR_STATE). */
mote_result mote_interrupt(mote_instance *inst);
/* Backtraces (docs/diagnostics.md): the Wasm call stack of the instance's last call that
 * trapped (MOTE_ERR_TRAP), innermost frame first. Writes the first min(cap, *count)
 * frames to `out`, the number of frames kept to *count and the number of deeper frames
 * only counted to *omitted (deep recursion: AOT instances keep 16 frames in their state,
 * interpreter instances 64). A call that returned, or a build without the `backtrace`
 * feature: *count = 0. Names point into the instance (AOT: into the file) and stay
 * valid until its next call. Costs nothing until a trap. */
#define MOTE_NO_OFFSET UINT32_MAX
typedef struct mote_frame {
    uint32_t func_index;  /* in the module's function space (imports first) */
    uint32_t wasm_offset; /* byte offset in the .wasm file of the instruction that trapped
                             (frame 0) or of the call (callers); MOTE_NO_OFFSET when the
                             .aot file was compiled with aotc --no-backtrace-offsets */
    const char *name;     /* from the module's name section (not NUL-terminated), NULL if
                             none: print it as func[func_index] */
    size_t name_len;
} mote_frame;

mote_result mote_trap_backtrace(mote_instance *inst, mote_frame *out, uint32_t cap,
                                uint32_t *count, uint32_t *omitted);

/* Ends an instance: interpreter instances return their arena memory, AOT instances
 * release their buffers to the caller. */
mote_result mote_instance_deinit(mote_instance *inst);

/* ---- layout checks (the Rust side asserts the same in src/capi/types.rs) ------------ */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(mote_val) == 16, "mote_val layout");
_Static_assert(sizeof(mote_function) == sizeof(void *) + 8, "mote_function layout");
_Static_assert(sizeof(mote_native) == 4 * sizeof(void *), "mote_native layout");
_Static_assert(sizeof(mote_frame) == 8 + 2 * sizeof(void *), "mote_frame layout");
_Static_assert(sizeof(mote_init_args) == 11 * sizeof(void *) + 8, "mote_init_args layout");
_Static_assert(sizeof(mote_arena_usage) == 3 * sizeof(size_t), "mote_arena_usage layout");
_Static_assert(sizeof(mote_aot_reqs) == 6 * sizeof(size_t) + 8, "mote_aot_reqs layout");
_Static_assert(offsetof(mote_val, of) == 8, "mote_val layout");
_Static_assert(offsetof(mote_native, fn) == 2 * sizeof(void *), "mote_native layout");
_Static_assert(offsetof(mote_init_args, arena_len) == 5 * sizeof(void *), "mote_init_args layout");
_Static_assert(offsetof(mote_init_args, fatal) == 8 * sizeof(void *), "mote_init_args layout");
_Static_assert(offsetof(mote_init_args, clock_res_ns) == 11 * sizeof(void *), "mote_init_args layout");
_Static_assert(offsetof(mote_aot_reqs, imports) == 6 * sizeof(size_t), "mote_aot_reqs layout");
#endif

#ifdef __cplusplus
}
#endif
#endif /* MOTE_H */
