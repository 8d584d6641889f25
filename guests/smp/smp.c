/*
 * smp - a multiprocessor start-up as an operating system does it, on a
 * machine with 4 CPUs (-smp 4; 5 to 8 work too):
 *   - fw_cfg says how many CPUs there are; IA32_MISC_ENABLE reads QEMU's
 *     reset value on every CPU and keeps what is written;
 *   - the BSP broadcasts INIT (assert, then the level de-assert) and two
 *     Startup IPIs to all but itself; each application processor starts in
 *     real mode at the vector's page, where a trampoline switches it to
 *     protected mode on the guest's GDT and gives it a stack by APIC ID;
 *   - each AP checks in under a spin lock, then prints its APIC ID when its
 *     turn comes (the BSP starts the turns, so the order is fixed), and
 *     adds to a counter shared by all under the lock;
 *   - the BSP sends fixed IPIs: physical to one AP, logical (flat model) to
 *     two, all-excluding-self, and self; the APs take them in HLT.
 * Every line is the same whatever the interleaving of the CPUs; the
 * expected output is QEMU's (qemu-system-i386 -smp 4).
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

#include <stdint.h>

#define LAPIC 0xfee00000u
#define TRAMP 0x8000u /* the Startup vector's page: vector 0x08 */
#define MAXCPUS 8

static uint32_t lapic_rd(uint32_t off)
{
	return *(volatile uint32_t *)(LAPIC + off);
}

static void lapic_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + off) = v;
}

static uint64_t rdmsr(uint32_t n)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(n));
	return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t n, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(n), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static unsigned apic_id(void)
{
	return lapic_rd(0x20) >> 24;
}

/* ---------------------------------------------------------------- lock */

static volatile uint32_t lock_word;

static void lock(void)
{
	uint32_t v = 1;
	for (;;) {
		__asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(lock_word) : : "memory");
		if (!v)
			return;
		while (lock_word)
			__asm__ volatile("pause");
		v = 1;
	}
}

static void unlock(void)
{
	__asm__ volatile("" : : : "memory");
	lock_word = 0;
}

/* ---------------------------------------------------------------- GDT, trampoline */

/* Flat code 0x08 and data 0x10 for every CPU: the APs load this GDT in
 * real mode, and the BSP switches to it so that one IDT serves all. */
uint64_t gdt[3] __attribute__((aligned(8))) = {
	0,
	0x00cf9a000000ffffull,
	0x00cf92000000ffffull,
};
uint8_t ap_stacks[MAXCPUS][4096] __attribute__((aligned(16)));
void ap_main(void);

extern const char tramp_start[], tramp_end[];
__asm__(".pushsection .rodata\n"
	".code16\n"
	".globl tramp_start, tramp_end\n"
	"tramp_start:\n"
	"  cli\n"
	"  movw %cs, %ax\n"
	"  movw %ax, %ds\n"
	"  lgdtl tramp_gdtr - tramp_start\n"
	"  movl %cr0, %eax\n"
	"  orl $1, %eax\n"
	"  movl %eax, %cr0\n"
	"  ljmpl $0x08, $(0x8000 + tramp32 - tramp_start)\n"
	".code32\n"
	"tramp32:\n"
	"  movw $0x10, %ax\n"
	"  movw %ax, %ds\n"
	"  movw %ax, %es\n"
	"  movw %ax, %ss\n"
	"  movw %ax, %fs\n"
	"  movw %ax, %gs\n"
	"  movl 0xfee00020, %eax\n"
	"  shrl $24, %eax\n"
	"  andl $7, %eax\n"
	"  incl %eax\n"
	"  shll $12, %eax\n"
	"  leal ap_stacks(%eax), %esp\n"
	"  movl $ap_main, %eax\n"
	"  call *%eax\n"
	"1: cli\n"
	"  hlt\n"
	"  jmp 1b\n"
	"tramp_gdtr:\n"
	"  .word 23\n"
	"  .long gdt\n"
	"tramp_end:\n"
	".popsection\n");

static void load_gdt(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
	__asm__ volatile("lgdt %0\n"
			 "ljmp $0x08, $1f\n"
			 "1: movw $0x10, %%ax\n"
			 "movw %%ax, %%ds\n"
			 "movw %%ax, %%es\n"
			 "movw %%ax, %%ss\n"
			 "movw %%ax, %%fs\n"
			 "movw %%ax, %%gs\n"
			 : : "m"(gdtr) : "eax", "memory");
}

/* ---------------------------------------------------------------- IPIs */

static volatile uint32_t ipis[MAXCPUS];

void ipi_body(void)
{
	ipis[apic_id() & 7]++;
	lapic_wr(0xb0, 0);
}

extern void ipi_entry(void);
__asm__(".globl ipi_entry\n"
	"ipi_entry:\n"
	"  pushal\n"
	"  cld\n"
	"  call ipi_body\n"
	"  popal\n"
	"  iret\n");

/* ---------------------------------------------------------------- the APs */

static volatile uint32_t arrived, arrived_mask, turn, done, counter;

void ap_main(void)
{
	unsigned id = apic_id();
	idt_load();
	lapic_wr(0xf0, 0x1ff);           /* software-enabled */
	lapic_wr(0xd0, 1u << (24 + id)); /* logical ID: one bit per CPU (flat) */
	lock();
	arrived++;
	arrived_mask |= 1u << id;
	unlock();
	while (turn != id)
		__asm__ volatile("pause");
	lock();
	printf("AP with APIC ID %u is up, IA32_APIC_BASE 0x%x, IA32_MISC_ENABLE 0x%x\n", id,
	       (unsigned)rdmsr(0x1b), (unsigned)rdmsr(0x1a0));
	unlock();
	for (int i = 0; i < 1000; i++) {
		lock();
		counter++;
		unlock();
	}
	lock();
	turn++;
	done++;
	unlock();
	for (;;)
		__asm__ volatile("sti; hlt");
}

/* ---------------------------------------------------------------- the BSP */

static void delay(void)
{
	for (volatile int i = 0; i < 20000; i++)
		;
}

/* Wait for *v to reach want: 0 on time. */
static int wait_for(volatile uint32_t *v, uint32_t want)
{
	for (uint32_t n = 0; n < 200000000u; n++) {
		if (*v == want)
			return 0;
		__asm__ volatile("pause");
	}
	return -1;
}

static void icr(uint32_t hi, uint32_t lo)
{
	lapic_wr(0x310, hi);
	lapic_wr(0x300, lo);
	while (lapic_rd(0x300) & 0x1000)
		;
}

int main(const char *cmdline)
{
	(void)cmdline;
	load_gdt();
	/* Firmware may leave the 8259 unmasked and the PIT running: only
	 * the IPIs have an IDT entry. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	idt_set(0x40, ipi_entry);
	idt_load();
	lapic_wr(0xf0, 0x1ff);

	outw(0x510, 0x05); /* FW_CFG_NB_CPUS */
	unsigned ncpus = inb(0x511) | inb(0x511) << 8;
	outb(0x70, 0x5f); /* CMOS: the CPUs beyond the first, as QEMU's pc writes it */
	printf("fw_cfg: %u CPUs, CMOS 0x5f: %u\n", ncpus, inb(0x71));
	if (ncpus < 4 || ncpus > MAXCPUS) {
		printf("this test wants 4 to %d CPUs\n", MAXCPUS);
		exit(3);
	}
	unsigned naps = ncpus - 1;
	printf("BSP APIC ID %u, IA32_APIC_BASE BSP flag %u\n", apic_id(),
	       (unsigned)(rdmsr(0x1b) >> 8 & 1));
	/* IA32_MISC_ENABLE: Linux reads it on every Intel CPU it brings up. */
	uint64_t misc = rdmsr(0x1a0);
	wrmsr(0x1a0, 0);
	printf("IA32_MISC_ENABLE 0x%x, 0x%x after writing 0\n", (unsigned)misc,
	       (unsigned)rdmsr(0x1a0));
	wrmsr(0x1a0, misc);

	memcpy((void *)TRAMP, tramp_start, (size_t)(tramp_end - tramp_start));
	icr(0, 0x000c4500); /* INIT, level assert, all excluding self */
	delay();
	icr(0, 0x000c8500); /* INIT level de-assert */
	delay();
	icr(0, 0x000c4600 | (TRAMP >> 12)); /* Startup */
	delay();
	icr(0, 0x000c4600 | (TRAMP >> 12)); /* the second Startup: ignored by a started AP */
	if (wait_for(&arrived, naps) < 0) {
		printf("only %u APs arrived (mask 0x%x)\n", arrived, arrived_mask);
		exit(3);
	}
	printf("%u APs arrived, APIC ID mask 0x%x\n", arrived, arrived_mask);
	turn = 1;
	if (wait_for(&done, naps) < 0) {
		printf("only %u APs done\n", done);
		exit(3);
	}
	printf("shared counter: %u\n", counter);

	icr(2u << 24, 0x4040);        /* fixed, physical: APIC 2 */
	wait_for(&ipis[2], 1);
	icr(0x0au << 24, 0x4840);     /* fixed, logical flat: APICs 1 and 3 */
	wait_for(&ipis[3], 1);
	wait_for(&ipis[1], 1);
	icr(0, 0x000c4040);           /* fixed, all excluding self */
	for (unsigned i = 1; i <= naps; i++)
		wait_for(&ipis[i], i <= 3 ? 2 : 1);
	__asm__ volatile("sti");
	icr(0, 0x00044040);           /* fixed, self */
	wait_for(&ipis[0], 1);
	__asm__ volatile("cli");
	printf("IPIs taken:");
	for (unsigned i = 0; i < ncpus; i++)
		printf(" %u", ipis[i]);
	printf("\n");
	return 0;
}
