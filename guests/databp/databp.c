/*
 * databp - data breakpoints in DR0-DR3 (DR7 R/W = 01 write, 11 read/write).
 * A data breakpoint is a trap: the #DB handler sees EIP after the access,
 * DR6 names the breakpoint(s) that matched.  Covered: write-only versus
 * read/write, lengths 1, 2 and 4 with the address aligned down by the CPU,
 * a byte store inside a dword breakpoint, neighbours that do not overlap,
 * the store half of a string instruction, a local (L) and a global (G)
 * enable, and DR7 cleared again.
 *
 * Left out because QEMU 7.2 is not a reference for them (bt86 follows the
 * SDM): QEMU does not align a breakpoint's address down to its length, and
 * when one instruction meets two breakpoints its DR6 names only the first.
 */
#include "guest.h"
#include "idt.h"

static volatile unsigned hits, last_dr6, last_eip;
static volatile unsigned char data[32] __attribute__((aligned(16)));

struct frame {
	unsigned eip, cs, eflags;
};

void db_body(struct frame *f)
{
	unsigned dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	hits++;
	last_dr6 = dr6 & 0xf;
	last_eip = f->eip;
	__asm__ volatile("mov %0, %%dr6" : : "r"(0u));
}

extern void db_entry(void);
__asm__(".globl db_entry\n"
	"db_entry:\n"
	"  pushal\n"
	"  lea 32(%esp), %eax\n"
	"  push %eax\n"
	"  call db_body\n"
	"  add $4, %esp\n"
	"  popal\n"
	"  iret\n");

/* Each probe is one instruction followed by a label: a trap lands there. */
extern char after_store32[], after_store8[], after_load32[], after_movs[];

static void __attribute__((noinline)) store32(volatile void *p, unsigned v)
{
	__asm__ volatile("movl %1, (%0)\n.globl after_store32\nafter_store32:"
			 : : "r"(p), "r"(v) : "memory");
}

static void __attribute__((noinline)) store8(volatile void *p, unsigned char v)
{
	__asm__ volatile("movb %1, (%0)\n.globl after_store8\nafter_store8:"
			 : : "r"(p), "q"(v) : "memory");
}

static unsigned __attribute__((noinline)) load32(volatile void *p)
{
	unsigned v;

	__asm__ volatile("movl (%1), %0\n.globl after_load32\nafter_load32:"
			 : "=r"(v) : "r"(p) : "memory");
	return v;
}

static void __attribute__((noinline)) movs4(volatile void *dst, volatile void *src)
{
	__asm__ volatile("cld\n\tmovsl\n.globl after_movs\nafter_movs:"
			 : "+D"(dst), "+S"(src) : : "memory");
}

static void set_dr(int n, unsigned v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%dr0" : : "r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%dr1" : : "r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%dr2" : : "r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%dr3" : : "r"(v)); break;
	case 7: __asm__ volatile("mov %0, %%dr7" : : "r"(v)); break;
	}
}

/* DR7 bits for breakpoint n: enable (1 L, 2 G), R/W and LEN codes. */
static unsigned dr7_bits(int n, unsigned enable, unsigned rw, unsigned len)
{
	return enable << (2 * n) | rw << (16 + 4 * n) | len << (18 + 4 * n);
}

static void report(const char *what, const char *after)
{
	printf("%-44s hits=%u dr6=%x eip=%s\n", what, hits, hits ? last_dr6 : 0,
	       !hits ? "-" : last_eip == (unsigned)after ? "after" : "elsewhere");
	hits = 0;
	last_dr6 = 0;
}

int main(const char *cmdline __attribute__((unused)))
{
	unsigned base = (unsigned)data;

	idt_set(1, db_entry);
	idt_load();

	/* DR1: write, 4 bytes at data+8. */
	set_dr(1, base + 8);
	set_dr(7, dr7_bits(1, 1, 1, 3));
	store32(data + 8, 1);
	report("write bp, dword store on it", after_store32);
	store8(data + 10, 2);
	report("write bp, byte store inside", after_store8);
	store32(data + 12, 3);
	report("write bp, dword store next to it", after_store32);
	store32(data + 4, 4);
	report("write bp, dword store before it", after_store32);
	(void)load32(data + 8);
	report("write bp, dword load on it", after_load32);

	/* DR1 read/write; the address is aligned down to the length. */
	set_dr(1, base + 9);
	set_dr(7, dr7_bits(1, 2, 3, 1));
	(void)load32(data + 6);
	report("rw bp (len 2, at +9 -> +8), load +6..+9", after_load32);
	(void)load32(data + 2);
	report("rw bp (len 2), load +2..+5", after_load32);

	/* DR3: write 4 at +20, reached by the store half of a MOVS. */
	set_dr(3, base + 20);
	set_dr(7, dr7_bits(3, 1, 1, 3));
	movs4(data + 20, data + 16);
	report("write bp, movs onto it", after_movs);

	/* DR0: read/write, 1 byte at +16. */
	set_dr(0, base + 16);
	set_dr(7, dr7_bits(0, 2, 3, 0));
	store8(data + 17, 5);
	report("len 1 bp, byte store next to it", after_store8);
	store8(data + 16, 5);
	report("len 1 bp, byte store on it", after_store8);

	set_dr(7, 0);
	store32(data + 8, 6);
	store32(data + 20, 7);
	report("all off", after_store32);
	return 0;
}
