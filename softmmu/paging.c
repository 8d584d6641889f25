/*
 * paging.c - i386 two-level page walk with 4 MiB PSE pages, CR0.WP and
 * accessed/dirty bit maintenance.  With CR0.PG clear, linear = physical.
 *
 * The walk sets A on every level it uses and D on the final entry only for
 * writes, exactly when the access would succeed, as the manual requires.
 */
#include "softmmu/paging.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u

#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_I 0x10u

uint32_t paging_translate(struct cpu *cpu, uint32_t vaddr, int access, int user,
                          uint32_t *paddr, uint32_t *prot)
{
    if (!(cpu->cr[0] & CR0_PG)) {
        *paddr = vaddr & cpu->a20_mask;
        *prot = PROT_W | PROT_U;
        return 0;
    }
    int is_write = access == ACC_WRITE;
    uint32_t err = (is_write ? PF_W : 0) | (user ? PF_U : 0);

    uint32_t pde_addr = ((cpu->cr[3] & PAGE_MASK) + ((vaddr >> 20) & 0xffc)) & cpu->a20_mask;
    uint32_t pde = phys_read(pde_addr, 4);
    if (!(pde & PTE_P))
        return 0x10000 | err;

    uint32_t pte, pte_addr = 0, base;
    int big = (pde & PTE_PS) && (cpu->cr[4] & CR4_PSE);
    if (big) {
        pte = pde;
        base = (pde & 0xffc00000u) | (vaddr & 0x003ff000u);
    } else {
        pte_addr = ((pde & PAGE_MASK) + ((vaddr >> 10) & 0xffc)) & cpu->a20_mask;
        pte = phys_read(pte_addr, 4);
        if (!(pte & PTE_P))
            return 0x10000 | err;
        base = pte & PAGE_MASK;
    }
    /* Effective rights are the AND of both levels. */
    uint32_t rights = big ? pde : (pde & pte);
    int writable = rights & PTE_W;
    int usr = rights & PTE_U;
    if (user && !usr)
        return 0x10000 | err | PF_P;
    if (is_write && !writable && (user || (cpu->cr[0] & CR0_WP)))
        return 0x10000 | err | PF_P;

    if (!(pde & PTE_A) && !big)
        phys_write(pde_addr, pde | PTE_A, 4);
    uint32_t want = PTE_A | (is_write ? PTE_D : 0);
    if ((pte & want) != want) {
        if (big)
            phys_write(pde_addr, pte | want, 4);
        else
            phys_write(pte_addr, pte | want, 4);
    }
    *paddr = (base | (vaddr & 0xfff)) & cpu->a20_mask;
    /*
     * A page entered through a read is not marked writable in the TLB
     * until D is set, so the first write comes back here to set it.
     */
    int w_ok = writable || (!user && !(cpu->cr[0] & CR0_WP));
    *prot = ((w_ok && (is_write || (pte & PTE_D))) ? PROT_W : 0) | (usr ? PROT_U : 0);
    return 0;
}
