/*
 * pci_dev.c - the configuration space of one PCI function: write masks,
 * write-one-to-clear status bits, BAR sizing, and the decode that follows
 * the BARs and the command register.
 *
 * The masks are QEMU's for a plain function, so a guest sees the same
 * writable bits on bt86 as there: command I/O, memory, bus master, SERR
 * and INTx disable; cache line size, latency timer and interrupt line; and
 * the whole device-specific area 0x40-0xFF unless the device narrows it.
 */
#include "hw/pci.h"
#include "hw/pci_host.h"

#include <string.h>

void pci_dev_init(struct pci_dev *d, uint16_t vendor, uint16_t device, uint32_t class_prog,
                  uint8_t revision)
{
    memset(d->config, 0, sizeof(d->config));
    memset(d->wmask, 0, sizeof(d->wmask));
    memset(d->w1cmask, 0, sizeof(d->w1cmask));
    pci_put_word(d->config + PCI_VENDOR_ID, vendor);
    pci_put_word(d->config + PCI_DEVICE_ID, device);
    d->config[PCI_REVISION] = revision;
    d->config[PCI_PROG_IF] = (uint8_t)class_prog;
    pci_put_word(d->config + PCI_CLASS, (uint16_t)(class_prog >> 8));
    pci_put_word(d->config + PCI_SUBSYS_VENDOR, 0x1af4);
    pci_put_word(d->config + PCI_SUBSYS_ID, 0x1100);
    pci_put_word(d->wmask + PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER |
                                             PCI_CMD_SERR | PCI_CMD_INTX_DISABLE);
    /* Parity, target and master aborts, SERR: the error bits software clears. */
    pci_put_word(d->w1cmask + PCI_STATUS, 0xf900);
    d->wmask[PCI_CACHE_LINE] = 0xff;
    d->wmask[PCI_LATENCY] = 0xff;
    d->wmask[PCI_INT_LINE] = 0xff;
    /* Device-specific registers: writable unless the device says otherwise (as QEMU). */
    memset(d->wmask + 0x40, 0xff, 0xc0);
    for (int i = 0; i < PCI_NUM_REGIONS; i++)
        d->bar[i] = (struct pci_bar){ .kind = PCI_BAR_NONE, .mapped = PCI_BAR_UNMAPPED };
    d->rom = NULL;
    d->rom_len = 0;
    d->intx = 0;
}

void pci_set_bar(struct pci_dev *d, int n, uint32_t size, enum pci_bar_kind kind,
                 ioport_read_fn io_read, ioport_write_fn io_write, const struct mem_ops *mem_ops,
                 void *opaque)
{
    struct pci_bar *b = &d->bar[n];
    *b = (struct pci_bar){ kind, size, io_read, io_write, mem_ops, opaque, PCI_BAR_UNMAPPED };
    uint32_t low = kind == PCI_BAR_IO ? 0x1 : 0x0; /* memory: 32-bit, not prefetchable */
    uint32_t mask = ~(size - 1) & (kind == PCI_BAR_IO ? ~3u : ~15u);
    pci_put_long(d->config + PCI_BAR0 + 4 * n, low);
    pci_put_long(d->wmask + PCI_BAR0 + 4 * n, mask);
}

static uint32_t rom_read(void *opaque, uint32_t off, int size)
{
    const struct pci_dev *d = opaque;
    uint32_t v = 0;
    for (int i = size - 1; i >= 0; i--)
        v = v << 8 | (off + (uint32_t)i < d->rom_len ? d->rom[off + (uint32_t)i] : 0);
    return v;
}

static void rom_write(void *opaque, uint32_t off, uint32_t value, int size)
{
    (void)opaque;
    (void)off;
    (void)value;
    (void)size;
}

static const struct mem_ops rom_ops = { rom_read, rom_write };

void pci_set_rom(struct pci_dev *d, const uint8_t *rom, uint32_t len)
{
    uint32_t size = 0x800; /* bits 10-1 of the register are reserved */
    while (size < len && size < 0x80000000u)
        size <<= 1;
    d->rom = rom;
    d->rom_len = len;
    d->bar[PCI_ROM_SLOT] = (struct pci_bar){ PCI_BAR_MEM32, size, NULL, NULL, &rom_ops, d,
                                             PCI_BAR_UNMAPPED };
    pci_put_long(d->config + PCI_ROM_ADDRESS, 0);
    pci_put_long(d->wmask + PCI_ROM_ADDRESS, ~(size - 1) | PCI_ROM_ENABLE);
}

uint32_t pci_config_read(struct pci_dev *d, unsigned off, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)d->config[(off + i) & 0xff] << (8 * i);
    return v;
}

static uint32_t bar_address(const struct pci_dev *d, int n)
{
    const struct pci_bar *b = &d->bar[n];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    if (n == PCI_ROM_SLOT) {
        uint32_t reg = pci_get_long(d->config + PCI_ROM_ADDRESS);
        uint32_t base = reg & ~(b->size - 1);
        if (!(cmd & PCI_CMD_MEMORY) || !(reg & PCI_ROM_ENABLE) || base == 0 ||
            base + b->size < base)
            return PCI_BAR_UNMAPPED;
        return base;
    }
    uint32_t reg = pci_get_long(d->config + PCI_BAR0 + 4 * n);
    if (b->kind == PCI_BAR_IO) {
        uint32_t base = reg & ~3u;
        /* Beyond the 64 KiB port space, or wrapping it: decodes nothing. */
        if (!(cmd & PCI_CMD_IO) || base == 0 || base + b->size > 0x10000)
            return PCI_BAR_UNMAPPED;
        return base;
    }
    if (b->kind == PCI_BAR_MEM32) {
        uint32_t base = reg & ~15u;
        if (!(cmd & PCI_CMD_MEMORY) || base == 0 || base + b->size < base)
            return PCI_BAR_UNMAPPED;
        return base;
    }
    return PCI_BAR_UNMAPPED;
}

void pci_update_mappings(struct pci_dev *d)
{
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        struct pci_bar *b = &d->bar[n];
        if (b->kind == PCI_BAR_NONE)
            continue;
        uint32_t base = bar_address(d, n);
        if (base != b->mapped && d->host)
            base = pci_host_map_bar(d->host, d, n, base);
        b->mapped = base;
    }
}

static void update_intx(struct pci_dev *d)
{
    int level = d->intx && !(pci_get_word(d->config + PCI_COMMAND) & PCI_CMD_INTX_DISABLE);
    if (d->config[PCI_INT_PIN] && d->host)
        pci_host_intx(d->host, d, d->config[PCI_INT_PIN] - 1, level);
}

void pci_config_write(struct pci_dev *d, unsigned off, uint32_t value, int size)
{
    for (int i = 0; i < size; i++) {
        unsigned a = (off + i) & 0xff;
        uint8_t v = (uint8_t)(value >> (8 * i));
        d->config[a] = (uint8_t)((d->config[a] & ~d->wmask[a]) | (v & d->wmask[a]));
        d->config[a] &= (uint8_t)~(v & d->w1cmask[a]);
    }
    off &= 0xff;
    if ((off < PCI_BAR0 + 4 * PCI_NUM_BARS && off + size > PCI_COMMAND) ||
        (off < PCI_ROM_ADDRESS + 4 && off + size > PCI_ROM_ADDRESS))
        pci_update_mappings(d);
    if (off <= PCI_COMMAND + 1 && off + size > PCI_COMMAND + 1)
        update_intx(d); /* INTX_DISABLE is bit 10 */
    if (d->config_write)
        d->config_write(d, off, size);
}

void pci_set_intx(struct pci_dev *d, int level)
{
    level = level != 0;
    if (d->intx == level)
        return;
    d->intx = level;
    uint16_t st = pci_get_word(d->config + PCI_STATUS);
    pci_put_word(d->config + PCI_STATUS,
                 level ? st | PCI_STATUS_INTERRUPT : st & ~PCI_STATUS_INTERRUPT);
    update_intx(d);
}

void pci_dev_reset(struct pci_dev *d)
{
    memcpy(d->config, d->power_on, sizeof(d->config));
    if (d->intx && d->config[PCI_INT_PIN] && d->host)
        pci_host_intx(d->host, d, d->config[PCI_INT_PIN] - 1, 0);
    d->intx = 0;
    pci_update_mappings(d);
}

int pci_bus_master(const struct pci_dev *d)
{
    return (pci_get_word(d->config + PCI_COMMAND) & PCI_CMD_MASTER) != 0;
}
