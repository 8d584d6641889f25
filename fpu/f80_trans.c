/*
 * f80_trans.c - FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1.
 *
 * Not written yet: until it is, a guest reaching one of these stops bt86
 * with a message rather than getting a made-up result.
 */
#include "fpu/f80_impl.h"

#include <stdio.h>
#include <stdlib.h>

static _Noreturn void not_yet(const char *what)
{
    fprintf(stderr, "bt86: x87 %s is not implemented yet (fpu/f80_trans.c)\n", what);
    exit(2);
}

f80 f80_sin(struct f80_env *env, f80 a, bool *out_of_range) { not_yet("FSIN"); }
f80 f80_cos(struct f80_env *env, f80 a, bool *out_of_range) { not_yet("FCOS"); }
void f80_sincos(struct f80_env *env, f80 a, f80 *s, f80 *c, bool *out_of_range) { not_yet("FSINCOS"); }
f80 f80_tan(struct f80_env *env, f80 a, bool *out_of_range) { not_yet("FPTAN"); }
f80 f80_atan2(struct f80_env *env, f80 y, f80 x) { not_yet("FPATAN"); }
f80 f80_2xm1(struct f80_env *env, f80 a) { not_yet("F2XM1"); }
f80 f80_yl2x(struct f80_env *env, f80 y, f80 x) { not_yet("FYL2X"); }
f80 f80_yl2xp1(struct f80_env *env, f80 y, f80 x) { not_yet("FYL2XP1"); }
