/*
 * uart16550.h - a 16550A UART (8 I/O ports) with 16-byte FIFOs.
 *
 *   struct uart *u = uart_create(&m->io, &m->clock, 0x3f8, chr, pic_set_irq4, pic, "com1");
 *   ...
 *   uart_poll(u);   // from the event loop: chardev input -> receive FIFO
 *
 * The line is infinitely fast: a byte written to THR reaches the chardev at
 * once and THRE/TEMT stay set.  The IRQ output is a level (1 while any enabled
 * interrupt is pending); it is not gated by MCR.OUT2, as in QEMU.
 */
#ifndef BT86_HW_UART16550_H
#define BT86_HW_UART16550_H

struct ioports;

#include <stdint.h>
#include <stdio.h>

struct chardev;
struct clock;
struct uart;

/* chr and irq may be NULL (no backend: output dropped; IRQ not wired). */
struct uart *uart_create(struct ioports *io, struct clock *clock, uint16_t iobase,
                         struct chardev *chr, void (*irq)(void *opaque, int level),
                         void *irq_opaque, const char *name);
void uart_reset(struct uart *u);
/* Pull input from the chardev while the receive FIFO has room; cheap if none. */
void uart_poll(struct uart *u);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int uart_save(struct uart *u, FILE *f);
int uart_load(struct uart *u, FILE *f);

#endif
