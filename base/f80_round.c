/*
 * f80_round.c - the one place results are rounded, and NaN propagation.
 *
 * The x87 rounds a register result to the precision control's 24, 53 or 64
 * bits but keeps the 15-bit exponent, so tininess and overflow are judged
 * against the extended range whatever the precision.  It detects tininess
 * after rounding; masked underflow is flagged only when the denormalised
 * result is also inexact, unmasked underflow always, with the exponent
 * wrapped up by 0x6000 (and unmasked overflow wrapped down by it).
 * C1 tells whether the rounded magnitude went up.
 */
#include "base/f80_impl.h"

const f80 f80_default_nan = { .sig = 0xc000000000000000ull, .se = 0xffff };

void f80_env_from_cw(struct f80_env *env, uint16_t fcw)
{
    env->rc = (fcw >> 10) & 3;
    env->pc = (fcw >> 8) & 3;
    env->masks = fcw & 0x3f;
    env->flags = 0;
    env->c1 = false;
}

unsigned f80_pc_bits(const struct f80_env *env)
{
    return env->pc == F80_PC_24 ? 24 : env->pc == F80_PC_53 ? 53 : 64;
}

static bool round_up_p(const struct f80_env *env, bool sign, f80_u128 rest, f80_u128 half, bool odd)
{
    switch (env->rc) {
    case F80_RC_NEAREST: return rest > half || (rest == half && odd);
    case F80_RC_DOWN: return sign;
    case F80_RC_UP: return !sign;
    default: return false;
    }
}

f80_u128 f80_round(struct f80_env *env, bool sign, int32_t *pe, f80_u128 sig, unsigned nbits,
                   int32_t emax, int32_t wrap)
{
    int32_t e = *pe;
    unsigned drop = 128 - nbits;
    f80_u128 mask = ((f80_u128)1 << drop) - 1;
    bool denormal = false, tiny = false;
    uint8_t before = env->flags;

    if (e < 1) {
        /* Tiny after rounding: a value that rounds up to the smallest
         * normal (at nbits, exponent unbounded) does not underflow. */
        tiny = e < 0 || (uint64_t)((sig >> drop) + 1) != (nbits == 64 ? 0 : 1ull << nbits) ||
               (sig & mask) == 0 || !round_up_p(env, sign, sig & mask, (f80_u128)1 << (drop - 1), true);
        if (tiny && !(env->masks & F80_UE)) {
            env->flags |= F80_UE;
            if (wrap && e + wrap >= 1) {
                e += wrap;
            } else if (wrap) {
                /* beyond what the wrap can bring back (FSCALE): zero */
                env->flags |= F80_PE;
                *pe = 0;
                return 0;
            }
        }
        if (e < 1) {
            sig = f80_shift_right_jam(sig, 1 - e);
            e = 0;
            denormal = true;
        }
    }
    f80_u128 rest = sig & mask;
    if (rest) {
        env->flags |= F80_PE;
        if (tiny)
            env->flags |= F80_UE;
        sig &= ~mask;
        if (round_up_p(env, sign, rest, (f80_u128)1 << (drop - 1), (sig >> drop) & 1)) {
            env->c1 = true;
            sig += (f80_u128)1 << drop;
            if (sig == 0) {
                sig = (f80_u128)1 << 127;
                e++;
            }
        }
    }
    if (denormal)
        e = (int32_t)(sig >> 127);
    if (e > emax) {
        if (wrap && !(env->masks & F80_OE) && e - wrap <= emax) {
            env->flags |= F80_OE;
            e -= wrap;
        } else if (wrap && !(env->masks & F80_OE)) {
            /* beyond what the wrap can bring back (FSCALE): infinity */
            env->flags |= F80_OE | F80_PE;
            env->c1 = true;
            e = emax + 1;
            sig = (f80_u128)1 << 127;
        } else {
            env->flags |= F80_OE | F80_PE;
            bool to_inf = env->rc == F80_RC_NEAREST || (env->rc == F80_RC_UP && !sign) ||
                          (env->rc == F80_RC_DOWN && sign);
            env->c1 = to_inf;
            if (to_inf) {
                e = emax + 1;
                sig = (f80_u128)1 << 127;
            } else {
                e = emax;
                sig = ~mask;
            }
        }
    }
    /* A store to memory with the exception unmasked writes nothing and
     * reports that exception alone. */
    uint8_t unmasked = env->flags & ~before & ~env->masks & (F80_UE | F80_OE);
    if (!wrap && unmasked) {
        env->flags = before | unmasked;
        env->c1 = false;
    }
    *pe = e;
    return sig;
}

f80 f80_round_pack(struct f80_env *env, bool sign, int32_t e, f80_u128 sig)
{
    sig = f80_round(env, sign, &e, sig, f80_pc_bits(env), 0x7ffe, 0x6000);
    return f80_make(sign, e, (uint64_t)(sig >> 64));
}

f80 f80_invalid(struct f80_env *env)
{
    env->flags |= F80_IE;
    return f80_default_nan;
}

bool f80_is_nan(f80 a)
{
    return f80_exp(a) == 0x7fff && (a.sig >> 63) && (a.sig << 1) != 0;
}

bool f80_is_snan(f80 a)
{
    return f80_is_nan(a) && !(a.sig & F80_QUIET_BIT);
}

f80 f80_propagate_nan(struct f80_env *env, f80 a, f80 b)
{
    bool an = f80_is_nan(a), bn = f80_is_nan(b);
    bool as = f80_is_snan(a), bs = f80_is_snan(b);
    if (as || bs)
        env->flags |= F80_IE;
    f80 r;
    if (an && bn) {
        if (as != bs)
            r = as ? b : a; /* a QNaN wins over an SNaN */
        else if (a.sig != b.sig)
            r = a.sig > b.sig ? a : b;
        else
            r = f80_sign(a) ? b : a;
    } else {
        r = an ? a : b;
    }
    r.sig |= F80_QUIET_BIT;
    return r;
}
