/*
 * apic - the local APIC and the I/O APIC as a guest written for QEMU's
 * `pc` machine uses them:
 *   - CPUID shows the APIC and its ID, IA32_APIC_BASE where it is;
 *   - the ICR sends this CPU fixed IPIs (self shorthand), whose delivery
 *     status is polled until idle; they are taken by priority class, and
 *     those at or below the TPR's class wait until the TPR drops;
 *   - the timer, one-shot and periodic, with the divider, timed with the
 *     TSC (under -icount both run on the instruction count: 1 GHz);
 *   - the PIT's IRQ0 through the I/O APIC, which QEMU wires to pin 2 (pin 0
 *     stays silent), with the 8259 masked;
 *   - the RTC's IRQ8 as a level-triggered I/O APIC input: remote IRR is set
 *     while the handler runs and cleared by the local APIC's EOI;
 *   - an NMI sent to itself through the ICR, with IF=0: taken at once; a
 *     second one sent from its handler waits for the handler's IRET.
 * The waits are HLTs, so under -icount time jumps to each interrupt and
 * every measurement is exact; results print as the bounds they fall within
 * (an interval counts the interrupt that ends its last HLT, and the phase
 * of the PIT and the RTC at its start is the emulator's).  The expected
 * output is QEMU's (qemu-system-i386 7.2 with the same -icount options).
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

#include <stdint.h>

#define LAPIC 0xfee00000u
#define IOAPIC 0xfec00000u

static uint32_t lapic_rd(uint32_t off)
{
	return *(volatile uint32_t *)(LAPIC + off);
}

static void lapic_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + off) = v;
}

static uint32_t ioapic_rd(uint32_t reg)
{
	*(volatile uint32_t *)IOAPIC = reg;
	return *(volatile uint32_t *)(IOAPIC + 0x10);
}

static void ioapic_wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)IOAPIC = reg;
	*(volatile uint32_t *)(IOAPIC + 0x10) = v;
}

static uint64_t rdmsr(uint32_t n)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(n));
	return (uint64_t)hi << 32 | lo;
}

/* Interrupts: each vector's stub pushes its number for one C body. */
static volatile unsigned log_len, counts[256];
static volatile uint8_t log_vec[16];
static volatile uint32_t log_ppr[16], log_isr[16];
static volatile uint64_t last_tsc;
static volatile uint32_t rtc_rirr_in, rtc_rirr_after;

void irq_body(uint32_t v)
{
	uint64_t t = rdtsc();
	counts[v]++;
	if (v == 0x58) {
		/* The RTC, level-triggered on pin 8: remote IRR set until our EOI. */
		rtc_rirr_in |= ioapic_rd(0x20) & 0x4000;
		cmos(0x0c); /* drops IRQ8 */
		lapic_wr(0xb0, 0);
		rtc_rirr_after |= ioapic_rd(0x20) & 0x4000;
		return;
	}
	if (v >= 0x41 && v <= 0x7f && log_len < 16) {
		log_vec[log_len] = v;
		log_ppr[log_len] = lapic_rd(0xa0);
		log_isr[log_len] = (lapic_rd(0x100 + (v >> 5) * 0x10) >> (v & 31)) & 1;
		log_len++;
	}
	last_tsc = t;
	lapic_wr(0xb0, 0);
}

/* NMI: a second NMI sent from the handler must not nest. */
static volatile unsigned nmis, nmi_depth, nmi_max_depth;

void nmi_body(void)
{
	nmi_depth++;
	if (nmi_depth > nmi_max_depth)
		nmi_max_depth = nmi_depth;
	if (++nmis == 1) {
		lapic_wr(0x300, 0x40400); /* self, NMI */
		for (volatile int i = 0; i < 200; i++)
			;
	}
	nmi_depth--;
}

IDT_ENTRY(nmi_entry, nmi_body);

#define STUB(v)                                 \
	extern void irq_##v(void);              \
	__asm__(".globl irq_" #v "\n"           \
		"irq_" #v ":\n"                 \
		"  pushal\n"                    \
		"  cld\n"                       \
		"  pushl $" #v "\n"             \
		"  call irq_body\n"             \
		"  addl $4, %esp\n"             \
		"  popal\n"                     \
		"  iret\n")
STUB(0x40);
STUB(0x45);
STUB(0x50);
STUB(0x51);
STUB(0x52);
STUB(0x55);
STUB(0x58);
STUB(0x61);
STUB(0x65);
STUB(0xff);

/* IF=1 for a while: anything deliverable is taken. */
static void window(void)
{
	__asm__ volatile("sti");
	for (volatile int i = 0; i < 200; i++)
		;
	__asm__ volatile("cli");
}

/* IF=1 until the TSC passes `end`, without HLT: for windows where no
 * interrupt should come, and none would wake a halted CPU. */
static void spin_until(uint64_t end)
{
	__asm__ volatile("sti");
	while (rdtsc() < end)
		;
	__asm__ volatile("cli");
}

/* Sleep until the TSC passes `end`: every wake-up is an interrupt. */
static void sleep_until(uint64_t end)
{
	while (rdtsc() < end)
		__asm__ volatile("sti; hlt; cli");
}

static void self_ipi(uint8_t vector)
{
	lapic_wr(0x310, 0);
	lapic_wr(0x300, 0x40000 | vector); /* self, fixed, edge */
	unsigned polls = 0;
	while ((lapic_rd(0x300) & 0x1000) && polls < 1000000)
		polls++;
	if (lapic_rd(0x300) & 0x1000)
		printf("icr: delivery status still pending after %u polls\n", polls);
}

static void print_log(const char *what)
{
	printf("%s:", what);
	for (unsigned i = 0; i < log_len; i++)
		printf(" %02x(ppr %02x isr %u)", log_vec[i], (unsigned)log_ppr[i], (unsigned)log_isr[i]);
	printf("\n");
	log_len = 0;
}

static void check_ids(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
	printf("cpuid: apic %s, initial APIC ID %u\n", d & (1u << 9) ? "present" : "absent",
	       b >> 24);
	printf("IA32_APIC_BASE: %08x\n", (uint32_t)rdmsr(0x1b));
	printf("lapic: id %08x version %08x\n", lapic_rd(0x20), lapic_rd(0x30));
	printf("ioapic: id %08x version %08x arbitration %08x\n", ioapic_rd(0), ioapic_rd(1),
	       ioapic_rd(2));
}

static void check_ipis(void)
{
	lapic_wr(0x80, 0);
	/* Taken by priority: 0x61 before 0x52, each with its class in PPR. */
	self_ipi(0x52);
	self_ipi(0x61);
	printf("irr after two IPIs with IF=0: 0x52 %u, 0x61 %u\n", (lapic_rd(0x220) >> 18) & 1,
	       (lapic_rd(0x230) >> 1) & 1);
	window();
	print_log("ipi order");

	/* TPR 0x50: 0x45 and 0x55 wait, 0x65 does not. */
	lapic_wr(0x80, 0x50);
	self_ipi(0x45);
	self_ipi(0x55);
	self_ipi(0x65);
	window();
	print_log("tpr 0x50");
	printf("ppr with tpr 0x50 and nothing in service: %02x\n", lapic_rd(0xa0));
	lapic_wr(0x80, 0x40);
	window();
	print_log("tpr 0x40");
	lapic_wr(0x80, 0x00);
	window();
	print_log("tpr 0x00");
	uint32_t any = 0;
	for (uint32_t off = 0; off < 0x80; off += 0x10)
		any |= lapic_rd(0x100 + off) | lapic_rd(0x200 + off);
	printf("isr and irr empty: %s\n", any ? "no" : "yes");
}

static void check_nmi(void)
{
	lapic_wr(0x310, 0);
	lapic_wr(0x300, 0x40400); /* self, NMI; IF is 0 */
	for (volatile int i = 0; i < 200; i++)
		;
	printf("nmi: %u taken with IF=0, deepest nesting %u\n", nmis, nmi_max_depth);
}

static void check_timer(void)
{
	/* One-shot, divide by 16, 62500 ticks: 1 ms. */
	lapic_wr(0x3e0, 0x3);
	lapic_wr(0x320, 0x40);
	unsigned n = counts[0x40];
	uint64_t t0 = rdtsc();
	lapic_wr(0x380, 62500);
	uint32_t c1 = lapic_rd(0x390);
	for (volatile int i = 0; i < 2000; i++)
		;
	uint32_t c2 = lapic_rd(0x390);
	printf("timer: current count counts down: %s\n",
	       c1 <= 62500 && c2 < c1 && c2 > 60000 ? "yes" : "no");
	while (counts[0x40] == n)
		__asm__ volatile("sti; hlt; cli");
	uint64_t d = last_tsc - t0;
	printf("timer: one-shot of 62500 / 16 fires after 1.000-1.002 ms: %s\n",
	       d >= 1000000 && d <= 1002000 ? "OK" : "FAIL");
	spin_until(rdtsc() + 3000000);
	printf("timer: one-shot fires once: %s, current count then %u\n",
	       counts[0x40] == n + 1 ? "yes" : "no", lapic_rd(0x390));

	/* Periodic, divide by 2, 50000 ticks: 100 us; 10 ms make 100 periods. */
	lapic_wr(0x3e0, 0x0);
	lapic_wr(0x320, 0x20040);
	n = counts[0x40];
	t0 = rdtsc();
	lapic_wr(0x380, 50000);
	sleep_until(t0 + 10000000);
	unsigned ticks = counts[0x40] - n;
	printf("timer: periodic 50000 / 2 for 10 ms: 99-100 interrupts: %s\n",
	       ticks >= 99 && ticks <= 100 ? "OK" : "FAIL");
	/* Masked, it raises nothing; an initial count of 0 stops it. */
	lapic_wr(0x320, 0x30040);
	n = counts[0x40];
	spin_until(rdtsc() + 1000000);
	printf("timer: masked for 1 ms: %u interrupts\n", counts[0x40] - n);
	lapic_wr(0x380, 0);
	lapic_wr(0x320, 0x20040);
	printf("timer: stopped: current count %u\n", lapic_rd(0x390));
}

static void check_ioapic_pit(void)
{
	/* The PIT at about 1 kHz, the 8259 masked: only the I/O APIC sees it. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	ioapic_wr(0x15, 0);       /* pin 2: to APIC 0 */
	ioapic_wr(0x14, 0x50);    /* vector 0x50, fixed, physical, edge, unmasked */
	ioapic_wr(0x11, 0);
	ioapic_wr(0x10, 0x51);    /* pin 0 too: nothing drives it */
	printf("ioapic: pin 2 entry %08x %08x\n", ioapic_rd(0x15), ioapic_rd(0x14));
	outb(0x43, 0x34);
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	unsigned n = counts[0x50];
	sleep_until(rdtsc() + 10000000);
	unsigned ticks = counts[0x50] - n;
	printf("ioapic: PIT on pin 2 for 10 ms at 1193 counts: 9-11 interrupts: %s, pin 0: %u\n",
	       ticks >= 9 && ticks <= 11 ? "OK" : "FAIL", counts[0x51]);
	ioapic_wr(0x14, 0x10050); /* masked: silent */
	n = counts[0x50];
	spin_until(rdtsc() + 5000000);
	printf("ioapic: pin 2 masked for 5 ms: %u interrupts\n", counts[0x50] - n);
}

static void check_ioapic_level(void)
{
	/* The RTC's periodic interrupt at 1024 Hz on pin 8, level-triggered. */
	ioapic_wr(0x21, 0);
	ioapic_wr(0x20, 0x8058);
	cmos_set(0x0a, 0x26);
	cmos(0x0c); /* PF is set at this rate with PIE off too: clear it first */
	cmos_set(0x0b, cmos(0x0b) | 0x40);
	unsigned n = counts[0x58];
	sleep_until(rdtsc() + 10000000);
	unsigned ticks = counts[0x58] - n;
	cmos_set(0x0b, cmos(0x0b) & ~0x40);
	cmos(0x0c);
	printf("ioapic: RTC level-triggered on pin 8 for 10 ms at 1024 Hz: 10-12 interrupts: %s\n",
	       ticks >= 10 && ticks <= 12 ? "OK" : "FAIL");
	printf("ioapic: remote IRR in the handler: %s, after its EOI: %s\n",
	       rtc_rirr_in ? "set" : "clear", rtc_rirr_after ? "set" : "clear");
	ioapic_wr(0x20, 0x18058);
}

/* I/O APIC registers past entry 23 (0x3e, 0x3f) read 0 and keep nothing.
 * (The SDM's error interrupt through the error LVT entry, which neither
 * QEMU nor Bochs raises, is checked by tests/unit/test_lapic.c.) */
static void check_bad_input(void)
{
	ioapic_wr(0x40, 0x12345678);
	ioapic_wr(0xff, 0x12345678);
	uint32_t a = ioapic_rd(0x3f), b = ioapic_rd(0x40), c = ioapic_rd(0xff), d = ioapic_rd(0x03);
	printf("ioapic: register 0x3f %08x, 0x40 %08x, 0xff %08x, 0x03 %08x\n", a, b, c, d);
}

int main(const char *cmdline __attribute__((unused)))
{
	idt_set(2, nmi_entry);
	idt_set(0x40, irq_0x40);
	idt_set(0x45, irq_0x45);
	idt_set(0x50, irq_0x50);
	idt_set(0x51, irq_0x51);
	idt_set(0x52, irq_0x52);
	idt_set(0x55, irq_0x55);
	idt_set(0x58, irq_0x58);
	idt_set(0x61, irq_0x61);
	idt_set(0x65, irq_0x65);
	idt_set(0xff, irq_0xff);
	idt_load();
	/* Firmware may have left the 8259 unmasked: this guest wants the APICs only. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	check_ids();
	lapic_wr(0xf0, 0x1ff); /* software-enable, spurious vector 0xff */
	lapic_wr(0x280, 0);
	check_ipis();
	check_nmi();
	check_timer();
	check_ioapic_pit();
	check_ioapic_level();
	lapic_wr(0x280, 0);
	printf("esr: %08x, spurious interrupts: %u\n", lapic_rd(0x280), counts[0xff]);
	check_bad_input();
	return 0;
}
