/*
 * sysbench - system nanobenchmarks after Adams and Agesen (ASPLOS 2006):
 * each runs one kind of monitor entry n times, from the cheapest possible
 * guest "kernel" (guests/sys_common/sys.h), so the time per iteration is
 * what the emulator charges for that operation. -append "t=TEST n=N":
 *
 *	int80     ring 3 -> INT 0x80 (DPL3 gate) -> handler -> IRET
 *	sysenter  ring 3 -> SYSENTER -> SYSEXIT
 *	portio    IN from an unused port (0x2f0; reads 0xff)
 *	cr3       MOV to CR3 with paging on (flushes the TLB)
 *	pagefault touch a not-present page; #PF maps it (demand paging), retry
 *	invlpg    change a PTE, INVLPG it, read through it
 *	divide    DIV by zero -> #DE -> handler skips the DIV -> IRET
 *
 * The checksum (through shim.h) depends only on n and on what the guest
 * saw, so it equals the native twin's (sysnative.c) when there is one.
 */
#include "../../guests/sys_common/sys.h"
#include "../progs/shim.h"

#define PG_P	0x001
#define PG_W	0x002
#define PG_U	0x004
#define PG_PS	0x080
#define CR0_PG	0x80000000u
#define CR4_PSE	0x10u

#define UNUSED_PORT 0x2f0
#define DEMAND_VA 0x40000000u	/* PDE 256: pages mapped on demand */
#define DEMAND_PAGES 1024
#define FLIP_VA 0x40400000u	/* PDE 257: one PTE flipped between two frames */

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt_demand[1024] __attribute__((aligned(4096)));
static uint32_t pt_flip[1024] __attribute__((aligned(4096)));
static uint8_t frames[DEMAND_PAGES][4096] __attribute__((aligned(4096)));

static volatile uint32_t ucount, usum, faults;
static uint8_t sysenter_stack[4096] __attribute__((aligned(16)));

static inline void wrmsr(uint32_t msr, uint32_t lo, uint32_t hi)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"(lo), "d"(hi));
}

static inline uint32_t read_cr2(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr2, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint32_t v)
{
	__asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory");
}

static int hook(struct frame *f)
{
	if (f->vec == 0x80 && f->eax == 2) {	/* the null system call */
		f->eax = f->ebx + 1;
		return 1;
	}
	if (f->vec == 0) {			/* #DE: skip "divl %ecx" (F7 F1) */
		f->eip += 2;
		faults++;
		return 1;
	}
	if (f->vec == 14) {			/* demand paging */
		uint32_t va = read_cr2(), i = (va - DEMAND_VA) >> 12;

		if (va < DEMAND_VA || i >= DEMAND_PAGES)
			return 0;
		pt_demand[i] = (uint32_t)frames[i] | PG_P | PG_W;
		faults++;
		return 1;
	}
	return 0;
}

/* Identity-map 0-16 MiB with 4 MiB pages (user: ring 3 runs from there). */
static void paging_on(void)
{
	for (uint32_t i = 0; i < 4; i++)
		pd[i] = (i << 22) | PG_P | PG_W | PG_U | PG_PS;
	pd[DEMAND_VA >> 22] = (uint32_t)pt_demand | PG_P | PG_W;
	pd[FLIP_VA >> 22] = (uint32_t)pt_flip | PG_P | PG_W;
	__asm__ volatile("movl %%cr4, %%eax\n\t"
			 "orl %0, %%eax\n\t"
			 "movl %%eax, %%cr4\n\t"
			 "movl %1, %%cr3\n\t"
			 "movl %%cr0, %%eax\n\t"
			 "orl %2, %%eax\n\t"
			 "movl %%eax, %%cr0"
			 : : "i"(CR4_PSE), "r"(pd), "i"(CR0_PG) : "eax", "memory");
}

static void user_int80(void)
{
	for (uint32_t i = 0; i < ucount; i++) {
		uint32_t r;

		__asm__ volatile("int $0x80" : "=a"(r) : "a"(2), "b"(i) : "memory");
		usum += r == i + 1;
	}
	sys_exit();
}

/* SYSENTER lands here with ECX = user ESP, EDX = return EIP (our ABI). */
__asm__(".text\n"
	"bench_sysenter_entry:\n"
	"  addl $1, %eax\n"
	"  sysexit\n");
extern char bench_sysenter_entry[];

static void user_sysenter(void)
{
	for (uint32_t i = 0; i < ucount; i++) {
		uint32_t r;

		__asm__ volatile("movl %%esp, %%ecx\n\t"
				 "movl $1f, %%edx\n\t"
				 "sysenter\n"
				 "1:"
				 : "=a"(r) : "a"(i) : "ecx", "edx", "memory", "cc");
		usum += r == i + 1;
	}
	sys_exit();
}

static uint32_t run_portio(uint32_t n)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < n; i++)
		sum += inb(UNUSED_PORT) == 0xff;
	return sum;
}

static uint32_t run_cr3(uint32_t n)
{
	paging_on();
	for (uint32_t i = 0; i < n; i++)
		write_cr3((uint32_t)pd);
	return n;
}

static uint32_t run_pagefault(uint32_t n)
{
	uint32_t sum = 0;

	paging_on();
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = i % DEMAND_PAGES;

		if (k == 0 && i) {	/* unmap everything: the next round faults again */
			memset(pt_demand, 0, sizeof(pt_demand));
			write_cr3((uint32_t)pd);
		}
		*(volatile uint32_t *)(DEMAND_VA + k * 4096) = i;
		sum += *(volatile uint32_t *)(DEMAND_VA + k * 4096) == i;
	}
	return sum + (faults == n);
}

static uint32_t run_invlpg(uint32_t n)
{
	uint32_t sum = 0;

	paging_on();
	*(uint32_t *)frames[0] = 1;
	*(uint32_t *)frames[1] = 2;
	for (uint32_t i = 0; i < n; i++) {
		pt_flip[0] = (uint32_t)frames[i & 1] | PG_P | PG_W;
		__asm__ volatile("invlpg (%0)" : : "r"(FLIP_VA) : "memory");
		sum += *(volatile uint32_t *)FLIP_VA;
	}
	return sum;
}

static uint32_t run_divide(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = i, d = 0;

		__asm__ volatile("divl %%ecx" : "+a"(a), "+d"(d) : "c"(0) : "memory", "cc");
	}
	return faults;
}

static int test_is(const char *name)
{
	const char *s = bench_cmdline;
	size_t k = strlen(name);

	for (; *s; s++)
		if (!strncmp(s, " t=", 3) && !strncmp(s + 3, name, k) &&
		    (s[3 + k] == ' ' || s[3 + k] == '\0'))
			return 1;
	return 0;
}

uint32_t bench_run(uint32_t n)
{
	uint32_t r;

	sys_init();
	outb(0x21, 0xff);	/* no device interrupts, even with IF=1 at CPL3 */
	outb(0xa1, 0xff);
	trap_hook = hook;
	if (test_is("int80") || test_is("sysenter")) {
		wrmsr(0x174, KCODE, 0);
		wrmsr(0x175, (uint32_t)(sysenter_stack + sizeof(sysenter_stack)), 0);
		wrmsr(0x176, (uint32_t)bench_sysenter_entry, 0);
		ucount = n;
		enter_user(test_is("int80") ? user_int80 : user_sysenter, USER_STACK_TOP, 0x202);
		r = usum;
	} else if (test_is("portio")) {
		r = run_portio(n);
	} else if (test_is("cr3")) {
		r = run_cr3(n);
	} else if (test_is("pagefault")) {
		r = run_pagefault(n);
	} else if (test_is("invlpg")) {
		r = run_invlpg(n);
	} else if (test_is("divide")) {
		r = run_divide(n);
	} else {
		printf("sysbench: unknown test in \"%s\" (t=int80|sysenter|portio|cr3|pagefault|invlpg|divide)\n",
		       bench_cmdline);
		exit(2);
	}
	return bench_mix(bench_mix(0x811c9dc5u, n), r);
}
