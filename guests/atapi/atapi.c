/*
 * atapi - the ATAPI CD-ROM on the secondary master, as a driver meets it:
 * the signature, IDENTIFY PACKET DEVICE, the PACKET protocol (command
 * packet, then data in chunks of the byte count the drive chose, the
 * interrupt reason in the sector count register), and the SCSI commands
 * an OS starts with: TEST UNIT READY, REQUEST SENSE, INQUIRY, READ
 * CAPACITY, READ(10) by PIO and bus-master DMA, MODE SENSE(10), READ TOC,
 * errors with their sense data, and DEVICE RESET.  The medium is the image
 * guests/atapi/mkdisk.sh made; every byte read is checked against it.
 */
#include "guest.h"
#include "io.h"
#include "pci.h"

#include <stdint.h>

#define CMD 0x170
#define CTL 0x376
#define BM 0xc008 /* the secondary channel's bus-master registers */

static uint8_t pattern(uint32_t lba, unsigned i)
{
	return (lba * 5 + i + lba / 64) % 253 + 1;
}

static int irq15(void)
{
	outb(0xa0, 0x0a);
	return inb(0xa0) >> 7 & 1;
}

static uint8_t wait_ready(void)
{
	uint8_t s;
	unsigned long n = 0;
	inb(CTL);
	while ((s = inb(CTL)) & 0x80)
		if (++n > 100000000) {
			puts("BSY stuck");
			exit(3);
		}
	return s;
}

static uint8_t data[65536] __attribute__((aligned(4)));
static unsigned drq_phases;

/* Send a 12-byte packet; read the data the drive offers into data.
 * Returns the bytes read; *status and *reason get the final registers. */
static unsigned packet(const uint8_t *cdb, uint16_t limit, uint8_t *status, uint8_t *reason)
{
	unsigned got = 0;
	drq_phases = 0;
	wait_ready();
	outb(CMD + 6, 0xa0);
	outb(CMD + 1, 0); /* PIO */
	outb(CMD + 4, limit);
	outb(CMD + 5, limit >> 8);
	outb(CMD + 7, 0xa0);
	uint8_t st = wait_ready();
	if (!(st & 0x08) || (inb(CMD + 2) & 3) != 1) {
		printf("  no packet phase: status %02x reason %02x\n", st, inb(CMD + 2));
		*status = st;
		*reason = inb(CMD + 2);
		return 0;
	}
	for (int i = 0; i < 6; i++)
		outw(CMD, cdb[2 * i] | cdb[2 * i + 1] << 8);
	for (;;) {
		st = wait_ready();
		uint8_t r = inb(CMD + 2);
		if (!(st & 0x08))
			break;
		if ((r & 3) != 2) {
			printf("  DRQ with reason %02x\n", r);
			break;
		}
		unsigned n = inb(CMD + 4) | inb(CMD + 5) << 8;
		drq_phases++;
		for (unsigned i = 0; i < n; i += 2) {
			uint16_t w = inw(CMD);
			if (got + i + 1 < sizeof(data)) {
				data[got + i] = w;
				data[got + i + 1] = w >> 8;
			}
		}
		got += n;
	}
	*status = inb(CMD + 7);
	*reason = inb(CMD + 2) & 7;
	return got;
}

static void sense(void)
{
	uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 };
	uint8_t st, r;
	unsigned n = packet(cdb, 2048, &st, &r);
	printf("  REQUEST SENSE: %u bytes, status %02x: %02x key %x asc %02x ascq %02x\n", n, st,
	       data[0], data[2] & 15, data[12], data[13]);
}

static unsigned bad_blocks(uint32_t lba, unsigned blocks)
{
	unsigned bad = 0;
	for (unsigned b = 0; b < blocks; b++)
		for (unsigned i = 0; i < 2048; i++)
			bad += data[b * 2048 + i] != pattern(lba + b, i);
	return bad;
}

static void read10(uint32_t lba, uint16_t count, uint16_t limit)
{
	uint8_t cdb[12] = { 0x28, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, count >> 8, count };
	uint8_t st, r;
	memset(data, 0, count * 2048u);
	unsigned n = packet(cdb, limit, &st, &r);
	printf("READ(10) %u+%u limit %u: %u bytes, status %02x reason %x, bad %u\n", lba, count,
	       limit, n, st, r, bad_blocks(lba, count));
}

struct prd {
	uint32_t addr, len;
};
static struct prd prdt[2] __attribute__((aligned(16)));

int main(const char *cmdline)
{
	(void)cmdline;
	unsigned ide = 0xffff;
	for (unsigned bdf = 0; bdf < 256 && ide == 0xffff; bdf++)
		if (cfg_read(bdf, 0) == 0x70108086)
			ide = bdf;
	if (ide == 0xffff) {
		puts("no PIIX3 IDE");
		return 2;
	}
	cfg_write(ide, 0x20, 0xc000);
	cfg_write(ide, 4, 0x0005);
	outb(0x21, 0xfb);
	outb(0xa1, 0xff);
	outb(0x4d1, inb(0x4d1) | 0x80); /* IRQ 15 level-triggered: the IRR shows INTRQ */
	outb(CTL, 0);

	/* (The power-on signature is the firmware's to see: SeaBIOS has
	 * already talked to the drive under QEMU.  SRST at the end shows it.) */
	outb(CMD + 6, 0xa0);
	outb(CMD + 7, 0xec);
	uint8_t st = wait_ready();
	printf("IDENTIFY DEVICE: status %02x error %02x sig %02x %02x\n", st, inb(CMD + 1),
	       inb(CMD + 4), inb(CMD + 5));
	outb(CMD + 7, 0xa1);
	st = wait_ready();
	int irq = irq15();
	uint16_t id[256];
	for (int i = 0; i < 256; i++)
		id[i] = inw(CMD);
	printf("IDENTIFY PACKET DEVICE: status %02x irq15 %d, then %02x\n", st, irq, inb(CMD + 7));
	printf("  word 0 %04x, 49 %04x, 53 %04x, 63 %04x, 88 %04x\n", id[0], id[49], id[53],
	       id[63], id[88]);
	outb(CMD + 7, 0x20);
	st = wait_ready();
	printf("READ SECTORS: status %02x error %02x\n", st, inb(CMD + 1));

	uint8_t r;
	uint8_t tur[12] = { 0 };
	unsigned n = packet(tur, 2048, &st, &r);
	printf("TEST UNIT READY: %u bytes, status %02x reason %x error %02x irq15 %d\n", n, st, r,
	       inb(CMD + 1), irq15());
	sense();
	uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
	n = packet(inq, 2048, &st, &r);
	printf("INQUIRY: %u bytes, status %02x reason %x: %02x %02x %02x %02x %02x\n", n, st, r,
	       data[0], data[1], data[2] & 0xf8, data[3] & 0x0f, data[4]);
	uint8_t cap[12] = { 0x25 };
	n = packet(cap, 2048, &st, &r);
	printf("READ CAPACITY: %u bytes, status %02x: last LBA %u, block %u\n", n, st,
	       data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3],
	       data[4] << 24 | data[5] << 16 | data[6] << 8 | data[7]);

	read10(0, 1, 2048);
	read10(3, 4, 0xfffe);
	read10(100, 2, 0x200);
	read10(299, 1, 2048);
	read10(5, 0, 2048);
	read10(299, 2, 2048);
	sense();
	read10(1000, 1, 2048);
	sense();

	/* The same READ(10) by bus-master DMA. */
	memset(data, 0, 3 * 2048);
	prdt[0] = (struct prd){ (uint32_t)data, 2048 };
	prdt[1] = (struct prd){ (uint32_t)data + 2048, 4096 | 0x80000000u };
	outb(BM, 0);
	outb(BM + 2, 0x06);
	outl(BM + 4, (uint32_t)prdt);
	wait_ready();
	outb(CMD + 1, 1); /* DMA */
	outb(CMD + 4, 0);
	outb(CMD + 5, 0);
	outb(CMD + 7, 0xa0);
	wait_ready();
	uint8_t cdb[12] = { 0x28, 0, 0, 0, 0, 42, 0, 0, 3 };
	for (int i = 0; i < 6; i++)
		outw(CMD, cdb[2 * i] | cdb[2 * i + 1] << 8);
	outb(BM, 0x09);
	unsigned long spin = 0;
	while (!(inb(BM + 2) & 0x04) && ++spin < 100000000)
		;
	uint8_t bms = inb(BM + 2);
	outb(BM, 0);
	st = inb(CMD + 7);
	printf("READ(10) 42+3 by DMA: bm %x status %02x reason %x bad %u\n", bms & 7, st,
	       inb(CMD + 2) & 7, bad_blocks(42, 3));
	outb(BM + 2, 0x06);

	uint8_t ms[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64 };
	n = packet(ms, 2048, &st, &r);
	printf("MODE SENSE(10) 2a: %u bytes, status %02x: length %u type %02x page %02x len %02x\n",
	       n, st, data[0] << 8 | data[1], data[2], data[8], data[9]);
	ms[2] = 0x01;
	n = packet(ms, 2048, &st, &r);
	printf("MODE SENSE(10) 01: %u bytes, status %02x: length %u page %02x len %02x\n", n, st,
	       data[0] << 8 | data[1], data[8], data[9]);
	ms[2] = 0x05;
	n = packet(ms, 2048, &st, &r);
	printf("MODE SENSE(10) 05: %u bytes, status %02x error %02x\n", n, st, inb(CMD + 1));
	sense();
	uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 20 };
	n = packet(toc, 2048, &st, &r);
	printf("READ TOC: %u bytes, status %02x:", n, st);
	for (unsigned i = 0; i < n && i < 20; i++)
		printf(" %02x", data[i]);
	printf("\n");
	uint8_t bogus[12] = { 0xff };
	n = packet(bogus, 2048, &st, &r);
	printf("command ff: %u bytes, status %02x reason %x error %02x\n", n, st, r, inb(CMD + 1));
	sense();
	uint8_t ssu[12] = { 0x1b, 0, 0, 0, 1 };
	n = packet(ssu, 2048, &st, &r);
	printf("START STOP UNIT: status %02x\n", st);

	outb(CMD + 7, 0x08); /* DEVICE RESET */
	st = wait_ready();
	printf("DEVICE RESET: status %02x error %02x sig %02x %02x %02x %02x\n", st, inb(CMD + 1),
	       inb(CMD + 2), inb(CMD + 3), inb(CMD + 4), inb(CMD + 5));
	outb(CTL, 0x04);
	outb(CTL, 0x00);
	st = wait_ready();
	printf("SRST: status %02x error %02x sig %02x %02x %02x %02x\n", st, inb(CMD + 1),
	       inb(CMD + 2), inb(CMD + 3), inb(CMD + 4), inb(CMD + 5));
	return 0;
}
