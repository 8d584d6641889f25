/*
 * cpu.h - the virtual i386 CPU's architectural state.
 *
 * One struct holds everything translated code touches (registers, lazy
 * flags, the soft TLB) so that generated code reaches it through a single
 * base pointer. Debugger, statistics and UI state live elsewhere.
 *
 * Lazy flags: the six arithmetic flags (CF PF AF ZF SF OF) are not kept in
 * `eflags`; the last flag-setting operation leaves its kind in `cc_op` and
 * its operands in cc_dst/cc_src1/cc_src2, and cpu/flags.c computes a flag
 * only when something reads it; flags written on their own (CLC, BT, SAHF,
 * rotates) sit in cc_fix.  `eflags` holds every other bit.
 */
#ifndef BT86_CPU_CPU_H
#define BT86_CPU_CPU_H

#include "cpu/x87_state.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_LDTR, S_TR, S_COUNT };
#define S_NONE 0xff

/* EFLAGS bits */
#define F_CF 0x0001u
#define F_PF 0x0004u
#define F_AF 0x0010u
#define F_ZF 0x0040u
#define F_SF 0x0080u
#define F_TF 0x0100u
#define F_IF 0x0200u
#define F_DF 0x0400u
#define F_OF 0x0800u
#define F_IOPL 0x3000u
#define F_NT 0x4000u
#define F_RF 0x10000u
#define F_VM 0x20000u
#define F_AC 0x40000u
#define F_VIF 0x80000u
#define F_VIP 0x100000u
#define F_ID 0x200000u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* CR0 / CR4 bits */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u
#define CR4_TSD 0x00000004u
#define CR4_PSE 0x00000010u
#define CR4_PAE 0x00000020u
#define CR4_MCE 0x00000040u
#define CR4_PGE 0x00000080u
#define CR4_OSFXSR 0x00000200u
#define EFER_NXE 0x00000800u

/* Exception vectors */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
    EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12,
    EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18,
};

/*
 * Hidden part of a segment register, as loaded from its descriptor.
 * `flags` is the descriptor's second dword masked to the attribute bits
 * (type, S, DPL, P, AVL, D/B, G), so that it reads like the manual.
 */
struct segment {
    uint16_t sel;
    uint32_t base;
    uint32_t limit; /* byte granular, already scaled by G */
    uint32_t flags;
};
#define DESC_TYPE_SHIFT 8
#define DESC_S (1u << 12)
#define DESC_DPL_SHIFT 13
#define DESC_P (1u << 15)
#define DESC_B (1u << 22)
#define DESC_G (1u << 23)
#define DESC_CODE (1u << 11) /* type bit 3 */

struct dtable {
    uint32_t base;
    uint32_t limit;
};

/*
 * Soft TLB entry: guest virtual page tag and host addend, one tag per
 * access kind.  A tag with any low bit set never matches an aligned page
 * address, so flag bits force the slow path (MMIO, code pages for SMC).
 */
#define TLB_BITS 8
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_INVALID 0x001u
#define TLB_MMIO 0x002u    /* not RAM: go through the region's callbacks */
#define TLB_NOTDIRTY 0x004u /* page holds translated code: writes check SMC */
#define TLB_WATCH 0x008u    /* a debugger watchpoint is on this page */
struct tlb_entry {
    uint32_t tag_read;
    uint32_t tag_write;
    uint32_t tag_code;
    uint32_t phys; /* physical page address */
    uintptr_t addend; /* host address = guest virtual address + addend */
    uint32_t global; /* a global page (CR4.PGE): survives CR3 writes */
};

/* Translation mode bits: part of every block's cache key. */
#define HF_CODE32 0x0001u /* CS.D */
#define HF_SS32 0x0002u   /* SS.B */
#define HF_PE 0x0004u
#define HF_ADDSEG 0x0008u /* DS/ES/SS base may be non-zero */
#define HF_CPL_SHIFT 4
#define HF_CPL_MASK (3u << HF_CPL_SHIFT)
#define HF_VM86 0x0040u
#define HF_PG 0x0080u
#define HF_SINGLE 0x0100u /* translate one instruction only (SMC restart) */
#define HF_INHIBIT_IRQ 0x0200u /* after STI / MOV SS: no interrupt yet */
/* Accesses through segment register seg need limit and type checks (seg_check). */
#define HF_SEGCHK_SHIFT 16
#define HF_SEGCHK(seg) (1u << (HF_SEGCHK_SHIFT + (seg)))

struct tb;
struct tb_cache;
struct pv_state;
struct machine;
struct mem_map;
struct ioports;
struct smc;
struct tlb_watch;

/*
 * The first 128 bytes are what translated code and the run loop touch all
 * the time: the guest registers, EIP, the lazy flags, EFLAGS, the words a
 * chained exit checks (exit_request, budget) and where the guest is when
 * something faults.  x86-64 reaches [base + disp8] (-128..127) and aarch64
 * [base + imm12] from one CPU base register, so a native backend never
 * needs a long displacement for them; the asserts below the struct pin
 * every offset generated code uses.  The segment registers follow (their
 * bases are read by IR_LDCPU), then the soft TLB at a small constant
 * offset, then the cold state.
 *
 * Block temporaries are not here: each backend keeps its own frame for
 * them (translator/ir.h numbers values, backend.h says who owns what).
 */
/* Machine-check banks of bt86's P6 (MCG_CAP's count). */
#define CPU_MCA_BANKS 5

/* Entries of the return prediction (struct cpu's ras): a power of two. */
#define CPU_RAS_ENTRIES 128

struct cpu {
    uint32_t r[8]; /* R_EAX...: the IR's values 0-7 */
    uint32_t eip;
    uint32_t eflags; /* all but the arithmetic flags */
    uint32_t cc_op;
    uint32_t cc_dst, cc_src1, cc_src2;
    uint32_t cc_fix; /* flags written apart from cc_op's kind (cpu/flags.h) */
    volatile int exit_request; /* checked between blocks and at chained exits */
    uint32_t insn_eip;    /* EIP of the instruction in a slow path or helper */
    int64_t budget;       /* instructions left before the run loop looks around */
    uint64_t icount;      /* guest instructions retired (approximate between blocks) */
    struct tb *cur_tb;    /* the block in a slow path or helper */
    uint32_t hflags;
    uint32_t a20_mask;
    /*
     * What generated code compares with the instructions it entered since
     * the run loop: cpu->budget when the block was entered, or 0 once an
     * exit is requested (cpu_request_exit), so that one compare at each
     * chained exit checks both (the native backend; the interpreter reads
     * exit_request and budget).
     */
    volatile int64_t chain_limit;

    struct segment seg[S_COUNT];

    struct tlb_entry tlb[2][TLB_SIZE]; /* [0] CPL 0-2, [1] CPL 3 */
    /* A bit per entry that tlb_fill made valid since the last full flush
     * (a superset of the valid ones): a CR3 write visits only these. */
    uint64_t tlb_live[2][TLB_SIZE / 64];

    /*
     * Return prediction, for a backend that generates code: where the host
     * code goes on at the return addresses that recent near CALLs pushed,
     * by the stack slot that holds each one (ESP's bits 2-8).  What an
     * entry points at, and how it says which return address and mode it
     * is for, is the backend's; an empty one points at cpu_ras_none.  An
     * entry assumes the mapping of its page and that its code is valid:
     * every TLB flush and every block invalidation empties all of them.
     */
    const uint8_t *ras[CPU_RAS_ENTRIES];

    struct dtable gdt, idt;
    uint32_t cr[5];
    uint32_t dr[8];

    uint64_t msr_sysenter_cs, msr_sysenter_esp, msr_sysenter_eip;
    uint64_t msr_apicbase, msr_pat, msr_efer;
    uint64_t msr_misc_enable; /* IA32_MISC_ENABLE (0x1A0) */
    uint64_t tsc_offset;
    /* The MTRRs (MSRs 0x200-0x2ff, by n - 0x200) and the machine-check
     * registers: a reset clears them, as a P6's RESET clears the MTRRs'
     * enables and leaves the rest undefined. */
    uint64_t msr_mtrr[0x100];
    uint64_t msr_mcg_status, msr_mcg_ctl, msr_mc_bank[CPU_MCA_BANKS * 4];

    struct x87_state fpu;

    /* Run state, owned by machine/cpu_exec.c. */
    int halted;
    int irq_pending;      /* the local APIC asserts INTR (set by hw through pc.c) */
    int nmi_pending;      /* an NMI waits for delivery */
    int nmi_blocked;      /* an NMI handler runs: no NMI until the next IRET */
    /* Multiprocessor start-up (SDM Vol. 3, 8.4): an application processor
     * waits for a Startup IPI after power-on and after INIT; the local APIC
     * latches INIT and Startup messages here, for the run loop to take
     * between blocks (machine_cpu_init_sipi). */
    int sipi_wait;
    int init_pending;
    int sipi_pending;
    int sipi_vector;
    int single_step_next; /* translate the next block as one instruction (SMC) */
    unsigned data_bp_hit; /* DR6 B0-B3: guest data breakpoints the running insn hit */
    jmp_buf jmp;          /* exceptions unwind to the run loop */
    int pending_vector;   /* exception raised inside a block, -1 if none */
    uint32_t pending_error;
    int pending_has_error;
    int delivering;       /* vector being delivered, -1 if none (a fault then is a #DF) */

    /* Whether the paravirtual state has a say in interrupt delivery now
     * (pv_interrupt_gate, monitor/paravirt.h). */
    int pv_gate;

    /* Wiring, set by the machine when it creates the CPU; kept across a
     * reset, which clears everything above `machine` (cpu_reset). */
    struct machine *machine;
    /* The machine's physical memory map, port space, code-page map and
     * block cache: the soft MMU, IN/OUT and tb_find reach them from here. */
    struct mem_map *mem;
    struct ioports *io;
    struct smc *smc;
    struct tb_cache *tbs;
    /* The paravirtual interfaces' state (monitor/paravirt.h). */
    struct pv_state *pv;
    /* Debugger watchpoints on the soft TLB's slow path (softmmu/tlb.h), or NULL. */
    const struct tlb_watch *watch;
    void (*ferr)(void *opaque, int level); /* the FERR# pin (the PC: IRQ 13) */
    void *ferr_opaque;
    /* A debugger's breakpoints: a block ends before any instruction at a
     * linear address where this returns non-zero (translator/frontend.c),
     * so that the run loop checks each one between blocks. */
    int (*stop_before)(void *opaque, uint32_t linear);
    void *stop_before_opaque;
    /* WRMSR to IA32_APIC_BASE: the local APIC moves or turns off (0), or
     * the value has reserved bits (-1, #GP).  NULL: the MSR is only stored.
     * apic_id: the initial APIC ID, as CPUID.1:EBX[31:24] reports it. */
    int (*apic_base_write)(struct cpu *cpu, uint64_t value);
    uint8_t apic_id;
    int index; /* in machine->cpus[]: 0 is the bootstrap processor */
    /* Set by cpu_reset() (machine/cpu_exec.c), so that the monitor needs
     * nothing above it: the time-stamp counter as RDTSC reads it, the
     * hook a guest write to DR0-DR3 or DR7 calls (the data breakpoints),
     * and the disassembler that error messages quote (translator/decode.c:
     * the length of the instruction in code, 0 if it does not decode). */
    uint64_t (*tsc)(struct cpu *cpu);
    void (*dr_changed)(struct cpu *cpu);
    /* PAUSE: the guest spins until another CPU does something (a lock, a
     * counter); with several CPUs the run loop ends this one's time slice. */
    void (*spin_wait)(struct cpu *cpu);
    /* Whether the run loop has nothing to do before the next block but
     * find it (no interrupt, trap, debugger or request waits), so that
     * generated code may go on after a monitor call (tb_find_quick). */
    int (*no_events)(struct cpu *cpu);
    int (*disasm)(const uint8_t *code, size_t len, uint32_t eip, int code32, char *buf,
                  size_t bufsz);
};

/* The hot area: generated code reaches these with a short displacement. */
#define CPU_HOT_SIZE 128
#define CPU_HOT(field) \
    _Static_assert(offsetof(struct cpu, field) + sizeof(((struct cpu *)0)->field) <= CPU_HOT_SIZE, \
                   #field " must stay in the first 128 bytes of struct cpu")
CPU_HOT(r);
CPU_HOT(eip);
CPU_HOT(eflags);
CPU_HOT(cc_op);
CPU_HOT(cc_dst);
CPU_HOT(cc_src1);
CPU_HOT(cc_src2);
CPU_HOT(exit_request);
CPU_HOT(insn_eip);
CPU_HOT(budget);
CPU_HOT(icount);
CPU_HOT(cur_tb);
CPU_HOT(hflags);
CPU_HOT(a20_mask);
CPU_HOT(chain_limit);
#undef CPU_HOT
_Static_assert(offsetof(struct cpu, r) == 0, "guest registers at the CPU base");
/* IR_LDCPU reads segment selectors and bases: within 256 bytes, one disp8
 * from a base register biased by 128. */
_Static_assert(offsetof(struct cpu, seg[S_COUNT - 1].flags) < 256, "segments right after the hot area");
/* An empty return prediction: 16 zero bytes, which no backend's key matches. */
extern const uint8_t cpu_ras_none[16];
/* Forget every return prediction (struct cpu's ras). */
void cpu_ras_clear(struct cpu *cpu);

/* The TLB's base is one add away from the CPU base (imm12 on aarch64). */
#define CPU_TLB_OFF offsetof(struct cpu, tlb)
_Static_assert(offsetof(struct cpu, tlb) < 4096, "TLB near the CPU base");
_Static_assert(sizeof(struct tlb_entry) == 32 || sizeof(void *) != 8,
               "a TLB entry is 32 bytes on 64-bit hosts: index << 5");

/* Leave generated code at the next block boundary, for the run loop to look around. */
static inline void cpu_request_exit(struct cpu *cpu)
{
    cpu->exit_request = 1;
    cpu->chain_limit = 0;
}

static inline int cpu_cpl(const struct cpu *cpu)
{
    return (cpu->hflags & HF_CPL_MASK) >> HF_CPL_SHIFT;
}

/* Full EFLAGS, arithmetic flags included (cpu/flags.c). */
uint32_t cpu_get_eflags(struct cpu *cpu);
/* Set EFLAGS bits selected by mask; keeps reserved bit 1 set. */
void cpu_set_eflags(struct cpu *cpu, uint32_t value, uint32_t mask);
/* Recompute hflags after a mode-affecting change (CR0, segment load...). */
void cpu_update_hflags(struct cpu *cpu);

/*
 * Raise an exception from inside a translated block or a helper: unwinds
 * to the run loop, which delivers it.  EIP is restored from cpu->cur_op.
 */
_Noreturn void cpu_raise(struct cpu *cpu, int vector, uint32_t error, int has_error);
/* Leave the running block and redo the current instruction from its start
 * (a store into the block's own code, see translator/tbcache.c). */
_Noreturn void cpu_restart_insn(struct cpu *cpu);

static inline _Noreturn void cpu_raise_ud(struct cpu *cpu) { cpu_raise(cpu, EXC_UD, 0, 0); }
static inline _Noreturn void cpu_raise_gp(struct cpu *cpu, uint32_t err) { cpu_raise(cpu, EXC_GP, err, 1); }

#endif
