/*
 * ir_range.c - a value's unsigned range from the ops that computed it.
 *
 * Ranges are kept in 64 bits so that a sum past 2^32 shows: the guest's
 * 32-bit sum wraps there, and a range that wraps is no range.  A signed
 * immediate (ADDI's -4, stored as 0xfffffffc) is added as itself: modulo
 * 2^32 that is the guest's sum whenever the result lands in [0, 2^32).
 */
#include "translator/ir_range.h"

/* Deep enough for movzx; shl; add; and back through a MOV or two. */
#define MAX_DEPTH 8

static int range_of(const struct ir_block *b, const int16_t *def, int v, int at, int64_t *lo,
                    int64_t *hi, int depth);

static int in_32(int64_t lo, int64_t hi)
{
    return lo >= 0 && hi <= 0xffffffffll;
}

/* The range of the value op j writes. */
static int op_range(const struct ir_block *b, const int16_t *def, int j, int64_t *lo,
                    int64_t *hi, int depth)
{
    const struct ir_op *op = &b->ops[j];
    int64_t alo, ahi, blo, bhi;
    int ka, kb;
    switch (op->opc) {
    case IR_MOVI:
        *lo = *hi = op->imm;
        return 1;
    case IR_MOV:
        return range_of(b, def, op->a, j, lo, hi, depth);
    case IR_EXT8U:
    case IR_LD8:
    case IR_HI8:
        *lo = 0, *hi = 0xff;
        return 1;
    case IR_EXT16U:
    case IR_LD16:
        *lo = 0, *hi = 0xffff;
        return 1;
    case IR_ANDI:
        *lo = 0, *hi = op->imm;
        if (range_of(b, def, op->a, j, &alo, &ahi, depth) && ahi < *hi)
            *hi = ahi;
        return 1;
    case IR_AND:
        ka = range_of(b, def, op->a, j, &alo, &ahi, depth);
        kb = range_of(b, def, op->b, j, &blo, &bhi, depth);
        if (!ka && !kb)
            return 0;
        *lo = 0;
        *hi = !kb || (ka && ahi < bhi) ? ahi : bhi;
        return 1;
    case IR_SHR:
        if (!range_of(b, def, op->b, j, &blo, &bhi, depth) || blo != bhi)
            return 0;
        if (!range_of(b, def, op->a, j, &alo, &ahi, depth))
            alo = 0, ahi = 0xffffffffll;
        *lo = alo >> (blo & 31);
        *hi = ahi >> (blo & 31);
        return 1;
    case IR_ADDI:
        if (!range_of(b, def, op->a, j, &alo, &ahi, depth))
            return 0;
        *lo = alo + (int32_t)op->imm;
        *hi = ahi + (int32_t)op->imm;
        return in_32(*lo, *hi);
    case IR_ADD:
        if (!range_of(b, def, op->a, j, &alo, &ahi, depth) ||
            !range_of(b, def, op->b, j, &blo, &bhi, depth))
            return 0;
        *lo = alo + blo;
        *hi = ahi + bhi;
        return in_32(*lo, *hi);
    case IR_IDX:
    case IR_LEA:
        if (!range_of(b, def, op->b, j, &blo, &bhi, depth))
            return 0;
        *lo = (blo << (op->imm & 31)) + (int32_t)op->aux;
        *hi = (bhi << (op->imm & 31)) + (int32_t)op->aux;
        if (op->opc == IR_LEA) {
            if (!range_of(b, def, op->a, j, &alo, &ahi, depth))
                return 0;
            *lo += alo;
            *hi += ahi;
        }
        return in_32(*lo, *hi);
    default:
        return 0;
    }
}

static int range_of(const struct ir_block *b, const int16_t *def, int v, int at, int64_t *lo,
                    int64_t *hi, int depth)
{
    if (++depth > MAX_DEPTH)
        return 0;
    if (v >= V_TEMP0)
        return def[v] >= 0 && def[v] < at && op_range(b, def, def[v], lo, hi, depth);
    /* A guest register: its last write before `at`, if a helper (which
     * may write any register) did not come after it. */
    for (int k = at - 1; k >= 0; k--) {
        const struct ir_op *op = &b->ops[k];
        if (ir_op_info[op->opc].flags & IRF_CALL)
            return 0;
        if (ir_op_writes_d(op->opc) && op->d == v)
            return op_range(b, def, k, lo, hi, depth);
    }
    return 0;
}

int ir_value_range(const struct ir_block *b, const int16_t *def, int v, int at, uint32_t *lo,
                   uint32_t *hi)
{
    int64_t l, h;
    if (!range_of(b, def, v, at, &l, &h, 0) || !in_32(l, h) || l > h)
        return 0;
    *lo = (uint32_t)l;
    *hi = (uint32_t)h;
    return 1;
}
