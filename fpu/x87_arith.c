/*
 * x87_arith.c - FADD FSUB FSUBR FMUL FDIV FDIVR in every form (memory real
 * and integer, ST0 op ST(i), ST(i) op ST0, popping), and the one- and
 * two-operand instructions of D9 (FSQRT ... FCOS, FPREM, FSCALE, FPATAN...).
 *
 * FCOM/FICOM with a memory operand share the decoding of D8/DC/DA/DE and
 * are handed to x87_compare.c's logic through x87_compare().
 */
#include "fpu/x87_internal.h"

static const uint32_t arith_size[] = { 4, 8, 10, 2, 4, 8, 10 };

static f80 calc(struct f80_env *e, int kind, f80 a, f80 b)
{
    switch (kind) {
    case X87_K_ADD: return f80_add(e, a, b);
    case X87_K_MUL: return f80_mul(e, a, b);
    case X87_K_SUB: return f80_sub(e, a, b);
    case X87_K_SUBR: return f80_sub(e, b, a);
    case X87_K_DIV: return f80_div(e, a, b);
    default: return f80_div(e, b, a);
    }
}

f80 x87_read_operand(struct cpu *cpu, struct f80_env *e, int fmt, uint32_t lin)
{
    switch (fmt) {
    case X87_M32F: return f80_from_f32(e, x87_rd(cpu, lin, 4));
    case X87_M64F: return f80_from_f64(e, x87_rd64(cpu, lin));
    case X87_M16I: return f80_from_i64((int16_t)x87_rd(cpu, lin, 2));
    default: return f80_from_i64((int32_t)x87_rd(cpu, lin, 4));
    }
}

void x87_arith(struct cpu *cpu, uint32_t b, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    int op = X87_OP(b), kind = X87_SUB(b), i = X87_STI(b);
    struct f80_env e = x87_env(s);
    f80 src;
    if (op == X87_ARITH_MEM) {
        if (kind == X87_K_COM || kind == X87_K_COMP) {
            x87_compare(cpu, b, m);
            return;
        }
        x87_check_mem(cpu, m, arith_size[X87_FMT(b)], false);
        src = x87_read_operand(cpu, &e, X87_FMT(b), m->lin);
        if (x87_empty(s, 0)) {
            if (x87_stack_fault(s, false))
                x87_set(s, 0, f80_default_nan);
            return;
        }
        f80 r = calc(&e, kind, *x87_st(s, 0), src);
        if (x87_post(s, &e))
            x87_set(s, 0, r);
        return;
    }
    /* Register forms: dst is ST0 (D8) or ST(i) (DC, DE). */
    int dst = op == X87_ARITH_ST0 ? 0 : i, other = op == X87_ARITH_ST0 ? i : 0;
    bool pop = X87_POP(b);
    if (x87_empty(s, dst) || x87_empty(s, other)) {
        if (x87_stack_fault(s, false)) {
            x87_set(s, dst, f80_default_nan);
            if (pop)
                x87_pop(s);
        }
        return;
    }
    f80 r = calc(&e, kind, *x87_st(s, dst), *x87_st(s, other));
    if (!x87_post(s, &e))
        return;
    x87_set(s, dst, r);
    if (pop)
        x87_pop(s);
}

static void unary(struct x87_state *s, int sub)
{
    struct f80_env e = x87_env(s);
    bool big = false;
    if (x87_empty(s, 0)) {
        /* The two-result ones also need a free register for the push. */
        if (x87_stack_fault(s, false)) {
            x87_set(s, 0, f80_default_nan);
            if (sub == X87_U_SINCOS || sub == X87_U_PTAN || sub == X87_U_XTRACT)
                x87_push(s, f80_default_nan);
        }
        return;
    }
    f80 a = *x87_st(s, 0), r, r2;
    switch (sub) {
    case X87_U_CHS: r = f80_chs(a); s->fsw &= (uint16_t)~FSW_C1; x87_set(s, 0, r); return;
    case X87_U_ABS: r = f80_abs(a); s->fsw &= (uint16_t)~FSW_C1; x87_set(s, 0, r); return;
    case X87_U_SQRT: r = f80_sqrt(&e, a); break;
    case X87_U_RNDINT: r = f80_round_int(&e, a); break;
    case X87_U_F2XM1: r = f80_2xm1(&e, a); break;
    case X87_U_SIN: case X87_U_COS:
        r = sub == X87_U_SIN ? f80_sin(&e, a, &big) : f80_cos(&e, a, &big);
        s->fsw = (uint16_t)((s->fsw & ~FSW_C2) | (big ? FSW_C2 : 0));
        if (big)
            return;
        break;
    default: {
        /* SINCOS, PTAN, XTRACT: ST0 replaced, then a push. */
        if (!x87_empty(s, 7)) {
            if (x87_stack_fault(s, true)) {
                x87_set(s, 0, f80_default_nan);
                x87_push(s, f80_default_nan);
            }
            return;
        }
        if (sub == X87_U_SINCOS) {
            f80_sincos(&e, a, &r, &r2, &big);
        } else if (sub == X87_U_PTAN) {
            r = f80_tan(&e, a, &big);
            r2 = f80_const(&e, F80_K_ONE);
        } else {
            f80_xtract(&e, a, &r, &r2);
        }
        if (sub != X87_U_XTRACT) {
            s->fsw = (uint16_t)((s->fsw & ~FSW_C2) | (big ? FSW_C2 : 0));
            if (big)
                return;
        }
        if (x87_post(s, &e)) {
            x87_set(s, 0, r);
            x87_push(s, r2);
        }
        return;
    }
    }
    if (x87_post(s, &e))
        x87_set(s, 0, r);
}

static void binary(struct x87_state *s, int sub)
{
    struct f80_env e = x87_env(s);
    bool pops = sub == X87_B_FYL2X || sub == X87_B_FYL2XP1 || sub == X87_B_FPATAN;
    if (x87_empty(s, 0) || x87_empty(s, 1)) {
        if (x87_stack_fault(s, false)) {
            x87_set(s, pops ? 1 : 0, f80_default_nan);
            if (pops)
                x87_pop(s);
        }
        return;
    }
    f80 st0 = *x87_st(s, 0), st1 = *x87_st(s, 1), r;
    switch (sub) {
    case X87_B_FYL2X: r = f80_yl2x(&e, st1, st0); break;
    case X87_B_FYL2XP1: r = f80_yl2xp1(&e, st1, st0); break;
    case X87_B_FPATAN: r = f80_atan2(&e, st1, st0); break;
    case X87_B_FSCALE: r = f80_scale(&e, st0, st1); break;
    default: {
        bool incomplete = false;
        unsigned q = 0;
        r = f80_rem(&e, st0, st1, sub == X87_B_FPREM1, &incomplete, &q);
        if (!x87_post(s, &e))
            return;
        uint16_t cc = incomplete ? FSW_C2
                                 : (uint16_t)((q & 4 ? FSW_C0 : 0) | (q & 2 ? FSW_C3 : 0) |
                                              (q & 1 ? FSW_C1 : 0));
        x87_set_cc(s, cc);
        x87_set(s, 0, r);
        return;
    }
    }
    if (!x87_post(s, &e))
        return;
    x87_set(s, pops ? 1 : 0, r);
    if (pops)
        x87_pop(s);
}

void x87_transcendental(struct cpu *cpu, uint32_t b)
{
    if (X87_OP(b) == X87_UNARY)
        unary(&cpu->fpu, X87_SUB(b));
    else
        binary(&cpu->fpu, X87_SUB(b));
}
