/*
 * frontend.h - x86 -> IR.
 */
#ifndef BT86_TRANSLATOR_FRONTEND_H
#define BT86_TRANSLATOR_FRONTEND_H

#include "cpu/cpu.h"
#include "translator/insn.h"
#include "translator/ir.h"

/*
 * Translate the block starting at linear address `pc` (EIP `eip`) in mode
 * `hflags` into `b`; the decoded instructions are left in insns[] (at
 * least IR_MAX_INSNS entries).  Raises a guest exception (#PF, #GP) if the
 * first instruction cannot be fetched.  Returns the physical address of
 * the last byte of guest code, for SMC page tracking.
 */
uint32_t frontend_translate(struct cpu *cpu, uint32_t eip, uint32_t cs_base, uint32_t hflags,
                            struct ir_block *b, struct insn *insns);

#endif
