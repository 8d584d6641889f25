/*
 * smp_boot.c - the application processors' start-up (smp_boot.h).
 */
#include "smp_boot.h"

#include "io.h"

#define TRAMP 0x8000u /* the Startup vector's page: vector 0x08 */

uint64_t smp_gdt[3] __attribute__((aligned(8))) = {
	0,
	0x00cf9a000000ffffull,
	0x00cf92000000ffffull,
};
uint8_t smp_ap_stacks[SMP_MAXCPUS][4096] __attribute__((aligned(16)));
void (*smp_ap_entry)(void);

extern const char smp_tramp_start[], smp_tramp_end[];
__asm__(".pushsection .rodata\n"
	".code16\n"
	".globl smp_tramp_start, smp_tramp_end\n"
	"smp_tramp_start:\n"
	"  cli\n"
	"  movw %cs, %ax\n"
	"  movw %ax, %ds\n"
	"  lgdtl smp_tramp_gdtr - smp_tramp_start\n"
	"  movl %cr0, %eax\n"
	"  orl $1, %eax\n"
	"  movl %eax, %cr0\n"
	"  ljmpl $0x08, $(0x8000 + smp_tramp32 - smp_tramp_start)\n"
	".code32\n"
	"smp_tramp32:\n"
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
	"  leal smp_ap_stacks(%eax), %esp\n"
	"  call *smp_ap_entry\n"
	"1: cli\n"
	"  hlt\n"
	"  jmp 1b\n"
	"smp_tramp_gdtr:\n"
	"  .word 23\n"
	"  .long smp_gdt\n"
	"smp_tramp_end:\n"
	".popsection\n");

void smp_load_gdt(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(smp_gdt) - 1, (uint32_t)smp_gdt };
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

void smp_icr(uint32_t hi, uint32_t lo)
{
	lapic_wr(0x310, hi);
	lapic_wr(0x300, lo);
	while (lapic_rd(0x300) & 0x1000)
		;
}

static void delay(void)
{
	for (volatile int i = 0; i < 20000; i++)
		;
}

void smp_start_aps(void (*entry)(void))
{
	smp_ap_entry = entry;
	char *dst = (char *)TRAMP;
	for (const char *s = smp_tramp_start; s < smp_tramp_end; s++)
		*dst++ = *s;
	smp_icr(0, 0x000c4500); /* INIT, level assert, all excluding self */
	delay();
	smp_icr(0, 0x000c8500); /* INIT level de-assert */
	delay();
	smp_icr(0, 0x000c4600 | (TRAMP >> 12)); /* Startup */
	delay();
	smp_icr(0, 0x000c4600 | (TRAMP >> 12)); /* the second Startup: ignored by a started AP */
}

int smp_wait_for(volatile uint32_t *v, uint32_t want)
{
	for (uint32_t n = 0; n < 400000000u; n++) {
		if (*v == want)
			return 0;
		__asm__ volatile("pause");
	}
	return -1;
}

unsigned smp_fw_cfg_cpus(void)
{
	outw(0x510, 0x05); /* FW_CFG_NB_CPUS */
	return inb(0x511) | inb(0x511) << 8;
}
