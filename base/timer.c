/*
 * timer.c - a sorted list of virtual-time timers.  A PC has a handful of
 * timers, so insertion into a sorted list is cheaper than anything clever.
 */
#include "base/timer.h"

#include <stddef.h>
#include <time.h>

void clock_init(struct clock *c, uint64_t (*now)(void *opaque), void (*kick)(void *opaque),
                void *opaque)
{
    *c = (struct clock){ .now = now, .kick = kick, .opaque = opaque };
}

uint64_t clock_now(struct clock *c)
{
    return c->now(c->opaque);
}

void timer_init(struct timer *t, struct clock *c, void (*cb)(void *opaque), void *opaque)
{
    t->expire = TIMER_NEVER;
    t->cb = cb;
    t->opaque = opaque;
    t->clock = c;
    t->next = NULL;
    t->active = 0;
}

void timer_del(struct timer *t)
{
    if (!t->active)
        return;
    for (struct timer **pp = &t->clock->active; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->active = 0;
}

void timer_mod(struct timer *t, uint64_t expire_ns)
{
    timer_del(t);
    t->expire = expire_ns;
    struct clock *c = t->clock;
    struct timer **pp = &c->active;
    while (*pp && (*pp)->expire <= expire_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->active = 1;
    if (c->kick && !c->running)
        c->kick(c->opaque);
}

uint64_t host_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void clock_steal(struct clock *c, uint64_t ns)
{
    c->stolen_ns += ns;
    c->seen_host_ns += ns; /* no repayment for the stolen interval itself */
}

uint64_t clock_visible_ns(struct clock *c, uint64_t host_ns, int running, uint64_t icount)
{
    if (host_ns > c->seen_host_ns) {
        uint64_t d = host_ns - c->seen_host_ns;
        uint64_t room = UINT64_MAX;
        if (running) {
            uint64_t insns = icount - c->seen_icount;
            uint64_t most = insns < CLOCK_MAX_GAP_NS / CLOCK_NS_PER_INSN
                                ? insns * CLOCK_NS_PER_INSN + CLOCK_SLACK_NS
                                : CLOCK_MAX_GAP_NS;
            if (d > most) {
                c->stolen_ns += d - most;
                d = most;
            }
        } else if (c->active) {
            /* Halted: a late wake-up goes as far as the next deadline. */
            uint64_t was = c->seen_host_ns > c->stolen_ns ? c->seen_host_ns - c->stolen_ns : 0;
            room = (c->active->expire > was ? c->active->expire - was : 0) + CLOCK_SLACK_NS;
            if (d > room) {
                c->stolen_ns += d - room;
                d = room;
            }
        }
        uint64_t repay = d / 16;
        if (repay > c->stolen_ns)
            repay = c->stolen_ns;
        if (repay > room - d)
            repay = room - d;
        c->stolen_ns -= repay;
        c->seen_host_ns = host_ns;
        c->seen_icount = icount;
    }
    return host_ns > c->stolen_ns ? host_ns - c->stolen_ns : 0;
}

uint64_t timers_run(struct clock *c, uint64_t now)
{
    c->running = 1;
    while (c->active && c->active->expire <= now) {
        struct timer *t = c->active;
        c->active = t->next;
        t->active = 0;
        t->cb(t->opaque); /* may re-arm itself */
    }
    c->running = 0;
    return c->active ? c->active->expire : TIMER_NEVER;
}

uint64_t timers_next_deadline(struct clock *c)
{
    return c->active ? c->active->expire : TIMER_NEVER;
}
