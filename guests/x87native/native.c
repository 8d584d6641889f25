/*
 * native.c - the native twin of the x87native guest: the same core.o as a
 * static 32-bit Linux program without libc. Output goes to stdout through
 * write(2); the exit status is 0. Linux i386 system calls use INT 0x80.
 */
#include <stddef.h>
#include <stdint.h>

#include "x87native.h"

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
	return ret;
}

void x87n_out(const char *line)
{
	size_t n = 0;

	while (line[n])
		n++;
	while (n > 0) {
		long w = sys3(4 /* write */, 1, (long)line, (long)n);

		if (w <= 0)
			sys3(1 /* exit */, 1, 0, 0);
		line += w;
		n -= (size_t)w;
	}
}

void native_main(void) __attribute__((noreturn, used));

void native_main(void)
{
	x87n_run();
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

/* core.c formats with guests/lib/printf.o, whose printf() needs these. */
int putchar(int c)
{
	char s[2] = { (char)c, 0 };

	x87n_out(s);
	return c;
}

int puts(const char *s)
{
	x87n_out(s);
	x87n_out("\n");
	return 0;
}
