/*
 * gdbtarget - a guest for tests/gdb.test.sh, built with debug info: gdb
 * breaks in add_step() by name, reads `total` and the argument register,
 * and watches `total` change.  With "spin" on the command line it loops
 * until stopped (for gdb's Ctrl-C).  Its output is the same under QEMU.
 */
#include "guest.h"

volatile uint32_t total = 0x1000;
volatile uint32_t marker = 0xcafef00d;

/* noinline: gdb breaks on it by name; regparm: its argument is in EAX. */
__attribute__((noinline, regparm(1))) uint32_t add_step(uint32_t n)
{
	total += n;
	return total;
}

int main(const char *cmdline)
{
	size_t n = strlen(cmdline);
	if (n >= 5 && !strcmp(cmdline + n - 5, " spin"))
		for (;;)
			marker++;
	for (uint32_t i = 1; i <= 5; i++)
		add_step(i * 3);
	printf("gdbtarget: total=%u marker=%x\n", (unsigned)total, (unsigned)marker);
	return 0;
}
