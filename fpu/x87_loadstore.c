/*
 * x87_loadstore.c - moving values onto, off and around the register stack:
 * FLD/FILD/FBLD, FST(P)/FIST(P)/FBSTP in every memory format, FLD/FST ST(i),
 * FXCH, FFREE(P), FINCSTP/FDECSTP, the constants, FCMOVcc.
 *
 * Stores check the destination (segment and page) before touching the
 * stack, so that a faulting FSTP leaves TOP and the tags as they were.
 */
#include "fpu/x87_internal.h"

static const uint32_t fmt_size[] = { 4, 8, 10, 2, 4, 8, 10 };

static f80 load_mem(struct cpu *cpu, struct f80_env *e, int fmt, uint32_t lin)
{
    switch (fmt) {
    case X87_M32F:
        return f80_from_f32(e, x87_rd(cpu, lin, 4));
    case X87_M64F:
        return f80_from_f64(e, x87_rd64(cpu, lin));
    case X87_M80F:
        return x87_rd80(cpu, lin);
    case X87_M16I:
        return f80_from_i64((int16_t)x87_rd(cpu, lin, 2));
    case X87_M32I:
        return f80_from_i64((int32_t)x87_rd(cpu, lin, 4));
    case X87_M64I:
        return f80_from_i64((int64_t)x87_rd64(cpu, lin));
    default: {
        uint8_t bcd[10];
        for (int i = 0; i < 10; i++)
            bcd[i] = (uint8_t)x87_rd(cpu, lin + i, 1);
        return f80_from_bcd(bcd);
    }
    }
}

static void fld_mem(struct cpu *cpu, int fmt, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    x87_check_mem(cpu, m, fmt_size[fmt], false);
    struct f80_env e = x87_env(s);
    f80 v = load_mem(cpu, &e, fmt, m->lin);
    if (!x87_empty(s, 7)) {
        if (x87_stack_fault(s, true))
            x87_push(s, f80_default_nan);
        return;
    }
    if (x87_post(s, &e))
        x87_push(s, v);
}

/* The "indefinite" of each format, stored for a masked invalid operation. */
static void store_indefinite(struct cpu *cpu, int fmt, uint32_t lin)
{
    switch (fmt) {
    case X87_M32F: x87_wr(cpu, lin, 0xffc00000u, 4); break;
    case X87_M64F: x87_wr64(cpu, lin, 0xfff8000000000000ull); break;
    case X87_M80F: x87_wr80(cpu, lin, f80_default_nan); break;
    case X87_M16I: x87_wr(cpu, lin, 0x8000, 2); break;
    case X87_M32I: x87_wr(cpu, lin, 0x80000000u, 4); break;
    case X87_M64I: x87_wr64(cpu, lin, 1ull << 63); break;
    default:
        x87_wr64(cpu, lin, 0xc000000000000000ull);
        x87_wr(cpu, lin + 8, 0xffff, 2);
        break;
    }
}

static void fst_mem(struct cpu *cpu, int fmt, bool pop, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    x87_check_mem(cpu, m, fmt_size[fmt], true);
    if (x87_empty(s, 0)) {
        if (x87_stack_fault(s, false)) {
            store_indefinite(cpu, fmt, m->lin);
            if (pop)
                x87_pop(s);
        }
        return;
    }
    struct f80_env e = x87_env(s);
    f80 v = *x87_st(s, 0);
    uint64_t bits = 0;
    uint8_t bcd[10];
    switch (fmt) {
    case X87_M32F: bits = f80_to_f32(&e, v); break;
    case X87_M64F: bits = f80_to_f64(&e, v); break;
    case X87_M80F: break;
    case X87_M16I: bits = (uint16_t)f80_to_i16(&e, v); break;
    case X87_M32I: bits = (uint32_t)f80_to_i32(&e, v); break;
    case X87_M64I: bits = (uint64_t)f80_to_i64(&e, v); break;
    default: f80_to_bcd(&e, v, bcd); break;
    }
    if (!x87_post_store(s, &e))
        return;
    switch (fmt) {
    case X87_M32F: case X87_M32I: x87_wr(cpu, m->lin, (uint32_t)bits, 4); break;
    case X87_M16I: x87_wr(cpu, m->lin, (uint32_t)bits, 2); break;
    case X87_M64F: case X87_M64I: x87_wr64(cpu, m->lin, bits); break;
    case X87_M80F: x87_wr80(cpu, m->lin, v); break;
    default:
        for (int i = 0; i < 10; i++)
            x87_wr(cpu, m->lin + i, bcd[i], 1);
        break;
    }
    if (pop)
        x87_pop(s);
}

/* Read ST(i) for a move; an empty one is an underflow (false: leave all). */
static bool read_st(struct x87_state *s, int i, f80 *v)
{
    if (!x87_empty(s, i)) {
        *v = *x87_st(s, i);
        return true;
    }
    if (!x87_stack_fault(s, false))
        return false;
    *v = f80_default_nan;
    return true;
}

static void fxch(struct x87_state *s, int i)
{
    f80 a, b;
    bool ea = x87_empty(s, 0), eb = x87_empty(s, i);
    if ((ea || eb) && !x87_stack_fault(s, false))
        return;
    a = ea ? f80_default_nan : *x87_st(s, 0);
    b = eb ? f80_default_nan : *x87_st(s, i);
    x87_set(s, 0, b);
    x87_set(s, i, a);
    if (!ea && !eb)
        s->fsw &= (uint16_t)~FSW_C1;
}

void x87_load_store(struct cpu *cpu, uint32_t b, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    int i = X87_STI(b);
    f80 v;
    switch (X87_OP(b)) {
    case X87_FLD_MEM:
        fld_mem(cpu, X87_FMT(b), m);
        break;
    case X87_FST_MEM:
        fst_mem(cpu, X87_FMT(b), X87_POP(b), m);
        break;
    case X87_FLD_STI:
        if (!x87_empty(s, 7)) {
            if (x87_stack_fault(s, true))
                x87_push(s, f80_default_nan);
        } else if (read_st(s, i, &v)) {
            s->fsw &= (uint16_t)~FSW_C1;
            x87_push(s, v);
        }
        break;
    case X87_FST_STI:
        if (read_st(s, 0, &v)) {
            s->fsw &= (uint16_t)~FSW_C1; /* an underflow clears it too */
            x87_set(s, i, v);
            if (X87_POP(b))
                x87_pop(s);
        }
        break;
    case X87_FXCH:
        fxch(s, i);
        break;
    case X87_FFREE:
        s->empty |= (uint8_t)(1u << x87_phys(s, i));
        if (X87_POP(b))
            x87_pop(s);
        break;
    case X87_FINCSTP:
        s->top = (s->top + 1) & 7;
        s->fsw &= (uint16_t)~FSW_C1;
        break;
    case X87_FDECSTP:
        s->top = (s->top - 1) & 7;
        s->fsw &= (uint16_t)~FSW_C1;
        break;
    case X87_FLDCONST: {
        if (!x87_empty(s, 7)) {
            if (x87_stack_fault(s, true))
                x87_push(s, f80_default_nan);
            break;
        }
        struct f80_env e = x87_env(s);
        s->fsw &= (uint16_t)~FSW_C1;
        x87_push(s, f80_const(&e, (enum f80_const)X87_SUB(b)));
        break;
    }
    case X87_FCMOV:
        /* m->lin carries the condition, evaluated inline by the frontend. */
        if (x87_empty(s, 0) || x87_empty(s, i)) {
            if (x87_stack_fault(s, false) && m->lin)
                x87_set(s, 0, f80_default_nan);
            break;
        }
        s->fsw &= (uint16_t)~FSW_C1;
        if (m->lin)
            x87_set(s, 0, *x87_st(s, i));
        break;
    }
}
