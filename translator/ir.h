/*
 * ir.h - bt86's intermediate representation: micro-ops on 32-bit values.
 *
 * A value is a number: 0-7 are the guest's general registers (cpu->r[]),
 * V_TEMP0 and up are block temporaries, which live wherever the backend
 * keeps them (the interpreter: a frame on its C stack), never in struct
 * cpu.  Temporaries are written once, so the frontend may refer to them
 * later in the block; none is live into another block (across a side
 * exit, IR_BRANCH, only on the path that stays).  Each op
 * remembers the guest instruction it came from, so a fault inside any op
 * restores the guest EIP exactly.
 *
 * Shifts and rotates use the count modulo 32.  Loads and stores take a
 * linear address (segment base already added) and the TLB to use (aux).
 */
#ifndef BT86_TRANSLATOR_IR_H
#define BT86_TRANSLATOR_IR_H

#include "cpu/cpu.h"

#include <stdint.h>
#include <stdio.h>

enum ir_opc {
    IR_NOP,
    IR_MOVI,    /* d = imm */
    IR_MOV,     /* d = a */
    IR_ADD, IR_SUB, IR_AND, IR_OR, IR_XOR, /* d = a op b */
    IR_SHL, IR_SHR, IR_SAR, IR_ROL, IR_ROR, /* d = a op (b & 31) */
    IR_ADDI,    /* d = a + imm */
    IR_LEA,     /* d = a + (b << imm) + aux */
    IR_IDX,     /* d = (b << imm) + aux */
    IR_ANDI,    /* d = a & imm */
    IR_MUL,     /* d = low 32 bits of a * b */
    IR_MULHU,   /* d = high 32 bits of unsigned a * b */
    IR_MULHS,   /* d = high 32 bits of signed a * b */
    IR_NOT, IR_NEG,
    IR_EXT8U, IR_EXT8S, IR_EXT16U, IR_EXT16S, /* d = extend low bits of a */
    IR_HI8,     /* d = (a >> 8) & 0xff */
    IR_DEP8L,   /* d = (a & ~0xff) | (b & 0xff) */
    IR_DEP8H,   /* d = (a & ~0xff00) | ((b & 0xff) << 8) */
    IR_DEP16,   /* d = (a & ~0xffff) | (b & 0xffff) */
    IR_BSWAP,
    IR_SELECT,  /* d = a ? b : c */
    IR_SETEQ,   /* d = a == b */
    IR_LD8, IR_LD16, IR_LD32, /* d = mem[a], zero-extended; aux = mmu index */
    IR_ST8, IR_ST16, IR_ST32, /* mem[a] = b; aux = mmu index */
    /* CPU state outside r[] (registers are values 0-7: a backend may keep
       them elsewhere while a block runs); imm is an offset the asserts in
       cpu/cpu.h keep short. */
    IR_LDCPU,   /* d = *(uint32_t *)((char *)cpu + imm) */
    IR_STCPU,   /* *(uint32_t *)((char *)cpu + imm) = a */
    IR_SETCC,   /* lazy flags: cc_op = imm, dst = d, src1 = a, src2 = b;
                   if aux != 0, only when value c is non-zero.  A SUB
                   kind's dst is src1 - src2, stored or not (cpu/flags.h) */
    IR_GETCC,   /* d = condition imm from the lazy flags */
    IR_TESTCC,  /* d = condition imm after an op of kind aux with
                   dst = a, src1 = b, src2 = c (fused compare + branch) */
    IR_GETFLAGS,/* d = full EFLAGS */
    IR_SETFL,   /* partial flag write: the arithmetic flags in mask imm become
                   those of value a (EFLAGS bits), the others keep their lazy
                   values; if aux != 0, only when value c is non-zero */
    IR_CCFLAGS, /* d = the flags (EFLAGS bits) of an op of kind aux with
                   dst = a, src1 = b, src2 = c; touches no CPU state */
    IR_CALL,    /* d = helper imm (cpu, a, b, c); aux = next EIP */
    /* Exits say why the block ends in ir_op.exit (enum ir_exit_kind). */
    IR_EXIT,    /* leave the block for EIP imm through chain slot aux */
    IR_EXITCC,  /* if a: exit to EIP imm (slot 0) else to EIP aux (slot 1) */
    IR_EXITIND, /* leave the block for EIP = a; a RET's imm: the bytes it popped */
    IR_EXITEIP, /* leave the block; a helper has set cpu->eip */
    IR_BRANCH,  /* if a: leave for EIP imm, else go on (a side exit);
                   aux: the chain slot and the block's guest instructions
                   after this one's, which the taken side did not run */
    IR_COUNT
};
_Static_assert(IR_COUNT <= 256, "ir_op.opc is a byte");

/*
 * Why a block ends, carried by every exit op (IRF_EXIT) in ir_op.exit, so
 * that a backend can pick its strategy: chain a direct target, predict a
 * return with a return-address stack, look an indirect target up in a
 * jump cache, or go back to the run loop.  The op says how the target is
 * found (imm, a, or cpu->eip); the kind says what the guest was doing.
 */
enum ir_exit_kind {
    IR_EXIT_NONE,    /* not an exit op */
    IR_EXIT_JUMP,    /* JMP: direct (IR_EXIT) or indirect (IR_EXITIND) */
    IR_EXIT_COND,    /* Jcc, LOOPcc, JCXZ: IR_EXITCC, taken = slot 0 */
    IR_EXIT_CALL,    /* near CALL: the return address is pushed */
    IR_EXIT_RET,     /* near RET: the target was just popped */
    IR_EXIT_PAGE,    /* falls through into the next page */
    IR_EXIT_SPLIT,   /* falls through, block cut: full, one-instruction
                        (SMC restart) or a debugger stop */
    IR_EXIT_MONITOR, /* after a sensitive instruction changed the mode, IF,
                        the TLB or a segment: the run loop must look */
    IR_EXIT_FAR,     /* a helper chose EIP: far JMP/CALL/RET, INT, IRET,
                        SYSENTER, HLT, string instructions */
    IR_EXIT_RAISE,   /* the instruction raises an exception */
    IR_EXIT_KINDS
};
extern const char *const ir_exit_kind_name[IR_EXIT_KINDS];

/*
 * What each op does, in one table that the optimizer, the dumper and every
 * backend read (translator/ir.c).  `reads` says which of the fields d, a,
 * b, c hold values the op reads (IR_SETCC also reads c when aux != 0).
 * Ops with IRF_EXIT also say why the block ends (ir_op.exit), and no
 * other op has one.
 */
enum {
    IRR_D = 1, IRR_A = 2, IRR_B = 4, IRR_C = 8,
};
enum {
    IRF_WRITES_D = 0x001,   /* defines value d */
    IRF_MAY_FAULT = 0x002,  /* may raise a guest exception (loads, stores, calls) */
    IRF_CALL = 0x004,       /* calls C: a helper or the monitor */
    IRF_EXIT = 0x008,       /* leaves the block */
    IRF_READS_MEM = 0x010,  /* guest memory */
    IRF_WRITES_MEM = 0x020,
    IRF_READS_CPU = 0x040,  /* CPU state outside r[]: EIP, EFLAGS, segments... */
    IRF_WRITES_CPU = 0x080,
    IRF_READS_FLAGS = 0x100,  /* the lazy arithmetic flags */
    IRF_WRITES_FLAGS = 0x200,
    IRF_FLAGS_MASKED = 0x400, /* reads or writes only some flags: see ir_flags_read/written */
    IRF_SIDE_EXIT = 0x800,    /* an exit that may not be taken: the block goes on after it */
};
/* Ops that must stay even when nothing reads what they define. */
#define IRF_SIDE_EFFECTS \
    (IRF_MAY_FAULT | IRF_CALL | IRF_EXIT | IRF_WRITES_MEM | IRF_WRITES_CPU | IRF_WRITES_FLAGS)

struct ir_op_info {
    const char *name;
    uint8_t reads;  /* IRR_* */
    uint16_t flags; /* IRF_* */
};

extern const struct ir_op_info ir_op_info[IR_COUNT];

struct ir_op {
    uint8_t opc;
    uint8_t exit; /* enum ir_exit_kind, for IRF_EXIT ops */
    uint16_t d, a, b, c;
    uint16_t insn; /* index of the guest instruction */
    uint32_t imm;
    uint32_t aux;
};

#define IR_MAX_OPS 2048
#define IR_MAX_INSNS 128
#define V_TEMP0 8
/* Temporaries per block (ir_room keeps the frontend under it) and all the
 * value numbers a backend's frame must hold. */
#define IR_MAX_TEMPS 1024
#define IR_NVALUES (V_TEMP0 + IR_MAX_TEMPS)
/* The old name, still used by optimize.c. */
#define CPU_NTEMPS IR_MAX_TEMPS

struct ir_insn_info {
    uint32_t eip;
    uint8_t len;
    uint8_t cls;
    uint16_t first_op; /* index of its first op */
};

struct ir_block {
    uint32_t eip;      /* first guest instruction */
    uint32_t cs_base;  /* CS's base when it was translated: eip + cs_base is linear */
    uint32_t hflags;
    int nops;
    int ninsns;
    uint32_t ntemps;
    uint32_t guest_bytes;
    uint32_t code_lo;  /* lowest linear address of its code (jumps followed) */
    /* The host addend (struct tlb_entry) its data accesses most likely
     * find, which fits a sign-extended 32-bit displacement; 0: no guess.
     * A backend may form a host address from it while it compares it
     * with the entry's, so that the access need not wait for the entry. */
    int32_t mem_hint;
    struct ir_op ops[IR_MAX_OPS];
    struct ir_insn_info insns[IR_MAX_INSNS];
};

void ir_block_init(struct ir_block *b, uint32_t eip, uint32_t hflags);
/* Fresh temporary; the frontend checks ir_room() before each instruction. */
uint16_t ir_temp(struct ir_block *b);
int ir_room(const struct ir_block *b);
struct ir_op *ir_emit(struct ir_block *b, int opc, uint16_t d, uint16_t a, uint16_t b_, uint16_t c,
                      uint32_t imm, uint32_t aux);
/* An exit op (IRF_EXIT) that says why the block ends. */
struct ir_op *ir_emit_exit(struct ir_block *b, int opc, int kind, uint16_t a, uint32_t imm,
                           uint32_t aux);
/* Side exits per block, whose chain slots follow a final Jcc's two. */
#define IR_MAX_BRANCHES 2
/* An IR_BRANCH's aux: its chain slot, and the instructions it gives back.
 * A side exit of a block that calls the monitor (after a segment load), which
 * never chains, has no slot: IR_BRANCH_SLOT() is then -1. */
#define IR_BRANCH_NO_SLOT 0xffffu
#define IR_BRANCH_AUX(slot, back) ((uint32_t)(slot) << 16 | (uint32_t)(back))
#define IR_BRANCH_SLOT(aux) ((aux) >> 16 == IR_BRANCH_NO_SLOT ? -1 : (int)((aux) >> 16))
#define IR_BRANCH_BACK(aux) ((aux) & 0xffffu)
/* Whether an op ends the block: an exit, but not a side exit. */
static inline int ir_op_ends_block(int opc)
{
    return (ir_op_info[opc].flags & (IRF_EXIT | IRF_SIDE_EXIT)) == IRF_EXIT;
}
/* Whether an op may raise a guest exception or has other side effects. */
static inline int ir_op_has_side_effects(int opc)
{
    return (ir_op_info[opc].flags & IRF_SIDE_EFFECTS) != 0;
}
static inline int ir_op_writes_d(int opc)
{
    return (ir_op_info[opc].flags & IRF_WRITES_D) != 0;
}
/*
 * Flag groups, as masks of EFLAGS arithmetic bits (F_CF...): the flags an
 * op may observe, and the flags it always overwrites (none for a
 * conditional write).  An op that overwrites only some flags leaves the
 * earlier flag computation live for the others.
 */
uint32_t ir_flags_read(const struct ir_op *op);
uint32_t ir_flags_killed(const struct ir_op *op);
/* Flags it may write (SETCC, SETFL), whether or not conditionally. */
uint32_t ir_flags_written(const struct ir_op *op);
void ir_dump(FILE *f, const struct ir_block *b);
void ir_dump_op(FILE *f, const struct ir_op *op);

/* translator/optimize.c: drop flag computations and values nobody reads. */
void ir_optimize(struct ir_block *b);

#endif
