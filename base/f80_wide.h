/*
 * f80_wide.h - a 128-bit-significand float for the transcendentals' inner
 * computations, so that a 64-bit result is off by far less than an ulp
 * before its one final rounding.
 *
 * value = (-1)^s * m * 2^(e - 127), m with bit 127 set (or m = 0 for zero).
 * The exponent is an int32_t with no range limit worth mentioning, so
 * intermediate values never overflow or underflow.  Operations truncate
 * (or jam into bit 0), each costing at most an ulp of 2^-127.
 *
 *     struct wide x = wide_from_f80(a);
 *     struct wide y = wide_mul(x, wide_k(&WIDE_LN2));
 *     return wide_round(env, y, false);
 */
#ifndef BT86_BASE_F80_WIDE_H
#define BT86_BASE_F80_WIDE_H

#include "base/f80_impl.h"

struct wide {
    f80_u128 m;
    int32_t e;
    bool s;
};

/* A constant, stored as two halves so that the tables read naturally. */
struct wide_const {
    uint64_t hi, lo;
    int32_t e;
};

extern const struct wide_const WIDE_PI_2, WIDE_PI, WIDE_PI_4, WIDE_3PI_4, WIDE_LN2, WIDE_LOG2E;
extern const struct wide_const WIDE_ATAN_16THS[17]; /* atan(k/16), k = 0..16 */

static inline struct wide wide_k(const struct wide_const *k)
{
    return (struct wide){ .m = (f80_u128)k->hi << 64 | k->lo, .e = k->e, .s = false };
}

static inline struct wide wide_neg(struct wide a)
{
    a.s = !a.s;
    return a;
}

/* A finite, nonzero, supported register value, exactly. */
struct wide wide_from_f80(f80 a);
struct wide wide_from_int(int64_t v);
struct wide wide_mul(struct wide a, struct wide b);
struct wide wide_add(struct wide a, struct wide b);
struct wide wide_div(struct wide a, struct wide b);
struct wide wide_div_small(struct wide a, uint64_t d);

/* Round into a register at 64 bits; exact says no bits were lost, so that
 * PE and the rounding direction come out right for exact results. */
f80 wide_round(struct f80_env *env, struct wide x, bool exact);

/* Series, |x| small (see each): sin, cos, atan, atanh and e^x - 1. */
struct wide wide_sin_series(struct wide x);   /* |x| <= pi/4 */
struct wide wide_cos_series(struct wide x);   /* |x| <= pi/4 */
struct wide wide_atan_series(struct wide x);  /* |x| <= 1/32 */
struct wide wide_atanh_series(struct wide x); /* |x| <= 0.18 */
struct wide wide_expm1_series(struct wide x); /* |x| <= 0.7 */

#endif
