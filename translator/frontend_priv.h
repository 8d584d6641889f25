/*
 * frontend_priv.h - shared state of the frontend's files (not for others).
 *
 * Register writes are queued and land when the instruction ends, after
 * every op that can fault: a faulting instruction leaves registers as they
 * were, and the run loop can restart it.
 */
#ifndef BT86_TRANSLATOR_FRONTEND_PRIV_H
#define BT86_TRANSLATOR_FRONTEND_PRIV_H

#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "monitor/helpers.h"
#include "translator/insn.h"
#include "translator/ir.h"

#include <stddef.h>

#define NONE_V 0xffff

struct pending_write {
    uint8_t reg, size, high;
    uint16_t val;
};

struct fctx {
    struct ir_block *b;
    const struct insn *in;
    uint32_t hflags;
    uint32_t next_eip;
    int mmu; /* TLB index: 1 at CPL 3 */
    int ended; /* the instruction ended the block */
    uint32_t page0; /* the linear page every instruction starts in */
    int follows;    /* unconditional jumps the block went on through */
    int branches;   /* side exits (IR_BRANCH): Jcc the block went on after */
    uint16_t ea_off; /* the last f_ea_check: offset and segment, for the */
    int ea_seg;      /* write check of a read-modify-write */
    struct pending_write pw[8];
    int npw;
    struct {
        int valid;
        uint32_t kind;
        uint16_t dst, src1, src2;
        /* src1, a register, was rewritten since (sub eax, 1): f_cond
         * computes it again from dst and src2, or from dst_reg, the
         * register that still holds dst (NONE_V when none does) */
        int src1_gone;
        uint16_t dst_reg;
    } lastcc;
};

/* core (frontend.c) */
uint16_t f_temp(struct fctx *c);
uint16_t f_movi(struct fctx *c, uint32_t imm);
uint16_t f_op(struct fctx *c, int opc, uint16_t a, uint16_t b);
uint16_t f_opi(struct fctx *c, int opc, uint16_t a, uint32_t imm);
uint16_t f_reg(struct fctx *c, int reg, int size);
void f_set_reg(struct fctx *c, int reg, int size, uint16_t val);
void f_flush_regs(struct fctx *c);
uint16_t f_seg_base(struct fctx *c, int seg);
/* Whether the block goes on at t after a direct JMP (frontend.c) */
int f_follow(struct fctx *c, uint32_t t);
int f_branch(struct fctx *c, uint32_t t);
uint16_t f_lin(struct fctx *c, int seg, uint16_t offset);
uint16_t f_ea(struct fctx *c, const struct operand *o);
/* Segment limit and type checks (only for segments flagged HF_SEGCHK). */
void f_seg_check(struct fctx *c, int seg, uint16_t off, int size, int write);
uint16_t f_ea_check(struct fctx *c, const struct operand *o, int size, int write);
uint16_t f_lea(struct fctx *c, const struct operand *o);
uint16_t f_ld(struct fctx *c, uint16_t addr, int size);
void f_st(struct fctx *c, uint16_t addr, uint16_t val, int size);
/* Read operand i; if it is memory and addr != NULL, its address goes there. */
uint16_t f_read(struct fctx *c, int i, int size, uint16_t *addr);
void f_write(struct fctx *c, int i, int size, uint16_t val, uint16_t addr);
void f_setcc(struct fctx *c, int base, int size, uint16_t dst, uint16_t src1, uint16_t src2);
/* Set the flags in mask to those of val (EFLAGS bits), keeping the others;
 * only when cond is non-zero unless it is NONE_V. */
void f_setfl(struct fctx *c, uint16_t val, uint32_t mask, uint16_t cond);
uint16_t f_getflags(struct fctx *c);
uint16_t f_cond(struct fctx *c, int cond);
uint16_t f_call(struct fctx *c, int helper, uint16_t a, uint16_t b, uint16_t cc);
uint16_t f_calli(struct fctx *c, int helper, uint32_t a, uint32_t b, uint32_t cc);
/* End the block for eip; `kind` says why (enum ir_exit_kind). */
void f_exit_to(struct fctx *c, uint32_t eip, int kind);
/* After a sensitive instruction: on to eip through the run loop. */
void f_exit(struct fctx *c, uint32_t eip);
/* After the load of data segment seg: on in the block if the mode stayed, else as f_exit. */
void f_exit_after_seg_load(struct fctx *c, int seg);
/* End the block for EIP = value eip; a RET's op gets imm = the bytes it
 * took off the stack, whose slot a return prediction is looked up by. */
struct ir_op *f_exit_ind(struct fctx *c, uint16_t eip, int kind);
/* After a helper that chose EIP (far transfers, INT, IRET, ...). */
void f_exit_eip(struct fctx *c);
void f_raise(struct fctx *c, int vector);
/* Push/pop with the stack size from SS; sp is the current stack value. */
uint16_t f_push(struct fctx *c, uint16_t sp, uint16_t val, int size);
uint16_t f_pop(struct fctx *c, uint16_t *sp, int size);
uint16_t f_mask(struct fctx *c, uint16_t v, int size);
#define CPU_OFF(field) ((uint32_t)offsetof(struct cpu, field))

/* instruction groups */
int f_alu(struct fctx *c);     /* frontend_alu.c */
int f_bits(struct fctx *c);    /* frontend_bits.c: shifts, bit ops, mul/div */
int f_control(struct fctx *c); /* frontend_ctl.c */
int f_system(struct fctx *c);  /* frontend_sys.c */
int f_x87(struct fctx *c);     /* frontend_x87.c: D8-DF, FWAIT, FXSAVE/FXRSTOR */
/* A reserved x87 register encoding Capstone rejects, as a 2-byte escape; 0 if it was one. */
int f_x87_rescue(struct insn *in, const uint8_t *buf, int n, uint32_t eip);

/* The helpers' code (enum helper_op) for a rotate or BCD instruction. */
static inline uint32_t helper_op_of(int op)
{
    switch (op) {
    case OP_ROL: return HOP_ROL;
    case OP_ROR: return HOP_ROR;
    case OP_RCL: return HOP_RCL;
    case OP_RCR: return HOP_RCR;
    case OP_DAA: return HOP_DAA;
    case OP_DAS: return HOP_DAS;
    case OP_AAA: return HOP_AAA;
    case OP_AAS: return HOP_AAS;
    case OP_AAM: return HOP_AAM;
    default:     return HOP_AAD;
    }
}

#endif
