/*
 * disk.c - the disk workload: write a pattern, read it back, checksum.
 *
 * The full build drives the primary master through the ATA/IDE ports
 * (ide.c), the paravirtual one a virtio-blk PCI function (virtio_blk.c),
 * never the other: the point is to compare the two ways.  The device is
 * found at boot (PCI configuration cycles are port I/O, and belong to
 * set-up, not to the workload).  The same bytes go to the same sectors
 * both ways, so the checksum must agree.
 */
#include "demo.h"

#define REQ_SECTORS	8	/* 4 KiB per request */

static struct disk disk;
static int have_disk;
static uint8_t buf[REQ_SECTORS * 512] __attribute__((aligned(4096)));

uint32_t pci_read(uint32_t bdf, uint32_t reg)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
	return inl(0xcfc);
}

void pci_write(uint32_t bdf, uint32_t reg, uint32_t v)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (reg & 0xfc));
	outl(0xcfc, v);
}

void disk_init(void)
{
#ifdef DEMO_PV
	have_disk = virtio_blk_probe(&disk);
	if (!have_disk)
		kprintf("  disk: no virtio-blk device found (PCI 1af4:1001 or 1af4:1042)\n");
#else
	have_disk = ide_probe(&disk);
	if (!have_disk)
		kprintf("  disk: no IDE disk on the primary channel\n");
#endif
	if (have_disk)
		kprintf("  disk: %s, %u sectors\n", disk.name, disk.sectors);
}

static uint8_t pattern(uint32_t lba, uint32_t i)
{
	return (uint8_t)((lba * 131 + i * 7 + (i >> 9) + 0x5a) ^ (lba >> 8));
}

static void fill(uint32_t lba)
{
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(lba + i / 512, i % 512);
}

/* n requests of 4 KiB written from sector 0 on, then read back. */
void cmd_disk(uint32_t n)
{
	struct meter m;
	uint32_t crc = 0, bad = 0, errors = 0;

	if (!have_disk) {
#ifdef DEMO_PV
		kprintf("  disk: no virtio-blk device found: nothing to do\n");
#else
		kprintf("  disk: no IDE disk found: nothing to do\n");
#endif
		return;
	}
	if (n > disk.sectors / REQ_SECTORS) {
		n = disk.sectors / REQ_SECTORS;
		kprintf("  disk: %u requests fill the disk\n", n);
	}
	/* The pattern is made outside the meter: only the I/O is timed. */
	meter_start(&m);
	for (uint32_t r = 0; r < n; r++) {
		uint64_t c = rdtsc();

		fill(r * REQ_SECTORS);
		m.c0 += rdtsc() - c;
		errors += disk.rw(r * REQ_SECTORS, buf, REQ_SECTORS, 1) != 0;
	}
	meter_report(&m, "write", n, "4KiB");
	meter_start(&m);
	for (uint32_t r = 0; r < n; r++) {
		uint64_t c = rdtsc();

		memset(buf, 0, sizeof(buf));
		m.c0 += rdtsc() - c;
		errors += disk.rw(r * REQ_SECTORS, buf, REQ_SECTORS, 0) != 0;
		c = rdtsc();
		crc = crc32(buf, sizeof(buf), crc);
		for (uint32_t i = 0; i < sizeof(buf); i++)
			bad += buf[i] != pattern(r * REQ_SECTORS + i / 512, i % 512);
		m.c0 += rdtsc() - c;
	}
	meter_report(&m, "read", n, "4KiB");
	kprintf("  disk check: %u KiB, crc32 %08x, %u bad bytes, %u failed requests\n", n * 4, crc,
		bad, errors);
}
