/*
 * piix3.c - the ISA bridge function and PIRQ routing.  Reset values are
 * the 82371SB datasheet's (which QEMU also uses): command 0x0007 (the ISA
 * bridge always decodes), PIRQ routes 0x80 (all off), and the other
 * registers the datasheet gives a non-zero default.
 */
#include "hw/piix3.h"
#include "hw/pci.h"
#include "hw/pci_host.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct piix3 {
    struct pci_dev pci;
    struct piix3_wiring w;
    uint8_t intx[256]; /* bit p: INTx pin p of devfn asserted */
    int pirq_level[4];
    int isa_level[16]; /* what the routing drives on each ISA IRQ */
};

/* IRQ a route register sends its PIRQ to, or -1. */
static int route_of(uint8_t r)
{
    static const uint16_t valid = 0xdef8; /* 3-7, 9-12, 14, 15 */
    if (r & 0x80)
        return -1;
    return valid >> (r & 15) & 1 ? r & 15 : -1;
}

static void update(struct piix3 *p)
{
    int pirq[4] = { 0 };
    for (int devfn = 0; devfn < 256; devfn++)
        for (int pin = 0; pin < 4; pin++)
            if (p->intx[devfn] >> pin & 1)
                pirq[((devfn >> 3) - 1 + pin) & 3] = 1;
    int isa[16] = { 0 };
    for (int n = 0; n < 4; n++) {
        if (pirq[n] != p->pirq_level[n]) {
            p->pirq_level[n] = pirq[n];
            if (p->w.pirq)
                p->w.pirq(p->w.opaque, n, pirq[n]);
        }
        int irq = route_of(p->pci.config[PIIX3_PIRQ_ROUTE + n]);
        if (irq >= 0 && pirq[n])
            isa[irq] = 1;
    }
    for (int irq = 0; irq < 16; irq++)
        if (isa[irq] != p->isa_level[irq]) {
            p->isa_level[irq] = isa[irq];
            if (p->w.isa_irq)
                p->w.isa_irq(p->w.opaque, irq, isa[irq]);
        }
}

static void route_intx(void *opaque, int devfn, int pin, int level)
{
    struct piix3 *p = opaque;
    uint8_t bit = (uint8_t)(1u << pin);
    p->intx[devfn] = (uint8_t)(level ? p->intx[devfn] | bit : p->intx[devfn] & ~bit);
    update(p);
}

static void config_write(struct pci_dev *d, unsigned off, int size)
{
    if (off < PIIX3_PIRQ_ROUTE + 4 && off + size > PIIX3_PIRQ_ROUTE)
        update(d->opaque);
}

void piix3_reset(struct piix3 *p)
{
    static const struct { uint8_t reg, val; } defaults[] = {
        { 0x4c, 0x4d }, { 0x4e, 0x03 }, { 0x60, 0x80 }, { 0x61, 0x80 }, { 0x62, 0x80 },
        { 0x63, 0x80 }, { 0x69, 0x02 }, { 0x70, 0x80 }, { 0x76, 0x0c }, { 0x77, 0x0c },
        { 0x78, 0x02 }, { 0xa0, 0x08 }, { 0xa8, 0x0f },
    };
    struct pci_dev *d = &p->pci;
    pci_dev_reset(d);
    memset(d->config + 0x40, 0, 0xc0);
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        d->config[defaults[i].reg] = defaults[i].val;
    pci_put_word(d->config + PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);
    update(p);
}

int piix3_pirq_level(struct piix3 *p, int n)
{
    return p->pirq_level[n & 3];
}

struct piix3 *piix3_create(struct pci_host *host, const struct piix3_wiring *w)
{
    struct piix3 *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->w = *w;
    pci_dev_init(&p->pci, 0x8086, 0x7000, 0x060100, 0x00);
    pci_put_word(p->pci.config + PCI_STATUS, 0x0200); /* DEVSEL medium */
    p->pci.config_write = config_write;
    p->pci.opaque = p;
    if (pci_host_plug(host, &p->pci, PCI_DEVFN(1, 0)) < 0) {
        free(p);
        return NULL;
    }
    pci_host_set_intx_router(host, route_intx, p);
    piix3_reset(p);
    return p;
}
