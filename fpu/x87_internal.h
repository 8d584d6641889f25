/*
 * x87_internal.h - what fpu/x87_*.c share: the register stack, exception
 * bookkeeping and guest memory access.  Not for other folders.
 *
 * The rule every instruction follows: check everything that can fault
 * (segment, page, stack) first, then compute, then change state, so that
 * a #PF or an unmasked exception leaves the FPU as it was.
 */
#ifndef BT86_FPU_X87_INTERNAL_H
#define BT86_FPU_X87_INTERNAL_H

#include "cpu/cpu.h"
#include "base/f80.h"
#include "fpu/x87.h"

#include <stdbool.h>
#include <stdint.h>

static inline int x87_phys(const struct x87_state *s, int i)
{
    return (s->top + i) & 7;
}

static inline f80 *x87_st(struct x87_state *s, int i)
{
    return &s->r[x87_phys(s, i)];
}

static inline bool x87_empty(const struct x87_state *s, int i)
{
    return (s->empty >> x87_phys(s, i)) & 1;
}

static inline void x87_set(struct x87_state *s, int i, f80 v)
{
    int p = x87_phys(s, i);
    s->r[p] = v;
    s->empty &= (uint8_t)~(1u << p);
}

static inline void x87_pop(struct x87_state *s)
{
    s->empty |= (uint8_t)(1u << s->top);
    s->top = (s->top + 1) & 7;
}

static inline void x87_push(struct x87_state *s, f80 v)
{
    s->top = (s->top - 1) & 7;
    x87_set(s, 0, v);
}

static inline uint16_t x87_fsw(const struct x87_state *s)
{
    return (uint16_t)((s->fsw & ~FSW_TOP) | (s->top << 11));
}

static inline void x87_set_cc(struct x87_state *s, uint16_t cc)
{
    s->fsw = (uint16_t)((s->fsw & ~FSW_CC) | cc);
}

static inline struct f80_env x87_env(const struct x87_state *s)
{
    struct f80_env e;
    f80_env_from_cw(&e, s->fcw);
    return e;
}

/* Merge an operation's flags into FSW (C1 from rounding).  Returns whether
 * the result may be written: not after an unmasked I, D or Z exception. */
bool x87_post(struct x87_state *s, const struct f80_env *e);
/* Same for a store to memory: unmasked O and U also keep memory unchanged. */
bool x87_post_store(struct x87_state *s, const struct f80_env *e);
/* Stack overflow (push onto a full register) or underflow (read of an empty
 * one): IE, SF, C1.  Returns whether IE is masked, i.e. whether the caller
 * delivers the indefinite. */
bool x87_stack_fault(struct x87_state *s, bool overflow);
/* ES and B follow the unmasked exception bits (after FLDCW, FLDENV...). */
void x87_update_es(struct x87_state *s);
/* Full tag word computed from the contents, as FNSTENV/FNSAVE write it. */
uint16_t x87_tag_word(const struct x87_state *s);

/* Guest memory: a = linear address, off = offset in seg, as the frontend
 * computed them.  x87_check_mem raises #GP/#SS/#PF for the whole range. */
struct x87_mem {
    uint32_t lin, off;
    int seg;
};
void x87_check_mem(struct cpu *cpu, const struct x87_mem *m, uint32_t len, bool write);
uint32_t x87_rd(struct cpu *cpu, uint32_t lin, int size);
uint64_t x87_rd64(struct cpu *cpu, uint32_t lin);
f80 x87_rd80(struct cpu *cpu, uint32_t lin);
void x87_wr(struct cpu *cpu, uint32_t lin, uint32_t v, int size);
void x87_wr64(struct cpu *cpu, uint32_t lin, uint64_t v);
void x87_wr80(struct cpu *cpu, uint32_t lin, f80 v);

/* Per concern (b is the packed operation, see fpu/x87.h). */
void x87_load_store(struct cpu *cpu, uint32_t b, const struct x87_mem *m);   /* x87_loadstore.c */
void x87_arith(struct cpu *cpu, uint32_t b, const struct x87_mem *m);        /* x87_arith.c */
/* A D8/DC/DA/DE memory operand (m32fp, m64fp, m16int, m32int) as an f80. */
f80 x87_read_operand(struct cpu *cpu, struct f80_env *e, int fmt, uint32_t lin);
void x87_transcendental(struct cpu *cpu, uint32_t b);                        /* x87_arith.c */
void x87_compare(struct cpu *cpu, uint32_t b, const struct x87_mem *m);      /* x87_compare.c */
void x87_control(struct cpu *cpu, uint32_t b, const struct x87_mem *m);      /* x87_control.c */
void x87_env_store(struct cpu *cpu, const struct x87_mem *m, bool o16);      /* x87_save.c */
void x87_env_load(struct cpu *cpu, const struct x87_mem *m, bool o16);
void x87_save_restore(struct cpu *cpu, uint32_t b, const struct x87_mem *m);

#endif
