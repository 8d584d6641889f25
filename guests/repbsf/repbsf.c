/*
 * repbsf - F3 0F BC / F3 0F BD ("rep bsf", "rep bsr"; TZCNT and LZCNT on
 * CPUs with BMI1/LZCNT) on an i686 without them: the prefix is ignored and
 * they are BSF/BSR, zero source included (ZF set, destination unchanged).
 * Linux's __ffs() is written this way.  Checked against qemu-system-i386,
 * whose default CPU has no BMI1 either.
 */
#include "guest.h"

static void one(const char *name, unsigned src, int rev)
{
	unsigned dst = 0x5555aaaau, fl;
	if (rev)
		__asm__ volatile("rep; bsr %2, %0\n\tpushf\n\tpop %1" : "+r"(dst), "=r"(fl) : "rm"(src) : "cc");
	else
		__asm__ volatile("rep; bsf %2, %0\n\tpushf\n\tpop %1" : "+r"(dst), "=r"(fl) : "rm"(src) : "cc");
	printf("%s %08x -> %08x ZF=%u\n", name, src, dst, (fl >> 6) & 1);
}

static void one16(unsigned short src)
{
	unsigned short dst = 0x1234;
	unsigned fl;
	__asm__ volatile("rep; bsfw %2, %0\n\tpushf\n\tpop %1" : "+r"(dst), "=r"(fl) : "rm"(src) : "cc");
	printf("rep bsfw %04x -> %04x ZF=%u\n", src, dst, (fl >> 6) & 1);
}

int main(const char *cmdline)
{
	(void)cmdline;
	static const unsigned v[] = { 0, 1, 0x80000000u, 0x00f00000u, 0x12345678u, 0xfffffff0u };
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		one("rep bsf", v[i], 0);
		one("rep bsr", v[i], 1);
	}
	one16(0);
	one16(0x0100);
	return 0;
}
