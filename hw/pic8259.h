/*
 * pic8259.h - the cascaded pair of 8259A interrupt controllers of a PC: the
 * master at 0x20-0x21, the slave at 0xa0-0xa1 on the master's IRQ2, and the
 * edge/level control registers (ELCR) at 0x4d0-0x4d1.
 *
 *   struct pic *pic = pic_create(&m->io, cpu_set_intr, cpu);
 *   pic_set_irq(pic, 4, 1);          // a device raises IRQ4
 *   ...between blocks, INTR high and IF=1:
 *   int vector = pic_ack(pic);       // the INTA cycle
 *
 * Inputs are pins: a device holds its line high until it is serviced.  As on
 * an 8259A, a request that goes away before INTA is lost and INTA answers
 * with the spurious vector (IRQ7, or IRQ15 when it vanished on the slave).
 */
#ifndef BT86_HW_PIC8259_H
#define BT86_HW_PIC8259_H

struct ioports;

#include <stdio.h>

struct pic;

/* intr is the master's INT output (the CPU's INTR line); called when it changes. */
struct pic *pic_create(struct ioports *io, void (*intr)(void *opaque, int level), void *opaque);
/* The state a PC BIOS leaves: vectors 0x08/0x70, every IRQ masked but the cascade. */
void pic_reset(struct pic *p);
/* irq 0..15, level 0/1.  IRQ2 is the cascade: a device on ISA IRQ2 is IRQ9, as on a PC/AT. */
void pic_set_irq(struct pic *p, int irq, int level);
/* Whether a request on irq would reach the CPU (not masked, nor its cascade). */
int pic_irq_unmasked(struct pic *p, int irq);
/* The CPU's INTA cycle: the vector to deliver. */
int pic_ack(struct pic *p);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int pic_save(struct pic *p, FILE *f);
int pic_load(struct pic *p, FILE *f);

#endif
