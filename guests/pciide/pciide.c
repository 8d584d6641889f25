/*
 * pciide - the PCI bus as a PC OS finds it, and the PIIX3 IDE controller
 * on it driving the hard disk guests/pciide/mkdisk.sh made (run with
 * -snapshot, so the image stays as built).
 *
 * The bus walk prints what firmware does not change: IDs, class, header
 * type, interrupt pin, which bits of the command register are writable,
 * BAR sizes (all ones written, the mask read back).  The disk part
 * IDENTIFYs the primary master and reads and writes sectors by PIO
 * (LBA28, CHS, LBA48, READ/WRITE MULTIPLE) and bus-master DMA, checking
 * every byte against the formula the image was made with.  INTRQ is seen
 * in the slave 8259A's IRR with IRQ 14 masked and level-triggered in the
 * ELCR, so no IDT is needed.
 */
#include "guest.h"
#include "io.h"
#include "pci.h"

#include <stdint.h>

static uint32_t bar_size_mask(unsigned bdf, int i)
{
	unsigned reg = 0x10 + 4 * i;
	uint32_t old = cfg_read(bdf, reg);
	cfg_write(bdf, reg, 0xffffffffu);
	uint32_t m = cfg_read(bdf, reg);
	cfg_write(bdf, reg, old);
	return m;
}

static void walk_bus(void)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			unsigned bdf = dev << 3 | fn;
			uint32_t id = cfg_read(bdf, 0);
			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			/* 00:01.3 is PIIX4 ACPI on QEMU: not part of this comparison. */
			if (id == 0x71138086)
				continue;
			uint32_t cr = cfg_read(bdf, 8);
			uint8_t hdr = cfg_read8(bdf, 0x0e);
			uint32_t sub = cfg_read(bdf, 0x2c);
			uint32_t cmd = cfg_read(bdf, 4);
			printf("00:%02x.%x %04x:%04x class %06x rev %02x hdr %02x sub %08x pin %u"
			       " status %04x\n",
			       dev, fn, id & 0xffff, id >> 16, cr >> 8, cr & 0xff, hdr, sub,
			       cfg_read8(bdf, 0x3d), cmd >> 16 & ~0x2000u);
			cfg_write(bdf, 4, (cmd & 0xffff0000u) | 0xffff);
			printf("  command writable %04x\n", cfg_read(bdf, 4) & 0xffff);
			cfg_write(bdf, 4, cmd & 0xffff);
			for (int i = 0; i < 6; i++) {
				uint32_t m = bar_size_mask(bdf, i);
				if (m)
					printf("  BAR%d mask %08x (%s, %u bytes)\n", i, m,
					       m & 1 ? "I/O" : "memory",
					       (~(m & (m & 1 ? ~3u : ~15u)) & (m & 1 ? 0xffffu : ~0u)) + 1);
			}
			if (fn == 0 && !(hdr & 0x80))
				break;
		}
	}
}

/* i440FX PAM and SMRAM, and PIIX3 PIRQ routes: stored and read back. */
static void chipset_registers(void)
{
	uint8_t save[7];
	for (int i = 0; i < 7; i++) {
		save[i] = cfg_read8(0, 0x59 + i);
		cfg_write8(0, 0x59 + i, 0xff);
	}
	printf("PAM all ones:");
	for (int i = 0; i < 7; i++)
		printf(" %02x", cfg_read8(0, 0x59 + i));
	printf("\n");
	for (int i = 0; i < 7; i++)
		cfg_write8(0, 0x59 + i, save[i]);
	uint8_t pirq = cfg_read8(8, 0x60);
	cfg_write8(8, 0x60, 0xff);
	printf("PIRQA all ones: %02x\n", cfg_read8(8, 0x60));
	cfg_write8(8, 0x60, 0x8b);
	printf("PIRQA 0x8b: %02x\n", cfg_read8(8, 0x60));
	cfg_write8(8, 0x60, pirq);
}

/* ---------------------------------------------------------------- IDE */

#define CMD 0x1f0
#define CTL 0x3f6
#define BM 0xc000

static uint8_t pattern(uint32_t lba, unsigned i)
{
	return (lba * 7 + i + lba / 256) % 251 + 1;
}

/* The slave PIC's IRR bit 6 is IRQ 14's request line. */
static int irq14(void)
{
	outb(0xa0, 0x0a);
	return inb(0xa0) >> 6 & 1;
}

static uint8_t wait_ready(void)
{
	uint8_t s;
	unsigned long n = 0;
	inb(CTL); /* alternate status: does not acknowledge */
	while ((s = inb(CTL)) & 0x80)
		if (++n > 100000000) {
			puts("BSY stuck");
			exit(3);
		}
	return s;
}

static void lba28(uint8_t cmd, uint32_t lba, uint8_t count)
{
	wait_ready();
	outb(CMD + 6, 0xe0 | (lba >> 24 & 0xf));
	outb(CMD + 2, count);
	outb(CMD + 3, lba);
	outb(CMD + 4, lba >> 8);
	outb(CMD + 5, lba >> 16);
	outb(CMD + 7, cmd);
}

static void lba48(uint8_t cmd, uint64_t lba, uint16_t count)
{
	wait_ready();
	outb(CMD + 6, 0x40);
	outb(CMD + 2, count >> 8);
	outb(CMD + 3, lba >> 24);
	outb(CMD + 4, lba >> 32);
	outb(CMD + 5, lba >> 40);
	outb(CMD + 2, count);
	outb(CMD + 3, lba);
	outb(CMD + 4, lba >> 8);
	outb(CMD + 5, lba >> 16);
	outb(CMD + 7, cmd);
}

static uint16_t buf[256 * 16];

static int pio_in(uint16_t *dst, unsigned sectors, unsigned per_drq)
{
	for (unsigned s = 0; s < sectors; s += per_drq) {
		uint8_t st = wait_ready();
		if (!(st & 0x08) || (st & 0x01))
			return st;
		unsigned n = sectors - s < per_drq ? sectors - s : per_drq;
		for (unsigned i = 0; i < 256 * n; i++)
			dst[s * 256 + i] = inw(CMD);
	}
	return wait_ready();
}

static int pio_out(const uint16_t *src, unsigned sectors, unsigned per_drq)
{
	for (unsigned s = 0; s < sectors; s += per_drq) {
		uint8_t st = wait_ready();
		if (!(st & 0x08) || (st & 0x01))
			return st;
		unsigned n = sectors - s < per_drq ? sectors - s : per_drq;
		for (unsigned i = 0; i < 256 * n; i++)
			outw(CMD, src[s * 256 + i]);
	}
	return wait_ready();
}

/* Bytes that differ from what LBA lba.. should hold (or hold after fill). */
static unsigned check(const uint16_t *b, uint32_t lba, unsigned sectors, int xor)
{
	const uint8_t *p = (const uint8_t *)b;
	unsigned bad = 0;
	for (unsigned s = 0; s < sectors; s++)
		for (unsigned i = 0; i < 512; i++)
			if (p[s * 512 + i] != (uint8_t)(pattern(lba + s, i) ^ xor))
				bad++;
	return bad;
}

static void fill(uint16_t *b, uint32_t lba, unsigned sectors, int xor)
{
	uint8_t *p = (uint8_t *)b;
	for (unsigned s = 0; s < sectors; s++)
		for (unsigned i = 0; i < 512; i++)
			p[s * 512 + i] = pattern(lba + s, i) ^ xor;
}

static void identify(void)
{
	lba28(0xec, 0, 0);
	uint8_t st = pio_in(buf, 1, 1);
	printf("IDENTIFY: status %02x irq14 %d\n", st, irq14());
	inb(CMD + 7);
	printf("  status read acknowledges: irq14 %d\n", irq14());
	static const int words[] = { 0, 1, 3, 6, 47, 49, 50, 53, 54, 55, 56, 57, 58, 59, 60, 61,
				     63, 64, 80, 82, 83, 84, 85, 86, 87, 88, 100, 101, 102, 103 };
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		printf("  word %d: %04x\n", words[i], buf[words[i]]);
	char model[41];
	for (int i = 0; i < 20; i++) {
		model[2 * i] = buf[27 + i] >> 8;
		model[2 * i + 1] = buf[27 + i];
	}
	model[40] = 0;
	printf("  model has %u characters\n", (unsigned)strlen(model));
}

struct prd {
	uint32_t addr;
	uint32_t len; /* bit 31: end of table */
};
static struct prd prdt[4] __attribute__((aligned(64)));

static int dma(uint8_t cmd, int ext, uint32_t lba, unsigned sectors, int to_disk)
{
	/* Two PRDs: the first 1 KiB, then the rest, into the same buffer. */
	prdt[0] = (struct prd){ (uint32_t)buf, 1024 };
	prdt[1] = (struct prd){ (uint32_t)buf + 1024, (sectors * 512 - 1024) | 0x80000000u };
	outb(BM, 0);
	outb(BM + 2, 0x06); /* clear error and interrupt */
	outl(BM + 4, (uint32_t)prdt);
	if (ext)
		lba48(cmd, lba, sectors);
	else
		lba28(cmd, lba, sectors);
	outb(BM, to_disk ? 0x01 : 0x09); /* start; bit 3: write to memory */
	unsigned long n = 0;
	while (!(inb(BM + 2) & 0x04) && ++n < 100000000)
		;
	uint8_t bms = inb(BM + 2);
	outb(BM, 0);
	uint8_t st = inb(CMD + 7);
	outb(BM + 2, 0x06);
	return (bms & 0x07) << 8 | st;
}

int main(const char *cmdline)
{
	(void)cmdline;
	walk_bus();
	chipset_registers();

	/* Find the IDE controller and give BAR4 a known place. */
	unsigned ide = 0xffff;
	for (unsigned bdf = 0; bdf < 256 && ide == 0xffff; bdf++)
		if (cfg_read(bdf, 0) == 0x70108086)
			ide = bdf;
	if (ide == 0xffff) {
		puts("no PIIX3 IDE");
		return 2;
	}
	printf("IDE at 00:%02x.%x prog-if %02x\n", ide >> 3, ide & 7, cfg_read8(ide, 9));
	cfg_write(ide, 0x20, BM);
	cfg_write(ide, 4, 0x0005); /* I/O and bus master */
	printf("BAR4 %08x command %04x\n", cfg_read(ide, 0x20), cfg_read(ide, 4) & 0xffff);

	outb(0x21, 0xfb);
	outb(0xa1, 0xff);
	/* IRQ 14 masked and level-triggered (ELCR): the IRR shows INTRQ. */
	outb(0x4d1, inb(0x4d1) | 0x40);
	outb(CTL, 0x00);
	identify();

	lba28(0x20, 0, 2);
	uint8_t st = pio_in(buf, 2, 1);
	printf("READ SECTORS 0-1: status %02x irq14 %d bad %u\n", st, irq14(), check(buf, 0, 2, 0));
	inb(CMD + 7);
	lba28(0x20, 0x1234, 1);
	st = pio_in(buf, 1, 1);
	printf("READ SECTORS 0x1234: status %02x bad %u\n", st, check(buf, 0x1234, 1, 0));
	/* CHS: the geometry of words 1, 3, 6. */
	{
		uint16_t id[256];
		lba28(0xec, 0, 0);
		pio_in(id, 1, 1);
		unsigned heads = id[3], spt = id[6], c = 3, h = 5, s = 7;
		wait_ready();
		outb(CMD + 6, 0xa0 | h);
		outb(CMD + 2, 1);
		outb(CMD + 3, s);
		outb(CMD + 4, c);
		outb(CMD + 5, c >> 8);
		outb(CMD + 7, 0x20);
		uint32_t lba = (c * heads + h) * spt + s - 1;
		st = pio_in(buf, 1, 1);
		printf("READ SECTORS CHS 3/5/7 (LBA %u): status %02x bad %u\n", (unsigned)lba, st,
		       check(buf, lba, 1, 0));
	}
	/* nIEN: no interrupt request while set. */
	inb(CMD + 7);
	outb(CTL, 0x02);
	lba28(0x20, 5, 1);
	st = pio_in(buf, 1, 1);
	printf("nIEN read: status %02x irq14 %d bad %u\n", st, irq14(), check(buf, 5, 1, 0));
	outb(CTL, 0x00);

	fill(buf, 100, 3, 0x5a);
	lba28(0x30, 100, 3);
	printf("WRITE SECTORS 100-102: status %02x\n", pio_out(buf, 3, 1));
	memset(buf, 0, 3 * 512);
	lba28(0x20, 99, 5);
	st = pio_in(buf, 5, 1);
	printf("read back 99-103: status %02x bad %u %u %u\n", st, check(buf, 99, 1, 0),
	       check(buf + 256, 100, 3, 0x5a), check(buf + 4 * 256, 103, 1, 0));

	lba28(0xc6, 0, 3); /* SET MULTIPLE 3: not a power of two */
	printf("SET MULTIPLE 3: status %02x error %02x\n", wait_ready(), inb(CMD + 1));
	lba28(0xc6, 0, 4);
	printf("SET MULTIPLE 4: status %02x\n", wait_ready());
	lba28(0xc4, 200, 10);
	st = pio_in(buf, 10, 4);
	printf("READ MULTIPLE 10: status %02x bad %u\n", st, check(buf, 200, 10, 0));
	fill(buf, 300, 6, 0x33);
	lba28(0xc5, 300, 6);
	printf("WRITE MULTIPLE 6: status %02x\n", pio_out(buf, 6, 4));
	lba28(0x20, 300, 6);
	st = pio_in(buf, 6, 1);
	printf("read back: status %02x bad %u\n", st, check(buf, 300, 6, 0x33));

	lba48(0x24, 0x1f00, 3);
	st = pio_in(buf, 3, 1);
	printf("READ SECTORS EXT 0x1f00: status %02x bad %u\n", st, check(buf, 0x1f00, 3, 0));
	fill(buf, 0x1e00, 2, 0x11);
	lba48(0x34, 0x1e00, 2);
	printf("WRITE SECTORS EXT: status %02x\n", pio_out(buf, 2, 1));
	lba48(0x24, 0x1e00, 2);
	st = pio_in(buf, 2, 1);
	printf("read back: status %02x bad %u\n", st, check(buf, 0x1e00, 2, 0x11));
	/* Past the end of the disk: ID not found. */
	lba48(0x24, 0x2000, 1);
	st = wait_ready();
	printf("READ SECTORS EXT past the end: status %02x error %02x\n", st, inb(CMD + 1));

	/* Bus-master DMA. */
	inb(CMD + 7);
	int r = dma(0xc8, 0, 1000, 8, 0);
	printf("READ DMA 8: bm %x status %02x irq14 %d bad %u\n", r >> 8, r & 0xff, irq14(),
	       check(buf, 1000, 8, 0));
	fill(buf, 2000, 4, 0x77);
	r = dma(0xca, 0, 2000, 4, 1);
	printf("WRITE DMA 4: bm %x status %02x\n", r >> 8, r & 0xff);
	memset(buf, 0, 4 * 512);
	r = dma(0x25, 1, 2000, 4, 0);
	printf("READ DMA EXT: bm %x status %02x bad %u\n", r >> 8, r & 0xff,
	       check(buf, 2000, 4, 0x77));
	fill(buf, 2100, 3, 0x44);
	r = dma(0x35, 1, 2100, 3, 1);
	printf("WRITE DMA EXT 3: bm %x status %02x\n", r >> 8, r & 0xff);
	lba28(0x20, 2100, 3);
	st = pio_in(buf, 3, 1);
	printf("read back: status %02x bad %u\n", st, check(buf, 2100, 3, 0x44));

	lba28(0xe7, 0, 0);
	printf("FLUSH CACHE: status %02x\n", wait_ready());
	wait_ready();
	outb(CMD + 1, 0x03);
	lba28(0xef, 0, 0x45); /* SET FEATURES: transfer mode UDMA 5 */
	printf("SET FEATURES UDMA5: status %02x\n", wait_ready());
	lba28(0xec, 0, 0);
	pio_in(buf, 1, 1);
	printf("  word 88: %04x\n", buf[88]);
	lba28(0xee, 0, 0); /* not a command of an ATA disk */
	st = wait_ready();
	printf("unknown command: status %02x error %02x\n", st, inb(CMD + 1));

	lba28(0x90, 0, 0); /* EXECUTE DEVICE DIAGNOSTIC */
	st = wait_ready();
	printf("DIAGNOSTIC: status %02x error %02x sig %02x %02x %02x %02x\n", st, inb(CMD + 1),
	       inb(CMD + 2), inb(CMD + 3), inb(CMD + 4), inb(CMD + 5));
	outb(CMD + 3, 0x55);
	outb(CTL, 0x04); /* SRST */
	outb(CTL, 0x00);
	st = wait_ready();
	printf("SRST: status %02x error %02x sig %02x %02x %02x %02x dev %02x\n", st,
	       inb(CMD + 1), inb(CMD + 2), inb(CMD + 3), inb(CMD + 4), inb(CMD + 5),
	       inb(CMD + 6));
	return 0;
}
