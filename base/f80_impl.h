/*
 * f80_impl.h - what the base/f80_*.c files share and nobody else needs:
 * operand inspection, the one rounding routine every result goes through,
 * and NaN propagation.
 *
 * Intermediate results are a sign, a biased exponent that may leave the
 * 15-bit range (int32_t) and a 128-bit significand with its leading one in
 * bit 127: 64 bits more than a register holds, enough for the rounding and
 * sticky bits of every operation here (lower bits are jammed into bit 0).
 */
#ifndef BT86_BASE_F80_IMPL_H
#define BT86_BASE_F80_IMPL_H

#include "base/f80.h"

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

/* DE for a denormal operand.  True when DE is unmasked: the instruction
 * then stops before computing anything, with DE its only flag, and the
 * caller returns an operand unchanged (the x87 writes no result). */
static inline bool f80_raise_de(struct f80_env *env)
{
    env->flags |= F80_DE;
    return !(env->masks & F80_DE);
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

/* (hi:lo) / d for hi < d, so that the quotient fits in 64 bits: one DIV on
 * x86-64, where the compiler would call a 128-bit division routine. */
static inline uint64_t f80_div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
    *rem = r;
    return q;
#else
    f80_u128 n = (f80_u128)hi << 64 | lo;
    *rem = (uint64_t)(n % d);
    return (uint64_t)(n / d);
#endif
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

static inline bool f80_round_up_p(const struct f80_env *env, bool sign, bool above_half,
                                  bool at_half, bool odd)
{
    switch (env->rc) {
    case F80_RC_NEAREST: return above_half || (at_half && odd);
    case F80_RC_DOWN: return sign;
    case F80_RC_UP: return !sign;
    default: return false;
    }
}

/* f80_round_pack for the common case, inline: an exponent that cannot
 * overflow or underflow even with a carry, at any precision control. */
static inline f80 f80_round_pack_fast(struct f80_env *env, bool sign, int32_t e, f80_u128 sig)
{
    if (__builtin_expect(e - 1u >= 0x7ffdu, 0))
        return f80_round_pack(env, sign, e, sig);
    uint64_t hi = (uint64_t)(sig >> 64), lo = (uint64_t)sig;
    bool up;
    /* bits of hi below the precision: 0 for 64 (and reserved 1), 11, 40 */
    unsigned drop = 0;
    if (__builtin_expect(env->pc == F80_PC_64 || env->pc == 1, 1)) {
        if (!lo)
            return f80_make(sign, e, hi);
        up = f80_round_up_p(env, sign, lo > F80_INT_BIT, lo == F80_INT_BIT, hi & 1);
    } else {
        drop = env->pc == F80_PC_53 ? 11 : 40;
        uint64_t mask = (1ull << drop) - 1, half = 1ull << (drop - 1), rest = hi & mask;
        if (!rest && !lo)
            return f80_make(sign, e, hi);
        up = f80_round_up_p(env, sign, rest > half || (rest == half && lo), rest == half && !lo,
                            (hi >> drop) & 1);
        hi &= ~mask;
    }
    env->flags |= F80_PE;
    if (up) {
        env->c1 = true;
        hi += 1ull << drop;
        if (hi == 0) {
            hi = F80_INT_BIT;
            e++;
        }
    }
    return f80_make(sign, e, hi);
}

/* The result of an operation with a NaN operand (at least one of a, b is a
 * NaN; pass b = a for one operand).  Raises IE for an SNaN. */
f80 f80_propagate_nan(struct f80_env *env, f80 a, f80 b);
/* Invalid operation: IE and the real indefinite. */
f80 f80_invalid(struct f80_env *env);

#endif
