/*
 * test_backend.h - the test harnesses that link the translator (diff_bt86,
 * the fuzz targets and their replays) run on the backend named by
 * BT86_TEST_BACKEND, which tests/run-tests.sh sets for its pass over each
 * non-default backend.  bt86 itself reads no environment: it has -backend.
 */
#ifndef BT86_TESTS_TEST_BACKEND_H
#define BT86_TESTS_TEST_BACKEND_H

#include "translator/backend.h"

#include <stdio.h>
#include <stdlib.h>

/* For machine_options.backend: the backend named, or NULL for the default. */
static inline const struct backend *test_backend_from_env(void)
{
    const char *name = getenv("BT86_TEST_BACKEND");
    if (!name || !*name)
        return NULL;
    const struct backend *be = backend_find(name);
    if (!be) {
        fprintf(stderr, "BT86_TEST_BACKEND=%s: this build has no such backend\n", name);
        exit(2);
    }
    return be;
}

#endif
