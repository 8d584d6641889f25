/*
 * fuzz_ide.c - any sequence of accesses to the PIIX3 IDE controller with a
 * disk on the primary channel: task file, device control, bus-master
 * registers, PRD tables and buffers anywhere in (or outside) guest RAM, the
 * function's configuration space.  Nothing may crash, read or write outside
 * guest RAM or the image, or leave state that the next input can see.
 *
 * The input is a list of 6-byte records: an operation byte, a selector and
 * a 32-bit value.  Operation bit 0: write (else read); bits 1-2: size (1,
 * 2, 4, 4 bytes); bits 3-7: an index N for the selectors that take one.
 * Selector (mod 32): 0-7 port 0x1F0 + n, 8 port 0x3F6, 9-24 bus-master port
 * BAR4 + (n - 9), 25 the dword at PRD_AREA + 4N in RAM (a PRD table lives
 * there), 26 configuration register 4N of 00:01.1, 27 256 accesses to the
 * data port (a whole sector by PIO), 28 port 0x170 + (N mod 8) and 29 port
 * 0x376 (the ATAPI CD-ROM on the secondary master, on the same image),
 * 30 256 accesses to its data port.  Before each input the controller is
 * reset, its BAR4 placed at 0xC000 with I/O and bus mastering on, RAM
 * cleared, and the disk reopened (-snapshot), so that no write survives.
 */
#include "tests/fuzz/fuzz.h"
#include "block/image.h"
#include "hw/ide.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "hw/pic8259.h"
#include "hw/piix3.h"
#include "hw/piix_ide.h"
#include "machine/machine.h"
#include "softmmu/ioport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BM 0xc000
#define PRD_AREA 0x1000
#define SECTORS 256

static struct machine *m;
static struct block *disk, *cd;
static char image[] = "/tmp/bt86-fuzz-ide.XXXXXX";
static uint64_t result;

static void unlink_image(void)
{
    unlink(image);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    m = fuzz_machine(4);
    int fd = mkstemp(image);
    uint8_t s[512];
    for (int lba = 0; fd >= 0 && lba < SECTORS; lba++) {
        for (int i = 0; i < 512; i++)
            s[i] = (uint8_t)(lba + i);
        if (write(fd, s, sizeof(s)) != (ssize_t)sizeof(s)) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        perror("fuzz_ide: image");
        exit(1);
    }
    close(fd);
    atexit(unlink_image);
    return 0;
}

static struct pci_dev *ide_fn(void)
{
    return pci_host_dev(m->pci, PCI_DEVFN(1, 1));
}

static void reset(void)
{
    char err[256];
    if (disk)
        block_close(disk);
    disk = block_open(image, 0, 1, err, sizeof(err));
    if (!cd)
        cd = block_open(image, 1, 0, err, sizeof(err));
    if (!disk || !cd) {
        fprintf(stderr, "fuzz_ide: %s\n", err);
        exit(1);
    }
    pic_reset(m->pic);
    piix3_reset(m->piix3);
    piix_ide_reset(m->ide);
    ide_attach_disk(piix_ide_channel(m->ide, 0), 0, disk, "FUZZ");
    ide_attach_cdrom(piix_ide_channel(m->ide, 1), 0, cd, "FUZZCD");
    ide_channel_reset(piix_ide_channel(m->ide, 1));
    pci_config_write(ide_fn(), PCI_BAR0 + 16, BM, 4);
    pci_config_write(ide_fn(), PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MASTER, 2);
    memset(m->ram, 0, m->ram_size);
}

static void access_port(int write, uint16_t port, uint32_t value, int size)
{
    if (write)
        ioport_write(&m->io, port, value, size);
    else
        result = fuzz_hash(result, &(uint32_t){ ioport_read(&m->io, port, size) }, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int sizes[4] = { 1, 2, 4, 4 };
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    reset();
    result = FUZZ_HASH_INIT;
    for (size_t i = 0; i + 6 <= size; i += 6) {
        int op = data[i], sel = data[i + 1] & 31, n = op >> 3, wr = op & 1;
        int sz = sizes[op >> 1 & 3];
        uint32_t v = data[i + 2] | data[i + 3] << 8 | data[i + 4] << 16 |
                     (uint32_t)data[i + 5] << 24;
        if (sel < 8) {
            access_port(wr, 0x1f0 + sel, v, sz);
        } else if (sel == 8) {
            access_port(wr, 0x3f6, v, sz);
        } else if (sel < 25) {
            access_port(wr, BM + sel - 9, v, sz);
        } else if (sel == 25) {
            memcpy(m->ram + PRD_AREA + 4 * n, &v, 4);
        } else if (sel == 26) {
            if (wr)
                pci_config_write(ide_fn(), 4 * n, v, sz);
            else
                result = fuzz_hash(result, &(uint32_t){ pci_config_read(ide_fn(), 4 * n, sz) },
                                   4);
        } else if (sel == 27 || sel == 30) {
            for (int k = 0; k < 256; k++)
                access_port(wr, sel == 27 ? 0x1f0 : 0x170, v, 2);
        } else if (sel == 28) {
            access_port(wr, 0x170 + (n & 7), v, sz);
        } else if (sel == 29) {
            access_port(wr, 0x376, v, sz);
        }
        m->reset_request = 0;
    }
    result = fuzz_hash(result, &(int){ machine_irq_ack(m) }, sizeof(int));
    return 0;
}

uint64_t fuzz_result_hash(void)
{
    return fuzz_hash(result, m->ram, m->ram_size);
}
