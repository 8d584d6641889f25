/*
 * f80_misc.c - the non-arithmetic x87 operations on one register value:
 * FCOM/FUCOM, FXAM, FRNDINT, FSCALE, FXTRACT, FPREM/FPREM1 and the
 * constants of FLD1/FLDPI/...
 *
 * None of these honour precision control; FSCALE and FPREM results are
 * exact unless they land in the denormal range, so they go through
 * f80_round at 64 bits only to get underflow right.
 */
#include "base/f80_impl.h"

enum f80_class f80_classify(f80 a)
{
    int32_t e = f80_exp(a);
    if (e == 0)
        return a.sig ? F80_DENORMAL : F80_ZERO;
    if (!(a.sig >> 63))
        return F80_UNSUPPORTED;
    if (e == 0x7fff)
        return a.sig << 1 ? F80_NAN : F80_INFINITY;
    return F80_NORMAL;
}

enum f80_rel f80_compare(struct f80_env *env, f80 a, f80 b, bool quiet)
{
    if (f80_is_unsupported(a) || f80_is_unsupported(b)) {
        env->flags |= F80_IE;
        return F80_UNORDERED;
    }
    if (f80_is_nan(a) || f80_is_nan(b)) {
        if (!quiet || f80_is_snan(a) || f80_is_snan(b))
            env->flags |= F80_IE;
        return F80_UNORDERED;
    }
    if (f80_is_denormal(a) || f80_is_denormal(b))
        env->flags |= F80_DE;
    bool az = a.sig == 0, bz = b.sig == 0;
    if (az && bz)
        return F80_EQ;
    bool sa = f80_sign(a), sb = f80_sign(b);
    if (az)
        return sb ? F80_GT : F80_LT;
    if (bz || sa != sb)
        return sa ? F80_LT : F80_GT;
    int32_t ea, eb;
    uint64_t ma = f80_exp(a) == 0x7fff ? a.sig : f80_norm_sig(a, &ea);
    uint64_t mb = f80_exp(b) == 0x7fff ? b.sig : f80_norm_sig(b, &eb);
    if (f80_exp(a) == 0x7fff)
        ea = 0x7fff;
    if (f80_exp(b) == 0x7fff)
        eb = 0x7fff;
    if (ea == eb && ma == mb)
        return F80_EQ;
    bool a_bigger = ea > eb || (ea == eb && ma > mb);
    return a_bigger != sa ? F80_GT : F80_LT;
}

/* Round the value (leading one in bit 127) at 64 bits into a register. */
static f80 round_pack64(struct f80_env *env, bool s, int32_t e, f80_u128 sig)
{
    sig = f80_round(env, s, &e, sig, 64, 0x7ffe, 0x6000);
    return f80_make(s, e, (uint64_t)(sig >> 64));
}

f80 f80_round_int(struct f80_env *env, f80 a)
{
    if (f80_is_unsupported(a))
        return f80_invalid(env);
    if (f80_is_nan(a))
        return f80_propagate_nan(env, a, a);
    if (f80_exp(a) == 0x7fff || a.sig == 0)
        return a;
    if (f80_exp(a) == 0 && f80_raise_de(env))
        return a;
    bool s = f80_sign(a);
    int32_t e;
    uint64_t m = f80_norm_sig(a, &e);
    int32_t sh = 63 - (e - F80_BIAS);
    if (sh <= 0)
        return a;
    f80_u128 x = f80_shift_right_jam((f80_u128)m << 64, sh);
    uint64_t ip = (uint64_t)(x >> 64), frac = (uint64_t)x;
    if (frac) {
        bool up;
        switch (env->rc) {
        case F80_RC_NEAREST: up = frac > F80_INT_BIT || (frac == F80_INT_BIT && (ip & 1)); break;
        case F80_RC_DOWN: up = s; break;
        case F80_RC_UP: up = !s; break;
        default: up = false;
        }
        env->flags |= F80_PE;
        env->c1 = up;
        ip += up;
    }
    if (ip == 0)
        return f80_make(s, 0, 0);
    int lz = __builtin_clzll(ip);
    return f80_make(s, F80_BIAS + 63 - lz, ip << lz);
}

f80 f80_scale(struct f80_env *env, f80 a, f80 b)
{
    if (f80_is_unsupported(a) || f80_is_unsupported(b))
        return f80_invalid(env);
    if (f80_is_nan(a) || f80_is_nan(b))
        return f80_propagate_nan(env, a, b);
    if (f80_is_inf(b)) {
        if (f80_sign(b) ? f80_is_inf(a) : f80_is_zero(a))
            return f80_invalid(env);
        if (f80_is_denormal(a) && f80_raise_de(env))
            return a;
        if (f80_is_zero(a) || f80_is_inf(a))
            return a;
        return f80_sign(b) ? f80_make(f80_sign(a), 0, 0) : f80_make(f80_sign(a), 0x7fff, F80_INT_BIT);
    }
    if ((f80_is_denormal(a) || f80_is_denormal(b)) && f80_raise_de(env))
        return a;
    if (f80_is_inf(a) || f80_is_zero(a))
        return a;
    /* trunc(b), clamped far beyond any exponent that can come back in range */
    int32_t n = 0;
    if (b.sig) {
        int32_t eb;
        uint64_t mb = f80_norm_sig(b, &eb);
        int32_t E = eb - F80_BIAS;
        if (E >= 30)
            n = 1 << 30;
        else if (E >= 0)
            n = (int32_t)(mb >> (63 - E));
        if (f80_sign(b))
            n = -n;
    }
    int32_t ea;
    uint64_t ma = f80_norm_sig(a, &ea);
    if (b.sig == 0) /* a as it is, only a pseudo-denormal normalised */
        return ea >= 1 ? f80_make(f80_sign(a), ea, ma) : a;
    return round_pack64(env, f80_sign(a), ea + n, (f80_u128)ma << 64);
}

void f80_xtract(struct f80_env *env, f80 a, f80 *exp, f80 *sig)
{
    if (f80_is_unsupported(a)) {
        *exp = *sig = f80_invalid(env);
        return;
    }
    if (f80_is_nan(a)) {
        *exp = *sig = f80_propagate_nan(env, a, a);
        return;
    }
    if (f80_is_inf(a)) {
        *exp = f80_make(false, 0x7fff, F80_INT_BIT);
        *sig = a;
        return;
    }
    if (a.sig == 0) {
        env->flags |= F80_ZE;
        *exp = f80_make(true, 0x7fff, F80_INT_BIT);
        *sig = a;
        return;
    }
    if (f80_exp(a) == 0 && f80_raise_de(env)) {
        *exp = *sig = a;
        return;
    }
    int32_t e;
    uint64_t m = f80_norm_sig(a, &e);
    *exp = f80_from_i64(e - F80_BIAS);
    *sig = f80_make(f80_sign(a), F80_BIAS, m);
}

f80 f80_rem(struct f80_env *env, f80 a, f80 b, bool round_nearest, bool *incomplete, unsigned *q)
{
    *incomplete = false;
    *q = 0;
    if (f80_is_unsupported(a) || f80_is_unsupported(b))
        return f80_invalid(env);
    if (f80_is_nan(a) || f80_is_nan(b))
        return f80_propagate_nan(env, a, b);
    if (f80_is_inf(a) || f80_is_zero(b))
        return f80_invalid(env);
    if ((f80_is_denormal(a) || f80_is_denormal(b)) && f80_raise_de(env))
        return a;
    if (f80_is_zero(a))
        return a;
    bool s = f80_sign(a);
    int32_t ea, eb;
    uint64_t ma = f80_norm_sig(a, &ea);
    if (f80_is_inf(b)) /* a as it is, only a pseudo-denormal normalised */
        return ea >= 1 ? f80_make(s, ea, ma) : a;
    uint64_t mb = f80_norm_sig(b, &eb);
    int32_t d = ea - eb;
    if (d < 0 && !(round_nearest && d == -1))
        return round_pack64(env, s, ea, (f80_u128)ma << 64); /* normalised, UE if tiny */
    uint64_t quo;
    f80_u128 r;
    int32_t re = eb; /* r counts units of mb's last bit at exponent re */
    if (d >= 64) {
        /* a partial step: remove the top bits of the quotient only */
        int32_t n = 32 + d % 32;
        *incomplete = true;
        re = ea - n;
        quo = (uint64_t)(((f80_u128)ma << n) / mb);
        r = ((f80_u128)ma << n) - (f80_u128)quo * mb;
    } else if (d < 0) {
        /* FPREM1 with |a| in [|b|/4, |b|): the quotient is 0 or 1 */
        quo = 0;
        r = ma;
        re = ea;
        if (ma > mb) { /* |a| > |b|/2, in units of a's last bit: b is 2 * mb */
            quo = 1;
            r = ((f80_u128)mb << 1) - ma;
            s = !s;
        }
    } else {
        quo = (uint64_t)(((f80_u128)ma << d) / mb);
        r = ((f80_u128)ma << d) - (f80_u128)quo * mb;
        if (round_nearest && (r * 2 > mb || (r * 2 == mb && (quo & 1)))) {
            quo++;
            r = mb - r;
            s = !s;
        }
    }
    *q = *incomplete ? 0 : (unsigned)(quo & 7); /* the host clears C0, C1, C3 then */
    if (r == 0)
        return f80_make(f80_sign(a), 0, 0);
    int lz = 64 + __builtin_clzll((uint64_t)r); /* r < 2^64 */
    return round_pack64(env, s, re + 64 - lz, r << lz);
}

f80 f80_const(const struct f80_env *env, enum f80_const k)
{
    /* 64 bits, and whether the 66-bit internal value rounds up from them
     * to nearest (bit 65 set). */
    static const struct { uint16_t se; uint64_t sig; bool nearest_up; } t[] = {
        [F80_K_ONE] = { 0x3fff, 0x8000000000000000ull, false },
        [F80_K_L2T] = { 0x4000, 0xd49a784bcd1b8afeull, false },
        [F80_K_L2E] = { 0x3fff, 0xb8aa3b295c17f0bbull, true },
        [F80_K_PI] = { 0x4000, 0xc90fdaa22168c234ull, true },
        [F80_K_LG2] = { 0x3ffd, 0x9a209a84fbcff798ull, true },
        [F80_K_LN2] = { 0x3ffe, 0xb17217f7d1cf79abull, true },
        [F80_K_ZERO] = { 0, 0, false },
    };
    f80 r = { .sig = t[k].sig, .se = t[k].se };
    if (k == F80_K_ONE || k == F80_K_ZERO)
        return r;
    bool up = env->rc == F80_RC_UP || (env->rc == F80_RC_NEAREST && t[k].nearest_up);
    r.sig += up;
    return r;
}
