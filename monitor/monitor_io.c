/*
 * monitor_io.c - I/O instructions and the interrupt flag: IN, OUT, CLI,
 * STI, PUSHF, POPF.
 *
 * POPF is the classic Popek-Goldberg violator: at CPL 3 (or above IOPL)
 * it silently keeps IF instead of faulting, so a deprivileged kernel
 * cannot notice it lost control of interrupts.  bt86 reproduces exactly
 * that, as the hardware does.
 */
#include "cpu/flags.h"
#include "base/log.h"
#include "monitor/monitor.h"
#include "monitor/monitor_entries.h"
#include "softmmu/ioport.h"
#include "softmmu/tlb.h"

static int iopl(struct cpu *cpu)
{
    return (cpu->eflags & F_IOPL) >> 12;
}

int monitor_io_allowed(struct cpu *cpu, uint32_t port, int size)
{
    if (!(cpu->cr[0] & CR0_PE))
        return 1;
    if (!(cpu->eflags & F_VM) && cpu_cpl(cpu) <= iopl(cpu))
        return 1;
    /* Consult the I/O permission bitmap of a 32-bit TSS. */
    struct segment *tr = &cpu->seg[S_TR];
    if (!((tr->flags >> DESC_TYPE_SHIFT) & 8) || tr->limit < 0x67)
        return 0;
    uint32_t base = mem_ld(cpu, tr->base + 0x66, 2, 0);
    uint32_t byte = base + port / 8;
    if (byte + 1 > tr->limit)
        return 0;
    uint32_t bits = mem_ld(cpu, tr->base + byte, 2, 0);
    uint32_t mask = ((1u << size) - 1) << (port & 7);
    return (bits & mask) == 0;
}

uint32_t helper_in(struct cpu *cpu, uint32_t port, uint32_t size, uint32_t c, uint32_t next)
{
    if (!monitor_io_allowed(cpu, port, size))
        cpu_raise(cpu, EXC_GP, 0, 1);
    return ioport_read(cpu->io, port, size);
}

uint32_t helper_out(struct cpu *cpu, uint32_t port, uint32_t val, uint32_t size, uint32_t next)
{
    if (!monitor_io_allowed(cpu, port, size))
        cpu_raise(cpu, EXC_GP, 0, 1);
    ioport_write(cpu->io, port, val, size);
    return 0;
}

static void check_iopl(struct cpu *cpu)
{
    if ((cpu->cr[0] & CR0_PE) && cpu_cpl(cpu) > iopl(cpu))
        cpu_raise(cpu, EXC_GP, 0, 1);
}

uint32_t helper_cli(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    check_iopl(cpu);
    cpu->eflags &= ~F_IF;
    return 0;
}

uint32_t helper_sti(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    check_iopl(cpu);
    if (!(cpu->eflags & F_IF))
        cpu->hflags |= HF_INHIBIT_IRQ; /* one more instruction before interrupts */
    cpu->eflags |= F_IF;
    return 0;
}

uint32_t helper_pushf(struct cpu *cpu, uint32_t size, uint32_t b, uint32_t c, uint32_t next)
{
    if ((cpu->eflags & F_VM) && iopl(cpu) < 3)
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint32_t f = cpu_get_eflags(cpu) & ~(F_VM | F_RF);
    uint32_t sp = cpu->r[R_ESP];
    stack_push(cpu, &sp, f, size);
    stack_commit(cpu, sp);
    return 0;
}

uint32_t helper_popf(struct cpu *cpu, uint32_t size, uint32_t b, uint32_t c, uint32_t next)
{
    if ((cpu->eflags & F_VM) && iopl(cpu) < 3)
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint32_t sp = cpu->r[R_ESP];
    uint32_t v = stack_pop(cpu, &sp, size);
    uint32_t mask = F_ARITH | F_TF | F_DF | F_NT | F_AC | F_ID;
    int pe = (cpu->cr[0] & CR0_PE) != 0;
    int cpl = cpu_cpl(cpu);
    if (!pe || cpl == 0)
        mask |= F_IOPL | F_IF;
    else if (cpl <= iopl(cpu))
        mask |= F_IF;
    if (size == 2)
        mask &= 0xffff;
    cpu_set_eflags(cpu, v, mask);
    stack_commit(cpu, sp);
    return 0;
}
