/*
 * helpers.h - C functions that translated code calls (IR_CALL).
 *
 * Two kinds: monitor entries, the point of bt86 (every sensitive
 * instruction lands in one, see monitor/monitor*.c), and helpers for innocuous
 * instructions too involved to inline (division, string instructions, BCD).
 * Each helper receives the CPU, three IR values and the next instruction's
 * EIP; it may raise a guest exception with cpu_raise().
 */
#ifndef BT86_MONITOR_HELPERS_H
#define BT86_MONITOR_HELPERS_H

#include "cpu/cpu.h"
#include "base/log.h"
#include "monitor/monitor.h"
#include "monitor/insn_class.h"

#include <stdint.h>

/* The targets of IR_CALL: helpers (innocuous) and monitor entries. */
enum helper_id {
    H_NONE,                 /* "no single helper": never called */
    /* innocuous, complex */
    H_DIV, H_IDIV,          /* a = divisor, b = size */
    H_ROTATE,               /* a = value, b = count, c = HOP_ROL... | size << 8 */
    H_SHLD, H_SHRD,         /* a = dst, b = src, c = count | size << 8 */
    H_BSF, H_BSR,           /* a = src, b = old dst, c = size */
    H_BCD,                  /* a = HOP_DAA..., b = immediate */
    H_CMPXCHG8B,            /* a = linear address */
    H_STRING,               /* MOVS CMPS SCAS LODS STOS: a = string_pack(), b = source segment */
    H_ENTER,                /* a = frame size, b = level, c = opsize */
    H_PUSHA, H_POPA,        /* a = opsize */
    H_BOUND,                /* a = index, b = linear address, c = size */
    H_RAISE,                /* a = vector: raise it at this instruction */
    H_SEGCHK,               /* a = offset, b = seg | size << 4 | write << 8: seg_check */
    H_UNIMPLEMENTED,        /* stop bt86: an instruction it cannot run */
    H_X87,                  /* x87 escape: a = linear address or FCMOV condition, b = X87_PACK, c = offset */
    H_FWAIT,                /* WAIT/FWAIT: #NM (TS and MP), pending x87 errors */
    H_NO_EXTENSION,         /* MMX/SSE/...: #UD, as on a CPU without them */
    H_PAUSE,                /* PAUSE: a spin-wait loop (cpu->spin_wait) */
    /* monitor: privileged */
    H_CLI, H_STI, H_HLT, H_IN, H_OUT,
    H_INS, H_OUTS,          /* as H_STRING (monitor/string_op.h) */
    H_LGDT, H_LIDT, H_LLDT, H_LTR, H_LMSW, H_CLTS, H_MOV_TO_CR, H_MOV_FROM_CR,
    H_MOV_TO_DR, H_MOV_FROM_DR, H_INVD, H_INVLPG, H_RDMSR, H_WRMSR, H_RDPMC, H_SYSEXIT,
    /* monitor: sensitive, unprivileged */
    H_SGDT, H_SIDT, H_SLDT, H_STR, H_SMSW, H_PUSHF, H_POPF, H_LAR, H_LSL, H_VERR, H_VERW,
    H_LOAD_SEG, H_JMPF, H_CALLF, H_RETF, H_INT, H_IRET, H_ARPL,
    /* monitor: virtualization-sensitive */
    H_CPUID, H_RDTSC, H_SYSENTER,
    /* monitor: hypercall */
    H_VMCALL,
    H_COUNT
};

/* The operation an H_ROTATE or H_BCD call does: the helpers' own codes, so
 * that the monitor needs none of the decoder's (the frontend maps them). */
enum helper_op {
    HOP_ROL, HOP_ROR, HOP_RCL, HOP_RCR,
    HOP_DAA, HOP_DAS, HOP_AAA, HOP_AAS, HOP_AAM, HOP_AAD
};

typedef uint32_t (*helper_fn)(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

/*
 * Guest state a helper reads or writes (helper_info.reads, .writes), so
 * that a backend keeping guest state in host registers writes back before
 * a call only what the helper reads, and reloads after it only what the
 * helper writes.  "Reads" is what it reads when it returns; an exception
 * (HE_FAULT) reads everything, see below.
 */
#define HS_EAX (1u << R_EAX)
#define HS_ECX (1u << R_ECX)
#define HS_EDX (1u << R_EDX)
#define HS_EBX (1u << R_EBX)
#define HS_ESP (1u << R_ESP)
#define HS_EBP (1u << R_EBP)
#define HS_ESI (1u << R_ESI)
#define HS_EDI (1u << R_EDI)
#define HS_GPRS 0xffu         /* all eight */
#define HS_FLAGS (1u << 8)    /* the lazy arithmetic flags: cc_op, cc_dst, cc_src1, cc_src2 */
#define HS_EFLAGS (1u << 9)   /* cpu->eflags: DF IF TF IOPL NT VM AC ID (not the six above) */
#define HS_EIP (1u << 10)
#define HS_SEGS (1u << 11)    /* cpu->seg[]: selectors and hidden parts, LDTR and TR too */
#define HS_SYS (1u << 12)     /* CRs, DRs, GDTR, IDTR, MSRs, the TSC, hflags (mode, CPL), halted, the soft TLB */
#define HS_FPU (1u << 13)     /* the x87 */
#define HS_MEM (1u << 14)     /* guest memory, through the soft MMU */
#define HS_IO (1u << 15)      /* devices: port I/O, IRQ lines */

/* What else a helper may do (helper_info.effects). */
#define HE_FAULT 1u    /* may raise a guest exception or restart the instruction: it
                          unwinds (longjmp) to the run loop, whose delivery reads the
                          whole guest state, so all of it must be in struct cpu first */
#define HE_EXIT 2u     /* may set EIP, or change what the translation of the next
                          instruction depends on (mode, CPL, segments, the memory map,
                          IF and TF): the block ends after the call */
#define HE_NORETURN 4u /* never returns (always raises, or stops bt86) */

struct helper_info {
    helper_fn fn;
    const char *name;  /* in -stats, -stats-json and -d monitor */
    int cls;           /* enum insn_class of the instructions it serves */
    uint32_t reads, writes; /* HS_* */
    uint32_t effects;       /* HE_* */
};

extern const struct helper_info helper_table[H_COUNT];

/*
 * -d monitor: call helper `id` and log the entry (arguments) and what it
 * did (result, and the changes it made to IF, IOPL, CPL, CS, CR0, CR3, CR4).
 */
uint32_t helper_call_logged(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b, uint32_t c,
                            uint32_t aux);

/* -stats: call helper `id` and add the time it took to its entry. */
uint32_t helper_call_timed(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b, uint32_t c,
                           uint32_t aux);

/*
 * The one path from translated code into a helper or the monitor, which
 * every backend takes for IR_CALL: it counts the entry for -stats, and
 * times or logs it when -stats or -d monitor ask.  Inline, so that the
 * plain case costs an increment and two predicted branches.
 */
static inline uint32_t helper_call(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b,
                                   uint32_t c, uint32_t aux)
{
    monitor_stats.helper_calls[id]++;
    if (__builtin_expect(log_mask & LOG_MONITOR, 0))
        return helper_call_logged(cpu, id, a, b, c, aux);
    if (__builtin_expect(monitor_stats.timing, 0))
        return helper_call_timed(cpu, id, a, b, c, aux);
    return helper_table[id].fn(cpu, a, b, c, aux);
}

static inline const char *helper_name(uint32_t id)
{
    return id < H_COUNT ? helper_table[id].name : "?";
}

#endif
