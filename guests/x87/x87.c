/*
 * x87 - the x87 FPU as a guest sees it: every memory format, arithmetic in
 * each rounding mode, compares and FCOMI flags, FCMOV, FXAM, BCD, the
 * FNSTENV/FNSAVE/FXSAVE images, and its exceptions (#NM with TS or EM,
 * #MF with CR0.NE=1, stack overflow and underflow (IRQ 13 with NE=0 is
 * guests/x87_ferr), a #PF on a store leaving the FPU unchanged).
 *
 * Every result prints as hex bits, never through a float printf.  Expected
 * output is QEMU's, so this prints only what QEMU and hardware agree on:
 * the reserved upper halves of FNSTENV's 32-bit words (0xffff on Intel
 * hardware, checked on the host CPU; 0 on QEMU) are masked off, FIP/FDP/FOP
 * are left out (modern Intel CPUs no longer store FOP, FCS and FDS), and
 * DE is masked out of the load flags (QEMU never raises it for a denormal
 * m32/m64 load; the host CPU and bt86 do).  Stack faults (QEMU sets neither
 * IE nor SF) and the transcendentals (not in fpu/f80 yet) are not here.
 */
#include "../sys_common/sys.h"

typedef struct {
	uint64_t sig;
	uint16_t se;
} __attribute__((packed)) x80;

static void p80(x80 v)
{
	printf(" %04x:%08x%08x", v.se, (uint32_t)(v.sig >> 32), (uint32_t)v.sig);
}

static uint16_t fsw(void)
{
	uint16_t s;
	__asm__ volatile("fnstsw %0" : "=m"(s));
	return s;
}

static void fldcw(uint16_t cw)
{
	__asm__ volatile("fldcw %0" : : "m"(cw));
}

/* Binary ops, register form: ST1 = a, ST0 = b, then one DE xx byte pair. */
#define BIN(name, bytes)                                                         \
	static x80 name(x80 a, x80 b)                                            \
	{                                                                        \
		x80 r;                                                           \
		__asm__ volatile("fldt %1\n\tfldt %2\n\t.byte " bytes "\n\tfstpt %0" \
				 : "=m"(r) : "m"(a), "m"(b));                    \
		return r;                                                        \
	}
BIN(faddp, "0xde, 0xc1")  /* a + b */
BIN(fmulp, "0xde, 0xc9")  /* a * b */
BIN(fsubp, "0xde, 0xe9")  /* ST1 = ST1 - ST0: a - b */
BIN(fsubrp, "0xde, 0xe1") /* b - a */
BIN(fdivp, "0xde, 0xf9")  /* a / b */
BIN(fdivrp, "0xde, 0xf1") /* b / a */

static x80 ld32(uint32_t bits)
{
	x80 r;
	__asm__ volatile("flds %1\n\tfstpt %0" : "=m"(r) : "m"(bits));
	return r;
}

static x80 ld64(uint64_t bits)
{
	x80 r;
	__asm__ volatile("fldl %1\n\tfstpt %0" : "=m"(r) : "m"(bits));
	return r;
}

static void test_loads(void)
{
	static const uint32_t f32[] = { 0x3fc00000, 0x80000001, 0x7f800000, 0x7fa00000, 0x00000000, 0xc2f6e979 };
	static const uint64_t f64[] = { 0x3fd5555555555555ull, 0x000fffffffffffffull, 0xfff0000000000000ull,
					0x7ff4000000000000ull, 0x43e0000000000000ull };
	printf("ld m32:");
	for (unsigned i = 0; i < sizeof(f32) / 4; i++) {
		__asm__ volatile("fnclex");
		p80(ld32(f32[i]));
		printf("/%02x", fsw() & 0x3d);
	}
	printf("\nld m64:");
	for (unsigned i = 0; i < sizeof(f64) / 8; i++) {
		__asm__ volatile("fnclex");
		p80(ld64(f64[i]));
		printf("/%02x", fsw() & 0x3d);
	}
	int16_t i16 = -12345;
	int32_t i32 = 2000000001;
	int64_t i64 = -0x123456789abcdefll;
	x80 r;
	printf("\nfild:");
	__asm__ volatile("filds %1\n\tfstpt %0" : "=m"(r) : "m"(i16)); p80(r);
	__asm__ volatile("fildl %1\n\tfstpt %0" : "=m"(r) : "m"(i32)); p80(r);
	__asm__ volatile("fildll %1\n\tfstpt %0" : "=m"(r) : "m"(i64)); p80(r);
	static const uint8_t bcd[10] = { 0x89, 0x67, 0x45, 0x23, 0x01, 0x99, 0, 0, 0x12, 0x80 };
	__asm__ volatile("fbld %1\n\tfstpt %0" : "=m"(r) : "m"(bcd)); p80(r);
	static const x80 m80 = { 0xc90fdaa22168c235ull, 0x4000 };
	__asm__ volatile("fldt %1\n\tfstpt %0" : "=m"(r) : "m"(m80)); p80(r);
	printf("\n");
}

/* Values to store: 1/3, -2.5, 2^70+, -0.5, 123456.5 and a tiny one. */
static x80 store_src[6];

static void test_stores(void)
{
	x80 one = ld32(0x3f800000), three = ld32(0x40400000);
	store_src[0] = fdivp(one, three);
	store_src[1] = ld32(0xc0200000);
	store_src[2] = (x80){ 0x8000000000000801ull, 0x4045 };
	store_src[3] = ld32(0xbf000000);
	store_src[4] = ld64(0x40fe240800000000ull);
	store_src[5] = (x80){ 0x8000000000000001ull, 0x3f00 };
	for (int rc = 0; rc < 4; rc++) {
		fldcw((uint16_t)(0x037f | rc << 10));
		printf("st rc=%d:", rc);
		for (int i = 0; i < 6; i++) {
			uint32_t f; uint64_t d; int16_t w; int32_t l; int64_t q;
			uint8_t b[10];
			__asm__ volatile("fnclex\n\tfldt %5\n\tfsts %0\n\tfstl %1\n\tfists %2\n\tfistl %3\n\tfistpll %4"
					 : "=m"(f), "=m"(d), "=m"(w), "=m"(l), "=m"(q) : "m"(store_src[i]));
			printf(" %08x %08x%08x %04x %08x %08x%08x", f, (uint32_t)(d >> 32), (uint32_t)d,
			       (uint16_t)w, (uint32_t)l, (uint32_t)((uint64_t)q >> 32), (uint32_t)q);
			__asm__ volatile("fldt %1\n\tfbstp %0" : "=m"(b) : "m"(store_src[i]));
			printf(" %02x%02x..%02x%02x/%02x", b[9], b[8], b[1], b[0], fsw() & 0x3f);
		}
		printf("\n");
	}
	fldcw(0x037f);
}

static void test_arith(void)
{
	static const uint32_t pa[] = { 0x3f800000, 0x4b800001, 0xc0490fdb, 0x7f7fffff, 0x00800001 };
	static const uint32_t pb[] = { 0x40400000, 0x3f000001, 0x3eaaaaab, 0x7f7fffff, 0x80800000 };
	for (int pc = 0; pc < 4; pc += 1) {
		if (pc == 1)
			continue;
		for (int rc = 0; rc < 4; rc++) {
			uint32_t h = 0;
			printf("arith pc=%d rc=%d:", pc, rc);
			for (unsigned i = 0; i < 5; i++) {
				x80 a = ld32(pa[i]), b = ld32(pb[i]);
				a = fdivp(a, ld32(0x40e00000)); /* a/7: full 64-bit significand */
				fldcw((uint16_t)(0x037f & ~0x300) | pc << 8 | rc << 10);
				__asm__ volatile("fnclex");
				x80 r[6] = { faddp(a, b), fmulp(a, b), fsubp(a, b), fsubrp(a, b), fdivp(a, b), fdivrp(a, b) };
				uint16_t s = fsw();
				x80 q;
				__asm__ volatile("fldt %1\n\tfsqrt\n\tfstpt %0" : "=m"(q) : "m"(r[1]));
				fldcw(0x037f);
				for (int k = 0; k < 6; k++)
					h = (h ^ (uint32_t)r[k].sig ^ (uint32_t)(r[k].sig >> 32) ^ r[k].se) * 16777619u;
				printf(" %04x", s & 0x3f);
				if (i == 0) {
					p80(r[4]);
					p80(q);
				}
			}
			printf(" h=%08x\n", h);
		}
	}
	/* The other encodings of the same operations. */
	float f = 3.0f; double dd = 0.25; int16_t w = 7; int32_t l = -3;
	x80 r[8], two = ld32(0x40000000);
	__asm__ volatile("fldt %8\n\tfadds %9\n\tfstpt %0\n\t"
			 "fldt %8\n\tfsubrl %10\n\tfstpt %1\n\t"
			 "fldt %8\n\tfimuls %11\n\tfstpt %2\n\t"
			 "fldt %8\n\tfidivrl %12\n\tfstpt %3\n\t"
			 "fldt %8\n\tfld1\n\t.byte 0xd8, 0xe1\n\tfstpt %4\n\tfstp %%st(0)\n\t"   /* fsub st0, st1 */
			 "fldt %8\n\tfld1\n\t.byte 0xdc, 0xe1\n\tfstp %%st(0)\n\tfstpt %5\n\t"   /* fsubr st1, st0 */
			 "fldt %8\n\tfld1\n\t.byte 0xdc, 0xf9\n\tfstp %%st(0)\n\tfstpt %6\n\t"   /* fdiv st1, st0 */
			 "fldt %8\n\tfld1\n\t.byte 0xd8, 0xf9\n\tfstpt %7\n\tfstp %%st(0)"       /* fdivr st0, st1 */
			 : "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(r[3]), "=m"(r[4]), "=m"(r[5]), "=m"(r[6]), "=m"(r[7])
			 : "m"(two), "m"(f), "m"(dd), "m"(w), "m"(l));
	printf("forms:");
	for (int i = 0; i < 8; i++)
		p80(r[i]);
	printf("\n");
}

static void test_misc_unary(void)
{
	x80 v = { 0xd555555555555555ull, 0xc004 }, r[6];
	uint16_t s[2];
	__asm__ volatile("fldt %7\n\tfrndint\n\tfstpt %0\n\t"
			 "fldt %7\n\tfabs\n\tfstpt %1\n\t"
			 "fldt %7\n\tfchs\n\tfstpt %2\n\t"
			 "fldt %7\n\tfxtract\n\tfstpt %3\n\tfstpt %4\n\t"
			 "fld1\n\tfldt %7\n\tfscale\n\tfstpt %5\n\tfstp %%st(0)\n\t"
			 "fldt %7\n\tfldpi\n\tfprem\n\tfnstsw %6\n\tfstp %%st(0)\n\tfstp %%st(0)"
			 : "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(r[3]), "=m"(r[4]), "=m"(r[5]), "=m"(s[0])
			 : "m"(v));
	printf("unary:");
	for (int i = 0; i < 6; i++)
		p80(r[i]);
	printf(" fprem-sw=%04x\n", s[0] & 0x4700);
	printf("consts:");
	for (int rc = 0; rc < 4; rc++) {
		x80 k[7];
		fldcw((uint16_t)(0x037f | rc << 10));
		__asm__ volatile("fld1\n\tfldl2t\n\tfldl2e\n\tfldpi\n\tfldlg2\n\tfldln2\n\tfldz\n\t"
				 "fstpt %6\n\tfstpt %5\n\tfstpt %4\n\tfstpt %3\n\tfstpt %2\n\tfstpt %1\n\tfstpt %0"
				 : "=m"(k[0]), "=m"(k[1]), "=m"(k[2]), "=m"(k[3]), "=m"(k[4]), "=m"(k[5]), "=m"(k[6]));
		for (int i = 1; i < 6; i++)
			printf(" %08x", (uint32_t)k[i].sig);
	}
	fldcw(0x037f);
	printf("\n");
}

static void test_compare(void)
{
	static const uint32_t v[] = { 0x3f800000, 0x40000000, 0xbf800000, 0x7fc00000, 0x00000000, 0x80000000 };
	printf("fcom:");
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j += 1) {
			uint16_t s1, s2;
			uint32_t fl, fl2;
			__asm__ volatile("fnclex\n\tflds %4\n\tflds %5\n\tfcom %%st(1)\n\tfnstsw %0\n\t"
					 "fnclex\n\tfucomi %%st(1), %%st\n\tpushfl\n\tpopl %2\n\t"
					 "fcomip %%st(1), %%st\n\tpushfl\n\tpopl %3\n\tfnstsw %1\n\tfstp %%st(0)"
					 : "=m"(s1), "=m"(s2), "=r"(fl), "=r"(fl2) : "m"(v[i]), "m"(v[j]));
			/* Only ZF PF CF: FCOMI clears OF SF AF on the host CPU (and bt86), QEMU keeps them. */
			printf(" %x/%03x/%03x", (s1 >> 8) & 0x47, fl & 0x45, (s2 & 1) | (fl2 & 0x45) << 4);
		}
	uint16_t s[4];
	int16_t w = 2;
	int32_t l = 1;
	__asm__ volatile("fld1\n\tficoms %4\n\tfnstsw %0\n\tficompl %5\n\tfnstsw %1\n\t"
			 "fldz\n\tftst\n\tfnstsw %2\n\tfld1\n\tfucompp\n\tfnstsw %3"
			 : "=m"(s[0]), "=m"(s[1]), "=m"(s[2]), "=m"(s[3]) : "m"(w), "m"(l));
	printf("\nficom/ftst/fucompp: %04x %04x %04x %04x\n", s[0], s[1], s[2], s[3]);

	/* FCMOVcc: each condition, with CF ZF PF from an integer compare. */
	printf("fcmov:");
	static const uint32_t fl[] = { 0x000, 0x001, 0x040, 0x004, 0x045 };
	for (int i = 0; i < 5; i++) {
		uint32_t res = 0;
		for (int c = 0; c < 8; c++) {
			x80 r;
			uint32_t flags = 0x2 | fl[i];
			switch (c) {
#define FC(n, insn) case n: __asm__ volatile("fld1\n\tfldz\n\tpushl %1\n\tpopfl\n\t" insn " %%st(1), %%st\n\tfstpt %0\n\tfstp %%st(0)" : "=m"(r) : "r"(flags) : "cc"); break;
			FC(0, "fcmovb") FC(1, "fcmove") FC(2, "fcmovbe") FC(3, "fcmovu")
			FC(4, "fcmovnb") FC(5, "fcmovne") FC(6, "fcmovnbe") FC(7, "fcmovnu")
			}
			res |= (r.se != 0) << c;
		}
		printf(" %02x", res);
	}
	printf("\nfxam:");
	static const x80 xv[] = { { 0x8000000000000000ull, 0x3fff }, { 0, 0x8000 }, { 0x8000000000000000ull, 0x7fff },
				  { 0xc000000000000000ull, 0xffff }, { 0x0000000000000001ull, 0x0000 },
				  { 0x4000000000000000ull, 0x3fff } };
	for (int i = 0; i < 6; i++) {
		__asm__ volatile("fldt %0\n\tfxam" : : "m"(xv[i]));
		printf(" %04x", fsw() & 0x4700);
		__asm__ volatile("fstp %st(0)");
	}
	__asm__ volatile("fninit\n\tfxam");
	printf(" %04x\n", fsw() & 0x4700);
}

static uint8_t img[512] __attribute__((aligned(16)));

static void test_images(void)
{
	__asm__ volatile("fninit\n\tfld1\n\tfldz\n\tfldpi\n\tfld1\n\tfchs\n\tfincstp\n\tfdecstp\n\tfxch %%st(2)\n\tfnstenv %0"
			 : "=m"(*(uint8_t(*)[28])img));
	uint32_t *w = (uint32_t *)img;
	printf("fnstenv32: cw=%04x sw=%04x tw=%04x\n", w[0] & 0xffff, w[1] & 0xffff, w[2] & 0xffff);
	uint16_t cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	printf("  cw after fnstenv=%04x\n", cw);
	__asm__ volatile("fldcw %0\n\tdata16 fnstenv %1" : : "m"(*(uint16_t *)img), "m"(*(uint8_t(*)[14])(img + 64)));
	uint16_t *h = (uint16_t *)(img + 64);
	printf("fnstenv16: cw=%04x sw=%04x tw=%04x\n", h[0], h[1], h[2]);
	memset(img, 0, sizeof(img));
	__asm__ volatile("fnsave %0" : "=m"(*(uint8_t(*)[108])img));
	printf("fnsave: cw=%04x sw=%04x tw=%04x regs:", w[0] & 0xffff, w[1] & 0xffff, w[2] & 0xffff);
	for (int i = 0; i < 4; i++)
		p80(*(x80 *)(img + 28 + 10 * i));
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	printf(" after: cw=%04x sw=%04x\n", cw, fsw());
	__asm__ volatile("frstor %0\n\tfldz" : : "m"(*(uint8_t(*)[108])img));
	printf("frstor+fldz: sw=%04x", fsw());
	x80 t;
	__asm__ volatile("fstpt %0\n\tfstpt %0" : "=m"(t));
	p80(t);
	printf("\n");
	memset(img, 0, sizeof(img));
	__asm__ volatile("fxsave %0" : "=m"(img));
	printf("fxsave: cw=%04x sw=%04x ftw=%02x regs:", *(uint16_t *)img, *(uint16_t *)(img + 2), img[4]);
	for (int i = 0; i < 4; i++)
		p80(*(x80 *)(img + 32 + 16 * i));
	__asm__ volatile("fninit\n\tfxrstor %0" : : "m"(img));
	printf(" restored sw=%04x", fsw());
	__asm__ volatile("fstpt %0" : "=m"(t));
	p80(t);
	printf("\n");
	__asm__ volatile("fninit");
}

static uint32_t cr0(void)
{
	uint32_t v;
	__asm__ volatile("movl %%cr0, %0" : "=r"(v));
	return v;
}

static void set_cr0(uint32_t v)
{
	__asm__ volatile("movl %0, %%cr0" : : "r"(v));
}

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));

static void test_exceptions(void)
{
	uint32_t c0 = cr0();
	printf("#NM with TS:\n");
	set_cr0((c0 | 8) & ~2u);
	probe_begin("  fld1");
	PROBE("fld1", ::: "memory");
	probe_end();
	probe_begin("  fwait (MP=0)");
	PROBE("fwait", ::: "memory");
	probe_end();
	set_cr0(c0 | 8 | 2);
	probe_begin("  fwait (MP=1)");
	PROBE("fwait", ::: "memory");
	probe_end();
	set_cr0((c0 & ~8u) | 4);
	probe_begin("  fnstsw ax with EM");
	PROBE("fnstsw %%ax", : : : "eax");
	probe_end();
	set_cr0(c0 | 0x20);
	__asm__ volatile("fninit");
	printf("#MF with NE=1:\n");
	fldcw(0x037b);
	probe_begin("  fdivp by zero");
	PROBE("fld1\n\tfldz\n\tfdivrp", ::: "memory");
	probe_end();
	/* TOP left out: the host CPU (and bt86) do not pop after an unmasked
	 * exception (sw=b084), QEMU does (b884). */
	printf("  sw=%04x\n", fsw() & ~0x3800);
	probe_begin("  fwait");
	PROBE("fwait", ::: "memory");
	probe_end();
	probe_begin("  fnstcw (no wait)");
	PROBE("fnstcw %0", : "=m"(*(uint16_t *)img));
	probe_end();
	__asm__ volatile("fnclex");
	probe_begin("  fwait after fnclex");
	PROBE("fwait", ::: "memory");
	probe_end();

	printf("#PF on fstp m80 across a page:\n");
	for (int i = 0; i < 1024; i++)
		pd[i] = (uint32_t)(i << 22) | 0x83;
	for (int i = 0; i < 1024; i++)
		pt[i] = (0x00800000u + (uint32_t)(i << 12)) | 3;
	pt[1] = 0;
	pd[2] = (uint32_t)pt | 3;
	uint32_t cr4;
	__asm__ volatile("movl %%cr4, %0\n\torl $0x10, %0\n\tmovl %0, %%cr4\n\tmovl %1, %%cr3"
			 : "=&r"(cr4) : "r"(pd));
	set_cr0(cr0() | 0x80000000u);
	x80 t;
	volatile uint32_t *edge = (uint32_t *)0x00800ffcu;
	*edge = 0x55aa55aa;
	__asm__ volatile("fninit\n\tfld1\n\tfldpi");
	probe_begin("  fstpt");
	PROBE("fstpt (%0)", : : "r"(edge) : "memory");
	probe_end();
	printf("  mem=%08x sw=%04x", *edge, fsw());
	__asm__ volatile("fstpt %0" : "=m"(t));
	p80(t);
	printf("\n");
	probe_begin("  fistpll");
	PROBE("fistpll (%0)", : : "r"(edge) : "memory");
	probe_end();
	printf("  mem=%08x sw=%04x", *edge, fsw());
	__asm__ volatile("fstpt %0" : "=m"(t));
	p80(t);
	printf("\n");
	set_cr0(cr0() & ~0x80000000u);
	__asm__ volatile("fninit");
}

int main(const char *cmdline)
{
	(void)cmdline;
	sys_init();
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
	printf("cpuid.1 edx: fpu=%u fxsr=%u cr0.et=%u\n", d & 1, (d >> 24) & 1, (cr0() >> 4) & 1);
	set_cr0((cr0() | 0x22) & ~0xcu);
	__asm__ volatile("fninit");
	uint16_t cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	printf("fninit: cw=%04x sw=%04x\n", cw, fsw());
	test_loads();
	test_stores();
	test_arith();
	test_misc_unary();
	test_compare();
	test_images();
	test_exceptions();
	printf("done\n");
	return 0;
}
