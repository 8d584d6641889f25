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
#include "softmmu/memory.h"
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

#define HASH_BITS TB_HASH_BITS
/* The defaults; -tb-size scales both (metadata is about 2/3 of the code). */
#define ARENA_SIZE (32u << 20)
#define CODE_CACHE_SIZE (48u << 20)

static void smc_hook(void *opaque, uint32_t paddr, uint32_t len)
{
    tb_invalidate_phys(opaque, paddr, len);
}

struct tb_cache *tb_init(struct cpu *cpu, const struct backend *be, size_t code_bytes,
                         struct clock *clock)
{
    struct tb_cache *tc = calloc(1, sizeof(*tc));
    if (!tc)
        goto oom;
    tc->be = be ? be : backend_default();
    tc->exec = tc->be->exec;
    tc->cpu = cpu;
    tc->clock = clock;
    size_t code_size = CODE_CACHE_SIZE;
    tc->arena_size = ARENA_SIZE;
    if (code_bytes) {
        code_size = code_bytes;
        tc->arena_size = code_bytes / 3 * 2;
        if (tc->arena_size < (256u << 10))
            tc->arena_size = 256u << 10;
    }
    if (code_cache_init(&tc->code_cache, code_size, tc->be->executable) != 0) {
        perror("bt86: cannot map the code cache");
        exit(1);
    }
    tc->arena = malloc(tc->arena_size);
    tc->page_tbs = calloc(1u << 20, sizeof(*tc->page_tbs));
    tc->used_pages = malloc((1u << 20) * sizeof(*tc->used_pages));
    tc->page_listed = calloc((1u << 20) / 64, sizeof(*tc->page_listed));
    tc->irb = malloc(sizeof(*tc->irb));
    tc->insns = malloc(sizeof(*tc->insns) * IR_MAX_INSNS);
    if (!tc->arena || !tc->page_tbs || !tc->used_pages || !tc->page_listed || !tc->irb ||
        !tc->insns)
        goto oom;
    cpu->tbs = tc;
    smc_set_hook(cpu->smc, smc_hook, tc);
    tb_flush_all(tc);
    return tc;
oom:
    fprintf(stderr, "bt86: out of memory for the translation cache\n");
    exit(EXIT_FATAL);
}

void tb_free(struct tb_cache *tc)
{
    if (!tc)
        return;
    if (tc->cpu && tc->cpu->tbs == tc) {
        tc->cpu->tbs = NULL;
        if (tc->cpu->smc && tc->cpu->smc->hook_opaque == tc)
            smc_set_hook(tc->cpu->smc, NULL, NULL);
    }
    ARENA_UNPOISON(tc->arena, tc->arena_size);
    code_cache_destroy(&tc->code_cache);
    free(tc->arena);
    free(tc->page_tbs);
    free(tc->used_pages);
    free(tc->page_listed);
    free(tc->irb);
    free(tc->insns);
    free(tc);
}

const struct backend *tb_backend(struct tb_cache *tc)
{
    return tc->be;
}

const struct tb tb_jc_none = { .hflags = UINT32_MAX, .invalid = 1 };

void tb_jump_cache_clear(struct tb_cache *tc)
{
    for (size_t i = 0; i < sizeof(tc->jump_cache) / sizeof(tc->jump_cache[0]); i++)
        tc->jump_cache[i] = (struct tb *)&tb_jc_none;
}

/*
 * The return prediction of every CPU that shares this cache (the machine's,
 * which the code-page map lists), not only the running one's: a CPU that
 * waits between its slices keeps entries that point at blocks, and a flush
 * or an invalidation while it waits leaves them stale.
 */
static void ras_clear_all(struct tb_cache *tc)
{
    if (!tc->cpu)
        return;
    cpu_ras_clear(tc->cpu);
    const struct smc *smc = tc->cpu->smc;
    for (int i = 0; smc && i < smc->ncpus; i++)
        cpu_ras_clear(smc->cpus[i]);
}

void tb_flush_all(struct tb_cache *tc)
{
    tb_jump_cache_clear(tc);
    ras_clear_all(tc); /* its entries point into the code cache */
    memset(tc->hash, 0, sizeof(tc->hash));
    for (uint32_t i = 0; i < tc->nused_pages; i++) {
        uint32_t p = tc->used_pages[i];
        tc->page_listed[p / 64] &= ~(1ull << (p % 64));
        if (tc->page_tbs[p]) {
            tc->page_tbs[p] = NULL;
            smc_unmark_code_page(tc->cpu->smc, p << 12);
        }
    }
    tc->nused_pages = 0;
    for (struct tb *tb = tc->all_tbs; tb; tb = tb->all_next)
        tc->stats.executed_flushed += tb->exec_count;
    tc->all_tbs = NULL;
    tc->arena_used = 0;
    ARENA_POISON(tc->arena, tc->arena_size);
    code_cache_reset(&tc->code_cache);
    if (tc->be->flush)
        tc->be->flush();
    tc->stats.flushes++;
}

static void *arena_alloc(struct tb_cache *tc, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (tc->arena_used + n > tc->arena_size)
        return NULL;
    void *p = tc->arena + tc->arena_used;
    tc->arena_used += n;
    ARENA_UNPOISON(p, n);
    return p;
}

static uint32_t hash_of(uint32_t phys, uint32_t pc)
{
    uint32_t h = phys ^ (pc * 0x9e3779b1u);
    return (h ^ (h >> HASH_BITS)) & ((1 << HASH_BITS) - 1);
}

static void page_add(struct tb_cache *tc, struct tb *tb, int n, uint32_t page)
{
    if (!(tc->page_listed[page / 64] & (1ull << (page % 64)))) {
        tc->page_listed[page / 64] |= 1ull << (page % 64);
        tc->used_pages[tc->nused_pages++] = page;
    }
    tb->page_next[n] = tc->page_tbs[page];
    tc->page_tbs[page] = (struct tb *)((uintptr_t)tb | n);
}

static void page_remove(struct tb_cache *tc, struct tb *tb, int n, uint32_t page)
{
    struct tb **pp = &tc->page_tbs[page];
    while (*pp) {
        struct tb *t = (struct tb *)((uintptr_t)*pp & ~(uintptr_t)1);
        int tn = (uintptr_t)*pp & 1;
        if (t == tb && tn == n) {
            *pp = t->page_next[tn];
            break;
        }
        pp = &t->page_next[tn];
    }
    if (!tc->page_tbs[page])
        smc_unmark_code_page(tc->cpu->smc, page << 12);
}

static void log_block(struct tb_cache *tc, struct tb *tb)
{
    FILE *f = log_file ? log_file : stderr;
    if (log_enabled(LOG_IN_ASM)) {
        char sym[128];
        fprintf(f, "IN: %s pc=0x%08x phys=0x%08x mode=%s cpl=%u\n",
                symbols_format(tb->pc, sym, sizeof(sym)), tb->pc, tb->phys_pc,
                (tb->hflags & HF_CODE32) ? "32" : "16", (tb->hflags & HF_CPL_MASK) >> HF_CPL_SHIFT);
        for (int i = 0; i < tc->irb->ninsns; i++) {
            const struct insn *in = &tc->insns[i];
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
        ir_dump(f, tc->irb);
        fputc('\n', f);
    }
    if (log_enabled(LOG_OUT_ASM)) {
        fprintf(f, "OUT: [%s backend, %u guest insns]\n", tc->be->name, tb->ninsns);
        tc->be->dump(f, tb);
        fputc('\n', f);
    }
}

/*
 * The host addend a block's data accesses most likely find (ir_block
 * mem_hint): its code page's, when that page is RAM at a linear offset of
 * whole 256 MiB (0 without paging, 0xc0000000 in a kernel's direct map),
 * where data tends to share the code's mapping; no guess for anything
 * else, a user process's pages say, or when it does not fit 32 bits.
 */
static int32_t mem_hint(struct cpu *cpu, uint32_t pc, uint32_t phys_pc)
{
    uint32_t off = (pc & PAGE_MASK) - (phys_pc & PAGE_MASK);
    const struct mem_region *r = mem_find(cpu->mem, phys_pc);
    if ((off & 0x0fffffffu) || !r || r->kind != MEM_RAM || !r->host)
        return 0;
    int64_t a = (int64_t)((uintptr_t)r->host - r->base - off);
    return a == (int32_t)a ? (int32_t)a : 0;
}

static struct tb *translate(struct cpu *cpu, uint32_t pc, uint32_t phys_pc, int cache)
{
    struct tb_cache *tc = cpu->tbs;
    uint64_t t0 = host_clock_ns();
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t hflags = cpu->hflags & ~HF_INHIBIT_IRQ;
    if (!cache)
        hflags |= HF_SINGLE;
    uint32_t phys_last = frontend_translate(cpu, cpu->eip, cs_base, hflags, tc->irb, tc->insns);
    tc->irb->mem_hint = mem_hint(cpu, pc, phys_pc);

    size_t need = sizeof(struct tb) + tc->irb->ninsns * 5 + 64;
    size_t code_need = tc->be->code_size(tc->irb);
    void *mem = arena_alloc(tc, need);
    code_cache_open_tail(&tc->code_cache);
    void *code = code_cache_alloc(&tc->code_cache, code_need);
    if (!mem || !code) {
        /* Safe: we are between blocks.  Nothing may point into the arena. */
        tb_flush_all(tc);
        mem = arena_alloc(tc, need);
        code = code_cache_alloc(&tc->code_cache, code_need);
    }
    struct tb *tb = mem;
    memset(tb, 0, sizeof(*tb));
    uint8_t *p = (uint8_t *)(tb + 1);
    tb->code = tc->be->compile(tc->irb, code, code_cache_exec(&tc->code_cache, code), tb);
    code_cache_close(&tc->code_cache);
    tb->insn_eip = (uint32_t *)p;
    p += tc->irb->ninsns * 4;
    tb->insn_cls = p;
    for (int i = 0; i < tc->irb->ninsns; i++) {
        tb->insn_eip[i] = tc->irb->insns[i].eip;
        tb->insn_cls[i] = tc->irb->insns[i].cls;
        if (tc->irb->insns[i].cls != CLS_INNOCUOUS && tc->irb->insns[i].cls != CLS_CONTROL)
            tb->no_chain = 1;
    }
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->hflags = hflags;
    tb->phys_pc = phys_pc;
    tb->phys_last = phys_last;
    tb->phys_lo = phys_pc - (pc - tc->irb->code_lo); /* in phys_pc's page */
    tb->ninsns = tc->irb->ninsns;
    tb->guest_bytes = tc->irb->guest_bytes;
    tb->all_next = tc->all_tbs;
    tc->all_tbs = tb;

    if (cache) {
        uint32_t h = hash_of(phys_pc, pc);
        tb->hash_next = tc->hash[h];
        tc->hash[h] = tb;
        page_add(tc, tb, 0, phys_pc >> 12);
        smc_mark_code_page(cpu->smc, phys_pc);
        if ((phys_last >> 12) != (phys_pc >> 12)) {
            page_add(tc, tb, 1, phys_last >> 12);
            smc_mark_code_page(cpu->smc, phys_last);
        }
    } else {
        tb->invalid = 1;
    }
    uint64_t t1 = host_clock_ns();
    tc->stats.translated++;
    tc->stats.guest_insns_translated += tb->ninsns;
    tc->stats.code_bytes += code_need;
    tc->stats.translate_seconds += (t1 - t0) * 1e-9;
    if (tc->clock)
        clock_steal(tc->clock, t1 - t0);
    if (log_mask & (LOG_IN_ASM | LOG_OP | LOG_OUT_ASM))
        log_block(tc, tb);
    return tb;
}

struct tb *tb_find(struct cpu *cpu)
{
    struct tb_cache *tc = cpu->tbs;
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t pc = cs_base + cpu->eip;
    uint32_t hflags = cpu->hflags & ~HF_INHIBIT_IRQ;
    uint32_t phys = mem_code_phys(cpu, pc);
    if (cpu->single_step_next) {
        cpu->single_step_next = 0;
        return translate(cpu, pc, phys, 0);
    }
    /* The jump cache first: 32 KiB, where the hash table's 512 KiB of
     * buckets made every lookup a cache miss before the block's own (perf
     * annotate, a Linux boot: tb_find 3.6% of the time, 45% of it on the
     * bucket's load). */
    struct tb *tb = tc->jump_cache[tb_jc_slot(pc)];
    if (tb && tb->pc == pc && tb->phys_pc == phys && tb->cs_base == cs_base &&
        tb->hflags == hflags && !tb->invalid)
        return tb;
    for (tb = tc->hash[hash_of(phys, pc)]; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->phys_pc == phys && tb->cs_base == cs_base && tb->hflags == hflags)
            return tb;
    }
    return translate(cpu, pc, phys, 1);
}

struct tb *tb_find_quick(struct cpu *cpu)
{
    struct tb_cache *tc = cpu->tbs;
    uint32_t cs_base = cpu->seg[S_CS].base;
    uint32_t pc = cs_base + cpu->eip;
    struct tb *tb = tc->jump_cache[tb_jc_slot(pc)];
    /* (a shadow, HF_INHIBIT_IRQ, misses here: no_events() refuses it anyway) */
    if (!tb || tb->pc != pc || tb->cs_base != cs_base || tb->hflags != cpu->hflags)
        return NULL;
    /* the physical PC from a code-TLB hit, as mem_code_phys() finds it;
     * a miss would have to walk, and may fault: the run loop's work */
    const struct tlb_entry *e = &cpu->tlb[cpu_cpl(cpu) == 3][TLB_INDEX(pc)];
    if ((e->tag_code & (PAGE_MASK | TLB_INVALID)) != (pc & PAGE_MASK) ||
        (e->phys | (pc & ~PAGE_MASK)) != tb->phys_pc)
        return NULL;
    /* last: a MOV to CR3 misses above, for less */
    if (!cpu->no_events || !cpu->no_events(cpu))
        return NULL;
    tc->stats.quick_finds++;
    return tb;
}

void tb_dump_code(struct tb_cache *tc, FILE *f, const struct tb *tb)
{
    tc->be->dump(f, tb);
}

int tb_dump_insn_code(struct tb_cache *tc, FILE *f, const struct tb *tb, int insn)
{
    if (!tc->be->dump_insn)
        return -1;
    tc->be->dump_insn(f, tb, insn);
    return 0;
}

int tb_ir_again(struct cpu *cpu, const struct tb *tb, struct ir_block *b, struct insn *insns)
{
    frontend_translate(cpu, tb->pc - tb->cs_base, tb->cs_base, tb->hflags, b, insns);
    if (b->ninsns != (int)tb->ninsns)
        return -1;
    for (int i = 0; i < b->ninsns; i++)
        if (b->insns[i].eip != tb->insn_eip[i])
            return -1;
    return 0;
}

void tb_foreach(struct tb_cache *tc, void (*fn)(const struct tb *tb, void *arg), void *arg)
{
    for (struct tb *tb = tc->all_tbs; tb; tb = tb->all_next)
        fn(tb, arg);
}

uint64_t tb_blocks_executed(struct tb_cache *tc)
{
    uint64_t n = tc->stats.executed_flushed;
    for (struct tb *tb = tc->all_tbs; tb; tb = tb->all_next)
        n += tb->exec_count;
    return n;
}

void tb_link_slow(struct tb_cache *tc, struct tb *src, int slot, struct tb *dst)
{
    /*
     * With paging on, the mapping of another page may change without the
     * block noticing: only chain within the page the block starts on.
     */
    if ((src->hflags & HF_PG) && ((src->pc ^ dst->pc) & PAGE_MASK))
        return;
    src->jmp[slot] = dst;
    src->jmp_in_next[slot] = dst->jmp_in;
    dst->jmp_in = (uintptr_t)src | slot;
    if (tc->be->link) {
        code_cache_open(&tc->code_cache);
        tc->be->link(&tc->code_cache, src, slot, dst);
        code_cache_close(&tc->code_cache);
    }
    tc->stats.chained++;
}

static void tb_invalidate(struct tb_cache *tc, struct tb *tb)
{
    if (tb->invalid)
        return;
    tb->invalid = 1;
    tc->stats.invalidated++;
    /* Generated code trusts what the jump cache holds to be valid (the
     * return prediction, tb_invalidate_phys() empties once for all). */
    if (tc->jump_cache[tb_jc_slot(tb->pc)] == tb)
        tc->jump_cache[tb_jc_slot(tb->pc)] = (struct tb *)&tb_jc_none;
    uint32_t h = hash_of(tb->phys_pc, tb->pc);
    for (struct tb **pp = &tc->hash[h]; *pp; pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            *pp = tb->hash_next;
            break;
        }
    }
    page_remove(tc, tb, 0, tb->phys_pc >> 12);
    if ((tb->phys_last >> 12) != (tb->phys_pc >> 12))
        page_remove(tc, tb, 1, tb->phys_last >> 12);
    /* Unchain everything that jumps here. */
    for (uintptr_t l = tb->jmp_in; l;) {
        struct tb *src = (struct tb *)(l & ~(uintptr_t)TB_SLOT_MASK);
        int slot = (int)(l & TB_SLOT_MASK);
        if (src->jmp[slot] == tb) {
            src->jmp[slot] = NULL;
            if (tc->be->link) {
                code_cache_open(&tc->code_cache);
                tc->be->link(&tc->code_cache, src, slot, NULL);
                code_cache_close(&tc->code_cache);
            }
        }
        l = src->jmp_in_next[slot];
    }
    tb->jmp_in = 0;
    memset(tb->jmp, 0, sizeof(tb->jmp));
}

void tb_invalidate_phys(struct tb_cache *tc, uint32_t paddr, uint32_t len)
{
    uint32_t end = paddr + len; /* exclusive; the 4 GiB wrap is not code */
    int hit_current = 0, hits = 0;
    struct cpu *cpu = tc->cpu;
    for (uint32_t page = paddr >> 12; page <= (end - 1) >> 12; page++) {
        struct tb *next;
        for (struct tb *e = tc->page_tbs[page]; e; e = next) {
            struct tb *tb = (struct tb *)((uintptr_t)e & ~(uintptr_t)1);
            next = tb->page_next[(uintptr_t)e & 1];
            uint32_t lo = tb->phys_lo, hi = tb->phys_last + 1;
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
            tb_invalidate(tc, tb);
            hits = 1;
        }
        if (page == 0xfffff)
            break;
    }
    /* Generated code trusts that the blocks return predictions go to are
     * valid: every CPU's, emptied once for the blocks this store hit. */
    if (hits)
        ras_clear_all(tc);
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
