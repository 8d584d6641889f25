/*
 * tbcache.h - translated blocks: cache, chaining and invalidation.
 *
 * Blocks are keyed by (physical PC, linear PC, CS base, mode bits) and
 * found through a hash.  A block's direct exits are chained to their
 * successors so that hot loops never return to the run loop; writes to a
 * page holding code (SMC) invalidate the blocks on it and unlink them.
 * Block metadata lives in one arena and the backend's code in the code
 * cache (translator/codecache.h); when either fills, everything is flushed.
 *
 * Each machine has its own cache, made for its CPU (cpu->tbs): the
 * cache installs its invalidation on the CPU's SMC map (cpu->smc), charges
 * translation time to the machine's clock, and knows which block that CPU
 * is running.  Two machines in one process share nothing here.
 *
 *   cpu->smc = &m->smc;
 *   m->tbs = tb_init(&m->cpu, NULL, 0, &m->clock);  // default backend and size
 *   struct tb *tb = tb_find(&m->cpu);
 */
#ifndef BT86_TRANSLATOR_TBCACHE_H
#define BT86_TRANSLATOR_TBCACHE_H

#include "cpu/cpu.h"
#include "translator/codecache.h"
#include "translator/ir.h"

#include <stdint.h>
#include <stdio.h>

struct backend;
struct clock;
struct insn;
struct ir_block;

/* Direct exits per block: a JMP or Jcc's taken (0) and fall-through (1)
 * sides, and two side exits' (2 and 3, IR_BRANCH). */
#define TB_NSLOTS (2 + IR_MAX_BRANCHES)
#define TB_SLOT_MASK 3
_Static_assert(TB_NSLOTS <= TB_SLOT_MASK + 1, "jmp_in keeps the slot in a 16-aligned pointer");

struct tb {
    uint32_t pc;      /* linear address of the first instruction */
    uint32_t cs_base;
    uint32_t hflags;
    uint32_t phys_pc;
    uint32_t phys_last; /* physical address of the last code byte */
    uint32_t phys_lo;   /* ... and of the lowest (below phys_pc after a jump back) */
    uint32_t ninsns;
    uint32_t guest_bytes;
    int invalid;
    int no_chain; /* ends with a monitor call: the mode may differ next time */
    struct tb *hash_next;
    struct tb *page_next[2];
    struct tb *jmp[TB_NSLOTS]; /* chained successors, per exit slot */
    uintptr_t jmp_in;        /* incoming chain list: tb pointer | slot (blocks are 16-aligned) */
    uintptr_t jmp_in_next[TB_NSLOTS];
    const void *code; /* the backend's entry point, in the code cache */
    uint32_t *insn_eip;      /* EIP of each guest instruction */
    uint8_t *insn_cls;
    uint64_t exec_count;
    struct tb *all_next; /* every block since the last flush (statistics) */
};

struct tb_stats {
    uint64_t translated, invalidated, flushes, chained, guest_insns_translated;
    uint64_t code_bytes;       /* code-cache bytes the translations took */
    uint64_t executed_flushed; /* exec counts of blocks dropped by flushes */
    uint64_t run_loop_entries; /* blocks the run loop entered (the others were chained) */
    uint64_t jc_hits, jc_misses; /* generated code's jump-cache lookups (-stats only) */
    uint64_t ras_hits, ras_misses; /* ... and return predictions (cpu->ras) */
    uint64_t quick_finds;      /* blocks found by tb_find_quick, after a monitor call */
    double translate_seconds;
};

#define TB_HASH_BITS 16
#define TB_JC_BITS 12

/*
 * The jump cache's slot for linear PC: the top bits of a multiplicative
 * hash, to which every bit of the PC contributes.  By bits 0-11 alone,
 * every block at one page offset shared a slot; by bits 2-13, blocks a
 * few bytes apart did (a kernel entry's segment loads each end one: 6 jump
 * cache misses in every INT 0x80 round trip).  Generated code computes the
 * same (backend_x86_64.c, emit_jump_cache), in as many instructions.
 */
#define TB_JC_MUL 0x9e3779b1u
static inline uint32_t tb_jc_slot(uint32_t pc)
{
    return (pc * TB_JC_MUL) >> (32 - TB_JC_BITS);
}

struct tb_cache {
    /* be->exec, one load closer for the run loop (tb_exec) */
    struct tb *(*exec)(struct cpu *cpu, struct tb *tb, int *slot);
    struct tb_stats stats;
    const struct backend *be;
    struct cpu *cpu;     /* the CPU that runs these blocks (cpu->tbs) */
    struct clock *clock; /* charged with translation time (clock_steal), or NULL */
    size_t arena_size, arena_used;
    uint8_t *arena;
    struct code_cache code_cache;
    struct tb **page_tbs; /* physical page number -> blocks with code there */
    /*
     * The pages that got blocks since the last flush, each listed once (the
     * bit), so that a flush touches only those and not all 2^20 slots: a
     * machine reset flushes, and the fuzz targets reset for every input.
     */
    uint32_t *used_pages;
    uint32_t nused_pages;
    uint64_t *page_listed;
    struct ir_block *irb;
    struct insn *insns;
    struct tb *all_tbs; /* every block since the last flush (statistics) */
    struct tb *hash[1 << TB_HASH_BITS];
    /*
     * For a backend's indirect exits: blocks by linear PC (the slot
     * tb_jc_slot() gives), as it fills it; emptied at every flush.  Per cache, so that a
     * block of one machine is never found from another's code.  A backend
     * must check the whole key (tb_find's) and tb->invalid before using one.
     */
    struct tb *jump_cache[1 << TB_JC_BITS];
};

/*
 * A new cache for cpu, whose smc must be set: sets cpu->tbs and installs
 * the cache's invalidation as the SMC map's hook.  be NULL: backend_default();
 * code_bytes 0: the default code cache size (-tb-size), the block metadata
 * in proportion.  Exits on out of memory.
 */
struct tb_cache *tb_init(struct cpu *cpu, const struct backend *be, size_t code_bytes,
                         struct clock *clock);
void tb_free(struct tb_cache *tc);
const struct backend *tb_backend(struct tb_cache *tc);
/* Find or translate the block for the CPU's current state (in cpu->tbs); may raise #PF. */
struct tb *tb_find(struct cpu *cpu);
/*
 * Run `tb` and whatever it chains to through the backend; returns the last
 * block run and its exit slot in *slot (see struct backend's exec).
 */
static inline struct tb *tb_exec(struct cpu *cpu, struct tb *tb, int *slot)
{
    return cpu->tbs->exec(cpu, tb, slot);
}
/*
 * After a block that called the monitor: the next block for the CPU's
 * state when the run loop would do nothing before it but find it (no
 * event waits, cpu->no_events) and the jump cache and the code TLB have
 * it, else NULL.  Never translates, never faults.  The caller enters the
 * block through tb_chain_enter()'s checks.
 */
struct tb *tb_find_quick(struct cpu *cpu);
/* The backend's code of `tb`, for -d out_asm and the stepper. */
void tb_dump_code(struct tb_cache *tc, FILE *f, const struct tb *tb);
/* Only guest instruction `insn`'s code; -1 if the backend cannot tell. */
int tb_dump_insn_code(struct tb_cache *tc, FILE *f, const struct tb *tb, int insn);
/*
 * The optimized IR `tb` was compiled from, translated again into `b` and
 * `insns` (IR_MAX_INSNS of them) from the guest code as it is now, for the
 * stepper: blocks keep no IR.  May raise #PF like tb_find.  Returns 0, or
 * -1 when the code no longer gives the same instructions.
 */
int tb_ir_again(struct cpu *cpu, const struct tb *tb, struct ir_block *b, struct insn *insns);
/*
 * The run loop's accounting for entering a block, which every backend
 * also does when it follows a chained exit (tb_chain_enter): the block
 * budget and -icount's instruction count move by the block's length.
 */
static inline void tb_enter(struct cpu *cpu, struct tb *tb)
{
    tb->exec_count++;
    cpu->budget -= tb->ninsns;
    cpu->icount += tb->ninsns;
}
/* Whether a chained exit may go on into `next` (then entered) or must return. */
static inline int tb_chain_enter(struct cpu *cpu, struct tb *next)
{
    if (!next || cpu->exit_request || cpu->budget <= 0)
        return 0;
    tb_enter(cpu, next);
    return 1;
}
/* tb_link's part beyond the common refusals: the page check, the link. */
void tb_link_slow(struct tb_cache *tc, struct tb *src, int slot, struct tb *dst);
/* Chain src's exit `slot` to dst when that is safe.  Most exits cannot
 * chain (a monitor call in the block, chained already) and the run loop
 * asks after every block, so those answers cost no call. */
static inline void tb_link(struct tb_cache *tc, struct tb *src, int slot, struct tb *dst)
{
    if (slot < 0 || src->invalid || dst->invalid || src->no_chain || src->jmp[slot])
        return;
    tb_link_slow(tc, src, slot, dst);
}
/* Invalidate blocks whose code overlaps [paddr, paddr+len). */
void tb_invalidate_phys(struct tb_cache *tc, uint32_t paddr, uint32_t len);
/*
 * The jump cache's empty slot: a block whose key nothing matches (hflags
 * with bits no mode has), so that generated code's lookup needs no test
 * for NULL.  tb_jump_cache_clear() empties every slot.
 */
extern const struct tb tb_jc_none;
void tb_jump_cache_clear(struct tb_cache *tc);
/* Drop every block (arena full, A20 change, mode switch of the memory map). */
void tb_flush_all(struct tb_cache *tc);

/* Every block translated since the last flush, invalidated ones included. */
void tb_foreach(struct tb_cache *tc, void (*fn)(const struct tb *tb, void *arg), void *arg);
/* Blocks run so far (counted per block, summed here: nothing at run time). */
uint64_t tb_blocks_executed(struct tb_cache *tc);

#endif
