/*
 * shim.h - one source, two programs: a benchmark NAME.c defines
 *	uint32_t bench_run(uint32_t n);
 * (n iterations of its work, returning a checksum of the results) and
 * includes this header once. Built with -DBENCH_GUEST it becomes a multiboot
 * guest (guests/lib runtime) that reads "n=N" from its command line; built
 * plainly it is a host program that reads N from argv[1]. Both print the
 * same line, "checksum XXXXXXXX", so the runner can prove that every engine
 * did the same work.
 *
 * A program using floating point defines BENCH_FP first: the guest then
 * rounds x87 results to double precision, so that its 80-bit registers give
 * bit for bit what the host's SSE doubles give (no exponent ever gets near
 * the double limits in these programs, the only other difference).
 */
#ifndef BENCH_SHIM_H
#define BENCH_SHIM_H

#include <stddef.h>
#include <stdint.h>

uint32_t bench_run(uint32_t n);

/* xorshift32: the same pseudo-random data on every engine. */
static inline uint32_t bench_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static inline uint32_t bench_mix(uint32_t h, uint32_t v)
{
	return (h ^ v) * 0x01000193u + (h >> 15);
}

#ifdef BENCH_GUEST
#include "guest.h"

static uint32_t bench_arg(const char *start, const char *key)
{
	size_t k = strlen(key);

	for (const char *s = start; *s; s++) {
		if ((s == start || s[-1] == ' ') && !strncmp(s, key, k)) {
			uint32_t v = 0;

			for (s += k; *s >= '0' && *s <= '9'; s++)
				v = v * 10 + (uint32_t)(*s - '0');
			return v;
		}
	}
	return 0;
}

/* The whole command line, for programs that take more than n. */
static const char *bench_cmdline;

int main(const char *cmdline)
{
	/* The guest sees "FILE ARGS": the key must start a word. */
	uint32_t n = bench_arg(cmdline, "n=");

	bench_cmdline = cmdline;
	if (!n) {
		printf("usage: -append \"n=ITERATIONS\" (got \"%s\")\n", cmdline);
		return 2;
	}
#ifdef BENCH_FP
	{
		/* Precision control = double, all exceptions masked. */
		uint16_t cw = 0x027f;

		__asm__ volatile("fninit\n\tfldcw %0" : : "m"(cw));
	}
#endif
	printf("checksum %08x\n", bench_run(n));
	return 0;
}
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *end;
	unsigned long n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ITERATIONS\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[1], &end, 10);
	if (*end || !n || n > 0xffffffffUL) {
		fprintf(stderr, "%s: bad iteration count '%s'\n", argv[0], argv[1]);
		return 2;
	}
	printf("checksum %08x\n", (unsigned)bench_run((uint32_t)n));
	return 0;
}
#endif

#endif
