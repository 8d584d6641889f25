/*
 * x87_save.c - FNSTENV FLDENV FNSAVE FRSTOR in their four layouts (16- or
 * 32-bit operand size, real/V86 or protected mode) and FXSAVE FXRSTOR.
 *
 * Real-mode layouts hold 20-bit (16-bit form) or 32-bit linear pointers
 * split around the opcode; protected-mode ones hold selector and offset.
 * The tag word written is computed from the registers (x87_tag_word); a
 * loaded one only says which registers are empty.  The reserved upper
 * halves of the 32-bit layout's first dwords are written as 0xffff, as
 * Intel hardware does (checked on the host CPU: see guests/x87/x87.c);
 * QEMU writes zero there.
 *
 * bt86 has no SSE, so FXSAVE leaves MXCSR and the XMM area alone beyond
 * writing MXCSR and its mask as zero.
 */
#include "fpu/x87_internal.h"


static bool real_layout(const struct cpu *cpu)
{
    return !(cpu->cr[0] & CR0_PE) || (cpu->eflags & F_VM);
}

static uint32_t env_len(bool o16)
{
    return o16 ? 14 : 28;
}

void x87_env_store(struct cpu *cpu, const struct x87_mem *m, bool o16)
{
    struct x87_state *s = &cpu->fpu;
    uint32_t a = m->lin;
    uint32_t w[7];
    w[0] = s->fcw;
    w[1] = x87_fsw(s);
    w[2] = x87_tag_word(s);
    if (real_layout(cpu)) {
        uint32_t ip = (uint32_t)s->fcs * 16 + s->fip, dp = (uint32_t)s->fds * 16 + s->fdp;
        w[3] = ip & 0xffff;
        w[4] = (ip >> 16) << 12 | s->fop;
        w[5] = dp & 0xffff;
        w[6] = (dp >> 16) << 12;
        if (o16) {
            w[4] &= 0xffff;
            w[6] &= 0xffff;
        }
    } else {
        w[3] = s->fip;
        w[4] = s->fcs | (uint32_t)s->fop << 16;
        w[5] = s->fdp;
        w[6] = s->fds;
    }
    if (!o16 && !real_layout(cpu))
        w[6] |= 0xffff0000u;
    for (int i = 0; i < 7; i++) {
        if (o16)
            x87_wr(cpu, a + 2 * i, w[i] & 0xffff, 2);
        else
            x87_wr(cpu, a + 4 * i, i < 3 ? w[i] | 0xffff0000u : w[i], 4);
    }
}

void x87_env_load(struct cpu *cpu, const struct x87_mem *m, bool o16)
{
    struct x87_state *s = &cpu->fpu;
    uint32_t w[7];
    for (int i = 0; i < 7; i++)
        w[i] = o16 ? x87_rd(cpu, m->lin + 2 * i, 2) : x87_rd(cpu, m->lin + 4 * i, 4);
    s->fcw = (uint16_t)w[0];
    s->top = (w[1] >> 11) & 7;
    s->fsw = (uint16_t)(w[1] & ~FSW_TOP);
    s->empty = 0;
    for (int i = 0; i < 8; i++)
        if (((w[2] >> (2 * i)) & 3) == 3)
            s->empty |= (uint8_t)(1u << i);
    if (real_layout(cpu)) {
        uint32_t hi = o16 ? 0xf000 : 0x0ffff000;
        s->fip = (w[3] & 0xffff) | ((w[4] & hi) << 4);
        s->fop = w[4] & 0x7ff;
        s->fdp = (w[5] & 0xffff) | ((w[6] & hi) << 4);
        s->fcs = s->fds = 0;
    } else {
        s->fip = w[3];
        s->fcs = (uint16_t)w[4];
        s->fop = o16 ? s->fop : (w[4] >> 16) & 0x7ff;
        s->fdp = w[5];
        s->fds = (uint16_t)w[6];
    }
}

static void fxsave(struct cpu *cpu, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    uint32_t a = m->lin;
    uint8_t ftw = 0;
    for (int i = 0; i < 8; i++)
        if (!((s->empty >> i) & 1))
            ftw |= (uint8_t)(1u << i);
    x87_wr(cpu, a + 0, s->fcw, 2);
    x87_wr(cpu, a + 2, x87_fsw(s), 2);
    x87_wr(cpu, a + 4, ftw, 2);
    x87_wr(cpu, a + 6, s->fop, 2);
    x87_wr(cpu, a + 8, s->fip, 4);
    x87_wr(cpu, a + 12, s->fcs, 4);
    x87_wr(cpu, a + 16, s->fdp, 4);
    x87_wr(cpu, a + 20, s->fds, 4);
    x87_wr64(cpu, a + 24, 0);
    for (int i = 0; i < 8; i++) {
        x87_wr80(cpu, a + 32 + 16 * i, *x87_st(s, i));
        x87_wr(cpu, a + 42 + 16 * i, 0, 2);
        x87_wr(cpu, a + 44 + 16 * i, 0, 4);
    }
}

static void fxrstor(struct cpu *cpu, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    uint32_t a = m->lin;
    f80 r[8];
    for (int i = 0; i < 8; i++)
        r[i] = x87_rd80(cpu, a + 32 + 16 * i);
    s->fcw = (uint16_t)x87_rd(cpu, a, 2);
    uint16_t fsw = (uint16_t)x87_rd(cpu, a + 2, 2);
    s->top = (fsw >> 11) & 7;
    s->fsw = (uint16_t)(fsw & ~FSW_TOP);
    s->empty = (uint8_t)~x87_rd(cpu, a + 4, 1);
    s->fop = x87_rd(cpu, a + 6, 2) & 0x7ff;
    s->fip = x87_rd(cpu, a + 8, 4);
    s->fcs = (uint16_t)x87_rd(cpu, a + 12, 2);
    s->fdp = x87_rd(cpu, a + 16, 4);
    s->fds = (uint16_t)x87_rd(cpu, a + 20, 2);
    for (int i = 0; i < 8; i++)
        s->r[x87_phys(s, i)] = r[i];
}

void x87_save_restore(struct cpu *cpu, uint32_t b, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    bool o16 = X87_O16(b);
    uint32_t env = env_len(o16);
    switch (X87_OP(b)) {
    case X87_FNSTENV:
        x87_check_mem(cpu, m, env, true);
        x87_env_store(cpu, m, o16);
        s->fcw |= 0x3f;
        break;
    case X87_FLDENV:
        x87_check_mem(cpu, m, env, false);
        x87_env_load(cpu, m, o16);
        break;
    case X87_FNSAVE: {
        x87_check_mem(cpu, m, env + 80, true);
        x87_env_store(cpu, m, o16);
        for (int i = 0; i < 8; i++)
            x87_wr80(cpu, m->lin + env + 10 * i, *x87_st(s, i));
        x87_reset(s, 0);
        break;
    }
    case X87_FRSTOR: {
        x87_check_mem(cpu, m, env + 80, false);
        f80 r[8];
        for (int i = 0; i < 8; i++)
            r[i] = x87_rd80(cpu, m->lin + env + 10 * i);
        x87_env_load(cpu, m, o16);
        for (int i = 0; i < 8; i++)
            s->r[x87_phys(s, i)] = r[i];
        break;
    }
    case X87_FXSAVE: case X87_FXRSTOR:
        if (m->lin & 15)
            cpu_raise_gp(cpu, 0);
        x87_check_mem(cpu, m, 512, X87_OP(b) == X87_FXSAVE);
        if (X87_OP(b) == X87_FXSAVE)
            fxsave(cpu, m);
        else
            fxrstor(cpu, m);
        break;
    }
}
