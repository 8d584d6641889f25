/*
 * x87_exec.c - entry from translated code: device-not-available and pending
 * error checks, FIP/FDP bookkeeping, dispatch per concern; plus the stack
 * and exception bookkeeping every x87 file shares.
 *
 * Error reporting follows the SDM: an unmasked exception only sets ES and B;
 * the next *waiting* x87 instruction (FWAIT and every escape but FNINIT,
 * FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE, and FXSAVE/FXRSTOR) reports it:
 * #MF when CR0.NE=1, else FERR#, which the PC turns into IRQ 13 until a
 * write to port F0.  With NE=0 the instruction waits for that interrupt,
 * as the hardware freezes until the IRQ 13 handler has cleared the error.
 */
#include "fpu/x87_internal.h"

#include "softmmu/segment.h"
#include "softmmu/tlb.h"

void x87_reset(struct x87_state *s, int power_on)
{
    int ferr = s->ferr;
    for (int i = 0; i < 8; i++)
        s->r[i] = (f80){ 0, 0 };
    s->fcw = power_on ? 0x0040 : 0x037f;
    s->fsw = 0;
    s->top = 0;
    s->empty = 0xff;
    s->fop = 0;
    s->fcs = s->fds = 0;
    s->fip = s->fdp = 0;
    s->ferr = power_on ? 0 : ferr; /* FNINIT leaves the chipset's latch alone */
}

void x87_clear_ferr(struct cpu *cpu)
{
    if (cpu->fpu.ferr && cpu->ferr)
        cpu->ferr(cpu->ferr_opaque, 0);
    cpu->fpu.ferr = 0;
}

static void report_pending(struct cpu *cpu)
{
    if (cpu->cr[0] & CR0_NE)
        cpu_raise(cpu, EXC_MF, 0, 0);
    int was = cpu->fpu.ferr;
    if (!was && cpu->ferr)
        cpu->ferr(cpu->ferr_opaque, 1);
    cpu->fpu.ferr = 1;
    /* The CPU freezes on this instruction until IRQ 13's handler has dealt
     * with the error (it reads FSW first, then FNCLEX): take the interrupt
     * before the instruction, which then runs again.  When the interrupt
     * cannot come (IF clear, IRQ 13 masked) go on instead of hanging. */
    if (!was && cpu->irq_pending && (cpu->eflags & F_IF))
        cpu_restart_insn(cpu);
}

bool x87_post(struct x87_state *s, const struct f80_env *e)
{
    unsigned unmasked = e->flags & ~s->fcw & 0x3f;
    s->fsw = (uint16_t)((s->fsw & ~FSW_C1) | e->flags | (e->c1 ? FSW_C1 : 0));
    if (unmasked)
        s->fsw |= FSW_ES | FSW_B;
    return !(unmasked & (F80_IE | F80_DE | F80_ZE));
}

bool x87_post_store(struct x87_state *s, const struct f80_env *e)
{
    unsigned unmasked = e->flags & ~s->fcw & 0x3f;
    return x87_post(s, e) && !(unmasked & (F80_OE | F80_UE));
}

bool x87_stack_fault(struct x87_state *s, bool overflow)
{
    s->fsw = (uint16_t)((s->fsw & ~FSW_C1) | FSW_IE | FSW_SF | (overflow ? FSW_C1 : 0));
    if (s->fcw & F80_IE)
        return true;
    s->fsw |= FSW_ES | FSW_B;
    return false;
}

void x87_update_es(struct x87_state *s)
{
    if (s->fsw & ~s->fcw & 0x3f)
        s->fsw |= FSW_ES | FSW_B;
    else
        s->fsw &= (uint16_t)~(FSW_ES | FSW_B);
}

uint16_t x87_tag_word(const struct x87_state *s)
{
    uint16_t tw = 0;
    for (int i = 0; i < 8; i++) {
        unsigned t;
        if ((s->empty >> i) & 1)
            t = 3;
        else if (f80_classify(s->r[i]) == F80_ZERO)
            t = 1;
        else if (f80_classify(s->r[i]) == F80_NORMAL)
            t = 0;
        else
            t = 2;
        tw |= (uint16_t)(t << (2 * i));
    }
    return tw;
}

void x87_check_mem(struct cpu *cpu, const struct x87_mem *m, uint32_t len, bool write)
{
    if (cpu->hflags & HF_SEGCHK(m->seg))
        seg_check(cpu, m->seg, m->off, (int)len, write);
    if (write)
        mem_probe_write(cpu, m->lin, len);
}

uint32_t x87_rd(struct cpu *cpu, uint32_t lin, int size)
{
    return mem_read(cpu, lin, size);
}

uint64_t x87_rd64(struct cpu *cpu, uint32_t lin)
{
    uint64_t lo = mem_read(cpu, lin, 4);
    return lo | (uint64_t)mem_read(cpu, lin + 4, 4) << 32;
}

f80 x87_rd80(struct cpu *cpu, uint32_t lin)
{
    f80 v;
    v.sig = x87_rd64(cpu, lin);
    v.se = (uint16_t)mem_read(cpu, lin + 8, 2);
    return v;
}

void x87_wr(struct cpu *cpu, uint32_t lin, uint32_t v, int size)
{
    mem_write(cpu, lin, v, size);
}

void x87_wr64(struct cpu *cpu, uint32_t lin, uint64_t v)
{
    mem_write(cpu, lin, (uint32_t)v, 4);
    mem_write(cpu, lin + 4, (uint32_t)(v >> 32), 4);
}

void x87_wr80(struct cpu *cpu, uint32_t lin, f80 v)
{
    x87_wr64(cpu, lin, v.sig);
    mem_write(cpu, lin + 8, v.se, 2);
}

static bool is_waiting(int op)
{
    switch (op) {
    case X87_FNINIT: case X87_FNCLEX: case X87_FNSTCW: case X87_FNSTSW: case X87_FNSTSW_AX:
    case X87_FNSTENV: case X87_FNSAVE: case X87_FXSAVE: case X87_FXRSTOR:
        return false;
    default:
        return true;
    }
}

/* Control instructions leave FIP, FDP and FOP as they were. */
static bool is_control(int op)
{
    return !is_waiting(op) || op == X87_FLDCW || op == X87_FLDENV || op == X87_FRSTOR;
}

uint32_t helper_x87(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    struct x87_state *s = &cpu->fpu;
    int op = X87_OP(b);
    if (cpu->cr[0] & (CR0_EM | CR0_TS))
        cpu_raise(cpu, EXC_NM, 0, 0);
    if (op == X87_UD)
        cpu_raise_ud(cpu);
    if ((s->fsw & FSW_ES) && is_waiting(op))
        report_pending(cpu);
    struct x87_mem m = { a, c, X87_SEG(b) };
    if (!is_control(op)) {
        /* Saved before the operation: FNSTENV after a fault shows the culprit. */
        s->fip = cpu->insn_eip;
        s->fcs = cpu->seg[S_CS].sel;
        s->fop = (uint16_t)X87_FOP(b);
        if (m.seg != 7) {
            s->fdp = c;
            s->fds = cpu->seg[m.seg].sel;
        }
    }
    switch (op) {
    case X87_FLD_MEM: case X87_FST_MEM: case X87_FLD_STI: case X87_FST_STI: case X87_FXCH:
    case X87_FFREE: case X87_FINCSTP: case X87_FDECSTP: case X87_FLDCONST: case X87_FCMOV:
        x87_load_store(cpu, b, &m);
        break;
    case X87_ARITH_MEM: case X87_ARITH_ST0: case X87_ARITH_STI:
        x87_arith(cpu, b, &m);
        break;
    case X87_UNARY: case X87_BINARY:
        x87_transcendental(cpu, b);
        break;
    case X87_FCOM_STI: case X87_FUCOM_STI: case X87_FCOMI: case X87_FUCOMI: case X87_FTST:
    case X87_FXAM:
        x87_compare(cpu, b, &m);
        break;
    case X87_FLDENV: case X87_FNSTENV: case X87_FRSTOR: case X87_FNSAVE: case X87_FXSAVE:
    case X87_FXRSTOR:
        x87_save_restore(cpu, b, &m);
        break;
    default:
        x87_control(cpu, b, &m);
        break;
    }
    return 0;
}

uint32_t helper_fwait(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if ((cpu->cr[0] & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
        cpu_raise(cpu, EXC_NM, 0, 0);
    if (cpu->fpu.fsw & FSW_ES)
        report_pending(cpu);
    return 0;
}
