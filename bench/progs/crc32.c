/* crc32 - table-driven CRC-32 (IEEE 802.3, reflected) over a 4 KiB buffer
 * that each iteration perturbs, so no iteration can be skipped. */
#include "shim.h"

#define LEN 4096

static uint32_t table[256];
static uint8_t buf[LEN];

uint32_t bench_run(uint32_t n)
{
	uint32_t seed = 1, crc = 0;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
		table[i] = c;
	}
	for (int i = 0; i < LEN; i++)
		buf[i] = (uint8_t)bench_rand(&seed);
	for (uint32_t it = 0; it < n; it++) {
		uint32_t c = ~0u;

		for (int i = 0; i < LEN; i++)
			c = table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
		crc = ~c;
		buf[it % LEN] ^= (uint8_t)crc;
	}
	return crc;
}
