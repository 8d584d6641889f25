/*
 * twin32.c - the Linux side of a benchmark's i686 native twin: the guest's
 * own object bench/progs/NAME.o (the very code bt86 and QEMU run, shim.h's
 * guest main() included) linked as a static 32-bit Linux program without
 * libc, with guests/lib's printf.o and string.o. So "x native i686" compares
 * identical machine code, which a glibc x86-64 build of the same C cannot.
 *
 * The twin's arguments become the guest command line, "FILE ARGS" as the
 * multiboot loader passes it: `bench/progs/crc32-i686 n=50` is the native
 * run of `bt86 -kernel bench/progs/crc32.elf -append n=50`. main's return
 * value is the exit status. System calls are i386's, through INT 0x80.
 */
#include "guest.h"

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
	return ret;
}

static void __attribute__((noreturn)) sys_exit(int status)
{
	sys3(1 /* exit */, status, 0, 0);
	__builtin_unreachable();
}

/* stdout, flushed at each newline so that a crash loses nothing printed. */
static char obuf[256];
static size_t olen;

static void flush(void)
{
	const char *s = obuf;

	while (olen > 0) {
		long w = sys3(4 /* write */, 1, (long)s, (long)olen);

		if (w <= 0)
			sys_exit(1);
		s += w;
		olen -= (size_t)w;
	}
}

int putchar(int c)
{
	obuf[olen++] = (char)c;
	if (c == '\n' || olen == sizeof(obuf))
		flush();
	return c;
}

int puts(const char *s)
{
	while (*s)
		putchar(*s++);
	putchar('\n');
	return 0;
}

/* The guest's exit() leaves through a port; here it is exit(2). */
void exit(int status)
{
	flush();
	sys_exit(status);
}

void abort(void)
{
	puts("abort()");
	exit(0x7f);
}

static char cmdline[1024];

void twin_start(uint32_t *sp) __attribute__((noreturn, used));

void twin_start(uint32_t *sp)
{
	uint32_t argc = sp[0];
	char **argv = (char **)(sp + 1);
	size_t len = 0;

	for (uint32_t i = 0; i < argc; i++) {
		size_t k = strlen(argv[i]);

		if (len + k + 2 > sizeof(cmdline)) {
			puts("twin32: command line too long");
			exit(2);
		}
		if (i)
			cmdline[len++] = ' ';
		memcpy(cmdline + len, argv[i], k);
		len += k;
	}
	cmdline[len] = 0;
	exit(main(cmdline));
}

/* Entry: the kernel leaves argc at ESP; align the stack and pass it on. */
__asm__("	.text\n"
	"	.globl _start\n"
	"	.type _start, @function\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	movl %esp, %eax\n"
	"	andl $-16, %esp\n"
	"	subl $12, %esp\n"
	"	pushl %eax\n"
	"	call twin_start\n"
	"	hlt\n"
	"	.size _start, . - _start\n");
