/*
 * exitcode - exit with the decimal number given on the command line.
 *
 * Multiboot loaders (QEMU, GRUB) put the kernel's path before the -append
 * string, so the number is taken from the last word of the command line.
 */
#include "guest.h"

int main(const char *cmdline)
{
	const char *word = cmdline;
	int v = 0;

	for (const char *p = cmdline; *p; p++)
		if (*p == ' ' && p[1] && p[1] != ' ')
			word = p + 1;
	while (*word >= '0' && *word <= '9')
		v = v * 10 + (*word++ - '0');
	printf("exiting with %d\n", v);
	return v;
}
