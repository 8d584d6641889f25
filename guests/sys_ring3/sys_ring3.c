/*
 * sys_ring3 - privilege levels: a TSS with ESP0/SS0, ring 3 entered through
 * IRET, system calls through INT 0x80 (a DPL3 gate) and SYSENTER/SYSEXIT,
 * what faults at CPL3 with IOPL=0 (CLI, STI, HLT, IN/OUT outside the TSS I/O
 * permission bitmap, privileged instructions, INT to a DPL0 gate) and what
 * silently does not (POPF keeps IF and IOPL; SGDT, SIDT, SLDT, SMSW, STR
 * run), then the same with IOPL=3.
 */
#include "../sys_common/sys.h"

#define SCRATCH		0x3ff	/* COM1 scratch register: allowed at CPL3 */
#define DENIED		0x3fe	/* COM1 MSR: not allowed */

static uint8_t sysenter_stack[4096] __attribute__((aligned(16)));

static inline void wrmsr(uint32_t msr, uint32_t lo, uint32_t hi)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"(lo), "d"(hi));
}

/* SYSENTER lands here at CPL0 with SS:ESP from the MSRs; ECX and EDX hold
 * the user's ESP and return EIP for SYSEXIT. */
uint32_t sysenter_c(uint32_t arg);
__asm__(".text\n"
	"sysenter_entry:\n"
	"  pushl %ecx\n"
	"  pushl %edx\n"
	"  pushl %eax\n"
	"  call sysenter_c\n"
	"  addl $4, %esp\n"
	"  popl %edx\n"
	"  popl %ecx\n"
	"  sysexit\n");
extern char sysenter_entry[];

uint32_t sysenter_c(uint32_t arg)
{
	uint16_t cs, ss;
	uint32_t esp;

	__asm__ volatile("movw %%cs, %0\n\tmovw %%ss, %1\n\tmovl %%esp, %2"
			 : "=r"(cs), "=r"(ss), "=r"(esp));
	printf("  sysenter: arg=%x cs=%04x ss=%04x IF=%u esp in sysenter stack: %s\n",
	       arg, cs, ss, (read_eflags() >> 9) & 1,
	       esp > (uint32_t)sysenter_stack &&
	       esp <= (uint32_t)sysenter_stack + sizeof(sysenter_stack) ? "yes" : "no");
	return arg * 2;
}

/* INT 0x80 services beyond sys.h's: 2 = set SYSENTER_CS to ebx. */
static int ring3_hook(struct frame *f)
{
	if (f->vec == 0x80 && f->eax == 2) {
		wrmsr(0x174, f->ebx, 0);
		return 1;
	}
	return 0;
}

static inline uint32_t u_sysenter(uint32_t arg)
{
	uint32_t r;

	__asm__ volatile("movl %%esp, %%ecx\n\t"
			 "movl $1f, %%edx\n\t"
			 "sysenter\n"
			 "1:"
			 : "=a"(r) : "a"(arg) : "ecx", "edx", "memory", "cc");
	return r;
}

static void user_common(void)
{
	uint32_t f, g;
	uint16_t cs, ss, ds;
	struct dtr d;
	uint16_t w;

	__asm__ volatile("movw %%cs, %0\n\tmovw %%ss, %1\n\tmovw %%ds, %2"
			 : "=r"(cs), "=r"(ss), "=r"(ds));
	sys_printf("ring3: cs=%04x ss=%04x\n", cs, ss);
	sys_printf("ring3: ds=%04x\n", ds, 0);

	f = read_eflags();
	sys_printf("pushf: IF=%u IOPL=%u\n", (f >> 9) & 1, (f >> 12) & 3);
	__asm__ volatile("pushl %0\n\tpopfl" : : "r"(f & ~0x200u) : "cc");
	g = read_eflags();
	sys_printf("popf clearing IF: IF %u -> %u\n", (f >> 9) & 1, (g >> 9) & 1);
	__asm__ volatile("pushl %0\n\tpopfl" : : "r"(f | 0x3000u) : "cc");
	g = read_eflags();
	sys_printf("popf setting IOPL=3: IOPL %u -> %u\n", (f >> 12) & 3, (g >> 12) & 3);
	__asm__ volatile("pushl %0\n\tpopfl" : : "r"(f) : "cc");

	U_PROBE("cli", "cli", : : : "memory");
	U_PROBE("sti", "sti", : : : "memory");
	g = read_eflags();
	sys_printf("  IF now %u\n", (g >> 9) & 1, 0);
	U_PROBE("hlt", "hlt", : : : "memory");
	U_PROBE("outb to 0x3ff (allowed in bitmap)", "outb %%al, %%dx", : : "a"(0x5a), "d"(SCRATCH) : "memory");
	U_PROBE("inb from 0x3ff (allowed in bitmap)", "inb %%dx, %%al", : : "d"(SCRATCH) : "eax", "memory");
	U_PROBE("inb from 0x3fe (denied)", "inb %%dx, %%al", : : "d"(DENIED) : "eax", "memory");
	U_PROBE("outb to 0x3fe (denied)", "outb %%al, %%dx", : : "a"(0), "d"(DENIED) : "memory");
	U_PROBE("outw to 0x3ff (0x400 denied)", "outw %%ax, %%dx", : : "a"(0), "d"(SCRATCH) : "memory");
	U_PROBE("inb $0x80 (imm8 port, denied)", "inb $0x80, %%al", : : : "eax", "memory");
	U_PROBE("mov cr0, eax", "movl %%cr0, %%eax", : : : "eax", "memory");
	U_PROBE("mov eax, cr3", "movl %%eax, %%cr3", : : "a"(0) : "memory");
	U_PROBE("mov eax, dr7", "movl %%eax, %%dr7", : : "a"(0) : "memory");
	U_PROBE("lgdt", "lgdt (%%esp)", : : : "memory");
	U_PROBE("lidt", "lidt (%%esp)", : : : "memory");
	U_PROBE("lldt", "lldt %%ax", : : "a"(0) : "memory");
	U_PROBE("ltr", "ltr %%ax", : : "a"(0x28) : "memory");
	U_PROBE("lmsw", "lmsw %%ax", : : "a"(1) : "memory");
	U_PROBE("clts", "clts", : : : "memory");
	U_PROBE("invlpg", "invlpg (%%esp)", : : : "memory");
	U_PROBE("wbinvd", "wbinvd", : : : "memory");
	U_PROBE("rdmsr", "rdmsr", : : "c"(0x174) : "eax", "edx", "memory");
	U_PROBE("wrmsr", "wrmsr", : : "c"(0x174), "a"(0), "d"(0) : "memory");
	U_PROBE("rdpmc (CR4.PCE=0)", "rdpmc", : : "c"(0) : "eax", "edx", "memory");
	U_PROBE("sysexit", "sysexit", : : : "memory");
	U_PROBE("int $0x81 (DPL0 gate)", "int $0x81", : : : "memory");
	U_PROBE("int3 (DPL3 gate)", "int3", : : : "memory");
	U_PROBE("mov ds, kernel data", "movl %%ds, %%edx\n\tmovl %0, %%ds\n\tmovl %%edx, %%ds",
		: : "r"(KDATA) : "edx", "memory");
	U_PROBE("mov ss, kernel data", "movl %%ss, %%edx\n\tmovl %0, %%ss\n\tmovl %%edx, %%ss",
		: : "r"(KDATA) : "edx", "memory");
	U_PROBE("ljmp to kernel code", "ljmp $0x08, $0", : : : "memory");
	U_PROBE("lcall to kernel code", "lcall $0x08, $0", : : : "memory");

	/* Sensitive but unprivileged: these run at CPL3. */
	U_BEGIN("sgdt");
	__asm__ volatile("sgdt %0" : "=m"(d));
	U_END();
	sys_printf("  limit=%04x base%s\n", d.limit, (uint32_t)(d.base == (uint32_t)gdt ? "=gdt" : "!=gdt"));
	U_BEGIN("sidt");
	__asm__ volatile("sidt %0" : "=m"(d));
	U_END();
	sys_printf("  limit=%04x base%s\n", d.limit, (uint32_t)(d.base == (uint32_t)idt ? "=idt" : "!=idt"));
	U_BEGIN("smsw");
	__asm__ volatile("smsw %0" : "=m"(w));
	U_END();
	sys_printf("  msw=%04x\n", w, 0);
	U_BEGIN("str");
	__asm__ volatile("str %0" : "=m"(w));
	U_END();
	sys_printf("  tr=%04x\n", w, 0);
	U_BEGIN("sldt");
	__asm__ volatile("sldt %0" : "=m"(w));
	U_END();
	sys_printf("  ldtr=%04x\n", w, 0);
}

static void user_main(void)
{
	uint32_t r;

	user_common();

	U_BEGIN("sysenter(0x21)");
	r = u_sysenter(0x21);
	U_END();
	sys_printf("  returned %x, IF after sysexit=%u\n", r, (read_eflags() >> 9) & 1);
	__asm__ volatile("movl $2, %%eax\n\tint $0x80" : : "b"(0) : "eax", "memory");
	U_PROBE("sysenter with SYSENTER_CS=0", "sysenter", : : : "memory");
	sys_exit();
}

static void user_iopl3(void)
{
	uint32_t f, g;

	f = read_eflags();
	sys_printf("pushf: IF=%u IOPL=%u\n", (f >> 9) & 1, (f >> 12) & 3);
	U_PROBE("cli", "cli", : : : "memory");
	g = read_eflags();
	sys_printf("  IF now %u\n", (g >> 9) & 1, 0);
	U_PROBE("sti", "sti", : : : "memory");
	g = read_eflags();
	sys_printf("  IF now %u\n", (g >> 9) & 1, 0);
	__asm__ volatile("pushl %0\n\tpopfl" : : "r"(f & ~0x3200u) : "cc");
	g = read_eflags();
	sys_printf("popf clearing IF and IOPL: IF %u -> %u,", (f >> 9) & 1, (g >> 9) & 1);
	sys_printf(" IOPL %u -> %u\n", (f >> 12) & 3, (g >> 12) & 3);
	__asm__ volatile("pushl %0\n\tpopfl" : : "r"(f) : "cc");
	U_PROBE("inb from 0x3fe (denied in bitmap, IOPL=3)", "inb %%dx, %%al", : : "d"(DENIED) : "eax", "memory");
	U_PROBE("outb to 0x3ff", "outb %%al, %%dx", : : "a"(0xa5), "d"(SCRATCH) : "memory");
	U_PROBE("hlt", "hlt", : : : "memory");
	U_PROBE("mov cr0, eax", "movl %%cr0, %%eax", : : : "eax", "memory");
	sys_exit();
}

int main(const char *cmdline __attribute__((unused)))
{
	uint32_t f;

	sys_init();
	/* Mask both PICs: with IF=1 at CPL3 no device interrupt may come. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	trap_hook = ring3_hook;
	set_gate(3, (uint32_t)isr_stubs + 16 * 3, KCODE, 0xee);	/* int3 from ring 3 */
	tss.iomap[SCRATCH / 8] &= ~(1 << (SCRATCH % 8));
	wrmsr(0x174, KCODE, 0);
	wrmsr(0x175, (uint32_t)(sysenter_stack + sizeof(sysenter_stack)), 0);
	wrmsr(0x176, (uint32_t)sysenter_entry, 0);
	puts("sys_ring3: entering ring 3 with IOPL=0, IF=1");

	enter_user(user_main, USER_STACK_TOP, 0x202);
	f = read_eflags();
	printf("back in ring 0: IOPL=%u, scratch register=%02x\n", (f >> 12) & 3, inb(SCRATCH));

	wrmsr(0x174, KCODE, 0);
	puts("sys_ring3: entering ring 3 with IOPL=3, IF=1");
	enter_user(user_iopl3, USER_STACK_TOP, 0x3202);
	printf("back in ring 0: scratch register=%02x\n", inb(SCRATCH));
	puts("sys_ring3: done");
	return 0;
}
