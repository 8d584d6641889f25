/*
 * test_ir.c - the IR, its optimizer and the threaded-code backend:
 * dead flag computations and dead temporaries disappear, live ones stay,
 * and the compiled block computes what the ops say.
 */
#include "check.h"
#include "cpu/flags.h"
#include "translator/backend.h"
#include "translator/ir.h"

#include <stdlib.h>
#include <string.h>

static int count_opc(const struct ir_block *b, int opc)
{
    int n = 0;
    for (int i = 0; i < b->nops; i++)
        n += b->ops[i].opc == opc;
    return n;
}

int main(void)
{
    static struct ir_block b;
    static struct cpu cpu;

    /* add eax, ebx; sub ecx, edx; jcc -> the first SETCC is dead. */
    ir_block_init(&b, 0x1000, HF_CODE32);
    b.ninsns = 1;
    uint16_t t0 = ir_temp(&b), t1 = ir_temp(&b), t2 = ir_temp(&b), dead = ir_temp(&b);
    ir_emit(&b, IR_ADD, t0, R_EAX, R_EBX, 0, 0, 0);
    ir_emit(&b, IR_SETCC, t0, R_EAX, R_EBX, 0, CC_KIND(CCB_ADD, 2), 0);
    ir_emit(&b, IR_MOV, R_EAX, t0, 0, 0, 0, 0);
    ir_emit(&b, IR_SUB, t1, R_ECX, R_EDX, 0, 0, 0);
    ir_emit(&b, IR_SETCC, t1, R_ECX, R_EDX, 0, CC_KIND(CCB_SUB, 2), 0);
    ir_emit(&b, IR_MOVI, dead, 0, 0, 0, 1234, 0); /* nobody reads it */
    ir_emit(&b, IR_TESTCC, t2, t1, R_ECX, R_EDX, CC_L, CC_KIND(CCB_SUB, 2));
    ir_emit(&b, IR_EXITCC, 0, t2, 0, 0, 0x2000, 0x3000);
    ir_optimize(&b);
    CHECK_EQ(count_opc(&b, IR_SETCC), 1);
    CHECK_EQ(count_opc(&b, IR_MOVI), 0);
    CHECK_EQ(count_opc(&b, IR_ADD), 1);

    /* A load may fault: the flags before it stay exact. */
    static struct ir_block b2;
    ir_block_init(&b2, 0x1000, HF_CODE32);
    b2.ninsns = 1;
    uint16_t a0 = ir_temp(&b2), a1 = ir_temp(&b2), a2 = ir_temp(&b2);
    ir_emit(&b2, IR_ADD, a0, R_EAX, R_EBX, 0, 0, 0);
    ir_emit(&b2, IR_SETCC, a0, R_EAX, R_EBX, 0, CC_KIND(CCB_ADD, 2), 0);
    ir_emit(&b2, IR_LD32, a1, R_ESI, 0, 0, 0, 0);
    ir_emit(&b2, IR_SUB, a2, a1, R_EDX, 0, 0, 0);
    ir_emit(&b2, IR_SETCC, a2, a1, R_EDX, 0, CC_KIND(CCB_SUB, 2), 0);
    ir_emit(&b2, IR_EXIT, 0, 0, 0, 0, 0x2000, 0);
    ir_optimize(&b2);
    CHECK_EQ(count_opc(&b2, IR_SETCC), 2);

    /* Run the first block through the threaded-code backend. */
    void *mem = aligned_alloc(16, (backend_interp.code_size(&b) + 15) & ~(size_t)15);
    struct tb tb;
    uint32_t eips[1] = { 0x1000 };
    memset(&tb, 0, sizeof(tb));
    tb.code = backend_interp.compile(&b, mem, mem, &tb);
    tb.insn_eip = eips;
    tb.ninsns = 1;
    cpu.r[R_EAX] = 5;
    cpu.r[R_EBX] = 7;
    cpu.r[R_ECX] = 3;
    cpu.r[R_EDX] = 9;
    cpu.budget = 100;
    int slot;
    backend_interp.exec(&cpu, &tb, &slot);
    CHECK_EQ(cpu.r[R_EAX], 12);
    CHECK_EQ(cpu.eip, 0x2000); /* 3 < 9, signed: taken */
    CHECK_EQ(slot, 0);
    CHECK_EQ(cpu.cc_op, CC_KIND(CCB_SUB, 2));
    /* The lazy flags give what the hardware sets for 3 - 9. */
    CHECK_EQ(cpu_get_eflags(&cpu) & F_ARITH, F_CF | F_SF | F_AF | F_PF);
    cpu.r[R_ECX] = 10;
    backend_interp.exec(&cpu, &tb, &slot);
    CHECK_EQ(cpu.eip, 0x3000);
    CHECK_EQ(slot, 1);
    free(mem);

    /* cmp ecx, edx; clc: the partial write keeps the compare live for ZF SF AF PF OF. */
    static struct ir_block b3;
    ir_block_init(&b3, 0x1000, HF_CODE32);
    b3.ninsns = 1;
    uint16_t c0 = ir_temp(&b3), c1 = ir_temp(&b3);
    ir_emit(&b3, IR_SUB, c0, R_ECX, R_EDX, 0, 0, 0);
    ir_emit(&b3, IR_SETCC, c0, R_ECX, R_EDX, 0, CC_KIND(CCB_SUB, 2), 0);
    ir_emit(&b3, IR_MOVI, c1, 0, 0, 0, 0, 0);
    ir_emit(&b3, IR_SETFL, 0, c1, 0, 0, F_CF, 0);
    ir_emit(&b3, IR_EXIT, 0, 0, 0, 0, 0x2000, 0);
    ir_optimize(&b3);
    CHECK_EQ(count_opc(&b3, IR_SETCC), 1);
    CHECK_EQ(count_opc(&b3, IR_SETFL), 1);
    void *mem3 = aligned_alloc(16, (backend_interp.code_size(&b3) + 15) & ~(size_t)15);
    memset(&tb, 0, sizeof(tb));
    tb.code = backend_interp.compile(&b3, mem3, mem3, &tb);
    tb.insn_eip = eips;
    tb.ninsns = 1;
    cpu.r[R_ECX] = 3;
    cpu.r[R_EDX] = 9;
    cpu.budget = 100;
    backend_interp.exec(&cpu, &tb, &slot);
    /* 3 - 9 sets CF SF AF PF; CLC clears CF alone. */
    CHECK_EQ(cpu_get_eflags(&cpu) & F_ARITH, F_SF | F_AF | F_PF);
    CHECK_EQ(cpu_cond(&cpu, CC_B), 0);
    CHECK_EQ(cpu_cond(&cpu, CC_L), 1);
    CHECK_EQ(cpu_cond(&cpu, CC_BE), 0);
    /* SAHF with AH = ZF|CF keeps OF (clear here) and replaces the other five. */
    cpu_set_arith_flags(&cpu, F_ZF | F_CF, F_SF | F_ZF | F_AF | F_PF | F_CF);
    CHECK_EQ(cpu_get_eflags(&cpu) & F_ARITH, F_ZF | F_CF);
    CHECK_EQ(cpu_get_cf(&cpu), F_CF);
    /* A full write ends the override. */
    cpu.cc_op = CC_KIND(CCB_LOGIC, 2);
    cpu.cc_dst = 0;
    CHECK_EQ(cpu_get_eflags(&cpu) & F_ARITH, F_ZF | F_PF);
    free(mem3);

    /* clc; cmp: the partial write is dead; clc; jc; cmp: it is read. */
    static struct ir_block b4;
    ir_block_init(&b4, 0x1000, HF_CODE32);
    b4.ninsns = 1;
    uint16_t d0 = ir_temp(&b4), d1 = ir_temp(&b4), d2 = ir_temp(&b4), d3 = ir_temp(&b4);
    ir_emit(&b4, IR_ADD, d0, R_EAX, R_EBX, 0, 0, 0);
    ir_emit(&b4, IR_SETCC, d0, R_EAX, R_EBX, 0, CC_KIND(CCB_ADD, 2), 0);
    ir_emit(&b4, IR_MOVI, d1, 0, 0, 0, 0, 0);
    ir_emit(&b4, IR_SETFL, 0, d1, 0, 0, F_CF, 0);
    ir_emit(&b4, IR_GETCC, d2, 0, 0, 0, CC_B, 0);
    ir_emit(&b4, IR_MOV, R_EDI, d2, 0, 0, 0, 0);
    ir_emit(&b4, IR_SUB, d3, R_ECX, R_EDX, 0, 0, 0);
    ir_emit(&b4, IR_SETCC, d3, R_ECX, R_EDX, 0, CC_KIND(CCB_SUB, 2), 0);
    ir_emit(&b4, IR_EXIT, 0, 0, 0, 0, 0x2000, 0);
    ir_optimize(&b4);
    /* The GETCC reads CF only, which the SETFL supplies: the ADD's flags are dead. */
    CHECK_EQ(count_opc(&b4, IR_SETFL), 1);
    CHECK_EQ(count_opc(&b4, IR_SETCC), 1);
    b4.ops[4].opc = IR_NOP; /* without the reader */
    b4.ops[5].opc = IR_NOP;
    b4.ops[3].opc = IR_SETFL;
    b4.ops[1].opc = IR_SETCC;
    ir_optimize(&b4);
    CHECK_EQ(count_opc(&b4, IR_SETFL), 0);
    CHECK_EQ(count_opc(&b4, IR_SETCC), 1);

    /* movzx ecx, byte [edx]; movzx ebx, byte [eax]; cmp cl, bl: the
     * zero extensions of registers a byte load filled are copies, and
     * the compare reads the registers themselves. */
    static struct ir_block b5;
    ir_block_init(&b5, 0x1000, HF_CODE32);
    b5.ninsns = 1;
    uint16_t e0 = ir_temp(&b5), e1 = ir_temp(&b5), e2 = ir_temp(&b5), e3 = ir_temp(&b5);
    uint16_t e4 = ir_temp(&b5);
    ir_emit(&b5, IR_LD8, e0, R_EDX, 0, 0, 0, 0);
    ir_emit(&b5, IR_MOV, R_ECX, e0, 0, 0, 0, 0);
    ir_emit(&b5, IR_LD8, e1, R_EAX, 0, 0, 0, 0);
    ir_emit(&b5, IR_MOV, R_EBX, e1, 0, 0, 0, 0);
    ir_emit(&b5, IR_EXT8U, e2, R_ECX, 0, 0, 0, 0);
    ir_emit(&b5, IR_EXT8U, e3, R_EBX, 0, 0, 0, 0);
    ir_emit(&b5, IR_SETCC, e2, e2, e3, 0, CC_KIND(CCB_SUB, 0), 0);
    ir_emit(&b5, IR_TESTCC, e4, e2, e2, e3, CC_E, CC_KIND(CCB_SUB, 0));
    ir_emit(&b5, IR_EXITCC, 0, e4, 0, 0, 0x2000, 0x3000);
    ir_optimize(&b5);
    CHECK_EQ(count_opc(&b5, IR_EXT8U), 0);
    CHECK_EQ(b5.ops[6].a, R_ECX);
    CHECK_EQ(b5.ops[6].b, R_EBX);

    /* A copy of a register is the register only until its next write,
     * or a helper call (which may write any): mov t, ecx; inc ecx;
     * mov edi, t keeps reading t. */
    for (int call = 0; call < 2; call++) {
        static struct ir_block b6;
        ir_block_init(&b6, 0x1000, HF_CODE32);
        b6.ninsns = 1;
        uint16_t f0 = ir_temp(&b6), f1 = ir_temp(&b6);
        ir_emit(&b6, IR_MOV, f0, R_ECX, 0, 0, 0, 0);
        if (call)
            ir_emit(&b6, IR_CALL, f1, 0, 0, 0, 0, 0);
        else
            ir_emit(&b6, IR_ADDI, R_ECX, R_ECX, 0, 0, 1, 0);
        ir_emit(&b6, IR_MOV, R_EDI, f0, 0, 0, 0, 0);
        ir_emit(&b6, IR_MOV, R_ESI, f0, 0, 0, 0, 0);
        ir_emit(&b6, IR_EXIT, 0, 0, 0, 0, 0x2000, 0);
        ir_optimize(&b6);
        CHECK_EQ(b6.ops[2].a, f0);
        CHECK_EQ(b6.ops[3].a, f0);
        CHECK_EQ(b6.ops[0].opc, IR_MOV);
    }
    /* ... and before it, the register: mov t, ecx; mov edi, t. */
    static struct ir_block b7;
    ir_block_init(&b7, 0x1000, HF_CODE32);
    b7.ninsns = 1;
    uint16_t g0 = ir_temp(&b7);
    ir_emit(&b7, IR_MOV, g0, R_ECX, 0, 0, 0, 0);
    ir_emit(&b7, IR_MOV, R_EDI, g0, 0, 0, 0, 0);
    ir_emit(&b7, IR_ADDI, R_ECX, R_ECX, 0, 0, 1, 0);
    ir_emit(&b7, IR_EXIT, 0, 0, 0, 0, 0x2000, 0);
    ir_optimize(&b7);
    CHECK_EQ(b7.ops[1].a, R_ECX);
    CHECK_EQ(b7.ops[0].opc, IR_NOP);

    /* Spot checks of the flag rules against the SDM's definitions. */
    CHECK_EQ(cc_compute(CC_KIND(CCB_ADD, 0), 0x00, 0x80, 0x80) & (F_CF | F_OF | F_ZF),
             F_CF | F_OF | F_ZF);
    CHECK_EQ(cc_compute(CC_KIND(CCB_INC, 2), 0x80000000u, 0x7fffffffu, F_CF) &
                 (F_CF | F_OF | F_SF),
             F_CF | F_OF | F_SF);
    CHECK_EQ(cc_compute(CC_KIND(CCB_SHR, 2), 0x40000000u, 0x80000000u, 1) & (F_CF | F_OF), F_OF);
    CHECK_EQ(cc_test(CC_KIND(CCB_LOGIC, 1), 0x8000, 0, 0, CC_S), 1);
    /* ROL/ROR kinds give CF and OF only (rol al, 1 of 0x40 -> 0x80: OF, no CF). */
    CHECK_EQ(cc_compute(CC_KIND(CCB_ROL, 0), 0x80, 0x40, 1), F_OF);
    CHECK_EQ(cc_carry(CC_KIND(CCB_SUB, 0), 0xff, 0x01, 0x02), F_CF);
    return check_done("test_ir");
}
