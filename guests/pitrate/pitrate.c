/*
 * pitrate - the PIT's rate checked against the RTC and the TSC, the three
 * clocks a PC guest can read.  A real PC guarantees that the PIT counts at
 * 1.193182 MHz and the RTC's second is 32768 cycles of its crystal (each
 * within about 100 ppm); the TSC's rate is the model's, but constant.  So
 * the guest measures the TSC against RTC seconds (update-ended interrupts),
 * then the PIT against both:
 *   - IRQ0 ticks per RTC second at counts 65536 (18.2 Hz) and 100;
 *   - channel 2 in mode 2 at counts 2, 5 and 10: the count is sampled
 *     much faster than it wraps, so the periods are counted exactly and
 *     their length in TSC cycles is compared with 1193182 Hz (an
 *     off-by-one period is 10% to 50% off);
 *   - channel 2 in mode 0 (one-shot): OUT2 (port 0x61 bit 5) rises N to
 *     N+1 clocks after the count N is written, at several phases.
 * The results are printed as the bounds they fall within, never as times.
 *
 * The emulators' virtual time runs at its own pace, so the options run the
 * guest with -icount: PIT, RTC and TSC then follow the instruction count,
 * the waits are halts (time jumps to the next interrupt) and the sampling
 * loops are far faster than a PIT clock, in QEMU as in bt86.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

#define PIT_HZ 1193182ull

static volatile unsigned ticks, seconds;
static volatile uint64_t second_tsc;

void irq0_body(void)
{
	ticks++;
	outb(0x20, 0x20);
}

void irq8_body(void)
{
	uint64_t t = rdtsc();
	if (cmos(0x0c) & 0x10) { /* UF: an RTC second ended */
		second_tsc = t;
		seconds++;
	}
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

IDT_ENTRY(irq0_entry, irq0_body);
IDT_ENTRY(irq8_entry, irq8_body);

/* Sleep until n more RTC seconds have ended; the TSC at the last one. */
static uint64_t wait_seconds(unsigned n)
{
	unsigned target = seconds + n;
	while (seconds < target)
		__asm__ volatile("sti; hlt; cli");
	return second_tsc;
}

static uint64_t tsc_hz;
static int verbose; /* -append verbose: the measurements too */

/* TSC cycles to PIT clocks, in thousandths. */
static uint64_t tsc_to_mclk(uint64_t cycles)
{
	return cycles * PIT_HZ * 1000 / tsc_hz;
}

static void check_tsc(void)
{
	uint64_t t0 = wait_seconds(1), t1 = wait_seconds(1), t2 = wait_seconds(1);
	uint64_t a = t1 - t0, b = t2 - t1, d = a > b ? a - b : b - a;

	tsc_hz = (t2 - t0) / 2;
	int ok = tsc_hz >= 1000000 && d * 10000 <= a;
	printf("tsc: the same count in two RTC seconds (within 0.01%%): %s\n", ok ? "OK" : "FAIL");
	if (!ok || verbose)
		printf("tsc: %llu then %llu cycles\n", (unsigned long long)a, (unsigned long long)b);
}

static void pit0_program(unsigned count)
{
	outb(0x43, 0x34); /* channel 0, lsb then msb, mode 2 */
	outb(0x40, count & 0xff);
	outb(0x40, (count >> 8) & 0xff);
}

/* IRQ0 ticks in each of `secs` RTC seconds at a count: within [lo, hi]. */
static void check_irq0(unsigned count, unsigned secs, unsigned lo, unsigned hi)
{
	unsigned per[4], bad = 0;

	pit0_program(count & 0xffff);
	wait_seconds(1);
	for (unsigned i = 0; i < secs; i++) {
		unsigned t = ticks;
		wait_seconds(1);
		per[i] = ticks - t;
		bad |= per[i] < lo || per[i] > hi;
	}
	printf("pit: IRQ0 at count %u: %u-%u ticks in each of %u RTC seconds: %s\n", count, lo, hi,
	       secs, bad ? "FAIL" : "OK");
	if (bad || verbose)
		for (unsigned i = 0; i < secs; i++)
			printf("pit:   second %u: %u ticks\n", i + 1, per[i]);
}

/* Channel 2's count, latched. */
static unsigned pit2_count(void)
{
	outb(0x43, 0x80); /* counter latch, channel 2 */
	unsigned lo = inb(0x42);
	return lo | inb(0x42) << 8;
}

/*
 * Mode 2 at count n: OUT2 pulses every n clocks and the count runs n..1.
 * Sampled over `span` TSC cycles, every wrap is seen (a sample at most n/2
 * clocks after the last, which is checked), so the clocks elapsed are
 * periods * n + the phase moved.  They must match the TSC within 0.1%.
 */
static void check_mode2(unsigned n, uint64_t span)
{
	outb(0x61, (inb(0x61) & ~3) | 1); /* gate 2 on, speaker off */
	outb(0x43, 0xb4);                  /* channel 2, lsb then msb, mode 2 */
	outb(0x42, n & 0xff);
	outb(0x42, n >> 8);
	/* The count is loaded on the next CLK edge: wait three. */
	uint64_t until = rdtsc() + 3 * tsc_hz / PIT_HZ;
	while (rdtsc() < until)
		;

	uint64_t t0 = rdtsc(), t = t0, tprev = t0, maxgap = 0;
	unsigned c0 = pit2_count(), c = c0, prev = c0, wraps = 0, outside = 0;
	while (t - t0 < span) {
		c = pit2_count();
		t = rdtsc();
		if (c < 1 || c > n)
			outside++;
		if (c > prev) /* reloaded */
			wraps++;
		prev = c;
		if (t - tprev > maxgap)
			maxgap = t - tprev;
		tprev = t;
	}
	uint64_t clocks = (uint64_t)wraps * n + c0 - c; /* from the first sample to the last */
	uint64_t want = tsc_to_mclk(t - t0);             /* thousandths */
	uint64_t got = clocks * 1000, d = got > want ? got - want : want - got;
	int fast = tsc_to_mclk(maxgap) * 2 <= (uint64_t)n * 1000;
	int ok = fast && !outside && d * 1000 <= want;
	printf("pit: mode 2 count %u: periods of %u clocks by the TSC (within 0.1%%), count %u..1: %s\n",
	       n, n, n, ok ? "OK" : "FAIL");
	if (!ok || verbose)
		printf("pit:   %llu clocks counted, %llu.%03llu by the TSC, %u samples out of 1..%u,"
		       " longest gap %llu.%03llu clocks\n",
		       (unsigned long long)clocks, (unsigned long long)(want / 1000),
		       (unsigned long long)(want % 1000), outside, n,
		       (unsigned long long)(tsc_to_mclk(maxgap) / 1000),
		       (unsigned long long)(tsc_to_mclk(maxgap) % 1000));
}

/*
 * Mode 0 at count n: OUT2 goes low with the control word and high N+1 CLK
 * edges after the count is written (the first edge loads it), so N to N+1
 * clock periods later.  Tried at 16 phases of the PIT clock; a poll of
 * port 0x61 may add one poll's time.
 */
static void check_mode0(unsigned n)
{
	uint64_t lo = UINT64_MAX, hi = 0, poll = 0;

	outb(0x61, (inb(0x61) & ~3) | 1);
	for (unsigned k = 0; k < 16; k++) {
		/* A different phase each time: about k/16 of a clock more. */
		uint64_t until = rdtsc() + tsc_hz / PIT_HZ * k / 16 + tsc_hz / 10000;
		while (rdtsc() < until)
			;
		outb(0x43, 0xb0); /* channel 2, lsb then msb, mode 0 */
		outb(0x42, n & 0xff);
		uint64_t t0 = rdtsc();
		outb(0x42, n >> 8);
		uint64_t t1 = rdtsc(), t = t1;
		unsigned polls = 0;
		while (!(inb(0x61) & 0x20)) {
			t = rdtsc();
			polls++;
		}
		t = rdtsc();
		uint64_t dt = (t0 + t1) / 2;
		dt = t - dt;
		if (dt < lo)
			lo = dt;
		if (dt > hi)
			hi = dt;
		if (polls && (t - t1) / polls > poll)
			poll = (t - t1) / polls;
	}
	uint64_t lo_m = tsc_to_mclk(lo), hi_m = tsc_to_mclk(hi), slack = tsc_to_mclk(poll * 2) + 50;
	int ok = lo_m + slack >= n * 1000ull && hi_m <= (n + 1) * 1000ull + slack;
	printf("pit: mode 0 count %u: OUT2 rises %u to %u clocks after the count is written: %s\n", n,
	       n, n + 1, ok ? "OK" : "FAIL");
	if (!ok || verbose)
		printf("pit:   %llu.%03llu to %llu.%03llu clocks (slack %llu.%03llu)\n",
		       (unsigned long long)(lo_m / 1000), (unsigned long long)(lo_m % 1000),
		       (unsigned long long)(hi_m / 1000), (unsigned long long)(hi_m % 1000),
		       (unsigned long long)(slack / 1000), (unsigned long long)(slack % 1000));
}

int main(const char *cmdline)
{
	for (const char *p = cmdline; p && *p; p++)
		if (!strncmp(p, " verbose", 8))
			verbose = 1;
	idt_set(0x20, irq0_entry);
	idt_set(0x28, irq8_entry);
	idt_load();
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xfa); outb(0xa1, 0xfe); /* IRQ 0, the cascade and IRQ 8 */

	pit0_program(0);
	cmos(0x0c);
	cmos_set(0x0b, (cmos(0x0b) & ~0x70) | 0x10); /* update-ended interrupts only */

	check_tsc();
	check_irq0(65536, 3, 18, 19); /* 18.2065 Hz */
	check_irq0(100, 2, 11931, 11933); /* 11931.82 Hz; off by one clock: 11813 or 12052 */

	/* The sampling needs no interrupts: IRQ0 stays at 18.2 Hz, out of the way. */
	pit0_program(0);
	check_mode2(2, tsc_hz / 100);
	check_mode2(5, tsc_hz / 100);
	check_mode2(10, tsc_hz / 100);
	check_mode0(2);
	check_mode0(10);
	check_mode0(100);

	cmos_set(0x0b, cmos(0x0b) & ~0x70);
	return 0;
}
