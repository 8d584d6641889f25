/*
 * pci_host.c - configuration mechanism #1 with an empty bus.
 *
 * Only a 32-bit access at 0xCF8 reaches CONFIG_ADDRESS (enable bit 31, bus,
 * device, function, dword register; bits 30-24 and 1-0 are reserved and
 * read 0); narrower accesses to 0xCF8-0xCFB go by, as on Intel chipsets, and
 * read all ones.  CONFIG_DATA reads all ones at any size (the vendor ID
 * 0xffff that means "no device") and ignores writes.
 */
#include "hw/pci_host.h"
#include "softmmu/ioport.h"

#include <stdint.h>
#include <stdlib.h>

#define PCI_HOST_VERSION 1
#define CONFIG_ADDRESS_MASK 0x80fffffcu

struct pci_host {
    uint32_t config_address;
};

static uint32_t ones(int size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static uint32_t addr_read(void *opaque, uint32_t off, int size)
{
    struct pci_host *h = opaque;
    if (off == 0 && size == 4)
        return h->config_address;
    return ones(size);
}

static void addr_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct pci_host *h = opaque;
    if (off == 0 && size == 4)
        h->config_address = v & CONFIG_ADDRESS_MASK;
}

static uint32_t data_read(void *opaque, uint32_t off, int size)
{
    (void)opaque;
    (void)off;
    return ones(size);
}

static void data_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    (void)opaque;
    (void)off;
    (void)v;
    (void)size;
}

struct pci_host *pci_host_create(struct ioports *io)
{
    struct pci_host *h = calloc(1, sizeof(*h));
    ioport_register(io, 0xcf8, 4, addr_read, addr_write, h, "pci-addr");
    ioport_register(io, 0xcfc, 4, data_read, data_write, h, "pci-data");
    return h;
}

void pci_host_reset(struct pci_host *h)
{
    h->config_address = 0;
}

int pci_host_save(struct pci_host *h, FILE *f)
{
    uint8_t rec[5] = { PCI_HOST_VERSION, (uint8_t)h->config_address,
                       (uint8_t)(h->config_address >> 8), (uint8_t)(h->config_address >> 16),
                       (uint8_t)(h->config_address >> 24) };
    return fwrite(rec, sizeof(rec), 1, f) == 1 ? 0 : -1;
}

int pci_host_load(struct pci_host *h, FILE *f)
{
    uint8_t rec[5];
    if (fread(rec, sizeof(rec), 1, f) != 1 || rec[0] != PCI_HOST_VERSION)
        return -1;
    h->config_address = (rec[1] | rec[2] << 8 | rec[3] << 16 | (uint32_t)rec[4] << 24) &
                        CONFIG_ADDRESS_MASK;
    return 0;
}
