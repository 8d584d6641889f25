/*
 * i440fx.c - the host bridge's own PCI function.  Reset values from the
 * 82441FX datasheet: PAM all zero (the 0xC0000-0xFFFFF segments go to the
 * bus, where the BIOS ROM answers), SMRAM 0x02 (C_BASE_SEG: SMRAM at
 * 0xA0000).  SMRAM's D_LCK, once set, makes D_OPEN read 0 and the lock
 * itself read-only until reset.
 */
#include "hw/i440fx.h"
#include "hw/pci.h"
#include "hw/pci_host.h"

#include <stdlib.h>

#define SMRAM_D_OPEN 0x40
#define SMRAM_D_LCK 0x10

struct i440fx {
    struct pci_dev pci;
    i440fx_pam_fn pam_changed;
    i440fx_smram_fn smram_changed;
    void *opaque;
    int smram_open; /* last D_OPEN told */
};

static void smram_update(struct i440fx *b)
{
    int open = (b->pci.config[I440FX_SMRAM] & SMRAM_D_OPEN) != 0;
    if (b->smram_changed && open != b->smram_open)
        b->smram_changed(b->opaque, open);
    b->smram_open = open;
}

static void config_write(struct pci_dev *d, unsigned off, int size)
{
    struct i440fx *b = d->opaque;
    if (off <= I440FX_SMRAM && off + size > I440FX_SMRAM &&
        (d->config[I440FX_SMRAM] & SMRAM_D_LCK)) {
        d->config[I440FX_SMRAM] &= ~SMRAM_D_OPEN;
        d->wmask[I440FX_SMRAM] = 0;
    }
    if (off <= I440FX_SMRAM && off + size > I440FX_SMRAM)
        smram_update(b);
    if (off < I440FX_PAM0 + 7 && off + size > I440FX_PAM0 && b->pam_changed)
        b->pam_changed(b->opaque, d->config + I440FX_PAM0);
}

void i440fx_reset(struct i440fx *b)
{
    struct pci_dev *d = &b->pci;
    pci_dev_reset(d);
    for (int i = 0; i < 7; i++)
        d->config[I440FX_PAM0 + i] = 0;
    d->config[I440FX_SMRAM] = 0x02;
    d->wmask[I440FX_SMRAM] = 0x78; /* D_OPEN, D_CLS, D_LCK, G_SMRAME */
    if (b->pam_changed)
        b->pam_changed(b->opaque, d->config + I440FX_PAM0);
    smram_update(b);
}

void i440fx_set_smram_fn(struct i440fx *b, i440fx_smram_fn smram_changed)
{
    b->smram_changed = smram_changed;
    b->smram_open = 0;
    smram_update(b);
}

struct i440fx *i440fx_create(struct pci_host *host, i440fx_pam_fn pam_changed, void *opaque)
{
    struct i440fx *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->pam_changed = pam_changed;
    b->opaque = opaque;
    pci_dev_init(&b->pci, 0x8086, 0x1237, 0x060000, 0x02);
    b->pci.config_write = config_write;
    b->pci.opaque = b;
    if (pci_host_plug(host, &b->pci, PCI_DEVFN(0, 0)) < 0) {
        free(b);
        return NULL;
    }
    i440fx_reset(b);
    return b;
}
