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
 *                              ROL/ROR r, imm > 1 keep OF (Intel)
 *   SHLD/SHRD n>1       OF     that of the first 1-bit step (Intel); AF 0
 *   SHLD/SHRD 16, n>16  result and CF as a shift of dest:src:dest (Intel)
 */
#include "cpu/flags.h"

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
    if (CC_BASE(kind) == CCB_SUB)
        dst = src1 - src2; /* not stored: see cpu/flags.h */
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
        /* The frontend's counts are 1-31; anything else (random IR in tests)
         * must not shift by 64 or more. */
        uint32_t cf = src2 < 64 ? (uint32_t)((((uint64_t)a) << src2) >> n) & 1 : 0;
        f |= cf ? F_CF : 0;
        f |= ((a ^ (a << 1)) & sign) ? F_OF : 0;
        return f;
    }
    case CCB_SHR:
        f |= (src2 >= 1 && src2 <= 32 && ((((uint64_t)a) >> (src2 - 1)) & 1)) ? F_CF : 0;
        f |= (a & sign) ? F_OF : 0;
        return f;
    case CCB_SAR: {
        int64_t sa = (a & sign) ? (int64_t)a - ((int64_t)m + 1) : (int64_t)a;
        f |= src2 >= 1 && ((sa >> (src2 <= 64 ? src2 - 1 : 63)) & 1) ? F_CF : 0;
        return f;
    }
    case CCB_ROL: /* OF of the first 1-bit step, as Intel hardware gives for any count */
        return (d & 1) | (((a ^ (a << 1)) & sign) ? F_OF : 0);
    case CCB_ROR:
        return ((d & sign) ? F_CF : 0) | (((a & 1) ^ ((a & sign) != 0)) ? F_OF : 0);
    case CCB_MUL:
    case CCB_IMUL:
        f &= ~F_ZF;
        f |= src1 ? (F_CF | F_OF) : 0;
        return f;
    }
    return 0;
}

uint32_t cc_carry(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2)
{
    if (kind == CC_EFLAGS)
        return src1 & F_CF;
    int si = CC_SIZEIDX(kind);
    uint32_t m = size_mask[si];
    switch (CC_BASE(kind)) {
    case CCB_ADD:
        return (dst & m) < (src1 & m) ? F_CF : 0;
    case CCB_SUB:
        return (src1 & m) < (src2 & m) ? F_CF : 0;
    case CCB_LOGIC:
        return 0;
    case CCB_INC:
    case CCB_DEC:
        return src2 & F_CF;
    default:
        return cc_compute(kind, dst, src1, src2) & F_CF;
    }
}

/* Condition cond (without its negation bit) on a flag word. */
static int flags_test(uint32_t f, int cond)
{
    int of = (f & F_OF) != 0, sf = (f & F_SF) != 0;
    switch (cond >> 1) {
    case 0: return of;
    case 1: return (f & F_CF) != 0;
    case 2: return (f & F_ZF) != 0;
    case 3: return (f & (F_CF | F_ZF)) != 0;
    case 4: return sf;
    case 5: return (f & F_PF) != 0;
    case 6: return sf != of;
    default: return (sf != of) || (f & F_ZF);
    }
}

/* The flags each condition reads, by cond >> 1. */
static const uint32_t cond_reads[8] = {
    F_OF, F_CF, F_ZF, F_CF | F_ZF, F_SF, F_PF, F_SF | F_OF, F_SF | F_OF | F_ZF,
};

int cc_test(uint32_t kind, uint32_t dst, uint32_t src1, uint32_t src2, int cond)
{
    int r;
    if (kind == CC_EFLAGS)
        return flags_test(src1, cond) ^ (cond & 1);
    int si = CC_SIZEIDX(kind);
    /* Compares and logic ops (most conditions) need no flag word. */
    if (CC_BASE(kind) == CCB_SUB) {
        dst = src1 - src2; /* not stored: see cpu/flags.h */
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
    } else if (CC_BASE(kind) == CCB_LOGIC) {
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
    switch (cond >> 1) {
    case CC_B >> 1:
        r = cc_carry(kind, dst, src1, src2) != 0;
        goto done;
    case CC_E >> 1: /* ZF and SF come from the result for all but MUL and IMUL */
        if (CC_BASE(kind) != CCB_MUL && CC_BASE(kind) != CCB_IMUL) {
            r = (dst & size_mask[si]) == 0;
            goto done;
        }
        break;
    case CC_S >> 1:
        r = (dst & size_sign[si]) != 0;
        goto done;
    default:
        break;
    }
    r = flags_test(cc_compute(kind, dst, src1, src2), cond);
done:
    return r ^ (cond & 1);
}

int cpu_cond(struct cpu *cpu, int cond)
{
    uint32_t ovr = cpu->cc_op >> CC_OVR_SHIFT, need = cond_reads[(cond >> 1) & 7];
    if (!(ovr & need))
        return cc_test(cpu->cc_op & CC_KIND_MASK, cpu->cc_dst, cpu->cc_src1, cpu->cc_src2, cond);
    uint32_t f = (need & ~ovr) ? cpu_arith_flags(cpu) : cpu->cc_fix;
    return flags_test(f, cond) ^ (cond & 1);
}

uint32_t cpu_get_cf(struct cpu *cpu)
{
    if ((cpu->cc_op >> CC_OVR_SHIFT) & F_CF)
        return cpu->cc_fix & F_CF;
    return cc_carry(cpu->cc_op & CC_KIND_MASK, cpu->cc_dst, cpu->cc_src1, cpu->cc_src2);
}

uint32_t cpu_arith_flags(struct cpu *cpu)
{
    uint32_t ovr = cpu->cc_op >> CC_OVR_SHIFT;
    uint32_t f = 0;
    if (ovr != F_ARITH)
        f = cc_compute(cpu->cc_op & CC_KIND_MASK, cpu->cc_dst, cpu->cc_src1, cpu->cc_src2);
    return (f & ~ovr) | (cpu->cc_fix & ovr);
}

void cpu_set_arith_flags(struct cpu *cpu, uint32_t value, uint32_t mask)
{
    mask &= F_ARITH;
    if (mask == F_ARITH) {
        cpu->cc_op = CC_EFLAGS;
        cpu->cc_src1 = value & F_ARITH;
        return;
    }
    cpu->cc_fix = (cpu->cc_fix & ~mask) | (value & mask);
    cpu->cc_op |= mask << CC_OVR_SHIFT;
}

void cpu_flags_materialize(struct cpu *cpu)
{
    uint32_t f = cpu_arith_flags(cpu);
    cpu->cc_op = CC_EFLAGS;
    cpu->cc_src1 = f;
}

uint32_t cpu_get_eflags(struct cpu *cpu)
{
    return (cpu->eflags & ~F_ARITH) | 0x2 | cpu_arith_flags(cpu);
}

void cpu_set_eflags(struct cpu *cpu, uint32_t value, uint32_t mask)
{
    /* Only the arithmetic flags written are touched: the others stay lazy. */
    if (mask & F_ARITH)
        cpu_set_arith_flags(cpu, value, mask);
    uint32_t nv = (cpu->eflags & ~mask) | (value & mask);
    /* Reserved bits: 1 is always set, 3, 5, 15 and 22-31 always clear. */
    nv = (nv | 0x2) & 0x003f7fd7u;
    cpu->eflags = nv & ~F_ARITH;
}
