/*
 * test_ir_range.c - ir_value_range(): the ranges a block's own ops give
 * its values, and no range where they do not bound one (a register from
 * before the block, a helper call in between, a sum that wraps).  A wrong
 * range would send a backend's TLB probe to the wrong page.
 */
#include "check.h"
#include "translator/ir.h"
#include "translator/ir_range.h"

#include <string.h>

static struct ir_block b;
static int16_t def[IR_NVALUES];

static void start(void)
{
    ir_block_init(&b, 0x1000, HF_CODE32);
    b.ninsns = 1;
}

static uint16_t emit(int opc, uint16_t a, uint16_t b_, uint32_t imm, uint32_t aux)
{
    uint16_t d = ir_temp(&b);
    ir_emit(&b, opc, d, a, b_, 0, imm, aux);
    return d;
}

/* The range of v where a load of it, emitted now, reads it. */
static int range(uint16_t v, uint32_t *lo, uint32_t *hi)
{
    memset(def, 0xff, sizeof(def));
    for (int i = 0; i < b.nops; i++)
        if (ir_op_writes_d(b.ops[i].opc) && b.ops[i].d >= V_TEMP0)
            def[b.ops[i].d] = (int16_t)i;
    ir_emit(&b, IR_LD32, ir_temp(&b), v, 0, 0, 0, 0);
    return ir_value_range(&b, def, v, b.nops - 1, lo, hi);
}

int main(void)
{
    uint32_t lo, hi;

    /* movzx ecx, cl; mov eax, [ecx*4 + 0x104000] */
    start();
    uint16_t t = emit(IR_EXT8U, R_ECX, 0, 0, 0);
    ir_emit(&b, IR_MOV, R_ECX, t, 0, 0, 0, 0);
    uint16_t a = emit(IR_IDX, 0, R_ECX, 2, 0x104000);
    CHECK(range(a, &lo, &hi));
    CHECK_EQ(lo, 0x104000);
    CHECK_EQ(hi, 0x104000 + 255 * 4);

    /* the same, with ecx from before the block: unknown */
    start();
    a = emit(IR_IDX, 0, R_ECX, 2, 0x104000);
    CHECK(!range(a, &lo, &hi));

    /* a helper between the write and the read may change ecx */
    start();
    t = emit(IR_EXT8U, R_ECX, 0, 0, 0);
    ir_emit(&b, IR_MOV, R_ECX, t, 0, 0, 0, 0);
    ir_emit(&b, IR_CALL, ir_temp(&b), 0, 0, 0, 0, 0);
    a = emit(IR_IDX, 0, R_ECX, 2, 0x104000);
    CHECK(!range(a, &lo, &hi));

    /* a later write of the register is the one that counts */
    start();
    t = emit(IR_EXT8U, R_ECX, 0, 0, 0);
    ir_emit(&b, IR_MOV, R_ECX, t, 0, 0, 0, 0);
    ir_emit(&b, IR_LD32, R_ECX, R_ESI, 0, 0, 0, 0);
    a = emit(IR_IDX, 0, R_ECX, 2, 0x104000);
    CHECK(!range(a, &lo, &hi));

    /* byte and word loads, AND with a mask, SHR by a constant */
    start();
    t = emit(IR_LD16, R_ESI, 0, 0, 0);
    a = emit(IR_ADDI, t, 0, 0x10, 0);
    CHECK(range(a, &lo, &hi));
    CHECK_EQ(lo, 0x10);
    CHECK_EQ(hi, 0x1000f);
    start();
    t = emit(IR_ANDI, R_EAX, 0, 0x3f, 0);
    CHECK(range(t, &lo, &hi));
    CHECK_EQ(hi, 0x3f);
    start();
    uint16_t n = emit(IR_MOVI, 0, 0, 24, 0);
    t = emit(IR_SHR, R_EAX, n, 0, 0);
    CHECK(range(t, &lo, &hi));
    CHECK_EQ(lo, 0);
    CHECK_EQ(hi, 0xff);
    /* SHR by a register: unknown */
    start();
    t = emit(IR_SHR, R_EAX, R_ECX, 0, 0);
    CHECK(!range(t, &lo, &hi));

    /* a negative displacement (ADDI's imm is 0xfffffffc) */
    start();
    t = emit(IR_EXT8U, R_EAX, 0, 0, 0);
    a = emit(IR_ADDI, t, 0, 0xfffffffcu, 0);
    CHECK(!range(a, &lo, &hi)); /* 0 - 4 wraps */
    start();
    t = emit(IR_EXT8U, R_EAX, 0, 0, 0);
    uint16_t base = emit(IR_MOVI, 0, 0, 0x2000, 0);
    a = emit(IR_LEA, base, t, 1, 0xfffffffcu); /* 0x2000 + t*2 - 4 */
    CHECK(range(a, &lo, &hi));
    CHECK_EQ(lo, 0x1ffc);
    CHECK_EQ(hi, 0x1ffc + 255 * 2);

    /* sums past 2^32 wrap in the guest: no range */
    start();
    t = emit(IR_EXT8U, R_EAX, 0, 0, 0);
    a = emit(IR_ADDI, t, 0, 0x7fffff80u, 0);
    a = emit(IR_ADDI, a, 0, 0x7fffff80u, 0);
    a = emit(IR_ADDI, a, 0, 0x100u, 0);
    CHECK(!range(a, &lo, &hi));
    start();
    t = emit(IR_EXT16U, R_EAX, 0, 0, 0);
    a = emit(IR_IDX, 0, t, 3, 0xffff0000u);
    CHECK(!range(a, &lo, &hi));

    /* AND of two values: the smaller bound */
    start();
    t = emit(IR_EXT8U, R_EAX, 0, 0, 0);
    a = emit(IR_AND, R_EBX, t, 0, 0);
    CHECK(range(a, &lo, &hi));
    CHECK_EQ(hi, 0xff);

    return check_done("test_ir_range");
}
