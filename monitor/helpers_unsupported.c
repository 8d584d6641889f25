/*
 * helpers_unsupported.c - instructions outside the CPU bt86 implements.
 *
 * CPUID advertises no MMX or SSE.  A real CPU without an extension raises
 * #UD for its instructions, so that is what the guest gets, and bt86 says
 * once on standard error what happened, so that nobody mistakes it for a
 * guest bug.  (The x87 is implemented: fpu/x87*.c.)
 */
#include "monitor/helpers_unsupported.h"
#include "monitor/helpers_impl.h"
#include "softmmu/tlb.h"

#include <stdio.h>

static void describe(struct cpu *cpu, char *text, size_t len)
{
    uint8_t b[16];
    for (int i = 0; i < 16; i++)
        b[i] = mem_read(cpu, cpu->seg[S_CS].base + cpu->insn_eip + i, 1);
    cpu->disasm(b, 16, cpu->insn_eip, (cpu->hflags & HF_CODE32) != 0, text, len);
}

uint32_t helper_no_extension(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    static int said;
    if (!said) {
        char text[96];
        describe(cpu, text, sizeof(text));
        fprintf(stderr, "bt86: note: guest executed '%s' at EIP 0x%08x, which bt86's i686 "
                        "does not have (its CPUID shows no MMX, SSE or SYSCALL): #UD, as on "
                        "such a CPU (said once)\n", text, cpu->insn_eip);
        said = 1;
    }
    cpu_raise(cpu, EXC_UD, 0, 0);
}
