/*
 * core.c - the x87native workload, shared by the guest and its native twin.
 *
 * What QEMU cannot be the reference for: it computes the transcendentals in
 * host double precision, sets neither IE nor SF on a stack fault, and
 * stores 0 where Intel hardware stores 0xffff in FNSTENV's reserved words.
 * So the same object runs under bt86 and as a Linux program on the host
 * CPU, and tests/x87-native.test.sh compares the two outputs.
 *
 * Every case starts from FNINIT and a control word, runs one x87 sequence
 * and ends with FNSAVE, whose image is printed: the status word without
 * TOP's effect hidden, the tag word, and each non-empty register as
 * "exponent:significand" bits, ST0 first.  FIP, FDP, FCS and FDS are left
 * out: they are addresses and selectors, which differ between a guest and
 * a Linux process.  No waiting instruction ever runs while an unmasked
 * exception is pending (FNSAVE does not wait and reinitialises), so no
 * #MF or SIGFPE can happen on either side.
 *
 * Line kinds, by first word: "t" a transcendental (the test accepts 1 ulp
 * of difference in a register and then C1, the rounding direction, too),
 * "s" a stack fault and "e" an environment image (both must match bit for
 * bit).  Operands are built from bits, never from C floating point, so
 * that no compiler-generated x87 code runs between a case's instructions.
 */
#include <stddef.h>
#include <stdint.h>

#include "guest.h"
#include "x87native.h"

typedef struct {
	uint64_t sig;
	uint16_t se;
} __attribute__((packed)) x80;

static uint8_t img[108] __attribute__((aligned(16)));
static char buf[512];

/* FNSAVE, then one line: KIND NAME(ARGS) sw=... tw=... ST0 ST1 ...; with
 * values 0, only C2 and the tags ("r" lines of out-of-range checks). */
static void dump_mode(const char *kind, const char *what, int values)
{
	__asm__ volatile("fnsave %0" : "=m"(img));
	uint16_t sw = *(uint16_t *)(img + 4), tw = *(uint16_t *)(img + 8);
	int top = (sw >> 11) & 7;
	if (!values) {
		snprintf(buf, sizeof(buf), "%s %s c2=%d top=%d tw=%04x\n", kind, what,
			 (sw >> 10) & 1, top, tw);
		x87n_out(buf);
		return;
	}
	int n = snprintf(buf, sizeof(buf), "%s %s sw=%04x tw=%04x", kind, what, sw, tw);
	for (int i = 0; i < 8 && n < (int)sizeof(buf) - 32; i++) {
		const x80 *r = (const x80 *)(img + 28 + 10 * i);
		if (((tw >> (2 * ((top + i) & 7))) & 3) == 3)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, " -");
		else
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, " %04x:%08x%08x", r->se,
				      (uint32_t)(r->sig >> 32), (uint32_t)r->sig);
	}
	snprintf(buf + n, sizeof(buf) - (size_t)n, "\n");
	x87n_out(buf);
}

static void dump(const char *kind, const char *what)
{
	dump_mode(kind, what, 1);
}

static void start(uint16_t cw)
{
	__asm__ volatile("fninit\n\tfldcw %0" : : "m"(cw));
}

static void fld(const x80 *v)
{
	__asm__ volatile("fldt %0" : : "m"(*v));
}

/* The operations, one function each so that a table can drive them; the
 * calls between them touch no x87 state. */
static void op_fsin(void) { __asm__ volatile("fsin"); }
static void op_fcos(void) { __asm__ volatile("fcos"); }
static void op_fsincos(void) { __asm__ volatile("fsincos"); }
static void op_fptan(void) { __asm__ volatile("fptan"); }
static void op_f2xm1(void) { __asm__ volatile("f2xm1"); }
static void op_fpatan(void) { __asm__ volatile("fpatan"); }
static void op_fyl2x(void) { __asm__ volatile("fyl2x"); }
static void op_fyl2xp1(void) { __asm__ volatile("fyl2xp1"); }
static void op_fxtract(void) { __asm__ volatile("fxtract"); }
static void op_fsqrt(void) { __asm__ volatile("fsqrt"); }
static void op_fscale(void) { __asm__ volatile("fscale"); }
static void op_fprem(void) { __asm__ volatile("fprem"); }
static void op_fadd(void) { __asm__ volatile("faddp"); }
static void op_fld1(void) { __asm__ volatile("fld1"); }

struct op {
	const char *name;
	void (*fn)(void);
};

static const struct op trig[] = {
	{ "fsin", op_fsin }, { "fcos", op_fcos }, { "fsincos", op_fsincos }, { "fptan", op_fptan },
};
static const struct op binary[] = {
	{ "fpatan", op_fpatan }, { "fyl2x", op_fyl2x }, { "fyl2xp1", op_fyl2xp1 },
};

#define X(se, sig) { 0x##sig##ull, 0x##se }
/* Trig arguments of moderate size, where the hardware is within an ulp of
 * the true result, and the special operands. */
static const x80 trig_args[] = {
	X(3ffe, 8000000000000000), /* 0.5 */
	X(3fff, 8000000000000000), /* 1 */
	X(bffe, c90fdaa22168c234), /* -pi/4 */
	X(c000, a000000000000000), /* -2.5 */
	X(3fee, a7c5ac471b478423), /* 1e-5 */
	X(3fd0, 8000000000000000), /* 2^-47: tan/sin(x) = x, inexact */
	X(0000, 0000000000000000), /* +0 */
	X(8000, 0000000000000000), /* -0 */
	X(7fff, 8000000000000000), /* +inf */
	X(7fff, c000000000000001), /* QNaN */
	X(7fff, a000000000000000), /* SNaN */
	X(0000, 0000000000000123), /* denormal */
};
/* Large ones: the hardware reduces them with a 66-bit pi and loses bits
 * near multiples of pi (sin(pi rounded) comes out as pi66 - x), while
 * f80_trans.c reduces exactly; so only the range check (C2, the operand
 * left alone at 2^63 and beyond) is compared for these, not the values. */
static const x80 range_args[] = {
	X(4000, c90fdaa22168c234), /* pi, rounded down */
	X(4008, fa00000000000000), /* 1000 */
	X(401f, 8000000000000000), /* 2^32 */
	X(403d, ffffffffffffffff), /* just below 2^63 */
	X(403e, 8000000000000000), /* 2^63: out of range */
	X(c03e, 8000000000000000), /* -2^63 */
	X(7ffe, ffffffffffffffff), /* the largest finite */
};
static const x80 f2xm1_args[] = {
	X(3ffe, 8000000000000000), X(bffe, c000000000000000), X(3fff, 8000000000000000),
	X(bfff, 8000000000000000), X(3fdd, abcdef0123456789), X(3ffd, 9999999999999999),
	X(0000, 0000000000000000), X(8000, 0000000000000000), X(ffff, 8000000000000000),
	X(7fff, c000000000000001), X(7fff, a000000000000000), X(0000, 0000000000000123),
};
/* (y = ST1, x = ST0) pairs for FPATAN, FYL2X and FYL2XP1. */
static const x80 pair_args[][2] = {
	{ X(3fff, 8000000000000000), X(3fff, 8000000000000000) },  /* 1, 1 */
	{ X(3fff, 8000000000000000), X(bfff, 8000000000000000) },  /* 1, -1 */
	{ X(bffe, 8000000000000000), X(4000, 8000000000000000) },  /* -0.5, 2 */
	{ X(3fff, c000000000000000), X(4002, a000000000000000) },  /* 1.5, 10 */
	{ X(3fff, 8000000000000000), X(3ffd, 9999999999999999) },  /* 1, 0.3 */
	{ X(c00a, 9e2f123456789abc), X(3ffc, 8123456789abcdef) },  /* -1265.47, 0.126 */
	{ X(3fff, 8000000000000000), X(bffd, 9000000000000000) },  /* 1, -0.28125 */
	{ X(3fff, 8000000000000000), X(3fe0, 8000000000000000) },  /* 1, 2^-31 */
	{ X(4000, 8000000000000000), X(3fff, 8000000000000000) },  /* 2, 1: log2(1) = 0 */
	{ X(3fff, 8000000000000000), X(0000, 0000000000000000) },  /* 1, +0 */
	{ X(3fff, 8000000000000000), X(8000, 0000000000000000) },  /* 1, -0 */
	{ X(0000, 0000000000000000), X(8000, 0000000000000000) },  /* +0, -0 */
	{ X(3fff, 8000000000000000), X(bfff, c000000000000000) },  /* 1, -1.5 */
	{ X(7fff, 8000000000000000), X(7fff, 8000000000000000) },  /* inf, inf */
	{ X(3fff, 8000000000000000), X(7fff, 8000000000000000) },  /* 1, inf */
	{ X(7fff, c000000000000001), X(3fff, 8000000000000000) },  /* QNaN, 1 */
	{ X(3fff, 8000000000000000), X(7fff, a000000000000000) },  /* 1, SNaN */
	{ X(3fff, 8000000000000000), X(0000, 0000000000000123) },  /* 1, denormal */
	{ X(7ffe, 8000000000000000), X(4002, a000000000000000) },  /* huge, 10: overflow */
	{ X(0001, 8000000000000000), X(3ffe, c000000000000000) },  /* tiny, 0.75: underflow */
};

/* FYL2XP1 is defined for |x| < 1 - sqrt(2)/2 only (the hardware returns
 * something outside it): below 0.25, zeros, denormals and NaNs. */
static int yl2xp1_domain(const x80 *x)
{
	unsigned e = x->se & 0x7fff;
	return e < 0x3ffd || (e == 0x7fff && x->sig != 0x8000000000000000ull);
}

/* Masked in every rounding mode; then all unmasked, to see which results
 * an unmasked exception holds back. */
static const uint16_t cws[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x0340 };
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void hex80(char *s, size_t n, const x80 *v)
{
	snprintf(s, n, "%04x:%08x%08x", v->se, (uint32_t)(v->sig >> 32), (uint32_t)v->sig);
}

static void transcendentals(void)
{
	char what[96], a[24], b[24];
	for (unsigned c = 0; c < N(cws); c++) {
		for (unsigned o = 0; o < N(trig); o++)
			for (unsigned i = 0; i < N(trig_args); i++) {
				hex80(a, sizeof(a), &trig_args[i]);
				snprintf(what, sizeof(what), "cw=%04x %s(%s)", cws[c], trig[o].name, a);
				start(cws[c]);
				fld(&trig_args[i]);
				trig[o].fn();
				dump("t", what);
			}
		for (unsigned o = 0; o < N(trig); o++)
			for (unsigned i = 0; i < N(range_args); i++) {
				hex80(a, sizeof(a), &range_args[i]);
				snprintf(what, sizeof(what), "cw=%04x %s(%s)", cws[c], trig[o].name, a);
				start(cws[c]);
				fld(&range_args[i]);
				trig[o].fn();
				dump_mode("r", what, 0);
			}
		for (unsigned i = 0; i < N(f2xm1_args); i++) {
			hex80(a, sizeof(a), &f2xm1_args[i]);
			snprintf(what, sizeof(what), "cw=%04x f2xm1(%s)", cws[c], a);
			start(cws[c]);
			fld(&f2xm1_args[i]);
			op_f2xm1();
			dump("t", what);
		}
		for (unsigned o = 0; o < N(binary); o++)
			for (unsigned i = 0; i < N(pair_args); i++) {
				if (binary[o].fn == op_fyl2xp1 && !yl2xp1_domain(&pair_args[i][1]))
					continue;
				hex80(a, sizeof(a), &pair_args[i][0]);
				hex80(b, sizeof(b), &pair_args[i][1]);
				snprintf(what, sizeof(what), "cw=%04x %s(%s,%s)", cws[c], binary[o].name, a, b);
				start(cws[c]);
				fld(&pair_args[i][0]);
				fld(&pair_args[i][1]);
				binary[o].fn();
				dump("t", what);
			}
	}
}

static const x80 one = X(3fff, 8000000000000000), big = X(403e, 8000000000000000);

/* Push n distinct values (1, 2, 3...) so that the dump shows which moved. */
static void fill(int n)
{
	static const int32_t v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	for (int i = 0; i < n; i++)
		__asm__ volatile("fildl %0" : : "m"(v[i]));
}

static void stack_faults(void)
{
	static const struct op unary[] = {
		{ "fsin", op_fsin }, { "fcos", op_fcos }, { "fsincos", op_fsincos },
		{ "fptan", op_fptan }, { "f2xm1", op_f2xm1 }, { "fxtract", op_fxtract },
		{ "fsqrt", op_fsqrt },
	};
	static const struct op two[] = {
		{ "fpatan", op_fpatan }, { "fyl2x", op_fyl2x }, { "fyl2xp1", op_fyl2xp1 },
		{ "fscale", op_fscale }, { "fprem", op_fprem }, { "faddp", op_fadd },
	};
	static const uint16_t scw[] = { 0x037f, 0x037e };
	char what[64];
	for (unsigned c = 0; c < N(scw); c++) {
		for (unsigned o = 0; o < N(unary); o++) {
			/* Underflow: ST0 empty, with one value deeper (ST1). */
			snprintf(what, sizeof(what), "cw=%04x %s(empty)", scw[c], unary[o].name);
			start(scw[c]);
			fld(&one);
			__asm__ volatile("fld1\n\tffree %st(0)");
			unary[o].fn();
			dump("s", what);
			if (unary[o].fn != op_fsincos && unary[o].fn != op_fptan &&
			    unary[o].fn != op_fxtract)
				continue;
			/* Overflow for the pushing ones: all eight registers full. */
			snprintf(what, sizeof(what), "cw=%04x %s(full)", scw[c], unary[o].name);
			start(scw[c]);
			fill(8);
			unary[o].fn();
			dump("s", what);
			/* ST0 empty and ST7 full: which fault wins. */
			snprintf(what, sizeof(what), "cw=%04x %s(empty,full)", scw[c], unary[o].name);
			start(scw[c]);
			fill(8);
			__asm__ volatile("ffree %st(0)");
			unary[o].fn();
			dump("s", what);
			if (unary[o].fn == op_fxtract)
				continue;
			/* Out of range (2^63) with the stack full: C2 or overflow. */
			snprintf(what, sizeof(what), "cw=%04x %s(2^63,full)", scw[c], unary[o].name);
			start(scw[c]);
			fill(7);
			fld(&big);
			unary[o].fn();
			dump("s", what);
		}
		for (unsigned o = 0; o < N(two); o++) {
			snprintf(what, sizeof(what), "cw=%04x %s(st1 empty)", scw[c], two[o].name);
			start(scw[c]);
			fill(1);
			two[o].fn();
			dump("s", what);
			snprintf(what, sizeof(what), "cw=%04x %s(st0 empty)", scw[c], two[o].name);
			start(scw[c]);
			fill(2);
			__asm__ volatile("ffree %st(0)");
			two[o].fn();
			dump("s", what);
		}
		snprintf(what, sizeof(what), "cw=%04x fld1(full)", scw[c]);
		start(scw[c]);
		fill(8);
		op_fld1();
		dump("s", what);
	}
}

/* FNSTENV/FNSAVE in 32-bit protected mode: bits 31:16 of the control,
 * status and tag words and of the operand selector word are reserved;
 * Intel CPUs store 1s there.  Words 3-5 hold addresses: left out. */
static void env_words(void)
{
	static uint32_t env[7];
	static const uint32_t junk[7] = { 0x1234037f, 0x56780000, 0x9abcffff, 0, 0, 0, 0xdef00000 };
	static const uint16_t ecw[] = { 0x037f, 0x0f40 };
	for (unsigned c = 0; c < N(ecw); c++) {
		start(ecw[c]);
		fill(3);
		__asm__ volatile("fnstenv %0" : "=m"(env));
		uint16_t cw;
		__asm__ volatile("fnstcw %0" : "=m"(cw));
		snprintf(buf, sizeof(buf), "e fnstenv cw=%04x: %08x %08x %08x hi6=%04x cw after=%04x\n",
			 ecw[c], env[0], env[1], env[2], env[6] >> 16, cw);
		x87n_out(buf);
		dump("e", "after fnstenv");
	}
	/* Reserved bits in an image loaded by FLDENV do not come back. */
	__asm__ volatile("fninit\n\tfldenv %1\n\tfnstenv %0" : "=m"(env) : "m"(junk));
	snprintf(buf, sizeof(buf), "e fldenv junk: %08x %08x %08x hi6=%04x\n", env[0], env[1],
		 env[2], env[6] >> 16);
	x87n_out(buf);
	start(0x037f);
	fill(2);
	__asm__ volatile("fnsave %0" : "=m"(img));
	const uint32_t *w = (const uint32_t *)img;
	snprintf(buf, sizeof(buf), "e fnsave: %08x %08x %08x hi6=%04x\n", w[0], w[1], w[2],
		 w[6] >> 16);
	x87n_out(buf);
	__asm__ volatile("fninit");
}

void x87n_run(void)
{
	transcendentals();
	stack_faults();
	env_words();
	x87n_out("done\n");
}
