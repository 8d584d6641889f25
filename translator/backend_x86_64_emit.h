/*
 * backend_x86_64_emit.h - an x86-64 instruction emitter for the native backend.
 *
 * Small emit_<form>() functions, each writing one instruction form into a
 * byte buffer; the backend (backend_x86_64.c) decides what to emit, this
 * file only how it is encoded.  Registers are numbered as in the encoding
 * (X_RAX = 0 ... X_R15 = 15).  Memory operands are [base + index*scale +
 * disp32] (struct xmem); base or index X_NONE for none.  Operations on 32
 * bits zero the upper half of the destination, as the hardware does, so a
 * 32-bit guest value in a host register is always zero-extended and can
 * serve as a 64-bit address index.
 *
 *   struct xbuf b = { .p = mem, .start = mem, .end = mem + size };
 *   emit_alu_rr32(&b, XALU_ADD, X_R8, X_RBX);   // add r8d, ebx
 *   emit_ret(&b);
 *
 * Every form emitted here has a test that disassembles it with Capstone
 * (tests/unit/test_x86_64_emit.c).
 */
#ifndef BT86_TRANSLATOR_BACKEND_X86_64_EMIT_H
#define BT86_TRANSLATOR_BACKEND_X86_64_EMIT_H

#include <stddef.h>
#include <stdint.h>

enum {
    X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
    X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
    X_NONE = -1
};

/* The ALU group: the /digit of 81 /n and the row of 01..39 (op r/m, r). */
enum { XALU_ADD = 0, XALU_OR = 1, XALU_AND = 4, XALU_SUB = 5, XALU_XOR = 6, XALU_CMP = 7 };
/* The shift group: the /digit of D3 /n and C1 /n. */
enum { XSH_ROL = 0, XSH_ROR = 1, XSH_SHL = 4, XSH_SHR = 5, XSH_SAR = 7 };
/* Condition codes, as in Jcc's low nibble; cc ^ 1 is the opposite. */
enum {
    XCC_O, XCC_NO, XCC_B, XCC_AE, XCC_E, XCC_NE, XCC_BE, XCC_A,
    XCC_S, XCC_NS, XCC_P, XCC_NP, XCC_L, XCC_GE, XCC_LE, XCC_G
};

struct xbuf {
    uint8_t *p, *start, *end;
    int overflow; /* set when a write would pass `end`: the bytes are dropped */
};

struct xmem {
    int base, index, scale; /* scale 1, 2, 4 or 8 */
    int32_t disp;
};

static inline struct xmem xmem_bd(int base, int32_t disp)
{
    return (struct xmem){ base, X_NONE, 1, disp };
}
static inline struct xmem xmem_bid(int base, int index, int scale, int32_t disp)
{
    return (struct xmem){ base, index, scale, disp };
}

static inline size_t xbuf_len(const struct xbuf *b)
{
    return (size_t)(b->p - b->start);
}

void emit_byte(struct xbuf *b, uint8_t v);
void emit_u32(struct xbuf *b, uint32_t v);

/* mov r32, r32 */
void emit_mov_rr32(struct xbuf *b, int dst, int src);
/* mov r64, r64 */
void emit_mov_rr64(struct xbuf *b, int dst, int src);
/* mov r32, imm32 (xor r32, r32 is not used: it would change the flags) */
void emit_mov_ri32(struct xbuf *b, int dst, uint32_t imm);
/* mov r64, imm64 */
void emit_mov_ri64(struct xbuf *b, int dst, uint64_t imm);
/* mov r64, imm32 sign-extended (7 bytes, not movabs's 10) */
void emit_mov_ri64s(struct xbuf *b, int dst, int32_t imm);
/* rax = the qword at absolute address addr (movabs rax, [moffs64]): the
 * address is the instruction's last 8 bytes. */
void emit_load64_abs_rax(struct xbuf *b, uint64_t addr);
/* mov r32, [m] */
void emit_load32(struct xbuf *b, int dst, struct xmem m);
/* mov r64, [m] */
void emit_load64(struct xbuf *b, int dst, struct xmem m);
/* movzx r32, byte [m] / movzx r32, word [m] */
void emit_load8zx(struct xbuf *b, int dst, struct xmem m);
void emit_load16zx(struct xbuf *b, int dst, struct xmem m);
/* mov [m], r8 / r16 / r32 / r64 */
void emit_store8(struct xbuf *b, struct xmem m, int src);
void emit_store16(struct xbuf *b, struct xmem m, int src);
void emit_store32(struct xbuf *b, struct xmem m, int src);
void emit_store64(struct xbuf *b, struct xmem m, int src);
/* mov dword [m], imm32 */
void emit_store_i32(struct xbuf *b, struct xmem m, uint32_t imm);
/* lea r32, [m] */
void emit_lea32(struct xbuf *b, int dst, struct xmem m);
/* lea r64, [m] */
void emit_lea64(struct xbuf *b, int dst, struct xmem m);
/* lea r64, [rip + disp32]; returns the disp32's offset, for emit_patch_rel32 */
size_t emit_lea_rip64(struct xbuf *b, int dst);

/* op r32, r32 (add or and sub xor cmp) */
void emit_alu_rr32(struct xbuf *b, int op, int dst, int src);
/* op r64, r64 */
void emit_alu_rr64(struct xbuf *b, int op, int dst, int src);
/* mov into the low byte or word of dst, the rest kept (a REX for bytes) */
void emit_mov_rr8(struct xbuf *b, int dst, int src);
void emit_mov_ri8(struct xbuf *b, int dst, uint8_t imm);
void emit_mov_rr16(struct xbuf *b, int dst, int src);
void emit_mov_ri16(struct xbuf *b, int dst, uint16_t imm);
/* op dst8, src8 and op dst8, imm8 on the low bytes (a REX prefix always:
 * sil and dil, never ah-bh) */
void emit_alu_rr8(struct xbuf *b, int op, int dst, int src);
void emit_alu_ri8(struct xbuf *b, int op, int dst, uint8_t imm);
/* op dst16, src16 (a 66 prefix) */
void emit_alu_rr16(struct xbuf *b, int op, int dst, int src);
/* test a8, c8 (a REX prefix always) and test a16, c16 */
void emit_test_rr8(struct xbuf *b, int a, int c);
void emit_test_rr16(struct xbuf *b, int a, int c);
/* op r32, imm (imm8 sign-extended when it fits) */
void emit_alu_ri32(struct xbuf *b, int op, int dst, uint32_t imm);
/* op r64, imm (imm8 or imm32, sign-extended) */
void emit_alu_ri64(struct xbuf *b, int op, int dst, int32_t imm);
/* op dword [m], imm */
void emit_alu_mi32(struct xbuf *b, int op, struct xmem m, uint32_t imm);
/* op byte [m], imm8 */
void emit_alu_mi8(struct xbuf *b, int op, struct xmem m, uint8_t imm);
/* op qword [m], imm (sign-extended) */
void emit_alu_mi64(struct xbuf *b, int op, struct xmem m, int32_t imm);
/* op r32, [m] */
void emit_alu_rm32(struct xbuf *b, int op, int dst, struct xmem m);
/* op qword [m], r64 */
void emit_alu_mr64(struct xbuf *b, int op, struct xmem m, int src);
/* test r32, r32 */
void emit_test_rr32(struct xbuf *b, int a, int c);
/* test r32, imm32 */
void emit_test_ri32(struct xbuf *b, int a, uint32_t imm);

/* shl/shr/sar/rol/ror r32, cl */
void emit_shift_cl32(struct xbuf *b, int op, int dst);
/* shl/shr/sar/rol/ror r32, imm8 */
void emit_shift_ri32(struct xbuf *b, int op, int dst, int n);
/* rorx r32, r32, imm8 (BMI2: a rotate into another register, flags kept) */
void emit_rorx32(struct xbuf *b, int dst, int src, int n);
/* shl/shr/sar/rol/ror r64, imm8 */
void emit_shift_ri64(struct xbuf *b, int op, int dst, int n);
/* imul r32, r32 */
void emit_imul_rr32(struct xbuf *b, int dst, int src);
/* imul r32, r32, imm (the imm8 form when it fits) */
void emit_imul_rri32(struct xbuf *b, int dst, int src, uint32_t imm);
/* imul r64, r64 */
void emit_imul_rr64(struct xbuf *b, int dst, int src);
/* movsxd r64, r32 */
void emit_movsxd(struct xbuf *b, int dst, int src);
/* not r32 / neg r32 */
void emit_not32(struct xbuf *b, int dst);
void emit_neg32(struct xbuf *b, int dst);
/* bswap r32 */
void emit_bswap32(struct xbuf *b, int dst);
/* movzx r32, r8 / movsx r32, r8 (the low byte of any register: REX always) */
void emit_movzx8(struct xbuf *b, int dst, int src);
void emit_movsx8(struct xbuf *b, int dst, int src);
/* movzx r32, r16 / movsx r32, r16 */
void emit_movzx16(struct xbuf *b, int dst, int src);
void emit_movsx16(struct xbuf *b, int dst, int src);
/* cmovcc r32, r32 */
void emit_cmov32(struct xbuf *b, int cc, int dst, int src);
/* setcc r8 */
void emit_setcc(struct xbuf *b, int cc, int dst);

/* Branches with a rel32 to be patched: they return the offset of the
 * rel32 field in the buffer (emit_patch_rel32 fills it in). */
size_t emit_jcc32(struct xbuf *b, int cc);
size_t emit_jmp32(struct xbuf *b);
/* Point the rel32 at `at` to buffer offset `target`. */
void emit_patch_rel32(struct xbuf *b, size_t at, size_t target);
/* jmp qword [m] */
void emit_jmp_m(struct xbuf *b, struct xmem m);
/* jmp r64 / call r64 */
void emit_jmp_r(struct xbuf *b, int r);
void emit_call_r(struct xbuf *b, int r);
/* inc qword [m] */
void emit_inc_m64(struct xbuf *b, struct xmem m);
/* push r64 / pop r64 / ret */
void emit_push(struct xbuf *b, int r);
void emit_pop(struct xbuf *b, int r);
void emit_ret(struct xbuf *b);

#endif
