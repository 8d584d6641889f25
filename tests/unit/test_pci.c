/*
 * test_pci.c - the PCI bus with functions on it: configuration space write
 * masks, BAR sizing and moving with the decode following, the command
 * register's enables, the expansion ROM BAR, INTx through the PIIX3's PIRQ routes, the i440FX's
 * PAM and SMRAM registers, and the reset state.
 */
#include "hw/i440fx.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "hw/piix3.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdlib.h>

static struct ioports io;
static struct mem_map mem;

static uint32_t cfg_read(unsigned devfn, unsigned reg, int size)
{
    ioport_write(&io, 0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc), 4);
    return ioport_read(&io, 0xcfc + (reg & 3), size);
}

static void cfg_write(unsigned devfn, unsigned reg, uint32_t v, int size)
{
    ioport_write(&io, 0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc), 4);
    ioport_write(&io, 0xcfc + (reg & 3), v, size);
}

/* A test function: an I/O BAR of 32 ports and a 4 KiB memory BAR that
 * answer with their offset, and remember the last write. */
static uint32_t last_write_off, last_write_val;
static uint32_t io_rd(void *o, uint32_t off, int size)
{
    (void)o;
    (void)size;
    return 0x100 + off;
}
static void io_wr(void *o, uint32_t off, uint32_t v, int size)
{
    (void)o;
    (void)size;
    last_write_off = off;
    last_write_val = v;
}
static uint32_t mem_rd(void *o, uint32_t off, int size)
{
    (void)o;
    (void)size;
    return 0x2000 + off;
}
static void mem_wr(void *o, uint32_t off, uint32_t v, int size)
{
    io_wr(o, off, v, size);
}
static const struct mem_ops test_mem_ops = { mem_rd, mem_wr };
static uint8_t ram[64 * 1024];

static int isa_level[16], isa_changes, pirq_level[4];
static void isa_irq(void *o, int irq, int level)
{
    (void)o;
    isa_level[irq] = level;
    isa_changes++;
}
static void pirq(void *o, int n, int level)
{
    (void)o;
    pirq_level[n] = level;
}

static int pam_calls;
static uint8_t pam_seen[7];
static void pam_changed(void *o, const uint8_t pam[7])
{
    (void)o;
    pam_calls++;
    for (int i = 0; i < 7; i++)
        pam_seen[i] = pam[i];
}

int main(void)
{
    ioport_init(&io);
    mem_init(&mem, NULL);
    mem_add_ram(&mem, 0, sizeof(ram), ram, "ram");
    struct pci_host *h = pci_host_create(&io, &mem);
    pci_host_set_ram_top(h, sizeof(ram));
    struct i440fx *nb = i440fx_create(h, pam_changed, NULL);
    struct piix3_wiring w = { isa_irq, pirq, NULL };
    struct piix3 *sb = piix3_create(h, &w);
    CHECK(nb && sb);

    /* Two test functions in slot 3 (INTA) and slot 4 (INTB). */
    struct pci_dev *t = calloc(1, sizeof(*t)), *u = calloc(1, sizeof(*u));
    pci_dev_init(t, 0x1234, 0x5678, 0xff0000, 0x07);
    pci_set_bar(t, 0, 32, PCI_BAR_IO, io_rd, io_wr, NULL, NULL);
    pci_set_bar(t, 1, 4096, PCI_BAR_MEM32, NULL, NULL, &test_mem_ops, NULL);
    t->config[PCI_INT_PIN] = 1;
    pci_dev_init(u, 0x1234, 0x9abc, 0xff0000, 0x00);
    u->config[PCI_INT_PIN] = 2;
    CHECK_EQ(pci_host_plug(h, t, PCI_DEVFN(3, 0)), 0);
    CHECK_EQ(pci_host_plug(h, u, PCI_DEVFN(4, 0)), 0);
    CHECK_EQ(pci_host_plug(h, u, PCI_DEVFN(4, 0)), -1); /* taken */

    /* Identity; the ISA bridge is function 0 of a multi-function device. */
    CHECK_EQ(cfg_read(0x00, 0, 4), 0x12378086u);
    CHECK_EQ(cfg_read(0x08, 0, 4), 0x70008086u);
    CHECK_EQ(cfg_read(0x08, 0x0e, 1), 0x00);
    struct pci_dev *f2 = calloc(1, sizeof(*f2));
    pci_dev_init(f2, 0x8086, 0x1111, 0xff0000, 0);
    CHECK_EQ(pci_host_plug(h, f2, PCI_DEVFN(1, 2)), 0);
    CHECK_EQ(cfg_read(0x08, 0x0e, 1), 0x80);
    CHECK_EQ(cfg_read(0x0a, 0, 4), 0x11118086u);
    CHECK_EQ(cfg_read(0x09, 0, 4), 0xffffffffu);
    CHECK_EQ(cfg_read(0x08, 0x0a, 2), 0x0601);
    CHECK_EQ(cfg_read(0x18, 0x08, 4), 0xff000007u);
    CHECK_EQ(cfg_read(0x10, 0, 4), 0xffffffffu); /* slot 2: empty */
    /* Bus 1 does not exist. */
    ioport_write(&io, 0xcf8, 0x80010000u, 4);
    CHECK_EQ(ioport_read(&io, 0xcfc, 4), 0xffffffffu);
    /* Read-only registers stay. */
    cfg_write(0x18, 0, 0, 4);
    CHECK_EQ(cfg_read(0x18, 0, 4), 0x56781234u);
    cfg_write(0x18, 0x3d, 0x04, 1);
    CHECK_EQ(cfg_read(0x18, 0x3d, 1), 1);

    /* Command: only I/O, memory, master, SERR, INTx disable are writable. */
    cfg_write(0x18, 4, 0xffff, 2);
    CHECK_EQ(cfg_read(0x18, 4, 2), 0x0507);
    cfg_write(0x18, 4, 0, 2);
    /* Status: error bits are write-one-to-clear, the rest read-only. */
    t->config[PCI_STATUS + 1] = 0xf9;
    cfg_write(0x18, 6, 0x2000, 2);
    CHECK_EQ(cfg_read(0x18, 6, 2), 0xd900);
    cfg_write(0x18, 6, 0xffff, 2);
    CHECK_EQ(cfg_read(0x18, 6, 2), 0);

    /* BAR sizing: all ones in, the size mask out, the type bits kept. */
    CHECK_EQ(cfg_read(0x18, 0x10, 4), 1);
    cfg_write(0x18, 0x10, 0xffffffffu, 4);
    CHECK_EQ(cfg_read(0x18, 0x10, 4), 0xffffffe1u);
    cfg_write(0x18, 0x14, 0xffffffffu, 4);
    CHECK_EQ(cfg_read(0x18, 0x14, 4), 0xfffff000u);
    cfg_write(0x18, 0x18, 0xffffffffu, 4); /* no BAR 2 */
    CHECK_EQ(cfg_read(0x18, 0x18, 4), 0);
    /* Sizing with decode on would move the BAR to 0xffe0: it must not stick. */
    cfg_write(0x18, 0x10, 0xc010, 4); /* low bits forced by the size */
    CHECK_EQ(cfg_read(0x18, 0x10, 4), 0xc001u);
    cfg_write(0x18, 0x14, 0xfebf0000u, 4);

    /* Decode follows the command register... */
    CHECK_EQ(ioport_read(&io, 0xc004, 1), 0xff);
    cfg_write(0x18, 4, PCI_CMD_IO, 2);
    CHECK_EQ(ioport_read(&io, 0xc004, 1), 0x104);
    ioport_write(&io, 0xc01f, 0x5a, 1);
    CHECK_EQ(last_write_off, 0x1f);
    CHECK_EQ(last_write_val, 0x5a);
    CHECK_EQ(ioport_read(&io, 0xc020, 1), 0xff); /* past the BAR */
    CHECK_EQ(phys_read(&mem, 0xfebf0010u, 4), 0xffffffffu); /* memory decode still off */
    cfg_write(0x18, 4, PCI_CMD_IO | PCI_CMD_MEMORY, 2);
    CHECK_EQ(phys_read(&mem, 0xfebf0010u, 4), 0x2010);
    /* ...and the BAR: moved, the old place is empty. */
    cfg_write(0x18, 0x10, 0xd000, 4);
    CHECK_EQ(ioport_read(&io, 0xc004, 1), 0xff);
    CHECK_EQ(ioport_read(&io, 0xd004, 2), 0x104);
    cfg_write(0x18, 0x14, 0xfeb00000u, 4);
    CHECK_EQ(phys_read(&mem, 0xfebf0010u, 4), 0xffffffffu);
    CHECK_EQ(phys_read(&mem, 0xfeb00ffcu, 4), 0x2ffc);
    /* An I/O BAR in ISA space (below 0x1000) is not decoded. */
    cfg_write(0x18, 0x10, 0x0300, 4);
    CHECK_EQ(ioport_read(&io, 0x304, 1), 0xff);
    cfg_write(0x18, 0x10, 0xd000, 4);
    /* Moving a memory BAR forever: one window follows it, the map does not grow. */
    int regions = mem.nregions;
    for (uint32_t i = 0; i < 40; i++)
        cfg_write(0x18, 0x14, 0x80000000u + i * 0x10000, 4);
    CHECK_EQ(phys_read(&mem, 0x80270004u, 4), 0x2004);
    CHECK_EQ(phys_read(&mem, 0x80000004u, 4), 0xffffffffu);
    cfg_write(0x18, 0x14, 0xfeb00000u, 4);
    CHECK_EQ(phys_read(&mem, 0xfeb00004u, 4), 0x2004);
    CHECK_EQ(phys_read(&mem, 0x80270004u, 4), 0xffffffffu);
    CHECK(mem.nregions <= regions + 1);
    /* Over RAM the BAR is not decoded (the i440FX's PCI hole starts above
     * RAM), and once moved away it leaves RAM as it was. */
    phys_write(&mem, 0x8004, 0x5a5a5a5a, 4);
    cfg_write(0x18, 0x14, 0x8000, 4);
    CHECK_EQ(phys_read(&mem, 0x8004, 4), 0x5a5a5a5a);
    CHECK_EQ(phys_read(&mem, 0xfeb00004u, 4), 0xffffffffu);
    cfg_write(0x18, 0x14, 0xfeb00000u, 4);
    CHECK_EQ(phys_read(&mem, 0x8004, 4), 0x5a5a5a5a);
    CHECK_EQ(phys_read(&mem, 0xfeb00004u, 4), 0x2004);

    /* Expansion ROM (0x30): a 5000-byte image in an 8 KiB BAR, in slot 5. */
    static uint8_t image[5000];
    for (unsigned i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i * 7 + 1);
    struct pci_dev *r = calloc(1, sizeof(*r));
    pci_dev_init(r, 0x1234, 0x4321, 0x020000, 0);
    pci_set_rom(r, image, sizeof(image));
    CHECK_EQ(pci_host_plug(h, r, PCI_DEVFN(5, 0)), 0);
    CHECK_EQ(cfg_read(0x28, 0x30, 4), 0);
    cfg_write(0x28, 0x30, 0xffffffffu, 4); /* sizing: the mask and the enable bit */
    CHECK_EQ(cfg_read(0x28, 0x30, 4), 0xffffe001u);
    cfg_write(0x20, 0x30, 0xffffffffu, 4); /* a function without a ROM: nothing there */
    CHECK_EQ(cfg_read(0x20, 0x30, 4), 0);
    cfg_write(0x28, 0x30, 0xfeb41234u, 4); /* low bits forced by the size */
    CHECK_EQ(cfg_read(0x28, 0x30, 4), 0xfeb40000u);
    cfg_write(0x28, 4, PCI_CMD_MEMORY, 2);
    CHECK_EQ(phys_read(&mem, 0xfeb40000u, 4), 0xffffffffu); /* enable bit clear */
    cfg_write(0x28, 0x30, 0xfeb40001u, 4);
    CHECK_EQ(phys_read(&mem, 0xfeb40000u, 4), 0x160f0801u);
    CHECK_EQ(phys_read(&mem, 0xfeb40000u + 4998, 2), (uint32_t)(image[4999] << 8 | image[4998]));
    CHECK_EQ(phys_read(&mem, 0xfeb40000u + 4998, 4), (uint32_t)(image[4999] << 8 | image[4998]));
    CHECK_EQ(phys_read(&mem, 0xfeb41ffcu, 4), 0); /* past the image, inside the BAR */
    CHECK_EQ(phys_read(&mem, 0xfeb42000u, 4), 0xffffffffu);
    phys_write(&mem, 0xfeb40000u, 0, 4); /* read-only */
    CHECK_EQ(phys_read(&mem, 0xfeb40000u, 4), 0x160f0801u);
    CHECK_EQ(image[0], 1);
    cfg_write(0x28, 4, 0, 2);
    CHECK_EQ(phys_read(&mem, 0xfeb40000u, 4), 0xffffffffu); /* memory decode off */
    cfg_write(0x28, 4, PCI_CMD_MEMORY, 2);
    cfg_write(0x28, 0x30, 0xfeb80001u, 4); /* moved: the old place is empty */
    CHECK_EQ(phys_read(&mem, 0xfeb40000u, 4), 0xffffffffu);
    CHECK_EQ(phys_read(&mem, 0xfeb80000u, 4), 0x160f0801u);
    phys_write(&mem, 0x8000, 0x5a5a5a5a, 4); /* over RAM: RAM answers */
    cfg_write(0x28, 0x30, 0x8001u, 4);
    CHECK_EQ(phys_read(&mem, 0x8000, 4), 0x5a5a5a5a);
    CHECK_EQ(phys_read(&mem, 0xfeb80000u, 4), 0xffffffffu);
    cfg_write(0x28, 0x30, 0xfeb80001u, 4);
    pci_dev_reset(r);
    CHECK_EQ(cfg_read(0x28, 0x30, 4), 0);
    CHECK_EQ(phys_read(&mem, 0xfeb80000u, 4), 0xffffffffu);

    /* INTx: slot 3 INTA is PIRQC, slot 4 INTB is PIRQA (QEMU's pc swizzle). */
    cfg_write(0x08, 0x62, 11, 1); /* PIRQC -> IRQ 11 */
    pci_set_intx(t, 1);
    CHECK_EQ(pirq_level[2], 1);
    CHECK_EQ(isa_level[11], 1);
    CHECK_EQ(cfg_read(0x18, 6, 1) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    cfg_write(0x18, 4, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_INTX_DISABLE, 2);
    CHECK_EQ(isa_level[11], 0);
    CHECK_EQ(cfg_read(0x18, 6, 1) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    cfg_write(0x18, 4, PCI_CMD_IO | PCI_CMD_MEMORY, 2);
    CHECK_EQ(isa_level[11], 1);
    /* Shared: PIRQA to IRQ 11 too; the line stays up until both drop. */
    cfg_write(0x08, 0x60, 11, 1);
    pci_set_intx(u, 1);
    CHECK_EQ(pirq_level[0], 1);
    pci_set_intx(t, 0);
    CHECK_EQ(isa_level[11], 1);
    pci_set_intx(u, 0);
    CHECK_EQ(isa_level[11], 0);
    /* Rerouting a raised PIRQ moves the level; disabled and reserved IRQs route nowhere. */
    pci_set_intx(t, 1);
    cfg_write(0x08, 0x62, 5, 1);
    CHECK_EQ(isa_level[11], 0);
    CHECK_EQ(isa_level[5], 1);
    cfg_write(0x08, 0x62, 0x85, 1);
    CHECK_EQ(isa_level[5], 0);
    cfg_write(0x08, 0x62, 0x02, 1); /* IRQ 2 is the cascade */
    CHECK_EQ(isa_level[2], 0);
    cfg_write(0x08, 0x62, 0x0d, 1); /* IRQ 13: the FPU's */
    CHECK_EQ(isa_level[13], 0);
    CHECK_EQ(pirq_level[2], 1);
    pci_set_intx(t, 0);

    /* i440FX: PAM and SMRAM. */
    int calls = pam_calls;
    cfg_write(0x00, 0x59, 0x30, 1);
    cfg_write(0x00, 0x5c, 0x33221133u, 4);
    CHECK_EQ(cfg_read(0x00, 0x59, 1), 0x30);
    CHECK_EQ(cfg_read(0x00, 0x5c, 4), 0x33221133u);
    CHECK_EQ(pam_calls, calls + 2);
    CHECK_EQ(pam_seen[0], 0x30);
    CHECK_EQ(pam_seen[6], 0x33);
    CHECK_EQ(cfg_read(0x00, 0x72, 1), 0x02);
    cfg_write(0x00, 0x72, 0xff, 1);
    CHECK_EQ(cfg_read(0x00, 0x72, 1), 0x3a); /* D_LCK: D_OPEN reads 0 */
    cfg_write(0x00, 0x72, 0x4a, 1);
    CHECK_EQ(cfg_read(0x00, 0x72, 1), 0x3a); /* locked */
    CHECK_EQ(cfg_read(0x08, 0x60, 1), 11);

    /* Reset: PAM, SMRAM, routes, command, BARs and the device-specific
     * registers as at power-on (fuzz_ide found them kept). */
    cfg_write(0x18, 0x44, 0x55, 1);
    CHECK_EQ(cfg_read(0x18, 0x44, 1), 0x55);
    i440fx_reset(nb);
    piix3_reset(sb);
    pci_dev_reset(t);
    CHECK_EQ(cfg_read(0x00, 0x5c, 4), 0);
    CHECK_EQ(cfg_read(0x00, 0x72, 1), 0x02);
    cfg_write(0x00, 0x72, 0x40, 1);
    CHECK_EQ(cfg_read(0x00, 0x72, 1), 0x42); /* unlocked again */
    CHECK_EQ(cfg_read(0x08, 0x60, 4), 0x80808080u);
    CHECK_EQ(cfg_read(0x08, 0x04, 2), 0x0007);
    CHECK_EQ(cfg_read(0x18, 0x04, 2), 0);
    CHECK_EQ(cfg_read(0x18, 0x10, 4), 1);
    CHECK_EQ(ioport_read(&io, 0xd004, 1), 0xff);
    CHECK_EQ(cfg_read(0x18, 0x44, 1), 0);
    return check_done("test_pci");
}
