/*
 * pvops.c - the out-of-line half of the pv ops (pvops.h): detection of
 * bt86's ABI, the shared page, the MMU batch queue, the console hypercall.
 */
#include "demo.h"

struct bt86_shared pv_shared __attribute__((aligned(4096)));

#ifdef DEMO_PV
int pv_on;
int pv_pte_direct;	/* "pvmmu=direct": PTEs by plain stores, only the TLB in batches */

static struct bt86_mmu_op mmu_ops[BT86_MMU_MAX];
static uint32_t mmu_n;

void pv_init(void)
{
	uint32_t r[4];

	if (!cpu_features())	/* no CPUID */
		return;
	cpuid(1, r);
	if (!(r[2] & (1u << 31)))	/* no hypervisor at all */
		return;
	cpuid(0x40000000, r);
	if (r[0] < 0x40000001 || memcmp(&r[1], "bt86", 4) || r[2] != r[1] || r[3] != r[1])
		return;
	cpuid(0x40000001, r);
	if ((r[0] & 0xff) != 0xff)	/* every call this OS uses */
		return;
	/* Masked until timer_init() sets EFLAGS.IF and vif together. */
	pv_shared.vif = 0;
	if (hypercall(BT86_HC_SHARED_PAGE, (uint32_t)&pv_shared | 1, 0, 0) != 0)
		return;
	pv_on = 1;
}

void mmu_commit(void)
{
	int32_t r;

	if (!mmu_n)
		return;
	r = hypercall(BT86_HC_MMU_BATCH, (uint32_t)mmu_ops, mmu_n, 0);
	if (r != (int32_t)mmu_n) {
		kprintf("*** BT86_HC_MMU_BATCH of %u ops: %d\n", mmu_n, (int)r);
		halt_forever();
	}
	mmu_n = 0;
}

static void mmu_queue(uint32_t op, uint32_t addr, uint32_t lo)
{
	if (mmu_n == BT86_MMU_MAX)
		mmu_commit();
	mmu_ops[mmu_n++] = (struct bt86_mmu_op){ op, addr, lo, 0 };
}

void mmu_set_pte(uint32_t *pte, uint32_t v)
{
	/* bt86 does not trap stores to page tables (its soft MMU walks
	 * them on a TLB miss), so a plain store is correct there too; the
	 * batch is the ABI's way, and what a hypervisor that write-protects
	 * guest page tables (Xen) requires.  pvmmu=direct measures both. */
	if (pv_on && !pv_pte_direct)	/* the tables are identity-mapped: VA = PA */
		mmu_queue(BT86_MMU_PTE32, (uint32_t)pte, v);
	else
		*pte = v;
}

void mmu_invlpg(uint32_t va)
{
	if (pv_on)
		mmu_queue(BT86_MMU_INVLPG, va, 0);
	else
		__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void mmu_load_cr3(uint32_t pd)
{
	if (pv_on)
		mmu_queue(BT86_MMU_NEW_CR3, 0, pd);
	else
		__asm__ volatile("movl %0, %%cr3" : : "r"(pd) : "memory");
}

void pv_console_write(const char *s, size_t n)
{
	while (n) {
		size_t k = n > 4096 ? 4096 : n;

		hypercall(BT86_HC_CONSOLE_WRITE, (uint32_t)s, k, 0);
		s += k;
		n -= k;
	}
}
#else
void pv_init(void)
{
}

void mmu_set_pte(uint32_t *pte, uint32_t v)
{
	*pte = v;
}

void mmu_invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void mmu_load_cr3(uint32_t pd)
{
	__asm__ volatile("movl %0, %%cr3" : : "r"(pd) : "memory");
}

void pv_console_write(const char *s, size_t n)
{
	(void)s;
	(void)n;
}
#endif
