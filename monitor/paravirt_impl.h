/*
 * paravirt_impl.h - the state the paravirtual files share (hypercall.c,
 * pv_events.c, kvm_para.c); nothing outside monitor/ includes it.
 */
#ifndef BT86_MONITOR_PARAVIRT_IMPL_H
#define BT86_MONITOR_PARAVIRT_IMPL_H

#include "monitor/paravirt.h"

struct pv_state {
    struct pv_wiring w;
    struct cpu *cpu; /* whose cpu->pv this is: its memory map, its pv_gate */
    /* BT86_HC_SHARED_PAGE: physical address of struct bt86_shared, or 0
     * with shared_on clear. */
    int shared_on;
    uint32_t shared_pa;
    /* BT86_HC_TIMER */
    struct timer timer;
    int timer_vector;  /* armed: 32..255; 0 when disarmed */
    int timer_fired;   /* expired, vector not delivered yet */
    /* kvmclock: the MSR values as the guest wrote them */
    uint64_t msr_wall_clock, msr_system_time;
    uint32_t pvclock_version;
};

/* 1 when [pa, pa + len) is all guest RAM (not ROM, MMIO or unmapped). */
int pv_ram_range(struct pv_state *pv, uint32_t pa, uint32_t len);
/* Recompute pv_gate_active after the shared page or the timer changed. */
void pv_update_gate(struct pv_state *pv);

/* The calls of pv_events.c; each returns the value for EAX. */
int32_t pv_hc_shared_page(struct cpu *cpu, uint32_t arg);
int32_t pv_hc_events(struct cpu *cpu);
int32_t pv_hc_halt(struct cpu *cpu);
int32_t pv_hc_timer(struct cpu *cpu, uint32_t lo, uint32_t hi, uint32_t vector);
void pv_events_reset(struct pv_state *pv);
void pv_events_init(struct pv_state *pv);

/* KVM's hypercalls (kvm_para.c): the value for EAX; *stat the -stats row. */
int32_t pv_kvm_hypercall(struct cpu *cpu, uint32_t nr, int *stat);
void pv_kvm_reset(struct pv_state *pv);

#endif
