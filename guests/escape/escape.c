/*
 * escape - a guest that attacks its emulator, and checks that each attack
 * ends in the architectural result:
 *   - REP MOVSD / REP STOSB with counts near 2^32 running into a page that is
 *     not present: #PF at the page boundary, with ECX, ESI and EDI telling
 *     exactly how far the string got;
 *   - a page table entry pointing at MMIO (the VGA text buffer);
 *   - self-modifying code in a tight loop, 200000 times, each store hitting
 *     the instruction that runs next;
 *   - an interrupt storm: the PIT at its fastest (divisor 2) while the main
 *     program runs to completion.
 * tests/escape.test.sh also checks that bt86's memory stays bounded.
 */
#include "../sys_common/sys.h"

#define PG_P	0x001
#define PG_W	0x002
#define PG_PS	0x080

static volatile uint32_t pd[1024] __attribute__((aligned(4096)));
static volatile uint32_t fault_cr2, fault_err, faults;

static int pf_hook(struct frame *f)
{
	if (f->vec != 14)
		return 0;
	uint32_t cr2;
	__asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
	fault_cr2 = cr2;
	fault_err = f->err;
	faults++;
	f->eip = probe_fixup;
	return 1;
}

/* Identity-map 0-8 MiB with two 4 MiB pages; 8 MiB and up are not present. */
static void paging_on(volatile uint32_t *dir)
{
	dir[0] = 0x000000 | PG_P | PG_W | PG_PS;
	dir[1] = 0x400000 | PG_P | PG_W | PG_PS;
	for (int i = 2; i < 1024; i++)
		dir[i] = 0;
	__asm__ volatile("movl %%cr4, %%eax; orl $0x10, %%eax; movl %%eax, %%cr4\n\t"
			 "movl %0, %%cr3\n\t"
			 "movl %%cr0, %%eax; orl $0x80000000, %%eax; movl %%eax, %%cr0"
			 : : "r"(dir) : "eax", "memory");
}

static void paging_off(void)
{
	__asm__ volatile("movl %%cr0, %%eax; andl $0x7fffffff, %%eax; movl %%eax, %%cr0"
			 : : : "eax", "memory");
}

static void strings(void)
{
	uint32_t ecx, esi, edi;

	paging_on(pd);
	trap_hook = pf_hook;

	/* 2^30 dwords from 7 MiB + 3 KiB: the source runs off the map first. */
	__asm__ volatile("movl $9f, probe_fixup\n\t"
			 "cld\n\t"
			 "rep movsl\n"
			 "9:"
			 : "=c"(ecx), "=S"(esi), "=D"(edi)
			 : "c"(0x40000000u), "S"(0x7ffc00u), "D"(0x600000u)
			 : "memory");
	printf("rep movsd: #PF cr2=%08x err=%x ecx=%08x esi=%08x edi=%08x\n", fault_cr2,
	       fault_err, ecx, esi, edi);

	/* 2^32-1 bytes upwards from just below 8 MiB: 16 are stored. */
	__asm__ volatile("movl $9f, probe_fixup\n\t"
			 "rep stosb\n"
			 "9:"
			 : "=c"(ecx), "=D"(edi)
			 : "c"(0xffffffffu), "D"(0x7ffff0u), "a"(0x5a)
			 : "memory");
	printf("rep stosb: #PF cr2=%08x err=%x ecx=%08x edi=%08x\n", fault_cr2, fault_err,
	       ecx, edi);

	trap_hook = 0;
	paging_off();
	printf("faults=%u\n", faults);
}

/* A page table entry that maps the VGA text buffer (MMIO) at 6 MiB: stores
 * through it reach the device, reads come back. */
static volatile uint32_t pt_mmio[1024] __attribute__((aligned(4096)));

static void mmio_mapping(void)
{
	paging_on(pd);
	pd[1] = (uint32_t)pt_mmio | PG_P | PG_W;	/* 4-8 MiB now through a page table */
	for (int i = 0; i < 1024; i++)
		pt_mmio[i] = (0x400000 + i * 4096) | PG_P | PG_W;
	pt_mmio[512] = 0xb8000 | PG_P | PG_W;		/* 6 MiB -> VGA text buffer */
	__asm__ volatile("movl %%cr3, %%eax; movl %%eax, %%cr3" : : : "eax", "memory");
	volatile uint16_t *cell = (volatile uint16_t *)0x600000;
	cell[0] = 0x0741;
	cell[1] = 0x0742;
	uint32_t back = *(volatile uint32_t *)0x600000;
	uint16_t direct = *(volatile uint16_t *)0xb8002;
	paging_off();
	printf("VGA mapped by a PTE at 0x600000: read back %08x, at 0xb8002 %04x\n", back, direct);
}

/* The store patches the immediate of the ADD right after it, in the same
 * block: the new value must be the one added. */
static uint32_t smc_loop(uint32_t n)
{
	uint32_t sum = 0;

	__asm__ volatile("1:\n\t"
			 "movl %%ecx, 3f+1\n\t"
			 "jmp 2f\n"
			 "2:\n\t"
			 "3: .byte 0x05\n\t.long 0\n\t"	/* add eax, imm32 */
			 "loop 1b"
			 : "+a"(sum), "+c"(n) : : "memory");
	return sum;
}

static volatile uint32_t ticks;

static int irq0_hook(struct frame *f)
{
	/* A spurious IRQ 7 (the 8259 can signal one under a storm): no EOI. */
	if (f->vec == 0x27)
		return 1;
	if (f->vec != 0x20)
		return 0;
	ticks++;
	outb(0x20, 0x20);
	return 1;
}

static void storm(void)
{
	trap_hook = irq0_hook;
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xfe); outb(0xa1, 0xff);
	outb(0x43, 0x34);	/* channel 0, lo/hi, rate generator */
	outb(0x40, 2);
	outb(0x40, 0);
	__asm__ volatile("sti");
	uint32_t sum = 0;
	for (uint32_t i = 0; i < 3000000; i++)
		sum += i ^ (sum >> 3);
	while (ticks < 1000)
		__asm__ volatile("hlt");
	__asm__ volatile("cli");
	outb(0x21, 0xff);
	trap_hook = 0;
	printf("storm: main loop sum=%08x, at least 1000 timer interrupts taken\n", sum);
}

int main(const char *cmdline __attribute__((unused)))
{
	sys_init();
	strings();
	mmio_mapping();
	printf("smc loop: sum=%u\n", smc_loop(200000));
	storm();
	return 0;
}
