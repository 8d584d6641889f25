/*
 * piix3.h - the PIIX3 PCI-to-ISA bridge, 00:01.0 (8086:7000), and the PCI
 * interrupt routing it does.
 *
 * A function's INTx# reaches one of the four PIRQ lines (INTA of slot S is
 * PIRQ (S - 1) mod 4, rotating by pin, as QEMU's pc wires its slots); the
 * PIRQ route registers 0x60-0x63 send each PIRQ to an ISA IRQ (bits 3-0:
 * 3-7, 9-12, 14 or 15; bit 7: not routed).  PIRQs are level-sensitive and
 * shared: an ISA IRQ is high while any PIRQ routed to it is; the guest sets
 * that IRQ level-triggered in the ELCR (ports 0x4D0/0x4D1, the PIC's).
 *
 * isa_irq drives the ISA IRQ (to the PICs, and to the I/O APIC's ISA pins
 * when the board has one); pirq, optional, sees each PIRQ line itself, for
 * an I/O APIC's PCI pins 16-19 as QEMU's pc wires them.
 */
#ifndef BT86_HW_PIIX3_H
#define BT86_HW_PIIX3_H

struct pci_host;
struct piix3;

struct piix3_wiring {
    void (*isa_irq)(void *opaque, int irq, int level);
    void (*pirq)(void *opaque, int pirq, int level);
    void *opaque;
};

#define PIIX3_PIRQ_ROUTE 0x60

/* Plugs in at 00:01.0 and becomes the host's INTx router. */
struct piix3 *piix3_create(struct pci_host *host, const struct piix3_wiring *w);
void piix3_reset(struct piix3 *p);
/* The level of PIRQ n (0-3): what the router computed last. */
int piix3_pirq_level(struct piix3 *p, int n);

#endif
