/*
 * helpers_impl.h - the innocuous-but-complex helpers behind helper_table.
 *
 * Each one runs one guest instruction (or one step of it) that is too
 * involved to inline as IR: see monitor/helpers.h for the calling convention
 * and the meaning of a, b, c per helper.  They live in two files:
 * monitor/helpers_alu.c (arithmetic, stack frames, BCD) and
 * monitor/helpers_string.c (MOVS..OUTS with REP).
 */
#ifndef BT86_MONITOR_HELPERS_IMPL_H
#define BT86_MONITOR_HELPERS_IMPL_H

#include "cpu/cpu.h"

#include <stdint.h>

/* monitor/helpers_alu.c */
uint32_t helper_div(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_idiv(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_rotate(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_shld(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_shrd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_bsf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_bsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_bcd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_cmpxchg8b(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_enter(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_pusha(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_popa(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_bound(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_raise(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_pause(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_segchk(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_unimplemented(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

/* monitor/helpers_string.c */
uint32_t helper_string(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

#endif
