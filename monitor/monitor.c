/*
 * monitor.c - privileged and virtualization-sensitive instructions:
 * HLT, descriptor-table registers, control and debug registers, MSRs,
 * CPUID, RDTSC, SYSENTER/SYSEXIT, and the descriptor probes (LAR, LSL,
 * VERR, VERW, ARPL).
 *
 * Each entry checks privilege first and raises #GP(0) as the hardware
 * would; only then does it change the virtual CPU.
 */
#include "cpu/cpu_model.h"
#include "cpu/fatal.h"
#include "cpu/flags.h"
#include "monitor/monitor_entries.h"
#include "monitor/monitor.h"
#include "monitor/paravirt.h"
#include "softmmu/tlb.h"

#include <string.h>

static void need_cpl0(struct cpu *cpu)
{
    if ((cpu->cr[0] & CR0_PE) && cpu_cpl(cpu) != 0)
        cpu_raise(cpu, EXC_GP, 0, 1);
}

uint32_t helper_hlt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    need_cpl0(cpu);
    cpu->halted = 1;
    cpu->eip = next;
    return 0;
}

static void load_dtable(struct cpu *cpu, struct dtable *t, uint32_t addr, uint32_t size)
{
    need_cpl0(cpu);
    uint32_t limit = mem_read(cpu, addr, 2);
    uint32_t base = mem_read(cpu, addr + 2, 4);
    if (size == 2)
        base &= 0xffffff;
    t->limit = limit;
    t->base = base;
}

uint32_t helper_lgdt(struct cpu *cpu, uint32_t addr, uint32_t size, uint32_t c, uint32_t next)
{
    load_dtable(cpu, &cpu->gdt, addr, size);
    return 0;
}

uint32_t helper_lidt(struct cpu *cpu, uint32_t addr, uint32_t size, uint32_t c, uint32_t next)
{
    load_dtable(cpu, &cpu->idt, addr, size);
    return 0;
}

static void store_dtable(struct cpu *cpu, const struct dtable *t, uint32_t addr, uint32_t size)
{
    mem_probe_write(cpu, addr, 6);
    mem_write(cpu, addr, t->limit, 2);
    /* Since the Pentium, all 32 base bits are stored whatever the operand size. */
    mem_write(cpu, addr + 2, t->base, 4);
}

uint32_t helper_sgdt(struct cpu *cpu, uint32_t addr, uint32_t size, uint32_t c, uint32_t next)
{
    store_dtable(cpu, &cpu->gdt, addr, size);
    return 0;
}

uint32_t helper_sidt(struct cpu *cpu, uint32_t addr, uint32_t size, uint32_t c, uint32_t next)
{
    store_dtable(cpu, &cpu->idt, addr, size);
    return 0;
}

static void need_pmode(struct cpu *cpu)
{
    if (!(cpu->cr[0] & CR0_PE) || (cpu->eflags & F_VM))
        cpu_raise(cpu, EXC_UD, 0, 0);
}

uint32_t helper_sldt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    need_pmode(cpu);
    return cpu->seg[S_LDTR].sel;
}

uint32_t helper_str(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    need_pmode(cpu);
    return cpu->seg[S_TR].sel;
}

uint32_t helper_smsw(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    return cpu->cr[0];
}

uint32_t helper_lldt(struct cpu *cpu, uint32_t sel, uint32_t b, uint32_t c, uint32_t next)
{
    need_pmode(cpu);
    need_cpl0(cpu);
    if ((sel & ~3u) == 0) {
        cpu->seg[S_LDTR] = (struct segment){ .sel = sel };
        return 0;
    }
    uint32_t lo, hi;
    if ((sel & 4) || desc_read(cpu, sel, &lo, &hi) < 0)
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    if ((hi & DESC_S) || ((hi >> DESC_TYPE_SHIFT) & 0xf) != 2)
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    if (!(hi & DESC_P))
        cpu_raise(cpu, EXC_NP, sel & 0xfffc, 1);
    seg_set_cache(&cpu->seg[S_LDTR], sel, lo, hi);
    return 0;
}

uint32_t helper_ltr(struct cpu *cpu, uint32_t sel, uint32_t b, uint32_t c, uint32_t next)
{
    need_pmode(cpu);
    need_cpl0(cpu);
    uint32_t lo, hi;
    if ((sel & ~3u) == 0 || (sel & 4) || desc_read(cpu, sel, &lo, &hi) < 0)
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    int type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    if ((hi & DESC_S) || (type != 1 && type != 9))
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    if (!(hi & DESC_P))
        cpu_raise(cpu, EXC_NP, sel & 0xfffc, 1);
    /* Mark the TSS busy. */
    mem_st(cpu, cpu->gdt.base + (sel & ~7u) + 4, hi | (2u << DESC_TYPE_SHIFT), 4, 0);
    seg_set_cache(&cpu->seg[S_TR], sel, lo, hi | (2u << DESC_TYPE_SHIFT));
    return 0;
}

static void set_cr0(struct cpu *cpu, uint32_t v)
{
    v |= CR0_ET;
    if ((v & CR0_PG) && !(v & CR0_PE))
        cpu_raise(cpu, EXC_GP, 0, 1);
    if ((v & CR0_NW) && !(v & CR0_CD))
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint32_t old = cpu->cr[0];
    cpu->cr[0] = v & 0xe005003fu;
    if ((old ^ cpu->cr[0]) & (CR0_PG | CR0_WP | CR0_PE))
        tlb_flush(cpu);
    if (!(cpu->cr[0] & CR0_PE))
        cpu->hflags &= ~HF_CPL_MASK;
    cpu_update_hflags(cpu);
}

uint32_t helper_lmsw(struct cpu *cpu, uint32_t v, uint32_t b, uint32_t c, uint32_t next)
{
    need_cpl0(cpu);
    /* LMSW can set PE but never clear it. */
    uint32_t cr0 = (cpu->cr[0] & ~0xeu) | (v & 0xf) | (cpu->cr[0] & CR0_PE);
    set_cr0(cpu, cr0);
    return 0;
}

uint32_t helper_clts(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    need_cpl0(cpu);
    cpu->cr[0] &= ~CR0_TS;
    return 0;
}

/* A CR4 bit of a feature that -cpu turned off is reserved, as on a CPU
 * without it (SDM Vol. 3A 2.5: setting a reserved bit is #GP(0)). */
static uint32_t cr4_valid(void)
{
    uint32_t v = 0;
    if (cpu_has(CPUID_TSC))
        v |= CR4_TSD;
    if (cpu_has(CPUID_PSE))
        v |= CR4_PSE;
    if (cpu_has(CPUID_PAE))
        v |= CR4_PAE;
    if (cpu_has(CPUID_PGE))
        v |= CR4_PGE;
    if (cpu_has(CPUID_MCE))
        v |= CR4_MCE;
    if (cpu_has(CPUID_FXSR))
        v |= CR4_OSFXSR;
    return v;
}

uint32_t helper_mov_to_cr(struct cpu *cpu, uint32_t n, uint32_t v, uint32_t c, uint32_t next)
{
    /* A register that does not exist is an invalid opcode, found before the CPL check. */
    if (n == 1 || n > 4)
        cpu_raise(cpu, EXC_UD, 0, 0);
    need_cpl0(cpu);
    switch (n) {
    case 0: set_cr0(cpu, v); break;
    case 2: cpu->cr[2] = v; break;
    case 3: cpu->cr[3] = v; tlb_flush_nonglobal(cpu); break;
    case 4:
        /* VME PVI DE PCE OSXMMEXCPT... are not implemented: reserved here.
         * OSFXSR exists because CPUID shows FXSR; with no SSE it changes nothing.
         * MCE: no machine check ever happens, so enabling #MC changes nothing. */
        if (v & ~cr4_valid())
            cpu_raise(cpu, EXC_GP, 0, 1);
        cpu->cr[4] = v;
        tlb_flush(cpu);
        break;
    default: cpu_raise(cpu, EXC_UD, 0, 0);
    }
    return 0;
}

uint32_t helper_mov_from_cr(struct cpu *cpu, uint32_t n, uint32_t b, uint32_t c, uint32_t next)
{
    if (n == 1 || n > 4)
        cpu_raise(cpu, EXC_UD, 0, 0);
    need_cpl0(cpu);
    return cpu->cr[n];
}

uint32_t helper_mov_to_dr(struct cpu *cpu, uint32_t n, uint32_t v, uint32_t c, uint32_t next)
{
    need_cpl0(cpu);
    if (n > 7)
        cpu_raise(cpu, EXC_UD, 0, 0);
    cpu->dr[n] = v;
    if (n < 4 || n == 7)
        cpu->dr_changed(cpu);
    return 0;
}

uint32_t helper_mov_from_dr(struct cpu *cpu, uint32_t n, uint32_t b, uint32_t c, uint32_t next)
{
    need_cpl0(cpu);
    if (n > 7)
        cpu_raise(cpu, EXC_UD, 0, 0);
    if (n == 6)
        return cpu->dr[6] | 0xffff0ff0u;
    if (n == 7)
        return cpu->dr[7] | 0x400;
    return cpu->dr[n];
}

uint32_t helper_invd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    need_cpl0(cpu);
    return 0;
}

uint32_t helper_invlpg(struct cpu *cpu, uint32_t addr, uint32_t b, uint32_t c, uint32_t next)
{
    need_cpl0(cpu);
    tlb_flush_page(cpu, addr);
    return 0;
}

/* The machine-check architecture of a P6: MCG_CAP says 5 banks and MCG_CTL;
 * nothing ever fails, so every bank's status stays 0 (Linux's MCE driver
 * polls them; without MCA it says "Unable to init MCE device"). */
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_MCG_CTL 0x17b
#define MSR_MC0_CTL 0x400
#define MCA_BANKS CPU_MCA_BANKS
#define MCG_CTL_P (1u << 8)

static int is_mc_bank(uint32_t n)
{
    return cpu_has(CPUID_MCA) && n >= MSR_MC0_CTL && n < MSR_MC0_CTL + MCA_BANKS * 4;
}

/* MCG_CAP, MCG_STATUS and MCG_CTL exist only on a CPU with MCA (-cpu ...,-mca: #GP). */
static void need_mcg(struct cpu *cpu, uint32_t n)
{
    if (!cpu_has(CPUID_MCA) && n >= MSR_MCG_CAP && n <= MSR_MCG_CTL)
        cpu_raise(cpu, EXC_GP, 0, 1);
}

uint32_t helper_rdmsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if (!cpu_has(CPUID_MSR))
        cpu_raise(cpu, EXC_UD, 0, 0);
    need_cpl0(cpu);
    uint32_t n = cpu->r[R_ECX];
    need_mcg(cpu, n);
    uint64_t v;
    switch (n) {
    case 0x10: v = cpu->tsc(cpu); break;
    case 0x1b: v = cpu->msr_apicbase; break;
    case 0x8b: v = 0; break; /* BIOS_SIGN_ID: microcode revision 0, none loaded */
    case 0x174: v = cpu->msr_sysenter_cs; break;
    case 0x175: v = cpu->msr_sysenter_esp; break;
    case 0x176: v = cpu->msr_sysenter_eip; break;
    case 0x1a0: v = cpu->msr_misc_enable; break; /* IA32_MISC_ENABLE */
    case 0x277: v = cpu->msr_pat; break;
    case 0xc0000080u: v = cpu->msr_efer; break;
    case 0xfe: v = 0x508; break; /* MTRRcap: 8 variable ranges, fixed ranges, WC */
    case MSR_MCG_CAP: v = MCG_CTL_P | MCA_BANKS; break;
    case MSR_MCG_STATUS: v = cpu->msr_mcg_status; break;
    case MSR_MCG_CTL: v = cpu->msr_mcg_ctl; break;
    default:
        if (is_mc_bank(n)) {
            v = cpu->msr_mc_bank[n - MSR_MC0_CTL];
            break;
        }
        if (pv_rdmsr(cpu, n, &v))
            break;
        if ((n >= 0x200 && n <= 0x20f) || n == 0x250 || n == 0x258 || n == 0x259 ||
            (n >= 0x268 && n <= 0x26f) || n == 0x2ff) {
            v = cpu->msr_mtrr[n - 0x200];
            break;
        }
        cpu_raise(cpu, EXC_GP, 0, 1);
    }
    cpu->r[R_EAX] = (uint32_t)v;
    cpu->r[R_EDX] = (uint32_t)(v >> 32);
    return 0;
}

uint32_t helper_wrmsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if (!cpu_has(CPUID_MSR))
        cpu_raise(cpu, EXC_UD, 0, 0);
    need_cpl0(cpu);
    uint32_t n = cpu->r[R_ECX];
    need_mcg(cpu, n);
    uint64_t v = ((uint64_t)cpu->r[R_EDX] << 32) | cpu->r[R_EAX];
    switch (n) {
    case 0x10: cpu->tsc_offset += v - cpu->tsc(cpu); pv_tsc_changed(cpu); break;
    case 0x1b:
        if (!cpu->apic_base_write)
            cpu->msr_apicbase = v;
        else if (cpu->apic_base_write(cpu, v) < 0)
            cpu_raise(cpu, EXC_GP, 0, 1);
        break;
    case 0x8b: break; /* writing 0 then CPUID latches the revision: it stays 0 */
    case 0x174: cpu->msr_sysenter_cs = v & 0xffff; break;
    case 0x175: cpu->msr_sysenter_esp = (uint32_t)v; break;
    case 0x176: cpu->msr_sysenter_eip = (uint32_t)v; break;
    case 0x1a0: cpu->msr_misc_enable = v; break; /* stored, as QEMU does */
    case 0x277: cpu->msr_pat = v; break;
    case MSR_MCG_STATUS: cpu->msr_mcg_status = v; break;
    case MSR_MCG_CTL: cpu->msr_mcg_ctl = v; break;
    case 0xc0000080u:
        /* No long mode, no SYSCALL; NXE only while CPUID shows NX. */
        if (v & ~(uint64_t)(cpu_has_nx() ? EFER_NXE : 0))
            cpu_raise(cpu, EXC_GP, 0, 1);
        cpu->msr_efer = v;
        tlb_flush(cpu);
        break;
    default:
        if ((n >= 0x200 && n <= 0x20f) || n == 0x250 || n == 0x258 || n == 0x259 ||
            (n >= 0x268 && n <= 0x26f) || n == 0x2ff) {
            cpu->msr_mtrr[n - 0x200] = v;
            break;
        }
        /* As on a P6, a bank's status may only be cleared. */
        if (is_mc_bank(n) && !((n - MSR_MC0_CTL) % 4 == 1 && v != 0)) {
            cpu->msr_mc_bank[n - MSR_MC0_CTL] = v;
            break;
        }
        if (pv_wrmsr(cpu, n, v))
            break;
        cpu_raise(cpu, EXC_GP, 0, 1);
    }
    return 0;
}

uint32_t helper_rdpmc(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    /* No performance counters (CR4.PCE is reserved here). */
    cpu_raise(cpu, EXC_GP, 0, 1);
}

uint32_t helper_rdtsc(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if (!cpu_has(CPUID_TSC))
        cpu_raise(cpu, EXC_UD, 0, 0);
    if ((cpu->cr[4] & CR4_TSD) && cpu_cpl(cpu) != 0 && (cpu->cr[0] & CR0_PE))
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint64_t t = cpu->tsc(cpu);
    cpu->r[R_EAX] = (uint32_t)t;
    cpu->r[R_EDX] = (uint32_t)(t >> 32);
    return 0;
}

/*
 * CPUID describes exactly what bt86 implements: an i686 with TSC, MSRs,
 * CMPXCHG8B, CMOV, PSE, PAE (with NX), PGE, SYSENTER, FXSR, the local
 * APIC and the machine-check architecture (which never reports an error), less what
 * -cpu turned off (cpu/cpu_model.c).
 */
uint32_t helper_cpuid(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    uint32_t leaf = cpu->r[R_EAX], r[4] = { 0, 0, 0, 0 };
    static const char brand[48] = "bt86 virtual i686 CPU";
    switch (leaf) {
    case 0:
        r[0] = 1;
        memcpy(&r[1], "Genu", 4);
        memcpy(&r[3], "ineI", 4);
        memcpy(&r[2], "ntel", 4);
        break;
    case 1:
        r[0] = cpu_model.signature;
        r[2] = cpu_model.pv || cpu_model.kvm ? CPUID_ECX_HYPERVISOR : 0;
        r[1] = (uint32_t)cpu->apic_id << 24;
        r[3] = cpu_model.edx;
        /* A globally disabled APIC is gone from CPUID too (SDM 10.4.3). */
        if (!(cpu->msr_apicbase & (1u << 11)))
            r[3] &= ~CPUID_APIC;
        break;
    case 0x80000000u:
        r[0] = 0x80000004u;
        break;
    case 0x80000001u:
        r[3] = cpu_model.ext_edx;
        break;
    case 0x80000002u: case 0x80000003u: case 0x80000004u:
        memcpy(r, brand + (leaf - 0x80000002u) * 16, 16);
        break;
    default:
        pv_cpuid(leaf, r); /* the hypervisor leaves, when -cpu turned one on */
        break;
    }
    cpu->r[R_EAX] = r[0];
    cpu->r[R_EBX] = r[1];
    cpu->r[R_ECX] = r[2];
    cpu->r[R_EDX] = r[3];
    return 0;
}

uint32_t helper_sysenter(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if (!cpu_has(CPUID_SEP))
        cpu_raise(cpu, EXC_UD, 0, 0);
    uint16_t cs = cpu->msr_sysenter_cs;
    if (!(cpu->cr[0] & CR0_PE) || (cs & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0, 1);
    cpu_set_eflags(cpu, 0, F_VM | F_IF | F_RF);
    seg_load_flat_cs_ss(cpu, cs & 0xfffc, (cs & 0xfffc) + 8, 0);
    cpu->r[R_ESP] = cpu->msr_sysenter_esp;
    cpu->eip = cpu->msr_sysenter_eip;
    return 0;
}

uint32_t helper_sysexit(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if (!cpu_has(CPUID_SEP))
        cpu_raise(cpu, EXC_UD, 0, 0);
    uint16_t cs = cpu->msr_sysenter_cs;
    if (!(cpu->cr[0] & CR0_PE) || cpu_cpl(cpu) != 0 || (cs & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0, 1);
    seg_load_flat_cs_ss(cpu, (cs + 16) | 3, (cs + 24) | 3, 3);
    cpu->r[R_ESP] = cpu->r[R_ECX];
    cpu->eip = cpu->r[R_EDX];
    return 0;
}

static void set_zf(struct cpu *cpu, int z)
{
    cpu_set_eflags(cpu, z ? F_ZF : 0, F_ZF);
}

/* Descriptor visible to LAR/LSL/VERR/VERW at the current CPL and selector RPL? */
static int probe_desc(struct cpu *cpu, uint32_t sel, uint32_t *lo, uint32_t *hi, int for_lsl)
{
    if ((sel & ~3u) == 0 || desc_read(cpu, sel, lo, hi) < 0)
        return 0;
    int type = (*hi >> DESC_TYPE_SHIFT) & 0xf, dpl = (*hi >> DESC_DPL_SHIFT) & 3;
    if (!(*hi & DESC_S)) {
        static const int lar_ok[16] = { 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0 };
        static const int lsl_ok[16] = { 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0 };
        if (!(for_lsl ? lsl_ok : lar_ok)[type])
            return 0;
    } else if ((type & 0xc) == 0xc) {
        return 1; /* conforming code: any privilege */
    }
    int cpl = cpu_cpl(cpu), rpl = sel & 3;
    return dpl >= cpl && dpl >= rpl;
}

uint32_t helper_lar(struct cpu *cpu, uint32_t sel, uint32_t old, uint32_t size, uint32_t next)
{
    need_pmode(cpu);
    uint32_t lo, hi;
    if (!probe_desc(cpu, sel, &lo, &hi, 0)) {
        set_zf(cpu, 0);
        return old;
    }
    set_zf(cpu, 1);
    return size == 2 ? (hi & 0xff00) : (hi & 0x00f0ff00u);
}

uint32_t helper_lsl(struct cpu *cpu, uint32_t sel, uint32_t old, uint32_t size, uint32_t next)
{
    need_pmode(cpu);
    uint32_t lo, hi;
    if (!probe_desc(cpu, sel, &lo, &hi, 1)) {
        set_zf(cpu, 0);
        return old;
    }
    set_zf(cpu, 1);
    struct segment s;
    seg_set_cache(&s, sel, lo, hi);
    return size == 2 ? (s.limit & 0xffff) : s.limit;
}

static uint32_t verify(struct cpu *cpu, uint32_t sel, int write)
{
    need_pmode(cpu);
    uint32_t lo, hi;
    int ok = probe_desc(cpu, sel, &lo, &hi, 0) && (hi & DESC_S);
    if (ok) {
        int type = (hi >> DESC_TYPE_SHIFT) & 0xf;
        if (write)
            ok = (type & 0xa) == 0x2; /* writable data */
        else
            ok = !(type & 8) || (type & 2); /* data, or readable code */
    }
    set_zf(cpu, ok);
    return 0;
}

uint32_t helper_verr(struct cpu *cpu, uint32_t sel, uint32_t b, uint32_t c, uint32_t next)
{
    return verify(cpu, sel, 0);
}

uint32_t helper_verw(struct cpu *cpu, uint32_t sel, uint32_t b, uint32_t c, uint32_t next)
{
    return verify(cpu, sel, 1);
}

uint32_t helper_arpl(struct cpu *cpu, uint32_t dst, uint32_t src, uint32_t c, uint32_t next)
{
    if ((dst & 3) < (src & 3)) {
        set_zf(cpu, 1);
        return (dst & ~3u) | (src & 3);
    }
    set_zf(cpu, 0);
    return dst;
}
