/*
 * test_lapic.c - the local APIC's registers, priority rules, ICR, LINT
 * pins, timer and IA32_APIC_BASE, on a clock this test turns by hand.
 * The expected values are the SDM's (Vol. 3, chapter 10) and, where the
 * SDM leaves a choice, QEMU's (the version register, the reset LINT0).
 */
#include "check.h"
#include "base/timer.h"
#include "hw/lapic.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t now_ns;
static struct clock clock;
static int intr, nmis, extint_acks, eois[8], neois;

static uint64_t fake_now(void *opaque)
{
    (void)opaque;
    return now_ns;
}

static void fake_intr(void *opaque, int level)
{
    (void)opaque;
    intr = level;
}

static void fake_nmi(void *opaque)
{
    (void)opaque;
    nmis++;
}

static int fake_extint_ack(void *opaque)
{
    (void)opaque;
    extint_acks++;
    return 0x08; /* the 8259's IRQ0 vector after a BIOS */
}

static void fake_eoi(void *opaque, int vector)
{
    (void)opaque;
    if (neois < 8)
        eois[neois++] = vector;
}

static struct lapic *a;

static uint32_t rd(uint32_t off)
{
    return lapic_read(a, off, 4);
}

static void wr(uint32_t off, uint32_t v)
{
    lapic_write(a, off, v, 4);
}

static int irr_bit(int v)
{
    return (rd(0x200 + (v >> 5) * 0x10) >> (v & 31)) & 1;
}

static int isr_bit(int v)
{
    return (rd(0x100 + (v >> 5) * 0x10) >> (v & 31)) & 1;
}

static uint32_t esr(void)
{
    wr(0x280, 0);
    return rd(0x280);
}

static void advance(uint64_t ns)
{
    now_ns += ns;
    timers_run(&clock, now_ns);
}

static void fresh(void)
{
    now_ns = 0;
    lapic_reset(a);
    lapic_set_lint(a, 0, 0);
    lapic_set_lint(a, 1, 0);
    intr = nmis = extint_acks = neois = 0;
}

static void test_reset_state(void)
{
    fresh();
    CHECK_EQ(lapic_get_base(a), 0xfee00900u);
    CHECK_EQ(rd(0x20), 0);
    CHECK_EQ(rd(0x30), 0x50014); /* version 0x14, 6 LVT entries */
    CHECK_EQ(rd(0x80), 0);
    CHECK_EQ(rd(0xe0), 0xffffffffu);
    CHECK_EQ(rd(0xf0), 0xff);
    CHECK_EQ(rd(0x320), 0x10000);
    CHECK_EQ(rd(0x350), 0x700); /* LINT0: ExtINT, as firmware leaves the BSP */
    CHECK_EQ(rd(0x360), 0x10000);
    CHECK_EQ(rd(0x370), 0x10000);
    CHECK_EQ(rd(0x3e0), 0);
    CHECK_EQ(intr, 0);
    /* Narrow reads see the register's bytes; narrow writes do nothing. */
    CHECK_EQ(lapic_read(a, 0x32, 1), 0x05);
    lapic_write(a, 0x80, 0x30, 1);
    CHECK_EQ(rd(0x80), 0);
    /* The ID is writable in xAPIC mode and comes back at reset. */
    wr(0x20, 0x05000000);
    CHECK_EQ(rd(0x20), 0x05000000);
    lapic_reset(a);
    CHECK_EQ(rd(0x20), 0);
}

/* The 8259 behind LINT0: software-disabled at reset, ExtINT still passes. */
static void test_extint(void)
{
    fresh();
    lapic_set_lint(a, 0, 1);
    CHECK_EQ(intr, 1);
    CHECK_EQ(lapic_ack(a), 0x08);
    CHECK_EQ(extint_acks, 1);
    lapic_set_lint(a, 0, 0);
    CHECK_EQ(intr, 0);
    /* LINT0 masked: the 8259 is cut off. */
    wr(0xf0, 0x1ff);
    wr(0x350, 0x10700);
    lapic_set_lint(a, 0, 1);
    CHECK_EQ(intr, 0);
    CHECK_EQ(lapic_ack(a), -1);
    wr(0x350, 0x700);
    CHECK_EQ(intr, 1);
    /* Software-disabling masks every LVT: the 8259 is cut off again. */
    wr(0xf0, 0xff);
    CHECK_EQ(rd(0x350), 0x10700);
    CHECK_EQ(intr, 0);
    /* ...and writes cannot unmask while disabled. */
    wr(0x350, 0x700);
    CHECK_EQ(rd(0x350), 0x10700);
}

static void test_priority(void)
{
    fresh();
    /* Software-disabled: accepted, but not delivered. */
    lapic_accept(a, LAPIC_DM_FIXED, 0x31, 0);
    CHECK(irr_bit(0x31));
    CHECK_EQ(intr, 0);
    wr(0xf0, 0x1ff);
    CHECK_EQ(intr, 1);
    lapic_accept(a, LAPIC_DM_FIXED, 0x45, 0);
    lapic_accept(a, LAPIC_DM_FIXED, 0x41, 0);
    /* Highest first, into ISR; PPR follows the ISR's class. */
    CHECK_EQ(lapic_ack(a), 0x45);
    CHECK(isr_bit(0x45) && !irr_bit(0x45));
    CHECK_EQ(rd(0xa0), 0x40);
    /* 0x41 is in the same class as 0x45 in service: held back. */
    CHECK_EQ(intr, 0);
    CHECK_EQ(lapic_ack(a), -1);
    /* A higher class preempts. */
    lapic_accept(a, LAPIC_DM_FIXED, 0x52, 0);
    CHECK_EQ(intr, 1);
    CHECK_EQ(lapic_ack(a), 0x52);
    CHECK_EQ(rd(0xa0), 0x50);
    /* EOI retires the highest ISR bit: 0x52, then 0x45. */
    wr(0xb0, 0);
    CHECK(!isr_bit(0x52) && isr_bit(0x45));
    CHECK_EQ(intr, 0);
    wr(0xb0, 0);
    CHECK(!isr_bit(0x45));
    CHECK_EQ(intr, 1);
    CHECK_EQ(lapic_ack(a), 0x41);
    wr(0xb0, 0);
    CHECK_EQ(lapic_ack(a), 0x31);
    wr(0xb0, 0);
    CHECK_EQ(neois, 0); /* all edge: no EOI message */
    /* TPR masks by class: 0x55 waits under TPR 0x50, 0x61 does not. */
    wr(0x80, 0x50);
    CHECK_EQ(rd(0xa0), 0x50);
    lapic_accept(a, LAPIC_DM_FIXED, 0x55, 0);
    CHECK_EQ(intr, 0);
    lapic_accept(a, LAPIC_DM_FIXED, 0x61, 0);
    CHECK_EQ(intr, 1);
    CHECK_EQ(lapic_ack(a), 0x61);
    /* PPR: the ISR class when above the TPR, else the TPR itself. */
    CHECK_EQ(rd(0xa0), 0x60);
    wr(0xb0, 0);
    wr(0x80, 0x5f);
    CHECK_EQ(rd(0xa0), 0x5f);
    CHECK_EQ(intr, 0);
    wr(0x80, 0x4f);
    CHECK_EQ(intr, 1);
    CHECK_EQ(lapic_ack(a), 0x55);
    wr(0xb0, 0);
    /* A level-triggered vector: TMR set, and its EOI goes to the I/O APIC. */
    wr(0x80, 0);
    lapic_accept(a, LAPIC_DM_FIXED, 0x38, 1);
    CHECK((rd(0x180 + 0x10) >> (0x38 - 32)) & 1);
    CHECK_EQ(lapic_ack(a), 0x38);
    wr(0xb0, 0);
    CHECK_EQ(neois, 1);
    CHECK_EQ(eois[0], 0x38);
    /* APIC vectors come before the 8259's. */
    lapic_set_lint(a, 0, 1);
    lapic_accept(a, LAPIC_DM_FIXED, 0x22, 0);
    CHECK_EQ(lapic_ack(a), 0x22);
    CHECK_EQ(lapic_ack(a), 0x08);
}

static void test_errors(void)
{
    fresh();
    wr(0xf0, 0x1ff);
    CHECK_EQ(esr(), 0);
    /* A received illegal vector is not accepted. */
    lapic_accept(a, LAPIC_DM_FIXED, 0x0e, 0);
    CHECK(!irr_bit(0x0e));
    CHECK_EQ(rd(0x280), 0); /* latched only by the next write */
    CHECK_EQ(esr(), 0x40);
    CHECK_EQ(esr(), 0);
    /* A self-IPI with an illegal vector: send and receive errors. */
    wr(0x300, 0x40003);
    CHECK_EQ(esr(), 0x60);
    /* A reserved register: illegal register address, reads as 0. */
    CHECK_EQ(rd(0x40), 0);
    CHECK_EQ(esr(), 0x80);
    wr(0x3f0, 1);
    CHECK_EQ(esr(), 0x80);
    /* An LVT entry with an illegal vector: a receive error when it fires. */
    wr(0x3e0, 0xb);
    wr(0x320, 0x05);
    wr(0x380, 10);
    advance(10);
    CHECK(!irr_bit(5));
    CHECK_EQ(esr(), 0x40);
    /* The error LVT raises its vector. */
    wr(0x370, 0xe3);
    lapic_accept(a, LAPIC_DM_FIXED, 3, 0);
    CHECK(irr_bit(0xe3));
    CHECK_EQ(lapic_ack(a), 0xe3);
}

static void test_icr(void)
{
    fresh();
    wr(0xf0, 0x1ff);
    /* Self: delivered; delivery status reads idle at once. */
    wr(0x300, 0x40050);
    CHECK(irr_bit(0x50));
    CHECK_EQ(rd(0x300) & 0x1000, 0);
    CHECK_EQ(rd(0x300), 0x40050);
    CHECK_EQ(lapic_ack(a), 0x50);
    wr(0xb0, 0);
    /* Physical destination: ours (0), another (1), broadcast (0xff). */
    wr(0x310, 0x01000000);
    wr(0x300, 0x00051);
    CHECK(!irr_bit(0x51));
    wr(0x310, 0x00000000);
    wr(0x300, 0x00051);
    CHECK(irr_bit(0x51));
    wr(0x310, 0xff000000);
    wr(0x300, 0x00052);
    CHECK(irr_bit(0x52));
    /* Shorthands: all including self, all excluding self. */
    wr(0x300, 0x80053);
    CHECK(irr_bit(0x53));
    wr(0x300, 0xc0054);
    CHECK(!irr_bit(0x54));
    /* Logical, flat model: LDR bits against the destination's. */
    wr(0xd0, 0x04000000);
    wr(0x310, 0x02000000);
    wr(0x300, 0x00855);
    CHECK(!irr_bit(0x55));
    wr(0x310, 0x06000000);
    wr(0x300, 0x00855);
    CHECK(irr_bit(0x55));
    /* Cluster model: cluster 2 member 1; 0xf broadcasts to the clusters. */
    wr(0xe0, 0x0fffffff);
    CHECK_EQ(rd(0xe0), 0x0fffffffu);
    wr(0xd0, 0x21000000);
    wr(0x310, 0x31000000);
    wr(0x300, 0x00856);
    CHECK(!irr_bit(0x56));
    wr(0x310, 0xf1000000);
    wr(0x300, 0x00856);
    CHECK(irr_bit(0x56));
    CHECK(lapic_match_dest(a, 0x23, 1) && !lapic_match_dest(a, 0x22, 1));
    /* NMI to self. */
    wr(0x300, 0x40400);
    CHECK_EQ(nmis, 1);
    /* INIT and Startup to self: nothing (no application processor). */
    wr(0x300, 0x40500);
    wr(0x300, 0xc4600);
    CHECK_EQ(nmis, 1);
}

static void test_lint1_nmi(void)
{
    fresh();
    wr(0xf0, 0x1ff);
    wr(0x360, 0x400);
    lapic_set_lint(a, 1, 1);
    CHECK_EQ(nmis, 1);
    lapic_set_lint(a, 1, 1);
    CHECK_EQ(nmis, 1); /* an edge, not a level */
    lapic_set_lint(a, 1, 0);
    /* LINT1 as a level-triggered fixed interrupt. */
    wr(0x360, 0x8061);
    lapic_set_lint(a, 1, 1);
    CHECK(irr_bit(0x61));
    lapic_set_lint(a, 1, 0);
    CHECK(!irr_bit(0x61));
}

static void test_timer(void)
{
    fresh();
    wr(0xf0, 0x1ff);
    /* One-shot, divide by 1: 1000 ticks of 1 ns. */
    wr(0x3e0, 0xb);
    wr(0x320, 0x40);
    wr(0x380, 1000);
    CHECK_EQ(rd(0x380), 1000);
    advance(400);
    CHECK_EQ(rd(0x390), 600);
    CHECK(!irr_bit(0x40));
    advance(599);
    CHECK(!irr_bit(0x40));
    advance(1);
    CHECK(irr_bit(0x40));
    CHECK_EQ(rd(0x390), 0);
    CHECK_EQ(lapic_ack(a), 0x40);
    wr(0xb0, 0);
    advance(5000);
    CHECK(!irr_bit(0x40)); /* one shot only */
    /* Periodic, divide by 2: a period of 100 ticks is 200 ns. */
    now_ns = 10000;
    wr(0x3e0, 0x0);
    wr(0x320, 0x20041);
    wr(0x380, 100);
    advance(50);
    CHECK_EQ(rd(0x390), 75);
    advance(149);
    CHECK(!irr_bit(0x41));
    advance(1);
    CHECK(irr_bit(0x41));
    CHECK_EQ(rd(0x390), 100);
    CHECK_EQ(lapic_ack(a), 0x41);
    wr(0xb0, 0);
    advance(200);
    CHECK(irr_bit(0x41));
    CHECK_EQ(lapic_ack(a), 0x41);
    wr(0xb0, 0);
    /* Divide by 128 (0b1010): the count drops once per 128 ns. */
    wr(0x3e0, 0xa);
    wr(0x380, 10);
    advance(128 * 3 + 5);
    CHECK_EQ(rd(0x390), 7);
    /* Masked: it counts, but raises nothing. */
    wr(0x320, 0x30041);
    advance(100000);
    CHECK(!irr_bit(0x41));
    /* An initial count of 0 stops it. */
    wr(0x320, 0x20041);
    wr(0x380, 0);
    advance(100000);
    CHECK(!irr_bit(0x41));
    CHECK_EQ(rd(0x390), 0);
    /* The TSC-deadline mode bit is reserved without it in CPUID. */
    wr(0x320, 0x40041);
    CHECK_EQ(rd(0x320), 0x41);
}

static void test_base(void)
{
    fresh();
    /* Reserved bits: #GP. */
    CHECK_EQ(lapic_set_base(a, 0xfee00901u), -1);
    CHECK_EQ(lapic_set_base(a, 0xfee00d00u), -1);
    CHECK_EQ(lapic_set_base(a, 0x1000000000ull | 0xfee00900u), -1);
    /* Relocated; the BSP flag is read-only. */
    CHECK_EQ(lapic_set_base(a, 0xfed00800u), 0);
    CHECK_EQ(lapic_get_base(a), 0xfed00900u);
    CHECK(lapic_enabled(a));
    /* Off: interrupts gone, the 8259 reaches the CPU whatever LINT0 says. */
    wr(0xf0, 0x1ff);
    wr(0x350, 0x10700);
    lapic_accept(a, LAPIC_DM_FIXED, 0x40, 0);
    CHECK_EQ(lapic_set_base(a, 0xfee00000u), 0);
    CHECK(!lapic_enabled(a));
    CHECK_EQ(intr, 0);
    lapic_set_lint(a, 0, 1);
    CHECK_EQ(intr, 1);
    CHECK_EQ(lapic_ack(a), 0x08);
    lapic_accept(a, LAPIC_DM_FIXED, 0x41, 0);
    lapic_set_lint(a, 0, 0);
    CHECK_EQ(intr, 0);
    /* ...and LINT1 is the NMI pin. */
    lapic_set_lint(a, 1, 1);
    CHECK_EQ(nmis, 1);
    /* As on a P6, only a reset turns it on again. */
    CHECK_EQ(lapic_set_base(a, 0xfee00800u), 0);
    CHECK(!lapic_enabled(a));
    lapic_reset(a);
    CHECK(lapic_enabled(a));
    CHECK_EQ(lapic_get_base(a), 0xfee00900u);
}

/* Saved, reset, loaded: the same registers, and the timer keeps its phase. */
static void test_save_load(void)
{
    fresh();
    wr(0xf0, 0x1ff);
    wr(0x80, 0x20);
    wr(0xd0, 0x08000000);
    wr(0x3e0, 0x1); /* divide by 4 */
    wr(0x320, 0x20047);
    wr(0x380, 1000); /* a period of 4000 ns */
    lapic_accept(a, LAPIC_DM_FIXED, 0x66, 1);
    CHECK_EQ(lapic_ack(a), 0x66);
    lapic_accept(a, LAPIC_DM_FIXED, 0x33, 0);
    advance(1000);
    uint32_t regs[64];
    for (int i = 0; i < 64; i++)
        regs[i] = rd(i * 0x10);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(lapic_save(a, f), 0);
    fclose(f);
    lapic_reset(a);
    CHECK_EQ(rd(0x80), 0);
    f = fmemopen(buf, len, "rb");
    CHECK_EQ(lapic_load(a, f), 0);
    fclose(f);
    for (int i = 0; i < 64; i++)
        CHECK_EQ(rd(i * 0x10), regs[i]);
    advance(2999);
    CHECK(!irr_bit(0x47));
    advance(1);
    CHECK(irr_bit(0x47));
    /* A truncated or foreign record is refused. */
    f = fmemopen(buf, len - 1, "rb");
    CHECK_EQ(lapic_load(a, f), -1);
    fclose(f);
    buf[0] ^= 1;
    f = fmemopen(buf, len, "rb");
    CHECK_EQ(lapic_load(a, f), -1);
    fclose(f);
    free(buf);
}

int main(void)
{
    struct lapic_wiring w = { &clock, fake_intr, fake_nmi, fake_extint_ack, fake_eoi, NULL, NULL, NULL };
    clock_init(&clock, fake_now, NULL, NULL);
    a = lapic_create(&w, 0);
    if (!a)
        return 1;
    test_reset_state();
    test_extint();
    test_priority();
    test_errors();
    test_icr();
    test_lint1_nmi();
    test_timer();
    test_base();
    test_save_load();
    lapic_free(a);
    return check_done("lapic");
}
