/*
 * acpi_pm.c - PM1 event and control blocks, the PM timer and the APM
 * command port (ACPI 6.x, 4.8 "ACPI Hardware Features"; PIIX4 datasheet).
 *
 * The PM timer is virtual time in 3.579545 MHz ticks, so it is exact under
 * -icount.  Its carry out of bit 23 (TMR_STS) is computed when status is
 * read; a timer is armed at the next carry only while TMR_EN asks for an SCI.
 * The registers are 16 bits wide (the timer 32); byte and dword accesses are
 * split over them, so a dword write at 0x600 clears status and sets enable.
 */
#include "hw/acpi_pm.h"

#include "base/timer.h"
#include "softmmu/ioport.h"

#include <stdlib.h>

#define SCI_SOURCES (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_SLPBTN | PM1_RTC)
#define EN_BITS SCI_SOURCES
#define CARRY_TICKS (1ull << 23)

struct acpi_pm {
    struct clock *clock;
    void (*sci)(void *opaque, int level);
    void *sci_opaque;
    void (*power_off)(void *opaque);
    void *power_opaque;
    uint16_t sts, en, cnt;
    uint16_t gpe_en; /* the GPE0 status stays 0: nothing raises a GPE */
    uint8_t apm_cnt, apm_sts;
    uint64_t carries; /* the timer's carries out of bit 23 already in sts */
    int sci_level;
    struct timer carry;
};

static uint64_t ticks_now(struct acpi_pm *pm)
{
    return (uint64_t)((unsigned __int128)clock_now(pm->clock) * ACPI_PM_TIMER_HZ / 1000000000u);
}

uint32_t acpi_pm_timer(struct acpi_pm *pm)
{
    return (uint32_t)(ticks_now(pm) & 0xffffff);
}

static void note_carries(struct acpi_pm *pm)
{
    uint64_t c = ticks_now(pm) / CARRY_TICKS;
    if (c != pm->carries) {
        pm->carries = c;
        pm->sts |= PM1_TMR;
    }
}

static void update_sci(struct acpi_pm *pm)
{
    int level = (pm->sts & pm->en & SCI_SOURCES) != 0;
    if (level != pm->sci_level) {
        pm->sci_level = level;
        if (pm->sci)
            pm->sci(pm->sci_opaque, level);
    }
}

static void arm_carry(struct acpi_pm *pm)
{
    if (!(pm->en & PM1_TMR)) {
        timer_del(&pm->carry);
        return;
    }
    /* The first nanosecond at which the tick count reaches the next carry. */
    unsigned __int128 t = (unsigned __int128)(pm->carries + 1) * CARRY_TICKS * 1000000000u;
    timer_mod(&pm->carry, (uint64_t)((t + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ));
}

static void carry_cb(void *opaque)
{
    struct acpi_pm *pm = opaque;
    note_carries(pm);
    update_sci(pm);
    arm_carry(pm);
}

static uint16_t reg16_read(struct acpi_pm *pm, uint32_t reg)
{
    switch (reg) {
    case 0:
        note_carries(pm);
        return pm->sts;
    case 2:
        return pm->en;
    case 4:
        return pm->cnt;
    case 8:
        return (uint16_t)acpi_pm_timer(pm);
    case 10:
        return (uint16_t)(acpi_pm_timer(pm) >> 16);
    }
    return 0;
}

/* A write of the bytes `mask` selects of a 16-bit register. */
static void reg16_write(struct acpi_pm *pm, uint32_t reg, uint16_t v, uint16_t mask)
{
    switch (reg) {
    case 0:
        note_carries(pm);
        pm->sts &= ~(v & mask);
        break;
    case 2:
        pm->en = (pm->en & ~mask) | (v & mask & EN_BITS);
        note_carries(pm); /* a carry before enabling is already status, not a new SCI */
        arm_carry(pm);
        break;
    case 4: {
        uint16_t nv = (pm->cnt & ~mask) | (v & mask);
        pm->cnt = nv & ~PM1_SLP_EN; /* SLP_EN is write-only */
        if (nv & PM1_SLP_EN) {
            unsigned typ = (nv >> PM1_SLP_TYP_SHIFT) & 7;
            if ((typ == 0 || typ == 2) && pm->power_off)
                pm->power_off(pm->power_opaque);
        }
        break;
    }
    }
    update_sci(pm);
}

static uint32_t pm_read(void *opaque, uint32_t off, int size)
{
    struct acpi_pm *pm = opaque;
    uint32_t v = 0;
    if (off == 8 && size == 4)
        return acpi_pm_timer(pm); /* one reading, not two halves that may disagree */
    for (int i = 0; i < size; i++) {
        uint32_t o = off + i;
        v |= (uint32_t)((reg16_read(pm, o & ~1u) >> 8 * (o & 1)) & 0xff) << 8 * i;
    }
    return v;
}

static void pm_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct acpi_pm *pm = opaque;
    for (int i = 0; i < size;) {
        uint32_t o = off + i, reg = o & ~1u;
        uint16_t val = 0, mask = 0;
        for (; i < size && ((off + i) & ~1u) == reg; i++) {
            int b = (off + i) & 1;
            val |= ((v >> 8 * i) & 0xff) << 8 * b;
            mask |= 0xff << 8 * b;
        }
        reg16_write(pm, reg, val, mask);
    }
}

static uint32_t gpe_read(void *opaque, uint32_t off, int size)
{
    struct acpi_pm *pm = opaque;
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t o = off + (uint32_t)i;
        uint8_t b = o == 2 ? (uint8_t)pm->gpe_en : o == 3 ? (uint8_t)(pm->gpe_en >> 8) : 0;
        v |= (uint32_t)b << 8 * i;
    }
    return v;
}

static void gpe_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct acpi_pm *pm = opaque;
    for (int i = 0; i < size; i++) {
        uint32_t o = off + (uint32_t)i;
        uint8_t b = (uint8_t)(v >> 8 * i);
        if (o == 2)
            pm->gpe_en = (pm->gpe_en & 0xff00) | b;
        else if (o == 3)
            pm->gpe_en = (uint16_t)((pm->gpe_en & 0xff) | b << 8);
    }
}

static uint32_t apm_read(void *opaque, uint32_t off, int size)
{
    struct acpi_pm *pm = opaque;
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)(off + i == 0 ? pm->apm_cnt : off + i == 1 ? pm->apm_sts : 0xff) << 8 * i;
    return v;
}

static void apm_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct acpi_pm *pm = opaque;
    for (int i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(v >> 8 * i);
        if (off + i == 0) {
            /* No SMM behind it: the command takes effect at once. */
            pm->apm_cnt = b;
            if (b == ACPI_ENABLE_CMD)
                pm->cnt |= PM1_SCI_EN;
            else if (b == ACPI_DISABLE_CMD)
                pm->cnt &= ~PM1_SCI_EN;
        } else if (off + i == 1) {
            pm->apm_sts = b;
        }
    }
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
    pm->sts |= PM1_PWRBTN;
    update_sci(pm);
}

void acpi_pm_reset(struct acpi_pm *pm)
{
    pm->sts = pm->en = pm->cnt = 0;
    pm->apm_cnt = pm->apm_sts = 0;
    pm->gpe_en = 0;
    pm->carries = ticks_now(pm) / CARRY_TICKS;
    timer_del(&pm->carry);
    update_sci(pm);
}

struct acpi_pm *acpi_pm_create(struct ioports *io, struct clock *clock, void (*sci)(void *opaque, int level),
                               void *sci_opaque, void (*power_off)(void *opaque),
                               void *power_opaque)
{
    struct acpi_pm *pm = calloc(1, sizeof(*pm));
    if (!pm)
        return NULL;
    pm->clock = clock;
    pm->sci = sci;
    pm->sci_opaque = sci_opaque;
    pm->power_off = power_off;
    pm->power_opaque = power_opaque;
    timer_init(&pm->carry, clock, carry_cb, pm);
    ioport_register(io, ACPI_PM_BASE, ACPI_PM_LEN, pm_read, pm_write, pm, "acpi-pm");
    ioport_register(io, ACPI_GPE0_BLK, ACPI_GPE0_LEN, gpe_read, gpe_write, pm, "acpi-gpe0");
    ioport_register(io, ACPI_SMI_CMD, 2, apm_read, apm_write, pm, "apm");
    acpi_pm_reset(pm);
    return pm;
}
