/*
 * timer.h - a clock and its timers in virtual time, for devices (PIT, RTC,
 * UART timeouts).
 *
 * The machine owns the clock and hands it to each device when it creates
 * it: nothing here knows the machine.  The clock reads virtual time through
 * the function the machine gave it, and calls kick when a timer is armed
 * from inside a block (an OUT to the PIT), so that the block chain ends and
 * the timer fires on time.
 *
 * Virtual time is machine_clock_ns(): the host clock since boot less the
 * time bt86 spent on itself (translating blocks, drawing the screen) or
 * lost to other processes, both repaid gradually (clock_visible_ns), or
 * with -icount a pure function of the instruction count.  Expired timers run
 * between blocks (machine/pc.c machine_poll), never inside one; a halted CPU
 * sleeps until the next deadline (or, with -icount, warps to it).
 */
#ifndef BT86_BASE_TIMER_H
#define BT86_BASE_TIMER_H

#include <stdint.h>

struct timer;

struct clock {
    uint64_t (*now)(void *opaque); /* virtual ns */
    void (*kick)(void *opaque);
    void *opaque;
    struct timer *active; /* armed timers, soonest first */
    int running;          /* inside timers_run: the poll that follows sees new deadlines */
    /* The stolen-time account (clock_steal, clock_visible_ns). */
    uint64_t stolen_ns, seen_host_ns, seen_icount;
};

struct timer {
    uint64_t expire; /* virtual ns */
    void (*cb)(void *opaque);
    void *opaque;
    struct clock *clock;
    struct timer *next;
    int active;
};

#define TIMER_NEVER UINT64_MAX

void clock_init(struct clock *c, uint64_t (*now)(void *opaque), void (*kick)(void *opaque),
                void *opaque);
/* Current virtual time in ns. */
uint64_t clock_now(struct clock *c);
void timer_init(struct timer *t, struct clock *c, void (*cb)(void *opaque), void *opaque);
/* (Re)arm: cb runs once virtual time reaches expire_ns. */
void timer_mod(struct timer *t, uint64_t expire_ns);
void timer_del(struct timer *t);
/* The host's monotonic clock in ns (run time, translation and monitor timing). */
uint64_t host_clock_ns(void);
/* Host time the guest must not see: a real CPU never stops for tens of us
 * to translate a block, and Linux's TSC calibration against the PIT
 * rejects a loop iteration ten times slower than the fastest one. */
void clock_steal(struct clock *c, uint64_t ns);
/* The guest's time for host_ns (host time since boot): host time less the
 * stolen time not yet paid back.  While the CPU runs (running != 0), an
 * advance between two readings beyond what the instructions retired in
 * between can take (CLOCK_NS_PER_INSN each, plus CLOCK_SLACK_NS), or beyond
 * CLOCK_MAX_GAP_NS, is stolen too: bt86 was not running the guest (first
 * visits to code, host page faults, another process had the core).  A
 * halted CPU sees host time, but a wake-up later than the next timer's
 * deadline (a busy host) stops there, plus CLOCK_SLACK_NS.  Linux
 * calibrates the TSC against PIT channel 2 in loops of a microsecond per
 * iteration and rejects the lot on one slow iteration, and timer ticks that
 * pile up are lost as edges on a still-pending IRQ0.  The debt is repaid at
 * 1/16 of each advance, so the guest's clock runs at most 6% fast and
 * catches up with the wall clock without jumps. */
#define CLOCK_NS_PER_INSN 100u
#define CLOCK_SLACK_NS 1000u
#define CLOCK_MAX_GAP_NS 500000u
uint64_t clock_visible_ns(struct clock *c, uint64_t host_ns, int running, uint64_t icount);
/* Run every timer of c due at `now`; returns the next deadline or TIMER_NEVER. */
uint64_t timers_run(struct clock *c, uint64_t now);
uint64_t timers_next_deadline(struct clock *c);

#endif
