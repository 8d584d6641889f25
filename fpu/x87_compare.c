/*
 * x87_compare.c - FCOM FCOMP FCOMPP FICOM FICOMP FUCOM FUCOMP FUCOMPP FTST
 * FXAM (condition codes C3 C2 C0) and FCOMI FCOMIP FUCOMI FUCOMIP (EFLAGS
 * ZF PF CF, OF SF AF cleared; the frontend treats the helper as writing
 * every flag, so lazy flags are never stale after it).
 *
 * FCOM and FICOM signal IE for any NaN, the FUCOM family only for SNaNs.
 */
#include "fpu/x87_internal.h"

#include "cpu/flags.h"

static const uint16_t rel_cc[] = {
    [F80_LT] = FSW_C0, [F80_EQ] = FSW_C3, [F80_GT] = 0,
    [F80_UNORDERED] = FSW_C3 | FSW_C2 | FSW_C0,
};
static const uint32_t rel_eflags[] = {
    [F80_LT] = F_CF, [F80_EQ] = F_ZF, [F80_GT] = 0, [F80_UNORDERED] = F_ZF | F_PF | F_CF,
};

static void pop_n(struct x87_state *s, int n)
{
    while (n-- > 0)
        x87_pop(s);
}

/* ST0 against v (or ST(i)); sets C3 C2 C0, clears C1. */
static void com(struct x87_state *s, f80 v, bool v_empty, bool quiet, int pops)
{
    if (x87_empty(s, 0) || v_empty) {
        if (x87_stack_fault(s, false)) {
            x87_set_cc(s, FSW_C3 | FSW_C2 | FSW_C0);
            pop_n(s, pops);
        }
        return;
    }
    struct f80_env e = x87_env(s);
    enum f80_rel r = f80_compare(&e, *x87_st(s, 0), v, quiet);
    if (!x87_post(s, &e))
        return;
    x87_set_cc(s, rel_cc[r]);
    pop_n(s, pops);
}

static void comi(struct cpu *cpu, int i, bool quiet, bool pop)
{
    struct x87_state *s = &cpu->fpu;
    enum f80_rel r = F80_UNORDERED;
    if (x87_empty(s, 0) || x87_empty(s, i)) {
        if (!x87_stack_fault(s, false))
            return;
    } else {
        struct f80_env e = x87_env(s);
        r = f80_compare(&e, *x87_st(s, 0), *x87_st(s, i), quiet);
        if (!x87_post(s, &e))
            return;
        s->fsw &= (uint16_t)~FSW_C1;
    }
    cpu_set_eflags(cpu, rel_eflags[r], F_ARITH);
    if (pop)
        x87_pop(s);
}

static uint16_t fxam(const struct x87_state *s)
{
    static const uint16_t cls_cc[] = {
        [F80_UNSUPPORTED] = 0, [F80_NAN] = FSW_C0, [F80_NORMAL] = FSW_C2,
        [F80_INFINITY] = FSW_C2 | FSW_C0, [F80_ZERO] = FSW_C3,
        [F80_EMPTY] = FSW_C3 | FSW_C0, [F80_DENORMAL] = FSW_C3 | FSW_C2,
    };
    const f80 *v = &s->r[x87_phys(s, 0)];
    uint16_t c1 = f80_sign(*v) ? FSW_C1 : 0;
    if (x87_empty(s, 0))
        return cls_cc[F80_EMPTY] | c1;
    return cls_cc[f80_classify(*v)] | c1;
}

void x87_compare(struct cpu *cpu, uint32_t b, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    int i = X87_STI(b);
    switch (X87_OP(b)) {
    case X87_ARITH_MEM: {
        static const uint32_t size[] = { 4, 8, 10, 2, 4 };
        x87_check_mem(cpu, m, size[X87_FMT(b)], false);
        struct f80_env e = x87_env(s);
        f80 v = x87_read_operand(cpu, &e, X87_FMT(b), m->lin);
        /* A signalling NaN in memory is an invalid operation of its own. */
        if (!x87_post(s, &e))
            return;
        com(s, v, false, false, X87_SUB(b) == X87_K_COMP);
        break;
    }
    case X87_FCOM_STI: case X87_FUCOM_STI:
        com(s, *x87_st(s, i), x87_empty(s, i), X87_OP(b) == X87_FUCOM_STI, X87_FMT(b));
        break;
    case X87_FCOMI: case X87_FUCOMI:
        comi(cpu, i, X87_OP(b) == X87_FUCOMI, X87_POP(b));
        break;
    case X87_FTST:
        com(s, (f80){ 0, 0 }, false, false, 0);
        break;
    case X87_FXAM:
        x87_set_cc(s, fxam(s));
        break;
    }
}
