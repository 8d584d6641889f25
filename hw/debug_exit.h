/*
 * debug_exit.h - QEMU's isa-debug-exit: a guest write of V ends bt86 with
 * exit status (V << 1) | 1 (the OS keeps the low 8 bits, so V = 0x31 gives 99).
 *
 *   debug_exit_create(0x501, 2);            // QEMU's defaults
 *   debug_exit_hook = machine_exit_status;  // optional: clean up, then exit
 */
#ifndef BT86_HW_DEBUG_EXIT_H
#define BT86_HW_DEBUG_EXIT_H

#include <stdint.h>

void debug_exit_create(uint16_t iobase, uint16_t iosize);

/* If set, called with the status instead of the default fflush(NULL) + exit(status).
 * The status is the full (V << 1) | 1 of the value as written, as QEMU passes it
 * to exit(); the process exit status is its low byte. */
extern void (*debug_exit_hook)(int status);

#endif
