/*
 * f80_arith.c - FADD, FSUB, FMUL, FDIV, FSQRT.
 *
 * Each operation has a short path for two normal operands that computes
 * the exact (or exactly-jammed) 128-bit significand and hands it to
 * f80_round_pack; everything else (zeros, denormals, infinities, NaNs and
 * the encodings the 387 refuses) goes out of line to a *_special function
 * that follows the SDM's tables and reuses the same core for denormals.
 */
#include "base/f80_impl.h"

static inline int clz128(f80_u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* Exact zero from two nonzero operands, or +0 + -0: -0 only rounding down. */
static f80 signed_zero_of_cancel(const struct f80_env *env)
{
    return f80_make(env->rc == F80_RC_DOWN, 0, 0);
}

static f80 add_core(struct f80_env *env, bool sa, int32_t ea, uint64_t ma, bool sb, int32_t eb,
                    uint64_t mb)
{
    if (ea < eb || (ea == eb && ma < mb)) {
        bool ts = sa; sa = sb; sb = ts;
        int32_t te = ea; ea = eb; eb = te;
        uint64_t tm = ma; ma = mb; mb = tm;
    }
    f80_u128 A = (f80_u128)ma << 63;
    f80_u128 B = f80_shift_right_jam((f80_u128)mb << 63, ea - eb);
    f80_u128 s;
    int32_t e;
    if (sa == sb) {
        s = A + B;
        if (s >> 127) {
            e = ea + 1;
        } else {
            s <<= 1;
            e = ea;
        }
    } else {
        s = A - B;
        if (s == 0)
            return signed_zero_of_cancel(env);
        int sh = clz128(s);
        s <<= sh;
        e = ea + 1 - sh;
    }
    return f80_round_pack_fast(env, sa, e, s);
}

static f80 add_special(struct f80_env *env, f80 a, f80 b, bool sb)
{
    if (f80_is_unsupported(a) || f80_is_unsupported(b))
        return f80_invalid(env);
    if (f80_is_nan(a) || f80_is_nan(b))
        return f80_propagate_nan(env, a, b);
    bool sa = f80_sign(a);
    if (f80_exp(a) == 0x7fff) {
        if (f80_exp(b) == 0x7fff && sa != sb)
            return f80_invalid(env);
        if (f80_is_denormal(b))
            f80_raise_de(env); /* a is the result either way */
        return a;
    }
    if ((f80_is_denormal(a) || f80_is_denormal(b)) && f80_raise_de(env))
        return a;
    if (f80_exp(b) == 0x7fff)
        return f80_make(sb, 0x7fff, F80_INT_BIT);
    if (f80_is_zero(a) && f80_is_zero(b))
        return sa == sb ? a : signed_zero_of_cancel(env);
    int32_t ea, eb;
    if (f80_is_zero(b)) {
        uint64_t ma = f80_norm_sig(a, &ea);
        return f80_round_pack(env, sa, ea, (f80_u128)ma << 64);
    }
    uint64_t mb = f80_norm_sig(b, &eb);
    if (f80_is_zero(a))
        return f80_round_pack(env, sb, eb, (f80_u128)mb << 64);
    uint64_t ma = f80_norm_sig(a, &ea);
    return add_core(env, sa, ea, ma, sb, eb, mb);
}

f80 f80_add(struct f80_env *env, f80 a, f80 b)
{
    if (__builtin_expect(f80_is_plain(a) && f80_is_plain(b), 1))
        return add_core(env, f80_sign(a), f80_exp(a), a.sig, f80_sign(b), f80_exp(b), b.sig);
    return add_special(env, a, b, f80_sign(b));
}

f80 f80_sub(struct f80_env *env, f80 a, f80 b)
{
    if (__builtin_expect(f80_is_plain(a) && f80_is_plain(b), 1))
        return add_core(env, f80_sign(a), f80_exp(a), a.sig, !f80_sign(b), f80_exp(b), b.sig);
    return add_special(env, a, b, !f80_sign(b));
}

static f80 mul_core(struct f80_env *env, bool s, int32_t ea, uint64_t ma, int32_t eb, uint64_t mb)
{
    f80_u128 p = (f80_u128)ma * mb;
    int32_t e = ea + eb - F80_BIAS + 1;
    if (!(p >> 127)) {
        p <<= 1;
        e--;
    }
    return f80_round_pack_fast(env, s, e, p);
}

static f80 mul_special(struct f80_env *env, f80 a, f80 b)
{
    if (f80_is_unsupported(a) || f80_is_unsupported(b))
        return f80_invalid(env);
    if (f80_is_nan(a) || f80_is_nan(b))
        return f80_propagate_nan(env, a, b);
    bool s = f80_sign(a) ^ f80_sign(b);
    if ((f80_is_inf(a) && f80_is_zero(b)) || (f80_is_zero(a) && f80_is_inf(b)))
        return f80_invalid(env);
    if ((f80_is_denormal(a) || f80_is_denormal(b)) && f80_raise_de(env))
        return a;
    if (f80_is_inf(a) || f80_is_inf(b))
        return f80_make(s, 0x7fff, F80_INT_BIT);
    if (f80_is_zero(a) || f80_is_zero(b))
        return f80_make(s, 0, 0);
    int32_t ea, eb;
    uint64_t ma = f80_norm_sig(a, &ea), mb = f80_norm_sig(b, &eb);
    return mul_core(env, s, ea, ma, eb, mb);
}

f80 f80_mul(struct f80_env *env, f80 a, f80 b)
{
    if (__builtin_expect(f80_is_plain(a) && f80_is_plain(b), 1))
        return mul_core(env, f80_sign(a) ^ f80_sign(b), f80_exp(a), a.sig, f80_exp(b), b.sig);
    return mul_special(env, a, b);
}

static f80 div_core(struct f80_env *env, bool s, int32_t ea, uint64_t ma, int32_t eb, uint64_t mb)
{
    int32_t e = ea - eb + F80_BIAS;
    uint64_t nhi, nlo, r, r2;
    if (ma >= mb) { /* ma << 63, so that the quotient has 64 bits */
        nhi = ma >> 1;
        nlo = ma << 63;
    } else {
        nhi = ma;
        nlo = 0;
        e--;
    }
    uint64_t q = f80_div128(nhi, nlo, mb, &r);
    uint64_t q2 = f80_div128(r, 0, mb, &r2);
    f80_u128 sig = (f80_u128)q << 64 | q2 | (r2 != 0);
    return f80_round_pack_fast(env, s, e, sig);
}

static f80 div_special(struct f80_env *env, f80 a, f80 b)
{
    if (f80_is_unsupported(a) || f80_is_unsupported(b))
        return f80_invalid(env);
    if (f80_is_nan(a) || f80_is_nan(b))
        return f80_propagate_nan(env, a, b);
    bool s = f80_sign(a) ^ f80_sign(b);
    if ((f80_is_inf(a) && f80_is_inf(b)) || (f80_is_zero(a) && f80_is_zero(b)))
        return f80_invalid(env);
    if (f80_is_zero(b) && !f80_is_inf(a)) {
        env->flags |= F80_ZE; /* and no DE for a denormal dividend */
        return f80_make(s, 0x7fff, F80_INT_BIT);
    }
    if ((f80_is_denormal(a) || f80_is_denormal(b)) && f80_raise_de(env))
        return a;
    if (f80_is_inf(a))
        return f80_make(s, 0x7fff, F80_INT_BIT);
    if (f80_is_inf(b))
        return f80_make(s, 0, 0);
    if (f80_is_zero(a))
        return f80_make(s, 0, 0);
    int32_t ea, eb;
    uint64_t ma = f80_norm_sig(a, &ea), mb = f80_norm_sig(b, &eb);
    return div_core(env, s, ea, ma, eb, mb);
}

f80 f80_div(struct f80_env *env, f80 a, f80 b)
{
    if (__builtin_expect(f80_is_plain(a) && f80_is_plain(b), 1))
        return div_core(env, f80_sign(a) ^ f80_sign(b), f80_exp(a), a.sig, f80_exp(b), b.sig);
    return div_special(env, a, b);
}

/* floor(sqrt(m)) for m in [2^126, 2^128): Newton's iteration from above,
 * first on the top 64 bits, then on all 128; it stops where it stops
 * decreasing, which is exactly at the floor. */
static uint64_t isqrt128(f80_u128 m)
{
    uint64_t hi = (uint64_t)(m >> 64);
    uint64_t y = (hi >> 33) + (1ull << 31); /* >= sqrt(hi) by AM-GM */
    for (;;) {
        uint64_t z = (y + hi / y) >> 1;
        if (z >= y)
            break;
        y = z;
    }
    f80_u128 r = (f80_u128)(y + 1) << 32; /* >= sqrt(m) */
    if (r >> 64)
        r = ~0ull;
    for (;;) {
        uint64_t mhi = (uint64_t)(m >> 64), rem;
        /* r >= sqrt(m) keeps m / r below 2^64 but for r = 2^64 - 1 */
        f80_u128 quo = mhi < (uint64_t)r ? f80_div128(mhi, (uint64_t)m, (uint64_t)r, &rem)
                                         : m / (uint64_t)r;
        f80_u128 z = (r + quo) >> 1;
        if (z >= r)
            break;
        r = z;
    }
    return (uint64_t)r;
}

static f80 sqrt_core(struct f80_env *env, int32_t ea, uint64_t ma)
{
    int32_t E = ea - F80_BIAS;
    f80_u128 m;
    int32_t e;
    if (E & 1) {
        m = (f80_u128)ma << 64;
        e = (E - 1) / 2 + F80_BIAS;
    } else {
        m = (f80_u128)ma << 63;
        e = E / 2 + F80_BIAS;
    }
    uint64_t r = isqrt128(m);
    f80_u128 rem = m - (f80_u128)r * r;
    /* sqrt(m) is never r + 1/2 exactly, so the guard bit and any nonzero
     * remainder are all rounding needs. */
    f80_u128 sig = (f80_u128)r << 64 | (rem > r ? 1ull << 63 : 0) | (rem != 0);
    return f80_round_pack_fast(env, false, e, sig);
}

f80 f80_sqrt(struct f80_env *env, f80 a)
{
    if (__builtin_expect(f80_is_plain(a) && !f80_sign(a), 1))
        return sqrt_core(env, f80_exp(a), a.sig);
    if (f80_is_unsupported(a))
        return f80_invalid(env);
    if (f80_is_nan(a))
        return f80_propagate_nan(env, a, a);
    if (f80_is_zero(a))
        return a;
    if (f80_sign(a))
        return f80_invalid(env);
    if (f80_is_inf(a))
        return a;
    if (f80_raise_de(env))
        return a;
    int32_t ea;
    uint64_t ma = f80_norm_sig(a, &ea);
    return sqrt_core(env, ea, ma);
}

f80 f80_abs(f80 a)
{
    a.se &= 0x7fff;
    return a;
}

f80 f80_chs(f80 a)
{
    a.se ^= 0x8000;
    return a;
}
