/*
 * sys_pmode - protected-mode segmentation and exceptions at CPL0.
 *
 * Own GDT (flat ring 0/3, a 16-bit code segment, an expand-down segment, a
 * segment with a small limit, read-only, not-present, execute-only, an LDT)
 * and an IDT catching every vector. Provokes #DE #DB #BP #OF #BR #UD #NM #NP
 * #SS #GP and prints the vector, the error code and the faulting EIP
 * relative to the start of the probe; then LAR/LSL/VERR/VERW, the
 * descriptor-table stores, SMSW and ARPL.
 */
#include "../sys_common/sys.h"

#define SEL_CODE16	0x30
#define SEL_EXPDOWN	0x38
#define SEL_SMALL	0x40
#define SEL_RO		0x48
#define SEL_NP		0x50
#define SEL_XONLY	0x58
#define SEL_LDT		0x60
#define SEL_STACK4M	0x68
#define SEL_CONF3	0x70	/* conforming code, DPL3 */
#define SEL_LDT_DATA	0x0c	/* LDT slot 1 */
#define SEL_LDT_BAD	0x14	/* LDT slot 2: beyond the LDT's limit */

static uint8_t buf[8192] __attribute__((aligned(4096)));
static struct seg_desc ldt[2] __attribute__((aligned(8)));

extern char code16_start[];
__asm__(".text\n"
	".p2align 4\n"
	"code16_start:\n"
	".code16\n"
	/* eax = 0x1234ffff on entry: a 16-bit INC wraps AX only. */
	".byte 0x40\n"			/* inc %ax (16-bit default) */
	"movl %esp, %ebx\n"
	".byte 0x6a, 0x05\n"		/* push $5: 2 bytes in a 16-bit segment */
	"movl %esp, %ecx\n"
	"subl %ecx, %ebx\n"		/* ebx = bytes pushed */
	"popw %cx\n"			/* cx = 5 */
	"lretl\n"
	".code32\n");

/* Model-specific registers every P6 has, as Linux's early_init_intel uses
 * them (the microcode revision, 0x8B).  Not an MSR that does not exist:
 * QEMU's TCG ignores those where a CPU raises #GP. */
static void test_msrs(void)
{
	puts("== MSRs, CR4");
	probe_begin("wrmsr 0x8b (BIOS_SIGN_ID) := 0");
	PROBE("wrmsr", : : "c"(0x8b), "a"(0), "d"(0) : "memory");
	probe_end();
	probe_begin("rdmsr 0x8b");
	PROBE("rdmsr", : : "c"(0x8b) : "eax", "edx", "memory");
	probe_end();
	/* CPUID shows FXSR, so CR4.OSFXSR is writable (Linux's fpu__init_cpu). */
	uint32_t cr4;
	__asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
	probe_begin("cr4 |= OSFXSR");
	PROBE("movl %%cr4, %%eax\n\torl $0x200, %%eax\n\tmovl %%eax, %%cr4", : : : "eax", "memory");
	probe_end();
	uint32_t cr4b;
	__asm__ volatile("movl %%cr4, %0" : "=r"(cr4b));
	printf("  cr4 bits set: %x\n", cr4b & ~cr4);
	__asm__ volatile("movl %0, %%cr4" : : "r"(cr4));
}

static void ldesc(uint16_t sel)
{
	uint32_t lar = 0, lsl = 0;
	uint8_t zl, zs, zr, zw;

	__asm__ volatile("larl %k4, %0\n\tsetz %1\n\t"
			 "lsll %k4, %2\n\tsetz %3"
			 : "+r"(lar), "=q"(zl), "+r"(lsl), "=q"(zs)
			 : "r"((uint32_t)sel) : "cc");
	__asm__ volatile("verr %w2\n\tsetz %0\n\tverw %w2\n\tsetz %1"
			 : "=q"(zr), "=q"(zw) : "r"(sel) : "cc");
	printf("  sel %04x: ", sel);
	if (zl)
		printf("lar=%08x ", lar & 0x00f0ff00);
	else
		printf("lar=--       ");
	if (zs)
		printf("lsl=%08x ", lsl);
	else
		printf("lsl=--       ");
	printf("verr=%u verw=%u\n", zr, zw);
}

static void test_faults(void)
{
	uint32_t v;

	puts("== arithmetic and invalid opcodes");
	probe_begin("div by zero");
	PROBE("xorl %%ecx, %%ecx\n\tdivl %%ecx", : : : "eax", "ecx", "edx", "cc");
	probe_end();
	probe_begin("div quotient overflow");
	PROBE("movl $1, %%edx\n\txorl %%eax, %%eax\n\tmovl $1, %%ecx\n\tdivl %%ecx",
	      : : : "eax", "ecx", "edx", "cc");
	probe_end();
	probe_begin("idiv INT_MIN / -1");
	PROBE("movl $0x80000000, %%eax\n\tcltd\n\tmovl $-1, %%ecx\n\tidivl %%ecx",
	      : : : "eax", "ecx", "edx", "cc");
	probe_end();
	probe_begin("ud2");
	PROBE("ud2", : : : "memory");
	probe_end();
	probe_begin("lock nop");
	PROBE(".byte 0xf0, 0x90", : : : "memory");
	probe_end();
	probe_begin("mov to cs");
	PROBE(".byte 0x8e, 0xc8", : : : "memory");
	probe_end();

	puts("== traps");
	probe_begin("int3");
	PROBE("nop\n\tint3", : : : "memory");
	probe_end();
	probe_begin("int $3");
	PROBE("int $3", : : : "memory");
	probe_end();
	probe_begin("into, OF=1");
	PROBE("movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\tinto", : : : "eax", "cc");
	probe_end();
	probe_begin("into, OF=0");
	PROBE("xorl %%eax, %%eax\n\tinto", : : : "eax", "cc");
	probe_end();
	{
		static int32_t bounds[2] = { 10, 20 };

		probe_begin("bound 5 in [10,20]");
		PROBE("movl $5, %%eax\n\tboundl %%eax, %0", : : "m"(bounds) : "eax");
		probe_end();
		probe_begin("bound 21 in [10,20]");
		PROBE("movl $21, %%eax\n\tboundl %%eax, %0", : : "m"(bounds) : "eax");
		probe_end();
		probe_begin("bound 15 in [10,20]");
		PROBE("movl $15, %%eax\n\tboundl %%eax, %0", : : "m"(bounds) : "eax");
		probe_end();
	}
	probe_begin("single step (TF) over popf; nop; nop");
	PROBE("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\tnop\n\tnop", : : : "memory", "cc");
	probe_end();
	__asm__ volatile("movl %%dr6, %0" : "=r"(v));
	printf("  dr6.BS=%u\n", (v >> 14) & 1);

	puts("== FPU with CR0.TS");
	__asm__ volatile("movl %%cr0, %0" : "=r"(v));
	__asm__ volatile("movl %0, %%cr0" : : "r"(v | 8));
	probe_begin("fnop with TS=1");
	PROBE("fnop", : : : "memory");
	probe_end();
	__asm__ volatile("clts");
	__asm__ volatile("movl %0, %%cr0" : : "r"((v & ~8u) | 4));
	probe_begin("fnop with EM=1 after clts");
	PROBE("fnop", : : : "memory");
	probe_end();
	__asm__ volatile("movl %0, %%cr0" : : "r"(v));

}

/* Load selector sel into DS (restored afterwards, fault or not). */
static void load_ds(const char *what, uint32_t sel)
{
	probe_begin(what);
	PROBE_R("movl %%ds, %%edx\n\tmovl %0, %%ds", "movl %%edx, %%ds",
		: : "r"(sel) : "edx", "memory");
	probe_end();
}

static void load_ss(const char *what, uint32_t sel)
{
	probe_begin(what);
	PROBE_R("movl %%ss, %%edx\n\tmovl %0, %%ss", "movl %%edx, %%ss",
		: : "r"(sel) : "edx", "memory");
	probe_end();
}

/* Access through DS = sel at offset off (read with size 1 or 4, or write). */
static void access_ds(const char *what, uint32_t sel, uint32_t off, int write, int dword)
{
	probe_begin(what);
	if (write && dword)
		PROBE_R("movl %%ds, %%edx\n\tmovl %0, %%ds\n\tmovl $0x11223344, (%1)",
			"movl %%edx, %%ds", : : "r"(sel), "r"(off) : "edx", "memory");
	else if (write)
		PROBE_R("movl %%ds, %%edx\n\tmovl %0, %%ds\n\tmovb $0x55, (%1)",
			"movl %%edx, %%ds", : : "r"(sel), "r"(off) : "edx", "memory");
	else if (dword)
		PROBE_R("movl %%ds, %%edx\n\tmovl %0, %%ds\n\tmovl (%1), %%eax",
			"movl %%edx, %%ds", : : "r"(sel), "r"(off) : "eax", "edx", "memory");
	else
		PROBE_R("movl %%ds, %%edx\n\tmovl %0, %%ds\n\tmovb (%1), %%al",
			"movl %%edx, %%ds", : : "r"(sel), "r"(off) : "eax", "edx", "memory");
	probe_end();
}

static void test_segments(void)
{
	puts("== segment register loads");
	load_ds("ds <- null", 0);
	load_ds("ds <- kernel data", KDATA);
	load_ds("ds <- kernel data, RPL3", KDATA | 3);
	load_ds("ds <- user data (DPL3)", UDATA);
	load_ds("ds <- kernel code (readable)", KCODE);
	load_ds("ds <- execute-only code", SEL_XONLY);
	load_ds("ds <- not present", SEL_NP);
	load_ds("ds <- TSS", TSS_SEL);
	load_ds("ds <- LDT descriptor", SEL_LDT);
	load_ds("ds <- beyond GDT limit", 0x100);
	load_ds("ds <- LDT data", SEL_LDT_DATA);
	load_ds("ds <- beyond LDT limit", SEL_LDT_BAD);
	load_ss("ss <- null", 0);
	load_ss("ss <- read-only data", SEL_RO);
	load_ss("ss <- user data (DPL3, RPL3)", UDATA);
	load_ss("ss <- kernel code", KCODE);
	load_ss("ss <- not present", SEL_NP);
	load_ss("ss <- kernel data", KDATA);

}

/*
 * Limit and type checks on data accesses. QEMU's TCG does not check them
 * (every access below passes there), so it cannot provide the expected
 * output: these run only with "-append limits", and expected-limits.out
 * comes from Bochs (tests/limits.test.sh).
 */
static void test_limits(void)
{
	puts("== accesses");
	access_ds("null ds: read", 0, 0x100000, 0, 1);
	access_ds("read-only: read", SEL_RO, (uint32_t)buf, 0, 1);
	access_ds("read-only: write", SEL_RO, (uint32_t)buf, 1, 1);
	access_ds("kernel code via ds: read", KCODE, (uint32_t)buf, 0, 1);
	access_ds("kernel code via ds: write", KCODE, (uint32_t)buf, 1, 1);
	access_ds("small (limit 0xff): dword at 0xfc", SEL_SMALL, 0xfc, 1, 1);
	access_ds("small (limit 0xff): dword at 0xfd", SEL_SMALL, 0xfd, 1, 1);
	access_ds("small (limit 0xff): byte at 0xff", SEL_SMALL, 0xff, 1, 0);
	access_ds("small (limit 0xff): byte at 0x100", SEL_SMALL, 0x100, 0, 0);
	access_ds("small (limit 0xff): dword at 0xfffffffe", SEL_SMALL, 0xfffffffe, 0, 1);
	access_ds("expand-down (limit 0xfff): dword at 0x1000", SEL_EXPDOWN, 0x1000, 1, 1);
	access_ds("expand-down (limit 0xfff): dword at 0xffc", SEL_EXPDOWN, 0xffc, 0, 1);
	access_ds("expand-down (limit 0xfff): dword at 0xffe", SEL_EXPDOWN, 0xffe, 0, 1);
	access_ds("expand-down (limit 0xfff): byte at 0xfff", SEL_EXPDOWN, 0xfff, 0, 0);
	access_ds("expand-down (limit 0xfff): dword at 0xfffffffc", SEL_EXPDOWN, 0xfffffffc, 0, 1);
	printf("  buf[0]=%02x buf[0xfc..0xff]=%02x%02x%02x%02x buf[0x1000]=%02x\n",
	       buf[0], buf[0xff], buf[0xfe], buf[0xfd], buf[0xfc], buf[0x1000]);

	probe_begin("cs override: write to code");
	PROBE("movl $0x90909090, %%cs:(%0)", : : "r"(buf) : "memory");
	probe_end();

	puts("== stack segment limit (SS limit 4 MiB, G=1)");
	probe_begin("ss: read at 0x3ffffc");
	PROBE_R("movl %%ss, %%edx\n\tmovl %0, %%ss\n\tmovl %%ss:0x3ffffc, %%eax",
		"movl %%edx, %%ss", : : "r"(SEL_STACK4M) : "eax", "edx", "memory");
	probe_end();
	probe_begin("ss: read at 0x3ffffe");
	PROBE_R("movl %%ss, %%edx\n\tmovl %0, %%ss\n\tmovl %%ss:0x3ffffe, %%eax",
		"movl %%edx, %%ss", : : "r"(SEL_STACK4M) : "eax", "edx", "memory");
	probe_end();
	probe_begin("ss: read via ebp at 0x400000");
	PROBE_R("movl %%ss, %%edx\n\tmovl %0, %%ss\n\tpushl %%ebp\n\t"
		"movl $0x400000, %%ebp\n\tmovl (%%ebp), %%eax",
		"popl %%ebp\n\tmovl %%edx, %%ss", : : "r"(SEL_STACK4M) : "eax", "edx", "memory");
	probe_end();

}

static void test_gates(void)
{
	puts("== control transfers and gates");
	probe_begin("ljmp to null selector");
	PROBE("ljmp $0, $0", : : : "memory");
	probe_end();
	probe_begin("ljmp to data segment");
	PROBE("ljmp $0x10, $0", : : : "memory");
	probe_end();
	probe_begin("ljmp to not-present code");
	gdt[SEL_NP >> 3].access = 0x1a;	/* code, readable, P=0 */
	PROBE("ljmp $0x50, $0", : : : "memory");
	gdt[SEL_NP >> 3].access = 0x12;	/* back to data, P=0 */
	probe_end();
	probe_begin("int $0x41 (gate not present)");
	PROBE("int $0x41", : : : "memory");
	probe_end();
	probe_begin("int $0x42 (gate of invalid type)");
	PROBE("int $0x42", : : : "memory");
	probe_end();
	probe_begin("int $0x43 (gate's code selector is data)");
	PROBE("int $0x43", : : : "memory");
	probe_end();
	probe_begin("int $0x44 (normal gate)");
	PROBE("nop\n\tint $0x44", : : : "memory");
	probe_end();
}

static void test_code16(void)
{
	uint32_t a, b, c;

	puts("== 16-bit code segment");
	__asm__ volatile("movl $0x1234ffff, %%eax\n\t"
			 "lcall $0x30, $0"
			 : "=a"(a), "=b"(b), "=c"(c) : : "edx", "memory", "cc");
	printf("  inc ax: eax=%08x, push imm8 took %u bytes, popped %04x\n",
	       a, b, c & 0xffff);
}

static void test_descriptors(void)
{
	static const uint16_t sels[] = {
		0, KCODE, KDATA, UCODE, UDATA, TSS_SEL, SEL_CODE16, SEL_EXPDOWN,
		SEL_SMALL, SEL_RO, SEL_NP, SEL_XONLY, SEL_LDT, SEL_STACK4M,
		SEL_CONF3, SEL_LDT_DATA, SEL_LDT_BAD, 0x100, KDATA | 3,
	};
	struct dtr g, i;
	uint16_t ldtr, tr, msw;
	uint32_t a, b, zf;

	puts("== LAR / LSL / VERR / VERW (CPL0)");
	for (unsigned k = 0; k < sizeof(sels) / sizeof(sels[0]); k++)
		ldesc(sels[k]);

	puts("== stores");
	__asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(g), "=m"(i));
	__asm__ volatile("sldt %0\n\tstr %1\n\tsmsw %2" : "=m"(ldtr), "=m"(tr), "=m"(msw));
	printf("  sgdt: limit=%04x base%s\n", g.limit, g.base == (uint32_t)gdt ? "=gdt" : "!=gdt");
	printf("  sidt: limit=%04x base%s\n", i.limit, i.base == (uint32_t)idt ? "=idt" : "!=idt");
	printf("  sldt=%04x str=%04x smsw=%04x\n", ldtr, tr, msw);
	a = 0xdeadbeef;
	__asm__ volatile("sldt %%eax\n\t" : "+a"(a));
	b = 0xdeadbeef;
	__asm__ volatile("str %%eax\n\t" : "+a"(b));
	printf("  sldt r32=%08x str r32=%08x\n", a, b);

	puts("== ARPL");
	a = 0x10;
	__asm__ volatile("arpl %w2, %w0\n\tsetz %b1\n\tmovzbl %b1, %1"
			 : "+r"(a), "=q"(zf) : "r"(0x1bu) : "cc");
	printf("  arpl(0x0010, 0x001b) = %04x ZF=%u\n", a & 0xffff, zf);
	a = 0x23;
	__asm__ volatile("arpl %w2, %w0\n\tsetz %b1\n\tmovzbl %b1, %1"
			 : "+r"(a), "=q"(zf) : "r"(0x08u) : "cc");
	printf("  arpl(0x0023, 0x0008) = %04x ZF=%u\n", a & 0xffff, zf);
}

int main(const char *cmdline)
{
	sys_init();
	set_seg(SEL_CODE16 >> 3, (uint32_t)code16_start, 0xffff, ACC_CODE0, 0);
	set_seg(SEL_EXPDOWN >> 3, (uint32_t)buf,
		0xfff, 0x96, FL_DB);
	set_seg(SEL_SMALL >> 3, (uint32_t)buf, 0xff, ACC_DATA0, FL_DB);
	set_seg(SEL_RO >> 3, 0, 0xfffff, 0x90, FL_G | FL_DB);
	set_seg(SEL_NP >> 3, 0, 0xfffff, 0x12, FL_G | FL_DB);
	set_seg(SEL_XONLY >> 3, 0, 0xfffff, 0x98, FL_G | FL_DB);
	set_seg(SEL_LDT >> 3, (uint32_t)ldt, sizeof(ldt) - 1, 0x82, 0);
	set_seg(SEL_STACK4M >> 3, 0, 0x3ff, ACC_DATA0, FL_G | FL_DB);
	set_seg(SEL_CONF3 >> 3, 0, 0xfffff, 0xfe, FL_G | FL_DB);
	ldt[1] = gdt[KDATA >> 3];
	__asm__ volatile("lldt %w0" : : "r"(SEL_LDT));
	idt[0x41].type = 0x0e;			/* interrupt gate, P=0 */
	idt[0x42].type = 0x80;			/* P=1, reserved type 0 */
	idt[0x43].sel = KDATA;
	puts("sys_pmode: GDT, IDT, TSS and LDT loaded");

	test_faults();
	test_segments();
	if (strchr(cmdline, ' ') && !strcmp(strchr(cmdline, ' ') + 1, "limits"))
		test_limits();
	test_gates();
	test_code16();
	test_descriptors();
	test_msrs();
	puts("sys_pmode: done");
	return 0;
}
