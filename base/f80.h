/*
 * f80.h - 80-bit extended-precision floating point in software, as the x87
 * computes it.
 *
 * Integer arithmetic only: the emulation path never touches the host's x87
 * or SSE, so results are the same on any host.  Every operation takes the
 * rounding state and returns the exception flags it raised, in the bits of
 * the x87 status word, so fpu/x87*.c can map them straight onto FSW.
 *
 * Operations follow the x87 rather than generic IEEE 754 where they differ:
 * unnormals and pseudo-denormals as the 80387+ treats them, NaN propagation
 * picking the operand with the larger significand, precision control rounding
 * the significand to 24/53/64 bits while keeping the 15-bit exponent range,
 * and masked/unmasked underflow and overflow delivering what the SDM says
 * (unmasked: the result with its exponent wrapped by 0x6000 / 3 << 13).
 *
 * As the host x87 shows (tests/unit/test_f80.c checks each): with DE
 * unmasked a denormal operand stops the operation before it computes, so
 * flags is DE alone and an operand comes back unchanged (write nothing);
 * a float32/float64 store with OE or UE unmasked reports that exception
 * alone, without PE, and the hardware stores nothing.
 */
#ifndef BT86_BASE_F80_H
#define BT86_BASE_F80_H

#include <stdbool.h>
#include <stdint.h>

/* One register: explicit integer bit in sig bit 63, as the hardware stores it. */
typedef struct f80 {
    uint64_t sig;
    uint16_t se; /* sign << 15 | biased exponent (bias 16383) */
} f80;

#define F80_BIAS 16383
#define F80_EXP_MAX 0x7fff

/* Exception flags: the low six bits of the x87 status and control words. */
#define F80_IE 0x01u /* invalid operation */
#define F80_DE 0x02u /* denormal operand */
#define F80_ZE 0x04u /* zero divide */
#define F80_OE 0x08u /* overflow */
#define F80_UE 0x10u /* underflow */
#define F80_PE 0x20u /* precision (inexact) */

/* Rounding control, FCW bits 11:10. */
enum { F80_RC_NEAREST = 0, F80_RC_DOWN = 1, F80_RC_UP = 2, F80_RC_ZERO = 3 };
/* Precision control, FCW bits 9:8 (1 is reserved and behaves as 64 here). */
enum { F80_PC_24 = 0, F80_PC_53 = 2, F80_PC_64 = 3 };

struct f80_env {
    uint8_t rc;    /* F80_RC_* */
    uint8_t pc;    /* F80_PC_* (only add, sub, mul, div, sqrt honour it) */
    uint8_t masks; /* FCW bits 5:0: a set bit masks that exception */
    uint8_t flags; /* out: F80_* raised by the operation (OR-ed in) */
    bool c1;       /* out: the inexact result was rounded away from zero */
};

/* Initialise from a control word; flags and c1 cleared. */
void f80_env_from_cw(struct f80_env *env, uint16_t fcw);

/* Constants that FLD1/FLDL2T/... load; pi, log2(e), log10(2) and ln(2) are
 * rounded in the current rounding mode from their 66-bit internal form. */
enum f80_const { F80_K_ONE, F80_K_L2T, F80_K_L2E, F80_K_PI, F80_K_LG2, F80_K_LN2, F80_K_ZERO };
f80 f80_const(const struct f80_env *env, enum f80_const k);
extern const f80 f80_default_nan; /* the x87 "real indefinite": FFFF C000000000000000 */

/* Classification (FXAM's view). */
enum f80_class {
    F80_UNSUPPORTED, F80_NAN, F80_NORMAL, F80_INFINITY,
    F80_ZERO, F80_EMPTY /* never returned: tags are x87*.c's business */, F80_DENORMAL,
};
enum f80_class f80_classify(f80 a);
static inline bool f80_sign(f80 a) { return a.se >> 15; }
bool f80_is_nan(f80 a);
bool f80_is_snan(f80 a);

/* Arithmetic, rounded per env->rc and env->pc. */
f80 f80_add(struct f80_env *env, f80 a, f80 b);
f80 f80_sub(struct f80_env *env, f80 a, f80 b);
f80 f80_mul(struct f80_env *env, f80 a, f80 b);
f80 f80_div(struct f80_env *env, f80 a, f80 b);
f80 f80_sqrt(struct f80_env *env, f80 a);
f80 f80_round_int(struct f80_env *env, f80 a);                  /* FRNDINT */
f80 f80_scale(struct f80_env *env, f80 a, f80 b);               /* FSCALE: a * 2^trunc(b) */
void f80_xtract(struct f80_env *env, f80 a, f80 *exp, f80 *sig); /* FXTRACT */
f80 f80_abs(f80 a);
f80 f80_chs(f80 a);

/* FPREM (round_nearest false: truncating quotient) and FPREM1 (IEEE).  One
 * partial step as the hardware does it: *incomplete set when the exponent
 * difference was 64 or more and the guest must loop (C2); *q the low three
 * quotient bits (C0 = q2, C3 = q1, C1 = q0), 0 when incomplete. */
f80 f80_rem(struct f80_env *env, f80 a, f80 b, bool round_nearest, bool *incomplete, unsigned *q);

/* Compare: an SNaN (or any NaN when !quiet) raises IE. */
enum f80_rel { F80_LT, F80_EQ, F80_GT, F80_UNORDERED };
enum f80_rel f80_compare(struct f80_env *env, f80 a, f80 b, bool quiet);

/* Conversions.  Loads from float32/float64 are exact (DE for denormals, IE
 * and quieting for SNaN); stores round per env->rc (not pc).  Integer stores
 * of out-of-range values or NaNs give the "integer indefinite" (the most
 * negative value) with IE. */
f80 f80_from_i64(int64_t v);
f80 f80_from_f32(struct f80_env *env, uint32_t bits);
f80 f80_from_f64(struct f80_env *env, uint64_t bits);
uint32_t f80_to_f32(struct f80_env *env, f80 a);
uint64_t f80_to_f64(struct f80_env *env, f80 a);
int16_t f80_to_i16(struct f80_env *env, f80 a);
int32_t f80_to_i32(struct f80_env *env, f80 a);
int64_t f80_to_i64(struct f80_env *env, f80 a);
int64_t f80_to_i64_trunc(struct f80_env *env, f80 a); /* FISTTP */
/* Packed BCD: 10 bytes, 18 digits, sign in bit 7 of byte 9. */
f80 f80_from_bcd(const uint8_t bcd[10]);
void f80_to_bcd(struct f80_env *env, f80 a, uint8_t bcd[10]);

/* Transcendental, within 1 ulp of the true result (the hardware is too, for
 * arguments of moderate size).  Trig arguments with |x| >= 2^63 are left
 * alone with *out_of_range set (C2), as the hardware does. */
f80 f80_sin(struct f80_env *env, f80 a, bool *out_of_range);
f80 f80_cos(struct f80_env *env, f80 a, bool *out_of_range);
void f80_sincos(struct f80_env *env, f80 a, f80 *s, f80 *c, bool *out_of_range);
f80 f80_tan(struct f80_env *env, f80 a, bool *out_of_range); /* FPTAN pushes 1.0 after */
f80 f80_atan2(struct f80_env *env, f80 y, f80 x);            /* FPATAN: atan(st1/st0) */
f80 f80_2xm1(struct f80_env *env, f80 a);                    /* F2XM1 */
f80 f80_yl2x(struct f80_env *env, f80 y, f80 x);             /* FYL2X: y * log2(x) */
f80 f80_yl2xp1(struct f80_env *env, f80 y, f80 x);           /* FYL2XP1: y * log2(x + 1) */

#endif
