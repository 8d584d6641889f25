/* hello - the smallest guest: greet, echo the command line, exit 0. */
#include "guest.h"

int main(const char *cmdline)
{
	puts("Hello from bt86 guest!");
	printf("cmdline: \"%s\"\n", cmdline);
	return 0;
}
