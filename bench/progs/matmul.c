/* matmul - 32x32 integer matrix product; each iteration feeds the product
 * back into A, so the work chains from one iteration to the next. */
#include "shim.h"

#define D 32

static uint32_t a[D][D], b[D][D], c[D][D];

uint32_t bench_run(uint32_t n)
{
	uint32_t seed = 3, h = 0;

	for (int i = 0; i < D; i++)
		for (int j = 0; j < D; j++) {
			a[i][j] = bench_rand(&seed) & 0xff;
			b[i][j] = bench_rand(&seed) & 0xff;
		}
	for (uint32_t it = 0; it < n; it++) {
		for (int i = 0; i < D; i++)
			for (int j = 0; j < D; j++) {
				uint32_t s = 0;

				for (int k = 0; k < D; k++)
					s += a[i][k] * b[k][j];
				c[i][j] = s;
			}
		for (int i = 0; i < D; i++)
			for (int j = 0; j < D; j++)
				a[i][j] = (c[i][j] >> 4) & 0xff;
		h = bench_mix(h, c[it % D][(it / D) % D]);
	}
	return h;
}
