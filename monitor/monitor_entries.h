/*
 * monitor_entries.h - the monitor's entry points, one per sensitive
 * instruction (see monitor/helpers.h for the calling convention).
 */
#ifndef BT86_MONITOR_MONITOR_ENTRIES_H
#define BT86_MONITOR_MONITOR_ENTRIES_H

#include "cpu/cpu.h"

#include <stdint.h>

uint32_t helper_cli(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_sti(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_hlt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_in(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_out(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_lgdt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_lidt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_lldt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_ltr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_lmsw(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_clts(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_mov_to_cr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_mov_from_cr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_mov_to_dr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_mov_from_dr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_invd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_invlpg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_rdmsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_wrmsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_rdpmc(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_sysexit(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_sgdt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_sidt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_sldt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_str(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_smsw(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_pushf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_popf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_lar(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_lsl(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_verr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_verw(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_load_seg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_jmpf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_callf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_retf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_int(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_iret(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_arpl(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_cpuid(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_rdtsc(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_sysenter(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
uint32_t helper_vmcall(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

#endif
