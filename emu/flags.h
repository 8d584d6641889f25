/*
 * flags.h - lazy evaluation of the arithmetic flags.
 *
 * The last flag-setting operation records its kind (cc_op) and operands;
 * flags are computed only when read.  A kind is CC_<op><size> where the
 * size index is 0, 1, 2 for 8, 16, 32 bits.
 *
 *   kind   dst       src1                  src2
 *   ADD    result    first operand         second operand
 *   ADC    result    first operand         second operand (carry-in is
 *                                           recovered as dst-src1-src2)
 *   SUB    result    minuend               subtrahend (CMP, NEG: 0-x)
 *   SBB    result    minuend               subtrahend
 *   LOGIC  result    -                     -
 *   INC    result    operand               EFLAGS before (for CF)
 *   DEC    result    operand               EFLAGS before (for CF)
 *   SHL    result    operand               count (1..31)
 *   SHR    result    operand               count (1..31)
 *   SAR    result    operand               count (1..31)
 *   MUL    low half  high half != 0        -
 *   IMUL   low half  result overflowed     -
 *   ROL    result    -                     EFLAGS before (all but CF, OF)
 *   ROR    result    -                     EFLAGS before (all but CF, OF)
 *   ROLK   result    -                     EFLAGS before (all but CF): by an
 *   RORK                                   immediate count > 1, OF is kept
 *   EFLAGS -         the six flags as bits -
 */
#ifndef BT86_EMU_FLAGS_H
#define BT86_EMU_FLAGS_H

#include "emu/cpu.h"

#include <stdint.h>

enum cc_base {
    CCB_ADD, CCB_ADC, CCB_SUB, CCB_SBB, CCB_LOGIC, CCB_INC, CCB_DEC,
    CCB_SHL, CCB_SHR, CCB_SAR, CCB_MUL, CCB_IMUL, CCB_ROL, CCB_ROR, CCB_ROLK, CCB_RORK, CCB_COUNT
};
#define CC_KIND(base, sizeidx) ((base) * 3 + (sizeidx))
#define CC_EFLAGS (CCB_COUNT * 3)
#define CC_BASE(kind) ((kind) / 3)
#define CC_SIZEIDX(kind) ((kind) % 3)

static inline int size_index(int bytes)
{
    return bytes == 1 ? 0 : bytes == 2 ? 1 : 2;
}

/* Condition codes in the encoding of Jcc's low nibble. */
enum {
    CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
    CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G
};

/* The six arithmetic flags of an operation, as EFLAGS bits. */
uint32_t cc_compute(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2);
/* Whether condition `cond` holds after an operation of `kind`. */
int cc_test(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2, int cond);
/* Same, reading the CPU's lazy state. */
int cpu_cond(struct cpu *cpu, int cond);
/* CF alone (for INC/DEC, ADC/SBB carry-in, RCL/RCR...). */
uint32_t cpu_get_cf(struct cpu *cpu);
/* Materialize the flags: afterwards cc_op is CC_EFLAGS. */
void cpu_flags_materialize(struct cpu *cpu);

#endif
