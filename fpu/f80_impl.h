/*
 * f80_impl.h - what the fpu/f80_*.c files share and nobody else needs:
 * operand inspection, the one rounding routine every result goes through,
 * and NaN propagation.
 *
 * Intermediate results are a sign, a biased exponent that may leave the
 * 15-bit range (int32_t) and a 128-bit significand with its leading one in
 * bit 127: 64 bits more than a register holds, enough for the rounding and
 * sticky bits of every operation here (lower bits are jammed into bit 0).
 */
#ifndef BT86_FPU_F80_IMPL_H
#define BT86_FPU_F80_IMPL_H

#include "fpu/f80.h"

__extension__ typedef unsigned __int128 f80_u128;

#define F80_INT_BIT 0x8000000000000000ull
#define F80_QUIET_BIT 0x4000000000000000ull

static inline int32_t f80_exp(f80 a) { return a.se & 0x7fff; }
static inline f80 f80_make(bool sign, int32_t exp, uint64_t sig)
{
    return (f80){ .sig = sig, .se = (uint16_t)((unsigned)sign << 15 | (uint32_t)exp) };
}

/* A normal number with its integer bit: the only kind the fast paths take. */
static inline bool f80_is_plain(f80 a)
{
    return f80_exp(a) - 1u < 0x7ffeu && (a.sig >> 63);
}
/* Unnormal, pseudo-NaN, pseudo-infinity: invalid operands on the 387+. */
static inline bool f80_is_unsupported(f80 a)
{
    return f80_exp(a) != 0 && !(a.sig >> 63);
}
static inline bool f80_is_denormal(f80 a) { return f80_exp(a) == 0 && a.sig != 0; }
static inline bool f80_is_zero(f80 a) { return f80_exp(a) == 0 && a.sig == 0; }
static inline bool f80_is_inf(f80 a)
{
    return f80_exp(a) == 0x7fff && a.sig == F80_INT_BIT;
}

/* Unbiased-exponent-free view of a finite nonzero supported operand: the
 * significand shifted so bit 63 is set, the exponent lowered to match
 * (a denormal's exponent field 0 means 1). */
static inline uint64_t f80_norm_sig(f80 a, int32_t *exp)
{
    int32_t e = f80_exp(a);
    uint64_t s = a.sig;
    if (e == 0) {
        int sh = __builtin_clzll(s);
        e = 1 - sh;
        s <<= sh;
    }
    *exp = e;
    return s;
}

static inline f80_u128 f80_shift_right_jam(f80_u128 x, int32_t n)
{
    if (n <= 0)
        return x;
    if (n >= 128)
        return x != 0;
    return (x >> n) | ((x << (128 - n)) != 0);
}

/* Round sig (leading one in bit 127, or zero) to nbits, in the exponent
 * range [1, emax] of the destination format whose biased exponent *e is.
 * wrap: the exponent adjustment of an unmasked underflow or overflow
 * (0x6000 for a register; 0 for a memory format, where the x87 stores
 * nothing then and the value returned does not matter).  On return *e is
 * the biased exponent, 0 for a denormal or zero, emax + 1 for infinity. */
f80_u128 f80_round(struct f80_env *env, bool sign, int32_t *e, f80_u128 sig, unsigned nbits,
                   int32_t emax, int32_t wrap);

/* Round and pack a register value with env's precision control. */
f80 f80_round_pack(struct f80_env *env, bool sign, int32_t e, f80_u128 sig);
unsigned f80_pc_bits(const struct f80_env *env);

/* The result of an operation with a NaN operand (at least one of a, b is a
 * NaN; pass b = a for one operand).  Raises IE for an SNaN. */
f80 f80_propagate_nan(struct f80_env *env, f80 a, f80 b);
/* Invalid operation: IE and the real indefinite. */
f80 f80_invalid(struct f80_env *env);

#endif
