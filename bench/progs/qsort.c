/* qsort - quicksort (median of three, insertion sort below 16) of 2048
 * pseudo-random integers, refilled every iteration. */
#include "shim.h"

#define LEN 2048

static uint32_t v[LEN];

static void insertion(uint32_t *p, int len)
{
	for (int i = 1; i < len; i++) {
		uint32_t x = p[i];
		int j = i - 1;

		while (j >= 0 && p[j] > x) {
			p[j + 1] = p[j];
			j--;
		}
		p[j + 1] = x;
	}
}

static void swap(uint32_t *x, uint32_t *y)
{
	uint32_t t = *x;

	*x = *y;
	*y = t;
}

static void quicksort(uint32_t *p, int len)
{
	while (len > 16) {
		int mid = len / 2, i = 0, j = len - 1;
		uint32_t pivot;

		if (p[mid] < p[0])
			swap(&p[mid], &p[0]);
		if (p[len - 1] < p[0])
			swap(&p[len - 1], &p[0]);
		if (p[len - 1] < p[mid])
			swap(&p[len - 1], &p[mid]);
		pivot = p[mid];
		for (;;) {
			while (p[i] < pivot)
				i++;
			while (p[j] > pivot)
				j--;
			if (i >= j)
				break;
			swap(&p[i++], &p[j--]);
		}
		/* Recurse into the smaller half: the stack stays O(log n). */
		if (j + 1 < len - j - 1) {
			quicksort(p, j + 1);
			p += j + 1;
			len -= j + 1;
		} else {
			quicksort(p + j + 1, len - j - 1);
			len = j + 1;
		}
	}
	insertion(p, len);
}

uint32_t bench_run(uint32_t n)
{
	uint32_t seed = 11, h = 0;

	for (uint32_t it = 0; it < n; it++) {
		for (int i = 0; i < LEN; i++)
			v[i] = bench_rand(&seed);
		quicksort(v, LEN);
		for (int i = 1; i < LEN; i++)
			if (v[i - 1] > v[i])
				return 0xbad;
		h = bench_mix(h, v[it % LEN]);
	}
	return h;
}
