/*
 * core.c - the isahash workload, shared by the guest and its native twin.
 *
 * Runs thousands of integer instructions on pseudo-random operands (xorshift32
 * with a fixed seed) and hashes their results and the arithmetic flags that
 * Intel defines for each of them (CF PF AF ZF SF OF; a flag documented as
 * "unaffected" is defined too: it must keep its random input value). One line
 * "group hash" per instruction group goes through isahash_out().
 *
 * The same object file is linked into the guest (isahash.c) and into a native
 * 32-bit Linux program (native.c), so the lines can be checked against real
 * hardware. Nothing hashed may depend on where the data lives: pointers are
 * hashed as offsets from their buffer, and the stack buffer is 64 KiB aligned
 * so that 16-bit pushes of SP/BP carry the same low bits everywhere.
 *
 * Every asm statement loads EFLAGS with POPF and reads it back with PUSHF (or
 * LAHF+SETO where the stack is the thing under test). Memory operands are
 * always reached through a pointer in a register or a global symbol, never
 * through an ESP-relative address, because of those pushes.
 */
#include <stddef.h>
#include <stdint.h>

#include "isahash.h"

#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_OF 0x800u
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define F_DF 0x400u

#define ITER 512

/* ------------------------------------------------------------ random, hash */

static uint32_t rs = 0x2545f491u;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 17;
	rs ^= rs << 5;
	return rs;
}

static const uint32_t specials[] = {
	0, 1, 2, 3, 0x0f, 0x10, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100,
	0x7ffe, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0x10000, 0x7fffffff,
	0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x99, 0x09, 0x0a,
	0x55555555, 0xaaaaaaaa, 0x00ff00ff, 0xff00ff00,
};
#define NSPECIAL (sizeof(specials) / sizeof(specials[0]))

/* An operand: often an edge value of some width, else random. */
static uint32_t operand(void)
{
	uint32_t r = rnd();

	switch (r & 7) {
	case 0:
	case 1:
		return specials[(r >> 3) % NSPECIAL];
	case 2:
		return rnd() & 0xff;
	case 3:
		return (uint32_t)(int32_t)(int8_t)rnd();
	case 4:
		return specials[(r >> 3) % NSPECIAL] ^ (1u << ((r >> 12) & 31));
	case 5:
		return rnd() >> ((r >> 3) & 31);
	default:
		return rnd();
	}
}

/* Random arithmetic flags (bit 1 is always set in EFLAGS). */
static uint32_t rflags(void)
{
	return (rnd() & F_ALL) | 2;
}

static uint32_t H;

static void hv(uint32_t v)
{
	H ^= v;
	H *= 0x9e3779b1u;
	H ^= H >> 15;
}

static void hf(uint32_t f, uint32_t mask)
{
	hv(f & mask);
}

static void begin(void)
{
	H = 0x811c9dc5u;
}

static void end(const char *name)
{
	char line[48];
	size_t n = 0;

	while (*name && n < 32)
		line[n++] = *name++;
	line[n++] = ' ';
	for (int i = 28; i >= 0; i -= 4)
		line[n++] = "0123456789abcdef"[(H >> i) & 15];
	line[n++] = '\n';
	line[n] = 0;
	isahash_out(line);
}

/* ----------------------------------------------------------- asm plumbing */

#define UNP(...) __VA_ARGS__

/* Run insn with EFLAGS = fi, leave the resulting EFLAGS in fo. */
#define X(insn, outs, ins)                                                    \
	__asm__ volatile("push %[fi]\n\tpopf\n\t" insn "\n\tpushf\n\tpop %[fo]" \
			 : [fo] "=&r"(fo), UNP outs                           \
			 : [fi] "r"(fi), UNP ins                              \
			 : "cc", "memory")

static volatile uint32_t mem[8] __attribute__((aligned(16)));

/* Operand-size helpers: suffix, register modifier, register constraint. */
#define S8 "b"
#define M8 "b"
#define C8 "q"
#define S16 "w"
#define M16 "w"
#define C16 "r"
#define S32 "l"
#define M32 "k"
#define C32 "r"

/* ------------------------------------------------------------- ALU binary */

#define ALU(NAME, OPN, W, T, MASK, IMMS, IMML)                                \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T a = (T)operand(), b = (T)operand();                 \
			switch (i % 8) {                                      \
			case 0:                                               \
				X(OPN S##W " %" M##W "[b], %" M##W "[a]",     \
				  ([a] "+" C##W(a)), ([b] C##W(b)));          \
				break;                                        \
			case 1:                                               \
				mem[0] = b;                                   \
				X(OPN S##W " (%[p]), %" M##W "[a]",           \
				  ([a] "+" C##W(a)), ([p] "r"(mem)));         \
				break;                                        \
			case 2:                                               \
				mem[0] = a;                                   \
				X(OPN S##W " %" M##W "[b], (%[p])",           \
				  ([a] "+" C##W(a)),                          \
				  ([b] C##W(b), [p] "r"(mem)));               \
				a = (T)mem[0];                                \
				break;                                        \
			case 3:                                               \
				X(OPN S##W " " IMMS ", %" M##W "[a]",         \
				  ([a] "+" C##W(a)), ([b] C##W(b)));          \
				break;                                        \
			case 4:                                               \
				X(OPN S##W " " IMML ", %" M##W "[a]",         \
				  ([a] "+a"(a)), ([b] C##W(b)));              \
				break;                                        \
			case 5:                                               \
				mem[0] = a;                                   \
				X(OPN S##W " " IMMS ", (%[p])",               \
				  ([a] "+" C##W(a)), ([p] "r"(mem)));         \
				a = (T)mem[0];                                \
				break;                                        \
			case 6:                                               \
				X(OPN S##W " $-1, %" M##W "[a]",              \
				  ([a] "+" C##W(a)), ([b] C##W(b)));          \
				break;                                        \
			default:                                              \
				mem[0] = a;                                   \
				X(OPN S##W " " IMML ", (%[p])",               \
				  ([a] "+" C##W(a)), ([p] "r"(mem)));         \
				a = (T)mem[0];                                \
				break;                                        \
			}                                                     \
			hv(a);                                                \
			hf(fo, MASK);                                         \
		}                                                             \
		end(#NAME);                                                   \
	}

#define ALU3(OP, MASK)                                                         \
	ALU(OP##8, #OP, 8, uint8_t, MASK, "$0x7f", "$0x80")                   \
	ALU(OP##16, #OP, 16, uint16_t, MASK, "$-128", "$0x8000")              \
	ALU(OP##32, #OP, 32, uint32_t, MASK, "$0x7f", "$0x80000000")

#define F_LOGIC (F_ALL & ~F_AF)

ALU3(add, F_ALL)
ALU3(adc, F_ALL)
ALU3(sub, F_ALL)
ALU3(sbb, F_ALL)
ALU3(and, F_LOGIC)
ALU3(or, F_LOGIC)
ALU3(xor, F_LOGIC)
ALU3(cmp, F_ALL)
ALU3(test, F_LOGIC)

/* ------------------------------------------------------ inc dec neg not */

/* FF /0 and FF /1 on EAX: the forms gas never picks for inc/dec %eax. */
#define UNARY(NAME, OPN, W, T, LONGFORM)                                      \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T a = (T)operand();                                   \
			switch (i % 3) {                                      \
			case 0:                                               \
				X(OPN S##W " %" M##W "[a]",                   \
				  ([a] "+" C##W(a)), ([b] "r"(0)));           \
				break;                                        \
			case 1:                                               \
				mem[0] = a;                                   \
				X(OPN S##W " (%[p])", ([a] "+" C##W(a)),      \
				  ([p] "r"(mem)));                            \
				a = (T)mem[0];                                \
				break;                                        \
			default:                                              \
				X(LONGFORM, ([a] "+a"(a)), ([b] "r"(0)));     \
				break;                                        \
			}                                                     \
			hv(a);                                                \
			hf(fo, F_ALL);                                        \
		}                                                             \
		end(#NAME);                                                   \
	}

UNARY(inc8, "inc", 8, uint8_t, "incb %%al")
UNARY(inc16, "inc", 16, uint16_t, ".byte 0x66, 0xff, 0xc0")
UNARY(inc32, "inc", 32, uint32_t, ".byte 0xff, 0xc0")
UNARY(dec8, "dec", 8, uint8_t, "decb %%al")
UNARY(dec16, "dec", 16, uint16_t, ".byte 0x66, 0xff, 0xc8")
UNARY(dec32, "dec", 32, uint32_t, ".byte 0xff, 0xc8")
UNARY(neg8, "neg", 8, uint8_t, "negb %%al")
UNARY(neg16, "neg", 16, uint16_t, "negw %%ax")
UNARY(neg32, "neg", 32, uint32_t, "negl %%eax")
UNARY(not8, "not", 8, uint8_t, "notb %%al")
UNARY(not16, "not", 16, uint16_t, "notw %%ax")
UNARY(not32, "not", 32, uint32_t, "notl %%eax")

/* ------------------------------------------------- shifts and rotates */

enum { SHL, SHR, SAR, ROL, ROR, RCL, RCR };

/* The flags Intel defines after shift/rotate kind k of a w-bit operand. */
static uint32_t shift_mask(int k, int w, uint32_t count)
{
	uint32_t c = count & 31;
	uint32_t m;

	if (c == 0)
		return F_ALL;	/* nothing is affected */
	switch (k) {
	case SHL:
	case SHR:
	case SAR:
		m = F_CF | F_PF | F_ZF | F_SF;	/* AF undefined */
		if ((int)c >= w && k != SAR)
			m &= ~F_CF;	/* undefined for SHL/SHR count >= size */
		break;
	default:	/* rotates: SF ZF AF PF are not affected */
		m = F_ALL & ~F_OF;
		break;
	}
	if (c == 1)
		m |= F_OF;
	return m;
}

static uint32_t shift_count(void)
{
	uint32_t r = rnd();

	switch (r & 3) {
	case 0:
		return (r >> 2) & 7;
	case 1:
		return (r >> 2) & 63;
	default:
		return (r >> 2) & 31;
	}
}

#define SHI(OPN_, IMM, W)                                                     \
	do {                                                                  \
		X(OPN_ S##W " $" #IMM ", %" M##W "[a]", ([a] "+" C##W(a)),     \
		  ([b] "r"(0)));                                              \
		cnt = IMM;                                                    \
	} while (0)

#define SHIFT(NAME, OPN_, K, W, T, C1OPC, C1MODRM)                            \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0, cnt = 1;              \
			T a = (T)operand();                                   \
			switch (i % 7) {                                      \
			case 0:                                               \
				X(OPN_ S##W " $1, %" M##W "[a]",              \
				  ([a] "+" C##W(a)), ([b] "r"(0)));           \
				break;                                        \
			case 1:                                               \
				cnt = shift_count();                          \
				X(OPN_ S##W " %%cl, %" M##W "[a]",            \
				  ([a] "+" C##W(a)), ([c] "c"(cnt)));         \
				break;                                        \
			case 2:                                               \
				cnt = shift_count();                          \
				mem[0] = a;                                   \
				X(OPN_ S##W " %%cl, (%[p])",                  \
				  ([a] "+" C##W(a)),                          \
				  ([c] "c"(cnt), [p] "r"(mem)));              \
				a = (T)mem[0];                                \
				break;                                        \
			case 3:                                               \
				mem[0] = a;                                   \
				X(OPN_ S##W " $1, (%[p])", ([a] "+" C##W(a)), \
				  ([p] "r"(mem)));                            \
				a = (T)mem[0];                                \
				break;                                        \
			case 4:                                               \
				X(".byte " C1OPC ", " C1MODRM ", 1",          \
				  ([a] "+a"(a)), ([b] "r"(0)));               \
				break;                                        \
			default:                                              \
				switch ((i / 7) % 10) {                       \
				case 0: SHI(OPN_, 0, W); break;                     \
				case 1: SHI(OPN_, 2, W); break;                     \
				case 2: SHI(OPN_, 7, W); break;                     \
				case 3: SHI(OPN_, 8, W); break;                     \
				case 4: SHI(OPN_, 9, W); break;                     \
				case 5: SHI(OPN_, 15, W); break;                    \
				case 6: SHI(OPN_, 16, W); break;                    \
				case 7: SHI(OPN_, 17, W); break;                    \
				case 8: SHI(OPN_, 31, W); break;                    \
				default: SHI(OPN_, 33, W); break;                   \
				}                                             \
				break;                                        \
			}                                                     \
			hv(a);                                                \
			hf(fo, shift_mask(K, W, cnt));                        \
		}                                                             \
		end(#NAME);                                                   \
	}

#define SHIFT3(OP, K, MODRM)                                                  \
	SHIFT(OP##8, #OP, K, 8, uint8_t, "0xc0", MODRM)                       \
	SHIFT(OP##16, #OP, K, 16, uint16_t, "0x66, 0xc1", MODRM)              \
	SHIFT(OP##32, #OP, K, 32, uint32_t, "0xc1", MODRM)

SHIFT3(shl, SHL, "0xe0")
SHIFT3(shr, SHR, "0xe8")
SHIFT3(sar, SAR, "0xf8")
SHIFT3(rol, ROL, "0xc0")
SHIFT3(ror, ROR, "0xc8")
SHIFT3(rcl, RCL, "0xd0")
SHIFT3(rcr, RCR, "0xd8")

/* ------------------------------------------------------------ shld shrd */

/* Returns 0 when result and flags are undefined (count > operand size). */
static int dshift_mask(int w, uint32_t count, uint32_t *mask)
{
	uint32_t c = count & 31;

	if (c == 0) {
		*mask = F_ALL;
		return 1;
	}
	if ((int)c > w)
		return 0;
	*mask = F_CF | F_PF | F_ZF | F_SF | (c == 1 ? F_OF : 0);
	return 1;
}

#define DSI(OPN_, IMM, W)                                                     \
	do {                                                                  \
		X(OPN_ S##W " $" #IMM ", %" M##W "[b], %" M##W "[a]",         \
		  ([a] "+r"(a)), ([b] "r"(b)));                               \
		cnt = IMM;                                                    \
	} while (0)

#define DSHIFT(NAME, OPN_, W, T)                                              \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0, cnt = 0, mask;        \
			T a = (T)operand(), b = (T)operand();                 \
			switch (i % 3) {                                      \
			case 0:                                               \
				cnt = shift_count();                          \
				X(OPN_ S##W " %%cl, %" M##W "[b], %" M##W     \
					    "[a]",                            \
				  ([a] "+r"(a)), ([b] "r"(b), [c] "c"(cnt))); \
				break;                                        \
			case 1:                                               \
				cnt = shift_count();                          \
				mem[0] = a;                                   \
				X(OPN_ S##W " %%cl, %" M##W "[b], (%[p])",    \
				  ([a] "+r"(a)),                              \
				  ([b] "r"(b), [c] "c"(cnt), [p] "r"(mem)));  \
				a = (T)mem[0];                                \
				break;                                        \
			default:                                              \
				switch ((i / 3) % 8) {                        \
				case 0: DSI(OPN_, 0, W); break;                     \
				case 1: DSI(OPN_, 1, W); break;                     \
				case 2: DSI(OPN_, 4, W); break;                     \
				case 3: DSI(OPN_, 8, W); break;                     \
				case 4: DSI(OPN_, 15, W); break;                    \
				case 5: DSI(OPN_, 16, W); break;                    \
				case 6: DSI(OPN_, 31, W); break;                    \
				default: DSI(OPN_, 33, W); break;                   \
				}                                             \
				break;                                        \
			}                                                     \
			if (dshift_mask(W, cnt, &mask)) {                     \
				hv(a);                                        \
				hf(fo, mask);                                 \
			}                                                     \
		}                                                             \
		end(#NAME);                                                   \
	}

DSHIFT(shld16, "shld", 16, uint16_t)
DSHIFT(shld32, "shld", 32, uint32_t)
DSHIFT(shrd16, "shrd", 16, uint16_t)
DSHIFT(shrd32, "shrd", 32, uint32_t)

/* ------------------------------------------------------------ mul imul */

/* One-operand MUL/IMUL: EDX:EAX (or AX) result, only CF and OF defined. */
#define MUL1(NAME, OPN, W, T)                                                 \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			uint32_t a = operand(), d = operand();                \
			T b = (T)operand();                                   \
			if (i & 1) {                                          \
				X(OPN S##W " %" M##W "[b]",                   \
				  ([a] "+a"(a), [d] "+d"(d)), ([b] "q"(b)));  \
			} else {                                              \
				mem[0] = b;                                   \
				X(OPN S##W " (%[p])",                         \
				  ([a] "+a"(a), [d] "+d"(d)),                 \
				  ([p] "r"(mem)));                            \
			}                                                     \
			hv(a);                                                \
			hv(d);                                                \
			hf(fo, F_CF | F_OF);                                  \
		}                                                             \
		end(#NAME);                                                   \
	}

MUL1(mul8, "mul", 8, uint8_t)
MUL1(mul16, "mul", 16, uint16_t)
MUL1(mul32, "mul", 32, uint32_t)
MUL1(imul8, "imul", 8, uint8_t)
MUL1(imul16, "imul", 16, uint16_t)
MUL1(imul32, "imul", 32, uint32_t)

#define IMULN(NAME, W, T)                                                     \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T a = (T)operand(), b = (T)operand();                 \
			switch (i % 6) {                                      \
			case 0:                                               \
				X("imul" S##W " %" M##W "[b], %" M##W "[a]",  \
				  ([a] "+r"(a)), ([b] "r"(b)));               \
				break;                                        \
			case 1:                                               \
				mem[0] = b;                                   \
				X("imul" S##W " (%[p]), %" M##W "[a]",        \
				  ([a] "+r"(a)), ([p] "r"(mem)));             \
				break;                                        \
			case 2:                                               \
				X("imul" S##W " $-3, %" M##W "[b], %" M##W    \
				  "[a]",                                      \
				  ([a] "=&r"(a)), ([b] "r"(b)));              \
				break;                                        \
			case 3:                                               \
				X("imul" S##W " $0x7f, %" M##W "[b], %" M##W  \
				  "[a]",                                      \
				  ([a] "=&r"(a)), ([b] "r"(b)));              \
				break;                                        \
			case 4:                                               \
				X("imul" S##W " $0x1235, %" M##W "[b], %" M##W \
				  "[a]",                                      \
				  ([a] "=&r"(a)), ([b] "r"(b)));              \
				break;                                        \
			default:                                              \
				mem[0] = b;                                   \
				X("imul" S##W " $-0x4321, (%[p]), %" M##W     \
				  "[a]",                                      \
				  ([a] "=&r"(a)), ([p] "r"(mem)));            \
				break;                                        \
			}                                                     \
			hv(a);                                                \
			hf(fo, F_CF | F_OF);                                  \
		}                                                             \
		end(#NAME);                                                   \
	}

IMULN(imulN16, 16, uint16_t)
IMULN(imulN32, 32, uint32_t)

/* ------------------------------------------------------------- div idiv */

/* A nonzero divisor of varied magnitude, at most w bits. */
static uint32_t divisor(int w)
{
	uint32_t d;

	do {
		d = rnd() >> (rnd() % 32);
		if (w < 32)
			d &= (1u << w) - 1;
	} while (d == 0);
	return d;
}

/* Unsigned: high half of the dividend below the divisor. */
static void div_inputs(int w, uint32_t *hi, uint32_t *lo, uint32_t *d)
{
	*d = divisor(w);
	*hi = (rnd() >> (rnd() % 32)) % *d;
	*lo = rnd();
}

/* Signed: dividend = q*d + r with q representable, |r| < |d| of q*d's sign. */
static int64_t idiv_inputs(int w, int32_t *dv)
{
	int32_t d, q;
	uint32_t ad, r;
	int64_t prod;

	d = (int32_t)(divisor(w) << (32 - w)) >> (32 - w);	/* sign-extend */
	if (d == 0)
		d = -1;
	q = (int32_t)(operand() << (32 - w)) >> (32 - w);
	ad = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
	r = rnd() % ad;
	prod = (int64_t)q * d;
	*dv = d;
	if (prod < 0 || (prod == 0 && (rnd() & 1)))
		return prod - r;
	return prod + r;
}

static void t_div(int w, int sig, const char *name)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd(), d = rnd(), b, hi, lo;

		if (!sig) {
			div_inputs(w, &hi, &lo, &b);
		} else {
			int32_t sd;
			int64_t n = idiv_inputs(w, &sd);

			b = (uint32_t)sd;
			lo = (uint32_t)n;
			hi = (uint32_t)((uint64_t)n >> 32);
			if (w == 16)
				hi = lo >> 16;
			else if (w == 8)
				lo &= 0xffff;
		}
		if (w == 8) {
			if (!sig)
				lo = (hi << 8) | (lo & 0xff);
			a = (a & 0xffff0000u) | (lo & 0xffff);
		} else if (w == 16) {
			if (!sig)
				lo = (hi << 16) | (lo & 0xffff);
			a = (a & 0xffff0000u) | (lo & 0xffff);
			d = (d & 0xffff0000u) | ((lo >> 16) & 0xffff);
		} else {
			a = lo;
			d = hi;
		}
		mem[0] = b;
		switch (w * 2 + sig + (i & 1) * 100) {
		case 16: X("divb %b[b]", ([a] "+a"(a), [d] "+d"(d)), ([b] "q"(b))); break;
		case 17: X("idivb %b[b]", ([a] "+a"(a), [d] "+d"(d)), ([b] "q"(b))); break;
		case 32: X("divw %w[b]", ([a] "+a"(a), [d] "+d"(d)), ([b] "r"(b))); break;
		case 33: X("idivw %w[b]", ([a] "+a"(a), [d] "+d"(d)), ([b] "r"(b))); break;
		case 64: X("divl %k[b]", ([a] "+a"(a), [d] "+d"(d)), ([b] "r"(b))); break;
		case 65: X("idivl %k[b]", ([a] "+a"(a), [d] "+d"(d)), ([b] "r"(b))); break;
		case 116: X("divb (%[p])", ([a] "+a"(a), [d] "+d"(d)), ([p] "r"(mem))); break;
		case 117: X("idivb (%[p])", ([a] "+a"(a), [d] "+d"(d)), ([p] "r"(mem))); break;
		case 132: X("divw (%[p])", ([a] "+a"(a), [d] "+d"(d)), ([p] "r"(mem))); break;
		case 133: X("idivw (%[p])", ([a] "+a"(a), [d] "+d"(d)), ([p] "r"(mem))); break;
		case 164: X("divl (%[p])", ([a] "+a"(a), [d] "+d"(d)), ([p] "r"(mem))); break;
		default: X("idivl (%[p])", ([a] "+a"(a), [d] "+d"(d)), ([p] "r"(mem))); break;
		}
		(void)fo;	/* all flags are undefined after DIV/IDIV */
		hv(a);
		hv(d);
	}
	end(name);
}

/* --------------------------------------------------------- bt bts btr btc */

static volatile uint32_t bitbuf[128] __attribute__((aligned(16)));

#define BT(NAME, OPN, W, T, IMMA, IMMB)                                       \
	static void t_##NAME(void)                                            \
	{                                                                     \
		volatile uint32_t *mid = &bitbuf[64];                         \
		begin();                                                      \
		for (int i = 0; i < 128; i++)                                 \
			bitbuf[i] = rnd();                                    \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T a = (T)operand(), b = (T)rnd();                     \
			switch (i % 6) {                                      \
			case 0:                                               \
				X(OPN S##W " %" M##W "[b], %" M##W "[a]",     \
				  ([a] "+r"(a)), ([b] "r"(b)));               \
				break;                                        \
			case 1:                                               \
				X(OPN S##W " " IMMA ", %" M##W "[a]",         \
				  ([a] "+r"(a)), ([b] "r"(b)));               \
				break;                                        \
			case 2:                                               \
				X(OPN S##W " " IMMB ", %" M##W "[a]",         \
				  ([a] "+r"(a)), ([b] "r"(b)));               \
				break;                                        \
			case 3:                                               \
				X(OPN S##W " " IMMA ", (%[p])", ([a] "+r"(a)), \
				  ([p] "r"(mid)));                            \
				break;                                        \
			case 4:                                               \
				X(OPN S##W " " IMMB ", (%[p])", ([a] "+r"(a)), \
				  ([p] "r"(mid + 1)));                        \
				break;                                        \
			default:                                              \
				/* a signed bit offset reaching far outside */ \
				b = (T)((int32_t)(rnd() % 2048) - 1024);      \
				X(OPN S##W " %" M##W "[b], (%[p])",           \
				  ([a] "+r"(a)), ([b] "r"(b), [p] "r"(mid))); \
				break;                                        \
			}                                                     \
			hv(a);                                                \
			hf(fo, F_CF | F_ZF);                                  \
		}                                                             \
		for (int i = 0; i < 128; i++)                                 \
			hv(bitbuf[i]);                                        \
		end(#NAME);                                                   \
	}

BT(bt16, "bt", 16, uint16_t, "$3", "$0x13")
BT(bt32, "bt", 32, uint32_t, "$30", "$0x25")
BT(bts16, "bts", 16, uint16_t, "$3", "$0x13")
BT(bts32, "bts", 32, uint32_t, "$30", "$0x25")
BT(btr16, "btr", 16, uint16_t, "$3", "$0x13")
BT(btr32, "btr", 32, uint32_t, "$30", "$0x25")
BT(btc16, "btc", 16, uint16_t, "$3", "$0x13")
BT(btc32, "btc", 32, uint32_t, "$30", "$0x25")

/* ---------------------------------------------------------------- bsf bsr */

#define BS(NAME, OPN, W, T)                                                   \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T a = (T)rnd(), b;                                    \
			uint32_t r = rnd();                                   \
			if ((r & 7) == 0)                                     \
				b = 0;                                        \
			else if ((r & 7) == 1)                                \
				b = (T)(1u << ((r >> 3) % W));                \
			else                                                  \
				b = (T)((rnd() >> ((r >> 3) & 31)) &          \
					(rnd() << ((r >> 8) & 31)));          \
			if (i & 1) {                                          \
				X(OPN S##W " %" M##W "[b], %" M##W "[a]",     \
				  ([a] "+r"(a)), ([b] "r"(b)));               \
			} else {                                              \
				mem[0] = b;                                   \
				X(OPN S##W " (%[p]), %" M##W "[a]",           \
				  ([a] "+r"(a)), ([p] "r"(mem)));             \
			}                                                     \
			if (b != 0)                                           \
				hv(a);                                        \
			hf(fo, F_ZF);                                         \
		}                                                             \
		end(#NAME);                                                   \
	}

BS(bsf16, "bsf", 16, uint16_t)
BS(bsf32, "bsf", 32, uint32_t)
BS(bsr16, "bsr", 16, uint16_t)
BS(bsr32, "bsr", 32, uint32_t)

/* ------------------------------------------------------------ setcc cmovcc */

#define CCLIST(M)                                                             \
	M(o) M(no) M(b) M(ae) M(e) M(ne) M(be) M(a)                           \
	M(s) M(ns) M(p) M(np) M(l) M(ge) M(le) M(g)

static void t_setcc(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint8_t a;

#define SETCC(cc)                                                             \
	a = (uint8_t)rnd();                                                   \
	X("set" #cc " %b[a]", ([a] "+q"(a)), ([b] "r"(0)));                   \
	hv(a);                                                                \
	hf(fo, F_ALL);                                                        \
	mem[0] = rnd();                                                       \
	X("set" #cc " (%[p])", ([a] "+q"(a)), ([p] "r"(mem)));                \
	hv(mem[0]);                                                           \
	hf(fo, F_ALL);
		CCLIST(SETCC)
#undef SETCC
	}
	end("setcc");
}

#define CMOV(NAME, W, T)                                                      \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T a, b;                                               \
			CCLIST(CMOVCC_##W)                                    \
		}                                                             \
		end(#NAME);                                                   \
	}
#define CMOVCC_BODY(cc, W, T)                                                 \
	a = (T)rnd();                                                         \
	b = (T)rnd();                                                         \
	X("cmov" #cc S##W " %" M##W "[b], %" M##W "[a]", ([a] "+r"(a)),       \
	  ([b] "r"(b)));                                                      \
	hv(a);                                                                \
	hf(fo, F_ALL);                                                        \
	mem[0] = rnd();                                                       \
	X("cmov" #cc S##W " (%[p]), %" M##W "[a]", ([a] "+r"(a)),             \
	  ([p] "r"(mem)));                                                    \
	hv(a);                                                                \
	hf(fo, F_ALL);
#define CMOVCC_16(cc) CMOVCC_BODY(cc, 16, uint16_t)
#define CMOVCC_32(cc) CMOVCC_BODY(cc, 32, uint32_t)

CMOV(cmov16, 16, uint16_t)
CMOV(cmov32, 32, uint32_t)

/* ------------------------------------------ cmpxchg xadd xchg bswap ... */

#define CMPXCHG(NAME, W, T)                                                   \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T acc = (T)operand(), dst = (T)operand();             \
			T src = (T)operand();                                 \
			if (i & 2)                                            \
				dst = acc;                                    \
			if (i & 1) {                                          \
				X("cmpxchg" S##W " %" M##W "[s], %" M##W "[d]", \
				  ([acc] "+a"(acc), [d] "+" C##W(dst)),       \
				  ([s] C##W(src)));                           \
			} else {                                              \
				mem[0] = dst;                                 \
				X("cmpxchg" S##W " %" M##W "[s], (%[p])",     \
				  ([acc] "+a"(acc)),                          \
				  ([s] C##W(src), [p] "r"(mem)));             \
				dst = (T)mem[0];                              \
			}                                                     \
			hv(acc);                                              \
			hv(dst);                                              \
			hf(fo, F_ALL);                                        \
		}                                                             \
		end(#NAME);                                                   \
	}

CMPXCHG(cmpxchg8, 8, uint8_t)
CMPXCHG(cmpxchg16, 16, uint16_t)
CMPXCHG(cmpxchg32, 32, uint32_t)

#define XADD(NAME, W, T)                                                      \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			T a = (T)operand(), b = (T)operand();                 \
			if (i & 1) {                                          \
				X("xadd" S##W " %" M##W "[b], %" M##W "[a]",  \
				  ([a] "+" C##W(a), [b] "+" C##W(b)),         \
				  ([z] "r"(0)));                              \
			} else {                                              \
				mem[0] = a;                                   \
				X("xadd" S##W " %" M##W "[b], (%[p])",        \
				  ([b] "+" C##W(b)), ([p] "r"(mem)));         \
				a = (T)mem[0];                                \
			}                                                     \
			hv(a);                                                \
			hv(b);                                                \
			hf(fo, F_ALL);                                        \
		}                                                             \
		end(#NAME);                                                   \
	}

XADD(xadd8, 8, uint8_t)
XADD(xadd16, 16, uint16_t)
XADD(xadd32, 32, uint32_t)

static void t_xchg(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd(), b = rnd();

		switch (i % 8) {
		case 0: X("xchgb %b[b], %b[a]", ([a] "+q"(a), [b] "+q"(b)), ([z] "r"(0))); break;
		case 1: X("xchgw %w[b], %w[a]", ([a] "+r"(a), [b] "+r"(b)), ([z] "r"(0))); break;
		case 2: X("xchgl %k[b], %k[a]", ([a] "+r"(a), [b] "+r"(b)), ([z] "r"(0))); break;
		case 3: X("xchgw %w[b], %%ax", ([a] "+a"(a), [b] "+r"(b)), ([z] "r"(0))); break;
		case 4: X("xchgl %k[b], %%eax", ([a] "+a"(a), [b] "+r"(b)), ([z] "r"(0))); break;
		case 5: mem[0] = b; X("xchgb %b[a], (%[p])", ([a] "+q"(a)), ([p] "r"(mem))); b = mem[0]; break;
		case 6: mem[0] = b; X("xchgw %w[a], (%[p])", ([a] "+r"(a)), ([p] "r"(mem))); b = mem[0]; break;
		default: mem[0] = b; X("xchgl %k[a], (%[p])", ([a] "+r"(a)), ([p] "r"(mem))); b = mem[0]; break;
		}
		hv(a);
		hv(b);
		hf(fo, F_ALL);
	}
	end("xchg");
}

static void t_bswap(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd();

		X("bswap %k[a]", ([a] "+r"(a)), ([z] "r"(0)));
		hv(a);
		hf(fo, F_ALL);
	}
	end("bswap");
}

static volatile uint32_t m64[2] __attribute__((aligned(8)));

static void t_cmpxchg8b(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd(), d = rnd(), b = rnd(), c = rnd();

		m64[0] = (i & 1) ? a : rnd();
		m64[1] = (i & 2) ? d : (i & 4) ? rnd() : d ^ (1u << (i & 31));
		if ((i & 3) == 3 && (i & 8))
			m64[0] ^= 0x80000000u;
		X("cmpxchg8b (%[p])", ([a] "+a"(a), [d] "+d"(d)),
		  ([b] "b"(b), [c] "c"(c), [p] "S"(m64)));
		hv(a);
		hv(d);
		hv(m64[0]);
		hv(m64[1]);
		hf(fo, F_ALL);	/* ZF set, the others unaffected */
	}
	end("cmpxchg8b");
}

/* ------------------------------------------------ movsx movzx cbw cwd ... */

static void t_movx(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd(), b = operand();

		mem[0] = b;
		switch (i % 10) {
		case 0: X("movsbw %b[b], %w[a]", ([a] "+r"(a)), ([b] "q"(b))); break;
		case 1: X("movsbl %b[b], %k[a]", ([a] "+r"(a)), ([b] "q"(b))); break;
		case 2: X("movswl %w[b], %k[a]", ([a] "+r"(a)), ([b] "r"(b))); break;
		case 3: X("movzbw %b[b], %w[a]", ([a] "+r"(a)), ([b] "q"(b))); break;
		case 4: X("movzbl %b[b], %k[a]", ([a] "+r"(a)), ([b] "q"(b))); break;
		case 5: X("movzwl %w[b], %k[a]", ([a] "+r"(a)), ([b] "r"(b))); break;
		case 6: X("movsbw (%[p]), %w[a]", ([a] "+r"(a)), ([p] "r"(mem))); break;
		case 7: X("movswl (%[p]), %k[a]", ([a] "+r"(a)), ([p] "r"(mem))); break;
		case 8: X("movzbw (%[p]), %w[a]", ([a] "+r"(a)), ([p] "r"(mem))); break;
		default: X("movzwl (%[p]), %k[a]", ([a] "+r"(a)), ([p] "r"(mem))); break;
		}
		hv(a);
		hf(fo, F_ALL);
	}
	end("movsx_movzx");
}

static void t_convert(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = operand(), d = rnd();

		switch (i % 4) {
		case 0: X("cbtw", ([a] "+a"(a), [d] "+d"(d)), ([z] "r"(0))); break;
		case 1: X("cwtl", ([a] "+a"(a), [d] "+d"(d)), ([z] "r"(0))); break;
		case 2: X("cwtd", ([a] "+a"(a), [d] "+d"(d)), ([z] "r"(0))); break;
		default: X("cltd", ([a] "+a"(a), [d] "+d"(d)), ([z] "r"(0))); break;
		}
		hv(a);
		hv(d);
		hf(fo, F_ALL);
	}
	end("cbw_cwde_cwd_cdq");
}

/* ------------------------------------------------------------------- BCD */

#define BCD(NAME, INSN, MASK)                                                 \
	static void t_##NAME(void)                                            \
	{                                                                     \
		begin();                                                      \
		for (int i = 0; i < ITER; i++) {                              \
			uint32_t fi = rflags(), fo = 0;                       \
			uint32_t a = rnd();                                   \
			X(INSN, ([a] "+a"(a)), ([z] "r"(0)));                 \
			hv(a);                                                \
			hf(fo, MASK);                                         \
		}                                                             \
		end(#NAME);                                                   \
	}

BCD(daa, "daa", F_CF | F_AF | F_SF | F_ZF | F_PF)
BCD(das, "das", F_CF | F_AF | F_SF | F_ZF | F_PF)
BCD(aaa, "aaa", F_CF | F_AF)
BCD(aas, "aas", F_CF | F_AF)

static void t_aam_aad(int aad)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd();

		switch ((i % 6) + aad * 6) {
		case 0: X("aam", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 1: X("aam $7", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 2: X("aam $16", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 3: X("aam $1", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 4: X("aam $255", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 5: X("aam $0x13", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 6: X("aad", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 7: X("aad $7", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 8: X("aad $16", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 9: X("aad $0", ([a] "+a"(a)), ([z] "r"(0))); break;
		case 10: X("aad $255", ([a] "+a"(a)), ([z] "r"(0))); break;
		default: X("aad $0x13", ([a] "+a"(a)), ([z] "r"(0))); break;
		}
		hv(a);
		hf(fo, F_SF | F_ZF | F_PF);
	}
	end(aad ? "aad" : "aam");
}

/* ------------------------------------------------------------------- LEA */

static void t_lea32(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd(), b = operand(), x = operand();

		switch (i % 16) {
		case 0: X("leal (%[b]), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 1: X("leal 0x7f(%[b]), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 2: X("leal -0x80(%[b]), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 3: X("leal 0x12345678(%[b]), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 4: X("leal (%[b],%[x]), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 5: X("leal (%[b],%[x],2), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 6: X("leal 5(%[b],%[x],4), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 7: X("leal -0x7654321(%[b],%[x],8), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 8: X("leal 0x1000(,%[x],4), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 9: X("leal (,%[x],8), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 10: X("leal 0x89abcdef, %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 11: X("leaw 3(%[b],%[x],2), %w[a]", ([a] "+r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 12: X("leaw -0x1234(%[b]), %w[a]", ([a] "+r"(a)), ([b] "r"(b), [x] "r"(x))); break;
		case 13:
			X("push %%ebp\n\tmovl %[b], %%ebp\n\tleal 0(%%ebp), %k[a]\n\tpop %%ebp",
			  ([a] "=a"(a)), ([b] "c"(b), [x] "d"(x)));
			break;
		case 14:
			X("push %%ebp\n\tmovl %[b], %%ebp\n\tleal 9(%%ebp,%[x],4), %k[a]\n\tpop %%ebp",
			  ([a] "=a"(a)), ([b] "c"(b), [x] "d"(x)));
			break;
		default:
			X("leal (%[b],%[b],8), %k[a]", ([a] "=&r"(a)), ([b] "r"(b), [x] "r"(x)));
			break;
		}
		hv(a);
		hf(fo, F_ALL);
	}
	end("lea32");
}

/* 16-bit addressing (0x67): EBX ESI EDI EBP hold random 32-bit values. */
#define LEA16(mode)                                                           \
	do {                                                                  \
		X("push %%ebp\n\tmovl %%ecx, %%ebp\n\tleal " mode ", %%eax\n\t" \
		  "pop %%ebp",                                                \
		  ([a] "+a"(a)), ([bx] "b"(bx), [si] "S"(si), [di] "D"(di),   \
				  [bp] "c"(bp)));                             \
		hv(a);                                                        \
		hf(fo, F_ALL);                                                \
		X("push %%ebp\n\tmovl %%ecx, %%ebp\n\tleaw " mode ", %%ax\n\t" \
		  "pop %%ebp",                                                \
		  ([a] "+a"(d)), ([bx] "b"(bx), [si] "S"(si), [di] "D"(di),   \
				  [bp] "c"(bp)));                             \
	} while (0)

static void t_lea16(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd(), d = rnd(), bx = operand(), si = operand();
		uint32_t di = operand(), bp = operand();

		switch (i % 16) {
		case 0: LEA16("(%%bx,%%si)"); break;
		case 1: LEA16("(%%bx,%%di)"); break;
		case 2: LEA16("(%%bp,%%si)"); break;
		case 3: LEA16("(%%bp,%%di)"); break;
		case 4: LEA16("(%%si)"); break;
		case 5: LEA16("(%%di)"); break;
		case 6: LEA16("0x1234"); break;
		case 7: LEA16("(%%bx)"); break;
		case 8: LEA16("0x7f(%%bx,%%si)"); break;
		case 9: LEA16("-0x80(%%bp,%%di)"); break;
		case 10: LEA16("0x7fff(%%bp,%%si)"); break;
		case 11: LEA16("-0x1(%%si)"); break;
		case 12: LEA16("0x8000(%%di)"); break;
		case 13: LEA16("0(%%bp)"); break;
		case 14: LEA16("0xfffe(%%bp)"); break;
		default: LEA16("-0x4321(%%bx)"); break;
		}
		hv(d);
		hf(fo, F_ALL);
	}
	end("lea16");
}

/* --------------------------------------------------------------- strings */

static volatile uint8_t sbuf[1024] __attribute__((aligned(16)));
#define SRC 0
#define DST 512

#define STR(insn, outs)                                                       \
	__asm__ volatile("push %[fi]\n\tpopf\n\t" insn "\n\tpushf\n\tpop %[fo]\n\tcld" \
			 : [fo] "=&r"(fo), [s] "+S"(s), [d] "+D"(d),           \
			   [c] "+c"(c), [a] "+a"(a)                            \
			 : [fi] "r"(fi)                                        \
			 : "cc", "memory")

enum { MOVS, STOS, CMPS, SCAS, LODS };

static void t_string(int op, int w, const char *name)
{
	begin();
	for (int i = 0; i < ITER / 2; i++) {
		int down = (rnd() & 1);
		uint32_t fi = rflags() | (down ? F_DF : 0), fo = 0;
		uint32_t n = rnd() % 24, k = rnd() % 28;
		uint32_t so = down ? 160 + rnd() % 32 : 64 + rnd() % 32;
		uint32_t dof = down ? 160 + rnd() % 32 : 64 + rnd() % 32;
		int variant = rnd() % 3;	/* none, rep/repe, repne */
		uint32_t s, d, c, a;

		for (int j = 0; j < 256; j++)
			sbuf[SRC + j] = (uint8_t)rnd();
		if (op == CMPS && variant != 2) {
			/* mostly equal, with a few differences */
			for (int j = 0; j < 256; j++)
				sbuf[DST + j] = sbuf[SRC + j];
			for (uint32_t j = rnd() % 3; j > 0; j--)
				sbuf[DST + rnd() % 256] ^= (uint8_t)(1u << (rnd() & 7));
		} else if (op == CMPS) {
			for (int j = 0; j < 256; j++)
				sbuf[DST + j] = (uint8_t)rnd();
			for (uint32_t j = 0; j < w / 8u; j++)
				sbuf[DST + dof + (down ? -(k * w / 8) : k * w / 8) + j] =
					sbuf[SRC + so + (down ? -(k * w / 8) : k * w / 8) + j];
		} else {
			for (int j = 0; j < 256; j++)
				sbuf[DST + j] = (uint8_t)(op == SCAS && variant == 1 ? 0x5a : rnd());
		}
		s = (uint32_t)(uintptr_t)&sbuf[SRC + so];
		d = (uint32_t)(uintptr_t)&sbuf[DST + dof];
		c = (rnd() & 7) == 0 ? 0 : n;
		a = rnd();
		if (op == SCAS && variant == 1)
			a = 0x5a5a5a5a ^ (k == 0 ? 1 : 0);
		else if (op == SCAS)
			a = *(volatile uint32_t *)&sbuf[DST + dof];

#define STRW(base, pfx)                                                       \
	switch (w) {                                                          \
	case 8: STR(pfx " " base "b", ()); break;                             \
	case 16: STR(pfx " " base "w", ()); break;                            \
	default: STR(pfx " " base "l", ()); break;                            \
	}
#define STRV(base, p1, p2)                                                    \
	if (variant == 0) {                                                   \
		STRW(base, "");                                               \
	} else if (variant == 1) {                                            \
		STRW(base, p1);                                               \
	} else {                                                              \
		STRW(base, p2);                                               \
	}
		switch (op) {
		case MOVS: STRV("movs", "rep", "rep"); break;
		case STOS: STRV("stos", "rep", "rep"); break;
		case CMPS: STRV("cmps", "repe", "repne"); break;
		case SCAS: STRV("scas", "repe", "repne"); break;
		default: STRV("lods", "rep", "rep"); break;
		}
#undef STRV
#undef STRW
		hv(s - (uint32_t)(uintptr_t)sbuf);
		hv(d - (uint32_t)(uintptr_t)sbuf);
		hv(c);
		hv(a);
		hf(fo, F_ALL);
		for (int j = 0; j < 256; j += 4)
			hv(*(volatile uint32_t *)&sbuf[DST + j]);
	}
	end(name);
}

/* ---------------------------------------------- enter leave pusha popa */

/* A private stack, 64 KiB aligned so that 16-bit pushes of SP/BP agree. */
uint32_t ih_stk[4096] __attribute__((aligned(65536)));
uint32_t ih_save_esp, ih_save_ebp, ih_in_esp, ih_in_ebp, ih_fi;
uint32_t ih_out_esp, ih_out_ebp, ih_out2_esp, ih_out2_ebp, ih_fo, ih_fo2;
uint32_t ih_in[8], ih_in2[8], ih_out[8], ih_frame[8];

/* LAHF + SETO give the flags without touching the stack under test. */
#define ENTER(ins, lv)                                                        \
	__asm__ volatile("movl %%esp, ih_save_esp\n\t"                          \
			 "movl %%ebp, ih_save_ebp\n\t"                          \
			 "movl ih_in_esp, %%esp\n\t"                            \
			 "pushl ih_fi\n\tpopf\n\t"                              \
			 "movl ih_in_ebp, %%ebp\n\t"                            \
			 ins "\n\t"                                             \
			 "lahf\n\tseto %%al\n\tmovl %%eax, ih_fo\n\t"           \
			 "movl %%esp, ih_out_esp\n\tmovl %%ebp, ih_out_ebp\n\t" \
			 lv "\n\t"                                              \
			 "lahf\n\tseto %%al\n\tmovl %%eax, ih_fo2\n\t"          \
			 "movl %%esp, ih_out2_esp\n\tmovl %%ebp, ih_out2_ebp\n\t" \
			 "movl ih_save_ebp, %%ebp\n\tmovl ih_save_esp, %%esp"   \
			 ::: "eax", "cc", "memory")

static uint32_t lahf_flags(uint32_t v)
{
	return ((v >> 8) & (F_SF | F_ZF | F_AF | F_PF | F_CF)) |
	       ((v & 0xff) ? F_OF : 0);
}

static uint32_t stkbase(void)
{
	return (uint32_t)(uintptr_t)ih_stk;
}

static uint32_t rel(uint32_t v)
{
	uint32_t off = v - stkbase();

	return off < sizeof(ih_stk) ? off : v;
}

static void t_enter(int sz16)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t lo, hi;

		/* the caller's frame: "display" words that are not addresses */
		for (int j = 1024; j < 2048; j++)
			ih_stk[j] = 0xc5000000u | (rnd() >> 8);
		ih_in_esp = stkbase() + 4 * 1536 + (sz16 ? 2 * (rnd() % 8) : 4 * (rnd() % 4));
		ih_in_ebp = stkbase() + 4 * 1900 + (sz16 ? 2 * (rnd() % 8) : 4 * (rnd() % 4));
		ih_fi = rflags();
		switch (i % 8 + sz16 * 8) {
		case 0: ENTER("enter $0, $0", "leave"); break;
		case 1: ENTER("enter $8, $1", "leave"); break;
		case 2: ENTER("enter $12, $2", "leave"); break;
		case 3: ENTER("enter $4, $3", "leave"); break;
		case 4: ENTER("enter $0x100, $0", "leave"); break;
		case 5: ENTER("enter $0, $1", "leave"); break;
		case 6: ENTER("enter $0x20, $2", "leave"); break;
		case 7: ENTER("enter $0, $3", "leave"); break;
		case 8: ENTER("enterw $0, $0", "leavew"); break;
		case 9: ENTER("enterw $8, $1", "leavew"); break;
		case 10: ENTER("enterw $12, $2", "leavew"); break;
		case 11: ENTER("enterw $4, $3", "leavew"); break;
		case 12: ENTER("enterw $0x100, $0", "leavew"); break;
		case 13: ENTER("enterw $0, $1", "leavew"); break;
		case 14: ENTER("enterw $0x20, $2", "leavew"); break;
		default: ENTER("enterw $0, $3", "leavew"); break;
		}
		hv(rel(ih_out_esp));
		hv(rel(ih_out_ebp));
		hv(rel(ih_out2_esp));
		hv(rel(ih_out2_ebp));
		hf(lahf_flags(ih_fo), F_ALL);
		hf(lahf_flags(ih_fo2), F_ALL);
		hv(ih_fi);
		lo = (ih_in_esp - stkbase()) / 4 - 16;
		hi = (ih_in_esp - stkbase()) / 4 + 1;
		/*
		 * 32-bit frames hold whole addresses (hashed as offsets) and
		 * 0xc5xxxxxx words, never mistaken for one another; 16-bit
		 * frames hold words whose pairs could look like an address.
		 */
		for (uint32_t j = lo; j < hi; j++)
			hv(sz16 ? ih_stk[j] : rel(ih_stk[j]));
	}
	end(sz16 ? "enter_leave16" : "enter_leave32");
}

void ih_pusha32(void);
void ih_pusha16(void);

/*
 * Load EAX..EDI (not ESP) from ih_in, PUSHA, copy the frame to ih_frame,
 * overwrite it with ih_in2, POPA, store the registers to ih_out.
 */
#define PUSHA_FN(NAME, PUSH, POP, NW)                                         \
	"	.text\n"                                                      \
	"	.globl " NAME "\n"                                            \
	"	.type " NAME ", @function\n"                                  \
	NAME ":\n"                                                            \
	"	pushal\n"                                                     \
	"	movl %esp, ih_save_esp\n"                                     \
	"	movl ih_in_esp, %esp\n"                                       \
	"	pushl ih_fi\n"                                                \
	"	popf\n"                                                       \
	"	movl ih_in+0, %eax\n"                                         \
	"	movl ih_in+4, %ecx\n"                                         \
	"	movl ih_in+8, %edx\n"                                         \
	"	movl ih_in+12, %ebx\n"                                        \
	"	movl ih_in+20, %ebp\n"                                        \
	"	movl ih_in+24, %esi\n"                                        \
	"	movl ih_in+28, %edi\n"                                        \
	"	" PUSH "\n"                                                   \
	"	movl %esp, ih_out_esp\n"                                      \
	"	movl $0, %ecx\n"                                              \
	"1:	movl (%esp,%ecx,4), %eax\n"                                   \
	"	movl %eax, ih_frame(,%ecx,4)\n"                               \
	"	movl ih_in2(,%ecx,4), %eax\n"                                 \
	"	movl %eax, (%esp,%ecx,4)\n"                                   \
	"	incl %ecx\n"                                                  \
	"	cmpl $" NW ", %ecx\n"                                         \
	"	jne 1b\n"                                                     \
	"	pushl ih_fi\n"                                                \
	"	popf\n"                                                       \
	"	" POP "\n"                                                    \
	"	movl %eax, ih_out+0\n"                                        \
	"	movl %ecx, ih_out+4\n"                                        \
	"	movl %edx, ih_out+8\n"                                        \
	"	movl %ebx, ih_out+12\n"                                       \
	"	movl %esp, ih_out+16\n"                                       \
	"	movl %ebp, ih_out+20\n"                                       \
	"	movl %esi, ih_out+24\n"                                       \
	"	movl %edi, ih_out+28\n"                                       \
	"	lahf\n"                                                       \
	"	seto %al\n"                                                   \
	"	movl %eax, ih_fo\n"                                           \
	"	movl ih_save_esp, %esp\n"                                     \
	"	popal\n"                                                      \
	"	ret\n"                                                        \
	"	.size " NAME ", . - " NAME "\n"

__asm__(PUSHA_FN("ih_pusha32", "pushal", "popal", "8")
	PUSHA_FN("ih_pusha16", "pushaw", "popaw", "4"));

static void t_pusha(int sz16)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		for (int j = 0; j < 8; j++) {
			ih_in[j] = operand();
			ih_in2[j] = rnd();
		}
		ih_in_esp = stkbase() + 4 * 1536 + (sz16 ? 2 * (rnd() % 8) : 4 * (rnd() % 4));
		ih_fi = rflags();
		if (sz16)
			ih_pusha16();
		else
			ih_pusha32();
		/* Only the ESP values are addresses (the 16-bit SP slot is not:
		 * its low half is an offset thanks to the 64 KiB alignment). */
		hv(rel(ih_out_esp));
		for (int j = 0; j < (sz16 ? 4 : 8); j++)
			hv(!sz16 && j == 3 ? rel(ih_frame[j]) : ih_frame[j]);
		for (int j = 0; j < 8; j++)
			hv(j == 4 ? rel(ih_out[j]) : ih_out[j]);
		hf(lahf_flags(ih_fo), F_ALL);
	}
	end(sz16 ? "pusha_popa16" : "pusha_popa32");
}

/* ------------------------------------------------------------ xlat lahf */

static volatile uint8_t xtab[256];

static void t_xlat(void)
{
	begin();
	for (int j = 0; j < 256; j++)
		xtab[j] = (uint8_t)rnd();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd();

		X("xlat", ([a] "+a"(a)), ([b] "b"(xtab)));
		hv(a);
		hf(fo, F_ALL);
	}
	end("xlat");
}

static void t_lahf_sahf(void)
{
	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0;
		uint32_t a = rnd();

		if (i & 1) {
			X("lahf", ([a] "+a"(a)), ([z] "r"(0)));
			hv(a);
		} else {
			X("sahf", ([a] "+a"(a)), ([z] "r"(0)));
		}
		hf(fo, F_ALL);
	}
	end("lahf_sahf");
}

/* ------------------------------------------------------- loop and jcxz */

#define BR(insn)                                                              \
	X(insn " 1f\n\tmovl $0, %[t]\n\tjmp 2f\n1:\tmovl $1, %[t]\n2:",       \
	  ([c] "+c"(c), [t] "=&r"(t)), ([z] "r"(0)))

static void t_loop(void)
{
	static const uint32_t cvals[] = {
		0, 1, 2, 0xffff, 0x10000, 0x10001, 0xffffffff, 0x12340001,
	};

	begin();
	for (int i = 0; i < ITER; i++) {
		uint32_t fi = rflags(), fo = 0, t = 0, n = 0;
		uint32_t c = (rnd() & 1) ? cvals[rnd() % 8] : rnd();

		switch (i % 9) {
		case 0: BR("loop"); break;
		case 1: BR("loope"); break;
		case 2: BR("loopne"); break;
		case 3: BR("addr16 loop"); break;
		case 4: BR("addr16 loope"); break;
		case 5: BR("addr16 loopne"); break;
		case 6: BR("jecxz"); break;
		case 7: BR("jcxz"); break;
		default:
			/* a real counted loop, with flags changing inside */
			c = 1 + rnd() % 40;
			X("1:\n\taddl %[c], %[n]\n\tloopne 1b",
			  ([c] "+c"(c), [n] "+r"(n)), ([z] "r"(0)));
			t = n;
			break;
		}
		hv(c);
		hv(t);
		hf(fo, F_ALL);
	}
	end("loop_jcxz");
}

/* ------------------------------------------------------------------ all */

void isahash_run(void)
{
	t_add8(); t_add16(); t_add32();
	t_adc8(); t_adc16(); t_adc32();
	t_sub8(); t_sub16(); t_sub32();
	t_sbb8(); t_sbb16(); t_sbb32();
	t_and8(); t_and16(); t_and32();
	t_or8(); t_or16(); t_or32();
	t_xor8(); t_xor16(); t_xor32();
	t_cmp8(); t_cmp16(); t_cmp32();
	t_test8(); t_test16(); t_test32();
	t_inc8(); t_inc16(); t_inc32();
	t_dec8(); t_dec16(); t_dec32();
	t_neg8(); t_neg16(); t_neg32();
	t_not8(); t_not16(); t_not32();
	t_shl8(); t_shl16(); t_shl32();
	t_shr8(); t_shr16(); t_shr32();
	t_sar8(); t_sar16(); t_sar32();
	t_rol8(); t_rol16(); t_rol32();
	t_ror8(); t_ror16(); t_ror32();
	t_rcl8(); t_rcl16(); t_rcl32();
	t_rcr8(); t_rcr16(); t_rcr32();
	t_shld16(); t_shld32(); t_shrd16(); t_shrd32();
	t_mul8(); t_mul16(); t_mul32();
	t_imul8(); t_imul16(); t_imul32();
	t_imulN16(); t_imulN32();
	t_div(8, 0, "div8"); t_div(16, 0, "div16"); t_div(32, 0, "div32");
	t_div(8, 1, "idiv8"); t_div(16, 1, "idiv16"); t_div(32, 1, "idiv32");
	t_bt16(); t_bt32(); t_bts16(); t_bts32();
	t_btr16(); t_btr32(); t_btc16(); t_btc32();
	t_bsf16(); t_bsf32(); t_bsr16(); t_bsr32();
	t_setcc(); t_cmov16(); t_cmov32();
	t_cmpxchg8(); t_cmpxchg16(); t_cmpxchg32();
	t_xadd8(); t_xadd16(); t_xadd32();
	t_xchg(); t_bswap(); t_cmpxchg8b();
	t_movx(); t_convert();
	t_daa(); t_das(); t_aaa(); t_aas(); t_aam_aad(0); t_aam_aad(1);
	t_lea32(); t_lea16();
	t_string(MOVS, 8, "movs8"); t_string(MOVS, 16, "movs16"); t_string(MOVS, 32, "movs32");
	t_string(STOS, 8, "stos8"); t_string(STOS, 16, "stos16"); t_string(STOS, 32, "stos32");
	t_string(CMPS, 8, "cmps8"); t_string(CMPS, 16, "cmps16"); t_string(CMPS, 32, "cmps32");
	t_string(SCAS, 8, "scas8"); t_string(SCAS, 16, "scas16"); t_string(SCAS, 32, "scas32");
	t_string(LODS, 8, "lods8"); t_string(LODS, 16, "lods16"); t_string(LODS, 32, "lods32");
	t_enter(0); t_enter(1);
	t_pusha(0); t_pusha(1);
	t_xlat(); t_lahf_sahf(); t_loop();
}
