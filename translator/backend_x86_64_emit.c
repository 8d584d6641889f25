/*
 * backend_x86_64_emit.c - x86-64 instruction encodings (see the header).
 *
 * Two encoders do the work: one for a register operand in ModRM.rm, one
 * for a memory operand; each emit_<form>() gives them its prefix, REX.W
 * and opcode.  A full buffer never overflows: writes past `end` are
 * dropped and `overflow` is set, and the backend checks it once per block.
 */
#include "translator/backend_x86_64_emit.h"

#include <string.h>

void emit_byte(struct xbuf *b, uint8_t v)
{
    if (b->p < b->end)
        *b->p++ = v;
    else
        b->overflow = 1;
}

void emit_u32(struct xbuf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        emit_byte(b, (uint8_t)(v >> (8 * i)));
}

static void emit_u64(struct xbuf *b, uint64_t v)
{
    emit_u32(b, (uint32_t)v);
    emit_u32(b, (uint32_t)(v >> 32));
}

enum {
    P_W = 1,    /* REX.W: 64-bit operand */
    P_REX = 2,  /* a REX even when empty: byte registers SPL BPL SIL DIL */
    P_66 = 4,   /* operand-size prefix: 16 bits */
    P_0F = 8,   /* two-byte opcode */
};

static void prefix(struct xbuf *b, int flags, int reg, int index, int base)
{
    if (flags & P_66)
        emit_byte(b, 0x66);
    uint8_t rex = 0x40 | (flags & P_W ? 8 : 0) | (reg >= 8 ? 4 : 0) |
                  (index != X_NONE && index >= 8 ? 2 : 0) | (base != X_NONE && base >= 8 ? 1 : 0);
    if (rex != 0x40 || (flags & P_REX))
        emit_byte(b, rex);
    if (flags & P_0F)
        emit_byte(b, 0x0f);
}

/* opcode with reg in ModRM.reg and a register in ModRM.rm */
static void op_rr(struct xbuf *b, int flags, uint8_t opc, int reg, int rm)
{
    prefix(b, flags, reg, X_NONE, rm);
    emit_byte(b, opc);
    emit_byte(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* opcode with reg in ModRM.reg and memory operand m */
static void op_rm(struct xbuf *b, int flags, uint8_t opc, int reg, struct xmem m)
{
    prefix(b, flags, reg, m.index, m.base);
    emit_byte(b, opc);
    int ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
    int idx = m.index == X_NONE ? 4 : (m.index & 7);
    if (m.base == X_NONE) {
        emit_byte(b, (reg & 7) << 3 | 4);
        emit_byte(b, ss << 6 | idx << 3 | 5);
        emit_u32(b, (uint32_t)m.disp);
        return;
    }
    int mod = m.disp == 0 && (m.base & 7) != 5 ? 0 : m.disp >= -128 && m.disp <= 127 ? 1 : 2;
    if (m.index != X_NONE || (m.base & 7) == 4) {
        emit_byte(b, mod << 6 | (reg & 7) << 3 | 4);
        emit_byte(b, ss << 6 | idx << 3 | (m.base & 7));
    } else {
        emit_byte(b, mod << 6 | (reg & 7) << 3 | (m.base & 7));
    }
    if (mod == 1)
        emit_byte(b, (uint8_t)m.disp);
    else if (mod == 2)
        emit_u32(b, (uint32_t)m.disp);
}

void emit_mov_rr32(struct xbuf *b, int dst, int src)
{
    op_rr(b, 0, 0x89, src, dst);
}

void emit_mov_rr64(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_W, 0x89, src, dst);
}

void emit_mov_ri32(struct xbuf *b, int dst, uint32_t imm)
{
    prefix(b, 0, 0, X_NONE, dst);
    emit_byte(b, 0xb8 + (dst & 7));
    emit_u32(b, imm);
}

void emit_mov_ri64s(struct xbuf *b, int dst, int32_t imm)
{
    op_rr(b, P_W, 0xc7, 0, dst);
    emit_u32(b, (uint32_t)imm);
}

void emit_mov_ri64(struct xbuf *b, int dst, uint64_t imm)
{
    prefix(b, P_W, 0, X_NONE, dst);
    emit_byte(b, 0xb8 + (dst & 7));
    emit_u64(b, imm);
}

void emit_load64_abs_rax(struct xbuf *b, uint64_t addr)
{
    emit_byte(b, 0x48); /* REX.W */
    emit_byte(b, 0xa1);
    emit_u64(b, addr);
}

void emit_load32(struct xbuf *b, int dst, struct xmem m)
{
    op_rm(b, 0, 0x8b, dst, m);
}

void emit_load64(struct xbuf *b, int dst, struct xmem m)
{
    op_rm(b, P_W, 0x8b, dst, m);
}

void emit_load8zx(struct xbuf *b, int dst, struct xmem m)
{
    op_rm(b, P_0F, 0xb6, dst, m);
}

void emit_load16zx(struct xbuf *b, int dst, struct xmem m)
{
    op_rm(b, P_0F, 0xb7, dst, m);
}

void emit_store8(struct xbuf *b, struct xmem m, int src)
{
    op_rm(b, P_REX, 0x88, src, m);
}

void emit_store16(struct xbuf *b, struct xmem m, int src)
{
    op_rm(b, P_66, 0x89, src, m);
}

void emit_store32(struct xbuf *b, struct xmem m, int src)
{
    op_rm(b, 0, 0x89, src, m);
}

void emit_store64(struct xbuf *b, struct xmem m, int src)
{
    op_rm(b, P_W, 0x89, src, m);
}

void emit_store_i32(struct xbuf *b, struct xmem m, uint32_t imm)
{
    op_rm(b, 0, 0xc7, 0, m);
    emit_u32(b, imm);
}

void emit_lea32(struct xbuf *b, int dst, struct xmem m)
{
    op_rm(b, 0, 0x8d, dst, m);
}

void emit_lea64(struct xbuf *b, int dst, struct xmem m)
{
    op_rm(b, P_W, 0x8d, dst, m);
}

/* lea r64, [rip + disp32]: returns the disp32's offset (emit_patch_rel32
 * fills it in, the field ending the instruction as a jump's rel32 does). */
size_t emit_lea_rip64(struct xbuf *b, int dst)
{
    prefix(b, P_W, dst, X_NONE, X_NONE);
    emit_byte(b, 0x8d);
    emit_byte(b, (uint8_t)((dst & 7) << 3 | 5));
    size_t at = xbuf_len(b);
    emit_u32(b, 0);
    return at;
}

void emit_alu_rr32(struct xbuf *b, int op, int dst, int src)
{
    op_rr(b, 0, (uint8_t)(op << 3 | 1), src, dst);
}

void emit_alu_rr64(struct xbuf *b, int op, int dst, int src)
{
    op_rr(b, P_W, (uint8_t)(op << 3 | 1), src, dst);
}

void emit_mov_rr8(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_REX, 0x88, src, dst);
}

void emit_mov_ri8(struct xbuf *b, int dst, uint8_t imm)
{
    op_rr(b, P_REX, 0xc6, 0, dst);
    emit_byte(b, imm);
}

void emit_mov_rr16(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_66, 0x89, src, dst);
}

void emit_mov_ri16(struct xbuf *b, int dst, uint16_t imm)
{
    op_rr(b, P_66, 0xc7, 0, dst);
    emit_byte(b, (uint8_t)imm);
    emit_byte(b, (uint8_t)(imm >> 8));
}

void emit_alu_rr8(struct xbuf *b, int op, int dst, int src)
{
    op_rr(b, P_REX, (uint8_t)(op << 3), src, dst);
}

void emit_alu_rr16(struct xbuf *b, int op, int dst, int src)
{
    op_rr(b, P_66, (uint8_t)(op << 3 | 1), src, dst);
}

void emit_test_rr8(struct xbuf *b, int a, int c)
{
    op_rr(b, P_REX, 0x84, c, a);
}

void emit_test_rr16(struct xbuf *b, int a, int c)
{
    op_rr(b, P_66, 0x85, c, a);
}

void emit_alu_ri8(struct xbuf *b, int op, int dst, uint8_t imm)
{
    op_rr(b, P_REX, 0x80, op, dst);
    emit_byte(b, imm);
}

static int fits8(int64_t v)
{
    return v >= -128 && v <= 127;
}

void emit_alu_ri32(struct xbuf *b, int op, int dst, uint32_t imm)
{
    if (fits8((int32_t)imm)) {
        op_rr(b, 0, 0x83, op, dst);
        emit_byte(b, (uint8_t)imm);
    } else {
        op_rr(b, 0, 0x81, op, dst);
        emit_u32(b, imm);
    }
}

void emit_alu_ri64(struct xbuf *b, int op, int dst, int32_t imm)
{
    if (fits8(imm)) {
        op_rr(b, P_W, 0x83, op, dst);
        emit_byte(b, (uint8_t)imm);
    } else {
        op_rr(b, P_W, 0x81, op, dst);
        emit_u32(b, (uint32_t)imm);
    }
}

void emit_alu_mi8(struct xbuf *b, int op, struct xmem m, uint8_t imm)
{
    op_rm(b, 0, 0x80, op, m);
    emit_byte(b, imm);
}

void emit_alu_mi32(struct xbuf *b, int op, struct xmem m, uint32_t imm)
{
    if (fits8((int32_t)imm)) {
        op_rm(b, 0, 0x83, op, m);
        emit_byte(b, (uint8_t)imm);
    } else {
        op_rm(b, 0, 0x81, op, m);
        emit_u32(b, imm);
    }
}

void emit_alu_mi64(struct xbuf *b, int op, struct xmem m, int32_t imm)
{
    if (fits8(imm)) {
        op_rm(b, P_W, 0x83, op, m);
        emit_byte(b, (uint8_t)imm);
    } else {
        op_rm(b, P_W, 0x81, op, m);
        emit_u32(b, (uint32_t)imm);
    }
}

void emit_alu_rm32(struct xbuf *b, int op, int dst, struct xmem m)
{
    op_rm(b, 0, (uint8_t)(op << 3 | 3), dst, m);
}

void emit_alu_mr64(struct xbuf *b, int op, struct xmem m, int src)
{
    op_rm(b, P_W, (uint8_t)(op << 3 | 1), src, m);
}

void emit_test_rr32(struct xbuf *b, int a, int c)
{
    op_rr(b, 0, 0x85, c, a);
}

void emit_test_ri32(struct xbuf *b, int a, uint32_t imm)
{
    op_rr(b, 0, 0xf7, 0, a);
    emit_u32(b, imm);
}

void emit_shift_cl32(struct xbuf *b, int op, int dst)
{
    op_rr(b, 0, 0xd3, op, dst);
}

void emit_shift_ri32(struct xbuf *b, int op, int dst, int n)
{
    op_rr(b, 0, 0xc1, op, dst);
    emit_byte(b, (uint8_t)n);
}

void emit_rorx32(struct xbuf *b, int dst, int src, int n)
{
    /* VEX.LZ.F2.0F3A.W0 F0 /r ib: three-byte VEX, R and B inverted */
    emit_byte(b, 0xc4);
    emit_byte(b, (uint8_t)((dst >= 8 ? 0 : 0x80) | 0x40 | (src >= 8 ? 0 : 0x20) | 0x03));
    emit_byte(b, 0x7b); /* W0, vvvv unused (1111), L0, pp = F2 */
    emit_byte(b, 0xf0);
    emit_byte(b, (uint8_t)(0xc0 | (dst & 7) << 3 | (src & 7)));
    emit_byte(b, (uint8_t)n);
}

void emit_shift_ri64(struct xbuf *b, int op, int dst, int n)
{
    op_rr(b, P_W, 0xc1, op, dst);
    emit_byte(b, (uint8_t)n);
}

void emit_imul_rr32(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_0F, 0xaf, dst, src);
}

void emit_imul_rri32(struct xbuf *b, int dst, int src, uint32_t imm)
{
    int8_t s8 = (int8_t)imm;
    if ((uint32_t)(int32_t)s8 == imm) {
        op_rr(b, 0, 0x6b, dst, src);
        emit_byte(b, (uint8_t)s8);
    } else {
        op_rr(b, 0, 0x69, dst, src);
        emit_u32(b, imm);
    }
}

void emit_imul_rr64(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_W | P_0F, 0xaf, dst, src);
}

void emit_movsxd(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_W, 0x63, dst, src);
}

void emit_not32(struct xbuf *b, int dst)
{
    op_rr(b, 0, 0xf7, 2, dst);
}

void emit_neg32(struct xbuf *b, int dst)
{
    op_rr(b, 0, 0xf7, 3, dst);
}

void emit_bswap32(struct xbuf *b, int dst)
{
    prefix(b, 0, 0, X_NONE, dst);
    emit_byte(b, 0x0f);
    emit_byte(b, 0xc8 + (dst & 7));
}

void emit_movzx8(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_0F | P_REX, 0xb6, dst, src);
}

void emit_movsx8(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_0F | P_REX, 0xbe, dst, src);
}

void emit_movzx16(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_0F, 0xb7, dst, src);
}

void emit_movsx16(struct xbuf *b, int dst, int src)
{
    op_rr(b, P_0F, 0xbf, dst, src);
}

void emit_cmov32(struct xbuf *b, int cc, int dst, int src)
{
    op_rr(b, P_0F, (uint8_t)(0x40 + cc), dst, src);
}

void emit_setcc(struct xbuf *b, int cc, int dst)
{
    op_rr(b, P_0F | P_REX, (uint8_t)(0x90 + cc), 0, dst);
}

size_t emit_jcc32(struct xbuf *b, int cc)
{
    emit_byte(b, 0x0f);
    emit_byte(b, (uint8_t)(0x80 + cc));
    size_t at = xbuf_len(b);
    emit_u32(b, 0);
    return at;
}

size_t emit_jmp32(struct xbuf *b)
{
    emit_byte(b, 0xe9);
    size_t at = xbuf_len(b);
    emit_u32(b, 0);
    return at;
}

void emit_patch_rel32(struct xbuf *b, size_t at, size_t target)
{
    if (at + 4 > (size_t)(b->end - b->start))
        return; /* dropped with the overflow */
    uint32_t rel = (uint32_t)(target - (at + 4));
    memcpy(b->start + at, &rel, 4);
}

void emit_jmp_m(struct xbuf *b, struct xmem m)
{
    op_rm(b, 0, 0xff, 4, m);
}

void emit_jmp_r(struct xbuf *b, int r)
{
    op_rr(b, 0, 0xff, 4, r);
}

void emit_call_r(struct xbuf *b, int r)
{
    op_rr(b, 0, 0xff, 2, r);
}

void emit_inc_m64(struct xbuf *b, struct xmem m)
{
    op_rm(b, P_W, 0xff, 0, m);
}

void emit_push(struct xbuf *b, int r)
{
    prefix(b, 0, 0, X_NONE, r);
    emit_byte(b, 0x50 + (r & 7));
}

void emit_pop(struct xbuf *b, int r)
{
    prefix(b, 0, 0, X_NONE, r);
    emit_byte(b, 0x58 + (r & 7));
}

void emit_ret(struct xbuf *b)
{
    emit_byte(b, 0xc3);
}
