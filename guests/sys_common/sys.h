/*
 * sys.h - shared system-level scaffolding for the sys_* guests (header only:
 * each guest is one C file that includes this once).
 *
 * Provides: a GDT (flat ring 0 and ring 3 code/data, a TSS, spare slots for
 * each guest), an IDT whose 256 stubs all land in trap(), a TSS with ESP0 and
 * an I/O permission bitmap, "probes" that run one instruction expecting a
 * fault and report the vector, error code and faulting EIP relative to the
 * probe, ring 3 entry through IRET and a small INT 0x80 system call interface.
 */
#ifndef SYS_H
#define SYS_H

#include "guest.h"

#define KCODE	0x08
#define KDATA	0x10
#define UCODE	0x1b	/* GDT slot 3, RPL 3 */
#define UDATA	0x23	/* GDT slot 4, RPL 3 */
#define TSS_SEL	0x28	/* GDT slot 5 */
#define FIRST_FREE_SLOT 6

/* Access bytes */
#define ACC_CODE0	0x9a	/* present, DPL0, code, readable */
#define ACC_DATA0	0x92	/* present, DPL0, data, writable */
#define ACC_CODE3	0xfa
#define ACC_DATA3	0xf2
#define ACC_TSS		0x89	/* present, DPL0, available 32-bit TSS */
/* Flags nibble (byte 6, high half) */
#define FL_G		0x8
#define FL_DB		0x4

struct seg_desc {
	uint16_t limit_lo, base_lo;
	uint8_t base_mid, access, gran, base_hi;
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
	uint16_t link, r0;
	uint32_t esp0;
	uint16_t ss0, r1;
	uint32_t esp1;
	uint16_t ss1, r2;
	uint32_t esp2;
	uint16_t ss2, r3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
	uint16_t trap, iomap;
} __attribute__((packed));

/* The TSS followed by its I/O permission bitmap and the final 0xff byte. */
struct tss_io {
	struct tss t;
	uint8_t iomap[8192 + 1];
} __attribute__((packed));

/* What the stubs push, lowest address first. */
struct frame {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
	uint32_t vec, err;
	uint32_t eip, cs, eflags;
	uint32_t uesp, uss;	/* only when coming from ring 3 */
};

#define GDT_SLOTS 32
struct seg_desc gdt[GDT_SLOTS] __attribute__((aligned(8)));
struct gate idt[256] __attribute__((aligned(8)));
struct tss_io tss __attribute__((aligned(128)));
uint8_t kstack[16384] __attribute__((aligned(16)));	/* ring 0 stack for traps from ring 3 */
uint8_t ustack[8192] __attribute__((aligned(16)));	/* ring 3 stack */

/* Probe state, touched from inline asm (hence global, not static). */
volatile uint32_t probe_start, probe_fixup, probe_hits;
volatile uint32_t probe_vec, probe_err, probe_off;
uint32_t kernel_saved_esp;

/* A guest may claim a trap first: return 1 when handled. */
int (*trap_hook)(struct frame *f);

static const char *const vec_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#28", "#29", "#30", "#31",
};

static inline int vec_has_err(uint32_t v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 ||
	       v == 29 || v == 30;
}

static void print_vec(uint32_t v)
{
	if (v < 32)
		printf("%s", vec_names[v]);
	else
		printf("INT%02x", v);
}

static void set_seg(int slot, uint32_t base, uint32_t limit, uint8_t access,
		    uint8_t flags)
{
	struct seg_desc *d = &gdt[slot];

	/* Code and data descriptors start out accessed: QEMU does not set the
	 * bit on every load (e.g. CS by a far call), real CPUs do. */
	if (access & 0x10)
		access |= 1;

	d->limit_lo = limit & 0xffff;
	d->base_lo = base & 0xffff;
	d->base_mid = (base >> 16) & 0xff;
	d->access = access;
	d->gran = (uint8_t)((flags << 4) | ((limit >> 16) & 0xf));
	d->base_hi = base >> 24;
}

static void set_gate(int vec, uint32_t off, uint16_t sel, uint8_t type)
{
	idt[vec].off_lo = off & 0xffff;
	idt[vec].sel = sel;
	idt[vec].zero = 0;
	idt[vec].type = type;
	idt[vec].off_hi = off >> 16;
}

/* 256 stubs of 16 bytes each, the ones without error code pushing a 0. */
__asm__(
	".text\n"
	".p2align 4\n"
	".globl isr_stubs\n"
	"isr_stubs:\n"
	".set vec, 0\n"
	".rept 256\n"
	".p2align 4\n"
	".if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)\n"
	"  pushl $vec\n"
	".else\n"
	"  pushl $0\n"
	"  pushl $vec\n"
	".endif\n"
	"  jmp isr_common\n"
	".set vec, vec + 1\n"
	".endr\n"
	"isr_common:\n"
	"  pushal\n"
	"  pushl %ds\n"
	"  pushl %es\n"
	"  pushl %fs\n"
	"  pushl %gs\n"
	"  movl $0x10, %eax\n"
	"  movl %eax, %ds\n"
	"  movl %eax, %es\n"
	"  movl %eax, %fs\n"
	"  movl %eax, %gs\n"
	"  cld\n"
	"  pushl %esp\n"
	"  call trap\n"
	"  addl $4, %esp\n"
	"  popl %gs\n"
	"  popl %fs\n"
	"  popl %es\n"
	"  popl %ds\n"
	"  popal\n"
	"  addl $8, %esp\n"
	"  iretl\n"

	/* enter_user(fn, user_esp, eflags): IRET to ring 3; returns when the
	 * ring 3 code makes system call 0 (SYS_EXIT). */
	".globl enter_user\n"
	"enter_user:\n"
	"  pushl %ebp\n"
	"  pushl %ebx\n"
	"  pushl %esi\n"
	"  pushl %edi\n"
	"  movl %esp, kernel_saved_esp\n"
	"  movl 20(%esp), %eax\n"
	"  movl 24(%esp), %ecx\n"
	"  movl 28(%esp), %edx\n"
	"  pushl $0x23\n"
	"  pushl %ecx\n"
	"  pushl %edx\n"
	"  pushl $0x1b\n"
	"  pushl %eax\n"
	"  movl $0x23, %ebx\n"
	"  movl %ebx, %ds\n"
	"  movl %ebx, %es\n"
	"  movl %ebx, %fs\n"
	"  movl %ebx, %gs\n"
	"  iretl\n"
	".globl back_to_kernel\n"
	"back_to_kernel:\n"
	"  movl $0x10, %eax\n"
	"  movl %eax, %ds\n"
	"  movl %eax, %es\n"
	"  movl %eax, %fs\n"
	"  movl %eax, %gs\n"
	"  movl %eax, %ss\n"
	"  movl kernel_saved_esp, %esp\n"
	"  popl %edi\n"
	"  popl %esi\n"
	"  popl %ebx\n"
	"  popl %ebp\n"
	"  ret\n");

extern char isr_stubs[], back_to_kernel[];
void enter_user(void (*fn)(void), uint32_t user_esp, uint32_t eflags);

/*
 * PROBE(asm, operands...): run asm with a fault expected. A fault inside it
 * is reported by trap() and execution resumes after it. PROBE_R also runs
 * restore afterwards, fault or not (e.g. to reload DS before the probe
 * state, addressed through DS, is cleared). Labels 8 and 9 are taken.
 */
#define PROBE_R(body, restore, ...)                                           \
	__asm__ volatile("movl $8f, probe_start\n\t"                          \
			 "movl $9f, probe_fixup\n"                            \
			 "8:\n\t" body "\n"                                   \
			 "9:\n\t" restore "\n\t"                              \
			 "movl $0, probe_fixup\n\t" __VA_ARGS__)
#define PROBE(body, ...) PROBE_R(body, "", __VA_ARGS__)

static int quiet_traps;	/* set: trap() records but does not print */

void trap(struct frame *f);
void trap(struct frame *f)
{
	if (trap_hook && trap_hook(f))
		return;

	/* System calls from ring 3: 0 exit to kernel, 1 printf(ebx, ecx, edx). */
	if (f->vec == 0x80) {
		if (f->eax == 0) {
			f->eip = (uint32_t)back_to_kernel;
			f->cs = KCODE;
			f->eflags = 0x2;
		} else if (f->eax == 1) {
			printf((const char *)f->ebx, f->ecx, f->edx);
		}
		return;
	}

	if (probe_fixup) {
		if (f->vec == 1)
			f->eflags &= ~0x100u;	/* stop single-stepping */
		probe_hits++;
		probe_vec = f->vec;
		probe_err = f->err;
		probe_off = f->eip - probe_start;
		if (!quiet_traps) {
			printf("  -> ");
			print_vec(f->vec);
			if (vec_has_err(f->vec))
				printf(" err=%04x", f->err);
			printf(" eip=+%u cpl=%u\n", f->eip - probe_start, f->cs & 3);
		}
		f->eip = probe_fixup;
		probe_fixup = 0;
		return;
	}

	printf("unexpected trap: ");
	print_vec(f->vec);
	printf(" err=%x eip=%x cs=%x eflags=%x\n", f->err, f->eip, f->cs, f->eflags);
	exit(3);
}

/* Report the outcome of a probe that did not fault. */
static __attribute__((unused)) void probe_begin(const char *what)
{
	printf("%s\n", what);
	probe_hits = 0;
}

static __attribute__((unused)) void probe_end(void)
{
	if (!probe_hits)
		printf("  -> no fault\n");
}

/* A dword read or write at va as a probe; a read that succeeds prints the value. */
static __attribute__((unused)) void read_probe(const char *what, uint32_t va)
{
	uint32_t v = 0xeeeeeeee;

	probe_begin(what);
	PROBE("movl (%1), %0", : "+r"(v) : "r"(va) : "memory");
	probe_end();
	if (!probe_hits)
		printf("  read %08x\n", v);
}

static __attribute__((unused)) void write_probe(const char *what, uint32_t va, uint32_t v)
{
	probe_begin(what);
	PROBE("movl %0, (%1)", : : "r"(v), "r"(va) : "memory");
	probe_end();
}

static inline void sys_printf(const char *fmt, uint32_t a, uint32_t b)
{
	__asm__ volatile("int $0x80" : : "a"(1), "b"(fmt), "c"(a), "d"(b) : "memory");
}

static inline void sys_exit(void)
{
	__asm__ volatile("int $0x80" : : "a"(0) : "memory");
}

/* The same for code running at CPL3, which prints through INT 0x80. */
#define U_BEGIN(s) do { sys_printf(s "\n", 0, 0); probe_hits = 0; } while (0)
#define U_END() do { if (!probe_hits) sys_printf("  -> no fault\n", 0, 0); } while (0)
#define U_PROBE(name, ...) do { U_BEGIN(name); PROBE(__VA_ARGS__); U_END(); } while (0)

/* Load our GDT, IDT and TSS; all IDT entries are DPL0 interrupt gates except
 * INT 0x80 (DPL3). */
static void sys_init(void)
{
	struct dtr d;

	set_seg(1, 0, 0xfffff, ACC_CODE0, FL_G | FL_DB);
	set_seg(2, 0, 0xfffff, ACC_DATA0, FL_G | FL_DB);
	set_seg(3, 0, 0xfffff, ACC_CODE3, FL_G | FL_DB);
	set_seg(4, 0, 0xfffff, ACC_DATA3, FL_G | FL_DB);
	set_seg(5, (uint32_t)&tss, sizeof(tss) - 1, ACC_TSS, 0);
	d.limit = sizeof(gdt) - 1;
	d.base = (uint32_t)gdt;
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp $0x08, $1f\n"
			 "1:\n\t"
			 "movl $0x10, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "movl %%eax, %%ss"
			 : : "m"(d) : "eax", "memory");

	for (int v = 0; v < 256; v++)
		set_gate(v, (uint32_t)isr_stubs + 16 * v, KCODE, 0x8e);
	set_gate(0x80, (uint32_t)isr_stubs + 16 * 0x80, KCODE, 0xee);
	d.limit = sizeof(idt) - 1;
	d.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d) : "memory");

	tss.t.esp0 = (uint32_t)(kstack + sizeof(kstack));
	tss.t.ss0 = KDATA;
	tss.t.iomap = sizeof(struct tss);
	memset(tss.iomap, 0xff, sizeof(tss.iomap));
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL) : "memory");
}

static inline uint32_t read_eflags(void)
{
	uint32_t f;

	__asm__ volatile("pushfl; popl %0" : "=r"(f));
	return f;
}

#define USER_STACK_TOP ((uint32_t)(ustack + sizeof(ustack)))

/* Control registers and INVLPG, as the paging tests use them. */
static inline uint32_t rd_cr(int n)
{
	uint32_t v = 0;

	switch (n) {
	case 0: __asm__ volatile("movl %%cr0, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("movl %%cr2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("movl %%cr3, %0" : "=r"(v)); break;
	case 4: __asm__ volatile("movl %%cr4, %0" : "=r"(v)); break;
	}
	return v;
}

#define wr_cr(n, v) __asm__ volatile("movl %0, %%cr" #n : : "r"(v) : "memory")

static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
