/*
 * optimize.c - one backward liveness pass over a block.
 *
 * Drops (1) flag computations that a later instruction overwrites before
 * anything reads them, and (2) pure ops whose temporary nobody reads.
 * Flags are treated as read by anything that can leave the block early or
 * hand control to C: exits, helper calls, loads and stores (which may
 * fault).  So the flags an exception handler sees are always exact, and
 * only runs of register-only arithmetic lose their dead flag work.
 *
 * Flag liveness is kept per flag (a mask of EFLAGS bits), because some
 * writes are partial (IR_SETFL: CLC, BT, SAHF, rotates): such a write kills
 * only its own flags, and an earlier computation stays live as long as a
 * flag it alone supplies may still be read.
 */
#include "translator/ir.h"

#include <string.h>

static void mark_read(uint8_t *live, uint16_t v)
{
    live[v] = 1;
}

void ir_optimize(struct ir_block *b)
{
    static uint8_t live[8 + CPU_NTEMPS];
    memset(live, 0, sizeof(live));
    memset(live, 1, 8); /* guest registers are live out of the block */
    uint32_t flags_live = F_ARITH;

    for (int i = b->nops - 1; i >= 0; i--) {
        struct ir_op *op = &b->ops[i];
        int opc = op->opc;
        if (opc == IR_NOP)
            continue;
        uint32_t written = ir_flags_written(op);
        if (written) {
            if (!(flags_live & written)) {
                op->opc = IR_NOP;
                continue;
            }
            flags_live &= ~ir_flags_killed(op);
        } else if (ir_op_info[opc].flags & IRF_SIDE_EFFECTS) {
            flags_live = F_ARITH;
        }
        if (ir_op_writes_d(opc)) {
            if (!live[op->d] && !ir_op_has_side_effects(opc)) {
                op->opc = IR_NOP; /* a dead GETCC reads no flags either */
                continue;
            }
            if (op->d >= V_TEMP0)
                live[op->d] = 0;
            else
                live[op->d] = 1; /* registers stay live: conservative */
        }
        flags_live |= ir_flags_read(op);
        unsigned reads = ir_op_info[opc].reads;
        if (reads & IRR_D)
            mark_read(live, op->d);
        if (reads & IRR_A)
            mark_read(live, op->a);
        if (reads & IRR_B)
            mark_read(live, op->b);
        if ((reads & IRR_C) || ((opc == IR_SETCC || opc == IR_SETFL) && op->aux))
            mark_read(live, op->c);
    }
}
