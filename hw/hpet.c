/*
 * hpet.c - the High Precision Event Timer (IA-PC HPET specification 1.0a).
 *
 * Nothing here counts: the main counter is a function of virtual time while
 * the HPET is enabled, and a frozen value while it is halted.  Every access
 * and every timer callback first runs hpet_sync(), which walks the ticks
 * since the last sync and takes each comparator match (and 32-bit wrap)
 * that fell among them in counter order: periodic comparators advance by
 * their period, level-triggered timers set their status bit, edge-triggered
 * ones pulse their line.  Then each timer is armed at its next event, so a
 * guest that only waits for the interrupt gets it at its tick.
 */
#include "hw/hpet.h"

#include "base/timer.h"

#include <stdio.h>
#include <stdlib.h>

#define NS_PER_TICK (HPET_PERIOD_FS / 1000000u)

/* General registers. */
#define R_CAP 0x000
#define R_CFG 0x010
#define R_ISR 0x020
#define R_COUNTER 0x0f0
#define R_TIMER0 0x100
#define TIMER_STRIDE 0x20
#define T_CFG 0x00
#define T_CMP 0x08
#define T_FSB 0x10

#define CFG_ENABLE 0x1u
#define CFG_LEGACY 0x2u

/* Tn_CONF_CAP bits. */
#define TN_LEVEL (1u << 1)
#define TN_INT_ENB (1u << 2)
#define TN_PERIODIC (1u << 3)
#define TN_PER_CAP (1u << 4)
#define TN_SIZE_CAP (1u << 5)
#define TN_VAL_SET (1u << 6)
#define TN_32BIT (1u << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_MASK (0x1fu << TN_ROUTE_SHIFT)
/* What software may change: type, enable, periodic, value set, 32-bit mode,
 * route.  FSB delivery is not offered, so its enable stays 0. */
#define TN_WRITABLE (TN_LEVEL | TN_INT_ENB | TN_PERIODIC | TN_VAL_SET | TN_32BIT | TN_ROUTE_MASK)

/* Revision 1, three timers, 64-bit counter, legacy replacement capable,
 * vendor 0x8086: QEMU's value. */
#define CAP_LOW 0x8086a201u

struct hpet_timer {
    struct hpet *h;
    int n;
    uint32_t config; /* the low half of Tn_CONF_CAP; the high half is the route capability */
    uint64_t cmp;
    uint64_t period; /* the last value written to the comparator in periodic mode */
    int line;        /* the line this timer holds high (level mode), or -1 */
    struct timer t;
};

struct hpet {
    struct clock *clock;
    void (*irq)(void *opaque, int line, int level);
    void (*legacy)(void *opaque, int on);
    void *opaque;
    uint32_t config;
    uint32_t isr;
    uint64_t counter;   /* halted: the counter; running: its value at base_ns */
    uint64_t base_ns;
    uint64_t last;      /* the counter at the last sync: events up to it are taken */
    int legacy_on;      /* what the board was last told */
    struct hpet_timer tm[HPET_TIMERS];
};

static int enabled(const struct hpet *h)
{
    return (h->config & CFG_ENABLE) != 0;
}

static uint64_t counter_now(const struct hpet *h)
{
    if (!enabled(h))
        return h->counter;
    return h->counter + (clock_now(h->clock) - h->base_ns) / NS_PER_TICK;
}

static int route_of(const struct hpet_timer *t)
{
    if ((t->h->config & CFG_LEGACY) && t->n < 2)
        return t->n == 0 ? 0 : 8;
    return (t->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;
}

/* The line t holds high, or -1. */
static void drive(struct hpet_timer *t, int want)
{
    struct hpet *h = t->h;
    if (want == t->line)
        return;
    if (t->line >= 0)
        h->irq(h->opaque, t->line, 0);
    t->line = want;
    if (want >= 0)
        h->irq(h->opaque, want, 1);
}

/* A level-triggered timer holds its line while its status bit is set.  An
 * edge-triggered one holds it from one interrupt to the next: the 8259 drops
 * an edge request whose line falls before the CPU takes it, as the chip
 * does, so a pulse would be lost; the next interrupt lowers and raises it. */
static void update_line(struct hpet_timer *t)
{
    struct hpet *h = t->h;
    int want = -1, on = (t->config & TN_INT_ENB) && enabled(h);
    if (t->config & TN_LEVEL)
        want = on && (h->isr & 1u << t->n) ? route_of(t) : -1;
    else
        want = on && t->line == route_of(t) ? t->line : -1;
    drive(t, want);
}

static void fire(struct hpet_timer *t)
{
    struct hpet *h = t->h;
    if (t->config & TN_LEVEL) {
        /* The status bit is set even with the interrupt disabled (spec 2.3.9.1). */
        h->isr |= 1u << t->n;
        update_line(t);
    } else if ((t->config & TN_INT_ENB) && enabled(h)) {
        drive(t, -1);
        drive(t, route_of(t));
    }
}

/* The first tick after `from` at which the comparator matches, or 0 when
 * none comes before the counter wraps (2^64 ticks: never). */
static uint64_t next_match(const struct hpet_timer *t, uint64_t from)
{
    if (t->config & TN_32BIT) {
        uint64_t d = (uint32_t)((uint32_t)t->cmp - (uint32_t)from);
        if (!d)
            d = 1ull << 32;
        return from + d < from ? 0 : from + d;
    }
    return t->cmp > from ? t->cmp : 0;
}

/* The next event of t after tick `from` (a match, or a 32-bit one-shot
 * timer's wrap), 0 for none. */
static uint64_t next_event(const struct hpet_timer *t, uint64_t from)
{
    uint64_t m = next_match(t, from);
    if ((t->config & TN_32BIT) && !(t->config & TN_PERIODIC)) {
        uint64_t wrap = (from | 0xffffffffull) + 1;
        if (wrap && (!m || wrap < m))
            m = wrap;
    }
    return m;
}

/* Take t's events in (h->last, now]. */
static void take_events(struct hpet_timer *t, uint64_t now)
{
    uint64_t from = t->h->last, e;
    while ((e = next_event(t, from)) && e <= now) {
        int match = e == next_match(t, from);
        if (match && (t->config & TN_PERIODIC) && t->period) {
            /* The comparator steps past `now` at once: a halted guest that
             * wakes late sees one interrupt for the lot, as a level would. */
            uint64_t p = t->config & TN_32BIT ? (uint32_t)t->period : t->period;
            uint64_t k = (now - e) / p + 1;
            t->cmp += k * p;
            if (t->config & TN_32BIT)
                t->cmp = (uint32_t)t->cmp;
            fire(t);
            from = e + (k - 1) * p;
            continue;
        }
        fire(t);
        from = e;
    }
}

static void arm(struct hpet_timer *t, uint64_t now)
{
    struct hpet *h = t->h;
    uint64_t e = enabled(h) ? next_event(t, now) : 0;
    if (!e) {
        timer_del(&t->t);
        return;
    }
    uint64_t ticks = e - h->counter;
    if (ticks > (TIMER_NEVER - 1 - h->base_ns) / NS_PER_TICK) {
        timer_del(&t->t);
        return;
    }
    timer_mod(&t->t, h->base_ns + ticks * NS_PER_TICK);
}

static void hpet_sync(struct hpet *h)
{
    uint64_t now = counter_now(h);
    if (enabled(h) && now != h->last)
        for (int i = 0; i < HPET_TIMERS; i++)
            take_events(&h->tm[i], now);
    h->last = now;
}

static void rearm_all(struct hpet *h)
{
    for (int i = 0; i < HPET_TIMERS; i++)
        arm(&h->tm[i], h->last);
}

static void timer_cb(void *opaque)
{
    struct hpet_timer *t = opaque;
    hpet_sync(t->h);
    rearm_all(t->h);
}

static uint64_t reg_read(struct hpet *h, uint32_t reg)
{
    switch (reg) {
    case R_CAP:
        return CAP_LOW | (uint64_t)HPET_PERIOD_FS << 32;
    case R_CFG:
        return h->config;
    case R_ISR:
        return h->isr;
    case R_COUNTER:
        return h->last;
    }
    if (reg >= R_TIMER0 && reg < R_TIMER0 + HPET_TIMERS * TIMER_STRIDE) {
        struct hpet_timer *t = &h->tm[(reg - R_TIMER0) / TIMER_STRIDE];
        switch ((reg - R_TIMER0) % TIMER_STRIDE) {
        case T_CFG:
            return t->config | (uint64_t)HPET_ROUTE_CAP << 32;
        case T_CMP:
            return t->cmp;
        }
    }
    return 0;
}

static void set_config(struct hpet *h, uint32_t v)
{
    uint32_t old = h->config;
    v &= CFG_ENABLE | CFG_LEGACY;
    if ((v ^ old) & CFG_ENABLE) {
        if (v & CFG_ENABLE)
            h->base_ns = clock_now(h->clock); /* counter already holds the halted value */
        else
            h->counter = h->last;
    }
    h->config = v;
    int legacy = (v & CFG_LEGACY) != 0;
    if (legacy != h->legacy_on) {
        h->legacy_on = legacy;
        /* Lines move: drop what the timers hold before the board re-wires. */
        for (int i = 0; i < HPET_TIMERS; i++)
            if (h->tm[i].line >= 0) {
                h->irq(h->opaque, h->tm[i].line, 0);
                h->tm[i].line = -1;
            }
        /* As QEMU: lines 0 and 8 start low under their new owner, so that
         * the first edge is not lost on a level the PIT left high. */
        h->irq(h->opaque, 0, 0);
        h->irq(h->opaque, 8, 0);
        if (h->legacy)
            h->legacy(h->opaque, legacy);
    }
    for (int i = 0; i < HPET_TIMERS; i++)
        update_line(&h->tm[i]);
}

static void set_timer_config(struct hpet_timer *t, uint32_t v)
{
    uint32_t route = (v & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;
    /* An unsupported route does not stick (spec 2.3.8, Tn_INT_ROUTE_CNF). */
    if (!(HPET_ROUTE_CAP & 1u << route))
        v = (v & ~TN_ROUTE_MASK) | (t->config & TN_ROUTE_MASK);
    if (!(v & TN_LEVEL))
        t->h->isr &= ~(1u << t->n);
    t->config = (t->config & ~TN_WRITABLE) | (v & TN_WRITABLE);
    if (t->config & TN_32BIT) {
        t->cmp = (uint32_t)t->cmp;
        t->period = (uint32_t)t->period;
    }
    update_line(t);
}

/* A write of the comparator's half `hi` (0 low, 1 high). */
static void set_comparator(struct hpet_timer *t, uint32_t v, int hi)
{
    int shift = hi ? 32 : 0;
    uint64_t mask = 0xffffffffull << shift;
    if (hi && (t->config & TN_32BIT))
        return;
    /* In periodic mode a write sets the period; with VAL_SET also the comparator. */
    if (!(t->config & TN_PERIODIC) || (t->config & TN_VAL_SET))
        t->cmp = (t->cmp & ~mask) | (uint64_t)v << shift;
    if (t->config & TN_PERIODIC)
        t->period = (t->period & ~mask) | (uint64_t)v << shift;
    t->config &= ~TN_VAL_SET;
}

static void reg_write32(struct hpet *h, uint32_t off, uint32_t v)
{
    switch (off) {
    case R_CFG:
        set_config(h, v);
        return;
    case R_ISR:
        h->isr &= ~v;
        for (int i = 0; i < HPET_TIMERS; i++)
            update_line(&h->tm[i]);
        return;
    case R_COUNTER:
    case R_COUNTER + 4:
        /* Only a halted counter can be set (spec 2.3.6). */
        if (!enabled(h)) {
            int shift = off == R_COUNTER ? 0 : 32;
            h->counter = (h->counter & ~(0xffffffffull << shift)) | (uint64_t)v << shift;
            h->last = h->counter;
        }
        return;
    }
    if (off >= R_TIMER0 && off < R_TIMER0 + HPET_TIMERS * TIMER_STRIDE) {
        struct hpet_timer *t = &h->tm[(off - R_TIMER0) / TIMER_STRIDE];
        switch ((off - R_TIMER0) % TIMER_STRIDE) {
        case T_CFG:
            set_timer_config(t, v);
            return;
        case T_CMP:
            set_comparator(t, v, 0);
            return;
        case T_CMP + 4:
            set_comparator(t, v, 1);
            return;
        }
    }
}

uint32_t hpet_read(struct hpet *h, uint32_t offset, int size)
{
    hpet_sync(h);
    uint32_t dword = (uint32_t)(reg_read(h, offset & ~7u) >> (offset & 4 ? 32 : 0));
    dword >>= 8 * (offset & 3);
    return size == 4 ? dword : dword & ((1u << 8 * size) - 1);
}

void hpet_write(struct hpet *h, uint32_t offset, uint32_t value, int size)
{
    hpet_sync(h);
    uint32_t off = offset & ~3u;
    if (size < 4) {
        /* A narrow write changes its bytes of the dword. */
        uint32_t shift = 8 * (offset & 3), mask = ((1u << 8 * size) - 1) << shift;
        uint32_t old = (uint32_t)(reg_read(h, off & ~7u) >> (off & 4 ? 32 : 0));
        value = (old & ~mask) | (value << shift & mask);
    }
    reg_write32(h, off, value);
    rearm_all(h);
}

static uint32_t mmio_read(void *opaque, uint32_t offset, int size)
{
    return hpet_read(opaque, offset, size);
}

static void mmio_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    hpet_write(opaque, offset, value, size);
}

const struct mem_ops hpet_mem_ops = { mmio_read, mmio_write };

void hpet_reset(struct hpet *h)
{
    for (int i = 0; i < HPET_TIMERS; i++) {
        struct hpet_timer *t = &h->tm[i];
        timer_del(&t->t);
        if (t->line >= 0)
            h->irq(h->opaque, t->line, 0);
        t->line = -1;
        t->config = TN_PER_CAP | TN_SIZE_CAP;
        t->cmp = ~0ull;
        t->period = 0;
    }
    h->config = 0;
    h->isr = 0;
    h->counter = 0;
    h->last = 0;
    h->base_ns = 0;
    if (h->legacy_on && h->legacy)
        h->legacy(h->opaque, 0);
    h->legacy_on = 0;
}

struct hpet *hpet_create(struct clock *clock, void (*irq)(void *opaque, int line, int level),
                         void (*legacy)(void *opaque, int on), void *opaque)
{
    struct hpet *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->clock = clock;
    h->irq = irq;
    h->legacy = legacy;
    h->opaque = opaque;
    for (int i = 0; i < HPET_TIMERS; i++) {
        h->tm[i].h = h;
        h->tm[i].n = i;
        h->tm[i].line = -1;
        timer_init(&h->tm[i].t, clock, timer_cb, &h->tm[i]);
    }
    hpet_reset(h);
    return h;
}
