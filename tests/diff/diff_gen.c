/*
 * diff_gen.c - random input states for a form, and which flags the manual
 * defines afterwards.
 *
 * Every register starts from diff_biased() (edge values of 8-, 16- and
 * 32-bit arithmetic, small counts, random); ESP always points into the
 * stack page.  A form's constraints (forms.list) then make its memory
 * operands hit the data page, its shift counts interesting, its divisions
 * mostly not overflow, and so on.  Generation is a pure function of the
 * generator state, so a seed reproduces a run.
 */
#include "tests/diff/diff.h"
#include "cpu/cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const diff_rule_names[RULE_COUNT] = {
    "ALL", "LOGIC", "MUL", "DIV", "BT", "BS", "DAA", "AAA", "AAM", "SHIFT", "SAR", "ROT", "RC", "SHD",
};

static int parse_reg(const char *s, struct diff_reg *r)
{
    static const char *const n32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    static const char *const n16[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
    static const char *const n8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
    for (int i = 0; i < 8; i++) {
        if (!strcmp(s, n32[i])) {
            *r = (struct diff_reg){ i, 32, 0 };
            return 0;
        }
        if (!strcmp(s, n16[i])) {
            *r = (struct diff_reg){ i, 16, 0 };
            return 0;
        }
        if (!strcmp(s, n8[i])) {
            *r = (struct diff_reg){ i & 3, 8, i >= 4 };
            return 0;
        }
    }
    if (!strcmp(s, "m") || !strcmp(s, "m8") || !strcmp(s, "m16") || !strcmp(s, "m32")) {
        *r = (struct diff_reg){ -1, s[1] ? atoi(s + 1) : 32, 0 };
        return 0;
    }
    if (!strcmp(s, "s")) {
        *r = (struct diff_reg){ -2, 32, 0 };
        return 0;
    }
    return -1;
}

static uint32_t reg_get(const uint32_t *regs, struct diff_reg r)
{
    uint32_t v = regs[r.reg] >> (r.high ? 8 : 0);
    return r.size == 32 ? v : v & ((1u << r.size) - 1);
}

static void reg_set(uint32_t *regs, struct diff_reg r, uint32_t v)
{
    uint32_t mask = r.size == 32 ? ~0u : (1u << r.size) - 1;
    int sh = r.high ? 8 : 0;
    regs[r.reg] = (regs[r.reg] & ~(mask << sh)) | ((v & mask) << sh);
}

int diff_plan_parse(const struct diff_form *f, struct diff_plan *p, char *err, int errlen)
{
    memset(p, 0, sizeof(*p));
    p->ptr_reg = -1;
    char rule[32];
    snprintf(rule, sizeof(rule), "%s", *f->rule ? f->rule : "ALL");
    char *size = strchr(rule, ':');
    if (size)
        *size++ = 0;
    p->rule = RULE_COUNT;
    for (int i = 0; i < RULE_COUNT; i++)
        if (!strcmp(rule, diff_rule_names[i]))
            p->rule = i;
    if (p->rule == RULE_COUNT) {
        snprintf(err, errlen, "unknown flag rule '%s'", f->rule);
        return -1;
    }
    if (p->rule >= RULE_SHIFT) {
        char *count = size ? strchr(size, ':') : NULL;
        if (!count) {
            snprintf(err, errlen, "rule '%s' needs :SIZE:COUNT", f->rule);
            return -1;
        }
        *count++ = 0;
        p->size = atoi(size);
        p->count = !strcmp(count, "cl") ? -1 : atoi(count);
    }

    char cons[128];
    snprintf(cons, sizeof(cons), "%s", f->cons);
    for (char *save, *tok = strtok_r(cons, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        static const char *const kinds[] = { "ptr", "sptr", "idx", "bitoff", "cnt", "cnt16", "str",
                                             "lowent", "div", "eqeax", "eq8b", "pxptr", "pxesp", "popf", "fs", "fsptr", "a16",
                                             "flow", "code", "code16", "loop", "flags", "popftf", "iret", "iretw" };
        char *val = strchr(tok, '=');
        if (val)
            *val++ = 0;
        int kind = -1;
        for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
            if (!strcmp(tok, kinds[k]))
                kind = k;
        if (kind < 0) {
            snprintf(err, errlen, "unknown constraint '%s'", tok);
            return -1;
        }
        /* ptr=esi,edi is two constraints */
        do {
            char *next = val ? strchr(val, ',') : NULL;
            if (next)
                *next++ = 0;
            if (p->ncons == DIFF_MAXCONS) {
                snprintf(err, errlen, "too many constraints");
                return -1;
            }
            struct diff_cons *c = &p->cons[p->ncons++];
            c->kind = kind;
            if (kind == CONS_FS)
                p->needs_fs = 1;
            if (kind >= CONS_FLOW && kind <= CONS_LOOP)
                p->mode = 1;
            if (kind == CONS_FLAGS || kind == CONS_POPF || kind == CONS_POPFTF || kind == CONS_IRET ||
                kind == CONS_IRETW)
                p->any_ac = 1;
            if (kind == CONS_IRET || kind == CONS_IRETW) {
                p->mode = 1;
                p->no_nt = 1;
            }
            if (val) {
                char *sign = strchr(val, ':');
                if (sign) {
                    *sign++ = 0;
                    c->is_signed = *sign == 's';
                }
                char *plus = strchr(val, '+');
                c->reg2.reg = -1;
                if (plus) {
                    *plus++ = 0;
                    if (parse_reg(plus, &c->reg2) < 0) {
                        snprintf(err, errlen, "bad register '%s' in constraint %s", plus, tok);
                        return -1;
                    }
                }
                if (parse_reg(val, &c->reg) < 0) {
                    snprintf(err, errlen, "bad register '%s' in constraint %s", val, tok);
                    return -1;
                }
                if (kind == CONS_PTR && p->ptr_reg < 0)
                    p->ptr_reg = c->reg.reg;
            }
            val = next;
        } while (val);
    }
    return 0;
}

static uint32_t rnd(uint32_t *s)
{
    return diff_xs(s);
}

/* A flags image for POPF or IRET: every bit random, those a ring-3 program loads often extreme. */
static uint32_t rand_flags(uint32_t *s)
{
    switch (rnd(s) % 8) {
    case 0: return ~0u;
    case 1: return 0;
    case 2: return rnd(s) | DIFF_USER_FLAGS;
    case 3: return rnd(s) & ~DIFF_USER_FLAGS;
    default: return rnd(s);
    }
}

static void override(struct diff_req *q, uint32_t off, uint32_t val)
{
    for (int i = 0; i < DIFF_NOVERRIDE; i++)
        if (q->ov_off[i] == ~0u) {
            q->ov_off[i] = off;
            q->ov_val[i] = val;
            return;
        }
}

static uint32_t ptr_off(const struct diff_plan *p, const struct diff_req *q)
{
    return p->ptr_reg >= 0 ? q->r[p->ptr_reg] - DIFF_DATA : ~0u;
}

static void gen_div(const struct diff_plan *p, const struct diff_cons *c, uint32_t *s,
                    struct diff_req *q)
{
    int size = c->reg.size;
    uint32_t mask = size == 32 ? ~0u : (1u << size) - 1;
    uint32_t d;
    if (c->reg.reg < 0) {
        d = diff_biased(s);
        if (rnd(s) % 4 == 0)
            d &= 0xff; /* small divisors: quotients that fit */
        override(q, ptr_off(p, q), d);
    } else {
        d = reg_get(q->r, c->reg);
    }
    d &= mask;
    /* The dividend's high half: AH, DX or EDX; its low half AL, AX or EAX. */
    struct diff_reg hi = size == 8 ? (struct diff_reg){ R_EAX, 8, 1 } : (struct diff_reg){ R_EDX, size, 0 };
    struct diff_reg lo = { R_EAX, size, 0 };
    uint32_t k = rnd(s) % 10;
    if (k < 4) {
        uint32_t neg = c->is_signed && (reg_get(q->r, lo) >> (size - 1));
        reg_set(q->r, hi, neg ? mask : 0);
    } else if (k < 8) {
        if (c->is_signed) {
            /* |high half| small compared with |divisor| */
            uint32_t ad = (d >> (size - 1)) ? (-d & mask) : d;
            uint32_t h = ad > 1 ? rnd(s) % (ad / 2) : 0;
            reg_set(q->r, hi, (rnd(s) & 1) ? (-h & mask) : h);
        } else {
            reg_set(q->r, hi, d ? rnd(s) % d : 0);
        }
    }
}

void diff_gen(const struct diff_form *f, const struct diff_plan *p, uint32_t *s, struct diff_req *q)
{
    memset(q, 0, sizeof(*q));
    for (int r = 0; r < 8; r++)
        q->r[r] = diff_biased(s);
    q->r[R_ESP] = DIFF_STACK + 0x800 - (rnd(s) & 0x1fc);
    if (rnd(s) % 8 == 0)
        q->r[R_ESP] -= rnd(s) & 3;
    switch (rnd(s) % 16) {
    case 0: q->eflags = F_ARITH; break;
    case 1: q->eflags = 0; break;
    default: q->eflags = rnd(s) & F_ARITH; break;
    }
    if (rnd(s) & 1)
        q->eflags |= F_DF;
    /*
     * NT and ID change nothing but IRET (which the iret constraints keep
     * from a task return); AC makes the host (CR0.AM set, as Linux has it)
     * check alignment, so only forms that cannot misalign get it: those
     * with the flags, popf or iret constraints, which keep ESP aligned.
     */
    if (rnd(s) % 4 == 0 && !p->no_nt)
        q->eflags |= F_NT;
    if (rnd(s) % 4 == 0)
        q->eflags |= F_ID;
    if (p->any_ac) {
        if (rnd(s) % 3 == 0)
            q->eflags |= F_AC;
        q->r[R_ESP] &= ~3u;
    }
    q->eflags |= F_IF | 2; /* as at ring 3 on the host: IF set, IOPL 0 */
    q->mem_seed = rnd(s);
    for (int i = 0; i < DIFF_NOVERRIDE; i++)
        q->ov_off[i] = ~0u;
    q->mode = p->mode;
    q->code_len = f->len;
    memcpy(q->code, f->code, f->len);

    for (int i = 0; i < p->ncons; i++) {
        const struct diff_cons *c = &p->cons[i];
        uint32_t v;
        switch (c->kind) {
        case CONS_PTR:
            v = DIFF_DATA + 0x700 + rnd(s) % 0x200;
            q->r[c->reg.reg] = (rnd(s) & 1) ? v & ~3u : v;
            break;
        case CONS_SPTR:
            q->r[c->reg.reg] = DIFF_STACK + 0x400 + rnd(s) % 0x800;
            break;
        case CONS_IDX:
            reg_set(q->r, c->reg, rnd(s) % 16);
            break;
        case CONS_BITOFF:
            switch (rnd(s) % 4) {
            case 0: v = rnd(s) % 64; break;
            case 1: v = -(rnd(s) % 64); break;
            default: v = rnd(s) % 8001 - 4000; break;
            }
            reg_set(q->r, c->reg, v);
            break;
        case CONS_CNT: {
            static const uint8_t counts[] = { 0, 1, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 0xff };
            v = (rnd(s) % 4) ? counts[rnd(s) % sizeof(counts)] : rnd(s) & 0xff;
            q->r[R_ECX] = (q->r[R_ECX] & ~0xffu) | v;
            break;
        }
        case CONS_CNT16:
            v = (rnd(s) % 17) | (rnd(s) & 0xe0);
            q->r[R_ECX] = (q->r[R_ECX] & ~0xffu) | v;
            break;
        case CONS_STR:
            q->r[R_ESI] = DIFF_DATA + 0x600 + rnd(s) % 0x400;
            q->r[R_EDI] = DIFF_DATA + 0x600 + rnd(s) % 0x400;
            q->r[R_ECX] = (rnd(s) % 8) ? rnd(s) % 21 : 0;
            break;
        case CONS_LOWENT:
            q->fill_mode = 1;
            q->r[R_EAX] = (rnd(s) & 1) ? 0 : rnd(s) & 0x01010101u;
            break;
        case CONS_DIV:
            gen_div(p, c, s, q);
            break;
        case CONS_EQEAX:
            if (rnd(s) & 1)
                break;
            if (c->reg.reg < 0)
                override(q, ptr_off(p, q), q->r[R_EAX]);
            else
                reg_set(q->r, (struct diff_reg){ R_EAX, c->reg.size, 0 }, reg_get(q->r, c->reg));
            break;
        case CONS_PXPTR: /* an access that straddles the data and stack pages */
            q->r[c->reg.reg] = DIFF_STACK - 1 - rnd(s) % 7;
            break;
        case CONS_PXESP:
            q->r[R_ESP] = DIFF_STACK - 3 + rnd(s) % 7;
            break;
        case CONS_POPF:   /* any image but TF (the single step would trap in the harness) */
        case CONS_POPFTF: /* any image (its form must end right after the next instruction) */
            v = rand_flags(s);
            override(q, q->r[R_ESP] - DIFF_DATA, c->kind == CONS_POPF ? v & ~F_TF : v);
            break;
        case CONS_IRET: /* same-privilege IRET: CS and EFLAGS above code=s's EIP */
            override(q, q->r[R_ESP] + 4 - DIFF_DATA, DIFF_USER_CS);
            override(q, q->r[R_ESP] + 8 - DIFF_DATA, rand_flags(s) & ~F_TF);
            break;
        case CONS_IRETW: /* CS and FLAGS above code16=s's IP, in one dword */
            override(q, q->r[R_ESP] + 2 - DIFF_DATA, DIFF_USER_CS | (rand_flags(s) & ~F_TF) << 16);
            break;
        case CONS_FLAGS:
            break;
        case CONS_FS:
            break;
        case CONS_FSPTR: /* an offset from FS's base into the data page */
            q->r[c->reg.reg] = 0x700 + rnd(s) % 0x200;
            break;
        case CONS_A16: { /* 16-bit registers that sum, modulo 64 KiB, into the data page */
            uint32_t t = 0x700 + rnd(s) % 0x200;
            if (c->reg2.reg >= 0) {
                uint32_t a = rnd(s) & 0xffff;
                reg_set(q->r, c->reg, a);
                reg_set(q->r, c->reg2, t - a);
            } else {
                reg_set(q->r, c->reg, t);
            }
            break;
        }
        case CONS_FLOW:
            break;
        case CONS_CODE:   /* a branch target in the INT3 around the instruction */
        case CONS_CODE16: /* one below 64 KiB, in the low 16 bits */
            v = 16 + rnd(s) % 0x3f0;
            v = DIFF_CODE + DIFF_FLOW_OFF + ((rnd(s) & 1) ? v : -v);
            if (c->kind == CONS_CODE16)
                v = (rnd(s) & 0xffff0000u) | (0x100 + rnd(s) % (DIFF_LOW_LAND - 0x200));
            if (c->reg.reg == -1)
                override(q, ptr_off(p, q), v);
            else if (c->reg.reg == -2)
                override(q, q->r[R_ESP] - DIFF_DATA, v);
            else
                q->r[c->reg.reg] = v;
            break;
        case CONS_LOOP: { /* counts at the edges of ECX and CX */
            static const uint32_t counts[] = { 0, 1, 2, 3, 0x10000, 0x10001, 0xffff, 0xffffffffu, 0x8000 };
            if (rnd(s) % 4)
                q->r[R_ECX] = counts[rnd(s) % (sizeof(counts) / sizeof(counts[0]))];
            break;
        }
        case CONS_EQ8B:
            if (rnd(s) & 1)
                break;
            override(q, ptr_off(p, q), q->r[R_EAX]);
            override(q, ptr_off(p, q) + 4, q->r[R_EDX]);
            break;
        }
    }
}

uint32_t diff_defined_flags(const struct diff_plan *p, const struct diff_req *q)
{
    uint32_t c = (p->count >= 0 ? (uint32_t)p->count : q->r[R_ECX]) & 31;
    switch (p->rule) {
    case RULE_ALL: return F_ARITH;
    case RULE_LOGIC: return F_ARITH & ~F_AF;
    case RULE_MUL: return F_CF | F_OF;
    case RULE_DIV: return 0;
    case RULE_BT: return F_CF | F_ZF;
    case RULE_BS: return F_ZF;
    case RULE_DAA: return F_ARITH & ~F_OF;
    case RULE_AAA: return F_AF | F_CF;
    case RULE_AAM: return F_SF | F_ZF | F_PF;
    case RULE_SHIFT:
    case RULE_SAR:
        /* SDM: no flags change for a zero count; CF undefined for SHL/SHR by
         * the operand size or more; OF only for 1; AF never. */
        if (!c)
            return F_ARITH;
        return F_SF | F_ZF | F_PF | (c == 1 ? F_OF : 0) |
               (p->rule == RULE_SAR || c < p->size ? F_CF : 0);
    case RULE_ROT:
    case RULE_RC:
        /* CF from the rotation; OF only for a count of 1; the others unaffected. */
        return c <= 1 ? F_ARITH : F_ARITH & ~F_OF;
    case RULE_SHD:
        if (!c)
            return F_ARITH;
        if (c > p->size)
            return 0; /* the result is undefined too: cnt16 keeps CL out of this */
        return F_CF | F_SF | F_ZF | F_PF | (c == 1 ? F_OF : 0);
    }
    return F_ARITH;
}
