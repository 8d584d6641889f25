/*
 * test_rtc.c - the MC146818 RTC and CMOS through ports 0x70/0x71, on a
 * virtual clock the test moves itself.  The test supplies clock_now() and
 * the timer list (base/timer.c would pull in the whole machine), running each
 * due timer at its own deadline as machine_poll would.  Expected dates are
 * Unix times checked against date(1), not computed by the code under test.
 * Exits 0 when every check passes.
 */
#include "base/timer.h"
#include "hw/rtc_mc146818.h"
#include "softmmu/ioport.h"
#include "tests/unit/check.h"
#include "tests/unit/fake_clock.h"

#include <stdint.h>
#include <stdio.h>

static struct ioports io; /* the devices' port space */

#define NS 1000000000ull
#define MS 1000000ull
#define US 1000ull

/* 2000-01-01T00:00:00Z, a Saturday. */
#define T_Y2K 946684800
/* 2026-02-28T23:59:59Z, a Saturday; 2026 is no leap year. */
#define T_2026_02_28_235959 1772323199

static int timer_armed(void)
{
    return fake_next_timer() != NULL;
}

/* ------------------------------------------------------------------ the IRQ line */

#define MAX_EDGES 2048
static int irq_level;
static uint64_t rise_ns[MAX_EDGES];
static int rises;

static void fake_irq(void *opaque, int level)
{
    if (level && !irq_level && rises < MAX_EDGES)
        rise_ns[rises++] = fake_vclock;
    irq_level = level;
}

static uint8_t in8(uint16_t port)
{
    return (uint8_t)ioport_read(&io, port, 1);
}

static void out8(uint16_t port, uint8_t v)
{
    ioport_write(&io, port, v, 1);
}

static uint8_t cmos(uint8_t index)
{
    out8(0x70, index);
    return in8(0x71);
}

static void cmos_set(uint8_t index, uint8_t v)
{
    out8(0x70, index);
    out8(0x71, v);
}

/* The seven date/time registers and the century, compared in one check each. */
static void check_time(int line, uint8_t cent, uint8_t year, uint8_t mon, uint8_t mday,
                       uint8_t wday, uint8_t hour, uint8_t min, uint8_t sec)
{
    uint8_t got[8] = { cmos(0x32), cmos(0x09), cmos(0x08), cmos(0x07),
                       cmos(0x06), cmos(0x04), cmos(0x02), cmos(0x00) };
    uint8_t want[8] = { cent, year, mon, mday, wday, hour, min, sec };
    for (int i = 0; i < 8; i++) {
        check_count++;
        if (got[i] != want[i]) {
            check_failures++;
            fprintf(stderr, "test_rtc.c:%d: time byte %d is 0x%02x, expected 0x%02x\n", line,
                    i, got[i], want[i]);
        }
    }
}
#define CHECK_TIME(...) check_time(__LINE__, __VA_ARGS__)

/* Start a fresh chip at port 0x70 showing base at virtual time fake_vclock (a multiple of 1 s). */
static struct rtc *fresh(int64_t base)
{
    irq_level = 0;
    rises = 0;
    return rtc_create(&io, NULL, 0x70, fake_irq, NULL, base - (int64_t)(fake_vclock / NS));
}

/* ------------------------------------------------------------------ tests */

static void test_reset_state(void)
{
    struct rtc *r = fresh(T_Y2K);

    CHECK_EQ(cmos(0x0a), 0x26);
    CHECK_EQ(cmos(0x0b), 0x02);
    CHECK_EQ(cmos(0x0c), 0x00);
    CHECK_EQ(cmos(0x0d), 0x80);
    CHECK_TIME(0x20, 0x00, 0x01, 0x01, 7, 0x00, 0x00, 0x00);
    CHECK_EQ(in8(0x70), 0xff); /* the index port is write-only */
    /* Bit 7 of the index masks NMI and is not part of the index. */
    out8(0x70, 0x8d);
    CHECK_EQ(in8(0x71), 0x80);
    CHECK_EQ(rtc_cmos_read(r, 0x0a), 0x26);
    /* D is read-only; C too. */
    cmos_set(0x0d, 0x00);
    CHECK_EQ(cmos(0x0d), 0x80);
    /* Plain CMOS RAM. */
    cmos_set(0x40, 0x5a);
    cmos_set(0x7f, 0xa5);
    CHECK_EQ(cmos(0x40), 0x5a);
    CHECK_EQ(cmos(0x7f), 0xa5);
    CHECK_EQ(rtc_cmos_read(r, 0x40), 0x5a);
    /* A word access: index, then data. */
    ioport_write(&io, 0x70, 0x7f, 1);
    CHECK_EQ(ioport_read(&io, 0x70, 2), 0xa5ff);
    /* No interrupt enabled: no timer. */
    CHECK(!timer_armed());

    /* Reset keeps the clock and the RAM. */
    run_to(fake_vclock + 61 * NS + 300 * MS);
    cmos_set(0x0b, 0x86);
    cmos_set(0x0a, 0x2f);
    rtc_reset(r);
    CHECK_EQ(cmos(0x0a), 0x26);
    CHECK_EQ(cmos(0x0b), 0x02);
    CHECK_TIME(0x20, 0x00, 0x01, 0x01, 7, 0x00, 0x01, 0x01);
    CHECK_EQ(cmos(0x40), 0x5a);
}

static void test_modes_and_rollover(void)
{
    fake_vclock = (fake_vclock / NS + 1) * NS;
    uint64_t t0 = fake_vclock;
    fresh(T_2026_02_28_235959);

    /* BCD, 24 h: 2026-02-28 23:59:59, a Saturday (7). */
    CHECK_TIME(0x20, 0x26, 0x02, 0x28, 7, 0x23, 0x59, 0x59);
    /* Binary, 24 h: the same time, converted on read. */
    cmos_set(0x0b, 0x06);
    CHECK_TIME(20, 26, 2, 28, 7, 23, 59, 59);
    /* Binary, 12 h: 11 PM. */
    cmos_set(0x0b, 0x04);
    CHECK_EQ(cmos(0x04), 0x80 | 11);
    /* BCD, 12 h. */
    cmos_set(0x0b, 0x00);
    CHECK_EQ(cmos(0x04), 0x91);
    cmos_set(0x0b, 0x02);

    /* Just before the boundary nothing moved; at it, March 1st, a Sunday. */
    run_to(t0 + NS - 1);
    CHECK_EQ(cmos(0x00), 0x59);
    run_to(t0 + NS);
    CHECK_TIME(0x20, 0x26, 0x03, 0x01, 1, 0x00, 0x00, 0x00);
    cmos_set(0x0b, 0x00); /* 12 h: midnight is 12 AM */
    CHECK_EQ(cmos(0x04), 0x12);
    /* Noon is 12 PM, 1 PM is 0x81. */
    run_to(t0 + NS + 12 * 3600 * NS);
    CHECK_EQ(cmos(0x04), 0x92);
    run_to(t0 + NS + 13 * 3600 * NS);
    CHECK_EQ(cmos(0x04), 0x81);
    cmos_set(0x0b, 0x02);
    CHECK_EQ(cmos(0x04), 0x13);
}

/* Set the time with SET, in BCD 24 h mode. */
static void set_time_bcd(uint8_t cent, uint8_t year, uint8_t mon, uint8_t mday, uint8_t hour,
                         uint8_t min, uint8_t sec)
{
    cmos_set(0x0b, 0x82);
    cmos_set(0x00, sec);
    cmos_set(0x02, min);
    cmos_set(0x04, hour);
    cmos_set(0x07, mday);
    cmos_set(0x08, mon);
    cmos_set(0x09, year);
    cmos_set(0x32, cent);
    cmos_set(0x0b, 0x02);
}

static void test_set_and_leap(void)
{
    fake_vclock = (fake_vclock / NS + 1) * NS;
    uint64_t t0 = fake_vclock;
    struct rtc *r = fresh(T_Y2K);

    /* SET freezes the registers; the clock does not run meanwhile. */
    run_to(t0 + 400 * MS);
    cmos_set(0x0b, 0x82);
    run_to(t0 + 5 * NS);
    CHECK_TIME(0x20, 0x00, 0x01, 0x01, 7, 0x00, 0x00, 0x00);
    CHECK_EQ(cmos(0x0a), 0x26); /* no UIP while SET */
    /* Written bytes stick while SET. */
    cmos_set(0x00, 0x58);
    cmos_set(0x02, 0x59);
    cmos_set(0x04, 0x23);
    cmos_set(0x07, 0x28);
    cmos_set(0x08, 0x02);
    cmos_set(0x09, 0x24);
    cmos_set(0x32, 0x20);
    run_to(t0 + 7 * NS + 500 * MS);
    CHECK_EQ(cmos(0x00), 0x58);
    CHECK_EQ(cmos(0x09), 0x24);
    /* Cleared: the clock runs on from the written time on the same second grid. */
    cmos_set(0x0b, 0x02);
    CHECK_EQ(cmos(0x00), 0x58);
    run_to(t0 + 8 * NS - 1);
    CHECK_EQ(cmos(0x00), 0x58);
    run_to(t0 + 8 * NS);
    CHECK_EQ(cmos(0x00), 0x59);
    /* 2024 is a leap year: Feb 29, a Thursday (5). */
    run_to(t0 + 9 * NS);
    CHECK_TIME(0x20, 0x24, 0x02, 0x29, 5, 0x00, 0x00, 0x00);
    run_to(t0 + 9 * NS + 86400 * NS);
    CHECK_TIME(0x20, 0x24, 0x03, 0x01, 6, 0x00, 0x00, 0x00);

    /* 1999 -> 2000: the century byte follows. */
    set_time_bcd(0x19, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59);
    CHECK_TIME(0x19, 0x99, 0x12, 0x31, 6, 0x23, 0x59, 0x59); /* a Friday */
    run_to((fake_vclock / NS + 1) * NS);
    CHECK_TIME(0x20, 0x00, 0x01, 0x01, 7, 0x00, 0x00, 0x00);

    /* Binary mode set through SET, as the guest test does: 2024-02-29 at midnight. */
    cmos_set(0x0b, 0x82);
    cmos_set(0x0b, 0x86);
    cmos_set(0x00, 58);
    cmos_set(0x02, 59);
    cmos_set(0x04, 23);
    cmos_set(0x07, 29);
    cmos_set(0x08, 2);
    cmos_set(0x09, 24);
    cmos_set(0x32, 20);
    cmos_set(0x0b, 0x06);
    run_to((fake_vclock / NS + 2) * NS);
    CHECK_TIME(20, 24, 3, 1, 6, 0, 0, 0);
    cmos_set(0x0b, 0x02);

    /* A write to a time register of a running clock sets it at once. */
    set_time_bcd(0x20, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
    cmos_set(0x02, 0x30);
    CHECK_TIME(0x20, 0x00, 0x01, 0x01, 7, 0x00, 0x30, 0x00);
    run_to((fake_vclock / NS + 1) * NS);
    CHECK_TIME(0x20, 0x00, 0x01, 0x01, 7, 0x00, 0x30, 0x01);
    /* 12 h mode writes: 0x89 is 9 PM. */
    cmos_set(0x0b, 0x80);
    cmos_set(0x04, 0x89);
    cmos_set(0x0b, 0x00);
    CHECK_EQ(cmos(0x04), 0x89);
    cmos_set(0x0b, 0x02);
    CHECK_EQ(cmos(0x04), 0x21);
    /* The chip converts nothing when the mode changes under SET: 0x21 read as binary. */
    cmos_set(0x0b, 0x82);
    cmos_set(0x0b, 0x86);
    cmos_set(0x0b, 0x06);
    CHECK_EQ(cmos(0x04), 0x21 - 24);
    CHECK_EQ(cmos(0x07), 2);
    cmos_set(0x0b, 0x02);
    /* SET clears UIE. */
    cmos_set(0x0b, 0x92);
    CHECK_EQ(cmos(0x0b), 0x82);
    cmos_set(0x0b, 0x02);
    (void)r;
}

static void test_uip(void)
{
    fake_vclock = (fake_vclock / NS + 1) * NS;
    uint64_t t0 = fake_vclock;
    fresh(T_Y2K);

    run_to(t0 + NS - 244 * US - 1);
    CHECK_EQ(cmos(0x0a), 0x26);
    CHECK_EQ(cmos(0x00), 0x00);
    run_to(t0 + NS - 244 * US);
    CHECK_EQ(cmos(0x0a), 0xa6);
    CHECK_EQ(cmos(0x00), 0x00);
    run_to(t0 + NS - 1);
    CHECK_EQ(cmos(0x0a), 0xa6);
    run_to(t0 + NS);
    CHECK_EQ(cmos(0x0a), 0x26);
    CHECK_EQ(cmos(0x00), 0x01);
    /* UIP is read-only. */
    run_to(t0 + NS + 100 * MS);
    cmos_set(0x0a, 0xa6);
    CHECK_EQ(cmos(0x0a), 0x26);

    /* Divider in reset: the clock stops, no UIP; out of reset, the first update in 500 ms. */
    run_to(t0 + NS + 300 * MS);
    cmos_set(0x0a, 0x76);
    run_to(t0 + 2 * NS - 100 * US);
    CHECK_EQ(cmos(0x0a), 0x76);
    run_to(t0 + 5 * NS + 100 * MS);
    CHECK_EQ(cmos(0x00), 0x01);
    uint64_t t1 = fake_vclock;
    cmos_set(0x0a, 0x26);
    run_to(t1 + 500 * MS - 244 * US - 1);
    CHECK_EQ(cmos(0x0a), 0x26);
    CHECK_EQ(cmos(0x00), 0x01);
    run_to(t1 + 500 * MS - 244 * US);
    CHECK_EQ(cmos(0x0a), 0xa6);
    run_to(t1 + 500 * MS);
    CHECK_EQ(cmos(0x0a), 0x26);
    CHECK_EQ(cmos(0x00), 0x02);
    run_to(t1 + 1500 * MS);
    CHECK_EQ(cmos(0x00), 0x03);
}

/* The first ns at or after 32.768 kHz cycle c, computed in floating point. */
static uint64_t cycle_ns(uint64_t c)
{
    double ns = (double)c * 1e9 / 32768.0;
    uint64_t n = (uint64_t)ns;
    return (double)n < ns ? n + 1 : n;
}

static void test_periodic(void)
{
    fake_vclock = (fake_vclock / NS + 1) * NS;
    uint64_t t0 = fake_vclock;
    fresh(T_Y2K);

    /* PF without PIE: set on read of C, no IRQ, no timer. */
    cmos(0x0c);
    run_to(t0 + 10 * MS);
    CHECK(!timer_armed());
    CHECK_EQ(cmos(0x0c), 0x40);
    CHECK_EQ(cmos(0x0c), 0x00);
    CHECK_EQ(irq_level, 0);
    /* Rate 0: no periodic flag at all. */
    cmos_set(0x0a, 0x20);
    run_to(t0 + 20 * MS);
    CHECK_EQ(cmos(0x0c), 0x00);

    /* Rate 6 with PIE: an edge every 32 cycles; the IRQ stays up until C is read. */
    cmos_set(0x0a, 0x26);
    run_to(t0 + NS);
    cmos(0x0c);
    rises = 0;
    cmos_set(0x0b, 0x42);
    CHECK(timer_armed());
    while (fake_vclock < t0 + 2 * NS) {
        struct timer *n = fake_next_timer();
        if (!n)
            break;
        run_to(n->expire);
        if (irq_level) {
            CHECK_EQ(cmos(0x0c) & ~0x10, 0xc0); /* UF comes with the second boundary */
            CHECK_EQ(irq_level, 0);
        }
    }
    CHECK_EQ(rises, 1024); /* (t0+1 s, t0+2 s], the edge at t0+2 s included */
    CHECK_EQ(rise_ns[0], t0 + NS + cycle_ns(32));
    CHECK_EQ(rise_ns[1], t0 + NS + cycle_ns(64));
    CHECK_EQ(rise_ns[2] - rise_ns[1], 976563);
    CHECK_EQ(rise_ns[1023], t0 + 2 * NS);

    /* Not read: the line stays high, no timer runs meanwhile, one edge only. */
    rises = 0;
    run_to(t0 + 2 * NS + 5 * MS);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(rises, 1);
    CHECK(!timer_armed());
    CHECK_EQ(cmos(0x0c), 0xc0);
    CHECK_EQ(irq_level, 0);
    CHECK(timer_armed());
    /* PIE off: the line drops as IRQF goes away, the flag stays. */
    run_to(fake_vclock + 2 * MS);
    CHECK_EQ(irq_level, 1);
    cmos_set(0x0b, 0x02);
    CHECK_EQ(irq_level, 0);
    CHECK(!timer_armed());
    CHECK_EQ(cmos(0x0c), 0x40);
    /* Enabling PIE with PF already set raises the IRQ at once. */
    run_to(fake_vclock + 2 * MS);
    cmos_set(0x0b, 0x42);
    CHECK_EQ(irq_level, 1);
    cmos_set(0x0b, 0x02);
    cmos(0x0c);

    /* Rate 1 is 3.90625 ms, rate 2 is 7.8125 ms, rate 15 is 500 ms. */
    static const struct { uint8_t rs; uint64_t cycles; } rates[] = {
        { 1, 128 }, { 2, 256 }, { 3, 4 }, { 15, 16384 },
    };
    for (int i = 0; i < 4; i++) {
        fake_vclock = (fake_vclock / NS + 1) * NS;
        uint64_t t = fake_vclock;
        cmos_set(0x0a, (uint8_t)(0x20 | rates[i].rs));
        cmos(0x0c);
        rises = 0;
        cmos_set(0x0b, 0x42);
        run_to(fake_next_timer()->expire);
        CHECK_EQ(irq_level, 1);
        CHECK_EQ(fake_vclock - t, cycle_ns(rates[i].cycles));
        cmos(0x0c);
        run_to(fake_next_timer()->expire);
        CHECK_EQ(fake_vclock - t, cycle_ns(2 * rates[i].cycles));
        cmos_set(0x0b, 0x02);
        cmos(0x0c);
    }
    cmos_set(0x0a, 0x26);
}

static void test_update_and_alarm(void)
{
    fake_vclock = (fake_vclock / NS + 1) * NS;
    uint64_t t0 = fake_vclock;
    fresh(T_Y2K);
    cmos_set(0x0a, 0x20); /* no periodic flag in the way */

    /* Update-ended: once a second, at the boundary. */
    run_to(t0 + 300 * MS);
    cmos(0x0c);
    cmos_set(0x0b, 0x12);
    CHECK(timer_armed());
    run_to(t0 + NS - 1);
    CHECK_EQ(irq_level, 0);
    run_to(t0 + NS);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(rise_ns[0], t0 + NS);
    CHECK_EQ(cmos(0x0c), 0x90);
    CHECK_EQ(irq_level, 0);
    run_to(t0 + 3 * NS + 1);
    CHECK_EQ(rises, 2);
    CHECK_EQ(rise_ns[1], t0 + 2 * NS);
    CHECK_EQ(cmos(0x0c), 0x90);
    cmos_set(0x0b, 0x02);
    CHECK(!timer_armed());
    /* UF without UIE: a flag only. */
    run_to(t0 + 4 * NS);
    CHECK_EQ(cmos(0x0c), 0x10);

    /* Alarm at 00:00:07 BCD: AF (and UF) at exactly that second. */
    cmos(0x0c);
    rises = 0;
    cmos_set(0x01, 0x07);
    cmos_set(0x03, 0x00);
    cmos_set(0x05, 0x00);
    cmos_set(0x0b, 0x22);
    CHECK(timer_armed());
    run_to(t0 + 10 * NS);
    CHECK_EQ(rises, 1);
    CHECK_EQ(rise_ns[0], t0 + 7 * NS);
    CHECK_EQ(cmos(0x0c), 0xb0);
    /* Hours and minutes "don't care": the next one a minute later. */
    cmos_set(0x03, 0xc0);
    cmos_set(0x05, 0xff);
    run_to(t0 + 70 * NS);
    CHECK_EQ(rises, 2);
    CHECK_EQ(rise_ns[1], t0 + 67 * NS);
    CHECK_EQ(cmos(0x0c), 0xb0);
    /* All three don't care: every second. */
    cmos_set(0x01, 0xc0);
    run_to(t0 + 71 * NS);
    CHECK_EQ(rises, 3);
    CHECK_EQ(cmos(0x0c), 0xb0);
    /* An alarm that is no valid BCD never fires, and no timer waits for it. */
    cmos_set(0x01, 0x5a);
    CHECK(!timer_armed());
    run_to(t0 + 200 * NS);
    CHECK_EQ(cmos(0x0c), 0x10);
    /* A far alarm found lazily, hours ahead: 12 h mode, 2 PM = 0x82 in binary. */
    cmos_set(0x0b, 0x24 | 0x20); /* binary, 12 h, AIE */
    cmos_set(0x01, 5);
    cmos_set(0x03, 0);
    cmos_set(0x05, 0x82);
    cmos(0x0c);
    rises = 0;
    run_to(t0 + 14 * 3600 * NS + 5 * NS - 1);
    CHECK_EQ(rises, 0);
    run_to(t0 + 14 * 3600 * NS + 5 * NS);
    CHECK_EQ(rises, 1);
    CHECK_EQ(cmos(0x04), 0x82);
    CHECK_EQ(cmos(0x0c), 0xb0);
    /* With AIE off the flag is found over a long gap without any timer. */
    cmos_set(0x0b, 0x02);
    cmos_set(0x01, 0x00);
    cmos_set(0x03, 0x00);
    cmos_set(0x05, 0x03);
    CHECK(!timer_armed());
    run_to(fake_vclock + 86400 * NS);
    CHECK_EQ(cmos(0x0c), 0x30);
    run_to(fake_vclock + 3600 * NS);
    CHECK_EQ(cmos(0x0c), 0x10);
}

static void test_memory(void)
{
    struct rtc *r = fresh(T_Y2K);

    rtc_set_memory(r, 64u << 20);
    CHECK_EQ(cmos(0x15) | cmos(0x16) << 8, 640);
    CHECK_EQ(cmos(0x17) | cmos(0x18) << 8, 63 * 1024);
    CHECK_EQ(cmos(0x30) | cmos(0x31) << 8, 63 * 1024);
    CHECK_EQ(cmos(0x34) | cmos(0x35) << 8, 48 * 16);
    CHECK_EQ(cmos(0x10), 0x00);
    CHECK_EQ(cmos(0x14), 0x06);
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += cmos((uint8_t)i);
    CHECK_EQ(cmos(0x2e) << 8 | cmos(0x2f), sum & 0xffff);
    CHECK_EQ(sum, 0x06 + 0x80 + 0x02 + 0x00 + 0xfc);

    rtc_set_memory(r, 128u << 20); /* what the guest test sees */
    CHECK_EQ(cmos(0x17) | cmos(0x18) << 8, 65535);
    CHECK_EQ(cmos(0x34) | cmos(0x35) << 8, 1792);

    rtc_set_memory(r, 0xffffffffu);
    CHECK_EQ(cmos(0x15) | cmos(0x16) << 8, 640);
    CHECK_EQ(cmos(0x17) | cmos(0x18) << 8, 65535);
    CHECK_EQ(cmos(0x30) | cmos(0x31) << 8, 65535);
    CHECK_EQ(cmos(0x34) | cmos(0x35) << 8, 65279);
    sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += cmos((uint8_t)i);
    CHECK_EQ(cmos(0x2e) << 8 | cmos(0x2f), sum & 0xffff);

    rtc_set_memory(r, 16u << 20);
    CHECK_EQ(cmos(0x17) | cmos(0x18) << 8, 15 * 1024);
    CHECK_EQ(cmos(0x34) | cmos(0x35) << 8, 0);
    rtc_set_memory(r, 512u << 10);
    CHECK_EQ(cmos(0x15) | cmos(0x16) << 8, 512);
    CHECK_EQ(cmos(0x17) | cmos(0x18) << 8, 0);
}

static void test_save_load(void)
{
    fake_vclock = (fake_vclock / NS + 1) * NS;
    uint64_t t0 = fake_vclock;
    struct rtc *r = fresh(T_Y2K);

    set_time_bcd(0x19, 0x98, 0x07, 0x04, 0x12, 0x34, 0x56);
    cmos_set(0x01, 0x11);
    cmos_set(0x03, 0x22);
    cmos_set(0x05, 0x13);
    cmos_set(0x41, 0x99);
    cmos_set(0x0a, 0x2a);
    run_to(t0 + 100 * MS);
    cmos_set(0x0b, 0x42); /* PIE: the IRQ goes up at the first edge */
    run_to(t0 + 200 * MS);
    CHECK_EQ(irq_level, 1);
    out8(0x70, 0x85);
    FILE *f = tmpfile();
    CHECK_EQ(rtc_save(r, f), 0);

    /* Disturb everything, then load. */
    cmos(0x0c);
    rtc_reset(r);
    set_time_bcd(0x20, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11);
    cmos_set(0x41, 0x00);
    cmos_set(0x01, 0x00);
    CHECK_EQ(irq_level, 0);
    rewind(f);
    CHECK_EQ(rtc_load(r, f), 0);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(in8(0x71), 0x13); /* the index came back: 0x05 */
    CHECK_EQ(cmos(0x0a), 0x2a);
    CHECK_EQ(cmos(0x0b), 0x42);
    CHECK_EQ(cmos(0x01), 0x11);
    CHECK_EQ(cmos(0x03), 0x22);
    CHECK_EQ(cmos(0x41), 0x99);
    CHECK_TIME(0x19, 0x98, 0x07, 0x04, 7, 0x12, 0x34, 0x56); /* 1998-07-04, a Saturday */
    CHECK_EQ(cmos(0x0c), 0xc0);
    run_to(t0 + NS);
    CHECK_EQ(cmos(0x00), 0x57);

    /* A frozen clock (SET) comes back frozen with its bytes. */
    cmos_set(0x0b, 0x82);
    cmos_set(0x00, 0x30);
    rewind(f);
    CHECK_EQ(rtc_save(r, f), 0);
    cmos_set(0x0b, 0x02);
    run_to(t0 + 3 * NS);
    rewind(f);
    CHECK_EQ(rtc_load(r, f), 0);
    CHECK_EQ(cmos(0x0b), 0x82);
    CHECK_EQ(cmos(0x00), 0x30);
    cmos_set(0x0b, 0x02);
    run_to(t0 + 4 * NS);
    CHECK_EQ(cmos(0x00), 0x31);

    rewind(f);
    CHECK_EQ(fwrite("garbage!", 8, 1, f), 1);
    rewind(f);
    CHECK_EQ(rtc_load(r, f), -1);
    fclose(f);
    cmos_set(0x0b, 0x02);
}

/* Created before the machine's clock starts: virtual time then restarts from 0. */
static void test_clock_restart(void)
{
    fake_vclock = 100000 * NS;
    fresh(T_Y2K);
    fake_vclock = 0;
    cmos(0x0c);
    cmos_set(0x0b, 0x42);
    CHECK(timer_armed());
    run_to(fake_next_timer()->expire);
    CHECK_EQ(fake_vclock, cycle_ns(32));
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(cmos(0x0c), 0xc0);
    cmos_set(0x0b, 0x02);
}

int main(void)
{
    ioport_init(&io);
    fake_vclock = 5 * NS;
    test_reset_state();
    test_modes_and_rollover();
    test_set_and_leap();
    test_uip();
    test_periodic();
    test_update_and_alarm();
    test_memory();
    test_save_load();
    test_clock_restart();
    return check_done("test_rtc");
}
