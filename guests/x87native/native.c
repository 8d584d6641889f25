/*
 * native.c - the native twin of the x87native guest: the same core.o as a
 * static 32-bit Linux program without libc (guests/lib/native_twin.c),
 * printing on stdout and exiting 0.
 */
#include "native_twin.h"
#include "x87native.h"

void x87n_out(const char *line)
{
	native_write(line);
}

void twin_main(void)
{
	x87n_run();
}

/* core.c formats with guests/lib/printf.o, whose printf() needs these. */
int putchar(int c)
{
	char s[2] = { (char)c, 0 };

	native_write(s);
	return c;
}

int puts(const char *s)
{
	native_write(s);
	native_write("\n");
	return 0;
}
