/* mandel - escape-time Mandelbrot: one iteration is one row of 64 points
 * (at most 256 steps each), walking down a window over the set's edge. The
 * checksum mixes the step counts. */
#define BENCH_FP
#include "shim.h"

#define W 64
#define ROWS 256
#define MAXIT 256

uint32_t bench_run(uint32_t n)
{
	uint32_t h = 0;

	for (uint32_t it = 0; it < n; it++) {
		double ci = -1.0 + 2.0 * (double)(it % ROWS) / ROWS;
		uint32_t row = 0;

		for (int x = 0; x < W; x++) {
			double cr = -2.0 + 2.5 * x / W, zr = 0, zi = 0;
			int k = 0;

			while (k < MAXIT && zr * zr + zi * zi <= 4.0) {
				double t = zr * zr - zi * zi + cr;

				zi = 2 * zr * zi + ci;
				zr = t;
				k++;
			}
			row = row * 33 + (uint32_t)k;
		}
		h = bench_mix(h, row);
	}
	return h;
}
