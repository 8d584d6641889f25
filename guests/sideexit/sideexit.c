/*
 * sideexit - loops whose conditional jumps the translator may turn into
 * side exits: a rotated inner loop entered by a jump into its middle, whose
 * back edge (a Jcc back into the block's own span) is a side exit, inside
 * an outer loop whose back edge goes to the block's start.  The routine is
 * in assembly so that its layout is fixed; tests/logs.test.sh reads the
 * shape of its blocks from -d op.  Each result is checked against the same
 * computation in C.
 */
#include "guest.h"

/*
 * runs(p = eax, n = edx): the sum over i < n of the length of the run of
 * bytes equal to p[i] that follows it (p[n] must differ from p[n - 1]).
 */
__attribute__((regparm(2))) uint32_t runs(const uint8_t *p, uint32_t n);
__asm__(
	".text\n"
	".globl runs\n"
	".globl runs_outer\n"
	".globl runs_body\n"
	"runs:\n"
	"	push %ebx\n"
	"	push %esi\n"
	"	push %edi\n"
	"	xor %esi, %esi\n"
	"	xor %ecx, %ecx\n"
	"runs_outer:\n"
	"	mov %ecx, %edi\n"
	"	jmp 2f\n"
	"runs_body:\n"
	"	inc %edi\n"
	"2:	movzbl 1(%eax,%edi), %ebx\n"
	"	cmp %bl, (%eax,%edi)\n"
	"	je runs_body\n"
	"	sub %ecx, %edi\n"
	"	add %edi, %esi\n"
	"	inc %ecx\n"
	"	cmp %edx, %ecx\n"
	"	jb runs_outer\n"
	"	mov %esi, %eax\n"
	"	pop %edi\n"
	"	pop %esi\n"
	"	pop %ebx\n"
	"	ret\n");

static uint32_t runs_c(const uint8_t *p, uint32_t n)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = i;

		while (p[j + 1] == p[j])
			j++;
		sum += j - i;
	}
	return sum;
}

static uint8_t text[4097];

int main(const char *cmdline)
{
	uint32_t seed = 7;
	int bad = 0;

	(void)cmdline;
	/* one letter (a single run), then two, then three */
	for (uint32_t k = 0; k < 4; k++) {
		uint32_t n = 16u << (2 * k);

		for (uint32_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = (uint8_t)('a' + (seed >> 16) % (k + 1 < 3 ? k + 1 : 3));
		}
		text[n] = (uint8_t)(text[n - 1] ^ 1);
		uint32_t got = runs(text, n), want = runs_c(text, n);
		printf("n=%u runs=%u%s\n", n, got, got == want ? "" : " WRONG");
		bad |= got != want;
	}
	puts(bad ? "sideexit: FAIL" : "sideexit: ok");
	return bad;
}
