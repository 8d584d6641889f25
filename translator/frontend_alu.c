/*
 * frontend_alu.c - ALU, data movement and flag instructions -> IR.
 */
#include "translator/frontend_priv.h"

static int lock_ok(const struct insn *in)
{
    switch (in->op) {
    case OP_ADD: case OP_ADC: case OP_AND: case OP_BTC: case OP_BTR: case OP_BTS:
    case OP_CMPXCHG: case OP_CMPXCHG8B: case OP_DEC: case OP_INC: case OP_NEG: case OP_NOT:
    case OP_OR: case OP_SBB: case OP_SUB: case OP_XOR: case OP_XADD: case OP_XCHG:
        return in->nops > 0 && in->o[0].kind == OPK_MEM;
    default:
        return 0;
    }
}

static void alu_binary(struct fctx *c, int op)
{
    int size = c->in->opsize;
    uint16_t addr = NONE_V;
    uint16_t a = f_read(c, 0, size, &addr);
    uint16_t b = f_read(c, 1, size, NULL);
    uint16_t r, cf;
    int base;
    switch (op) {
    case OP_ADD: r = f_op(c, IR_ADD, a, b); base = CCB_ADD; break;
    case OP_ADC:
        cf = f_cond(c, CC_B);
        r = f_op(c, IR_ADD, f_op(c, IR_ADD, a, b), cf);
        base = CCB_ADC;
        break;
    case OP_SUB: case OP_CMP: r = f_op(c, IR_SUB, a, b); base = CCB_SUB; break;
    case OP_SBB:
        cf = f_cond(c, CC_B);
        r = f_op(c, IR_SUB, f_op(c, IR_SUB, a, b), cf);
        base = CCB_SBB;
        break;
    /* test eax, eax: the value is its own AND (and OR), no op to compute */
    case OP_AND: case OP_TEST: r = a == b ? a : f_op(c, IR_AND, a, b); base = CCB_LOGIC; break;
    case OP_OR: r = a == b ? a : f_op(c, IR_OR, a, b); base = CCB_LOGIC; break;
    default: r = f_op(c, IR_XOR, a, b); base = CCB_LOGIC; break;
    }
    if (op != OP_CMP && op != OP_TEST)
        f_write(c, 0, size, r, addr);
    f_setcc(c, base, size, r, a, b);
}

static void alu_unary(struct fctx *c, int op)
{
    int size = c->in->opsize;
    uint16_t addr = NONE_V;
    uint16_t a = f_read(c, 0, size, &addr);
    uint16_t r, old;
    switch (op) {
    case OP_INC: case OP_DEC:
        r = f_opi(c, IR_ADDI, a, op == OP_INC ? 1 : 0xffffffffu);
        /* CF alone (the other five are the op's); after INC/DEC it is at hand. */
        if (c->lastcc.valid && (CC_BASE(c->lastcc.kind) == CCB_INC ||
                                CC_BASE(c->lastcc.kind) == CCB_DEC))
            old = c->lastcc.src2;
        else
            old = f_cond(c, CC_B);
        f_write(c, 0, size, r, addr);
        f_setcc(c, op == OP_INC ? CCB_INC : CCB_DEC, size, r, a, old);
        break;
    case OP_NEG:
        r = f_op(c, IR_NEG, a, 0);
        f_write(c, 0, size, r, addr);
        f_setcc(c, CCB_SUB, size, r, f_movi(c, 0), a);
        break;
    default:
        r = f_op(c, IR_NOT, a, 0);
        f_write(c, 0, size, r, addr);
        break;
    }
}

static void df_edit(struct fctx *c, int set)
{
    uint16_t f = f_temp(c);
    ir_emit(c->b, IR_LDCPU, f, 0, 0, 0, CPU_OFF(eflags), 0);
    f = set ? f_op(c, IR_OR, f, f_movi(c, F_DF)) : f_opi(c, IR_ANDI, f, ~F_DF);
    ir_emit(c->b, IR_STCPU, 0, f, 0, 0, CPU_OFF(eflags), 0);
}

static void do_xchg_family(struct fctx *c)
{
    const struct insn *in = c->in;
    int size = in->opsize;
    uint16_t addr = NONE_V;
    uint16_t a = f_read(c, 0, size, &addr);
    uint16_t b = f_read(c, 1, size, NULL);
    if (in->op == OP_XCHG) {
        f_write(c, 0, size, b, addr);
        f_write(c, 1, size, a, NONE_V);
    } else if (in->op == OP_XADD) {
        uint16_t r = f_op(c, IR_ADD, a, b);
        f_write(c, 0, size, r, addr);
        /* DEST is written last: XADD EAX, EAX leaves the sum. */
        c->npw = 0;
        f_write(c, 1, size, a, NONE_V);
        if (in->o[0].kind == OPK_REG)
            f_write(c, 0, size, r, NONE_V);
        f_setcc(c, CCB_ADD, size, r, a, b);
    } else { /* CMPXCHG */
        uint16_t acc = f_reg(c, R_EAX, size);
        uint16_t diff = f_op(c, IR_SUB, acc, a);
        uint16_t eq = f_op(c, IR_SETEQ, f_mask(c, acc, size), f_mask(c, a, size));
        uint16_t nd = f_temp(c), na = f_temp(c);
        ir_emit(c->b, IR_SELECT, nd, eq, b, a, 0, 0);
        ir_emit(c->b, IR_SELECT, na, eq, acc, a, 0, 0);
        /* The P6 writes the destination either way (a locked cycle). */
        if (in->o[0].kind == OPK_MEM)
            f_st(c, addr, nd, size);
        f_set_reg(c, R_EAX, size, na);
        if (in->o[0].kind == OPK_REG)
            f_set_reg(c, in->o[0].reg, size, nd);
        f_setcc(c, CCB_SUB, size, diff, acc, a);
    }
}

int f_alu(struct fctx *c)
{
    const struct insn *in = c->in;
    int size = in->opsize;
    uint16_t v, t;
    if (in->lock && !lock_ok(in)) {
        f_raise(c, EXC_UD);
        return 1;
    }
    switch (in->op) {
    case OP_ADD: case OP_OR: case OP_ADC: case OP_SBB: case OP_AND: case OP_SUB:
    case OP_XOR: case OP_CMP: case OP_TEST:
        alu_binary(c, in->op);
        return 1;
    case OP_INC: case OP_DEC: case OP_NEG: case OP_NOT:
        alu_unary(c, in->op);
        return 1;
    case OP_MOV:
        f_write(c, 0, size, f_read(c, 1, size, NULL), NONE_V);
        return 1;
    case OP_MOVZX:
        f_write(c, 0, size, f_mask(c, f_read(c, 1, in->o[1].size, NULL), in->o[1].size), NONE_V);
        return 1;
    case OP_MOVSX:
        v = f_read(c, 1, in->o[1].size, NULL);
        v = f_op(c, in->o[1].size == 1 ? IR_EXT8S : IR_EXT16S, v, 0);
        f_write(c, 0, size, v, NONE_V);
        return 1;
    case OP_LEA:
        if (in->o[1].kind != OPK_MEM) {
            f_raise(c, EXC_UD);
            return 1;
        }
        f_write(c, 0, size, f_lea(c, &in->o[1]), NONE_V);
        return 1;
    case OP_XCHG: case OP_XADD: case OP_CMPXCHG:
        do_xchg_family(c);
        return 1;
    case OP_CMPXCHG8B:
        if (in->o[0].kind != OPK_MEM) {
            f_raise(c, EXC_UD);
            return 1;
        }
        f_call(c, H_CMPXCHG8B, f_ea_check(c, &in->o[0], 8, 1), 0, 0);
        return 1;
    case OP_BSWAP:
        if (size == 4)
            v = f_op(c, IR_BSWAP, in->o[0].reg, 0);
        else
            v = f_movi(c, 0); /* undefined for 16 bits: the P6 clears the word */
        f_set_reg(c, in->o[0].reg, size, v);
        return 1;
    case OP_CBW:
        if (size == 2)
            f_set_reg(c, R_EAX, 2, f_op(c, IR_EXT8S, R_EAX, 0));
        else
            f_set_reg(c, R_EAX, 4, f_op(c, IR_EXT16S, R_EAX, 0));
        return 1;
    case OP_CWD:
        v = size == 2 ? f_op(c, IR_EXT16S, R_EAX, 0) : R_EAX;
        f_set_reg(c, R_EDX, size, f_op(c, IR_SAR, v, f_movi(c, 31)));
        return 1;
    case OP_CMOVCC: {
        uint16_t cond = f_cond(c, in->cc);
        uint16_t src = f_read(c, 1, size, NULL);
        uint16_t old = f_reg(c, in->o[0].reg, size);
        t = f_temp(c);
        ir_emit(c->b, IR_SELECT, t, cond, src, old, 0, 0);
        f_set_reg(c, in->o[0].reg, size, t);
        return 1;
    }
    case OP_SETCC:
        f_write(c, 0, 1, f_cond(c, in->cc), NONE_V);
        return 1;
    case OP_LAHF:
        f_set_reg(c, 4 /* AH */, 1, f_getflags(c));
        return 1;
    case OP_SAHF: /* AH's bits are the EFLAGS bits; OF is kept */
        f_setfl(c, f_op(c, IR_HI8, R_EAX, 0), F_SF | F_ZF | F_AF | F_PF | F_CF, NONE_V);
        return 1;
    case OP_CLC: f_setfl(c, f_movi(c, 0), F_CF, NONE_V); return 1;
    case OP_STC: f_setfl(c, f_movi(c, F_CF), F_CF, NONE_V); return 1;
    case OP_CMC: f_setfl(c, f_cond(c, CC_AE), F_CF, NONE_V); return 1;
    case OP_CLD: df_edit(c, 0); return 1;
    case OP_STD: df_edit(c, 1); return 1;
    case OP_SALC:
        f_set_reg(c, R_EAX, 1, f_op(c, IR_NEG, f_cond(c, CC_B), 0));
        return 1;
    case OP_XLAT: {
        uint16_t off = f_op(c, IR_ADD, R_EBX, f_reg(c, R_EAX, 1));
        if (in->addrsize == 2)
            off = f_opi(c, IR_ANDI, off, 0xffff);
        int seg = in->seg_override != S_NONE ? in->seg_override : S_DS;
        f_seg_check(c, seg, off, 1, 0);
        f_set_reg(c, R_EAX, 1, f_ld(c, f_lin(c, seg, off), 1));
        return 1;
    }
    case OP_NOP: case OP_WAIT:
        return 1;
    case OP_PAUSE:
        /* The block ends after it, so that a spin loop that releases a
         * lock, pauses and takes it again gives another CPU the turn in
         * between (SeaBIOS's SMP scan waits for the APs like that). */
        f_calli(c, H_PAUSE, 0, 0, 0);
        f_exit(c, c->next_eip);
        return 1;
    case OP_DAA: case OP_DAS: case OP_AAA: case OP_AAS: case OP_AAM: case OP_AAD:
        f_calli(c, H_BCD, helper_op_of(in->op), in->nops ? in->o[0].imm : 10, 0);
        return 1;
    default:
        return 0;
    }
}
