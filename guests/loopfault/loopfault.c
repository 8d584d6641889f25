/*
 * loopfault - a page fault in a loop's first accesses, in its first round
 * and in a later one: the #PF handler must see the flags of the compare
 * that ended the round before (or, in the first round, the flags before
 * the loop), at the faulting instruction.
 *
 * A translator may keep a loop's compare in host registers while the loop
 * goes round and store its flags only on the way out; bt86's native
 * backend does that, and when the loop's first accesses come before its
 * first flag-writing instruction, the way round runs a copy of them whose
 * miss paths store the compare (some fields stored before the copy, the
 * ones the copy overwrites).  Each loop below walks into a page that is
 * not present; the handler records EFLAGS, CR2 and the faulting EIP, maps
 * the page and retries.  The loops differ in what the compare's operands
 * are: registers the accesses leave alone, the loaded register itself,
 * bytes of loaded values, a store instead of a load, crc32's table loop,
 * where a shift's flags (dead) come between, and a register the compare
 * reads that moves before the load.
 *
 * Layout: PDE0 identity-maps 0-4 MiB (4 KiB pages), PDE1 maps the test
 * pages at 0x400000: 0x400000 present, 0x401000 present only after the
 * fault.  The expected output is QEMU's.
 */
#include "../sys_common/sys.h"

#define PG_P	0x001
#define PG_W	0x002

#define V_OK	0x400000
#define V_NP	0x401000	/* not present until the #PF handler maps it */

static volatile uint32_t pd[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt0[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt1[1024] __attribute__((aligned(4096)));
static volatile uint32_t pages[2][1024] __attribute__((aligned(4096)));

static uint32_t pf_eflags, pf_cr2, pf_eip, pf_count;

static int pf_hook(struct frame *f)
{
	if (f->vec != 14 || (rd_cr(2) & ~0xfffu) != V_NP || (pt1[1] & PG_P))
		return 0;
	pf_eflags = f->eflags;
	pf_cr2 = rd_cr(2);
	pf_eip = f->eip;
	pf_count++;
	pt1[1] |= PG_P;
	invlpg(V_NP);
	return 1;
}

/*
 * The loops: cdecl (start, end); each sets the flags to ZF|PF before it
 * (xor), so that flags from before the loop are told from a compare's.
 * The address of each loop's first instruction is loop_X_top.
 */
uint32_t loop_keep(uint32_t start, uint32_t end);  /* cmp ecx, esi: neither loaded */
uint32_t loop_loaded(uint32_t start, uint32_t end); /* cmp eax, edi: eax is loaded */
uint32_t loop_bytes(uint32_t start, uint32_t end);  /* cmp bl, dl: two loaded bytes */
uint32_t loop_store(uint32_t start, uint32_t end);  /* a store first: cmp ecx, esi */
uint32_t loop_shift(uint32_t start, uint32_t end);  /* crc32's: a shift's flags, dead */
uint32_t loop_lea(uint32_t start, uint32_t end);    /* cmp ecx, esi: ecx moved before the load */
extern const char loop_keep_top[], loop_loaded_top[], loop_bytes_top[], loop_store_top[];
extern const char loop_shift_top[], loop_lea_top[];
__asm__(".text\n"
	".globl loop_keep, loop_loaded, loop_bytes, loop_store, loop_shift, loop_lea\n"
	".globl loop_keep_top, loop_loaded_top, loop_bytes_top, loop_store_top, loop_shift_top\n"
	".globl loop_lea_top\n"
	"loop_keep:\n"
	"  pushl %esi\n"
	"  movl 8(%esp), %ecx\n"
	"  movl 12(%esp), %esi\n"
	"  xorl %eax, %eax\n"
	"  jmp loop_keep_top\n"
	".balign 16\n"
	"loop_keep_top:\n"
	"  movl (%ecx), %edx\n"
	"  addl $4, %ecx\n"
	"  addl %edx, %eax\n"
	"  cmpl %esi, %ecx\n"
	"  jne loop_keep_top\n"
	"  popl %esi\n"
	"  ret\n"
	"loop_loaded:\n"
	"  pushl %edi\n"
	"  movl 8(%esp), %ecx\n"
	"  movl 12(%esp), %edx\n"
	"  movl $0x80000000, %edi\n"
	"  xorl %eax, %eax\n"
	"  jmp loop_loaded_top\n"
	".balign 16\n"
	"loop_loaded_top:\n"
	"  movl (%ecx), %eax\n"
	"  addl $4, %ecx\n"
	"  cmpl %edx, %ecx\n"
	"  je 1f\n"
	"  cmpl %edi, %eax\n"
	"  jne loop_loaded_top\n"
	"1: popl %edi\n"
	"  ret\n"
	"loop_bytes:\n"
	"  pushl %ebx\n"
	"  pushl %esi\n"
	"  movl 12(%esp), %ecx\n"
	"  movl 16(%esp), %esi\n"
	"  xorl %eax, %eax\n"
	"  jmp loop_bytes_top\n"
	".balign 16\n"
	"loop_bytes_top:\n"
	"  movzbl (%ecx), %ebx\n"
	"  movzbl 1(%ecx), %edx\n"
	"  addl $2, %ecx\n"
	"  addl %ebx, %eax\n"
	"  cmpl %esi, %ecx\n"
	"  je 1f\n"
	"  cmpb %dl, %bl\n"
	"  jne loop_bytes_top\n"
	"1: popl %esi\n"
	"  popl %ebx\n"
	"  ret\n"
	"loop_store:\n"
	"  pushl %esi\n"
	"  movl 8(%esp), %ecx\n"
	"  movl 12(%esp), %esi\n"
	"  xorl %eax, %eax\n"
	"  jmp loop_store_top\n"
	".balign 16\n"
	"loop_store_top:\n"
	"  movl %ecx, (%ecx)\n"
	"  addl $4, %ecx\n"
	"  incl %eax\n"
	"  cmpl %esi, %ecx\n"
	"  jne loop_store_top\n"
	"  popl %esi\n"
	"  ret\n"
	"loop_shift:\n"
	"  pushl %esi\n"
	"  movl 8(%esp), %ecx\n"
	"  movl 12(%esp), %esi\n"
	"  movl $-1, %eax\n"
	"  xorl %edx, %edx\n"
	"  jmp loop_shift_top\n"
	".balign 16\n"
	"loop_shift_top:\n"
	"  movzbl (%ecx), %edx\n"
	"  incl %ecx\n"
	"  xorb %al, %dl\n"
	"  shrl $8, %eax\n"
	"  movzbl %dl, %edx\n"
	"  xorl 0x400000(,%edx,4), %eax\n"
	"  cmpl %esi, %ecx\n"
	"  jne loop_shift_top\n"
	"  popl %esi\n"
	"  ret\n"
	"loop_lea:\n"
	"  pushl %esi\n"
	"  movl 8(%esp), %ecx\n"
	"  movl 12(%esp), %esi\n"
	"  xorl %eax, %eax\n"
	"  jmp loop_lea_top\n"
	".balign 16\n"
	"loop_lea_top:\n"
	"  leal 4(%ecx), %ecx\n"
	"  movl -4(%ecx), %edx\n"
	"  addl %edx, %eax\n"
	"  cmpl %esi, %ecx\n"
	"  jne loop_lea_top\n"
	"  popl %esi\n"
	"  ret\n");

static void run(const char *name, uint32_t (*fn)(uint32_t, uint32_t), const char *top,
		uint32_t start, uint32_t end)
{
	pt1[1] &= ~PG_P;
	invlpg(V_NP);
	pf_count = 0;
	uint32_t r = fn(start, end);
	printf("%s from %x: result %x, %u fault(s)", name, start, r, pf_count);
	if (pf_count)
		printf(", cr2 %x at top+%u, flags %03x", pf_cr2, pf_eip - (uint32_t)top,
		       pf_eflags & 0x8d5);
	printf("\n");
}

int main(const char *cmdline)
{
	(void)cmdline;
	sys_init();
	trap_hook = pf_hook;
	for (uint32_t i = 0; i < 1024; i++)
		pt0[i] = (i << 12) | PG_P | PG_W;
	pt1[0] = (uint32_t)pages[0] | PG_P | PG_W;
	pt1[1] = (uint32_t)pages[1] | PG_W;
	pd[0] = (uint32_t)pt0 | PG_P | PG_W;
	pd[1] = (uint32_t)pt1 | PG_P | PG_W;
	/* bytes that differ in each pair loop_bytes compares */
	uint8_t *bytes = (uint8_t *)pages;
	for (uint32_t j = 0; j < sizeof(pages); j += 2) {
		bytes[j] = (uint8_t)(j * 7 >> 1 & 0x7f);
		bytes[j + 1] = (uint8_t)(0x80 | (j >> 1 & 0x7f));
	}
	wr_cr(3, (uint32_t)pd);
	wr_cr(0, rd_cr(0) | 0x80000000u);

	/* Each from three places: the fault in a later round (the way round),
	 * in the first (flags from before the loop), and after many rounds;
	 * then on to the end, the page mapped. */
	static const struct {
		const char *name;
		uint32_t (*fn)(uint32_t, uint32_t);
		const char *top;
		uint32_t end, far, far_end;
	} loops[] = {
		{ "loop_keep", loop_keep, loop_keep_top, V_NP + 16, V_OK, V_NP + 8 },
		{ "loop_loaded", loop_loaded, loop_loaded_top, V_NP + 16, V_OK, V_NP + 8 },
		{ "loop_bytes", loop_bytes, loop_bytes_top, V_NP + 4096, V_OK + 2, V_NP + 4096 },
		{ "loop_store", loop_store, loop_store_top, V_NP + 16, V_OK, V_NP + 8 },
		{ "loop_shift", loop_shift, loop_shift_top, V_NP + 16, V_OK + 3072, V_NP + 8 },
		{ "loop_lea", loop_lea, loop_lea_top, V_NP + 16, V_OK, V_NP + 8 },
	};
	for (unsigned i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
		const uint32_t from[3] = { V_NP - 16, V_NP, loops[i].far };
		for (int k = 0; k < 3; k++)
			run(loops[i].name, loops[i].fn, loops[i].top, from[k],
			    k < 2 ? loops[i].end : loops[i].far_end);
	}
	return 0;
}
