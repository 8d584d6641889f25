/*
 * pci_host.c - configuration mechanism #1 and bus 0 behind it.
 *
 * Only a 32-bit access at 0xCF8 reaches CONFIG_ADDRESS (enable bit 31, bus,
 * device, function, dword register; bits 30-24 and 1-0 are reserved and
 * read 0); narrower accesses to 0xCF8-0xCFB go by, as on Intel chipsets, and
 * read all ones.  CONFIG_DATA at 0xCFC-0xCFF reaches the register the
 * address names plus the port's offset, at any size, when the enable bit
 * is set and a function is there; otherwise it reads all ones.
 *
 * BAR decode: the host claims the whole PCI I/O window once and serves each
 * port from whichever BAR covers it now.  A memory BAR gets a window (an
 * MMIO region served the same way) where it lands; a window no BAR covers
 * any more decodes nothing and is reused, so a BAR moved away leaves no
 * trace (up to MEM_WINDOWS placements at once; more get a log line, not a
 * crash).  As on the i440FX, a memory BAR below the PCI hole (which starts
 * at the top of RAM) is not decoded: RAM answers there.  Above it, a BAR
 * wins over what the board put there (the ISA VGA's framebuffer), as the
 * newest region.
 */
#include "hw/pci_host.h"
#include "hw/pci.h"
#include "base/log.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCI_HOST_VERSION 1
#define CONFIG_ADDRESS_MASK 0x80fffffcu
#define MEM_WINDOWS 16

struct mem_window {
    struct pci_host *h;
    uint32_t base, size; /* size 0: free */
    struct mem_region *region;
};

struct pci_host {
    struct ioports *io;
    struct mem_map *mem; /* where memory BARs decode */
    uint32_t config_address;
    struct pci_dev *dev[256];
    struct pci_dev *plugged[256]; /* the functions there are, for BAR decode */
    int nplugged;
    pci_intx_fn intx;
    void *intx_opaque;
    struct mem_window win[MEM_WINDOWS];
    int nwin;
    uint32_t ram_top; /* the PCI hole starts here */
    int win_full_logged;
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

/* The function CONFIG_ADDRESS selects, or NULL. */
static struct pci_dev *selected(struct pci_host *h)
{
    uint32_t a = h->config_address;
    if (!(a & 0x80000000u) || (a >> 16 & 0xff) != 0)
        return NULL;
    return h->dev[a >> 8 & 0xff];
}

static uint32_t data_read(void *opaque, uint32_t off, int size)
{
    struct pci_host *h = opaque;
    struct pci_dev *d = selected(h);
    if (!d)
        return ones(size);
    return pci_config_read(d, (h->config_address & 0xfc) + off, size);
}

static void data_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct pci_host *h = opaque;
    struct pci_dev *d = selected(h);
    if (d)
        pci_config_write(d, (h->config_address & 0xfc) + off, v, size);
}

/* The BAR of kind that covers [addr, addr + size), or NULL. */
static struct pci_bar *bar_at(struct pci_host *h, enum pci_bar_kind kind, uint32_t addr,
                              int size, uint32_t *off)
{
    for (int i = 0; i < h->nplugged; i++) {
        struct pci_dev *d = h->plugged[i];
        for (int n = 0; n < PCI_NUM_REGIONS; n++) {
            struct pci_bar *b = &d->bar[n];
            if (b->kind == kind && b->mapped != PCI_BAR_UNMAPPED &&
                addr - b->mapped < b->size && addr - b->mapped + size <= b->size) {
                *off = addr - b->mapped;
                return b;
            }
        }
    }
    return NULL;
}

static uint32_t io_window_read(void *opaque, uint32_t off, int size)
{
    uint32_t boff;
    struct pci_bar *b = bar_at(opaque, PCI_BAR_IO, PCI_IO_WINDOW_BASE + off, size, &boff);
    if (!b || !b->io_read)
        return ones(size);
    return b->io_read(b->opaque, boff, size);
}

static void io_window_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    uint32_t boff;
    struct pci_bar *b = bar_at(opaque, PCI_BAR_IO, PCI_IO_WINDOW_BASE + off, size, &boff);
    if (b && b->io_write)
        b->io_write(b->opaque, boff, v, size);
}

static uint32_t mem_window_read(void *opaque, uint32_t off, int size)
{
    struct mem_window *w = opaque;
    uint32_t boff;
    struct pci_bar *b = bar_at(w->h, PCI_BAR_MEM32, w->base + off, size, &boff);
    if (!b || !b->mem_ops)
        return ones(size);
    return b->mem_ops->read(b->opaque, boff, size);
}

static void mem_window_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct mem_window *w = opaque;
    uint32_t boff;
    struct pci_bar *b = bar_at(w->h, PCI_BAR_MEM32, w->base + off, size, &boff);
    if (b && b->mem_ops)
        b->mem_ops->write(b->opaque, boff, v, size);
}

static const struct mem_ops mem_window_ops = { mem_window_read, mem_window_write };

/* Non-zero if a mapped memory BAR has a byte in window w. */
static int window_used(struct pci_host *h, const struct mem_window *w)
{
    for (int i = 0; i < h->nplugged; i++)
        for (int n = 0; n < PCI_NUM_REGIONS; n++) {
            const struct pci_bar *b = &h->plugged[i]->bar[n];
            if (b->kind == PCI_BAR_MEM32 && b->mapped != PCI_BAR_UNMAPPED &&
                b->mapped < (uint64_t)w->base + w->size && w->base < (uint64_t)b->mapped + b->size)
                return 1;
        }
    return 0;
}

uint32_t pci_host_map_bar(struct pci_host *h, struct pci_dev *d, int n, uint32_t base)
{
    struct pci_bar *b = &d->bar[n];
    b->mapped = PCI_BAR_UNMAPPED; /* it leaves where it was, whatever comes next */
    for (int i = 0; i < h->nwin; i++)
        if (h->win[i].size && !window_used(h, &h->win[i])) {
            h->win[i].size = 0;
            mem_region_move(h->win[i].region, 0, 0);
        }
    if (base == PCI_BAR_UNMAPPED)
        return base;
    if (b->kind == PCI_BAR_IO)
        return base >= PCI_IO_WINDOW_BASE ? base : PCI_BAR_UNMAPPED;
    if (base < h->ram_top)
        return PCI_BAR_UNMAPPED;
    struct mem_window *w = NULL;
    for (int i = 0; i < h->nwin; i++) {
        if (base - h->win[i].base < h->win[i].size &&
            base - h->win[i].base + b->size <= h->win[i].size)
            return base;
        if (!h->win[i].size && !w)
            w = &h->win[i];
    }
    if (w) {
        w->base = base;
        w->size = b->size;
        mem_region_move(w->region, base, b->size);
        return base;
    }
    if (h->nwin == MEM_WINDOWS) {
        if (!h->win_full_logged++ && log_enabled(LOG_GUEST_ERRORS))
            fprintf(log_file ? log_file : stderr, "pci: %02x.%x BAR%d at 0x%08x: too many memory BAR "
                              "placements, not decoded\n", d->devfn >> 3, d->devfn & 7, n, base);
        return PCI_BAR_UNMAPPED;
    }
    w = &h->win[h->nwin++];
    *w = (struct mem_window){ h, base, b->size, NULL };
    w->region = mem_add_mmio(h->mem, base, b->size, &mem_window_ops, w, "pci-mem");
    return base;
}

int pci_host_plug(struct pci_host *h, struct pci_dev *d, int devfn)
{
    if (devfn < 0 || devfn > 255 || h->dev[devfn])
        return -1;
    h->dev[devfn] = d;
    h->plugged[h->nplugged++] = d;
    d->devfn = (uint8_t)devfn;
    d->host = h;
    /* Function 0 says whether the others exist. */
    if ((devfn & 7) && h->dev[devfn & ~7])
        h->dev[devfn & ~7]->config[PCI_HEADER_TYPE] |= 0x80;
    if (!(devfn & 7))
        for (int f = 1; f < 8; f++)
            if (h->dev[devfn + f])
                d->config[PCI_HEADER_TYPE] |= 0x80;
    for (int f = 0; f < 8; f++) {
        struct pci_dev *g = h->dev[(devfn & ~7) + f];
        if (g)
            g->power_on[PCI_HEADER_TYPE] = g->config[PCI_HEADER_TYPE];
    }
    memcpy(d->power_on, d->config, sizeof(d->config));
    pci_update_mappings(d);
    return 0;
}

struct pci_dev *pci_host_dev(struct pci_host *h, int devfn)
{
    return devfn >= 0 && devfn < 256 ? h->dev[devfn] : NULL;
}

void pci_host_set_intx_router(struct pci_host *h, pci_intx_fn fn, void *opaque)
{
    h->intx = fn;
    h->intx_opaque = opaque;
}

void pci_host_intx(struct pci_host *h, struct pci_dev *d, int pin, int level)
{
    if (h->intx)
        h->intx(h->intx_opaque, d->devfn, pin & 3, level);
}

struct pci_host *pci_host_create(struct ioports *io, struct mem_map *mem)
{
    struct pci_host *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->io = io;
    h->mem = mem;
    ioport_register(io, 0xcf8, 4, addr_read, addr_write, h, "pci-addr");
    ioport_register(io, 0xcfc, 4, data_read, data_write, h, "pci-data");
    ioport_register(io, PCI_IO_WINDOW_BASE, 0x10000 - PCI_IO_WINDOW_BASE, io_window_read,
                    io_window_write, h, "pci-io");
    return h;
}

void pci_host_set_ram_top(struct pci_host *h, uint32_t ram_top)
{
    h->ram_top = ram_top;
}

struct ioports *pci_host_io(struct pci_host *h)
{
    return h->io;
}

struct mem_map *pci_host_mem(struct pci_host *h)
{
    return h->mem;
}

/* The functions reset themselves (each is a device of the machine). */
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
