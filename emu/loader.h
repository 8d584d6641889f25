/*
 * loader.h - putting a kernel into guest memory: multiboot v1 (ELF or the
 * a.out address kludge); Linux bzImage comes with the Linux issue.
 */
#ifndef BT86_EMU_LOADER_H
#define BT86_EMU_LOADER_H

#include "emu/machine.h"

#include <stddef.h>

/* Returns 0, or -1 with a message for the user in err. */
int loader_load_kernel(struct machine *m, char *err, size_t errlen);

#endif
