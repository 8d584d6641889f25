/*
 * virtio - a virtio-blk disk (the image guests/virtio/mkdisk.sh made, run
 * with -snapshot), driven through the virtio 1.0 PCI
 * interface the way a driver finds it: vendor capabilities naming the
 * common configuration, ISR, device configuration and notification areas
 * in a memory BAR, which the guest places itself (there is no firmware on
 * bt86; on QEMU it moves what SeaBIOS placed).
 *
 * The disk part negotiates features, sets up one split queue and reads and
 * writes sectors with direct and indirect descriptors, flushes, asks for
 * the ID, and checks every byte against the image's formula; the errors a
 * device reports in the status byte (a range past the end, an unknown
 * request); INTx as the ISR register and the 8259's IRR show it; then a
 * looping chain, which sets DEVICE_NEEDS_RESET, and a reset that brings the
 * queue back; then the legacy I/O interface reads sectors too.  (A buffer
 * outside RAM is not here: QEMU serves one in MMIO space through a bounce
 * buffer, bt86 refuses it; tests/unit/test_virtio_queue.c covers it.)
 * virtio-rng has its own guest, guests/virtiorng.
 */
#include "guest.h"
#include "io.h"
#include "pci.h"

#include <stdint.h>

/* Common configuration registers (virtio 1.0, 4.1.4.3). */
enum {
	DFSELECT = 0x00, DF = 0x04, GFSELECT = 0x08, GF = 0x0c, MSIX_CONFIG = 0x10,
	NUM_QUEUES = 0x12, STATUS = 0x14, QSELECT = 0x16, QSIZE = 0x18, QMSIX = 0x1a,
	QENABLE = 0x1c, QNOTIFY_OFF = 0x1e, QDESC = 0x20, QAVAIL = 0x28, QUSED = 0x30,
};

struct vdev {
	unsigned bdf;
	uint32_t common, isr, device, notify, mult;
	uint16_t qsize, notify_off;
	uint16_t avail_idx, used_seen;
	uint64_t features;
	unsigned irq; /* INTA#'s ISA IRQ: the interrupt line register */
	/* What the last submit saw once the interrupt came: IRR, ISR, IRR after. */
	unsigned irr, isr_seen, irr_after;
};

#define QSIZE_USED 16

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

enum { F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4 };

/* One queue's rings, in the legacy layout's alignment (any would do). */
static struct {
	struct desc desc[QSIZE_USED];
	uint16_t avail[3 + QSIZE_USED];
	uint8_t pad[4096 - 16 * QSIZE_USED - 2 * (3 + QSIZE_USED)];
	uint16_t used_hdr[2];
	uint32_t used[2 * QSIZE_USED];
	uint16_t avail_event;
} ring __attribute__((aligned(4096)));

static struct desc indirect[4] __attribute__((aligned(16)));

static unsigned find(uint16_t device, unsigned after)
{
	for (unsigned bdf = after + 8; bdf < 256; bdf += 8)
		if (cfg_read(bdf, 0) == ((uint32_t)device << 16 | 0x1af4))
			return bdf;
	return 0;
}

/* Place the BARs, walk the capabilities, print what a driver relies on. */
static void setup(struct vdev *d, unsigned bdf, uint32_t mmio)
{
	d->bdf = bdf;
	uint32_t id = cfg_read(bdf, 0), cr = cfg_read(bdf, 8);
	printf("00:%02x.0 %04x:%04x class %06x rev %02x sub %08x pin %u\n", bdf >> 3,
	       id & 0xffff, id >> 16, cr >> 8, cr & 0xff, cfg_read(bdf, 0x2c),
	       cfg_read8(bdf, 0x3d));
	cfg_write(bdf, 4, 0);
	cfg_write(bdf, 0x14, mmio + 0x8000); /* BAR1: MSI-X */
	cfg_write(bdf, 0x20, mmio);          /* BAR4 (and BAR5, its high half on QEMU) */
	cfg_write(bdf, 0x24, 0);
	cfg_write(bdf, 4, 0x0006); /* memory and bus master */
	/* INTA# seen in the 8259's IRR: masked, level-triggered in the ELCR. */
	d->irq = cfg_read8(bdf, 0x3c);
	outb(0x21, 0xfb);
	outb(0xa1, 0xff);
	outb(0x4d0 + d->irq / 8, inb(0x4d0 + d->irq / 8) | 1 << (d->irq & 7));
	printf("  capability list %u\n", (cfg_read(bdf, 4) >> 16 & 0x10) != 0);
	unsigned at = cfg_read8(bdf, 0x34), n = 0;
	uint32_t base[5] = { 0 };
	while (at && n++ < 48) {
		uint32_t w0 = cfg_read(bdf, at);
		if ((w0 & 0xff) == 0x09) {
			unsigned type = w0 >> 24 & 0xff, bar = cfg_read8(bdf, at + 4);
			uint32_t off = cfg_read(bdf, at + 8), len = cfg_read(bdf, at + 12);
			if (type >= 1 && type <= 4) {
				printf("  virtio cap type %u bar %u offset %05x length %05x", type, bar,
				       off, len);
				if (type == 2) {
					d->mult = cfg_read(bdf, at + 16);
					printf(" multiplier %u", d->mult);
				}
				printf("\n");
				base[type] = mmio + off;
			}
		} else if ((w0 & 0xff) == 0x11) {
			printf("  MSI-X: %u vectors, table BIR %u, PBA BIR %u\n",
			       (w0 >> 16 & 0x7ff) + 1, cfg_read(bdf, at + 4) & 7,
			       cfg_read(bdf, at + 8) & 7);
		}
		at = w0 >> 8 & 0xfc;
	}
	d->common = base[1];
	d->notify = base[2];
	d->isr = base[3];
	d->device = base[4];
}

static uint64_t device_features(struct vdev *d)
{
	wr32(d->common + DFSELECT, 0);
	uint64_t f = rd32(d->common + DF);
	wr32(d->common + DFSELECT, 1);
	return f | (uint64_t)rd32(d->common + DF) << 32;
}

/* Reset, negotiate (want & offered), set up queue 0 with QSIZE_USED entries. */
static int start(struct vdev *d, uint64_t want)
{
	wr8(d->common + STATUS, 0);
	printf("  reset: status %02x\n", rd8(d->common + STATUS));
	wr8(d->common + STATUS, 1);
	wr8(d->common + STATUS, 3);
	uint64_t f = device_features(d);
	d->features = f & want;
	printf("  features offered & known %08x%08x\n", (uint32_t)(d->features >> 32),
	       (uint32_t)d->features);
	wr32(d->common + GFSELECT, 0);
	wr32(d->common + GF, (uint32_t)d->features);
	wr32(d->common + GFSELECT, 1);
	wr32(d->common + GF, (uint32_t)(d->features >> 32));
	wr8(d->common + STATUS, 0x0b);
	uint8_t st = rd8(d->common + STATUS);
	printf("  FEATURES_OK: status %02x, %u queue(s)\n", st, rd16(d->common + NUM_QUEUES));
	if (!(st & 8))
		return -1;
	wr16(d->common + QSELECT, 0);
	d->qsize = rd16(d->common + QSIZE);
	d->notify_off = rd16(d->common + QNOTIFY_OFF);
	printf("  queue 0: size %u msix %04x enabled %u\n", d->qsize, rd16(d->common + QMSIX),
	       rd16(d->common + QENABLE));
	wr16(d->common + QSIZE, QSIZE_USED);
	memset(&ring, 0, sizeof(ring));
	wr32(d->common + QDESC, (uint32_t)ring.desc);
	wr32(d->common + QDESC + 4, 0);
	wr32(d->common + QAVAIL, (uint32_t)ring.avail);
	wr32(d->common + QAVAIL + 4, 0);
	wr32(d->common + QUSED, (uint32_t)ring.used_hdr);
	wr32(d->common + QUSED + 4, 0);
	wr16(d->common + QENABLE, 1);
	wr8(d->common + STATUS, 0x0f);
	d->avail_idx = d->used_seen = 0;
	return 0;
}

static unsigned irr(unsigned irq)
{
	outb(irq < 8 ? 0x20 : 0xa0, 0x0a);
	return inb(irq < 8 ? 0x20 : 0xa0) >> (irq & 7) & 1;
}

/* The device raises INTx after it updates the used ring (on QEMU, perhaps
 * a moment later): wait for the line, then read (and so clear) the ISR. */
static void take_interrupt(struct vdev *d)
{
	for (unsigned long n = 0; n < 10000000 && !irr(d->irq); n++)
		;
	d->irr = irr(d->irq);
	d->isr_seen = rd8(d->isr);
	d->irr_after = irr(d->irq);
}

/* Offer the chain at head, kick, wait for it: the used length, or -1. */
static long submit_wait(struct vdev *d, uint16_t head, unsigned long limit)
{
	ring.avail[2 + d->avail_idx % QSIZE_USED] = head;
	ring.avail[2 + QSIZE_USED] = d->used_seen; /* used_event: interrupt for this one */
	__asm__ volatile("" ::: "memory");
	ring.avail[1] = ++d->avail_idx;
	__asm__ volatile("" ::: "memory");
	wr16(d->notify + d->notify_off * d->mult, 0);
	for (unsigned long n = 0; *(volatile uint16_t *)&ring.used_hdr[1] == d->used_seen; n++)
		if (n > limit) {
			take_interrupt(d);
			return -1;
		}
	take_interrupt(d);
	uint32_t len = ring.used[2 * (d->used_seen % QSIZE_USED) + 1];
	d->used_seen++;
	return len;
}

static long submit(struct vdev *d, uint16_t head)
{
	return submit_wait(d, head, 100000000);
}

static void set_desc(int i, const void *addr, uint32_t len, uint16_t flags, uint16_t next)
{
	ring.desc[i] = (struct desc){ (uint32_t)addr, len, flags, next };
}

/* ---------------------------------------------------------- virtio-blk */

static uint8_t pattern(uint32_t lba, unsigned i)
{
	return (lba * 7 + i + lba / 256) % 251 + 1;
}

static unsigned check(const uint8_t *b, uint32_t lba, unsigned sectors, uint8_t xor)
{
	unsigned bad = 0;
	for (unsigned s = 0; s < sectors; s++)
		for (unsigned i = 0; i < 512; i++)
			bad += b[s * 512 + i] != (uint8_t)(pattern(lba + s, i) ^ xor);
	return bad;
}

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct blk_hdr hdr;
static uint8_t status;
static uint8_t data[8 * 512];

/* Header, one data buffer (writable for reads), status. */
static long blk_req(struct vdev *d, uint32_t type, uint64_t sector, void *buf, uint32_t len,
                    int to_mem)
{
	hdr = (struct blk_hdr){ type, 0, sector };
	status = 0xee;
	set_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
	if (len) {
		set_desc(1, buf, len, F_NEXT | (to_mem ? F_WRITE : 0), 2);
		set_desc(2, &status, 1, F_WRITE, 0);
	} else {
		set_desc(0, &hdr, sizeof(hdr), F_NEXT, 2);
		set_desc(2, &status, 1, F_WRITE, 0);
	}
	return submit(d, 0);
}

static void intx(struct vdev *d)
{
	printf("  INTx: IRR %u, ISR %02x, IRR after reading ISR %u\n", d->irr, d->isr_seen,
	       d->irr_after);
}

static void blk(unsigned bdf)
{
	struct vdev d = { 0 };
	setup(&d, bdf, 0xfe000000u);
	/* VERSION_1, INDIRECT, EVENT_IDX; SEG_MAX, RO, BLK_SIZE, FLUSH */
	if (start(&d, 1ull << 32 | 1u << 28 | 1u << 29 | 1u << 2 | 1u << 5 | 1u << 6 |
	                  1u << 9) < 0)
		return;
	printf("  config: capacity %u seg_max %u blk_size %u\n", rd32(d.device),
	       rd32(d.device + 12), rd32(d.device + 20));

	memset(data, 0, sizeof(data));
	long n = blk_req(&d, 0, 0, data, 8 * 512, 1);
	printf("read 0-7: used %ld status %u bad %u\n", n, status, check(data, 0, 8, 0));
	intx(&d);
	memset(data, 0, sizeof(data));
	n = blk_req(&d, 0, 0x1234, data, 512, 1);
	printf("read 0x1234: used %ld status %u bad %u\n", n, status, check(data, 0x1234, 1, 0));

	/* Indirect: the header, two data buffers, the status in a table. */
	memset(data, 0, sizeof(data));
	hdr = (struct blk_hdr){ 0, 0, 4000 };
	status = 0xee;
	indirect[0] = (struct desc){ (uint32_t)&hdr, sizeof(hdr), F_NEXT, 1 };
	indirect[1] = (struct desc){ (uint32_t)data, 1024, F_NEXT | F_WRITE, 2 };
	indirect[2] = (struct desc){ (uint32_t)(data + 1024), 512, F_NEXT | F_WRITE, 3 };
	indirect[3] = (struct desc){ (uint32_t)&status, 1, F_WRITE, 0 };
	set_desc(5, indirect, sizeof(indirect), F_INDIRECT, 0);
	n = submit(&d, 5);
	printf("indirect read 4000-4002: used %ld status %u bad %u\n", n, status,
	       check(data, 4000, 3, 0));
	intx(&d);

	for (unsigned s = 0; s < 2; s++)
		for (unsigned i = 0; i < 512; i++)
			data[s * 512 + i] = pattern(100 + s, i) ^ 0x5a;
	n = blk_req(&d, 1, 100, data, 1024, 0);
	printf("write 100-101: used %ld status %u\n", n, status);
	memset(data, 0, sizeof(data));
	n = blk_req(&d, 0, 99, data, 4 * 512, 1);
	printf("read 99-102: used %ld status %u bad %u %u %u\n", n, status, check(data, 99, 1, 0),
	       check(data + 512, 100, 2, 0x5a), check(data + 1536, 102, 1, 0));
	n = blk_req(&d, 4, 0, 0, 0, 0);
	printf("flush: used %ld status %u\n", n, status);
	memset(data, 0xcc, 32);
	n = blk_req(&d, 8, 0, data, 20, 1);
	/* (QEMU's used length is the whole buffer, not the bytes of the ID.) */
	printf("get id: status %u id \"%s\"\n", status, (char *)data);
	uint32_t cap = rd32(d.device);
	n = blk_req(&d, 0, cap - 1, data, 1024, 1);
	printf("read past the end: status %u\n", status);
	n = blk_req(&d, 1, cap, data, 512, 0);
	printf("write past the end: status %u\n", status);
	n = blk_req(&d, 0, 0, data, 100, 1);
	printf("read of 100 bytes: status %u\n", status);
	n = blk_req(&d, 0x99, 0, data, 512, 1);
	printf("unknown request: status %u\n", status);
	intx(&d);

	/* A chain that loops: 0 -> 1 -> 0. */
	set_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
	set_desc(1, data, 512, F_NEXT, 0);
	hdr = (struct blk_hdr){ 0, 0, 0 };
	n = submit_wait(&d, 0, 1000000);
	printf("looping chain: used %ld, status %02x\n", n, rd8(d.common + STATUS));
	intx(&d);
	if (start(&d, d.features) < 0)
		return;
	n = blk_req(&d, 0, 7, data, 512, 1);
	printf("after reset, read 7: used %ld status %u bad %u\n", n, status, check(data, 7, 1, 0));
	wr8(d.common + STATUS, 0);
}

/* The legacy interface (virtio 1.0, 4.1.4.8) of the same function: I/O
 * BAR0, 32 feature bits, the queue at a page frame in the legacy layout
 * (used ring on the next 4 KiB boundary), device configuration at 20. */
#define LQ 256
static struct {
	struct desc desc[LQ];
	uint16_t avail[3 + LQ];
	uint8_t pad[8192 - 16 * LQ - 2 * (3 + LQ)];
	uint16_t used_hdr[2];
	uint32_t used[2 * LQ];
	uint16_t avail_event;
} lring __attribute__((aligned(4096)));

static void legacy(unsigned bdf, uint16_t io)
{
	cfg_write(bdf, 0x10, io);
	cfg_write(bdf, 4, 0x0005); /* I/O and bus master */
	outb(io + 18, 0);
	outb(io + 18, 3);
	uint32_t f = inl(io);
	/* SEG_MAX, RO, BLK_SIZE, FLUSH; INDIRECT, EVENT_IDX: no VERSION_1 here */
	printf("legacy: status %02x, features & known %08x, capacity %u\n", inb(io + 18),
	       f & (1u << 2 | 1u << 5 | 1u << 6 | 1u << 9 | 1u << 28 | 1u << 29), inl(io + 20));
	outl(io + 4, 1u << 9);
	outw(io + 14, 0);
	uint16_t size = inw(io + 12);
	printf("  queue 0: size %u pfn %08x\n", size, inl(io + 8));
	if (size != LQ)
		return;
	memset(&lring, 0, sizeof(lring));
	outl(io + 8, (uint32_t)&lring >> 12);
	outb(io + 18, 7);
	hdr = (struct blk_hdr){ 0, 0, 6000 };
	status = 0xee;
	memset(data, 0, sizeof(data));
	lring.desc[0] = (struct desc){ (uint32_t)&hdr, sizeof(hdr), F_NEXT, 1 };
	lring.desc[1] = (struct desc){ (uint32_t)data, 2048, F_NEXT | F_WRITE, 2 };
	lring.desc[2] = (struct desc){ (uint32_t)&status, 1, F_WRITE, 0 };
	lring.avail[2] = 0;
	__asm__ volatile("" ::: "memory");
	lring.avail[1] = 1;
	__asm__ volatile("" ::: "memory");
	outw(io + 16, 0);
	unsigned long n = 0;
	while (*(volatile uint16_t *)&lring.used_hdr[1] == 0 && ++n < 100000000)
		;
	printf("  read 6000-6003: used idx %u len %u status %u bad %u\n", lring.used_hdr[1],
	       lring.used[1], status, check(data, 6000, 4, 0));
	for (n = 0; n < 10000000 && !irr(cfg_read8(bdf, 0x3c)); n++)
		;
	printf("  ISR %02x\n", inb(io + 19));
	outl(io + 8, 0);
	outb(io + 18, 0);
	printf("  after reset: status %02x pfn %08x\n", inb(io + 18), inl(io + 8));
}

int main(const char *cmdline)
{
	(void)cmdline;
	unsigned b = find(0x1001, 0);
	if (!b) {
		puts("no virtio-blk");
		return 2;
	}
	blk(b);
	legacy(b, 0xc000);
	return 0;
}
