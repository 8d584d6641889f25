/*
 * smc.h - self-modifying code: which physical pages hold translated code.
 *
 * The translator marks a page when it translates code from it; the TLB
 * then sends writes to that page through the slow path, which calls the
 * invalidation hook before the store lands.  Pages without code keep the
 * fast path, so ordinary data writes never pay for SMC detection.
 */
#ifndef BT86_SOFTMMU_SMC_H
#define BT86_SOFTMMU_SMC_H

#include <stdint.h>

/*
 * Called for a write of len bytes at paddr to a code page, before the
 * write happens.  Installed by the translator (softmmu knows no blocks).
 */
typedef void (*smc_hook_fn)(uint32_t paddr, uint32_t len);

void smc_init(uint32_t ram_size);
void smc_set_hook(smc_hook_fn hook);
void smc_mark_code_page(uint32_t paddr);
void smc_unmark_code_page(uint32_t paddr);
int smc_is_code_page(uint32_t paddr);
void smc_notify_write(uint32_t paddr, int size);
void smc_notify_write_range(uint32_t paddr, uint32_t len);

#endif
