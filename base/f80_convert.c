/*
 * f80_convert.c - FILD/FIST/FISTTP, FLD/FST of float32 and float64, FBLD/FBSTP.
 *
 * Loads are exact.  Stores round with the rounding control only (precision
 * control does not apply to them) into the memory format's own exponent
 * range; the x87 stores nothing on an unmasked underflow or overflow, so
 * the value returned then only matters to nobody.  An integer that does
 * not fit, like a NaN or an infinity, becomes the "integer indefinite".
 */
#include "base/f80_impl.h"

f80 f80_from_i64(int64_t v)
{
    if (v == 0)
        return f80_make(false, 0, 0);
    bool s = v < 0;
    uint64_t m = s ? 0 - (uint64_t)v : (uint64_t)v;
    int sh = __builtin_clzll(m);
    return f80_make(s, F80_BIAS + 63 - sh, m << sh);
}

/* A float32/float64 load: mbits fraction bits, ebits exponent bits. */
static f80 from_ieee(struct f80_env *env, uint64_t bits, int mbits, int ebits)
{
    int32_t emaxf = (1 << ebits) - 1, bias = (1 << (ebits - 1)) - 1;
    bool s = bits >> (mbits + ebits);
    int32_t e = (int32_t)(bits >> mbits) & emaxf;
    uint64_t m = bits & ((1ull << mbits) - 1);
    uint64_t sig = m << (63 - mbits);
    if (e == emaxf) {
        if (m && !(sig & F80_QUIET_BIT)) {
            env->flags |= F80_IE;
            sig |= F80_QUIET_BIT;
        }
        return f80_make(s, 0x7fff, F80_INT_BIT | sig);
    }
    if (e == 0) {
        if (m == 0)
            return f80_make(s, 0, 0);
        env->flags |= F80_DE;
        int sh = __builtin_clzll(sig);
        return f80_make(s, 1 - bias + F80_BIAS - sh, sig << sh);
    }
    return f80_make(s, e - bias + F80_BIAS, F80_INT_BIT | sig);
}

f80 f80_from_f32(struct f80_env *env, uint32_t bits) { return from_ieee(env, bits, 23, 8); }
f80 f80_from_f64(struct f80_env *env, uint64_t bits) { return from_ieee(env, bits, 52, 11); }

static uint64_t to_ieee(struct f80_env *env, f80 a, int mbits, int ebits)
{
    int32_t emaxf = (1 << ebits) - 1, bias = (1 << (ebits - 1)) - 1;
    uint64_t s = (uint64_t)f80_sign(a) << (mbits + ebits);
    uint64_t inf = (uint64_t)emaxf << mbits;
    if (f80_is_unsupported(a)) {
        env->flags |= F80_IE;
        return 1ull << (mbits + ebits) | inf | 1ull << (mbits - 1);
    }
    if (f80_exp(a) == 0x7fff) {
        if (a.sig << 1 == 0)
            return s | inf;
        if (!(a.sig & F80_QUIET_BIT))
            env->flags |= F80_IE;
        return s | inf | 1ull << (mbits - 1) | ((a.sig << 1) >> (64 - mbits));
    }
    if (a.sig == 0)
        return s;
    int32_t e;
    uint64_t m = f80_norm_sig(a, &e); /* stores raise no DE for a denormal */
    e = e - F80_BIAS + bias;
    f80_u128 r = f80_round(env, f80_sign(a), &e, (f80_u128)m << 64, mbits + 1, emaxf - 1, 0);
    return s | (uint64_t)e << mbits | ((uint64_t)(r >> (127 - mbits)) & ((1ull << mbits) - 1));
}

uint32_t f80_to_f32(struct f80_env *env, f80 a) { return (uint32_t)to_ieee(env, a, 23, 8); }
uint64_t f80_to_f64(struct f80_env *env, f80 a) { return to_ieee(env, a, 52, 11); }

/* |a| rounded to an integer (truncated when trunc), or false when it is not
 * a finite supported number or exceeds 'limit' (for its sign). */
static bool to_uint(struct f80_env *env, f80 a, bool trunc, uint64_t limit_pos, uint64_t limit_neg,
                    uint64_t *out)
{
    if (f80_is_unsupported(a) || f80_exp(a) == 0x7fff)
        return false;
    bool s = f80_sign(a);
    if (a.sig == 0) {
        *out = 0;
        return true;
    }
    int32_t e;
    uint64_t m = f80_norm_sig(a, &e);
    int32_t sh = 63 - (e - F80_BIAS); /* right shift putting the binary point at bit 64 */
    if (sh < 0)
        return false;
    f80_u128 x = f80_shift_right_jam((f80_u128)m << 64, sh);
    f80_u128 ip = x >> 64;
    uint64_t frac = (uint64_t)x;
    bool up = false;
    if (frac) {
        if (trunc)
            up = false;
        else
            switch (env->rc) {
            case F80_RC_NEAREST:
                up = frac > F80_INT_BIT || (frac == F80_INT_BIT && (ip & 1));
                break;
            case F80_RC_DOWN: up = s; break;
            case F80_RC_UP: up = !s; break;
            default: up = false;
            }
        ip += up;
    }
    if (ip > (s ? limit_neg : limit_pos))
        return false;
    if (frac) {
        env->flags |= F80_PE;
        env->c1 = up;
    }
    *out = (uint64_t)ip;
    return true;
}

static int64_t to_int(struct f80_env *env, f80 a, bool trunc, int bits)
{
    uint64_t lim = 1ull << (bits - 1), m;
    if (!to_uint(env, a, trunc, lim - 1, lim, &m)) {
        env->flags |= F80_IE;
        return (int64_t)(0 - lim);
    }
    return f80_sign(a) ? (int64_t)(0 - m) : (int64_t)m;
}

int16_t f80_to_i16(struct f80_env *env, f80 a) { return (int16_t)to_int(env, a, false, 16); }
int32_t f80_to_i32(struct f80_env *env, f80 a) { return (int32_t)to_int(env, a, false, 32); }
int64_t f80_to_i64(struct f80_env *env, f80 a) { return to_int(env, a, false, 64); }
int64_t f80_to_i64_trunc(struct f80_env *env, f80 a) { return to_int(env, a, true, 64); }

f80 f80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--)
        v = v * 100 + (bcd[i] >> 4) * 10 + (bcd[i] & 15);
    f80 r = f80_from_i64((int64_t)v);
    if (bcd[9] & 0x80)
        r.se |= 0x8000; /* FBLD of -0 gives -0 */
    return r;
}

void f80_to_bcd(struct f80_env *env, f80 a, uint8_t bcd[10])
{
    uint64_t m;
    if (!to_uint(env, a, false, 999999999999999999ull, 999999999999999999ull, &m)) {
        env->flags |= F80_IE;
        static const uint8_t indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
        for (int i = 0; i < 10; i++)
            bcd[i] = indefinite[i];
        return;
    }
    for (int i = 0; i < 9; i++) {
        unsigned lo = m % 10, hi = (m / 10) % 10;
        m /= 100;
        bcd[i] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = f80_sign(a) ? 0x80 : 0;
}
