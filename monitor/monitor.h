/*
 * monitor.h - the virtual machine monitor: what happens when the guest
 * executes a sensitive instruction, takes an exception or an interrupt.
 *
 * Translated code reaches the monitor only through IR_CALL; each entry is
 * counted per instruction class and per helper so that -stats can say
 * what full virtualization cost.
 */
#ifndef BT86_MONITOR_MONITOR_H
#define BT86_MONITOR_MONITOR_H

#include "cpu/cpu.h"
#include "softmmu/segment.h" /* the monitor's files all load segments */

#include <stdint.h>

/* Interrupt and exception delivery (monitor/interrupt.c). */
enum int_kind { INT_HW = 0, INT_SOFT = 1, INT_SOFT_EXC = 2, INT_EXC = 3 };
void cpu_do_interrupt(struct cpu *cpu, int vector, enum int_kind kind, int has_error,
                      uint32_t error, uint32_t next_eip);

/* Hardware task switches and call gates (monitor/task.c). */
enum task_source { TASK_JMP, TASK_CALL, TASK_INT, TASK_EXC, TASK_IRET };
void task_switch(struct cpu *cpu, uint16_t sel, enum task_source src, uint32_t next_eip,
                 int has_error, uint32_t error);
void call_gate(struct cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi, int is_call,
               uint32_t next_eip);

/* I/O permission: IOPL, then the TSS bitmap (monitor/monitor_io.c). */
int monitor_io_allowed(struct cpu *cpu, uint32_t port, int size);

/* A stack other than the current one (an inner level's, from the TSS). */
struct stackp {
    uint32_t base, sp;
    int ss32, mmu;
};
void stackp_push(struct cpu *cpu, struct stackp *s, uint32_t v, int size);

/* Stack helpers shared by the monitor's files. */
void stack_push(struct cpu *cpu, uint32_t *sp, uint32_t val, int size);
uint32_t stack_pop(struct cpu *cpu, uint32_t *sp, int size);
void stack_commit(struct cpu *cpu, uint32_t sp);

/* Counters for -stats. */
struct monitor_stats {
    int timing;                /* -stats: time each monitor entry */
    uint64_t helper_calls[128];
    uint64_t helper_ns[128];
    uint64_t exceptions[32];
    uint64_t interrupts;
    /* With timing on: ns in translated code (helpers included), in exception
     * and interrupt delivery, and between blocks with the devices. */
    uint64_t exec_ns, exception_ns[32], interrupt_ns, poll_ns;
};
extern struct monitor_stats monitor_stats;

#endif
