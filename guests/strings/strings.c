/*
 * strings - the x86 string instructions, forwards (cld) and backwards (std).
 *
 * rep movsb/movsw/movsd, rep stosb/stosd, repe cmpsb, repne scasb and lodsb
 * are run through inline assembly over a range of sizes and alignments,
 * then memcpy/memmove/memset of odd sizes. Each line prints a checksum of the
 * buffers together with the final ESI/EDI/ECX values, which the
 * instructions define exactly.
 */
#include "guest.h"

#define BUF 512

static uint8_t src[BUF], dst[BUF];

static uint32_t hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void fill(void)
{
	for (int i = 0; i < BUF; i++) {
		src[i] = (uint8_t)(i * 7 + 3);
		dst[i] = (uint8_t)(0xa5 ^ i);
	}
}

/* Offsets of the final pointers from the start of each buffer. */
static void report(const char *what, const uint8_t *s, const uint8_t *d,
		   uint32_t ecx)
{
	printf("%-12s dst=%08x esi=%d edi=%d ecx=%u\n", what, hash(dst, BUF),
	       s ? (int)(s - src) : 0, d ? (int)(d - dst) : 0, ecx);
}

static void test_movs(void)
{
	static const int sizes[] = { 0, 1, 3, 4, 7, 16, 33, 100 };
	uint32_t sum = 2166136261u;

	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
				const uint8_t *s = src + a;
				uint8_t *d = dst + b + 8;
				uint32_t n = sizes[k];

				fill();
				__asm__ volatile("cld; rep movsb"
						 : "+S"(s), "+D"(d), "+c"(n) : : "memory");
				sum = (sum ^ hash(dst, BUF)) * 16777619u;
				sum = (sum ^ (uint32_t)(s - src)) * 16777619u;
				sum = (sum ^ (uint32_t)(d - dst)) * 16777619u;
				sum = (sum ^ n) * 16777619u;
			}
	printf("movsb aligns  %08x\n", sum);

	const uint8_t *s;
	uint8_t *d;
	uint32_t n;

	fill();
	s = src + 1, d = dst + 2, n = 37;
	__asm__ volatile("cld; rep movsl" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	report("movsd fwd", s, d, n);

	fill();
	s = src + 3, d = dst + 5, n = 41;
	__asm__ volatile("cld; rep movsw" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	report("movsw fwd", s, d, n);

	fill();
	s = src + 200, d = dst + 301, n = 150;
	__asm__ volatile("std; rep movsb; cld" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	report("movsb back", s, d, n);

	fill();
	s = src + 400, d = dst + 402, n = 60;
	__asm__ volatile("std; rep movsl; cld" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	report("movsd back", s, d, n);

	/* Overlapping forward copy replicates the first bytes, like a memset. */
	fill();
	d = dst + 3, s = dst, n = 40;
	__asm__ volatile("cld; rep movsb" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	report("movsb ovl", NULL, d, n);
	printf("             s-dst=%d\n", (int)(s - dst));
}

static void test_stos(void)
{
	uint8_t *d;
	uint32_t n;

	fill();
	d = dst + 7, n = 99;
	__asm__ volatile("cld; rep stosb" : "+D"(d), "+c"(n) : "a"(0x5a) : "memory");
	report("stosb fwd", NULL, d, n);

	fill();
	d = dst + 2, n = 33;
	__asm__ volatile("cld; rep stosl" : "+D"(d), "+c"(n) : "a"(0x11223344) : "memory");
	report("stosd fwd", NULL, d, n);

	fill();
	d = dst + 500, n = 77;
	__asm__ volatile("std; rep stosb; cld" : "+D"(d), "+c"(n) : "a"(0xc3) : "memory");
	report("stosb back", NULL, d, n);

	fill();
	d = dst + 300, n = 50;
	__asm__ volatile("std; rep stosl; cld" : "+D"(d), "+c"(n) : "a"(0xdeadbeef) : "memory");
	report("stosd back", NULL, d, n);

	fill();
	d = dst + 10, n = 0;
	__asm__ volatile("cld; rep stosb" : "+D"(d), "+c"(n) : "a"(0xff) : "memory");
	report("stosb zero", NULL, d, n);
}

/* repe cmpsb: returns ECX left and the flags' verdict. */
static void cmps(const char *what, const char *a, const char *b, uint32_t n,
		 int backwards)
{
	const char *s = a, *d = b;
	uint8_t below, equal;

	if (backwards) {
		s += n - 1;
		d += n - 1;
		__asm__ volatile("std; cmp %%esi, %%esi; repe cmpsb; cld; setb %3; sete %4"
				 : "+S"(s), "+D"(d), "+c"(n), "=q"(below), "=q"(equal)
				 : : "memory", "cc");
	} else {
		__asm__ volatile("cld; cmp %%esi, %%esi; repe cmpsb; setb %3; sete %4"
				 : "+S"(s), "+D"(d), "+c"(n), "=q"(below), "=q"(equal)
				 : : "memory", "cc");
	}
	printf("%-12s ecx=%u esi=%d edi=%d below=%u equal=%u\n", what, n,
	       (int)(s - a), (int)(d - b), below, equal);
}

static void scas(const char *what, const char *p, uint32_t n, char c,
		 int backwards)
{
	const char *d = backwards ? p + n - 1 : p;
	uint8_t found;

	if (backwards)
		__asm__ volatile("std; repne scasb; cld; sete %2"
				 : "+D"(d), "+c"(n), "=q"(found)
				 : "a"(c) : "memory", "cc");
	else
		__asm__ volatile("cld; repne scasb; sete %2"
				 : "+D"(d), "+c"(n), "=q"(found)
				 : "a"(c) : "memory", "cc");
	printf("%-12s ecx=%u edi=%d found=%u\n", what, n, (int)(d - p), found);
}

static void test_cmps_scas(void)
{
	static const char a[] = "compare these two strings carefully";
	static const char b[] = "compare these two strinGs carefully";
	static const char c[] = "Compare these two strings carefullY";

	cmps("cmpsb equal", a, a, sizeof(a), 0);
	cmps("cmpsb diff", a, b, sizeof(a), 0);
	cmps("cmpsb diff2", b, a, sizeof(a), 0);
	cmps("cmpsb back", a, b, sizeof(a) - 1, 1);
	cmps("cmpsb back2", a, c, sizeof(a) - 1, 1);
	cmps("cmpsb zero", a, b, 0, 0);

	scas("scasb fwd", a, sizeof(a), 't', 0);
	scas("scasb nul", a, 0xffffffff, 0, 0);
	scas("scasb miss", a, sizeof(a), 'z', 0);
	scas("scasb back", a, sizeof(a) - 1, 'e', 1);
	scas("scasb back2", a, sizeof(a) - 1, 'c', 1);
}

static void test_lods(void)
{
	const uint8_t *s = src + 5;
	uint32_t sum = 0, v;

	fill();
	for (int i = 0; i < 20; i++) {
		__asm__ volatile("cld; lodsb" : "+S"(s), "=a"(v) : "1"(0x12345600u) : "memory");
		sum = sum * 31 + v;
	}
	__asm__ volatile("std; lodsl; cld" : "+S"(s), "=a"(v) : : "memory");
	sum = sum * 31 + v;
	printf("lods         sum=%08x esi=%d\n", sum, (int)(s - src));
}

static void test_libc(void)
{
	uint32_t h = 2166136261u;

	for (int a = 0; a < 8; a++)
		for (int n = 0; n < 70; n += 3) {
			fill();
			memcpy(dst + a, src + (7 - a), n);
			memset(dst + 200 + n, a * 17, 2 * n + a);
			memmove(dst + 100 + a, dst + 98, n);
			memmove(dst + 400, dst + 403 - a, n);
			h = (h ^ hash(dst, BUF)) * 16777619u;
			h = (h ^ (uint32_t)memcmp(dst + a, src + (7 - a), n)) * 16777619u;
		}
	printf("libc memops  %08x\n", h);
}

int main(const char *cmdline)
{
	(void)cmdline;
	test_movs();
	test_stos();
	test_cmps_scas();
	test_lods();
	test_libc();
	puts("strings: done");
	return 0;
}
