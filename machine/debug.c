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
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "softmmu/tlb.h"
#include "translator/tbcache.h"

#include <stddef.h>
#include <string.h>

void debug_init(struct debug *d, struct cpu *cpu)
{
    memset(d, 0, sizeof(*d));
    d->cpu = cpu;
}

static void update_active(struct debug *d)
{
    d->active = d->nbp || d->nwp || d->stepping || d->stop_requested || d->watch_pending;
}

int debug_bp_at(struct debug *d, uint32_t linear)
{
    for (int i = 0; i < d->nbp; i++)
        if (d->bps[i].addr == linear)
            return d->bps[i].kind;
    return 0;
}

int debug_stop_before(void *opaque, uint32_t linear)
{
    struct debug *d = opaque;
    return d->nbp && debug_bp_at(d, linear) != 0;
}

int debug_bp_insert(struct debug *d, uint32_t linear, int hw)
{
    int kind = hw ? 2 : 1;
    for (int i = 0; i < d->nbp; i++)
        if (d->bps[i].addr == linear && d->bps[i].kind == kind)
            return 0;
    if (d->nbp == DEBUG_MAX_BP)
        return -1;
    d->bps[d->nbp].addr = linear;
    d->bps[d->nbp].kind = kind;
    d->nbp++;
    /* A block translated earlier may run across the new address. */
    if (d->cpu->tbs)
        tb_flush_all(d->cpu->tbs);
    update_active(d);
    return 0;
}

int debug_bp_remove(struct debug *d, uint32_t linear, int hw)
{
    int kind = hw ? 2 : 1;
    for (int i = 0; i < d->nbp; i++) {
        if (d->bps[i].addr == linear && d->bps[i].kind == kind) {
            d->bps[i] = d->bps[--d->nbp];
            update_active(d);
            return 0;
        }
    }
    return -1;
}

static int covers(uint32_t vpage, uint32_t addr, uint32_t len)
{
    return vpage >= (addr & PAGE_MASK) && vpage <= ((addr + len - 1) & PAGE_MASK);
}

/* The TLB's hooks get the CPU; its debugger is its machine's. */
static struct debug *debug_of(struct cpu *cpu)
{
    return &cpu->machine->debug;
}

static int page_watched(struct cpu *cpu, uint32_t vpage)
{
    struct debug *d = debug_of(cpu);
    for (int i = 0; i < d->nwp; i++)
        if (covers(vpage, d->wps[i].addr, d->wps[i].len))
            return 1;
    for (int n = 0; n < 4; n++)
        if ((d->gdr_mask >> n & 1) && covers(vpage, d->gdr[n].addr, d->gdr[n].len))
            return 1;
    return 0;
}

static int overlaps(uint32_t vaddr, int size, uint32_t addr, uint32_t len)
{
    return vaddr < addr + len && vaddr + (uint32_t)size > addr;
}

static void watch_access(struct cpu *cpu, uint32_t vaddr, int size, int is_write)
{
    struct debug *d = debug_of(cpu);
    int hit = -1;
    unsigned guest = 0;
    for (int i = 0; i < d->nwp && hit < 0; i++)
        if ((d->wps[i].type & (is_write ? WATCH_WRITE : WATCH_READ)) &&
            overlaps(vaddr, size, d->wps[i].addr, d->wps[i].len))
            hit = i;
    for (int n = 0; n < 4; n++)
        if ((d->gdr_mask >> n & 1) && (d->gdr[n].type & (is_write ? WATCH_WRITE : WATCH_READ)) &&
            overlaps(vaddr, size, d->gdr[n].addr, d->gdr[n].len))
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
        d->watch_hit = (struct debug_watch_hit){ d->wps[hit].addr, vaddr, d->wps[hit].type };
        d->watch_pending = 1;
        update_active(d);
    }
}

static const struct tlb_watch watch_ops = { page_watched, watch_access };

static void update_watch(struct debug *d)
{
    tlb_set_watch(d->cpu, d->nwp || d->gdr_mask ? &watch_ops : NULL);
}

void debug_guest_dr_changed(struct debug *d, struct cpu *cpu)
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
        d->gdr[n].addr = cpu->dr[n] & ~(len - 1);
        d->gdr[n].len = len;
        d->gdr[n].type = rw == 1 ? WATCH_WRITE : WATCH_ACCESS;
        mask |= 1u << n;
    }
    if (!mask && !d->gdr_mask)
        return;
    d->gdr_mask = mask;
    update_watch(d);
}

int debug_wp_insert(struct debug *d, uint32_t linear, uint32_t len, int type)
{
    if (d->nwp == DEBUG_MAX_WP || !len)
        return -1;
    d->wps[d->nwp].addr = linear;
    d->wps[d->nwp].len = len;
    d->wps[d->nwp].type = type;
    d->nwp++;
    update_watch(d);
    update_active(d);
    return 0;
}

int debug_wp_remove(struct debug *d, uint32_t linear, uint32_t len, int type)
{
    for (int i = 0; i < d->nwp; i++) {
        if (d->wps[i].addr == linear && d->wps[i].len == len && d->wps[i].type == type) {
            d->wps[i] = d->wps[--d->nwp];
            update_watch(d);
            update_active(d);
            return 0;
        }
    }
    return -1;
}

void debug_clear_all(struct debug *d)
{
    d->nbp = 0;
    d->nwp = 0;
    update_watch(d);
    d->stepping = 0;
    d->watch_pending = 0;
    update_active(d);
}

void debug_request_stop(struct debug *d)
{
    d->stop_requested = 1;
    d->active = 1;
}

void debug_resume(struct debug *d, struct cpu *cpu, enum debug_run how)
{
    d->run_mode = how;
    d->stepping = how != DEBUG_RUN_CONTINUE;
    d->resume_pc = cpu->seg[S_CS].base + cpu->eip;
    d->resume_icount = cpu->icount;
    d->resume_interrupts = monitor_stats.interrupts;
    if (how == DEBUG_RUN_STEP)
        cpu->single_step_next = 1;
    d->stop_requested = 0;
    d->watch_pending = 0;
    update_active(d);
}

int debug_stepping(struct debug *d)
{
    return d->stepping && d->run_mode == DEBUG_RUN_STEP;
}

int debug_no_chain(struct debug *d)
{
    return d->nbp || d->stepping;
}

enum debug_stop debug_check(struct debug *d, struct cpu *cpu)
{
    if (d->watch_pending) {
        d->watch_pending = 0;
        d->stepping = 0;
        update_active(d);
        return DEBUG_WATCH;
    }
    if (d->stop_requested) {
        d->stop_requested = 0;
        d->stepping = 0;
        update_active(d);
        return DEBUG_INTERRUPT;
    }
    int moved = cpu->icount != d->resume_icount || monitor_stats.interrupts != d->resume_interrupts;
    if (d->stepping && moved) {
        d->stepping = 0;
        update_active(d);
        return DEBUG_STEP;
    }
    if (d->stepping && d->run_mode == DEBUG_RUN_STEP)
        cpu->single_step_next = 1; /* an interrupt came first: still one insn */
    uint32_t pc = cpu->seg[S_CS].base + cpu->eip;
    /* The breakpoint we resumed from does not stop us again at once. */
    if (d->nbp && debug_bp_at(d, pc) && (moved || pc != d->resume_pc)) {
        d->stepping = 0;
        update_active(d);
        return DEBUG_BREAK;
    }
    return DEBUG_NONE;
}

void debug_set_frontend(struct debug *d, const struct debug_frontend *fe, void *opaque)
{
    d->frontend = fe;
    d->frontend_opaque = opaque;
}

void debug_poll(struct debug *d, struct cpu *cpu)
{
    if (d->frontend && d->frontend->poll)
        d->frontend->poll(d->frontend_opaque, cpu);
}

void debug_stop_now(struct debug *d, struct cpu *cpu, enum debug_stop why)
{
    if (d->frontend && d->frontend->stopped)
        d->frontend->stopped(d->frontend_opaque, cpu, why);
    else
        debug_resume(d, cpu, DEBUG_RUN_CONTINUE);
}
