/*
 * smc.c - code-page bitmap for self-modifying code detection.
 */
#include "softmmu/smc.h"
#include "softmmu/tlb.h"

#include <stdlib.h>
#include <string.h>

static uint8_t *code_pages; /* one byte per 4 KiB page of the 4 GiB space */
static smc_hook_fn smc_hook;

void smc_init(uint32_t ram_size)
{
    (void)ram_size;
    if (!code_pages)
        code_pages = calloc(1u << 20, 1);
    else
        memset(code_pages, 0, 1u << 20);
}

void smc_set_hook(smc_hook_fn hook)
{
    smc_hook = hook;
}

void smc_mark_code_page(uint32_t paddr)
{
    uint32_t pn = paddr >> 12;
    if (!code_pages[pn]) {
        code_pages[pn] = 1;
        tlb_protect_code_page(paddr & ~0xfffu);
    }
}

void smc_unmark_code_page(uint32_t paddr)
{
    code_pages[paddr >> 12] = 0;
}

int smc_is_code_page(uint32_t paddr)
{
    return code_pages && code_pages[paddr >> 12];
}

void smc_notify_write(uint32_t paddr, int size)
{
    if (!code_pages)
        return;
    if (code_pages[paddr >> 12] || code_pages[(paddr + size - 1) >> 12]) {
        if (smc_hook)
            smc_hook(paddr, size);
    }
}

void smc_notify_write_range(uint32_t paddr, uint32_t len)
{
    if (!code_pages || !len)
        return;
    uint32_t first = paddr >> 12, last = (uint32_t)((paddr + (uint64_t)len - 1) >> 12);
    for (uint32_t pn = first; pn <= last && pn < (1u << 20); pn++) {
        if (code_pages[pn]) {
            if (smc_hook)
                smc_hook(paddr, len);
            return;
        }
    }
}
