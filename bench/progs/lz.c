/* lz - an LZ77-style compressor (hash of the next 3 bytes into a table of
 * last positions, greedy longest match within a 4 KiB window, literal runs
 * and (length, distance) pairs), then the decompressor, which must give the
 * input back. 8 KiB of text-like input, a little changed every iteration. */
#include "shim.h"

#define LEN 8192
#define WINDOW 4096
#define HBITS 12
#define MIN_MATCH 3
#define MAX_MATCH 130

/* A 3-byte match between literals costs 4 bytes: the output can outgrow LEN. */
static uint8_t in[LEN], out[2 * LEN], back[LEN];
static int32_t head[1 << HBITS];

static inline uint32_t hash3(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HBITS);
}

/* Output: 0xxxxxxx = x+1 literals follow; 1xxxxxxx dd dd = match of x+3 bytes. */
static uint32_t compress(void)
{
	uint32_t o = 0, lit_at = 0, lits = 0;

	for (int i = 0; i < (1 << HBITS); i++)
		head[i] = -WINDOW - 1;
	for (uint32_t i = 0; i < LEN;) {
		uint32_t best = 0, dist = 0;

		if (i + MIN_MATCH <= LEN) {
			uint32_t hv = hash3(in + i);
			int32_t cand = head[hv];

			head[hv] = (int32_t)i;
			if (cand >= 0 && i - (uint32_t)cand <= WINDOW) {
				uint32_t len = 0;

				while (len < MAX_MATCH && i + len < LEN && in[cand + len] == in[i + len])
					len++;
				if (len >= MIN_MATCH)
					best = len, dist = i - (uint32_t)cand;
			}
		}
		if (best) {
			if (lits)
				out[lit_at] = (uint8_t)(lits - 1), lits = 0;
			out[o++] = (uint8_t)(0x80 | (best - MIN_MATCH));
			out[o++] = (uint8_t)dist;
			out[o++] = (uint8_t)(dist >> 8);
			for (uint32_t k = 1; k < best && i + k + MIN_MATCH <= LEN; k++)
				head[hash3(in + i + k)] = (int32_t)(i + k);
			i += best;
		} else {
			if (!lits)
				lit_at = o++;
			out[o++] = in[i++];
			if (++lits == 128)
				out[lit_at] = 127, lits = 0;
		}
	}
	if (lits)
		out[lit_at] = (uint8_t)(lits - 1);
	return o;
}

static uint32_t decompress(uint32_t len)
{
	uint32_t o = 0;

	for (uint32_t i = 0; i < len;) {
		uint8_t c = out[i++];

		if (c & 0x80) {
			uint32_t m = (c & 0x7fu) + MIN_MATCH;
			uint32_t d = out[i] | (uint32_t)out[i + 1] << 8;

			i += 2;
			for (uint32_t k = 0; k < m; k++, o++)
				back[o] = back[o - d];
		} else {
			for (uint32_t k = 0; k <= c; k++)
				back[o++] = out[i++];
		}
	}
	return o;
}

uint32_t bench_run(uint32_t n)
{
	static const char *const words[] = {
		"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
		"virtual ", "machine ", "monitor ", "translator ", "page ", "fault ",
	};
	uint32_t seed = 17, h = 0, i = 0;

	while (i < LEN) {
		const char *w = words[bench_rand(&seed) % 14];

		while (*w && i < LEN)
			in[i++] = (uint8_t)*w++;
	}
	for (uint32_t it = 0; it < n; it++) {
		uint32_t clen, dlen, at = bench_rand(&seed) % LEN;
		uint8_t keep = in[at];

		/* One changed byte, put back afterwards: the input stays text. */
		in[at] = (uint8_t)('a' + it % 26);
		clen = compress();
		dlen = decompress(clen);
		if (dlen != LEN || memcmp(in, back, LEN))
			return 0xbad;
		h = bench_mix(h, clen);
		in[at] = keep;
	}
	return h;
}
