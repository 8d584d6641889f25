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
#include "smp_boot.h"

#include <stdint.h>

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

/* ---------------------------------------------------------------- IPIs */

static volatile uint32_t ipis[SMP_MAXCPUS];

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

static void ap_main(void)
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

int main(const char *cmdline)
{
	(void)cmdline;
	smp_load_gdt();
	/* Firmware may leave the 8259 unmasked and the PIT running: only
	 * the IPIs have an IDT entry. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	idt_set(0x40, ipi_entry);
	idt_load();
	lapic_wr(0xf0, 0x1ff);

	unsigned ncpus = smp_fw_cfg_cpus();
	outb(0x70, 0x5f); /* CMOS: the CPUs beyond the first, as QEMU's pc writes it */
	printf("fw_cfg: %u CPUs, CMOS 0x5f: %u\n", ncpus, inb(0x71));
	if (ncpus < 4 || ncpus > SMP_MAXCPUS) {
		printf("this test wants 4 to %d CPUs\n", SMP_MAXCPUS);
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

	smp_start_aps(ap_main);
	if (smp_wait_for(&arrived, naps) < 0) {
		printf("only %u APs arrived (mask 0x%x)\n", arrived, arrived_mask);
		exit(3);
	}
	printf("%u APs arrived, APIC ID mask 0x%x\n", arrived, arrived_mask);
	turn = 1;
	if (smp_wait_for(&done, naps) < 0) {
		printf("only %u APs done\n", done);
		exit(3);
	}
	printf("shared counter: %u\n", counter);

	smp_icr(2u << 24, 0x4040);        /* fixed, physical: APIC 2 */
	smp_wait_for(&ipis[2], 1);
	smp_icr(0x0au << 24, 0x4840);     /* fixed, logical flat: APICs 1 and 3 */
	smp_wait_for(&ipis[3], 1);
	smp_wait_for(&ipis[1], 1);
	smp_icr(0, 0x000c4040);           /* fixed, all excluding self */
	for (unsigned i = 1; i <= naps; i++)
		smp_wait_for(&ipis[i], i <= 3 ? 2 : 1);
	__asm__ volatile("sti");
	smp_icr(0, 0x00044040);           /* fixed, self */
	smp_wait_for(&ipis[0], 1);
	__asm__ volatile("cli");
	printf("IPIs taken:");
	for (unsigned i = 0; i < ncpus; i++)
		printf(" %u", ipis[i]);
	printf("\n");
	return 0;
}
