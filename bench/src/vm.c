/* A small stack-based bytecode VM (switch dispatch) running two programs:
 * Collatz step counting and trial-division prime counting. */
#include <stdio.h>
#include <stdint.h>

#define COLLATZ_LIMIT 80000
#define PRIME_LIMIT 45000

enum op {
    OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
    OP_AND, OP_SHR, OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ, OP_INC, OP_HALT,
};

struct vm {
    int64_t code[256];
    int len;
    int64_t reg[8];
    uint64_t executed;
};

static void emit(struct vm *vm, int64_t word)
{
    vm->code[vm->len++] = word;
}

/* Emits a jump with a placeholder target; returns where to patch it. */
static int emit_jump(struct vm *vm, enum op op)
{
    emit(vm, op);
    emit(vm, -1);
    return vm->len - 1;
}

static void patch(struct vm *vm, int at, int target)
{
    vm->code[at] = target;
}

static int run(struct vm *vm)
{
    int64_t stack[64];
    int sp = 0, pc = 0;
    uint64_t executed = 0;
    for (;;) {
        executed++;
        switch ((enum op)vm->code[pc++]) {
        case OP_PUSH: stack[sp++] = vm->code[pc++]; break;
        case OP_LOAD: stack[sp++] = vm->reg[vm->code[pc++]]; break;
        case OP_STORE: vm->reg[vm->code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_DIV: sp--; if (!stack[sp]) return -1; stack[sp - 1] /= stack[sp]; break;
        case OP_MOD: sp--; if (!stack[sp]) return -1; stack[sp - 1] %= stack[sp]; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_JMP: pc = (int)vm->code[pc]; break;
        case OP_JZ: pc = stack[--sp] ? pc + 1 : (int)vm->code[pc]; break;
        case OP_JNZ: pc = stack[--sp] ? (int)vm->code[pc] : pc + 1; break;
        case OP_INC: vm->reg[vm->code[pc++]]++; break;
        case OP_HALT: vm->executed += executed; return 0;
        default: return -1;
        }
        if (sp < 0 || sp > 60)
            return -1;
    }
}

/* r0 = n, r1 = total steps, r2 = max steps, r3 = x, r4 = steps */
static void build_collatz(struct vm *vm)
{
    vm->len = 0;
    emit(vm, OP_PUSH); emit(vm, 1); emit(vm, OP_STORE); emit(vm, 0);
    int outer = vm->len;
    emit(vm, OP_LOAD); emit(vm, 0); emit(vm, OP_PUSH); emit(vm, COLLATZ_LIMIT); emit(vm, OP_LT);
    int to_done = emit_jump(vm, OP_JZ);
    emit(vm, OP_LOAD); emit(vm, 0); emit(vm, OP_STORE); emit(vm, 3);
    emit(vm, OP_PUSH); emit(vm, 0); emit(vm, OP_STORE); emit(vm, 4);
    int inner = vm->len;
    emit(vm, OP_LOAD); emit(vm, 3); emit(vm, OP_PUSH); emit(vm, 1); emit(vm, OP_EQ);
    int to_inner_done = emit_jump(vm, OP_JNZ);
    emit(vm, OP_LOAD); emit(vm, 3); emit(vm, OP_PUSH); emit(vm, 1); emit(vm, OP_AND);
    int to_odd = emit_jump(vm, OP_JNZ);
    emit(vm, OP_LOAD); emit(vm, 3); emit(vm, OP_PUSH); emit(vm, 1); emit(vm, OP_SHR);
    emit(vm, OP_STORE); emit(vm, 3);
    int to_step = emit_jump(vm, OP_JMP);
    patch(vm, to_odd, vm->len);
    emit(vm, OP_LOAD); emit(vm, 3); emit(vm, OP_PUSH); emit(vm, 3); emit(vm, OP_MUL);
    emit(vm, OP_PUSH); emit(vm, 1); emit(vm, OP_ADD); emit(vm, OP_STORE); emit(vm, 3);
    patch(vm, to_step, vm->len);
    emit(vm, OP_INC); emit(vm, 4);
    emit(vm, OP_JMP); emit(vm, inner);
    patch(vm, to_inner_done, vm->len);
    emit(vm, OP_LOAD); emit(vm, 1); emit(vm, OP_LOAD); emit(vm, 4); emit(vm, OP_ADD);
    emit(vm, OP_STORE); emit(vm, 1);
    emit(vm, OP_LOAD); emit(vm, 2); emit(vm, OP_LOAD); emit(vm, 4); emit(vm, OP_LT);
    int to_no_max = emit_jump(vm, OP_JZ);
    emit(vm, OP_LOAD); emit(vm, 4); emit(vm, OP_STORE); emit(vm, 2);
    patch(vm, to_no_max, vm->len);
    emit(vm, OP_INC); emit(vm, 0);
    emit(vm, OP_JMP); emit(vm, outer);
    patch(vm, to_done, vm->len);
    emit(vm, OP_HALT);
}

/* r0 = n, r1 = prime count, r2 = sum of primes, r3 = divisor */
static void build_primes(struct vm *vm)
{
    vm->len = 0;
    emit(vm, OP_PUSH); emit(vm, 2); emit(vm, OP_STORE); emit(vm, 0);
    int outer = vm->len;
    emit(vm, OP_LOAD); emit(vm, 0); emit(vm, OP_PUSH); emit(vm, PRIME_LIMIT); emit(vm, OP_LT);
    int to_done = emit_jump(vm, OP_JZ);
    emit(vm, OP_PUSH); emit(vm, 2); emit(vm, OP_STORE); emit(vm, 3);
    int inner = vm->len;
    /* d * d < n + 1, i.e. d * d <= n */
    emit(vm, OP_LOAD); emit(vm, 3); emit(vm, OP_LOAD); emit(vm, 3); emit(vm, OP_MUL);
    emit(vm, OP_LOAD); emit(vm, 0); emit(vm, OP_PUSH); emit(vm, 1); emit(vm, OP_ADD);
    emit(vm, OP_LT);
    int to_prime = emit_jump(vm, OP_JZ);
    emit(vm, OP_LOAD); emit(vm, 0); emit(vm, OP_LOAD); emit(vm, 3); emit(vm, OP_MOD);
    int to_composite = emit_jump(vm, OP_JZ);
    emit(vm, OP_INC); emit(vm, 3);
    emit(vm, OP_JMP); emit(vm, inner);
    patch(vm, to_prime, vm->len);
    emit(vm, OP_INC); emit(vm, 1);
    emit(vm, OP_LOAD); emit(vm, 2); emit(vm, OP_LOAD); emit(vm, 0); emit(vm, OP_ADD);
    emit(vm, OP_STORE); emit(vm, 2);
    patch(vm, to_composite, vm->len);
    emit(vm, OP_INC); emit(vm, 0);
    emit(vm, OP_JMP); emit(vm, outer);
    patch(vm, to_done, vm->len);
    emit(vm, OP_HALT);
}

int main(void)
{
    static struct vm vm;
    uint64_t checksum = 0;

    build_collatz(&vm);
    for (int i = 0; i < 8; i++)
        vm.reg[i] = 0;
    if (run(&vm) != 0) {
        printf("FAIL: collatz program trapped\n");
        return 1;
    }
    printf("collatz below %d: total steps %llu, longest %llu\n", COLLATZ_LIMIT,
           (unsigned long long)vm.reg[1], (unsigned long long)vm.reg[2]);
    checksum = checksum * 1000003u + (uint64_t)vm.reg[1] + (uint64_t)vm.reg[2];

    build_primes(&vm);
    for (int i = 0; i < 8; i++)
        vm.reg[i] = 0;
    if (run(&vm) != 0) {
        printf("FAIL: primes program trapped\n");
        return 1;
    }
    printf("primes below %d: %llu, sum %llu\n", PRIME_LIMIT,
           (unsigned long long)vm.reg[1], (unsigned long long)vm.reg[2]);
    checksum = checksum * 1000003u + (uint64_t)vm.reg[1] + (uint64_t)vm.reg[2];

    printf("instructions executed: %llu\n", (unsigned long long)vm.executed);
    printf("checksum: %016llx\n", (unsigned long long)checksum);
    return 0;
}
