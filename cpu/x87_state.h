/*
 * x87_state.h - the x87 FPU's architectural state, as it lives in struct cpu.
 *
 * Registers are kept by physical number (R0-R7); ST(i) is R((top + i) & 7).
 * Only the empty/non-empty half of the tag word is kept, as the P6 does: the
 * full tags that FNSTENV/FNSAVE write are computed from the contents, and
 * FLDENV/FRSTOR keep only "empty or not" from what they load.
 */
#ifndef BT86_CPU_X87_STATE_H
#define BT86_CPU_X87_STATE_H

#include "base/f80.h"

#include <stdint.h>

struct x87_state {
    f80 r[8];         /* physical registers */
    uint16_t fcw;     /* control word */
    uint16_t fsw;     /* status word, with TOP kept in `top`, not in bits 13:11 */
    uint8_t top;      /* TOP, 0..7 */
    uint8_t empty;    /* bit i set: R(i) is empty (tag 11) */
    uint16_t fop;     /* last non-control opcode: 11 bits */
    uint16_t fcs, fds; /* selectors of the last instruction and its operand */
    uint32_t fip, fdp; /* their offsets */
    int ferr;          /* FERR# asserted (CR0.NE=0 reporting), until port F0 */
};

/* FSW bits */
#define FSW_IE 0x0001u
#define FSW_SF 0x0040u
#define FSW_ES 0x0080u
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3 0x4000u
#define FSW_B 0x8000u
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

#endif
