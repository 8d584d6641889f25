/*
 * tlb.c - soft TLB refill and the slow paths of guest memory access.
 *
 * Everything that is not "aligned-enough RAM access on a page already in
 * the TLB" comes here: misses (walk the page tables, fill the entry),
 * accesses that cross a page, MMIO, writes to pages holding translated
 * code, and page faults.
 */
#include "softmmu/tlb.h"

#include <string.h>

#include "softmmu/memory.h"
#include "softmmu/paging.h"
#include "softmmu/smc.h"

struct tlb_stats tlb_stats;

void tlb_set_watch(struct cpu *cpu, const struct tlb_watch *w)
{
    cpu->watch = w;
    tlb_flush(cpu);
}

void tlb_attach_cpu(struct cpu *cpu)
{
    struct smc *smc = cpu->smc;
    if (smc) {
        int i = 0;
        while (i < smc->ncpus && smc->cpus[i] != cpu)
            i++;
        if (i == smc->ncpus && i < SMC_MAX_CPUS)
            smc->cpus[smc->ncpus++] = cpu;
    }
    tlb_flush(cpu);
}

static void entry_clear(struct tlb_entry *e)
{
    e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
    e->addend = 0;
    e->phys = 0;
    e->global = 0;
}

/*
 * A CR3 write, as often as a guest switches processes: only the entries
 * filled since the last full flush can be valid, so only those are looked
 * at (a handful between two switches, against 512 in the table).
 */
void tlb_flush_nonglobal(struct cpu *cpu)
{
    cpu_ras_clear(cpu); /* its entries assume the mappings of their pages */
    for (int m = 0; m < 2; m++)
        for (int w = 0; w < TLB_SIZE / 64; w++) {
            uint64_t live = cpu->tlb_live[m][w], keep = 0;
            while (live) {
                int b = __builtin_ctzll(live);
                live &= live - 1;
                struct tlb_entry *e = &cpu->tlb[m][w * 64 + b];
                if (e->global)
                    keep |= 1ull << b;
                else
                    entry_clear(e);
            }
            cpu->tlb_live[m][w] = keep;
        }
}

void tlb_flush(struct cpu *cpu)
{
    cpu_ras_clear(cpu);
    for (int m = 0; m < 2; m++)
        for (int i = 0; i < TLB_SIZE; i++)
            entry_clear(&cpu->tlb[m][i]);
    memset(cpu->tlb_live, 0, sizeof(cpu->tlb_live));
}

void tlb_flush_page(struct cpu *cpu, uint32_t vaddr)
{
    cpu_ras_clear(cpu);
    for (int m = 0; m < 2; m++) {
        struct tlb_entry *e = &cpu->tlb[m][TLB_INDEX(vaddr)];
        if ((e->tag_code & PAGE_MASK) == (vaddr & PAGE_MASK) ||
            (e->tag_read & PAGE_MASK) == (vaddr & PAGE_MASK) ||
            (e->tag_write & PAGE_MASK) == (vaddr & PAGE_MASK))
            entry_clear(e);
    }
}

void tlb_protect_code_page(struct cpu *cpu, uint32_t paddr)
{
    for (int m = 0; m < 2; m++)
        for (int i = 0; i < TLB_SIZE; i++) {
            struct tlb_entry *e = &cpu->tlb[m][i];
            if (!(e->tag_write & TLB_INVALID) && e->phys == (paddr & PAGE_MASK))
                e->tag_write |= TLB_NOTDIRTY;
        }
}

static _Noreturn void raise_pf(struct cpu *cpu, uint32_t vaddr, uint32_t fault)
{
    cpu->cr[2] = vaddr;
    cpu_raise(cpu, EXC_PF, fault & 0xffff, 1);
}

/* Walk and fill the entry for vaddr; raises #PF. */
static struct tlb_entry *tlb_fill(struct cpu *cpu, uint32_t vaddr, int access, int mmu)
{
    uint32_t paddr, prot;
    tlb_stats.refills++;
    uint32_t fault = paging_translate(cpu, vaddr, access, mmu, &paddr, &prot);
    if (fault)
        raise_pf(cpu, vaddr, fault);

    unsigned idx = TLB_INDEX(vaddr);
    struct tlb_entry *e = &cpu->tlb[mmu][idx];
    cpu->tlb_live[mmu][idx / 64] |= 1ull << (idx % 64);
    uint32_t vpage = vaddr & PAGE_MASK, ppage = paddr & PAGE_MASK;
    if ((e->tag_read & PAGE_MASK) != vpage || (e->tag_read & TLB_INVALID))
        entry_clear(e);
    e->phys = ppage;
    struct mem_region *r = mem_find(cpu->mem, ppage);
    /* Regions smaller than a page (or not page-aligned) go the slow way. */
    int whole_page = r && r->kind != MEM_MMIO && ppage >= r->base &&
                     ppage + 0x1000 - r->base <= r->size;
    uint32_t flags = whole_page ? 0 : TLB_MMIO;
    uint32_t wflag = cpu->watch && cpu->watch->page_watched(cpu, vpage) ? TLB_WATCH : 0;
    e->addend = whole_page ? (uintptr_t)(r->host + (ppage - r->base)) - vpage : 0;
    e->tag_read = vpage | flags | wflag;
    /* A fetch from a no-execute page misses, and the walk raises #PF. */
    e->tag_code = (prot & PROT_NX) ? TLB_INVALID : vpage | flags;
    e->global = (prot & PROT_G) != 0;
    if (prot & PROT_W) {
        uint32_t wflags = flags | wflag;
        if (whole_page && r->kind == MEM_ROM)
            wflags |= TLB_MMIO;
        if (smc_is_code_page(cpu->smc, ppage))
            wflags |= TLB_NOTDIRTY;
        e->tag_write = vpage | wflags;
    } else {
        e->tag_write = TLB_INVALID;
    }
    return e;
}

static struct tlb_entry *tlb_lookup(struct cpu *cpu, uint32_t vaddr, int access, int mmu)
{
    struct tlb_entry *e = &cpu->tlb[mmu][TLB_INDEX(vaddr)];
    uint32_t tag = access == ACC_WRITE ? e->tag_write : access == ACC_CODE ? e->tag_code : e->tag_read;
    if ((tag & (PAGE_MASK | TLB_INVALID)) == (vaddr & PAGE_MASK))
        return e;
    return tlb_fill(cpu, vaddr, access, mmu);
}

uint32_t mem_read_slow(struct cpu *cpu, uint32_t vaddr, int size, int mmu)
{
    if (((vaddr & 0xfff) + size) > 0x1000) {
        uint32_t v = 0;
        for (int i = size - 1; i >= 0; i--)
            v = (v << 8) | mem_read_slow(cpu, vaddr + i, 1, mmu);
        return v;
    }
    struct tlb_entry *e = tlb_lookup(cpu, vaddr, ACC_READ, mmu);
    if ((e->tag_read & TLB_WATCH) && cpu->watch)
        cpu->watch->access(cpu, vaddr, size, 0);
    if (e->tag_read & TLB_MMIO)
        return phys_read(cpu->mem, e->phys | (vaddr & 0xfff), size);
    return host_ld((void *)(uintptr_t)(vaddr + e->addend), size);
}

static void write_in_page(struct cpu *cpu, struct tlb_entry *e, uint32_t vaddr, uint32_t value,
                          int size)
{
    uint32_t paddr = e->phys | (vaddr & 0xfff);
    if ((e->tag_write & TLB_WATCH) && cpu->watch)
        cpu->watch->access(cpu, vaddr, size, 1);
    if (e->tag_write & TLB_MMIO) {
        phys_write(cpu->mem, paddr, value, size);
        return;
    }
    if (e->tag_write & TLB_NOTDIRTY) {
        /* May unwind to restart the running block (see translator/tbcache.c). */
        smc_notify_write(cpu->smc, paddr, size);
        if (!smc_is_code_page(cpu->smc, paddr))
            e->tag_write &= ~TLB_NOTDIRTY;
    }
    host_st((void *)(uintptr_t)(vaddr + e->addend), value, size);
}

void mem_write_slow(struct cpu *cpu, uint32_t vaddr, uint32_t value, int size, int mmu)
{
    if (((vaddr & 0xfff) + size) > 0x1000) {
        /* Both pages must be writable before any byte is written. */
        tlb_lookup(cpu, vaddr, ACC_WRITE, mmu);
        tlb_lookup(cpu, vaddr + size - 1, ACC_WRITE, mmu);
        for (int i = 0; i < size; i++) {
            struct tlb_entry *e = tlb_lookup(cpu, vaddr + i, ACC_WRITE, mmu);
            write_in_page(cpu, e, vaddr + i, value >> (8 * i), 1);
        }
        return;
    }
    struct tlb_entry *e = tlb_lookup(cpu, vaddr, ACC_WRITE, mmu);
    write_in_page(cpu, e, vaddr, value, size);
}

uint32_t mem_code_phys(struct cpu *cpu, uint32_t vaddr)
{
    int mmu = cpu_cpl(cpu) == 3;
    struct tlb_entry *e = tlb_lookup(cpu, vaddr, ACC_CODE, mmu);
    return e->phys | (vaddr & 0xfff);
}

uint32_t mem_read(struct cpu *cpu, uint32_t vaddr, int size)
{
    return mem_ld(cpu, vaddr, size, cpu_cpl(cpu) == 3);
}

void mem_write(struct cpu *cpu, uint32_t vaddr, uint32_t value, int size)
{
    mem_st(cpu, vaddr, value, size, cpu_cpl(cpu) == 3);
}

void mem_probe_write(struct cpu *cpu, uint32_t vaddr, uint32_t len)
{
    int mmu = cpu_cpl(cpu) == 3;
    if (!len)
        return;
    for (uint32_t p = vaddr & PAGE_MASK;; p += 0x1000) {
        tlb_lookup(cpu, p < vaddr ? vaddr : p, ACC_WRITE, mmu);
        if (p == ((vaddr + len - 1) & PAGE_MASK))
            break;
    }
}
