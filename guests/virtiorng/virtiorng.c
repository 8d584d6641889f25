/*
 * virtiorng - a virtio-rng through the virtio 1.0 PCI interface: the
 * function's identity, negotiation of VERSION_1 alone, one queue of QEMU's
 * size, two 64-byte buffers filled (used length, the buffers differing and
 * not mostly zero) and INTx as the 8259's IRR and the ISR register show it.
 * (Apart from guests/virtio: the bytes are the host's entropy, so the
 * register states differ from run to run, which the cross-backend
 * comparison cannot take.)
 */
#include "guest.h"
#include "io.h"
#include "pci.h"

#include <stdint.h>

#define QN 8

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct {
	struct desc desc[QN];
	uint16_t avail[3 + QN];
	uint8_t pad[4096 - 16 * QN - 2 * (3 + QN)];
	uint16_t used_hdr[2];
	uint32_t used[2 * QN];
} ring __attribute__((aligned(4096)));

static uint8_t a[64], b[64];
static uint32_t common, isr, notify, mult;
static unsigned irq;
static uint16_t next_avail;

static unsigned irr(void)
{
	outb(irq < 8 ? 0x20 : 0xa0, 0x0a);
	return inb(irq < 8 ? 0x20 : 0xa0) >> (irq & 7) & 1;
}

/* One writable buffer; the used length, or -1.  Then the interrupt. */
static long fill(uint8_t *buf, uint32_t len)
{
	unsigned i = next_avail % QN;
	ring.desc[i] = (struct desc){ (uint32_t)buf, len, 2, 0 };
	ring.avail[2 + i] = i;
	__asm__ volatile("" ::: "memory");
	ring.avail[1] = ++next_avail;
	__asm__ volatile("" ::: "memory");
	wr16(notify, 0);
	unsigned long n = 0;
	while (*(volatile uint16_t *)&ring.used_hdr[1] != next_avail)
		if (++n > 100000000)
			return -1;
	for (n = 0; n < 10000000 && !irr(); n++)
		;
	unsigned before = irr(), status = rd8(isr);
	printf("  interrupt: IRR %u, ISR %02x, IRR after %u\n", before, status, irr());
	return ring.used[2 * ((next_avail - 1) % QN) + 1];
}

int main(const char *cmdline)
{
	(void)cmdline;
	unsigned bdf = 0;
	for (unsigned d = 8; d < 256 && !bdf; d += 8)
		if (cfg_read(d, 0) == 0x10051af4)
			bdf = d;
	if (!bdf) {
		puts("no virtio-rng");
		return 2;
	}
	uint32_t id = cfg_read(bdf, 0), cr = cfg_read(bdf, 8);
	printf("00:%02x.0 %04x:%04x class %06x rev %02x sub %08x pin %u\n", bdf >> 3,
	       id & 0xffff, id >> 16, cr >> 8, cr & 0xff, cfg_read(bdf, 0x2c), cfg_read8(bdf, 0x3d));
	const uint32_t mmio = 0xfe010000u;
	cfg_write(bdf, 4, 0);
	cfg_write(bdf, 0x20, mmio);
	cfg_write(bdf, 0x24, 0);
	cfg_write(bdf, 4, 0x0006);
	irq = cfg_read8(bdf, 0x3c);
	outb(0x21, 0xfb);
	outb(0xa1, 0xff);
	outb(0x4d0 + irq / 8, inb(0x4d0 + irq / 8) | 1 << (irq & 7));
	for (unsigned at = cfg_read8(bdf, 0x34), n = 0; at && n < 48; n++) {
		uint32_t w0 = cfg_read(bdf, at);
		unsigned type = w0 >> 24;
		if ((w0 & 0xff) == 0x09 && cfg_read8(bdf, at + 4) == 4) {
			uint32_t off = cfg_read(bdf, at + 8);
			if (type == 1)
				common = mmio + off;
			else if (type == 3)
				isr = mmio + off;
			else if (type == 2) {
				notify = mmio + off;
				mult = cfg_read(bdf, at + 16);
			}
		}
		at = w0 >> 8 & 0xfc;
	}
	if (!common || !isr || !notify) {
		puts("missing virtio capabilities");
		return 2;
	}
	wr8(common + 0x14, 0);
	wr8(common + 0x14, 3);
	wr32(common + 0x00, 1);
	/* (QEMU 7.2 also offers RING_RESET, bit 40, which bt86 has not.) */
	printf("VERSION_1 offered: %u\n", rd32(common + 0x04) & 1);
	wr32(common + 0x08, 0);
	wr32(common + 0x0c, 0);
	wr32(common + 0x08, 1);
	wr32(common + 0x0c, 1); /* VERSION_1 */
	wr8(common + 0x14, 0x0b);
	printf("FEATURES_OK: status %02x\n", rd8(common + 0x14));
	wr16(common + 0x16, 0);
	printf("queue 0: size %u\n", rd16(common + 0x18));
	wr16(common + 0x18, QN);
	notify += rd16(common + 0x1e) * mult;
	wr32(common + 0x20, (uint32_t)ring.desc);
	wr32(common + 0x24, 0);
	wr32(common + 0x28, (uint32_t)ring.avail);
	wr32(common + 0x2c, 0);
	wr32(common + 0x30, (uint32_t)ring.used_hdr);
	wr32(common + 0x34, 0);
	wr16(common + 0x1c, 1);
	wr8(common + 0x14, 0x0f);
	long na = fill(a, sizeof(a)), nb = fill(b, sizeof(b));
	unsigned zero = 0;
	for (unsigned i = 0; i < 64; i++)
		zero += !a[i];
	printf("used %ld %ld, the buffers %s, %s\n", na, nb,
	       memcmp(a, b, 64) ? "differ" : "are equal", zero < 8 ? "few zeros" : "many zeros");
	wr8(common + 0x14, 0);
	printf("reset: status %02x\n", rd8(common + 0x14));
	return 0;
}
