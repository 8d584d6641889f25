/*
 * timer.c - a sorted list of virtual-time timers.  A PC has a handful of
 * timers, so insertion into a sorted list is cheaper than anything clever.
 */
#include "emu/timer.h"
#include "emu/machine.h"

#include <stddef.h>
#include <time.h>

static struct timer *active_list;
static int running; /* inside timers_run: the poll that follows sees the new deadline */

void timer_init(struct timer *t, void (*cb)(void *opaque), void *opaque)
{
    t->expire = TIMER_NEVER;
    t->cb = cb;
    t->opaque = opaque;
    t->next = NULL;
    t->active = 0;
}

void timer_del(struct timer *t)
{
    if (!t->active)
        return;
    for (struct timer **pp = &active_list; *pp; pp = &(*pp)->next) {
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
    struct timer **pp = &active_list;
    while (*pp && (*pp)->expire <= expire_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->active = 1;
    /* Armed from a block (an OUT to the PIT): end the block chain so it fires on time. */
    if (bt86_machine && !running)
        bt86_machine->cpu.exit_request = 1;
}

uint64_t host_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t stolen_ns, seen_host_ns, seen_icount;

void clock_steal(uint64_t ns)
{
    stolen_ns += ns;
    seen_host_ns += ns; /* no repayment for the stolen interval itself */
}

uint64_t clock_visible_ns(uint64_t host_ns, int running, uint64_t icount)
{
    if (host_ns > seen_host_ns) {
        uint64_t d = host_ns - seen_host_ns;
        uint64_t room = UINT64_MAX;
        if (running) {
            uint64_t insns = icount - seen_icount;
            uint64_t most = insns < CLOCK_MAX_GAP_NS / CLOCK_NS_PER_INSN
                                ? insns * CLOCK_NS_PER_INSN + CLOCK_SLACK_NS
                                : CLOCK_MAX_GAP_NS;
            if (d > most) {
                stolen_ns += d - most;
                d = most;
            }
        } else if (active_list) {
            /* Halted: a late wake-up goes as far as the next deadline. */
            uint64_t was = seen_host_ns > stolen_ns ? seen_host_ns - stolen_ns : 0;
            room = (active_list->expire > was ? active_list->expire - was : 0) + CLOCK_SLACK_NS;
            if (d > room) {
                stolen_ns += d - room;
                d = room;
            }
        }
        uint64_t repay = d / 16;
        if (repay > stolen_ns)
            repay = stolen_ns;
        if (repay > room - d)
            repay = room - d;
        stolen_ns -= repay;
        seen_host_ns = host_ns;
        seen_icount = icount;
    }
    return host_ns > stolen_ns ? host_ns - stolen_ns : 0;
}

uint64_t timer_now(void)
{
    return bt86_machine ? machine_clock_ns(bt86_machine) : 0;
}

uint64_t timers_run(uint64_t now)
{
    running = 1;
    while (active_list && active_list->expire <= now) {
        struct timer *t = active_list;
        active_list = t->next;
        t->active = 0;
        t->cb(t->opaque); /* may re-arm itself */
    }
    running = 0;
    return active_list ? active_list->expire : TIMER_NEVER;
}

uint64_t timers_next_deadline(void)
{
    return active_list ? active_list->expire : TIMER_NEVER;
}
