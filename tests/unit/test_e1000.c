/*
 * test_e1000.c - the 82540EM against a fake network backend: identity and
 * BARs, the EEPROM through EERD and through EECD's Microwire lines, the
 * PHY through MDIC, the interrupt causes and INTx, legacy transmission,
 * UDP checksum offload, TCP segmentation (lengths, IP IDs, sequence
 * numbers, flags and both checksums of every segment), reception with the
 * address filter, the FCS and the wait for descriptors, and guest
 * addresses and ring indexes that point nowhere.
 */
#include "hw/e1000.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "net/net.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (1u << 20)
#define DEVFN PCI_DEVFN(3, 0)
#define TX_RING 0x10000u
#define RX_RING 0x11000u
#define TX_BUF 0x20000u
#define RX_BUF 0x40000u

static struct ioports io;
static struct mem_map mem;
static uint8_t *ram;
static struct pci_dev *dev;
static struct e1000 *nic;
static struct netdev nd;
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* The fake wire: what the NIC sent. */
static uint8_t sent[8][2048];
static size_t sent_len[8];
static int nsent;

static void fake_send(struct netdev *n, const uint8_t *frame, size_t len)
{
    (void)n;
    if (nsent < 8 && len <= sizeof(sent[0])) {
        memcpy(sent[nsent], frame, len);
        sent_len[nsent] = len;
    }
    nsent++;
}

static const struct netdev_ops fake_ops = { .send = fake_send };

static uint32_t rd(uint32_t off)
{
    return e1000_reg_read(nic, off);
}

static void wr(uint32_t off, uint32_t v)
{
    e1000_reg_write(nic, off, v);
}

static void put32(uint32_t a, uint32_t v)
{
    memcpy(ram + a, &v, 4);
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
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

/* A checksum over an IPv4 datagram's TCP or UDP part is right when the sum
 * with the pseudo-header folds to all ones. */
static int l4_ok(const uint8_t *ip, int proto)
{
    unsigned ihl = (ip[0] & 15) * 4, tot = be16(ip + 2), l4 = tot - ihl;
    uint32_t s = sum16(ip + 12, 8, 0) + (unsigned)proto + l4;
    return fold(sum16(ip + ihl, l4, s)) == 0xffff;
}

static void tx_desc(int i, uint32_t addr, uint32_t lower, uint32_t upper)
{
    put32(TX_RING + 16 * i, addr);
    put32(TX_RING + 16 * i + 4, 0);
    put32(TX_RING + 16 * i + 8, lower);
    put32(TX_RING + 16 * i + 12, upper);
}

static void setup(void)
{
    e1000_reset(nic);
    pci_config_write(dev, PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_MASTER, 2);
    memset(ram, 0, RAM_SIZE);
    nsent = 0;
    wr(0x3800, TX_RING);
    wr(0x3808, 16 * 8);
    wr(0x400, 2); /* TCTL.EN */
}

static void test_identity(void)
{
    CHECK_EQ(pci_config_read(dev, 0, 4), 0x100e8086);
    CHECK_EQ(pci_config_read(dev, 8, 4) >> 8, 0x020000);
    CHECK_EQ(dev->config[PCI_INT_PIN], 1);
    pci_config_write(dev, PCI_BAR0, 0xffffffffu, 4);
    CHECK_EQ(pci_config_read(dev, PCI_BAR0, 4), 0xfffe0000u);
    pci_config_write(dev, PCI_BAR0 + 4, 0xffffffffu, 4);
    CHECK_EQ(pci_config_read(dev, PCI_BAR0 + 4, 4), 0xffffffc1u);
    pci_config_write(dev, PCI_BAR0, 0, 4);
    pci_config_write(dev, PCI_BAR0 + 4, 0, 4);
}

static void test_eeprom(void)
{
    setup();
    uint16_t sum = 0, w[64];
    for (int i = 0; i < 64; i++) {
        wr(0x14, (uint32_t)i << 8 | 1);
        uint32_t v = rd(0x14);
        CHECK(v & 0x10); /* DONE */
        w[i] = (uint16_t)(v >> 16);
        sum = (uint16_t)(sum + w[i]);
    }
    CHECK_EQ(sum, 0xbaba);
    CHECK_EQ(w[0], 0x5452);
    CHECK_EQ(w[1], 0x1200);
    CHECK_EQ(w[2], 0x5634);
    /* Word 1 over Microwire: CS, start bit, opcode 10, address 000001. */
    wr(0x10, 0x40);
    CHECK(rd(0x10) & 0x80); /* EE_GNT */
    CHECK(rd(0x10) & 0x100); /* EE_PRES */
    uint32_t bits = 0x6u << 6 | 1;
    for (int i = 8; i >= 0; i--) {
        uint32_t di = bits >> i & 1 ? 4 : 0;
        wr(0x10, 0x42 | di);
        wr(0x10, 0x43 | di);
        wr(0x10, 0x42 | di);
    }
    uint16_t got = 0;
    for (int i = 0; i < 16; i++) {
        wr(0x10, 0x43);
        got = (uint16_t)(got << 1 | (rd(0x10) >> 3 & 1));
        wr(0x10, 0x42);
    }
    CHECK_EQ(got, 0x1200);
    /* The next word follows without a new command. */
    got = 0;
    for (int i = 0; i < 16; i++) {
        wr(0x10, 0x43);
        got = (uint16_t)(got << 1 | (rd(0x10) >> 3 & 1));
        wr(0x10, 0x42);
    }
    CHECK_EQ(got, 0x5634);
    wr(0x10, 0);
    CHECK_EQ(rd(0x10) & 0xc0, 0); /* request released, no grant */
    /* The receive address 0 holds the MAC after reset. */
    CHECK_EQ(rd(0x5400), 0x12005452);
    CHECK_EQ(rd(0x5404), 0x80005634);
}

static void test_phy(void)
{
    setup();
    wr(0x20, 2u << 26 | 1u << 21 | 2u << 16);
    CHECK_EQ(rd(0x20) & 0x5000ffffu, 0x10000141);
    wr(0x20, 2u << 26 | 1u << 21 | 3u << 16);
    CHECK_EQ(rd(0x20) & 0xffff, 0x0c20);
    wr(0x20, 2u << 26 | 1u << 21 | 1u << 16);
    CHECK(rd(0x20) & 4); /* link up */
    wr(0x20, 2u << 26 | 2u << 21 | 1u << 16); /* no PHY at address 2 */
    CHECK(rd(0x20) & 0x40000000u);
    /* A write, and the reset bit of the control register clears itself. */
    wr(0x20, 1u << 26 | 1u << 21 | 0u << 16 | 0x9140);
    wr(0x20, 2u << 26 | 1u << 21 | 0u << 16);
    CHECK_EQ(rd(0x20) & 0xffff, 0x1140);
    /* MDIC's interrupt when the I bit asks for it. */
    (void)rd(0xc0);
    wr(0x20, 2u << 26 | 1u << 21 | 1u << 29);
    CHECK(rd(0xc0) & 0x200);
}

static void test_interrupts(void)
{
    setup();
    CHECK_EQ(dev->intx, 0);
    wr(0xc8, 0x4); /* ICS: LSC, masked */
    CHECK_EQ(dev->intx, 0);
    wr(0xd0, 0x4); /* IMS */
    CHECK_EQ(dev->intx, 1);
    CHECK_EQ(rd(0xd0), 0x4);
    CHECK_EQ(rd(0xc0), 0x4); /* read to clear */
    CHECK_EQ(dev->intx, 0);
    CHECK_EQ(rd(0xc0), 0);
    wr(0xc8, 0x84);
    wr(0xd8, 0x4); /* IMC */
    CHECK_EQ(dev->intx, 0);
    wr(0xc0, 0x80); /* writing ones clears too */
    CHECK_EQ(rd(0xc0), 0x4);
    /* A device reset through CTRL drops everything. */
    wr(0xd0, 0xff);
    wr(0xc8, 1);
    CHECK_EQ(dev->intx, 1);
    wr(0, rd(0) | 1u << 26);
    CHECK_EQ(dev->intx, 0);
    CHECK_EQ(rd(0) & 1u << 26, 0);
    CHECK_EQ(rd(0xd0), 0);
}

static void test_tx_legacy(void)
{
    setup();
    for (int i = 0; i < 60; i++)
        ram[TX_BUF + i] = (uint8_t)i;
    /* A frame in two buffers: EOP|IFCS|RS on the second only. */
    tx_desc(0, TX_BUF, 20 | 0x02u << 24, 0);
    tx_desc(1, TX_BUF + 20, 40 | 0x0bu << 24, 0);
    wr(0x3818, 2);
    CHECK_EQ(nsent, 1);
    CHECK_EQ(sent_len[0], 60);
    CHECK(!memcmp(sent[0], ram + TX_BUF, 60));
    CHECK_EQ(rd(0x3810), 2);
    CHECK_EQ(ram[TX_RING + 12] & 1, 0);  /* no RS, no write-back */
    CHECK_EQ(ram[TX_RING + 16 + 12] & 1, 1);
    CHECK_EQ(rd(0xc0) & 3, 3); /* TXDW, TXQE */
    /* Transmission off: nothing moves. */
    wr(0x400, 0);
    tx_desc(2, TX_BUF, 60 | 0x0bu << 24, 0);
    wr(0x3818, 3);
    CHECK_EQ(nsent, 1);
    wr(0x400, 2);
    CHECK_EQ(nsent, 2);
    CHECK_EQ(rd(0x3810), 3);
}

/* An Ethernet + IPv4 + UDP frame with the pseudo-header sum in place. */
static unsigned make_udp(uint8_t *f, unsigned payload)
{
    memset(f, 0, 42 + payload);
    memset(f, 0xff, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x08;
    uint8_t *ip = f + 14, *udp = ip + 20;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((28 + payload) >> 8);
    ip[3] = (uint8_t)(28 + payload);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    udp[0] = 0x13, udp[1] = 0x88, udp[2] = 0x00, udp[3] = 0x35;
    udp[4] = (uint8_t)((8 + payload) >> 8);
    udp[5] = (uint8_t)(8 + payload);
    for (unsigned i = 0; i < payload; i++)
        udp[8 + i] = (uint8_t)(i * 7 + 1);
    uint16_t ph = fold(sum16(ip + 12, 8, 17 + 8 + payload));
    udp[6] = (uint8_t)(ph >> 8);
    udp[7] = (uint8_t)ph;
    return 42 + payload;
}

static void test_tx_csum(void)
{
    setup();
    unsigned len = make_udp(ram + TX_BUF, 101);
    /* Context: TUCSS 34, TUCSO 40, to the end; IPCSS 14, IPCSO 24, IPCSE 33. */
    tx_desc(0, 14 | 24u << 8 | 33u << 16, 0x20u << 24 | 0x02u << 24, 0);
    put32(TX_RING + 4, 34 | 40u << 8);
    /* Data: DTYP 1, EOP|IFCS|RS|DEXT, POPTS IXSM|TXSM. */
    tx_desc(1, TX_BUF, len | 1u << 20 | 0x2bu << 24, 0x03u << 8);
    wr(0x3818, 2);
    CHECK_EQ(nsent, 1);
    CHECK_EQ(sent_len[0], len);
    CHECK(l4_ok(sent[0] + 14, 17));
    CHECK_EQ(fold(sum16(sent[0] + 14, 20, 0)), 0xffff);
    /* A legacy descriptor's own checksum (IC, CSS 34, CSO 40)... */
    len = make_udp(ram + TX_BUF, 33);
    tx_desc(2, TX_BUF, len | 40u << 16 | 0x0fu << 24, 34u << 8);
    wr(0x3818, 3);
    CHECK_EQ(nsent, 2);
    CHECK(l4_ok(sent[1] + 14, 17));
    /* ...leaves the context as it was: the next data descriptor uses it. */
    len = make_udp(ram + TX_BUF, 57);
    tx_desc(3, TX_BUF, len | 1u << 20 | 0x2bu << 24, 0x02u << 8);
    wr(0x3818, 4);
    CHECK_EQ(nsent, 3);
    CHECK(l4_ok(sent[2] + 14, 17));
}

static void test_tso(void)
{
    setup();
    /* Ethernet + IPv4 + TCP (20) + 2500 bytes, MSS 1000: three segments. */
    enum { HL = 54, PAY = 2500, MSS = 1000 };
    uint8_t *f = ram + TX_BUF;
    memset(f, 0, HL + PAY);
    memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x08;
    uint8_t *ip = f + 14, *tcp = ip + 20;
    ip[0] = 0x45;
    ip[4] = 0x12, ip[5] = 0x34; /* ID */
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    tcp[0] = 0x80, tcp[1] = 0x00, tcp[2] = 0x00, tcp[3] = 0x50;
    memcpy(tcp + 4, "\x00\x01\x00\x00", 4); /* seq 0x10000 */
    tcp[12] = 0x50;
    tcp[13] = 0x18 | 0x01; /* ACK PSH FIN */
    tcp[14] = 0xff;
    for (int i = 0; i < PAY; i++)
        f[HL + i] = (uint8_t)(i ^ (i >> 8));
    /* The driver's pseudo-header sum, without the length. */
    uint16_t ph = fold(sum16(ip + 12, 8, 6));
    tcp[16] = (uint8_t)(ph >> 8);
    tcp[17] = (uint8_t)ph;
    /* Context: TSE, TCP, IP; PAYLEN 2500, HDRLEN 54, MSS 1000. */
    tx_desc(0, 14 | 24u << 8 | 33u << 16, PAY | (0x20u | 0x04 | 0x02 | 0x01) << 24,
            (uint32_t)HL << 8 | (uint32_t)MSS << 16);
    put32(TX_RING + 4, 34 | 50u << 8);
    /* Data in two descriptors, the headers in the first. */
    tx_desc(1, TX_BUF, 600 | 1u << 20 | (0x20u | 0x04) << 24, 0x03u << 8);
    tx_desc(2, TX_BUF + 600, (HL + PAY - 600) | 1u << 20 | (0x20u | 0x04 | 0x0b) << 24, 0x03u << 8);
    wr(0x3818, 3);
    CHECK_EQ(nsent, 3);
    static const unsigned want[3] = { 1000, 1000, 500 };
    for (int s = 0; s < 3 && s < nsent; s++) {
        const uint8_t *g = sent[s], *gip = g + 14, *gt = gip + 20;
        CHECK_EQ(sent_len[s], HL + want[s]);
        CHECK_EQ(be16(gip + 2), 40 + want[s]);
        CHECK_EQ(be16(gip + 4), 0x1234 + s);
        CHECK_EQ(fold(sum16(gip, 20, 0)), 0xffff);
        CHECK_EQ(be32(gt + 4), 0x10000u + 1000u * s);
        CHECK_EQ(gt[13], s == 2 ? 0x19 : 0x10);
        CHECK(l4_ok(gip, 6));
        CHECK(!memcmp(g + HL, f + HL + 1000 * s, want[s]));
    }
    CHECK_EQ(ram[TX_RING + 32 + 12] & 1, 1);
}

/* The fake wire hands the NIC a frame; how many the NIC took. */
static void deliver(const uint8_t *frame, size_t len)
{
    netdev_deliver(&nd, frame, len);
}

static void rx_setup(int ndesc, uint32_t rctl)
{
    for (int i = 0; i < ndesc; i++)
        put32(RX_RING + 16 * i, RX_BUF + 2048 * i);
    wr(0x2800, RX_RING);
    wr(0x2808, 16 * (ndesc < 8 ? 8 : ndesc));
    wr(0x2810, 0);
    wr(0x2818, (uint32_t)ndesc - 1);
    wr(0x100, rctl);
}

static void test_rx(void)
{
    setup();
    rx_setup(8, 1u << 1 | 1u << 15); /* EN, BAM, 2048-byte buffers, FCS kept */
    uint8_t fr[100];
    for (int i = 0; i < 100; i++)
        fr[i] = (uint8_t)(i + 3);
    memcpy(fr, mac, 6);
    (void)rd(0xc0);
    deliver(fr, 100);
    CHECK_EQ(rd(0x2810), 1);
    CHECK_EQ(ram[RX_RING + 8] | ram[RX_RING + 9] << 8, 104); /* with the FCS */
    CHECK_EQ(ram[RX_RING + 12] & 3, 3);                      /* DD, EOP */
    CHECK(!memcmp(ram + RX_BUF, fr, 100));
    /* The FCS: the CRC of the frame and the FCS is the fixed residue. */
    uint32_t c = 0xffffffffu;
    for (int i = 0; i < 104; i++) {
        c ^= ram[RX_BUF + i];
        for (int k = 0; k < 8; k++)
            c = c >> 1 ^ (0xedb88320u & -(c & 1));
    }
    CHECK_EQ(c, 0xdebb20e3u);
    CHECK(rd(0xc0) & 0x80); /* RXT0 */
    /* Not for us: dropped.  Broadcast: taken (BAM).  Short: padded to 60. */
    fr[0] = 0x02;
    deliver(fr, 100);
    CHECK_EQ(rd(0x2810), 1);
    memset(fr, 0xff, 6);
    deliver(fr, 42);
    CHECK_EQ(rd(0x2810), 2);
    CHECK_EQ(ram[RX_RING + 16 + 8], 64);
    /* SECRC: no FCS. */
    wr(0x100, 1u << 1 | 1u << 15 | 1u << 26);
    deliver(fr, 70);
    CHECK_EQ(ram[RX_RING + 32 + 8], 70);
    /* Multicast through the MTA: 01:00:5e:00:00:fb hashes (MO 0) to 0xfb0. */
    uint8_t mc[60] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
    deliver(mc, 60);
    CHECK_EQ(rd(0x2810), 3);
    wr(0x5200 + 4 * (0xfb0 >> 5), 1u << (0xfb0 & 31));
    deliver(mc, 60);
    CHECK_EQ(rd(0x2810), 4);
    /* The ring fills (RDT 7): frames wait in the netdev, then come in order. */
    memset(fr, 0xff, 6);
    for (int i = 0; i < 5; i++) {
        fr[20] = (uint8_t)i;
        deliver(fr, 100);
    }
    CHECK_EQ(rd(0x2810), 7);
    CHECK_EQ(nd.queued, 2);
    wr(0x2818, 1); /* two more descriptors (7, 0) */
    CHECK_EQ(nd.queued, 0);
    CHECK_EQ(rd(0x2810), 1);
    CHECK_EQ(ram[RX_BUF + 7 * 2048 + 20], 3);
    CHECK_EQ(ram[RX_BUF + 20], 4);
    /* Receive off: frames wait. */
    wr(0x100, 0);
    wr(0x2818, 5);
    deliver(fr, 100);
    CHECK_EQ(nd.queued, 1);
    wr(0x100, 1u << 1 | 1u << 15 | 1u << 26);
    CHECK_EQ(nd.queued, 0);
    netdev_purge(&nd);
}

static void test_bad_guest(void)
{
    setup();
    /* A ring outside RAM: the engine stops, nothing is read. */
    wr(0x3800, 0xf0000000u);
    wr(0x3818, 1);
    CHECK_EQ(rd(0x3810), 0);
    CHECK_EQ(nsent, 0);
    /* A ring that wraps past 4 GiB through TDBAH: not RAM either. */
    wr(0x3800, TX_RING);
    wr(0x3804, 1);
    wr(0x3818, 2);
    CHECK_EQ(rd(0x3810), 0);
    wr(0x3804, 0);
    /* A tail outside the ring: no endless walk. */
    wr(0x3810, 0);
    wr(0x3818, 100);
    CHECK_EQ(rd(0x3810), 0);
    /* A buffer outside RAM: the descriptor completes, nothing is sent. */
    wr(0x3818, 0);
    tx_desc(0, RAM_SIZE - 10, 60 | 0x0bu << 24, 0);
    wr(0x3818, 1);
    CHECK_EQ(rd(0x3810), 1);
    CHECK_EQ(nsent, 0);
    CHECK_EQ(ram[TX_RING + 12] & 1, 1);
    /* A huge gathered packet: dropped, the ring goes on. */
    for (int i = 1; i < 8; i++)
        tx_desc(i, 0, 0xfffff | 1u << 20 | 0x20u << 24, 0);
    tx_desc(0, TX_BUF, 60 | 1u << 20 | 0x2bu << 24, 0);
    wr(0x3818, 0); /* 1..7 */
    CHECK_EQ(rd(0x3810), 0);
    wr(0x3818, 1); /* and 0, the EOP */
    CHECK_EQ(rd(0x3810), 1);
    CHECK_EQ(nsent, 0);
    /* Bus mastering off: no DMA at all. */
    setup();
    pci_config_write(dev, PCI_COMMAND, PCI_CMD_MEMORY, 2);
    tx_desc(0, TX_BUF, 60 | 0x0bu << 24, 0);
    wr(0x3818, 1);
    CHECK_EQ(nsent, 0);
    /* Reception: indexes beyond the ring, no ring, a buffer outside RAM. */
    setup();
    rx_setup(8, 1u << 1 | 1u << 15 | 1u << 26);
    uint8_t fr[64];
    memset(fr, 0xff, sizeof(fr));
    wr(0x2810, 9);
    deliver(fr, 64);
    CHECK_EQ(nd.queued, 1);
    netdev_purge(&nd);
    wr(0x2810, 0);
    wr(0x2808, 0);
    deliver(fr, 64);
    CHECK_EQ(nd.queued, 1);
    netdev_purge(&nd);
    wr(0x2808, 128);
    put32(RX_RING, 0xfff00000u);
    deliver(fr, 64);
    CHECK_EQ(rd(0x2810), 1);
    CHECK_EQ(ram[RX_RING + 12] & 1, 1);
    /* Registers past the file and narrow accesses stay inside it. */
    wr(E1000_MMIO_SIZE - 4, 0x12345678);
    CHECK_EQ(rd(E1000_MMIO_SIZE - 4), 0x12345678);
    CHECK_EQ(rd(0x4074), 1); /* GPRC, read to clear */
    CHECK_EQ(rd(0x4074), 0);
}

int main(void)
{
    ioport_init(&io);
    mem_init(&mem, NULL);
    ram = calloc(1, RAM_SIZE);
    mem_add_ram(&mem, 0, RAM_SIZE, ram, "ram");
    struct pci_host *h = pci_host_create(&io, &mem);
    netdev_init(&nd, "fake", &fake_ops, NULL);
    nic = e1000_create(h, DEVFN, &nd, mac, NULL, 0);
    CHECK(nic != NULL);
    if (!nic)
        return check_done("test_e1000");
    dev = pci_host_dev(h, DEVFN);
    CHECK(e1000_create(h, PCI_DEVFN(4, 0), &nd, mac, NULL, 0) == NULL); /* the netdev has a NIC */
    test_identity();
    test_eeprom();
    test_phy();
    test_interrupts();
    test_tx_legacy();
    test_tx_csum();
    test_tso();
    test_rx();
    test_bad_guest();
    return check_done("test_e1000");
}
