/*
 * paging.h - guest page-table walk: i386 two-level with PSE, and PAE
 * three-level with 2 MiB pages and NX.
 */
#ifndef BT86_SOFTMMU_PAGING_H
#define BT86_SOFTMMU_PAGING_H

#include "cpu/cpu.h"

#include <stdint.h>

#define PROT_W 1u
#define PROT_U 2u
#define PROT_G 4u  /* global page */
#define PROT_NX 8u /* not executable (PAE with EFER.NXE) */

/*
 * Translate a linear address for an access (enum mmu_access) at privilege
 * `user`.  On success sets *paddr and *prot and returns 0, updating the
 * accessed/dirty bits; on a fault returns the #PF error code | 0x10000
 * (so 0 stays "no fault").
 */
uint32_t paging_translate(struct cpu *cpu, uint32_t vaddr, int access, int user,
                          uint32_t *paddr, uint32_t *prot);

/*
 * For debuggers: the physical address of vaddr as a supervisor read would
 * see it, or -1 if it is not mapped.  Sets no accessed/dirty bits.
 */
int paging_debug_translate(struct cpu *cpu, uint32_t vaddr, uint32_t *paddr);

#endif
