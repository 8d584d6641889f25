/*
 * fatal.h - stopping bt86 when it cannot go on (never for guest faults:
 * those get the architectural exception).
 */
#ifndef BT86_CPU_FATAL_H
#define BT86_CPU_FATAL_H

#include "cpu/cpu.h"

/* Print "bt86: <message>" with the guest's CS:EIP and the code bytes there, then
 * exit with EXIT_FATAL (base/exit_status.h). */
_Noreturn void fatal_guest(struct cpu *cpu, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
