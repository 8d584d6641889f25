/*
 * backend.c - the backends bt86 was built with, by name (-backend NAME).
 */
#include "translator/backend.h"

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
