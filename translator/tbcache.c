/*
 * tbcache.c - the translated-block cache.
 *
 * Lookup: hash of (physical PC, linear PC) -> chain of blocks, compared on
 * the full key.  Translation: frontend -> IR -> optimizer -> backend; the
 * metadata goes into a bump arena and the backend's code into the code
 * cache.  When either is full, everything is flushed between blocks (never
 * while a block runs: tb_find is only called from the run loop).
 *
 * Invalidation never frees memory: an invalidated block may be the one
 * running (a store into its own code), so it is only unlinked and removed
 * from the hash; its memory goes back at the next flush.
 */
#include "translator/tbcache.h"
#include "base/exit_status.h"
#include "base/log.h"
#include "base/symbols.h"
#include "base/timer.h"
#include "translator/backend.h"
#include "translator/codecache.h"
#include "translator/decode.h"
#include "translator/frontend.h"
#include "softmmu/smc.h"
#include "softmmu/tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Under AddressSanitizer the arena is poisoned except for the blocks
 * allocated since the last flush, so that any use of a flushed block (a
 * stale pointer kept across tb_find) is reported where it happens.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TB_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TB_ASAN 1
#endif
#ifdef TB_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define HASH_BITS 16
/* The defaults; -tb-size scales both (metadata is about 2/3 of the code). */
#define ARENA_SIZE (32u << 20)
#define CODE_CACHE_SIZE (48u << 20)
static size_t arena_size = ARENA_SIZE, code_cache_size = CODE_CACHE_SIZE;

struct tb_stats tb_stats;

static struct tb *hash[1 << HASH_BITS];
static struct tb **page_tbs; /* physical page number -> blocks with code there */
/*
 * The pages that got blocks since the last flush, each listed once (the
 * bit), so that a flush touches only those and not all 2^20 slots: a
 * machine reset flushes, and the fuzz targets reset for every input.
 */
static uint32_t *used_pages;
static uint32_t nused_pages;
static uint64_t *page_listed;
static uint8_t *arena;
static struct code_cache code_cache;
static const struct backend *be;
static size_t arena_used;
static struct ir_block *irb;
static struct insn *insns;
static struct tb *all_tbs;

void tb_set_backend(const struct backend *b)
{
    be = b;
}

void tb_set_size(size_t bytes)
{
    code_cache_size = bytes;
    arena_size = bytes / 3 * 2;
    if (arena_size < (256u << 10))
        arena_size = 256u << 10;
}

const struct backend *tb_backend(void)
{
    return be;
}

void tb_init(void)
{
    if (!be)
        be = backend_default();
    if (!code_cache.base && code_cache_init(&code_cache, code_cache_size, be->executable) != 0) {
        perror("bt86: cannot map the code cache");
        exit(1);
    }
    if (!arena) {
        arena = malloc(arena_size);
        page_tbs = calloc(1u << 20, sizeof(*page_tbs));
        used_pages = malloc((1u << 20) * sizeof(*used_pages));
        page_listed = calloc((1u << 20) / 64, sizeof(*page_listed));
        irb = malloc(sizeof(*irb));
        insns = malloc(sizeof(*insns) * IR_MAX_INSNS);
        if (!arena || !page_tbs || !used_pages || !page_listed || !irb || !insns) {
            fprintf(stderr, "bt86: out of memory for the translation cache\n");
            exit(EXIT_FATAL);
        }
    }
    smc_set_hook(tb_invalidate_phys);
    tb_flush_all();
}

void tb_flush_all(void)
{
    memset(hash, 0, sizeof(hash));
    for (uint32_t i = 0; i < nused_pages; i++) {
        uint32_t p = used_pages[i];
        page_listed[p / 64] &= ~(1ull << (p % 64));
        if (page_tbs[p]) {
            page_tbs[p] = NULL;
            smc_unmark_code_page(p << 12);
        }
    }
    nused_pages = 0;
    for (struct tb *tb = all_tbs; tb; tb = tb->all_next)
        tb_stats.executed_flushed += tb->exec_count;
    all_tbs = NULL;
    arena_used = 0;
    ARENA_POISON(arena, arena_size);
    code_cache_reset(&code_cache);
    if (be && be->flush)
        be->flush();
    tb_stats.flushes++;
}

static void *arena_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (arena_used + n > arena_size)
        return NULL;
    void *p = arena + arena_used;
    arena_used += n;
    ARENA_UNPOISON(p, n);
    return p;
}

static uint32_t hash_of(uint32_t phys, uint32_t pc)
{
    uint32_t h = phys ^ (pc * 0x9e3779b1u);
    return (h ^ (h >> HASH_BITS)) & ((1 << HASH_BITS) - 1);
}

static void page_add(struct tb *tb, int n, uint32_t page)
{
    if (!(page_listed[page / 64] & (1ull << (page % 64)))) {
        page_listed[page / 64] |= 1ull << (page % 64);
        used_pages[nused_pages++] = page;
    }
    tb->page_next[n] = page_tbs[page];
    page_tbs[page] = (struct tb *)((uintptr_t)tb | n);
}

static void page_remove(struct tb *tb, int n, uint32_t page)
{
    struct tb **pp = &page_tbs[page];
    while (*pp) {
        struct tb *t = (struct tb *)((uintptr_t)*pp & ~(uintptr_t)1);
        int tn = (uintptr_t)*pp & 1;
        if (t == tb && tn == n) {
            *pp = t->page_next[tn];
            break;
        }
        pp = &t->page_next[tn];
    }
    if (!page_tbs[page])
        smc_unmark_code_page(page << 12);
}

static void log_block(struct cpu *cpu, struct tb *tb)
{
    FILE *f = log_file ? log_file : stderr;
    if (log_enabled(LOG_IN_ASM)) {
        char sym[128];
        fprintf(f, "IN: %s pc=0x%08x phys=0x%08x mode=%s cpl=%u\n",
                symbols_format(tb->pc, sym, sizeof(sym)), tb->pc, tb->phys_pc,
                (tb->hflags & HF_CODE32) ? "32" : "16", (tb->hflags & HF_CPL_MASK) >> HF_CPL_SHIFT);
        for (int i = 0; i < irb->ninsns; i++) {
            const struct insn *in = &insns[i];
            fprintf(f, "0x%08x:  ", in->eip);
            for (int j = 0; j < 8; j++) {
                if (j < in->len)
                    fprintf(f, "%02x ", in->bytes[j]);
                else
                    fputs("   ", f);
            }
            fprintf(f, "%-40s [%s]\n", in->text, insn_class_names[in->cls]);
        }
        fputc('\n', f);
    }
    if (log_enabled(LOG_OP)) {
        fprintf(f, "OP: pc=0x%08x\n", tb->pc);
        ir_dump(f, irb);
        fputc('\n', f);
    }
    if (log_enabled(LOG_OUT_ASM)) {
        fprintf(f, "OUT: [%s backend, %u guest insns]\n", be->name, tb->ninsns);
        be->dump(f, tb);
        fputc('\n', f);
    }
    (void)cpu;
}

static struct tb *translate(struct cpu *cpu, uint32_t pc, uint32_t phys_pc, int cache)
{
    uint64_t t0 = host_clock_ns();
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t hflags = cpu->hflags & ~HF_INHIBIT_IRQ;
    if (!cache)
        hflags |= HF_SINGLE;
    uint32_t phys_last = frontend_translate(cpu, cpu->eip, cs_base, hflags, irb, insns);

    size_t need = sizeof(struct tb) + irb->ninsns * 5 + 64;
    size_t code_need = be->code_size(irb);
    void *mem = arena_alloc(need);
    code_cache_open_tail(&code_cache);
    void *code = code_cache_alloc(&code_cache, code_need);
    if (!mem || !code) {
        /* Safe: we are between blocks.  Nothing may point into the arena. */
        tb_flush_all();
        mem = arena_alloc(need);
        code = code_cache_alloc(&code_cache, code_need);
    }
    struct tb *tb = mem;
    memset(tb, 0, sizeof(*tb));
    uint8_t *p = (uint8_t *)(tb + 1);
    tb->code = be->compile(irb, code);
    code_cache_close(&code_cache);
    tb->insn_eip = (uint32_t *)p;
    p += irb->ninsns * 4;
    tb->insn_cls = p;
    for (int i = 0; i < irb->ninsns; i++) {
        tb->insn_eip[i] = irb->insns[i].eip;
        tb->insn_cls[i] = irb->insns[i].cls;
        if (irb->insns[i].cls != CLS_INNOCUOUS && irb->insns[i].cls != CLS_CONTROL)
            tb->no_chain = 1;
    }
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->hflags = hflags;
    tb->phys_pc = phys_pc;
    tb->phys_last = phys_last;
    tb->ninsns = irb->ninsns;
    tb->guest_bytes = irb->guest_bytes;
    tb->all_next = all_tbs;
    all_tbs = tb;

    if (cache) {
        uint32_t h = hash_of(phys_pc, pc);
        tb->hash_next = hash[h];
        hash[h] = tb;
        page_add(tb, 0, phys_pc >> 12);
        smc_mark_code_page(phys_pc);
        if ((phys_last >> 12) != (phys_pc >> 12)) {
            page_add(tb, 1, phys_last >> 12);
            smc_mark_code_page(phys_last);
        }
    } else {
        tb->invalid = 1;
    }
    uint64_t t1 = host_clock_ns();
    tb_stats.translated++;
    tb_stats.guest_insns_translated += tb->ninsns;
    tb_stats.translate_seconds += (t1 - t0) * 1e-9;
    clock_steal(t1 - t0);
    if (log_mask & (LOG_IN_ASM | LOG_OP | LOG_OUT_ASM))
        log_block(cpu, tb);
    return tb;
}

struct tb *tb_find(struct cpu *cpu)
{
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t pc = cs_base + cpu->eip;
    uint32_t hflags = cpu->hflags & ~HF_INHIBIT_IRQ;
    uint32_t phys = mem_code_phys(cpu, pc);
    if (cpu->single_step_next) {
        cpu->single_step_next = 0;
        return translate(cpu, pc, phys, 0);
    }
    for (struct tb *tb = hash[hash_of(phys, pc)]; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->phys_pc == phys && tb->cs_base == cs_base && tb->hflags == hflags)
            return tb;
    }
    return translate(cpu, pc, phys, 1);
}

struct tb *tb_exec(struct cpu *cpu, struct tb *tb, int *slot)
{
    return be->exec(cpu, tb, slot);
}

void tb_dump_code(FILE *f, const struct tb *tb)
{
    be->dump(f, tb);
}

void tb_foreach(void (*fn)(const struct tb *tb, void *arg), void *arg)
{
    for (struct tb *tb = all_tbs; tb; tb = tb->all_next)
        fn(tb, arg);
}

uint64_t tb_blocks_executed(void)
{
    uint64_t n = tb_stats.executed_flushed;
    for (struct tb *tb = all_tbs; tb; tb = tb->all_next)
        n += tb->exec_count;
    return n;
}

void tb_link(struct tb *src, int slot, struct tb *dst)
{
    if (slot < 0 || src->invalid || dst->invalid || src->no_chain || src->jmp[slot])
        return;
    /*
     * With paging on, the mapping of another page may change without the
     * block noticing: only chain within the page the block starts on.
     */
    if ((src->hflags & HF_PG) && ((src->pc ^ dst->pc) & PAGE_MASK))
        return;
    src->jmp[slot] = dst;
    src->jmp_in_next[slot] = dst->jmp_in;
    dst->jmp_in = (uintptr_t)src | slot;
    if (be->link) {
        code_cache_open(&code_cache);
        be->link(src, slot, dst);
        code_cache_close(&code_cache);
    }
    tb_stats.chained++;
}

static void tb_invalidate(struct tb *tb)
{
    if (tb->invalid)
        return;
    tb->invalid = 1;
    tb_stats.invalidated++;
    uint32_t h = hash_of(tb->phys_pc, tb->pc);
    for (struct tb **pp = &hash[h]; *pp; pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            *pp = tb->hash_next;
            break;
        }
    }
    page_remove(tb, 0, tb->phys_pc >> 12);
    if ((tb->phys_last >> 12) != (tb->phys_pc >> 12))
        page_remove(tb, 1, tb->phys_last >> 12);
    /* Unchain everything that jumps here. */
    for (uintptr_t l = tb->jmp_in; l;) {
        struct tb *src = (struct tb *)(l & ~(uintptr_t)1);
        int slot = l & 1;
        if (src->jmp[slot] == tb) {
            src->jmp[slot] = NULL;
            if (be->link) {
                code_cache_open(&code_cache);
                be->link(src, slot, NULL);
                code_cache_close(&code_cache);
            }
        }
        l = src->jmp_in_next[slot];
    }
    tb->jmp_in = 0;
    tb->jmp[0] = tb->jmp[1] = NULL;
}

void tb_invalidate_phys(uint32_t paddr, uint32_t len)
{
    uint32_t end = paddr + len; /* exclusive; the 4 GiB wrap is not code */
    int hit_current = 0;
    struct cpu *cpu = bt86_cpu;
    for (uint32_t page = paddr >> 12; page <= (end - 1) >> 12; page++) {
        struct tb *next;
        for (struct tb *e = page_tbs[page]; e; e = next) {
            struct tb *tb = (struct tb *)((uintptr_t)e & ~(uintptr_t)1);
            next = tb->page_next[(uintptr_t)e & 1];
            uint32_t lo = tb->phys_pc, hi = tb->phys_last + 1;
            if ((tb->phys_last >> 12) != (tb->phys_pc >> 12)) {
                /* Spans two pages: compare per page. */
                if ((page == tb->phys_pc >> 12 && end > lo) ||
                    (page == tb->phys_last >> 12 && paddr < hi))
                    goto hit;
                continue;
            }
            if (paddr < hi && end > lo)
                goto hit;
            continue;
        hit:
            if (cpu && cpu->cur_tb == tb && tb->ninsns > 1)
                hit_current = 1;
            tb_invalidate(tb);
        }
        if (page == 0xfffff)
            break;
    }
    if (hit_current) {
        /*
         * The running block wrote into its own code: leave it before the
         * store and redo this instruction alone, so that what follows is
         * translated afresh from the new bytes (as a P6 would see it).
         */
        cpu->single_step_next = 1;
        cpu_restart_insn(cpu);
    }
}
