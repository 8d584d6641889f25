/*
 * frontend.c - x86 -> IR: the block loop and the building blocks every
 * instruction group uses (operands, addresses, stack, flags, exits).
 *
 * A block ends at the first control transfer, at an instruction that
 * changes the CPU mode, at a page boundary (so that a block's code lies in
 * at most two physical pages, for SMC tracking), or when it is full.  A
 * direct JMP within the block's page is no end (f_follow): the block goes
 * on at its target, which saves a block entry and an exit per jump.
 * An instruction bt86 does not implement becomes a call that stops the
 * emulator only if the guest actually reaches it.
 */
#include "translator/frontend.h"
#include "translator/decode.h"
#include "translator/frontend_priv.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#include <string.h>

uint16_t f_temp(struct fctx *c)
{
    return ir_temp(c->b);
}

uint16_t f_movi(struct fctx *c, uint32_t imm)
{
    uint16_t d = f_temp(c);
    ir_emit(c->b, IR_MOVI, d, 0, 0, 0, imm, 0);
    return d;
}

uint16_t f_op(struct fctx *c, int opc, uint16_t a, uint16_t b)
{
    uint16_t d = f_temp(c);
    ir_emit(c->b, opc, d, a, b, 0, 0, 0);
    return d;
}

uint16_t f_opi(struct fctx *c, int opc, uint16_t a, uint32_t imm)
{
    uint16_t d = f_temp(c);
    ir_emit(c->b, opc, d, a, 0, 0, imm, 0);
    return d;
}

uint16_t f_mask(struct fctx *c, uint16_t v, int size)
{
    if (size == 4)
        return v;
    return f_op(c, size == 2 ? IR_EXT16U : IR_EXT8U, v, 0);
}

uint16_t f_reg(struct fctx *c, int reg, int size)
{
    if (size == 4)
        return reg;
    if (size == 2)
        return f_op(c, IR_EXT16U, reg, 0);
    if (reg < 4)
        return f_op(c, IR_EXT8U, reg, 0);
    return f_op(c, IR_HI8, reg - 4, 0);
}

/*
 * Register reg gets a new value: a fused compare must not read it after.
 * When it was only a 32-bit SUB, INC or DEC's first operand (sub eax, 1;
 * jb and dec ecx; jnz: the common cases), whose result is a temporary,
 * the operand is the result plus the other, which f_cond computes again
 * (INC and DEC's gives only AF, which no condition reads): the branch
 * stays a compare of values, not a read of the lazy flags, whose stores
 * may then sink off the path.  (An ADD's carry the backend already finds
 * from src2: find_forwards.)
 */
static void lastcc_clobber(struct fctx *c, int reg, uint16_t val)
{
    if (c->lastcc.dst_reg == reg && val != c->lastcc.dst)
        c->lastcc.dst_reg = NONE_V;
    if (!c->lastcc.valid ||
        (c->lastcc.dst != reg && c->lastcc.src1 != reg && c->lastcc.src2 != reg))
        return;
    int base = CC_BASE(c->lastcc.kind);
    if (c->lastcc.src1 == reg && c->lastcc.dst != reg && c->lastcc.src2 != reg &&
        c->lastcc.dst >= V_TEMP0 && c->lastcc.kind < CC_EFLAGS &&
        CC_SIZEIDX(c->lastcc.kind) == 2 &&
        (base == CCB_SUB || base == CCB_INC || base == CCB_DEC)) {
        c->lastcc.src1_gone = 1;
        if (val == c->lastcc.dst) /* the result into the register (the alias the backend likes) */
            c->lastcc.dst_reg = (uint16_t)reg;
    } else
        c->lastcc.valid = 0;
}

void f_set_reg(struct fctx *c, int reg, int size, uint16_t val)
{
    int high = size == 1 && reg >= 4;
    if (high)
        reg -= 4;
    c->pw[c->npw++] = (struct pending_write){ reg, size, high, val };
    lastcc_clobber(c, reg, size == 4 ? val : NONE_V);
}

void f_flush_regs(struct fctx *c)
{
    /* Writes land in order; a value that is itself a register is copied
     * first so that swaps (XCHG) see the old contents. */
    if (c->npw > 1)
        for (int i = 0; i < c->npw; i++)
            if (c->pw[i].val < V_TEMP0) {
                uint16_t t = f_temp(c);
                ir_emit(c->b, IR_MOV, t, c->pw[i].val, 0, 0, 0, 0);
                c->pw[i].val = t;
            }
    for (int i = 0; i < c->npw; i++) {
        struct pending_write *w = &c->pw[i];
        lastcc_clobber(c, w->reg, w->size == 4 ? w->val : NONE_V);
        if (w->size == 4) {
            if (w->val != w->reg)
                ir_emit(c->b, IR_MOV, w->reg, w->val, 0, 0, 0, 0);
        } else {
            int opc = w->size == 2 ? IR_DEP16 : w->high ? IR_DEP8H : IR_DEP8L;
            ir_emit(c->b, opc, w->reg, w->reg, w->val, 0, 0, 0);
        }
    }
    c->npw = 0;
}

static int seg_needs_base(struct fctx *c, int seg)
{
    return seg == S_FS || seg == S_GS || (c->hflags & HF_ADDSEG);
}

uint16_t f_seg_base(struct fctx *c, int seg)
{
    uint16_t d = f_temp(c);
    ir_emit(c->b, IR_LDCPU, d, 0, 0, 0, CPU_OFF(seg[seg].base), 0);
    return d;
}

uint16_t f_lin(struct fctx *c, int seg, uint16_t offset)
{
    if (!seg_needs_base(c, seg))
        return offset;
    return f_op(c, IR_ADD, offset, f_seg_base(c, seg));
}

static int log2_scale(int s)
{
    return s == 8 ? 3 : s == 4 ? 2 : s == 2 ? 1 : 0;
}

uint16_t f_lea(struct fctx *c, const struct operand *o)
{
    int a16 = c->in->addrsize == 2;
    uint32_t disp = (uint32_t)o->disp;
    uint16_t t;
    if (o->base != NO_REG && o->index != NO_REG) {
        t = f_temp(c);
        ir_emit(c->b, IR_LEA, t, o->base, o->index, 0, log2_scale(o->scale), disp);
    } else if (o->index != NO_REG) {
        t = f_temp(c);
        ir_emit(c->b, IR_IDX, t, 0, o->index, 0, log2_scale(o->scale), disp);
    } else if (o->base != NO_REG) {
        if (disp == 0 && !a16)
            return o->base;
        t = f_opi(c, IR_ADDI, o->base, disp);
    } else {
        return f_movi(c, a16 ? disp & 0xffff : disp);
    }
    if (a16)
        t = f_opi(c, IR_ANDI, t, 0xffff);
    return t;
}

uint16_t f_ea(struct fctx *c, const struct operand *o)
{
    return f_lin(c, o->seg, f_lea(c, o));
}

void f_seg_check(struct fctx *c, int seg, uint16_t off, int size, int write)
{
    if (!(c->hflags & HF_SEGCHK(seg)))
        return;
    f_call(c, H_SEGCHK, off, f_movi(c, (uint32_t)(seg | size << 4 | write << 8)), f_movi(c, 0));
}

uint16_t f_ea_check(struct fctx *c, const struct operand *o, int size, int write)
{
    uint16_t off = f_lea(c, o);
    f_seg_check(c, o->seg, off, size, write);
    c->ea_off = off;
    c->ea_seg = o->seg;
    return f_lin(c, o->seg, off);
}

uint16_t f_ld(struct fctx *c, uint16_t addr, int size)
{
    uint16_t d = f_temp(c);
    int opc = size == 1 ? IR_LD8 : size == 2 ? IR_LD16 : IR_LD32;
    ir_emit(c->b, opc, d, addr, 0, 0, 0, c->mmu);
    return d;
}

void f_st(struct fctx *c, uint16_t addr, uint16_t val, int size)
{
    int opc = size == 1 ? IR_ST8 : size == 2 ? IR_ST16 : IR_ST32;
    ir_emit(c->b, opc, 0, addr, val, 0, 0, c->mmu);
}

static uint32_t size_mask(int size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

uint16_t f_read(struct fctx *c, int i, int size, uint16_t *addr)
{
    const struct operand *o = &c->in->o[i];
    switch (o->kind) {
    case OPK_REG:
        return f_reg(c, o->reg, size);
    case OPK_IMM:
        return f_movi(c, o->imm & size_mask(size));
    case OPK_MEM: {
        uint16_t a = f_ea_check(c, o, size, 0);
        if (addr)
            *addr = a;
        return f_ld(c, a, size);
    }
    default:
        return f_movi(c, 0);
    }
}

void f_write(struct fctx *c, int i, int size, uint16_t val, uint16_t addr)
{
    const struct operand *o = &c->in->o[i];
    if (o->kind == OPK_REG)
        f_set_reg(c, o->reg, size, val);
    else if (o->kind == OPK_MEM && addr == NONE_V)
        f_st(c, f_ea_check(c, o, size, 1), val, size);
    else if (o->kind == OPK_MEM) {
        /* Read-modify-write: f_read checked the read of the same operand. */
        f_seg_check(c, c->ea_seg, c->ea_off, size, 1);
        f_st(c, addr, val, size);
    }
}

void f_setcc(struct fctx *c, int base, int size, uint16_t dst, uint16_t src1, uint16_t src2)
{
    uint32_t kind = CC_KIND(base, size_index(size));
    ir_emit(c->b, IR_SETCC, dst, src1, src2, 0, kind, 0);
    c->lastcc.valid = 1;
    c->lastcc.kind = kind;
    c->lastcc.dst = dst;
    c->lastcc.src1 = src1;
    c->lastcc.src2 = src2;
    c->lastcc.src1_gone = 0;
    c->lastcc.dst_reg = NONE_V;
}

void f_setfl(struct fctx *c, uint16_t val, uint32_t mask, uint16_t cond)
{
    if (mask == F_ARITH && cond == NONE_V)
        ir_emit(c->b, IR_SETCC, 0, val, 0, 0, CC_EFLAGS, 0);
    else
        ir_emit(c->b, IR_SETFL, 0, val, 0, cond == NONE_V ? 0 : cond, mask, cond != NONE_V);
    c->lastcc.valid = 0;
}

uint16_t f_getflags(struct fctx *c)
{
    uint16_t d = f_temp(c);
    ir_emit(c->b, IR_GETFLAGS, d, 0, 0, 0, 0, 0);
    return d;
}

/* Whether temporary v is a constant (IR_MOVI), and which. */
static int f_const(const struct fctx *c, uint16_t v, uint32_t *k)
{
    if (v < V_TEMP0)
        return 0;
    for (int i = c->b->nops - 1; i >= 0; i--)
        if (ir_op_writes_d(c->b->ops[i].opc) && c->b->ops[i].d == v) {
            *k = c->b->ops[i].imm;
            return c->b->ops[i].opc == IR_MOVI;
        }
    return 0;
}

uint16_t f_cond(struct fctx *c, int cond)
{
    if (c->lastcc.valid && c->lastcc.src1_gone) {
        /* src1 again (lastcc_clobber), once for every later reader */
        uint16_t dst = c->lastcc.dst_reg != NONE_V ? c->lastcc.dst_reg : c->lastcc.dst;
        uint16_t s2 = c->lastcc.src2;
        uint32_t k;
        int base = CC_BASE(c->lastcc.kind);
        if (base != CCB_SUB)
            c->lastcc.src1 = dst; /* INC, DEC: src1 gives AF alone, which no condition reads */
        else if (f_const(c, s2, &k))
            c->lastcc.src1 = f_opi(c, IR_ADDI, dst, k);
        else
            c->lastcc.src1 = f_op(c, IR_ADD, dst, s2);
        c->lastcc.src1_gone = 0;
    }
    uint16_t d = f_temp(c);
    if (c->lastcc.valid)
        ir_emit(c->b, IR_TESTCC, d, c->lastcc.dst, c->lastcc.src1, c->lastcc.src2, cond,
                c->lastcc.kind);
    else
        ir_emit(c->b, IR_GETCC, d, 0, 0, 0, cond, 0);
    return d;
}

uint16_t f_call(struct fctx *c, int helper, uint16_t a, uint16_t b, uint16_t cc)
{
    uint16_t d = f_temp(c);
    ir_emit(c->b, IR_CALL, d, a, b, cc, helper, c->next_eip);
    c->lastcc.valid = 0; /* helpers may change registers and flags */
    return d;
}

uint16_t f_calli(struct fctx *c, int helper, uint32_t a, uint32_t b, uint32_t cc)
{
    uint16_t va = f_movi(c, a), vb = f_movi(c, b), vc = f_movi(c, cc);
    return f_call(c, helper, va, vb, vc);
}

void f_exit_to(struct fctx *c, uint32_t eip, int kind)
{
    f_flush_regs(c);
    ir_emit_exit(c->b, IR_EXIT, kind, 0, eip, 0);
    c->ended = 1;
}

/*
 * Whether the block may go on at eip t after a direct JMP: in the same
 * linear page (whose bytes the SMC tracking covers from code_lo to the
 * last byte), not at an instruction the block has already (a loop chains
 * to itself instead), and a few times per block at most (each follow
 * copies code another block has too).  Never in single-step blocks, nor
 * after a monitor call: a device may have asked for an exit (or unmasked
 * an interrupt), which the run loop sees between blocks, as soon as before.
 */
#define MAX_FOLLOWS 4

/* Whether the block so far may go on at t: t in its page and not in it
 * yet, no single-step, no monitor call (see f_follow). */
static int may_go_on_at(const struct fctx *c, uint32_t t)
{
    if ((c->hflags & HF_SINGLE) || ((c->b->cs_base + t) & PAGE_MASK) != c->page0)
        return 0;
    for (int i = 0; i < c->b->ninsns; i++)
        if (c->b->insns[i].eip == t ||
            (c->b->insns[i].cls != CLS_INNOCUOUS && c->b->insns[i].cls != CLS_CONTROL))
            return 0;
    return 1;
}

int f_follow(struct fctx *c, uint32_t t)
{
    if (c->follows >= MAX_FOLLOWS || !may_go_on_at(c, t))
        return 0;
    c->follows++;
    return 1;
}

/*
 * Whether a Jcc to t may be a side exit (IR_BRANCH) after which the block
 * goes on at its fall-through: a loop whose body has an early exit (a
 * list walk's `while (p && p->key < k)`) is then one block that chains to
 * itself, and the flags of a compare the next one overwrites need not
 * leave the block on the path that stays.  A backward Jcc to the block's
 * start or before it is most often the back edge of a loop around the
 * block, taken, which chains best from the block's end (the taken side of
 * a side exit pays a trampoline).  One back into the block's own span
 * enters an inner loop the block jumped over or into (a rotated loop's
 * `jmp cond; body: ...; cond: cmp; jcc body`), and is a side exit like a
 * forward one: strsearch's mismatch test then stays in the block that
 * advances the pattern (-9% host instructions).  Twice per block (the
 * exit slots after the final Jcc's two), to a target in the same page (a
 * link tb_link() makes), under the rules of f_follow for the fall-through.
 */
int f_branch(struct fctx *c, uint32_t t)
{
    if (c->branches >= IR_MAX_BRANCHES || t == c->next_eip || t <= c->b->eip ||
        ((c->b->cs_base + t) & PAGE_MASK) != c->page0 || !may_go_on_at(c, c->next_eip))
        return 0;
    c->branches++;
    return 1;
}

void f_exit(struct fctx *c, uint32_t eip)
{
    f_exit_to(c, eip, IR_EXIT_MONITOR);
}

/*
 * After the load of data segment seg: the block goes on when the mode is
 * still the one it was translated for (a flat segment reloaded for a flat
 * one, as at every kernel entry and exit), through a side exit to the
 * next instruction when it is not; or it ends there, as after any monitor
 * call that may change the mode.  Not after SS, whose interrupt shadow the
 * run loop must see, nor in single-step blocks.  The block calls the
 * monitor, so it never chains (tb->no_chain): the side exit has no chain
 * slot (IR_BRANCH_NO_SLOT), and leaves for the run loop or tb_find_quick(),
 * which find the block for the new mode.
 */
void f_exit_after_seg_load(struct fctx *c, int seg)
{
    if (seg == S_SS || (c->hflags & HF_SINGLE) ||
        ((c->b->cs_base + c->next_eip) & PAGE_MASK) != c->page0) {
        f_exit(c, c->next_eip);
        return;
    }
    uint16_t h = f_temp(c);
    ir_emit(c->b, IR_LDCPU, h, 0, 0, 0, CPU_OFF(hflags), 0);
    h = f_opi(c, IR_ANDI, h, ~HF_INHIBIT_IRQ);
    uint16_t changed = f_op(c, IR_XOR, h, f_movi(c, c->hflags & ~HF_INHIBIT_IRQ));
    f_flush_regs(c);
    ir_emit_exit(c->b, IR_BRANCH, IR_EXIT_MONITOR, changed, c->next_eip, 0);
}

struct ir_op *f_exit_ind(struct fctx *c, uint16_t eip, int kind)
{
    f_flush_regs(c);
    c->ended = 1;
    return ir_emit_exit(c->b, IR_EXITIND, kind, eip, 0, 0);
}

static void exit_eip(struct fctx *c, int kind)
{
    f_flush_regs(c);
    ir_emit_exit(c->b, IR_EXITEIP, kind, 0, 0, 0);
    c->ended = 1;
}

void f_exit_eip(struct fctx *c)
{
    exit_eip(c, IR_EXIT_FAR);
}

void f_raise(struct fctx *c, int vector)
{
    c->npw = 0;
    f_calli(c, H_RAISE, vector, 0, 0);
    exit_eip(c, IR_EXIT_RAISE);
}

/* Linear address of a stack offset. */
static uint16_t stack_lin(struct fctx *c, uint16_t sp, int size, int write)
{
    if (!(c->hflags & HF_SS32))
        sp = f_op(c, IR_EXT16U, sp, 0);
    f_seg_check(c, S_SS, sp, size, write);
    return f_lin(c, S_SS, sp);
}

/* New stack pointer after adding delta, honouring a 16-bit SS. */
static uint16_t sp_add(struct fctx *c, uint16_t sp, int32_t delta)
{
    uint16_t t = f_opi(c, IR_ADDI, sp, (uint32_t)delta);
    if (!(c->hflags & HF_SS32))
        t = f_op(c, IR_DEP16, sp, t);
    return t;
}

uint16_t f_push(struct fctx *c, uint16_t sp, uint16_t val, int size)
{
    uint16_t nsp = sp_add(c, sp, -size);
    f_st(c, stack_lin(c, nsp, size, 1), val, size);
    return nsp;
}

uint16_t f_pop(struct fctx *c, uint16_t *sp, int size)
{
    uint16_t v = f_ld(c, stack_lin(c, *sp, size, 0), size);
    *sp = sp_add(c, *sp, size);
    return v;
}

/* Code bytes within one page: straight from RAM/ROM, else through the bus. */
static void copy_code(struct cpu *cpu, uint8_t *dst, uint32_t phys, int n)
{
    const uint8_t *src = mem_host_ptr(cpu->mem, phys);
    if (src && mem_host_ptr(cpu->mem, phys + n - 1) == src + n - 1) {
        memcpy(dst, src, n);
        return;
    }
    for (int i = 0; i < n; i++)
        dst[i] = phys_read(cpu->mem, phys + i, 1);
}

/*
 * Fetch up to 16 code bytes at linear pc.  Only the block's first
 * instruction may fault or cross into another page; for the others we
 * return just the bytes left in the current page.
 */
static int fetch(struct cpu *cpu, uint32_t pc, uint8_t *buf, int first, uint32_t *phys_last)
{
    int in_page = 0x1000 - (pc & 0xfff);
    int n = in_page < 16 ? in_page : 16;
    uint32_t phys = mem_code_phys(cpu, pc);
    copy_code(cpu, buf, phys, n);
    if (n < 16 && first) {
        uint32_t phys2;
        /* Crossing needs the next page: a #PF here is the instruction's. */
        phys2 = mem_code_phys(cpu, pc + n);
        copy_code(cpu, buf + n, phys2, 16 - n);
        *phys_last = phys2;
        return 16;
    }
    *phys_last = phys;
    return n;
}

uint32_t frontend_translate(struct cpu *cpu, uint32_t eip, uint32_t cs_base, uint32_t hflags,
                            struct ir_block *b, struct insn *insns)
{
    struct fctx c;
    memset(&c, 0, sizeof(c));
    c.b = b;
    c.hflags = hflags;
    c.mmu = ((hflags & HF_CPL_MASK) >> HF_CPL_SHIFT) == 3;
    ir_block_init(b, eip, hflags);
    b->cs_base = cs_base;
    int code32 = (hflags & HF_CODE32) != 0;
    uint32_t page0 = (cs_base + eip) & PAGE_MASK;
    uint32_t phys_last = 0, phys_last_lin = 0;
    c.page0 = page0;
    b->code_lo = cs_base + eip;

    for (;;) {
        uint32_t pc = cs_base + eip;
        uint8_t buf[16];
        uint32_t pl;
        int first = b->ninsns == 0;
        int n = fetch(cpu, pc, buf, first, &pl);
        struct insn *in = &insns[b->ninsns];
        int bad = decode_insn(buf, n, eip, code32, in) < 0;
        if (bad)
            bad = f_x87_rescue(in, buf, n, eip) < 0;
        if (bad && !first && n < 16) {
            /* Possibly cut at the page end: let the next block decode it. */
            c.next_eip = eip;
            f_exit_to(&c, eip, IR_EXIT_PAGE);
            break;
        }
        if (bad) {
            in->len = 1;
            in->bytes[0] = buf[0];
            memcpy(in->bytes, buf, 15);
            strcpy(in->text, "(bad)");
            in->op = OP_INVALID;
        }
        if (!first && (pc & 0xfff) + in->len > 0x1000) {
            c.next_eip = eip;
            f_exit_to(&c, eip, IR_EXIT_PAGE);
            break;
        }
        /* fetch() gave the physical page of the instruction's last byte;
         * a followed jump may have led below the first instruction. */
        if (pc + in->len - 1 >= phys_last_lin) {
            phys_last = (pl & PAGE_MASK) | ((pc + in->len - 1) & 0xfff);
            phys_last_lin = pc + in->len - 1;
        }
        if (pc < b->code_lo)
            b->code_lo = pc;

        b->insns[b->ninsns] = (struct ir_insn_info){ eip, in->len, in->cls, (uint16_t)b->nops };
        b->ninsns++;
        b->guest_bytes += in->len;
        c.in = in;
        c.next_eip = eip + in->len;
        if (!code32)
            c.next_eip &= 0xffff;
        c.ended = 0;

        int done;
        if (in->op == OP_INVALID) {
            f_raise(&c, EXC_UD);
            done = 1;
        } else {
            done = f_x87(&c) || f_alu(&c) || f_bits(&c) || f_control(&c) || f_system(&c);
        }
        if (!done) {
            /* Anything unknown is an extension bt86 lacks (MMX, SSE...). */
            c.npw = 0;
            f_calli(&c, H_NO_EXTENSION, 0, 0, 0);
            exit_eip(&c, IR_EXIT_RAISE);
        }
        f_flush_regs(&c);
        if (c.ended)
            break;
        eip = c.next_eip;
        if (((cs_base + eip) & PAGE_MASK) != page0) {
            f_exit_to(&c, eip, IR_EXIT_PAGE);
            break;
        }
        if (!ir_room(b) || (hflags & HF_SINGLE) ||
            (cpu->stop_before && cpu->stop_before(cpu->stop_before_opaque, cs_base + eip))) {
            f_exit_to(&c, eip, IR_EXIT_SPLIT);
            break;
        }
    }
    /* A side exit's taken path gives back what the block's entry charged
     * for the instructions after it. */
    for (int i = 0, slot = 2; i < b->nops; i++)
        if (b->ops[i].opc == IR_BRANCH)
            b->ops[i].aux = IR_BRANCH_AUX(b->ops[i].exit == IR_EXIT_MONITOR ? IR_BRANCH_NO_SLOT : slot++,
                                          b->ninsns - 1 - b->ops[i].insn);
    ir_optimize(b);
    return phys_last;
}
