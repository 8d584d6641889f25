/*
 * piix_ide.c - the PIIX3 IDE function: legacy ports, INTRQ to ISA IRQs,
 * and the bus master.
 *
 * The bus master runs a DMA command the moment both sides are ready: the
 * drive has the command and the guest has set START with bus mastering
 * enabled in the PCI command register, in either order.  It then walks the
 * PRD table (8-byte entries: buffer address, byte count with 0 meaning
 * 64 KiB, bit 31 of the second word ending the table), at most 8192
 * entries, the most a table within its 64 KiB can hold.  A table larger
 * than the transfer leaves ACTIVE set, as the PIIX datasheet says.
 */
#include "hw/piix_ide.h"
#include "hw/ide.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdlib.h>

enum { BM_START = 0x01, BM_TO_MEMORY = 0x08 };
enum { BMS_ACTIVE = 0x01, BMS_ERROR = 0x02, BMS_INT = 0x04 };

#define PRD_MAX 8192

struct bm_channel {
    struct piix_ide *p;
    struct ide_channel *ide;
    int irq;
    uint8_t cmd, status;
    uint32_t prdt;
    /* The PRD walk of the transfer in progress. */
    uint32_t prd_index, cur_addr, cur_left;
    int cur_last;
};

struct piix_ide {
    struct pci_dev pci;
    struct mem_map *mem; /* the bus master's view of memory */
    struct bm_channel ch[2];
    void (*isa_irq)(void *opaque, int irq, int level);
    void *opaque;
};

static void channel_irq(void *opaque, int level)
{
    struct bm_channel *c = opaque;
    if (level)
        c->status |= BMS_INT;
    c->p->isa_irq(c->p->opaque, c->irq, level);
}

/* A buffer of len bytes at addr lies in guest RAM. */
static int all_ram(struct mem_map *mem, uint32_t addr, uint32_t len)
{
    struct mem_region *r = mem_find(mem, addr);
    return r && r->kind == MEM_RAM && len <= r->size - (addr - r->base);
}

/* Load the next PRD; -1 if the table ended or cannot be read. */
static int next_prd(struct bm_channel *c)
{
    uint8_t e[8];
    if (c->cur_last || c->prd_index >= PRD_MAX)
        return -1;
    uint32_t at = c->prdt + 8 * c->prd_index++;
    if (!all_ram(c->p->mem, at, 8) || phys_copy_from(c->p->mem, e, at, 8) < 0)
        return -1;
    c->cur_addr = (e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24) & ~1u;
    uint32_t count = (e[4] | e[5] << 8) & ~1u;
    c->cur_left = count ? count : 0x10000;
    c->cur_last = e[7] >> 7;
    return 0;
}

static int xfer(void *opaque, uint8_t *buf, uint32_t len, int to_memory)
{
    struct bm_channel *c = opaque;
    while (len) {
        if (!c->cur_left && next_prd(c) < 0)
            return -1;
        uint32_t n = len < c->cur_left ? len : c->cur_left;
        if (!all_ram(c->p->mem, c->cur_addr, n))
            return -1;
        int r = to_memory ? phys_copy_to(c->p->mem, c->cur_addr, buf, n)
                          : phys_copy_from(c->p->mem, buf, c->cur_addr, n);
        if (r < 0)
            return -1;
        buf += n;
        len -= n;
        c->cur_addr += n;
        c->cur_left -= n;
    }
    return 0;
}

static void bm_run(struct bm_channel *c)
{
    if (!(c->cmd & BM_START) || !pci_bus_master(&c->p->pci) || !ide_dma_pending(c->ide))
        return;
    c->prd_index = 0;
    c->cur_left = 0;
    c->cur_last = 0;
    if (ide_dma_run(c->ide, xfer, c) < 0) {
        c->status = (uint8_t)((c->status & ~BMS_ACTIVE) | BMS_ERROR);
        return;
    }
    /* The transfer used the whole table: the engine stops. */
    if (c->cur_last && !c->cur_left)
        c->status &= ~BMS_ACTIVE;
}

static uint32_t bm_read(void *opaque, uint32_t off, int size)
{
    struct piix_ide *p = opaque;
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t o = off + i;
        struct bm_channel *c = &p->ch[o >> 3 & 1];
        uint8_t b;
        switch (o & 7) {
        case 0: b = c->cmd; break;
        case 2: b = c->status; break;
        case 4: case 5: case 6: case 7: b = (uint8_t)(c->prdt >> (8 * (o & 3))); break;
        default: b = 0; break;
        }
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static void bm_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct piix_ide *p = opaque;
    for (int i = 0; i < size; i++) {
        uint32_t o = off + i;
        struct bm_channel *c = &p->ch[o >> 3 & 1];
        uint8_t b = (uint8_t)(v >> (8 * i));
        switch (o & 7) {
        case 0: {
            uint8_t old = c->cmd;
            c->cmd = b & (BM_START | BM_TO_MEMORY);
            if ((b & BM_START) && !(old & BM_START)) {
                c->status |= BMS_ACTIVE;
                bm_run(c);
            } else if (!(b & BM_START)) {
                c->status &= ~BMS_ACTIVE; /* stopping aborts the engine, not the drive */
            }
            break;
        }
        case 2: /* bits 5-6 read/write; error and interrupt write-one-to-clear */
            c->status = (uint8_t)((c->status & BMS_ACTIVE) | (b & 0x60) |
                                  (c->status & ~b & (BMS_ERROR | BMS_INT)));
            break;
        case 4: case 5: case 6: case 7: {
            int sh = 8 * (o & 3);
            c->prdt = (c->prdt & ~(0xffu << sh)) | (uint32_t)b << sh;
            c->prdt &= ~3u;
            break;
        }
        }
    }
}

static uint32_t cmd_read(void *opaque, uint32_t off, int size)
{
    return ide_cmd_read(((struct bm_channel *)opaque)->ide, off, size);
}

static void cmd_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct bm_channel *c = opaque;
    ide_cmd_write(c->ide, off, v, size);
    bm_run(c); /* a DMA command (or an ATAPI packet, through the data port) after START */
}

static uint32_t ctl_read(void *opaque, uint32_t off, int size)
{
    (void)off;
    uint32_t v = ide_ctl_read(((struct bm_channel *)opaque)->ide);
    return size == 1 ? v : v | (size == 2 ? 0xff00u : 0xffffff00u);
}

static void ctl_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    (void)off;
    (void)size;
    ide_ctl_write(((struct bm_channel *)opaque)->ide, (uint8_t)v);
}

static void config_write(struct pci_dev *d, unsigned off, int size)
{
    struct piix_ide *p = d->opaque;
    if (off <= PCI_COMMAND && off + size > PCI_COMMAND)
        for (int i = 0; i < 2; i++)
            bm_run(&p->ch[i]); /* bus mastering just enabled */
}

void piix_ide_reset(struct piix_ide *p)
{
    pci_dev_reset(&p->pci);
    for (int i = 0; i < 2; i++) {
        struct bm_channel *c = &p->ch[i];
        c->cmd = c->status = 0;
        c->prdt = 0;
        ide_channel_reset(c->ide);
    }
}

struct ide_channel *piix_ide_channel(struct piix_ide *p, int n)
{
    return p->ch[n & 1].ide;
}

struct piix_ide *piix_ide_create(struct pci_host *host, int devfn,
                                 void (*isa_irq)(void *opaque, int irq, int level), void *opaque)
{
    static const uint16_t cmd_base[2] = { 0x1f0, 0x170 }, ctl_base[2] = { 0x3f6, 0x376 };
    static const char *const cmd_name[2] = { "ide0", "ide1" }, *const ctl_name[2] = {
        "ide0-ctl", "ide1-ctl" };
    struct piix_ide *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->isa_irq = isa_irq;
    p->opaque = opaque;
    p->mem = pci_host_mem(host);
    pci_dev_init(&p->pci, 0x8086, 0x7010, 0x010180, 0x00);
    pci_put_word(p->pci.config + PCI_STATUS, 0x0280); /* fast back-to-back, DEVSEL medium */
    p->pci.config_write = config_write;
    p->pci.opaque = p;
    pci_set_bar(&p->pci, 4, 16, PCI_BAR_IO, bm_read, bm_write, NULL, p);
    for (int i = 0; i < 2; i++) {
        struct bm_channel *c = &p->ch[i];
        c->p = p;
        c->irq = 14 + i;
        c->ide = ide_channel_create(channel_irq, c);
        if (!c->ide)
            return NULL;
        ioport_register(pci_host_io(host), cmd_base[i], 8, cmd_read, cmd_write, c, cmd_name[i]);
        ioport_register(pci_host_io(host), ctl_base[i], 1, ctl_read, ctl_write, c, ctl_name[i]);
    }
    if (pci_host_plug(host, &p->pci, devfn) < 0)
        return NULL;
    piix_ide_reset(p);
    return p;
}
