/*
 * paravirt.h - the paravirtual interfaces: bt86's own hypercalls (-cpu
 * ...,pv=on) and the part of KVM's that Linux uses (-cpu ...,kvm=on).
 *
 * Full virtualization traps the guest's sensitive instructions one by one;
 * a paravirtual guest asks the monitor instead, with VMCALL.  The ABI is
 * docs/paravirt.md: the numbers below are that document's, and a guest's
 * copy is guests/lib/pv.h.  Nothing here is reached unless -cpu turned an
 * interface on; then VMCALL is the monitor entry H_VMCALL, counted per
 * call name in -stats (pv_stats).
 *
 * The machine creates the state for its CPU (pv_create, which sets
 * cpu->pv) and resets it with the board (pv_reset); the run loop asks
 * pv_interrupt_gate() before it takes a maskable interrupt, because the
 * virtual interrupt flag and the one-shot timer decide delivery too.
 *
 *   struct pv_wiring w = { &m->clock, console_write, m, rtc_base };
 *   add_device(m, pv_create(&m->cpu, &w), pv_reset);
 */
#ifndef BT86_MONITOR_PARAVIRT_H
#define BT86_MONITOR_PARAVIRT_H

#include "base/timer.h"
#include "cpu/cpu.h"

#include <stddef.h>
#include <stdint.h>

/* bt86's hypercall numbers (EAX): "bt" in the high half, so that they
 * never collide with KVM's small numbers when both interfaces are on. */
#define BT86_HC_BASE 0x62740000u
enum bt86_hypercall {
    BT86_HC_VERSION = BT86_HC_BASE,  /* -> BT86_PV_VERSION */
    BT86_HC_CONSOLE_WRITE,           /* EBX linear address, ECX length -> bytes written */
    BT86_HC_MMU_BATCH,               /* EBX linear address of ops, ECX count -> count */
    BT86_HC_SHARED_PAGE,             /* EBX physical address | 1, or 0 -> 0 */
    BT86_HC_EVENTS,                  /* vif = 1, pending events delivered now -> 0 */
    BT86_HC_HALT,                    /* vif = 1, halt until an interrupt -> 0 */
    BT86_HC_TIMER,                   /* ECX:EBX deadline (ns), EDX vector or 0 -> 0 */
    BT86_HC_TIME,                    /* -> EDX:EAX virtual time (ns) */
    BT86_HC_END
};
#define BT86_PV_VERSION 1
#define BT86_PV_SIGNATURE "bt86bt86bt86"

/* Error codes, returned negated in EAX (Linux's errno numbers). */
#define BT86_EPERM 1
#define BT86_EFAULT 14
#define BT86_EINVAL 22
#define BT86_ENOSYS 38

/* BT86_HC_MMU_BATCH: an array of these, 16 bytes each. */
struct bt86_mmu_op {
    uint32_t op;
    uint32_t addr; /* PTE: physical address of the entry; INVLPG: linear address */
    uint32_t lo, hi; /* the new value (PTE32: lo; PTE64: hi:lo; NEW_CR3: lo) */
};
enum {
    BT86_MMU_PTE32,   /* 4-byte entry, addr 4-aligned, in RAM; hi must be 0 */
    BT86_MMU_PTE64,   /* 8-byte (PAE) entry, addr 8-aligned, in RAM */
    BT86_MMU_INVLPG,  /* lo, hi must be 0 */
    BT86_MMU_FLUSH,   /* all non-global TLB entries, as MOV CR3; addr, lo, hi 0 */
    BT86_MMU_NEW_CR3, /* lo: the new CR3 (its table in RAM), as MOV CR3; addr, hi 0 */
    BT86_MMU_OPS
};
#define BT86_MMU_MAX 256 /* entries per call */

/* BT86_HC_SHARED_PAGE: the first words of the registered page. */
struct bt86_shared {
    uint32_t vif;     /* the guest's: 0 = events masked ("cli"), else enabled ("sti") */
    uint32_t pending; /* bt86's: BT86_PENDING_IRQ while an interrupt waits for vif */
};
#define BT86_PENDING_IRQ 1u

/* KVM's interface (Linux's include/uapi/linux/kvm_para.h numbers). */
#define KVM_CPUID_FEATURES_LEAF 0x40000001u
#define KVM_FEATURE_CLOCKSOURCE 0
#define KVM_FEATURE_NOP_IO_DELAY 1
#define KVM_FEATURE_CLOCKSOURCE2 3
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT 24
#define MSR_KVM_WALL_CLOCK 0x11u
#define MSR_KVM_SYSTEM_TIME 0x12u
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00u
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u
#define KVM_HC_VAPIC_POLL_IRQ 1
#define KVM_HC_KICK_CPU 5
#define KVM_ENOSYS 1000
#define KVM_EPERM 1

/* What the machine gives the paravirtual interfaces. */
struct pv_wiring {
    struct clock *clock; /* virtual time: BT86_HC_TIME, the timer, kvmclock */
    /* BT86_HC_CONSOLE_WRITE's output (the PC: COM1's host side). */
    void (*console)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
    int64_t wall_base; /* Unix time at virtual time 0 (the RTC's): kvm's wall clock */
};

/* The interfaces' state for `cpu` (cpu->pv), owned by the machine. */
struct pv_state *pv_create(struct cpu *cpu, const struct pv_wiring *w);
/* Power-on state: no shared page, no timer, kvmclock off (opaque: the pv_state). */
void pv_reset(void *pv);

/*
 * The run loop, before it takes a maskable interrupt: -1 when the
 * paravirtual state has no say (take the PIC's as usual), 0 when nothing
 * may be delivered now (the virtual IF is clear, or EFLAGS.IF), 1 when it
 * delivered the one-shot timer's vector.  Cheap when pv is off.
 */
int pv_interrupt_gate_slow(struct cpu *cpu);
static inline int pv_interrupt_gate(struct cpu *cpu)
{
    return cpu->pv_gate ? pv_interrupt_gate_slow(cpu) : -1;
}

/* CPUID leaves 0x40000000 up: 1 with r[] filled when the leaf is a
 * paravirtual one that -cpu turned on. */
int pv_cpuid(uint32_t leaf, uint32_t r[4]);
/* KVM's MSRs (kvm=on): 1 when n is one (*v read, or v written). */
int pv_rdmsr(struct cpu *cpu, uint32_t n, uint64_t *v);
int pv_wrmsr(struct cpu *cpu, uint32_t n, uint64_t v);
/* The guest wrote the TSC: kvmclock's published relation changed. */
void pv_tsc_changed(struct cpu *cpu);

/* -stats: every VMCALL lands in exactly one of these rows. */
enum pv_stat {
    PVS_UD,      /* no interface on: #UD */
    PVS_EPERM,   /* CPL > 0 */
    PVS_ENOSYS,  /* unknown number */
    PVS_VERSION, PVS_CONSOLE_WRITE, PVS_MMU_BATCH, PVS_SHARED_PAGE, PVS_EVENTS, PVS_HALT,
    PVS_TIMER, PVS_TIME,
    PVS_KVM_VAPIC_POLL_IRQ, PVS_KVM_KICK_CPU,
    PVS_COUNT
};
struct pv_stats {
    uint64_t calls[PVS_COUNT];
    uint64_t ns[PVS_COUNT]; /* with -stats timing */
};
extern struct pv_stats pv_stats;
extern const char *const pv_stat_names[PVS_COUNT];

#endif
