/*
 * fork.c - the page-table workload: what fork() and exit() do to a
 * process's address space, with copy-on-write.
 *
 * A "process" owns USER_PAGES pages at USER_BASE, mapped by one page table
 * under its own page directory (the kernel's entries copied in).  Each
 * round, as a Unix kernel does:
 *   fork    copy the page directory and the page table, write-protecting
 *           every page in both (a share count per frame), flush the
 *           parent's TLB (MOV CR3 again), switch to the child (MOV CR3);
 *   child   write CHILD_WRITES pages: each a copy-on-write fault (copy the
 *           frame, make the PTE private and writable, INVLPG), then read
 *           every page into a checksum;
 *   exit    switch back to the parent, free the child's frames and tables;
 *   parent  write one page: a fault that finds the frame no longer shared
 *           and only makes it writable again.
 * The paravirtual build does the same work, but every PTE write, INVLPG
 * and CR3 load goes into one BT86_HC_MMU_BATCH per step (pvops.h).
 *
 * The checksum covers what the child read and the parent's pages at the
 * end, so both builds (and QEMU) must print the same.
 */
#include "demo.h"

#define USER_BASE	0x80000000u
#define USER_PAGES	32
#define CHILD_WRITES	8
#define POOL		(USER_PAGES * 3 + 8)	/* frames and tables */

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_U		0x004

static uint8_t pool[POOL][4096] __attribute__((aligned(4096)));
static uint8_t share[POOL];	/* page-table entries pointing at the frame */
static uint16_t free_list[POOL];
static uint32_t free_n;
static uint32_t *cur_pt;	/* the running process's table, while the workload runs */
static uint32_t cow_copies, cow_reuses;

static void pool_init(void)
{
	free_n = 0;
	for (uint32_t i = POOL; i-- > 0;)
		free_list[free_n++] = (uint16_t)i;
}

static void *frame_alloc(void)
{
	uint32_t i;

	if (!free_n) {
		kprintf("*** fork: out of frames\n");
		halt_forever();
	}
	i = free_list[--free_n];
	share[i] = 1;
	return pool[i];
}

static uint32_t frame_index(uint32_t pa)
{
	return (pa - (uint32_t)pool) >> 12;
}

static void frame_put(uint32_t pa)
{
	uint32_t i = frame_index(pa);

	if (--share[i] == 0)
		free_list[free_n++] = (uint16_t)i;
}

/* Whole pages as a kernel copies and clears them: one string instruction. */
static void page_copy(void *dst, const void *src)
{
	uint32_t n = 1024;

	__asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static void page_zero(void *dst)
{
	uint32_t n = 1024;

	__asm__ volatile("rep stosl" : "+D"(dst), "+c"(n) : "a"(0) : "memory");
}

static uint32_t *pt_of(uint32_t *pd)
{
	return (uint32_t *)(pd[USER_BASE >> 22] & ~0xfffu);
}

/* A new address space: the kernel's mappings, and an empty user table. */
static uint32_t *space_new(void)
{
	uint32_t *pd = frame_alloc(), *pt = frame_alloc();

	page_copy(pd, page_dir);
	page_zero(pt);
	pd[USER_BASE >> 22] = (uint32_t)pt | PTE_P | PTE_W | PTE_U;
	return pd;
}

static uint32_t *fork_space(uint32_t *parent)
{
	uint32_t *child = space_new(), *ppt = pt_of(parent), *cpt = pt_of(child);

	for (uint32_t j = 0; j < USER_PAGES; j++) {
		uint32_t v = ppt[j];

		if (!(v & PTE_P))
			continue;
		v &= ~PTE_W;
		mmu_set_pte(&ppt[j], v);
		mmu_set_pte(&cpt[j], v);
		share[frame_index(v & ~0xfffu)]++;
	}
	mmu_load_cr3((uint32_t)parent);	/* the parent's writable entries go */
	return child;
}

static void space_free(uint32_t *pd)
{
	uint32_t *pt = pt_of(pd);

	for (uint32_t j = 0; j < USER_PAGES; j++)
		if (pt[j] & PTE_P)
			frame_put(pt[j] & ~0xfffu);
	frame_put((uint32_t)pt);
	frame_put((uint32_t)pd);
}

static void switch_to(uint32_t *pd)
{
	cur_pt = pt_of(pd);
	mmu_load_cr3((uint32_t)pd);
	mmu_commit();
}

/* The write fault on a present, write-protected user page. */
int cow_fault(uint32_t va, uint32_t err)
{
	uint32_t j = (va - USER_BASE) >> 12, v, pa;

	if (!cur_pt || va - USER_BASE >= USER_PAGES * 4096u || (err & 3) != 3)
		return 0;
	v = cur_pt[j];
	pa = v & ~0xfffu;
	if (share[frame_index(pa)] > 1) {
		void *copy = frame_alloc();

		page_copy(copy, (void *)pa);
		frame_put(pa);
		pa = (uint32_t)copy;
		cow_copies++;
	} else {
		cow_reuses++;
	}
	mmu_set_pte(&cur_pt[j], pa | (v & 0xfff) | PTE_W);
	mmu_invlpg(va & ~0xfffu);
	mmu_commit();
	return 1;
}

static inline volatile uint32_t *user_word(uint32_t page, uint32_t word)
{
	return (volatile uint32_t *)(USER_BASE + page * 4096 + (word & 1023) * 4);
}

void cmd_fork(uint32_t n)
{
	struct meter m;
	uint32_t *parent, *child, sum = 0, free_before;

	pool_init();
	free_before = free_n;
	cow_copies = cow_reuses = 0;
	parent = space_new();
	for (uint32_t j = 0; j < USER_PAGES; j++) {
		uint32_t *f = frame_alloc();

		for (uint32_t w = 0; w < 1024; w++)
			f[w] = j * 0x10001u + w;
		mmu_set_pte(&pt_of(parent)[j], (uint32_t)f | PTE_P | PTE_W | PTE_U);
	}
	switch_to(parent);

	meter_start(&m);
	for (uint32_t i = 0; i < n; i++) {
		child = fork_space(parent);
		switch_to(child);
		for (uint32_t k = 0; k < CHILD_WRITES; k++)
			*user_word((i + k * 5) % USER_PAGES, i + k) += i ^ k;
		for (uint32_t j = 0; j < USER_PAGES; j++)
			sum = (sum << 1 | sum >> 31) ^ *user_word(j, i + j);
		switch_to(parent);
		space_free(child);
		*user_word(i % USER_PAGES, i * 3) += 1;
	}
	meter_report(&m, "fork", n, "fork");

	for (uint32_t j = 0; j < USER_PAGES; j++)
		sum = crc32((const void *)(USER_BASE + j * 4096), 4096, sum);
	mmu_load_cr3((uint32_t)page_dir);
	mmu_commit();
	cur_pt = NULL;
	space_free(parent);
	kprintf("  %u copy-on-write copies, %u reuses, %u frames leaked\n", cow_copies,
		cow_reuses, free_before - free_n);
	kprintf("  fork check: %08x\n", sum);
}
