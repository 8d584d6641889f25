/*
 * test_acpi_pm.c - the ACPI PM block through its ports (0x600 PM1 event,
 * 0x604 PM1 control, 0x608 PM timer, 0xafe0 GPE0, 0xb2 SMI_CMD) on a
 * virtual clock the test moves itself.  The PM timer's instants are
 * computed here from 3579545 Hz with Python's exact integers
 * (ceil(n * 10^9 / 3579545)), not by the code under test:
 *   tick 1 at 280 ns, bit 23's carry at 2343484438 ns, the 24-bit wrap at
 *   4686968875 ns, one second = 3579545 ticks.
 * Exits 0 when every check passes.
 */
#include "base/timer.h"
#include "hw/acpi_pm.h"
#include "softmmu/ioport.h"
#include "tests/unit/check.h"
#include "tests/unit/fake_clock.h"

#include <stdint.h>
#include <stdio.h>

static struct ioports io;

static int sci, sci_rises, powered_off;
static uint64_t sci_rise_ns;

static void fake_sci(void *opaque, int level)
{
    (void)opaque;
    if (level && !sci) {
        sci_rises++;
        sci_rise_ns = fake_vclock;
    }
    sci = level;
}

static void fake_power_off(void *opaque)
{
    (void)opaque;
    powered_off++;
}

#define CARRY_NS 2343484438ull
#define WRAP_NS 4686968875ull

static void test_timer(struct acpi_pm *pm)
{
    fake_vclock = 0;
    CHECK_EQ(ioport_read(&io, 0x608, 4), 0u);
    fake_vclock = 279;
    CHECK_EQ(ioport_read(&io, 0x608, 4), 0u);
    fake_vclock = 280;
    CHECK_EQ(ioport_read(&io, 0x608, 4), 1u);
    fake_vclock = 1000000000;
    CHECK_EQ(ioport_read(&io, 0x608, 4), 3579545u);
    CHECK_EQ(ioport_read(&io, 0x608, 2), 3579545u & 0xffff);
    CHECK_EQ(ioport_read(&io, 0x60a, 2), 3579545u >> 16);
    CHECK_EQ(ioport_read(&io, 0x60b, 1), 0u); /* 24 bits */
    fake_vclock = WRAP_NS - 1;
    CHECK_EQ(ioport_read(&io, 0x608, 4), 0xffffffu);
    fake_vclock = WRAP_NS;
    CHECK_EQ(ioport_read(&io, 0x608, 4), 0u);
    CHECK_EQ(acpi_pm_timer(pm), 0u);
}

static void test_carry(struct acpi_pm *pm)
{
    fake_vclock = 0;
    acpi_pm_reset(pm);
    fake_vclock = CARRY_NS - 1;
    CHECK_EQ(ioport_read(&io, 0x600, 2) & 1, 0u);
    fake_vclock = CARRY_NS;
    CHECK_EQ(ioport_read(&io, 0x600, 2) & 1, 1u); /* TMR_STS: bit 23 flipped */
    ioport_write(&io, 0x600, 1, 2);               /* write 1 to clear */
    CHECK_EQ(ioport_read(&io, 0x600, 2) & 1, 0u);
    CHECK_EQ(sci, 0); /* not enabled: no SCI */

    /* TMR_EN: the next carry (the wrap) raises the SCI at its instant. */
    ioport_write(&io, 0x602, 1, 2);
    CHECK_EQ(ioport_read(&io, 0x602, 2), 1u);
    sci_rises = 0;
    run_to(WRAP_NS + 1000);
    CHECK_EQ(sci_rises, 1);
    CHECK_EQ(sci_rise_ns, WRAP_NS);
    CHECK_EQ(sci, 1);
    ioport_write(&io, 0x600, 1, 2);
    CHECK_EQ(sci, 0);
    /* A dword at 0x600 clears status (low word) and sets enable (high word). */
    ioport_write(&io, 0x600, 0x0100ffffu, 4);
    CHECK_EQ(ioport_read(&io, 0x602, 2), 0x100u); /* PWRBTN_EN; TMR_EN now off */
    CHECK_EQ(ioport_read(&io, 0x600, 4), 0x01000000u);
    acpi_pm_power_button(pm);
    CHECK_EQ(ioport_read(&io, 0x600, 2), 0x100u);
    CHECK_EQ(sci, 1);
    ioport_write(&io, 0x601, 0x01, 1); /* a byte write clears PWRBTN_STS */
    CHECK_EQ(sci, 0);
}

static void test_control(struct acpi_pm *pm)
{
    acpi_pm_reset(pm);
    CHECK_EQ(ioport_read(&io, 0x604, 2), 0u);
    ioport_write(&io, 0xb2, 0xf1, 1); /* ACPI_ENABLE */
    CHECK_EQ(ioport_read(&io, 0x604, 2), 1u);
    CHECK_EQ(ioport_read(&io, 0xb2, 1), 0xf1u);
    ioport_write(&io, 0xb2, 0xf0, 1); /* ACPI_DISABLE */
    CHECK_EQ(ioport_read(&io, 0x604, 2), 0u);
    ioport_write(&io, 0xb3, 0x5a, 1);
    CHECK_EQ(ioport_read(&io, 0xb3, 1), 0x5au);

    powered_off = 0;
    ioport_write(&io, 0x604, 1u << 10 | 1, 2); /* SLP_TYP 1 without SLP_EN */
    CHECK_EQ(powered_off, 0);
    ioport_write(&io, 0x604, 1u << 10 | 1u << 13 | 1, 2); /* S3: not offered, ignored */
    CHECK_EQ(powered_off, 0);
    CHECK_EQ(ioport_read(&io, 0x604, 2), 1u << 10 | 1); /* SLP_EN reads 0 */
    ioport_write(&io, 0x605, 0x20, 1); /* SLP_EN by a byte write, SLP_TYP 0: S5 */
    CHECK_EQ(powered_off, 1);
    ioport_write(&io, 0x604, 2u << 10 | 1u << 13, 2); /* QEMU's S4 value: off too */
    CHECK_EQ(powered_off, 2);

    /* GPE0: enable is read/write, status never set. */
    ioport_write(&io, 0xafe2, 0xbeef, 2);
    CHECK_EQ(ioport_read(&io, 0xafe0, 4), 0xbeef0000u);
    ioport_write(&io, 0xafe0, 0xffff, 2);
    CHECK_EQ(ioport_read(&io, 0xafe0, 2), 0u);
    acpi_pm_reset(pm);
    CHECK_EQ(ioport_read(&io, 0xafe2, 2), 0u);
}

int main(void)
{
    static struct clock clk;
    ioport_init(&io);
    struct acpi_pm *pm = acpi_pm_create(&io, &clk, fake_sci, NULL, fake_power_off, NULL);
    test_timer(pm);
    test_carry(pm);
    test_control(pm);
    return check_done("test_acpi_pm");
}
