/*
 * smc.c - code-page bitmap for self-modifying code detection.
 */
#include "softmmu/smc.h"
#include "base/exit_status.h"
#include "softmmu/tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void smc_init(struct smc *smc, uint32_t ram_size)
{
    (void)ram_size;
    smc->ncpus = 0; /* the CPUs attach again as they reset */
    if (!smc->code_pages)
        smc->code_pages = calloc(1u << 20, 1);
    else
        memset(smc->code_pages, 0, 1u << 20);
    if (!smc->code_pages) {
        fprintf(stderr, "bt86: out of memory for the code-page map\n");
        exit(EXIT_FATAL);
    }
}

void smc_destroy(struct smc *smc)
{
    free(smc->code_pages);
    smc->code_pages = NULL;
}

void smc_set_hook(struct smc *smc, smc_hook_fn hook, void *opaque)
{
    smc->hook = hook;
    smc->hook_opaque = opaque;
}

void smc_mark_code_page(struct smc *smc, uint32_t paddr)
{
    uint32_t pn = paddr >> 12;
    if (!smc->code_pages[pn]) {
        smc->code_pages[pn] = 1;
        for (int i = 0; i < smc->ncpus; i++)
            tlb_protect_code_page(smc->cpus[i], paddr & ~0xfffu);
    }
}

void smc_unmark_code_page(struct smc *smc, uint32_t paddr)
{
    smc->code_pages[paddr >> 12] = 0;
}

int smc_is_code_page(const struct smc *smc, uint32_t paddr)
{
    return smc && smc->code_pages && smc->code_pages[paddr >> 12];
}

void smc_notify_write(struct smc *smc, uint32_t paddr, int size)
{
    const uint8_t *cp = smc->code_pages;
    if (!cp)
        return;
    if (cp[paddr >> 12] || cp[(paddr + size - 1) >> 12]) {
        if (smc->hook)
            smc->hook(smc->hook_opaque, paddr, size);
    }
}

void smc_notify_write_range(struct smc *smc, uint32_t paddr, uint32_t len)
{
    if (!smc->code_pages || !len)
        return;
    uint32_t first = paddr >> 12, last = (uint32_t)((paddr + (uint64_t)len - 1) >> 12);
    for (uint32_t pn = first; pn <= last && pn < (1u << 20); pn++) {
        if (smc->code_pages[pn]) {
            if (smc->hook)
                smc->hook(smc->hook_opaque, paddr, len);
            return;
        }
    }
}
