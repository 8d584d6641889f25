/*
 * test_paging.c - the page walk against the SDM's rules: two-level with
 * 4 MiB PSE pages, PAE with 2 MiB pages and NX, U/S, R/W with CR0.WP,
 * accessed/dirty updates, and the #PF error code bits (P, W/R, U/S, RSVD,
 * I/D).
 */
#include "check.h"
#include "cpu/cpu.h"
#include "softmmu/memory.h"
#include "softmmu/paging.h"
#include "softmmu/smc.h"
#include "softmmu/tlb.h"

#include <stdlib.h>
#include <string.h>

static struct cpu cpu;
static struct mem_map mem;
static struct smc smc;

static void w32(uint32_t a, uint32_t v) { phys_write(&mem, a, v, 4); }
static uint32_t r32(uint32_t a) { return phys_read(&mem, a, 4); }
static void w64(uint32_t a, uint64_t v) { w32(a, (uint32_t)v); w32(a + 4, (uint32_t)(v >> 32)); }

static uint32_t tr(uint32_t va, int acc, int user, uint32_t *pa, uint32_t *prot)
{
    return paging_translate(&cpu, va, acc, user, pa, prot);
}

int main(void)
{
    uint32_t ram = 16 << 20;
    smc_init(&smc, ram);
    mem_init(&mem, &smc);
    cpu.mem = &mem;
    cpu.smc = &smc;
    mem_add_ram(&mem, 0, ram, calloc(1, ram), "ram");
    cpu.a20_mask = 0xffffffffu;
    uint32_t pa, prot, f;

    /* --- two-level --- */
    cpu.cr[0] = CR0_PE | CR0_PG;
    cpu.cr[3] = 0x10000;
    w32(0x10000 + 0 * 4, 0x11000 | 0x7);      /* PDE 0: user, writable */
    w32(0x11000 + 5 * 4, 0x00123000 | 0x5);   /* 0x5000 -> 0x123000 user, read-only */
    w32(0x11000 + 6 * 4, 0x00124000 | 0x3);   /* 0x6000 -> 0x124000 supervisor, writable */
    w32(0x10000 + 1 * 4, 0x00800000 | 0x87);  /* 4 MiB page 0x400000 -> 0x800000 */

    CHECK_EQ(tr(0x5123, ACC_READ, 1, &pa, &prot), 0);
    CHECK_EQ(pa, 0x123123);
    CHECK(!(prot & PROT_W));
    CHECK(r32(0x11000 + 5 * 4) & 0x20);       /* accessed */
    CHECK(!(r32(0x11000 + 5 * 4) & 0x40));    /* not dirty after a read */
    f = tr(0x5123, ACC_WRITE, 1, &pa, &prot); /* user write to read-only: P|W|U */
    CHECK_EQ(f, 0x10000 | 0x7);
    CHECK_EQ(tr(0x5123, ACC_WRITE, 0, &pa, &prot), 0); /* supervisor, WP=0: allowed */
    cpu.cr[0] |= CR0_WP;
    CHECK_EQ(tr(0x5123, ACC_WRITE, 0, &pa, &prot), 0x10000 | 0x3); /* WP=1: P|W */
    CHECK_EQ(tr(0x6000, ACC_READ, 1, &pa, &prot), 0x10000 | 0x5);  /* user on supervisor: P|U */
    CHECK_EQ(tr(0x6000, ACC_WRITE, 0, &pa, &prot), 0);
    CHECK(r32(0x11000 + 6 * 4) & 0x40);        /* dirty after a write */
    CHECK_EQ(tr(0x7000, ACC_READ, 0, &pa, &prot), 0x10000);        /* not present */
    CHECK_EQ(tr(0x7000, ACC_WRITE, 1, &pa, &prot), 0x10000 | 0x6); /* not present, W|U */
    /* PSE off: PS is ignored; the PDE names a page table (here empty). */
    CHECK_EQ(tr(0x400000, ACC_READ, 0, &pa, &prot), 0x10000);
    cpu.cr[4] = CR4_PSE;
    CHECK_EQ(tr(0x4abcde, ACC_READ, 0, &pa, &prot), 0);
    CHECK_EQ(pa, 0x8abcde);

    /* --- PAE --- */
    cpu.cr[4] = CR4_PAE;
    cpu.cr[3] = 0x20000;                           /* PDPT, 32-byte aligned */
    w64(0x20000 + 0 * 8, 0x21000 | 1);             /* PDPTE 0 */
    w64(0x21000 + 0 * 8, 0x22000 | 0x7);           /* PDE 0 -> page table */
    w64(0x22000 + 9 * 8, 0x00345000 | 0x7);        /* 0x9000 -> 0x345000 */
    w64(0x22000 + 10 * 8, 0x8000000000346000ull | 0x7); /* XD set */
    w64(0x21000 + 1 * 8, 0x00400000 | 0x83);       /* 2 MiB page 0x200000 -> 0x400000 */
    CHECK_EQ(tr(0x9abc, ACC_READ, 1, &pa, &prot), 0);
    CHECK_EQ(pa, 0x345abc);
    CHECK_EQ(tr(0x2fedcb, ACC_READ, 0, &pa, &prot), 0);
    CHECK_EQ(pa, 0x4fedcb);
    /* XD with EFER.NXE clear is a reserved bit: P|RSVD. */
    CHECK_EQ(tr(0xa000, ACC_READ, 0, &pa, &prot), 0x10000 | 0x9);
    cpu.msr_efer = EFER_NXE;
    CHECK_EQ(tr(0xa000, ACC_READ, 0, &pa, &prot), 0);
    CHECK(prot & PROT_NX);
    CHECK_EQ(tr(0xa000, ACC_CODE, 0, &pa, &prot), 0x10000 | 0x11); /* fetch: P|I/D */
    CHECK_EQ(tr(0xb000, ACC_CODE, 1, &pa, &prot), 0x10000 | 0x14); /* not present fetch: U|I/D */
    CHECK_EQ(tr(0x40000000, ACC_READ, 0, &pa, &prot), 0x10000);    /* PDPTE 1 absent */

    /* --- the soft TLB across CR3 writes ---
     * 256 pages (every TLB index) at 0x400000, odd ones global; each
     * physical page holds its own number.  After the PTEs move to other
     * pages, a CR3 write (tlb_flush_nonglobal) must drop every non-global
     * entry, of both privilege levels, and may keep the global ones (bt86
     * does, as the SDM allows); a full flush drops them all. */
    cpu.cr[4] = CR4_PGE;
    cpu.msr_efer = 0;
    cpu.cr[3] = 0x30000;
    tlb_flush(&cpu);
    w32(0x30000 + 1 * 4, 0x31000 | 0x7);
    for (uint32_t i = 0; i < 256; i++) {
        w32(0x31000 + i * 4, (0x100000 + i * 0x1000) | 0x7 | (i & 1 ? 0x100 : 0));
        w32(0x100000 + i * 0x1000, i);
        w32(0x200000 + i * 0x1000, 0x1000 + i);
    }
    int stale = 0, wrong = 0;
    for (uint32_t i = 0; i < 256; i++)
        wrong += mem_ld(&cpu, 0x400000 + i * 0x1000, 4, 0) != i;
    for (uint32_t i = 0; i < 256; i += 7)
        wrong += mem_ld(&cpu, 0x400000 + i * 0x1000, 4, 1) != i;
    CHECK_EQ(wrong, 0);
    for (uint32_t i = 0; i < 256; i++)
        w32(0x31000 + i * 4, (0x200000 + i * 0x1000) | 0x7 | (i & 1 ? 0x100 : 0));
    tlb_flush_nonglobal(&cpu);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t v = mem_ld(&cpu, 0x400000 + i * 0x1000, 4, 0);
        stale += v == i;
        wrong += v != (i & 1 ? i : 0x1000 + i);
    }
    for (uint32_t i = 0; i < 256; i += 7)
        wrong += mem_ld(&cpu, 0x400000 + i * 0x1000, 4, 1) != (i & 1 ? i : 0x1000 + i);
    CHECK_EQ(wrong, 0);
    CHECK_EQ(stale, 128);
    /* a second CR3 write: the global entries it kept are still the only stale ones */
    tlb_flush_nonglobal(&cpu);
    for (uint32_t i = 0; i < 256; i++)
        wrong += mem_ld(&cpu, 0x400000 + i * 0x1000, 4, 0) != (i & 1 ? i : 0x1000 + i);
    CHECK_EQ(wrong, 0);
    tlb_flush(&cpu);
    for (uint32_t i = 0; i < 256; i++)
        wrong += mem_ld(&cpu, 0x400000 + i * 0x1000, 4, 0) != 0x1000 + i;
    CHECK_EQ(wrong, 0);

    return check_done("test_paging");
}
