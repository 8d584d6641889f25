/*
 * loader.h - putting the -kernel file into guest memory: a Linux bzImage
 * (boot protocol 2.04+, 32-bit entry) or a multiboot v1 kernel (ELF or the
 * a.out address kludge), told apart by their headers.
 */
#ifndef BT86_MACHINE_LOADER_H
#define BT86_MACHINE_LOADER_H

#include "machine/machine.h"

#include <stddef.h>

/* Returns 0, or -1 with a message for the user in err. */
int loader_load_kernel(struct machine *m, char *err, size_t errlen);

#endif
