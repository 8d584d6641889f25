/*
 * x87_control.c - the control instructions: FNINIT FNCLEX FLDCW FNSTCW
 * FNSTSW (m16 and AX) FNOP.  None of them touches FIP, FDP or FOP.
 */
#include "fpu/x87_internal.h"

void x87_control(struct cpu *cpu, uint32_t b, const struct x87_mem *m)
{
    struct x87_state *s = &cpu->fpu;
    switch (X87_OP(b)) {
    case X87_FNINIT:
        x87_reset(s, 0);
        break;
    case X87_FNCLEX:
        s->fsw &= (uint16_t)~(FSW_B | FSW_ES | FSW_SF | 0x3f);
        break;
    case X87_FLDCW:
        x87_check_mem(cpu, m, 2, false);
        /* Bit 6 is reserved and reads as 1 (host CPU; QEMU keeps what was written). */
        s->fcw = (uint16_t)(x87_rd(cpu, m->lin, 2) | 0x40);
        x87_update_es(s);
        break;
    case X87_FNSTCW:
        x87_check_mem(cpu, m, 2, true);
        x87_wr(cpu, m->lin, s->fcw, 2);
        break;
    case X87_FNSTSW:
        x87_check_mem(cpu, m, 2, true);
        x87_wr(cpu, m->lin, x87_fsw(s), 2);
        break;
    case X87_FNSTSW_AX:
        cpu->r[R_EAX] = (cpu->r[R_EAX] & 0xffff0000u) | x87_fsw(s);
        break;
    default: /* FNOP, and FENI/FDISI/FSETPM, which the 387 and later ignore */
        break;
    }
}
