/*
 * raise.c - leaving an instruction early: a guest exception, a restart, or
 * a fatal error about the guest.
 *
 * These sit below everything that can fault (the soft MMU, the x87, the
 * monitor, the block cache) so that none of them needs the run loop: they
 * only longjmp to cpu->jmp, which the run loop (machine/cpu_exec.c) set.
 */
#include "cpu/cpu.h"
#include "cpu/fatal.h"
#include "base/exit_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>


_Noreturn void cpu_raise(struct cpu *cpu, int vector, uint32_t error, int has_error)
{
    cpu->eip = cpu->insn_eip;
    cpu->pending_vector = vector;
    cpu->pending_error = error;
    cpu->pending_has_error = has_error;
    longjmp(cpu->jmp, 1);
}

_Noreturn void cpu_restart_insn(struct cpu *cpu)
{
    cpu->eip = cpu->insn_eip;
    cpu->pending_vector = -1;
    longjmp(cpu->jmp, 2);
}

_Noreturn void fatal_guest(struct cpu *cpu, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "bt86: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    uint32_t eip = cpu->insn_eip ? cpu->insn_eip : cpu->eip;
    fprintf(stderr, "\nbt86: guest at %04x:%08x (linear 0x%08x), CPL %d\n", cpu->seg[S_CS].sel, eip,
            cpu->seg[S_CS].base + eip, cpu_cpl(cpu));
    exit(EXIT_FATAL);
}
