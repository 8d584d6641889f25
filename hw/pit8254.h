/*
 * pit8254.h - the 8254 programmable interval timer at 0x40-0x43, clocked at
 * 1.193182 MHz.  OUT0 drives IRQ0; channel 2's gate and OUT2 are reached
 * through port 0x61 (hw/port61.h); channel 1 (DRAM refresh) only counts.
 *
 *   struct pit *pit = pit_create(&m->io, &m->clock, pic_irq0, pic);
 *   port61_create(&m->io, &m->clock, pit);
 *
 * Counts are a function of virtual time (timer_now()), never of polling;
 * IRQ0 edges come from a timer armed at the next OUT0 transition.
 */
#ifndef BT86_HW_PIT8254_H
#define BT86_HW_PIT8254_H

struct ioports;

#include <stdio.h>

struct clock;
struct pit;

/* irq0 gets the level of OUT0 each time it changes.  The counters count
 * in clock's time. */
struct pit *pit_create(struct ioports *io, struct clock *clock,
                       void (*irq0)(void *opaque, int level), void *opaque);
/* As a PC BIOS leaves it: channel 0 mode 3 at 18.2 Hz, channel 1 mode 2 count 18,
 * channel 2 mode 3 with its gate low. */
void pit_reset(struct pit *p);
/* Gate inputs: channels 0 and 1 are tied high on a PC; channel 2 is port 0x61 bit 0. */
void pit_set_gate(struct pit *p, int channel, int level);
int pit_get_gate(struct pit *p, int channel);
int pit_get_out(struct pit *p, int channel);
/* Register state as a small versioned binary record; 0 on success, -1 on error.
 * Counting positions are in absolute virtual time. */
int pit_save(struct pit *p, FILE *f);
int pit_load(struct pit *p, FILE *f);

#endif
