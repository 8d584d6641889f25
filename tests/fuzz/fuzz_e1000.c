/*
 * fuzz_e1000.c - any sequence of register accesses, descriptor and buffer
 * contents, frames from the wire, I/O window and configuration writes to
 * the e1000 behind a fake netdev.  Nothing may crash, read or write outside
 * guest RAM, loop without end, or leave state the next input can see.
 *
 * The input is a list of 7-byte records: an operation byte, a 16-bit index
 * N and a 32-bit value V.  Operation (mod 8): 0 write V to register 4N,
 * 1 read register 4N, 2 the dword at DESC_AREA + 4N in RAM (rings and
 * buffers live there), 3 a frame of V mod 2048 bytes from the wire (to the
 * NIC's MAC, or broadcast when N is odd), 4 the I/O window (N bit 0 write,
 * bit 1 IODATA), 5 configuration register 4N but BAR0, 6 the rings placed in the
 * area and both directions on, 7 a frame sent is looped back to the NIC.
 * Before each input the NIC is reset with memory and bus mastering on, the
 * RAM cleared and the frames kept for the NIC dropped.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/e1000.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "net/net.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (1u << 20)
#define DESC_AREA 0x10000u
#define AREA_SIZE 0x40000u
#define IO_BASE 0xc000

static struct ioports io;
static struct mem_map mem;
static uint8_t *ram;
static struct pci_dev *dev;
static struct e1000 *nic;
static struct netdev nd;
static uint64_t result;
static int loopback;
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void fake_send(struct netdev *n, const uint8_t *frame, size_t len)
{
    result = fuzz_hash(result, &len, sizeof(len));
    result = fuzz_hash(result, frame, len);
    /* Once: a looped frame that is sent again would not end. */
    if (loopback) {
        loopback = 0;
        netdev_deliver(n, frame, len);
    }
}

static const struct netdev_ops fake_ops = { .send = fake_send };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ioport_init(&io);
    mem_init(&mem, NULL);
    ram = calloc(1, RAM_SIZE);
    if (!ram)
        abort();
    mem_add_ram(&mem, 0, RAM_SIZE, ram, "ram");
    struct pci_host *h = pci_host_create(&io, &mem);
    netdev_init(&nd, "fuzz", &fake_ops, NULL);
    nic = e1000_create(h, PCI_DEVFN(3, 0), &nd, mac, NULL, 0);
    if (!nic)
        abort();
    dev = pci_host_dev(h, PCI_DEVFN(3, 0));
    return 0;
}

static void reset(void)
{
    e1000_reset(nic);
    pci_config_write(dev, PCI_BAR0 + 4, IO_BASE, 4);
    pci_config_write(dev, PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER, 2);
    memset(ram, 0, RAM_SIZE); /* the NIC may have written anywhere in it */
    loopback = 0;
}

static void frame(int bcast, uint32_t v)
{
    uint8_t f[2048];
    size_t len = v % sizeof(f);
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)(v >> (8 * (i & 3))) ^ (uint8_t)i;
    if (len >= 6)
        memcpy(f, bcast ? (const uint8_t *)"\xff\xff\xff\xff\xff\xff" : mac, 6);
    netdev_deliver(&nd, f, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!nic)
        LLVMFuzzerInitialize(NULL, NULL);
    reset();
    result = FUZZ_HASH_INIT;
    for (size_t i = 0; i + 7 <= size; i += 7) {
        int op = data[i] & 7;
        unsigned n = data[i + 1] | data[i + 2] << 8;
        uint32_t v = data[i + 3] | data[i + 4] << 8 | data[i + 5] << 16 |
                     (uint32_t)data[i + 6] << 24;
        uint32_t r;
        switch (op) {
        case 0:
            e1000_reg_write(nic, 4 * n, v);
            break;
        case 1:
            r = e1000_reg_read(nic, 4 * n);
            result = fuzz_hash(result, &r, 4);
            break;
        case 2:
            memcpy(ram + DESC_AREA + (4 * n) % AREA_SIZE, &v, 4);
            break;
        case 3:
            frame(n & 1, v);
            break;
        case 4:
            if (n & 1) {
                ioport_write(&io, IO_BASE + (n & 2 ? 4 : 0), v, 4);
            } else {
                r = ioport_read(&io, IO_BASE + (n & 2 ? 4 : 0), 4);
                result = fuzz_hash(result, &r, 4);
            }
            break;
        case 5:
            /* Not BAR0: the host decodes every place a memory BAR was ever
             * put (hw/pci_host.c), so a placement would outlive the input. */
            if (((4 * n) & 0xfc) != PCI_BAR0)
                pci_config_write(dev, (4 * n) & 0xfc, v, 4);
            break;
        case 6:
            e1000_reg_write(nic, 0x2800, DESC_AREA);
            e1000_reg_write(nic, 0x2808, 128);
            e1000_reg_write(nic, 0x3800, DESC_AREA + 0x1000);
            e1000_reg_write(nic, 0x3808, 128);
            e1000_reg_write(nic, 0x100, 0x8002 | (v & 0x06030000u)); /* EN, BAM; BSIZE, SECRC */
            e1000_reg_write(nic, 0x400, 2);
            break;
        case 7:
            loopback = 1;
            break;
        }
    }
    result = fuzz_hash(result, &(int){ dev->intx }, sizeof(int));
    result = fuzz_hash(result, &(int){ nd.queued }, sizeof(int));
    netdev_purge(&nd);
    return 0;
}

uint64_t fuzz_result_hash(void)
{
    return fuzz_hash(result, ram, RAM_SIZE);
}
