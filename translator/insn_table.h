/*
 * insn_table.h - one row per decoded instruction (enum insn_op): its name,
 * its class and the helper or monitor entry it becomes.
 *
 * The class of an instruction is decided here and nowhere else:
 * translator/decode.c copies it into struct insn (with one documented
 * exception, PUSH/POP of a segment register), and the monitor's own table
 * (monitor/helpers.c, helper_table[].cls) is checked against it, row by row,
 * by tests/unit/test_insn_table.c.  The helper ids live here, not in emu/,
 * because the translator is the one that names them in IR_CALL; emu/
 * binds each id to its function.
 */
#ifndef BT86_TRANSLATOR_INSN_TABLE_H
#define BT86_TRANSLATOR_INSN_TABLE_H

#include "translator/insn.h"

#include <stdint.h>

/* The targets of IR_CALL: helpers (innocuous) and monitor entries. */
enum helper_id {
    H_NONE,                 /* "no single helper": never called */
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

struct insn_info {
    const char *name;   /* mnemonic, as in the Intel manual */
    uint8_t cls;        /* enum insn_class */
    /*
     * The helper or monitor entry the frontend calls for it, when that is
     * one entry whose class is compatible: equal to `cls` for a monitor
     * class, innocuous otherwise.  H_NONE when it is inlined, or when it
     * takes several entries or one of another class (see `note`).
     */
    uint8_t helper;
    const char *note;   /* why a form differs from the row, or NULL */
};

extern const struct insn_info insn_table[OP_COUNT];

/* A class whose instructions the frontend hands to the monitor. */
static inline int insn_class_is_monitor(int cls)
{
    return cls >= CLS_PRIVILEGED && cls < CLS_COUNT;
}

#endif
