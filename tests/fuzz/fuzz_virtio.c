/*
 * fuzz_virtio.c - any sequence of driver actions on four virtio-pci
 * functions (virtio-blk on a 128 KiB image, virtio-rng, the virtio
 * console, virtio-net behind a fake netdev): their modern registers, MSI-X table, legacy I/O registers and
 * configuration space, and any bytes in the RAM where their rings and
 * buffers live, so descriptor chains that loop, point outside RAM (or
 * into MMIO), nest indirect tables or run past the queue.  Nothing may
 * crash, read or write outside guest RAM or the image, or leave state the
 * next input can see.
 *
 * The input is a list of 8-byte records: an operation byte, a selector, a
 * 16-bit offset and a 32-bit value.  Operation bit 0: write (else read);
 * bits 1-2: size (1, 2, 4, 4 bytes).  Selector bits 3-4: the device (0
 * blk, 1 rng, 2 console, 3 net); bits 0-2: 0 its BAR4 at the offset (mod 16
 * KiB), 1 its MSI-X BAR, 2 its legacy I/O BAR, 3 the RAM dword at 4 times
 * the offset (the first 256 KiB), 4 its configuration space, 5 a driver's
 * whole modern setup of queue (offset mod 8) with the value's low half as
 * its size and features VERSION_1 | INDIRECT (| EVENT_IDX with value bit
 * 16), rings at 0x1000, 0x3000, 0x4000; 6 a notification of queue (offset
 * mod 8), but on the net device offset bit 3 is a frame of (value mod
 * 2048) bytes from the wire and bit 4 sends the next frame the device
 * transmits back to it; 7 a legacy setup of that queue at PFN 1, features
 * the value.  Frames the net device transmits go into the result.
 * Before each input the functions, the PIIX3 (PIRQs to IRQ 10, 10, 11,
 * 11, as after machine reset), the 8259s and the APICs are reset, the
 * BARs placed, RAM cleared and the image reopened (-snapshot), so that no
 * write survives.
 */
#include "tests/fuzz/fuzz.h"
#include "block/image.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "hw/ioapic.h"
#include "hw/lapic.h"
#include "hw/pic8259.h"
#include "hw/piix3.h"
#include "hw/virtio.h"
#include "hw/virtio_blk.h"
#include "hw/virtio_console.h"
#include "hw/virtio_net.h"
#include "hw/virtio_rng.h"
#include "machine/machine.h"
#include "net/net.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECTORS 256
#define MMIO(d) (0xc0000000u + 0x10000u * (d)) /* clear of the VGA LFB at 0xe0000000 */
#define IO(d) (0xc100u + 0x40u * (d))

static struct machine *m;
static struct block *disk;
static struct virtio_blk *blk;
static struct virtio_rng *rng;
static struct virtio_console *con;
static struct virtio_net *net;
static struct netdev nd;
static int loopback;
static char image[] = "/tmp/bt86-fuzz-virtio.XXXXXX";
static uint64_t result;

static void unlink_image(void)
{
    unlink(image);
}

static void msi(void *opaque, uint32_t addr, uint32_t data)
{
    (void)opaque;
    result = fuzz_hash(result, &(uint64_t){ (uint64_t)addr << 32 | data }, 8);
}

/* The rng's bytes: the same for every run, so results compare. */
static long fixed_bytes(void *buf, unsigned long len)
{
    memset(buf, 0xa5, len);
    return (long)len;
}

static void fake_send(struct netdev *n, const uint8_t *frame, size_t len)
{
    result = fuzz_hash(result, &(uint64_t){ len }, 8);
    result = fuzz_hash(result, frame, len);
    /* Once: a looped frame that is sent again would not end. */
    if (loopback) {
        loopback = 0;
        netdev_deliver(n, frame, len);
    }
}

static const struct netdev_ops fake_ops = { .send = fake_send };

static void wire_frame(uint32_t v)
{
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    uint8_t f[2048];
    size_t len = v % sizeof(f);
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)(v >> (8 * (i & 3))) ^ (uint8_t)i;
    if (len >= 6)
        memcpy(f, mac, 6);
    netdev_deliver(&nd, f, len);
}

static struct pci_dev *fn(int d)
{
    return pci_host_dev(m->pci, PCI_DEVFN(5 + d, 0));
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
            s[i] = (uint8_t)(lba ^ i);
        if (write(fd, s, sizeof(s)) != (ssize_t)sizeof(s)) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        perror("fuzz_virtio: image");
        exit(1);
    }
    close(fd);
    atexit(unlink_image);
    char err[256];
    disk = block_open(image, 0, 1, err, sizeof(err));
    struct virtio_wiring w = { msi, NULL };
    if (disk)
        blk = virtio_blk_create(m->pci, PCI_DEVFN(5, 0), disk, "FUZZ", &w);
    rng = virtio_rng_create(m->pci, PCI_DEVFN(6, 0), &w);
    if (rng)
        virtio_rng_set_source(rng, fixed_bytes);
    con = virtio_console_create(m->pci, PCI_DEVFN(7, 0), NULL, &w);
    netdev_init(&nd, "fuzz", &fake_ops, NULL);
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    net = virtio_net_create(m->pci, PCI_DEVFN(8, 0), &nd, mac, &w);
    if (!blk || !rng || !con || !net) {
        fprintf(stderr, "fuzz_virtio: cannot create the devices: %s\n", disk ? "" : err);
        exit(1);
    }
    return 0;
}

static void reset(void)
{
    char err[256];
    block_close(disk);
    disk = block_open(image, 0, 1, err, sizeof(err));
    if (!disk) {
        fprintf(stderr, "fuzz_virtio: %s\n", err);
        exit(1);
    }
    virtio_blk_set_disk(blk, disk);
    virtio_blk_reset(blk);
    virtio_rng_reset(rng);
    virtio_console_reset(con);
    virtio_net_reset(net); /* and the frames kept for it dropped */
    loopback = 0;
    /* Then what INTx reached, with the lines low: a request an 8259 latched
     * on an edge would otherwise outlive the input. */
    piix3_reset(m->piix3);
    static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };
    for (int i = 0; i < 4; i++)
        pci_config_write(pci_host_dev(m->pci, PCI_DEVFN(1, 0)), PIIX3_PIRQ_ROUTE + i,
                         pirq_irq[i], 1);
    pic_reset(m->pic);
    ioapic_reset(m->ioapic);
    lapic_reset(m->lapic);
    for (int d = 0; d < 4; d++) {
        pci_config_write(fn(d), PCI_BAR0, IO(d), 4);
        pci_config_write(fn(d), PCI_BAR0 + 4, MMIO(d) + 0x8000, 4);
        pci_config_write(fn(d), PCI_BAR0 + 16, MMIO(d), 4);
        pci_config_write(fn(d), PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER, 2);
    }
    memset(m->ram, 0, m->ram_size);
}

static void mmio(int wr, uint32_t a, uint32_t v, int sz)
{
    if (wr)
        phys_write(&m->mem, a, v, sz);
    else
        result = fuzz_hash(result, &(uint32_t){ phys_read(&m->mem, a, sz) }, 4);
}

static void modern_setup(int d, unsigned q, uint32_t v)
{
    uint32_t c = MMIO(d);
    phys_write(&m->mem, c + 0x14, 0, 1);
    phys_write(&m->mem, c + 0x14, 3, 1);
    phys_write(&m->mem, c + 0x08, 0, 4);
    phys_write(&m->mem, c + 0x0c, 1u << 28 | (v >> 16 & 1) << 29, 4);
    phys_write(&m->mem, c + 0x08, 1, 4);
    phys_write(&m->mem, c + 0x0c, 1, 4);
    phys_write(&m->mem, c + 0x14, 11, 1);
    phys_write(&m->mem, c + 0x16, q, 2);
    phys_write(&m->mem, c + 0x18, v & 0xffff, 2);
    phys_write(&m->mem, c + 0x20, 0x1000, 4);
    phys_write(&m->mem, c + 0x28, 0x3000, 4);
    phys_write(&m->mem, c + 0x30, 0x4000, 4);
    phys_write(&m->mem, c + 0x1c, 1, 2);
    phys_write(&m->mem, c + 0x14, 15, 1);
}

static void legacy_setup(int d, unsigned q, uint32_t v)
{
    ioport_write(&m->io, IO(d) + 18, 0, 1);
    ioport_write(&m->io, IO(d) + 18, 3, 1);
    ioport_write(&m->io, IO(d) + 4, v, 4);
    ioport_write(&m->io, IO(d) + 14, q, 2);
    ioport_write(&m->io, IO(d) + 8, 1, 4);
    ioport_write(&m->io, IO(d) + 18, 7, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int sizes[4] = { 1, 2, 4, 4 };
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    reset();
    result = FUZZ_HASH_INIT;
    for (size_t i = 0; i + 8 <= size; i += 8) {
        int op = data[i], wr = op & 1, sz = sizes[op >> 1 & 3];
        int kind = data[i + 1] & 7, d = data[i + 1] >> 3 & 3;
        uint32_t off = data[i + 2] | data[i + 3] << 8;
        uint32_t v = data[i + 4] | data[i + 5] << 8 | data[i + 6] << 16 |
                     (uint32_t)data[i + 7] << 24;
        switch (kind) {
        case 0: mmio(wr, MMIO(d) + (off & 0x3fff), v, sz); break;
        case 1: mmio(wr, MMIO(d) + 0x8000 + (off & 0xfff), v, sz); break;
        case 2:
            if (wr)
                ioport_write(&m->io, IO(d) + (off & 0x3f), v, sz);
            else
                result = fuzz_hash(result, &(uint32_t){ ioport_read(&m->io, IO(d) + (off & 0x3f),
                                                                    sz) }, 4);
            break;
        case 3: memcpy(m->ram + 4 * off, &v, 4); break;
        case 4:
            if (wr)
                pci_config_write(fn(d), off & 0xff, v, sz);
            else
                result = fuzz_hash(result, &(uint32_t){ pci_config_read(fn(d), off & 0xff, sz) },
                                   4);
            break;
        case 5: modern_setup(d, off & 7, v); break;
        case 6:
            if (d == 3 && (off & 8))
                wire_frame(v);
            else if (d == 3 && (off & 16))
                loopback = 1;
            else
                phys_write(&m->mem, MMIO(d) + 0x3000 + 4 * (off & 7), off & 7, 2);
            break;
        case 7: legacy_setup(d, off & 7, v); break;
        }
        m->reset_request = 0;
    }
    result = fuzz_hash(result, &(int){ machine_irq_ack(m) }, sizeof(int));
    result = fuzz_hash(result, &(int){ nd.queued }, sizeof(int));
    netdev_purge(&nd);
    return 0;
}

uint64_t fuzz_result_hash(void)
{
    return fuzz_hash(result, m->ram, m->ram_size);
}
