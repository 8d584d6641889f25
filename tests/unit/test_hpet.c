/*
 * test_hpet.c - the HPET's counter and comparators on a virtual clock the
 * test moves itself (the clock and timer list are the test's, as in
 * test_rtc.c), against the IA-PC HPET specification 1.0a: 100 MHz, so one
 * tick is 10 ns and each expected instant below is ticks * 10.
 * Exits 0 when every check passes.
 */
#include "base/timer.h"
#include "hw/hpet.h"
#include "tests/unit/check.h"
#include "tests/unit/fake_clock.h"

#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ the lines */

#define MAX_RISES 64
static int level[24];
static int rises[24];
static uint64_t rise_ns[MAX_RISES];
static int nrise;
static int legacy_state = -1;

static void fake_irq(void *opaque, int line, int lvl)
{
    (void)opaque;
    if (lvl && !level[line]) {
        rises[line]++;
        if (nrise < MAX_RISES)
            rise_ns[nrise++] = fake_vclock;
    }
    level[line] = lvl;
}

static void fake_legacy(void *opaque, int on)
{
    (void)opaque;
    legacy_state = on;
}

static void clear_rises(void)
{
    nrise = 0;
    for (int i = 0; i < 24; i++)
        rises[i] = 0;
}

/* ------------------------------------------------------------------ registers */

static struct hpet *h;

static uint32_t rd(uint32_t off)
{
    return hpet_read(h, off, 4);
}

static void wr(uint32_t off, uint32_t v)
{
    hpet_write(h, off, v, 4);
}

#define CFG 0x010
#define ISR 0x020
#define CNT 0x0f0
#define TCFG(n) (0x100 + 0x20 * (n))
#define TCMP(n) (0x108 + 0x20 * (n))
#define TN_LEVEL (1u << 1)
#define TN_ENB (1u << 2)
#define TN_PERIODIC (1u << 3)
#define TN_VAL_SET (1u << 6)
#define TN_32BIT (1u << 8)

/* A fresh HPET at virtual time 0, its counter at `start`, halted. */
static void fresh(uint64_t start)
{
    fake_vclock = 0;
    hpet_reset(h);
    wr(CNT, (uint32_t)start);
    wr(CNT + 4, (uint32_t)(start >> 32));
    clear_rises();
    for (int i = 0; i < 24; i++)
        level[i] = 0;
}

static void test_caps(void)
{
    fresh(0);
    CHECK_EQ(rd(0x000), 0x8086a201u);
    CHECK_EQ(rd(0x004), 10000000u);
    CHECK_EQ(hpet_read(h, 0x001, 1), 0xa2u); /* a byte of it */
    CHECK_EQ(hpet_read(h, 0x002, 2), 0x8086u);
    for (int n = 0; n < 3; n++) {
        CHECK_EQ(rd(TCFG(n)), 0x30u); /* periodic and 64-bit capable */
        CHECK_EQ(rd(TCFG(n) + 4), 0x4u);
        CHECK_EQ(rd(TCMP(n)), 0xffffffffu);
        CHECK_EQ(rd(TCMP(n) + 4), 0xffffffffu);
    }
    CHECK_EQ(rd(CFG), 0u);
    /* An unsupported route does not stick; FSB enable is not offered. */
    wr(TCFG(2), 5u << 9 | 1u << 14);
    CHECK_EQ(rd(TCFG(2)), 0x30u);
    wr(TCFG(2), 2u << 9);
    CHECK_EQ(rd(TCFG(2)), 0x30u | 2u << 9);
}

static void test_counter(void)
{
    fresh(0x1fffffff0ull);
    fake_vclock = 5000;
    CHECK_EQ(rd(CNT), 0xfffffff0u); /* halted: stands still */
    CHECK_EQ(rd(CNT + 4), 1u);
    wr(CFG, 1);
    fake_vclock = 5000 + 10 * 0x20;
    CHECK_EQ(rd(CNT), 0x10u); /* carried into the high half */
    CHECK_EQ(rd(CNT + 4), 2u);
    fake_vclock += 9;
    CHECK_EQ(rd(CNT), 0x10u); /* 9 ns: not yet a tick */
    fake_vclock += 1;
    CHECK_EQ(rd(CNT), 0x11u);
    wr(CNT, 0); /* running: ignored */
    CHECK_EQ(rd(CNT), 0x11u);
    wr(CFG, 0);
    fake_vclock += 1000;
    CHECK_EQ(rd(CNT), 0x11u);
}

static void test_oneshot(void)
{
    fresh(0);
    wr(CFG, 3); /* enable, legacy replacement */
    CHECK_EQ(legacy_state, 1);
    wr(TCMP(0) + 4, 0);
    wr(TCMP(0), 1000);
    wr(TCFG(0), TN_ENB);
    run_to(50000);
    CHECK_EQ(rises[0], 1);
    CHECK_EQ(rise_ns[0], 10000u); /* tick 1000 */
    CHECK_EQ(level[0], 1);        /* held until the next interrupt */
    CHECK_EQ(rd(TCMP(0)), 1000u);
    CHECK_EQ(rd(ISR), 0u); /* edge: no status */
    CHECK(fake_next_timer() == NULL);
    /* Timer 1 goes to line 8 in legacy mode. */
    clear_rises();
    wr(TCMP(1) + 4, 0);
    wr(TCMP(1), 6000);
    wr(TCFG(1), TN_ENB);
    run_to(100000);
    CHECK_EQ(rises[8], 1);
    CHECK_EQ(rise_ns[0], 60000u);
    /* Leaving legacy mode drops the lines and tells the board. */
    wr(CFG, 1);
    CHECK_EQ(legacy_state, 0);
    CHECK_EQ(level[0], 0);
    CHECK_EQ(level[8], 0);
}

static void test_behind(void)
{
    /* A 64-bit comparator behind the counter matches only after 2^64 ticks. */
    fresh(5000);
    wr(TCMP(0) + 4, 0);
    wr(TCMP(0), 100);
    wr(TCFG(0), TN_ENB | 4u << 0); /* route field 0 */
    wr(CFG, 1);
    run_to(1000000);
    CHECK_EQ(nrise, 0);
    CHECK(fake_next_timer() == NULL);
}

static void test_periodic(void)
{
    fresh(0);
    wr(CFG, 3);
    wr(TCFG(0), TN_PERIODIC | TN_VAL_SET);
    CHECK_EQ(rd(TCFG(0)) & TN_VAL_SET, TN_VAL_SET);
    wr(TCMP(0) + 4, 0);                 /* clears VAL_SET */
    CHECK_EQ(rd(TCFG(0)) & TN_VAL_SET, 0u);
    wr(TCFG(0), TN_PERIODIC | TN_VAL_SET);
    wr(TCMP(0), 250);                   /* comparator and period */
    wr(TCMP(0), 100);                   /* the period alone */
    CHECK_EQ(rd(TCMP(0)), 250u);
    wr(TCFG(0), TN_ENB | TN_PERIODIC);
    run_to(10 * 250 + 10 * 100 * 9 + 5);
    CHECK_EQ(rises[0], 10);
    for (int i = 0; i < 10 && i < nrise; i++)
        CHECK_EQ(rise_ns[i], 10u * (250 + 100 * i));
    CHECK_EQ(rd(TCMP(0)), 250u + 100 * 10);

    /* A sync long after the due ticks steps the comparator past now at once:
     * one interrupt for the lot. */
    clear_rises();
    struct timer *t = fake_next_timer();
    if (t)
        t->active = 0; /* as if the machine were too busy to run it */
    fake_vclock += 10 * 100 * 7 + 10 * 50;
    CHECK_EQ(rd(TCMP(0)), 250u + 100 * 17); /* counter 1900: the due 1250..1850 taken */
    CHECK_EQ(rises[0], 1);
    wr(TCFG(0), 0);
    CHECK_EQ(level[0], 0);
}

static void test_periodic32(void)
{
    /* 32-bit periodic across the counter's low-half wrap. */
    fresh(0xfffffe00ull);
    wr(CFG, 3);
    wr(TCFG(0), TN_PERIODIC | TN_VAL_SET | TN_32BIT);
    wr(TCMP(0), 0xffffff00u);
    wr(TCMP(0), 0x200);
    CHECK_EQ(rd(TCMP(0) + 4), 0u);
    wr(TCFG(0), TN_ENB | TN_PERIODIC | TN_32BIT);
    run_to(10 * 0x100 + 10 * 0x200 * 3);
    CHECK_EQ(rises[0], 4); /* at 0xffffff00, 0x1_000000100, ...300, ...500 */
    CHECK_EQ(rise_ns[1], 10u * (0x100 + 0x200));
    CHECK_EQ(rd(TCMP(0)), 0x700u);
}

static void test_wrap32(void)
{
    /* A 32-bit one-shot timer fires at the low half's wrap and at the match. */
    fresh(0xffffff00ull);
    wr(CFG, 3);
    wr(TCFG(0), TN_32BIT);
    wr(TCMP(0), 0x80);
    wr(TCFG(0), TN_ENB | TN_32BIT);
    run_to(10 * 0x1000);
    CHECK_EQ(rises[0], 2);
    CHECK_EQ(rise_ns[0], 10u * 0x100);
    CHECK_EQ(rise_ns[1], 10u * 0x180);
    /* The same in 64-bit mode: one interrupt, at the match. */
    fresh(0xffffff00ull);
    wr(CFG, 3);
    wr(TCMP(0) + 4, 1);
    wr(TCMP(0), 0x80);
    wr(TCFG(0), TN_ENB);
    run_to(10 * 0x1000);
    CHECK_EQ(rises[0], 1);
    CHECK_EQ(rise_ns[0], 10u * 0x180);
}

static void test_level(void)
{
    fresh(0);
    wr(CFG, 3);
    wr(TCMP(1) + 4, 0);
    wr(TCMP(1), 500);
    wr(TCFG(1), TN_LEVEL); /* interrupt disabled: the status bit still comes */
    run_to(10000);
    CHECK_EQ(rd(ISR), 2u);
    CHECK_EQ(level[8], 0);
    wr(TCFG(1), TN_LEVEL | TN_ENB); /* enabling with the status set raises the line */
    CHECK_EQ(level[8], 1);
    wr(ISR, 1); /* another timer's bit: no effect */
    CHECK_EQ(rd(ISR), 2u);
    wr(ISR, 2);
    CHECK_EQ(rd(ISR), 0u);
    CHECK_EQ(level[8], 0);
    /* Halting the HPET drops a level line; the status bit stays. */
    wr(TCMP(1), 1500);
    run_to(20000);
    CHECK_EQ(level[8], 1);
    wr(CFG, 2);
    CHECK_EQ(level[8], 0);
    CHECK_EQ(rd(ISR), 2u);
    /* Level to edge clears the status. */
    wr(TCFG(1), TN_ENB);
    CHECK_EQ(rd(ISR), 0u);
}

int main(void)
{
    static struct clock clk;
    h = hpet_create(&clk, fake_irq, fake_legacy, NULL);
    test_caps();
    test_counter();
    test_oneshot();
    test_behind();
    test_periodic();
    test_periodic32();
    test_wrap32();
    test_level();
    return check_done("test_hpet");
}
