/*
 * debug_exit.h - QEMU's isa-debug-exit: a guest write of V ends bt86 with
 * exit status (V << 1) | 1 (the OS keeps the low 8 bits, so V = 0x31 gives 99).
 *
 *   debug_exit_create(&m->io, 0x501, 2, machine_exit, m);  // QEMU's defaults
 */
#ifndef BT86_HW_DEBUG_EXIT_H
#define BT86_HW_DEBUG_EXIT_H

struct ioports;

#include <stdint.h>

/* exit_fn, if not NULL, is called with the status instead of the default
 * fflush(NULL) + exit(status).  The status is the full (V << 1) | 1 of the
 * value as written, as QEMU passes it to exit(); the process exit status is
 * its low byte. */
void debug_exit_create(struct ioports *io, uint16_t iobase, uint16_t iosize,
                       void (*exit_fn)(void *opaque, int status), void *opaque);

#endif
