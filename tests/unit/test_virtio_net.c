/*
 * test_virtio_net.c - virtio-net against a fake network backend, driven
 * through its modern registers as a virtio 1.0 driver does: identity and
 * features, the MAC and link status in the configuration, transmission
 * (header and frame in separate buffers, a checksum left to the device
 * with NEEDS_CSUM, chains too short or too long for a frame), reception
 * (the 12-byte header, frames kept while the driver has no buffer and
 * handed over on its notify, a buffer too small for the frame, DATA_VALID
 * for a right TCP/UDP checksum and only then), a device
 * reset that drops the kept frames, and a chain outside RAM that sets
 * DEVICE_NEEDS_RESET.
 */
#include "hw/virtio_net.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "hw/virtio.h"
#include "net/net.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (1u << 20)
#define BAR4 0xc0000000u
#define COMMON BAR4
#define DEVCFG (BAR4 + 0x2000)
#define NOTIFY (BAR4 + 0x3000)
#define RXQ_AT 0x10000u /* desc, avail at +0x100, used at +0x200 */
#define TXQ_AT 0x11000u
#define BUF 0x20000u
#define QN 8

static struct ioports io;
static struct mem_map mem;
static uint8_t *ram;
static struct pci_dev *dev;
static struct virtio_net *vn;
static struct netdev nd;
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
static uint16_t avail_idx[2], used_seen[2];

static uint8_t sent[4][2048];
static size_t sent_len[4];
static int nsent;

static void fake_send(struct netdev *n, const uint8_t *frame, size_t len)
{
    (void)n;
    if (nsent < 4 && len <= sizeof(sent[0])) {
        memcpy(sent[nsent], frame, len);
        sent_len[nsent] = len;
    }
    nsent++;
}

static const struct netdev_ops fake_ops = { .send = fake_send };

static uint32_t get32(uint32_t a)
{
    uint32_t v;
    memcpy(&v, ram + a, 4);
    return v;
}

static uint16_t get16(uint32_t a)
{
    uint16_t v;
    memcpy(&v, ram + a, 2);
    return v;
}

static void put16(uint32_t a, uint16_t v)
{
    memcpy(ram + a, &v, 2);
}

static void desc(int q, int i, uint32_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *e = ram + (q ? TXQ_AT : RXQ_AT) + 16 * i;
    memset(e, 0, 16);
    memcpy(e, &addr, 4);
    memcpy(e + 8, &len, 4);
    memcpy(e + 12, &flags, 2);
    memcpy(e + 14, &next, 2);
}

/* Offer the chain at head on queue q and notify. */
static void offer(int q, uint16_t head)
{
    uint32_t avail = (q ? TXQ_AT : RXQ_AT) + 0x100;
    put16(avail + 4 + 2 * (avail_idx[q] % QN), head);
    put16(avail + 2, ++avail_idx[q]);
    phys_write(&mem, NOTIFY + 4 * q, (uint32_t)q, 2);
}

/* The next used entry's length, or -1 when there is none. */
static long used(int q)
{
    uint32_t u = (q ? TXQ_AT : RXQ_AT) + 0x200;
    if (get16(u + 2) == used_seen[q])
        return -1;
    long len = get32(u + 4 + 8 * (used_seen[q] % QN) + 4);
    used_seen[q]++;
    return len;
}

static uint8_t status(void)
{
    return (uint8_t)phys_read(&mem, COMMON + 0x14, 1);
}

static uint64_t start(uint64_t want)
{
    phys_write(&mem, COMMON + 0x14, 0, 1);
    phys_write(&mem, COMMON + 0x14, 3, 1);
    phys_write(&mem, COMMON + 0x00, 0, 4);
    uint64_t f = phys_read(&mem, COMMON + 0x04, 4);
    phys_write(&mem, COMMON + 0x00, 1, 4);
    f |= (uint64_t)phys_read(&mem, COMMON + 0x04, 4) << 32;
    phys_write(&mem, COMMON + 0x08, 0, 4);
    phys_write(&mem, COMMON + 0x0c, (uint32_t)(f & want), 4);
    phys_write(&mem, COMMON + 0x08, 1, 4);
    phys_write(&mem, COMMON + 0x0c, (uint32_t)((f & want) >> 32), 4);
    phys_write(&mem, COMMON + 0x14, 11, 1);
    memset(ram + RXQ_AT, 0, 0x2000);
    for (int q = 0; q < 2; q++) {
        uint32_t at = q ? TXQ_AT : RXQ_AT;
        phys_write(&mem, COMMON + 0x16, (uint32_t)q, 2);
        phys_write(&mem, COMMON + 0x18, QN, 2);
        phys_write(&mem, COMMON + 0x20, at, 4);
        phys_write(&mem, COMMON + 0x28, at + 0x100, 4);
        phys_write(&mem, COMMON + 0x30, at + 0x200, 4);
        phys_write(&mem, COMMON + 0x1c, 1, 2);
        avail_idx[q] = used_seen[q] = 0;
    }
    phys_write(&mem, COMMON + 0x14, 15, 1);
    nsent = 0;
    return f;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i < n; i += 2)
        s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

/* A UDP/IPv4 frame of n payload bytes at p; its checksum field holds the
 * pseudo-header's sum, as a driver leaves it with NEEDS_CSUM. */
static size_t udp_frame(uint8_t *p, size_t n)
{
    memset(p, 0, 42 + n);
    memset(p, 0xff, 6);
    memcpy(p + 6, mac, 6);
    p[12] = 0x08;
    uint8_t *ip = p + 14, *udp = ip + 20;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((28 + n) >> 8);
    ip[3] = (uint8_t)(28 + n);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    udp[0] = 0x04, udp[1] = 0x00, udp[2] = 0x00, udp[3] = 0x35;
    udp[4] = (uint8_t)((8 + n) >> 8);
    udp[5] = (uint8_t)(8 + n);
    for (size_t i = 0; i < n; i++)
        udp[8 + i] = (uint8_t)(i * 7 + 3);
    uint16_t ph = fold(sum16(ip + 12, 8, 17 + 8 + (uint32_t)n));
    udp[6] = (uint8_t)(ph >> 8);
    udp[7] = (uint8_t)ph;
    return 42 + n;
}

int main(void)
{
    ioport_init(&io);
    mem_init(&mem, NULL);
    ram = calloc(1, RAM_SIZE);
    if (!ram)
        abort();
    mem_add_ram(&mem, 0, RAM_SIZE, ram, "ram");
    struct pci_host *h = pci_host_create(&io, &mem);
    netdev_init(&nd, "test", &fake_ops, NULL);
    vn = virtio_net_create(h, PCI_DEVFN(3, 0), &nd, mac, NULL);
    CHECK(vn != NULL);
    CHECK(virtio_net_create(h, PCI_DEVFN(4, 0), &nd, mac, NULL) == NULL); /* nd is taken */
    dev = pci_host_dev(h, PCI_DEVFN(3, 0));
    CHECK(pci_host_dev(h, PCI_DEVFN(4, 0)) == NULL);

    /* Identity: transitional 1af4:1000, Ethernet, subsystem 1 (net). */
    CHECK_EQ(pci_config_read(dev, 0, 4), 0x10001af4);
    CHECK_EQ(pci_config_read(dev, 8, 4) >> 8, 0x020000);
    CHECK_EQ(pci_config_read(dev, 0x2c, 4), 0x00011af4);
    pci_config_write(dev, PCI_BAR0 + 16, BAR4, 4);
    pci_config_write(dev, PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_MASTER, 2);

    uint64_t all = ~0ull;
    uint64_t f = start(all);
    CHECK(f & 1ull << 5);    /* MAC */
    CHECK(f & 1ull << 16);   /* STATUS */
    CHECK(f & 1ull << 0);    /* CSUM */
    CHECK(f & 1ull << 32);   /* VERSION_1 */
    CHECK(!(f & 1ull << 15)); /* no MRG_RXBUF */
    CHECK(!(f & 1ull << 17)); /* no control queue */
    CHECK(f & 1ull << 1);     /* GUEST_CSUM */
    CHECK_EQ(status(), 15);
    CHECK_EQ(phys_read(&mem, COMMON + 0x12, 2), 2); /* num_queues */
    for (int i = 0; i < 6; i++)
        CHECK_EQ(phys_read(&mem, DEVCFG + i, 1), mac[i]);
    CHECK_EQ(phys_read(&mem, DEVCFG + 6, 2), 1); /* LINK_UP */

    /* Transmit: the header, then the frame in a buffer of its own. */
    memset(ram + BUF, 0, 12);
    size_t n = udp_frame(ram + BUF + 0x100, 100);
    uint8_t want[2048];
    memcpy(want, ram + BUF + 0x100, n);
    desc(1, 0, BUF, 12, 1, 1);
    desc(1, 1, BUF + 0x100, (uint32_t)n, 0, 0);
    offer(1, 0);
    CHECK_EQ(used(1), 0);
    CHECK_EQ(nsent, 1);
    CHECK_EQ(sent_len[0], n);
    CHECK(!memcmp(sent[0], want, n));

    /* NEEDS_CSUM: the device completes the UDP checksum (header and frame in one buffer). */
    uint8_t *hd = ram + BUF;
    memset(hd, 0, 12);
    hd[0] = 1;
    hd[6] = 34; /* csum_start */
    hd[8] = 6;  /* csum_offset */
    n = udp_frame(hd + 12, 333);
    desc(1, 2, BUF, (uint32_t)(12 + n), 0, 0);
    offer(1, 2);
    CHECK_EQ(used(1), 0);
    CHECK_EQ(nsent, 2);
    CHECK_EQ(sent_len[1], n);
    {
        const uint8_t *ip = sent[1] + 14;
        uint32_t s = sum16(ip + 12, 8, 17 + 8 + 333);
        CHECK_EQ(fold(sum16(ip + 20, 8 + 333, s)), 0xffff);
        CHECK(ip[26] || ip[27]);
    }
    /* A csum_start past the frame is ignored, not followed. */
    hd[6] = 0xff, hd[7] = 0x7f;
    offer(1, 2);
    CHECK_EQ(used(1), 0);
    CHECK_EQ(nsent, 3);

    /* A header alone, or a frame past 1518 bytes (no segmentation offered): nothing sent. */
    desc(1, 3, BUF, 12, 0, 0);
    offer(1, 3);
    desc(1, 4, BUF, 12 + 1600, 0, 0);
    offer(1, 4);
    CHECK_EQ(used(1), 0);
    CHECK_EQ(used(1), 0);
    CHECK_EQ(nsent, 3);

    /* Receive with no buffer: the frame is kept for the driver. */
    uint8_t frame[200];
    for (int i = 0; i < 200; i++)
        frame[i] = (uint8_t)(i ^ 0x5a);
    netdev_deliver(&nd, frame, 200);
    CHECK_EQ(nd.queued, 1);
    CHECK_EQ(used(0), -1);
    memset(ram + BUF, 0xee, 4096);
    desc(0, 0, BUF, 2048, 2, 0);
    offer(0, 0);
    CHECK_EQ(nd.queued, 0);
    CHECK_EQ(used(0), 12 + 200);
    CHECK_EQ(ram[BUF], 0);            /* flags */
    CHECK_EQ(ram[BUF + 1], 0);        /* gso_type */
    CHECK_EQ(get16(BUF + 10), 1);     /* num_buffers */
    CHECK(!memcmp(ram + BUF + 12, frame, 200));
    CHECK_EQ(ram[BUF + 212], 0xee);   /* nothing past the frame */

    /* Header in one buffer, frame across two more; the next frame goes
     * straight into the buffer the driver gave. */
    desc(0, 1, BUF + 0x1000, 12, 2 | 1, 2);
    desc(0, 2, BUF + 0x1100, 50, 2 | 1, 3);
    desc(0, 3, BUF + 0x1200, 2000, 2, 0);
    offer(0, 1);
    netdev_deliver(&nd, frame, 120);
    CHECK_EQ(used(0), 12 + 120);
    CHECK(!memcmp(ram + BUF + 0x1100, frame, 50));
    CHECK(!memcmp(ram + BUF + 0x1200, frame + 50, 70));

    /* GUEST_CSUM: DATA_VALID for a right UDP checksum only. */
    {
        uint8_t u[600];
        size_t un = udp_frame(u, 500);
        const uint8_t *ip = u + 14;
        u[40] = u[41] = 0;
        uint16_t c = (uint16_t)~fold(sum16(ip + 20, 8 + 500, sum16(ip + 12, 8, 17 + 8 + 500)));
        u[40] = (uint8_t)(c >> 8);
        u[41] = (uint8_t)c;
        uint16_t ic = (uint16_t)~fold(sum16(ip, 20, 0));
        u[24] = (uint8_t)(ic >> 8);
        u[25] = (uint8_t)ic;
        static const struct { int at; uint8_t x; int valid; } cases[] = {
            { 0, 0, 1 },     /* as built */
            { 100, 1, 0 },   /* a payload byte changed */
            { 20, 0x20, 0 }, /* MF: a fragment */
            { 12, 0x01, 0 }, /* not IPv4 (0x0900) */
            { 22, 1, 0 },    /* TTL changed: the IP header checksum is wrong */
        };
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            uint8_t v[600];
            memcpy(v, u, un);
            v[cases[k].at] ^= cases[k].x;
            desc(0, 5, BUF, 2048, 2, 0);
            offer(0, 5);
            netdev_deliver(&nd, v, un);
            CHECK_EQ(used(0), 12 + (long)un);
            CHECK_EQ(ram[BUF], cases[k].valid ? 2 : 0);
        }
    }

    /* A buffer too small for the frame: returned empty, the frame dropped. */
    desc(0, 4, BUF, 64, 2, 0);
    offer(0, 4);
    netdev_deliver(&nd, frame, 200);
    CHECK_EQ(used(0), 0);
    CHECK_EQ(nd.queued, 0);

    /* A device reset drops the frames kept for the driver. */
    netdev_deliver(&nd, frame, 100);
    netdev_deliver(&nd, frame, 100);
    CHECK_EQ(nd.queued, 2);
    phys_write(&mem, COMMON + 0x14, 0, 1);
    CHECK_EQ(nd.queued, 0);
    CHECK_EQ(status(), 0);

    /* Through the modern interface, FEATURES_OK needs VERSION_1. */
    start(1ull << 5);
    CHECK_EQ(status(), 15 & ~8);
    f = start(all);

    /* A transmit buffer outside RAM: DEVICE_NEEDS_RESET, nothing sent. */
    desc(1, 0, 0xfff00000u, 100, 0, 0);
    offer(1, 0);
    CHECK_EQ(nsent, 0);
    CHECK_EQ(used(1), -1);
    CHECK(status() & 0x40);
    /* ...and the receive queue is served no more until the reset. */
    desc(0, 0, BUF, 2048, 2, 0);
    offer(0, 0);
    netdev_deliver(&nd, frame, 100);
    CHECK_EQ(used(0), -1);
    f = start(all);
    CHECK_EQ(status(), 15);
    desc(0, 0, BUF, 2048, 2, 0);
    offer(0, 0);
    CHECK_EQ(nd.queued, 0);
    netdev_deliver(&nd, frame, 100);
    CHECK_EQ(used(0), 112);
    return check_done("virtio_net");
}
