/*
 * sys_pae - PAE paging (CR4.PAE): the three-level walk with 64-bit entries,
 * 2 MiB and 4 KiB pages, the NX bit once EFER.NXE is set (CPUID 0x80000001
 * EDX bit 20 says it exists; QEMU runs this guest with -cpu qemu32,+nx),
 * CR0.WP, accessed and dirty bits in 64-bit entries, and a PDPTE change
 * seen after a CR3 write.
 *
 * Not here, because QEMU 7.2 is no reference for them: a PDPTE changed in
 * memory without a CR3 write (the CPU keeps the old one in a register, SDM
 * vol. 3 4.4.1; QEMU and bt86 read the new one), and reserved bits (QEMU's
 * error code lacks the P bit that real CPUs set along with RSVD; bt86 does
 * not yet treat physical-address bits above 36 as reserved).
 *
 * Layout: PDPT[0] -> pd0: 0-8 MiB identity in 2 MiB pages, 8-10 MiB
 * through the 4 KiB table pt (test pages); PDPT[1] -> pd_a, then pd_b, each
 * mapping 1 GiB to a 2 MiB page, of physical 4 MiB or 6 MiB.
 */
#include "../sys_common/sys.h"

#define P	0x001ull
#define W	0x002ull
#define U	0x004ull
#define A	0x020ull
#define D	0x040ull
#define PS	0x080ull
#define NX	(1ull << 63)

#define V_PAGE	0x800000	/* pt[0]: page A, writable */
#define V_RO	0x801000	/* pt[1]: page A, read-only */
#define V_NXP	0x802000	/* pt[2]: page B, not executable */
#define V_XP	0x803000	/* pt[3]: page B, executable */
#define V_NP	0x805000	/* pt[5]: not present */
#define V_1G	0x40000000u

static volatile uint64_t pdpt[4] __attribute__((aligned(32)));
static volatile uint64_t pd0[512] __attribute__((aligned(4096)));
static volatile uint64_t pd_a[512] __attribute__((aligned(4096)));
static volatile uint64_t pd_b[512] __attribute__((aligned(4096)));
static volatile uint64_t pt[512] __attribute__((aligned(4096)));
static volatile uint32_t page_a[1024] __attribute__((aligned(4096)));
static volatile uint8_t page_b[4096] __attribute__((aligned(4096)));

static inline uint32_t rd_cr2(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr2, %0" : "=r"(v));
	return v;
}

static void reload_cr3(void)
{
	__asm__ volatile("movl %%cr3, %%eax; movl %%eax, %%cr3" : : : "eax", "memory");
}

static int pf_hook(struct frame *f)
{
	if (f->vec != 14 || !probe_fixup)
		return 0;
	probe_hits++;
	uint32_t cr2 = rd_cr2();
	printf("  -> #PF err=%x cr2=%08x eip=%s\n", f->err, cr2,
	       f->eip == cr2 ? "cr2" : "in probe");
	f->eip = probe_fixup;
	probe_fixup = 0;
	return 1;
}

static void call_probe(const char *what, uint32_t va)
{
	probe_begin(what);
	/* A fetch fault comes after the CALL pushed its return address. */
	PROBE_R("movl %%esp, %%esi\n\tcall *%0", "movl %%esi, %%esp",
		: : "r"(va) : "memory", "eax", "ecx", "edx", "esi");
	probe_end();
}

static void print_ad(const char *what, uint64_t e)
{
	printf("  %s: A=%u D=%u\n", what, (unsigned)(e >> 5) & 1, (unsigned)(e >> 6) & 1);
}

int main(const char *cmdline __attribute__((unused)))
{
	uint32_t a, b, c, d;

	sys_init();
	trap_hook = pf_hook;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u));
	printf("sys_pae: cpuid 80000001 edx.nx=%u, 1 edx.pae=%u\n", d >> 20 & 1,
	       ({ uint32_t e; __asm__ volatile("cpuid" : "=d"(e) : "a"(1) : "ebx", "ecx"); e >> 6 & 1; }));

	for (int i = 0; i < 4; i++)
		pd0[i] = (uint64_t)i << 21 | P | W | PS;
	pd0[4] = (uint32_t)pt | P | W;
	pt[0] = (uint32_t)page_a | P | W;
	pt[1] = (uint32_t)page_a | P;
	pt[2] = (uint32_t)page_b | P | W | NX;
	pt[3] = (uint32_t)page_b | P | W;
	pd_a[0] = 0x400000 | P | W | PS;
	pd_b[0] = 0x600000 | P | W | PS;
	pdpt[0] = (uint32_t)pd0 | P;
	pdpt[1] = (uint32_t)pd_a | P;
	page_a[0] = 0xa0a0a0a0;
	page_b[0] = 0xc3; /* ret */
	*(volatile uint32_t *)0x400000 = 0x44444444;
	*(volatile uint32_t *)0x600000 = 0x66666666;

	/* EFER.NXE, then CR4.PAE, CR3, CR0.PG|WP. */
	__asm__ volatile("rdmsr; orl $0x800, %%eax; wrmsr" : : "c"(0xc0000080u) : "eax", "edx");
	__asm__ volatile("movl %%cr4, %%eax; orl $0x20, %%eax; movl %%eax, %%cr4\n\t"
			 "movl %0, %%cr3\n\t"
			 "movl %%cr0, %%eax; orl $0x80010000, %%eax; movl %%eax, %%cr0"
			 : : "r"(pdpt) : "eax", "memory");
	printf("sys_pae: paging on with PAE\n");

	read_probe("read through a 2 MiB page (identity)", (uint32_t)&page_a[0]);
	read_probe("read through a 4 KiB page", V_PAGE);
	write_probe("write to a read-only page (WP=1)", V_RO, 1);
	read_probe("read of a read-only page", V_RO);
	call_probe("call into a writable executable page", V_XP);
	call_probe("call into an NX page", V_NXP);
	read_probe("read of an NX page", V_NXP);
	read_probe("read of a not-present page", V_NP);

	pt[0] &= ~(A | D);
	__asm__ volatile("invlpg (%0)" : : "r"(V_PAGE) : "memory");
	read_probe("read, A/D clear before", V_PAGE);
	print_ad("pte after a read", pt[0]);
	write_probe("write", V_PAGE, 0x5a5a5a5a);
	print_ad("pte after a write", pt[0]);

	read_probe("read at 1 GiB through PDPT[1] -> pd_a", V_1G);
	pdpt[1] = (uint32_t)pd_b | P;
	reload_cr3();
	read_probe("PDPT[1] -> pd_b, CR3 written again, read", V_1G);

	__asm__ volatile("movl %%cr0, %%eax; andl $0x7fffffff, %%eax; movl %%eax, %%cr0"
			 : : : "eax", "memory");
	printf("sys_pae: done\n");
	return 0;
}
