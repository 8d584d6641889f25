/*
 * bench.c - the demo OS's timed commands.
 *
 *  bench     pure computation, nothing for a monitor to do: integer mixing
 *            (xorshift and multiply), a sieve of Eratosthenes, table CRC-32;
 *  pf        the page-fault path: each access faults, the handler maps the
 *            page and unmaps the previous one with INVLPG (mm.c);
 *  syscalls  privilege changes: INT 0x80 + IRET and SYSENTER + SYSEXIT
 *            round trips from ring 3.
 *
 * Each prints PIT ticks (10 ms) and the TSC-based time, the cost of one
 * operation and the rate. Results that can be checked (prime count, CRC)
 * are printed too, so a test can compare them.
 */
#include "demo.h"

void meter_start(struct meter *m)
{
	m->t0 = ticks;
	m->c0 = rdtsc();
}

/* "name  N unit  T ticks  X ms  Y us/op  Z/s", within 80 columns */
void meter_report(struct meter *m, const char *name, uint32_t n, const char *unit)
{
	uint64_t c = rdtsc() - m->c0;
	uint32_t t = ticks - m->t0;
	uint64_t ns = tsc_to_ns(c), ps_per, rate;

	if (!ns)	/* no TSC: ticks only */
		ns = (uint64_t)t * (1000000000 / HZ);
	ps_per = n ? ns * 1000 / n : 0;
	rate = ns ? (uint64_t)n * 1000000000 / ns : 0;
	kprintf("  %-8s %8u %-5s %4u ticks %7llu.%03llu ms %5llu.%03llu us/op %8llu/s\n",
		name, n, unit, t, ns / 1000000, ns / 1000 % 1000, ps_per / 1000000,
		ps_per / 1000 % 1000, rate);
}

/* ------------------------------------------------------------ bench */

static uint8_t sieve_buf[65536];
static uint8_t crc_buf[65536];
static uint32_t crc_table[256];

static uint32_t mix(uint32_t n)
{
	uint32_t x = 2463534242u, acc = 0;

	for (uint32_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		acc = acc * 31 + (x >> 3) + i;
	}
	return acc;
}

static uint32_t sieve(void)
{
	uint32_t count = 0;

	memset(sieve_buf, 1, sizeof(sieve_buf));
	sieve_buf[0] = sieve_buf[1] = 0;
	for (uint32_t i = 2; i * i < sizeof(sieve_buf); i++)
		if (sieve_buf[i])
			for (uint32_t j = i * i; j < sizeof(sieve_buf); j += i)
				sieve_buf[j] = 0;
	for (uint32_t i = 0; i < sizeof(sieve_buf); i++)
		count += sieve_buf[i];
	return count;
}

/* CRC-32 (IEEE), also the checksum of the fork and disk workloads. */
uint32_t crc32(const void *buf, size_t n, uint32_t crc)
{
	const uint8_t *p = buf;

	if (!crc_table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void cmd_bench(uint32_t scale)
{
	struct meter m;
	uint32_t mix_n = 10000000 * scale, sieve_n = 50 * scale, crc_n = 128 * scale;
	uint32_t r, primes = 0, crc = 0;

	for (uint32_t i = 0; i < sizeof(crc_buf); i++)
		crc_buf[i] = (uint8_t)(i * 7 + (i >> 8));

	meter_start(&m);
	r = mix(mix_n);
	meter_report(&m, "integer", mix_n, "iter");

	meter_start(&m);
	for (uint32_t i = 0; i < sieve_n; i++)
		primes = sieve();
	meter_report(&m, "sieve", sieve_n, "sieve");

	meter_start(&m);
	for (uint32_t i = 0; i < crc_n; i++)
		crc = crc32(crc_buf, sizeof(crc_buf), crc);
	meter_report(&m, "crc32", crc_n * 64, "KiB");

	kprintf("  check: mix %08x, %u primes below 65536, crc32 %08x\n", r, primes, crc);
}

/* ------------------------------------------------------------ pf */

void cmd_pf(uint32_t n)
{
	struct meter m;
	uint32_t bad = 0;

	demand_reset();
	meter_start(&m);
	for (uint32_t i = 0; i < n; i++) {
		volatile uint32_t *p =
			(volatile uint32_t *)(DEMAND_BASE + (i % DEMAND_PAGES) * 4096 +
					      (i * 4 & 0xfff));

		*p = i;		/* faults: the page was unmapped */
		bad += *p != i;
	}
	meter_report(&m, "pf", n, "fault");
	kprintf("  %u faults taken for %u touches, %u bad values\n", demand_faults, n, bad);
	demand_reset();
}

/* ------------------------------------------------------------ syscalls */

static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint32_t user_n, user_bad;

static inline void user_exit(void)
{
	__asm__ volatile("int $0x80" : : "a"(0) : "memory");
	for (;;)
		;
}

/* These two run at CPL3. */
static void user_int80(void)
{
	for (uint32_t i = 0; i < user_n; i++) {
		uint32_t r;

		__asm__ volatile("int $0x80" : "=a"(r) : "a"(1) : "memory");
		user_bad += r != 2;
	}
	user_exit();
}

static void user_sysenter(void)
{
	for (uint32_t i = 0; i < user_n; i++)
		__asm__ volatile("movl %%esp, %%ecx\n\t"
				 "movl $1f, %%edx\n\t"
				 "sysenter\n"
				 "1:"
				 : : : "ecx", "edx", "memory", "cc");
	user_exit();
}

void cmd_syscalls(uint32_t n)
{
	struct meter m;
	uint32_t user_esp = (uint32_t)(user_stack + sizeof(user_stack));

	user_n = n;
	user_bad = 0;
	meter_start(&m);
	enter_user(user_int80, user_esp);
	meter_report(&m, "int 0x80", n, "call");
	if (user_bad)
		kprintf("  %u calls returned a wrong value\n", user_bad);

	if (!(cpu_features() & CPUID_SEP)) {
		kprintf("  no SYSENTER (CPUID.01H:EDX.SEP is clear)\n");
		return;
	}
	sysenter_calls = 0;
	meter_start(&m);
	enter_user(user_sysenter, user_esp);
	meter_report(&m, "sysenter", n, "call");
	if (sysenter_calls != n)
		kprintf("  %u SYSENTER calls arrived, not %u\n", sysenter_calls, n);
}
