/*
 * isahash - hash the results and defined flags of thousands of integer
 * instructions, one line per group (the workload is in core.c, shared with
 * the native twin built from native.c; see there).
 */
#include "guest.h"
#include "isahash.h"

void isahash_out(const char *line)
{
	while (*line)
		putchar(*line++);
}

int main(const char *cmdline)
{
	(void)cmdline;
	isahash_run();
	return 0;
}
