/*
 * user_none.c - -netdev user in a bt86 built without libslirp: the
 * options are still checked, and using them is an error that says why.
 */
#include "config.h"
#include "net/net.h"

#include <stdio.h>

#ifndef CONFIG_SLIRP
int netdev_user_available(void)
{
    return 0;
}

struct netdev *netdev_user_create(const char *id, const char *options, struct clock *c, char *err,
                                  size_t errlen)
{
    (void)id;
    (void)options;
    (void)c;
    snprintf(err, errlen, "this bt86 was built without libslirp: no user network "
                          "(install libslirp-dev and run ./configure again)");
    return NULL;
}
#endif
