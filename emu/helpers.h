/*
 * helpers.h - C functions that translated code calls (IR_CALL).
 *
 * Two kinds: monitor entries, the point of bt86 (every sensitive
 * instruction lands in one, see emu/monitor*.c), and helpers for innocuous
 * instructions too involved to inline (division, string instructions, BCD).
 * Each helper receives the CPU, three IR values and the next instruction's
 * EIP; it may raise a guest exception with cpu_raise().
 */
#ifndef BT86_EMU_HELPERS_H
#define BT86_EMU_HELPERS_H

#include "emu/cpu.h"
#include "emu/log.h"
#include "emu/monitor.h"

#include <stdint.h>

typedef uint32_t (*helper_fn)(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

enum helper_id {
    /* innocuous, complex */
    H_DIV, H_IDIV,          /* a = divisor, b = size */
    H_ROTATE,               /* a = value, b = count, c = op | size << 8 */
    H_SHLD, H_SHRD,         /* a = dst, b = src, c = count | size << 8 */
    H_BSF, H_BSR,           /* a = src, b = old dst, c = size */
    H_BCD,                  /* a = op (OP_DAA...), b = immediate */
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
    /* monitor: privileged */
    H_CLI, H_STI, H_HLT, H_IN, H_OUT,
    H_INS, H_OUTS,          /* as H_STRING (emu/string_op.h) */
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

struct helper_info {
    helper_fn fn;
    const char *name;
    int cls; /* enum insn_class of the instruction it serves */
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
