/*
 * frontend_sys.c - sensitive instructions -> calls into the monitor, and
 * the string instructions (a helper each, so that REP can be interrupted).
 *
 * This is where full virtualization happens: none of these instructions
 * runs "as is".  Each becomes an IR_CALL to a monitor entry in monitor/, which
 * checks privilege, emulates the effect on the virtual CPU or raises the
 * architectural exception.  Those that may change the CPU mode end the
 * block so that the next one is translated for the new mode.
 */
#include "translator/frontend_priv.h"
#include "monitor/string_op.h"
#include "translator/insn_table.h"

/* The instruction's one helper or monitor entry (translator/insn_table.c). */
static int entry(const struct insn *in)
{
    return insn_table[in->op].helper;
}

static void string_insn(struct fctx *c)
{
    const struct insn *in = c->in;
    int seg = in->seg_override != S_NONE ? in->seg_override : S_DS;
    enum string_op op;
    switch (in->op) {
    case OP_MOVS: op = STR_MOVS; break;
    case OP_CMPS: op = STR_CMPS; break;
    case OP_SCAS: op = STR_SCAS; break;
    case OP_LODS: op = STR_LODS; break;
    case OP_STOS: op = STR_STOS; break;
    case OP_INS: op = STR_INS; break;
    default: op = STR_OUTS; break;
    }
    enum string_rep rep = in->rep == REP_E ? STR_REP_E : in->rep == REP_NE ? STR_REP_NE : STR_REP_NONE;
    c->npw = 0;
    f_calli(c, entry(in), string_pack(op, in->opsize, in->addrsize, rep), seg, 0);
    /* The helper sets EIP: past the instruction, or on it to resume a REP. */
    f_exit_eip(c);
}

/* Far pointer operand: selector in *sel, offset returned. */
static uint16_t far_pointer(struct fctx *c, uint16_t *sel)
{
    const struct insn *in = c->in;
    int size = in->opsize;
    if (in->o[0].kind == OPK_IMM && in->nops == 2) {
        *sel = f_movi(c, in->o[0].imm & 0xffff);
        return f_movi(c, in->o[1].imm);
    }
    uint16_t addr = f_ea_check(c, &in->o[0], size + 2, 0);
    uint16_t off = f_ld(c, addr, size);
    *sel = f_ld(c, f_opi(c, IR_ADDI, addr, size), 2);
    return off;
}

static int mov_to_seg_dst(const struct insn *in)
{
    return in->o[0].kind == OPK_SREG;
}

int f_system(struct fctx *c)
{
    const struct insn *in = c->in;
    int size = in->opsize;
    uint16_t v, sel, off;
    switch (in->op) {
    case OP_MOVS: case OP_CMPS: case OP_SCAS: case OP_LODS: case OP_STOS: case OP_INS:
    case OP_OUTS:
        string_insn(c);
        return 1;
    case OP_CLI:
        f_calli(c, entry(in), 0, 0, 0);
        return 1;
    case OP_STI:
        f_calli(c, entry(in), 0, 0, 0);
        f_exit(c, c->next_eip); /* interrupts may now be taken */
        return 1;
    case OP_HLT:
        f_calli(c, entry(in), 0, 0, 0);
        f_exit_eip(c);
        return 1;
    case OP_IN: {
        uint16_t port = in->o[1].kind == OPK_IMM ? f_movi(c, in->o[1].imm & 0xff)
                                                 : f_reg(c, R_EDX, 2);
        v = f_call(c, entry(in), port, f_movi(c, size), 0);
        f_set_reg(c, R_EAX, size, v);
        return 1;
    }
    case OP_OUT: {
        uint16_t port = in->o[0].kind == OPK_IMM ? f_movi(c, in->o[0].imm & 0xff)
                                                 : f_reg(c, R_EDX, 2);
        f_call(c, entry(in), port, f_reg(c, R_EAX, size), f_movi(c, size));
        return 1;
    }
    case OP_PUSHF:
        f_calli(c, entry(in), size, 0, 0);
        return 1;
    case OP_POPF:
        f_calli(c, entry(in), size, 0, 0);
        f_exit(c, c->next_eip); /* IF, TF or IOPL may have changed */
        return 1;
    case OP_INT:
        f_calli(c, entry(in), in->o[0].imm & 0xff, 0, 0);
        f_exit_eip(c);
        return 1;
    case OP_INT3:
        f_calli(c, H_INT, 3, 1, 0);
        f_exit_eip(c);
        return 1;
    case OP_INT1:
        f_calli(c, H_INT, 1, 3, 0);
        f_exit_eip(c);
        return 1;
    case OP_INTO:
        f_calli(c, H_INT, 4, 2, 0);
        f_exit_eip(c);
        return 1;
    case OP_IRET:
        f_calli(c, entry(in), size, 0, 0);
        f_exit_eip(c);
        return 1;
    case OP_JMPF: case OP_CALLF:
        off = far_pointer(c, &sel);
        f_call(c, entry(in), sel, off, f_movi(c, size));
        f_exit_eip(c);
        return 1;
    case OP_RETF:
        f_calli(c, entry(in), in->nops ? in->o[0].imm & 0xffff : 0, size, 0);
        f_exit_eip(c);
        return 1;
    case OP_MOVSEG:
        if (mov_to_seg_dst(in)) {
            if (in->o[0].reg == S_CS) {
                f_raise(c, EXC_UD);
                return 1;
            }
            v = f_read(c, 1, 2, NULL);
            f_call(c, entry(in), f_movi(c, in->o[0].reg), v, 0);
            f_exit_after_seg_load(c, in->o[0].reg);
        } else {
            v = f_temp(c);
            ir_emit(c->b, IR_LDCPU, v, 0, 0, 0, CPU_OFF(seg[in->o[1].reg].sel), 0);
            v = f_op(c, IR_EXT16U, v, 0);
            /* To memory it is always a 16-bit store; to a register, zero-extended. */
            if (in->o[0].kind == OPK_MEM)
                f_write(c, 0, 2, v, NONE_V);
            else
                f_write(c, 0, in->o[0].size == 2 ? 2 : 4, v, NONE_V);
        }
        return 1;
    case OP_LDS: case OP_LES: case OP_LFS: case OP_LGS: case OP_LSS: {
        int seg = in->op == OP_LDS ? S_DS : in->op == OP_LES ? S_ES : in->op == OP_LFS ? S_FS
                : in->op == OP_LGS ? S_GS : S_SS;
        if (in->o[1].kind != OPK_MEM) {
            f_raise(c, EXC_UD);
            return 1;
        }
        uint16_t addr = f_ea_check(c, &in->o[1], size + 2, 0);
        off = f_ld(c, addr, size);
        sel = f_ld(c, f_opi(c, IR_ADDI, addr, size), 2);
        f_call(c, entry(in), f_movi(c, seg), sel, 0);
        f_set_reg(c, in->o[0].reg, size, off);
        f_exit(c, c->next_eip);
        return 1;
    }
    case OP_LGDT: case OP_LIDT:
        if (in->o[0].kind != OPK_MEM) {
            f_raise(c, EXC_UD);
            return 1;
        }
        f_call(c, entry(in), f_ea_check(c, &in->o[0], 6, 0),
               f_movi(c, size), 0);
        return 1;
    case OP_SGDT: case OP_SIDT:
        if (in->o[0].kind != OPK_MEM) {
            f_raise(c, EXC_UD);
            return 1;
        }
        f_call(c, entry(in), f_ea_check(c, &in->o[0], 6, 1),
               f_movi(c, size), 0);
        return 1;
    case OP_SLDT: case OP_STR: case OP_SMSW: {
        v = f_calli(c, entry(in), 0, 0, 0);
        if (in->o[0].kind == OPK_MEM)
            f_write(c, 0, 2, v, NONE_V);
        else
            f_write(c, 0, in->o[0].size, v, NONE_V);
        return 1;
    }
    case OP_LLDT: case OP_LTR: case OP_LMSW:
        v = f_read(c, 0, 2, NULL);
        f_call(c, entry(in), v, 0, 0);
        f_exit(c, c->next_eip);
        return 1;
    case OP_CLTS:
        f_calli(c, entry(in), 0, 0, 0);
        return 1;
    case OP_MOVCR:
        if (in->o[0].kind == OPK_CREG) {
            f_call(c, H_MOV_TO_CR, f_movi(c, in->o[0].reg), in->o[1].reg, 0);
            f_exit(c, c->next_eip);
        } else {
            v = f_calli(c, H_MOV_FROM_CR, in->o[1].reg, 0, 0);
            f_set_reg(c, in->o[0].reg, 4, v);
        }
        return 1;
    case OP_MOVDR:
        if (in->o[0].kind == OPK_DREG) {
            f_call(c, H_MOV_TO_DR, f_movi(c, in->o[0].reg), in->o[1].reg, 0);
        } else {
            v = f_calli(c, H_MOV_FROM_DR, in->o[1].reg, 0, 0);
            f_set_reg(c, in->o[0].reg, 4, v);
        }
        return 1;
    case OP_INVD: case OP_WBINVD:
        f_calli(c, entry(in), 0, 0, 0);
        return 1;
    case OP_INVLPG:
        if (in->o[0].kind != OPK_MEM) {
            f_raise(c, EXC_UD);
            return 1;
        }
        f_call(c, entry(in), f_ea(c, &in->o[0]), 0, 0);
        f_exit(c, c->next_eip);
        return 1;
    case OP_RDMSR: case OP_RDPMC: case OP_RDTSC: case OP_CPUID:
        f_calli(c, entry(in), 0, 0, 0);
        return 1;
    case OP_WRMSR: f_calli(c, entry(in), 0, 0, 0); f_exit(c, c->next_eip); return 1;
    case OP_SYSENTER: case OP_SYSEXIT: f_calli(c, entry(in), 0, 0, 0); f_exit_eip(c); return 1;
    case OP_LAR: case OP_LSL: {
        uint16_t s = f_read(c, 1, 2, NULL);
        uint16_t old = f_reg(c, in->o[0].reg, size);
        v = f_call(c, entry(in), s, old, f_movi(c, size));
        f_set_reg(c, in->o[0].reg, size, v);
        return 1;
    }
    case OP_VERR: case OP_VERW:
        f_call(c, entry(in), f_read(c, 0, 2, NULL), 0, 0);
        return 1;
    case OP_ARPL: {
        if (!(c->hflags & HF_PE) || (c->hflags & HF_VM86)) {
            f_raise(c, EXC_UD);
            return 1;
        }
        uint16_t addr = NONE_V;
        uint16_t d = f_read(c, 0, 2, &addr);
        uint16_t r = f_call(c, entry(in), d, f_reg(c, in->o[1].reg, 2), 0);
        f_write(c, 0, 2, r, addr);
        return 1;
    }
    case OP_VMCALL:
        /* A hypercall may halt, arm a timer or let an interrupt through:
         * back to the run loop, at the EIP the monitor set. */
        f_calli(c, entry(in), 0, 0, 0);
        f_exit_eip(c);
        return 1;
    default:
        (void)size;
        return 0;
    }
}
