/*
 * frontend_x87.c - the x87 escapes D8-DF, FWAIT and FXSAVE/FXRSTOR.
 *
 * Each instruction is decoded here, once, into an enum x87_op with its
 * operands packed in one immediate (fpu/x87.h), and becomes one call of
 * helper_x87 with the operand's linear address and offset: the run-time
 * side never re-reads the bytes.  FCMOVcc evaluates its condition inline
 * from the lazy flags; FCOMI and friends write EFLAGS inside the helper,
 * which the IR already assumes of every call (the frontend forgets its
 * cached condition and the optimizer keeps flags live across calls).
 */
#include "fpu/x87.h"
#include "translator/frontend_priv.h"

#include <stdio.h>
#include <string.h>

struct x87_decoded {
    int op, sub, fmt, pop;
};

static int prefix_len(const struct insn *in)
{
    int k = 0;
    while (k < in->len - 1 &&
           (in->bytes[k] == 0x66 || in->bytes[k] == 0x67 || in->bytes[k] == 0xf0 ||
            in->bytes[k] == 0xf2 || in->bytes[k] == 0xf3 || in->bytes[k] == 0x26 ||
            in->bytes[k] == 0x2e || in->bytes[k] == 0x36 || in->bytes[k] == 0x3e ||
            in->bytes[k] == 0x64 || in->bytes[k] == 0x65))
        k++;
    return k;
}

/* Memory forms: escape (0-7) and ModRM reg. */
static struct x87_decoded decode_mem(int esc, int reg)
{
    static const int arith_fmt[8] = { X87_M32F, -1, X87_M32I, -1, X87_M64F, -1, X87_M16I, -1 };
    if (arith_fmt[esc] >= 0)
        return (struct x87_decoded){ X87_ARITH_MEM, reg, arith_fmt[esc], 0 };
    /* D9 DB DD DF: loads, stores and the environment. */
    static const struct x87_decoded t[4][8] = {
        { { X87_FLD_MEM, 0, X87_M32F, 0 }, { X87_UD, 0, 0, 0 }, { X87_FST_MEM, 0, X87_M32F, 0 },
          { X87_FST_MEM, 0, X87_M32F, 1 }, { X87_FLDENV, 0, 0, 0 }, { X87_FLDCW, 0, 0, 0 },
          { X87_FNSTENV, 0, 0, 0 }, { X87_FNSTCW, 0, 0, 0 } },
        { { X87_FLD_MEM, 0, X87_M32I, 0 }, { X87_UD, 0, 0, 0 }, { X87_FST_MEM, 0, X87_M32I, 0 },
          { X87_FST_MEM, 0, X87_M32I, 1 }, { X87_UD, 0, 0, 0 }, { X87_FLD_MEM, 0, X87_M80F, 0 },
          { X87_UD, 0, 0, 0 }, { X87_FST_MEM, 0, X87_M80F, 1 } },
        { { X87_FLD_MEM, 0, X87_M64F, 0 }, { X87_UD, 0, 0, 0 }, { X87_FST_MEM, 0, X87_M64F, 0 },
          { X87_FST_MEM, 0, X87_M64F, 1 }, { X87_FRSTOR, 0, 0, 0 }, { X87_UD, 0, 0, 0 },
          { X87_FNSAVE, 0, 0, 0 }, { X87_FNSTSW, 0, 0, 0 } },
        { { X87_FLD_MEM, 0, X87_M16I, 0 }, { X87_UD, 0, 0, 0 }, { X87_FST_MEM, 0, X87_M16I, 0 },
          { X87_FST_MEM, 0, X87_M16I, 1 }, { X87_FLD_MEM, 0, X87_M80BCD, 0 },
          { X87_FLD_MEM, 0, X87_M64I, 0 }, { X87_FST_MEM, 0, X87_M80BCD, 1 },
          { X87_FST_MEM, 0, X87_M64I, 1 } },
    };
    return t[esc >> 1][reg];
}

static struct x87_decoded d(int op, int sub)
{
    return (struct x87_decoded){ op, sub, 0, 0 };
}

/* D9 E0-FF: one byte says it all. */
static struct x87_decoded decode_d9_e0(int rm8)
{
    switch (rm8) {
    case 0x0: return d(X87_UNARY, X87_U_CHS);
    case 0x1: return d(X87_UNARY, X87_U_ABS);
    case 0x4: return d(X87_FTST, 0);
    case 0x5: return d(X87_FXAM, 0);
    case 0x8: return d(X87_FLDCONST, F80_K_ONE);
    case 0x9: return d(X87_FLDCONST, F80_K_L2T);
    case 0xa: return d(X87_FLDCONST, F80_K_L2E);
    case 0xb: return d(X87_FLDCONST, F80_K_PI);
    case 0xc: return d(X87_FLDCONST, F80_K_LG2);
    case 0xd: return d(X87_FLDCONST, F80_K_LN2);
    case 0xe: return d(X87_FLDCONST, F80_K_ZERO);
    case 0x10: return d(X87_UNARY, X87_U_F2XM1);
    case 0x11: return d(X87_BINARY, X87_B_FYL2X);
    case 0x12: return d(X87_UNARY, X87_U_PTAN);
    case 0x13: return d(X87_BINARY, X87_B_FPATAN);
    case 0x14: return d(X87_UNARY, X87_U_XTRACT);
    case 0x15: return d(X87_BINARY, X87_B_FPREM1);
    case 0x16: return d(X87_FDECSTP, 0);
    case 0x17: return d(X87_FINCSTP, 0);
    case 0x18: return d(X87_BINARY, X87_B_FPREM);
    case 0x19: return d(X87_BINARY, X87_B_FYL2XP1);
    case 0x1a: return d(X87_UNARY, X87_U_SQRT);
    case 0x1b: return d(X87_UNARY, X87_U_SINCOS);
    case 0x1c: return d(X87_UNARY, X87_U_RNDINT);
    case 0x1d: return d(X87_BINARY, X87_B_FSCALE);
    case 0x1e: return d(X87_UNARY, X87_U_SIN);
    case 0x1f: return d(X87_UNARY, X87_U_COS);
    default: return d(X87_UD, 0);
    }
}

/* FCMOVcc conditions, by escape (DA, DB) and reg. */
static const uint8_t fcmov_cc[2][4] = { { CC_B, CC_E, CC_BE, CC_P }, { CC_AE, CC_NE, CC_A, CC_NP } };

/* Register forms (mod = 3). */
static struct x87_decoded decode_reg(int esc, int reg, int rm)
{
    struct x87_decoded r = { X87_UD, 0, 0, 0 };
    switch (esc) {
    case 0: /* D8: ST0 = ST0 op ST(i) */
        if (reg == X87_K_COM || reg == X87_K_COMP)
            return (struct x87_decoded){ X87_FCOM_STI, 0, reg == X87_K_COMP, 0 };
        return d(X87_ARITH_ST0, reg);
    case 4: case 6: /* DC, DE: ST(i) = ST(i) op ST0; the sub/div pairs swap */
        if (reg == X87_K_COM || reg == X87_K_COMP) {
            if (esc == 6 && reg == X87_K_COMP && rm != 1)
                return r;
            /* DC D0/D8 and DE D0 are aliases of FCOM/FCOMP; DE D9 is FCOMPP. */
            int pops = esc == 6 ? (reg == X87_K_COMP ? 2 : 1) : reg == X87_K_COMP;
            return (struct x87_decoded){ X87_FCOM_STI, 0, pops, 0 };
        }
        return (struct x87_decoded){ X87_ARITH_STI, reg >= 4 ? reg ^ 1 : reg, 0, esc == 6 };
    case 1: /* D9 */
        switch (reg) {
        case 0: return d(X87_FLD_STI, 0);
        case 1: return d(X87_FXCH, 0);
        case 2: return d(rm == 0 ? X87_FNOP : X87_UD, 0);
        case 3: return (struct x87_decoded){ X87_FST_STI, 0, 0, 1 }; /* FSTP1 alias */
        default: return decode_d9_e0((reg - 4) << 3 | rm);
        }
    case 2: /* DA */
        if (reg < 4)
            return d(X87_FCMOV, fcmov_cc[0][reg]);
        if (reg == 5 && rm == 1)
            return (struct x87_decoded){ X87_FUCOM_STI, 0, 2, 0 }; /* FUCOMPP */
        return r;
    case 3: /* DB */
        if (reg < 4)
            return d(X87_FCMOV, fcmov_cc[1][reg]);
        if (reg == 4) {
            if (rm == 2)
                return d(X87_FNCLEX, 0);
            if (rm == 3)
                return d(X87_FNINIT, 0);
            return d(rm <= 4 ? X87_FNOP : X87_UD, 0); /* FENI FDISI FSETPM: ignored */
        }
        if (reg == 5)
            return d(X87_FUCOMI, 0);
        if (reg == 6)
            return d(X87_FCOMI, 0);
        return r;
    case 5: /* DD */
        switch (reg) {
        case 0: return d(X87_FFREE, 0);
        case 1: return d(X87_FXCH, 0);
        case 2: return d(X87_FST_STI, 0);
        case 3: return (struct x87_decoded){ X87_FST_STI, 0, 0, 1 };
        case 4: return (struct x87_decoded){ X87_FUCOM_STI, 0, 0, 0 };
        case 5: return (struct x87_decoded){ X87_FUCOM_STI, 0, 1, 0 };
        default: return r;
        }
    default: /* DF */
        switch (reg) {
        case 0: return (struct x87_decoded){ X87_FFREE, 0, 0, 1 }; /* FFREEP */
        case 1: return d(X87_FXCH, 0);
        case 2: case 3: return (struct x87_decoded){ X87_FST_STI, 0, 0, 1 };
        case 4: return d(rm == 0 ? X87_FNSTSW_AX : X87_UD, 0);
        case 5: return (struct x87_decoded){ X87_FUCOMI, 0, 0, 1 };
        case 6: return (struct x87_decoded){ X87_FCOMI, 0, 0, 1 };
        default: return r;
        }
    }
}

int f_x87_rescue(struct insn *in, const uint8_t *buf, int n, uint32_t eip)
{
    int k = 0;
    while (k < n && k < 14 && (buf[k] == 0x66 || buf[k] == 0x67 || buf[k] == 0xf0 ||
                               buf[k] == 0xf2 || buf[k] == 0xf3 || buf[k] == 0x26 ||
                               buf[k] == 0x2e || buf[k] == 0x36 || buf[k] == 0x3e ||
                               buf[k] == 0x64 || buf[k] == 0x65))
        k++;
    /* Capstone rejects the reserved register encodings (D9 D1, D9 E2...):
     * they are still escapes, so #NM comes before their #UD. */
    if (k + 1 >= n || buf[k] < 0xd8 || buf[k] > 0xdf || (buf[k + 1] & 0xc0) != 0xc0)
        return -1;
    memset(in, 0, sizeof(*in));
    in->eip = eip;
    in->len = (uint8_t)(k + 2);
    memcpy(in->bytes, buf, in->len);
    in->op = OP_UNKNOWN;
    in->cls = CLS_INNOCUOUS;
    in->seg_override = S_NONE;
    snprintf(in->text, sizeof(in->text), "(reserved x87 %02x %02x)", buf[k], buf[k + 1]);
    return 0;
}

int f_x87(struct fctx *c)
{
    const struct insn *in = c->in;
    if (in->op == OP_WAIT) {
        f_calli(c, H_FWAIT, 0, 0, 0);
        return 1;
    }
    int k = prefix_len(in);
    if (k + 1 >= in->len)
        return 0;
    uint8_t b0 = in->bytes[k], modrm = in->bytes[k + 1];
    int mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    struct x87_decoded x;
    int esc;
    if (b0 == 0x0f && modrm == 0xae && k + 2 < in->len) {
        /* 0F AE /0 and /1 with a memory operand: FXSAVE, FXRSTOR. */
        uint8_t m2 = in->bytes[k + 2];
        if ((m2 >> 6) == 3 || ((m2 >> 3) & 7) > 1)
            return 0;
        x = d(((m2 >> 3) & 7) ? X87_FXRSTOR : X87_FXSAVE, 0);
        esc = 0;
        mod = 0;
        modrm = m2;
    } else if (b0 >= 0xd8 && b0 <= 0xdf) {
        esc = b0 & 7;
        x = mod == 3 ? decode_reg(esc, reg, rm) : decode_mem(esc, reg);
    } else {
        return 0;
    }
    uint32_t fop = (uint32_t)esc << 8 | modrm;
    uint16_t lin, off;
    int seg = 7; /* no memory operand */
    if (mod != 3) {
        const struct operand *o = NULL;
        for (int i = 0; i < in->nops; i++)
            if (in->o[i].kind == OPK_MEM)
                o = &in->o[i];
        if (!o)
            return 0;
        off = f_lea(c, o);
        lin = f_lin(c, o->seg, off);
        seg = o->seg;
    } else if (x.op == X87_FCMOV) {
        lin = f_cond(c, x.sub);
        off = f_movi(c, 0);
    } else {
        lin = off = f_movi(c, 0);
    }
    int sub = x.op == X87_FCMOV ? 0 : x.sub;
    int o16 = !(c->hflags & HF_CODE32);
    for (int i = 0; i < k; i++)
        if (in->bytes[i] == 0x66)
            o16 = !(c->hflags & HF_CODE32) ^ 1;
    uint32_t packed = X87_PACK(x.op, rm, fop, seg, o16, sub, x.fmt, x.pop);
    if (x.op == X87_FXSAVE || x.op == X87_FXRSTOR)
        packed = X87_PACK(x.op, 0, 0, seg, 0, 0, 0, 0);
    f_call(c, H_X87, lin, f_movi(c, packed), off);
    return 1;
}
