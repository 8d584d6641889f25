/*
 * timer.c - the demo OS's clock: a tick every 1/HZ s, the TSC's rate, and
 * the "timer" workload (many short sleeps).
 *
 * Full build: the PIT's channel 0 as a rate generator on IRQ 0 (each tick
 * an EOI to the PIC), the TSC measured against 10 ticks.  A sleep turns
 * channel 0 into a one-shot (mode 0: a control word and two count bytes),
 * halts until its IRQ 0, and the tick comes back after the workload.
 *
 * Paravirtual build with bt86's ABI: no PIT, no PIC for the clock.  The
 * tick is BT86_HC_TIMER re-armed from its own interrupt (vector 0x30) for
 * the next multiple of 1/HZ, the TSC is measured against BT86_HC_TIME,
 * and a sleep is HC_TIME + HC_TIMER + HC_HALT.
 *
 * While sleeps replace the tick, their lengths are added up and become
 * ticks, so that uptime and the ticks the meters print stay right.
 */
#include "demo.h"

#define PIT_HZ		1193182
#define TICK_NS		(1000000000u / HZ)

volatile uint32_t ticks;
uint32_t tsc_khz;

static volatile int sleeping;		/* the timer interrupt ends a sleep */
static volatile uint32_t wakeups;
static uint32_t sleep_ns, slept_ns;	/* one sleep's length; the sum, < TICK_NS */
static uint64_t pv_deadline;		/* the tick's next deadline, virtual ns */

uint64_t tsc_to_ns(uint64_t cycles)
{
	return tsc_khz ? cycles * 1000000 / tsc_khz : 0;
}

static void tick(void)
{
	ticks++;
	if (ticks % HZ == 0)
		status_draw();
}

static void sleep_over(void)
{
	sleeping = 0;
	wakeups++;
	for (slept_ns += sleep_ns; slept_ns >= TICK_NS; slept_ns -= TICK_NS)
		tick();
}

static void pit_irq(void)
{
	if (sleeping)
		sleep_over();
	else
		tick();
}

void timer_pv_irq(void)
{
	if (sleeping) {
		sleep_over();
		return;
	}
	tick();
	pv_deadline += TICK_NS;
	pv_timer_at(pv_deadline);
}

static void pit_periodic(void)
{
	uint32_t div = (PIT_HZ + HZ / 2) / HZ;

	outb(0x43, 0x34);	/* channel 0, lobyte/hibyte, mode 2 */
	outb(0x40, div & 0xff);
	outb(0x40, div >> 8);
}

/* The tick, then the TSC's rate measured over 10 ticks.  Leaves
 * interrupts enabled. */
void timer_init(void)
{
	uint32_t t;
	uint64_t c0, n0 = 0;

	if (pv_on) {
		/* EFLAGS.IF once, for good; from now on vif masks. */
		__asm__ volatile("sti");
		pv_deadline = pv_now() + TICK_NS;
		pv_timer_at(pv_deadline);
		irq_enable();
	} else {
		pit_periodic();
		irq_set_handler(0, pit_irq);
		__asm__ volatile("sti");
	}

	if (!(cpu_features() & CPUID_TSC))
		return;
	t = ticks;
	irq_disable();
	while (ticks == t)
		irq_enable_and_halt(), irq_disable();
	c0 = rdtsc();
	if (pv_on)
		n0 = pv_now();
	t = ticks;
	while (ticks - t < 10)
		irq_enable_and_halt(), irq_disable();
	irq_enable();
	if (pv_on)	/* against bt86's virtual clock itself */
		tsc_khz = (uint32_t)((rdtsc() - c0) * 1000000 / (pv_now() - n0));
	else
		tsc_khz = (uint32_t)((rdtsc() - c0) / (10 * 1000 / HZ));
}

/* One sleep of sleep_ns with interrupts disabled on entry and exit. */
static void sleep_once(void)
{
	sleeping = 1;
	if (pv_on) {
		pv_timer_at(pv_now() + sleep_ns);
	} else {
		uint32_t count = (uint32_t)((uint64_t)sleep_ns * PIT_HZ / 1000000000u);

		if (count < 2)
			count = 2;
		outb(0x40, count & 0xff);	/* mode 0 counts from the high byte */
		outb(0x40, count >> 8);
	}
	while (sleeping)
		irq_enable_and_halt(), irq_disable();
}

/* n sleeps of us microseconds each: what a timer-heavy guest (a poll loop
 * with timeouts, usleep, a high-rate scheduler) makes the timer do. */
void cmd_timer(uint32_t n, uint32_t us)
{
	struct meter m;
	uint64_t c;

	if (us < 10 || us > 50000) {
		kprintf("  timer: sleeps of 10-50000 us only\n");
		return;
	}
	sleep_ns = us * 1000;
	wakeups = 0;
	irq_disable();
	if (pv_on) {
		hypercall(BT86_HC_TIMER, 0, 0, 0);	/* the tick stops */
	} else {
		outb(0x43, 0x30);	/* channel 0, lobyte/hibyte, mode 0: one-shot */
	}
	meter_start(&m);
	for (uint32_t i = 0; i < n; i++)
		sleep_once();
	c = rdtsc() - m.c0;
	if (pv_on) {
		pv_deadline = pv_now() + TICK_NS - slept_ns;
		pv_timer_at(pv_deadline);
	} else {
		pit_periodic();
	}
	irq_enable();
	meter_report(&m, "timer", n, "sleep");
	if (tsc_khz && n) {
		uint64_t ns = tsc_to_ns(c) / n;

		kprintf("  each sleep of %u us took %llu us: %llu us over\n", us, ns / 1000,
			ns > sleep_ns ? (ns - sleep_ns) / 1000 : 0);
	}
	kprintf("  %u sleeps of %u us, %u wakeups\n", n, us, wakeups);
}
