/*
 * native.c - the native twin of the isahash guest: the same core.o as a
 * static 32-bit Linux program without libc (guests/lib/native_twin.c),
 * printing on stdout and exiting 0.
 */
#include "isahash.h"
#include "native_twin.h"

void isahash_out(const char *line)
{
	native_write(line);
}

void twin_main(void)
{
	isahash_run();
}
