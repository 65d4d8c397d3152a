/* Turning memory faults in AOT-compiled code into traps (POSIX).
 *
 * Generated code in guard mode has no bounds checks: a wasm access past the end of linear
 * memory touches the PROT_NONE part of the memory's reservation and faults. The handler
 * checks that the faulting address lies in a registered reservation and that this thread
 * is inside mote_call_guarded, and jumps back there; anything else is not ours and is
 * re-raised with the previous disposition.
 *
 * Everything the handler reads is async-signal-safe: a fixed array of ranges written with
 * atomic stores, and a thread-local jump buffer pointer.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MOTE_MAX_RESERVATIONS 4096

static uintptr_t res_start[MOTE_MAX_RESERVATIONS];
static uintptr_t res_end[MOTE_MAX_RESERVATIONS];
static pthread_mutex_t res_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread sigjmp_buf *volatile current_jmp;
static __thread volatile uintptr_t fault_addr;

static struct sigaction old_segv, old_bus;
static int installed;
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

/* Registers [start, start + len); returns the slot or -1 when full. */
int mote_register_reservation(void *start, size_t len) {
    int slot = -1;
    pthread_mutex_lock(&res_lock);
    for (int i = 0; i < MOTE_MAX_RESERVATIONS; i++) {
        if (__atomic_load_n(&res_end[i], __ATOMIC_RELAXED) == 0) {
            __atomic_store_n(&res_start[i], (uintptr_t)start, __ATOMIC_RELAXED);
            __atomic_store_n(&res_end[i], (uintptr_t)start + len, __ATOMIC_RELEASE);
            slot = i;
            break;
        }
    }
    pthread_mutex_unlock(&res_lock);
    return slot;
}

void mote_unregister_reservation(int slot) {
    if (slot < 0 || slot >= MOTE_MAX_RESERVATIONS)
        return;
    pthread_mutex_lock(&res_lock);
    __atomic_store_n(&res_end[slot], 0, __ATOMIC_RELEASE);
    __atomic_store_n(&res_start[slot], 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&res_lock);
}

static int in_reservation(uintptr_t a) {
    for (int i = 0; i < MOTE_MAX_RESERVATIONS; i++) {
        uintptr_t end = __atomic_load_n(&res_end[i], __ATOMIC_ACQUIRE);
        if (end != 0 && a >= __atomic_load_n(&res_start[i], __ATOMIC_RELAXED) && a < end)
            return 1;
    }
    return 0;
}

static void handler(int sig, siginfo_t *info, void *uctx) {
    (void)uctx;
    uintptr_t a = (uintptr_t)info->si_addr;
    sigjmp_buf *jmp = current_jmp;
    if (jmp != NULL && in_reservation(a)) {
        fault_addr = a;
        siglongjmp(*jmp, 1);
    }
    /* Not ours: restore the previous disposition; returning re-executes the faulting
     * instruction, which then gets the old handler or the default action. */
    sigaction(sig, sig == SIGSEGV ? &old_segv : &old_bus, NULL);
}

/* Installs the SIGSEGV/SIGBUS handler once per process; 0 on success. */
int mote_install_trap_handler(void) {
    int rc = 0;
    pthread_mutex_lock(&install_lock);
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = handler;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSEGV, &sa, &old_segv) != 0 || sigaction(SIGBUS, &sa, &old_bus) != 0)
            rc = -1;
        else
            installed = 1;
    }
    pthread_mutex_unlock(&install_lock);
    return rc;
}

/* Calls f(ctx, cells). Returns 0 when f returned, 1 when a fault inside a registered
 * reservation interrupted it (then *fault receives the address). Nests: an inner call
 * restores the outer jump buffer on the way out. */
int mote_call_guarded(void (*f)(void *, void *), void *ctx, void *cells, uintptr_t *fault) {
    sigjmp_buf buf;
    sigjmp_buf *volatile prev = current_jmp;
    /* No signal mask is saved (no sigprocmask syscall per call): the handler runs with
     * SA_NODEFER, so SIGSEGV/SIGBUS are not blocked when it jumps back here. */
    if (sigsetjmp(buf, 0) != 0) {
        current_jmp = prev;
        if (fault)
            *fault = fault_addr;
        return 1;
    }
    current_jmp = &buf;
    f(ctx, cells);
    current_jmp = prev;
    return 0;
}

/* Lowest usable address of the calling thread's stack, or 0 if unknown. */
uintptr_t mote_stack_low(void) {
    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return 0;
    if (pthread_attr_getstack(&attr, &addr, &size) != 0)
        addr = NULL;
    pthread_attr_destroy(&attr);
    return (uintptr_t)addr;
}
