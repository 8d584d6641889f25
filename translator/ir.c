/*
 * ir.c - building and printing IR blocks.
 */
#include "translator/ir.h"
#include "monitor/helpers.h"

#include <string.h>

#define D IRF_WRITES_D
#define A IRR_A
#define B IRR_B
#define C IRR_C
/* A load or store may fault and hand control to the run loop: the flags
 * must be exact there, so they count as read. */
#define LOAD (D | IRF_MAY_FAULT | IRF_READS_MEM | IRF_READS_FLAGS)
#define STORE (IRF_MAY_FAULT | IRF_WRITES_MEM | IRF_READS_FLAGS)
/* A helper or an exit may look at or change anything. */
#define ANY (IRF_READS_MEM | IRF_WRITES_MEM | IRF_READS_CPU | IRF_WRITES_CPU | IRF_READS_FLAGS | \
             IRF_WRITES_FLAGS)
#define EXIT_ (IRF_EXIT | IRF_READS_FLAGS | IRF_READS_CPU)

const struct ir_op_info ir_op_info[IR_COUNT] = {
    [IR_NOP] = { "nop", 0, 0 },
    [IR_MOVI] = { "movi", 0, D },
    [IR_MOV] = { "mov", A, D },
    [IR_ADD] = { "add", A | B, D },
    [IR_SUB] = { "sub", A | B, D },
    [IR_AND] = { "and", A | B, D },
    [IR_OR] = { "or", A | B, D },
    [IR_XOR] = { "xor", A | B, D },
    [IR_SHL] = { "shl", A | B, D },
    [IR_SHR] = { "shr", A | B, D },
    [IR_SAR] = { "sar", A | B, D },
    [IR_ROL] = { "rol", A | B, D },
    [IR_ROR] = { "ror", A | B, D },
    [IR_ADDI] = { "addi", A, D },
    [IR_LEA] = { "lea", A | B, D },
    [IR_IDX] = { "idx", B, D },
    [IR_ANDI] = { "andi", A, D },
    [IR_MUL] = { "mul", A | B, D },
    [IR_MULHU] = { "mulhu", A | B, D },
    [IR_MULHS] = { "mulhs", A | B, D },
    [IR_NOT] = { "not", A, D },
    [IR_NEG] = { "neg", A, D },
    [IR_EXT8U] = { "ext8u", A, D },
    [IR_EXT8S] = { "ext8s", A, D },
    [IR_EXT16U] = { "ext16u", A, D },
    [IR_EXT16S] = { "ext16s", A, D },
    [IR_HI8] = { "hi8", A, D },
    [IR_DEP8L] = { "dep8l", A | B, D },
    [IR_DEP8H] = { "dep8h", A | B, D },
    [IR_DEP16] = { "dep16", A | B, D },
    [IR_BSWAP] = { "bswap", A, D },
    [IR_SELECT] = { "select", A | B | C, D },
    [IR_SETEQ] = { "seteq", A | B, D },
    [IR_LD8] = { "ld8", A, LOAD },
    [IR_LD16] = { "ld16", A, LOAD },
    [IR_LD32] = { "ld32", A, LOAD },
    [IR_ST8] = { "st8", A | B, STORE },
    [IR_ST16] = { "st16", A | B, STORE },
    [IR_ST32] = { "st32", A | B, STORE },
    [IR_LDCPU] = { "ldcpu", 0, D | IRF_READS_CPU },
    [IR_STCPU] = { "stcpu", A, IRF_WRITES_CPU },
    [IR_SETCC] = { "setcc", IRR_D | A | B, IRF_WRITES_FLAGS },
    [IR_GETCC] = { "getcc", 0, D | IRF_READS_FLAGS | IRF_FLAGS_MASKED },
    [IR_TESTCC] = { "testcc", A | B | C, D },
    [IR_GETFLAGS] = { "getflags", 0, D | IRF_READS_FLAGS | IRF_READS_CPU },
    [IR_SETFL] = { "setfl", A, IRF_WRITES_FLAGS | IRF_FLAGS_MASKED },
    [IR_CCFLAGS] = { "ccflags", A | B | C, D },
    [IR_CALL] = { "call", A | B | C, D | IRF_CALL | IRF_MAY_FAULT | ANY },
    [IR_EXIT] = { "exit", 0, EXIT_ },
    [IR_EXITCC] = { "exitcc", A, EXIT_ },
    [IR_EXITIND] = { "exitind", A, EXIT_ },
    [IR_EXITEIP] = { "exiteip", 0, EXIT_ },
    [IR_BRANCH] = { "branch", A, EXIT_ | IRF_SIDE_EXIT },
};

#undef D
#undef A
#undef B
#undef C

const char *const ir_exit_kind_name[IR_EXIT_KINDS] = {
    [IR_EXIT_NONE] = "none", [IR_EXIT_JUMP] = "jump", [IR_EXIT_COND] = "cond",
    [IR_EXIT_CALL] = "call", [IR_EXIT_RET] = "ret", [IR_EXIT_PAGE] = "page",
    [IR_EXIT_SPLIT] = "split", [IR_EXIT_MONITOR] = "monitor", [IR_EXIT_FAR] = "far",
    [IR_EXIT_RAISE] = "raise",
};

/* The flags each condition (Jcc's low nibble >> 1) reads. */
static const uint32_t cond_reads[8] = {
    F_OF, F_CF, F_ZF, F_CF | F_ZF, F_SF, F_PF, F_SF | F_OF, F_SF | F_OF | F_ZF,
};

uint32_t ir_flags_read(const struct ir_op *op)
{
    if (!(ir_op_info[op->opc].flags & IRF_READS_FLAGS))
        return 0;
    if (op->opc == IR_GETCC)
        return cond_reads[(op->imm >> 1) & 7];
    return F_ARITH;
}

uint32_t ir_flags_written(const struct ir_op *op)
{
    if (op->opc == IR_SETCC)
        return F_ARITH;
    if (op->opc == IR_SETFL)
        return op->imm & F_ARITH;
    return 0;
}

uint32_t ir_flags_killed(const struct ir_op *op)
{
    return op->aux ? 0 : ir_flags_written(op);
}

void ir_block_init(struct ir_block *b, uint32_t eip, uint32_t hflags)
{
    b->eip = eip;
    b->cs_base = 0;
    b->hflags = hflags;
    b->nops = 0;
    b->ninsns = 0;
    b->ntemps = 0;
    b->guest_bytes = 0;
    b->code_lo = eip;
    b->mem_hint = 0;
}

uint16_t ir_temp(struct ir_block *b)
{
    return V_TEMP0 + b->ntemps++;
}

/* Room for one more guest instruction of the worst kind. */
int ir_room(const struct ir_block *b)
{
    return b->nops + 96 < IR_MAX_OPS && b->ntemps + 96 < IR_MAX_TEMPS && b->ninsns < IR_MAX_INSNS;
}

struct ir_op *ir_emit(struct ir_block *b, int opc, uint16_t d, uint16_t a, uint16_t b_, uint16_t c,
                      uint32_t imm, uint32_t aux)
{
    struct ir_op *op = &b->ops[b->nops++];
    op->opc = opc;
    op->exit = IR_EXIT_NONE;
    op->d = d;
    op->a = a;
    op->b = b_;
    op->c = c;
    op->imm = imm;
    op->aux = aux;
    op->insn = b->ninsns ? b->ninsns - 1 : 0;
    return op;
}

struct ir_op *ir_emit_exit(struct ir_block *b, int opc, int kind, uint16_t a, uint32_t imm,
                           uint32_t aux)
{
    struct ir_op *op = ir_emit(b, opc, 0, a, 0, 0, imm, aux);
    op->exit = kind;
    return op;
}

static void print_val(FILE *f, uint16_t v)
{
    static const char *const names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    if (v < V_TEMP0)
        fprintf(f, "%s", names[v]);
    else
        fprintf(f, "t%u", v - V_TEMP0);
}

void ir_dump_op(FILE *f, const struct ir_op *op)
{
    fprintf(f, "%-8s ", ir_op_info[op->opc].name);
    switch (op->opc) {
    case IR_NOP:
        break;
    case IR_MOVI:
        print_val(f, op->d);
        fprintf(f, ", 0x%x", op->imm);
        break;
    case IR_ADDI: case IR_ANDI:
        print_val(f, op->d);
        fputs(", ", f);
        print_val(f, op->a);
        fprintf(f, ", 0x%x", op->imm);
        break;
    case IR_LEA: case IR_IDX:
        print_val(f, op->d);
        fputs(", ", f);
        if (op->opc == IR_LEA) {
            print_val(f, op->a);
            fputs(" + ", f);
        }
        print_val(f, op->b);
        fprintf(f, "<<%u + 0x%x", op->imm, op->aux);
        break;
    case IR_LDCPU:
        print_val(f, op->d);
        fprintf(f, ", cpu+0x%x", op->imm);
        break;
    case IR_STCPU:
        fprintf(f, "cpu+0x%x, ", op->imm);
        print_val(f, op->a);
        break;
    case IR_LD8: case IR_LD16: case IR_LD32:
        print_val(f, op->d);
        fputs(", [", f);
        print_val(f, op->a);
        fputs("]", f);
        break;
    case IR_ST8: case IR_ST16: case IR_ST32:
        fputs("[", f);
        print_val(f, op->a);
        fputs("], ", f);
        print_val(f, op->b);
        break;
    case IR_SETCC:
        fprintf(f, "kind=%u dst=", op->imm);
        print_val(f, op->d);
        fputs(" src1=", f);
        print_val(f, op->a);
        fputs(" src2=", f);
        print_val(f, op->b);
        if (op->aux) {
            fputs(" if ", f);
            print_val(f, op->c);
        }
        break;
    case IR_SETFL:
        fprintf(f, "mask=0x%x ", op->imm);
        print_val(f, op->a);
        if (op->aux) {
            fputs(" if ", f);
            print_val(f, op->c);
        }
        break;
    case IR_CCFLAGS:
        print_val(f, op->d);
        fprintf(f, ", kind=%u ", op->aux);
        print_val(f, op->a);
        fputs(", ", f);
        print_val(f, op->b);
        fputs(", ", f);
        print_val(f, op->c);
        break;
    case IR_GETCC:
        print_val(f, op->d);
        fprintf(f, ", cond=%u", op->imm);
        break;
    case IR_TESTCC:
        print_val(f, op->d);
        fprintf(f, ", cond=%u kind=%u ", op->imm, op->aux);
        print_val(f, op->a);
        fputs(", ", f);
        print_val(f, op->b);
        fputs(", ", f);
        print_val(f, op->c);
        break;
    case IR_CALL:
        print_val(f, op->d);
        fprintf(f, ", %s(", helper_name(op->imm));
        print_val(f, op->a);
        fputs(", ", f);
        print_val(f, op->b);
        fputs(", ", f);
        print_val(f, op->c);
        fputs(")", f);
        break;
    case IR_EXIT:
        fprintf(f, "0x%08x", op->imm);
        break;
    case IR_EXITCC:
        print_val(f, op->a);
        fprintf(f, " ? 0x%08x : 0x%08x", op->imm, op->aux);
        break;
    case IR_EXITIND:
        print_val(f, op->a);
        break;
    case IR_BRANCH:
        print_val(f, op->a);
        fprintf(f, " ? 0x%08x", op->imm);
        break;
    case IR_EXITEIP:
        break;
    default: {
        /* The destination, then the operands the table says the op reads. */
        const char *sep = ", ";
        print_val(f, op->d);
        if (ir_op_info[op->opc].reads & IRR_A) {
            fputs(sep, f);
            print_val(f, op->a);
        }
        if (ir_op_info[op->opc].reads & IRR_B) {
            fputs(sep, f);
            print_val(f, op->b);
        }
        if (ir_op_info[op->opc].reads & IRR_C) {
            fputs(sep, f);
            print_val(f, op->c);
        }
        break;
    }
    }
    if (ir_op_info[op->opc].flags & IRF_EXIT)
        fprintf(f, "%s(%s)", op->opc == IR_EXITEIP ? "" : " ",
                op->exit < IR_EXIT_KINDS ? ir_exit_kind_name[op->exit] : "?");
    fputc('\n', f);
}

void ir_dump(FILE *f, const struct ir_block *b)
{
    int insn = -1;
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        if (op->opc == IR_NOP)
            continue;
        if (op->insn != insn) {
            insn = op->insn;
            fprintf(f, " ---- %08x\n", b->insns[insn].eip);
        }
        fputs("  ", f);
        ir_dump_op(f, op);
    }
}
