/*
 * port_f0.h - port 0xF0, the PC chipset's "clear coprocessor error" latch:
 * FERR# from the x87 raises IRQ 13 and stays latched until a write here
 * (any value).  Reads return 0xff, as on QEMU.
 */
#ifndef BT86_HW_PORT_F0_H
#define BT86_HW_PORT_F0_H

struct ioports;

struct port_f0;

/* clear(opaque) runs on every write: the machine lowers IRQ 13 there. */
struct port_f0 *port_f0_create(struct ioports *io, void (*clear)(void *opaque), void *opaque);

#endif
