/*
 * virtio_blk.c - the paravirtual build's disk: virtio-blk over PCI, the
 * virtio 1.0 ("modern") interface only (VIRTIO_F_VERSION_1), one split
 * virtqueue, polled.
 *
 * Found by a walk of bus 0 for 1af4:1042 (modern only) or 1af4:1001
 * (transitional); its vendor capabilities (ID 9) locate the common,
 * notify and device configuration in memory BARs.  A BAR the firmware left
 * at 0 is placed here (a multiboot kernel may start with none assigned).
 * A request is three descriptors (header, 4 KiB of data, status byte), one
 * store to the notify register, then a wait on the used ring: no port I/O,
 * and no interrupt (VIRTQ_AVAIL_F_NO_INTERRUPT; the poll is a memory read).
 */
#include "demo.h"

#define QSZ		8	/* one request at a time needs 3 */
#define MMIO_BASE	0xe0000000u	/* where an unassigned BAR goes */

/* Common configuration (virtio 1.0, 4.1.4.3) */
#define C_DFSELECT	0x00
#define C_DF		0x04
#define C_GFSELECT	0x08
#define C_GF		0x0c
#define C_STATUS	0x14
#define C_Q_SELECT	0x16
#define C_Q_SIZE	0x18
#define C_Q_MSIX	0x1a
#define C_Q_ENABLE	0x1c
#define C_Q_NOFF	0x1e
#define C_Q_DESCLO	0x20
#define C_Q_DESCHI	0x24
#define C_Q_AVAILLO	0x28
#define C_Q_AVAILHI	0x2c
#define C_Q_USEDLO	0x30
#define C_Q_USEDHI	0x34

#define S_ACK		1
#define S_DRIVER	2
#define S_DRIVER_OK	4
#define S_FEATURES_OK	8

#define D_NEXT		1
#define D_WRITE		2

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct {
	struct vdesc desc[QSZ];
	struct { uint16_t flags, idx, ring[QSZ], used_event; } avail;
	uint8_t pad[4096 - QSZ * 16 - (4 + 2 * QSZ + 2)];
	struct { uint16_t flags; volatile uint16_t idx; struct { uint32_t id, len; } ring[QSZ];
		 uint16_t avail_event; } used;
} vq __attribute__((aligned(4096)));

static struct {
	uint32_t type, reserved;
	uint64_t sector;
} req_hdr;
static volatile uint8_t req_status;
static uint16_t last_used;

static volatile uint8_t *common, *notify, *devcfg;

static inline void w8(volatile uint8_t *b, uint32_t off, uint8_t v) { b[off] = v; }
static inline void w16(volatile uint8_t *b, uint32_t off, uint16_t v) { *(volatile uint16_t *)(b + off) = v; }
static inline void w32(volatile uint8_t *b, uint32_t off, uint32_t v) { *(volatile uint32_t *)(b + off) = v; }
static inline uint8_t r8(volatile uint8_t *b, uint32_t off) { return b[off]; }
static inline uint16_t r16(volatile uint8_t *b, uint32_t off) { return *(volatile uint16_t *)(b + off); }
static inline uint32_t r32(volatile uint8_t *b, uint32_t off) { return *(volatile uint32_t *)(b + off); }

static int vblk_rw(uint32_t lba, void *buf, uint32_t count, int write)
{
	uint16_t slot;

	req_hdr.type = write ? 1 : 0;	/* VIRTIO_BLK_T_OUT / _IN */
	req_hdr.reserved = 0;
	req_hdr.sector = lba;
	req_status = 0xff;
	vq.desc[0] = (struct vdesc){ (uint32_t)&req_hdr, sizeof(req_hdr), D_NEXT, 1 };
	vq.desc[1] = (struct vdesc){ (uint32_t)buf, count * 512, D_NEXT | (write ? 0 : D_WRITE), 2 };
	vq.desc[2] = (struct vdesc){ (uint32_t)&req_status, 1, D_WRITE, 0 };
	slot = vq.avail.idx;
	vq.avail.ring[slot % QSZ] = 0;
	__asm__ volatile("" : : : "memory");
	vq.avail.idx = slot + 1;
	/* The index before the kick: a locked add orders stores on any
	 * x86 (MFENCE needs SSE2, which an i686 lacks). */
	__asm__ volatile("lock; addl $0, (%%esp)" : : : "memory", "cc");
	w16(notify, 0, 0);
	for (uint32_t n = 0; vq.used.idx == last_used; n++)
		if (n > 200000000u)
			return -1;
	last_used++;
	__asm__ volatile("" : : : "memory");
	return req_status;
}

/* The address a BAR decodes, placing it first if the firmware did not;
 * 0 for an I/O BAR or one above 4 GiB. */
static uint32_t bar_address(uint32_t bdf, uint32_t bar)
{
	static uint32_t next = MMIO_BASE;
	uint32_t reg = 0x10 + 4 * bar, v = pci_read(bdf, reg), size;
	int is64 = (v & 6) == 4;

	if (v & 1)
		return 0;
	if (is64 && pci_read(bdf, reg + 4))
		return 0;
	if (v & ~0xfu)
		return v & ~0xfu;
	pci_write(bdf, reg, 0xffffffffu);
	size = ~(pci_read(bdf, reg) & ~0xfu) + 1;
	if (size < 4096)
		size = 4096;
	next = (next + size - 1) & ~(size - 1);
	pci_write(bdf, reg, next);
	if (is64)
		pci_write(bdf, reg + 4, 0);
	next += size;
	return next - size;
}

int virtio_blk_probe(struct disk *d)
{
	uint32_t bdf, id = 0, cap, noff_mul = 0;

	for (bdf = 0; bdf < 32 * 8; bdf++) {
		id = pci_read(bdf, 0);
		if (id == 0x10011af4 || id == 0x10421af4)
			break;
	}
	if (bdf == 32 * 8)
		return 0;
	if (!(pci_read(bdf, 4) >> 16 & 0x10)) {
		kprintf("  virtio-blk at 00:%02x.%x: no capability list\n", bdf >> 3, bdf & 7);
		return 0;
	}
	for (cap = pci_read(bdf, 0x34) & 0xfc; cap; cap = pci_read(bdf, cap) >> 8 & 0xfc) {
		uint32_t h = pci_read(bdf, cap), type = h >> 24 & 0xff, bar, off, a;

		if ((h & 0xff) != 0x09 || type < 1 || type > 4)
			continue;
		bar = pci_read(bdf, cap + 4) & 0xff;
		off = pci_read(bdf, cap + 8);
		if (bar > 5 || !(a = bar_address(bdf, bar)))
			continue;
		mm_map_mmio(a + off, pci_read(bdf, cap + 12));
		if (type == 1 && !common)
			common = (volatile uint8_t *)(a + off);
		else if (type == 2 && !notify) {
			notify = (volatile uint8_t *)(a + off);
			noff_mul = pci_read(bdf, cap + 16);
		} else if (type == 4 && !devcfg)
			devcfg = (volatile uint8_t *)(a + off);
	}
	if (!common || !notify || !devcfg) {
		kprintf("  virtio-blk at 00:%02x.%x: no virtio 1.0 capabilities\n", bdf >> 3,
			bdf & 7);
		return 0;
	}
	pci_write(bdf, 4, (pci_read(bdf, 4) & 0xffff) | 0x6);	/* memory, bus master */

	w8(common, C_STATUS, 0);
	for (uint32_t n = 0; r8(common, C_STATUS) && n < 1000000; n++)
		;
	w8(common, C_STATUS, S_ACK);
	w8(common, C_STATUS, S_ACK | S_DRIVER);
	w32(common, C_DFSELECT, 1);
	if (!(r32(common, C_DF) & 1)) {	/* VIRTIO_F_VERSION_1 (bit 32) */
		kprintf("  virtio-blk: no VIRTIO_F_VERSION_1\n");
		return 0;
	}
	w32(common, C_GFSELECT, 0);
	w32(common, C_GF, 0);
	w32(common, C_GFSELECT, 1);
	w32(common, C_GF, 1);
	w8(common, C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(r8(common, C_STATUS) & S_FEATURES_OK)) {
		kprintf("  virtio-blk: features not accepted\n");
		return 0;
	}
	w16(common, C_Q_SELECT, 0);
	if (r16(common, C_Q_SIZE) < 3) {
		kprintf("  virtio-blk: queue 0 too small\n");
		return 0;
	}
	w16(common, C_Q_SIZE, QSZ);
	w16(common, C_Q_MSIX, 0xffff);	/* VIRTIO_MSI_NO_VECTOR: we poll */
	vq.avail.flags = 1;		/* VIRTQ_AVAIL_F_NO_INTERRUPT */
	w32(common, C_Q_DESCLO, (uint32_t)&vq.desc);
	w32(common, C_Q_DESCHI, 0);
	w32(common, C_Q_AVAILLO, (uint32_t)&vq.avail);
	w32(common, C_Q_AVAILHI, 0);
	w32(common, C_Q_USEDLO, (uint32_t)&vq.used);
	w32(common, C_Q_USEDHI, 0);
	notify += r16(common, C_Q_NOFF) * noff_mul;
	w16(common, C_Q_ENABLE, 1);
	w8(common, C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);

	d->name = "virtio-blk (virtio 1.0 over PCI), polled";
	d->sectors = r32(devcfg, 0);	/* capacity's low half: a small disk */
	d->rw = vblk_rw;
	return 1;
}
