/*
 * tbcache.h - translated blocks: cache, chaining and invalidation.
 *
 * Blocks are keyed by (physical PC, linear PC, CS base, mode bits) and
 * found through a hash.  A block's direct exits are chained to their
 * successors so that hot loops never return to the run loop; writes to a
 * page holding code (SMC) invalidate the blocks on it and unlink them.
 * Block metadata lives in one arena and the backend's code in the code
 * cache (translator/codecache.h); when either fills, everything is flushed.
 */
#ifndef BT86_TRANSLATOR_TBCACHE_H
#define BT86_TRANSLATOR_TBCACHE_H

#include "cpu/cpu.h"

#include <stdint.h>
#include <stdio.h>

struct ir_block;
struct insn;

struct backend;

struct tb {
    uint32_t pc;      /* linear address of the first instruction */
    uint32_t cs_base;
    uint32_t hflags;
    uint32_t phys_pc;
    uint32_t phys_last; /* physical address of the last code byte */
    uint32_t ninsns;
    uint32_t guest_bytes;
    int invalid;
    int no_chain; /* ends with a monitor call: the mode may differ next time */
    struct tb *hash_next;
    struct tb *page_next[2];
    struct tb *jmp[2];       /* chained successors, per exit slot */
    uintptr_t jmp_in;        /* incoming chain list: tb pointer | slot */
    uintptr_t jmp_in_next[2];
    const void *code; /* the backend's entry point, in the code cache */
    uint32_t *insn_eip;      /* EIP of each guest instruction */
    uint8_t *insn_cls;
    uint64_t exec_count;
    struct tb *all_next; /* every block since the last flush (statistics) */
};

/* Choose the backend before tb_init(); the default is backend_default(). */
void tb_set_backend(const struct backend *be);
const struct backend *tb_backend(void);
void tb_init(void);
/* Before tb_init: the code cache's size in bytes (-tb-size), the block
 * metadata's in proportion. */
void tb_set_size(size_t bytes);
/* Find or translate the block for the CPU's current state; may raise #PF. */
struct tb *tb_find(struct cpu *cpu);
/*
 * Run `tb` and whatever it chains to through the backend; returns the last
 * block run and its exit slot in *slot (see struct backend's exec).
 */
struct tb *tb_exec(struct cpu *cpu, struct tb *tb, int *slot);
/* The backend's code of `tb`, for -d out_asm and the stepper. */
void tb_dump_code(FILE *f, const struct tb *tb);
/* Only guest instruction `insn`'s code; -1 if the backend cannot tell. */
int tb_dump_insn_code(FILE *f, const struct tb *tb, int insn);
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
/* Chain src's exit `slot` to dst when that is safe. */
void tb_link(struct tb *src, int slot, struct tb *dst);
/* Invalidate blocks whose code overlaps [paddr, paddr+len). */
void tb_invalidate_phys(uint32_t paddr, uint32_t len);
/* Drop every block (arena full, A20 change, mode switch of the memory map). */
void tb_flush_all(void);

/* Every block translated since the last flush, invalidated ones included. */
void tb_foreach(void (*fn)(const struct tb *tb, void *arg), void *arg);
/* Blocks run so far (counted per block, summed here: nothing at run time). */
uint64_t tb_blocks_executed(void);

struct tb_stats {
    uint64_t translated, invalidated, flushes, chained, guest_insns_translated;
    uint64_t code_bytes; /* code-cache bytes the translations took */
    uint64_t executed_flushed; /* exec counts of blocks dropped by flushes */
    double translate_seconds;
};
extern struct tb_stats tb_stats;

#endif
