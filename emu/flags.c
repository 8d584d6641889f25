/*
 * flags.c - computing arithmetic flags from the lazy state.
 *
 * Intel leaves some flags undefined; bt86 still sets them, always the
 * same way, so runs are reproducible.  The choices:
 *
 *   instruction         flag   bt86 sets it to
 *   AND/OR/XOR/TEST     AF     0
 *   SHL/SHR/SAR         AF     0
 *   SHL/SHR/SAR (n>1)   OF     that of the first 1-bit step, from the
 *                              original operand (SHL: its two top bits
 *                              differ; SHR: its MSB; SAR: 0), as Intel
 *                              hardware does
 *   SHL/SHR count>=size CF     the last bit shifted out of a 64-bit shift
 *   MUL/IMUL            SF PF from the low half; ZF AF 0 (Intel)
 *   DIV/IDIV            all    unchanged
 *   BSF/BSR             CF OF SF AF 0; PF the parity of the index (Intel)
 *   BT/BTS/BTR/BTC      OF SF AF PF     unchanged (CF is defined)
 *   AAA/AAS             OF SF ZF PF     from the AL result as a logic op
 *   DAA/DAS             OF     0
 *   AAM                 CF OF AF        0
 *   AAD                 CF OF AF        of the 8-bit add AH*imm + AL (Intel)
 *   ROL/ROR/RCL/RCR n>1 OF     that of the first 1-bit step (Intel); but
 *                              ROL/ROR by an immediate > 1 keep OF (Intel)
 *   SHLD/SHRD n>1       OF     that of the first 1-bit step (Intel); AF 0
 *   SHLD/SHRD 16, n>16  result and CF as a shift of dest:src:dest (Intel)
 */
#include "emu/flags.h"

static const uint32_t size_mask[3] = { 0xff, 0xffff, 0xffffffff };
static const uint32_t size_sign[3] = { 0x80, 0x8000, 0x80000000 };
static const int size_bits[3] = { 8, 16, 32 };

static inline uint32_t parity(uint32_t v)
{
    return __builtin_parity(v & 0xff) ? 0 : F_PF;
}

static inline uint32_t szp(uint32_t dst, int si)
{
    uint32_t m = size_mask[si];
    return ((dst & m) == 0 ? F_ZF : 0) | ((dst & size_sign[si]) ? F_SF : 0) | parity(dst);
}

uint32_t cc_compute(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2)
{
    if (kind == CC_EFLAGS)
        return src1 & F_ARITH;
    int si = CC_SIZEIDX(kind);
    uint32_t m = size_mask[si], sign = size_sign[si];
    uint32_t d = dst & m, a = src1 & m, b = src2 & m;
    uint32_t f = szp(dst, si), cin;

    switch (CC_BASE(kind)) {
    case CCB_ADD:
        f |= d < a ? F_CF : 0;
        f |= (dst ^ src1 ^ src2) & F_AF;
        f |= ((a ^ d) & (b ^ d) & sign) ? F_OF : 0;
        return f;
    case CCB_ADC:
        cin = (dst - src1 - src2) & 1;
        f |= (cin ? d <= a : d < a) ? F_CF : 0;
        f |= (dst ^ src1 ^ src2) & F_AF;
        f |= ((a ^ d) & (b ^ d) & sign) ? F_OF : 0;
        return f;
    case CCB_SUB:
        f |= a < b ? F_CF : 0;
        f |= (dst ^ src1 ^ src2) & F_AF;
        f |= ((a ^ b) & (a ^ d) & sign) ? F_OF : 0;
        return f;
    case CCB_SBB:
        cin = (src1 - src2 - dst) & 1;
        f |= (cin ? a <= b : a < b) ? F_CF : 0;
        f |= (dst ^ src1 ^ src2) & F_AF;
        f |= ((a ^ b) & (a ^ d) & sign) ? F_OF : 0;
        return f;
    case CCB_LOGIC:
        return f;
    case CCB_INC:
        f |= src2 & F_CF;
        f |= (dst ^ src1 ^ 1) & F_AF;
        f |= d == sign ? F_OF : 0;
        return f;
    case CCB_DEC:
        f |= src2 & F_CF;
        f |= (dst ^ src1 ^ 1) & F_AF;
        f |= d == sign - 1 ? F_OF : 0;
        return f;
    case CCB_SHL: {
        int n = size_bits[si];
        uint32_t cf = (uint32_t)((((uint64_t)a) << src2) >> n) & 1;
        f |= cf ? F_CF : 0;
        f |= ((a ^ (a << 1)) & sign) ? F_OF : 0;
        return f;
    }
    case CCB_SHR:
        f |= (src2 <= 32 && ((((uint64_t)a) >> (src2 - 1)) & 1)) ? F_CF : 0;
        f |= (a & sign) ? F_OF : 0;
        return f;
    case CCB_SAR: {
        int64_t sa = (a & sign) ? (int64_t)a - ((int64_t)m + 1) : (int64_t)a;
        f |= ((sa >> (src2 - 1)) & 1) ? F_CF : 0;
        return f;
    }
    case CCB_ROL: /* OF of the first 1-bit step, as Intel hardware gives for any count */
        return (src2 & F_ARITH & ~(F_CF | F_OF)) | (d & 1) | (((a ^ (a << 1)) & sign) ? F_OF : 0);
    case CCB_ROR:
        return (src2 & F_ARITH & ~(F_CF | F_OF)) | ((d & sign) ? F_CF : 0) |
               (((a & 1) ^ ((a & sign) != 0)) ? F_OF : 0);
    case CCB_MUL:
    case CCB_IMUL:
        f &= ~F_ZF;
        f |= src1 ? (F_CF | F_OF) : 0;
        return f;
    case CCB_ROLK:
        return (src2 & F_ARITH & ~F_CF) | (d & 1);
    case CCB_RORK:
        return (src2 & F_ARITH & ~F_CF) | ((d & sign) ? F_CF : 0);
    }
    return 0;
}

int cc_test(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2, int cond)
{
    int r;
    /* Compares and logic ops (most conditions) need no flag word. */
    if (CC_BASE(kind) == CCB_SUB && kind != CC_EFLAGS) {
        int si = CC_SIZEIDX(kind);
        uint32_t m = size_mask[si];
        uint32_t a = src1 & m, b = src2 & m;
        int32_t sh = 32 - size_bits[si];
        int32_t sa = (int32_t)(a << sh), sb = (int32_t)(b << sh);
        switch (cond >> 1) {
        case CC_B >> 1: r = a < b; goto done;
        case CC_E >> 1: r = a == b; goto done;
        case CC_BE >> 1: r = a <= b; goto done;
        case CC_L >> 1: r = sa < sb; goto done;
        case CC_LE >> 1: r = sa <= sb; goto done;
        default: break;
        }
    } else if (CC_BASE(kind) == CCB_LOGIC && kind != CC_EFLAGS) {
        int si = CC_SIZEIDX(kind);
        uint32_t d = dst & size_mask[si];
        int neg = (d & size_sign[si]) != 0;
        switch (cond >> 1) {
        case CC_O >> 1: r = 0; goto done;
        case CC_B >> 1: r = 0; goto done;
        case CC_E >> 1: r = d == 0; goto done;
        case CC_BE >> 1: r = d == 0; goto done;
        case CC_S >> 1: r = neg; goto done;
        case CC_L >> 1: r = neg; goto done;
        case CC_LE >> 1: r = neg || d == 0; goto done;
        default: break;
        }
    }
    {
        uint32_t f = cc_compute(kind, dst, src1, src2);
        int of = (f & F_OF) != 0, sf = (f & F_SF) != 0;
        switch (cond >> 1) {
        case 0: r = of; break;
        case 1: r = (f & F_CF) != 0; break;
        case 2: r = (f & F_ZF) != 0; break;
        case 3: r = (f & (F_CF | F_ZF)) != 0; break;
        case 4: r = sf; break;
        case 5: r = (f & F_PF) != 0; break;
        case 6: r = sf != of; break;
        default: r = (sf != of) || (f & F_ZF); break;
        }
    }
done:
    return r ^ (cond & 1);
}

int cpu_cond(struct cpu *cpu, int cond)
{
    return cc_test(cpu->cc_op, cpu->cc_dst, cpu->cc_src1, cpu->cc_src2, cond);
}

uint32_t cpu_get_cf(struct cpu *cpu)
{
    return cc_compute(cpu->cc_op, cpu->cc_dst, cpu->cc_src1, cpu->cc_src2) & F_CF;
}

void cpu_flags_materialize(struct cpu *cpu)
{
    uint32_t f = cc_compute(cpu->cc_op, cpu->cc_dst, cpu->cc_src1, cpu->cc_src2);
    cpu->cc_op = CC_EFLAGS;
    cpu->cc_src1 = f;
}

uint32_t cpu_get_eflags(struct cpu *cpu)
{
    return (cpu->eflags & ~F_ARITH) | 0x2 |
           cc_compute(cpu->cc_op, cpu->cc_dst, cpu->cc_src1, cpu->cc_src2);
}

void cpu_set_eflags(struct cpu *cpu, uint32_t value, uint32_t mask)
{
    uint32_t cur = cpu_get_eflags(cpu);
    uint32_t nv = (cur & ~mask) | (value & mask);
    /* Reserved bits: 1 is always set, 3, 5, 15 and 22-31 always clear. */
    nv = (nv | 0x2) & 0x003f7fd7u;
    cpu->cc_op = CC_EFLAGS;
    cpu->cc_src1 = nv & F_ARITH;
    cpu->eflags = nv & ~F_ARITH;
}
