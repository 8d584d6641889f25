/*
 * debug.c - breakpoints, watchpoints and stops for the debug front ends.
 *
 * Breakpoints never touch guest memory: the frontend ends blocks before a
 * breakpoint address (cpu->stop_before), the cache is flushed when one
 * is added so that no older block runs across it, and the run loop checks
 * the PC before each block.  Watchpoints put TLB_WATCH on their pages; the
 * slow path calls watch_access() before the access; the guest's own data
 * breakpoints (DR7 R/W 01, 11) ride the same path.  A hit inside a block
 * of several instructions restarts the instruction alone (as a store into
 * the running block's code does), so that the stop comes right after it.
 */
#include "machine/debug.h"
#include "monitor/monitor.h"
#include "softmmu/tlb.h"
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

int debug_stop_before(uint32_t linear)
{
    return nbp && debug_bp_at(linear) != 0;
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
    /* A block translated earlier may run across the new address. */
    tb_flush_all(bt86_cpu->tbs);
    update_active();
    return 0;
}

int debug_bp_remove(uint32_t linear, int hw)
{
    int kind = hw ? 2 : 1;
    for (int i = 0; i < nbp; i++) {
        if (bps[i].addr == linear && bps[i].kind == kind) {
            bps[i] = bps[--nbp];
            update_active();
            return 0;
        }
    }
    return -1;
}

/* The guest's data breakpoints, decoded from DR0-DR3 and DR7. */
static struct {
    uint32_t addr, len;
    int type; /* WATCH_WRITE or WATCH_ACCESS */
} gdr[4];
static unsigned gdr_mask;

static int covers(uint32_t vpage, uint32_t addr, uint32_t len)
{
    return vpage >= (addr & PAGE_MASK) && vpage <= ((addr + len - 1) & PAGE_MASK);
}

static int page_watched(struct cpu *cpu, uint32_t vpage)
{
    (void)cpu;
    for (int i = 0; i < nwp; i++)
        if (covers(vpage, wps[i].addr, wps[i].len))
            return 1;
    for (int n = 0; n < 4; n++)
        if ((gdr_mask >> n & 1) && covers(vpage, gdr[n].addr, gdr[n].len))
            return 1;
    return 0;
}

static int overlaps(uint32_t vaddr, int size, uint32_t addr, uint32_t len)
{
    return vaddr < addr + len && vaddr + (uint32_t)size > addr;
}

static void watch_access(struct cpu *cpu, uint32_t vaddr, int size, int is_write)
{
    int hit = -1;
    unsigned guest = 0;
    for (int i = 0; i < nwp && hit < 0; i++)
        if ((wps[i].type & (is_write ? WATCH_WRITE : WATCH_READ)) &&
            overlaps(vaddr, size, wps[i].addr, wps[i].len))
            hit = i;
    for (int n = 0; n < 4; n++)
        if ((gdr_mask >> n & 1) && (gdr[n].type & (is_write ? WATCH_WRITE : WATCH_READ)) &&
            overlaps(vaddr, size, gdr[n].addr, gdr[n].len))
            guest |= 1u << n;
    if (hit < 0 && !guest)
        return;
    if (cpu->cur_tb && cpu->cur_tb->ninsns > 1) {
        /* Redo this instruction alone, so that we stop (or trap) right after it. */
        cpu->single_step_next = 1;
        cpu_restart_insn(cpu);
    }
    cpu->data_bp_hit |= guest;
    if (hit >= 0) {
        debug_watch_hit = (struct debug_watch_hit){ wps[hit].addr, vaddr, wps[hit].type };
        watch_pending = 1;
        update_active();
    }
}

static const struct tlb_watch watch_ops = { page_watched, watch_access };

static void update_watch(void)
{
    if (bt86_cpu)
        tlb_set_watch(bt86_cpu, nwp || gdr_mask ? &watch_ops : NULL);
}

void debug_guest_dr_changed(struct cpu *cpu)
{
    static const uint32_t lens[4] = { 1, 2, 8, 4 }; /* DR7 LEN: 10 is 8 bytes on later CPUs */
    unsigned mask = 0;
    for (int n = 0; n < 4; n++) {
        uint32_t dr7 = cpu->dr[7];
        int enabled = (dr7 >> (2 * n)) & 3, rw = (dr7 >> (16 + 4 * n)) & 3;
        uint32_t len = lens[(dr7 >> (18 + 4 * n)) & 3];
        /* R/W 00 is an instruction breakpoint (the run loop checks those);
         * 10 is an I/O breakpoint, undefined without CR4.DE, which bt86 lacks. */
        if (!enabled || (rw != 1 && rw != 3))
            continue;
        gdr[n].addr = cpu->dr[n] & ~(len - 1);
        gdr[n].len = len;
        gdr[n].type = rw == 1 ? WATCH_WRITE : WATCH_ACCESS;
        mask |= 1u << n;
    }
    if (!mask && !gdr_mask)
        return;
    gdr_mask = mask;
    update_watch();
}

int debug_wp_insert(uint32_t linear, uint32_t len, int type)
{
    if (nwp == MAX_WP || !len)
        return -1;
    wps[nwp].addr = linear;
    wps[nwp].len = len;
    wps[nwp].type = type;
    nwp++;
    update_watch();
    update_active();
    return 0;
}

int debug_wp_remove(uint32_t linear, uint32_t len, int type)
{
    for (int i = 0; i < nwp; i++) {
        if (wps[i].addr == linear && wps[i].len == len && wps[i].type == type) {
            wps[i] = wps[--nwp];
            update_watch();
            update_active();
            return 0;
        }
    }
    return -1;
}

void debug_clear_all(void)
{
    nbp = 0;
    nwp = 0;
    update_watch();
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
