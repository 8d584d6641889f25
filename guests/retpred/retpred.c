/*
 * retpred - near CALL/RET pairs where a predicted return would be wrong.
 *
 * A translator may predict a near RET: the CALL records where the code at
 * its return address was translated, and a RET that pops that address in
 * the same mode goes straight there (bt86's native backend keys this by
 * the stack slot, the return EIP and the mode, and forgets it all on every
 * TLB flush and every invalidation of translated code).  Each case below
 * first runs its CALL/RET pair a few times so that any prediction is warm,
 * then changes what the RET must reach:
 *
 * 1. deep recursion (depth up to 300, frames of 3 sizes, direct, indirect
 *    and RET imm16 returns), whose checksum a wrong return would change;
 *    the flags of a callee's SUB, read by its caller after the RET;
 * 2. a callee that rewrites its return address; one that drops it and jumps
 *    on, with a later RET to an older frame; a longjmp out of deep recursion;
 * 3. the callee rewrites the instructions at its return address (the
 *    immediate, then the opcodes), in the caller's page and at the start of
 *    the next page;
 * 4. with paging, the code page holding the CALL and its return address is
 *    mapped from one of two physical copies that differ in immediates: the
 *    callee switches CR3 to the directory mapping the other copy (a CALL
 *    rel32, a CALL through memory, and a CALL at the end of a page whose
 *    return address is on the next page);
 * 5. the same, the callee rewriting the PTE and flushing it with INVLPG
 *    (of the page of the return address only), then by toggling CR4.PGE,
 *    then CR0.PG;
 * 6. a CALL at CPL0 from a user page whose callee enters ring 3 at a RET
 *    that pops the same return address from the same stack slot: the code
 *    there now runs at CPL3 and its read of a supervisor page must #PF;
 * 7. events at a return: an IRQ pending when the callee does STI; RET (taken
 *    at the return address, the end of the shadow), and POPF setting TF
 *    before the RET (#DB at the return address);
 * 8. with paging off, the callee turns the A20 gate off: the code after the
 *    CALL at 0x190000 must come from 0x090000.
 *
 * Layout (cases 4-7): PDE0 identity-maps 0-4 MiB with 4 KiB user pages (the
 * guest and its stacks), PDE2 maps the two test code pages at 0x800000 and
 * 0x801000 (copy A in directory A, copy B in directory B) and a supervisor
 * data page at 0x802000.  Case 8 copies its code to 0x090000 and 0x190000
 * (the guest ends well below) and runs it on a stack below 0x8000, as
 * guests/a20 does.
 */
#include "../sys_common/sys.h"

#define PG_P	0x001
#define PG_W	0x002
#define PG_U	0x004

#define V_CODE	0x800000	/* two pages of test code: copy A or copy B */
#define V_SUP	0x802000	/* supervisor-only data */

static volatile uint32_t pd_a[1024] __attribute__((aligned(4096)));
static volatile uint32_t pd_b[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt0[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt2_a[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt2_b[1024] __attribute__((aligned(4096)));
static volatile uint32_t sup_page[1024] __attribute__((aligned(4096)));

/* Call the asm routine fn with EAX = a, EDX = d; its EAX back.  The
 * routines keep EBX, ESI, EDI and EBP, as C functions do. */
static uint32_t call_asm(const void *fn, uint32_t a, uint32_t d)
{
	__asm__ volatile("call *%2"
			 : "+a"(a), "+d"(d)
			 : "r"(fn)
			 : "ecx", "memory", "cc");
	return a;
}

/* ---- 1. recursion ---------------------------------------------------- */

/*
 * rec: EAX = n -> EAX = checksum.  By n % 3 a level keeps a 3-dword frame
 * and calls directly, goes through rec_std (RET 4), or keeps a 6-dword
 * frame and calls through rec_ptr; each checks its frame after the return
 * (rec_errors) and mixes n into the result its own way.
 */
__asm__(".text\n"
	"rec:\n"
	"	testl %eax, %eax\n"
	"	jnz 1f\n"
	"	movl $0x2468ace1, %eax\n"
	"	ret\n"
	"1:	pushl %ebx\n"
	"	movl %eax, %ebx\n"
	"	movl $3, %ecx\n"
	"	xorl %edx, %edx\n"
	"	divl %ecx\n"
	"	cmpl $1, %edx\n"
	"	je 2f\n"
	"	ja 3f\n"
	/* n % 3 == 0: direct, 3 dwords */
	"	pushl %ebx\n"
	"	pushl %ebx\n"
	"	pushl %ebx\n"
	"	leal -1(%ebx), %eax\n"
	"	call rec\n"
	"	cmpl %ebx, 8(%esp)\n"
	"	je 4f\n"
	"	incl rec_errors\n"
	"4:	roll $3, %eax\n"
	"	xorl %ebx, %eax\n"
	"	addl $12, %esp\n"
	"	popl %ebx\n"
	"	ret\n"
	/* n % 3 == 1: through rec_std, which returns with RET 4 */
	"2:	leal -1(%ebx), %eax\n"
	"	pushl %eax\n"
	"	call rec_std\n"
	"	imull $33, %eax, %eax\n"
	"	addl %ebx, %eax\n"
	"	popl %ebx\n"
	"	ret\n"
	/* n % 3 == 2: indirect, 6 dwords */
	"3:	subl $24, %esp\n"
	"	movl %ebx, (%esp)\n"
	"	movl %ebx, 20(%esp)\n"
	"	leal -1(%ebx), %eax\n"
	"	call *rec_ptr\n"
	"	cmpl %ebx, (%esp)\n"
	"	jne 5f\n"
	"	cmpl %ebx, 20(%esp)\n"
	"	je 6f\n"
	"5:	incl rec_errors\n"
	"6:	movl %ebx, %ecx\n"
	"	imull %ecx, %ecx\n"
	"	xorl $0x5a5a, %ecx\n"
	"	addl %ecx, %eax\n"
	"	addl $24, %esp\n"
	"	popl %ebx\n"
	"	ret\n"
	"rec_std:\n"
	"	movl 4(%esp), %eax\n"
	"	call rec\n"
	"	ret $4\n");
extern char rec[];
const void *rec_ptr = rec;
volatile uint32_t rec_errors;

/* fl_site: EAX - EDX in the callee; after its RET the caller reads the
 * SUB's flags (PUSHF, and SBB for CF) -> EFLAGS & 0x8d5 | CF << 16 */
__asm__(".text\n"
	"fl_site:\n"
	"	call fl_sub\n"
	"	pushfl\n"
	"	sbbl %ecx, %ecx\n"
	"	popl %eax\n"
	"	andl $0x8d5, %eax\n"
	"	andl $0x10000, %ecx\n"
	"	orl %ecx, %eax\n"
	"	ret\n"
	"fl_sub:\n"
	"	subl %edx, %eax\n"
	"	ret\n");
extern char fl_site[];

static void case_recursion(void)
{
	static const uint32_t depths[] = { 300, 299, 128, 64 };

	puts("1. recursion (depth, checksum), and flags across a RET");
	for (unsigned i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		uint32_t first = 0, same = 0;

		rec_errors = 0;
		for (int k = 0; k < 5; k++) {
			uint32_t c = call_asm(rec, depths[i], 0);
			if (k == 0)
				first = c;
			same += c == first;
		}
		printf("  depth %u: checksum %08x, %u/5 runs the same, frame errors %u\n",
		       depths[i], first, same, rec_errors);
	}

	static const uint32_t pairs[][2] = {
		{ 1, 2 }, { 2, 1 }, { 5, 5 }, { 0x80000000u, 1 },
		{ 0x7fffffffu, 0xffffffffu }, { 0, 0x80000000u }, { 0x10, 0x01 },
	};
	printf("  flags of the callee's SUB after its RET:");
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		uint32_t f[3];

		for (int k = 0; k < 3; k++)
			f[k] = call_asm(fl_site, pairs[i][0], pairs[i][1]);
		printf(" %x%s", f[2], f[0] == f[2] && f[1] == f[2] ? "" : "(differs)");
	}
	printf("\n");
}

/* ---- 2. return addresses that are not the CALL's ---------------------- */

__asm__(".text\n"
	/* rw_site: EAX = 1: the callee rewrites the return address -> 2, else 1 */
	"rw_site:\n"
	"	call rw_f\n"
	"	movl $1, %eax\n"
	"	ret\n"
	"rw_other:\n"
	"	movl $2, %eax\n"
	"	ret\n"
	"rw_f:\n"
	"	testl %eax, %eax\n"
	"	jz 1f\n"
	"	movl $rw_other, (%esp)\n"
	"1:	ret\n"

	/* ub_site -> 0x111: ub_b drops its return address and jumps to a RET
	 * that returns to ub_site's continuation, two frames up */
	"ub_site:\n"
	"	call ub_a\n"
	"	addl $0x100, %eax\n"
	"	ret\n"
	"ub_a:\n"
	"	movl $1, %eax\n"
	"	call ub_b\n"
	"	movl $0xbad, %eax\n"
	"	ret\n"
	"ub_b:\n"
	"	addl $4, %esp\n"
	"	addl $0x10, %eax\n"
	"	jmp ub_c\n"
	"ub_c:\n"
	"	ret\n"

	/* lj_site: EAX = depth -> 0x77: lj_deep recurses that deep, then
	 * restores the stack pointer lj_set saved and returns from there */
	"lj_site:\n"
	"	call lj_set\n"
	"	addl $0x70, %eax\n"
	"	ret\n"
	"lj_set:\n"
	"	movl %esp, lj_sp\n"
	"	call lj_deep\n"
	"	movl $0xbad, %eax\n"
	"	ret\n"
	"lj_deep:\n"
	"	testl %eax, %eax\n"
	"	jz 1f\n"
	"	pushl %eax\n"
	"	decl %eax\n"
	"	call lj_deep\n"
	"	popl %ecx\n"
	"	movl $0xbad, %eax\n"
	"	ret\n"
	"1:	movl lj_sp, %esp\n"
	"	movl $7, %eax\n"
	"	ret\n");
extern char rw_site[], ub_site[], lj_site[];
uint32_t lj_sp;

static void case_unbalanced(void)
{
	static const uint8_t rewrite[] = { 0, 0, 0, 1, 0, 1, 1, 0 };

	printf("2. return address rewritten by the callee:");
	for (unsigned i = 0; i < sizeof(rewrite); i++)
		printf(" %u", call_asm(rw_site, rewrite[i], 0));
	printf("\n   pop and jmp, then ret two frames up:");
	for (int i = 0; i < 4; i++)
		printf(" %x", call_asm(ub_site, 0, 0));
	printf("\n   longjmp out of depth 30:");
	for (int i = 0; i < 3; i++)
		printf(" %x", call_asm(lj_site, 30, 0));
	printf(", depth 300:");
	for (int i = 0; i < 3; i++)
		printf(" %x", call_asm(lj_site, 300, 0));
	printf("\n");
}

/* ---- 3. self-modifying code at the return address --------------------- */

/*
 * smc_site / smc_site_x: EAX = iterations, EDX = where to store each
 * iteration's EAX; every iteration calls smc_callee, and the MOV EAX, 1
 * after the CALL sets what is stored.  In smc_site_x the CALL is the last
 * instruction of its page.
 */
__asm__(".text\n"
	".balign 4096\n"
	"smc_page:\n"
	"smc_site:\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	movl %eax, %esi\n"
	"	movl %edx, %edi\n"
	"1:	call smc_callee\n"
	"smc_after:\n"
	"	movl $1, %eax\n"
	"	stosl\n"
	"	decl %esi\n"
	"	jnz 1b\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	ret\n"
	"smc_site_x:\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	movl %eax, %esi\n"
	"	movl %edx, %edi\n"
	"	jmp 2f\n"
	".org smc_page + 0x1000 - 5, 0xcc\n"
	"2:	call smc_callee\n"
	"smc_after_x:\n"
	"	movl $1, %eax\n"
	"	stosl\n"
	"	decl %esi\n"
	"	jnz 2b\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	ret\n");
extern char smc_site[], smc_after[], smc_site_x[], smc_after_x[];

static volatile uint8_t *smc_patch;
static int smc_calls;

void smc_callee(void);
void smc_callee(void)
{
	static const uint8_t three[5] = { 0x31, 0xc0, 0x40, 0x40, 0x40 }; /* xor eax,eax; inc eax x3 */

	smc_calls++;
	if (smc_calls == 5) {
		smc_patch[1] = 2;				/* mov eax, 2 */
	} else if (smc_calls == 9) {
		for (int i = 0; i < 5; i++)
			smc_patch[i] = three[i];
	}
}

static void smc_run(const char *what, const char *site, char *after)
{
	static const uint8_t one[5] = { 0xb8, 0x01, 0x00, 0x00, 0x00 };	/* mov eax, 1 */
	uint32_t vals[12];

	smc_patch = (volatile uint8_t *)after;
	smc_calls = 0;
	call_asm(site, 12, (uint32_t)vals);
	printf("   %s:", what);
	for (int i = 0; i < 12; i++)
		printf(" %u", vals[i]);
	printf("\n");
	for (int i = 0; i < 5; i++)
		smc_patch[i] = one[i];
}

static void case_smc(void)
{
	puts("3. the callee rewrites the code at its return address (calls 5 and 9)");
	smc_run("same page", smc_site, smc_after);
	smc_run("next page", smc_site_x, smc_after_x);
	smc_run("same page again", smc_site, smc_after);
}

/* ---- 4, 5. the code page remapped under the return address ------------ */

/*
 * Two copies of two pages, A and B, mapped at V_CODE.  Entry 0 (offset 0)
 * calls a trampoline in its page, entry 1 (rp_A_ind) calls through
 * rp_callee, entry 2 (rp_A_x) is a CALL that ends the first page; each
 * returns IMM + its number, IMM being 0xa0 in A and 0xb0 in B.
 */
#define RP_TMPL(tag, imm)                                                    \
	".balign 4096\n"                                                     \
	"rp_" tag ":\n"                                                      \
	"	call 8f\n"                                                   \
	"	movl $" #imm ", %eax\n"                                      \
	"	ret\n"                                                       \
	"rp_" tag "_ind:\n"                                                  \
	"	call *rp_callee\n"                                           \
	"	movl $" #imm " + 1, %eax\n"                                  \
	"	ret\n"                                                       \
	"8:	jmp *rp_callee\n"                                            \
	".org rp_" tag " + 0x1000 - 5, 0xcc\n"                               \
	"rp_" tag "_x:\n"                                                    \
	"	call 8b\n"                                                   \
	"	movl $" #imm " + 2, %eax\n"                                  \
	"	ret\n"                                                       \
	".balign 4096, 0xcc\n"

__asm__(".text\n" RP_TMPL("A", 0xa0) RP_TMPL("B", 0xb0));
extern char rp_A[], rp_A_ind[], rp_A_x[], rp_B[];

void (*volatile rp_callee)(void);
static int rp_map[2];		/* which copy each page of V_CODE maps: 0 = A, 1 = B */
static int rp_page;		/* the page that rp_flip_* remaps */

static uint32_t rp_pte(int copy, int page)
{
	return (uint32_t)(copy ? rp_B : rp_A) + 0x1000 * page;
}

static void rp_nothing(void)
{
}

static void rp_cr3_switch(void)
{
	rp_map[0] ^= 1;
	rp_map[1] = rp_map[0];
	wr_cr(3, rp_map[0] ? (uint32_t)pd_b : (uint32_t)pd_a);
}

static void rp_flip_invlpg(void)
{
	rp_map[rp_page] ^= 1;
	pt2_a[rp_page] = rp_pte(rp_map[rp_page], rp_page) | PG_P;
	invlpg(V_CODE + 0x1000 * rp_page);
}

static void rp_flip_pge(void)
{
	uint32_t cr4 = rd_cr(4);

	rp_map[rp_page] ^= 1;
	pt2_a[rp_page] = rp_pte(rp_map[rp_page], rp_page) | PG_P;
	wr_cr(4, cr4 & ~0x80u);
	wr_cr(4, cr4);
}

static void rp_flip_pg(void)
{
	uint32_t cr0 = rd_cr(0);

	rp_map[rp_page] ^= 1;
	pt2_a[rp_page] = rp_pte(rp_map[rp_page], rp_page) | PG_P;
	wr_cr(0, cr0 & ~0x80000000u);
	wr_cr(0, cr0);
}

static void rp_run(const char *what, int entry, void (*change)(void))
{
	static const uint32_t page_of[3] = { 0, 0, 1 };	/* of each entry's return address */
	uint32_t off = entry == 0 ? 0 : (uint32_t)((entry == 1 ? rp_A_ind : rp_A_x) - rp_A);
	int warm_ok = 0;

	rp_page = page_of[entry];
	printf("   %-22s", what);
	for (int round = 0; round < 6; round++) {
		uint32_t v;

		rp_callee = rp_nothing;
		for (int k = 0; k < 4; k++) {
			v = call_asm((void *)(V_CODE + off), 0, 0);
			warm_ok += v == (rp_map[page_of[entry]] ? 0xb0u : 0xa0u) + entry;
		}
		rp_callee = change;
		v = call_asm((void *)(V_CODE + off), 0, 0);
		printf(" %x", v);
	}
	printf(" (warm %d/24)\n", warm_ok);
}

static void rp_variants(void (*change)(void))
{
	rp_run("call rel32:", 0, change);
	rp_run("call [mem]:", 1, change);
	rp_run("call ending a page:", 2, change);
}

/* ---- 6. the same return address popped at CPL3 ------------------------- */

/*
 * m_site: EAX = 0: m_callee returns, and the code at the return address
 * reads the supervisor page at CPL0 -> what it read.  EAX = 1: m_callee
 * enters ring 3 at m_ring3, with ESP at the return address it was called
 * with: the RET there returns to m_ret at CPL3, whose read must #PF
 * (pf_hook goes back to the kernel: enter_user returns) -> 0xfa017.  If the
 * read succeeds at CPL3, m_ret reports it and leaves ring 3 (SYS_EXIT).
 */
__asm__(".text\n"
	"m_site:\n"
	"	call m_callee\n"
	"m_ret:\n"
	"	movl 0x802000, %eax\n"		/* V_SUP */
	"	movw %cs, %cx\n"
	"	testb $3, %cl\n"
	"	jnz 1f\n"
	"	ret\n"
	"1:	movl %eax, m_leak\n"
	"	incl m_leaked\n"
	"	xorl %eax, %eax\n"
	"	int $0x80\n"
	"m_callee:\n"
	"	testl %eax, %eax\n"
	"	jnz 2f\n"
	"	ret\n"
	"2:	movl %esp, %ecx\n"
	"	pushl $2\n"			/* EFLAGS */
	"	pushl %ecx\n"			/* ring 3 ESP: at m_site's return address */
	"	pushl $m_ring3\n"
	"	call enter_user\n"
	"	addl $16, %esp\n"		/* its arguments and m_ret */
	"	movl $0xfa017, %eax\n"
	"	ret\n"				/* from m_site */
	"m_ring3:\n"
	"	ret\n");
extern char m_site[], m_ret[];
volatile uint32_t m_leak, m_leaked;
static volatile uint32_t m_pf_err, m_pf_cr2, m_pf_eip, m_pf_cs, m_pfs;

/* ---- 7. events right after a RET --------------------------------------- */

/* ev_site: EAX = 1: the callee ends with STI; RET.  EAX = 2: it sets TF with
 * POPF, then returns.  Otherwise it just returns.  -> 0x5a */
__asm__(".text\n"
	"ev_site:\n"
	"	call ev_callee\n"
	"ev_ret:\n"
	"	movl $0x5a, %eax\n"
	"	nop\n"
	"	nop\n"
	"	ret\n"
	"ev_callee:\n"
	"	cmpl $1, %eax\n"
	"	je 1f\n"
	"	cmpl $2, %eax\n"
	"	je 2f\n"
	"	ret\n"
	"1:	sti\n"
	"	ret\n"
	"2:	pushfl\n"
	"	orl $0x100, (%esp)\n"
	"	popfl\n"
	"	ret\n");
extern char ev_site[], ev_ret[];
static volatile uint32_t ev_eip, ev_vec, ev_count;

static int hook(struct frame *f)
{
	if (f->vec == 14 && (f->cs & 3) == 3) {
		m_pfs++;
		m_pf_err = f->err;
		m_pf_cr2 = rd_cr(2);
		m_pf_eip = f->eip;
		m_pf_cs = f->cs;
		/* back to the kernel, as SYS_EXIT */
		f->eip = (uint32_t)back_to_kernel;
		f->cs = KCODE;
		f->eflags = 0x2;
		return 1;
	}
	if (f->vec == 0x20 || f->vec == 1) {
		ev_count++;
		ev_vec = f->vec;
		ev_eip = f->eip;
		f->eflags &= ~0x100u;
		if (f->vec == 0x20) {
			outb(0x21, 0xff);		/* mask IRQ0 again */
			outb(0x20, 0x20);		/* EOI */
		}
		return 1;
	}
	return 0;
}

static void case_ring3(void)
{
	uint32_t r0 = 0, good0 = 0, good3 = 0;

	puts("6. CALL at CPL0, the same return address popped at CPL3");
	for (int round = 0; round < 3; round++) {
		uint32_t v;

		for (int k = 0; k < 5; k++) {
			v = call_asm(m_site, 0, 0);
			if (round == 0 && k == 0)
				r0 = v;
			good0 += v == r0;
		}
		m_pfs = 0;
		m_leaked = 0;
		v = call_asm(m_site, 1, 0);
		if (m_leaked)
			printf("   round %d: cpl3 read %08x, no fault (WRONG)\n", round, m_leak);
		else if (m_pfs != 1 || v != 0xfa017)
			printf("   round %d: %u faults, returned %x\n", round, m_pfs, v);
		else if (m_pf_err == 5 && m_pf_cr2 == V_SUP && (m_pf_cs & 3) == 3 &&
			 m_pf_eip == (uint32_t)m_ret)
			good3++;
	}
	printf("   cpl0: read %08x (%u/15); cpl3: #PF err=%x cr2=%08x cpl=%u at %s (%u/3)\n",
	       r0, good0, m_pf_err, m_pf_cr2, m_pf_cs & 3,
	       m_pf_eip == (uint32_t)m_ret ? "the return address" : "?", good3);
}
static void ev_report(uint32_t vec)
{
	if (ev_count != 1 || ev_vec != vec)
		printf(" %u events, last vector %x;", ev_count, ev_vec);
	else
		printf(" ret%s%d", ev_eip >= (uint32_t)ev_ret ? "+" : "",
		       (int)(ev_eip - (uint32_t)ev_ret));
}

static void case_events(void)
{
	puts("7. events at a return (where they are taken)");
	/* PIC: vectors 0x20/0x28, everything masked. */
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xff); outb(0xa1, 0xff);
	printf("   IRQ pending, callee does STI; RET:");
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < 5; k++) {
			call_asm(ev_site, 0, 0);
			call_asm(ev_site, 1, 0);
			__asm__ volatile("cli");
		}
		/* IRQ0 pending with IF=0: PIT channel 0, mode 0, a short count. */
		ev_count = 0;
		outb(0x43, 0x30);
		outb(0x40, 50);
		outb(0x40, 0);
		outb(0x21, 0xfe);
		do
			outb(0x20, 0x0a);			/* read IRR */
		while (!(inb(0x20) & 1));
		call_asm(ev_site, 1, 0);
		__asm__ volatile("cli");
		ev_report(0x20);
	}
	printf("\n   callee sets TF with POPF, then RET:");
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < 5; k++)
			call_asm(ev_site, 0, 0);
		ev_count = 0;
		call_asm(ev_site, 2, 0);
		ev_report(1);
	}
	printf("\n");
}

/* ---- 8. the A20 gate ---------------------------------------------------- */

/*
 * Copied to 0x190000 (IMM 0xc0) and 0x090000 (IMM 0xd0), which alias with
 * A20 off.  EBX = 1: the callee turns A20 off, so the code after the CALL
 * comes from the low copy; it turns A20 back on before returning.  Runs on
 * a stack below 1 MiB (a20_call).
 */
#define A20_TMPL(tag, imm)                                                   \
	"a20_" tag ":\n"                                                     \
	"	call 1f\n"                                                   \
	"	movl $" #imm ", %eax\n"                                      \
	"	testl %ebx, %ebx\n"                                          \
	"	jz 3f\n"                                                     \
	"	movl %eax, %ecx\n"                                           \
	"	call 2f\n"                                                   \
	"	movl %ecx, %eax\n"                                           \
	"3:	ret\n"                                                       \
	"1:	testl %ebx, %ebx\n"                                          \
	"	jz 4f\n"                                                     \
	"	inb $0x92, %al\n"                                            \
	"	andb $0xfc, %al\n"                                           \
	"	outb %al, $0x92\n"                                           \
	"4:	ret\n"                                                       \
	"2:	inb $0x92, %al\n"                                            \
	"	andb $0xfc, %al\n"                                           \
	"	orb $2, %al\n"                                               \
	"	outb %al, $0x92\n"                                           \
	"	ret\n"                                                       \
	"a20_" tag "_end:\n"

__asm__(".text\n" A20_TMPL("hi", 0xc0) A20_TMPL("lo", 0xd0)
	/* a20_call: EAX = code, EDX = EBX for it, on the stack below 0x8000 */
	"a20_call:\n"
	"	pushl %ebx\n"
	"	pushl %ebp\n"
	"	movl %esp, %ebp\n"
	"	movl $0x8000, %esp\n"
	"	movl %edx, %ebx\n"
	"	call *%eax\n"
	"	movl %ebp, %esp\n"
	"	popl %ebp\n"
	"	popl %ebx\n"
	"	ret\n");
extern char a20_hi[], a20_hi_end[], a20_lo[], a20_lo_end[], a20_call[];

#define A20_HIGH 0x190000u
#define A20_LOW	 0x090000u

static void case_a20(void)
{
	int warm_ok = 0;

	memcpy((void *)A20_HIGH, a20_hi, (size_t)(a20_hi_end - a20_hi));
	memcpy((void *)A20_LOW, a20_lo, (size_t)(a20_lo_end - a20_lo));
	printf("8. A20 gate off in the callee (0x190000 -> 0x090000):");
	for (int round = 0; round < 4; round++) {
		for (int k = 0; k < 4; k++)
			warm_ok += call_asm(a20_call, A20_HIGH, 0) == 0xc0;
		printf(" %x", call_asm(a20_call, A20_HIGH, 1));
	}
	printf(" (warm %d/16), port 0x92 bit1=%u\n", warm_ok, inb(0x92) >> 1 & 1);
}

int main(const char *cmdline __attribute__((unused)))
{
	uint32_t cr0;

	sys_init();
	trap_hook = hook;

	case_recursion();
	case_unbalanced();
	case_smc();

	/* Paging: copy A of the test code in directory A, copy B in B. */
	for (int i = 0; i < 1024; i++) {
		pt0[i] = (i << 12) | PG_P | PG_W | PG_U;
		sup_page[i] = 0x5a000000 + i;
	}
	for (int p = 0; p < 2; p++) {
		pt2_a[p] = rp_pte(0, p) | PG_P;
		pt2_b[p] = rp_pte(1, p) | PG_P;
	}
	pt2_a[2] = pt2_b[2] = (uint32_t)sup_page | PG_P | PG_W;
	pd_a[0] = pd_b[0] = (uint32_t)pt0 | PG_P | PG_W | PG_U;
	pd_a[2] = (uint32_t)pt2_a | PG_P | PG_W | PG_U;
	pd_b[2] = (uint32_t)pt2_b | PG_P | PG_W | PG_U;
	wr_cr(3, (uint32_t)pd_a);
	cr0 = rd_cr(0);
	wr_cr(0, cr0 | 0x80000000u);
	wr_cr(4, rd_cr(4) | 0x80);			/* PGE */

	puts("4. the callee switches CR3: the code after the CALL comes from the other copy");
	rp_variants(rp_cr3_switch);
	wr_cr(3, (uint32_t)pd_a);
	rp_map[0] = rp_map[1] = 0;
	puts("5. the callee remaps the page of the return address, then INVLPG");
	rp_variants(rp_flip_invlpg);
	puts("   ... then toggles CR4.PGE, or CR0.PG");
	rp_run("CR4.PGE, call rel32:", 0, rp_flip_pge);
	rp_run("CR0.PG, call rel32:", 0, rp_flip_pg);

	case_ring3();
	case_events();

	wr_cr(0, cr0);
	case_a20();
	puts("retpred: done");
	return 0;
}
