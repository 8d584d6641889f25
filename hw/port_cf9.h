/*
 * port_cf9.h - the PIIX reset control register at port 0xCF9 (a byte
 * inside PCI CONFIG_ADDRESS, which only takes dword accesses): writing bit
 * 2 (RST_CPU) resets the machine; bit 1 (SYS_RST, hard or soft) reads back.
 * QEMU's pc machine has it, and Linux's reboot=pci and many guests use it.
 *
 *   port_cf9_create(&m->io, request_reset, m);   // after the PCI host bridge
 */
#ifndef BT86_HW_PORT_CF9_H
#define BT86_HW_PORT_CF9_H

struct ioports;
struct port_cf9;

/* reset(opaque) is the machine's reset request; register after pci_host_create(). */
struct port_cf9 *port_cf9_create(struct ioports *io, void (*reset)(void *opaque), void *opaque);
void port_cf9_reset(struct port_cf9 *p);

#endif
