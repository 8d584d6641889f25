/*
 * mm.c - paging for the demo OS.
 *
 * The first 4 MiB are identity-mapped with 4 KiB pages, user-accessible so
 * that ring 3 code can run from the kernel image (a toy, not a security
 * model), except page 0, left unmapped to catch null pointers. With PSE the
 * next 60 MiB are identity-mapped with 4 MiB pages, kernel only.
 *
 * DEMAND_BASE starts 4 MiB of address space with no pages at all: the page
 * fault handler maps the faulting page to a frame and unmaps the page it
 * mapped before (INVLPG), so touching one new page after another faults
 * every time. That is the "pf" storm of bench.c.
 */
#include "demo.h"

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_U		0x004
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PDE_PS		0x080

#define CR0_WP		(1u << 16)
#define CR0_PG		(1u << 31)
#define CR4_PSE		(1u << 4)

#define FRAMES		16	/* frames the demand region cycles through */

uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t low_table[1024] __attribute__((aligned(4096)));
static uint32_t demand_table[1024] __attribute__((aligned(4096)));
static uint32_t mmio_table[1024] __attribute__((aligned(4096)));
static uint32_t mmio_base;	/* the 4 MiB mmio_table maps, or 0 */
static uint8_t frames[FRAMES][4096] __attribute__((aligned(4096)));

volatile uint32_t demand_faults;
static uint32_t demand_mapped;	/* the one page mapped now, or 0 */

static int pf_trap(struct frame *f)
{
	uint32_t cr2, va;

	__asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
	if (cow_fault(cr2, f->err))
		return 1;
	if (cr2 - DEMAND_BASE >= DEMAND_PAGES * 4096u || (f->err & PTE_P))
		return 0;	/* not ours: die() reports it */
	va = cr2 & ~0xfffu;
	if (demand_mapped) {
		mmu_set_pte(&demand_table[(demand_mapped - DEMAND_BASE) >> 12], 0);
		mmu_invlpg(demand_mapped);
	}
	mmu_set_pte(&demand_table[(va - DEMAND_BASE) >> 12],
		    (uint32_t)frames[demand_faults % FRAMES] | PTE_P | PTE_W);
	mmu_commit();
	demand_mapped = va;
	demand_faults++;
	return 1;
}

/* Unmap whatever the demand region holds and zero the fault count. */
void demand_reset(void)
{
	if (demand_mapped) {
		mmu_set_pte(&demand_table[(demand_mapped - DEMAND_BASE) >> 12], 0);
		mmu_invlpg(demand_mapped);
		mmu_commit();
		demand_mapped = 0;
	}
	demand_faults = 0;
}

void mm_init(void)
{
	uint32_t cr0, cr4;

	for (uint32_t i = 1; i < 1024; i++)
		low_table[i] = i << 12 | PTE_P | PTE_W | PTE_U;
	page_dir[0] = (uint32_t)low_table | PTE_P | PTE_W | PTE_U;
	if (cpu_features() & CPUID_PSE) {
		for (uint32_t i = 1; i < 16; i++)
			page_dir[i] = i << 22 | PDE_PS | PTE_P | PTE_W;
		__asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
		__asm__ volatile("movl %0, %%cr4" : : "r"(cr4 | CR4_PSE));
	}
	page_dir[DEMAND_BASE >> 22] = (uint32_t)demand_table | PTE_P | PTE_W;
	trap_set_handler(14, pf_trap);

	mmu_load_cr3((uint32_t)page_dir);
	mmu_commit();
	__asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | CR0_PG | CR0_WP) : "memory");
}

/* Map [pa, pa + size) uncached at the same address, for a PCI device's
 * registers (one 4 MiB region at most: enough for virtio's BAR). */
void mm_map_mmio(uint32_t pa, uint32_t size)
{
	uint32_t base = pa & ~0x3fffffu;

	if (mmio_base && mmio_base != base) {
		kprintf("  mm: a second MMIO region at 0x%08x: not mapped\n", pa);
		return;
	}
	if ((pa + size - 1) >> 22 != pa >> 22) {
		kprintf("  mm: MMIO 0x%08x+0x%x crosses 4 MiB: not mapped\n", pa, size);
		return;
	}
	mmio_base = base;
	for (uint32_t a = pa & ~0xfffu; a < pa + size; a += 4096)
		mmio_table[(a >> 12) & 1023] = a | PTE_PCD | PTE_PWT | PTE_P | PTE_W;
	page_dir[base >> 22] = (uint32_t)mmio_table | PTE_P | PTE_W;
	mmu_load_cr3((uint32_t)page_dir);	/* the new entries are the only change: flush */
	mmu_commit();
}
