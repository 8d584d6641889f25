/*
 * rtcrate - the MC146818's periodic interrupt rate against its own seconds:
 * the periodic rates and the once-a-second update both divide the one
 * 32.768 kHz crystal, so on the chip every RTC second holds exactly
 * 32768 >> (RS - 1) periodic interrupts (RS 3..15), give or take the edge
 * that falls on the update.  The bound allows 0.1% more (plus that edge):
 * Bochs times the periodic interrupt in whole microseconds (8197 a second
 * at rate 3).  The guest counts PF between update-ended
 * interrupts (both on IRQ 8, told apart by register C) at rates 3, 6 and
 * 15, sleeping with HLT.
 *
 * QEMU 7.2 is no reference here: it loses periodic interrupts (515 a
 * second at rate 6 under -icount, about 972 without), so the expected
 * output was recorded from Bochs (tests/bochs-run.sh; file "reference").
 * bt86 runs it with -icount so the count does not depend on the host.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

static volatile unsigned seconds, periodics;

void irq8_body(void)
{
	unsigned c = cmos(0x0c); /* reading C acknowledges the interrupt */
	if (c & 0x40)
		periodics++;
	if (c & 0x10)
		seconds++;
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

IDT_ENTRY(irq8_entry, irq8_body);

static void wait_seconds(unsigned n)
{
	unsigned target = seconds + n;
	while (seconds < target)
		__asm__ volatile("sti; hlt; cli");
}

/* Periodic interrupts in each of 2 RTC seconds at rate select rs. */
static void check_periodic(unsigned rs)
{
	unsigned hz = 32768u >> (rs - 1), tol = hz / 1000 + 1, per[2], bad = 0;

	cmos_set(0x0a, 0x20 | rs);
	cmos_set(0x0b, cmos(0x0b) | 0x40); /* PIE */
	wait_seconds(1);
	for (unsigned i = 0; i < 2; i++) {
		unsigned p = periodics;
		wait_seconds(1);
		per[i] = periodics - p;
		bad |= per[i] + tol < hz || per[i] > hz + tol;
	}
	cmos_set(0x0b, cmos(0x0b) & ~0x40);
	printf("rtcrate: rate %u: %u (+-%u) periodic interrupts in each of 2 RTC seconds: %s\n", rs,
	       hz, tol, bad ? "FAIL" : "OK");
	if (bad)
		printf("rtcrate:   %u and %u\n", per[0], per[1]);
}

int main(const char *cmdline __attribute__((unused)))
{
	idt_set(0x28, irq8_entry);
	idt_load();
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xfb); outb(0xa1, 0xfe); /* the cascade and IRQ 8 */

	cmos(0x0c);
	cmos_set(0x0b, (cmos(0x0b) & ~0x70) | 0x10); /* update-ended interrupts */
	check_periodic(3);
	check_periodic(6);
	check_periodic(15);
	cmos_set(0x0a, 0x26);
	cmos_set(0x0b, cmos(0x0b) & ~0x70);
	return 0;
}
