/*
 * piix_ide.h - the PIIX3 IDE function, 00:01.1 (8086:7010), in legacy
 * mode as on QEMU's pc: the primary channel at ports 0x1F0-0x1F7 and
 * 0x3F6 on ISA IRQ 14, the secondary at 0x170-0x177 and 0x376 on IRQ 15,
 * whatever the BARs say, and the bus-master DMA registers at BAR4
 * (16 ports: command, status and PRD table address per channel).
 *
 * Bus-master DMA reads the PRD table from guest memory and moves data only
 * to and from guest RAM: a PRD table or a buffer that is not all RAM, or a
 * table that ends before the transfer does, stops the transfer with the
 * error bit in the bus-master status and ABRT in the drive's error register.
 */
#ifndef BT86_HW_PIIX_IDE_H
#define BT86_HW_PIIX_IDE_H

struct ide_channel;
struct pci_host;
struct piix_ide;

/* isa_irq drives ISA IRQ 14 and 15. */
struct piix_ide *piix_ide_create(struct pci_host *host, int devfn,
                                 void (*isa_irq)(void *opaque, int irq, int level), void *opaque);
void piix_ide_reset(struct piix_ide *p);
/* Channel 0 (primary) or 1 (secondary), to attach drives. */
struct ide_channel *piix_ide_channel(struct piix_ide *p, int n);

#endif
