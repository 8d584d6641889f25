/*
 * f80_wide.c - arithmetic and series on the 128-bit-significand float of
 * f80_wide.h.  Integer operations only.  The constants were computed to
 * 600 bits and rounded to 128 (pi, ln 2, atan(k/16)).
 */
#include "base/f80_wide.h"

const struct wide_const WIDE_PI_2 = { 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 0 };
const struct wide_const WIDE_PI = { 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 1 };
const struct wide_const WIDE_PI_4 = { 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, -1 };
const struct wide_const WIDE_3PI_4 = { 0x96cbe3f9990e91a7ull, 0x9394c9e8a0a5159dull, 1 };
const struct wide_const WIDE_LN2 = { 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1 };
const struct wide_const WIDE_LOG2E = { 0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e89ull, 0 };
const struct wide_const WIDE_ATAN_16THS[17] = {
    { 0, 0, 0 },
    { 0xffaaddb967ef4e36ull, 0xcb2792dc0e2e0d51ull, -5 },
    { 0xfeadd4d5617b6e32ull, 0xc897989f3e888ef8ull, -4 },
    { 0xbdcbda5e72d81134ull, 0x7b0b4f881c9c7488ull, -3 },
    { 0xfadbafc96406eb15ull, 0x6dc79ef5f7a217e6ull, -3 },
    { 0x9b13b9b83f5e5e69ull, 0xc5abb498d27af328ull, -2 },
    { 0xb7b0ca0f26f78473ull, 0x8aa32122dcfe4483ull, -2 },
    { 0xd327761e611fe5b6ull, 0x427c95e9001e7136ull, -2 },
    { 0xed63382b0dda7b45ull, 0x6fe445ecbc3a8d03ull, -2 },
    { 0x832bf4a6d9867e2aull, 0x4b6a09cb61a515c1ull, -1 },
    { 0x8f005d5ef7f59f9bull, 0x5c835e1665c43748ull, -1 },
    { 0x9a2f80e671bdda20ull, 0x4226f8e2204ff3bdull, -1 },
    { 0xa4bc7d1934f70924ull, 0x19a87f2a457dac9full, -1 },
    { 0xaeac4c38b4d8c080ull, 0x14725e2f3e52070aull, -1 },
    { 0xb8053e2bc2319e73ull, 0xcb2da55210a4443dull, -1 },
    { 0xc0ce85b8ac526640ull, 0x89dd62c46e92fa25ull, -1 },
    { 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, -1 },
};

static inline int clz128(f80_u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

static struct wide normalize(bool s, int32_t e, f80_u128 m)
{
    if (m == 0)
        return (struct wide){ 0, 0, false };
    int sh = clz128(m);
    return (struct wide){ .m = m << sh, .e = e - sh, .s = s };
}

struct wide wide_from_f80(f80 a)
{
    int32_t e;
    uint64_t m = f80_norm_sig(a, &e);
    return (struct wide){ .m = (f80_u128)m << 64, .e = e - F80_BIAS, .s = f80_sign(a) };
}

struct wide wide_from_int(int64_t v)
{
    bool s = v < 0;
    uint64_t u = s ? 0 - (uint64_t)v : (uint64_t)v;
    return normalize(s, 127, u);
}

static f80_u128 mul_hi(f80_u128 a, f80_u128 b)
{
    uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a, b1 = (uint64_t)(b >> 64), b0 = (uint64_t)b;
    f80_u128 p11 = (f80_u128)a1 * b1, p10 = (f80_u128)a1 * b0;
    f80_u128 p01 = (f80_u128)a0 * b1, p00 = (f80_u128)a0 * b0;
    f80_u128 mid = (p00 >> 64) + (uint64_t)p10 + (uint64_t)p01;
    return p11 + (p10 >> 64) + (p01 >> 64) + (mid >> 64);
}

struct wide wide_mul(struct wide a, struct wide b)
{
    if (a.m == 0 || b.m == 0)
        return (struct wide){ 0, 0, false };
    f80_u128 m = mul_hi(a.m, b.m);
    int32_t e = a.e + b.e + 1;
    if (!(m >> 127)) {
        m <<= 1;
        e--;
    }
    return (struct wide){ .m = m, .e = e, .s = a.s ^ b.s };
}

struct wide wide_add(struct wide a, struct wide b)
{
    if (b.m == 0)
        return a;
    if (a.m == 0)
        return b;
    if (a.e < b.e || (a.e == b.e && a.m < b.m)) {
        struct wide t = a;
        a = b;
        b = t;
    }
    f80_u128 bm = f80_shift_right_jam(b.m, a.e - b.e);
    if (a.s == b.s) {
        f80_u128 m = a.m + bm;
        if (m < a.m)
            return (struct wide){ .m = (m >> 1) | (m & 1) | (f80_u128)1 << 127, .e = a.e + 1, .s = a.s };
        return (struct wide){ .m = m, .e = a.e, .s = a.s };
    }
    return normalize(a.s, a.e, a.m - bm);
}

/* a * (1 / b): a 64-bit reciprocal estimate from one hardware-sized
 * division, one Newton step y (2 - b y) to about 124 bits, one product. */
struct wide wide_div(struct wide a, struct wide b)
{
    if (a.m == 0)
        return a;
    uint64_t bh = (uint64_t)(b.m >> 64), rem;
    /* 2^127 / (bh + 1): an underestimate of 2^64 / B in [2^63, 2^64) */
    uint64_t q0 = bh == ~0ull ? 1ull << 63 : f80_div128(1ull << 63, 0, bh + 1, &rem);
    struct wide y = { .m = (f80_u128)q0 << 64, .e = -1, .s = false };
    struct wide bb = { .m = b.m, .e = 0, .s = false };
    struct wide two_minus = wide_add(wide_from_int(2), wide_neg(wide_mul(bb, y)));
    y = wide_mul(y, two_minus);
    struct wide q = wide_mul((struct wide){ .m = a.m, .e = a.e, .s = a.s ^ b.s }, y);
    q.e -= b.e;
    return q;
}

struct wide wide_div_small(struct wide a, uint64_t d)
{
    if (a.m == 0)
        return a;
    /* three 64-bit digits of a.m / d, the last for the bits shifted in */
    uint64_t r;
    uint64_t q1 = f80_div128(0, (uint64_t)(a.m >> 64), d, &r);
    uint64_t q0 = f80_div128(r, (uint64_t)a.m, d, &r);
    uint64_t qx = f80_div128(r, 0, d, &r);
    f80_u128 q = (f80_u128)q1 << 64 | q0;
    int sh = clz128(q); /* at most 64, as d < 2^64 */
    f80_u128 m;
    if (sh == 0)
        m = q | (qx != 0 || r != 0);
    else if (sh < 64)
        m = (q << sh) | (qx >> (64 - sh)) | ((qx << sh) != 0 || r != 0);
    else
        m = (q << 64) | qx | (r != 0);
    return (struct wide){ .m = m, .e = a.e - sh, .s = a.s };
}

f80 wide_round(struct f80_env *env, struct wide x, bool exact)
{
    if (x.m == 0)
        return f80_make(x.s, 0, 0);
    int32_t e = x.e + F80_BIAS;
    f80_u128 m = f80_round(env, x.s, &e, x.m | !exact, 64, 0x7ffe, 0x6000);
    return f80_make(x.s, e, (uint64_t)(m >> 64));
}

/* Sum terms until the next one is below 2^-90 of the sum: 26 bits beyond
 * the result's 64, so that the one rounding at the end is nearly always
 * the correct one, and half the terms of going to 128 bits.  That last
 * term is still added: jammed into the lowest bit, it tells which side of
 * the sum the rest of the series lies, which decides directed rounding
 * when the result is an argument plus a sliver (sin x of a tiny x). */
static bool negligible(struct wide term, struct wide sum)
{
    return term.m == 0 || term.e < sum.e - 90;
}

struct wide wide_sin_series(struct wide x)
{
    struct wide x2 = wide_mul(x, x), term = x, sum = x;
    for (uint64_t n = 2; n < 80; n += 2) {
        term = wide_neg(wide_div_small(wide_mul(term, x2), n * (n + 1)));
        if (negligible(term, sum)) {
            sum = wide_add(sum, term); /* jammed: keeps the tail's sign */
            break;
        }
        sum = wide_add(sum, term);
    }
    return sum;
}

struct wide wide_cos_series(struct wide x)
{
    struct wide x2 = wide_mul(x, x), term = wide_from_int(1), sum = term;
    for (uint64_t n = 1; n < 80; n += 2) {
        term = wide_neg(wide_div_small(wide_mul(term, x2), n * (n + 1)));
        if (negligible(term, sum)) {
            sum = wide_add(sum, term); /* jammed: keeps the tail's sign */
            break;
        }
        sum = wide_add(sum, term);
    }
    return sum;
}

struct wide wide_atan_series(struct wide x)
{
    struct wide x2 = wide_neg(wide_mul(x, x)), p = x, sum = x;
    for (uint64_t n = 3; n < 200; n += 2) {
        p = wide_mul(p, x2);
        struct wide term = wide_div_small(p, n);
        if (negligible(term, sum)) {
            sum = wide_add(sum, term); /* jammed: keeps the tail's sign */
            break;
        }
        sum = wide_add(sum, term);
    }
    return sum;
}

struct wide wide_atanh_series(struct wide x)
{
    struct wide x2 = wide_mul(x, x), p = x, sum = x;
    for (uint64_t n = 3; n < 200; n += 2) {
        p = wide_mul(p, x2);
        struct wide term = wide_div_small(p, n);
        if (negligible(term, sum)) {
            sum = wide_add(sum, term); /* jammed: keeps the tail's sign */
            break;
        }
        sum = wide_add(sum, term);
    }
    return sum;
}

struct wide wide_expm1_series(struct wide x)
{
    /* e^x - 1 of x / 2^k, then k doublings e^2h - 1 = (e^h - 1)(e^h + 1):
     * a short series, and no cancellation for small x either way. */
    int32_t k = x.e > -10 ? x.e + 10 : 0;
    x.e -= k;
    struct wide term = x, sum = x;
    for (uint64_t n = 2; n < 100; n++) {
        term = wide_div_small(wide_mul(term, x), n);
        if (negligible(term, sum)) {
            sum = wide_add(sum, term); /* jammed: keeps the tail's sign */
            break;
        }
        sum = wide_add(sum, term);
    }
    for (int32_t i = 0; i < k; i++)
        sum = wide_mul(sum, wide_add(sum, wide_from_int(2)));
    return sum;
}
