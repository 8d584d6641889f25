/*
 * integer - a workout of the integer code gcc -m32 -O2 emits for plain C.
 *
 * Each line names an area and prints its results or a checksum, so that a
 * difference from expected.out points at the area that went wrong. Inputs
 * go through "volatile" or noinline functions so that the compiler cannot
 * fold the arithmetic away at build time.
 */
#include "guest.h"

#define NOINLINE __attribute__((noinline))

static uint32_t lcg_state = 12345;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return lcg_state;
}

/* FNV-1a, to reduce a series of values to one printable checksum. */
static uint32_t mix(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (i * 8)) & 0xff;
		h *= 16777619u;
	}
	return h;
}

static uint32_t mix64(uint32_t h, uint64_t v)
{
	return mix(mix(h, (uint32_t)v), (uint32_t)(v >> 32));
}

static void test_8_16(void)
{
	volatile int8_t a = 100, b = 57;
	volatile uint8_t ua = 200, ub = 77;
	volatile int16_t c = 30000, d = -12345;
	volatile uint16_t uc = 60000, ud = 7777;
	int8_t s8 = (int8_t)(a + b);
	uint8_t u8 = (uint8_t)(ua + ub);
	int16_t s16 = (int16_t)(c - d);
	uint16_t u16 = (uint16_t)(uc * ud);

	printf("int8:  %d %d %d %d %d\n", s8, (int8_t)(a * b), a / (int8_t)-7,
	       a % (int8_t)-7, (int8_t)(-a) >> 2);
	printf("uint8: %u %u %u %u %u\n", u8, (uint8_t)(ua * ub), ua / ub, ua % ub,
	       (uint8_t)(ua << 1) >> 1);
	printf("int16: %d %d %d %d %d\n", s16, (int16_t)(c * d), c / d, c % d,
	       d >> 3);
	printf("uint16: %u %u %u %u %u\n", u16, (uint16_t)(uc + ud), uc / ud,
	       uc % ud, (uint16_t)~uc);
	printf("extend: %d %u %d %u\n", (int)(int8_t)ua, (unsigned)(uint8_t)d,
	       (int)(int16_t)uc, (unsigned)(uint16_t)c);
}

static void test_32(void)
{
	volatile int32_t a = 123456789, b = -98765, z = 0x7fffffff;
	volatile uint32_t ua = 0xdeadbeef, ub = 0x12345;

	printf("int32: %d %d %d %d %d %d\n", a + b, a - b, a * b, a / b, a % b,
	       -a / 7);
	printf("uint32: %u %u %u %u %u\n", ua + ub, ua - ub, ua * ub, ua / ub,
	       ua % ub);
	printf("shift32: %x %x %d %x %x\n", ua << 5, ua >> 7, b >> 4,
	       (uint32_t)b >> 4, ua << (ub & 31));
	printf("logic32: %08x %08x %08x %08x\n", ua & ub, ua | ub, ua ^ ub, ~ua);
	printf("wrap32: %d %d %u %u\n", (int32_t)((uint32_t)z + 1),
	       (int32_t)((uint32_t)z * 2), (uint32_t)0 - ub, ua + ua);
	printf("neg32: %d %d %d\n", -b, b < 0 ? -b : b, -(a / 3));
}

static void test_64(void)
{
	volatile int64_t a = 1234567890123456789ll, b = -987654321ll;
	volatile uint64_t ua = 0xfedcba9876543210ull, ub = 0x1234567ull;
	volatile uint64_t big = 0xffffffff00000001ull;
	volatile int sh = 37;

	printf("int64 add/sub: %lld %lld\n", a + b, a - b);
	printf("int64 mul: %lld %lld\n", a * b, b * b);
	printf("int64 div/mod: %lld %lld %lld %lld\n", a / b, a % b, -a / 1000,
	       -a % 1000);
	printf("uint64 mul: %llx %llu\n", ua * ub, big * big);
	printf("uint64 div/mod: %llu %llu %llx %llx\n", ua / ub, ua % ub,
	       ua / big, ua % big);
	printf("shift64: %llx %llx %lld %llx %llx\n", ua << sh, ua >> sh, b >> sh,
	       ua << 4, ua >> 60);
	printf("shift64 small: %llx %llx %lld\n", ua << 1, ua >> 31, a >> 63);
	printf("cmp64: %d %d %d %d %d\n", a > b, ua > big, (int64_t)ua < 0,
	       ub <= ua, a == a + 0);
	printf("conv64: %d %u %lld %llu\n", (int)a, (unsigned)ua, (int64_t)(int32_t)b,
	       (uint64_t)(uint32_t)b);
	printf("int64 min: %lld %llu\n", (int64_t)0x8000000000000000ull,
	       (uint64_t)-1);

	uint32_t h = 2166136261u;
	for (int i = 0; i < 200; i++) {
		uint64_t x = (uint64_t)lcg() << 32 | lcg();
		uint64_t y = ((uint64_t)lcg() << (i % 32)) | 1;
		int64_t sx = (int64_t)x, sy = (int64_t)y - (int64_t)(i * 7919);

		h = mix64(h, x * y);
		h = mix64(h, x / y);
		h = mix64(h, x % y);
		h = mix64(h, sy ? sx / sy : 0);
		h = mix64(h, sy ? sx % sy : 0);
		h = mix64(h, x >> (i % 64));
		h = mix64(h, x << (i % 64));
		h = mix64(h, (uint64_t)(sx >> (i % 64)));
		h = mix64(h, (uint64_t)(x < y) << 1 | (sx < sy));
	}
	printf("int64 loop: %08x\n", h);
}

static void test_compare(void)
{
	volatile int32_t v[] = { -5, 0, 7, 0x7fffffff, (int32_t)0x80000000, 7 };
	uint32_t h = 2166136261u;
	int n = sizeof(v) / sizeof(v[0]);

	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			int32_t x = v[i], y = v[j];
			uint32_t ux = x, uy = y;
			unsigned bits = (x < y) | (x <= y) << 1 | (x > y) << 2 |
					(x >= y) << 3 | (x == y) << 4 |
					(x != y) << 5 | (ux < uy) << 6 |
					(ux <= uy) << 7 | (ux > uy) << 8 |
					(ux >= uy) << 9;
			h = mix(h, bits);
		}
	printf("compare: %08x\n", h);

	volatile int8_t c1 = -1;
	volatile uint8_t c2 = 255;
	volatile int16_t c3 = -1;
	printf("compare small: %d %d %d %d\n", c1 < 0, c2 > 127, c1 == (int8_t)c2,
	       c3 < (int16_t)c1 + 1);
}

NOINLINE static int popcount_loop(uint32_t x)
{
	int n = 0;

	while (x) {
		x &= x - 1;
		n++;
	}
	return n;
}

NOINLINE static uint32_t rotl(uint32_t x, unsigned r)
{
	return (x << (r & 31)) | (x >> ((32 - r) & 31));
}

NOINLINE static uint32_t rotr(uint32_t x, unsigned r)
{
	return (x >> (r & 31)) | (x << ((32 - r) & 31));
}

NOINLINE static uint32_t reverse_bits(uint32_t x)
{
	uint32_t r = 0;

	for (int i = 0; i < 32; i++, x >>= 1)
		r = (r << 1) | (x & 1);
	return r;
}

static void test_bits(void)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 64; i++) {
		uint32_t x = lcg() | 1;

		h = mix(h, popcount_loop(x));
		h = mix(h, rotl(x, i));
		h = mix(h, rotr(x, i * 3));
		h = mix(h, __builtin_clz(x));
		h = mix(h, __builtin_ctz(x));
		h = mix(h, __builtin_bswap32(x));
		h = mix(h, reverse_bits(x));
		h = mix(h, x & -x);
	}
	volatile uint32_t v = 0x00f0f000;
	printf("bits: %08x clz=%d ctz=%d pop=%d bswap=%08x rotl=%08x rotr=%08x\n", h,
	       __builtin_clz(v), __builtin_ctz(v), popcount_loop(v),
	       __builtin_bswap32(v), rotl(v, 12), rotr(v, 12));
}

NOINLINE static int classify(int x)
{
	switch (x) {
	case 0: return 10;
	case 1: return 21;
	case 2: return 32;
	case 3: return 43;
	case 4: return 54;
	case 5: return 65;
	case 6: return 76;
	case 7: return 87;
	case 9: return 109;
	case 11: return 1111;
	case 12: return 1212;
	default: return -1;
	}
}

NOINLINE static const char *name_of(unsigned x)
{
	switch (x) {
	case 100: return "hundred";
	case 101: return "hundred-one";
	case 102: return "hundred-two";
	case 104: return "hundred-four";
	case 105: return "hundred-five";
	case 106: return "hundred-six";
	case 107: return "hundred-seven";
	default: return "other";
	}
}

static void test_switch(void)
{
	int sum = 0;

	for (int i = -3; i < 16; i++)
		sum = sum * 3 + classify(i);
	printf("switch: %d %s %s %s\n", sum, name_of(100), name_of(103),
	       name_of(107));
}

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_xor(int a, int b) { return a ^ b; }

static void test_fnptr(void)
{
	int (*const ops[])(int, int) = { op_add, op_sub, op_mul, op_xor };
	int (*volatile f)(int, int);
	int acc = 1;

	for (int i = 0; i < 20; i++) {
		f = ops[i % 4];
		acc = f(acc, i + 3);
	}
	printf("fnptr: %d\n", acc);
}

NOINLINE static uint32_t fib(uint32_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

NOINLINE static uint32_t ackermann(uint32_t m, uint32_t n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static void test_recursion(void)
{
	printf("fib(25)=%u ackermann(2,3)=%u ackermann(3,3)=%u\n", fib(25),
	       ackermann(2, 3), ackermann(3, 3));
}

struct point {
	int32_t x, y;
	int16_t tag;
	uint8_t flags;
	int64_t weight;
};

NOINLINE static struct point point_add(struct point a, struct point b)
{
	struct point r = { a.x + b.x, a.y + b.y, (int16_t)(a.tag ^ b.tag),
			   (uint8_t)(a.flags | b.flags), a.weight * b.weight };
	return r;
}

static void test_struct(void)
{
	struct point a = { 3, -4, 0x1234, 0x81, 1000000007 };
	struct point b = { -10, 20, 0x0ff0, 0x18, -3 };
	struct point c = point_add(a, b);
	struct point d = point_add(c, c);

	printf("struct: %d %d %x %x %lld / %d %d %x %x %lld\n", c.x, c.y, c.tag,
	       c.flags, c.weight, d.x, d.y, d.tag, d.flags, d.weight);
}

#define SIEVE_N 10000
static uint8_t composite[SIEVE_N];

static void test_sieve(void)
{
	int count = 0, last = 0;
	uint32_t sum = 0;

	for (int i = 2; i < SIEVE_N; i++) {
		if (composite[i])
			continue;
		count++;
		last = i;
		sum += i;
		for (int j = i * i; j < SIEVE_N; j += i)
			composite[j] = 1;
	}
	printf("sieve: %d primes below %d, last %d, sum %u\n", count, SIEVE_N, last,
	       sum);
}

static uint32_t crc_table[256];

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	if (!crc_table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;

			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
			crc_table[i] = v;
		}
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint8_t buffer[4096];

static void test_crc(void)
{
	for (size_t i = 0; i < sizeof(buffer); i++)
		buffer[i] = (uint8_t)(lcg() >> 16);
	printf("crc32: %08x %08x %08x\n", crc32((const uint8_t *)"123456789", 9),
	       crc32(buffer, sizeof(buffer)), crc32(buffer + 1, 1000));
}

static void quicksort(int32_t *a, int lo, int hi)
{
	while (lo < hi) {
		int32_t pivot = a[lo + (hi - lo) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				int32_t t = a[i];

				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

#define SORT_N 2000
static int32_t sort_buf[SORT_N];

static void test_sort(void)
{
	uint32_t h = 2166136261u;
	int sorted = 1;

	for (int i = 0; i < SORT_N; i++)
		sort_buf[i] = (int32_t)lcg() >> 8;
	quicksort(sort_buf, 0, SORT_N - 1);
	for (int i = 0; i < SORT_N; i++) {
		if (i && sort_buf[i - 1] > sort_buf[i])
			sorted = 0;
		h = mix(h, sort_buf[i]);
	}
	printf("qsort: sorted=%d min=%d max=%d median=%d hash=%08x\n", sorted,
	       sort_buf[0], sort_buf[SORT_N - 1], sort_buf[SORT_N / 2], h);
}

static void test_strings(void)
{
	char a[64], b[64];
	const char *s = "The quick brown fox jumps over the lazy dog";

	strcpy(a, s);
	memcpy(b, a, sizeof(a));
	memmove(b + 4, b, 20);
	memset(a + 40, '#', 3);
	printf("string: len=%u cmp=%d,%d,%d ncmp=%d chr=%s\n", (unsigned)strlen(s),
	       strcmp(s, a) > 0, strcmp("abc", "abd") < 0, strcmp("x", "x"),
	       strncmp("abcdef", "abcxyz", 3), strchr(s, 'j'));
	printf("string: a=\"%s\" b=\"%.30s\" memcmp=%d %d\n", a, b,
	       memcmp(a, s, 40), memcmp(a, s, 41) > 0);
	printf("string: strchr nul=%d missing=%d\n", strchr(s, '\0') == s + strlen(s),
	       strchr(s, '!') == NULL);
}

static void test_printf(void)
{
	char buf[16];
	int n;

	printf("printf: [%d] [%i] [%u] [%x] [%X] [%o] [%c] [%s] [%%]\n", -42, 42,
	       3000000000u, 0xbeefu, 0xbeefu, 8u, 'Z', "str");
	printf("printf: [%5d] [%-5d] [%05d] [%05d] [%2d]\n", 42, 42, 42, -42, 12345);
	printf("printf: [%8x] [%08X] [%-8o] [%3c] [%-3c]\n", 0xabcu, 0xabcu, 0777u,
	       'q', 'q');
	printf("printf: [%10s] [%-10s] [%.3s] [%8.2s] [%-8.4s] [%s]\n", "right",
	       "left", "truncate", "ab-cd", "abcdefg", "");
	printf("printf: [%ld] [%lu] [%lx] [%lld] [%llu] [%llx] [%016llX]\n",
	       -123456789l, 4000000000ul, 0xcafebabeul, -9223372036854775807ll - 1,
	       18446744073709551615ull, 0x123456789abcdefull, 0xfedcba987654321ull);
	printf("printf: [%d] [%d] [%u] [%x] [%o]\n", 0, (int)0x80000000, 0u, 0u, 0u);
	printf("printf: [%p] [%*d] [%-*d] [%.*s]\n", (void *)0x1234, 6, 7, 6, 7, 2,
	       "xyz");
	n = snprintf(buf, sizeof(buf), "%s-%d-%s", "truncated", 12345, "output");
	printf("snprintf: n=%d buf=\"%s\"\n", n, buf);
	n = snprintf(buf, 1, "abc");
	printf("snprintf: n=%d empty=%d\n", n, buf[0] == '\0');
}

int main(const char *cmdline)
{
	(void)cmdline;
	puts("integer: start");
	test_8_16();
	test_32();
	test_64();
	test_compare();
	test_bits();
	test_switch();
	test_fnptr();
	test_recursion();
	test_struct();
	test_sieve();
	test_crc();
	test_sort();
	test_strings();
	test_printf();
	puts("integer: done");
	return 0;
}
