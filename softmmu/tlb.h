/*
 * tlb.h - the soft TLB: guest virtual page -> host pointer.
 *
 * A hit is one compare and one add, inline in translated code: the entry
 * is indexed by the address of the first byte and tagged with the page of
 * the last byte, so an access that crosses a page never matches and falls
 * to the *_slow path, as do MMIO pages and pages holding translated code.
 * There is one TLB per privilege kind (supervisor, user) because the
 * permission checks are done once, when an entry is filled.
 */
#ifndef BT86_SOFTMMU_TLB_H
#define BT86_SOFTMMU_TLB_H

#include "cpu/cpu.h"

#include <stdint.h>
#include <string.h>

enum mmu_access { ACC_READ = 0, ACC_WRITE = 1, ACC_CODE = 2 };

#define PAGE_MASK 0xfffff000u

/* cpu's TLB caches its machine's memory (cpu->mem, cpu->smc): the SMC map
 * protects newly marked code pages in it. */
void tlb_attach_cpu(struct cpu *cpu);
void tlb_flush(struct cpu *cpu);
void tlb_flush_page(struct cpu *cpu, uint32_t vaddr);
/* A CR3 write: everything but global pages. */
void tlb_flush_nonglobal(struct cpu *cpu);
/* Make writes to a physical page go through the slow path (it holds code). */
void tlb_protect_code_page(struct cpu *cpu, uint32_t paddr);

/*
 * Debugger watchpoints: a page for which page_watched() says yes takes the
 * slow path, which calls access() before each access to it (access() may
 * unwind to restart the instruction).  NULL: no watchpoints, no cost.
 */
struct tlb_watch {
    int (*page_watched)(struct cpu *cpu, uint32_t vpage);
    void (*access)(struct cpu *cpu, uint32_t vaddr, int size, int is_write);
};
/* Install (or with NULL remove) cpu's watch hooks (cpu->watch); flushes its TLB. */
void tlb_set_watch(struct cpu *cpu, const struct tlb_watch *w);

/* -stats: data accesses from translated code, and refills (page walks);
 * loads that guessed their entry's host addend, and how many guessed wrong. */
struct tlb_stats {
    uint64_t hits, misses, refills;
    uint64_t guessed, misguessed;
};
extern struct tlb_stats tlb_stats;

uint32_t mem_read_slow(struct cpu *cpu, uint32_t vaddr, int size, int mmu);
void mem_write_slow(struct cpu *cpu, uint32_t vaddr, uint32_t value, int size, int mmu);
/* Physical address of a code byte; raises #PF.  Fills the code TLB. */
uint32_t mem_code_phys(struct cpu *cpu, uint32_t vaddr);
/* As the guest would access it, with the current CPL; for helpers. */
uint32_t mem_read(struct cpu *cpu, uint32_t vaddr, int size);
void mem_write(struct cpu *cpu, uint32_t vaddr, uint32_t value, int size);
/* Check that [vaddr, vaddr+len) is writable (raises #PF), without writing. */
void mem_probe_write(struct cpu *cpu, uint32_t vaddr, uint32_t len);

/* (memcpy of a constant size in each case: a variable one is a call into libc) */
static inline uint32_t host_ld(const void *p, int size)
{
    uint32_t v = 0;
    if (size == 4) {
        memcpy(&v, p, 4);
    } else if (size == 2) {
        uint16_t h;
        memcpy(&h, p, 2);
        v = h;
    } else if (size == 1) {
        v = *(const uint8_t *)p;
    } else {
        memcpy(&v, p, (size_t)size);
    }
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v) >> (32 - 8 * size);
#endif
    return v;
}

static inline void host_st(void *p, uint32_t v, int size)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v << (32 - 8 * size));
#endif
    if (size == 4) {
        memcpy(p, &v, 4);
    } else if (size == 2) {
        uint16_t h = (uint16_t)v;
        memcpy(p, &h, 2);
    } else if (size == 1) {
        *(uint8_t *)p = (uint8_t)v;
    } else {
        memcpy(p, &v, (size_t)size);
    }
}

#define TLB_INDEX(va) (((va) >> 12) & (TLB_SIZE - 1))

static inline uint32_t mem_ld(struct cpu *cpu, uint32_t va, int size, int mmu)
{
    struct tlb_entry *e = &cpu->tlb[mmu][TLB_INDEX(va)];
    if (__builtin_expect(e->tag_read == ((va + size - 1) & PAGE_MASK), 1))
        return host_ld((void *)(uintptr_t)(va + e->addend), size);
    return mem_read_slow(cpu, va, size, mmu);
}

static inline void mem_st(struct cpu *cpu, uint32_t va, uint32_t v, int size, int mmu)
{
    struct tlb_entry *e = &cpu->tlb[mmu][TLB_INDEX(va)];
    if (__builtin_expect(e->tag_write == ((va + size - 1) & PAGE_MASK), 1))
        host_st((void *)(uintptr_t)(va + e->addend), v, size);
    else
        mem_write_slow(cpu, va, v, size, mmu);
}

#endif
