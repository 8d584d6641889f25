/*
 * acpi_pm.h - the ACPI fixed hardware of a PIIX4 power-management function,
 * at the I/O base QEMU's firmware gives it (0x600):
 *
 *   0x600  PM1a_EVT_BLK  PM1 status (16 bits), then PM1 enable (16 bits)
 *   0x604  PM1a_CNT_BLK  PM1 control: SCI_EN, SLP_TYP, SLP_EN
 *   0x608  PM_TMR_BLK    the 24-bit power-management timer, 3.579545 MHz
 *   0xafe0 GPE0_BLK      GPE0 status, then enable (16 bits each); no source sets a GPE
 *   0xb2   SMI_CMD       ACPI_ENABLE (0xf1) sets SCI_EN, ACPI_DISABLE (0xf0) clears it
 *   0xb3   APM status    a scratch byte
 *
 *   struct acpi_pm *pm = acpi_pm_create(&m->io, &m->clock, sci, &m->irq[9], power_off, m);
 *
 * The SCI is a level: high while a status bit and its enable are both set
 * (timer carry, power button, global lock, sleep button, RTC), as QEMU has it.
 * Writing SLP_EN with SLP_TYP 0 (the _S5 value of bt86's DSDT, and of
 * QEMU's) or 2 (QEMU's S4) calls power_off; other sleep types are ignored.
 */
#ifndef BT86_HW_ACPI_PM_H
#define BT86_HW_ACPI_PM_H

#include <stdint.h>

struct ioports;

#define ACPI_PM_BASE 0x600
#define ACPI_PM_LEN 0x40
#define ACPI_PM1_EVT (ACPI_PM_BASE + 0)
#define ACPI_PM1_CNT (ACPI_PM_BASE + 4)
#define ACPI_PM_TMR (ACPI_PM_BASE + 8)
#define ACPI_GPE0_BLK 0xafe0
#define ACPI_GPE0_LEN 4
#define ACPI_SMI_CMD 0xb2
#define ACPI_ENABLE_CMD 0xf1
#define ACPI_DISABLE_CMD 0xf0
#define ACPI_SCI_IRQ 9
#define ACPI_PM_TIMER_HZ 3579545u

/* PM1 status and enable bits. */
#define PM1_TMR (1u << 0)
#define PM1_GBL (1u << 5)
#define PM1_PWRBTN (1u << 8)
#define PM1_SLPBTN (1u << 9)
#define PM1_RTC (1u << 10)
#define PM1_WAK (1u << 15)
/* PM1 control bits. */
#define PM1_SCI_EN (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1u << 13)

struct clock;
struct acpi_pm;

struct acpi_pm *acpi_pm_create(struct ioports *io, struct clock *clock, void (*sci)(void *opaque, int level),
                               void *sci_opaque, void (*power_off)(void *opaque),
                               void *power_opaque);
void acpi_pm_reset(struct acpi_pm *pm);
/* A press of the power button: PWRBTN_STS, and the SCI if enabled. */
void acpi_pm_power_button(struct acpi_pm *pm);
/* The timer's count now (24 bits), for tests and tools. */
uint32_t acpi_pm_timer(struct acpi_pm *pm);

#endif
