/*
 * e1000.c - the Intel 82540EM: registers, EEPROM, PHY, and the receive
 * and transmit descriptor rings (Intel PCI/PCI-X Family of Gigabit
 * Ethernet Controllers Software Developer's Manual, 8254x; sections
 * 3 (receive and transmit), 5 (EEPROM), 13 (registers)).
 *
 * Frames are handled whole: a received frame is written into as many
 * receive buffers as it needs as soon as the netdev hands it over (it is
 * kept there while the ring has no room); a transmitted packet is
 * gathered from its data descriptors up to EOP, then checksummed or cut
 * into TCP segments as its context descriptor says, and sent.  Interrupt
 * causes are raised at once: the delay timers (RDTR, RADV, TIDV, TADV,
 * ITR) only ever make the real chip later.
 */
#include "hw/e1000.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "net/net.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"

#include <stdlib.h>
#include <string.h>

/* Registers (byte offsets in BAR0), as named in the SDM. */
enum {
    CTRL = 0x0000, STATUS = 0x0008, EECD = 0x0010, EERD = 0x0014, CTRL_EXT = 0x0018,
    MDIC = 0x0020, VET = 0x0038, ICR = 0x00c0, ITR = 0x00c4, ICS = 0x00c8, IMS = 0x00d0,
    IMC = 0x00d8, RCTL = 0x0100, TCTL = 0x0400, PBA = 0x1000,
    RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810, RDT = 0x2818,
    TDBAL = 0x3800, TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818,
    STATS = 0x4000, STATS_END = 0x4100,
    MTA = 0x5200, RA = 0x5400, RXCSUM = 0x5000,
};
/* Statistics (read to clear). */
enum {
    GPRC = 0x4074, BPRC = 0x4078, MPRC = 0x407c, GPTC = 0x4080, GORCL = 0x4088, GORCH = 0x408c,
    GOTCL = 0x4090, GOTCH = 0x4094, TORL = 0x40c0, TORH = 0x40c4, TOTL = 0x40c8, TOTH = 0x40cc,
    TPR = 0x40d0, TPT = 0x40d4,
};

enum { CTRL_RST = 1u << 26, CTRL_VME = 1u << 30, CTRL_PHY_RST = 1u << 31 };
enum { EECD_SK = 1, EECD_CS = 2, EECD_DI = 4, EECD_DO = 8, EECD_REQ = 1 << 6, EECD_GNT = 1 << 7,
       EECD_PRES = 1 << 8 };
enum { EERD_START = 1, EERD_DONE = 1 << 4 };
enum { MDIC_OP_WRITE = 1u << 26, MDIC_OP_READ = 2u << 26, MDIC_READY = 1u << 28,
       MDIC_INT = 1u << 29, MDIC_ERROR = 1u << 30 };
enum { ICR_TXDW = 1 << 0, ICR_TXQE = 1 << 1, ICR_LSC = 1 << 2, ICR_RXDMT0 = 1 << 4,
       ICR_RXO = 1 << 6, ICR_RXT0 = 1 << 7, ICR_MDAC = 1 << 9 };
enum { RCTL_EN = 1 << 1, RCTL_UPE = 1 << 3, RCTL_MPE = 1 << 4,
       RCTL_BAM = 1 << 15, RCTL_BSEX = 1 << 25, RCTL_SECRC = 1 << 26 };
enum { TCTL_EN = 1 << 1 };
/* Receive descriptor status. */
enum { RXD_DD = 1, RXD_EOP = 2, RXD_IXSM = 4, RXD_VP = 8 };
/* Transmit descriptor command bits (legacy CMD, extended DCMD/TUCMD). */
enum { TXD_EOP = 1, TXD_IFCS = 2, TXD_IC = 4, TXD_TSE = 4, TXD_RS = 8, TXD_RPS = 0x10,
       TXD_DEXT = 0x20, TXD_VLE = 0x40 };
enum { TUCMD_TCP = 1, TUCMD_IP = 2 };
enum { POPTS_IXSM = 1, POPTS_TXSM = 2 };

#define PHY_ADDR 1
#define EEPROM_WORDS 64
/* A gathered packet: a TSO payload of 64 KiB and its headers, or less. */
#define TX_MAX (65536 + 256)

/* The context of checksum offload and TSO (the last context descriptor). */
struct tx_context {
    uint8_t ipcss, ipcso, tucss, tucso;
    uint16_t ipcse, tucse;
    uint32_t paylen;
    uint8_t tucmd, hdrlen;
    uint16_t mss;
};

struct e1000 {
    struct pci_dev pci;
    struct mem_map *mem;
    struct netdev *nd;
    uint8_t mac[6];
    uint32_t reg[E1000_MMIO_SIZE / 4];
    uint16_t eeprom[EEPROM_WORDS];
    uint16_t phy[32];
    uint32_t ioaddr; /* BAR1's IOADDR */
    uint8_t *rom;    /* the expansion ROM behind the ROM BAR, or NULL */
    /* The Microwire lines: bits shifted in since CS rose, the word being
     * shifted out. */
    struct {
        uint32_t in;
        int nin;
        int reading;
        uint32_t pos; /* bit of the EEPROM (word * 16 + bit from the MSB) next out */
        int dout;
    } ee;
    struct tx_context ctx;
    /* The packet being gathered: its options come with its first data descriptor. */
    uint8_t *tx;
    uint32_t txlen;
    int tx_tse, tx_popts, tx_vle, tx_overflow;
    uint16_t tx_vlan;
    /* A legacy packet's own checksum (CMD.IC): it leaves the context alone. */
    int tx_ic;
    uint8_t tx_css, tx_cso;
};

static uint32_t r(struct e1000 *e, uint32_t off)
{
    return e->reg[off >> 2];
}

static void set_r(struct e1000 *e, uint32_t off, uint32_t v)
{
    e->reg[off >> 2] = v;
}

static void update_irq(struct e1000 *e)
{
    pci_set_intx(&e->pci, (r(e, ICR) & r(e, IMS)) != 0);
}

static void raise(struct e1000 *e, uint32_t cause)
{
    set_r(e, ICR, r(e, ICR) | cause);
    update_irq(e);
}

static void stat_add(struct e1000 *e, uint32_t lo, uint64_t n)
{
    uint64_t v = ((uint64_t)r(e, lo + 4) << 32 | r(e, lo)) + n;
    set_r(e, lo, (uint32_t)v);
    set_r(e, lo + 4, (uint32_t)(v >> 32));
}

static void stat_inc(struct e1000 *e, uint32_t off)
{
    if (r(e, off) != 0xffffffffu) /* the counters stick at the maximum */
        set_r(e, off, r(e, off) + 1);
}

/* ------------------------------------------------------------ DMA */

/* len bytes at the 64-bit bus address addr are guest RAM. */
static uint8_t *dma_ptr(struct e1000 *e, uint64_t addr, uint32_t len)
{
    if (!pci_bus_master(&e->pci) || addr >> 32 || len == 0)
        return NULL;
    struct mem_region *rg = mem_find(e->mem, (uint32_t)addr);
    if (!rg || rg->kind != MEM_RAM || len > rg->size - ((uint32_t)addr - rg->base))
        return NULL;
    return rg->host + ((uint32_t)addr - rg->base);
}

/* One region checked, one copy: phys_copy_from looks the region up for
 * every byte, a tenth of a millisecond per frame. */
static int dma_read(struct e1000 *e, uint64_t addr, void *buf, uint32_t len)
{
    uint8_t *p = dma_ptr(e, addr, len);
    if (!p)
        return -1;
    memcpy(buf, p, len);
    return 0;
}

/* The SMC map hears of the write, so that one over translated code is seen. */
static int dma_write(struct e1000 *e, uint64_t addr, const void *buf, uint32_t len)
{
    uint8_t *p = dma_ptr(e, addr, len);
    if (!p)
        return -1;
    memcpy(p, buf, len);
    if (e->mem->smc)
        smc_notify_write_range(e->mem->smc, (uint32_t)addr, len);
    return 0;
}

static uint64_t le64(const uint8_t *p)
{
    return pci_get_long(p) | (uint64_t)pci_get_long(p + 4) << 32;
}

/* ------------------------------------------------------------ EEPROM and PHY */

static void eeprom_init(struct e1000 *e)
{
    uint16_t *w = e->eeprom;
    memset(w, 0, sizeof(e->eeprom));
    for (int i = 0; i < 3; i++)
        w[i] = (uint16_t)(e->mac[2 * i] | e->mac[2 * i + 1] << 8);
    w[0x0a] = 0x6403;          /* initialization control 1: load the subsystem IDs */
    w[0x0b] = 0x100e;          /* subsystem ID */
    w[0x0c] = 0x8086;          /* subsystem vendor */
    w[0x0d] = 0x100e;          /* device ID */
    w[0x0e] = 0x8086;          /* vendor ID */
    w[0x0f] = 0x3040;          /* initialization control 2: both pause directions */
    uint16_t sum = 0;
    for (int i = 0; i < EEPROM_WORDS - 1; i++)
        sum = (uint16_t)(sum + w[i]);
    w[EEPROM_WORDS - 1] = (uint16_t)(0xbaba - sum); /* the words add up to 0xBABA */
}

/* Microwire (SDM 5.3): on each rising SK with CS high the EEPROM takes DI;
 * after the start bit, opcode 10 (read) and 6 address bits it shifts the
 * word out on DO, MSB first, one bit per rising edge, into the next word. */
static void eecd_write(struct e1000 *e, uint32_t v)
{
    uint32_t old = r(e, EECD);
    set_r(e, EECD, (old & ~(0x3fu | EECD_REQ)) | (v & (0x3f | EECD_REQ)));
    if (!(v & EECD_CS)) {
        e->ee.nin = 0;
        e->ee.reading = 0;
        e->ee.in = 0;
        return;
    }
    if (!(old & EECD_CS)) {
        e->ee.nin = 0;
        e->ee.reading = 0;
        e->ee.in = 0;
    }
    if (!(v & EECD_SK) || (old & EECD_SK))
        return; /* not a rising edge */
    if (e->ee.reading) {
        uint32_t p = e->ee.pos++;
        e->ee.dout = e->eeprom[(p >> 4) % EEPROM_WORDS] >> (15 - (p & 15)) & 1;
        return;
    }
    if (e->ee.nin == 0 && !(v & EECD_DI))
        return; /* waiting for the start bit */
    e->ee.in = e->ee.in << 1 | ((v & EECD_DI) != 0);
    if (++e->ee.nin == 9) {
        if ((e->ee.in >> 6 & 7) == 6) { /* start bit, read opcode */
            e->ee.reading = 1;
            e->ee.pos = (e->ee.in & 0x3f) * 16;
            e->ee.dout = 0; /* the dummy zero before the data */
        } else {
            e->ee.nin = 0; /* writes and erases: the EEPROM is read-only here */
            e->ee.in = 0;
        }
    }
}

static uint32_t eecd_read(struct e1000 *e)
{
    uint32_t v = (r(e, EECD) & (0x3f | EECD_REQ)) | EECD_PRES;
    v &= ~(uint32_t)EECD_DO;
    if (v & EECD_REQ)
        v |= EECD_GNT;
    if (e->ee.reading && e->ee.dout)
        v |= EECD_DO;
    return v;
}

static void phy_reset(struct e1000 *e)
{
    memset(e->phy, 0, sizeof(e->phy));
    e->phy[0] = 0x1140;  /* autonegotiation on, full duplex, 1000 Mb/s */
    e->phy[1] = 0x796d;  /* link up, autonegotiation complete */
    e->phy[2] = 0x0141;  /* Marvell 88E1011: OUI */
    e->phy[3] = 0x0c20;  /* and model */
    e->phy[4] = 0x0de1;  /* advertised: 10/100 both duplexes, pause */
    e->phy[5] = 0x41e1;  /* the link partner: the same, acknowledged */
    e->phy[6] = 0x0001;
    e->phy[9] = 0x0e00;  /* 1000BASE-T advertised */
    e->phy[10] = 0x3c00; /* the partner does 1000BASE-T full duplex */
    e->phy[15] = 0x3000;
    e->phy[0x10] = 0x0068;
    e->phy[0x11] = 0xbc08; /* 1000 Mb/s, full duplex, resolved, link */
    e->phy[0x14] = 0x0c60;
}

static void mdic_write(struct e1000 *e, uint32_t v)
{
    unsigned reg = v >> 16 & 31, addr = v >> 21 & 31;
    uint32_t out = v & ~(MDIC_READY | MDIC_ERROR);
    if (addr != PHY_ADDR) {
        out |= MDIC_ERROR;
    } else if ((v & (3u << 26)) == MDIC_OP_READ) {
        out = (out & ~0xffffu) | e->phy[reg];
    } else if ((v & (3u << 26)) == MDIC_OP_WRITE) {
        uint16_t d = (uint16_t)v;
        if (reg == 0)
            d &= ~(0x8000 | 0x0200); /* reset and restart autonegotiation finish at once */
        if (reg != 1 && reg != 2 && reg != 3 && reg != 5 && reg != 10 && reg != 0x11)
            e->phy[reg] = d;
    } else {
        out |= MDIC_ERROR;
    }
    set_r(e, MDIC, out | MDIC_READY);
    if (v & MDIC_INT)
        raise(e, ICR_MDAC);
}

/* ------------------------------------------------------------ receive */

static uint32_t rx_buf_size(struct e1000 *e)
{
    uint32_t rctl = r(e, RCTL), bs = rctl >> 16 & 3;
    if (rctl & RCTL_BSEX)
        return bs == 0 ? 2048 : 32768u >> bs; /* 16384, 8192, 4096 */
    return 2048u >> bs;
}

static uint32_t rx_ring_size(struct e1000 *e)
{
    return r(e, RDLEN) / 16;
}

/* Descriptors the guest has given (RDH up to RDT); 0 when the indexes are
 * outside the ring. */
static uint32_t rx_available(struct e1000 *e)
{
    uint32_t n = rx_ring_size(e), h = r(e, RDH), t = r(e, RDT);
    if (!n || h >= n || t >= n)
        return 0;
    return t >= h ? t - h : n - h + t;
}

static int can_receive(void *opaque)
{
    struct e1000 *e = opaque;
    if (!(r(e, RCTL) & RCTL_EN))
        return 0;
    /* Room for the largest frame, with its FCS. */
    return rx_available(e) * rx_buf_size(e) >= NET_FRAME_MAX + 4 + 4;
}

/* The FCS (IEEE 802.3 CRC-32, reflected), a byte at a time from a table:
 * Linux's e1000 keeps the FCS in the buffer (no RCTL.SECRC), so every
 * frame needs one. */
static uint32_t crc32_ether(const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c >> 1 ^ (0xedb88320u & -(c & 1));
            table[i] = c;
        }
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = c >> 8 ^ table[(c ^ p[i]) & 0xff];
    return ~c;
}

/* The receive address filter (SDM 3.2.1 and 13.4.x: RAL/RAH, MTA, RCTL). */
static int rx_accept(struct e1000 *e, const uint8_t *f)
{
    uint32_t rctl = r(e, RCTL);
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    if (!memcmp(f, bcast, 6))
        return (rctl & RCTL_BAM) || (rctl & RCTL_MPE);
    if (f[0] & 1) {
        if (rctl & RCTL_MPE)
            return 1;
        static const int shift[4] = { 4, 3, 2, 0 };
        unsigned mo = rctl >> 12 & 3;
        unsigned h = ((f[4] >> shift[mo]) | (unsigned)f[5] << (8 - shift[mo])) & 0xfff;
        return r(e, MTA + 4 * (h >> 5)) >> (h & 31) & 1;
    }
    if (rctl & RCTL_UPE)
        return 1;
    for (int i = 0; i < 16; i++) {
        uint32_t lo = r(e, RA + 8 * i), hi = r(e, RA + 8 * i + 4);
        if (!(hi & 0x80000000u))
            continue;
        uint8_t a[6] = { (uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16),
                         (uint8_t)(lo >> 24), (uint8_t)hi, (uint8_t)(hi >> 8) };
        if (!memcmp(f, a, 6))
            return 1;
    }
    return 0;
}

static void receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct e1000 *e = opaque;
    uint8_t buf[NET_FRAME_MAX + 4 + 4];
    uint16_t special = 0;
    uint8_t vp = 0;
    if (len < 14 || len > NET_FRAME_MAX + 4)
        return;
    if (!rx_accept(e, frame))
        return;
    memcpy(buf, frame, len);
    /* VLAN tag stripping (CTRL.VME): the tag goes to the descriptor. */
    if ((r(e, CTRL) & CTRL_VME) && len >= 18 &&
        (buf[12] << 8 | buf[13]) == (int)(r(e, VET) & 0xffff)) {
        special = (uint16_t)(buf[14] << 8 | buf[15]);
        vp = RXD_VP;
        memmove(buf + 12, buf + 16, len - 16);
        len -= 4;
    }
    if (len < 60) { /* the shortest Ethernet frame, padded as on the wire */
        memset(buf + len, 0, 60 - len);
        len = 60;
    }
    if (!(r(e, RCTL) & RCTL_SECRC)) {
        uint32_t fcs = crc32_ether(buf, len);
        pci_put_long(buf + len, fcs);
        len += 4;
    }
    uint32_t n = rx_ring_size(e), bsize = rx_buf_size(e);
    if (rx_available(e) * bsize < len) {
        raise(e, ICR_RXO); /* no room: the frame is lost, as on overrun */
        return;
    }
    uint64_t base = (uint64_t)r(e, RDBAH) << 32 | r(e, RDBAL);
    size_t done = 0;
    while (done < len) {
        uint32_t h = r(e, RDH);
        uint64_t at = base + 16 * (uint64_t)h;
        uint8_t d[16];
        uint32_t chunk = len - done < bsize ? (uint32_t)(len - done) : bsize;
        if (dma_read(e, at, d, 16) == 0) {
            uint64_t addr = le64(d);
            /* A buffer that is not RAM: the data is lost, the descriptor still completes. */
            dma_write(e, addr, buf + done, chunk);
            done += chunk;
            pci_put_word(d + 8, (uint16_t)chunk);
            pci_put_word(d + 10, 0);
            d[12] = RXD_DD | RXD_IXSM | (done == len ? RXD_EOP | vp : 0);
            d[13] = 0;
            pci_put_word(d + 14, done == len ? special : 0);
            dma_write(e, at, d, 16);
        } else {
            done = len; /* the descriptor cannot be read: the frame is lost */
        }
        set_r(e, RDH, h + 1 == n ? 0 : h + 1);
    }
    stat_inc(e, GPRC);
    stat_inc(e, TPR);
    if (frame[0] & 1)
        stat_inc(e, memcmp(frame, "\xff\xff\xff\xff\xff\xff", 6) ? MPRC : BPRC);
    stat_add(e, GORCL, len);
    stat_add(e, TORL, len);
    uint32_t cause = ICR_RXT0;
    /* Fewer free descriptors than RCTL.RDMTS's fraction of the ring. */
    if (rx_available(e) <= n >> ((r(e, RCTL) >> 8 & 3) + 1))
        cause |= ICR_RXDMT0;
    raise(e, cause);
}

/* ------------------------------------------------------------ transmit */

/* The 16-bit ones' complement sum of p[a..b), from an initial sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i < b; i += 2)
        sum += (uint32_t)p[i] << 8 | (i + 1 < b ? p[i + 1] : 0);
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Insert the checksum of p[css..cse] (cse 0: to the end) at cso. */
static void put_csum(uint8_t *p, uint32_t len, uint32_t css, uint32_t cse, uint32_t cso,
                     uint32_t extra)
{
    uint32_t end = cse && cse + 1 < len ? cse + 1 : len;
    if (css >= end || cso + 2 > len)
        return;
    uint16_t c = csum_fold(csum_add(extra, p, css, end));
    p[cso] = (uint8_t)(c >> 8);
    p[cso + 1] = (uint8_t)c;
}

static void send_frame(struct e1000 *e, uint8_t *p, uint32_t len)
{
    uint8_t tagged[NET_FRAME_MAX + 4];
    if (e->tx_vle && (r(e, CTRL) & CTRL_VME) && len >= 14 && len <= NET_FRAME_MAX) {
        memcpy(tagged, p, 12);
        tagged[12] = (uint8_t)(r(e, VET) >> 8);
        tagged[13] = (uint8_t)r(e, VET);
        tagged[14] = (uint8_t)(e->tx_vlan >> 8);
        tagged[15] = (uint8_t)e->tx_vlan;
        memcpy(tagged + 16, p + 12, len - 12);
        p = tagged;
        len += 4;
    }
    stat_inc(e, GPTC);
    stat_inc(e, TPT);
    stat_add(e, GOTCL, len);
    stat_add(e, TOTL, len);
    netdev_send(e->nd, p, len);
}

/* One TCP (or UDP) segment of a TSO packet: the headers of the first, the
 * lengths, IP ID, sequence number and flags, checksums (SDM 3.5). */
static void send_segment(struct e1000 *e, uint8_t *seg, uint32_t len, uint32_t off, int index,
                         int last)
{
    struct tx_context *c = &e->ctx;
    uint32_t hl = c->hdrlen;
    if (c->tucmd & TUCMD_IP) {
        if (c->ipcss + 6u <= hl) {
            pci_put_word(seg + c->ipcss + 2, 0);
            uint16_t tot = (uint16_t)(len - c->ipcss);
            seg[c->ipcss + 2] = (uint8_t)(tot >> 8);
            seg[c->ipcss + 3] = (uint8_t)tot;
            uint16_t id = (uint16_t)((seg[c->ipcss + 4] << 8 | seg[c->ipcss + 5]) + index);
            seg[c->ipcss + 4] = (uint8_t)(id >> 8);
            seg[c->ipcss + 5] = (uint8_t)id;
        }
    } else if (c->ipcss + 6u <= hl && len >= c->ipcss + 40u) {
        uint16_t pl = (uint16_t)(len - c->ipcss - 40);
        seg[c->ipcss + 4] = (uint8_t)(pl >> 8);
        seg[c->ipcss + 5] = (uint8_t)pl;
    }
    if (c->tucmd & TUCMD_TCP) {
        if (c->tucss + 14u <= hl) {
            uint8_t *t = seg + c->tucss;
            uint32_t seq = ((uint32_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7]) + off;
            t[4] = (uint8_t)(seq >> 24);
            t[5] = (uint8_t)(seq >> 16);
            t[6] = (uint8_t)(seq >> 8);
            t[7] = (uint8_t)seq;
            if (!last)
                t[13] &= ~(0x01 | 0x08); /* FIN and PSH only on the last segment */
        }
    } else if (c->tucss + 6u <= hl) {
        uint16_t ul = (uint16_t)(len - c->tucss);
        seg[c->tucss + 4] = (uint8_t)(ul >> 8);
        seg[c->tucss + 5] = (uint8_t)ul;
    }
    if (e->tx_popts & POPTS_IXSM) {
        if (c->ipcso + 2u <= hl) {
            seg[c->ipcso] = seg[c->ipcso + 1] = 0;
            put_csum(seg, len, c->ipcss, c->ipcse, c->ipcso, 0);
        }
    }
    if ((e->tx_popts & POPTS_TXSM) && c->tucso + 2u <= hl) {
        /* The driver left the pseudo-header sum without the length there. */
        put_csum(seg, len, c->tucss, c->tucse, c->tucso, len - c->tucss);
    }
    send_frame(e, seg, len);
}

static void tx_packet_done(struct e1000 *e)
{
    uint8_t *p = e->tx;
    uint32_t len = e->txlen;
    struct tx_context *c = &e->ctx;
    if (e->tx_overflow || len < 14) {
        /* Dropped. */
    } else if (e->tx_tse && c->mss && c->hdrlen && c->hdrlen < len) {
        static uint8_t seg[NET_FRAME_MAX + 256];
        uint32_t hl = c->hdrlen, mss = c->mss;
        if (hl + mss > sizeof(seg))
            mss = sizeof(seg) - hl;
        uint32_t pay = len - hl;
        int index = 0;
        for (uint32_t off = 0; off < pay; off += mss, index++) {
            uint32_t n = pay - off < mss ? pay - off : mss;
            memcpy(seg, p, hl);
            memcpy(seg + hl, p + hl + off, n);
            send_segment(e, seg, hl + n, off, index, off + n >= pay);
        }
    } else {
        if (e->tx_popts & POPTS_IXSM) {
            if (c->ipcso + 2u <= len)
                put_csum(p, len, c->ipcss, c->ipcse, c->ipcso, 0);
        }
        if (e->tx_popts & POPTS_TXSM)
            put_csum(p, len, c->tucss, c->tucse, c->tucso, 0);
        if (e->tx_ic)
            put_csum(p, len, e->tx_css, 0, e->tx_cso, 0);
        if (len <= NET_FRAME_MAX + 4)
            send_frame(e, p, len);
    }
    e->txlen = 0;
    e->tx_overflow = 0;
    e->tx_popts = 0;
    e->tx_tse = 0;
    e->tx_vle = 0;
    e->tx_ic = 0;
}

static void tx_gather(struct e1000 *e, uint64_t addr, uint32_t n)
{
    if (!n)
        return;
    if (n > TX_MAX - e->txlen) {
        e->tx_overflow = 1;
        return;
    }
    if (dma_read(e, addr, e->tx + e->txlen, n) < 0) {
        e->tx_overflow = 1; /* a buffer that is not RAM: the packet is not sent */
        return;
    }
    e->txlen += n;
}

/* One descriptor; returns its command byte (for RS). */
static uint8_t tx_descriptor(struct e1000 *e, const uint8_t *d)
{
    uint32_t lower = pci_get_long(d + 8), upper = pci_get_long(d + 12);
    uint8_t cmd = (uint8_t)(lower >> 24);
    if (!(cmd & TXD_DEXT)) {
        /* Legacy: length, CSO, CMD, status, CSS, special. */
        if (e->txlen == 0) {
            e->tx_popts = 0;
            e->tx_tse = 0;
            e->tx_ic = (cmd & TXD_IC) != 0;
            e->tx_css = d[13];
            e->tx_cso = (uint8_t)(lower >> 16);
        }
        tx_gather(e, le64(d), lower & 0xffff);
        if (cmd & TXD_EOP) {
            e->tx_vle = (cmd & TXD_VLE) != 0;
            e->tx_vlan = (uint16_t)(upper >> 16);
            tx_packet_done(e);
        }
        return cmd;
    }
    uint8_t dtyp = lower >> 20 & 15;
    if (dtyp == 0) { /* context */
        struct tx_context *c = &e->ctx;
        c->ipcss = d[0];
        c->ipcso = d[1];
        c->ipcse = pci_get_word(d + 2);
        c->tucss = d[4];
        c->tucso = d[5];
        c->tucse = pci_get_word(d + 6);
        c->paylen = lower & 0xfffff;
        c->tucmd = cmd;
        c->hdrlen = d[13];
        c->mss = pci_get_word(d + 14);
        return cmd;
    }
    if (dtyp == 1) { /* data */
        if (e->txlen == 0) {
            e->tx_popts = (uint8_t)(upper >> 8);
            e->tx_tse = (cmd & TXD_TSE) != 0;
            e->tx_ic = 0;
        }
        tx_gather(e, le64(d), lower & 0xfffff);
        if (cmd & TXD_EOP) {
            e->tx_vle = (cmd & TXD_VLE) != 0;
            e->tx_vlan = (uint16_t)(upper >> 16);
            tx_packet_done(e);
        }
        return cmd;
    }
    return cmd; /* a reserved type: skipped */
}

static void tx_run(struct e1000 *e)
{
    if (!(r(e, TCTL) & TCTL_EN))
        return;
    uint32_t n = r(e, TDLEN) / 16, t = r(e, TDT);
    uint64_t base = (uint64_t)r(e, TDBAH) << 32 | r(e, TDBAL);
    int any = 0;
    /* At most a ring's worth: a tail outside the ring never matches the head. */
    for (uint32_t k = 0; k < n && t < n; k++) {
        uint32_t h = r(e, TDH);
        if (h == t || h >= n)
            break;
        uint64_t at = base + 16 * (uint64_t)h;
        uint8_t d[16];
        if (dma_read(e, at, d, 16) < 0)
            break; /* the ring is not RAM: the engine stops there */
        uint8_t cmd = tx_descriptor(e, d);
        if (cmd & (TXD_RS | TXD_RPS)) {
            uint8_t st = d[12] | 1; /* DD */
            dma_write(e, at + 12, &st, 1);
        }
        set_r(e, TDH, h + 1 == n ? 0 : h + 1);
        any = 1;
    }
    if (any)
        raise(e, ICR_TXDW | (r(e, TDH) == r(e, TDT) ? ICR_TXQE : 0));
}

/* ------------------------------------------------------------ registers */

static void regs_reset(struct e1000 *e)
{
    memset(e->reg, 0, sizeof(e->reg));
    set_r(e, CTRL, 0x00000241); /* full duplex, link up, 1000 Mb/s */
    set_r(e, PBA, 0x00100030);  /* 48 KiB receive, 16 KiB transmit */
    set_r(e, VET, 0x8100);
    set_r(e, EECD, 0);
    set_r(e, RXCSUM, 0x300);
    /* The EEPROM's address is loaded into receive address 0. */
    set_r(e, RA, pci_get_long(e->mac));
    set_r(e, RA + 4, pci_get_word(e->mac + 4) | 0x80000000u);
    memset(&e->ee, 0, sizeof(e->ee));
    memset(&e->ctx, 0, sizeof(e->ctx));
    e->txlen = 0;
    e->tx_overflow = e->tx_popts = e->tx_tse = e->tx_vle = e->tx_ic = 0;
    phy_reset(e);
    netdev_purge(e->nd);
}

uint32_t e1000_reg_read(struct e1000 *e, uint32_t off)
{
    off &= (E1000_MMIO_SIZE - 1) & ~3u;
    switch (off) {
    case STATUS:
        return 0x00000283; /* full duplex, link up, 1000 Mb/s (also as sensed) */
    case EECD:
        return eecd_read(e);
    case ICR: {
        uint32_t v = r(e, ICR);
        set_r(e, ICR, 0);
        update_irq(e);
        return v;
    }
    case ICS: case IMC:
        return 0;
    }
    if (off >= STATS && off < STATS_END) {
        uint32_t v = r(e, off);
        set_r(e, off, 0);
        return v;
    }
    return r(e, off);
}

void e1000_reg_write(struct e1000 *e, uint32_t off, uint32_t v)
{
    off &= (E1000_MMIO_SIZE - 1) & ~3u;
    switch (off) {
    case CTRL:
        if (v & CTRL_RST) {
            regs_reset(e);
            update_irq(e);
            return;
        }
        set_r(e, CTRL, v & ~(CTRL_RST | CTRL_PHY_RST));
        return;
    case STATUS:
        return;
    case EECD:
        eecd_write(e, v);
        return;
    case EERD:
        if (v & EERD_START) {
            uint32_t a = v >> 8 & 0xff;
            uint16_t w = a < EEPROM_WORDS ? e->eeprom[a] : 0;
            set_r(e, EERD, (uint32_t)w << 16 | EERD_DONE | a << 8);
        }
        return;
    case MDIC:
        mdic_write(e, v);
        return;
    case ICR:
        set_r(e, ICR, r(e, ICR) & ~v);
        update_irq(e);
        return;
    case ICS:
        raise(e, v);
        return;
    case IMS:
        set_r(e, IMS, r(e, IMS) | v);
        update_irq(e);
        return;
    case IMC:
        set_r(e, IMS, r(e, IMS) & ~v);
        update_irq(e);
        return;
    case RCTL:
        set_r(e, RCTL, v);
        netdev_nic_ready(e->nd);
        return;
    case RDLEN: case TDLEN:
        set_r(e, off, v & 0xfff80);
        return;
    case RDH: case TDH:
        set_r(e, off, v & 0xffff);
        return;
    case RDT:
        set_r(e, RDT, v & 0xffff);
        netdev_nic_ready(e->nd);
        return;
    case TDT:
        set_r(e, TDT, v & 0xffff);
        tx_run(e);
        return;
    case TCTL:
        set_r(e, TCTL, v);
        tx_run(e);
        return;
    }
    if (off >= STATS && off < STATS_END)
        return;
    set_r(e, off, v);
}

static uint32_t mmio_read(void *opaque, uint32_t off, int size)
{
    struct e1000 *e = opaque;
    uint32_t v = e1000_reg_read(e, off & ~3u);
    return size == 4 ? v : (v >> 8 * (off & 3)) & (size == 2 ? 0xffffu : 0xffu);
}

static void mmio_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct e1000 *e = opaque;
    if (size != 4) {
        /* A narrow write merges into the register's stored value. */
        uint32_t sh = 8 * (off & 3), mask = (size == 2 ? 0xffffu : 0xffu) << sh;
        v = (r(e, off & ~3u & (E1000_MMIO_SIZE - 1)) & ~mask) | (v << sh & mask);
    }
    e1000_reg_write(e, off & ~3u, v);
}

static const struct mem_ops mmio_ops = { mmio_read, mmio_write };

/* BAR1: IOADDR at 0 names a register, IODATA at 4 reaches it. */
static uint32_t io_read(void *opaque, uint32_t off, int size)
{
    struct e1000 *e = opaque;
    uint32_t v = off < 4 ? e->ioaddr : off < 8 ? e1000_reg_read(e, e->ioaddr) : 0;
    return size == 4 ? v : (v >> 8 * (off & 3)) & (size == 2 ? 0xffffu : 0xffu);
}

static void io_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct e1000 *e = opaque;
    if (size != 4)
        return; /* the SDM allows dword accesses only */
    if (off == 0)
        e->ioaddr = v & (E1000_MMIO_SIZE - 1) & ~3u;
    else if (off == 4)
        e1000_reg_write(e, e->ioaddr, v);
}

void e1000_reset(struct e1000 *e)
{
    pci_dev_reset(&e->pci);
    regs_reset(e);
    e->ioaddr = 0;
}

struct e1000 *e1000_create(struct pci_host *host, int devfn, struct netdev *nd,
                           const uint8_t mac[6], const uint8_t *rom, uint32_t rom_len)
{
    struct e1000 *e = calloc(1, sizeof(*e));
    if (!e || !(e->tx = malloc(TX_MAX)) || (rom && !(e->rom = malloc(rom_len ? rom_len : 1)))) {
        if (e)
            free(e->tx);
        free(e);
        return NULL;
    }
    e->mem = pci_host_mem(host);
    e->nd = nd;
    memcpy(e->mac, mac, 6);
    eeprom_init(e);
    pci_dev_init(&e->pci, 0x8086, 0x100e, 0x020000, 0x03);
    pci_put_word(e->pci.config + PCI_STATUS, 0x0200); /* DEVSEL medium */
    e->pci.config[PCI_INT_PIN] = 1;
    e->pci.opaque = e;
    pci_set_bar(&e->pci, 0, E1000_MMIO_SIZE, PCI_BAR_MEM32, NULL, NULL, &mmio_ops, e);
    pci_set_bar(&e->pci, 1, 64, PCI_BAR_IO, io_read, io_write, NULL, e);
    if (rom) {
        memcpy(e->rom, rom, rom_len);
        pci_set_rom(&e->pci, e->rom, rom_len);
    }
    if (netdev_attach_nic(nd, can_receive, receive, e) < 0 ||
        pci_host_plug(host, &e->pci, devfn) < 0) {
        free(e->rom);
        free(e->tx);
        free(e);
        return NULL;
    }
    e1000_reset(e);
    return e;
}

void e1000_destroy(struct e1000 *e)
{
    if (!e)
        return;
    free(e->rom);
    free(e->tx);
    free(e);
}
