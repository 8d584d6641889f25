/*
 * ide.c - the full build's disk: the primary master on the legacy ATA
 * ports (0x1f0-0x1f7, 0x3f6), LBA28 PIO, polled with interrupts off (nIEN),
 * data moved with REP INSW / REP OUTSW as Linux's PIO path does.  Every
 * register access is an IN or OUT that bt86's monitor emulates; the data
 * moves a sector (256 words) per string instruction.
 */
#include "demo.h"

#define CMD		0x1f0
#define CTL		0x3f6
#define ST_BSY		0x80
#define ST_DRQ		0x08
#define ST_ERR		0x01

static uint8_t wait_not_busy(void)
{
	uint8_t s;

	inb(CTL);	/* alternate status: 400 ns for the status to settle */
	for (uint32_t n = 0; n < 10000000; n++)
		if (!((s = inb(CTL)) & ST_BSY))
			return s;
	return 0xff;
}

static void select_lba(uint8_t cmd, uint32_t lba, uint32_t count)
{
	wait_not_busy();
	outb(CMD + 6, 0xe0 | (lba >> 24 & 0xf));
	outb(CMD + 2, (uint8_t)count);
	outb(CMD + 3, (uint8_t)lba);
	outb(CMD + 4, (uint8_t)(lba >> 8));
	outb(CMD + 5, (uint8_t)(lba >> 16));
	outb(CMD + 7, cmd);
}

static int ide_rw(uint32_t lba, void *buf, uint32_t count, int write)
{
	uint16_t *p = buf;

	select_lba(write ? 0x30 : 0x20, lba, count);	/* WRITE / READ SECTORS */
	for (uint32_t s = 0; s < count; s++, p += 256) {
		uint8_t st = wait_not_busy();

		if ((st & (ST_ERR | ST_DRQ)) != ST_DRQ)
			return -1;
		uint16_t *q = p;
		uint32_t c = 256;

		if (write)
			__asm__ volatile("rep outsw" : "+S"(q), "+c"(c) : "d"(CMD) : "memory");
		else
			__asm__ volatile("rep insw" : "+D"(q), "+c"(c) : "d"(CMD) : "memory");
	}
	return wait_not_busy() & ST_ERR ? -1 : 0;
}

int ide_probe(struct disk *d)
{
	static uint16_t id[256];
	uint8_t st;

	if (inb(CMD + 7) == 0xff)	/* floating bus: no controller */
		return 0;
	outb(CTL, 0x02);		/* nIEN: we poll */
	select_lba(0xec, 0, 0);		/* IDENTIFY DEVICE */
	st = wait_not_busy();
	if (st == 0 || st == 0xff || (st & (ST_ERR | ST_DRQ)) != ST_DRQ)
		return 0;
	{
		uint16_t *q = id;
		uint32_t c = 256;

		__asm__ volatile("rep insw" : "+D"(q), "+c"(c) : "d"(CMD) : "memory");
	}
	d->name = "IDE primary master, PIO";
	d->sectors = id[60] | (uint32_t)id[61] << 16;
	d->rw = ide_rw;
	return d->sectors != 0;
}
