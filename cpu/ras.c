/*
 * ras.c - the return prediction's empty state (struct cpu's ras).
 */
#include "cpu/cpu.h"

#include <string.h>

const uint8_t cpu_ras_none[16];

/* Every entry empty, copied in one go: a TLB flush (each CR3 write) empties
 * the table, and a loop of 128 stores was a quarter of a CR3 write's cost. */
static const uint8_t *const ras_empty[CPU_RAS_ENTRIES] = { [0 ... CPU_RAS_ENTRIES - 1] = cpu_ras_none };

void cpu_ras_clear(struct cpu *cpu)
{
    memcpy(cpu->ras, ras_empty, sizeof(cpu->ras));
}
