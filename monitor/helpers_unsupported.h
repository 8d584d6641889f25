/*
 * helpers_unsupported.h - what the guest gets for instructions bt86's CPU
 * does not have (see monitor/helpers_unsupported.c).
 */
#ifndef BT86_MONITOR_HELPERS_UNSUPPORTED_H
#define BT86_MONITOR_HELPERS_UNSUPPORTED_H

#include "cpu/cpu.h"

#include <stdint.h>

uint32_t helper_no_extension(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

#endif
