/*
 * f80_trans.c - FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1.
 *
 * Each is computed in the 128-bit-significand float of f80_wide.h and
 * rounded once, so the result is within an ulp of the true value (nearly
 * always correctly rounded).  Trig arguments are reduced modulo pi/2 with
 * 256 bits of 2/pi, exact enough for every |x| < 2^63: unlike the hardware,
 * whose 66-bit pi loses bits near multiples of pi.  Special operands follow
 * the SDM's tables for each instruction.  No result uses more than integer
 * arithmetic, so every host computes the same bits.
 */
#include "base/f80_wide.h"

#include <stddef.h>

/* 2/pi, 256 bits after the binary point. */
static const uint64_t TWO_OVER_PI[4] = {
    0xa2f9836e4e441529ull, 0xfc2757d1f534ddc0ull, 0xdb6295993c439041ull, 0xfe5163abdebbc561ull,
};

/* |x| = k * pi/2 + r with |r| <= pi/4; returns r with x's sign folded out
 * (the caller applies it) and k mod 4. */
static struct wide reduce(f80 a, unsigned *quadrant)
{
    int32_t ea;
    uint64_t m = f80_norm_sig(a, &ea);
    int32_t E = ea - F80_BIAS;
    struct wide x = { .m = (f80_u128)m << 64, .e = E, .s = false };
    *quadrant = 0;
    if (E < -1 || (E == -1 && m <= 0xc90fdaa22168c234ull))
        return x; /* |x| <= pi/4 */
    /* m * 2/pi as a 320-bit integer, p[0] most significant */
    uint64_t p[5] = { 0 };
    f80_u128 carry = 0;
    for (int i = 3; i >= 0; i--) {
        f80_u128 t = (f80_u128)m * TWO_OVER_PI[i] + carry;
        p[i + 1] = (uint64_t)t;
        carry = t >> 64;
    }
    p[0] = (uint64_t)carry;
    /* x * 2/pi = p * 2^(E - 63 - 256): fractional bits fs = 319 - E */
    int32_t fs = 319 - E;      /* in [257, 320] */
    int32_t ibits = 320 - fs;  /* integer bits at the top, in [0, 63] */
    /* shift the 320-bit p left by ibits: top word is then the fraction */
    uint64_t w[5];
    for (int i = 0; i < 5; i++) {
        uint64_t hi = ibits ? p[i] << ibits : p[i];
        uint64_t lo = (ibits && i + 1 < 5) ? p[i + 1] >> (64 - ibits) : 0;
        w[i] = hi | lo;
    }
    uint64_t k = ibits ? p[0] >> (64 - ibits) : 0;
    bool neg = false;
    if (w[0] >> 63) { /* fraction >= 1/2: measure from the next multiple */
        k++;
        neg = true;
        bool borrow = true;
        for (int i = 4; i >= 0; i--) {
            w[i] = ~w[i] + borrow;
            borrow = borrow && w[i] == 0;
        }
    }
    *quadrant = (unsigned)(k & 3);
    int lead = 0;
    while (lead < 3 && w[lead] == 0)
        lead++;
    if (w[lead] == 0) /* cannot happen for a 64-bit x */
        return (struct wide){ 0, 0, false };
    int sh = __builtin_clzll(w[lead]);
    uint64_t w1 = w[lead + 1], w2 = lead + 2 < 5 ? w[lead + 2] : 0;
    uint64_t hi = sh ? w[lead] << sh | w1 >> (64 - sh) : w[lead];
    uint64_t lo = sh ? w1 << sh | w2 >> (64 - sh) : w1;
    struct wide fr = { .m = (f80_u128)hi << 64 | lo, .e = -(64 * lead + sh + 1), .s = neg };
    return wide_mul(fr, wide_k(&WIDE_PI_2));
}

static f80 trig_special(struct f80_env *env, f80 a, bool *handled)
{
    *handled = true;
    if (f80_is_unsupported(a) || f80_is_inf(a))
        return f80_invalid(env);
    if (f80_is_nan(a))
        return f80_propagate_nan(env, a, a);
    *handled = false;
    return a;
}

/* For |x| < 2^-40 the next term of sin, cos, tan or atan is below 2^-80
 * of the first.  The hardware then returns that leading term exactly
 * rounded but flagged inexact (and tiny, if it is), rather than the sliver
 * on one side of it that decides a directed rounding; so does this. */
static bool tiny_arg(f80 a) { return f80_exp(a) < F80_BIAS - 40; }

static f80 leading_term(struct f80_env *env, struct wide w)
{
    f80 r = wide_round(env, w, true);
    env->flags |= F80_PE;
    if (f80_exp(r) == 0 && r.sig)
        env->flags |= F80_UE;
    return r;
}

/* sin and cos of x (x finite, nonzero, |x| < 2^63); s or c may be NULL
 * when not wanted, which spares a series. */
static void sin_cos(f80 a, struct wide *s, struct wide *c)
{
    unsigned q;
    struct wide r = reduce(a, &q);
    struct wide zero = { 0, 0, false };
    bool need_sin_r = (s && !(q & 1)) || (c && (q & 1));
    bool need_cos_r = (s && (q & 1)) || (c && !(q & 1));
    struct wide sr = need_sin_r ? wide_sin_series(r) : zero;
    struct wide cr = need_cos_r ? wide_cos_series(r) : zero;
    struct wide ts, tc;
    if (!s)
        s = &ts;
    if (!c)
        c = &tc;
    switch (q) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = wide_neg(sr); break;
    case 2: *s = wide_neg(sr); *c = wide_neg(cr); break;
    default: *s = wide_neg(cr); *c = sr; break;
    }
    if (f80_sign(a))
        *s = wide_neg(*s);
}

static bool trig_out_of_range(f80 a) { return f80_exp(a) >= F80_BIAS + 63; }

void f80_sincos(struct f80_env *env, f80 a, f80 *s, f80 *c, bool *out_of_range)
{
    bool handled;
    *out_of_range = false;
    f80 r = trig_special(env, a, &handled);
    if (handled) {
        *s = *c = r;
        return;
    }
    if (trig_out_of_range(a)) {
        *out_of_range = true;
        *s = *c = a;
        return;
    }
    if (a.sig == 0) {
        *s = a;
        *c = f80_make(false, F80_BIAS, F80_INT_BIT);
        return;
    }
    if (f80_exp(a) == 0 && f80_raise_de(env)) {
        *s = *c = a;
        return;
    }
    if (tiny_arg(a)) {
        *s = leading_term(env, wide_from_f80(a));
        *c = leading_term(env, wide_from_int(1));
        return;
    }
    struct wide ws, wc;
    sin_cos(a, &ws, &wc);
    /* both results are rounded; C1 is the last one's, as FSINCOS leaves cos on top */
    *s = wide_round(env, ws, false);
    env->c1 = false;
    *c = wide_round(env, wc, false);
}

f80 f80_sin(struct f80_env *env, f80 a, bool *out_of_range)
{
    bool handled;
    *out_of_range = false;
    f80 r = trig_special(env, a, &handled);
    if (handled)
        return r;
    if (trig_out_of_range(a)) {
        *out_of_range = true;
        return a;
    }
    if (a.sig == 0)
        return a;
    if (f80_exp(a) == 0 && f80_raise_de(env))
        return a;
    if (tiny_arg(a))
        return leading_term(env, wide_from_f80(a));
    struct wide ws;
    sin_cos(a, &ws, NULL);
    return wide_round(env, ws, false);
}

f80 f80_cos(struct f80_env *env, f80 a, bool *out_of_range)
{
    bool handled;
    *out_of_range = false;
    f80 r = trig_special(env, a, &handled);
    if (handled)
        return r;
    if (trig_out_of_range(a)) {
        *out_of_range = true;
        return a;
    }
    if (a.sig == 0)
        return f80_make(false, F80_BIAS, F80_INT_BIT);
    if (f80_exp(a) == 0 && f80_raise_de(env))
        return a;
    if (tiny_arg(a))
        return leading_term(env, wide_from_int(1));
    struct wide wc;
    sin_cos(a, NULL, &wc);
    return wide_round(env, wc, false);
}

f80 f80_tan(struct f80_env *env, f80 a, bool *out_of_range)
{
    bool handled;
    *out_of_range = false;
    f80 r = trig_special(env, a, &handled);
    if (handled)
        return r;
    if (trig_out_of_range(a)) {
        *out_of_range = true;
        return a;
    }
    if (a.sig == 0)
        return a;
    if (f80_exp(a) == 0 && f80_raise_de(env))
        return a;
    if (tiny_arg(a))
        return leading_term(env, wide_from_f80(a));
    struct wide ws, wc;
    sin_cos(a, &ws, &wc);
    return wide_round(env, wide_div(ws, wc), false);
}

/* atan(t) for 0 <= t <= 1: atan(k/16) from the table plus the series of
 * the rest, atan(t) = atan(c) + atan((t - c) / (1 + t c)). */
static struct wide atan01(struct wide t)
{
    int32_t sh = 123 - t.e; /* t * 16 = t.m >> sh, rounded to k */
    unsigned k = sh - 1 >= 128 ? 0 : (unsigned)(((t.m >> (sh - 1)) + 1) >> 1);
    if (k == 0)
        return wide_atan_series(t);
    struct wide c = wide_div_small(wide_from_int(k), 16);
    struct wide num = wide_add(t, wide_neg(c));
    struct wide den = wide_add(wide_from_int(1), wide_mul(t, c));
    return wide_add(wide_k(&WIDE_ATAN_16THS[k]), wide_atan_series(wide_div(num, den)));
}

static f80 signed_const(struct f80_env *env, const struct wide_const *k, bool s)
{
    struct wide w = wide_k(k);
    w.s = s;
    return wide_round(env, w, false);
}

f80 f80_atan2(struct f80_env *env, f80 y, f80 x)
{
    if (f80_is_unsupported(y) || f80_is_unsupported(x))
        return f80_invalid(env);
    if (f80_is_nan(y) || f80_is_nan(x))
        return f80_propagate_nan(env, x, y);
    if ((f80_is_denormal(y) || f80_is_denormal(x)) && f80_raise_de(env))
        return y;
    bool sy = f80_sign(y), sx = f80_sign(x);
    if (f80_is_inf(y)) {
        if (f80_is_inf(x))
            return signed_const(env, sx ? &WIDE_3PI_4 : &WIDE_PI_4, sy);
        return signed_const(env, &WIDE_PI_2, sy);
    }
    if (f80_is_zero(y))
        return sx ? signed_const(env, &WIDE_PI, sy) : f80_make(sy, 0, 0);
    if (f80_is_inf(x))
        return sx ? signed_const(env, &WIDE_PI, sy) : f80_make(sy, 0, 0);
    if (f80_is_zero(x))
        return signed_const(env, &WIDE_PI_2, sy);
    struct wide ay = wide_from_f80(y), ax = wide_from_f80(x), a;
    ay.s = ax.s = false;
    if (!sx && ay.e - ax.e < -41) {
        /* atan(y/x) of a tiny quotient: the quotient, rounded once */
        struct f80_env e64 = *env;
        e64.pc = F80_PC_64;
        e64.flags = 0;
        f80 q = f80_div(&e64, y, x);
        env->flags |= e64.flags | F80_PE;
        env->c1 = e64.c1;
        if (f80_exp(q) == 0 && q.sig)
            env->flags |= F80_UE;
        return q;
    }
    if (ay.e < ax.e || (ay.e == ax.e && ay.m <= ax.m))
        a = atan01(wide_div(ay, ax));
    else
        a = wide_add(wide_k(&WIDE_PI_2), wide_neg(atan01(wide_div(ax, ay))));
    if (sx)
        a = wide_add(wide_k(&WIDE_PI), wide_neg(a));
    a.s = sy;
    return wide_round(env, a, false);
}

f80 f80_2xm1(struct f80_env *env, f80 a)
{
    if (f80_is_unsupported(a))
        return f80_invalid(env);
    if (f80_is_nan(a))
        return f80_propagate_nan(env, a, a);
    if (f80_is_inf(a))
        return f80_sign(a) ? f80_make(true, F80_BIAS, F80_INT_BIT) : a;
    if (a.sig == 0)
        return a;
    if (f80_exp(a) == 0 && f80_raise_de(env))
        return a;
    struct wide x = wide_from_f80(a);
    if (x.e >= 0) {
        /* Outside the SDM's domain [-1, 1] the host leaves the operand as
         * it is, flagging PE; at +-1 it gives 1 and -0.5, exact but again
         * flagged inexact. */
        env->flags |= F80_PE;
        if (x.e > 0 || x.m << 1)
            return a;
        return f80_sign(a) ? f80_make(true, F80_BIAS - 1, F80_INT_BIT) : a;
    }
    return wide_round(env, wide_expm1_series(wide_mul(x, wide_k(&WIDE_LN2))), false);
}

/* ln(1 + u) for the u = num / den given, |u| small: 2 atanh(u / (2 + u)). */
static struct wide log2_of_ratio(struct wide s)
{
    struct wide l = wide_atanh_series(s);
    l.e++;
    return wide_mul(l, wide_k(&WIDE_LOG2E));
}

f80 f80_yl2x(struct f80_env *env, f80 y, f80 x)
{
    if (f80_is_unsupported(y) || f80_is_unsupported(x))
        return f80_invalid(env);
    if (f80_is_nan(y) || f80_is_nan(x))
        return f80_propagate_nan(env, x, y);
    bool sy = f80_sign(y);
    if (f80_sign(x) && !f80_is_zero(x))
        return f80_invalid(env);
    bool x_is_one = f80_exp(x) == F80_BIAS && x.sig == F80_INT_BIT;
    if (f80_is_zero(x)) { /* as for division by zero: no DE */
        if (f80_is_zero(y))
            return f80_invalid(env);
        if (!f80_is_inf(y))
            env->flags |= F80_ZE;
        return f80_make(!sy, 0x7fff, F80_INT_BIT);
    }
    if ((f80_is_denormal(y) || f80_is_denormal(x)) && f80_raise_de(env))
        return y;
    if (f80_is_inf(x)) {
        if (f80_is_zero(y))
            return f80_invalid(env);
        return f80_make(sy, 0x7fff, F80_INT_BIT);
    }
    bool below_one = f80_exp(x) < F80_BIAS || (f80_exp(x) == 0);
    if (f80_is_inf(y)) {
        if (x_is_one)
            return f80_invalid(env);
        return f80_make(sy ^ below_one, 0x7fff, F80_INT_BIT);
    }
    if (f80_is_zero(y) || x_is_one)
        return f80_make(sy ^ below_one, 0, 0);
    int32_t ex;
    uint64_t mx = f80_norm_sig(x, &ex);
    int32_t E = ex - F80_BIAS;
    struct wide m = { .m = (f80_u128)mx << 64, .e = 0, .s = false };
    if (mx > 0xb504f333f9de6484ull) { /* m > sqrt 2: use m / 2 */
        m.e = -1;
        E++;
    }
    struct wide l = wide_from_int(E);
    bool exact = mx == F80_INT_BIT;
    if (!exact) {
        struct wide one = wide_from_int(1);
        struct wide s = wide_div(wide_add(m, wide_neg(one)), wide_add(m, one));
        l = wide_add(l, log2_of_ratio(s));
    }
    /* for x a power of two y * log2(x) is exactly rounded, but the
     * hardware flags PE even when it is exact */
    f80 r = wide_round(env, wide_mul(wide_from_f80(y), l), exact);
    env->flags |= F80_PE;
    if (f80_exp(r) == 0 && r.sig) /* tiny and, as far as flags go, inexact */
        env->flags |= F80_UE;
    return r;
}

f80 f80_yl2xp1(struct f80_env *env, f80 y, f80 x)
{
    if (f80_is_unsupported(y) || f80_is_unsupported(x))
        return f80_invalid(env);
    if (f80_is_nan(y) || f80_is_nan(x))
        return f80_propagate_nan(env, x, y);
    bool sy = f80_sign(y), sx = f80_sign(x);
    /* invalid operations first: they raise no DE */
    if ((f80_is_zero(x) && f80_is_inf(y)) || (f80_is_inf(x) && (sx || f80_is_zero(y))))
        return f80_invalid(env);
    if ((f80_is_denormal(y) || f80_is_denormal(x)) && f80_raise_de(env))
        return y;
    if (f80_is_zero(x))
        return f80_make(sy ^ sx, 0, 0);
    if (f80_is_inf(x))
        return f80_make(sy, 0x7fff, F80_INT_BIT);
    if (f80_is_inf(y))
        return f80_make(sy ^ sx, 0x7fff, F80_INT_BIT);
    if (f80_is_zero(y))
        return f80_make(sy ^ sx, 0, 0);
    struct wide wx = wide_from_f80(x), onep = wide_add(wide_from_int(1), wx);
    if (onep.s || onep.m == 0) {
        /* x <= -1, where log2(1 + x) does not exist: the host keeps x */
        env->flags |= F80_PE;
        return x;
    }
    struct wide s = wide_div(wx, wide_add(wide_from_int(2), wx));
    return wide_round(env, wide_mul(wide_from_f80(y), log2_of_ratio(s)), false);
}
