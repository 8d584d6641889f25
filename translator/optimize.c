/*
 * optimize.c - a forward pass of peepholes, then one backward liveness
 * pass over a block.
 *
 * The forward pass (simplify) turns a zero extension of a value already
 * zero-extended (a byte load, say, then MOVZX) into a copy, and renames
 * the reads of a temporary that only copies another (each written once)
 * to that other, so that the copy dies; or that copies a guest register,
 * up to that register's next write (or a call, which may change it).
 *
 * The backward pass drops (1) flag computations that a later instruction overwrites before
 * anything reads them, and (2) pure ops whose temporary nobody reads,
 * a compare's subtraction among them (the lazy flags of a SUB store no
 * result).
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
#include "cpu/flags.h"

#include <string.h>

static void mark_read(uint8_t *live, uint16_t v)
{
    live[v] = 1;
}

/* Bits above which value v is known to be zero: 8, 16 or 32. */
static int zx_width(const struct ir_op *def)
{
    switch (def->opc) {
    case IR_LD8: case IR_EXT8U: case IR_HI8: case IR_SETEQ: case IR_GETCC: case IR_TESTCC:
        return 8;
    case IR_LD16: case IR_EXT16U:
        return 16;
    case IR_ANDI:
        return def->imm <= 0xff ? 8 : def->imm <= 0xffff ? 16 : 32;
    case IR_MOVI:
        return def->imm <= 0xff ? 8 : def->imm <= 0xffff ? 16 : 32;
    default:
        return 32;
    }
}

/* What the pass knew of the guest registers' values: nothing now. */
static void forget_gregs(uint16_t *copy_of, uint8_t *width, uint32_t nvals)
{
    for (uint32_t t = V_TEMP0; t < nvals; t++)
        if (copy_of[t] < V_TEMP0)
            copy_of[t] = (uint16_t)t;
    for (int g = 0; g < V_TEMP0; g++)
        width[g] = 32;
}

static void simplify(struct ir_block *b)
{
    static uint16_t ndef[8 + CPU_NTEMPS], copy_of[8 + CPU_NTEMPS];
    static uint8_t width[8 + CPU_NTEMPS];
    uint32_t nvals = V_TEMP0 + b->ntemps;
    if (nvals > 8 + CPU_NTEMPS)
        nvals = 8 + CPU_NTEMPS;
    memset(ndef, 0, nvals * sizeof(ndef[0]));
    for (int i = 0; i < b->nops; i++)
        if (ir_op_writes_d(b->ops[i].opc) && b->ops[i].d < nvals)
            ndef[b->ops[i].d]++;
    for (uint32_t v = 0; v < nvals; v++) {
        copy_of[v] = (uint16_t)v;
        width[v] = 32;
    }
    for (int i = 0; i < b->nops; i++) {
        struct ir_op *op = &b->ops[i];
        int opc = op->opc;
        if (opc == IR_NOP)
            continue;
        /* reads first, renamed to what they copy */
        unsigned reads = ir_op_info[opc].reads;
        if ((reads & IRR_D) && op->d < nvals)
            op->d = copy_of[op->d];
        if ((reads & IRR_A) && op->a < nvals)
            op->a = copy_of[op->a];
        if ((reads & IRR_B) && op->b < nvals)
            op->b = copy_of[op->b];
        if (((reads & IRR_C) || ((opc == IR_SETCC || opc == IR_SETFL) && op->aux)) && op->c < nvals)
            op->c = copy_of[op->c];
        /* LOGIC flags come from the result alone (cpu/flags.h): operands
         * the SETCC would keep alive to store are not needed */
        if (opc == IR_SETCC && CC_BASE(op->imm & CC_KIND_MASK) == CCB_LOGIC)
            op->a = op->b = op->d;
        /* nor a SUB's from its result (src1 - src2, cpu/flags.h): a fused
         * compare names none, so that a CMP is no subtraction */
        if ((opc == IR_TESTCC || opc == IR_CCFLAGS) && op->aux < CC_EFLAGS &&
            CC_BASE(op->aux) == CCB_SUB)
            op->a = op->b;
        /* A call may change any guest register (and a copy of one would
         * then differ from it). */
        if (ir_op_info[opc].flags & (IRF_CALL | IRF_WRITES_CPU))
            forget_gregs(copy_of, width, nvals);
        if (!ir_op_writes_d(opc) || op->d >= nvals)
            continue;
        if (op->d < V_TEMP0) {
            /* a guest register: its own width from here on, and the
             * copies of its old value read their temporary again */
            for (uint32_t t = V_TEMP0; t < nvals; t++)
                if (copy_of[t] == op->d)
                    copy_of[t] = (uint16_t)t;
            width[op->d] = opc == IR_MOV && op->a < nvals ? width[op->a] : (uint8_t)zx_width(op);
            continue;
        }
        /* a temporary written once, from one written once: never changes */
        int once = ndef[op->d] == 1;
        if ((opc == IR_EXT8U && op->a < nvals && width[op->a] <= 8) ||
            (opc == IR_EXT16U && op->a < nvals && width[op->a] <= 16)) {
            op->opc = IR_MOV;
            opc = IR_MOV;
        }
        if (opc == IR_MOV && once && op->a < nvals && (op->a < V_TEMP0 || ndef[op->a] == 1)) {
            /* (of a guest register, until its next write) */
            copy_of[op->d] = op->a;
            width[op->d] = width[op->a];
            continue;
        }
        width[op->d] = once ? (uint8_t)zx_width(op) : 32;
    }
}

void ir_optimize(struct ir_block *b)
{
    static uint8_t live[8 + CPU_NTEMPS];
    simplify(b);
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
            /* a SUB's result no one else reads: the SETCC needs it not
             * (cpu/flags.h), so the subtraction may die */
            if (opc == IR_SETCC && !op->aux && CC_BASE(op->imm & CC_KIND_MASK) == CCB_SUB &&
                op->imm < CC_EFLAGS && op->d >= V_TEMP0 && op->d < 8 + CPU_NTEMPS && !live[op->d])
                op->d = op->a;
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
