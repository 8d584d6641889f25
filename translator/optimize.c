/*
 * optimize.c - one backward liveness pass over a block.
 *
 * Drops (1) flag computations that a later instruction overwrites before
 * anything reads them, and (2) pure ops whose temporary nobody reads.
 * Flags are treated as read by anything that can leave the block early or
 * hand control to C: exits, helper calls, loads and stores (which may
 * fault).  So the flags an exception handler sees are always exact, and
 * only runs of register-only arithmetic lose their dead flag work.
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
    int flags_live = 1;

    for (int i = b->nops - 1; i >= 0; i--) {
        struct ir_op *op = &b->ops[i];
        int opc = op->opc;
        if (opc == IR_NOP)
            continue;
        if (opc == IR_SETCC) {
            if (!flags_live) {
                op->opc = IR_NOP;
                continue;
            }
            /* A conditional update keeps the old flags live. */
            if (!op->aux)
                flags_live = 0;
        } else if (ir_op_info[opc].flags & (IRF_READS_FLAGS | IRF_SIDE_EFFECTS)) {
            flags_live = 1;
        }
        if (ir_op_writes_d(opc)) {
            if (!live[op->d] && !ir_op_has_side_effects(opc)) {
                op->opc = IR_NOP;
                continue;
            }
            if (op->d >= V_TEMP0)
                live[op->d] = 0;
            else
                live[op->d] = 1; /* registers stay live: conservative */
        }
        unsigned reads = ir_op_info[opc].reads;
        if (reads & IRR_D)
            mark_read(live, op->d);
        if (reads & IRR_A)
            mark_read(live, op->a);
        if (reads & IRR_B)
            mark_read(live, op->b);
        if ((reads & IRR_C) || (opc == IR_SETCC && op->aux))
            mark_read(live, op->c);
    }
}
