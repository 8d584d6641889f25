/*
 * decode.c - Capstone -> struct insn.
 *
 * Capstone gives us lengths, operands and prefixes; this file maps its
 * instruction ids onto bt86's own smaller set (one OP_MOVS for
 * movsb/movsw/movsd, one OP_JCC with a condition...) and fills in what
 * Capstone leaves implicit: default segments, operand size, the AAM/AAD
 * immediate (Capstone drops it), and the string/SSE "movsd" ambiguity.
 * The class of each op comes from translator/insn_table.c.
 */
#include "translator/decode.h"
#include "translator/insn_table.h"
#include "cpu/cpu.h"
#include "cpu/flags.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

static csh cs32, cs16;
static cs_insn *cs_buf32, *cs_buf16;

int decode_init(void)
{
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs32) != CS_ERR_OK ||
        cs_open(CS_ARCH_X86, CS_MODE_16, &cs16) != CS_ERR_OK)
        return -1;
    cs_option(cs32, CS_OPT_DETAIL, CS_OPT_ON);
    cs_option(cs16, CS_OPT_DETAIL, CS_OPT_ON);
    cs_buf32 = cs_malloc(cs32);
    cs_buf16 = cs_malloc(cs16);
    return 0;
}

void decode_fini(void)
{
    if (cs_buf32)
        cs_free(cs_buf32, 1);
    if (cs_buf16)
        cs_free(cs_buf16, 1);
    cs_buf32 = cs_buf16 = NULL;
    cs_close(&cs32);
    cs_close(&cs16);
}

struct reg_map {
    uint8_t kind, num, size;
};

static struct reg_map map_reg(unsigned r)
{
    switch (r) {
    case X86_REG_AL: return (struct reg_map){ OPK_REG, 0, 1 };
    case X86_REG_CL: return (struct reg_map){ OPK_REG, 1, 1 };
    case X86_REG_DL: return (struct reg_map){ OPK_REG, 2, 1 };
    case X86_REG_BL: return (struct reg_map){ OPK_REG, 3, 1 };
    case X86_REG_AH: return (struct reg_map){ OPK_REG, 4, 1 };
    case X86_REG_CH: return (struct reg_map){ OPK_REG, 5, 1 };
    case X86_REG_DH: return (struct reg_map){ OPK_REG, 6, 1 };
    case X86_REG_BH: return (struct reg_map){ OPK_REG, 7, 1 };
    case X86_REG_AX: return (struct reg_map){ OPK_REG, R_EAX, 2 };
    case X86_REG_CX: return (struct reg_map){ OPK_REG, R_ECX, 2 };
    case X86_REG_DX: return (struct reg_map){ OPK_REG, R_EDX, 2 };
    case X86_REG_BX: return (struct reg_map){ OPK_REG, R_EBX, 2 };
    case X86_REG_SP: return (struct reg_map){ OPK_REG, R_ESP, 2 };
    case X86_REG_BP: return (struct reg_map){ OPK_REG, R_EBP, 2 };
    case X86_REG_SI: return (struct reg_map){ OPK_REG, R_ESI, 2 };
    case X86_REG_DI: return (struct reg_map){ OPK_REG, R_EDI, 2 };
    case X86_REG_EAX: return (struct reg_map){ OPK_REG, R_EAX, 4 };
    case X86_REG_ECX: return (struct reg_map){ OPK_REG, R_ECX, 4 };
    case X86_REG_EDX: return (struct reg_map){ OPK_REG, R_EDX, 4 };
    case X86_REG_EBX: return (struct reg_map){ OPK_REG, R_EBX, 4 };
    case X86_REG_ESP: return (struct reg_map){ OPK_REG, R_ESP, 4 };
    case X86_REG_EBP: return (struct reg_map){ OPK_REG, R_EBP, 4 };
    case X86_REG_ESI: return (struct reg_map){ OPK_REG, R_ESI, 4 };
    case X86_REG_EDI: return (struct reg_map){ OPK_REG, R_EDI, 4 };
    case X86_REG_ES: return (struct reg_map){ OPK_SREG, S_ES, 2 };
    case X86_REG_CS: return (struct reg_map){ OPK_SREG, S_CS, 2 };
    case X86_REG_SS: return (struct reg_map){ OPK_SREG, S_SS, 2 };
    case X86_REG_DS: return (struct reg_map){ OPK_SREG, S_DS, 2 };
    case X86_REG_FS: return (struct reg_map){ OPK_SREG, S_FS, 2 };
    case X86_REG_GS: return (struct reg_map){ OPK_SREG, S_GS, 2 };
    default: break;
    }
    if (r >= X86_REG_CR0 && r <= X86_REG_CR15)
        return (struct reg_map){ OPK_CREG, r - X86_REG_CR0, 4 };
    if (r >= X86_REG_DR0 && r <= X86_REG_DR15)
        return (struct reg_map){ OPK_DREG, r - X86_REG_DR0, 4 };
    return (struct reg_map){ OPK_NONE, NO_REG, 0 };
}

static uint8_t gpr_num(unsigned r)
{
    struct reg_map m = map_reg(r);
    return m.kind == OPK_REG ? m.num : NO_REG;
}

struct op_map {
    uint16_t op;
    uint8_t cc;
};

/* Capstone id -> bt86 op (and condition, for the cc families). */
static struct op_map map_op(unsigned id)
{
    switch (id) {
    case X86_INS_ADD: return (struct op_map){ OP_ADD, 0 };
    case X86_INS_OR: return (struct op_map){ OP_OR, 0 };
    case X86_INS_ADC: return (struct op_map){ OP_ADC, 0 };
    case X86_INS_SBB: return (struct op_map){ OP_SBB, 0 };
    case X86_INS_AND: return (struct op_map){ OP_AND, 0 };
    case X86_INS_SUB: return (struct op_map){ OP_SUB, 0 };
    case X86_INS_XOR: return (struct op_map){ OP_XOR, 0 };
    case X86_INS_CMP: return (struct op_map){ OP_CMP, 0 };
    case X86_INS_TEST: return (struct op_map){ OP_TEST, 0 };
    case X86_INS_INC: return (struct op_map){ OP_INC, 0 };
    case X86_INS_DEC: return (struct op_map){ OP_DEC, 0 };
    case X86_INS_NEG: return (struct op_map){ OP_NEG, 0 };
    case X86_INS_NOT: return (struct op_map){ OP_NOT, 0 };
    case X86_INS_SHL: case X86_INS_SAL: return (struct op_map){ OP_SHL, 0 };
    case X86_INS_SHR: return (struct op_map){ OP_SHR, 0 };
    case X86_INS_SAR: return (struct op_map){ OP_SAR, 0 };
    case X86_INS_ROL: return (struct op_map){ OP_ROL, 0 };
    case X86_INS_ROR: return (struct op_map){ OP_ROR, 0 };
    case X86_INS_RCL: return (struct op_map){ OP_RCL, 0 };
    case X86_INS_RCR: return (struct op_map){ OP_RCR, 0 };
    case X86_INS_SHLD: return (struct op_map){ OP_SHLD, 0 };
    case X86_INS_SHRD: return (struct op_map){ OP_SHRD, 0 };
    case X86_INS_MUL: return (struct op_map){ OP_MUL, 0 };
    case X86_INS_IMUL: return (struct op_map){ OP_IMUL, 0 };
    case X86_INS_DIV: return (struct op_map){ OP_DIV, 0 };
    case X86_INS_IDIV: return (struct op_map){ OP_IDIV, 0 };
    case X86_INS_DAA: return (struct op_map){ OP_DAA, 0 };
    case X86_INS_DAS: return (struct op_map){ OP_DAS, 0 };
    case X86_INS_AAA: return (struct op_map){ OP_AAA, 0 };
    case X86_INS_AAS: return (struct op_map){ OP_AAS, 0 };
    case X86_INS_AAM: return (struct op_map){ OP_AAM, 0 };
    case X86_INS_AAD: return (struct op_map){ OP_AAD, 0 };
    case X86_INS_SALC: return (struct op_map){ OP_SALC, 0 };
    case X86_INS_BT: return (struct op_map){ OP_BT, 0 };
    case X86_INS_BTS: return (struct op_map){ OP_BTS, 0 };
    case X86_INS_BTR: return (struct op_map){ OP_BTR, 0 };
    case X86_INS_BTC: return (struct op_map){ OP_BTC, 0 };
    case X86_INS_BSF: return (struct op_map){ OP_BSF, 0 };
    case X86_INS_BSR: return (struct op_map){ OP_BSR, 0 };
    /* F3 0F BC/BD: on a CPU without BMI1/LZCNT (bt86's i686) the F3 prefix is
     * ignored and they are BSF/BSR; Linux relies on this ("rep; bsf"). */
    case X86_INS_TZCNT: return (struct op_map){ OP_BSF, 0 };
    case X86_INS_LZCNT: return (struct op_map){ OP_BSR, 0 };
    case X86_INS_SETO: return (struct op_map){ OP_SETCC, CC_O };
    case X86_INS_SETNO: return (struct op_map){ OP_SETCC, CC_NO };
    case X86_INS_SETB: return (struct op_map){ OP_SETCC, CC_B };
    case X86_INS_SETAE: return (struct op_map){ OP_SETCC, CC_AE };
    case X86_INS_SETE: return (struct op_map){ OP_SETCC, CC_E };
    case X86_INS_SETNE: return (struct op_map){ OP_SETCC, CC_NE };
    case X86_INS_SETBE: return (struct op_map){ OP_SETCC, CC_BE };
    case X86_INS_SETA: return (struct op_map){ OP_SETCC, CC_A };
    case X86_INS_SETS: return (struct op_map){ OP_SETCC, CC_S };
    case X86_INS_SETNS: return (struct op_map){ OP_SETCC, CC_NS };
    case X86_INS_SETP: return (struct op_map){ OP_SETCC, CC_P };
    case X86_INS_SETNP: return (struct op_map){ OP_SETCC, CC_NP };
    case X86_INS_SETL: return (struct op_map){ OP_SETCC, CC_L };
    case X86_INS_SETGE: return (struct op_map){ OP_SETCC, CC_GE };
    case X86_INS_SETLE: return (struct op_map){ OP_SETCC, CC_LE };
    case X86_INS_SETG: return (struct op_map){ OP_SETCC, CC_G };
    case X86_INS_CMOVO: return (struct op_map){ OP_CMOVCC, CC_O };
    case X86_INS_CMOVNO: return (struct op_map){ OP_CMOVCC, CC_NO };
    case X86_INS_CMOVB: return (struct op_map){ OP_CMOVCC, CC_B };
    case X86_INS_CMOVAE: return (struct op_map){ OP_CMOVCC, CC_AE };
    case X86_INS_CMOVE: return (struct op_map){ OP_CMOVCC, CC_E };
    case X86_INS_CMOVNE: return (struct op_map){ OP_CMOVCC, CC_NE };
    case X86_INS_CMOVBE: return (struct op_map){ OP_CMOVCC, CC_BE };
    case X86_INS_CMOVA: return (struct op_map){ OP_CMOVCC, CC_A };
    case X86_INS_CMOVS: return (struct op_map){ OP_CMOVCC, CC_S };
    case X86_INS_CMOVNS: return (struct op_map){ OP_CMOVCC, CC_NS };
    case X86_INS_CMOVP: return (struct op_map){ OP_CMOVCC, CC_P };
    case X86_INS_CMOVNP: return (struct op_map){ OP_CMOVCC, CC_NP };
    case X86_INS_CMOVL: return (struct op_map){ OP_CMOVCC, CC_L };
    case X86_INS_CMOVGE: return (struct op_map){ OP_CMOVCC, CC_GE };
    case X86_INS_CMOVLE: return (struct op_map){ OP_CMOVCC, CC_LE };
    case X86_INS_CMOVG: return (struct op_map){ OP_CMOVCC, CC_G };
    case X86_INS_JO: return (struct op_map){ OP_JCC, CC_O };
    case X86_INS_JNO: return (struct op_map){ OP_JCC, CC_NO };
    case X86_INS_JB: return (struct op_map){ OP_JCC, CC_B };
    case X86_INS_JAE: return (struct op_map){ OP_JCC, CC_AE };
    case X86_INS_JE: return (struct op_map){ OP_JCC, CC_E };
    case X86_INS_JNE: return (struct op_map){ OP_JCC, CC_NE };
    case X86_INS_JBE: return (struct op_map){ OP_JCC, CC_BE };
    case X86_INS_JA: return (struct op_map){ OP_JCC, CC_A };
    case X86_INS_JS: return (struct op_map){ OP_JCC, CC_S };
    case X86_INS_JNS: return (struct op_map){ OP_JCC, CC_NS };
    case X86_INS_JP: return (struct op_map){ OP_JCC, CC_P };
    case X86_INS_JNP: return (struct op_map){ OP_JCC, CC_NP };
    case X86_INS_JL: return (struct op_map){ OP_JCC, CC_L };
    case X86_INS_JGE: return (struct op_map){ OP_JCC, CC_GE };
    case X86_INS_JLE: return (struct op_map){ OP_JCC, CC_LE };
    case X86_INS_JG: return (struct op_map){ OP_JCC, CC_G };
    case X86_INS_CMPXCHG: return (struct op_map){ OP_CMPXCHG, 0 };
    case X86_INS_CMPXCHG8B: return (struct op_map){ OP_CMPXCHG8B, 0 };
    case X86_INS_XADD: return (struct op_map){ OP_XADD, 0 };
    case X86_INS_XCHG: return (struct op_map){ OP_XCHG, 0 };
    case X86_INS_BSWAP: return (struct op_map){ OP_BSWAP, 0 };
    case X86_INS_MOV: case X86_INS_MOVABS: return (struct op_map){ OP_MOV, 0 };
    case X86_INS_MOVSX: return (struct op_map){ OP_MOVSX, 0 };
    case X86_INS_MOVZX: return (struct op_map){ OP_MOVZX, 0 };
    case X86_INS_LEA: return (struct op_map){ OP_LEA, 0 };
    case X86_INS_CBW: case X86_INS_CWDE: return (struct op_map){ OP_CBW, 0 };
    case X86_INS_CWD: case X86_INS_CDQ: return (struct op_map){ OP_CWD, 0 };
    case X86_INS_XLATB: return (struct op_map){ OP_XLAT, 0 };
    case X86_INS_LAHF: return (struct op_map){ OP_LAHF, 0 };
    case X86_INS_SAHF: return (struct op_map){ OP_SAHF, 0 };
    case X86_INS_CLC: return (struct op_map){ OP_CLC, 0 };
    case X86_INS_STC: return (struct op_map){ OP_STC, 0 };
    case X86_INS_CMC: return (struct op_map){ OP_CMC, 0 };
    case X86_INS_CLD: return (struct op_map){ OP_CLD, 0 };
    case X86_INS_STD: return (struct op_map){ OP_STD, 0 };
    case X86_INS_NOP: case X86_INS_ENDBR32: case X86_INS_ENDBR64:
    case X86_INS_PREFETCHNTA: case X86_INS_PREFETCHT0: case X86_INS_PREFETCHT1:
    case X86_INS_PREFETCHT2: /* 0F 18: hint NOPs on the P6 */
        return (struct op_map){ OP_NOP, 0 };
    case X86_INS_PAUSE: return (struct op_map){ OP_PAUSE, 0 };
    case X86_INS_PUSH: return (struct op_map){ OP_PUSH, 0 };
    case X86_INS_POP: return (struct op_map){ OP_POP, 0 };
    case X86_INS_PUSHAL: case X86_INS_PUSHAW: return (struct op_map){ OP_PUSHA, 0 };
    case X86_INS_POPAL: case X86_INS_POPAW: return (struct op_map){ OP_POPA, 0 };
    case X86_INS_ENTER: return (struct op_map){ OP_ENTER, 0 };
    case X86_INS_LEAVE: return (struct op_map){ OP_LEAVE, 0 };
    case X86_INS_BOUND: return (struct op_map){ OP_BOUND, 0 };
    case X86_INS_ARPL: return (struct op_map){ OP_ARPL, 0 };
    case X86_INS_LDS: return (struct op_map){ OP_LDS, 0 };
    case X86_INS_LES: return (struct op_map){ OP_LES, 0 };
    case X86_INS_LFS: return (struct op_map){ OP_LFS, 0 };
    case X86_INS_LGS: return (struct op_map){ OP_LGS, 0 };
    case X86_INS_LSS: return (struct op_map){ OP_LSS, 0 };
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD: return (struct op_map){ OP_MOVS, 0 };
    case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD: return (struct op_map){ OP_CMPS, 0 };
    case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD: return (struct op_map){ OP_SCAS, 0 };
    case X86_INS_LODSB: case X86_INS_LODSW: case X86_INS_LODSD: return (struct op_map){ OP_LODS, 0 };
    case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD: return (struct op_map){ OP_STOS, 0 };
    case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD: return (struct op_map){ OP_INS, 0 };
    case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD: return (struct op_map){ OP_OUTS, 0 };
    case X86_INS_JMP: return (struct op_map){ OP_JMP, 0 };
    case X86_INS_CALL: return (struct op_map){ OP_CALL, 0 };
    case X86_INS_RET: return (struct op_map){ OP_RET, 0 };
    case X86_INS_LOOP: return (struct op_map){ OP_LOOP, 0 };
    case X86_INS_LOOPE: return (struct op_map){ OP_LOOPE, 0 };
    case X86_INS_LOOPNE: return (struct op_map){ OP_LOOPNE, 0 };
    case X86_INS_JCXZ: case X86_INS_JECXZ: return (struct op_map){ OP_JCXZ, 0 };
    case X86_INS_LJMP: return (struct op_map){ OP_JMPF, 0 };
    case X86_INS_LCALL: return (struct op_map){ OP_CALLF, 0 };
    case X86_INS_RETF: return (struct op_map){ OP_RETF, 0 };
    case X86_INS_INT: return (struct op_map){ OP_INT, 0 };
    case X86_INS_INT3: return (struct op_map){ OP_INT3, 0 };
    case X86_INS_INT1: return (struct op_map){ OP_INT1, 0 };
    case X86_INS_INTO: return (struct op_map){ OP_INTO, 0 };
    case X86_INS_IRET: case X86_INS_IRETD: return (struct op_map){ OP_IRET, 0 };
    case X86_INS_UD2: return (struct op_map){ OP_UD2, 0 };
    case X86_INS_CLI: return (struct op_map){ OP_CLI, 0 };
    case X86_INS_STI: return (struct op_map){ OP_STI, 0 };
    case X86_INS_HLT: return (struct op_map){ OP_HLT, 0 };
    case X86_INS_IN: return (struct op_map){ OP_IN, 0 };
    case X86_INS_OUT: return (struct op_map){ OP_OUT, 0 };
    case X86_INS_PUSHF: case X86_INS_PUSHFD: return (struct op_map){ OP_PUSHF, 0 };
    case X86_INS_POPF: case X86_INS_POPFD: return (struct op_map){ OP_POPF, 0 };
    case X86_INS_LGDT: return (struct op_map){ OP_LGDT, 0 };
    case X86_INS_LIDT: return (struct op_map){ OP_LIDT, 0 };
    case X86_INS_SGDT: return (struct op_map){ OP_SGDT, 0 };
    case X86_INS_SIDT: return (struct op_map){ OP_SIDT, 0 };
    case X86_INS_LLDT: return (struct op_map){ OP_LLDT, 0 };
    case X86_INS_SLDT: return (struct op_map){ OP_SLDT, 0 };
    case X86_INS_LTR: return (struct op_map){ OP_LTR, 0 };
    case X86_INS_STR: return (struct op_map){ OP_STR, 0 };
    case X86_INS_LMSW: return (struct op_map){ OP_LMSW, 0 };
    case X86_INS_SMSW: return (struct op_map){ OP_SMSW, 0 };
    case X86_INS_CLTS: return (struct op_map){ OP_CLTS, 0 };
    case X86_INS_INVD: return (struct op_map){ OP_INVD, 0 };
    case X86_INS_WBINVD: return (struct op_map){ OP_WBINVD, 0 };
    case X86_INS_INVLPG: return (struct op_map){ OP_INVLPG, 0 };
    case X86_INS_RDMSR: return (struct op_map){ OP_RDMSR, 0 };
    case X86_INS_WRMSR: return (struct op_map){ OP_WRMSR, 0 };
    case X86_INS_RDPMC: return (struct op_map){ OP_RDPMC, 0 };
    case X86_INS_RDTSC: return (struct op_map){ OP_RDTSC, 0 };
    case X86_INS_CPUID: return (struct op_map){ OP_CPUID, 0 };
    case X86_INS_SYSENTER: return (struct op_map){ OP_SYSENTER, 0 };
    case X86_INS_SYSEXIT: return (struct op_map){ OP_SYSEXIT, 0 };
    case X86_INS_LAR: return (struct op_map){ OP_LAR, 0 };
    case X86_INS_LSL: return (struct op_map){ OP_LSL, 0 };
    case X86_INS_VERR: return (struct op_map){ OP_VERR, 0 };
    case X86_INS_VERW: return (struct op_map){ OP_VERW, 0 };
    case X86_INS_WAIT: return (struct op_map){ OP_WAIT, 0 };
    case X86_INS_VMCALL: return (struct op_map){ OP_VMCALL, 0 };
    default: return (struct op_map){ OP_UNKNOWN, 0 };
    }
}

/* Index of the first opcode byte after the prefixes. */
static int opcode_offset(const uint8_t *b, int len)
{
    int i = 0;
    while (i < len) {
        switch (b[i]) {
        case 0xf0: case 0xf2: case 0xf3: case 0x2e: case 0x36: case 0x3e: case 0x26:
        case 0x64: case 0x65: case 0x66: case 0x67:
            i++;
            continue;
        }
        break;
    }
    return i;
}

static uint8_t seg_of_prefix(const uint8_t *b, int n)
{
    uint8_t s = S_NONE;
    for (int i = 0; i < n; i++) {
        switch (b[i]) {
        case 0x26: s = S_ES; break;
        case 0x2e: s = S_CS; break;
        case 0x36: s = S_SS; break;
        case 0x3e: s = S_DS; break;
        case 0x64: s = S_FS; break;
        case 0x65: s = S_GS; break;
        }
    }
    return s;
}

/*
 * Length of a ModRM operand (ModRM, SIB, displacement) at m, or 0 if it
 * runs past len.  Only for the hint-NOP space, which Capstone rejects.
 */
static int modrm_len(const uint8_t *m, size_t len, int addr16)
{
    if (len < 1)
        return 0;
    int mod = m[0] >> 6, rm = m[0] & 7, n = 1;
    if (mod == 3)
        return 1;
    if (addr16) {
        n += mod == 1 ? 1 : mod == 2 ? 2 : (rm == 6 ? 2 : 0);
    } else {
        if (rm == 4) {
            if (len < 2)
                return 0;
            n++;
            if (mod == 0 && (m[1] & 7) == 5)
                n += 4;
        }
        n += mod == 1 ? 1 : mod == 2 ? 4 : (rm == 5 ? 4 : 0);
    }
    return (size_t)n <= len ? n : 0;
}

/* 0F 18-1F: prefetch and reserved hint NOPs; a P6 executes all as NOPs. */
static int decode_hint_nop(const uint8_t *code, size_t len, uint32_t eip, int code32,
                           struct insn *out)
{
    int opc = opcode_offset(code, len);
    if ((size_t)opc + 2 > len || code[opc] != 0x0f || code[opc + 1] < 0x18 || code[opc + 1] > 0x1f)
        return -1;
    int addr16 = !code32;
    for (int i = 0; i < opc; i++)
        if (code[i] == 0x67)
            addr16 = !addr16;
    int m = modrm_len(code + opc + 2, len - opc - 2, addr16);
    if (!m || opc + 2 + m > 15)
        return -1;
    memset(out, 0, sizeof(*out));
    out->eip = eip;
    out->len = opc + 2 + m;
    memcpy(out->bytes, code, out->len);
    out->op = OP_NOP;
    out->cls = insn_table[OP_NOP].cls;
    out->opsize = code32 ? 4 : 2;
    out->addrsize = addr16 ? 2 : 4;
    out->seg_override = S_NONE;
    snprintf(out->text, sizeof(out->text), "nop (hint, 0f %02x)", code[opc + 1]);
    return 0;
}

int decode_insn(const uint8_t *code, size_t len, uint32_t eip, int code32, struct insn *out)
{
    if (decode_hint_nop(code, len > 16 ? 16 : len, eip, code32, out) == 0)
        return 0;
    csh h = code32 ? cs32 : cs16;
    cs_insn *ci = code32 ? cs_buf32 : cs_buf16;
    const uint8_t *p = code;
    size_t sz = len > 16 ? 16 : len;
    uint64_t addr = eip;

    memset(out, 0, sizeof(*out));
    out->eip = eip;
    out->seg_override = S_NONE;
    if (!cs_disasm_iter(h, &p, &sz, &addr, ci) || ci->size > 15) {
        out->op = OP_INVALID;
        return -1;
    }
    cs_x86 *x = &ci->detail->x86;
    out->len = ci->size;
    memcpy(out->bytes, code, ci->size);
    size_t ml = strlen(ci->mnemonic);
    if (ml >= sizeof(out->text))
        ml = sizeof(out->text) - 1;
    memcpy(out->text, ci->mnemonic, ml);
    out->text[ml] = 0;
    if (ci->op_str[0] && ml + 2 < sizeof(out->text)) {
        out->text[ml] = ' ';
        snprintf(out->text + ml + 1, sizeof(out->text) - ml - 1, "%.*s",
                 (int)(sizeof(out->text) - ml - 2), ci->op_str);
    }

    struct op_map m = map_op(ci->id);
    out->op = m.op;
    out->cc = m.cc;
    int opc = opcode_offset(code, ci->size);
    uint8_t b0 = code[opc], b1 = opc + 1 < ci->size ? code[opc + 1] : 0;
    out->seg_override = seg_of_prefix(code, opc);
    out->lock = x->prefix[0] == X86_PREFIX_LOCK;
    out->rep = x->prefix[0] == X86_PREFIX_REP ? REP_E : x->prefix[0] == X86_PREFIX_REPNE ? REP_NE : REP_NONE;
    /* Capstone reports the last of F2/F3; the CPU honours it too. */
    for (int i = 0; i < opc; i++) {
        if (code[i] == 0xf3) out->rep = REP_E;
        else if (code[i] == 0xf2) out->rep = REP_NE;
        else if (code[i] == 0xf0) out->lock = 1;
    }
    if (ci->id == X86_INS_TZCNT || ci->id == X86_INS_LZCNT)
        out->rep = REP_NONE;
    int opsize16 = (x->prefix[2] == X86_PREFIX_OPSIZE) ^ !code32;
    int addr16 = (x->prefix[3] == X86_PREFIX_ADDRSIZE) ^ !code32;
    out->opsize = opsize16 ? 2 : 4;
    out->addrsize = addr16 ? 2 : 4;

    /* "movsd"/"cmpsd" are also SSE2 mnemonics; only A5/A7 are the string ones. */
    if ((ci->id == X86_INS_MOVSD && b0 != 0xa5) || (ci->id == X86_INS_CMPSD && b0 != 0xa7))
        out->op = OP_UNKNOWN;
    if (ci->id == X86_INS_MOV && b0 == 0x0f && (b1 == 0x20 || b1 == 0x22))
        out->op = OP_MOVCR;
    if (ci->id == X86_INS_MOV && b0 == 0x0f && (b1 == 0x21 || b1 == 0x23))
        out->op = OP_MOVDR;
    if (ci->id == X86_INS_MOV && (b0 == 0x8c || b0 == 0x8e))
        out->op = OP_MOVSEG;

    out->nops = x->op_count > 3 ? 3 : x->op_count;
    for (int i = 0; i < out->nops; i++) {
        cs_x86_op *co = &x->operands[i];
        struct operand *o = &out->o[i];
        o->size = co->size;
        switch (co->type) {
        case X86_OP_REG: {
            struct reg_map rm = map_reg(co->reg);
            o->kind = rm.kind;
            o->reg = rm.num;
            if (rm.kind == OPK_NONE)
                out->op = OP_UNKNOWN; /* x87/MMX/SSE registers: not integer ISA */
            break;
        }
        case X86_OP_IMM:
            o->kind = OPK_IMM;
            o->imm = (uint32_t)co->imm;
            break;
        case X86_OP_MEM: {
            o->kind = OPK_MEM;
            o->base = gpr_num(co->mem.base);
            o->index = gpr_num(co->mem.index);
            o->scale = co->mem.scale;
            o->disp = (int32_t)co->mem.disp;
            struct reg_map sm = map_reg(co->mem.segment);
            if (sm.kind == OPK_SREG)
                o->seg = sm.num;
            else if (out->seg_override != S_NONE)
                o->seg = out->seg_override;
            else if (o->base == R_EBP || o->base == R_ESP)
                o->seg = S_SS;
            else
                o->seg = S_DS;
            break;
        }
        default:
            o->kind = OPK_NONE;
        }
    }
    if (out->op == OP_AAM || out->op == OP_AAD) {
        out->nops = 1;
        out->o[0] = (struct operand){ .kind = OPK_IMM, .size = 1, .imm = code[ci->size - 1] };
    }
    /* Data operand size: the destination's, when it has one. */
    if (out->nops && (out->o[0].kind == OPK_REG || out->o[0].kind == OPK_MEM) &&
        out->o[0].size && out->o[0].size <= 4)
        out->opsize = out->o[0].size;
    switch (out->op) {
    case OP_MOVS: case OP_CMPS: case OP_SCAS: case OP_LODS: case OP_STOS: case OP_INS:
    case OP_OUTS:
        /* Byte forms have an even opcode (A4, A6, AA, AC, AE, 6C, 6E). */
        if (!(b0 & 1))
            out->opsize = 1;
        else
            out->opsize = opsize16 ? 2 : 4;
        break;
    case OP_PUSH: case OP_POP:
        /* push imm8/imm16 and segment registers use the operand size. */
        out->opsize = opsize16 ? 2 : 4;
        if (out->nops && out->o[0].kind == OPK_MEM)
            out->opsize = out->o[0].size;
        break;
    case OP_PUSHF: case OP_POPF: case OP_PUSHA: case OP_POPA: case OP_IRET: case OP_RET:
    case OP_RETF: case OP_CALL: case OP_CALLF: case OP_JMPF: case OP_ENTER: case OP_LEAVE:
    case OP_CBW: case OP_CWD: case OP_INT: case OP_JMP: case OP_JCC: case OP_LOOP:
    case OP_LOOPE: case OP_LOOPNE: case OP_JCXZ:
        out->opsize = opsize16 ? 2 : 4;
        break;
    case OP_IN: case OP_OUT:
        /* Size is that of the accumulator operand. */
        for (int i = 0; i < out->nops; i++)
            if (out->o[i].kind == OPK_REG && out->o[i].reg == R_EAX)
                out->opsize = out->o[i].size;
        break;
    default:
        break;
    }
    out->cls = insn_table[out->op].cls;
    /* The one class the table cannot give, since it depends on the operand:
     * PUSH/POP of a segment register is one of the 17 Popek-Goldberg violators. */
    if ((out->op == OP_PUSH || out->op == OP_POP) && out->nops && out->o[0].kind == OPK_SREG)
        out->cls = CLS_SENSITIVE;
    return 0;
}

int decode_text(const uint8_t *code, size_t len, uint32_t eip, int code32, char *buf, size_t bufsz)
{
    struct insn in;
    if (decode_insn(code, len, eip, code32, &in) < 0) {
        snprintf(buf, bufsz, "(bad)");
        return 0;
    }
    snprintf(buf, bufsz, "%s", in.text);
    return in.len;
}
