/*
 * segment.h - descriptor loads and segment checks: the first half of x86
 * address translation (logical -> linear), before the page walk.
 *
 * Faults are raised with cpu_raise(); nothing here delivers them.
 */
#ifndef BT86_SOFTMMU_SEGMENT_H
#define BT86_SOFTMMU_SEGMENT_H

#include "cpu/cpu.h"

#include <stdint.h>

int desc_read(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi);
void seg_set_cache(struct segment *s, uint16_t sel, uint32_t lo, uint32_t hi);
void seg_load(struct cpu *cpu, int seg, uint16_t sel);
void seg_load_real(struct cpu *cpu, int seg, uint16_t sel);
/* An access of size bytes at offset off through seg: #GP(0) or #SS(0) for a
 * null selector, a wrong type or beyond the limit (expand-down too). */
void seg_check(struct cpu *cpu, int seg, uint32_t off, int size, int write);
/* Load CS for a far transfer at privilege cpl (already checked). */
void seg_load_cs(struct cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi, int cpl);
/* SYSENTER and SYSEXIT: CS and SS flat 4 GiB code and data at privilege
 * cpl, from fixed selectors (no descriptor is read), hflags to match. */
void seg_load_flat_cs_ss(struct cpu *cpu, uint16_t cs, uint16_t ss, int cpl);

#endif
