/*
 * native_twin.c - the Linux side of a guest's native twin: stdout through
 * write(2) and an entry point, with i386 system calls through INT 0x80.
 */
#include <stddef.h>

#include "native_twin.h"

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
	return ret;
}

void native_write(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	while (n > 0) {
		long w = sys3(4 /* write */, 1, (long)s, (long)n);

		if (w <= 0)
			sys3(1 /* exit */, 1, 0, 0);
		s += w;
		n -= (size_t)w;
	}
}

void native_main(void) __attribute__((noreturn, used));

void native_main(void)
{
	twin_main();
	sys3(1 /* exit */, 0, 0, 0);
	__builtin_unreachable();
}

/* Entry: align the stack (the kernel leaves argc at ESP) and call main. */
__asm__("	.text\n"
	"	.globl _start\n"
	"	.type _start, @function\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	andl $-16, %esp\n"
	"	call native_main\n"
	"	hlt\n"
	"	.size _start, . - _start\n");
