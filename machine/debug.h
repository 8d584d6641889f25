/*
 * debug.h - breakpoints, watchpoints, single-stepping and stops, shared by
 * the front ends that watch a guest run: the gdb stub (machine/gdbstub.c) and
 * the block stepper (ui/stepper.c).
 *
 * The run loop calls debug_check() between blocks, only while debug_active
 * is set, so that a run without a debugger pays one predictable branch per
 * block and nothing inside translated code.  Breakpoints are checked at
 * block starts: while any exists, the frontend ends blocks before each
 * breakpoint address and blocks are not chained.  Watchpoints make their
 * pages take the soft TLB's slow path (softmmu/tlb.h).
 *
 *   debug_bp_insert(0x101000);            // stops before the insn there
 *   debug_resume(cpu, DEBUG_RUN_STEP);    // one guest instruction, then stop
 */
#ifndef BT86_MACHINE_DEBUG_H
#define BT86_MACHINE_DEBUG_H

#include "cpu/cpu.h"

#include <stdint.h>

enum debug_stop {
    DEBUG_NONE,
    DEBUG_BREAK,     /* a breakpoint at the next instruction */
    DEBUG_STEP,      /* a single step finished */
    DEBUG_WATCH,     /* a watchpoint triggered (see debug_watch_hit) */
    DEBUG_INTERRUPT, /* asked to stop (gdb's Ctrl-C), or the first stop */
};

enum { WATCH_WRITE = 1, WATCH_READ = 2, WATCH_ACCESS = 3 };
enum debug_run { DEBUG_RUN_CONTINUE, DEBUG_RUN_STEP, DEBUG_RUN_BLOCK };

/* Non-zero when the run loop must call debug_check() before each block. */
extern volatile int debug_active;

/* Returns 0, or -1 when the table is full (or, for remove, no such point). */
int debug_bp_insert(uint32_t linear, int hw);
int debug_bp_remove(uint32_t linear, int hw);
int debug_wp_insert(uint32_t linear, uint32_t len, int type);
int debug_wp_remove(uint32_t linear, uint32_t len, int type);
void debug_clear_all(void);
/* Breakpoint kind at linear (1 software, 2 hardware), or 0. */
int debug_bp_at(uint32_t linear);
/* For cpu->stop_before: a breakpoint is set at linear. */
int debug_stop_before(uint32_t linear);

struct debug_watch_hit {
    uint32_t addr; /* start of the watchpoint that triggered */
    uint32_t access_addr;
    int type; /* WATCH_xxx of the watchpoint */
};
extern struct debug_watch_hit debug_watch_hit;

/* Ask for a stop at the next block boundary (async-signal safe). */
void debug_request_stop(void);
/* Let the guest run: continue, one instruction, or one block. */
void debug_resume(struct cpu *cpu, enum debug_run how);

/* The run loop, between blocks: why to stop now, or DEBUG_NONE. */
enum debug_stop debug_check(struct cpu *cpu);
/* Non-zero while one guest instruction is being stepped (no interrupts then). */
int debug_stepping(void);
/*
 * The guest's own data breakpoints (DR0-DR3 with DR7 R/W = 01 or 11) use
 * the same TLB_WATCH path: call this after any write to DR0-DR3 or DR7 (and
 * at reset).  A hit sets bit n of cpu->data_bp_hit; the run loop turns it
 * into a #DB trap after the instruction.
 */
void debug_guest_dr_changed(struct cpu *cpu);

/* Non-zero while blocks must not be chained (breakpoints or stepping). */
int debug_no_chain(void);

/*
 * The front end that owns the stops: stopped() is called between blocks
 * and returns when the guest should run again (after debug_resume());
 * poll() (may be NULL) is called every few thousand guest instructions,
 * to notice a Ctrl-C or a debugger connecting.
 */
struct debug_frontend {
    void (*stopped)(struct cpu *cpu, enum debug_stop why);
    void (*poll)(struct cpu *cpu);
};
void debug_set_frontend(const struct debug_frontend *fe);
extern const struct debug_frontend *debug_frontend;

/* The run loop's hooks: rare calls, cheap when no debugger is attached. */
void debug_poll(struct cpu *cpu);
void debug_stop_now(struct cpu *cpu, enum debug_stop why);

#endif
