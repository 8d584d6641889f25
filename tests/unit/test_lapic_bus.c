/*
 * test_lapic_bus.c - IPIs between four local APICs on one bus: the ICR's
 * delivery modes (fixed, lowest priority, NMI, INIT, Startup), physical and
 * logical (flat and cluster) destinations, the shorthands (self, all, all
 * but self), and I/O APIC messages through lapic_bus_deliver.  The
 * expected routing is the SDM's (Vol. 3, 10.6); lowest priority goes to
 * the matching APIC of lowest TPR, the first on a tie.
 */
#include "check.h"
#include "base/timer.h"
#include "hw/lapic.h"

#include <stdint.h>
#include <string.h>

#define N 4

static struct clock clock;
static struct lapic_bus bus;
static struct lapic *apic[N];
/* What each CPU's wiring saw. */
static int intr[N], nmis[N], inits[N], sipis[N], sipi_vec[N];

static uint64_t fake_now(void *opaque)
{
    (void)opaque;
    return 0;
}

static int cpu_of(void *opaque)
{
    return (int)(intptr_t)opaque;
}

static void fake_intr(void *opaque, int level)
{
    intr[cpu_of(opaque)] = level;
}

static void fake_nmi(void *opaque)
{
    nmis[cpu_of(opaque)]++;
}

static int fake_extint_ack(void *opaque)
{
    (void)opaque;
    return 0x08;
}

static void fake_eoi(void *opaque, int vector)
{
    (void)opaque;
    (void)vector;
}

static void fake_init(void *opaque)
{
    inits[cpu_of(opaque)]++;
}

static void fake_sipi(void *opaque, int vector)
{
    sipis[cpu_of(opaque)]++;
    sipi_vec[cpu_of(opaque)] = vector;
}

static uint32_t rd(int cpu, uint32_t off)
{
    return lapic_read(apic[cpu], off, 4);
}

static void wr(int cpu, uint32_t off, uint32_t v)
{
    lapic_write(apic[cpu], off, v, 4);
}

static void send(int from, uint8_t dest, uint32_t lo)
{
    wr(from, 0x310, (uint32_t)dest << 24);
    wr(from, 0x300, lo);
}

static int irr(int cpu, int v)
{
    return (rd(cpu, 0x200 + (v >> 5) * 0x10) >> (v & 31)) & 1;
}

/* Every APIC software-enabled, nothing pending, the wiring's counts zero. */
static void reset_all(void)
{
    for (int i = 0; i < N; i++) {
        lapic_reset(apic[i]);
        wr(i, 0xf0, 0x1ff);
    }
    memset(nmis, 0, sizeof(nmis));
    memset(inits, 0, sizeof(inits));
    memset(sipis, 0, sizeof(sipis));
}

/* Which APICs have vector v pending, as a bit mask by CPU; takes it. */
static unsigned pending(int v)
{
    unsigned mask = 0;
    for (int i = 0; i < N; i++)
        if (irr(i, v)) {
            mask |= 1u << i;
            CHECK_EQ(lapic_ack(apic[i]), v);
            wr(i, 0xb0, 0);
        }
    return mask;
}

static void test_physical(void)
{
    reset_all();
    send(0, 2, 0x4041); /* fixed, physical, APIC 2 */
    CHECK_EQ(pending(0x41), 1u << 2);
    CHECK(!intr[2]);
    send(3, 0, 0x4042); /* to the BSP from an AP */
    CHECK_EQ(pending(0x42), 1u << 0);
    send(1, 7, 0x4043); /* no APIC 7: nobody */
    CHECK_EQ(pending(0x43), 0u);
    send(1, 0xff, 0x4044); /* physical broadcast */
    CHECK_EQ(pending(0x44), 0xfu);
    /* The ID register is what matches: software may renumber. */
    wr(3, 0x20, 5u << 24);
    send(0, 5, 0x4045);
    CHECK_EQ(pending(0x45), 1u << 3);
    send(0, 3, 0x4046);
    CHECK_EQ(pending(0x46), 0u);
}

static void test_logical(void)
{
    reset_all();
    /* Flat model (DFR all ones): one LDR bit per CPU. */
    for (int i = 0; i < N; i++)
        wr(i, 0xd0, 1u << (24 + i));
    send(0, 0x0a, 0x4850); /* logical, APICs 1 and 3 */
    CHECK_EQ(pending(0x50), 0xau);
    send(0, 0xff, 0x4851); /* every bit: all */
    CHECK_EQ(pending(0x51), 0xfu);
    send(0, 0x30, 0x4852); /* bits with no APIC */
    CHECK_EQ(pending(0x52), 0u);
    /* Cluster model: cluster in the high nibble, members in the low. */
    for (int i = 0; i < N; i++) {
        wr(i, 0xe0, 0x0fffffffu);
        wr(i, 0xd0, ((uint32_t)(i / 2) << 28 | 1u << (24 + i % 2)));
    }
    send(0, 0x12, 0x4853); /* cluster 1, member bit 1: APIC 3 */
    CHECK_EQ(pending(0x53), 1u << 3);
    send(0, 0x01, 0x4854); /* cluster 0, member bit 0: APIC 0 */
    CHECK_EQ(pending(0x54), 1u << 0);
    send(0, 0xf1, 0x4855); /* every cluster, member bit 0: APICs 0 and 2 */
    CHECK_EQ(pending(0x55), 0x5u);
}

static void test_shorthands(void)
{
    reset_all();
    send(1, 3, 0x44060); /* self: the destination field is ignored */
    CHECK_EQ(pending(0x60), 1u << 1);
    send(1, 0, 0x84061); /* all including self */
    CHECK_EQ(pending(0x61), 0xfu);
    send(1, 0, 0xc4062); /* all excluding self */
    CHECK_EQ(pending(0x62), 0xdu);
}

static void test_lowest_priority(void)
{
    reset_all();
    for (int i = 0; i < N; i++)
        wr(i, 0xd0, 1u << (24 + i));
    send(0, 0x0e, 0x4970); /* lowest priority among 1, 2, 3: all TPR 0, so APIC 1 */
    CHECK_EQ(pending(0x70), 1u << 1);
    wr(1, 0x80, 0x20);
    wr(3, 0x80, 0x10);
    wr(2, 0x80, 0x30);
    send(0, 0x0e, 0x4971); /* APIC 3 has the lowest TPR */
    CHECK_EQ(pending(0x71), 1u << 3);
    /* An I/O APIC message, lowest priority, logical: the same arbitration. */
    CHECK_EQ(lapic_bus_deliver(&bus, 0x06, 1, LAPIC_DM_LOWEST, 0x72, 0), 1);
    CHECK_EQ(pending(0x72), 1u << 1);
    /* Fixed from the I/O APIC goes to every match. */
    CHECK_EQ(lapic_bus_deliver(&bus, 0x0f, 1, LAPIC_DM_FIXED, 0x73, 0), 4);
    CHECK_EQ(pending(0x73), 0xfu);
    CHECK_EQ(lapic_bus_deliver(&bus, 2, 0, LAPIC_DM_FIXED, 0x74, 1), 1);
    CHECK_EQ((rd(2, 0x180 + (0x74 >> 5) * 0x10) >> (0x74 & 31)) & 1, 1); /* TMR: level */
    CHECK_EQ(pending(0x74), 1u << 2);
}

static void test_nmi_init_sipi(void)
{
    reset_all();
    send(0, 2, 0x4400); /* NMI to APIC 2 */
    CHECK_EQ(nmis[2], 1);
    CHECK_EQ(nmis[0] + nmis[1] + nmis[3], 0);

    /* INIT to all but self resets each AP's APIC (not its ID) and tells its CPU. */
    wr(2, 0x80, 0x40);
    wr(2, 0x20, 6u << 24);
    send(0, 0, 0xc4500);
    CHECK_EQ(inits[1] + inits[2] + inits[3], 3);
    CHECK_EQ(inits[0], 0);
    CHECK_EQ(rd(2, 0x80), 0);           /* TPR reset */
    CHECK_EQ(rd(2, 0x20), 6u << 24);    /* ID kept */
    CHECK_EQ(rd(2, 0xf0), 0xff);        /* software-disabled again */
    wr(2, 0x20, 2u << 24);
    /* The level de-assert INIT is no INIT. */
    send(0, 0, 0xc8500);
    CHECK_EQ(inits[1] + inits[2] + inits[3], 3);
    /* INIT to the BSP is not modelled: nothing reaches its CPU. */
    send(1, 0, 0x4500);
    CHECK_EQ(inits[0], 0);
    /* Startup, physical, to APIC 3, then to all but self. */
    send(0, 3, 0x4608);
    CHECK_EQ(sipis[3], 1);
    CHECK_EQ(sipi_vec[3], 0x08);
    send(0, 0, 0xc469a);
    CHECK_EQ(sipis[1], 1);
    CHECK_EQ(sipis[2], 1);
    CHECK_EQ(sipis[3], 2);
    CHECK_EQ(sipis[0], 0);
    CHECK_EQ(sipi_vec[1], 0x9a);
    /* An APIC turned off through IA32_APIC_BASE hears nothing. */
    lapic_set_base(apic[3], lapic_get_base(apic[3]) & ~LAPIC_BASE_EN);
    send(0, 3, 0x4608);
    send(0, 3, 0x4400);
    CHECK_EQ(sipis[3], 2);
    CHECK_EQ(nmis[3], 0);
}

int main(void)
{
    clock_init(&clock, fake_now, NULL, NULL);
    for (int i = 0; i < N; i++) {
        struct lapic_wiring w = { &clock, fake_intr, fake_nmi, fake_extint_ack, fake_eoi,
                                  (void *)(intptr_t)i, fake_init, fake_sipi };
        apic[i] = lapic_create(&w, (uint8_t)i);
        if (!apic[i])
            return 1;
        lapic_bus_attach(&bus, apic[i]);
    }
    CHECK_EQ(bus.n, N);
    CHECK(lapic_get_base(apic[0]) & LAPIC_BASE_BSP);
    CHECK(!(lapic_get_base(apic[1]) & LAPIC_BASE_BSP));
    test_physical();
    test_logical();
    test_shorthands();
    test_lowest_priority();
    test_nmi_init_sipi();
    return check_done("test_lapic_bus");
}
