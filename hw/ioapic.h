/*
 * ioapic.h - the I/O APIC of a PC chipset (an 82093AA as QEMU's `pc` has
 * it): 24 input pins, each with a redirection entry that turns it into an
 * interrupt message for the local APICs.  Its registers are reached
 * through IOREGSEL (offset 0) and IOWIN (offset 0x10) at 0xFEC00000.
 *
 *   struct ioapic *io = ioapic_create(deliver, m);
 *   ioapic_set_irq(io, 2, 1);     // the PIT's OUT0 on pin 2
 *   ioapic_eoi(io, 0x30);         // a local APIC's EOI of a level vector
 *
 * deliver(opaque, dest, logical, mode, vector, level) sends one message;
 * the machine hands it to the local APICs whose destination matches.
 * The version is QEMU's, 0x20: the 82093AA's registers plus the EOI
 * register of later I/O APICs.
 */
#ifndef BT86_HW_IOAPIC_H
#define BT86_HW_IOAPIC_H

#include <stdint.h>
#include <stdio.h>

struct ioapic;

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_SIZE 0x1000u
#define IOAPIC_PINS 24

typedef void ioapic_deliver_fn(void *opaque, uint8_t dest, int logical, int mode, int vector,
                               int level_trig);

struct ioapic *ioapic_create(ioapic_deliver_fn *deliver, void *opaque);
void ioapic_free(struct ioapic *io);
/* Every entry masked, edge, active high; ID 0 (QEMU's, and the MADT's). */
void ioapic_reset(struct ioapic *io);
/* Input pin 0..23, its electrical level (polarity is applied here). */
void ioapic_set_irq(struct ioapic *io, int pin, int level);
/* The EOI of a vector (the local APIC's broadcast; a write to the EOI
 * register at 0x40 does the same): clears the remote IRR of the level entries with it,
 * and a pin still asserted sends its message again. */
void ioapic_eoi(struct ioapic *io, int vector);
/* The register window: offset 0..0xfff, size 1, 2 or 4. */
uint32_t ioapic_read(struct ioapic *io, uint32_t offset, int size);
void ioapic_write(struct ioapic *io, uint32_t offset, uint32_t value, int size);
/* Register state and pin levels as a small versioned binary record; 0 on
 * success, -1 on error.  Loading sends no message. */
int ioapic_save(struct ioapic *io, FILE *f);
int ioapic_load(struct ioapic *io, FILE *f);

#endif
