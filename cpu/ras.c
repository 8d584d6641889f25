/*
 * ras.c - the return prediction's empty state (struct cpu's ras).
 */
#include "cpu/cpu.h"

const uint8_t cpu_ras_none[16];

void cpu_ras_clear(struct cpu *cpu)
{
    for (int i = 0; i < CPU_RAS_ENTRIES; i++)
        cpu->ras[i] = cpu_ras_none;
}
