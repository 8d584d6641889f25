/*
 * hpet - the HPET at 0xFED00000 as the IA-PC HPET specification 1.0a
 * defines it, driven through the 8259 in legacy replacement mode (timer 0
 * on IRQ 0, timer 1 on IRQ 8), so that it needs no I/O APIC:
 *   - the capabilities (100 MHz, three timers, 64-bit, legacy capable) and
 *     each timer's, the comparators' reset value;
 *   - the main counter: settable while halted only, frozen while halted,
 *     counting 1000000 ticks in 10 ms of PIT channel 2;
 *   - legacy replacement cutting the PIT off IRQ 0, and giving it back;
 *   - a one-shot comparator (one interrupt, on time), a periodic one in
 *     64- and 32-bit mode (the comparator steps by the period, the
 *     value-set bit), timer 1 level-triggered on IRQ 8 with its status
 *     bit, and the comparator wrap: a 32-bit one-shot timer fires at the
 *     match and when the counter's low half wraps, a 64-bit one once.
 * Times are printed as the bounds they fall within.  The options run it
 * with -icount, so that the halts and the PIT follow the instruction count
 * in QEMU as in bt86.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

#define HPET ((volatile uint32_t *)0xfed00000)
#define CAP 0x000
#define CFG 0x010
#define ISR 0x020
#define CNT 0x0f0
#define TCFG(n) (0x100 + 0x20 * (n))
#define TCMP(n) (0x108 + 0x20 * (n))

#define TN_LEVEL (1u << 1)
#define TN_ENB (1u << 2)
#define TN_PERIODIC (1u << 3)
#define TN_VAL_SET (1u << 6)
#define TN_32BIT (1u << 8)

static uint32_t rd(unsigned off)
{
	return HPET[off / 4];
}

static void wr(unsigned off, uint32_t v)
{
	HPET[off / 4] = v;
}

/* The 64-bit counter read as two halves, the high half read again until stable. */
static uint64_t counter(void)
{
	uint32_t hi, lo;
	do {
		hi = rd(CNT + 4);
		lo = rd(CNT);
	} while (rd(CNT + 4) != hi);
	return (uint64_t)hi << 32 | lo;
}

static volatile unsigned irq0s, irq8s;
static volatile uint64_t irq0_cnt[16];
static volatile uint32_t irq0_cmp[16];
static volatile uint32_t irq8_isr, irq8_isr_after;

void irq0_body(void)
{
	if (irq0s < 16) {
		irq0_cnt[irq0s] = counter();
		irq0_cmp[irq0s] = rd(TCMP(0));
	}
	irq0s++;
	outb(0x20, 0x20);
}

void irq8_body(void)
{
	irq8_isr = rd(ISR);
	wr(ISR, irq8_isr); /* a level interrupt: acknowledge at the HPET */
	irq8_isr_after = rd(ISR);
	irq8s++;
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

IDT_ENTRY(irq0_entry, irq0_body);
IDT_ENTRY(irq8_entry, irq8_body);

/* Run with interrupts on until the counter has advanced by `ticks`. */
static void run_for(uint32_t ticks)
{
	uint64_t end = counter() + ticks;
	__asm__ volatile("sti");
	while (counter() < end)
		;
	__asm__ volatile("cli");
}

static void halt_until(volatile unsigned *n, unsigned want)
{
	while (*n < want)
		__asm__ volatile("sti; hlt; cli");
}

static const char *ok(int c)
{
	return c ? "OK" : "FAIL";
}

static void check_caps(void)
{
	uint32_t lo = rd(CAP), period = rd(CAP + 4);
	printf("hpet: revision %u, %u timers, %s counter, legacy replacement %s, vendor 0x%04x\n",
	       lo & 0xff, ((lo >> 8) & 0x1f) + 1, lo & (1u << 13) ? "64-bit" : "32-bit",
	       lo & (1u << 15) ? "capable" : "incapable", lo >> 16);
	printf("hpet: period %u fs (%u MHz)\n", period, 1000000000u / period);
	for (int n = 0; n < 3; n++)
		printf("hpet: timer %d: config 0x%08x, route capability 0x%08x, comparator 0x%08x%08x\n",
		       n, rd(TCFG(n)), rd(TCFG(n) + 4), rd(TCMP(n) + 4), rd(TCMP(n)));
	printf("hpet: configuration 0x%x, interrupt status 0x%x\n", rd(CFG), rd(ISR));
}

static uint32_t hpet_per_pit(uint16_t count)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	uint32_t t0 = rd(CNT);
	outb(0x42, count >> 8);
	while (!(inb(0x61) & 0x20))
		;
	return rd(CNT) - t0;
}

static void check_counter(void)
{
	wr(CFG, 0);
	wr(CNT, 0xfffffff0);
	wr(CNT + 4, 0x1);
	uint64_t a = counter(), b = counter();
	printf("hpet: halted counter set to 0x1fffffff0 reads 0x%x%08x twice: %s\n", (uint32_t)(a >> 32),
	       (uint32_t)a, ok(a == b && a == 0x1fffffff0ull));
	wr(CFG, 1);
	uint64_t c = counter();
	for (int i = 0; i < 100; i++)
		inb(0x80);
	uint64_t d = counter();
	printf("hpet: enabled, it counts up from there: %s\n", ok(c >= a && d > c));
	wr(CNT, 0);
	printf("hpet: a write to the running counter is ignored: %s\n", ok(counter() > d));
	wr(CFG, 0);
	a = counter();
	for (int i = 0; i < 100; i++)
		inb(0x80);
	printf("hpet: halted again, it stands still: %s\n", ok(counter() == a));
	wr(CNT, 0);
	wr(CNT + 4, 0);
	wr(CFG, 1);
	uint32_t t = hpet_per_pit(11932);
	printf("hpet: 1000000 (+-1000) ticks in 11932 PIT clocks: %s\n",
	       ok(t + 1000 >= 1000000 && t <= 1001000));
	if (t + 1000 < 1000000 || t > 1001000)
		printf("hpet:   %u\n", t);
}

static void check_route(void)
{
	wr(TCFG(2), 2u << 9);
	uint32_t r2 = (rd(TCFG(2)) >> 9) & 0x1f;
	wr(TCFG(2), 0);
	printf("hpet: timer 2 route field: 2 (capable) reads %u\n", r2);
}

static void check_legacy(void)
{
	/* The PIT at 1 kHz on IRQ 0. */
	outb(0x43, 0x34);
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	irq0s = 0;
	run_for(1000000);
	unsigned pit = irq0s;
	wr(CFG, 3); /* enable, legacy replacement */
	irq0s = 0;
	run_for(1000000);
	unsigned muted = irq0s;
	wr(CFG, 1);
	irq0s = 0;
	run_for(1000000);
	unsigned back = irq0s;
	printf("hpet: PIT IRQ 0 in 10 ms: %s before, %u in legacy replacement mode, %s after\n",
	       pit >= 9 && pit <= 11 ? "10 (+-1)" : "not 10", muted,
	       back >= 9 && back <= 11 ? "10 (+-1)" : "not 10");
	outb(0x43, 0x30); /* PIT channel 0 one-shot, never reloaded: quiet from here on */
	outb(0x40, 0);
	outb(0x40, 0);
	wr(CFG, 3);
	run_for(1000); /* an IRQ 0 the PIT left in the PIC's request register */
}

static void check_oneshot(void)
{
	irq0s = 0;
	/* The comparator first, the interrupt enable last: QEMU fires at once
	 * on a comparator more than 2^63 ticks ahead (as the reset value is). */
	uint64_t cmp = counter() + 100000;
	wr(TCMP(0) + 4, (uint32_t)(cmp >> 32));
	wr(TCMP(0), (uint32_t)cmp);
	wr(TCFG(0), TN_ENB);
	halt_until(&irq0s, 1);
	uint64_t late = irq0_cnt[0] - cmp;
	run_for(500000);
	printf("hpet: one-shot, 1 ms: %u interrupt, counter at it - comparator < 2000: %s; comparator unchanged: %s\n",
	       irq0s, ok(irq0_cnt[0] >= cmp && late < 2000), ok(rd(TCMP(0)) == (uint32_t)cmp));
	wr(TCFG(0), 0);
}

static void check_periodic(uint32_t mode)
{
	const uint32_t period = 100000;
	irq0s = 0;
	wr(TCFG(0), TN_PERIODIC | TN_VAL_SET | mode);
	uint32_t vs = rd(TCFG(0)) & TN_VAL_SET;
	uint64_t first = counter() + period + 2000;
	if (!mode) {
		wr(TCMP(0) + 4, (uint32_t)(first >> 32));
		wr(TCFG(0), TN_PERIODIC | TN_VAL_SET | mode);
	}
	wr(TCMP(0), (uint32_t)first);
	wr(TCMP(0), period); /* no VAL_SET now: the period alone */
	uint32_t vs_after = rd(TCFG(0)) & TN_VAL_SET;
	wr(TCFG(0), TN_ENB | TN_PERIODIC | mode);
	halt_until(&irq0s, 10);
	wr(TCFG(0), mode);
	int steps = 1, on_time = 1;
	for (unsigned i = 0; i < 10; i++) {
		uint64_t due = first + (uint64_t)i * period;
		steps &= irq0_cmp[i] == (uint32_t)(due + period);
		on_time &= irq0_cnt[i] >= due && irq0_cnt[i] - due < 2000;
	}
	printf("hpet: periodic %s, 1 ms: VAL_SET reads %s then %s; 10 interrupts on time: %s; comparator steps by the period: %s",
	       mode ? "32-bit" : "64-bit", vs ? "1" : "0", vs_after ? "1" : "0", ok(on_time), ok(steps));
	if (mode)
		printf("; high half reads 0x%x", rd(TCMP(0) + 4));
	printf("\n");
}

static void check_level(void)
{
	irq8s = 0;
	uint32_t cmp = rd(CNT) + 50000;
	wr(TCMP(1) + 4, 0);
	wr(TCMP(1), cmp);
	wr(TCFG(1), TN_ENB | TN_LEVEL);
	halt_until(&irq8s, 1);
	printf("hpet: timer 1, level, on IRQ 8: status 0x%x at the interrupt, 0x%x once written back\n",
	       irq8_isr, irq8_isr_after);
	wr(TCFG(1), 0);
}

static void check_wrap(uint32_t mode, uint64_t cmp)
{
	wr(CFG, 2); /* halted, legacy replacement kept */
	wr(TCFG(0), 0);
	wr(CNT, 0xffffff00);
	wr(CNT + 4, 0);
	wr(TCFG(0), mode);
	if (!mode)
		wr(TCMP(0) + 4, (uint32_t)(cmp >> 32));
	wr(TCMP(0), (uint32_t)cmp);
	wr(TCFG(0), TN_ENB | mode);
	irq0s = 0;
	wr(CFG, 3);
	run_for(0x2000);
	wr(TCFG(0), 0);
	printf("hpet: %s one-shot from 0xffffff00 to comparator 0x%x%08x: %u interrupts, the last at or after the match: %s\n",
	       mode ? "32-bit" : "64-bit", (uint32_t)(cmp >> 32), (uint32_t)cmp, irq0s,
	       ok(irq0s && irq0_cnt[irq0s - 1] >= 0x100000080ull));
}

int main(const char *cmdline __attribute__((unused)))
{
	idt_set(0x20, irq0_entry);
	idt_set(0x28, irq8_entry);
	idt_load();
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xfa); outb(0xa1, 0xfe); /* IRQ 0, the cascade, IRQ 8 */

	check_caps();
	check_counter();
	check_route();
	check_legacy();
	check_oneshot();
	check_periodic(0);
	check_periodic(TN_32BIT);
	check_level();
	check_wrap(TN_32BIT, 0x80);
	check_wrap(0, 0x100000080ull);
	wr(CFG, 0);
	return 0;
}
