/*
 * hpet.h - the IA-PC High Precision Event Timer at 0xFED00000 (1 KiB of
 * MMIO), as QEMU's pc machine has it: a 64-bit main counter at 100 MHz
 * (a period of 10 000 000 fs), three comparators that can each be
 * periodic, 32- or 64-bit, edge or level, and legacy replacement routing.
 *
 *   struct hpet *h = hpet_create(&m->clock, gsi_set, legacy_changed, m);
 *   mem_add_mmio(&m->mem, HPET_BASE, HPET_SIZE, &hpet_mem_ops, h, "hpet");
 *
 * The counter is a function of virtual time (clock_now), so it is exact
 * under -icount.  Comparators match on equality, as the specification
 * says: a one-shot comparator already behind the counter waits for the
 * counter to come round again (QEMU fires it at once).  A 32-bit one-shot
 * timer also fires when the counter's low half wraps (specification 2.3.9.2.1).
 *
 * Interrupt outputs: irq(opaque, line, level), a level (an edge-triggered
 * timer holds its line high until its next interrupt, since bt86's 8259
 * drops an edge whose line falls before the CPU takes it, as the chip
 * does), line being an ISA IRQ /
 * GSI number as QEMU's gsi array has them (line 0 is IRQ0, which the I/O
 * APIC takes on pin 2).  In legacy replacement mode timer 0 drives line 0
 * and timer 1 line 8, and legacy(opaque, on) tells the board to cut the
 * PIT and RTC off those lines.  Otherwise a timer drives the line in its
 * route field, which the route capability limits to 2 (QEMU's piix intcap).
 */
#ifndef BT86_HW_HPET_H
#define BT86_HW_HPET_H

#include "softmmu/memory.h"

#include <stdint.h>

#define HPET_BASE 0xfed00000u
#define HPET_SIZE 0x400u
#define HPET_TIMERS 3
#define HPET_PERIOD_FS 10000000u /* 10 ns: 100 MHz */
#define HPET_ROUTE_CAP 0x4u      /* line 2 only, as QEMU's pc (piix) machine */

struct clock;
struct hpet;

extern const struct mem_ops hpet_mem_ops;

struct hpet *hpet_create(struct clock *clock, void (*irq)(void *opaque, int line, int level),
                         void (*legacy)(void *opaque, int on), void *opaque);
void hpet_reset(struct hpet *h);
/* Register access as through the MMIO window (offset, 1, 2 or 4 bytes). */
uint32_t hpet_read(struct hpet *h, uint32_t offset, int size);
void hpet_write(struct hpet *h, uint32_t offset, uint32_t value, int size);

#endif
