/*
 * insn.h - a decoded x86 instruction, normalized.
 *
 * translator/decode.c fills this from Capstone; nothing else in bt86 sees
 * Capstone types.  Operands are in Intel order (destination first).
 * Registers use the x86 encoding numbers: for 8-bit operands 0-3 are
 * AL CL DL BL and 4-7 are AH CH DH BH.
 */
#ifndef BT86_TRANSLATOR_INSN_H
#define BT86_TRANSLATOR_INSN_H

#include "monitor/insn_class.h"

#include <stdint.h>

enum insn_op {
    OP_INVALID, OP_UNKNOWN,
    /* integer ALU */
    OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP, OP_TEST,
    OP_INC, OP_DEC, OP_NEG, OP_NOT,
    OP_SHL, OP_SHR, OP_SAR, OP_ROL, OP_ROR, OP_RCL, OP_RCR, OP_SHLD, OP_SHRD,
    OP_MUL, OP_IMUL, OP_DIV, OP_IDIV,
    OP_DAA, OP_DAS, OP_AAA, OP_AAS, OP_AAM, OP_AAD, OP_SALC,
    OP_BT, OP_BTS, OP_BTR, OP_BTC, OP_BSF, OP_BSR,
    OP_SETCC, OP_CMOVCC,
    OP_CMPXCHG, OP_CMPXCHG8B, OP_XADD, OP_XCHG, OP_BSWAP,
    OP_MOV, OP_MOVSX, OP_MOVZX, OP_LEA, OP_CBW, OP_CWD, OP_XLAT,
    OP_LAHF, OP_SAHF, OP_CLC, OP_STC, OP_CMC, OP_CLD, OP_STD, OP_NOP, OP_PAUSE,
    OP_PUSH, OP_POP, OP_PUSHA, OP_POPA, OP_ENTER, OP_LEAVE, OP_BOUND, OP_ARPL,
    OP_LDS, OP_LES, OP_LFS, OP_LGS, OP_LSS,
    /* strings */
    OP_MOVS, OP_CMPS, OP_SCAS, OP_LODS, OP_STOS, OP_INS, OP_OUTS,
    /* control flow */
    OP_JMP, OP_JCC, OP_CALL, OP_RET, OP_LOOP, OP_LOOPE, OP_LOOPNE, OP_JCXZ,
    OP_JMPF, OP_CALLF, OP_RETF, OP_INT, OP_INT3, OP_INT1, OP_INTO, OP_IRET, OP_UD2,
    /* system */
    OP_CLI, OP_STI, OP_HLT, OP_IN, OP_OUT, OP_PUSHF, OP_POPF,
    OP_LGDT, OP_LIDT, OP_SGDT, OP_SIDT, OP_LLDT, OP_SLDT, OP_LTR, OP_STR,
    OP_LMSW, OP_SMSW, OP_CLTS, OP_MOVCR, OP_MOVDR, OP_INVD, OP_WBINVD, OP_INVLPG,
    OP_RDMSR, OP_WRMSR, OP_RDPMC, OP_RDTSC, OP_CPUID, OP_SYSENTER, OP_SYSEXIT,
    OP_LAR, OP_LSL, OP_VERR, OP_VERW, OP_MOVSEG, OP_WAIT, OP_VMCALL,
    OP_COUNT
};

enum operand_kind { OPK_NONE, OPK_REG, OPK_SREG, OPK_CREG, OPK_DREG, OPK_IMM, OPK_MEM };

#define NO_REG 0xff

struct operand {
    uint8_t kind;
    uint8_t size; /* bytes: 1, 2, 4, 6 (far pointer / descriptor-table), 8 */
    uint8_t reg;  /* OPK_REG/SREG/CREG/DREG */
    uint8_t seg;  /* OPK_MEM: effective segment (S_DS... after defaults) */
    uint8_t base, index, scale; /* OPK_MEM: GPR numbers or NO_REG */
    int32_t disp;
    uint32_t imm; /* OPK_IMM, or the absolute target of a relative branch */
};

#define REP_NONE 0
#define REP_E 1  /* F3 */
#define REP_NE 2 /* F2 */

struct insn {
    uint32_t eip;
    uint8_t len;
    uint8_t bytes[16];
    uint16_t op;     /* enum insn_op */
    uint8_t cls;     /* enum insn_class */
    uint8_t cc;      /* condition for Jcc/SETcc/CMOVcc */
    uint8_t opsize;  /* operand size in bytes: 1, 2, 4 */
    uint8_t addrsize;
    uint8_t rep;
    uint8_t lock;
    uint8_t seg_override; /* S_NONE or a segment */
    uint8_t nops;
    struct operand o[3];
    char text[96]; /* disassembly, for logs and error messages */
};

#endif
