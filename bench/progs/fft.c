/* fft - iterative radix-2 complex FFT of 256 points, forward then inverse
 * (which must give the input back), of a new integer signal every iteration.
 * The twiddles come from our own sine (Taylor series after range reduction),
 * not libm, so every engine starts from the same bits. */
#define BENCH_FP
#include "shim.h"

#define N 256
#define PI 3.141592653589793

static double re[N], im[N], wr[N / 2], wi[N / 2];
static int32_t sig[N];

/* sin(x) for |x| <= pi/2. */
static double sin_small(double x)
{
	double x2 = x * x, term = x, sum = x;

	for (int k = 1; k < 12; k++) {
		term *= -x2 / ((2 * k) * (2 * k + 1));
		sum += term;
	}
	return sum;
}

static void twiddles(void)
{
	for (int k = 0; k < N / 2; k++) {
		double a = 2 * PI * k / N;	/* [0, pi) */

		wi[k] = -(a <= PI / 2 ? sin_small(a) : sin_small(PI - a));
		wr[k] = a <= PI / 2 ? sin_small(PI / 2 - a) : -sin_small(a - PI / 2);
	}
}

static void fft(int inverse)
{
	for (int i = 1, j = 0; i < N; i++) {
		int bit = N >> 1;

		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			double t = re[i];

			re[i] = re[j], re[j] = t;
			t = im[i], im[i] = im[j], im[j] = t;
		}
	}
	for (int len = 2; len <= N; len <<= 1) {
		int step = N / len;

		for (int i = 0; i < N; i += len)
			for (int k = 0; k < len / 2; k++) {
				double c = wr[k * step], s = inverse ? -wi[k * step] : wi[k * step];
				double ur = re[i + k], ui = im[i + k];
				double vr = re[i + k + len / 2] * c - im[i + k + len / 2] * s;
				double vi = re[i + k + len / 2] * s + im[i + k + len / 2] * c;

				re[i + k] = ur + vr, im[i + k] = ui + vi;
				re[i + k + len / 2] = ur - vr, im[i + k + len / 2] = ui - vi;
			}
	}
}

uint32_t bench_run(uint32_t n)
{
	uint32_t seed = 19, h = 0;

	twiddles();
	for (uint32_t it = 0; it < n; it++) {
		for (int i = 0; i < N; i++) {
			sig[i] = (int32_t)(bench_rand(&seed) % 2001) - 1000;
			re[i] = sig[i];
			im[i] = 0;
		}
		fft(0);
		/* A spectral line, rounded: the same bits everywhere or WRONG. */
		h = bench_mix(h, (uint32_t)(int32_t)(re[it % N] * 16));
		fft(1);
		for (int i = 0; i < N; i++) {
			double v = re[i] / N;
			int32_t r = (int32_t)(v < 0 ? v - 0.5 : v + 0.5);

			if (r != sig[i])
				return 0xbad;
		}
	}
	return h;
}
