/*
 * test_pit.c - the 8254 and port 0x61 in virtual time.  The clock is a fake
 * machine in -icount mode (virtual ns = cpu.icount), moved forward by the
 * test, with due timers run at their deadlines as machine_poll would.
 * Exits 0 when every check passes.
 */
#include "machine/machine.h"
#include "base/timer.h"
#include "hw/pit8254.h"
#include "hw/port61.h"
#include "softmmu/ioport.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static struct ioports io; /* the devices' port space */

static struct machine fake;
static struct clock clock;

#define MAX_EDGES 4096
static uint64_t rise_ns[MAX_EDGES], fall_ns[MAX_EDGES];
static int rises, falls, irq0;

static uint64_t fake_now(void *opaque)
{
    (void)opaque;
    return fake.cpu.icount;
}

static void fake_irq0(void *opaque, int level)
{
    if (level && !irq0 && rises < MAX_EDGES)
        rise_ns[rises++] = clock_now(&clock);
    if (!level && irq0 && falls < MAX_EDGES)
        fall_ns[falls++] = clock_now(&clock);
    irq0 = level;
}

static void reset_edges(void)
{
    rises = falls = 0;
}

static uint64_t now(void)
{
    return fake.cpu.icount;
}

/* Move virtual time to t, running each timer at its own deadline. */
static void run_to(uint64_t t)
{
    uint64_t next;
    while ((next = timers_next_deadline(&clock)) <= t) {
        if (next > fake.cpu.icount)
            fake.cpu.icount = next;
        timers_run(&clock, fake.cpu.icount);
    }
    fake.cpu.icount = t;
    timers_run(&clock, t);
}

/* The 8254 clock, computed independently: tick k starts at ceil(k * 1e9 / F) ns. */
static int64_t tick(uint64_t ns)
{
    return (int64_t)((unsigned __int128)ns * 1193182 / 1000000000);
}

static uint64_t tick_ns(int64_t k)
{
    return (uint64_t)(((unsigned __int128)k * 1000000000 + 1193181) / 1193182);
}

static uint8_t in8(uint16_t port)
{
    return (uint8_t)ioport_read(&io, port, 1);
}

static void out8(uint16_t port, uint8_t v)
{
    ioport_write(&io, port, v, 1);
}

static uint16_t read_latched(int ch)
{
    out8(0x43, (uint8_t)(ch << 6));
    uint8_t lo = in8((uint16_t)(0x40 + ch));
    return (uint16_t)(lo | in8((uint16_t)(0x40 + ch)) << 8);
}

/* Program ch as lsb/msb in mode; returns the tick at which the count is loaded. */
static int64_t program(int ch, int mode, uint16_t count)
{
    out8(0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
    out8((uint16_t)(0x40 + ch), count & 0xff);
    out8((uint16_t)(0x40 + ch), count >> 8);
    return tick(now()) + 1;
}

static void test_reset_state(struct pit *pit)
{
    /* Channel 0 after reset: mode 3, 65536, 18.2 Hz; channel 2 gated off. */
    out8(0x43, 0xe2); /* read-back status of channel 0 */
    CHECK_EQ(in8(0x40) & 0x3f, 0x36);
    out8(0x43, 0xe8);
    CHECK_EQ(in8(0x42) & 0x3f, 0x36);
    out8(0x43, 0xe4);
    CHECK_EQ(in8(0x41) & 0x3f, 0x14);
    CHECK_EQ(irq0, 1);
    CHECK_EQ(pit_get_gate(pit, 2), 0);
    CHECK_EQ(in8(0x61) & 0x21, 0x20); /* gate off, OUT2 high */
    reset_edges();
    uint64_t t0 = now();
    run_to(t0 + 1000000000ull);
    CHECK(rises == 18 || rises == 19);
}

static void test_mode2(void)
{
    const uint16_t n = 1193; /* Linux's LATCH for HZ=1000 */
    run_to(now() + 12345);
    reset_edges();
    int64_t load = program(0, 2, n);
    CHECK_EQ(irq0, 1);
    uint64_t t0 = now(), end = t0 + 1000000000ull;
    run_to(end);
    int64_t want = (tick(end) - load) / n;
    CHECK_EQ(rises, want);
    CHECK_EQ(falls, want);
    CHECK_EQ(rise_ns[0], tick_ns(load + n));
    CHECK_EQ(fall_ns[0], tick_ns(load + n - 1));
    CHECK_EQ(rise_ns[500], tick_ns(load + 501 * (int64_t)n));
    CHECK_EQ(fall_ns[500], tick_ns(load + 501 * (int64_t)n - 1));

    /* The count: n at each reload, down to 1. */
    int64_t k = load + 1100 * (int64_t)n;
    run_to(tick_ns(k));
    CHECK_EQ(read_latched(0), n);
    run_to(tick_ns(k + 5));
    CHECK_EQ(read_latched(0), n - 5);
    run_to(tick_ns(k + n - 1));
    CHECK_EQ(read_latched(0), 1);
    CHECK_EQ(irq0, 0);

    /* A new count takes over at the next reload, not before. */
    run_to(tick_ns(k + n + 10));
    out8(0x40, 100);
    out8(0x40, 0);
    CHECK_EQ(read_latched(0), n - 10);
    reset_edges();
    run_to(tick_ns(k + 2 * n + 250));
    CHECK_EQ(rises, 3);
    CHECK_EQ(rise_ns[0], tick_ns(k + 2 * n));
    CHECK_EQ(rise_ns[1], tick_ns(k + 2 * n + 100));
    CHECK_EQ(rise_ns[2], tick_ns(k + 2 * n + 200));
}

static void test_mode3(void)
{
    /* Even count: half high, half low. */
    const uint16_t n = 1000;
    reset_edges();
    int64_t load = program(0, 3, n);
    uint64_t end = now() + 100000000ull;
    run_to(end);
    CHECK_EQ(rises, (tick(end) - load) / n);
    CHECK_EQ(rise_ns[0], tick_ns(load + n));
    CHECK_EQ(fall_ns[0], tick_ns(load + n / 2));
    CHECK_EQ(rise_ns[40], tick_ns(load + 41 * n));
    CHECK_EQ(fall_ns[40], tick_ns(load + 40 * n + n / 2));
    int64_t k = load + 200 * n;
    run_to(tick_ns(k + 3));
    CHECK_EQ(read_latched(0), n - 6);
    CHECK_EQ(irq0, 1);
    run_to(tick_ns(k + n / 2 + 3));
    CHECK_EQ(read_latched(0), n - 6);
    CHECK_EQ(irq0, 0);

    /* Odd count: high for (n+1)/2, low for (n-1)/2, counting from n-1 by 2. */
    const uint16_t m = 1001;
    run_to(now() + 777);
    load = program(0, 3, m);
    reset_edges(); /* the control word raised OUT0 */
    run_to(tick_ns(load + 3 * m + 1));
    CHECK_EQ(rises, 3);
    CHECK_EQ(fall_ns[0], tick_ns(load + 501));
    CHECK_EQ(rise_ns[0], tick_ns(load + m));
    CHECK_EQ(fall_ns[2], tick_ns(load + 2 * m + 501));
    run_to(tick_ns(load + 3 * m + 2));
    CHECK_EQ(read_latched(0), m - 1 - 4);
    run_to(tick_ns(load + 3 * m + 500));
    CHECK_EQ(read_latched(0), 0);
    CHECK_EQ(irq0, 1);
    run_to(tick_ns(load + 3 * m + 501));
    CHECK_EQ(read_latched(0), m - 1);
    CHECK_EQ(irq0, 0);

    /* A late host: every edge is still delivered in order. */
    load = program(0, 2, 50);
    reset_edges();
    fake.cpu.icount = tick_ns(load + 50 * 5 + 1); /* no timers run meanwhile */
    timers_run(&clock, now());
    CHECK_EQ(rises, 5);
    CHECK_EQ(falls, 5);
    CHECK_EQ(irq0, 1);
    /* A very late host (one second): the last periods only, and on time afterwards. */
    reset_edges();
    fake.cpu.icount += 1000000000ull;
    timers_run(&clock, now());
    CHECK(rises >= 2 && rises <= 16);
    CHECK_EQ(irq0, 1);
    int64_t base = tick(now()) - (tick(now()) - load) % 50;
    reset_edges();
    run_to(tick_ns(base + 50));
    CHECK_EQ(rises, 1);
    CHECK_EQ(rise_ns[0], tick_ns(base + 50));

    /* Mode 3: a count written in the high half takes over at its end, low half first. */
    load = program(0, 3, 1000);
    run_to(tick_ns(load + 100));
    out8(0x40, 400 & 0xff);
    out8(0x40, 400 >> 8);
    reset_edges();
    run_to(tick_ns(load + 1150));
    CHECK_EQ(falls, 2);
    CHECK_EQ(rises, 2);
    CHECK_EQ(fall_ns[0], tick_ns(load + 500));
    CHECK_EQ(rise_ns[0], tick_ns(load + 700));
    CHECK_EQ(fall_ns[1], tick_ns(load + 900));
    CHECK_EQ(rise_ns[1], tick_ns(load + 1100));
}

static void test_mode0_and_latch(void)
{
    reset_edges();
    out8(0x43, 0x30);
    CHECK_EQ(irq0, 0); /* mode 0: OUT low on the control word */
    out8(0x40, 100);
    out8(0x40, 0);
    int64_t load = tick(now()) + 1;
    /* Read-back: status then count; NULL COUNT until the count is loaded. */
    out8(0x43, 0xc2);
    CHECK_EQ(in8(0x40), 0x70);
    CHECK_EQ(in8(0x40), 100);
    CHECK_EQ(in8(0x40), 0);
    run_to(tick_ns(load + 30));
    out8(0x43, 0xe2);
    CHECK_EQ(in8(0x40), 0x30);
    /* The latch holds while time goes on; a second latch is ignored until read. */
    out8(0x43, 0x00);
    run_to(tick_ns(load + 40));
    out8(0x43, 0x00);
    CHECK_EQ(in8(0x40), 70);
    CHECK_EQ(in8(0x40), 0);
    /* Live reads alternate lsb and msb. */
    CHECK_EQ(in8(0x40), 60);
    CHECK_EQ(in8(0x40), 0);
    /* OUT rises once, at the terminal count, N+1 CLKs after the write. */
    run_to(tick_ns(load + 200));
    CHECK_EQ(rises, 1);
    CHECK_EQ(rise_ns[0], tick_ns(load + 100));
    CHECK_EQ(irq0, 1);
    CHECK_EQ(read_latched(0), 0x10000 - 100);
    out8(0x43, 0xe2);
    CHECK_EQ(in8(0x40), 0xb0);
    /* Rewriting the count drops OUT at the first byte. */
    out8(0x40, 10);
    CHECK_EQ(irq0, 0);
    out8(0x40, 0);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 20));
    CHECK_EQ(rises, 2);
    CHECK_EQ(rise_ns[1], tick_ns(load + 10));

    /* lsb-only and msb-only access. */
    out8(0x43, 0x10);
    out8(0x40, 0x80);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 3));
    CHECK_EQ(in8(0x40), 0x7d);
    CHECK_EQ(in8(0x40), 0x7d);
    out8(0x43, 0x20);
    out8(0x40, 0x02);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 0x100));
    CHECK_EQ(in8(0x40), 0x01);
    CHECK_EQ(irq0, 0);
}

static void test_bcd_and_mode4(void)
{
    /* Channel 1 in BCD, mode 2, count 1000 (0x1000). */
    out8(0x43, 0x75);
    out8(0x41, 0x00);
    out8(0x41, 0x10);
    int64_t load = tick(now()) + 1;
    run_to(tick_ns(load + 1234));
    CHECK_EQ(read_latched(1), 0x0766); /* 1000 - 234 */

    /* Mode 4: one CLK low at the terminal count, once. */
    reset_edges();
    out8(0x43, 0x38);
    CHECK_EQ(irq0, 1);
    out8(0x40, 50);
    out8(0x40, 0);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 70000));
    CHECK_EQ(falls, 1);
    CHECK_EQ(rises, 1);
    CHECK_EQ(fall_ns[0], tick_ns(load + 50));
    CHECK_EQ(rise_ns[0], tick_ns(load + 51));
}

static void test_channel2_port61(struct pit *pit)
{
    /* Linux's PIT TSC calibration: gate on, speaker off, mode 0, poll OUT2. */
    out8(0x61, (in8(0x61) & ~0x02) | 0x01);
    CHECK_EQ(pit_get_gate(pit, 2), 1);
    out8(0x43, 0xb0);
    out8(0x42, 0x00);
    out8(0x42, 0x10); /* 4096 */
    int64_t load = tick(now()) + 1;
    CHECK_EQ(in8(0x61) & 0x21, 0x01);
    run_to(tick_ns(load + 4095));
    CHECK_EQ(in8(0x61) & 0x20, 0x00);
    run_to(tick_ns(load + 4096));
    CHECK_EQ(in8(0x61) & 0x20, 0x20);
    CHECK_EQ(pit_get_out(pit, 2), 1);

    /* Mode 0 with the gate low does not count. */
    out8(0x61, 0x00);
    out8(0x43, 0xb0);
    out8(0x42, 10);
    out8(0x42, 0);
    run_to(now() + 100000);
    CHECK_EQ(in8(0x61) & 0x20, 0x00);
    CHECK_EQ(read_latched(2), 10);
    out8(0x61, 0x01);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 9));
    CHECK_EQ(pit_get_out(pit, 2), 0);
    run_to(tick_ns(load + 10));
    CHECK_EQ(pit_get_out(pit, 2), 1);

    /* Mode 3 (the speaker tone): the gate low forces OUT high, a rising gate reloads. */
    out8(0x43, 0xb6);
    out8(0x42, 100);
    out8(0x42, 0);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 60));
    CHECK_EQ(pit_get_out(pit, 2), 0);
    out8(0x61, 0x00);
    CHECK_EQ(pit_get_out(pit, 2), 1);
    run_to(now() + 5000);
    out8(0x61, 0x03);
    CHECK_EQ(in8(0x61) & 0x03, 0x03);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 49));
    CHECK_EQ(pit_get_out(pit, 2), 1);
    CHECK_EQ(read_latched(2), 100 - 2 * 49);
    run_to(tick_ns(load + 50));
    CHECK_EQ(pit_get_out(pit, 2), 0);

    /* Mode 1: a gate rising edge starts an N-CLK low pulse; retriggering extends it. */
    out8(0x61, 0x00);
    out8(0x43, 0xb2);
    out8(0x42, 20);
    out8(0x42, 0);
    run_to(now() + 100000);
    CHECK_EQ(pit_get_out(pit, 2), 1);
    out8(0x61, 0x01);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 10));
    CHECK_EQ(pit_get_out(pit, 2), 0);
    out8(0x61, 0x00);
    out8(0x61, 0x01);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 19));
    CHECK_EQ(pit_get_out(pit, 2), 0);
    run_to(tick_ns(load + 20));
    CHECK_EQ(pit_get_out(pit, 2), 1);

    /* Mode 5: the strobe comes N CLKs after the trigger. */
    out8(0x61, 0x00);
    out8(0x43, 0xba);
    out8(0x42, 30);
    out8(0x42, 0);
    out8(0x61, 0x01);
    load = tick(now()) + 1;
    run_to(tick_ns(load + 29));
    CHECK_EQ(pit_get_out(pit, 2), 1);
    run_to(tick_ns(load + 30));
    CHECK_EQ(pit_get_out(pit, 2), 0);
    run_to(tick_ns(load + 31));
    CHECK_EQ(pit_get_out(pit, 2), 1);
    out8(0x61, 0x00);

    /* The refresh bit toggles every 15.085 us. */
    uint64_t t = (now() / 30170 + 1) * 30170;
    run_to(t);
    CHECK_EQ(in8(0x61) & 0x10, 0x00);
    run_to(t + 15084);
    CHECK_EQ(in8(0x61) & 0x10, 0x00);
    run_to(t + 15085);
    CHECK_EQ(in8(0x61) & 0x10, 0x10);
    run_to(t + 30170);
    CHECK_EQ(in8(0x61) & 0x10, 0x00);
}

static void test_save_load(struct pit *pit)
{
    int64_t load = program(0, 2, 300);
    run_to(tick_ns(load + 1000));
    FILE *f = tmpfile();
    CHECK_EQ(pit_save(pit, f), 0);
    program(0, 0, 5000);
    CHECK_EQ(irq0, 0);
    rewind(f);
    CHECK_EQ(pit_load(pit, f), 0);
    CHECK_EQ(irq0, 1);
    CHECK_EQ(read_latched(0), 300 - 100);
    reset_edges();
    run_to(tick_ns(load + 1500));
    CHECK_EQ(rises, 2);
    CHECK_EQ(rise_ns[0], tick_ns(load + 1200));
    rewind(f);
    CHECK_EQ(fwrite("garbage!", 8, 1, f), 1);
    rewind(f);
    CHECK_EQ(pit_load(pit, f), -1);
    fclose(f);
}

int main(void)
{
    fake.opt.icount = 1;
    fake.cpu.icount = 5000;
    clock_init(&clock, fake_now, NULL, NULL);
    ioport_init(&io);
    struct pit *pit = pit_create(&io, &clock, fake_irq0, NULL);
    port61_create(&io, &clock, pit);

    test_reset_state(pit);
    test_mode2();
    test_mode3();
    test_mode0_and_latch();
    test_bcd_and_mode4();
    test_channel2_port61(pit);
    test_save_load(pit);

    /* Far in virtual time the tick arithmetic stays exact. */
    fake.cpu.icount = 1000000000ull * 3600 * 24 * 30 + 17;
    timers_run(&clock, now());
    reset_edges();
    int64_t load = program(0, 2, 1193);
    run_to(now() + 10000000);
    CHECK_EQ(rises, (tick(now()) - load) / 1193);
    CHECK_EQ(rise_ns[3], tick_ns(load + 4 * 1193));

    return check_done("test_pit");
}
