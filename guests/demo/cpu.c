/*
 * cpu.c - the demo OS's processor and board setup: a flat GDT with ring 0
 * and ring 3 segments and a TSS, an IDT (exceptions, 16 IRQs, INT 0x80 open
 * to ring 3, vector 0x30 for the paravirtual timer), the 8259 PICs remapped to 0x20/0x28, the PIT at HZ, the TSC
 * calibrated against it, and trap() where every stub of isr.S lands.
 *
 * An exception nobody claims prints what happened and halts the machine.
 */
#include "demo.h"

struct seg_desc {
	uint16_t limit_lo, base_lo;
	uint8_t base_mid, access, flags_limit_hi, base_hi;
} __attribute__((packed));

struct gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

struct dtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
} __attribute__((packed));

static struct seg_desc gdt[6] __attribute__((aligned(8)));
static struct gate idt[256] __attribute__((aligned(8)));
static struct tss tss __attribute__((aligned(128)));
static uint8_t kernel_stack[16384] __attribute__((aligned(16)));	/* ring 3 -> 0 */
static uint8_t sysenter_stack[1024] __attribute__((aligned(16)));

static int (*trap_handlers[256])(struct frame *f);
static void (*irq_handlers[16])(void);

extern char isr_base[], isr_syscall[], back_to_kernel[];
void trap(struct frame *f);

static void set_seg(int slot, uint32_t base, uint32_t limit, uint8_t access,
		    uint8_t flags)
{
	struct seg_desc *d = &gdt[slot];

	d->limit_lo = limit & 0xffff;
	d->base_lo = base & 0xffff;
	d->base_mid = (base >> 16) & 0xff;
	d->access = access;
	d->flags_limit_hi = (uint8_t)(flags << 4 | ((limit >> 16) & 0xf));
	d->base_hi = base >> 24;
}

static void set_gate(int vec, void *handler, uint8_t type)
{
	uint32_t off = (uint32_t)handler;

	idt[vec].off_lo = off & 0xffff;
	idt[vec].sel = KCODE;
	idt[vec].zero = 0;
	idt[vec].type = type;
	idt[vec].off_hi = off >> 16;
}

static void load_tables(void)
{
	struct dtr d;

	/* Access bytes: present, DPL, code/data, accessed already (0x9b...). */
	set_seg(1, 0, 0xfffff, 0x9b, 0xc);	/* ring 0 code, 4 KiB granular, 32-bit */
	set_seg(2, 0, 0xfffff, 0x93, 0xc);	/* ring 0 data */
	set_seg(3, 0, 0xfffff, 0xfb, 0xc);	/* ring 3 code */
	set_seg(4, 0, 0xfffff, 0xf3, 0xc);	/* ring 3 data */
	set_seg(5, (uint32_t)&tss, sizeof(tss) - 1, 0x89, 0);	/* 32-bit TSS */
	d.limit = sizeof(gdt) - 1;
	d.base = (uint32_t)gdt;
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "movl %%eax, %%ss"
			 : : "m"(d), "i"(KCODE), "i"(KDATA) : "eax", "memory");

	/* Interrupt gates (0x8e): handlers run with IF=0. */
	for (int v = 0; v < 49; v++)	/* exceptions, IRQs, PV_TIMER_VEC */
		set_gate(v, isr_base + 16 * v, 0x8e);
	set_gate(0x80, isr_syscall, 0xee);	/* DPL 3: INT 0x80 from ring 3 */
	d.limit = sizeof(idt) - 1;
	d.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d) : "memory");

	tss.esp0 = (uint32_t)(kernel_stack + sizeof(kernel_stack));
	tss.ss0 = KDATA;
	tss.iomap = sizeof(tss);	/* no I/O bitmap: ring 3 has no ports */
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL) : "memory");
}

/* Has the CPU the CPUID instruction (can EFLAGS.ID be toggled)? */
static int have_cpuid(void)
{
	uint32_t a, b;

	__asm__ volatile("pushfl\n\t"
			 "popl %0\n\t"
			 "movl %0, %1\n\t"
			 "xorl $0x200000, %0\n\t"
			 "pushl %0\n\t"
			 "popfl\n\t"
			 "pushfl\n\t"
			 "popl %0\n\t"
			 "pushl %1\n\t"
			 "popfl"
			 : "=&r"(a), "=&r"(b) : : "cc");
	return ((a ^ b) & 0x200000) != 0;
}

uint32_t cpu_features(void)
{
	static int known;
	static uint32_t edx;
	uint32_t r[4];

	if (!known) {
		known = 1;
		if (have_cpuid()) {
			cpuid(0, r);
			if (r[0] >= 1) {
				cpuid(1, r);
				edx = r[3];
			}
		}
	}
	return edx;
}

/* ------------------------------------------------------------ 8259 PIC */

#define PIC1		0x20
#define PIC2		0xa0
#define PIC_EOI		0x20

static void pic_init(void)
{
	outb(PIC1, 0x11);		/* ICW1: edge, cascade, ICW4 follows */
	outb(PIC2, 0x11);
	outb(PIC1 + 1, 0x20);		/* ICW2: vectors 0x20-0x27 */
	outb(PIC2 + 1, 0x28);		/*       and 0x28-0x2f */
	outb(PIC1 + 1, 0x04);		/* ICW3: slave on IRQ 2 */
	outb(PIC2 + 1, 0x02);
	outb(PIC1 + 1, 0x01);		/* ICW4: 8086 mode */
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, 0xfb);		/* all masked but the cascade */
	outb(PIC2 + 1, 0xff);
}

static void pic_unmask(int irq)
{
	uint16_t port = irq < 8 ? PIC1 + 1 : PIC2 + 1;

	outb(port, inb(port) & ~(1 << (irq & 7)));
}

/* In-service register of one PIC (OCW3 read ISR). */
static uint8_t pic_isr(uint16_t pic)
{
	outb(pic, 0x0b);
	return inb(pic);
}

void irq_set_handler(int irq, void (*fn)(void))
{
	irq_handlers[irq] = fn;
	pic_unmask(irq);
}

static void irq_dispatch(int irq)
{
	/* IRQ 7 and 15 may be spurious: then the PIC has nothing in service
	 * and wants no EOI (but the master does for a spurious 15). */
	if (irq == 7 && !(pic_isr(PIC1) & 0x80))
		return;
	if (irq == 15 && !(pic_isr(PIC2) & 0x80)) {
		outb(PIC1, PIC_EOI);
		return;
	}
	if (irq_handlers[irq])
		irq_handlers[irq]();
	if (irq >= 8)
		outb(PIC2, PIC_EOI);
	outb(PIC1, PIC_EOI);
}

/* ------------------------------------------------------------ traps */

void trap_set_handler(int vec, int (*fn)(struct frame *f))
{
	trap_handlers[vec] = fn;
}

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"BOUND range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved 15", "x87 FPU error", "alignment check",
	"machine check", "SIMD FP exception",
};

static const char *const exception_mnemonics[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09",
	"#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
};

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* An exception (or INT n) nobody handles: say what and where, and stop. */
static void __attribute__((noreturn)) die(struct frame *f)
{
	uint32_t cr0, cr2, cr3, cr4;
	const char *name = f->vec < 32 ? exception_names[f->vec] : NULL;
	const char *mn = f->vec < 32 ? exception_mnemonics[f->vec] : NULL;

	__asm__ volatile("movl %%cr0, %0; movl %%cr2, %1; movl %%cr3, %2; movl %%cr4, %3"
			 : "=r"(cr0), "=r"(cr2), "=r"(cr3), "=r"(cr4));
	console_color(0x4f);
	kprintf("\n*** unhandled exception %u %s (%s) in ring %u\n", f->vec,
		mn ? mn : "", name ? name : "interrupt", f->cs & 3);
	console_color(0x0c);
	kprintf("    error code %08x  EIP %04x:%08x  EFLAGS %08x\n",
		f->err, f->cs, f->eip, f->eflags);
	if (f->vec == 14)
		kprintf("    CR2 %08x: %s %s in %s mode, %s\n", cr2,
			f->err & 2 ? "write" : "read",
			f->err & 1 ? "protection violation" : "page not present",
			f->err & 4 ? "user" : "supervisor",
			f->err & 16 ? "instruction fetch" : "data access");
	kprintf("    EAX %08x EBX %08x ECX %08x EDX %08x\n", f->eax, f->ebx, f->ecx, f->edx);
	kprintf("    ESI %08x EDI %08x EBP %08x ESP %08x\n", f->esi, f->edi, f->ebp,
		(f->cs & 3) ? f->uesp : (uint32_t)&f->uesp);
	kprintf("    CR0 %08x CR3 %08x CR4 %08x  DS %04x ES %04x\n", cr0, cr3, cr4,
		f->ds & 0xffff, f->es & 0xffff);
	kprintf("*** system halted\n");
	halt_forever();
}

void trap(struct frame *f)
{
	if (f->vec >= 0x20 && f->vec < 0x30) {
		irq_dispatch(f->vec - 0x20);
		return;
	}
	if (f->vec == PV_TIMER_VEC && pv_on) {	/* no PIC: nothing to acknowledge */
		timer_pv_irq();
		return;
	}
	if (trap_handlers[f->vec] && trap_handlers[f->vec](f))
		return;
	die(f);
}

/* INT 0x80 from ring 3: EAX 0 = back to the kernel, EAX 1 = null call
 * (returns EAX + 1). */
static int syscall_trap(struct frame *f)
{
	if (f->eax == 0 && (f->cs & 3)) {
		f->eip = (uint32_t)back_to_kernel;
		f->cs = KCODE;
		f->eflags = 0x2;
		return 1;
	}
	if (f->eax == 1) {
		f->eax++;
		return 1;
	}
	return 0;
}

void cpu_init(void)
{
	load_tables();
	pic_init();
	trap_set_handler(0x80, syscall_trap);
	if (cpu_features() & CPUID_SEP) {
		wrmsr(0x174, KCODE);					/* SYSENTER_CS */
		wrmsr(0x175, (uint32_t)(sysenter_stack + sizeof(sysenter_stack)));
		wrmsr(0x176, (uint32_t)sysenter_entry);			/* SYSENTER_EIP */
	}
}

/* ------------------------------------------------------------ cpuid command */

static const char *const edx_flags[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
	NULL, "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "psn",
	"clflush", NULL, "ds", "acpi", "mmx", "fxsr", "sse", "sse2", "ss",
	"htt", "tm", "ia64", "pbe",
};

static const char *const ecx_flags[32] = {
	"sse3", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est",
	"tm2", "ssse3", "cnxt-id", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL,
	"pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
	"tsc-deadline", "aes", "xsave", "osxsave", "avx", "f16c", "rdrand",
	"hypervisor",
};

static void print_flags(const char *what, uint32_t v, const char *const names[32])
{
	int col = 10;

	kprintf("  %-8s", what);
	if (!v)
		kprintf(" -");
	for (int i = 0; i < 32; i++) {
		if (!(v & (1u << i)) || !names[i])
			continue;
		if (col + strlen(names[i]) + 1 > 78) {
			kprintf("\n          ");
			col = 10;
		}
		col += kprintf(" %s", names[i]);
	}
	kprintf("\n");
}

void cmd_cpuid(void)
{
	uint32_t r[4], max, ext, fam, model, brand[13];
	char vendor[13];

	if (!have_cpuid()) {
		kprintf("no CPUID instruction (EFLAGS.ID is stuck)\n");
		return;
	}
	cpuid(0, r);
	max = r[0];
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	kprintf("  vendor   %s, max leaf %u\n", vendor, max);
	cpuid(0x80000000, r);
	ext = r[0];
	if (ext >= 0x80000004 && ext < 0x8000ffff) {
		cpuid(0x80000002, brand);
		cpuid(0x80000003, brand + 4);
		cpuid(0x80000004, brand + 8);
		brand[12] = 0;
		const char *b = (const char *)brand;
		while (*b == ' ')
			b++;
		kprintf("  brand    %s\n", b);
	}
	if (max < 1)
		return;
	cpuid(1, r);
	fam = (r[0] >> 8) & 0xf;
	model = (r[0] >> 4) & 0xf;
	if (fam == 0xf)
		fam += (r[0] >> 20) & 0xff;
	if (fam == 0x6 || fam >= 0xf)
		model |= (r[0] >> 12) & 0xf0;
	kprintf("  family   %u, model %u, stepping %u (signature %08x)\n", fam, model,
		r[0] & 0xf, r[0]);
	print_flags("edx", r[3], edx_flags);
	print_flags("ecx", r[2], ecx_flags);
	if (tsc_khz)
		kprintf("  TSC      %u.%03u MHz (measured against the PIT)\n",
			tsc_khz / 1000, tsc_khz % 1000);
}
