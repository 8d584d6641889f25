/*
 * test_ide.c - what a guest cannot make the IDE controller and the image
 * layer do: DMA outside guest RAM (bad PRD tables, bad buffers, tables
 * that never end), DMA without bus mastering, writes to a read-only
 * image; and the image checks: size, lock between two users, -snapshot
 * leaving the file alone.  (The guest-visible protocols are compared with
 * QEMU by guests/pciide.)
 */
#include "block/image.h"
#include "hw/ide.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "hw/piix_ide.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct ioports io;
static struct mem_map mem;
static struct smc smc;

#define RAM_SIZE (1u << 20)
#define SECTORS 300
#define BM 0xc000

static uint8_t *ram;
static int irq_level[16];

static void isa_irq(void *o, int irq, int level)
{
    (void)o;
    irq_level[irq] = level;
}

static uint8_t pattern(uint32_t lba, unsigned i)
{
    return (uint8_t)(lba * 13 + i * 7 + 1);
}

static char *make_image(uint32_t bytes)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/test_ide.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    uint8_t s[512];
    for (uint32_t off = 0; off < bytes; off += 512) {
        for (unsigned i = 0; i < 512; i++)
            s[i] = pattern(off / 512, i);
        uint32_t n = bytes - off < 512 ? bytes - off : 512;
        if (write(fd, s, n) != (ssize_t)n)
            abort();
    }
    close(fd);
    return path;
}

static void put_prd(uint32_t at, uint32_t addr, uint32_t count, int last)
{
    uint32_t w[2] = { addr, (count & 0xffff) | (last ? 0x80000000u : 0) };
    memcpy(ram + at, w, 8);
}

static void cmd_lba28(uint8_t cmd, uint32_t lba, uint8_t count)
{
    ioport_write(&io, 0x1f6, 0xe0 | (lba >> 24 & 0xf), 1);
    ioport_write(&io, 0x1f2, count, 1);
    ioport_write(&io, 0x1f3, lba & 0xff, 1);
    ioport_write(&io, 0x1f4, lba >> 8 & 0xff, 1);
    ioport_write(&io, 0x1f5, lba >> 16 & 0xff, 1);
    ioport_write(&io, 0x1f7, cmd, 1);
}

/* READ DMA of count sectors from lba with the PRD table at prdt; returns
 * the bus-master status << 8 | the drive's status. */
static unsigned read_dma(uint32_t prdt, uint32_t lba, uint8_t count)
{
    ioport_write(&io, BM, 0, 1);
    ioport_write(&io, BM + 2, 0x06, 1);
    ioport_write(&io, BM + 4, prdt, 4);
    cmd_lba28(0xc8, lba, count);
    ioport_write(&io, BM, 0x09, 1);
    unsigned bms = ioport_read(&io, BM + 2, 1);
    ioport_write(&io, BM, 0, 1);
    return bms << 8 | ioport_read(&io, 0x1f7, 1);
}

static unsigned bad_bytes(uint32_t addr, uint32_t lba, unsigned sectors)
{
    unsigned bad = 0;
    for (unsigned s = 0; s < sectors; s++)
        for (unsigned i = 0; i < 512; i++)
            bad += ram[addr + s * 512 + i] != pattern(lba + s, i);
    return bad;
}

static void image_checks(void)
{
    char err[512];
    char *path = make_image(SECTORS * 512);
    struct block *a = block_open(path, 0, 0, err, sizeof(err));
    CHECK(a != NULL);
    /* Locked: a second writer, and a reader, are refused while a writer holds it. */
    CHECK(block_open(path, 0, 0, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "locked") != NULL);
    CHECK(block_open(path, 1, 0, err, sizeof(err)) == NULL);
    CHECK(block_open(path, 0, 1, err, sizeof(err)) == NULL); /* -snapshot reads it */
    block_close(a);
    /* Readers share; a writer is refused while one reads. */
    struct block *r1 = block_open(path, 1, 0, err, sizeof(err));
    struct block *r2 = block_open(path, 0, 1, err, sizeof(err));
    CHECK(r1 && r2);
    CHECK(block_open(path, 0, 0, err, sizeof(err)) == NULL);
    /* Snapshot: the write reads back, the file is untouched. */
    uint8_t buf[1024], orig[1024];
    memset(buf, 0xab, sizeof(buf));
    CHECK_EQ(block_write(r2, 130, buf, 2), 0);
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(block_read(r2, 129, buf, 2), 0);
    CHECK_EQ(buf[0], pattern(129, 0));
    CHECK_EQ(buf[512], 0xab);
    CHECK_EQ(block_read(r1, 130, orig, 1), 0);
    CHECK_EQ(orig[0], pattern(130, 0));
    /* Read-only: no writes; out of range: refused. */
    CHECK_EQ(block_write(r1, 0, buf, 1), -1);
    CHECK_EQ(block_read(r1, SECTORS - 1, buf, 2), -1);
    CHECK_EQ(block_read(r1, UINT64_MAX, buf, 1), -1);
    block_close(r1);
    block_close(r2);
    unlink(path);
    free(path);

    /* Sizes: not a multiple of 512, empty; missing. */
    path = make_image(1000);
    CHECK(block_open(path, 0, 0, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "multiple of 512") != NULL);
    unlink(path);
    free(path);
    path = make_image(0);
    CHECK(block_open(path, 1, 0, err, sizeof(err)) == NULL);
    unlink(path);
    CHECK(block_open(path, 1, 0, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "cannot open") != NULL);
    free(path);
}

int main(void)
{
    image_checks();

    ioport_init(&io);
    smc_init(&smc, RAM_SIZE);
    mem_init(&mem, &smc);
    ram = calloc(1, RAM_SIZE);
    mem_add_ram(&mem, 0, RAM_SIZE, ram, "ram");
    struct pci_host *h = pci_host_create(&io, &mem);
    struct piix_ide *ide = piix_ide_create(h, PCI_DEVFN(1, 1), isa_irq, NULL);
    char err[256];
    char *path = make_image(SECTORS * 512);
    struct block *disk = block_open(path, 0, 1, err, sizeof(err));
    CHECK(disk != NULL);
    ide_attach_disk(piix_ide_channel(ide, 0), 0, disk, "TEST");
    struct pci_dev *fn = pci_host_dev(h, PCI_DEVFN(1, 1));
    pci_config_write(fn, 0x20, BM, 4);
    pci_config_write(fn, PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MASTER, 2);

    /* A good transfer through two PRDs. */
    put_prd(0x1000, 0x10000, 512, 0);
    put_prd(0x1008, 0x10200, 1024, 1);
    CHECK_EQ(read_dma(0x1000, 7, 3), 0x0450);
    CHECK_EQ(bad_bytes(0x10000, 7, 3), 0);

    /* The PRD table outside RAM: error, interrupt, ABRT; nothing moved. */
    CHECK_EQ(read_dma(0x200000, 7, 1), 0x0641);
    CHECK_EQ(ioport_read(&io, 0x1f1, 1), 0x04);
    /* Straddling the end of RAM. */
    CHECK_EQ(read_dma(RAM_SIZE - 4, 7, 1), 0x0641);
    /* A buffer outside RAM, or running off its end. */
    put_prd(0x1000, 0xfff00000u, 512, 1);
    CHECK_EQ(read_dma(0x1000, 7, 1), 0x0641);
    put_prd(0x1000, RAM_SIZE - 256, 512, 1);
    memset(ram + RAM_SIZE - 256, 0, 256);
    CHECK_EQ(read_dma(0x1000, 7, 1), 0x0641);
    /* A table that ends before the transfer. */
    put_prd(0x1000, 0x10000, 512, 1);
    CHECK_EQ(read_dma(0x1000, 7, 2), 0x0641);
    /* A table that never ends: 2-byte entries without EOT, more than a
     * table can hold; the engine gives up instead of walking RAM. */
    for (uint32_t i = 0; i < 12000; i++)
        put_prd(0x20000 + 8 * i, 0x10000, 2, 0);
    CHECK_EQ(read_dma(0x20000, 0, 64), 0x0641);
    /* A table larger than the transfer: done, ACTIVE still set. */
    put_prd(0x1000, 0x10000, 4096, 1);
    memset(ram + 0x10000, 0, 4096);
    CHECK_EQ(read_dma(0x1000, 40, 2), 0x0550);
    CHECK_EQ(bad_bytes(0x10000, 40, 2), 0);

    /* Without bus mastering, the command waits; enabling it runs it. */
    pci_config_write(fn, PCI_COMMAND, PCI_CMD_IO, 2);
    put_prd(0x1000, 0x10000, 512, 1);
    memset(ram + 0x10000, 0, 512);
    ioport_write(&io, BM + 2, 0x06, 1);
    ioport_write(&io, BM + 4, 0x1000, 4);
    cmd_lba28(0xc8, 9, 1);
    ioport_write(&io, BM, 0x09, 1);
    CHECK_EQ(ioport_read(&io, BM + 2, 1), 0x01);
    CHECK_EQ(ioport_read(&io, 0x3f6, 1) & 0x80, 0x80); /* BSY */
    CHECK_EQ(ram[0x10000] | ram[0x10001] | ram[0x101ff], 0);
    pci_config_write(fn, PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MASTER, 2);
    CHECK_EQ(ioport_read(&io, BM + 2, 1), 0x04);
    CHECK_EQ(ioport_read(&io, 0x1f7, 1), 0x50);
    CHECK_EQ(bad_bytes(0x10000, 9, 1), 0);
    ioport_write(&io, BM, 0, 1);

    /* Selecting the absent slave while the master's DMA command waits:
     * ignored, the transfer is the master's (fuzz_ide found bt86 running it
     * on the empty position and crashing). */
    put_prd(0x1000, 0x10000, 512, 1);
    memset(ram + 0x10000, 0, 512);
    ioport_write(&io, BM + 2, 0x06, 1);
    ioport_write(&io, BM + 4, 0x1000, 4);
    cmd_lba28(0xc8, 11, 1);
    ioport_write(&io, 0x1f6, 0xb0, 1);
    ioport_write(&io, BM, 0x09, 1);
    CHECK_EQ(ioport_read(&io, BM + 2, 1), 0x04);
    CHECK_EQ(ioport_read(&io, 0x1f6, 1), 0xe0);
    CHECK_EQ(bad_bytes(0x10000, 11, 1), 0);
    ioport_write(&io, BM, 0, 1);

    /* Commands: unknown aborts; past the end aborts; nIEN holds INTRQ down. */
    cmd_lba28(0x00, 0, 0);
    CHECK_EQ(ioport_read(&io, 0x1f7, 1), 0x41);
    CHECK_EQ(ioport_read(&io, 0x1f1, 1), 0x04);
    cmd_lba28(0x20, SECTORS - 1, 2);
    CHECK_EQ(ioport_read(&io, 0x1f7, 1), 0x41);
    ioport_write(&io, 0x3f6, 0x02, 1);
    cmd_lba28(0xe7, 0, 0);
    CHECK_EQ(irq_level[14], 0);
    ioport_write(&io, 0x3f6, 0x00, 1);
    CHECK_EQ(irq_level[14], 1); /* still pending: shows once unmasked */
    CHECK_EQ(ioport_read(&io, 0x3f6, 1), 0x50); /* alternate status: no acknowledge */
    CHECK_EQ(irq_level[14], 1);
    ioport_read(&io, 0x1f7, 1);
    CHECK_EQ(irq_level[14], 0);
    /* The absent slave reads 0 and ignores commands. */
    ioport_write(&io, 0x1f6, 0xb0, 1);
    CHECK_EQ(ioport_read(&io, 0x1f7, 1), 0);
    ioport_write(&io, 0x1f7, 0xec, 1);
    CHECK_EQ(irq_level[14], 0);
    /* The empty secondary channel reads 0. */
    CHECK_EQ(ioport_read(&io, 0x177, 1), 0);

    /* A data port hammered with no command: all ones, nothing moves. */
    ioport_write(&io, 0x1f6, 0xe0, 1);
    for (int i = 0; i < 1000; i++)
        ioport_write(&io, 0x1f0, 0x1234, 2);
    CHECK_EQ(ioport_read(&io, 0x1f0, 2), 0xffff);

    /* ATAPI DMA with the bus master started before the packet arrives (as
     * libata does), then with a PRD outside RAM. */
    struct block *cd = block_open(path, 1, 0, err, sizeof(err));
    CHECK(cd != NULL);
    ide_attach_cdrom(piix_ide_channel(ide, 1), 0, cd, "TESTCD");
    ide_channel_reset(piix_ide_channel(ide, 1));
    for (int bad = 0; bad < 2; bad++) {
        put_prd(0x1000, bad ? 0x7fff0000u : 0x10000, 2048, 1);
        memset(ram + 0x10000, 0, 2048);
        ioport_write(&io, BM + 8, 0, 1);
        ioport_write(&io, BM + 10, 0x06, 1);
        ioport_write(&io, BM + 12, 0x1000, 4);
        ioport_write(&io, BM + 8, 0x09, 1);
        ioport_write(&io, 0x176, 0xa0, 1);
        ioport_write(&io, 0x171, 0x01, 1); /* DMA */
        ioport_write(&io, 0x177, 0xa0, 1);
        CHECK_EQ(ioport_read(&io, 0x177, 1), 0x58);
        CHECK_EQ(ioport_read(&io, 0x172, 1) & 3, 1); /* CoD: the packet, please */
        static const uint16_t read10[6] = { 0x0028, 0, 0x0300, 0, 0x0001, 0 }; /* LBA 3, 1 block */
        for (int i = 0; i < 6; i++)
            ioport_write(&io, 0x170, read10[i], 2);
        CHECK_EQ(ioport_read(&io, BM + 10, 1), bad ? 0x06 : 0x04);
        CHECK_EQ(ioport_read(&io, 0x177, 1), bad ? 0x41 : 0x50);
        CHECK_EQ(ioport_read(&io, 0x172, 1) & 3, 3);
        if (!bad) {
            CHECK_EQ(bad_bytes(0x10000, 12, 4), 0); /* CD block 3 = sectors 12-15 */
        } else {
            CHECK_EQ(ioport_read(&io, 0x171, 1), 0xb0); /* ABORTED COMMAND */
        }
        ioport_write(&io, BM + 8, 0, 1);
    }
    block_close(cd);

    /* A read-only image: PIO and DMA writes abort. */
    block_close(disk);
    disk = block_open(path, 1, 0, err, sizeof(err));
    ide_attach_disk(piix_ide_channel(ide, 0), 0, disk, "TEST");
    cmd_lba28(0x30, 3, 1);
    CHECK_EQ(ioport_read(&io, 0x1f7, 1), 0x41);
    CHECK_EQ(ioport_read(&io, 0x1f1, 1), 0x04);
    cmd_lba28(0xca, 3, 1);
    CHECK_EQ(ioport_read(&io, 0x1f7, 1), 0x41);
    block_close(disk);
    unlink(path);
    free(path);
    return check_done("test_ide");
}
