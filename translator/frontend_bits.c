/*
 * frontend_bits.c - shifts, rotates, multiply/divide and bit instructions.
 */
#include "translator/frontend_priv.h"

/* Shift count operand (o[1]): immediate, CL, or the implicit 1. */
static uint16_t shift_count(struct fctx *c, int i, int *is_imm, uint32_t *imm)
{
    const struct operand *o = &c->in->o[i];
    if (c->in->nops <= i) {
        *is_imm = 1;
        *imm = 1;
        return f_movi(c, 1);
    }
    if (o->kind == OPK_IMM) {
        *is_imm = 1;
        *imm = o->imm & 31;
        return f_movi(c, *imm);
    }
    *is_imm = 0;
    return f_opi(c, IR_ANDI, R_ECX, 31);
}

static void shift(struct fctx *c, int op)
{
    int size = c->in->opsize, is_imm;
    uint32_t imm = 0;
    uint16_t addr = NONE_V;
    uint16_t a = f_read(c, 0, size, &addr);
    uint16_t cnt = shift_count(c, 1, &is_imm, &imm);
    if (is_imm && imm == 0)
        return; /* no change, not even to the flags */
    uint16_t r;
    int base;
    if (op == OP_SHL) {
        r = f_op(c, IR_SHL, a, cnt);
        base = CCB_SHL;
    } else if (op == OP_SHR) {
        r = f_op(c, IR_SHR, a, cnt);
        base = CCB_SHR;
    } else if (op == OP_SAR) {
        uint16_t s = size == 4 ? a : f_op(c, size == 2 ? IR_EXT16S : IR_EXT8S, a, 0);
        r = f_op(c, IR_SAR, s, cnt);
        base = CCB_SAR;
    } else if (size == 4) { /* ROL, ROR */
        r = f_op(c, op == OP_ROL ? IR_ROL : IR_ROR, a, cnt);
        base = op == OP_ROL ? CCB_ROL : CCB_ROR;
    } else {
        r = f_call(c, H_ROTATE, a, cnt, f_movi(c, helper_op_of(op) | size << 8));
        base = op == OP_ROL ? CCB_ROL : CCB_ROR;
    }
    f_write(c, 0, size, r, addr);
    if (base == CCB_ROL || base == CCB_ROR) {
        /* CF and OF only; Intel keeps OF for register rotates by an immediate other than 1. */
        uint32_t mask = F_CF | F_OF;
        if (is_imm && imm != 1 && c->in->o[1].kind == OPK_IMM && c->in->o[0].kind == OPK_REG)
            mask = F_CF;
        uint16_t fl = f_temp(c);
        ir_emit(c->b, IR_CCFLAGS, fl, r, a, cnt, 0, CC_KIND(base, size_index(size)));
        f_setfl(c, fl, mask, is_imm ? NONE_V : cnt);
    } else if (is_imm) {
        f_setcc(c, base, size, r, a, cnt);
    } else {
        ir_emit(c->b, IR_SETCC, r, a, cnt, cnt, CC_KIND(base, size_index(size)), 1);
        c->lastcc.valid = 0;
    }
}

static void rotate_through_carry(struct fctx *c, int op)
{
    int size = c->in->opsize, is_imm;
    uint32_t imm = 0;
    uint16_t addr = NONE_V;
    uint16_t a = f_read(c, 0, size, &addr);
    uint16_t cnt = shift_count(c, 1, &is_imm, &imm);
    uint16_t r = f_call(c, H_ROTATE, a, cnt, f_movi(c, helper_op_of(op) | size << 8));
    f_write(c, 0, size, r, addr);
    /* Flags only once the store has succeeded. */
    f_call(c, H_ROTATE, a, cnt, f_movi(c, helper_op_of(op) | size << 8 | 1 << 16));
}

static void double_shift(struct fctx *c, int op)
{
    int size = c->in->opsize, is_imm;
    uint32_t imm = 0;
    uint16_t addr = NONE_V;
    uint16_t a = f_read(c, 0, size, &addr);
    uint16_t b = f_read(c, 1, size, NULL);
    uint16_t cnt = shift_count(c, 2, &is_imm, &imm);
    int h = op == OP_SHLD ? H_SHLD : H_SHRD;
    uint16_t cs = f_op(c, IR_OR, cnt, f_movi(c, size << 8));
    uint16_t r = f_call(c, h, a, b, cs);
    f_write(c, 0, size, r, addr);
    f_call(c, h, a, b, f_op(c, IR_OR, cs, f_movi(c, 1 << 16)));
}

static void mul1(struct fctx *c, int is_signed)
{
    int size = c->in->opsize;
    uint16_t src = f_read(c, 0, size, NULL);
    uint16_t lo, hi, ov;
    if (size == 4) {
        lo = f_op(c, IR_MUL, R_EAX, src);
        hi = f_op(c, is_signed ? IR_MULHS : IR_MULHU, R_EAX, src);
        ov = is_signed ? f_op(c, IR_SUB, hi, f_op(c, IR_SAR, lo, f_movi(c, 31))) : hi;
        f_set_reg(c, R_EAX, 4, lo);
        f_set_reg(c, R_EDX, 4, hi);
    } else {
        int ext = is_signed ? (size == 2 ? IR_EXT16S : IR_EXT8S) : (size == 2 ? IR_EXT16U : IR_EXT8U);
        uint16_t a = f_op(c, ext, R_EAX, 0);
        uint16_t s = is_signed ? f_op(c, ext, src, 0) : src;
        lo = f_op(c, IR_MUL, a, s);
        if (size == 2) {
            hi = f_op(c, IR_SHR, lo, f_movi(c, 16));
            f_set_reg(c, R_EAX, 2, lo);
            f_set_reg(c, R_EDX, 2, hi);
        } else {
            hi = f_op(c, IR_SHR, lo, f_movi(c, 8));
            f_set_reg(c, R_EAX, 2, lo);
        }
        if (is_signed)
            ov = f_op(c, IR_SUB, lo, f_op(c, ext, lo, 0));
        else
            ov = f_opi(c, IR_ANDI, hi, size == 2 ? 0xffff : 0xff);
    }
    f_setcc(c, is_signed ? CCB_IMUL : CCB_MUL, size, lo, ov, 0);
}

static void imul_n(struct fctx *c)
{
    const struct insn *in = c->in;
    int size = in->opsize;
    uint16_t a, b;
    if (in->nops == 3) {
        a = f_read(c, 1, size, NULL);
        b = f_read(c, 2, size, NULL);
    } else {
        a = f_read(c, 0, size, NULL);
        b = f_read(c, 1, size, NULL);
    }
    uint16_t lo, ov;
    if (size == 4) {
        lo = f_op(c, IR_MUL, a, b);
        uint16_t hi = f_op(c, IR_MULHS, a, b);
        ov = f_op(c, IR_SUB, hi, f_op(c, IR_SAR, lo, f_movi(c, 31)));
    } else {
        lo = f_op(c, IR_MUL, f_op(c, IR_EXT16S, a, 0), f_op(c, IR_EXT16S, b, 0));
        ov = f_op(c, IR_SUB, lo, f_op(c, IR_EXT16S, lo, 0));
    }
    f_set_reg(c, in->o[0].reg, size, lo);
    f_setcc(c, CCB_IMUL, size, lo, ov, 0);
}

static void bit_test(struct fctx *c, int op)
{
    const struct insn *in = c->in;
    int size = in->opsize;
    int bits_log = size == 2 ? 4 : 5;
    uint16_t bit, val, addr = NONE_V;
    if (in->o[1].kind == OPK_IMM) {
        bit = f_movi(c, in->o[1].imm & ((1u << bits_log) - 1));
        val = f_read(c, 0, size, &addr);
    } else {
        uint16_t off = f_reg(c, in->o[1].reg, size);
        if (in->o[0].kind == OPK_MEM) {
            /* The bit offset is signed and may reach outside the operand. */
            uint16_t soff = size == 2 ? f_op(c, IR_EXT16S, off, 0) : off;
            uint16_t words = f_op(c, IR_SAR, soff, f_movi(c, bits_log));
            uint16_t bytes = f_op(c, IR_SHL, words, f_movi(c, size == 2 ? 1 : 2));
            addr = f_op(c, IR_ADD, f_ea_check(c, &in->o[0], size, 0), bytes);
            val = f_ld(c, addr, size);
        } else {
            val = f_reg(c, in->o[0].reg, size);
        }
        bit = f_opi(c, IR_ANDI, off, (1u << bits_log) - 1);
    }
    uint16_t cf = f_opi(c, IR_ANDI, f_op(c, IR_SHR, val, bit), 1);
    if (op != OP_BT) {
        uint16_t mask = f_op(c, IR_SHL, f_movi(c, 1), bit);
        uint16_t nv = op == OP_BTS ? f_op(c, IR_OR, val, mask)
                    : op == OP_BTR ? f_op(c, IR_AND, val, f_op(c, IR_NOT, mask, 0))
                                   : f_op(c, IR_XOR, val, mask);
        f_write(c, 0, size, nv, addr);
    }
    f_setfl(c, cf, F_CF, NONE_V);
}

int f_bits(struct fctx *c)
{
    const struct insn *in = c->in;
    switch (in->op) {
    case OP_SHL: case OP_SHR: case OP_SAR: case OP_ROL: case OP_ROR:
        shift(c, in->op);
        return 1;
    case OP_RCL: case OP_RCR:
        rotate_through_carry(c, in->op);
        return 1;
    case OP_SHLD: case OP_SHRD:
        double_shift(c, in->op);
        return 1;
    case OP_MUL:
        mul1(c, 0);
        return 1;
    case OP_IMUL:
        if (in->nops == 1)
            mul1(c, 1);
        else
            imul_n(c);
        return 1;
    case OP_DIV: case OP_IDIV: {
        uint16_t src = f_read(c, 0, in->opsize, NULL);
        f_call(c, in->op == OP_DIV ? H_DIV : H_IDIV, src, f_movi(c, in->opsize), 0);
        return 1;
    }
    case OP_BT: case OP_BTS: case OP_BTR: case OP_BTC:
        bit_test(c, in->op);
        return 1;
    case OP_BSF: case OP_BSR: {
        int size = in->opsize;
        uint16_t src = f_read(c, 1, size, NULL);
        uint16_t old = f_reg(c, in->o[0].reg, size);
        uint16_t r = f_call(c, in->op == OP_BSF ? H_BSF : H_BSR, src, old, f_movi(c, size));
        f_set_reg(c, in->o[0].reg, size, r);
        return 1;
    }
    default:
        return 0;
    }
}
