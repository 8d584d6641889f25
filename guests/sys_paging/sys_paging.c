/*
 * sys_paging - 32-bit paging without PAE: 4 KiB pages and 4 MiB PSE pages,
 * page faults (not present, write to read-only with CR0.WP, user access to
 * supervisor pages, instruction fetch) with CR2 and the error code, a page
 * mapped on demand by the #PF handler and the access retried, accessed and
 * dirty bits, and the TLB flushes the SDM guarantees: INVLPG, a CR3 write
 * (non-global pages), toggling CR4.PGE (global pages too), also under a
 * byte-indexed table lookup.  The flags a #PF handler sees: those of an
 * INC, whose CF is a compare's before it.
 *
 * Layout: PDE0 identity-maps 0-4 MiB with 4 KiB pages (user-accessible: the
 * ring 3 code runs from there), PDE1 identity-maps 4-8 MiB with a 4 MiB
 * supervisor page, PDE2 holds the test pages at 0x800000, PDE3 is a 4 MiB
 * alias of physical 4 MiB at 0xc00000; the rest is not present.
 */
#include "../sys_common/sys.h"

#define PG_P	0x001
#define PG_W	0x002
#define PG_U	0x004
#define PG_A	0x020
#define PG_D	0x040
#define PG_PS	0x080
#define PG_G	0x100

#define V_SUP	0x800000	/* supervisor, writable: page A */
#define V_RO	0x801000	/* supervisor, read-only: page B */
#define V_DEMAND 0x802000	/* not present until the #PF handler maps page C */
#define V_AD	0x803000	/* user, writable: page D (accessed/dirty) */
#define V_FLIP	0x804000	/* remapped between pages E and F */
#define V_NP	0x805000	/* never present */
#define V_URO	0x806000	/* user, read-only: page B */
#define V_GLOB	0x807000	/* global page: E, then F */
#define V_DEMAND2 0x808000	/* not present until the #PF handler maps page C */

static volatile uint32_t pd[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt0[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt2[1024] __attribute__((aligned(4096)));
static volatile uint32_t pages[6][1024] __attribute__((aligned(4096)));
#define PA ((uint32_t)pages[0])
#define PB ((uint32_t)pages[1])
#define PC ((uint32_t)pages[2])
#define PD ((uint32_t)pages[3])
#define PE ((uint32_t)pages[4])
#define PF ((uint32_t)pages[5])

static inline uint32_t peek(uint32_t va)
{
	return *(volatile uint32_t *)va;
}

static inline void poke(uint32_t va, uint32_t v)
{
	*(volatile uint32_t *)va = v;
}

static uint32_t demand2_eflags;

static int pf_hook(struct frame *f)
{
	uint32_t cr2;

	if (f->vec != 14)
		return 0;
	cr2 = rd_cr(2);
	if ((cr2 & ~0xfffu) == V_DEMAND2 && !(pt2[8] & PG_P)) {
		demand2_eflags = f->eflags;
		pt2[8] = PC | PG_P | PG_W;
		return 1;
	}
	if ((cr2 & ~0xfffu) == V_DEMAND && !(pt2[2] & PG_P)) {
		pt2[2] = PC | PG_P | PG_W;
		printf("  #PF err=%x cr2=%08x: mapped on demand, retrying\n", f->err, cr2);
		return 1;
	}
	if (!probe_fixup)
		return 0;
	probe_hits++;
	printf("  -> #PF err=%x cr2=%08x eip=", f->err, cr2);
	if (f->eip == cr2)
		printf("cr2");
	else
		printf("+%u", f->eip - probe_start);
	printf(" cpl=%u\n", f->cs & 3);
	f->eip = probe_fixup;
	probe_fixup = 0;
	return 1;
}

static void print_ad(const char *what, uint32_t e)
{
	printf("  %s: A=%u D=%u\n", what, (e >> 5) & 1, (e >> 6) & 1);
}

static void user_main(void)
{
	uint32_t v = 0;

	U_PROBE("user read of a supervisor page", "movl (%1), %0", : "+r"(v) : "r"(V_SUP) : "memory");
	U_PROBE("user write to a supervisor page", "movl %0, (%1)", : : "r"(1), "r"(V_SUP) : "memory");
	U_PROBE("user read of a user page", "movl (%1), %0", : "+r"(v) : "r"(V_AD) : "memory");
	sys_printf("  read %08x\n", v, 0);
	U_PROBE("user write to a user read-only page (WP=0)", "movl %0, (%1)", : : "r"(1), "r"(V_URO) : "memory");
	U_PROBE("user read of a not-present page", "movl (%1), %0", : "+r"(v) : "r"(V_NP) : "memory");
	U_PROBE("user read through a 4 MiB supervisor page", "movl (%1), %0", : "+r"(v) : "r"(0x400000) : "memory");
	sys_exit();
}

/*
 * mov eax, [V_FLIP + movzx(byte) * 4] in one block: every address it can
 * form lies in V_FLIP's page, which a translator may probe before the index
 * is known; the same translated code must follow the page's remapping and
 * fault exactly.  From `base` below V_FLIP, the table straddles two pages.
 */
#define BYTE_TABLE_PROBE(what, base, i)                                              \
	do {                                                                         \
		uint32_t v_ = 0, i_ = (i);                                           \
		probe_begin(what);                                                   \
		PROBE("movzbl %b1, %1\n\tmovl %c2(,%1,4), %0",                        \
		      : "+r"(v_), "+q"(i_) : "i"(base) : "memory");                 \
		probe_end();                                                         \
		if (!probe_hits)                                                     \
			printf("  read %08x\n", v_);                                 \
	} while (0)

static void byte_table(const char *what, uint32_t i)
{
	BYTE_TABLE_PROBE(what, V_FLIP, i);
}

int main(const char *cmdline __attribute__((unused)))
{
	uint32_t cr0, cr4, v;

	sys_init();
	trap_hook = pf_hook;

	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 1024; j++)
			pages[i][j] = 0xa0a0a0a0 + 0x01010101 * i + j;
	for (int i = 0; i < 1024; i++)
		pt0[i] = (i << 12) | PG_P | PG_W | PG_U;
	pt2[0] = PA | PG_P | PG_W;
	pt2[1] = PB | PG_P;
	pt2[3] = PD | PG_P | PG_W | PG_U;
	pt2[4] = PE | PG_P | PG_W;
	pt2[6] = PB | PG_P | PG_U;
	pt2[7] = PE | PG_P | PG_W | PG_G;
	pd[0] = (uint32_t)pt0 | PG_P | PG_W | PG_U;
	pd[1] = 0x400000 | PG_PS | PG_P | PG_W;
	pd[2] = (uint32_t)pt2 | PG_P | PG_W | PG_U;
	pd[3] = 0x400000 | PG_PS | PG_P | PG_W;

	wr_cr(3, (uint32_t)pd);
	wr_cr(4, rd_cr(4) | 0x10);			/* PSE */
	cr0 = rd_cr(0) | 0x80010000;			/* PG, WP */
	wr_cr(0, cr0);
	printf("sys_paging: paging on, cr0=%08x cr3=pd cr4=%08x\n", rd_cr(0) & 0x80010001,
	       rd_cr(4) & 0xb0);

	puts("== reads and writes through the mappings");
	read_probe("read supervisor page", V_SUP);
	write_probe("write supervisor page", V_SUP, 0x11111111);
	printf("  page A[0]=%08x\n", pages[0][0]);
	poke(0xc01234, 0x4d4d4d4d);
	printf("  wrote 0xc01234 (4 MiB alias), read 0x401234: %08x\n", peek(0x401234));
	print_ad("PDE1 (4 MiB, read)", pd[1]);
	print_ad("PDE3 (4 MiB, written)", pd[3]);
	print_ad("PDE2 (page table)", pd[2]);

	puts("== page faults at CPL0");
	read_probe("read not-present page", V_NP);
	write_probe("write not-present page", V_NP, 1);
	read_probe("read beyond the page directory's present entries", 0x01000000);
	read_probe("read read-only page", V_RO);
	write_probe("write read-only page, WP=1", V_RO, 0x22222222);
	wr_cr(0, cr0 & ~0x10000u);
	write_probe("write read-only page, WP=0", V_RO, 0x33333333);
	printf("  page B[0]=%08x\n", pages[1][0]);
	wr_cr(0, cr0);
	probe_begin("call into a not-present page");
	PROBE_R("movl %%esp, %%edx\n\tcall *%0", "movl %%edx, %%esp",
		: : "r"(V_NP) : "edx", "memory");
	probe_end();

	puts("== demand paging");
	read_probe("read demand page", V_DEMAND + 8);
	write_probe("write demand page (now present)", V_DEMAND + 8, 0x44444444);
	printf("  page C[2]=%08x\n", pages[2][2]);
	for (uint32_t a = 1; a <= 2; a++) {
		/* cmp sets CF (1 < 2) or clears it (2 < 1); the INC in the next
		 * block keeps it; the load faults; the ADD after it rewrites the
		 * flags, so only the #PF frame shows the INC's. */
		uint32_t n = 0x7fffffff, v2;
		pt2[8] = 0;
		invlpg(V_DEMAND2);
		__asm__ volatile("cmpl %3, %2\n\t"
				 "jb 1f\n"
				 "1:\tincl %1\n\t"
				 "movl (%4), %0\n\t"
				 "addl $0, %1"
				 : "=&r"(v2), "+r"(n)
				 : "r"(a), "r"(3 - a), "r"(V_DEMAND2)
				 : "cc", "memory");
		printf("  #PF after cmp %u, %u; inc: CF=%u ZF=%u SF=%u OF=%u (read %08x)\n", a,
		       3 - a, demand2_eflags & 1, (demand2_eflags >> 6) & 1,
		       (demand2_eflags >> 7) & 1, (demand2_eflags >> 11) & 1, v2);
	}

	puts("== accessed and dirty bits");
	print_ad("PTE of untouched page", pt2[3]);
	v = peek(V_AD);
	print_ad("PTE after a read", pt2[3]);
	poke(V_AD + 4, v);
	print_ad("PTE after a write", pt2[3]);
	pt2[3] &= ~(PG_A | PG_D);
	invlpg(V_AD);
	poke(V_AD + 8, v);
	print_ad("PTE after clearing A/D, INVLPG and a write", pt2[3]);

	puts("== TLB");
	printf("  %08x read through E\n", peek(V_FLIP));
	byte_table("byte-indexed table in E, index 0x103", 0x103);
	BYTE_TABLE_PROBE("byte-indexed table across D and E, index 0x45", V_FLIP - 0x100, 0x45);
	pt2[4] = PF | PG_P | PG_W;
	invlpg(V_FLIP);
	printf("  %08x read after PTE -> F and INVLPG\n", peek(V_FLIP));
	byte_table("byte-indexed table after PTE -> F, index 0xff", 0xff);
	pt2[4] = PE | PG_P | PG_W;
	wr_cr(3, rd_cr(3));
	printf("  %08x read after PTE -> E and CR3 write\n", peek(V_FLIP));
	pt2[4] = 0;
	wr_cr(3, (uint32_t)pd);
	read_probe("read after PTE cleared and CR3 write", V_FLIP);
	byte_table("byte-indexed table after PTE cleared, index 7", 7);

	cr4 = rd_cr(4);
	wr_cr(4, cr4 | 0x80);				/* PGE */
	printf("  %08x read through global page E\n", peek(V_GLOB));
	pt2[7] = PF | PG_P | PG_W | PG_G;
	invlpg(V_GLOB);
	printf("  %08x read after global PTE -> F and INVLPG\n", peek(V_GLOB));
	pt2[7] = PE | PG_P | PG_W | PG_G;
	wr_cr(4, cr4);
	wr_cr(4, cr4 | 0x80);
	printf("  %08x read after global PTE -> E and CR4.PGE toggle\n", peek(V_GLOB));
	pt2[7] = 0;
	wr_cr(4, cr4);
	read_probe("read after global PTE cleared, PGE cleared", V_GLOB);

	puts("== CPL3 (CR0.WP=0)");
	wr_cr(0, cr0 & ~0x10000u);
	enter_user(user_main, USER_STACK_TOP, 0x2);

	wr_cr(0, cr0 & 0x7fffffff);
	printf("sys_paging: paging off, cr0.PG=%u\n", rd_cr(0) >> 31);
	return 0;
}
