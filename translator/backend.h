/*
 * backend.h - the seam between the block cache and a code generator.
 *
 * A backend turns an optimized IR block into something it can run, and
 * runs it.  The block cache (translator/tbcache.c) owns the blocks, their
 * metadata, the chaining lists and the code cache; a backend owns only the
 * bytes it writes into the code cache and how they run.  Adding a backend
 * is one new file that fills a `struct backend`, plus its row in
 * backends[] (translator/backend.c), which is what -backend selects.
 *
 * The contract every backend keeps, so that -icount, -stats and the run
 * loop see the same thing whichever one runs:
 *   - A chained exit enters its successor only through tb_chain_enter()
 *     (translator/tbcache.h), which charges the block budget and the
 *     instruction count and refuses when the run loop must look around.
 *   - Every IR_CALL goes through helper_call() (monitor/helpers.h): the one
 *     monitor-call path that counts, times and logs monitor entries.
 *   - Before an op that may fault or call out (ir_op_info[].flags has
 *     IRF_MAY_FAULT or IRF_CALL), cpu->insn_eip and cpu->cur_tb say where
 *     the guest is, so that a fault restores EIP exactly.
 *
 * Where values live.  IR values 0-7 are the guest registers, whose home is
 * cpu->r[]; V_TEMP0 and up are block temporaries, which struct cpu has no
 * room for: the backend keeps them (the interpreter in a frame on its C
 * stack, a native backend in host registers and a spill area).  A backend
 * may also hold guest registers elsewhere while a block runs, but cpu->r[]
 * must be exact whenever C code can look: before an IRF_MAY_FAULT or
 * IRF_CALL op takes its slow path or calls out (a fault longjmps from
 * there to the run loop), and when exec() returns; after an IRF_CALL op a
 * register copy must be reloaded, as the helper may have changed it.
 * Temporaries are dead at every exit.  The CPU fields generated code
 * touches sit in the first 128 bytes of struct cpu, the segments and the
 * TLB (CPU_TLB_OFF) just after, all pinned by asserts in cpu/cpu.h.
 *
 * Exits.  Every IRF_EXIT op carries ir_op.exit (enum ir_exit_kind in ir.h),
 * so that a backend can choose per exit: predict IR_EXIT_RET with a
 * return-address stack pushed at IR_EXIT_CALL, send other indirect jumps
 * through a jump cache, and not bother with inline chaining after
 * IR_EXIT_MONITOR, FAR and RAISE, which mostly change what the run loop
 * must look at.  Whether a direct exit is chained stays tb_link()'s
 * decision.
 */
#ifndef BT86_TRANSLATOR_BACKEND_H
#define BT86_TRANSLATOR_BACKEND_H

#include "cpu/cpu.h"
#include "translator/ir.h"
#include "translator/tbcache.h"

#include <stddef.h>
#include <stdio.h>

struct backend {
    const char *name;
    const char *help; /* one line for -backend help */
    /* Non-zero: the code cache must be executable (mapped W^X). */
    int executable;
    /* Upper bound of the code-cache bytes compiling `b` needs. */
    size_t (*code_size)(const struct ir_block *b);
    /*
     * Compile `b` into `code` (writable, 16-byte aligned, code_size(b)
     * bytes), which will run at `exec` (the same bytes' executable
     * mapping, or `code` itself), for block `tb`, whose address the code
     * may embed.  Returns the block's entry point, at or after `exec`,
     * stored in tb->code.
     */
    const void *(*compile)(const struct ir_block *b, void *code, const void *exec,
                           const struct tb *tb);
    /*
     * Run from `tb` until an exit that is not chained, the budget runs out
     * or an exit is requested.  Sets cpu->eip.  Returns the last block run
     * and in *slot its exit slot (-1 for indirect exits), so that the
     * caller can chain it.
     */
    struct tb *(*exec)(struct cpu *cpu, struct tb *tb, int *slot);
    /*
     * Exit `slot` of `src` now leads to `dst`, or back to the run loop
     * when dst is NULL.  tb->jmp[] is already updated; a backend that
     * patches jumps in its code does it here, through code_cache_rw(cc).
     * Unlinking can happen from C code called by a block (a store into
     * code invalidates blocks), which then goes on running: the patch
     * must leave every block's code valid, and a block's own exits may be
     * among those patched.  May be NULL.
     */
    void (*link)(struct code_cache *cc, struct tb *src, int slot, struct tb *dst);
    /* The code cache was emptied: forget anything that pointed into it.  May be NULL. */
    void (*flush)(void);
    /* Print a block's code for -d out_asm and the stepper. */
    void (*dump)(FILE *f, const struct tb *tb);
    /*
     * Print only the code that guest instruction `insn` (an index into the
     * block) became, for the stepper's side-by-side view.  May be NULL.
     */
    void (*dump_insn)(FILE *f, const struct tb *tb, int insn);
};

/*
 * The fused compares (IR_TESTCC) that every backend answers inline, by the
 * lazy-flags kind and condition: what tcc_pick() returns; TCC_GENERIC asks
 * cc_test().  8- and 16-bit operands compare shifted to the top.
 */
enum {
    TCC_GENERIC, TCC_ZERO, TCC_DST_E, TCC_DST_S, TCC_DST_LE, TCC_SUB_B, TCC_SUB_BE, TCC_SUB_L,
    TCC_SUB_LE, TCC_SUB_E, TCC_SUB_S, TCC_ADD_B, TCC_INC_B, TCC_COUNT
};
int tcc_pick(uint32_t kind, uint32_t cond);

/* The portable threaded-code interpreter (translator/backend_interp.c). */
extern const struct backend backend_interp;
/* Native code for x86-64 hosts (translator/backend_x86_64.c); only built there. */
extern const struct backend backend_x86_64;

/* The backend called `name`, or NULL. */
const struct backend *backend_find(const char *name);
/* The default: the fastest one this host has. */
const struct backend *backend_default(void);
/* One line per backend, for -backend help. */
void backend_list(FILE *f);

/* -perfmap: a backend that generates host code names each block in
 * /tmp/perf-PID.map (perf's file for code without symbols), as QEMU's
 * -perfmap does, so that a profile shows which guest block the time went to. */
extern int backend_perfmap;
/* Whether generated code counts each block's runs (tb->exec_count): only
 * -stats, -stats-json and the stepper show the counts, and an increment in
 * memory at every chained exit is a store-forwarding chain through every
 * guest loop.  Set before the first block is translated. */
extern int backend_count_blocks;
/* The x86_64 backend's BMI2 forms (rorx in the TLB probe): -1 asks the
 * host CPU at the first block; tests set 0 or 1 to cover both. */
extern int backend_host_bmi2;

#endif
