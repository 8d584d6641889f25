/*
 * acpi_tables.h - the ACPI tables a PC BIOS would leave for the OS, built
 * by bt86 itself since it boots kernels without firmware.
 *
 *   uint8_t seg[ACPI_TABLES_SIZE];
 *   acpi_tables_build(seg, ACPI_TABLES_BASE, ncpus);
 *   phys_copy_to(&m->mem, ACPI_TABLES_BASE, seg, sizeof(seg));
 *
 * Everything goes in the BIOS segment at 0xF0000, which both of bt86's
 * memory maps (E820 for Linux, multiboot) already report reserved: the RSDP
 * on its 16-byte boundary first, where an OS scanning 0xE0000-0xFFFFF finds
 * it, then the RSDT, FADT, FACS, DSDT, MADT and HPET tables.  They describe
 * QEMU's pc board: ACPI 1.0 tables (RSDP revision 0, FADT revision 1) with
 * its PIIX4 PM block at 0x600, its MADT (IRQ0 on GSI 2, IRQs 5, 9, 10 and
 * 11 level and active high) and its HPET; only the OEM fields say bt86.
 */
#ifndef BT86_MACHINE_ACPI_TABLES_H
#define BT86_MACHINE_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_TABLES_BASE 0xf0000u
#define ACPI_TABLES_SIZE 0x1000u

/* Fill buf (ACPI_TABLES_SIZE bytes, to be copied to guest physical `base`)
 * for a board with ncpus CPUs (local APIC IDs 0..ncpus-1); returns the
 * bytes used, or 0 if they do not fit. */
size_t acpi_tables_build(uint8_t *buf, uint32_t base, int ncpus);

/* The DSDT's AML alone (for tests): its length, or 0 if it does not fit. */
size_t acpi_dsdt_aml(uint8_t *buf, size_t size);

#endif
