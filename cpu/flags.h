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
 *   SUB    -         minuend               subtrahend (CMP, NEG: 0-x)
 *   SBB    result    minuend               subtrahend
 *   LOGIC  result    -                     -
 *   INC    result    operand               CF before (0 or 1)
 *   DEC    result    operand               CF before (0 or 1)
 *   SHL    result    operand               count (1..31)
 *   SHR    result    operand               count (1..31)
 *   SAR    result    operand               count (1..31)
 *   MUL    low half  high half != 0        -
 *   IMUL   low half  result overflowed     -
 *   ROL    result    operand               -      (CF and OF only: never
 *   ROR    result    operand               -       a state, see below)
 *   EFLAGS -         the six flags as bits -
 *
 * Flag groups.  An instruction that writes some flags and keeps the others
 * (CLC/STC/CMC, BT*, SAHF, ROL/ROR, RCL/RCR) does not compute the old ones:
 * it puts its flags in cc_fix and ORs their mask into cc_op above
 * CC_OVR_SHIFT.  A flag named in that mask is read from cc_fix, every other
 * one from the kind and operands, which stay as they were; the next full
 * write (a new kind) clears the mask.  So CLC after CMP is two stores, and
 * a native backend can keep cc_fix in a host register.  INC/DEC keep CF by
 * extracting it alone (cpu_cond(CC_B), cheap for every kind) into src2.
 *
 * A SUB's result is src1 - src2, so nothing stores it (cc_dst holds
 * anything) and a compare whose result no one else needs is no
 * subtraction in a backend: the readers here compute it.  Likewise every
 * "-" above holds anything: no reader looks there, so a backend need not
 * store it (cc_stores_src1/2 below).
 */
#ifndef BT86_CPU_FLAGS_H
#define BT86_CPU_FLAGS_H

#include "cpu/cpu.h"

#include <stdint.h>

enum cc_base {
    CCB_ADD, CCB_ADC, CCB_SUB, CCB_SBB, CCB_LOGIC, CCB_INC, CCB_DEC,
    CCB_SHL, CCB_SHR, CCB_SAR, CCB_MUL, CCB_IMUL, CCB_ROL, CCB_ROR, CCB_COUNT
};
#define CC_KIND(base, sizeidx) ((base) * 3 + (sizeidx))
#define CC_EFLAGS (CCB_COUNT * 3)
#define CC_BASE(kind) ((kind) / 3)
#define CC_SIZEIDX(kind) ((kind) % 3)
/* cc_op = kind | mask of the flags taken from cc_fix << CC_OVR_SHIFT */
#define CC_OVR_SHIFT 16
#define CC_KIND_MASK 0xffffu

static inline int size_index(int bytes)
{
    return bytes == 1 ? 0 : bytes == 2 ? 1 : 2;
}

/* Whether any reader of a state of `kind` looks at src1 or src2 (the
 * table above): a LOGIC state is its result alone, so TEST + Jcc at a block
 * end stores two words instead of four. */
static inline int cc_stores_src1(uint32_t kind)
{
    return CC_BASE(kind) != CCB_LOGIC;
}

static inline int cc_stores_src2(uint32_t kind)
{
    switch (CC_BASE(kind)) {
    case CCB_LOGIC: case CCB_MUL: case CCB_IMUL: case CCB_ROL: case CCB_ROR: case CCB_COUNT:
        return 0;
    default:
        return 1;
    }
}

/* Condition codes in the encoding of Jcc's low nibble. */
enum {
    CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
    CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G
};

/* The six arithmetic flags of an operation, as EFLAGS bits. */
uint32_t cc_compute(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2);
/* CF alone (F_CF or 0), without computing the other five. */
uint32_t cc_carry(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2);
/* Whether condition `cond` holds after an operation of `kind`. */
int cc_test(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2, int cond);
/* Same, reading the CPU's lazy state. */
int cpu_cond(struct cpu *cpu, int cond);
/* CF alone (for INC/DEC, ADC/SBB carry-in, RCL/RCR...). */
uint32_t cpu_get_cf(struct cpu *cpu);
/* The six arithmetic flags of the CPU's lazy state. */
uint32_t cpu_arith_flags(struct cpu *cpu);
/* Set the arithmetic flags in `mask` to those of `value`, keeping the rest lazy. */
void cpu_set_arith_flags(struct cpu *cpu, uint32_t value, uint32_t mask);
/* Materialize the flags: afterwards cc_op is CC_EFLAGS. */
void cpu_flags_materialize(struct cpu *cpu);

#endif
