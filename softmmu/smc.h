/*
 * smc.h - self-modifying code: which physical pages hold translated code.
 *
 * The translator marks a page when it translates code from it; the TLB
 * then sends writes to that page through the slow path, which calls the
 * invalidation hook before the store lands.  Pages without code keep the
 * fast path, so ordinary data writes never pay for SMC detection.
 *
 * One map per machine: its memory map (phys_write) and its CPU's soft TLB
 * report writes here, and the block cache that owns the translated code
 * installs the hook (softmmu knows no blocks).
 */
#ifndef BT86_SOFTMMU_SMC_H
#define BT86_SOFTMMU_SMC_H

#include <stdint.h>

struct cpu;

#define SMC_MAX_CPUS 8

/* Called for a write of len bytes at paddr to a code page, before the write happens. */
typedef void (*smc_hook_fn)(void *opaque, uint32_t paddr, uint32_t len);

struct smc {
    uint8_t *code_pages; /* one byte per 4 KiB page of the 4 GiB space */
    smc_hook_fn hook;
    void *hook_opaque;
    /* Whose TLBs a newly marked page must protect (tlb_attach_cpu): every
     * CPU of the machine, since any of them may write the code another runs. */
    struct cpu *cpus[SMC_MAX_CPUS];
    int ncpus;
};

void smc_init(struct smc *smc, uint32_t ram_size);
void smc_destroy(struct smc *smc);
void smc_set_hook(struct smc *smc, smc_hook_fn hook, void *opaque);
void smc_mark_code_page(struct smc *smc, uint32_t paddr);
void smc_unmark_code_page(struct smc *smc, uint32_t paddr);
int smc_is_code_page(const struct smc *smc, uint32_t paddr);
void smc_notify_write(struct smc *smc, uint32_t paddr, int size);
void smc_notify_write_range(struct smc *smc, uint32_t paddr, uint32_t len);

#endif
