/*
 * ir.c - building and printing IR blocks.
 */
#include "translator/ir.h"
#include "emu/helpers.h"

#include <string.h>

const char *const ir_opc_names[IR_COUNT] = {
    [IR_NOP] = "nop", [IR_MOVI] = "movi", [IR_MOV] = "mov", [IR_ADD] = "add", [IR_SUB] = "sub",
    [IR_AND] = "and", [IR_OR] = "or", [IR_XOR] = "xor", [IR_SHL] = "shl", [IR_SHR] = "shr",
    [IR_SAR] = "sar", [IR_ROL] = "rol", [IR_ROR] = "ror", [IR_ADDI] = "addi", [IR_LEA] = "lea", [IR_IDX] = "idx", [IR_ANDI] = "andi",
    [IR_MUL] = "mul", [IR_MULHU] = "mulhu", [IR_MULHS] = "mulhs", [IR_NOT] = "not",
    [IR_NEG] = "neg", [IR_EXT8U] = "ext8u", [IR_EXT8S] = "ext8s", [IR_EXT16U] = "ext16u",
    [IR_EXT16S] = "ext16s", [IR_HI8] = "hi8", [IR_DEP8L] = "dep8l", [IR_DEP8H] = "dep8h",
    [IR_DEP16] = "dep16", [IR_BSWAP] = "bswap", [IR_SELECT] = "select", [IR_SETEQ] = "seteq",
    [IR_LD8] = "ld8", [IR_LD16] = "ld16", [IR_LD32] = "ld32", [IR_ST8] = "st8",
    [IR_ST16] = "st16", [IR_ST32] = "st32", [IR_LDCPU] = "ldcpu", [IR_STCPU] = "stcpu",
    [IR_SETCC] = "setcc", [IR_GETCC] = "getcc", [IR_TESTCC] = "testcc",
    [IR_GETFLAGS] = "getflags", [IR_CALL] = "call", [IR_EXIT] = "exit", [IR_EXITCC] = "exitcc",
    [IR_EXITIND] = "exitind", [IR_EXITEIP] = "exiteip",
};

void ir_block_init(struct ir_block *b, uint32_t eip, uint32_t hflags)
{
    b->eip = eip;
    b->hflags = hflags;
    b->nops = 0;
    b->ninsns = 0;
    b->ntemps = 0;
    b->guest_bytes = 0;
}

uint16_t ir_temp(struct ir_block *b)
{
    return V_TEMP0 + b->ntemps++;
}

/* Room for one more guest instruction of the worst kind. */
int ir_room(const struct ir_block *b)
{
    return b->nops + 96 < IR_MAX_OPS && b->ntemps + 96 < CPU_NTEMPS && b->ninsns < IR_MAX_INSNS;
}

struct ir_op *ir_emit(struct ir_block *b, int opc, uint16_t d, uint16_t a, uint16_t b_, uint16_t c,
                      uint32_t imm, uint32_t aux)
{
    struct ir_op *op = &b->ops[b->nops++];
    op->opc = opc;
    op->d = d;
    op->a = a;
    op->b = b_;
    op->c = c;
    op->imm = imm;
    op->aux = aux;
    op->insn = b->ninsns ? b->ninsns - 1 : 0;
    return op;
}

int ir_op_has_side_effects(int opc)
{
    switch (opc) {
    case IR_LD8: case IR_LD16: case IR_LD32: /* may fault */
    case IR_ST8: case IR_ST16: case IR_ST32: case IR_STCPU: case IR_SETCC: case IR_CALL:
    case IR_EXIT: case IR_EXITCC: case IR_EXITIND: case IR_EXITEIP:
        return 1;
    default:
        return 0;
    }
}

int ir_op_writes_d(int opc)
{
    switch (opc) {
    case IR_NOP: case IR_ST8: case IR_ST16: case IR_ST32: case IR_STCPU: case IR_SETCC:
    case IR_EXIT: case IR_EXITCC: case IR_EXITIND: case IR_EXITEIP:
        return 0;
    default:
        return 1;
    }
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
    fprintf(f, "%-8s ", ir_opc_names[op->opc]);
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
    case IR_EXITEIP:
        break;
    default:
        print_val(f, op->d);
        fputs(", ", f);
        print_val(f, op->a);
        if (op->opc != IR_MOV && op->opc != IR_NOT && op->opc != IR_NEG && op->opc != IR_BSWAP &&
            !(op->opc >= IR_EXT8U && op->opc <= IR_HI8) && op->opc != IR_GETFLAGS) {
            fputs(", ", f);
            print_val(f, op->b);
        }
        if (op->opc == IR_SELECT) {
            fputs(", ", f);
            print_val(f, op->c);
        }
        break;
    }
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
