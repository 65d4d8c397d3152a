/* A register VM whose instructions are dispatched through a table of function
 * pointers (one indirect call per executed instruction, as in interpreters
 * built from handler functions), running three guest programs: an integer
 * series, a prime sieve in VM memory and a recursive Fibonacci with an
 * explicit call stack. Call-heavy on purpose: in Wasm every dispatch is a
 * call_indirect. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

enum op {
    OP_LI, OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_ADDI, OP_AND, OP_SHRI,
    OP_LD, OP_ST, OP_BLT, OP_BGE, OP_BEQ, OP_JMP, OP_CALL, OP_RET, OP_HALT,
    OP_COUNT
};

struct ins { uint8_t op, a, b, c; int32_t imm; };

struct vm {
    int64_t reg[16];
    int64_t mem[32768];
    int32_t stack[4096];
    int32_t sp;
    const struct ins *code;
    uint64_t executed;
};

/* Each handler returns the next pc (-1 halts). */
typedef int32_t (*handler)(struct vm *, const struct ins *, int32_t pc);

static int32_t op_li(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = i->imm; return pc + 1; }
static int32_t op_mov(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = vm->reg[i->b]; return pc + 1; }
static int32_t op_add(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = vm->reg[i->b] + vm->reg[i->c]; return pc + 1; }
static int32_t op_sub(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = vm->reg[i->b] - vm->reg[i->c]; return pc + 1; }
static int32_t op_mul(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = vm->reg[i->b] * vm->reg[i->c]; return pc + 1; }
static int32_t op_addi(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = vm->reg[i->b] + i->imm; return pc + 1; }
static int32_t op_and(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = vm->reg[i->b] & vm->reg[i->c]; return pc + 1; }
static int32_t op_shri(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = (int64_t)((uint64_t)vm->reg[i->b] >> i->imm); return pc + 1; }
static int32_t op_ld(struct vm *vm, const struct ins *i, int32_t pc) { vm->reg[i->a] = vm->mem[(vm->reg[i->b] + i->imm) & 32767]; return pc + 1; }
static int32_t op_st(struct vm *vm, const struct ins *i, int32_t pc) { vm->mem[(vm->reg[i->b] + i->imm) & 32767] = vm->reg[i->a]; return pc + 1; }
static int32_t op_blt(struct vm *vm, const struct ins *i, int32_t pc) { return vm->reg[i->a] < vm->reg[i->b] ? i->imm : pc + 1; }
static int32_t op_bge(struct vm *vm, const struct ins *i, int32_t pc) { return vm->reg[i->a] >= vm->reg[i->b] ? i->imm : pc + 1; }
static int32_t op_beq(struct vm *vm, const struct ins *i, int32_t pc) { return vm->reg[i->a] == vm->reg[i->b] ? i->imm : pc + 1; }
static int32_t op_jmp(struct vm *vm, const struct ins *i, int32_t pc) { (void)vm; return i->imm; }
static int32_t op_call(struct vm *vm, const struct ins *i, int32_t pc) { vm->stack[vm->sp++ & 4095] = pc + 1; return i->imm; }
static int32_t op_ret(struct vm *vm, const struct ins *i, int32_t pc) { (void)i; (void)pc; return vm->stack[--vm->sp & 4095]; }
static int32_t op_halt(struct vm *vm, const struct ins *i, int32_t pc) { (void)vm; (void)i; (void)pc; return -1; }

static const handler handlers[OP_COUNT] = {
    op_li, op_mov, op_add, op_sub, op_mul, op_addi, op_and, op_shri,
    op_ld, op_st, op_blt, op_bge, op_beq, op_jmp, op_call, op_ret, op_halt,
};

static void run(struct vm *vm, const struct ins *code)
{
    int32_t pc = 0;
    vm->code = code;
    vm->sp = 0;
    while (pc >= 0) {
        const struct ins *i = &code[pc];
        pc = handlers[i->op](vm, i, pc);
        vm->executed++;
    }
}

#define I(op, a, b, c, imm) { OP_##op, a, b, c, imm }

/* r0 = sum over k < r1 of (k * k) & 0xffff, r1 given. */
static const struct ins series[] = {
    I(LI, 0, 0, 0, 0),        /* 0: sum = 0 */
    I(LI, 2, 0, 0, 0),        /* 1: k = 0 */
    I(LI, 4, 0, 0, 0xffff),   /* 2: mask */
    I(BGE, 2, 1, 0, 9),       /* 3: while k < n */
    I(MUL, 3, 2, 2, 0),       /* 4: t = k * k */
    I(AND, 3, 3, 4, 0),       /* 5: t &= mask */
    I(ADD, 0, 0, 3, 0),       /* 6: sum += t */
    I(ADDI, 2, 2, 0, 1),      /* 7: k++ */
    I(JMP, 0, 0, 0, 3),       /* 8 */
    I(HALT, 0, 0, 0, 0),      /* 9 */
};

/* Sieve of Eratosthenes over mem[0..r1): r0 = number of primes below r1. */
static const struct ins sieve[] = {
    I(LI, 2, 0, 0, 0),        /* 0: i = 0 */
    I(LI, 5, 0, 0, 1),        /* 1: one */
    I(BGE, 2, 1, 0, 6),       /* 2: mem[i] = 1 for i < n */
    I(ST, 5, 2, 0, 0),        /* 3 */
    I(ADDI, 2, 2, 0, 1),      /* 4 */
    I(JMP, 0, 0, 0, 2),       /* 5 */
    I(LI, 0, 0, 0, 0),        /* 6: count = 0 */
    I(LI, 2, 0, 0, 2),        /* 7: i = 2 */
    I(LI, 6, 0, 0, 0),        /* 8: zero */
    I(BGE, 2, 1, 0, 20),      /* 9: for i < n */
    I(LD, 3, 2, 0, 0),        /* 10: composite? next */
    I(BEQ, 3, 6, 0, 18),      /* 11 */
    I(ADDI, 0, 0, 0, 1),      /* 12: count++ */
    I(MUL, 4, 2, 2, 0),       /* 13: j = i * i */
    I(BGE, 4, 1, 0, 18),      /* 14: for j < n */
    I(ST, 6, 4, 0, 0),        /* 15: mem[j] = 0 */
    I(ADD, 4, 4, 2, 0),       /* 16: j += i */
    I(JMP, 0, 0, 0, 14),      /* 17 */
    I(ADDI, 2, 2, 0, 1),      /* 18: i++ */
    I(JMP, 0, 0, 0, 9),       /* 19 */
    I(HALT, 0, 0, 0, 0),      /* 20 */
};

/* fib(r1) by naive recursion: arguments and results in registers, spills in
 * VM memory through a frame pointer r8. */
static const struct ins fib[] = {
    I(LI, 8, 0, 0, 0),        /* 0: frame pointer */
    I(CALL, 0, 0, 0, 3),      /* 1: r0 = fib(r1) */
    I(HALT, 0, 0, 0, 0),      /* 2 */
    I(LI, 6, 0, 0, 2),        /* 3: fib: if n < 2 return n */
    I(BGE, 1, 6, 0, 7),       /* 4 */
    I(MOV, 0, 1, 0, 0),       /* 5 */
    I(RET, 0, 0, 0, 0),       /* 6 */
    I(ST, 1, 8, 0, 0),        /* 7: save n */
    I(ADDI, 8, 8, 0, 2),      /* 8: push frame */
    I(ADDI, 1, 1, 0, -1),     /* 9 */
    I(CALL, 0, 0, 0, 3),      /* 10: a = fib(n - 1) */
    I(ST, 0, 8, 0, -1),       /* 11: save a */
    I(LD, 1, 8, 0, -2),       /* 12: n */
    I(ADDI, 1, 1, 0, -2),     /* 13 */
    I(CALL, 0, 0, 0, 3),      /* 14: b = fib(n - 2) */
    I(LD, 3, 8, 0, -1),       /* 15: a */
    I(ADD, 0, 0, 3, 0),       /* 16: a + b */
    I(ADDI, 8, 8, 0, -2),     /* 17: pop frame */
    I(RET, 0, 0, 0, 0),       /* 18 */
};

static struct vm vm;

static int64_t fib_native(int64_t n) { return n < 2 ? n : fib_native(n - 1) + fib_native(n - 2); }

static int64_t primes_below(int64_t n)
{
    static uint8_t composite[32768];
    int64_t count = 0;
    memset(composite, 0, sizeof composite);
    for (int64_t i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        for (int64_t j = i * i; j < n; j += i) composite[j] = 1;
    }
    return count;
}

#define SERIES_N 6000000
#define SIEVE_N 32768
#define SIEVE_RUNS 60
#define FIB_N 29

int main(void)
{
    int failures = 0;
    uint64_t checksum = 0;

    vm.reg[1] = SERIES_N;
    run(&vm, series);
    int64_t expect = 0;
    for (int64_t k = 0; k < SERIES_N; k++) expect += (k * k) & 0xffff;
    printf("series(%d) = %lld\n", SERIES_N, (long long)vm.reg[0]);
    if (vm.reg[0] != expect) { printf("FAIL series: expected %lld\n", (long long)expect); failures++; }
    checksum = checksum * 31 + (uint64_t)vm.reg[0];

    for (int r = 0; r < SIEVE_RUNS; r++) {
        vm.reg[1] = SIEVE_N - r;
        run(&vm, sieve);
        expect = primes_below(SIEVE_N - r);
        if (vm.reg[0] != expect) { printf("FAIL sieve(%d): %lld, expected %lld\n", SIEVE_N - r, (long long)vm.reg[0], (long long)expect); failures++; }
        checksum = checksum * 31 + (uint64_t)vm.reg[0];
    }
    printf("primes below %d = %lld\n", SIEVE_N - SIEVE_RUNS + 1, (long long)vm.reg[0]);

    vm.reg[1] = FIB_N;
    run(&vm, fib);
    expect = fib_native(FIB_N);
    printf("fib(%d) = %lld\n", FIB_N, (long long)vm.reg[0]);
    if (vm.reg[0] != expect) { printf("FAIL fib: expected %lld\n", (long long)expect); failures++; }
    checksum = checksum * 31 + (uint64_t)vm.reg[0];

    printf("instructions: %llu\n", (unsigned long long)vm.executed);
    printf("checksum: %016llx\n", (unsigned long long)(checksum ^ vm.executed));
    return failures ? 1 : 0;
}
