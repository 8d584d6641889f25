/*
 * cpu_model.h - which CPU the guest sees: -cpu MODEL[,+feat,-feat,feat=on|off].
 *
 * bt86 implements one i686; a model chooses the family/model/stepping that
 * CPUID and EDX at reset report, and which of bt86's optional features
 * CPUID shows.  A feature turned off is also refused where the SDM says a
 * CPU without it refuses it (CR4 bits, EFER.NXE, SYSENTER, RDMSR, RDTSC).
 *
 *   char err[256], warn[256];
 *   if (cpu_model_parse("pentium3,-nx", err, sizeof(err), warn, sizeof(warn)) < 0) ...
 *   if (cpu_has(CPUID_PAE)) ...
 */
#ifndef BT86_CPU_CPU_MODEL_H
#define BT86_CPU_CPU_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* CPUID.1:EDX */
#define CPUID_FPU (1u << 0)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_PAE (1u << 6)
#define CPUID_MCE (1u << 7)
#define CPUID_CX8 (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_SEP (1u << 11)
#define CPUID_PGE (1u << 13)
#define CPUID_MCA (1u << 14)
#define CPUID_CMOV (1u << 15)
#define CPUID_FXSR (1u << 24)
/* CPUID.80000001h:EDX */
#define CPUID_EXT_NX (1u << 20)

/* Everything bt86 implements and shows by default. */
#define CPUID_BT86_EDX                                                                         \
    (CPUID_FPU | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_PAE | CPUID_MCE | CPUID_CX8 |        \
     CPUID_APIC | CPUID_SEP | CPUID_PGE | CPUID_MCA | CPUID_CMOV | CPUID_FXSR)
#define CPUID_BT86_EXT_EDX CPUID_EXT_NX
/* CPUID.1:ECX: set while a paravirtual interface is on (pv=on or kvm=on). */
#define CPUID_ECX_HYPERVISOR (1u << 31)

struct cpu_model {
    const char *name;
    uint32_t signature; /* CPUID.1:EAX, and EDX after reset */
    uint32_t edx;       /* CPUID.1:EDX */
    uint32_t ext_edx;   /* CPUID.80000001h:EDX */
    /* Paravirtual interfaces (docs/paravirt.md), off unless asked for:
     * pv=on, bt86's own hypercalls; kvm=on, KVM's CPUID leaves, kvmclock
     * and KVM's hypercalls.  Either one sets CPUID.1:ECX.hypervisor. */
    int pv, kvm;
};

extern struct cpu_model cpu_model;

/* Set cpu_model from a -cpu argument.  0, or -1 with a message in err.  A
 * model of QEMU's that has features bt86 lacks gets a message in warn
 * (empty otherwise): its CPUID shows them off, as QEMU's TCG does. */
int cpu_model_parse(const char *spec, char *err, size_t errlen, char *warn, size_t warnlen);
void cpu_model_help(FILE *f);

static inline int cpu_has(uint32_t edx_bit)
{
    return (cpu_model.edx & edx_bit) != 0;
}

static inline int cpu_has_nx(void)
{
    return (cpu_model.ext_edx & CPUID_EXT_NX) != 0;
}

#endif
