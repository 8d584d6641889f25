/*
 * acpi - what a guest written for QEMU's pc machine finds of its firmware
 * interfaces: fw_cfg (ports 0x510/0x511 and the DMA interface at 0x514),
 * the ACPI tables (the RSDP scanned for in 0xE0000-0xFFFFF, every table's
 * checksum, RSDT -> FADT -> FACS and DSDT's _S5, the MADT, the HPET table),
 * the PM timer's rate against the PIT, its carry interrupt (TMR_STS on the
 * SCI, IRQ 9), and last the power-off: SLP_TYP of _S5 with SLP_EN, after
 * which the emulator must have exited with status 0.
 *
 * Only what QEMU and bt86 both define is printed: not the OEM fields, not
 * where the tables are, not fw_cfg files bt86 does not provide (QEMU has a
 * dozen, looked up here by name).  QEMU's tables also include a WAET,
 * so tables are looked up by signature rather than counted.  Run with -icount
 * (guests/acpi/options), so that the PIT, the PM timer and the halts follow
 * the instruction count in both emulators.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

/* ---------------------------------------------------------------- fw_cfg */

static void fw_select(uint16_t key)
{
	outw(0x510, key);
}

static void fw_read(void *buf, unsigned n)
{
	uint8_t *p = buf;
	for (unsigned i = 0; i < n; i++)
		p[i] = inb(0x511);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

/* The key of a file in the directory, or 0. */
static uint16_t fw_find(const char *name, uint32_t *size)
{
	uint8_t n[4], e[64];
	fw_select(0x19);
	fw_read(n, 4);
	for (uint32_t i = 0; i < be32(n); i++) {
		fw_read(e, 64);
		if (!strcmp((char *)e + 8, name)) {
			*size = be32(e);
			return e[4] << 8 | e[5];
		}
	}
	return 0;
}

/* struct FWCfgDmaAccess, big-endian */
static volatile struct {
	uint32_t control, length, addr_hi, addr_lo;
} __attribute__((aligned(16))) dma;

static uint32_t bswap(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

static uint32_t fw_dma(uint32_t control, void *dst, uint32_t len)
{
	dma.control = bswap(control);
	dma.length = bswap(len);
	dma.addr_hi = 0;
	dma.addr_lo = bswap((uint32_t)dst);
	outl(0x514, 0);
	outl(0x518, bswap((uint32_t)&dma));
	return bswap(dma.control);
}

static void check_fw_cfg(void)
{
	uint8_t b[24];

	fw_select(0);
	fw_read(b, 4);
	printf("fw_cfg: signature \"%c%c%c%c\"\n", b[0], b[1], b[2], b[3]);
	fw_select(1);
	fw_read(b, 4);
	printf("fw_cfg: id 0x%x (traditional %s, DMA %s)\n", le32(b), b[0] & 1 ? "yes" : "no",
	       b[0] & 2 ? "yes" : "no");
	fw_select(5);
	fw_read(b, 4);
	printf("fw_cfg: nb_cpus %u, then past the item's end: %02x %02x\n", le16(b), b[2], b[3]);
	fw_select(0xf);
	fw_read(b, 2);
	printf("fw_cfg: max_cpus %u\n", le16(b));
	fw_select(3);
	fw_read(b, 8);
	printf("fw_cfg: ram_size 0x%x%08x\n", le32(b + 4), le32(b));
	fw_select(0x8002);
	fw_read(b, 4);
	printf("fw_cfg: irq0_override %u\n", le32(b));
	fw_select(0x8004);
	fw_read(b, 16);
	printf("fw_cfg: hpet count %u, block id 0x%08x at 0x%08x%08x\n", b[0], le32(b + 1),
	       le32(b + 9), le32(b + 5));
	fw_select(0x1a); /* no item: reads as zeros */
	fw_read(b, 4);
	printf("fw_cfg: key 0x1a (none): %02x %02x %02x %02x\n", b[0], b[1], b[2], b[3]);
	fw_select(0); /* a byte read at the selector port reads data too */
	printf("fw_cfg: byte read at 0x510: '%c'\n", inb(0x510));

	uint32_t size;
	uint16_t key = fw_find("etc/e820", &size);
	printf("fw_cfg: etc/e820: %u bytes\n", key ? size : 0);
	for (uint32_t off = 0; key && off + 20 <= size; off += 20) {
		fw_select(key);
		for (uint32_t i = 0; i < off; i++)
			inb(0x511);
		fw_read(b, 20);
		printf("fw_cfg:   0x%08x%08x +0x%08x%08x type %u\n", le32(b + 4), le32(b), le32(b + 12),
		       le32(b + 8), le32(b + 16));
	}

	uint32_t sig_hi = inl(0x514), sig_lo = inl(0x518);
	printf("fw_cfg: DMA signature \"%.4s%.4s\"\n", (char *)&sig_hi, (char *)&sig_lo);
	memset(b, 0xaa, sizeof(b));
	uint32_t st = fw_dma(0x0000 << 16 | 0x08 | 0x02, b, 6); /* select 0, read 6 */
	printf("fw_cfg: DMA read of the signature + 2: control %x, \"%.4s\" %02x %02x, then %02x\n",
	       st, (char *)b, b[4], b[5], b[6]);
	if (key) {
		memset(b, 0xaa, sizeof(b));
		st = fw_dma((uint32_t)key << 16 | 0x08 | 0x04, 0, 8); /* skip 8 */
		st |= fw_dma(0x02, b, 8);
		printf("fw_cfg: DMA skip 8, read 8 of etc/e820: control %x, length 0x%08x%08x\n", st,
		       le32(b + 4), le32(b));
	}
	st = fw_dma(0x01 << 16 | 0x08 | 0x10, b, 4); /* write 4 bytes to the ID: read-only */
	printf("fw_cfg: DMA write to a read-only item: control %x\n", st);
}

/* ---------------------------------------------------------------- tables */

static int sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s == 0;
}

static const uint8_t *find_rsdp(void)
{
	for (uint32_t a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp((void *)a, "RSD PTR ", 8) && sum_ok((void *)a, 20))
			return (void *)a;
	return 0;
}

static const uint8_t *rsdt;

static const uint8_t *find_table(const char *sig)
{
	for (uint32_t i = 36; i < le32(rsdt + 4); i += 4) {
		const uint8_t *t = (void *)le32(rsdt + i);
		if (!memcmp(t, sig, 4))
			return t;
	}
	return 0;
}

static unsigned s5_typ = 0xff;

static void check_dsdt(const uint8_t *d)
{
	uint32_t len = le32(d + 4);
	printf("dsdt: checksum %s\n", sum_ok(d, len) ? "ok" : "BAD");
	/* Name (_S5_, Package (n) { SLP_TYPa, ... }): NameOp, the name, PackageOp,
	 * a one-byte PkgLength (the package is short), NumElements, elements. */
	for (uint32_t i = 36; i + 9 < len; i++) {
		if (d[i] != 0x08 || memcmp(d + i + 1, "_S5_", 4) || d[i + 5] != 0x12)
			continue;
		const uint8_t *e = d + i + 8;
		unsigned n = d[i + 7];
		s5_typ = e[0] == 0x0a ? e[1] : e[0] <= 1 ? e[0] : 0xfe;
		printf("dsdt: _S5 package of %u elements, SLP_TYPa %u\n", n, s5_typ);
		return;
	}
	printf("dsdt: no _S5\n");
}

static uint16_t pm1_evt, pm1_cnt;
static uint32_t pm_tmr;

static void check_fadt(const uint8_t *f)
{
	printf("fadt: revision %u, length %u, checksum %s\n", f[8], le32(f + 4),
	       sum_ok(f, le32(f + 4)) ? "ok" : "BAD");
	printf("fadt: sci_int %u, smi_cmd 0x%x, acpi_enable 0x%x, acpi_disable 0x%x\n", le16(f + 46),
	       le32(f + 48), f[52], f[53]);
	pm1_evt = le32(f + 56);
	pm1_cnt = le32(f + 64);
	pm_tmr = le32(f + 76);
	printf("fadt: pm1a_evt 0x%x/%u, pm1a_cnt 0x%x/%u, pm_tmr 0x%x/%u, gpe0 0x%x/%u\n", pm1_evt,
	       f[88], pm1_cnt, f[89], pm_tmr, f[91], le32(f + 80), f[92]);
	printf("fadt: pm1b_evt %x, pm1b_cnt %x, pm2_cnt %x, gpe1 %x\n", le32(f + 60), le32(f + 68),
	       le32(f + 72), le32(f + 84));
	printf("fadt: p_lvl2_lat %u, p_lvl3_lat %u, century %u, flags 0x%x\n", le16(f + 96),
	       le16(f + 98), f[108], le32(f + 112));
	const uint8_t *facs = (void *)le32(f + 36);
	printf("facs: signature %.4s, length %u, aligned %s\n", (const char *)facs, le32(facs + 4),
	       ((uint32_t)facs & 63) ? "no" : "yes");
	check_dsdt((void *)le32(f + 40));
}

static void check_madt(const uint8_t *m)
{
	uint32_t len = le32(m + 4);
	printf("madt: checksum %s, local APIC at 0x%08x, flags %u\n", sum_ok(m, len) ? "ok" : "BAD",
	       le32(m + 36), le32(m + 40));
	for (const uint8_t *e = m + 44; e < m + len && e[1]; e += e[1]) {
		switch (e[0]) {
		case 0:
			printf("madt:   local APIC: processor %u, APIC id %u, flags %u\n", e[2], e[3],
			       le32(e + 4));
			break;
		case 1:
			printf("madt:   I/O APIC: id %u at 0x%08x, GSI base %u\n", e[2], le32(e + 4),
			       le32(e + 8));
			break;
		case 2:
			printf("madt:   override: bus %u IRQ %u -> GSI %u, flags 0x%x\n", e[2], e[3],
			       le32(e + 4), le16(e + 8));
			break;
		case 4:
			printf("madt:   local APIC NMI: processor 0x%x, flags %u, LINT%u\n", e[2],
			       le16(e + 3), e[5]);
			break;
		default:
			printf("madt:   entry type %u, length %u\n", e[0], e[1]);
		}
	}
}

static void check_hpet_table(const uint8_t *h)
{
	printf("hpet table: checksum %s, block id 0x%08x, space %u, address 0x%08x%08x, number %u\n",
	       sum_ok(h, le32(h + 4)) ? "ok" : "BAD", le32(h + 36), h[40], le32(h + 48), le32(h + 44),
	       h[52]);
}

static void check_tables(void)
{
	const uint8_t *rsdp = find_rsdp();
	if (!rsdp) {
		printf("rsdp: not found\n");
		return;
	}
	printf("rsdp: found on a 16-byte boundary, revision %u, checksum ok\n", rsdp[15]);
	rsdt = (void *)le32(rsdp + 16);
	uint32_t len = le32(rsdt + 4), bad = 0;
	printf("rsdt: signature %.4s, checksum %s\n", (const char *)rsdt,
	       sum_ok(rsdt, len) ? "ok" : "BAD");
	for (uint32_t i = 36; i < len; i += 4) {
		const uint8_t *t = (void *)le32(rsdt + i);
		bad += !sum_ok(t, le32(t + 4));
	}
	printf("rsdt: tables with a bad checksum: %u\n", bad);
	static const char *const want[] = { "FACP", "APIC", "HPET" };
	for (int i = 0; i < 3; i++)
		if (!find_table(want[i]))
			printf("rsdt: no %s\n", want[i]);
	if (find_table("FACP"))
		check_fadt(find_table("FACP"));
	if (find_table("APIC"))
		check_madt(find_table("APIC"));
	if (find_table("HPET"))
		check_hpet_table(find_table("HPET"));
}

/* ---------------------------------------------------------------- PM timer */

static uint32_t tmr(void)
{
	return inl(pm_tmr);
}

/* PM timer ticks while PIT channel 2 counts `count` clocks down (mode 0). */
static uint32_t pm_ticks_per_pit(uint16_t count)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate 2 on, speaker off */
	outb(0x43, 0xb0);                      /* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	uint32_t t0 = tmr();
	outb(0x42, count >> 8);
	while (!(inb(0x61) & 0x20))
		;
	return (tmr() - t0) & 0xffffff;
}

static volatile unsigned sci_count;
static volatile uint32_t sci_sts, sci_tmr;

void irq9_body(void)
{
	sci_tmr = tmr();
	sci_sts = inw(pm1_evt);
	outw(pm1_evt, sci_sts); /* acknowledge: clear what was set */
	sci_count++;
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

IDT_ENTRY(irq9_entry, irq9_body);

static void check_pm(void)
{
	/* 10 ms of PIT (11932 clocks) is 35795 PM ticks; 0.1% either way. */
	uint32_t t = pm_ticks_per_pit(11932);
	printf("pm timer: 35795 (+-36) ticks in 11932 PIT clocks: %s\n",
	       t + 36 >= 35795 && t <= 35795 + 36 ? "OK" : "FAIL");
	if (t + 36 < 35795 || t > 35795 + 36)
		printf("pm timer:   %u\n", t);
	uint32_t hi = 0;
	for (int i = 0; i < 1000; i++)
		hi |= tmr() & 0xff000000;
	printf("pm timer: 24 bits wide (bits 31:24 read 0): %s\n", hi ? "no" : "yes");

	/* ACPI mode through SMI_CMD, then the timer's carry out of bit 23 on the SCI. */
	outb(0xb2, 0xf1);
	printf("pm1: SCI_EN after ACPI_ENABLE: %u\n", inw(pm1_cnt) & 1);
	idt_set(0x29, irq9_entry);
	idt_load();
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xfb); outb(0xa1, 0xfd); /* the cascade and IRQ 9 */
	outw(pm1_evt, 0xffff);               /* clear every status bit */
	printf("pm1: status after clearing: 0x%x\n", inw(pm1_evt));
	outw(pm1_evt + 2, 0x0001); /* TMR_EN */
	printf("pm1: enable reads 0x%x\n", inw(pm1_evt + 2));
	uint32_t start = tmr();
	while (sci_count < 2)
		__asm__ volatile("sti; hlt; cli");
	outw(pm1_evt + 2, 0);
	/* Each carry comes as bit 23 flips: at most a little after it. */
	printf("pm1: 2 SCIs, status 0x%x, the last %s after bit 23 flipped, %s 2^23 ticks after the start\n",
	       sci_sts, (sci_tmr & 0x7fffff) < 3580 ? "within 1 ms" : "NOT within 1 ms",
	       ((sci_tmr - start) & 0xffffff) > 0x800000 - 3580 ? "over" : "NOT over");
}

static void power_off(void)
{
	printf("pm1: SLP_TYP %u with SLP_EN: power off\n", s5_typ);
	outw(pm1_cnt, (inw(pm1_cnt) & ~0x3c00) | s5_typ << 10 | 0x2000);
	/* QEMU's main loop takes the request while the vCPU runs on: halt for
	 * good rather than exit through isa-debug-exit first.  A machine that
	 * does not power off hangs here, and the runner's time limit fails it. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

int main(const char *cmdline __attribute__((unused)))
{
	check_fw_cfg();
	check_tables();
	if (!pm_tmr)
		return 1;
	check_pm();
	if (s5_typ < 8)
		power_off();
	printf("no _S5: no power-off\n");
	return 1;
}
