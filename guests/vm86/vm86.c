/*
 * vm86 - virtual-8086 mode. A blob of 16-bit code is copied to 0x10000 and
 * run as CS=0x1000 under paging (identity map, user pages), entered by an
 * IRET at CPL 0 with VM=1 in the popped EFLAGS, once with IOPL=0 and once
 * with IOPL=3, then once more through a hardware task switch to a TSS whose
 * EFLAGS has VM set. The blob does segment arithmetic (ES:DI, LES, PUSH/POP
 * seg), 0x66/0x67 prefixes, CLI/STI/PUSHF/POPF/IRET/INT n (IOPL-sensitive:
 * #GP(0) at IOPL 0, emulated here by a small monitor from the 9-dword
 * frame), INT3 through a DPL3 gate, INT 0x32 to a DPL0 gate, OUT/IN to a port the TSS I/O bitmap
 * allows and to ports it denies, HLT and LAR/ARPL/MOV CR0, a page fault
 * (user bit in the error code), and waits for a PIT interrupt that comes
 * and returns to virtual-8086 mode. INT 0x31 ends a run: its handler jumps
 * back to the kernel without IRET.
 */
#include "../sys_common/sys.h"

#define VM_SEG		0x1000		/* the blob runs at 1000:0000 */
#define VM_BASE		(VM_SEG << 4)
#define VM_SS		0x2000
#define VM_SP		0x1000
#define PF_PAGE		0x40000		/* not present until the first #PF */
#define SCRATCH		0x3ff		/* COM1 scratch register: allowed */
#define DENIED		0x3fe		/* COM1 MSR: denied */
#define TSS2_SEL	(FIRST_FREE_SLOT * 8)	/* 0x30, as enter_vm86_task says */
_Static_assert(TSS2_SEL == 0x30, "enter_vm86_task jumps to 0x30");

#define F_IF	0x200u
#define F_IOPL	0x3000u
#define F_VM	0x20000u

/* Offsets of the blob's result words (vm_res + N). */
enum {
	R_CS = 0, R_SS = 2, R_SP = 4, R_ALIAS = 6, R_DI = 8, R_FS = 10,
	R_ADD32 = 12, R_ADDR32 = 16, R_FLAGS1 = 20, R_FLAGS2 = 22, R_IRET = 24,
	R_FLAGS3 = 26, R_INT30 = 28, R_IN = 30, R_PF = 32, R_TICKS = 34,
	R_TASK = 36,
};

extern char vm_blob[], vm_blob_end[], vm_res[], vm_resume[];
extern char vm_entry[], vm_wait[], vm_wait_end[], vm_task_entry[];
void enter_vm86(uint32_t eflags, uint32_t ip);
void enter_vm86_task(void);

#define VOFF(sym) "(" #sym " - vm_blob)"
#define VRES(n) "(vm_res - vm_blob + " #n ")"
/* Run one instruction expected to fault; the monitor resumes at 1f. */
#define VPROBE(insn) \
	"  movw $(1f - vm_blob), " VOFF(vm_resume) "\n" \
	"  " insn "\n" \
	"1:\n"

__asm__(".text\n"
	".code16\n"
	".globl vm_blob\n"
	"vm_blob:\n"
	".globl vm_entry\n"
	"vm_entry:\n"
	"  movw %cs, " VRES(0) "\n"
	"  movw %ss, " VRES(2) "\n"
	"  movw %sp, " VRES(4) "\n"
	/* Segment arithmetic: 3000:0100 written, read back as 3010:0000. */
	"  movw $0x3000, %ax\n"
	"  movw %ax, %es\n"
	"  movw $0x0100, %di\n"
	"  movw $0xbeef, %es:(%di)\n"
	"  movw $0x3010, %ax\n"
	"  movw %ax, %es\n"
	"  movw %es:0, %ax\n"
	"  movw %ax, " VRES(6) "\n"
	/* LES from a far pointer, then STOSW through ES:DI = 3000:0200. */
	"  lesw " VOFF(vm_farptr) ", %di\n"
	"  movw $0xcafe, %ax\n"
	"  cld\n"
	"  stosw\n"
	"  movw %di, " VRES(8) "\n"
	"  pushw %es\n"
	"  popw %fs\n"
	"  movw %fs, " VRES(10) "\n"
	/* Operand- and address-size prefixes. */
	"  movl $0x12345678, %eax\n"
	"  addl $0x11111111, %eax\n"
	"  movl %eax, " VRES(12) "\n"
	"  movl $" VOFF(vm_dword) ", %ebx\n"
	"  addr32 movl (%ebx), %eax\n"
	"  movl %eax, " VRES(16) "\n"
	/* The IOPL-sensitive ones. */
	"  cli\n"
	"  sti\n"
	"  pushfw\n"
	"  popw %ax\n"
	"  movw %ax, " VRES(20) "\n"
	"  pushw $0x0002\n"		/* IOPL=0, IF=0 */
	"  popfw\n"
	"  pushfw\n"
	"  popw %ax\n"
	"  movw %ax, " VRES(22) "\n"
	"  sti\n"
	"  pushw $0x0202\n"		/* IRET within vm86: IOPL=0, IF=1 */
	"  pushw %cs\n"
	"  pushw $(2f - vm_blob)\n"
	"  movw $0x1111, %dx\n"
	"  iret\n"
	"  movw $0xdead, %dx\n"
	"2:\n"
	"  movw %dx, " VRES(24) "\n"
	"  pushfw\n"
	"  popw %ax\n"
	"  movw %ax, " VRES(26) "\n"
	"  movw $0, %ax\n"		/* INT 0x30 service 0: returns AX=BX+1 */
	"  movw $0x1234, %bx\n"
	"  int $0x30\n"
	"  movw %ax, " VRES(28) "\n"
	VPROBE("int3")
	VPROBE("int $0x32")		/* DPL0 gate: #GP(0x192) at IOPL 3 */
	/* I/O: the bitmap allows the scratch register only. */
	"  movw $0x3ff, %dx\n"
	"  movb $0x5a, %al\n"
	"  outb %al, %dx\n"
	"  movb $0, %al\n"
	"  inb %dx, %al\n"
	"  movb %al, " VRES(30) "\n"
	"  movw $0x3fe, %dx\n"
	VPROBE("outb %al, %dx")
	VPROBE("inb $0x21, %al")
	VPROBE("hlt")
	VPROBE("lar %ax, %bx")
	VPROBE("arpl %ax, %bx")
	VPROBE("movl %cr0, %eax")
	/* A page fault: the monitor maps the page, the store is retried. */
	"  movw $0x4000, %ax\n"
	"  movw %ax, %es\n"
	"  movw $0x1234, %es:0x10\n"
	"  movw %es:0x10, %ax\n"
	"  movw %ax, " VRES(32) "\n"
	/* A timer interrupt while in virtual-8086 mode. */
	"  movw $1, %ax\n"
	"  int $0x30\n"
	".globl vm_wait\n"
	"vm_wait:\n"
	"  cmpw $0, " VRES(34) "\n"
	"  je vm_wait\n"
	".globl vm_wait_end\n"
	"vm_wait_end:\n"
	"  int $0x31\n"
	"  jmp .\n"

	/* Entered through a task switch: record CS and leave. */
	".globl vm_task_entry\n"
	"vm_task_entry:\n"
	"  movw %cs, %ax\n"
	"  movw %ds, %bx\n"
	"  addw %bx, %ax\n"
	"  movw %ax, " VRES(36) "\n"
	"  int $0x31\n"
	"  jmp .\n"

	".p2align 2\n"
	"vm_farptr:\n"
	"  .word 0x0200, 0x3000\n"
	"vm_dword:\n"
	"  .long 0x89abcdef\n"
	".globl vm_resume\n"
	"vm_resume:\n"
	"  .word 0\n"
	".p2align 2\n"
	".globl vm_res\n"
	"vm_res:\n"
	"  .fill 64, 1, 0\n"
	".globl vm_blob_end\n"
	"vm_blob_end:\n"
	".code32\n"

	/* enter_vm86(eflags, ip): IRET into virtual-8086 mode at 1000:ip. */
	".globl enter_vm86\n"
	"enter_vm86:\n"
	"  pushl %ebp\n"
	"  pushl %ebx\n"
	"  pushl %esi\n"
	"  pushl %edi\n"
	"  movl %esp, kernel_saved_esp\n"
	"  movl 20(%esp), %eax\n"
	"  movl 24(%esp), %ecx\n"
	"  pushl $0\n"			/* GS */
	"  pushl $0\n"			/* FS */
	"  pushl $0x1000\n"		/* DS */
	"  pushl $0x1000\n"		/* ES */
	"  pushl $0x2000\n"		/* SS */
	"  pushl $0x1000\n"		/* ESP */
	"  pushl %eax\n"		/* EFLAGS */
	"  pushl $0x1000\n"		/* CS */
	"  pushl %ecx\n"		/* EIP */
	"  iretl\n"

	/* enter_vm86_task(): JMP to the virtual-8086 task's TSS. */
	".globl enter_vm86_task\n"
	"enter_vm86_task:\n"
	"  pushl %ebp\n"
	"  pushl %ebx\n"
	"  pushl %esi\n"
	"  pushl %edi\n"
	"  movl %esp, kernel_saved_esp\n"
	"  ljmp $0x30, $0\n");

static struct tss_io tss2 __attribute__((aligned(128)));
static uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t page_table[1024] __attribute__((aligned(4096)));

static uint16_t vif = 1;	/* the virtual IF the monitor keeps at IOPL 0 */
static int irq_seen;

static uint16_t res16(int n)
{
	return *(volatile uint16_t *)(VM_BASE + (vm_res - vm_blob) + n);
}

static uint32_t res32(int n)
{
	return *(volatile uint32_t *)(VM_BASE + (vm_res - vm_blob) + n);
}

static uint32_t blob_ip(const char *sym)
{
	return (uint32_t)(sym - vm_blob);
}

static inline uint32_t read_cr2(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr2, %0" : "=r"(v));
	return v;
}


static uint8_t *vm_lin(uint32_t seg, uint32_t off)
{
	return (uint8_t *)((seg << 4) + (off & 0xffff));
}

static void vm_push(struct frame *f, uint16_t v)
{
	f->uesp = (f->uesp & ~0xffffu) | ((f->uesp - 2) & 0xffff);
	*(uint16_t *)vm_lin(f->uss, f->uesp) = v;
}

static uint16_t vm_pop(struct frame *f)
{
	uint16_t v = *(uint16_t *)vm_lin(f->uss, f->uesp);

	f->uesp = (f->uesp & ~0xffffu) | ((f->uesp + 2) & 0xffff);
	return v;
}

static void print_where(struct frame *f)
{
	printf(" at %04x:%04x VM=%u IF=%u IOPL=%u\n", f->cs, f->eip,
	       (f->eflags >> 17) & 1, (f->eflags >> 9) & 1, (f->eflags >> 12) & 3);
}

/* The frame from virtual-8086 mode, after struct frame's SS:ESP. */
static void print_vm_frame(struct frame *f)
{
	uint32_t *vseg = (uint32_t *)(f + 1);

	printf("  frame: ss:sp=%04x:%04x es=%04x ds=%04x fs=%04x gs=%04x\n",
	       f->uss, f->uesp, vseg[0], vseg[1], vseg[2], vseg[3]);
	printf("  handler entered with ds=%04x es=%04x fs=%04x gs=%04x\n",
	       f->ds, f->es, f->fs, f->gs);
}

/* Services of INT 0x30: 0 returns BX+1, 1 starts the PIT (IRQ0 unmasked). */
static void service(struct frame *f)
{
	uint16_t ax = f->eax & 0xffff;

	printf("  service %u bx=%04x\n", ax, f->ebx & 0xffff);
	if (ax == 0) {
		f->eax = (f->eax & ~0xffffu) | ((f->ebx + 1) & 0xffff);
	} else if (ax == 1) {
		irq_seen = 0;
		outb(0x43, 0x34);
		outb(0x40, 1193 & 0xff);
		outb(0x40, 1193 >> 8);
		outb(0x21, 0xfe);
	}
}

static void leave_vm86(void)
{
	__asm__ volatile("jmp back_to_kernel");
	__builtin_unreachable();
}

/* #GP(0) from an IOPL-sensitive instruction at IOPL 0: emulate it. */
static void emulate(struct frame *f)
{
	uint8_t *ip = vm_lin(f->cs, f->eip);
	uint16_t v;

	switch (ip[0]) {
	case 0xfa:	/* CLI */
		print_vm_frame(f);
		printf("  cli: virtual IF %u -> 0\n", vif);
		vif = 0;
		f->eip += 1;
		break;
	case 0xfb:	/* STI */
		printf("  sti: virtual IF %u -> 1\n", vif);
		vif = 1;
		f->eip += 1;
		break;
	case 0x9c:	/* PUSHF */
		v = (f->eflags & 0x0dd5) | 0x2 | (vif << 9);
		printf("  pushf: pushes %04x\n", v);
		vm_push(f, v);
		f->eip += 1;
		break;
	case 0x9d:	/* POPF */
		v = vm_pop(f);
		vif = (v >> 9) & 1;
		f->eflags = (f->eflags & ~0x0dd5u) | (v & 0x0dd5);
		printf("  popf: pops %04x, virtual IF=%u\n", v, vif);
		f->eip += 1;
		break;
	case 0xcf:	/* IRET */
		f->eip = vm_pop(f);
		f->cs = vm_pop(f);
		v = vm_pop(f);
		vif = (v >> 9) & 1;
		f->eflags = (f->eflags & ~0x0dd5u) | (v & 0x0dd5);
		printf("  iret: to %04x:%04x, virtual IF=%u\n", f->cs, f->eip, vif);
		break;
	case 0xcd:	/* INT n */
		printf("  int %02x\n", ip[1]);
		f->eip += 2;
		if (ip[1] == 0x30)
			service(f);
		else if (ip[1] == 0x31)
			leave_vm86();
		break;
	default:
		printf("  not emulated (opcode %02x), skipped\n", ip[0]);
		f->eip = *(uint16_t *)(VM_BASE + (vm_resume - vm_blob));
		break;
	}
}

static int vm86_hook(struct frame *f)
{
	if (f->vec == 0x20) {
		outb(0x21, 0xff);	/* one tick is enough */
		outb(0x20, 0x20);
		if (!irq_seen++) {
			uint32_t ip = f->eip;
			int in_loop = ip >= blob_ip(vm_wait) && ip < blob_ip(vm_wait_end);

			printf("IRQ0: cs=%04x ip in wait loop: %s VM=%u IF=%u\n", f->cs,
			       in_loop ? "yes" : "no", (f->eflags >> 17) & 1,
			       (f->eflags >> 9) & 1);
			if (f->eflags & F_VM)
				*(volatile uint16_t *)(VM_BASE + (vm_res - vm_blob) + R_TICKS) = 1;
		}
		return 1;
	}
	if (!(f->eflags & F_VM))
		return 0;

	print_vec(f->vec);
	if (vec_has_err(f->vec))
		printf(" err=%04x", f->err);
	print_where(f);
	switch (f->vec) {
	case 13:
		if (f->err == 0) {
			emulate(f);
			return 1;
		}
		break;
	case 14:
		printf("  cr2=%08x: mapping the page\n", read_cr2());
		page_table[PF_PAGE >> 12] = PF_PAGE | 7;
		invlpg(PF_PAGE);
		return 1;
	case 3:
		printf("  through the IDT (DPL3 gate)\n");
		return 1;
	case 0x30:
		print_vm_frame(f);
		service(f);
		return 1;
	case 0x31:
		printf("  leaving virtual-8086 mode\n");
		leave_vm86();
	default:
		break;
	}
	printf("  skipped\n");
	f->eip = *(uint16_t *)(VM_BASE + (vm_resume - vm_blob));
	return 1;
}

static void setup_paging(void)
{
	for (int i = 0; i < 1024; i++)
		page_table[i] = (i << 12) | 7;	/* present, writable, user */
	page_table[PF_PAGE >> 12] = 0;
	page_dir[0] = (uint32_t)page_table | 7;
	__asm__ volatile("movl %0, %%cr3\n\t"
			 "movl %%cr0, %%eax\n\t"
			 "orl $0x80000000, %%eax\n\t"
			 "movl %%eax, %%cr0"
			 : : "r"(page_dir) : "eax", "memory");
}

static void reset_blob(void)
{
	memcpy((void *)VM_BASE, vm_blob, vm_blob_end - vm_blob);
	memset((void *)0x30000, 0, 0x300);
	page_table[PF_PAGE >> 12] = PF_PAGE | 3;	/* supervisor only */
	invlpg(PF_PAGE);
	*(volatile uint16_t *)(PF_PAGE + 0x10) = 0;
	page_table[PF_PAGE >> 12] = 0;
	invlpg(PF_PAGE);
	outb(SCRATCH, 0);
	vif = 1;
}

static void report(void)
{
	uint32_t f1 = res16(R_FLAGS1), f2 = res16(R_FLAGS2), f3 = res16(R_FLAGS3);

	printf("results: cs=%04x ss=%04x sp=%04x\n", res16(R_CS), res16(R_SS), res16(R_SP));
	printf("  3010:0000 alias of 3000:0100 = %04x, linear 0x30100 = %04x\n",
	       res16(R_ALIAS), *(volatile uint16_t *)0x30100);
	printf("  les/stosw: di=%04x, linear 0x30200 = %04x, fs after push es/pop fs = %04x\n",
	       res16(R_DI), *(volatile uint16_t *)0x30200, res16(R_FS));
	printf("  32-bit add = %08x, addr32 load = %08x\n", res32(R_ADD32), res32(R_ADDR32));
	printf("  pushf: IF=%u IOPL=%u\n", (f1 >> 9) & 1, (f1 >> 12) & 3);
	printf("  popf 0002 then pushf: IF=%u IOPL=%u\n", (f2 >> 9) & 1, (f2 >> 12) & 3);
	printf("  iret in vm86: dx=%04x, then IF=%u IOPL=%u\n", res16(R_IRET),
	       (f3 >> 9) & 1, (f3 >> 12) & 3);
	printf("  int 0x30 returned ax=%04x\n", res16(R_INT30));
	printf("  in from scratch = %02x, scratch seen from ring 0 = %02x\n",
	       res16(R_IN) & 0xff, inb(SCRATCH));
	printf("  after #PF: read back %04x, linear 0x40010 = %04x\n", res16(R_PF),
	       *(volatile uint16_t *)0x40010);
	printf("  ticks seen by vm86 = %u\n", res16(R_TICKS));
}

static void run(uint32_t eflags)
{
	uint32_t f;

	reset_blob();
	printf("vm86: IRET to 1000:%04x with EFLAGS=%05x (IOPL=%u)\n", blob_ip(vm_entry),
	       eflags, (eflags >> 12) & 3);
	enter_vm86(eflags, blob_ip(vm_entry));
	f = read_eflags();
	printf("back in protected mode: VM=%u IOPL=%u\n", (f >> 17) & 1, (f >> 12) & 3);
	report();
}

int main(const char *cmdline __attribute__((unused)))
{
	uint16_t tr;

	sys_init();
	trap_hook = vm86_hook;
	/* PIC: vectors 0x20/0x28, everything masked. */
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xff); outb(0xa1, 0xff);
	set_gate(3, (uint32_t)isr_stubs + 16 * 3, KCODE, 0xee);
	set_gate(0x30, (uint32_t)isr_stubs + 16 * 0x30, KCODE, 0xee);
	set_gate(0x31, (uint32_t)isr_stubs + 16 * 0x31, KCODE, 0xee);
	tss.iomap[SCRATCH / 8] &= ~(1 << (SCRATCH % 8));
	setup_paging();
	puts("vm86: blob at 0x10000, paging on, I/O bitmap allows port 0x3ff");

	run(F_VM | F_IF | 0x2);
	run(F_VM | F_IF | F_IOPL | 0x2);

	/* A task whose TSS has VM set. */
	reset_blob();
	tss2.t.esp0 = (uint32_t)(kstack + sizeof(kstack));
	tss2.t.ss0 = KDATA;
	tss2.t.cr3 = (uint32_t)page_dir;
	tss2.t.eip = blob_ip(vm_task_entry);
	tss2.t.eflags = F_VM | 0x2;
	tss2.t.esp = VM_SP;
	tss2.t.cs = VM_SEG;
	tss2.t.ss = VM_SS;
	tss2.t.ds = VM_SEG;
	tss2.t.es = VM_SEG;
	tss2.t.iomap = sizeof(struct tss);
	memset(tss2.iomap, 0xff, sizeof(tss2.iomap));
	set_seg(FIRST_FREE_SLOT, (uint32_t)&tss2, sizeof(tss2) - 1, ACC_TSS, 0);
	printf("vm86: JMP to a TSS with VM=1, CS:IP=1000:%04x\n", blob_ip(vm_task_entry));
	enter_vm86_task();
	__asm__ volatile("str %0" : "=r"(tr));
	printf("back in protected mode: tr=%04x, cs+ds seen by the task = %04x\n", tr,
	       res16(R_TASK));
	puts("vm86: done");
	return 0;
}
