/*
 * pv - bt86's own hypercall ABI (-cpu bt86,pv=on), every call, good and
 * bad: CPUID's leaves, version, console write, batched page-table updates,
 * the shared page with the virtual IF, halt, the one-shot timer, virtual
 * time, and a VMCALL from CPL 3.
 *
 * QEMU has no such interface, so expected.out is not QEMU's: each line is
 * what docs/paravirt.md says the call returns (the file "reference" says
 * bt86-abi, and the runner compares with no other emulator).  Values that
 * depend on time are not printed, only the relations the ABI promises.
 */
#include "../sys_common/sys.h"
#include "pv.h"

#define TIMER_VEC 0x40
#define TEST_VA 0x400000u	/* the first page of pt1's 4 MiB: mapped by batches */
#define NOT_RAM 0x7ffff000u	/* far above the guest's RAM */

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pd2[1024] __attribute__((aligned(4096)));
static uint32_t pt0[1024] __attribute__((aligned(4096)));
static uint32_t pt1[1024] __attribute__((aligned(4096)));
static char page_a[4096] __attribute__((aligned(4096))) = "AAAA";
static char page_b[4096] __attribute__((aligned(4096))) = "BBBB";
static struct bt86_shared shared __attribute__((aligned(4096)));
static uint64_t qword __attribute__((aligned(8)));
static struct bt86_mmu_op ops[BT86_MMU_MAX + 1];

static volatile uint32_t ticks;

static int timer_hook(struct frame *f)
{
	if (f->vec != TIMER_VEC)
		return 0;
	ticks++;
	return 1;
}

static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }

static inline uint32_t read_cr3(void)
{
	uint32_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static int32_t batch(uint32_t n)
{
	return hypercall(BT86_HC_MMU_BATCH, (uint32_t)ops, n, 0);
}

static struct bt86_mmu_op op(uint32_t o, uint32_t addr, uint32_t lo, uint32_t hi)
{
	return (struct bt86_mmu_op){ o, addr, lo, hi };
}

static int32_t timer_at(uint64_t t, uint32_t vec)
{
	return hypercall(BT86_HC_TIMER, (uint32_t)t, (uint32_t)(t >> 32), vec);
}

/* Spin, making hypercalls (each one a look by the run loop), until virtual
 * time passes t + 1 ms; 1 if cond became true first.  Under -icount (the
 * options file) that is a million instructions: bt86 has run its timers
 * many times over (every block budget, 20000). */
#define SPIN_UNTIL(cond, t)                                      \
	({                                                       \
		int ok_ = 0;                                     \
		while (pv_time() < (t) + 1000000ull)           \
			if (cond) {                              \
				ok_ = 1;                         \
				break;                           \
			}                                        \
		ok_;                                             \
	})

static void test_cpuid(void)
{
	uint32_t r[4];
	char sig[13];

	cpuid(1, r);
	printf("cpuid 1: hypervisor bit %u\n", r[2] >> 31);
	cpuid(0x40000000, r);
	memcpy(sig, &r[1], 12);
	sig[12] = 0;
	printf("cpuid 40000000: max leaf %x, signature %s\n", r[0], sig);
	cpuid(0x40000001, r);
	printf("cpuid 40000001: calls %x, version %u, mmu batch max %u, edx %x\n", r[0], r[1],
	       r[2], r[3]);
}

static void test_console(int paging)
{
	static const char msg[] = "console: written by BT86_HC_CONSOLE_WRITE\n";
	int32_t r;

	r = hypercall(BT86_HC_CONSOLE_WRITE, (uint32_t)msg, sizeof(msg) - 1, 0);
	printf("console write of %u bytes: %d\n", (unsigned)sizeof(msg) - 1, r);
	if (paging) {
		/* TEST_VA is mapped to page_a only while a batch says so: here it
		 * is not present. */
		printf("console write from a page not present: %d\n",
		       hypercall(BT86_HC_CONSOLE_WRITE, TEST_VA, 4, 0));
		printf("console write crossing into a page not present: %d\n",
		       hypercall(BT86_HC_CONSOLE_WRITE, TEST_VA - 2, 4, 0));
		return;
	}
	printf("console write of 0 bytes: %d\n", hypercall(BT86_HC_CONSOLE_WRITE, (uint32_t)msg, 0, 0));
	printf("console write of 4097 bytes: %d\n",
	       hypercall(BT86_HC_CONSOLE_WRITE, (uint32_t)msg, 4097, 0));
	printf("console write outside RAM: %d\n", hypercall(BT86_HC_CONSOLE_WRITE, NOT_RAM, 4, 0));
	printf("console write wrapping at 4 GiB: %d\n",
	       hypercall(BT86_HC_CONSOLE_WRITE, 0xfffffff0u, 32, 0));
}

static void test_time(void)
{
	uint64_t t0 = pv_time(), t1;

	for (volatile int i = 0; i < 1000; i++)
		;
	t1 = pv_time();
	printf("time: advances %s\n", t1 > t0 ? "yes" : "no");
}

static void paging_on(void)
{
	for (uint32_t i = 0; i < 1024; i++)
		pt0[i] = i << 12 | 7;
	pd[0] = (uint32_t)pt0 | 7;
	pd[1] = (uint32_t)pt1 | 7;
	for (uint32_t i = 0; i < 1024; i++)
		pd2[i] = pd[i];
	__asm__ volatile("mov %0, %%cr3\n\t"
			 "mov %%cr0, %%eax\n\t"
			 "or $0x80000000, %%eax\n\t"
			 "mov %%eax, %%cr0" : : "r"(pd) : "eax", "memory");
}

static void test_mmu(void)
{
	volatile uint32_t *va = (volatile uint32_t *)TEST_VA;
	int32_t r;

	ops[0] = op(BT86_MMU_PTE32, (uint32_t)&pt1[0], (uint32_t)page_a | 3, 0);
	ops[1] = op(BT86_MMU_INVLPG, TEST_VA, 0, 0);
	r = batch(2);
	printf("batch map %x -> page_a: %d, reads %.4s\n", TEST_VA, r, (const char *)va);
	ops[0].lo = (uint32_t)page_b | 3;
	r = batch(2);
	printf("batch remap -> page_b: %d, reads %.4s\n", r, (const char *)va);

	/* One bad entry: none is applied, the first (good) one included. */
	ops[0] = op(BT86_MMU_PTE32, (uint32_t)&pt1[0], (uint32_t)page_a | 3, 0);
	ops[1] = op(BT86_MMU_INVLPG, TEST_VA, 0, 0);
	ops[2] = op(BT86_MMU_PTE32, (uint32_t)&pt1[1] + 2, 0, 0);
	r = batch(3);
	/* The walk set the accessed bit (0x20) when TEST_VA was read. */
	printf("batch with a misaligned PTE: %d, PTE still page_b: %s\n", r,
	       (pt1[0] & ~0x60u) == ((uint32_t)page_b | 3) ? "yes" : "no");
	ops[0] = op(BT86_MMU_INVLPG, TEST_VA, 0, 0);
	r = batch(1);
	printf("invlpg alone: %d, reads %.4s\n", r, (const char *)va);

	ops[0] = op(BT86_MMU_PTE32, NOT_RAM, 0, 0);
	printf("PTE outside RAM: %d\n", batch(1));
	ops[0] = op(BT86_MMU_PTE32, (uint32_t)&pt1[1], 0, 1);
	printf("PTE32 with hi != 0: %d\n", batch(1));
	ops[0] = op(9, 0, 0, 0);
	printf("unknown op 9: %d\n", batch(1));
	ops[0] = op(BT86_MMU_INVLPG, TEST_VA, 1, 0);
	printf("invlpg with lo != 0: %d\n", batch(1));
	printf("count 0: %d\n", batch(0));
	printf("count %u: %d\n", BT86_MMU_MAX + 1, batch(BT86_MMU_MAX + 1));
	printf("list at a page not present: %d\n",
	       hypercall(BT86_HC_MMU_BATCH, TEST_VA + 0x1000, 1, 0));

	for (int i = 0; i < BT86_MMU_MAX; i++)
		ops[i] = op(BT86_MMU_INVLPG, TEST_VA + i * 0x1000u, 0, 0);
	printf("%u invlpgs: %d\n", BT86_MMU_MAX, batch(BT86_MMU_MAX));

	ops[0] = op(BT86_MMU_FLUSH, 0, 0, 0);
	printf("flush: %d\n", batch(1));
	ops[0] = op(BT86_MMU_NEW_CR3, 0, (uint32_t)pd2, 0);
	r = batch(1);
	printf("new cr3 = pd2: %d, cr3 is pd2: %s, reads %.4s\n", r,
	       read_cr3() == (uint32_t)pd2 ? "yes" : "no", (const char *)va);
	ops[0] = op(BT86_MMU_NEW_CR3, 0, NOT_RAM, 0);
	r = batch(1);
	printf("new cr3 outside RAM: %d, cr3 still pd2: %s\n", r,
	       read_cr3() == (uint32_t)pd2 ? "yes" : "no");
	ops[0] = op(BT86_MMU_NEW_CR3, 0, (uint32_t)pd, 0);
	printf("new cr3 = pd: %d\n", batch(1));

	ops[0] = op(BT86_MMU_PTE64, (uint32_t)&qword, 0x89abcdef, 0x01234567);
	r = batch(1);
	printf("PTE64: %d, qword %08x%08x\n", r, (uint32_t)(qword >> 32), (uint32_t)qword);
	ops[0] = op(BT86_MMU_PTE64, (uint32_t)&qword + 4, 0, 0);
	printf("PTE64 4-aligned only: %d\n", batch(1));

	/* Unmap TEST_VA again for the console test. */
	ops[0] = op(BT86_MMU_PTE32, (uint32_t)&pt1[0], 0, 0);
	ops[1] = op(BT86_MMU_INVLPG, TEST_VA, 0, 0);
	printf("unmap: %d\n", batch(2));
}

static void test_events(void)
{
	uint32_t pa = (uint32_t)&shared;
	uint32_t before, after;
	uint64_t t;
	int ok;
	int32_t r;

	printf("shared page without the enable bit: %d\n", hypercall(BT86_HC_SHARED_PAGE, pa, 0, 0));
	printf("shared page misaligned: %d\n", hypercall(BT86_HC_SHARED_PAGE, pa + 8 + 1, 0, 0));
	printf("shared page outside RAM: %d\n", hypercall(BT86_HC_SHARED_PAGE, NOT_RAM | 1, 0, 0));
	shared.vif = 0;
	shared.pending = 0xdead;
	r = hypercall(BT86_HC_SHARED_PAGE, pa | 1, 0, 0);
	printf("shared page registered: %d, pending cleared: %s\n", r,
	       shared.pending == 0 ? "yes" : "no");

	printf("timer vector 31: %d\n", timer_at(0, 31));
	printf("timer vector 256: %d\n", timer_at(0, 256));

	/* vif clear, EFLAGS.IF set: the timer expires but waits, pending says so. */
	sti();
	t = pv_time() + 100000;
	printf("timer in 100 us: %d\n", timer_at(t, TIMER_VEC));
	ok = SPIN_UNTIL(shared.pending & BT86_PENDING_IRQ, t);
	printf("vif=0: pending set %s, ticks %u\n", ok ? "yes" : "no", ticks);
	shared.vif = 1;
	r = hypercall(BT86_HC_EVENTS, 0, 0, 0);
	printf("events: %d, ticks right after %u, pending %u\n", r, ticks, shared.pending);

	/* vif set, EFLAGS.IF clear: the real flag masks too. */
	cli();
	t = pv_time() + 100000;
	timer_at(t, TIMER_VEC);
	before = ticks;
	SPIN_UNTIL(0, t);
	printf("IF=0 vif=1: ticks +%u after the deadline\n", ticks - before);
	/* A hypercall after STI: bt86 looks for interrupts when it returns. */
	sti();
	hypercall(BT86_HC_VERSION, 0, 0, 0);
	after = ticks;
	printf("after sti and a hypercall: ticks +%u\n", after - before);

	/* A deadline already past: delivered before the next instruction. */
	before = ticks;
	timer_at(0, TIMER_VEC);
	after = ticks;
	printf("deadline in the past: ticks +%u right after\n", after - before);

	/* Halt until the event; vif is set by the call. */
	shared.vif = 0;
	before = ticks;
	timer_at(pv_time() + 100000, TIMER_VEC);
	r = hypercall(BT86_HC_HALT, 0, 0, 0);
	printf("halt: %d, ticks +%u, vif %u\n", r, ticks - before, shared.vif);
	cli();
	printf("halt with IF=0: %d\n", hypercall(BT86_HC_HALT, 0, 0, 0));
	sti();

	/* Cancelled: never delivered. */
	before = ticks;
	t = pv_time() + 100000;
	timer_at(t, TIMER_VEC);
	printf("cancel: %d\n", timer_at(0, 0));
	SPIN_UNTIL(0, t);
	printf("cancelled timer: ticks +%u\n", ticks - before);

	/* Unregistered: vif no longer masks. */
	printf("shared page off: %d\n", hypercall(BT86_HC_SHARED_PAGE, 0, 0, 0));
	shared.vif = 0;
	before = ticks;
	timer_at(0, TIMER_VEC);
	after = ticks;
	printf("vif=0 ignored: ticks +%u\n", after - before);
	cli();
}

static void user_part(void)
{
	static const char msg[] = "must not appear\n";
	uint32_t a = BT86_HC_VERSION, b = 0;

	__asm__ volatile("vmcall" : "+a"(a), "+b"(b) : : "memory");
	sys_printf("CPL3 version: %d\n", a, 0);
	a = BT86_HC_CONSOLE_WRITE;
	b = (uint32_t)msg;
	__asm__ volatile("vmcall" : "+a"(a), "+b"(b) : "c"(sizeof(msg) - 1) : "memory");
	sys_printf("CPL3 console write: %d\n", a, 0);
	sys_exit();
}

int main(const char *cmdline)
{
	(void)cmdline;
	sys_init();
	trap_hook = timer_hook;
	outb(0x21, 0xff);	/* the PICs stay quiet: only the hypercall timer interrupts */
	outb(0xa1, 0xff);

	test_cpuid();
	printf("version: %d\n", hypercall(BT86_HC_VERSION, 0, 0, 0));
	printf("unknown 0x62740099: %d\n", hypercall(0x62740099, 0, 0, 0));
	printf("KVM's number 1 (kvm=off): %d\n", hypercall(1, 0, 0, 0));
	test_console(0);
	test_time();
	paging_on();
	test_console(1);
	test_mmu();
	test_events();
	enter_user(user_part, USER_STACK_TOP, 0x2);
	puts("done");
	return 0;
}
