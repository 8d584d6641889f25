/*
 * virtionet - a virtio-net device (1af4:1000) as a virtio 1.0 driver finds
 * it, and a conversation with the user network (-netdev user) behind it.
 *
 * The guest places the memory BARs, walks the vendor capabilities to the
 * common configuration, ISR, device configuration and notification areas,
 * negotiates MAC, STATUS and VERSION_1 (and CSUM when the device offers
 * it: bt86's does, QEMU's does not on a user network), and reads the MAC
 * and the link status.  Queue 0 gets eight 2 KiB receive buffers, queue 1
 * (interrupts off) carries an ARP request for the gateway 10.0.2.2 (header
 * and frame in two descriptors) and a DHCP DISCOVER (header and frame in
 * one: any layout).  The DISCOVER's UDP checksum is the device's work when
 * CSUM was negotiated, else the guest's; slirp drops a datagram with a bad
 * one, so the OFFER shows either right.  Each reply comes with INTx, seen
 * in the 8259's IRR, the ISR, and the IRR after reading it.  Last, a
 * transmit chain that loops sets DEVICE_NEEDS_RESET, and a reset clears it.
 */
#include "guest.h"
#include "io.h"
#include "netframe.h"
#include "pci.h"

#include <stdint.h>

#define MMIO_BASE 0xfe000000u

/* Common configuration registers (virtio 1.0, 4.1.4.3). */
enum {
	DFSELECT = 0x00, DF = 0x04, GFSELECT = 0x08, GF = 0x0c, STATUS = 0x14, QSELECT = 0x16,
	QSIZE = 0x18, QENABLE = 0x1c, QNOTIFY_OFF = 0x1e, QDESC = 0x20, QAVAIL = 0x28,
	QUSED = 0x30,
};

enum { F_CSUM = 0, F_MAC = 5, F_STATUS = 16, F_VERSION_1 = 32 };
enum { D_NEXT = 1, D_WRITE = 2 };

#define QN 8
#define BUFSZ 2048
#define HDR 12

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct ring {
	struct desc desc[QN];
	uint16_t avail_flags, avail_idx, avail[QN], used_event;
	uint16_t used_flags __attribute__((aligned(4))), used_idx;
	uint32_t used[2 * QN];
	uint16_t avail_event;
	uint16_t next_avail, seen;
} __attribute__((aligned(16)));

static struct ring rxq, txq;
static uint8_t rxbuf[QN][BUFSZ] __attribute__((aligned(16)));
static uint8_t txbuf[2][BUFSZ] __attribute__((aligned(16)));

static uint32_t common, isr, devcfg, notify, mult;
static uint16_t notify_off[2];
static unsigned irq;
static uint64_t features;
static uint8_t mac[6];

static void setup_bars(unsigned bdf)
{
	cfg_write(bdf, 4, 0);
	cfg_write(bdf, 0x14, MMIO_BASE + 0x8000); /* BAR1: MSI-X */
	cfg_write(bdf, 0x20, MMIO_BASE);          /* BAR4 (and BAR5, its high half on QEMU) */
	cfg_write(bdf, 0x24, 0);
	cfg_write(bdf, 4, 0x0006); /* memory and bus master */
	unsigned at = cfg_read8(bdf, 0x34), n = 0;
	while (at && n++ < 48) {
		uint32_t w0 = cfg_read(bdf, at);
		if ((w0 & 0xff) == 0x09) {
			unsigned type = w0 >> 24 & 0xff;
			uint32_t a = MMIO_BASE + cfg_read(bdf, at + 8);
			if (type == 1)
				common = a;
			else if (type == 2) {
				notify = a;
				mult = cfg_read(bdf, at + 16);
			} else if (type == 3)
				isr = a;
			else if (type == 4)
				devcfg = a;
		}
		at = w0 >> 8 & 0xfc;
	}
	printf("virtio-net: capabilities %s\n", common && isr && devcfg && notify ? "all four" : "MISSING");
}

static unsigned irr(void)
{
	outb(irq < 8 ? 0x20 : 0xa0, 0x0a);
	return inb(irq < 8 ? 0x20 : 0xa0) >> (irq & 7) & 1;
}

static void intx(const char *what)
{
	for (unsigned long n = 0; n < 10000000 && !irr(); n++)
		;
	unsigned a = irr(), s = rd8(isr), b = irr();
	printf("%s: IRR %u, ISR %02x, IRR after reading ISR %u\n", what, a, s, b);
}

static void queue(unsigned q, struct ring *r)
{
	wr16(common + QSELECT, (uint16_t)q);
	printf("queue %u: size %u enabled %u\n", q, rd16(common + QSIZE), rd16(common + QENABLE));
	wr16(common + QSIZE, QN);
	notify_off[q] = rd16(common + QNOTIFY_OFF);
	memset(r, 0, sizeof(*r));
	wr32(common + QDESC, (uint32_t)r->desc);
	wr32(common + QDESC + 4, 0);
	wr32(common + QAVAIL, (uint32_t)&r->avail_flags);
	wr32(common + QAVAIL + 4, 0);
	wr32(common + QUSED, (uint32_t)&r->used_flags);
	wr32(common + QUSED + 4, 0);
	wr16(common + QENABLE, 1);
}

static void kick(unsigned q)
{
	wr16(notify + notify_off[q] * mult, (uint16_t)q);
}

static void offer(struct ring *r, uint16_t head)
{
	r->avail[r->next_avail % QN] = head;
	__asm__ volatile("" ::: "memory");
	r->avail_idx = ++r->next_avail;
	__asm__ volatile("" ::: "memory");
}

/* Waits for the next used entry: its length, or -1 after a while. */
static long used(struct ring *r)
{
	for (unsigned long n = 0; *(volatile uint16_t *)&r->used_idx == r->seen; n++)
		if (n > 200000000)
			return -1;
	uint32_t len = r->used[2 * (r->seen % QN) + 1];
	r->seen++;
	return len;
}

static int start(void)
{
	wr8(common + STATUS, 0);
	wr8(common + STATUS, 1);
	wr8(common + STATUS, 3);
	wr32(common + DFSELECT, 0);
	uint64_t f = rd32(common + DF);
	wr32(common + DFSELECT, 1);
	f |= (uint64_t)rd32(common + DF) << 32;
	uint64_t known = 1ull << F_MAC | 1ull << F_STATUS | 1ull << F_VERSION_1;
	printf("features offered & known %08x%08x\n", (uint32_t)((f & known) >> 32),
	       (uint32_t)(f & known));
	features = f & (known | 1ull << F_CSUM);
	wr32(common + GFSELECT, 0);
	wr32(common + GF, (uint32_t)features);
	wr32(common + GFSELECT, 1);
	wr32(common + GF, (uint32_t)(features >> 32));
	wr8(common + STATUS, 0x0b);
	uint8_t st = rd8(common + STATUS);
	printf("FEATURES_OK: status %02x\n", st);
	return st & 8 ? 0 : -1;
}

/* ---------------------------------------------------------------- frames */


/* The next received frame (after its header), or NULL; gives the buffer back. */
static uint8_t *rx_frame(const char *what, unsigned *len)
{
	long n = used(&rxq);
	if (n < 0) {
		printf("%s: no reply\n", what);
		return 0;
	}
	unsigned b = (rxq.seen - 1) % QN;
	uint8_t *h = rxbuf[b];
	/* Not num_buffers: virtio 1.0 (5.1.6.4.1) wants 1 there without
	 * MRG_RXBUF, as bt86 writes; QEMU leaves 0. */
	printf("%s: reply of %ld bytes, header flags %u gso %u\n", what, n, h[0], h[1]);
	intx(what);
	*len = (unsigned)n - HDR;
	offer(&rxq, (uint16_t)b);
	kick(0);
	return h + HDR;
}

static void arp(void)
{
	uint8_t *h = txbuf[0], *f = txbuf[1];
	memset(h, 0, HDR);
	net_arp_request(f, mac);
	txq.desc[0] = (struct desc){ (uint32_t)h, HDR, D_NEXT, 1 };
	txq.desc[1] = (struct desc){ (uint32_t)f, NET_ARP_LEN, 0, 0 };
	offer(&txq, 0);
	kick(1);
	printf("arp: sent, used length %ld\n", used(&txq));
	unsigned len;
	uint8_t *r = rx_frame("arp", &len);
	if (!r)
		return;
	printf("arp: frame of %u bytes, type %04x op %u\n", len, net_get16(r + 12), net_get16(r + 20));
	net_print_arp_reply(r, mac);
}

static void dhcp(void)
{
	uint8_t *h = txbuf[0], *f = h + HDR, *udp = f + 14 + 20;
	memset(h, 0, HDR);
	uint32_t ph;
	unsigned len = net_dhcp_discover(f, mac, &ph), udplen = len - 14 - 20;
	if (features & 1ull << F_CSUM) {
		/* The pseudo-header's sum in place; the device adds the datagram. */
		net_put16(udp + 6, net_ip_csum((const uint8_t *)"", 0, ph));
		h[0] = 1; /* NEEDS_CSUM */
		h[6] = 34; /* csum_start: the UDP header */
		h[8] = 6;  /* csum_offset */
	} else {
		net_put16(udp + 6, (uint16_t)~net_ip_csum(udp, udplen, ph));
	}
	txq.desc[2] = (struct desc){ (uint32_t)h, HDR + len, 0, 0 };
	offer(&txq, 2);
	kick(1);
	long u = used(&txq);
	printf("dhcp: DISCOVER of %u bytes sent, used length %ld\n", len, u);
	unsigned rlen;
	uint8_t *r = rx_frame("dhcp", &rlen);
	if (!r)
		return;
	const uint8_t *rip = r + 14, *rudp = rip + (rip[0] & 15) * 4;
	printf("dhcp: frame of %u bytes, proto %u, ports %u -> %u\n", rlen, rip[9], net_get16(rudp),
	       net_get16(rudp + 2));
	net_print_dhcp_reply(r, rlen, 0);
}

/* A transmit chain whose second descriptor leads back to the first. */
static void looping_chain(void)
{
	txq.desc[3] = (struct desc){ (uint32_t)txbuf[0], HDR, D_NEXT, 4 };
	txq.desc[4] = (struct desc){ (uint32_t)txbuf[1], 60, D_NEXT, 3 };
	offer(&txq, 3);
	kick(1);
	for (unsigned long n = 0; n < 10000000 && !(rd8(common + STATUS) & 0x40); n++)
		;
	printf("looping chain: status %02x\n", rd8(common + STATUS));
	intx("looping chain");
	wr8(common + STATUS, 0);
	printf("reset: status %02x\n", rd8(common + STATUS));
}

int main(const char *cmdline)
{
	(void)cmdline;
	unsigned bdf = 0;
	for (unsigned b = 8; b < 256 && !bdf; b += 8)
		if (cfg_read(b, 0) == 0x10001af4)
			bdf = b;
	if (!bdf) {
		printf("no 1af4:1000 on bus 0\n");
		return 1;
	}
	uint32_t cr = cfg_read(bdf, 8);
	printf("virtio-net: class %06x rev %02x sub %08x pin %u\n", cr >> 8, cr & 0xff,
	       cfg_read(bdf, 0x2c), cfg_read8(bdf, 0x3d));
	setup_bars(bdf);
	/* INTA# seen in the 8259's IRR: masked, level-triggered in the ELCR. */
	irq = cfg_read8(bdf, 0x3c);
	outb(0x21, 0xfb);
	outb(0xa1, 0xff);
	outb(0x4d0 + irq / 8, inb(0x4d0 + irq / 8) | 1 << (irq & 7));
	if (start() < 0)
		return 1;
	for (int i = 0; i < 6; i++)
		mac[i] = rd8(devcfg + i);
	net_print_mac("config: mac", mac);
	printf("config: status %u\n", rd16(devcfg + 6));
	queue(0, &rxq);
	queue(1, &txq);
	txq.avail_flags = 1; /* no interrupts for sent frames */
	wr8(common + STATUS, 0x0f);
	for (int i = 0; i < QN; i++) {
		rxq.desc[i] = (struct desc){ (uint32_t)rxbuf[i], BUFSZ, D_WRITE, 0 };
		offer(&rxq, (uint16_t)i);
	}
	kick(0);
	arp();
	dhcp();
	looping_chain();
	return 0;
}
