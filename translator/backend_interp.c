/*
 * backend_interp.c - the portable backend: threaded code with computed goto.
 *
 * Each IR op becomes a `struct top` holding the address of its handler
 * inside interp_exec(); a handler does its work and jumps straight to the
 * next op's handler, with no central dispatch switch.  Memory ops carry the
 * TLB fast path inline.  Runs on any host GCC or Clang targets.
 *
 * Chained exits jump to the next block's first op without leaving this
 * function; the budget bounds how long we stay (timers, devices and
 * interrupts are looked at between blocks, in the run loop).
 *
 * Values live in a frame on this function's stack, indexed by IR value
 * number: the guest registers are copied in on entry and sit in frame[0..7]
 * while blocks run, the temporaries after them.  The frame is the only
 * copy of the registers between a write and the next point where C can see
 * the CPU, so before any slow path or helper (SYNC) and at every return
 * the registers go back to cpu->r[], and after a helper (which may change
 * them) they come in again.  A fault longjmps out from such a point, with
 * cpu->r[] already exact.
 */
#include "translator/backend.h"
#include "cpu/flags.h"
#include "monitor/helpers.h"
#include "base/log.h"
#include "monitor/monitor.h"
#include "base/timer.h"
#include "softmmu/tlb.h"

#include <string.h>

struct top {
    const void *h;
    uint16_t d, a, b, c; /* IR value numbers: indexes into the frame */
    uint32_t imm, aux;
    uint16_t insn;
    uint16_t tlb0; /* loads and stores: aux << TLB_BITS, their TLB's first entry */
    uint16_t opc;
    uint16_t exit; /* enum ir_exit_kind, for the dump */
};
_Static_assert(IR_MAX_INSNS <= 0x10000 && (2 << TLB_BITS) <= 0x10000, "struct top's short fields");

static struct tb *interp_exec(struct cpu *cpu, struct tb *tb, int *slot);

static const void *const *handlers;
/* TESTCC specialized by kind and condition (tcc_pick), with no C call. */
static const void *const *tcc_handlers;
/* With -stats: loads and stores count TLB hits first (no cost otherwise). */
static const void *const *count_handlers;

static size_t interp_code_size(const struct ir_block *b)
{
    return (size_t)(b->nops + 1) * sizeof(struct top);
}

/*
 * The handler for a fused compare: the kind and condition are known here,
 * so the common ones are a compare inline.  Operands of 8 and 16 bits are
 * shifted to the top (by imm bits 8-15) so that one 32-bit compare serves
 * every size, signed or not; imm bit 0 (of the condition) negates.
 */

static const void *interp_compile(const struct ir_block *b, void *mem, const void *exec,
                                  const struct tb *tb)
{
    (void)tb;
    if (!handlers) {
        int slot;
        interp_exec(NULL, NULL, &slot);
    }
    struct top *out = mem, *t = out;
    const void *const *h = monitor_stats.timing ? count_handlers : handlers;
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        if (op->opc == IR_NOP)
            continue;
        t->h = h[op->opc];
        t->d = op->d;
        t->a = op->a;
        t->b = op->b;
        t->c = op->c;
        t->imm = op->imm;
        t->aux = op->aux;
        t->insn = op->insn;
        t->tlb0 = (ir_op_info[op->opc].flags & (IRF_READS_MEM | IRF_WRITES_MEM)) &&
                          !(ir_op_info[op->opc].flags & IRF_CALL)
                      ? op->aux << TLB_BITS
                      : 0;
        t->opc = op->opc;
        t->exit = op->exit;
        if (op->opc == IR_TESTCC) {
            int k = tcc_pick(op->aux, op->imm);
            if (k != TCC_GENERIC) {
                t->h = tcc_handlers[k];
                t->imm = op->imm | (uint32_t)(32 - (8 << CC_SIZEIDX(op->aux))) << 8;
            }
        }
        t++;
    }
    return exec; /* where out is: threaded code is read, not run */
}

/* The block's threaded code, or only guest instruction `insn`'s (-1: all). */
static void dump_ops(FILE *f, const struct tb *tb, int insn)
{
    for (const struct top *t = tb->code;; t++) {
        if (insn >= 0 && t->insn != insn) {
            if (ir_op_ends_block(t->opc))
                break;
            continue;
        }
        struct ir_op op = { .opc = t->opc, .exit = t->exit, .d = t->d, .a = t->a, .b = t->b,
                            .c = t->c, .imm = t->imm, .aux = t->aux };
        if (t->opc == IR_TESTCC)
            op.imm &= 0xff; /* a specialized one keeps its shift above */
        fprintf(f, "  %p: ", (const void *)t);
        ir_dump_op(f, &op);
        if (ir_op_ends_block(t->opc))
            break;
    }
}

static void interp_dump(FILE *f, const struct tb *tb)
{
    dump_ops(f, tb, -1);
}

static void interp_dump_insn(FILE *f, const struct tb *tb, int insn)
{
    dump_ops(f, tb, insn);
}

#define NEXT          \
    do {              \
        ip++;         \
        goto *ip->h;  \
    } while (0)

/* The guest registers between the frame and struct cpu. */
#define REGS_OUT() memcpy(cpu->r, v, sizeof(cpu->r))
#define REGS_IN() memcpy(v, cpu->r, sizeof(cpu->r))

/* Before anything that may fault or call out: where the guest is, and its
 * registers where C code and the fault path look for them. */
#define SYNC() (cpu->insn_eip = tb->insn_eip[ip->insn], cpu->cur_tb = tb, REGS_OUT())

#define LOAD(size)                                                                   \
    do {                                                                             \
        uint32_t a_ = v[ip->a];                                                      \
        struct tlb_entry *e_ = &tlb[ip->tlb0 + TLB_INDEX(a_)];                                   \
        if (__builtin_expect(e_->tag_read == ((a_ + (size)-1) & PAGE_MASK), 1)) {    \
            v[ip->d] = host_ld((void *)(uintptr_t)(a_ + e_->addend), (size));        \
        } else {                                                                     \
            SYNC();                                                                  \
            v[ip->d] = mem_read_slow(cpu, a_, (size), ip->aux);                      \
        }                                                                            \
        NEXT;                                                                        \
    } while (0)

#define STORE(size)                                                                  \
    do {                                                                             \
        uint32_t a_ = v[ip->a];                                                      \
        struct tlb_entry *e_ = &tlb[ip->tlb0 + TLB_INDEX(a_)];                                   \
        if (__builtin_expect(e_->tag_write == ((a_ + (size)-1) & PAGE_MASK), 1)) {   \
            host_st((void *)(uintptr_t)(a_ + e_->addend), v[ip->b], (size));         \
        } else {                                                                     \
            SYNC();                                                                  \
            mem_write_slow(cpu, a_, v[ip->b], (size), ip->aux);                      \
        }                                                                            \
        NEXT;                                                                        \
    } while (0)

/* The TLB check of LOAD/STORE, counted, then the real handler. */
#define COUNT_TLB(size, tag, real)                                                   \
    do {                                                                             \
        uint32_t a_ = v[ip->a];                                                      \
        struct tlb_entry *e_ = &tlb[ip->tlb0 + TLB_INDEX(a_)];                                   \
        if (e_->tag == ((a_ + (size)-1) & PAGE_MASK))                                \
            tlb_stats.hits++;                                                        \
        else                                                                         \
            tlb_stats.misses++;                                                      \
        goto real;                                                                   \
    } while (0)

static struct tb *interp_exec(struct cpu *cpu, struct tb *tb, int *slot)
{
    static const void *const table[IR_COUNT] = {
        [IR_NOP] = &&L_NOP, [IR_MOVI] = &&L_MOVI, [IR_MOV] = &&L_MOV, [IR_ADD] = &&L_ADD,
        [IR_SUB] = &&L_SUB, [IR_AND] = &&L_AND, [IR_OR] = &&L_OR, [IR_XOR] = &&L_XOR,
        [IR_SHL] = &&L_SHL, [IR_SHR] = &&L_SHR, [IR_SAR] = &&L_SAR, [IR_ROL] = &&L_ROL,
        [IR_ROR] = &&L_ROR, [IR_ADDI] = &&L_ADDI, [IR_LEA] = &&L_LEA, [IR_IDX] = &&L_IDX,
        [IR_ANDI] = &&L_ANDI, [IR_MUL] = &&L_MUL, [IR_MULHU] = &&L_MULHU,
        [IR_MULHS] = &&L_MULHS, [IR_NOT] = &&L_NOT, [IR_NEG] = &&L_NEG,
        [IR_EXT8U] = &&L_EXT8U, [IR_EXT8S] = &&L_EXT8S, [IR_EXT16U] = &&L_EXT16U,
        [IR_EXT16S] = &&L_EXT16S, [IR_HI8] = &&L_HI8, [IR_DEP8L] = &&L_DEP8L,
        [IR_DEP8H] = &&L_DEP8H, [IR_DEP16] = &&L_DEP16, [IR_BSWAP] = &&L_BSWAP,
        [IR_SELECT] = &&L_SELECT, [IR_SETEQ] = &&L_SETEQ, [IR_LD8] = &&L_LD8,
        [IR_LD16] = &&L_LD16, [IR_LD32] = &&L_LD32, [IR_ST8] = &&L_ST8, [IR_ST16] = &&L_ST16,
        [IR_ST32] = &&L_ST32, [IR_LDCPU] = &&L_LDCPU, [IR_STCPU] = &&L_STCPU,
        [IR_SETCC] = &&L_SETCC, [IR_GETCC] = &&L_GETCC, [IR_TESTCC] = &&L_TESTCC,
        [IR_GETFLAGS] = &&L_GETFLAGS, [IR_SETFL] = &&L_SETFL, [IR_CCFLAGS] = &&L_CCFLAGS,
        [IR_CALL] = &&L_CALL, [IR_EXIT] = &&L_EXIT,
        [IR_EXITCC] = &&L_EXITCC, [IR_EXITIND] = &&L_EXITIND, [IR_EXITEIP] = &&L_EXITEIP,
        [IR_BRANCH] = &&L_BRANCH,
    };
    static const void *count_table[IR_COUNT];
    static const void *const tcc_table[TCC_COUNT] = {
        [TCC_GENERIC] = &&L_TESTCC, [TCC_ZERO] = &&L_TCC_ZERO, [TCC_DST_E] = &&L_TCC_DST_E,
        [TCC_DST_S] = &&L_TCC_DST_S, [TCC_DST_LE] = &&L_TCC_DST_LE, [TCC_SUB_B] = &&L_TCC_SUB_B,
        [TCC_SUB_BE] = &&L_TCC_SUB_BE, [TCC_SUB_L] = &&L_TCC_SUB_L,
        [TCC_SUB_LE] = &&L_TCC_SUB_LE, [TCC_SUB_E] = &&L_TCC_SUB_E, [TCC_SUB_S] = &&L_TCC_SUB_S,
        [TCC_ADD_B] = &&L_TCC_ADD_B, [TCC_INC_B] = &&L_TCC_INC_B,
    };
    if (!cpu) {
        handlers = table;
        tcc_handlers = tcc_table;
        memcpy(count_table, table, sizeof(table));
        count_table[IR_LD8] = &&L_CLD8;
        count_table[IR_LD16] = &&L_CLD16;
        count_table[IR_LD32] = &&L_CLD32;
        count_table[IR_ST8] = &&L_CST8;
        count_table[IR_ST16] = &&L_CST16;
        count_table[IR_ST32] = &&L_CST32;
        count_handlers = count_table;
        return NULL;
    }
    uint32_t v[IR_NVALUES];
    REGS_IN();
    /* The TLB base in a register of its own: when its offset in struct cpu
     * is a multiple of the entry size, GCC folds it into the index and
     * then recomputes the entry's address for the addend. */
    struct tlb_entry *tlb = &cpu->tlb[0][0];
    __asm__("" : "+r"(tlb));
    const struct top *ip = tb->code;
    int s;
    goto *ip->h;

L_NOP: NEXT;
L_MOVI: v[ip->d] = ip->imm; NEXT;
L_MOV: v[ip->d] = v[ip->a]; NEXT;
L_ADD: v[ip->d] = v[ip->a] + v[ip->b]; NEXT;
L_SUB: v[ip->d] = v[ip->a] - v[ip->b]; NEXT;
L_AND: v[ip->d] = v[ip->a] & v[ip->b]; NEXT;
L_OR: v[ip->d] = v[ip->a] | v[ip->b]; NEXT;
L_XOR: v[ip->d] = v[ip->a] ^ v[ip->b]; NEXT;
L_SHL: v[ip->d] = v[ip->a] << (v[ip->b] & 31); NEXT;
L_SHR: v[ip->d] = v[ip->a] >> (v[ip->b] & 31); NEXT;
L_SAR: v[ip->d] = (uint32_t)((int32_t)v[ip->a] >> (v[ip->b] & 31)); NEXT;
L_ROL: { uint32_t x = v[ip->a], n = v[ip->b] & 31; v[ip->d] = n ? (x << n) | (x >> (32 - n)) : x; NEXT; }
L_ROR: { uint32_t x = v[ip->a], n = v[ip->b] & 31; v[ip->d] = n ? (x >> n) | (x << (32 - n)) : x; NEXT; }
L_ADDI: v[ip->d] = v[ip->a] + ip->imm; NEXT;
L_LEA: v[ip->d] = v[ip->a] + (v[ip->b] << ip->imm) + ip->aux; NEXT;
L_IDX: v[ip->d] = (v[ip->b] << ip->imm) + ip->aux; NEXT;
L_ANDI: v[ip->d] = v[ip->a] & ip->imm; NEXT;
L_MUL: v[ip->d] = v[ip->a] * v[ip->b]; NEXT;
L_MULHU: v[ip->d] = (uint32_t)(((uint64_t)v[ip->a] * v[ip->b]) >> 32); NEXT;
L_MULHS: v[ip->d] = (uint32_t)((uint64_t)((int64_t)(int32_t)v[ip->a] * (int32_t)v[ip->b]) >> 32); NEXT;
L_NOT: v[ip->d] = ~v[ip->a]; NEXT;
L_NEG: v[ip->d] = -v[ip->a]; NEXT;
L_EXT8U: v[ip->d] = v[ip->a] & 0xff; NEXT;
L_EXT8S: v[ip->d] = (uint32_t)(int32_t)(int8_t)v[ip->a]; NEXT;
L_EXT16U: v[ip->d] = v[ip->a] & 0xffff; NEXT;
L_EXT16S: v[ip->d] = (uint32_t)(int32_t)(int16_t)v[ip->a]; NEXT;
L_HI8: v[ip->d] = (v[ip->a] >> 8) & 0xff; NEXT;
L_DEP8L: v[ip->d] = (v[ip->a] & ~0xffu) | (v[ip->b] & 0xff); NEXT;
L_DEP8H: v[ip->d] = (v[ip->a] & ~0xff00u) | ((v[ip->b] & 0xff) << 8); NEXT;
L_DEP16: v[ip->d] = (v[ip->a] & ~0xffffu) | (v[ip->b] & 0xffff); NEXT;
L_BSWAP: v[ip->d] = __builtin_bswap32(v[ip->a]); NEXT;
L_SELECT: v[ip->d] = v[ip->a] ? v[ip->b] : v[ip->c]; NEXT;
L_SETEQ: v[ip->d] = v[ip->a] == v[ip->b]; NEXT;
L_CLD8: COUNT_TLB(1, tag_read, L_LD8);
L_CLD16: COUNT_TLB(2, tag_read, L_LD16);
L_CLD32: COUNT_TLB(4, tag_read, L_LD32);
L_CST8: COUNT_TLB(1, tag_write, L_ST8);
L_CST16: COUNT_TLB(2, tag_write, L_ST16);
L_CST32: COUNT_TLB(4, tag_write, L_ST32);
L_LD8: LOAD(1);
L_LD16: LOAD(2);
L_LD32: LOAD(4);
L_ST8: STORE(1);
L_ST16: STORE(2);
L_ST32: STORE(4);
/* Never on cpu->r[] (ir.h), whose live copy is in the frame. */
L_LDCPU: memcpy(&v[ip->d], (char *)cpu + ip->imm, 4); NEXT;
L_STCPU: memcpy((char *)cpu + ip->imm, &v[ip->a], 4); NEXT;
L_SETCC:
    if (!ip->aux || v[ip->c]) {
        cpu->cc_op = ip->imm;
        cpu->cc_dst = v[ip->d];
        cpu->cc_src1 = v[ip->a];
        cpu->cc_src2 = v[ip->b];
    }
    NEXT;
L_GETCC: v[ip->d] = cpu_cond(cpu, ip->imm); NEXT;
L_TESTCC: v[ip->d] = cc_test(ip->aux, v[ip->a], v[ip->b], v[ip->c], ip->imm); NEXT;
/* Specialized TESTCC (tcc_pick): a = dst, b = src1, c = src2; imm = cond | shift << 8. */
#define TSH(x) (v[ip->x] << (ip->imm >> 8))
L_TCC_ZERO: v[ip->d] = ip->imm & 1; NEXT;
L_TCC_DST_E: v[ip->d] = (TSH(a) == 0) ^ (ip->imm & 1); NEXT;
L_TCC_DST_S: v[ip->d] = ((int32_t)TSH(a) < 0) ^ (ip->imm & 1); NEXT;
L_TCC_DST_LE: v[ip->d] = ((int32_t)TSH(a) <= 0) ^ (ip->imm & 1); NEXT;
L_TCC_SUB_B: v[ip->d] = (TSH(b) < TSH(c)) ^ (ip->imm & 1); NEXT;
L_TCC_SUB_BE: v[ip->d] = (TSH(b) <= TSH(c)) ^ (ip->imm & 1); NEXT;
L_TCC_SUB_L: v[ip->d] = ((int32_t)TSH(b) < (int32_t)TSH(c)) ^ (ip->imm & 1); NEXT;
L_TCC_SUB_LE: v[ip->d] = ((int32_t)TSH(b) <= (int32_t)TSH(c)) ^ (ip->imm & 1); NEXT;
L_TCC_SUB_E: v[ip->d] = (TSH(b) == TSH(c)) ^ (ip->imm & 1); NEXT;
L_TCC_SUB_S: v[ip->d] = ((int32_t)(TSH(b) - TSH(c)) < 0) ^ (ip->imm & 1); NEXT;
L_TCC_ADD_B: v[ip->d] = (TSH(a) < TSH(b)) ^ (ip->imm & 1); NEXT;
L_TCC_INC_B: v[ip->d] = (v[ip->c] & 1) ^ (ip->imm & 1); NEXT;
#undef TSH
L_GETFLAGS: v[ip->d] = cpu_get_eflags(cpu); NEXT;
L_SETFL: /* cpu_set_arith_flags() inline, without the full-write case */
    if (!ip->aux || v[ip->c]) {
        cpu->cc_fix = (cpu->cc_fix & ~ip->imm) | (v[ip->a] & ip->imm);
        cpu->cc_op |= ip->imm << CC_OVR_SHIFT;
    }
    NEXT;
L_CCFLAGS: v[ip->d] = cc_compute(ip->aux, v[ip->a], v[ip->b], v[ip->c]); NEXT;
L_CALL:
    SYNC();
    {
        uint32_t r_ = helper_call(cpu, ip->imm, v[ip->a], v[ip->b], v[ip->c], ip->aux);
        REGS_IN();
        v[ip->d] = r_;
    }
    NEXT;
L_EXIT:
    s = 0;
    cpu->eip = ip->imm;
    goto chain;
L_EXITCC:
    if (v[ip->a]) {
        s = 0;
        cpu->eip = ip->imm;
    } else {
        s = 1;
        cpu->eip = ip->aux;
    }
    goto chain;
L_BRANCH:
    if (v[ip->a]) {
        s = IR_BRANCH_SLOT(ip->aux);
        cpu->eip = ip->imm;
        cpu->budget += IR_BRANCH_BACK(ip->aux); /* not run: tb_enter charged them */
        cpu->icount -= IR_BRANCH_BACK(ip->aux);
        if (s < 0)
            goto L_EXITEIP; /* a block that never chains: no slot */
        goto chain;
    }
    NEXT;
L_EXITIND:
    cpu->eip = v[ip->a];
    REGS_OUT();
    *slot = -1;
    return tb;
L_EXITEIP:
    REGS_OUT();
    *slot = -1;
    return tb;

chain: {
    struct tb *n = tb->jmp[s];
    if (tb_chain_enter(cpu, n)) {
        tb = n;
        ip = n->code;
        goto *ip->h;
    }
    REGS_OUT();
    *slot = s;
    return tb;
}
}

const struct backend backend_interp = {
    .name = "interp",
    .help = "portable threaded-code interpreter (any host)",
    .executable = 0,
    .code_size = interp_code_size,
    .compile = interp_compile,
    .exec = interp_exec,
    .link = NULL, /* exits read tb->jmp[] as they run */
    .flush = NULL,
    .dump = interp_dump,
    .dump_insn = interp_dump_insn,
};
