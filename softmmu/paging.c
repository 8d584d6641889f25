/*
 * paging.c - the guest page walk: i386 two-level with 4 MiB PSE pages, and
 * PAE three-level (CR4.PAE) with 2 MiB pages and the NX bit (EFER.NXE);
 * CR0.WP, global pages and accessed/dirty bit maintenance.  With CR0.PG
 * clear, linear = physical.
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

#define PTE_G 0x100u

#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_RSVD 0x8u
#define PF_I 0x10u

static uint64_t read64(struct cpu *cpu, uint32_t addr)
{
    return phys_read(cpu->mem, addr, 4) | (uint64_t)phys_read(cpu->mem, addr + 4, 4) << 32;
}

/* Rights common to both page sizes, then A/D updates; shared by both walks. */
static uint32_t finish(struct cpu *cpu, uint32_t vaddr, int access, int user, uint32_t err,
                       int writable, int usr, int nx, int global, uint64_t base, int dirty,
                       uint32_t *paddr, uint32_t *prot)
{
    int is_write = access == ACC_WRITE;
    if (user && !usr)
        return 0x10000 | err | PF_P;
    if (is_write && !writable && (user || (cpu->cr[0] & CR0_WP)))
        return 0x10000 | err | PF_P;
    if (nx && access == ACC_CODE)
        return 0x10000 | err | PF_P | PF_I;
    *paddr = ((uint32_t)base | (vaddr & 0xfff)) & cpu->a20_mask;
    /*
     * A page entered through a read is not marked writable in the TLB
     * until D is set, so the first write comes back here to set it.
     */
    int w_ok = writable || (!user && !(cpu->cr[0] & CR0_WP));
    *prot = ((w_ok && (is_write || dirty)) ? PROT_W : 0) | (usr ? PROT_U : 0) |
            (global && (cpu->cr[4] & CR4_PGE) ? PROT_G : 0) | (nx ? PROT_NX : 0);
    return 0;
}

/* A/D bit updates; a debugger's walk (update == 0) must leave no trace. */
static void set_bits(struct cpu *cpu, int update, uint32_t addr, uint32_t value)
{
    if (update)
        phys_write(cpu->mem, addr, value, 4);
}

static uint32_t walk_pae(struct cpu *cpu, uint32_t vaddr, int access, int user, uint32_t *paddr,
                         uint32_t *prot, int update)
{
    int is_write = access == ACC_WRITE;
    int nxe = (cpu->msr_efer & EFER_NXE) != 0;
    uint32_t err = (is_write ? PF_W : 0) | (user ? PF_U : 0) | (nxe && access == ACC_CODE ? PF_I : 0);
    const uint64_t addr_mask = 0x0000000ffffff000ull; /* 36-bit physical addresses */
    uint64_t rsvd = nxe ? 0 : 1ull << 63;

    uint32_t pdpte_addr = ((cpu->cr[3] & ~0x1fu) + ((vaddr >> 30) & 3) * 8) & cpu->a20_mask;
    uint64_t pdpte = read64(cpu, pdpte_addr);
    if (!(pdpte & PTE_P))
        return 0x10000 | err;
    uint32_t pde_addr = (uint32_t)((pdpte & addr_mask) + ((vaddr >> 21) & 0x1ff) * 8) & cpu->a20_mask;
    uint64_t pde = read64(cpu, pde_addr);
    if (!(pde & PTE_P))
        return 0x10000 | err;
    if (pde & rsvd)
        return 0x10000 | err | PF_P | PF_RSVD;
    if (pde & PTE_PS) {
        int writable = pde & PTE_W, usr = pde & PTE_U;
        int nx = nxe && (pde >> 63);
        uint32_t r = finish(cpu, vaddr, access, user, err, writable, usr, nx, pde & PTE_G,
                            (pde & 0x0000000fffe00000ull) | (vaddr & 0x1ff000), pde & PTE_D, paddr,
                            prot);
        if (!r && (pde & (PTE_A | (is_write ? PTE_D : 0))) != (PTE_A | (is_write ? PTE_D : 0)))
            set_bits(cpu, update, pde_addr, (uint32_t)pde | PTE_A | (is_write ? PTE_D : 0));
        return r;
    }
    uint32_t pte_addr = (uint32_t)((pde & addr_mask) + ((vaddr >> 12) & 0x1ff) * 8) & cpu->a20_mask;
    uint64_t pte = read64(cpu, pte_addr);
    if (!(pte & PTE_P))
        return 0x10000 | err;
    if (pte & rsvd)
        return 0x10000 | err | PF_P | PF_RSVD;
    int writable = pde & pte & PTE_W, usr = pde & pte & PTE_U;
    int nx = nxe && ((pde | pte) >> 63);
    uint32_t r = finish(cpu, vaddr, access, user, err, writable, usr, nx, pte & PTE_G,
                        pte & addr_mask, pte & PTE_D, paddr, prot);
    if (r)
        return r;
    if (!(pde & PTE_A))
        set_bits(cpu, update, pde_addr, (uint32_t)pde | PTE_A);
    uint32_t want = PTE_A | (is_write ? PTE_D : 0);
    if ((pte & want) != want)
        set_bits(cpu, update, pte_addr, (uint32_t)pte | want);
    return 0;
}

static uint32_t walk(struct cpu *cpu, uint32_t vaddr, int access, int user, uint32_t *paddr,
                     uint32_t *prot, int update)
{
    if (!(cpu->cr[0] & CR0_PG)) {
        *paddr = vaddr & cpu->a20_mask;
        *prot = PROT_W | PROT_U;
        return 0;
    }
    if (cpu->cr[4] & CR4_PAE)
        return walk_pae(cpu, vaddr, access, user, paddr, prot, update);
    int is_write = access == ACC_WRITE;
    uint32_t err = (is_write ? PF_W : 0) | (user ? PF_U : 0);

    uint32_t pde_addr = ((cpu->cr[3] & PAGE_MASK) + ((vaddr >> 20) & 0xffc)) & cpu->a20_mask;
    uint32_t pde = phys_read(cpu->mem, pde_addr, 4);
    if (!(pde & PTE_P))
        return 0x10000 | err;

    uint32_t pte, pte_addr = 0, base;
    int big = (pde & PTE_PS) && (cpu->cr[4] & CR4_PSE);
    if (big) {
        pte = pde;
        base = (pde & 0xffc00000u) | (vaddr & 0x003ff000u);
    } else {
        pte_addr = ((pde & PAGE_MASK) + ((vaddr >> 10) & 0xffc)) & cpu->a20_mask;
        pte = phys_read(cpu->mem, pte_addr, 4);
        if (!(pte & PTE_P))
            return 0x10000 | err;
        base = pte & PAGE_MASK;
    }
    /* Effective rights are the AND of both levels. */
    uint32_t rights = big ? pde : (pde & pte);
    uint32_t r = finish(cpu, vaddr, access, user, err, rights & PTE_W, rights & PTE_U, 0,
                        pte & PTE_G, base, pte & PTE_D, paddr, prot);
    if (r)
        return r;
    if (!(pde & PTE_A) && !big)
        set_bits(cpu, update, pde_addr, pde | PTE_A);
    uint32_t want = PTE_A | (is_write ? PTE_D : 0);
    if ((pte & want) != want) {
        if (big)
            set_bits(cpu, update, pde_addr, pte | want);
        else
            set_bits(cpu, update, pte_addr, pte | want);
    }
    return 0;
}

uint32_t paging_translate(struct cpu *cpu, uint32_t vaddr, int access, int user,
                          uint32_t *paddr, uint32_t *prot)
{
    return walk(cpu, vaddr, access, user, paddr, prot, 1);
}

int paging_debug_translate(struct cpu *cpu, uint32_t vaddr, uint32_t *paddr)
{
    uint32_t prot;
    return walk(cpu, vaddr, ACC_READ, 0, paddr, &prot, 0) ? -1 : 0;
}
