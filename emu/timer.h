/*
 * timer.h - timers in virtual time, for devices (PIT, RTC, UART timeouts).
 *
 * Virtual time is machine_clock_ns(): the host clock since boot, or with
 * -icount a pure function of the instruction count.  Expired timers run
 * between blocks (emu/pc.c machine_poll), never inside one; a halted CPU
 * sleeps until the next deadline (or, with -icount, warps to it).
 */
#ifndef BT86_EMU_TIMER_H
#define BT86_EMU_TIMER_H

#include <stdint.h>

struct timer {
    uint64_t expire; /* virtual ns */
    void (*cb)(void *opaque);
    void *opaque;
    struct timer *next;
    int active;
};

#define TIMER_NEVER UINT64_MAX

void timer_init(struct timer *t, void (*cb)(void *opaque), void *opaque);
/* (Re)arm: cb runs once virtual time reaches expire_ns. */
void timer_mod(struct timer *t, uint64_t expire_ns);
void timer_del(struct timer *t);
/* The host's monotonic clock in ns (run time, translation and monitor timing). */
uint64_t host_clock_ns(void);
/* Current virtual time in ns. */
uint64_t timer_now(void);
/* Run every timer due at `now`; returns the next deadline or TIMER_NEVER. */
uint64_t timers_run(uint64_t now);
uint64_t timers_next_deadline(void);

#endif
