/*
 * x87.h - the x87 instruction layer: what the translator emits and the run
 * loop and machine call.
 *
 * The frontend (translator/frontend_x87.c) decodes each escape once, at
 * translate time, into a compact operation: an enum x87_op plus its ST(i),
 * memory format, the 11-bit opcode (for FOP) and the operand's segment, all
 * packed in one IR immediate (X87_PACK).  At run time helper_x87 only
 * switches on the op; it never looks at instruction bytes.  The arithmetic
 * itself is base/f80.h's.
 *
 *   helper_x87(cpu, a = linear address or FCMOV condition,
 *              b = X87_PACK(...), c = operand offset (FDP), next)
 */
#ifndef BT86_FPU_X87_H
#define BT86_FPU_X87_H

#include "cpu/cpu.h"
#include "cpu/x87_state.h"

#include <stdint.h>

enum x87_op {
    X87_UD,                              /* FISTTP (SSE3) and reserved encodings: #UD */
    X87_ARITH_MEM,                       /* sub = kind, fmt: ST0 = ST0 op mem */
    X87_ARITH_ST0,                       /* sub = kind: ST0 = ST0 op ST(i) */
    X87_ARITH_STI,                       /* sub = kind, pop: ST(i) = ST(i) op ST0 */
    X87_FLD_MEM, X87_FST_MEM,            /* fmt, pop */
    X87_FLD_STI, X87_FST_STI, X87_FXCH, X87_FFREE, X87_FINCSTP, X87_FDECSTP,
    X87_FLDCONST,                        /* sub = enum f80_const */
    X87_UNARY,                           /* sub = X87_U_* */
    X87_BINARY,                          /* sub = X87_B_*: ST1 and ST0, may pop */
    X87_FCOM_STI, X87_FUCOM_STI,         /* pop = 0, 1, 2 (FCOMPP) */
    X87_FCOMI, X87_FUCOMI,               /* pop */
    X87_FTST, X87_FXAM,
    X87_FCMOV,                           /* a = condition holds */
    X87_FNOP, X87_FNINIT, X87_FNCLEX, X87_FLDCW, X87_FNSTCW, X87_FNSTSW, X87_FNSTSW_AX,
    X87_FLDENV, X87_FNSTENV, X87_FRSTOR, X87_FNSAVE, X87_FXSAVE, X87_FXRSTOR,
    X87_OP_COUNT
};

/* Arithmetic kinds, in the order of the ModRM reg field of D8. */
enum { X87_K_ADD, X87_K_MUL, X87_K_COM, X87_K_COMP, X87_K_SUB, X87_K_SUBR, X87_K_DIV, X87_K_DIVR };
/* Memory formats. */
enum { X87_M32F, X87_M64F, X87_M80F, X87_M16I, X87_M32I, X87_M64I, X87_M80BCD };
enum {
    X87_U_CHS, X87_U_ABS, X87_U_SQRT, X87_U_RNDINT, X87_U_F2XM1, X87_U_SIN, X87_U_COS,
    X87_U_SINCOS, X87_U_PTAN, X87_U_XTRACT,
};
enum {
    X87_B_FYL2X, X87_B_FYL2XP1, X87_B_FPATAN, X87_B_FSCALE, X87_B_FPREM, X87_B_FPREM1,
};

/* b of helper_x87: every field is decided at translate time. */
#define X87_PACK(op, sti, fop, seg, o16, sub, fmt, pop)                                      \
    ((uint32_t)(op) | (uint32_t)(sti) << 6 | (uint32_t)(fop) << 9 | (uint32_t)(seg) << 20 |  \
     (uint32_t)(o16) << 23 | (uint32_t)(sub) << 24 | (uint32_t)(fmt) << 28 | (uint32_t)(pop) << 31)
#define X87_OP(b) ((b) & 0x3f)
#define X87_STI(b) (((b) >> 6) & 7)
#define X87_FOP(b) (((b) >> 9) & 0x7ff)
#define X87_SEG(b) (((b) >> 20) & 7)
#define X87_O16(b) (((b) >> 23) & 1)
#define X87_SUB(b) (((b) >> 24) & 0xf)
#define X87_FMT(b) (((b) >> 28) & 7)
#define X87_POP(b) ((b) >> 31)
/* FCOMPP pops twice: sub holds the count for the compare ops. */

/* Power-on (fcw 0x0040, as the SDM's table of reset states) or FNINIT (0x037F). */
void x87_reset(struct x87_state *s, int power_on);

uint32_t helper_x87(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);
/* FWAIT: #NM under TS with MP, then any pending unmasked exception. */
uint32_t helper_fwait(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next);

/* FERR# goes out through cpu->ferr, wired by the machine (IRQ 13 on a PC). */
/* A write to port F0 (the chipset's "clear FERR#"). */
void x87_clear_ferr(struct cpu *cpu);

#endif
