/*
 * backend.c - the backends bt86 was built with, by name (-backend NAME).
 */
#include "translator/backend.h"
#include "cpu/flags.h"

#include <string.h>

static const struct backend *const backends[] = {
    &backend_interp,
#if defined(__x86_64__) && !defined(__ILP32__)
    &backend_x86_64,
#endif
};

#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

const struct backend *backend_find(const char *name)
{
    for (size_t i = 0; i < NBACKENDS; i++)
        if (!strcmp(backends[i]->name, name))
            return backends[i];
    return NULL;
}

/* The native code generator where the host has one (it is the last in
 * backends[]), else the interpreter. */
const struct backend *backend_default(void)
{
    return backends[NBACKENDS - 1];
}

void backend_list(FILE *f)
{
    for (size_t i = 0; i < NBACKENDS; i++)
        fprintf(f, "%-10s %s%s\n", backends[i]->name, backends[i]->help,
                backends[i] == backend_default() ? " (default)" : "");
}

int tcc_pick(uint32_t kind, uint32_t cond)
{
    if (kind >= CC_EFLAGS)
        return TCC_GENERIC;
    int base = CC_BASE(kind);
    int result_zs = base <= CCB_SAR; /* ZF and SF from dst */
    switch (cond >> 1) {
    case CC_O >> 1:
        return base == CCB_LOGIC ? TCC_ZERO : TCC_GENERIC;
    case CC_B >> 1:
        return base == CCB_LOGIC ? TCC_ZERO : base == CCB_SUB ? TCC_SUB_B
             : base == CCB_ADD ? TCC_ADD_B : base == CCB_INC || base == CCB_DEC ? TCC_INC_B
             : TCC_GENERIC;
    case CC_E >> 1: /* a SUB's result is not stored (cpu/flags.h) */
        return base == CCB_SUB ? TCC_SUB_E : result_zs ? TCC_DST_E : TCC_GENERIC;
    case CC_BE >> 1:
        return base == CCB_LOGIC ? TCC_DST_E : base == CCB_SUB ? TCC_SUB_BE : TCC_GENERIC;
    case CC_S >> 1:
        return base == CCB_SUB ? TCC_SUB_S
             : result_zs || base == CCB_MUL || base == CCB_IMUL ? TCC_DST_S : TCC_GENERIC;
    case CC_L >> 1:
        return base == CCB_LOGIC ? TCC_DST_S : base == CCB_SUB ? TCC_SUB_L : TCC_GENERIC;
    case CC_LE >> 1:
        return base == CCB_LOGIC ? TCC_DST_LE : base == CCB_SUB ? TCC_SUB_LE : TCC_GENERIC;
    default:
        return TCC_GENERIC;
    }
}

int backend_perfmap;
int backend_count_blocks = 1;
int backend_host_bmi2 = -1;
