/*
 * kvm_para.c - the paravirtual CPUID leaves, and KVM's interface as Linux
 * knows it: kvmclock (its MSRs and pvclock structures), the "no I/O
 * delay" hint, and the KVM hypercalls that make sense on one CPU.
 *
 * kvmclock is exact here because bt86's TSC is its virtual clock: the TSC
 * counts virtual nanoseconds (plus the offset a WRMSR to it sets), and
 * under -icount it is the instruction count, which is virtual time there.
 * So one pvclock record (tsc_timestamp, system_time, multiplier 2^31 with
 * shift 1, i.e. one TSC tick = 1 ns) stays right for the whole run and is
 * written only when the guest enables it or moves the TSC.  That is also
 * why the stable bit is honest: one CPU, one TSC that never goes back.
 */
#include "cpu/cpu_model.h"
#include "monitor/paravirt_impl.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#include <string.h>

#define PVCLOCK_TSC_STABLE_BIT 1u

static uint32_t kvm_features(void)
{
    return 1u << KVM_FEATURE_CLOCKSOURCE | 1u << KVM_FEATURE_NOP_IO_DELAY |
           1u << KVM_FEATURE_CLOCKSOURCE2 | 1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT;
}

static uint32_t bt86_features(void)
{
    return (1u << (BT86_HC_END - BT86_HC_BASE)) - 1; /* bit n: call BT86_HC_BASE + n */
}

static void signature(uint32_t r[4], const char *sig)
{
    memcpy(&r[1], sig, 4);
    memcpy(&r[2], sig + 4, 4);
    memcpy(&r[3], sig + 8, 4);
}

int pv_cpuid(uint32_t leaf, uint32_t r[4])
{
    uint32_t kvm_base = cpu_model.kvm ? 0x40000000u : 0;
    /* With both on, Linux finds KVM first; bt86's leaves follow at the
     * next 0x100, where hypervisor_cpuid_base()-style scans look. */
    uint32_t bt86_base = !cpu_model.pv ? 0 : cpu_model.kvm ? 0x40000100u : 0x40000000u;
    memset(r, 0, 4 * sizeof(r[0]));
    if (kvm_base && leaf == kvm_base) {
        r[0] = KVM_CPUID_FEATURES_LEAF;
        signature(r, "KVMKVMKVM\0\0\0");
        return 1;
    }
    if (kvm_base && leaf == kvm_base + 1) {
        r[0] = kvm_features();
        return 1;
    }
    if (bt86_base && leaf == bt86_base) {
        r[0] = bt86_base + 1;
        signature(r, BT86_PV_SIGNATURE);
        return 1;
    }
    if (bt86_base && leaf == bt86_base + 1) {
        r[0] = bt86_features();
        r[1] = BT86_PV_VERSION;
        r[2] = BT86_MMU_MAX;
        return 1;
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    host_st(p, v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    host_st(p, (uint32_t)v, 4);
    host_st(p + 4, (uint32_t)(v >> 32), 4);
}

/* struct pvclock_wall_clock { u32 version, sec, nsec; }: the wall-clock
 * time at system_time 0, i.e. the RTC's base. */
static void write_wall_clock(struct pv_state *pv, uint32_t pa)
{
    uint8_t w[12];
    if (!pv_ram_range(pv, pa, sizeof(w)))
        return; /* as KVM: a bad address is ignored */
    uint32_t version = phys_read(pv->cpu->mem, pa, 4);
    version = (version | 1) + 1;
    put32(w, version);
    put32(w + 4, (uint32_t)pv->w.wall_base);
    put32(w + 8, 0);
    phys_copy_to(pv->cpu->mem, pa, w, sizeof(w));
}

/*
 * struct pvclock_vcpu_time_info (32 bytes): u32 version, pad; u64
 * tsc_timestamp, system_time; u32 tsc_to_system_mul; s8 tsc_shift;
 * u8 flags; u8 pad[2].  The guest computes
 *   time = system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32
 * and retries while version is odd or changed.
 */
static void write_system_time(struct cpu *cpu)
{
    struct pv_state *pv = cpu->pv;
    if (!(pv->msr_system_time & 1))
        return;
    uint32_t pa = (uint32_t)pv->msr_system_time & ~1u;
    uint8_t t[32];
    if ((pv->msr_system_time >> 32) || !pv_ram_range(pv, pa, sizeof(t)))
        return;
    /* The clock read on both sides of the TSC read: without -icount, host
     * time moves between them; the midpoint keeps the error to that. */
    uint64_t c0 = clock_now(pv->w.clock);
    uint64_t tsc = cpu->tsc(cpu);
    uint64_t c1 = clock_now(pv->w.clock);
    pv->pvclock_version = (pv->pvclock_version | 1) + 1;
    memset(t, 0, sizeof(t));
    put32(t, pv->pvclock_version - 1); /* odd: being updated */
    phys_copy_to(pv->cpu->mem, pa, t, 4);
    put64(t + 8, tsc);
    put64(t + 16, c0 + (c1 - c0) / 2);
    put32(t + 24, 0x80000000u); /* 2^31 ... */
    t[28] = 1;                  /* ... << 1: one tick, one nanosecond */
    t[29] = PVCLOCK_TSC_STABLE_BIT;
    put32(t, pv->pvclock_version);
    phys_copy_to(pv->cpu->mem, pa + 4, t + 4, sizeof(t) - 4);
    phys_copy_to(pv->cpu->mem, pa, t, 4);
}

int pv_rdmsr(struct cpu *cpu, uint32_t n, uint64_t *v)
{
    struct pv_state *pv = cpu->pv;
    (void)cpu;
    if (!cpu_model.kvm)
        return 0;
    switch (n) {
    case MSR_KVM_WALL_CLOCK: case MSR_KVM_WALL_CLOCK_NEW: *v = pv->msr_wall_clock; return 1;
    case MSR_KVM_SYSTEM_TIME: case MSR_KVM_SYSTEM_TIME_NEW: *v = pv->msr_system_time; return 1;
    default: return 0;
    }
}

int pv_wrmsr(struct cpu *cpu, uint32_t n, uint64_t v)
{
    struct pv_state *pv = cpu->pv;
    if (!cpu_model.kvm)
        return 0;
    switch (n) {
    case MSR_KVM_WALL_CLOCK:
    case MSR_KVM_WALL_CLOCK_NEW:
        pv->msr_wall_clock = v;
        if (!(v >> 32))
            write_wall_clock(pv, (uint32_t)v);
        return 1;
    case MSR_KVM_SYSTEM_TIME:
    case MSR_KVM_SYSTEM_TIME_NEW:
        pv->msr_system_time = v;
        write_system_time(cpu);
        return 1;
    default:
        return 0;
    }
}

void pv_tsc_changed(struct cpu *cpu)
{
    if (cpu_model.kvm)
        write_system_time(cpu);
}

void pv_kvm_reset(struct pv_state *pv)
{
    pv->msr_wall_clock = 0;
    pv->msr_system_time = 0;
    pv->pvclock_version = 0;
}

/*
 * KVM's hypercall ABI: number in EAX, arguments in EBX, ECX, EDX, ESI,
 * result in EAX, -KVM_ENOSYS for a number it does not know.
 */
int32_t pv_kvm_hypercall(struct cpu *cpu, uint32_t nr, int *stat)
{
    (void)cpu;
    switch (nr) {
    case KVM_HC_VAPIC_POLL_IRQ:
        /* KVM's does nothing but return to the guest through its interrupt
         * check; so does this (the block ends after every VMCALL). */
        *stat = PVS_KVM_VAPIC_POLL_IRQ;
        return 0;
    case KVM_HC_KICK_CPU:
        /* EBX flags, ECX APIC ID: wake a CPU halted in a PV spinlock.  The
         * only CPU is the caller, which is running: nothing to wake, and
         * KVM too returns 0 for a running or unknown target. */
        *stat = PVS_KVM_KICK_CPU;
        return 0;
    default:
        *stat = PVS_ENOSYS;
        return -KVM_ENOSYS;
    }
}
