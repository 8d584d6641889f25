/*
 * pci.h - a function on the PCI bus: its 256-byte configuration space, what
 * the guest may write there, its BARs and its INTx pin.
 *
 * A device fills the identity registers, declares its BARs (an I/O or
 * 32-bit memory range with the callbacks that serve it) and plugs itself
 * into the host (hw/pci_host.h).  From then on the guest owns the
 * configuration space through mechanism #1: each byte changes only in the
 * bits of its write mask, status bits are write-one-to-clear, a BAR keeps
 * the low bits its size forces to zero (so writing all ones reads back the
 * size mask), and the device's ports or MMIO follow the BAR and the command
 * register's I/O and memory enables.  A device that needs to see writes to
 * its own registers (PAM, PIRQ routes) sets config_write.
 *
 * An expansion ROM (pci_set_rom, the register at 0x30) is one more memory
 * BAR, region PCI_ROM_SLOT: sized and moved like the others, decoded only
 * while its enable bit and the memory enable are set, read-only (writes go
 * nowhere), the bytes past the image reading zero up to the power of two.
 *
 *   struct pci_dev *d = &ide->pci;
 *   pci_dev_init(d, 0x8086, 0x7010, 0x010180, 0x00);
 *   pci_set_bar(d, 4, 16, PCI_BAR_IO, bm_read, bm_write, NULL, ide);
 *   pci_host_plug(host, d, PCI_DEVFN(1, 1));
 */
#ifndef BT86_HW_PCI_H
#define BT86_HW_PCI_H

#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdint.h>

#define PCI_DEVFN(dev, fn) ((dev) << 3 | (fn))

/* Configuration registers (PCI Local Bus 3.0, 6.1). */
enum {
    PCI_VENDOR_ID = 0x00,
    PCI_DEVICE_ID = 0x02,
    PCI_COMMAND = 0x04,
    PCI_STATUS = 0x06,
    PCI_REVISION = 0x08,
    PCI_PROG_IF = 0x09,
    PCI_CLASS = 0x0a,
    PCI_CACHE_LINE = 0x0c,
    PCI_LATENCY = 0x0d,
    PCI_HEADER_TYPE = 0x0e,
    PCI_BAR0 = 0x10,
    PCI_SUBSYS_VENDOR = 0x2c,
    PCI_SUBSYS_ID = 0x2e,
    PCI_ROM_ADDRESS = 0x30,
    PCI_INT_LINE = 0x3c,
    PCI_INT_PIN = 0x3d,
};

enum {
    PCI_CMD_IO = 0x0001,
    PCI_CMD_MEMORY = 0x0002,
    PCI_CMD_MASTER = 0x0004,
    PCI_CMD_SERR = 0x0100,
    PCI_CMD_INTX_DISABLE = 0x0400,
    PCI_STATUS_INTERRUPT = 0x0008,
    PCI_ROM_ENABLE = 0x00000001,
};

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32 };

#define PCI_NUM_BARS 6
#define PCI_ROM_SLOT PCI_NUM_BARS /* bar[PCI_ROM_SLOT]: the expansion ROM */
#define PCI_NUM_REGIONS (PCI_NUM_BARS + 1)
#define PCI_BAR_UNMAPPED 0xffffffffu

struct pci_bar {
    enum pci_bar_kind kind;
    uint32_t size; /* a power of two: 4 or more for I/O, 16 or more for memory */
    ioport_read_fn io_read;
    ioport_write_fn io_write;
    const struct mem_ops *mem_ops;
    void *opaque;
    uint32_t mapped; /* base the device decodes now, or PCI_BAR_UNMAPPED */
};

struct pci_host;

struct pci_dev {
    uint8_t config[256];
    uint8_t wmask[256];   /* bits a configuration write may change */
    uint8_t w1cmask[256]; /* bits a configuration write of one clears */
    uint8_t power_on[256]; /* the space as plugged in: what a reset restores */
    uint8_t devfn;
    struct pci_bar bar[PCI_NUM_REGIONS];
    const uint8_t *rom; /* the expansion ROM's image (the caller's), rom_len bytes */
    uint32_t rom_len;
    struct pci_host *host;
    int intx;             /* the device's INTx# level, before INTX_DISABLE */
    /* After the bytes [off, off + size) changed by a guest write. */
    void (*config_write)(struct pci_dev *d, unsigned off, int size);
    void *opaque;
};

/* Identity registers, QEMU's subsystem IDs (1af4:1100), the common masks. */
void pci_dev_init(struct pci_dev *d, uint16_t vendor, uint16_t device, uint32_t class_prog,
                  uint8_t revision);
/* Declare BAR n (before pci_host_plug); the guest places it. */
void pci_set_bar(struct pci_dev *d, int n, uint32_t size, enum pci_bar_kind kind,
                 ioport_read_fn io_read, ioport_write_fn io_write, const struct mem_ops *mem_ops,
                 void *opaque);
/* An expansion ROM of len bytes (before pci_host_plug; kept by the caller):
 * its BAR is the power of two that holds it, 2 KiB at least. */
void pci_set_rom(struct pci_dev *d, const uint8_t *rom, uint32_t len);
/* Configuration space as the guest sees it (little-endian, any alignment in the space). */
uint32_t pci_config_read(struct pci_dev *d, unsigned off, int size);
void pci_config_write(struct pci_dev *d, unsigned off, uint32_t value, int size);
/* The device's INTx# line (its interrupt pin register names which). */
void pci_set_intx(struct pci_dev *d, int level);
/* Back to the configuration space the function had when it was plugged in. */
void pci_dev_reset(struct pci_dev *d);
/* Recompute where the BARs decode (after a reset or a configuration write). */
void pci_update_mappings(struct pci_dev *d);
/* Bus mastering: the command register lets the device reach memory. */
int pci_bus_master(const struct pci_dev *d);

static inline uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline void pci_put_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void pci_put_long(uint8_t *p, uint32_t v)
{
    pci_put_word(p, (uint16_t)v);
    pci_put_word(p + 2, (uint16_t)(v >> 16));
}

#endif
