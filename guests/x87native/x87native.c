/*
 * x87native - x87 behaviour that QEMU cannot vouch for (transcendentals,
 * stack faults, FNSTENV's reserved words), compared with the host CPU
 * running the same core.c natively (tests/x87-native.test.sh).
 */
#include "guest.h"
#include "x87native.h"

void x87n_out(const char *line)
{
	while (*line)
		putchar(*line++);
}

int main(const char *cmdline)
{
	(void)cmdline;
	x87n_run();
	return 0;
}
