/*
 * debug.c - breakpoints, watchpoints and stops for the debug front ends.
 *
 * Breakpoints never touch guest memory: the frontend ends blocks before a
 * breakpoint address (frontend_stop_before), the cache is flushed when one
 * is added so that no older block runs across it, and the run loop checks
 * the PC before each block.  Watchpoints put TLB_WATCH on their pages; the
 * slow path calls watch_access() before the access.  A hit inside a block
 * of several instructions restarts the instruction alone (as a store into
 * the running block's code does), so that the stop comes right after it.
 */
#include "emu/debug.h"
#include "emu/monitor.h"
#include "softmmu/tlb.h"
#include "translator/frontend.h"
#include "translator/tbcache.h"

#include <stddef.h>

#define MAX_BP 64
#define MAX_WP 16

volatile int debug_active;
struct debug_watch_hit debug_watch_hit;
const struct debug_frontend *debug_frontend;

static struct {
    uint32_t addr;
    int kind; /* 1 software (Z0), 2 hardware (Z1) */
} bps[MAX_BP];
static int nbp;

static struct {
    uint32_t addr, len;
    int type;
} wps[MAX_WP];
static int nwp;

static volatile int stop_requested;
static int watch_pending;
static enum debug_run run_mode;
static int stepping;
static uint32_t resume_pc;
static uint64_t resume_icount, resume_interrupts;

static void update_active(void)
{
    debug_active = nbp || nwp || stepping || stop_requested || watch_pending;
}

int debug_bp_at(uint32_t linear)
{
    for (int i = 0; i < nbp; i++)
        if (bps[i].addr == linear)
            return bps[i].kind;
    return 0;
}

static int stop_before(uint32_t linear)
{
    return debug_bp_at(linear) != 0;
}

int debug_bp_insert(uint32_t linear, int hw)
{
    int kind = hw ? 2 : 1;
    for (int i = 0; i < nbp; i++)
        if (bps[i].addr == linear && bps[i].kind == kind)
            return 0;
    if (nbp == MAX_BP)
        return -1;
    bps[nbp].addr = linear;
    bps[nbp].kind = kind;
    nbp++;
    frontend_stop_before = stop_before;
    /* A block translated earlier may run across the new address. */
    tb_flush_all();
    update_active();
    return 0;
}

int debug_bp_remove(uint32_t linear, int hw)
{
    int kind = hw ? 2 : 1;
    for (int i = 0; i < nbp; i++) {
        if (bps[i].addr == linear && bps[i].kind == kind) {
            bps[i] = bps[--nbp];
            if (!nbp)
                frontend_stop_before = NULL;
            update_active();
            return 0;
        }
    }
    return -1;
}

static int page_watched(uint32_t vpage)
{
    for (int i = 0; i < nwp; i++) {
        uint32_t first = wps[i].addr & PAGE_MASK, last = (wps[i].addr + wps[i].len - 1) & PAGE_MASK;
        if (vpage >= first && vpage <= last)
            return 1;
    }
    return 0;
}

static void watch_access(struct cpu *cpu, uint32_t vaddr, int size, int is_write)
{
    for (int i = 0; i < nwp; i++) {
        if (!(wps[i].type & (is_write ? WATCH_WRITE : WATCH_READ)))
            continue;
        if (vaddr >= wps[i].addr + wps[i].len || vaddr + (uint32_t)size <= wps[i].addr)
            continue;
        if (cpu->cur_tb && cpu->cur_tb->ninsns > 1) {
            /* Redo this instruction alone, so that we stop right after it. */
            cpu->single_step_next = 1;
            cpu_restart_insn(cpu);
        }
        debug_watch_hit = (struct debug_watch_hit){ wps[i].addr, vaddr, wps[i].type };
        watch_pending = 1;
        update_active();
        return;
    }
}

static const struct tlb_watch watch_ops = { page_watched, watch_access };

int debug_wp_insert(uint32_t linear, uint32_t len, int type)
{
    if (nwp == MAX_WP || !len)
        return -1;
    wps[nwp].addr = linear;
    wps[nwp].len = len;
    wps[nwp].type = type;
    nwp++;
    if (bt86_cpu)
        tlb_set_watch(bt86_cpu, &watch_ops);
    update_active();
    return 0;
}

int debug_wp_remove(uint32_t linear, uint32_t len, int type)
{
    for (int i = 0; i < nwp; i++) {
        if (wps[i].addr == linear && wps[i].len == len && wps[i].type == type) {
            wps[i] = wps[--nwp];
            if (bt86_cpu)
                tlb_set_watch(bt86_cpu, nwp ? &watch_ops : NULL);
            update_active();
            return 0;
        }
    }
    return -1;
}

void debug_clear_all(void)
{
    nbp = 0;
    frontend_stop_before = NULL;
    if (nwp && bt86_cpu)
        tlb_set_watch(bt86_cpu, NULL);
    nwp = 0;
    stepping = 0;
    watch_pending = 0;
    update_active();
}

void debug_request_stop(void)
{
    stop_requested = 1;
    debug_active = 1;
}

void debug_resume(struct cpu *cpu, enum debug_run how)
{
    run_mode = how;
    stepping = how != DEBUG_RUN_CONTINUE;
    resume_pc = cpu->seg[S_CS].base + cpu->eip;
    resume_icount = cpu->icount;
    resume_interrupts = monitor_stats.interrupts;
    if (how == DEBUG_RUN_STEP)
        cpu->single_step_next = 1;
    stop_requested = 0;
    watch_pending = 0;
    update_active();
}

int debug_stepping(void)
{
    return stepping && run_mode == DEBUG_RUN_STEP;
}

int debug_no_chain(void)
{
    return nbp || stepping;
}

enum debug_stop debug_check(struct cpu *cpu)
{
    if (watch_pending) {
        watch_pending = 0;
        stepping = 0;
        update_active();
        return DEBUG_WATCH;
    }
    if (stop_requested) {
        stop_requested = 0;
        stepping = 0;
        update_active();
        return DEBUG_INTERRUPT;
    }
    int moved = cpu->icount != resume_icount || monitor_stats.interrupts != resume_interrupts;
    if (stepping && moved) {
        stepping = 0;
        update_active();
        return DEBUG_STEP;
    }
    if (stepping && run_mode == DEBUG_RUN_STEP)
        cpu->single_step_next = 1; /* an interrupt came first: still one insn */
    uint32_t pc = cpu->seg[S_CS].base + cpu->eip;
    /* The breakpoint we resumed from does not stop us again at once. */
    if (nbp && debug_bp_at(pc) && (moved || pc != resume_pc)) {
        stepping = 0;
        update_active();
        return DEBUG_BREAK;
    }
    return DEBUG_NONE;
}

void debug_set_frontend(const struct debug_frontend *fe)
{
    debug_frontend = fe;
}

void debug_poll(struct cpu *cpu)
{
    if (debug_frontend && debug_frontend->poll)
        debug_frontend->poll(cpu);
}

void debug_stop_now(struct cpu *cpu, enum debug_stop why)
{
    if (debug_frontend && debug_frontend->stopped)
        debug_frontend->stopped(cpu, why);
    else
        debug_resume(cpu, DEBUG_RUN_CONTINUE);
}
