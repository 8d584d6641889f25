/*
 * diff.h - what the two sides of the differential tests share.
 *
 * diff_bt86 (a host program linked with the emulator) generates random
 * input states for each instruction form of forms.c, has native32 (a
 * 32-bit Linux program) run them on the host CPU, runs them through bt86,
 * and compares.  The two talk through pipes in the fixed-layout records
 * below: only uint32_t/uint16_t/uint8_t fields, so that -m32 and the host
 * ABI lay them out alike.
 *
 * Memory: both sides map the same guest-physical / host-virtual layout,
 * a data page at DIFF_DATA and a stack page right after it, and fill them
 * from the request's seed with diff_fill(); results name the bytes that
 * changed, so that a request never carries the pages themselves.  A guard
 * page on either side, filled with DIFF_GUARD_BYTE, is watched as well:
 * a write that strays just outside the two pages shows as a change there.
 *
 * Privilege: the host runs the forms at CPL 3 with IOPL 0, and so does
 * bt86 (its GDT mirrors Linux's selectors, CS 0x23, SS/DS/ES 0x2b, FS an
 * LDT entry 0x07), so that every EFLAGS bit a ring-3 program sees compares.
 */
#ifndef BT86_TESTS_DIFF_H
#define BT86_TESTS_DIFF_H

#include <stdint.h>
#include <string.h>

#define DIFF_DATA 0x00200000u  /* data page; memory operands point here */
#define DIFF_STACK 0x00201000u /* stack page; ESP and sptr= registers */
#define DIFF_MEM_SIZE 0x2000u  /* both pages */
#define DIFF_GUARD 0x1000u     /* a guard page below DIFF_DATA and one above the stack */
#define DIFF_WATCH (DIFF_DATA - DIFF_GUARD) /* compared after every case: */
#define DIFF_WATCH_SIZE (DIFF_MEM_SIZE + 2 * DIFF_GUARD) /* guards and both pages */
#define DIFF_GUARD_BYTE 0xa5u
#define DIFF_USER_CS 0x23u     /* Linux's 32-bit user code and data selectors */
#define DIFF_USER_DS 0x2bu
#define DIFF_CODE 0x00300000u  /* where bt86 runs the instruction */
/*
 * Control flow: forms with the "flow" constraint (and the #UD sweep) run on
 * both sides from a code page mapped at DIFF_CODE, the instruction at
 * DIFF_FLOW_OFF and INT3 everywhere else, so that wherever EIP goes it
 * stops with #BP just after: both sides report vector 3 and that EIP, and
 * a pushed return address has the same raw value on both.  bt86 also fills
 * its first 4 KiB with INT3: a 0x66-truncated EIP lands there, while the
 * host (which cannot map below 64 KiB) faults fetching there; native32
 * reports that fetch fault as the landing it stands for.
 */
#define DIFF_FLOW_OFF 0x800u
#define DIFF_LOW_LAND 0x1000u   /* bt86: INT3 below this */
/*
 * The sweep (mode 2) points every register but ESP at DIFF_SWEEP_REG, and
 * fills the code page from 0x900 and both data pages with DIFF_SWEEP_WORD:
 * a dword whose low byte is INT3 and which, as an address, points at
 * itself.  An instruction that jumps through a register, memory or the
 * stack therefore stops at once, on both sides.
 */
#define DIFF_SWEEP_WORD (DIFF_CODE + 0x9ccu)
#define DIFF_SWEEP_REG (DIFF_CODE + 0xa00u)
/*
 * FS, for forms with the "fs" constraint, is a flat 4 GiB data segment
 * based at DIFF_DATA: a GDT entry in bt86, an LDT entry (modify_ldt) in
 * native32.  It lets 16-bit addressing (0x67) reach the data page.
 */
#define DIFF_FS_BASE DIFF_DATA
#define DIFF_MAXCODE 16
#define DIFF_MAXCHG 200        /* changed bytes reported one by one */
#define DIFF_NOVERRIDE 3

struct diff_form {
    const char *name;
    uint8_t len;
    uint8_t code[DIFF_MAXCODE];
    const char *rule; /* defined flags, see forms.list */
    const char *cons; /* input constraints */
};
extern const struct diff_form diff_forms[];
extern const int diff_nforms;

/* One input state. */
struct diff_req {
    uint32_t r[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eflags;
    uint32_t mem_seed;
    uint32_t fill_mode; /* 0 biased random, 1 low entropy, 2 DIFF_SWEEP_WORD */
    uint32_t mode;      /* 0 inline; 1 flow; 2 sweep (see DIFF_FLOW_OFF) */
    uint32_t flush;     /* native32: answer everything so far */
    uint32_t ov_off[DIFF_NOVERRIDE]; /* dwords stored after the fill; ~0u = none */
    uint32_t ov_val[DIFF_NOVERRIDE];
    uint32_t code_len;
    uint8_t code[DIFF_MAXCODE];
};

/* One outcome. */
struct diff_res {
    uint32_t r[8];
    uint32_t eflags;
    int32_t vector;  /* exception vector, -1 if none */
    uint32_t eip_off; /* EIP from the instruction: 0 when it faults, else its length;
                         flow: where the #BP after the landing reports it */
    uint32_t nchg;   /* bytes of the watched region that changed (all of them) */
    uint16_t chg_off[DIFF_MAXCHG]; /* the first DIFF_MAXCHG of them, from DIFF_WATCH */
    uint8_t chg_val[DIFF_MAXCHG];
};

/* xorshift32: the generator both sides use for memory. */
static inline uint32_t diff_xs(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static const uint32_t diff_edges[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff,
    0x80000000u, 0xffffffffu, 0xfffffffeu, 0x80000001u, 0x7ffffffe, 0xfe, 0x81, 0xfffe,
    0x8001, 0x7f7f7f7f, 0x80808080u, 0x0000ff00, 0xff00ff00u, 0x00ff00ff,
};
#define DIFF_NEDGES (sizeof(diff_edges) / sizeof(diff_edges[0]))

/* A value biased toward the edges of 8-, 16- and 32-bit arithmetic. */
static inline uint32_t diff_biased(uint32_t *s)
{
    uint32_t k = diff_xs(s) % 16, v;
    switch (k) {
    case 0: case 1: case 2:
        return diff_edges[diff_xs(s) % DIFF_NEDGES];
    case 3:
        return diff_xs(s) % 34; /* small, likely counts */
    case 4:
        return diff_edges[diff_xs(s) % DIFF_NEDGES] + (diff_xs(s) % 5) - 2;
    case 5: case 6: { /* each byte or word an edge of its own */
        static const uint8_t b[] = { 0, 1, 0x7f, 0x80, 0xff, 0x0f, 0xf0, 0x99, 0x09 };
        v = 0;
        for (int i = 0; i < 4; i++)
            v |= (uint32_t)b[diff_xs(s) % sizeof(b)] << (8 * i);
        return v;
    }
    case 7:
        return (diff_edges[diff_xs(s) % DIFF_NEDGES] << 16) ^ (diff_xs(s) & 0xffff);
    case 8:
        return diff_xs(s) & diff_xs(s) & diff_xs(s); /* few bits set */
    case 9:
        return diff_xs(s) | diff_xs(s) | diff_xs(s); /* few bits clear */
    default:
        return diff_xs(s);
    }
}

/*
 * Fill the watched region (watch: DIFF_WATCH_SIZE bytes at DIFF_WATCH) for
 * a request.  The middle of the data page, where memory operands point,
 * gets biased values; the rest of both pages plain random bytes; the
 * guards DIFF_GUARD_BYTE.
 */
static inline void diff_fill(uint8_t *watch, const struct diff_req *q)
{
    uint8_t *mem = watch + DIFF_GUARD;
    memset(watch, DIFF_GUARD_BYTE, DIFF_GUARD);
    memset(mem + DIFF_MEM_SIZE, DIFF_GUARD_BYTE, DIFF_GUARD);
    uint32_t s = q->mem_seed | 1;
    for (uint32_t off = 0; off < DIFF_MEM_SIZE; off += 4) {
        uint32_t v;
        if (q->fill_mode == 2) {
            v = DIFF_SWEEP_WORD;
        } else if (q->fill_mode == 1) {
            v = diff_xs(&s);
            v = (v & 7) ? 0 : (v >> 3) & 0x01010101u;
        } else if ((off >= 0x500 && off < 0xb00) || (off >= 0x1700 && off < 0x1900)) {
            v = diff_biased(&s);
        } else {
            v = diff_xs(&s);
        }
        memcpy(mem + off, &v, 4);
    }
    for (int i = 0; i < DIFF_NOVERRIDE; i++)
        if (q->ov_off[i] <= DIFF_MEM_SIZE - 4)
            memcpy(mem + q->ov_off[i], &q->ov_val[i], 4);
}

/* The code page (4 KiB at DIFF_CODE) of a flow or sweep request. */
static inline void diff_code_page(uint8_t *page, const struct diff_req *q)
{
    memset(page, 0xcc, 0x1000);
    if (q->mode == 2)
        for (uint32_t off = 0x900; off < 0x1000; off += 4) {
            uint32_t v = DIFF_SWEEP_WORD;
            memcpy(page + off, &v, 4);
        }
    memcpy(page + DIFF_FLOW_OFF, q->code, q->code_len);
}

/* Record which bytes of the watched region changed between before and after. */
static inline void diff_changes(const uint8_t *before, const uint8_t *after, struct diff_res *r)
{
    r->nchg = 0;
    for (uint32_t off = 0; off < DIFF_WATCH_SIZE; off += 64) {
        if (!memcmp(before + off, after + off, 64))
            continue;
        for (uint32_t i = off; i < off + 64; i++)
            if (before[i] != after[i]) {
                if (r->nchg < DIFF_MAXCHG) {
                    r->chg_off[r->nchg] = (uint16_t)i;
                    r->chg_val[r->nchg] = after[i];
                }
                r->nchg++;
            }
    }
}

/* ---- host side only (diff_gen.c, diff_bt86.c) ---- */

enum diff_rule {
    RULE_ALL, RULE_LOGIC, RULE_MUL, RULE_DIV, RULE_BT, RULE_BS, RULE_DAA, RULE_AAA,
    RULE_AAM, RULE_SHIFT, RULE_SAR, RULE_ROT, RULE_RC, RULE_SHD, RULE_COUNT
};
extern const char *const diff_rule_names[RULE_COUNT];

#define DIFF_MAXCONS 8

/* A register operand as named in forms.list: al..bh, ax..di, eax..edi. */
struct diff_reg {
    int8_t reg;  /* R_EAX..., -1: memory ("m"), -2: the stack top ("s") */
    uint8_t size; /* 8, 16, 32 */
    uint8_t high; /* AH..BH */
};

enum diff_cons_kind {
    CONS_PTR, CONS_SPTR, CONS_IDX, CONS_BITOFF, CONS_CNT, CONS_CNT16, CONS_STR, CONS_LOWENT,
    CONS_DIV, CONS_EQEAX, CONS_EQ8B, CONS_PXPTR, CONS_PXESP, CONS_POPF,
    CONS_FS, CONS_FSPTR, CONS_A16, CONS_FLOW, CONS_CODE, CONS_CODE16, CONS_LOOP,
    CONS_FLAGS, CONS_POPFTF, CONS_IRET, CONS_IRETW
};

struct diff_cons {
    uint8_t kind;
    uint8_t is_signed; /* div */
    struct diff_reg reg;
    struct diff_reg reg2; /* a16=bx+si: the second register */
};

/* A form's rule and constraints, parsed. */
struct diff_plan {
    uint8_t rule;
    uint8_t size;  /* operand size for count-dependent rules */
    int8_t count;  /* immediate count, -1: CL */
    int ncons;
    struct diff_cons cons[DIFF_MAXCONS];
    int8_t ptr_reg; /* first ptr= register, -1 if none */
    uint8_t needs_fs; /* uses FS: skipped when the host cannot set up its LDT */
    uint8_t mode;     /* diff_req.mode: 1 for control flow */
    uint8_t any_ac;   /* AC may be set in the input (the form cannot misalign) */
    uint8_t no_nt;    /* NT clear in the input (IRET would switch tasks) */
};

/* Parse a form's rule and constraints; returns 0, or -1 with a message in err. */
int diff_plan_parse(const struct diff_form *f, struct diff_plan *p, char *err, int errlen);
/* Generate one random input state for the form. */
void diff_gen(const struct diff_form *f, const struct diff_plan *p, uint32_t *rng,
              struct diff_req *q);
/*
 * EFLAGS bits a ring-3 program can load: POPF and IRET at CPL 3, IOPL 0
 * leave IF, IOPL, VM, VIF, VIP alone and clear RF.
 */
#define DIFF_USER_FLAGS 0x00244fd5u /* F_ARITH TF DF OF NT AC ID */
/* The arithmetic flags the manual defines after running the form on q. */
uint32_t diff_defined_flags(const struct diff_plan *p, const struct diff_req *q);

#endif
