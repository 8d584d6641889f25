/*
 * debug.h - breakpoints, watchpoints, single-stepping and stops, shared by
 * the front ends that watch a guest run: the gdb stub (machine/gdbstub.c) and
 * the block stepper (ui/stepper.c).
 *
 * Each machine has its debugger (struct debug, m->debug), watching its CPU.
 * The run loop calls debug_check() between blocks, only while d->active
 * is set, so that a run without a debugger pays one predictable branch per
 * block and nothing inside translated code.  Breakpoints are checked at
 * block starts: while any exists, the frontend ends blocks before each
 * breakpoint address and blocks are not chained.  Watchpoints make their
 * pages take the soft TLB's slow path (softmmu/tlb.h).
 *
 *   debug_bp_insert(&m->debug, 0x101000, 0);            // stops before the insn there
 *   debug_resume(&m->debug, cpu, DEBUG_RUN_STEP);    // one guest instruction, then stop
 */
#ifndef BT86_MACHINE_DEBUG_H
#define BT86_MACHINE_DEBUG_H

#include "cpu/cpu.h"

#include <stdint.h>

enum debug_stop {
    DEBUG_NONE,
    DEBUG_BREAK,     /* a breakpoint at the next instruction */
    DEBUG_STEP,      /* a single step finished */
    DEBUG_WATCH,     /* a watchpoint triggered (see d->watch_hit) */
    DEBUG_INTERRUPT, /* asked to stop (gdb's Ctrl-C), or the first stop */
};

enum { WATCH_WRITE = 1, WATCH_READ = 2, WATCH_ACCESS = 3 };
enum debug_run { DEBUG_RUN_CONTINUE, DEBUG_RUN_STEP, DEBUG_RUN_BLOCK };

struct debug_watch_hit {
    uint32_t addr; /* start of the watchpoint that triggered */
    uint32_t access_addr;
    int type; /* WATCH_xxx of the watchpoint */
};

struct debug_frontend;

#define DEBUG_MAX_BP 64
#define DEBUG_MAX_WP 16

struct debug {
    /* Non-zero when the run loop must call debug_check() before each block. */
    volatile int active;
    struct cpu *cpu; /* the CPU watched: its TLB, its block cache */
    struct debug_watch_hit watch_hit; /* the last DEBUG_WATCH stop */
    const struct debug_frontend *frontend;
    void *frontend_opaque;
    struct {
        uint32_t addr;
        int kind; /* 1 software (Z0), 2 hardware (Z1) */
    } bps[DEBUG_MAX_BP];
    int nbp;
    struct {
        uint32_t addr, len;
        int type;
    } wps[DEBUG_MAX_WP];
    int nwp;
    /* The guest's data breakpoints, decoded from DR0-DR3 and DR7. */
    struct {
        uint32_t addr, len;
        int type; /* WATCH_WRITE or WATCH_ACCESS */
    } gdr[4];
    unsigned gdr_mask;
    volatile int stop_requested;
    int watch_pending;
    enum debug_run run_mode;
    int stepping;
    uint32_t resume_pc;
    uint64_t resume_icount, resume_interrupts;
};

/* No breakpoint, no front end; cpu->stop_before and cpu->watch are the
 * debugger's to set from now on. */
void debug_init(struct debug *d, struct cpu *cpu);

/* Returns 0, or -1 when the table is full (or, for remove, no such point). */
int debug_bp_insert(struct debug *d, uint32_t linear, int hw);
int debug_bp_remove(struct debug *d, uint32_t linear, int hw);
int debug_wp_insert(struct debug *d, uint32_t linear, uint32_t len, int type);
int debug_wp_remove(struct debug *d, uint32_t linear, uint32_t len, int type);
void debug_clear_all(struct debug *d);
/* Breakpoint kind at linear (1 software, 2 hardware), or 0. */
int debug_bp_at(struct debug *d, uint32_t linear);
/* For cpu->stop_before (opaque: the struct debug): a breakpoint is set at linear. */
int debug_stop_before(void *opaque, uint32_t linear);

/* Ask for a stop at the next block boundary (async-signal safe). */
void debug_request_stop(struct debug *d);
/* Let the guest run: continue, one instruction, or one block. */
void debug_resume(struct debug *d, struct cpu *cpu, enum debug_run how);

/* The run loop, between blocks: why to stop now, or DEBUG_NONE. */
enum debug_stop debug_check(struct debug *d, struct cpu *cpu);
/* Non-zero while one guest instruction is being stepped (no interrupts then). */
int debug_stepping(struct debug *d);
/*
 * The guest's own data breakpoints (DR0-DR3 with DR7 R/W = 01 or 11) use
 * the same TLB_WATCH path: call this after any write to DR0-DR3 or DR7 (and
 * at reset).  A hit sets bit n of cpu->data_bp_hit; the run loop turns it
 * into a #DB trap after the instruction.
 */
void debug_guest_dr_changed(struct debug *d, struct cpu *cpu);

/* Non-zero while blocks must not be chained (breakpoints or stepping). */
int debug_no_chain(struct debug *d);

/*
 * The front end that owns the stops (opaque: its own state, given to
 * debug_set_frontend): stopped() is called between blocks
 * and returns when the guest should run again (after debug_resume());
 * poll() (may be NULL) is called every few thousand guest instructions,
 * to notice a Ctrl-C or a debugger connecting.
 */
struct debug_frontend {
    void (*stopped)(void *opaque, struct cpu *cpu, enum debug_stop why);
    void (*poll)(void *opaque, struct cpu *cpu);
};
void debug_set_frontend(struct debug *d, const struct debug_frontend *fe, void *opaque);

/* The run loop's hooks: rare calls, cheap when no debugger is attached. */
void debug_poll(struct debug *d, struct cpu *cpu);
void debug_stop_now(struct debug *d, struct cpu *cpu, enum debug_stop why);

#endif
