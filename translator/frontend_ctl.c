/*
 * frontend_ctl.c - jumps, calls, returns, loops and the stack -> IR.
 */
#include "translator/frontend_priv.h"

static uint32_t target(struct fctx *c, uint32_t t)
{
    return c->in->opsize == 2 ? t & 0xffff : t;
}

static uint16_t mask_target(struct fctx *c, uint16_t v)
{
    return c->in->opsize == 2 ? f_op(c, IR_EXT16U, v, 0) : v;
}

static void push_insn(struct fctx *c)
{
    const struct insn *in = c->in;
    const struct operand *o = &in->o[0];
    int size = in->opsize;
    uint16_t v, nsp;
    if (o->kind == OPK_SREG) {
        v = f_temp(c);
        ir_emit(c->b, IR_LDCPU, v, 0, 0, 0, CPU_OFF(seg[o->reg].sel), 0);
        v = f_op(c, IR_EXT16U, v, 0);
        /* A P6 writes only the selector's 16 bits, even with a 32-bit push. */
        uint16_t sp = f_opi(c, IR_ADDI, R_ESP, (uint32_t)-size);
        if (!(c->hflags & HF_SS32))
            sp = f_op(c, IR_DEP16, R_ESP, sp);
        uint16_t off = (c->hflags & HF_SS32) ? sp : f_op(c, IR_EXT16U, sp, 0);
        f_seg_check(c, S_SS, off, size, 1);
        f_st(c, f_lin(c, S_SS, off), v, 2);
        f_set_reg(c, R_ESP, 4, sp);
        return;
    }
    v = f_read(c, 0, size, NULL);
    nsp = f_push(c, R_ESP, v, size);
    f_set_reg(c, R_ESP, 4, nsp);
}

static void pop_insn(struct fctx *c)
{
    const struct insn *in = c->in;
    const struct operand *o = &in->o[0];
    int size = in->opsize;
    uint16_t sp = R_ESP;
    uint16_t v = f_pop(c, &sp, size);
    if (o->kind == OPK_SREG) {
        f_call(c, H_LOAD_SEG, f_movi(c, o->reg), v, 0);
        f_set_reg(c, R_ESP, 4, sp);
        f_exit_after_seg_load(c, o->reg); /* the mode may have changed */
        return;
    }
    if (o->kind == OPK_MEM) {
        /* The address is computed with ESP already incremented. */
        uint16_t off = f_lea(c, o);
        if (o->base == R_ESP)
            off = f_opi(c, IR_ADDI, off, size);
        f_seg_check(c, o->seg, off, size, 1);
        f_st(c, f_lin(c, o->seg, off), v, size);
        f_set_reg(c, R_ESP, 4, sp);
        return;
    }
    f_set_reg(c, R_ESP, 4, sp);
    f_set_reg(c, o->reg, size, v);
}

static void leave_insn(struct fctx *c)
{
    int size = c->in->opsize;
    uint16_t sp = (c->hflags & HF_SS32) ? R_EBP : f_op(c, IR_DEP16, R_ESP, R_EBP);
    uint16_t v = f_pop(c, &sp, size);
    f_set_reg(c, R_ESP, 4, sp);
    f_set_reg(c, R_EBP, size, v);
}

static void loop_insn(struct fctx *c)
{
    const struct insn *in = c->in;
    int asz = in->addrsize;
    uint32_t t = target(c, in->o[0].imm);
    uint16_t cnt, taken;
    if (in->op == OP_JCXZ) {
        taken = f_op(c, IR_SETEQ, f_reg(c, R_ECX, asz), f_movi(c, 0));
    } else {
        cnt = f_opi(c, IR_ADDI, R_ECX, 0xffffffffu);
        f_set_reg(c, R_ECX, asz, cnt);
        taken = f_mask(c, cnt, asz);
        if (in->op != OP_LOOP) {
            uint16_t z = f_cond(c, in->op == OP_LOOPE ? CC_E : CC_NE);
            uint16_t r = f_temp(c);
            ir_emit(c->b, IR_SELECT, r, taken, z, f_movi(c, 0), 0, 0);
            taken = r;
        }
    }
    f_flush_regs(c);
    ir_emit_exit(c->b, IR_EXITCC, IR_EXIT_COND, taken, t, c->next_eip);
    c->ended = 1;
}

int f_control(struct fctx *c)
{
    const struct insn *in = c->in;
    int size = in->opsize;
    uint16_t v, sp;
    switch (in->op) {
    case OP_JMP:
        if (in->o[0].kind == OPK_IMM && f_follow(c, target(c, in->o[0].imm)))
            c->next_eip = target(c, in->o[0].imm); /* no exit: the block goes on there */
        else if (in->o[0].kind == OPK_IMM)
            f_exit_to(c, target(c, in->o[0].imm), IR_EXIT_JUMP);
        else
            f_exit_ind(c, mask_target(c, f_read(c, 0, size, NULL)), IR_EXIT_JUMP);
        return 1;
    case OP_JCC:
        v = f_cond(c, in->cc);
        f_flush_regs(c);
        if (f_branch(c, target(c, in->o[0].imm))) {
            ir_emit_exit(c->b, IR_BRANCH, IR_EXIT_COND, v, target(c, in->o[0].imm), 0);
            return 1;
        }
        ir_emit_exit(c->b, IR_EXITCC, IR_EXIT_COND, v, target(c, in->o[0].imm), c->next_eip);
        c->ended = 1;
        return 1;
    case OP_CALL:
        if (in->o[0].kind == OPK_IMM) {
            sp = f_push(c, R_ESP, f_movi(c, c->next_eip), size);
            f_set_reg(c, R_ESP, 4, sp);
            f_exit_to(c, target(c, in->o[0].imm), IR_EXIT_CALL);
        } else {
            v = mask_target(c, f_read(c, 0, size, NULL));
            sp = f_push(c, R_ESP, f_movi(c, c->next_eip), size);
            f_set_reg(c, R_ESP, 4, sp);
            f_exit_ind(c, v, IR_EXIT_CALL);
        }
        return 1;
    case OP_RET:
        sp = R_ESP;
        v = f_pop(c, &sp, size);
        if (in->nops && in->o[0].imm)
            sp = (c->hflags & HF_SS32) ? f_opi(c, IR_ADDI, sp, in->o[0].imm & 0xffff)
                                       : f_op(c, IR_DEP16, sp, f_opi(c, IR_ADDI, sp, in->o[0].imm & 0xffff));
        f_set_reg(c, R_ESP, 4, sp);
        f_exit_ind(c, v, IR_EXIT_RET)->imm = (uint32_t)size + (in->nops ? in->o[0].imm & 0xffff : 0);
        return 1;
    case OP_LOOP: case OP_LOOPE: case OP_LOOPNE: case OP_JCXZ:
        loop_insn(c);
        return 1;
    case OP_PUSH:
        push_insn(c);
        return 1;
    case OP_POP:
        pop_insn(c);
        return 1;
    case OP_LEAVE:
        leave_insn(c);
        return 1;
    case OP_PUSHA: case OP_POPA:
        f_calli(c, in->op == OP_PUSHA ? H_PUSHA : H_POPA, size, 0, 0);
        return 1;
    case OP_ENTER:
        f_calli(c, H_ENTER, in->o[0].imm & 0xffff, in->o[1].imm & 0xff, size);
        return 1;
    case OP_UD2:
        f_raise(c, EXC_UD);
        return 1;
    case OP_BOUND:
        if (in->o[1].kind != OPK_MEM) {
            f_raise(c, EXC_UD);
            return 1;
        }
        f_call(c, H_BOUND, f_reg(c, in->o[0].reg, size), f_ea_check(c, &in->o[1], 2 * size, 0),
               f_movi(c, size));
        return 1;
    default:
        return 0;
    }
}
