/*
 * sys_smc_tasks - system control transfers: a far CALL from ring 3 through
 * a DPL3 call gate into ring 0 (stack switch from the TSS, one parameter
 * copied, RET far with a parameter count back to ring 3), and a hardware
 * task switch through a task gate: a double fault (#GP whose gate is not
 * present, whose #NP gate is not present either) handled in its own task,
 * as Linux does, which then IRETs back to the interrupted task (NT set,
 * back link) with its saved EIP moved past the faulting instruction.
 */
#include "../sys_common/sys.h"

#define SEL_GATE	0x30	/* call gate, DPL3 -> KCODE:gate_target, 1 param */
#define SEL_DFTSS	0x38	/* the double-fault task's TSS */

static struct tss df_tss __attribute__((aligned(128)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));

/* What the call gate's target saw on its stack. */
uint32_t gate_seen[6];

__asm__(".text\n"
	"gate_target:\n"
	"  movl %cs, %eax\n"
	"  movl %eax, gate_seen\n"
	"  movl 4(%esp), %eax\n"	/* caller CS */
	"  movl %eax, gate_seen + 4\n"
	"  movl 8(%esp), %eax\n"	/* the parameter */
	"  movl %eax, gate_seen + 8\n"
	"  movl 16(%esp), %eax\n"	/* caller SS */
	"  movl %eax, gate_seen + 12\n"
	"  movl %ss, %eax\n"
	"  movl %eax, gate_seen + 16\n"
	"  movl %esp, gate_seen + 20\n"
	"  movl $0x600d, %eax\n"
	"  lret $4\n"

	"df_task_entry:\n"
	"  call df_c\n"		/* the error code is its argument */
	"  addl $4, %esp\n"
	"  iretl\n"			/* task switch back (NT=1) */
	"  jmp df_task_entry\n");	/* the next double fault starts here */
extern char gate_target[], df_task_entry[];

void df_c(uint32_t err);
void df_c(uint32_t err)
{
	uint16_t tr;

	__asm__ volatile("str %0" : "=r"(tr));
	printf("  #DF task: err=%x tr=%04x back link=%04x NT=%u saved eip=+%u\n", err, tr,
	       df_tss.link, (read_eflags() >> 14) & 1, tss.t.eip - probe_start);
	tss.t.eip = probe_fixup;
	probe_fixup = 0;
	probe_hits++;
}

static void user_main(void)
{
	uint32_t r, esp0, esp1;

	__asm__ volatile("movl %%esp, %1\n\t"
			 "pushl $0x1234\n\t"
			 "lcall $0x33, $0\n\t"
			 "movl %%esp, %2"
			 : "=a"(r), "=&r"(esp0), "=r"(esp1) : : "memory");
	sys_printf("ring 3: call gate returned eax=%x, stack balanced: %s\n", r,
		   (uint32_t)(esp0 == esp1 ? "yes" : "no"));
	sys_exit();
}

int main(const char *cmdline __attribute__((unused)))
{
	struct gate *g;
	uint16_t tr;

	sys_init();
	g = (struct gate *)&gdt[SEL_GATE >> 3];
	g->off_lo = (uint32_t)gate_target & 0xffff;
	g->off_hi = (uint32_t)gate_target >> 16;
	g->sel = KCODE;
	g->zero = 1;			/* parameter count */
	g->type = 0xec;			/* present, DPL3, 32-bit call gate */

	puts("sys_smc_tasks: call gate from ring 3");
	enter_user(user_main, USER_STACK_TOP, 0x2);
	printf("  gate target: cs=%04x caller cs=%04x param=%x caller ss=%04x ss=%04x on kstack: %s\n",
	       gate_seen[0] & 0xffff, gate_seen[1] & 0xffff, gate_seen[2],
	       gate_seen[3] & 0xffff, gate_seen[4] & 0xffff,
	       gate_seen[5] > (uint32_t)kstack &&
	       gate_seen[5] <= (uint32_t)kstack + sizeof(kstack) ? "yes" : "no");

	puts("sys_smc_tasks: double fault through a task gate");
	df_tss.eip = (uint32_t)df_task_entry;
	df_tss.esp = (uint32_t)(df_stack + sizeof(df_stack));
	df_tss.cs = KCODE;
	df_tss.ss = df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = KDATA;
	df_tss.eflags = 0x2;
	__asm__ volatile("movl %%cr3, %0" : "=r"(df_tss.cr3));
	df_tss.iomap = sizeof(df_tss);
	set_seg(SEL_DFTSS >> 3, (uint32_t)&df_tss, sizeof(df_tss) - 1, ACC_TSS, 0);
	set_gate(8, 0, SEL_DFTSS, 0x85);	/* task gate */
	idt[13].type &= 0x7f;			/* #GP: not present */
	idt[11].type &= 0x7f;			/* #NP: not present */
	for (int i = 0; i < 2; i++) {
		probe_begin(i ? "mov ds, 0x1000 again (the task is re-entered)" : "mov ds, 0x1000");
		PROBE_R("movl %%ds, %%edx\n\tmovl %0, %%ds", "movl %%edx, %%ds",
			: : "r"(0x1000) : "edx", "memory");
		probe_end();
		__asm__ volatile("str %0" : "=r"(tr));
		printf("  back: tr=%04x NT=%u TSS busy: main=%u df=%u\n", tr,
		       (read_eflags() >> 14) & 1, (gdt[TSS_SEL >> 3].access >> 1) & 1,
		       (gdt[SEL_DFTSS >> 3].access >> 1) & 1);
	}
	puts("sys_smc_tasks: done");
	return 0;
}
