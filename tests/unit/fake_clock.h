/*
 * fake_clock.h - virtual time that a device unit test moves itself.  The
 * test supplies clock_now() and the timer list in place of base/timer.c
 * (which would pull in the whole machine), and run_to() runs each due timer
 * at its own deadline, in deadline order, as machine_poll would.  A test
 * sets fake_vclock directly to step time without running timers.  Header
 * only: one test program includes it once.
 */
#ifndef TESTS_UNIT_FAKE_CLOCK_H
#define TESTS_UNIT_FAKE_CLOCK_H

#include "base/timer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FAKE_MAX_TIMERS 16

static uint64_t fake_vclock;
static struct timer *fake_timers[FAKE_MAX_TIMERS];

uint64_t clock_now(struct clock *c)
{
    (void)c;
    return fake_vclock;
}

void timer_init(struct timer *t, struct clock *c, void (*cb)(void *opaque), void *opaque)
{
    (void)c;
    t->expire = TIMER_NEVER;
    t->cb = cb;
    t->opaque = opaque;
    t->next = NULL;
    t->active = 0;
    for (int i = 0; i < FAKE_MAX_TIMERS; i++) {
        if (!fake_timers[i] || fake_timers[i] == t) {
            fake_timers[i] = t;
            return;
        }
    }
    fprintf(stderr, "fake_clock.h: more than %d timers\n", FAKE_MAX_TIMERS);
    exit(1);
}

void timer_mod(struct timer *t, uint64_t expire_ns)
{
    t->expire = expire_ns;
    t->active = 1;
}

void timer_del(struct timer *t)
{
    t->active = 0;
}

/* The armed timer with the earliest deadline, or NULL. */
static inline struct timer *fake_next_timer(void)
{
    struct timer *best = NULL;
    for (int i = 0; i < FAKE_MAX_TIMERS; i++)
        if (fake_timers[i] && fake_timers[i]->active &&
            (!best || fake_timers[i]->expire < best->expire))
            best = fake_timers[i];
    return best;
}

/* Move virtual time to t, running each timer due by then at its deadline. */
static inline void run_to(uint64_t t)
{
    struct timer *n;
    while ((n = fake_next_timer()) && n->expire <= t) {
        if (n->expire > fake_vclock)
            fake_vclock = n->expire;
        n->active = 0;
        n->cb(n->opaque);
    }
    fake_vclock = t;
}

#endif
