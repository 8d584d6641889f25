/*
 * pci_host.h - the PCI host bridge's configuration mechanism #1 (ports
 * 0xCF8 address, 0xCFC-0xCFF data) and bus 0 behind it.
 *
 * Functions plug in at a device/function number; configuration cycles to
 * an empty slot, another bus or a function that is not there read all ones
 * (vendor 0xffff, "no device").  The host decodes the functions' BARs:
 * I/O BARs in the PCI I/O window 0x1000-0xFFFF (below it is ISA space,
 * where Linux and firmware never place a BAR), memory BARs anywhere.  INTx
 * lines go to the router the ISA bridge installs (hw/piix3.h).
 */
#ifndef BT86_HW_PCI_HOST_H
#define BT86_HW_PCI_HOST_H

struct ioports;
struct mem_map;

#include <stdint.h>
#include <stdio.h>

struct pci_dev;
struct pci_host;

#define PCI_IO_WINDOW_BASE 0x1000u

/* INTx# of the function at devfn (pin 0-3 for INTA-INTD) changed. */
typedef void (*pci_intx_fn)(void *opaque, int devfn, int pin, int level);

struct pci_host *pci_host_create(struct ioports *io, struct mem_map *mem);
/* The port space and memory map the bus decodes into (for its functions). */
struct ioports *pci_host_io(struct pci_host *h);
struct mem_map *pci_host_mem(struct pci_host *h);
void pci_host_reset(struct pci_host *h);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int pci_host_save(struct pci_host *h, FILE *f);
int pci_host_load(struct pci_host *h, FILE *f);

/* 0, or -1 when devfn is taken. */
int pci_host_plug(struct pci_host *h, struct pci_dev *d, int devfn);
struct pci_dev *pci_host_dev(struct pci_host *h, int devfn);
/* Memory BARs below ram_top (the start of the PCI hole) are not decoded. */
void pci_host_set_ram_top(struct pci_host *h, uint32_t ram_top);
void pci_host_set_intx_router(struct pci_host *h, pci_intx_fn fn, void *opaque);

/* For hw/pci_dev.c: decode BAR n of d at base now (PCI_BAR_UNMAPPED: not at
 * all); returns the base it decodes, PCI_BAR_UNMAPPED when it cannot. */
uint32_t pci_host_map_bar(struct pci_host *h, struct pci_dev *d, int n, uint32_t base);
void pci_host_intx(struct pci_host *h, struct pci_dev *d, int pin, int level);

#endif
