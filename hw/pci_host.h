/*
 * pci_host.h - a PCI host bridge's configuration mechanism #1 (ports 0xCF8
 * address, 0xCFC-0xCFF data) on a bus with no devices yet: the address
 * register reads back what a 32-bit write put there, and every
 * configuration read answers "no device" (all ones), so a kernel probing
 * the bus finds it empty instead of an unclaimed, meaningless port.
 */
#ifndef BT86_HW_PCI_HOST_H
#define BT86_HW_PCI_HOST_H

struct ioports;

#include <stdio.h>

struct pci_host;

struct pci_host *pci_host_create(struct ioports *io);
void pci_host_reset(struct pci_host *h);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int pci_host_save(struct pci_host *h, FILE *f);
int pci_host_load(struct pci_host *h, FILE *f);

#endif
