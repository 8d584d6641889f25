/* strsearch - count the occurrences of a pattern in 16 KiB of text over a
 * small alphabet, with Boyer-Moore-Horspool, a new pattern each iteration
 * (taken from the text, so there is always at least one match). */
#include "shim.h"

#define LEN 16384
#define ALPHA "etaoin shrdlu"

static uint8_t text[LEN];

static uint32_t horspool(const uint8_t *pat, int m)
{
	int skip[256];
	uint32_t count = 0;

	for (int i = 0; i < 256; i++)
		skip[i] = m;
	for (int i = 0; i < m - 1; i++)
		skip[pat[i]] = m - 1 - i;
	for (int pos = 0; pos + m <= LEN; pos += skip[text[pos + m - 1]]) {
		int j = m - 1;

		while (j >= 0 && text[pos + j] == pat[j])
			j--;
		if (j < 0)
			count += (uint32_t)pos + 1;
	}
	return count;
}

uint32_t bench_run(uint32_t n)
{
	uint32_t seed = 13, h = 0;

	for (int i = 0; i < LEN; i++)
		text[i] = (uint8_t)ALPHA[bench_rand(&seed) % (sizeof(ALPHA) - 1)];
	for (uint32_t it = 0; it < n; it++) {
		int m = 4 + (int)(it % 5);
		uint32_t at = bench_rand(&seed) % (LEN - 16);

		h = bench_mix(h, horspool(text + at, m));
	}
	return h;
}
