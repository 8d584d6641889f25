/*
 * backend_x86_64.c - the native backend: IR blocks compiled to x86-64 code.
 *
 * Same semantics as the interpreter (backend_interp.c), op by op; only
 * where values live differs.  While generated code runs:
 *
 *   rbp          the CPU (struct cpu *)
 *   r8-r15       the guest registers EAX..EDI, across blocks and chains
 *   rbx          guest instructions entered since cpu->budget and
 *                cpu->icount were last charged (see emit_charge); below
 *                0 after a side exit gave back more than was entered
 *   rsi rdi rdx  block temporaries (a linear-scan allocator; a
 *                temporary that finds none free lives in the frame)
 *   rax rcx      scratch within one op
 *   [rsp]        call arguments and the temporaries' frame slots
 *
 * Each block's code embeds its own struct tb's address (tb_addr), so that
 * no register or frame slot carries the running block.
 *
 * cpu->r[] is written back before every slow path and helper call (they
 * may fault: cpu_raise() longjmps from C straight to the run loop, which
 * needs nothing from this frame) and at every exit; the TLB miss paths are
 * cold stubs after the block's code, so a hit pays only the probe.
 *
 * Lazy flags: a SETCC whose state only a fault or a TLB miss could see
 * before the next full flag write is stored on the miss paths, not inline
 * (find_sinks), and a GETCC of a SETCC in the same block is a host compare
 * of its operands (find_forwards).  What may leave the block, call C or
 * read the state in memory still finds it there.
 *
 * Chaining patches jumps.  A direct exit is a jmp rel32, to a cold stub
 * that leaves for the run loop until tb_link() links the slot; x64_link()
 * then points it at the successor's tb->code, its chain entry: a compare
 * of rbx with cpu->chain_limit (tb_chain_enter()'s checks in one word)
 * and the charge of its length to rbx, before the body.  The run loop,
 * which has made the checks and charged the block, enters the body, past
 * the chain entry.  Patches go through the code cache's writable mapping
 * (code_cache_rw), so W^X holds without a system call per link.
 *
 * Blocks are compiled once, into scratch buffers, by code_size() (so the
 * code cache gets the exact size); compile() copies the result.  Before
 * each block's entry point sits a small header: the host offsets of each
 * guest instruction, which -d out_asm uses to group the host code.
 */
#include "translator/backend.h"
#include "translator/backend_x86_64_emit.h"
#include "translator/ir_range.h"
#include "cpu/flags.h"
#include "monitor/helpers.h"
#include "monitor/insn_class.h"
#include "softmmu/tlb.h"
#include "base/log.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const int8_t greg[8] = { X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15 };
/* Guest registers in host registers a C call may clobber. */
#define NGREG_VOLATILE 4
static const int8_t temp_pool[] = { X_RSI, X_RDI, X_RDX };
/*
 * Chaining charges a block's length to rbx instead of to cpu->budget and
 * cpu->icount: two read-modify-writes of memory per block made a chain of
 * store-forwarding latency through every loop.  rbx is callee-saved, so a
 * C call that cannot look at the counters keeps it; emit_charge() moves it
 * to the CPU before anything that can (a call that may fault or reach a
 * device, every return to the run loop).
 */
#define X_ENTERED X_RBX
#define NPOOL (int)(sizeof(temp_pool) / sizeof(temp_pool[0]))

/* The frame below the saved registers; its size keeps rsp 16-aligned for calls. */
#define FR_ARGS 8
#define FR_TEMPS 32
/* The host addend of each TLB group's page (find_tlb_groups), 0 after a miss. */
#define NTLBG 4
#define FR_TLBG (FR_TEMPS + 4 * IR_MAX_TEMPS)
#define FRAME_SIZE (FR_TLBG + 8 * NTLBG + 8)
_Static_assert(FRAME_SIZE % 16 == 8, "six pushes and the return address: rsp aligned");

#define CPUF(field) xmem_bd(X_RBP, (int32_t)offsetof(struct cpu, field))
#define GMEM(g) xmem_bd(X_RBP, (int32_t)(4 * (g)))

/* What the trampoline returns in rax:rdx. */
struct x64_ret {
    struct tb *tb;
    int slot;
};
typedef struct x64_ret (*x64_entry_fn)(struct cpu *cpu, struct tb *tb, const void *body);
static x64_entry_fn x64_entry;

/*
 * The jump cache (the block cache's tc->jump_cache): blocks by linear PC,
 * filled as the run loop enters them
 * (x64_exec), read by indirect exits, which check the whole key tb_find()
 * would (linear and physical PC, CS base, mode) before going on.
 */

#define BUF_SIZE (1u << 20)
#define MAX_FIX 8192

struct fixup {
    uint32_t at;     /* rel32 field */
    uint32_t target; /* offset in the other buffer */
    uint8_t in_cold; /* the rel32 is in the cold buffer (and the target in fast) */
};

/* One block's compilation. */
struct xc {
    const struct ir_block *b;
    struct xbuf f, c;
    int cur;                 /* op index */
    int16_t home[IR_NVALUES]; /* temporaries: host register, or -1 for the frame */
    uint8_t is_const[IR_NVALUES]; /* a temporary IR_MOVI defined: never materialized */
    uint32_t cval[IR_NVALUES];
    int8_t alias[IR_NVALUES]; /* a temporary computed straight into this guest register */
    uint8_t skip[IR_MAX_OPS];  /* the MOV that an alias made redundant */
    /* A SETCC whose src1, a guest register, an alias overwrote before it
     * (add ecx, 4 computed in ecx): src1 is computed from dst (SRC_DST_*) */
    uint8_t src1_recalc[IR_MAX_OPS];
    uint8_t cf_deferred[IR_MAX_OPS]; /* a GETCC of CF that only a sunk SETCC's miss paths read */
    int8_t early_g[IR_MAX_OPS]; /* op's result replaces guest reg g: cc_src1 = g first */
    uint16_t last[IR_NVALUES];
    int owner[16];           /* pool register -> temporary in it, 0 if free */
    int fused_cc;            /* host condition of a TESTCC fused into the EXITCC next */
    int bmi2;                /* backend_host_bmi2 for this block */
    uint8_t sink[IR_MAX_OPS]; /* a SETCC stored only on the TLB-miss paths before the next
                                 one: 1 | how src1 is found << 1 | how src2 is << 4 */
    uint32_t sink_imm[IR_MAX_OPS];
    int16_t fwd[IR_MAX_OPS];  /* GETCC: the SETCC of this block it is computed from, or -1 */
    uint8_t fwd_src2[IR_MAX_OPS]; /* ... an ADD's carry from src2, src1 being gone */
    int pending;             /* the sunk SETCC whose state a miss must store, or -1 */
    int mul_hi;              /* the MULHU/MULHS whose product a MUL left in rax, or -1 */
    /* the SUB whose value is the host's OF after the imul that ends at
     * ov_pos (imul_overflow), or -1 */
    int ov_sub;
    size_t ov_pos;
    size_t ret_stub;         /* cold offset of the shared epilogue, or -1 */
    /* offset of each direct exit's patchable rel32 (in the fast code, or
     * the cold | SLOT_COLD), or NO_SLOT */
    uint32_t slot_jmp[TB_NSLOTS];
    uint32_t slot_stub[TB_NSLOTS]; /* cold offset of the stub it leads to while unlinked */
    uint32_t pro_len;        /* the chain entry's length: the body starts there */
    /* An ALU op computed straight in a guest register's low byte: its
     * register, and the other operand's (or -1 and the immediate) */
    int8_t byte_g[IR_MAX_OPS], byte_h[IR_MAX_OPS];
    /* The host flags are those of a 32-bit ALU op (hf_alu) that computed
     * value hf_val = hf_a op hf_b, while the fast code ends at hf_pos. */
    size_t hf_pos;
    int hf_alu, hf_val, hf_a, hf_b;
    /* rax holds TLB group rax_grp's host addend while the fast code ends
     * at rax_pos (the fast path of that group's last access), or -1 */
    int rax_grp;
    size_t rax_pos;
    /* emit_tlb_probe() guessed the addend (b->mem_hint): the jne at
     * hint_at goes to a cold fix-up, emitted after the access's miss,
     * that loads the entry's own and goes back to hint_back */
    int hint_fix;
    size_t hint_at, hint_back;
    /* The block loops on itself through its final exit, and its flags are
     * dead at its start (loop_flags_dead): its last compare's are stored
     * on the way out alone */
    int loop_sink;
    /* ... and it has memory accesses before its first full SETCC, which
     * is op loop_pre (or -1): the way round runs a copy of them whose
     * miss paths store the last compare's flags (emit_loop_round) */
    int loop_pre;
    /* The fields of the pending SETCC's state a miss path stores (PF_*):
     * all, but in that copy, the rest having been stored on the way round */
    int pend_mask;
    int copying;             /* emitting that copy: no insn_off */
    size_t pre_off;          /* where op loop_pre's code starts in the body */
    uint8_t byte_imm[IR_MAX_OPS];
    int8_t tlbg[IR_MAX_OPS]; /* memory op: its TLB group, or -1 */
    uint8_t tlbg_lead[IR_MAX_OPS]; /* ... and whether it probes for the group */
    int32_t tlbg_lo[NTLBG], tlbg_hi[NTLBG]; /* the group's bytes, from its base register */
    int tlbg_reg[NTLBG];     /* that guest register */
    /* An access of a group whose address is only register + disp: the
     * host address is [addend + register + disp] and the address itself
     * is computed on the miss path alone */
    uint8_t tlbg_fold[IR_MAX_OPS];
    /* An access of a group whose register moved by a known amount since the
     * group's first one (a push after a push): never folded, see find_tlb_groups */
    uint8_t tlbg_moved[IR_MAX_OPS];
    int32_t tlbg_disp[IR_MAX_OPS];
    /* A memory op whose every possible address lies in the page of
     * kpage_va (translator/ir_range.h) */
    uint8_t kpage[IR_MAX_OPS];
    /* a load whose address comes from a loaded value (find_late_loads) */
    uint8_t late[IR_MAX_OPS];
    uint32_t kpage_va[IR_MAX_OPS];
    struct fixup fix[MAX_FIX];
    int nfix;
    struct tbfix { /* a movabs's imm64: this block's struct tb + addend */
        uint32_t at;
        int32_t addend;
        uint8_t in_cold;
    } tbfix[MAX_FIX];
    int ntbfix;
    uint32_t insn_off[IR_MAX_INSNS];
};

static uint8_t fast_buf[BUF_SIZE], cold_buf[BUF_SIZE];
static struct xc xc_state;
/* The last block compiled by code_size(), for compile() to copy. */
static struct ir_op cached_ops[IR_MAX_OPS];
static struct {
    const struct ir_block *b;
    uint32_t eip;
    int32_t mem_hint;
    int nops, ninsns;
    size_t size;
} cached;

/* Offsets in a block's code are from tb->code, the start of the fast code. */
struct x64_hdr {
    uint32_t magic;
    uint32_t fast_len, cold_len, ninsns;
    uint32_t pro_len;     /* the body, where the run loop enters */
    uint32_t slot_jmp[TB_NSLOTS]; /* each direct exit's rel32 field, or NO_SLOT */
    uint32_t slot_stub[TB_NSLOTS]; /* ... and where it leads while unlinked */
    uint32_t insn_off[];
};
#define NO_SLOT UINT32_MAX
#define SLOT_COLD 0x80000000u
#define X64_MAGIC 0x3436786eu
static size_t hdr_size(int ninsns)
{
    return (sizeof(struct x64_hdr) + 4 * (size_t)ninsns + 15) & ~(size_t)15;
}

static const struct x64_hdr *hdr_of(const struct tb *tb)
{
    return (const void *)((const uint8_t *)tb->code - hdr_size((int)tb->ninsns));
}

/* ---------------------------------------------------------------- values */

static int is_temp(int v)
{
    return v >= V_TEMP0;
}

static struct xmem tslot(int v)
{
    return xmem_bd(X_RSP, FR_TEMPS + 4 * (v - V_TEMP0));
}

/* The host register holding v, or -1 when it is in the frame or a constant. */
static int vhome(struct xc *x, int v)
{
    if (v < V_TEMP0)
        return greg[v];
    if (x->alias[v] >= 0)
        return greg[x->alias[v]];
    return x->is_const[v] ? -1 : x->home[v];
}

static int vconst(const struct xc *x, int v)
{
    return v >= V_TEMP0 && x->is_const[v];
}

/* Host register r = v. */
static void load_val(struct xc *x, struct xbuf *o, int r, int v)
{
    int h = vhome(x, v);
    if (vconst(x, v))
        emit_mov_ri32(o, r, x->cval[v]);
    else if (h < 0)
        emit_load32(o, r, tslot(v));
    else if (h != r)
        emit_mov_rr32(o, r, h);
}

/* v in a register: its own, or `scratch` loaded from the frame or the constant. */
static int vreg(struct xc *x, struct xbuf *o, int v, int scratch)
{
    int h = vhome(x, v);
    if (h >= 0)
        return h;
    load_val(x, o, scratch, v);
    return scratch;
}

/* Make v's home hold host register r. */
static void dput(struct xc *x, struct xbuf *o, int v, int r)
{
    int h = vhome(x, v);
    if (h < 0)
        emit_store32(o, tslot(v), r);
    else if (h != r)
        emit_mov_rr32(o, h, r);
}

/* The register to compute v into: its home, or rax (then dput). */
static int dreg(struct xc *x, int v)
{
    int h = vhome(x, v);
    return h >= 0 ? h : X_RAX;
}

static void free_dead(struct xc *x)
{
    for (int i = 0; i < NPOOL; i++) {
        int r = temp_pool[i], t = x->owner[r];
        if (t && x->last[t] <= x->cur)
            x->owner[r] = 0;
    }
}

static void alloc_temp(struct xc *x, int v)
{
    x->home[v] = -1;
    for (int i = 0; i < NPOOL; i++) {
        int r = temp_pool[i];
        if (!x->owner[r]) {
            x->owner[r] = v;
            x->home[v] = (int16_t)r;
            return;
        }
    }
}

static int op_reads(const struct ir_op *op, int field)
{
    int r = ir_op_info[op->opc].reads;
    if ((op->opc == IR_SETCC || op->opc == IR_SETFL) && op->aux)
        r |= IRR_C; /* the condition of a conditional flag write */
    return r & field;
}

/* ---------------------------------------------------------------- branches */

static void fix_add(struct xc *x, size_t at, size_t target, int in_cold)
{
    if (x->nfix < MAX_FIX)
        x->fix[x->nfix++] = (struct fixup){ (uint32_t)at, (uint32_t)target, (uint8_t)in_cold };
    else
        x->f.overflow = 1;
}

/* r = the address of this block's struct tb, plus addend (patched by
 * compile()); or, with r = -1, rax = the qword at that address. */
static void emit_tb_addr(struct xc *x, struct xbuf *o, int r, int32_t addend)
{
    if (r < 0)
        emit_load64_abs_rax(o, 0);
    else
        emit_mov_ri64(o, r, 0);
    if (x->ntbfix < MAX_FIX)
        x->tbfix[x->ntbfix++] = (struct tbfix){ (uint32_t)(xbuf_len(o) - 8), addend, o == &x->c };
    else
        o->overflow = 1;
}

/* A jcc (cc >= 0) or jmp in the fast path to the cold code emitted next. */
static void jump_to_cold(struct xc *x, int cc)
{
    size_t at = cc >= 0 ? emit_jcc32(&x->f, cc) : emit_jmp32(&x->f);
    fix_add(x, at, xbuf_len(&x->c), 0);
}

/* From the cold code back to fast offset `target`. */
static void jump_to_fast(struct xc *x, size_t target)
{
    size_t at = emit_jmp32(&x->c);
    fix_add(x, at, target, 1);
}

/* ---------------------------------------------------------------- C calls */

enum { A_NONE, A_CPU, A_IMM, A_VAL };
struct carg {
    int kind;
    uint32_t v;
};
#define ARG_CPU ((struct carg){ A_CPU, 0 })
#define ARG_IMM(i) ((struct carg){ A_IMM, (uint32_t)(i) })
#define ARG_VAL(x) ((struct carg){ A_VAL, (uint32_t)(x) })

enum {
    CC_SYNC = 1,       /* may fault or look at the guest: cpu->r[], insn_eip, cur_tb */
    CC_RELOAD_ALL = 2, /* may change the guest registers: reload all eight */
};

static const int8_t arg_regs[6] = { X_RDI, X_RSI, X_RDX, X_RCX, X_R8, X_R9 };

static int caller_saved(int r)
{
    return r == X_RAX || r == X_RCX || r == X_RDX || r == X_RSI || r == X_RDI ||
           (r >= X_R8 && r <= X_R11);
}

/* cpu->budget and cpu->icount exact again: charge what rbx counted. */
static void emit_charge(struct xbuf *o)
{
    emit_alu_mr64(o, XALU_SUB, CPUF(budget), X_ENTERED);
    emit_alu_mr64(o, XALU_SUB, CPUF(chain_limit), X_ENTERED);
    emit_alu_mr64(o, XALU_ADD, CPUF(icount), X_ENTERED);
    emit_alu_rr32(o, XALU_XOR, X_ENTERED, X_ENTERED);
}

/*
 * Call fn(args...) from op x->cur; the result (if d) goes to value d.
 * Registers the call may clobber are kept in memory around it: the guest
 * registers in cpu->r[], the live temporaries in their frame slots.
 */
static void emit_ccall(struct xc *x, struct xbuf *o, const void *fn, const struct carg *args,
                       int nargs, int d, int flags)
{
    int ng = (flags & CC_SYNC) ? 8 : NGREG_VOLATILE;
    for (int g = 0; g < ng; g++)
        emit_store32(o, GMEM(g), greg[g]);
    int saved[NPOOL], nsaved = 0;
    for (int i = 0; i < NPOOL; i++) {
        int r = temp_pool[i], t = x->owner[r];
        if (t && t != d && caller_saved(r) && x->last[t] > x->cur) {
            emit_store32(o, tslot(t), r);
            saved[nsaved++] = t;
        }
    }
    /* Values into the argument area first, so that no argument register
     * is overwritten before it is read. */
    for (int k = 0; k < nargs; k++) {
        if (args[k].kind != A_VAL || vconst(x, (int)args[k].v))
            continue;
        int h = vhome(x, (int)args[k].v);
        if (h >= 0)
            emit_store32(o, xmem_bd(X_RSP, FR_ARGS + 4 * k), h);
    }
    if (flags & CC_SYNC) {
        const struct ir_op *op = &x->b->ops[x->cur];
        emit_charge(o);
        emit_store_i32(o, CPUF(insn_eip), x->b->insns[op->insn].eip);
        emit_tb_addr(x, o, X_RAX, 0);
        emit_store64(o, CPUF(cur_tb), X_RAX);
    }
    for (int k = 0; k < nargs; k++) {
        int r = arg_regs[k];
        switch (args[k].kind) {
        case A_CPU:
            emit_mov_rr64(o, r, X_RBP);
            break;
        case A_IMM:
            emit_mov_ri32(o, r, args[k].v);
            break;
        case A_VAL: {
            int v = (int)args[k].v, h = vhome(x, v);
            if (vconst(x, v))
                emit_mov_ri32(o, r, x->cval[v]);
            else
                emit_load32(o, r, h >= 0 ? xmem_bd(X_RSP, FR_ARGS + 4 * k) : tslot(v));
            break;
        }
        }
    }
    emit_mov_ri64(o, X_RAX, (uint64_t)(uintptr_t)fn);
    emit_call_r(o, X_RAX);
    int nr = (flags & CC_RELOAD_ALL) ? 8 : NGREG_VOLATILE;
    for (int g = 0; g < nr; g++)
        emit_load32(o, greg[g], GMEM(g));
    for (int i = 0; i < nsaved; i++)
        emit_load32(o, x->home[saved[i]], tslot(saved[i]));
    if (d >= 0)
        dput(x, o, d, X_RAX);
}

/* IR_CALL's way into the monitor: helper_call() is inline, this is not. */
static uint32_t x64_helper_call(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b, uint32_t c,
                                uint32_t aux)
{
    return helper_call(cpu, id, a, b, c, aux);
}

/* A dword of CPU state = v, in buffer o (rax is the scratch). */
static void store_val_in(struct xc *x, struct xbuf *o, struct xmem m, int v)
{
    if (vconst(x, v))
        emit_store_i32(o, m, x->cval[v]);
    else
        emit_store32(o, m, vreg(x, o, v, X_RAX));
}

/* How a sunk SETCC finds a source operand a later instruction overwrote. */
enum {
    SRC_VAL, SRC_DST, SRC_DST_MINUS_B, SRC_DST_PLUS_B, SRC_DST_MINUS_IMM, SRC_INLINE, SRC_EARLY,
    SRC_CF_CALL, /* src2: an INC's or DEC's carry-in, read from the lazy state there */
};
#define SINK_DST_INLINE 0x80
/* The fields of a lazy-flags state, for xc's pend_mask */
enum { PF_OP = 1, PF_DST = 2, PF_SRC1 = 4, PF_SRC2 = 8, PF_ALL = 15 };

/*
 * The lazy-flags state of SETCC op, into the CPU from buffer o (rax, rcx
 * scratch).  For a sunk one, `at_op` says which part: the fields whose
 * value is gone by the miss paths are stored at the op, the rest there.
 */
static void emit_setcc_stores(struct xc *x, struct xbuf *o, const struct ir_op *op, int at_op)
{
    int how = x->sink[op - x->b->ops];
    int ra = (how >> 1) & 7, rb = (how >> 4) & 7, dst_inline = (how & SINK_DST_INLINE) != 0;
    uint32_t kind = op->imm & CC_KIND_MASK;
    int no_dst = CC_BASE(kind) == CCB_SUB; /* (cpu/flags.h) */
    int no_src1 = !cc_stores_src1(kind), no_src2 = !cc_stores_src2(kind);
    if (!how && x->src1_recalc[op - x->b->ops])
        ra = x->src1_recalc[op - x->b->ops]; /* stored here, src1 from dst all the same */
    if (how && at_op) {
        if (dst_inline && !no_dst)
            store_val_in(x, o, CPUF(cc_dst), op->d);
        if (ra == SRC_INLINE && !no_src1)
            store_val_in(x, o, CPUF(cc_src1), op->a);
        if (rb == SRC_INLINE && !no_src2) /* (SRC_EARLY: stored before the result overwrote it) */
            store_val_in(x, o, CPUF(cc_src2), op->b);
        return;
    }
    if (rb == SRC_CF_CALL && (x->pend_mask & PF_SRC2)) {
        /* the carry-in from the state this SETCC replaces: before cc_op.
         * This is the miss path of access x->cur, whose address and value
         * emit_ccall() does not keep (their last reader is x->cur). */
        const struct ir_op *acc = &x->b->ops[x->cur];
        int keep[2] = { acc->a, acc->opc >= IR_ST8 && acc->opc <= IR_ST32 ? acc->b : -1 };
        int kept[2] = { -1, -1 };
        for (int k = 0; k < 2; k++) {
            int h = keep[k] >= 0 && is_temp(keep[k]) && !vconst(x, keep[k]) ? vhome(x, keep[k]) : -1;
            if (h >= 0 && caller_saved(h) && (k == 0 || keep[1] != keep[0])) {
                emit_store32(o, tslot(keep[k]), h);
                kept[k] = h;
            }
        }
        struct carg args[1] = { ARG_CPU };
        emit_ccall(x, o, (const void *)cpu_get_cf, args, 1, -1, 0);
        emit_store32(o, CPUF(cc_src2), X_RAX);
        for (int k = 0; k < 2; k++)
            if (kept[k] >= 0)
                emit_load32(o, kept[k], tslot(keep[k]));
    }
    int mask = x->pend_mask;
    if (mask & PF_OP)
        emit_store_i32(o, CPUF(cc_op), op->imm);
    if (!dst_inline && !no_dst && (mask & PF_DST))
        store_val_in(x, o, CPUF(cc_dst), op->d);
    if (ra == SRC_INLINE || ra == SRC_EARLY || no_src1 || !(mask & PF_SRC1)) {
    } else if (ra == SRC_VAL || ra == SRC_DST) {
        store_val_in(x, o, CPUF(cc_src1), ra == SRC_VAL ? op->a : op->d);
    } else {
        if (ra == SRC_DST_MINUS_IMM) {
            int rd = vreg(x, o, op->d, X_RAX);
            /* (0u - imm: imm may be 0x80000000, whose int negation overflows) */
            emit_lea32(o, X_RAX, xmem_bd(rd, (int32_t)(0u - x->sink_imm[op - x->b->ops])));
        } else {
            load_val(x, o, X_RAX, op->d);
            int r = vreg(x, o, op->b, X_RCX);
            emit_alu_rr32(o, ra == SRC_DST_MINUS_B ? XALU_SUB : XALU_ADD, X_RAX, r);
        }
        emit_store32(o, CPUF(cc_src1), X_RAX);
    }
    if (rb != SRC_INLINE && rb != SRC_CF_CALL && !no_src2 && (mask & PF_SRC2))
        store_val_in(x, o, CPUF(cc_src2), rb == SRC_VAL ? op->b : op->d);
}

/* ---------------------------------------------------------------- memory */

/*
 * Every guest memory access is emitted here: the soft-TLB probe inline
 * (index, tag compare, addend) and the miss out of line.  A different
 * memory scheme (host page tables, say) replaces this function alone.
 */
/* -stats: one more of a struct tlb_stats counter, through scratch register r. */
static void emit_tlb_count(struct xbuf *o, uint64_t *counter, int r)
{
    if (monitor_stats.timing) {
        emit_mov_ri64(o, r, (uint64_t)(uintptr_t)counter);
        emit_inc_m64(o, xmem_bd(r, 0));
    }
}

/* The host addend of the TLB entry at offset rcx of the TLB at offset tlb. */
static struct xmem entry_addend(int32_t tlb)
{
    return xmem_bid(X_RBP, X_RCX, 1, tlb + (int32_t)offsetof(struct tlb_entry, addend));
}

/*
 * The inline TLB probe, from rcx = the first byte's address and eax = the
 * last byte's: the entry of rcx's page must have tag eax's page (both in
 * one page, mapped for this access), else the cold path; then rax = the
 * entry's host addend.  tlb is the TLB's offset in the CPU, tag_off the
 * tag's in the entry.  `rotated`: rcx holds the address rotated right by
 * 7 (rorx), whose bits 5-12 are the index as the shift's are.
 *
 * With a guess of the addend (hint, the block's mem_hint, or 0), rax is
 * that constant and the entry's addend is compared with it: the access
 * that follows then waits for its address alone, not for the entry's load
 * as well (a pointer chase's or a table lookup's latency), while the
 * compare and the tag's resolve beside it.  A wrong guess goes out to load
 * the entry's addend (emit_hint_fix).  It costs two instructions more, so
 * it is for loads whose address comes late (find_late_loads), a TLB
 * group's first among them (a node's fields), not for a store, which
 * nothing waits for (list timed the same with stores guessed too).
 */
static void emit_tlb_probe(struct xc *x, int32_t tlb, int32_t tag_off, int rotated, int32_t hint)
{
    struct xbuf *f = &x->f;
    struct xmem addend = entry_addend(tlb);
    if (!rotated)
        emit_shift_ri32(f, XSH_SHR, X_RCX, 12 - 5);
    emit_alu_ri32(f, XALU_AND, X_RCX, (TLB_SIZE - 1) << 5);
    emit_alu_ri32(f, XALU_AND, X_RAX, PAGE_MASK);
    emit_alu_rm32(f, XALU_CMP, X_RAX, xmem_bid(X_RBP, X_RCX, 1, tlb + tag_off));
    jump_to_cold(x, XCC_NE);
    emit_tlb_count(f, &tlb_stats.hits, X_RAX);
    if (!hint) {
        emit_load64(f, X_RAX, addend);
        return;
    }
    emit_tlb_count(f, &tlb_stats.guessed, X_RAX);
    emit_mov_ri64s(f, X_RAX, hint);
    emit_alu_mr64(f, XALU_CMP, addend, X_RAX);
    x->hint_at = emit_jcc32(f, XCC_NE);
    x->hint_back = xbuf_len(f);
    x->hint_fix = 1;
}

/* The cold side of emit_tlb_probe()'s wrong guess: rcx still indexes the entry. */
static void emit_hint_fix(struct xc *x, int32_t tlb)
{
    if (!x->hint_fix)
        return;
    fix_add(x, x->hint_at, xbuf_len(&x->c), 0);
    emit_tlb_count(&x->c, &tlb_stats.misguessed, X_RAX);
    emit_load64(&x->c, X_RAX, entry_addend(tlb));
    jump_to_fast(x, x->hint_back);
    x->hint_fix = 0;
}

/*
 * On the cold path of an access of a TLB group that found no page for the
 * group (its span crossed a page boundary, or the group's first access
 * missed): the access probes its own page before it takes the slow path,
 * and on a hit goes back to fast offset `back` with rax = the host addend
 * (the group's first one, grp >= 0, leaves the group no page).  ha: the
 * address's register, or -1; a folded access (host address = addend +
 * base register + displacement, in 64 bits) first checks that the sum does
 * not wrap 32 bits, which the group's span guaranteed.
 */
static void emit_own_probe(struct xc *x, const struct ir_op *op, int ha, int fold, int32_t tlb,
                           int32_t tag_off, size_t back, int grp)
{
    struct xbuf *c = &x->c;
    int store = op->opc >= IR_ST8 && op->opc <= IR_ST32;
    int size = store ? 1 << (op->opc - IR_ST8) : 1 << (op->opc - IR_LD8);
    size_t miss[2];
    int nm = 0;
    if (fold) {
        int base = greg[x->tlbg_reg[x->tlbg[x->cur]]];
        emit_lea64(c, X_RCX, xmem_bd(base, x->tlbg_disp[x->cur]));
        emit_mov_rr32(c, X_RAX, X_RCX);
        emit_alu_rr64(c, XALU_CMP, X_RAX, X_RCX);
        miss[nm++] = emit_jcc32(c, XCC_NE);
        ha = X_RCX;
    } else if (ha < 0) {
        load_val(x, c, X_RCX, op->a);
        ha = X_RCX;
    }
    emit_lea32(c, X_RAX, xmem_bd(ha, size - 1));
    if (ha != X_RCX)
        emit_mov_rr32(c, X_RCX, ha);
    emit_shift_ri32(c, XSH_SHR, X_RCX, 12 - 5);
    emit_alu_ri32(c, XALU_AND, X_RCX, (TLB_SIZE - 1) << 5);
    emit_alu_ri32(c, XALU_AND, X_RAX, PAGE_MASK);
    emit_alu_rm32(c, XALU_CMP, X_RAX, xmem_bid(X_RBP, X_RCX, 1, tlb + tag_off));
    miss[nm++] = emit_jcc32(c, XCC_NE);
    if (grp >= 0) {
        emit_store_i32(c, xmem_bd(X_RSP, FR_TLBG + 8 * grp), 0);
        emit_store_i32(c, xmem_bd(X_RSP, FR_TLBG + 8 * grp + 4), 0);
    }
    emit_load64(c, X_RAX, entry_addend(tlb));
    jump_to_fast(x, back);
    for (int i = 0; i < nm; i++)
        emit_patch_rel32(c, miss[i], xbuf_len(c));
}

static void emit_mem_access(struct xc *x, const struct ir_op *op)
{
    struct xbuf *f = &x->f;
    int store = op->opc >= IR_ST8 && op->opc <= IR_ST32;
    int size = store ? 1 << (op->opc - IR_ST8) : 1 << (op->opc - IR_LD8);
    int32_t tlb = (int32_t)(CPU_TLB_OFF + op->aux * sizeof(((struct cpu *)0)->tlb[0]));
    int32_t tag_off = store ? (int32_t)offsetof(struct tlb_entry, tag_write)
                            : (int32_t)offsetof(struct tlb_entry, tag_read);
    int ha = vhome(x, op->a);
    int32_t addend_off = (int32_t)offsetof(struct tlb_entry, addend);
    int grp = x->tlbg[x->cur], lead = x->tlbg_lead[x->cur];
    struct xmem gslot = xmem_bd(X_RSP, FR_TLBG + 8 * (grp < 0 ? 0 : grp));
    size_t member_back = (size_t)-1, lead_back = (size_t)-1;
    if (grp >= 0 && !lead && x->rax_grp == grp && x->rax_pos == xbuf_len(f)) {
        /* Right after another access of its group, whose fast path left
         * the group's host addend in rax: while the group has a page (its
         * slot is not 0) every access before took its fast path, so rax
         * holds it, and the address does not wait for the slot's reload
         * (a pointer chase through one group's page) */
        emit_alu_mi64(f, XALU_CMP, gslot, 0);
        jump_to_cold(x, XCC_E);
        member_back = xbuf_len(f);
        emit_tlb_count(f, &tlb_stats.hits, X_RCX);
    } else if (grp >= 0 && !lead) {
        /* A later access of a TLB group: the page its first one probed. */
        emit_load64(f, X_RAX, gslot);
        emit_alu_ri64(f, XALU_CMP, X_RAX, 0);
        jump_to_cold(x, XCC_E);
        member_back = xbuf_len(f);
        emit_tlb_count(f, &tlb_stats.hits, X_RCX);
    } else if (grp >= 0) {
        /* The first access of a TLB group probes the group's whole span:
         * base register + lo up to + hi - 1, one page, mapped. */
        int base = greg[x->tlbg_reg[grp]];
        int rot = x->bmi2 && x->tlbg_lo[grp] == 0;
        if (rot)
            emit_rorx32(f, X_RCX, base, 12 - 5);
        else
            emit_lea32(f, X_RCX, xmem_bd(base, x->tlbg_lo[grp]));
        emit_lea32(f, X_RAX, xmem_bd(base, x->tlbg_hi[grp] - 1));
        emit_tlb_probe(x, tlb, tag_off, rot, x->late[x->cur] ? x->b->mem_hint : 0);
        emit_store64(f, gslot, X_RAX);
        lead_back = xbuf_len(f);
    } else if (vconst(x, op->a) || x->kpage[x->cur]) {
        /* The entry and the tag known now: a constant address, or one
         * that the block's own code keeps inside one page (a table
         * indexed by a byte), whose probe then does not wait for the
         * index to be computed. */
        uint32_t va = vconst(x, op->a) ? x->cval[op->a] : x->kpage_va[x->cur];
        int32_t e = tlb + (int32_t)(TLB_INDEX(va) * sizeof(struct tlb_entry));
        emit_alu_mi32(f, XALU_CMP, xmem_bd(X_RBP, e + tag_off), (va + size - 1) & PAGE_MASK);
        jump_to_cold(x, XCC_NE);
        emit_tlb_count(f, &tlb_stats.hits, X_RAX);
        emit_load64(f, X_RAX, xmem_bd(X_RBP, e + addend_off));
        if (vconst(x, op->a)) {
            emit_mov_ri32(f, X_RCX, va);
            ha = X_RCX;
        }
    } else {
        /* rcx = entry offset, eax = tag of the last byte: both from the
         * address's own register when it has one, so that neither waits */
        int rot = x->bmi2 && ha >= 0;
        if (rot)
            emit_rorx32(f, X_RCX, ha, 12 - 5); /* no copy of the address first */
        else
            load_val(x, f, X_RCX, op->a);
        int src = ha >= 0 ? ha : X_RCX;
        if (size > 1)
            emit_lea32(f, X_RAX, xmem_bd(src, size - 1));
        else
            emit_mov_rr32(f, X_RAX, src);
        emit_tlb_probe(x, tlb, tag_off, rot, x->late[x->cur] ? x->b->mem_hint : 0);
    }
    int fold = x->tlbg_fold[x->cur];
    if (ha < 0 && !fold) {
        /* the address, when it has no register of its own */
        load_val(x, f, X_RCX, op->a);
        ha = X_RCX;
    }
    struct xmem host = fold ? xmem_bid(X_RAX, greg[x->tlbg_reg[grp]], 1, x->tlbg_disp[x->cur])
                            : xmem_bid(X_RAX, ha, 1, 0);
    if (store) {
        int hb = vhome(x, op->b);
        if (hb < 0) {
            /* rcx may hold the address: the value goes through the frame slot's reload */
            int s = ha == X_RCX ? X_RDX : X_RCX;
            if (s == X_RDX)
                emit_store64(f, xmem_bd(X_RSP, FR_ARGS), X_RDX);
            load_val(x, f, s, op->b);
            hb = s;
            if (size == 1)
                emit_store8(f, host, hb);
            else if (size == 2)
                emit_store16(f, host, hb);
            else
                emit_store32(f, host, hb);
            if (s == X_RDX)
                emit_load64(f, X_RDX, xmem_bd(X_RSP, FR_ARGS));
        } else if (size == 1) {
            emit_store8(f, host, hb);
        } else if (size == 2) {
            emit_store16(f, host, hb);
        } else {
            emit_store32(f, host, hb);
        }
    } else {
        int hd = dreg(x, op->d);
        if (size == 1)
            emit_load8zx(f, hd, host);
        else if (size == 2)
            emit_load16zx(f, hd, host);
        else
            emit_load32(f, hd, host);
        dput(x, f, op->d, hd);
        if (hd == X_RAX)
            grp = -1; /* (rax holds the value now, not the addend) */
    }
    size_t back = xbuf_len(f);
    x->rax_grp = grp;
    x->rax_pos = back;
    grp = x->tlbg[x->cur];
    struct xbuf *c = &x->c;
    /* (the address's own register: the fast path's rcx is loaded after the probe) */
    if (member_back != (size_t)-1)
        emit_own_probe(x, op, vhome(x, op->a), fold, tlb, tag_off, member_back, -1);
    else if (lead_back != (size_t)-1)
        emit_own_probe(x, op, vhome(x, op->a), fold, tlb, tag_off, lead_back, grp);
    /* The miss: count it, then the slow path with the guest state exact. */
    emit_tlb_count(c, &tlb_stats.misses, X_RAX);
    /* The slow path may fault or look at the flags: they must be the guest's. */
    if (x->pending >= 0)
        emit_setcc_stores(x, c, &x->b->ops[x->pending], 0);
    if (fold) {
        /* the address the fast path never computed, where ARG_VAL finds it */
        emit_lea32(c, X_RAX, xmem_bd(greg[x->tlbg_reg[grp]], x->tlbg_disp[x->cur]));
        emit_store32(c, tslot(op->a), X_RAX);
    }
    if (store) {
        struct carg args[5] = { ARG_CPU, ARG_VAL(op->a), ARG_VAL(op->b), ARG_IMM(size),
                                ARG_IMM(op->aux) };
        emit_ccall(x, c, (const void *)mem_write_slow, args, 5, -1, CC_SYNC);
    } else {
        struct carg args[4] = { ARG_CPU, ARG_VAL(op->a), ARG_IMM(size), ARG_IMM(op->aux) };
        emit_ccall(x, c, (const void *)mem_read_slow, args, 4, op->d, CC_SYNC);
    }
    if (grp >= 0 && lead) {
        /* no page for the group: its other accesses go the slow way too */
        emit_store_i32(c, gslot, 0);
        emit_store_i32(c, xmem_bd(X_RSP, FR_TLBG + 8 * grp + 4), 0);
    }
    jump_to_fast(x, back);
    emit_hint_fix(x, tlb);
}

/* ---------------------------------------------------------------- flags */



/*
 * CMP a, b on the low SIZE bytes: the host flags are then those of the
 * guest's 8-, 16- or 32-bit compare, whatever the registers hold above.
 */
static void emit_cmp_sized(struct xc *x, int size, int a, int b)
{
    struct xbuf *f = &x->f;
    int ra = vreg(x, f, a, X_RAX);
    if (size != 2 && vconst(x, b)) {
        if (size == 1)
            emit_alu_ri8(f, XALU_CMP, ra, (uint8_t)x->cval[b]);
        else
            emit_alu_ri32(f, XALU_CMP, ra, x->cval[b]);
        return;
    }
    int rb = vreg(x, f, b, X_RCX);
    if (size == 1)
        emit_alu_rr8(f, XALU_CMP, ra, rb);
    else if (size == 2)
        emit_alu_rr16(f, XALU_CMP, ra, rb);
    else
        emit_alu_rr32(f, XALU_CMP, ra, rb);
}

/* TEST r, r on the low SIZE bytes */
static void emit_test_sized(struct xbuf *f, int size, int r)
{
    if (size == 1)
        emit_test_rr8(f, r, r);
    else if (size == 2)
        emit_test_rr16(f, r, r);
    else
        emit_test_rr32(f, r, r);
}

/*
 * TESTCC's condition straight from the host flags, when the 32-bit op that
 * computed its result set them and only flag stores came since (a CMP's
 * SUB, a TEST's AND): x86 flags on x86.  -1 when not.
 */
static int host_flags_cc(const struct xc *x, const struct ir_op *op)
{
    /* (a SUB's TESTCC names no result: its operands say it all) */
    if (x->hf_pos != xbuf_len(&x->f) || (op->aux & ~CC_KIND_MASK) || CC_SIZEIDX(op->aux) != 2 ||
        (op->a != x->hf_val && CC_BASE(op->aux) != CCB_SUB))
        return -1;
    int same = op->b == x->hf_a && op->c == x->hf_b;
    switch (CC_BASE(op->aux)) {
    case CCB_LOGIC:
        if (x->hf_alu != XALU_AND && x->hf_alu != XALU_OR && x->hf_alu != XALU_XOR)
            return -1;
        break;
    case CCB_SUB:
        if (x->hf_alu != XALU_SUB || !same)
            return -1;
        break;
    case CCB_ADD:
        if (x->hf_alu != XALU_ADD || !(same || (op->b == x->hf_b && op->c == x->hf_a)))
            return -1;
        break;
    default:
        return -1;
    }
    return (int)(op->imm & 15); /* the guest's condition numbers are x86's */
}

/*
 * A specialized TESTCC as a host compare: returns the host condition that
 * holds when the guest's does, after setting the host flags.  -1 for
 * TCC_GENERIC and TCC_ZERO, which do not compare.
 */
static int emit_testcc_cmp(struct xc *x, const struct ir_op *op)
{
    int hcc = host_flags_cc(x, op);
    if (hcc >= 0)
        return hcc;
    int k = tcc_pick(op->aux, op->imm);
    if (k == TCC_GENERIC || k == TCC_ZERO)
        return -1;
    int size = 1 << CC_SIZEIDX(op->aux);
    int cc;
    struct xbuf *f = &x->f;
    switch (k) {
    case TCC_DST_E:
    case TCC_DST_S:
    case TCC_DST_LE: {
        int r = vreg(x, f, op->a, X_RAX);
        emit_test_sized(f, size, r);
        cc = k == TCC_DST_E ? XCC_E : k == TCC_DST_S ? XCC_S : XCC_LE;
        break;
    }
    case TCC_INC_B: {
        int r = vreg(x, f, op->c, X_RAX);
        emit_test_ri32(f, r, 1);
        cc = XCC_NE;
        break;
    }
    case TCC_ADD_B:
        emit_cmp_sized(x, size, op->a, op->b);
        cc = XCC_B;
        break;
    default: {
        emit_cmp_sized(x, size, op->b, op->c);
        static const int8_t sub_cc[TCC_COUNT] = { [TCC_SUB_B] = XCC_B, [TCC_SUB_BE] = XCC_BE,
                                                  [TCC_SUB_L] = XCC_L, [TCC_SUB_LE] = XCC_LE,
                                                  [TCC_SUB_E] = XCC_E, [TCC_SUB_S] = XCC_S };
        cc = sub_cc[k];
        break;
    }
    }
    return cc ^ (int)(op->imm & 1);
}

/*
 * GETCC of CF (or its negation), which every INC and DEC needs: the kinds
 * a loop leaves behind most often (CMP, TEST, ADD, INC, DEC on 32 bits,
 * CMP on 8) are tested inline, as cc_carry() computes them; any other
 * state, an override from cc_fix included (cc_op then equals no plain
 * kind), calls cpu_cond() out of line.
 */
static void emit_getcc_cf(struct xc *x, const struct ir_op *op)
{
    struct xbuf *f = &x->f;
    size_t done[8];
    int nd = 0;
    emit_load32(f, X_RAX, CPUF(cc_op));
    /* SUB32: src1 < src2 */
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_SUB, 2));
    size_t n1 = emit_jcc32(f, XCC_NE);
    emit_load32(f, X_RCX, CPUF(cc_src1));
    emit_alu_rm32(f, XALU_CMP, X_RCX, CPUF(cc_src2));
    emit_setcc(f, XCC_B, X_RAX);
    done[nd++] = emit_jmp32(f);
    emit_patch_rel32(f, n1, xbuf_len(f));
    /* LOGIC32: 0 */
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_LOGIC, 2));
    size_t n2 = emit_jcc32(f, XCC_NE);
    emit_mov_ri32(f, X_RAX, 0);
    done[nd++] = emit_jmp32(f);
    emit_patch_rel32(f, n2, xbuf_len(f));
    /* INC32, DEC32: the CF they kept, in src2 */
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_INC, 2));
    size_t i1 = emit_jcc32(f, XCC_E);
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_DEC, 2));
    size_t n3 = emit_jcc32(f, XCC_NE);
    emit_patch_rel32(f, i1, xbuf_len(f));
    emit_load32(f, X_RAX, CPUF(cc_src2));
    emit_alu_ri32(f, XALU_AND, X_RAX, 1);
    done[nd++] = emit_jmp32(f);
    emit_patch_rel32(f, n3, xbuf_len(f));
    /* ADD32: dst < src1 */
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_ADD, 2));
    size_t n4 = emit_jcc32(f, XCC_NE);
    emit_load32(f, X_RCX, CPUF(cc_dst));
    emit_alu_rm32(f, XALU_CMP, X_RCX, CPUF(cc_src1));
    emit_setcc(f, XCC_B, X_RAX);
    done[nd++] = emit_jmp32(f);
    emit_patch_rel32(f, n4, xbuf_len(f));
    /* SUB8: (src1 & 0xff) < (src2 & 0xff) */
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_SUB, 0));
    jump_to_cold(x, XCC_NE);
    emit_load8zx(f, X_RCX, CPUF(cc_src1));
    emit_load8zx(f, X_RAX, CPUF(cc_src2));
    emit_alu_rr32(f, XALU_CMP, X_RCX, X_RAX);
    emit_setcc(f, XCC_B, X_RAX);
    for (int i = 0; i < nd; i++)
        emit_patch_rel32(f, done[i], xbuf_len(f));
    size_t back = xbuf_len(f);
    emit_movzx8(f, X_RAX, X_RAX);
    if (op->imm & 1)
        emit_alu_ri32(f, XALU_XOR, X_RAX, 1);
    dput(x, f, op->d, X_RAX);
    struct carg args[2] = { ARG_CPU, ARG_IMM(CC_B) };
    emit_ccall(x, &x->c, (const void *)cpu_cond, args, 2, -1, 0);
    jump_to_fast(x, back);
}

/*
 * GETCC of ZF (or its negation), as cc_test() answers it: a compare's
 * operands equal (SUB, on 32 or 8 bits), or the result zero (LOGIC, ADD,
 * INC, DEC on 32 bits); anything else calls cpu_cond() out of line.
 */
static void emit_getcc_zf(struct xc *x, const struct ir_op *op)
{
    struct xbuf *f = &x->f;
    static const int k32[] = { CC_KIND(CCB_LOGIC, 2), CC_KIND(CCB_ADD, 2), CC_KIND(CCB_INC, 2),
                               CC_KIND(CCB_DEC, 2) };
    size_t to32[4], done[2];
    emit_load32(f, X_RAX, CPUF(cc_op));
    /* SUB32: src1 == src2 */
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_SUB, 2));
    size_t n1 = emit_jcc32(f, XCC_NE);
    emit_load32(f, X_RCX, CPUF(cc_src1));
    emit_alu_rm32(f, XALU_CMP, X_RCX, CPUF(cc_src2));
    emit_setcc(f, XCC_E, X_RAX);
    done[0] = emit_jmp32(f);
    emit_patch_rel32(f, n1, xbuf_len(f));
    for (int i = 0; i < 4; i++) {
        emit_alu_ri32(f, XALU_CMP, X_RAX, (uint32_t)k32[i]);
        to32[i] = emit_jcc32(f, XCC_E);
    }
    /* SUB8: the low bytes of src1 and src2 equal */
    emit_alu_ri32(f, XALU_CMP, X_RAX, CC_KIND(CCB_SUB, 0));
    jump_to_cold(x, XCC_NE);
    emit_load8zx(f, X_RCX, CPUF(cc_src1));
    emit_load8zx(f, X_RAX, CPUF(cc_src2));
    emit_alu_rr32(f, XALU_CMP, X_RCX, X_RAX);
    emit_setcc(f, XCC_E, X_RAX);
    done[1] = emit_jmp32(f);
    /* the result zero */
    for (int i = 0; i < 4; i++)
        emit_patch_rel32(f, to32[i], xbuf_len(f));
    emit_alu_mi32(f, XALU_CMP, CPUF(cc_dst), 0);
    emit_setcc(f, XCC_E, X_RAX);
    for (int i = 0; i < 2; i++)
        emit_patch_rel32(f, done[i], xbuf_len(f));
    size_t back = xbuf_len(f);
    emit_movzx8(f, X_RAX, X_RAX);
    if (op->imm & 1)
        emit_alu_ri32(f, XALU_XOR, X_RAX, 1);
    dput(x, f, op->d, X_RAX);
    struct carg args[2] = { ARG_CPU, ARG_IMM(CC_E) };
    emit_ccall(x, &x->c, (const void *)cpu_cond, args, 2, -1, 0);
    jump_to_fast(x, back);
}

/*
 * The kind an unconditional SETCC of this block left in cc_op before op i,
 * when it stored its words where it ran (not sunk to the miss paths) and
 * no flag write, helper call or CPU-state write came since; else -1.  A
 * side exit between leaves the state alone on the path that stays (its
 * taken path may store a sunk one: not this SETCC, which was stored).
 */
static int known_kind(const struct xc *x, int i)
{
    for (int j = i - 1; j >= 0; j--) {
        const struct ir_op *o = &x->b->ops[j];
        if (o->opc == IR_SETCC)
            return !o->aux && !x->sink[j] && !(o->imm & ~CC_KIND_MASK) ? (int)o->imm : -1;
        if (o->opc == IR_BRANCH)
            continue;
        if (ir_op_info[o->opc].flags & (IRF_WRITES_FLAGS | IRF_CALL | IRF_WRITES_CPU | IRF_EXIT))
            return -1;
    }
    return -1;
}

/* r = a lazy-flags word, zero-extended from the kind's operand size. */
static void load_cc_word(struct xbuf *f, int r, struct xmem m, int sizeidx)
{
    if (sizeidx == 0)
        emit_load8zx(f, r, m);
    else if (sizeidx == 1)
        emit_load16zx(f, r, m);
    else
        emit_load32(f, r, m);
}

/*
 * GETCC of CF or ZF (or a negation) after a SETCC of known kind
 * (known_kind()): that kind's reader alone, from the words the SETCC
 * stored, as cc_test() computes it; no dispatch on cc_op.  A compare whose
 * operand a MOV overwrote before the ADC or SETB that reads its carry,
 * which x->fwd cannot compute from registers, is two loads and a compare.
 * 0 (nothing emitted) for a kind or condition it does not know, or -1.
 */
static int emit_getcc_known(struct xc *x, const struct ir_op *op, int kind)
{
    struct xbuf *f = &x->f;
    int cf = (op->imm >> 1) == (CC_B >> 1), zf = (op->imm >> 1) == (CC_E >> 1);
    int base = CC_BASE(kind), si = CC_SIZEIDX(kind), setcc = 1;
    if (kind < 0 || kind >= CC_EFLAGS || (!cf && !zf))
        return 0;
    if (base == CCB_SUB) { /* CF: src1 < src2, ZF: src1 == src2 */
        load_cc_word(f, X_RAX, CPUF(cc_src1), si);
        load_cc_word(f, X_RCX, CPUF(cc_src2), si);
        emit_alu_rr32(f, XALU_CMP, X_RAX, X_RCX);
    } else if (zf && (base == CCB_ADD || base == CCB_LOGIC || base == CCB_INC || base == CCB_DEC)) {
        load_cc_word(f, X_RAX, CPUF(cc_dst), si); /* ZF: the result zero */
        emit_test_rr32(f, X_RAX, X_RAX);
    } else if (base == CCB_ADD) { /* CF: dst < src1 */
        load_cc_word(f, X_RAX, CPUF(cc_dst), si);
        load_cc_word(f, X_RCX, CPUF(cc_src1), si);
        emit_alu_rr32(f, XALU_CMP, X_RAX, X_RCX);
    } else if (base == CCB_LOGIC) { /* CF: 0 */
        emit_mov_ri32(f, X_RAX, 0);
        setcc = 0;
    } else if (base == CCB_INC || base == CCB_DEC) { /* CF: the one they kept, in src2 */
        emit_load32(f, X_RAX, CPUF(cc_src2));
        emit_alu_ri32(f, XALU_AND, X_RAX, 1);
        setcc = 0;
    } else {
        return 0;
    }
    if (setcc) {
        emit_setcc(f, cf ? XCC_B : XCC_E, X_RAX);
        emit_movzx8(f, X_RAX, X_RAX);
    }
    if (op->imm & 1)
        emit_alu_ri32(f, XALU_XOR, X_RAX, 1);
    dput(x, f, op->d, X_RAX);
    return 1;
}

/* ---------------------------------------------------------------- exits */

static void emit_store_gregs(struct xbuf *o)
{
    for (int g = 0; g < 8; g++)
        emit_store32(o, GMEM(g), greg[g]);
}

/* The shared epilogue, in the cold code: returns rax = tb, edx = slot. */
static size_t ret_stub(struct xc *x)
{
    if (x->ret_stub != (size_t)-1)
        return x->ret_stub;
    struct xbuf *c = &x->c;
    x->ret_stub = xbuf_len(c);
    emit_charge(c);
    emit_alu_ri64(c, XALU_ADD, X_RSP, FRAME_SIZE);
    emit_pop(c, X_R15);
    emit_pop(c, X_R14);
    emit_pop(c, X_R13);
    emit_pop(c, X_R12);
    emit_pop(c, X_RBP);
    emit_pop(c, X_RBX);
    emit_ret(c);
    return x->ret_stub;
}

/* Leave for the run loop from buffer o: registers out, rax = this tb, edx = slot. */
static void emit_leave(struct xc *x, struct xbuf *o, int slot)
{
    emit_store_gregs(o);
    emit_mov_ri32(o, X_RDX, (uint32_t)slot);
    emit_tb_addr(x, o, X_RAX, 0);
    if (o == &x->c) {
        if (x->ret_stub == (size_t)-1) {
            ret_stub(x); /* right here: fall into it */
        } else {
            size_t at = emit_jmp32(o);
            emit_patch_rel32(o, at, x->ret_stub);
        }
    } else {
        size_t stub = ret_stub(x);
        size_t at = emit_jmp32(o);
        fix_add(x, at, stub, 0);
    }
}

/*
 * Whether b's exits may go on to other blocks without the run loop: not
 * when the run loop would refuse the link (a block that calls the monitor,
 * whose mode may change: tb->no_chain), nor when it wants to see every
 * block (one instruction at a time for single-step and breakpoints, which
 * are also never cached: tb->invalid; -d exec and -d cpu).  A block that
 * may chain cannot go invalid while it runs: a store into its own code
 * restarts the instruction alone (tb_invalidate_phys), leaving the block.
 */
static int may_chain(const struct ir_block *b)
{
    if ((b->hflags & HF_SINGLE) || (log_mask & (LOG_EXEC | LOG_CPU)))
        return 0;
    for (int i = 0; i < b->ninsns; i++)
        if (b->insns[i].cls != CLS_INNOCUOUS && b->insns[i].cls != CLS_CONTROL)
            return 0;
    return 1;
}

static void emit_jump_cache(struct xc *x, int target);
static void emit_exit_patchable(struct xc *x, int slot, uint32_t eip, int cc);
static void emit_loop_round(struct xc *x);

/*
 * An exit of a block that called the monitor, with cpu->eip set: such a
 * block never chains (the helper may have changed the mode, or raised an
 * event), but when tb_find_quick() finds the next block for the state as
 * the helper left it, with nothing for the run loop to do first, go on
 * into its chain entry.  A miss falls through to the leave that follows.
 * Not from a block the run loop wants to see end (single-step, -d exec).
 */
static void emit_quick_next(struct xc *x, struct xbuf *o)
{
    if (may_chain(x->b) || (x->b->hflags & HF_SINGLE) || (log_mask & (LOG_EXEC | LOG_CPU)))
        return;
    struct carg args[1] = { ARG_CPU };
    emit_ccall(x, o, (const void *)tb_find_quick, args, 1, -1, 0); /* rax = the block */
    emit_alu_ri64(o, XALU_CMP, X_RAX, 0);
    size_t miss = emit_jcc32(o, XCC_E);
    emit_jmp_m(o, xmem_bd(X_RAX, (int32_t)offsetof(struct tb, code)));
    emit_patch_rel32(o, miss, xbuf_len(o));
}

/*
 * A direct exit through chain slot `slot` to EIP eip: a jmp rel32 to the
 * stub that leaves with eip and the slot, until x64_link() patches it.
 * cpu->eip is stored only on the way out: no block reads it while it runs
 * (faults and helpers take insn_eip, which the sync stores).
 */
static void emit_exit_chain(struct xc *x, int slot, uint32_t eip)
{
    struct xbuf *f = &x->f;
    if (eip == x->b->eip && may_chain(x->b)) {
        /* A loop on itself goes round through its own chain entry, never
         * patched: tb_link would link it (no rule of its refuses a block
         * its own successor), and tb_invalidate() could not unlink it
         * meanwhile. */
        emit_patch_rel32(f, emit_jmp32(f), 0);
        return;
    }
    uint32_t from = x->b->cs_base + x->b->eip, to = x->b->cs_base + eip;
    if ((x->b->hflags & HF_PG) && ((from ^ to) & PAGE_MASK)) {
        /* Another page, whose mapping may change unseen: tb_link will not
         * link it.  The jump cache, which checks the physical page every
         * time, keeps it out of the run loop (calls across pages are
         * common in a kernel). */
        emit_store_i32(f, CPUF(eip), eip);
        emit_mov_ri32(f, X_RAX, eip);
        emit_jump_cache(x, X_RAX);
        emit_quick_next(x, f);
        emit_leave(x, f, -1);
        return;
    }
    emit_exit_patchable(x, slot, eip, -1);
}

/* Whether a direct exit to eip is one patchable jump (emit_exit_patchable). */
static int exit_patchable(const struct xc *x, uint32_t eip)
{
    uint32_t from = x->b->cs_base + x->b->eip, to = x->b->cs_base + eip;
    if (eip == x->b->eip && may_chain(x->b))
        return 0;
    return !((x->b->hflags & HF_PG) && ((from ^ to) & PAGE_MASK));
}

/*
 * The patchable jump of chain slot `slot`: a jmp rel32 (cc < 0) or a jcc
 * rel32 to the stub that leaves with eip and the slot, until x64_link()
 * patches its rel32, which ends the instruction in both forms.
 */
/* The cold stub a direct exit leads to while unlinked: leave with eip and the slot. */
static size_t emit_slot_stub(struct xc *x, int slot, uint32_t eip)
{
    size_t stub = xbuf_len(&x->c);
    emit_store_i32(&x->c, CPUF(eip), eip);
    emit_quick_next(x, &x->c);
    emit_leave(x, &x->c, slot);
    return stub;
}

static void emit_exit_patchable(struct xc *x, int slot, uint32_t eip, int cc)
{
    size_t stub = emit_slot_stub(x, slot, eip);
    size_t at = cc < 0 ? emit_jmp32(&x->f) : emit_jcc32(&x->f, cc);
    fix_add(x, at, stub, 0);
    x->slot_jmp[slot] = (uint32_t)at;
    x->slot_stub[slot] = (uint32_t)stub;
}

/* The host condition of a conditional exit on value op->a: a compare
 * fused into it (x->fused_cc), or a test of the value. */
static int branch_cc(struct xc *x, const struct ir_op *op)
{
    int cc = x->fused_cc;
    if (cc >= 0) {
        x->fused_cc = -1;
        return cc;
    }
    int ra = vreg(x, &x->f, op->a, X_RAX);
    emit_test_rr32(&x->f, ra, ra);
    return XCC_NE;
}

/*
 * A side exit (IR_BRANCH): the block's entry charged the instructions
 * after it, which the taken side gives back.  That side is a cold
 * trampoline, so that the path that stays pays one jcc not taken: the
 * charge back, then a patchable jmp (or the jump back to a loop's own
 * chain entry).  With nothing to give back the jcc is the slot itself.
 */
static void emit_branch(struct xc *x, const struct ir_op *op)
{
    struct xbuf *f = &x->f, *c = &x->c;
    int slot = IR_BRANCH_SLOT(op->aux), back = (int)IR_BRANCH_BACK(op->aux);
    int cc = branch_cc(x, op);
    if (slot < 0) {
        /* a block that never chains (IR_BRANCH_NO_SLOT): out, in the cold code */
        jump_to_cold(x, cc);
        if (x->pending >= 0)
            emit_setcc_stores(x, c, &x->b->ops[x->pending], 0);
        if (back)
            emit_alu_ri64(c, XALU_SUB, X_ENTERED, back);
        emit_store_i32(c, CPUF(eip), op->imm);
        emit_quick_next(x, c);
        emit_leave(x, c, -1);
        return;
    }
    int self = op->imm == x->b->eip && may_chain(x->b);
    const struct ir_op *sunk = x->pending >= 0 ? &x->b->ops[x->pending] : NULL;
    if (!self && !exit_patchable(x, op->imm)) {
        /* another page: out through the jump cache, inline (rare) */
        size_t skip = emit_jcc32(f, cc ^ 1);
        if (sunk)
            emit_setcc_stores(x, f, sunk, 0);
        if (back)
            emit_alu_ri64(f, XALU_SUB, X_ENTERED, back);
        emit_exit_chain(x, slot, op->imm);
        emit_patch_rel32(f, skip, xbuf_len(f));
        return;
    }
    if (!back && !self && !sunk) {
        emit_exit_patchable(x, slot, op->imm, cc);
        return;
    }
    jump_to_cold(x, cc);
    if (sunk) /* the flags of a compare the path that stays overwrites */
        emit_setcc_stores(x, c, sunk, 0);
    if (back)
        emit_alu_ri64(c, XALU_SUB, X_ENTERED, back);
    if (self) {
        jump_to_fast(x, 0);
        return;
    }
    size_t at = emit_jmp32(c), stub = emit_slot_stub(x, slot, op->imm);
    emit_patch_rel32(c, at, stub);
    x->slot_jmp[slot] = (uint32_t)at | SLOT_COLD;
    x->slot_stub[slot] = (uint32_t)stub;
}

/* -stats: one more of a struct tb_stats counter (register r scratch). */
static void stat_count(struct xc *x, size_t field, int r)
{
    if (!monitor_stats.timing)
        return;
    emit_load64(&x->f, r, CPUF(tbs));
    emit_inc_m64(&x->f, xmem_bd(r, (int32_t)(offsetof(struct tb_cache, stats) + field)));
}

/* -stats: one more jump-cache hit or miss (rcx scratch). */
static void jc_count(struct xc *x, size_t field)
{
    stat_count(x, field, X_RCX);
}

/*
 * Return prediction (cpu->ras), by the stack slot of the return address.
 * A near CALL points the entry of the slot it pushed to at the host code
 * that goes on at its return address: its own block's exit through chain
 * slot 1, emitted after the block's final exit (emit_ras_stub).  A near
 * RET looks up the entry of the slot it popped from and jumps there when
 * the address it popped and the mode are the entry's; any other RET (a
 * longjmp, a return address the callee rewrote, an entry that a deeper
 * call or a TLB flush took) looks up the jump cache.  That exit is a chain
 * slot like any other: tb_link() links it within the page, the jump cache
 * takes it to another, the target's chain entry makes the usual checks.
 * The entry points at `movabs rcx, key`, the key being the return EIP and
 * ~hflags (cpu_ras_none's zero matches no mode), then the exit.  Only in
 * blocks that may chain and run flat 32-bit code: the key holds the EIP
 * alone, with CS's base 0 on both sides.
 */
static int ras_usable(const struct xc *x)
{
    return may_chain(x->b) && !x->b->cs_base && (x->b->hflags & HF_CODE32);
}

#define RAS_SLOT_MASK ((CPU_RAS_ENTRIES - 1) << 2)
/* The entry of the stack slot in idx (ESP's bits 2-8): scaled by 2, 8 bytes apart. */
#define RAS_ENTRY(idx) xmem_bid(X_RBP, idx, 2, (int32_t)offsetof(struct cpu, ras))

static uint64_t ras_key(const struct xc *x, uint32_t ret_eip)
{
    return (uint64_t)~(x->b->hflags & ~HF_INHIBIT_IRQ) << 32 | ret_eip;
}

/* A CALL's entry (scratch idx, tmp); returns the rel32 of the lea that
 * emit_ras_stub() points at the code its return goes on to. */
static size_t emit_ras_push(struct xc *x, int idx, int tmp)
{
    struct xbuf *f = &x->f;
    emit_mov_rr32(f, idx, greg[R_ESP]);
    emit_alu_ri32(f, XALU_AND, idx, RAS_SLOT_MASK);
    size_t at = emit_lea_rip64(f, tmp);
    emit_store64(f, RAS_ENTRY(idx), tmp);
    return at;
}

static void emit_exit_chain(struct xc *x, int slot, uint32_t eip);

/* After a CALL's final exit: where its return goes on, which `lea` points to. */
static void emit_ras_stub(struct xc *x, size_t lea, uint32_t ret_eip)
{
    emit_patch_rel32(&x->f, lea, xbuf_len(&x->f));
    emit_mov_ri64(&x->f, X_RCX, ras_key(x, ret_eip));
    emit_exit_chain(x, 1, ret_eip);
}

/* A RET to eax that took `popped` bytes off the stack: its entry (rcx
 * scratch), and there on a match. */
static void emit_ras_pop(struct xc *x, uint32_t popped)
{
    struct xbuf *f = &x->f;
    uint64_t key = ras_key(x, 0);
    emit_lea32(f, X_RCX, xmem_bd(greg[R_ESP], -(int32_t)popped));
    emit_alu_ri32(f, XALU_AND, X_RCX, RAS_SLOT_MASK);
    emit_load64(f, X_RCX, RAS_ENTRY(X_RCX));
    emit_alu_rm32(f, XALU_CMP, X_RAX, xmem_bd(X_RCX, 2)); /* movabs's imm64 */
    size_t miss = emit_jcc32(f, XCC_NE);
    emit_alu_mi32(f, XALU_CMP, xmem_bd(X_RCX, 6), (uint32_t)(key >> 32));
    size_t miss2 = emit_jcc32(f, XCC_NE);
    stat_count(x, offsetof(struct tb_stats, ras_hits), X_RDX);
    emit_jmp_r(f, X_RCX);
    emit_patch_rel32(f, miss, xbuf_len(f));
    emit_patch_rel32(f, miss2, xbuf_len(f));
    stat_count(x, offsetof(struct tb_stats, ras_misses), X_RDX);
}

/* A CALL's return address: the end of the block's last instruction, the CALL. */
static uint32_t call_return_eip(const struct ir_block *b)
{
    const struct ir_insn_info *in = &b->insns[b->ninsns - 1];
    return in->eip + in->len;
}

/*
 * An indirect exit (or a jump to another page) to EIP in register `target`: what the run loop would
 * do next (tb_find on the CPU's state, then tb_chain_enter's checks), done
 * inline when the jump cache has the block and the code TLB has its page;
 * any miss falls through to the exit that follows.  Only from a block
 * that may chain (tb_link's rule, known here: may_chain()).
 */
static void emit_jump_cache(struct xc *x, int target)
{
    struct xbuf *f = &x->f;
    size_t miss[16];
    int nm = 0;
    uint32_t hflags = x->b->hflags & ~HF_INHIBIT_IRQ;
    int mmu = ((hflags & HF_CPL_MASK) >> HF_CPL_SHIFT) == 3;
    int32_t e = (int32_t)(CPU_TLB_OFF + mmu * sizeof(((struct cpu *)0)->tlb[0]));
    if (!may_chain(x->b))
        return;
    if (target != X_RAX)
        emit_mov_rr32(f, X_RAX, target);
    /* The CPU is in the mode this code was translated for (which fixes
     * the TLB too), so the target must be: a block that may chain runs
     * only in its own mode (the run loop found it for the CPU's, a
     * chained exit or this lookup came from a block of the same one),
     * and changes none of it, up to the interrupt shadow of a MOV SS,
     * which no block's key holds. */
    /* eax = linear PC (CS has not changed in a block that may chain); rdx = the cached block */
    if (x->b->cs_base)
        emit_alu_ri32(f, XALU_ADD, X_RAX, x->b->cs_base);
    /* rdx = tb_jc_slot(eax) */
    emit_imul_rri32(f, X_RDX, X_RAX, TB_JC_MUL);
    emit_shift_ri32(f, XSH_SHR, X_RDX, 32 - TB_JC_BITS);
    emit_load64(f, X_RDI, CPUF(tbs)); /* the CPU's own block cache's jump cache */
    /* (an empty slot holds tb_jc_none, whose hflags no block has) */
    emit_load64(f, X_RDX, xmem_bid(X_RDI, X_RDX, 8, (int32_t)offsetof(struct tb_cache, jump_cache)));
    emit_alu_rm32(f, XALU_CMP, X_RAX, xmem_bd(X_RDX, (int32_t)offsetof(struct tb, pc)));
    miss[nm++] = emit_jcc32(f, XCC_NE);
    /* (tb_invalidate() takes an invalid block out of the jump cache) */
    emit_alu_mi32(f, XALU_CMP, xmem_bd(X_RDX, (int32_t)offsetof(struct tb, hflags)), hflags);
    miss[nm++] = emit_jcc32(f, XCC_NE);
    emit_alu_mi32(f, XALU_CMP, xmem_bd(X_RDX, (int32_t)offsetof(struct tb, cs_base)), x->b->cs_base);
    miss[nm++] = emit_jcc32(f, XCC_NE);
    if (!(hflags & HF_PG)) {
        /* no paging: the physical PC is the linear one, as walk() makes it */
        emit_alu_rm32(f, XALU_AND, X_RAX, CPUF(a20_mask));
        emit_alu_rm32(f, XALU_CMP, X_RAX, xmem_bd(X_RDX, (int32_t)offsetof(struct tb, phys_pc)));
        miss[nm++] = emit_jcc32(f, XCC_NE);
    } else {
        /* the physical PC through the code TLB, as mem_code_phys() on a
         * hit: the tag is the PC's page, valid; the frame is the block's
         * (whose page offset is the PC's: the linear PCs are equal) */
        if (x->bmi2) {
            emit_rorx32(f, X_RCX, X_RAX, 12 - 5);
        } else {
            emit_mov_rr32(f, X_RCX, X_RAX);
            emit_shift_ri32(f, XSH_SHR, X_RCX, 12 - 5);
        }
        emit_alu_ri32(f, XALU_AND, X_RCX, (TLB_SIZE - 1) << 5);
        emit_alu_ri32(f, XALU_AND, X_RAX, PAGE_MASK);
        emit_alu_rm32(f, XALU_XOR, X_RAX,
                      xmem_bid(X_RBP, X_RCX, 1, e + (int32_t)offsetof(struct tlb_entry, tag_code)));
        emit_test_ri32(f, X_RAX, PAGE_MASK | TLB_INVALID);
        miss[nm++] = emit_jcc32(f, XCC_NE);
        emit_load32(f, X_RSI,
                    xmem_bid(X_RBP, X_RCX, 1, e + (int32_t)offsetof(struct tlb_entry, phys)));
        emit_alu_rm32(f, XALU_XOR, X_RSI, xmem_bd(X_RDX, (int32_t)offsetof(struct tb, phys_pc)));
        emit_test_ri32(f, X_RSI, PAGE_MASK);
        miss[nm++] = emit_jcc32(f, XCC_NE);
    }
    /* found: its chain entry makes tb_chain_enter()'s checks */
    jc_count(x, offsetof(struct tb_stats, jc_hits));
    emit_jmp_m(f, xmem_bd(X_RDX, (int32_t)offsetof(struct tb, code)));
    for (int i = 0; i < nm; i++)
        emit_patch_rel32(f, miss[i], xbuf_len(f));
    jc_count(x, offsetof(struct tb_stats, jc_misses));
}

/* ---------------------------------------------------------------- ops */

/* A dword of CPU state = v. */
static void emit_store_val(struct xc *x, struct xmem m, int v)
{
    if (vconst(x, v))
        emit_store_i32(&x->f, m, x->cval[v]);
    else
        emit_store32(&x->f, m, vreg(x, &x->f, v, X_RAX));
}

static void emit_binop_code(struct xc *x, const struct ir_op *op, int alu, int commutative);

/* d = a op b for the two-operand ALU group; the host flags are the op's after it. */
static void emit_binop(struct xc *x, const struct ir_op *op, int alu, int commutative)
{
    emit_binop_code(x, op, alu, commutative);
    x->hf_pos = xbuf_len(&x->f);
    x->hf_alu = alu;
    x->hf_val = op->d;
    x->hf_a = op->a;
    x->hf_b = op->b;
}

static void emit_binop_code(struct xc *x, const struct ir_op *op, int alu, int commutative)
{
    struct xbuf *f = &x->f;
    int hd = vhome(x, op->d);
    if (vconst(x, op->b)) {
        uint32_t imm = x->cval[op->b];
        int ra = vreg(x, f, op->a, X_RAX);
        int t = hd >= 0 ? hd : X_RAX;
        if (t != ra)
            emit_mov_rr32(f, t, ra);
        emit_alu_ri32(f, alu, t, imm);
        dput(x, f, op->d, t);
        return;
    }
    int ra = vreg(x, f, op->a, X_RAX), rb = vreg(x, f, op->b, X_RCX);
    if (hd >= 0 && hd == ra) {
        emit_alu_rr32(f, alu, hd, rb);
    } else if (hd >= 0 && hd != rb) {
        emit_mov_rr32(f, hd, ra);
        emit_alu_rr32(f, alu, hd, rb);
    } else if (hd >= 0 && commutative) {
        emit_alu_rr32(f, alu, hd, ra);
    } else {
        if (ra != X_RAX)
            emit_mov_rr32(f, X_RAX, ra);
        emit_alu_rr32(f, alu, X_RAX, rb);
        dput(x, f, op->d, X_RAX);
    }
}

/* Whether every reader of value v after op `from` is a SETFL that keeps none of `bits`. */
static int only_setfl_without(const struct xc *x, int v, int from, uint32_t bits)
{
    if (!is_temp(v) || x->alias[v] >= 0)
        return 0;
    for (int i = from + 1; i <= x->last[v] && i < x->b->nops; i++) {
        const struct ir_op *op = &x->b->ops[i];
        const uint16_t *fld[4] = { &op->d, &op->a, &op->b, &op->c };
        for (int k = 0; k < 4; k++) {
            if (!op_reads(op, 1 << k) || *fld[k] != v)
                continue;
            if (op->opc != IR_SETFL || k != 1 || (op->imm & bits))
                return 0;
        }
    }
    return 1;
}

/* The register d is computed in, holding a's value (for one-operand forms). */
static int unary_start(struct xc *x, const struct ir_op *op)
{
    int ra = vreg(x, &x->f, op->a, X_RAX);
    int t = dreg(x, op->d);
    if (t != ra)
        emit_mov_rr32(&x->f, t, ra);
    return t;
}

static int next_op(const struct ir_block *b, int i);

/* Readers and writers of each temporary in the block (count_uses), for
 * the folds that drop a value's definition: its one reader must be the op
 * folded into. */
static uint8_t nreads[IR_NVALUES], nwrites[IR_NVALUES];

/*
 * A two-operand IMUL's overflow, as the frontend computes it (imul_n):
 * MUL lo = a * b, MULHS hi = a * b, SAR s = lo >> 31 (a MOVI's 31), SUB
 * ov = hi - s, nonzero exactly when the product does not fit 32 bits.  The
 * host's imul sets OF just so, and CCB_IMUL reads ov as zero or not: when
 * nothing else reads hi and s, the MUL is one imul, the MULHS and the SAR
 * are skipped, and the SUB is seto.  Where the flags stay live (a store's
 * miss path next) that saves the 64-bit product and its split, 8 host
 * instructions of 10.  Returns the SUB's index, or -1.
 */
static int imul_overflow(struct xc *x, int i, int *sar_at)
{
    const struct ir_block *b = x->b;
    const struct ir_op *mul = &b->ops[i];
    int hi = next_op(b, i), sar = hi < 0 ? -1 : next_op(b, hi), movi = -1;
    if (hi < 0 || b->ops[hi].opc != IR_MULHS || b->ops[hi].a != mul->a || b->ops[hi].b != mul->b)
        return -1;
    while (sar >= 0 && b->ops[sar].opc == IR_MOVI && is_temp(b->ops[sar].d)) {
        movi = sar;
        sar = next_op(b, sar);
    }
    int sub = sar < 0 ? -1 : next_op(b, sar);
    if (movi < 0 || sub < 0)
        return -1;
    const struct ir_op *h = &b->ops[hi], *sh = &b->ops[sar], *ov = &b->ops[sub];
    if (sh->opc != IR_SAR || sh->a != mul->d || ov->opc != IR_SUB || ov->a != h->d ||
        ov->b != sh->d || !is_temp(h->d) || !is_temp(sh->d) || nreads[h->d] != 1 ||
        nreads[sh->d] != 1 || nwrites[h->d] != 1 || nwrites[sh->d] != 1 || x->skip[hi] ||
        x->skip[sar] || x->cf_deferred[sar] || x->cf_deferred[sub])
        return -1;
    for (int m = hi; m <= sub; m++) /* (nothing may emit code between: src1_early's store) */
        if (x->early_g[m] >= 0)
            return -1;
    /* the shift count: one of the MOVIs between, of 31 */
    /* ov's one reader: a product's SETCC, which takes it as zero or not */
    if (!is_temp(ov->d) || nreads[ov->d] != 1 || nwrites[ov->d] != 1)
        return -1;
    int reader = -1;
    for (int m = sub + 1; m < b->nops && reader < 0; m++) {
        const struct ir_op *r = &b->ops[m];
        const uint16_t *fld[4] = { &r->d, &r->a, &r->b, &r->c };
        for (int k = 0; k < 4; k++)
            if (op_reads(r, 1 << k) && *fld[k] == ov->d)
                reader = m;
    }
    if (reader < 0)
        return -1;
    const struct ir_op *sc = &b->ops[reader];
    uint32_t kind = sc->imm & CC_KIND_MASK;
    if (sc->opc != IR_SETCC || sc->a != ov->d || sc->d == ov->d || sc->b == ov->d ||
        (op_reads(sc, IRR_C) && sc->c == ov->d) || kind >= CC_EFLAGS ||
        (CC_BASE(kind) != CCB_IMUL && CC_BASE(kind) != CCB_MUL))
        return -1;
    *sar_at = sar;
    for (int m = hi + 1; m < sar; m++)
        if (b->ops[m].opc == IR_MOVI && b->ops[m].d == sh->b)
            return (b->ops[m].imm & 31) == 31 ? sub : -1;
    return -1;
}

/* rax = the 64-bit product of a and b, zero- or sign-extended. */
static void emit_mul64(struct xc *x, int is_signed, int a, int b)
{
    struct xbuf *f = &x->f;
    int ra = vreg(x, f, a, X_RAX), rb = vreg(x, f, b, X_RCX);
    if (is_signed) {
        emit_movsxd(f, X_RAX, ra);
        emit_movsxd(f, X_RCX, rb);
    } else {
        if (ra != X_RAX)
            emit_mov_rr32(f, X_RAX, ra); /* zero-extends */
        if (rb != X_RCX)
            emit_mov_rr32(f, X_RCX, rb);
    }
    emit_imul_rr64(f, X_RAX, X_RCX);
}

static void emit_op(struct xc *x, const struct ir_op *op)
{
    struct xbuf *f = &x->f;
    switch (op->opc) {
    case IR_NOP:
        break;
    case IR_MOVI: {
        int hd = vhome(x, op->d);
        if (hd >= 0)
            emit_mov_ri32(f, hd, op->imm);
        else
            emit_store_i32(f, tslot(op->d), op->imm);
        break;
    }
    case IR_MOV: {
        int hd = vhome(x, op->d);
        if (vconst(x, op->a) && hd >= 0) {
            emit_mov_ri32(f, hd, x->cval[op->a]);
            break;
        }
        int ra = vreg(x, f, op->a, X_RAX);
        dput(x, f, op->d, ra);
        break;
    }
    case IR_ADD: emit_binop(x, op, XALU_ADD, 1); break;
    case IR_SUB:
        if (x->cur == x->ov_sub) {
            /* imul_overflow(): OF of the imul, nothing emitted since */
            if (x->ov_pos != xbuf_len(f)) {
                fprintf(stderr, "bt86: x86_64 backend: block at 0x%08x: code between an imul "
                                "and its seto\n", x->b->eip);
                abort();
            }
            int hd = dreg(x, op->d);
            emit_setcc(f, XCC_O, hd);
            emit_movzx8(f, hd, hd);
            dput(x, f, op->d, hd);
            x->ov_sub = -1;
            break;
        }
        emit_binop(x, op, XALU_SUB, 0);
        break;
    case IR_AND: emit_binop(x, op, XALU_AND, 1); break;
    case IR_OR: emit_binop(x, op, XALU_OR, 1); break;
    case IR_XOR: emit_binop(x, op, XALU_XOR, 1); break;
    case IR_SHL:
    case IR_SHR:
    case IR_SAR:
    case IR_ROL:
    case IR_ROR: {
        static const int sh[] = { [IR_SHL - IR_SHL] = XSH_SHL, [IR_SHR - IR_SHL] = XSH_SHR,
                                  [IR_SAR - IR_SHL] = XSH_SAR, [IR_ROL - IR_SHL] = XSH_ROL,
                                  [IR_ROR - IR_SHL] = XSH_ROR };
        if (vconst(x, op->b)) {
            int t = unary_start(x, op);
            int n = (int)(x->cval[op->b] & 31);
            if (n)
                emit_shift_ri32(f, sh[op->opc - IR_SHL], t, n);
            dput(x, f, op->d, t);
            break;
        }
        int rb = vreg(x, f, op->b, X_RCX);
        if (rb != X_RCX)
            emit_mov_rr32(f, X_RCX, rb);
        int t = unary_start(x, op);
        emit_shift_cl32(f, sh[op->opc - IR_SHL], t);
        dput(x, f, op->d, t);
        break;
    }
    case IR_ADDI: {
        int ra = vreg(x, f, op->a, X_RAX);
        int t = dreg(x, op->d);
        emit_lea32(f, t, xmem_bd(ra, (int32_t)op->imm));
        dput(x, f, op->d, t);
        break;
    }
    case IR_LEA:
    case IR_IDX: {
        int rb = vreg(x, f, op->b, X_RCX);
        int t = dreg(x, op->d);
        if (op->imm <= 3) {
            int base = op->opc == IR_LEA ? vreg(x, f, op->a, X_RAX) : X_NONE;
            emit_lea32(f, t, xmem_bid(base, rb, 1 << op->imm, (int32_t)op->aux));
        } else {
            if (rb != X_RCX)
                emit_mov_rr32(f, X_RCX, rb);
            emit_shift_ri32(f, XSH_SHL, X_RCX, (int)(op->imm & 31));
            if (op->opc == IR_LEA) {
                int ra = vreg(x, f, op->a, X_RAX);
                emit_lea32(f, t, xmem_bid(ra, X_RCX, 1, (int32_t)op->aux));
            } else {
                emit_lea32(f, t, xmem_bd(X_RCX, (int32_t)op->aux));
            }
        }
        dput(x, f, op->d, t);
        break;
    }
    case IR_ANDI: {
        int t = unary_start(x, op);
        emit_alu_ri32(f, XALU_AND, t, op->imm);
        dput(x, f, op->d, t);
        break;
    }
    case IR_MUL: {
        int sar = -1, ov = imul_overflow(x, x->cur, &sar);
        int j = next_op(x->b, x->cur);
        const struct ir_op *h = j >= 0 ? &x->b->ops[j] : NULL;
        if (vconst(x, op->a) || vconst(x, op->b)) {
            /* imul r, r/m, imm: the constant needs no register */
            int k = vconst(x, op->b) ? op->b : op->a, v = k == op->b ? op->a : op->b;
            int hd = dreg(x, op->d);
            emit_imul_rri32(f, hd, vreg(x, f, v, X_RCX), x->cval[k]);
            dput(x, f, op->d, hd); /* (a mov: OF stays) */
        } else if (ov < 0 && h && (h->opc == IR_MULHU || h->opc == IR_MULHS) && h->a == op->a &&
                   h->b == op->b && !x->skip[j]) {
            /* A one-operand MUL's two halves: one 64-bit product in rax,
             * whose high half the MULHU right after takes (x->mul_hi). */
            emit_mul64(x, h->opc == IR_MULHS, op->a, op->b);
            dput(x, f, op->d, X_RAX);
            x->mul_hi = j;
            break;
        } else {
            int ra = vreg(x, f, op->a, X_RAX), rb = vreg(x, f, op->b, X_RCX);
            int hd = vhome(x, op->d);
            if (hd >= 0 && hd == ra) {
                emit_imul_rr32(f, hd, rb);
            } else if (hd >= 0 && hd == rb) {
                emit_imul_rr32(f, hd, ra); /* commutative */
            } else if (hd >= 0) {
                emit_mov_rr32(f, hd, ra);
                emit_imul_rr32(f, hd, rb);
            } else {
                if (ra != X_RAX)
                    emit_mov_rr32(f, X_RAX, ra);
                emit_imul_rr32(f, X_RAX, rb);
                dput(x, f, op->d, X_RAX);
            }
        }
        if (ov >= 0) {
            x->skip[j] = x->skip[sar] = 1;
            x->ov_sub = ov;
            x->ov_pos = xbuf_len(f);
        }
        break;
    }
    case IR_MULHU:
    case IR_MULHS:
        if (x->mul_hi != x->cur)
            emit_mul64(x, op->opc == IR_MULHS, op->a, op->b);
        x->mul_hi = -1;
        emit_shift_ri64(f, XSH_SHR, X_RAX, 32);
        dput(x, f, op->d, X_RAX);
        break;
    case IR_NOT:
    case IR_NEG:
    case IR_BSWAP: {
        int t = unary_start(x, op);
        if (op->opc == IR_NOT)
            emit_not32(f, t);
        else if (op->opc == IR_NEG)
            emit_neg32(f, t);
        else
            emit_bswap32(f, t);
        dput(x, f, op->d, t);
        break;
    }
    case IR_EXT8U:
    case IR_EXT8S:
    case IR_EXT16U:
    case IR_EXT16S: {
        int ra = vreg(x, f, op->a, X_RAX);
        int t = dreg(x, op->d);
        if (op->opc == IR_EXT8U)
            emit_movzx8(f, t, ra);
        else if (op->opc == IR_EXT8S)
            emit_movsx8(f, t, ra);
        else if (op->opc == IR_EXT16U)
            emit_movzx16(f, t, ra);
        else
            emit_movsx16(f, t, ra);
        dput(x, f, op->d, t);
        break;
    }
    case IR_HI8: {
        int ra = vreg(x, f, op->a, X_RAX);
        if (ra != X_RAX)
            emit_mov_rr32(f, X_RAX, ra);
        emit_shift_ri32(f, XSH_SHR, X_RAX, 8);
        int t = dreg(x, op->d);
        emit_movzx8(f, t, X_RAX);
        dput(x, f, op->d, t);
        break;
    }
    case IR_DEP8L:
    case IR_DEP8H:
    case IR_DEP16: {
        if (op->opc != IR_DEP8H && op->d == op->a && op->d < V_TEMP0) {
            /* mov bl, cl: straight into the guest register's low part */
            int hd = greg[op->d];
            if (vconst(x, op->b) && op->opc == IR_DEP8L)
                emit_mov_ri8(f, hd, (uint8_t)x->cval[op->b]);
            else if (vconst(x, op->b))
                emit_mov_ri16(f, hd, (uint16_t)x->cval[op->b]);
            else if (op->opc == IR_DEP8L)
                emit_mov_rr8(f, hd, vreg(x, f, op->b, X_RCX));
            else
                emit_mov_rr16(f, hd, vreg(x, f, op->b, X_RCX));
            break;
        }
        int ra = vreg(x, f, op->a, X_RAX), rb = vreg(x, f, op->b, X_RCX);
        if (op->opc == IR_DEP16)
            emit_movzx16(f, X_RCX, rb);
        else
            emit_movzx8(f, X_RCX, rb);
        if (ra != X_RAX)
            emit_mov_rr32(f, X_RAX, ra);
        if (op->opc == IR_DEP8H)
            emit_shift_ri32(f, XSH_SHL, X_RCX, 8);
        emit_alu_ri32(f, XALU_AND, X_RAX,
                      op->opc == IR_DEP8L ? ~0xffu : op->opc == IR_DEP8H ? ~0xff00u : ~0xffffu);
        emit_alu_rr32(f, XALU_OR, X_RAX, X_RCX);
        dput(x, f, op->d, X_RAX);
        break;
    }
    case IR_SELECT: {
        int rc = vreg(x, f, op->c, X_RAX);
        if (rc != X_RAX)
            emit_mov_rr32(f, X_RAX, rc);
        int ra = vreg(x, f, op->a, X_RCX);
        emit_test_rr32(f, ra, ra);
        int rb = vreg(x, f, op->b, X_RCX);
        emit_cmov32(f, XCC_NE, X_RAX, rb);
        dput(x, f, op->d, X_RAX);
        break;
    }
    case IR_SETEQ: {
        int ra = vreg(x, f, op->a, X_RAX), rb = vreg(x, f, op->b, X_RCX);
        emit_alu_rr32(f, XALU_CMP, ra, rb);
        emit_setcc(f, XCC_E, X_RAX);
        emit_movzx8(f, X_RAX, X_RAX);
        dput(x, f, op->d, X_RAX);
        break;
    }
    case IR_LD8: case IR_LD16: case IR_LD32:
    case IR_ST8: case IR_ST16: case IR_ST32:
        emit_mem_access(x, op);
        break;
    case IR_LDCPU: {
        int t = dreg(x, op->d);
        emit_load32(f, t, xmem_bd(X_RBP, (int32_t)op->imm));
        dput(x, f, op->d, t);
        break;
    }
    case IR_STCPU:
        emit_store_val(x, xmem_bd(X_RBP, (int32_t)op->imm), op->a);
        break;
    case IR_SETCC: {
        size_t skip = 0;
        if (op->aux) {
            int rc = vreg(x, f, op->c, X_RAX);
            emit_test_rr32(f, rc, rc);
            skip = emit_jcc32(f, XCC_E);
        }
        emit_setcc_stores(x, f, op, 0);
        if (op->aux)
            emit_patch_rel32(f, skip, xbuf_len(f));
        break;
    }
    case IR_SETFL: {
        size_t skip = 0;
        if (op->aux) {
            int rc = vreg(x, f, op->c, X_RAX);
            emit_test_rr32(f, rc, rc);
            skip = emit_jcc32(f, XCC_E);
        }
        int ra = vreg(x, f, op->a, X_RAX);
        if (ra != X_RAX)
            emit_mov_rr32(f, X_RAX, ra);
        emit_alu_ri32(f, XALU_AND, X_RAX, op->imm);
        emit_load32(f, X_RCX, CPUF(cc_fix));
        emit_alu_ri32(f, XALU_AND, X_RCX, ~op->imm);
        emit_alu_rr32(f, XALU_OR, X_RAX, X_RCX);
        emit_store32(f, CPUF(cc_fix), X_RAX);
        emit_alu_mi32(f, XALU_OR, CPUF(cc_op), op->imm << CC_OVR_SHIFT);
        if (op->aux)
            emit_patch_rel32(f, skip, xbuf_len(f));
        break;
    }
    case IR_GETCC:
        if (x->fwd[x->cur] >= 0) {
            const struct ir_op *si = &x->b->ops[x->fwd[x->cur]];
            struct ir_op t = { .opc = IR_TESTCC, .d = op->d, .a = si->d,
                               .b = x->fwd_src2[x->cur] ? si->b : si->a, .c = si->b,
                               .imm = op->imm, .aux = si->imm };
            int cc = emit_testcc_cmp(x, &t);
            int hd = dreg(x, op->d);
            if (cc >= 0) {
                emit_setcc(f, cc, hd);
                emit_movzx8(f, hd, hd);
            } else {
                emit_mov_ri32(f, hd, op->imm & 1);
            }
            dput(x, f, op->d, hd);
        } else if (emit_getcc_known(x, op, known_kind(x, x->cur))) {
            /* (the kind's own reader) */
        } else if ((op->imm >> 1) == (CC_B >> 1)) {
            emit_getcc_cf(x, op);
        } else if ((op->imm >> 1) == (CC_E >> 1)) {
            emit_getcc_zf(x, op);
        } else {
            struct carg args[2] = { ARG_CPU, ARG_IMM(op->imm) };
            emit_ccall(x, f, (const void *)cpu_cond, args, 2, op->d, 0);
        }
        break;
    case IR_TESTCC: {
        int cc = emit_testcc_cmp(x, op);
        if (cc >= 0) {
            int t = dreg(x, op->d);
            emit_setcc(f, cc, t);
            emit_movzx8(f, t, t);
            dput(x, f, op->d, t);
        } else if (tcc_pick(op->aux, op->imm) == TCC_ZERO) {
            int hd = vhome(x, op->d);
            if (hd >= 0)
                emit_mov_ri32(f, hd, op->imm & 1);
            else
                emit_store_i32(f, tslot(op->d), op->imm & 1);
        } else {
            struct carg args[5] = { ARG_IMM(op->aux), ARG_VAL(op->a), ARG_VAL(op->b),
                                    ARG_VAL(op->c), ARG_IMM(op->imm) };
            emit_ccall(x, f, (const void *)cc_test, args, 5, op->d, 0);
        }
        break;
    }
    case IR_GETFLAGS: {
        struct carg args[1] = { ARG_CPU };
        emit_ccall(x, f, (const void *)cpu_get_eflags, args, 1, op->d, 0);
        break;
    }
    case IR_CCFLAGS: {
        int base = CC_BASE(op->aux);
        if (op->aux < CC_EFLAGS && (base == CCB_ROL || base == CCB_ROR)) {
            /* cc_compute()'s ROL/ROR: CF from the result, OF from the operand */
            int top = (8 << CC_SIZEIDX(op->aux)) - 1;
            if (only_setfl_without(x, op->d, x->cur, F_OF)) {
                /* a rotate by more than one: OF is undefined and left alone */
                load_val(x, f, X_RAX, op->a);
                if (base == CCB_ROR)
                    emit_shift_ri32(f, XSH_SHR, X_RAX, top);
                emit_alu_ri32(f, XALU_AND, X_RAX, 1);
                dput(x, f, op->d, X_RAX);
                break;
            }
            load_val(x, f, X_RCX, op->b);
            emit_mov_rr32(f, X_RAX, X_RCX);
            if (base == CCB_ROL)
                emit_alu_rr32(f, XALU_ADD, X_RAX, X_RAX);
            else
                emit_shift_ri32(f, XSH_SHR, X_RAX, top);
            emit_alu_rr32(f, XALU_XOR, X_RCX, X_RAX);
            if (base == CCB_ROL)
                emit_shift_ri32(f, XSH_SHR, X_RCX, top);
            emit_alu_ri32(f, XALU_AND, X_RCX, 1);
            emit_shift_ri32(f, XSH_SHL, X_RCX, 11);
            load_val(x, f, X_RAX, op->a);
            if (base == CCB_ROR)
                emit_shift_ri32(f, XSH_SHR, X_RAX, top);
            emit_alu_ri32(f, XALU_AND, X_RAX, 1);
            emit_alu_rr32(f, XALU_OR, X_RAX, X_RCX);
            dput(x, f, op->d, X_RAX);
            break;
        }
        struct carg args[4] = { ARG_IMM(op->aux), ARG_VAL(op->a), ARG_VAL(op->b),
                                ARG_VAL(op->c) };
        emit_ccall(x, f, (const void *)cc_compute, args, 4, op->d, 0);
        break;
    }
    case IR_CALL: {
        struct carg args[6] = { ARG_CPU, ARG_IMM(op->imm), ARG_VAL(op->a), ARG_VAL(op->b),
                                ARG_VAL(op->c), ARG_IMM(op->aux) };
        emit_ccall(x, f, (const void *)x64_helper_call, args, 6, op->d, CC_SYNC | CC_RELOAD_ALL);
        break;
    }
    case IR_EXIT:
        if (op->exit == IR_EXIT_CALL && ras_usable(x)) {
            uint32_t ret = call_return_eip(x->b);
            size_t lea = emit_ras_push(x, X_RAX, X_RCX);
            emit_exit_chain(x, 0, op->imm);
            emit_ras_stub(x, lea, ret);
            break;
        }
        emit_exit_chain(x, 0, op->imm);
        break;
    case IR_EXITCC: {
        size_t not_taken;
        int cc = branch_cc(x, op);
        if (op->imm == x->b->eip && may_chain(x->b) && x->loop_sink && x->pending >= 0) {
            /* the taken side loops, its own way round; the other stores
             * the compare's flags on its way out */
            size_t out = emit_jcc32(f, cc ^ 1);
            emit_loop_round(x);
            emit_patch_rel32(f, out, xbuf_len(f));
            emit_setcc_stores(x, f, &x->b->ops[x->pending], 0);
            x->pending = -1;
            emit_exit_chain(x, 1, op->aux);
            break;
        }
        if (op->imm == x->b->eip && may_chain(x->b)) {
            /* the taken side loops: straight to the chain entry */
            emit_patch_rel32(f, emit_jcc32(f, cc), 0);
            emit_exit_chain(x, 1, op->aux);
            break;
        }
        if (exit_patchable(x, op->imm)) {
            /* the taken side's own jcc is its chain slot */
            emit_exit_patchable(x, 0, op->imm, cc);
            emit_exit_chain(x, 1, op->aux);
            break;
        }
        not_taken = emit_jcc32(f, cc ^ 1);
        emit_exit_chain(x, 0, op->imm);
        emit_patch_rel32(f, not_taken, xbuf_len(f));
        emit_exit_chain(x, 1, op->aux);
        break;
    }
    case IR_BRANCH:
        emit_branch(x, op);
        break;
    case IR_EXITIND: {
        int ra = vreg(x, f, op->a, X_RAX);
        int ras = ras_usable(x) && (op->exit == IR_EXIT_CALL || op->exit == IR_EXIT_RET);
        size_t lea = 0;
        emit_store32(f, CPUF(eip), ra);
        if (ras) {
            /* eax = the target (as the jump cache wants it); rcx, rdx scratch */
            if (ra != X_RAX)
                emit_mov_rr32(f, X_RAX, ra);
            ra = X_RAX;
            if (op->exit == IR_EXIT_RET)
                emit_ras_pop(x, op->imm);
            else
                lea = emit_ras_push(x, X_RCX, X_RDX);
        }
        emit_jump_cache(x, ra);
        emit_quick_next(x, f);
        emit_leave(x, f, -1);
        if (ras && op->exit == IR_EXIT_CALL)
            emit_ras_stub(x, lea, call_return_eip(x->b));
        break;
    }
    case IR_EXITEIP:
        emit_quick_next(x, f);
        emit_leave(x, f, -1);
        break;
    }
}

/*
 * Whether SETCC `op` reads guest register g only as src1 and src1 can be
 * computed again from its result, temporary dop->d = g + imm, g + v or
 * g - v (v not g): the flags of add ecx, 4 or inc ecx computed in ecx.
 */
static int src1_from_dst(const struct ir_op *dop, const struct ir_op *op, int g)
{
    if (op->opc != IR_SETCC || op->aux || op->a != g || op->b == g || op->d != dop->d ||
        dop->a != g)
        return 0;
    int base = CC_BASE(op->imm & CC_KIND_MASK);
    if (dop->opc == IR_ADDI) /* add reg, imm; inc; dec: src1 = dst - imm */
        return base == CCB_ADD || (base == CCB_INC && dop->imm == 1) ||
               (base == CCB_DEC && dop->imm == 0xffffffffu);
    if (dop->opc == IR_ADD || dop->opc == IR_SUB)
        return dop->b != g && op->b == dop->b && base == (dop->opc == IR_ADD ? CCB_ADD : CCB_SUB);
    return 0;
}

/* Whether an op in [from, to) has any of the IRF_* flags in mask. */
static int ops_flagged(const struct ir_block *b, int from, int to, unsigned mask)
{
    for (int m = from; m < to; m++)
        if (ir_op_info[b->ops[m].opc].flags & mask)
            return 1;
    return 0;
}

/*
 * A SETCC whose src1 is g's old value, which the result t overwrites and
 * nothing computes again (a shift's, an ADC's): cc_src1 can take it just
 * before t's op, def, replaces it, when nothing from there to the SETCC
 * may look at the lazy flags.
 */
static int src1_early(const struct ir_block *b, int def, int k, int g, int t)
{
    const struct ir_op *op = &b->ops[k];
    return op->opc == IR_SETCC && !op->aux && op->a == g && op->b != g && op->d == t &&
           !ops_flagged(b, def, k, IRF_READS_FLAGS | IRF_WRITES_FLAGS | IRF_MAY_FAULT | IRF_CALL |
                                       IRF_EXIT | IRF_READS_CPU);
}

/*
 * "t = ...; (ops that neither read nor write g, nor can fault or call);
 * mov g, t" with t read nowhere after: compute t in g's register and drop
 * the MOV.  Nothing in between can let C code see cpu->r[] (the guest
 * state a fault must show is the one before the instruction), and nothing
 * in between wanted g's old value.
 */
static void find_aliases(struct xc *x, const struct ir_block *b, uint32_t nvals)
{
    static int16_t def_at[IR_NVALUES];
    memset(x->alias, -1, nvals);
    for (uint32_t v = 0; v < nvals; v++)
        def_at[v] = -1;
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        x->skip[i] = 0;
        x->src1_recalc[i] = 0;
        x->early_g[i] = -1;
        if (ir_op_writes_d(op->opc) && is_temp(op->d) && op->opc != IR_MOVI &&
            op->opc != IR_TESTCC)
            def_at[op->d] = (int16_t)i;
    }
    for (int j = 0; j < b->nops; j++) {
        const struct ir_op *mv = &b->ops[j];
        if (mv->opc != IR_MOV || mv->d >= V_TEMP0 || !is_temp(mv->a) || def_at[mv->a] < 0 ||
            x->last[mv->a] != j)
            continue;
        int t = mv->a, g = mv->d, ok = 1, recalc = -1, early = 0;
        for (int k = def_at[t] + 1; k < j && ok; k++) {
            const struct ir_op *op = &b->ops[k];
            if (op->opc == IR_NOP)
                continue;
            if (recalc < 0 && src1_from_dst(&b->ops[def_at[t]], op, g)) {
                recalc = k; /* its src1 is g's old value: computed again from t */
                continue;
            }
            if (recalc < 0 && src1_early(b, def_at[t], k, g, t)) {
                recalc = k; /* its src1 is g's old value: stored before t's op */
                early = 1;
                continue;
            }
            if (ir_op_info[op->opc].flags & (IRF_MAY_FAULT | IRF_CALL | IRF_EXIT))
                ok = 0;
            else if ((op_reads(op, IRR_D) && op->d == g) || (op_reads(op, IRR_A) && op->a == g) ||
                     (op_reads(op, IRR_B) && op->b == g) || (op_reads(op, IRR_C) && op->c == g))
                ok = 0;
            else if (ir_op_writes_d(op->opc) && op->d == g)
                ok = 0;
            else if (op->opc == IR_MOV && op->d < V_TEMP0 && x->alias[op->a] == g)
                ok = 0;
        }
        if (ok) {
            x->alias[t] = (int8_t)g;
            x->skip[j] = 1;
            if (early) {
                x->src1_recalc[recalc] = SRC_EARLY;
                x->early_g[def_at[t]] = (int8_t)g;
            } else if (recalc >= 0) {
                const struct ir_op *dop = &b->ops[def_at[t]];
                x->src1_recalc[recalc] = dop->opc == IR_ADDI ? SRC_DST_MINUS_IMM :
                                         dop->opc == IR_ADD ? SRC_DST_MINUS_B : SRC_DST_PLUS_B;
                x->sink_imm[recalc] = dop->imm;
            }
        }
    }
}

/* Whether guest register g gets a new value from an op in (i, k). */
static int greg_written(const struct xc *x, const struct ir_block *b, int g, int i, int k)
{
    for (int m = i + 1; m < k; m++) {
        const struct ir_op *op = &b->ops[m];
        if (!ir_op_writes_d(op->opc))
            continue;
        if (op->d == g && !x->skip[m])
            return 1;
        if (is_temp(op->d) && x->alias[op->d] == g)
            return 1;
    }
    return 0;
}

/* Whether an op in (i, k) gives guest register g a new value in the IR,
 * whether or not an alias made the host code do it elsewhere. */
static int ir_greg_set(const struct ir_block *b, int g, int i, int k)
{
    if (g >= V_TEMP0)
        return 0;
    for (int m = i + 1; m < k; m++)
        if (ir_op_writes_d(b->ops[m].opc) && b->ops[m].d == g)
            return 1;
    return 0;
}

static void count_uses(const struct ir_block *b, uint32_t nvals)
{
    memset(nreads, 0, nvals);
    memset(nwrites, 0, nvals);
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        const uint16_t *fld[4] = { &op->d, &op->a, &op->b, &op->c };
        for (int k = 0; k < 4; k++)
            if (op_reads(op, 1 << k) && *fld[k] < nvals && nreads[*fld[k]] < 255)
                nreads[*fld[k]]++;
        if (ir_op_writes_d(op->opc) && op->d < nvals && nwrites[op->d] < 255)
            nwrites[op->d]++;
    }
}

/*
 * Byte ALU instructions on AL, CL, DL or BL (xor cl, al): the frontend's
 * zero-extended operands, the 32-bit op and the deposit into the low byte
 * are one host byte op on the guest register (xor r9b, r8b) when nothing
 * else reads the intermediate values: the low byte of ADD, SUB, AND, OR
 * and XOR depends only on the operands' low bytes.  def_at: the op that
 * defines each temporary, -1 if none.
 */
static int ext8_of(const struct xc *x, const struct ir_block *b, const int16_t *def_at, int v,
                   int use)
{
    if (v < V_TEMP0)
        return v; /* the register itself: its low byte is the operand's */
    /* `use` its one reader (xadd bl, al reads bl's byte twice) */
    if (def_at[v] < 0 || x->last[v] != use || nreads[v] != 1 || nwrites[v] != 1 ||
        x->alias[v] >= 0)
        return -1;
    const struct ir_op *d = &b->ops[def_at[v]];
    if (d->opc != IR_EXT8U || d->a >= V_TEMP0 || greg_written(x, b, d->a, def_at[v], use))
        return -1;
    return d->a;
}

static void find_byteops(struct xc *x, const struct ir_block *b, uint32_t nvals)
{
    static int16_t def_at[IR_NVALUES];
    static uint8_t movi[IR_NVALUES];
    memset(movi, 0, nvals);
    for (uint32_t v = 0; v < nvals; v++)
        def_at[v] = -1;
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        x->byte_g[i] = -1;
        if (ir_op_writes_d(op->opc) && is_temp(op->d) && op->d < nvals) {
            def_at[op->d] = (int16_t)i;
            movi[op->d] = op->opc == IR_MOVI;
        }
    }
    for (int i = 1; i < b->nops; i++) {
        int j = i - 1;
        while (j > 0 && b->ops[j].opc == IR_NOP)
            j--;
        const struct ir_op *dep = &b->ops[i], *op = &b->ops[j];
        if (dep->opc == IR_DEP8L && dep->d < V_TEMP0 && dep->a == dep->d && is_temp(dep->b)) {
            /* mov bl, cl: the byte straight from the other register */
            int h = ext8_of(x, b, def_at, dep->b, i);
            if (h >= 0) {
                x->skip[def_at[dep->b]] = 1;
                x->byte_g[i] = (int8_t)dep->d;
                x->byte_h[i] = (int8_t)h;
                continue;
            }
        }
        if (dep->opc != IR_DEP8L || dep->d >= V_TEMP0 || dep->a != dep->d || op->d != dep->b ||
            !is_temp(op->d) || x->last[op->d] != i || x->alias[op->d] >= 0)
            continue;
        int commutative = op->opc != IR_SUB;
        if (op->opc != IR_ADD && op->opc != IR_SUB && op->opc != IR_AND && op->opc != IR_OR &&
            op->opc != IR_XOR)
            continue;
        int g = dep->d, a = op->a, c = op->b;
        if (ext8_of(x, b, def_at, a, j) != g) {
            if (!commutative || ext8_of(x, b, def_at, c, j) != g)
                continue;
            a = op->b, c = op->a; /* g's byte is the second operand */
        }
        int h = -1;
        if (!(is_temp(c) && movi[c] && nwrites[c] == 1) && (h = ext8_of(x, b, def_at, c, j)) < 0)
            continue;
        if (is_temp(a))
            x->skip[def_at[a]] = 1;
        if (h >= 0 && is_temp(c))
            x->skip[def_at[c]] = 1;
        x->skip[i] = 1;
        x->byte_g[j] = (int8_t)g;
        x->byte_h[j] = (int8_t)h;
        x->byte_imm[j] = h < 0 ? (uint8_t)b->ops[def_at[c]].imm : 0;
        /* the op writes g now (greg_written), and nothing reads its temporary */
        x->alias[op->d] = (int8_t)g;
    }
}

/* Whether value v, read by op i, still holds the same value at op k. */
static int val_kept(const struct xc *x, const struct ir_block *b, const uint8_t *movi, int v, int i,
                    int k)
{
    int g = v < V_TEMP0 ? v : movi[v] ? -1 : x->alias[v];
    return g < 0 || !greg_written(x, b, g, i, k);
}

/*
 * A GETCC after a SETCC of the same block with no other flag write in
 * between is the TESTCC of that SETCC's kind and operands: a host compare
 * instead of a dispatch on cc_op, and no reading of the lazy state, so the
 * SETCC may still sink past it.  Only the forms tcc_pick() specializes.
 */
static void find_forwards(struct xc *x, const struct ir_block *b, const uint8_t *movi,
                          const int16_t *def)
{
    for (int g = 0; g < b->nops; g++) {
        const struct ir_op *op = &b->ops[g];
        x->fwd[g] = -1;
        if (op->opc != IR_GETCC)
            continue;
        int i;
        for (i = g - 1; i >= 0; i--) {
            uint16_t fl = ir_op_info[b->ops[i].opc].flags;
            if (fl & (IRF_WRITES_FLAGS | IRF_CALL | IRF_WRITES_CPU))
                break;
        }
        if (i < 0 || b->ops[i].opc != IR_SETCC || b->ops[i].aux)
            continue;
        const struct ir_op *si = &b->ops[i];
        int k = tcc_pick(si->imm, op->imm);
        int use_d = 0, use_a = 0, use_b = 0, src2 = 0;
        switch (k) {
        case TCC_GENERIC:
            continue;
        case TCC_ZERO:
            break;
        case TCC_DST_E: case TCC_DST_S: case TCC_DST_LE: /* (never a SUB's) */
            use_d = 1;
            break;
        case TCC_INC_B:
            use_b = 1;
            break;
        case TCC_ADD_B: { /* the carry of a sum: it is below either addend */
            const struct ir_op *dop =
                is_temp(si->d) && !movi[si->d] ? &b->ops[def[si->d]] : NULL;
            use_d = 1;
            /* (src1_recalc: the register holds the result already) */
            if (!x->src1_recalc[i] && val_kept(x, b, movi, si->a, i, g))
                use_a = 1;
            else if (dop && dop->opc == IR_ADD &&
                     ((dop->a == si->a && dop->b == si->b) || (dop->a == si->b && dop->b == si->a)))
                use_b = 1, src2 = 1;
            else
                continue;
            break;
        }
        default:
            use_a = use_b = 1;
            break;
        }
        if ((use_d && !val_kept(x, b, movi, si->d, i, g)) ||
            (use_a && (x->src1_recalc[i] || !val_kept(x, b, movi, si->a, i, g))) ||
            (use_b && !val_kept(x, b, movi, si->b, i, g)))
            continue;
        x->fwd[g] = (int16_t)i;
        x->fwd_src2[g] = (uint8_t)src2;
        const int used[3] = { use_d, use_a, use_b };
        const uint16_t vals[3] = { si->d, si->a, si->b };
        for (int v = 0; v < 3; v++)
            if (used[v] && is_temp(vals[v]) && !movi[vals[v]] && x->alias[vals[v]] < 0 &&
                g > x->last[vals[v]])
                x->last[vals[v]] = (uint16_t)g;
    }
}

/*
 * An INC or DEC keeps CF: its SETCC's src2 is a GETCC of CF, whose
 * dispatch on the lazy state (a loop counter's INC after the compare of
 * the block before) costs more than the INC.  When the SETCC sinks, that
 * value is needed only on the miss paths, where the state it reads is
 * still in the CPU: nothing between the GETCC and the SETCC writes the
 * flags or may fault or call, and no flag state of this block is pending
 * at the GETCC (a non-forwarded GETCC keeps an earlier SETCC from
 * sinking).  A later miss path finds the state an earlier one stored,
 * the INC's, whose CF is that same carry.  Returns the GETCC's index, or
 * -1.
 */
static int cf_only_for(const struct xc *x, const struct ir_block *b, const int16_t *def,
                       const uint8_t *movi, int i)
{
    const struct ir_op *op = &b->ops[i];
    int base = CC_BASE(op->imm & CC_KIND_MASK);
    if ((base != CCB_INC && base != CCB_DEC) || !is_temp(op->b) || movi[op->b] ||
        nreads[op->b] != 1 || nwrites[op->b] != 1 || op->b == op->a || op->b == op->d)
        return -1;
    int gi = def[op->b];
    if (gi < 0 || gi >= i || b->ops[gi].opc != IR_GETCC || b->ops[gi].imm != CC_B ||
        x->fwd[gi] >= 0)
        return -1;
    if (ops_flagged(b, gi + 1, i, IRF_READS_FLAGS | IRF_WRITES_FLAGS | IRF_MAY_FAULT | IRF_CALL |
                                      IRF_EXIT | IRF_WRITES_CPU))
        return -1;
    for (int g = i + 1; g < b->nops; g++)
        if (x->fwd[g] == i)
            return -1; /* a later GETCC reads the SETCC's src2 in a register */
    return gi;
}

/*
 * Flags nobody reads before the next full flag write still matter when an
 * access in between faults (the guest must see them) or misses the TLB
 * (the slow path may look).  Such a SETCC stores nothing inline: each miss
 * path of the accesses before the next SETCC stores it, from values kept
 * alive (or guest registers unchanged until then).  A source operand that
 * a later instruction overwrote is computed again from the result when the
 * result was its sum or difference; a logic op's sources no flag reads.
 * Anything else that could look at the lazy state keeps the store inline.
 */
static void find_sinks(struct xc *x, const struct ir_block *b)
{
    static uint8_t movi[IR_NVALUES];
    static int16_t def[IR_NVALUES];
    memset(movi, 0, sizeof(movi));
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        x->sink[i] = 0;
        x->cf_deferred[i] = 0;
        if (op->opc == IR_MOVI && is_temp(op->d))
            movi[op->d] = 1;
        if (ir_op_writes_d(op->opc) && is_temp(op->d))
            def[op->d] = (int16_t)i;
    }
    find_forwards(x, b, movi, def);
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        if (op->opc != IR_SETCC || op->aux)
            continue;
        int j, ok = 1, maxk = -1;
        for (j = i + 1; j < b->nops; j++) {
            const struct ir_op *o = &b->ops[j];
            if (o->opc == IR_SETCC && !o->aux)
                break;
            if (x->loop_sink && o->opc == IR_EXITCC && o->imm == b->eip) {
                /* the loop's way round (its flags dead at the start) or
                 * out, which stores them (emit_loop_round, IR_EXITCC) */
                maxk = j;
                break;
            }
            uint16_t fl = ir_op_info[o->opc].flags;
            if ((o->opc >= IR_LD8 && o->opc <= IR_ST32) || o->opc == IR_BRANCH) {
                /* They read the flags only as a fault would, which the miss
                 * path stores, or on a side exit's taken path (emit_branch). */
                maxk = j;
                continue;
            }
            if (o->opc == IR_GETCC && x->fwd[j] >= 0)
                continue;
            if ((fl & (IRF_READS_FLAGS | IRF_WRITES_FLAGS | IRF_CALL | IRF_EXIT | IRF_READS_CPU |
                       IRF_WRITES_CPU | IRF_MAY_FAULT))) {
                ok = 0;
                break;
            }
        }
        if (!ok || j >= b->nops || maxk < 0)
            continue;
        /* Which of d, a, b are still there at the last access. */
        int have[3];
        const uint16_t vals[3] = { op->d, op->a, op->b };
        for (int v = 0; v < 3; v++) {
            int val = vals[v];
            int g = val < V_TEMP0 ? val : movi[val] ? -1 : x->alias[val];
            have[v] = g < 0 || !greg_written(x, b, g, i, maxk);
        }
        if (x->src1_recalc[i])
            have[1] = 0; /* overwritten already, before the SETCC */
        int ra = SRC_VAL, rb = SRC_VAL;
        int logic = CC_BASE(op->imm & CC_KIND_MASK) == CCB_LOGIC;
        int no_dst = CC_BASE(op->imm & CC_KIND_MASK) == CCB_SUB; /* (cpu/flags.h) */
        /* (a SUB's d may name its src1: ir_optimize() drops a result only it read) */
        const struct ir_op *dop =
            is_temp(op->d) && !movi[op->d] && op->d != op->a ? &b->ops[def[op->d]] : NULL;
        if (dop && ir_greg_set(b, op->a, def[op->d], i))
            dop = NULL; /* src1 is not what the result was computed from */
        if (!have[2])
            rb = logic && have[0] ? SRC_DST : SRC_INLINE;
        if (!have[1]) {
            if (!have[0])
                ra = SRC_INLINE;
            else if (logic)
                ra = SRC_DST;
            else if (dop && dop->opc == IR_ADDI && dop->a == op->a)
                ra = SRC_DST_MINUS_IMM, x->sink_imm[i] = dop->imm;
            else if (dop && dop->opc == IR_ADD && dop->a == op->a && dop->b == op->b && have[2])
                ra = SRC_DST_MINUS_B;
            else if (dop && dop->opc == IR_SUB && dop->a == op->a && dop->b == op->b && have[2])
                ra = SRC_DST_PLUS_B;
            else
                ra = SRC_INLINE;
        }
        if (x->src1_recalc[i] == SRC_EARLY)
            ra = SRC_EARLY; /* stored already */
        if (x->src1_recalc[i] && ra == SRC_INLINE)
            continue; /* no old src1 to store inline: all of it stays at the op */
        int gi = rb == SRC_VAL ? cf_only_for(x, b, def, movi, i) : -1;
        if (gi >= 0) {
            rb = SRC_CF_CALL; /* the GETCC runs on the miss paths alone */
            x->cf_deferred[gi] = 1;
        }
        x->sink[i] = (uint8_t)(1 | ra << 1 | rb << 4 | (have[0] ? 0 : SINK_DST_INLINE));
        for (int v = 0; v < 3; v++) {
            int val = vals[v];
            int used = (v == 0 && have[0] && (!no_dst || (ra != SRC_VAL && ra != SRC_INLINE))) ||
                       (v == 1 && ra == SRC_VAL && cc_stores_src1(op->imm & CC_KIND_MASK)) ||
                       (v == 2 && ((rb == SRC_VAL && cc_stores_src2(op->imm & CC_KIND_MASK)) ||
                                   ra == SRC_DST_MINUS_B || ra == SRC_DST_PLUS_B));
            if (used && is_temp(val) && !movi[val] && x->alias[val] < 0 && maxk > x->last[val])
                x->last[val] = (uint16_t)maxk;
        }
    }
}

/* The next op that is not a NOP after i, or -1. */
static int next_op(const struct ir_block *b, int i)
{
    for (int j = i + 1; j < b->nops; j++)
        if (b->ops[j].opc != IR_NOP)
            return j;
    return -1;
}

/* A memory op's address as guest register + displacement: the register, or -1. */
static int base_disp(const struct xc *x, const struct ir_block *b, const int16_t *def, int v,
                     int32_t *d, int *at)
{
    if (v < V_TEMP0) {
        *d = 0;
        *at = -1;
        return v;
    }
    if (!is_temp(v) || def[v] < 0)
        return -1;
    const struct ir_op *dop = &b->ops[def[v]];
    if (dop->opc != IR_ADDI || dop->a >= V_TEMP0 || x->skip[def[v]])
        return -1;
    *d = (int32_t)dop->imm;
    *at = def[v];
    return dop->a;
}

/* Whether op adds a constant to value `from` (ADDI, or ADD or SUB of a
 * temporary that one MOVI defined: def[] as find_tlb_groups keeps it): *c. */
static int adds_const(const struct ir_block *b, const int16_t *def, const struct ir_op *op, int from,
                      int32_t *c)
{
    if (op->opc == IR_ADDI && op->a == from) {
        *c = (int32_t)op->imm;
        return 1;
    }
    if ((op->opc == IR_ADD || op->opc == IR_SUB) && op->a == from && is_temp(op->b) &&
        def[op->b] >= 0 && b->ops[def[op->b]].opc == IR_MOVI && nwrites[op->b] == 1) {
        uint32_t k = b->ops[def[op->b]].imm;
        *c = (int32_t)(op->opc == IR_ADD ? k : 0u - k);
        return 1;
    }
    return 0;
}

/*
 * Whether every write to guest register g from op `from` up to (not
 * including) op `to` adds a constant to it: a push's or pop's ESP, written
 * from a temporary that is ESP + c (or that temporary computed straight
 * into it).  *delta = g's value before `to` minus its value before `from`,
 * modulo 2^32.
 */
static int greg_delta(const struct xc *x, const struct ir_block *b, const int16_t *def, int g,
                      int from, int to, int32_t *delta)
{
    /* (modulo 2^32, as the registers wrap: unsigned) */
    static uint32_t tdelta[IR_NVALUES];
    static uint16_t tknown[IR_NVALUES], gen; /* tdelta[t] holds when tknown[t] == gen */
    uint32_t cur = 0;
    int32_t c;
    if (++gen == 0) {
        memset(tknown, 0, sizeof(tknown));
        gen = 1;
    }
    for (int m = from; m < to; m++) {
        const struct ir_op *op = &b->ops[m];
        if (!ir_op_writes_d(op->opc) || x->skip[m])
            continue;
        if (op->d == g) {
            if (adds_const(b, def, op, g, &c))
                cur += (uint32_t)c;
            else if (op->opc == IR_MOV && is_temp(op->a) && tknown[op->a] == gen)
                cur = tdelta[op->a];
            else
                return 0;
        } else if (is_temp(op->d)) {
            if (adds_const(b, def, op, g, &c)) {
                tdelta[op->d] = cur + (uint32_t)c;
                tknown[op->d] = gen;
                if (x->alias[op->d] == g)
                    cur += (uint32_t)c; /* computed straight into g */
            } else {
                tknown[op->d] = 0;
                if (x->alias[op->d] == g)
                    return 0;
            }
        }
    }
    *delta = (int32_t)cur;
    return 1;
}

/* No temporary of block b defined yet: def[t] = -1. */
static void clear_defs(int16_t *def, const struct ir_block *b)
{
    uint32_t nvals = V_TEMP0 + b->ntemps;
    if (nvals > IR_NVALUES)
        nvals = IR_NVALUES;
    for (uint32_t v = 0; v < nvals; v++)
        def[v] = -1;
}

/*
 * TLB groups: loads (or stores) of one kind through one guest register,
 * unchanged between them, at displacements within 64 bytes: a stack
 * frame's slots.  The first access probes the TLB for the group's whole
 * span at once (a span across a page boundary misses, and the group goes
 * the slow way) and keeps the page's host addend in the frame; the others
 * only load it.  The TLB is a cache: a hit once means a translation the
 * guest may use until it flushes, which only a helper call (IRF_CALL) can
 * do inside a block, and those end every group.  After a miss the slot
 * holds 0, and the others take their own slow paths.  A load of bytes
 * the group's stores wrote before it (a spill's reload) joins a group of
 * stores: a hit for writing is one for reading (softmmu/tlb.c gives the
 * read tag a subset of the write tag's flags), and such a page is RAM.
 */
#define TLBG_SPAN 64
static void find_tlb_groups(struct xc *x, const struct ir_block *b)
{
    static int16_t def[IR_NVALUES];
    struct { int reg, store, mmu, lead, from, wlo, whi; } g[NTLBG];
    int ng = 0, nopen = 0, members[NTLBG] = { 0 };
    clear_defs(def, b);
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        x->tlbg[i] = -1;
        x->tlbg_lead[i] = 0;
        x->tlbg_moved[i] = 0;
        if (ir_op_info[op->opc].flags & (IRF_CALL | IRF_EXIT))
            nopen = ng; /* no group goes on past a helper */
        if (ir_op_writes_d(op->opc) && is_temp(op->d))
            def[op->d] = (int16_t)i;
        int store = op->opc >= IR_ST8 && op->opc <= IR_ST32;
        if (!store && !(op->opc >= IR_LD8 && op->opc <= IR_LD32))
            continue;
        if (vconst(x, op->a))
            continue;
        int32_t d;
        int at, size = store ? 1 << (op->opc - IR_ST8) : 1 << (op->opc - IR_LD8);
        int reg = base_disp(x, b, def, op->a, &d, &at);
        /* A frame's displacements are small; a huge one (random code's
         * [ebx+0x7ffffffe]) would overflow the span's arithmetic. */
        if (reg < 0 || d > (1 << 24) || d < -(1 << 24))
            continue;
        /* From the op that computed the address (or the access itself)
         * on, the register must keep its value: an ADDI computed straight
         * into it (LEA ESP, [ESP-4]) or a load into it (MOV ECX, [ECX])
         * changes it there.  greg_written() looks strictly inside. */
        int from = (at >= 0 ? at : i) - 1;
        int k;
        for (k = nopen; k < ng; k++) {
            if (g[k].reg != reg || g[k].mmu != (int)op->aux)
                continue;
            int first = from < g[k].from ? from : g[k].from;
            int32_t dd = d, delta;
            int moved = 0;
            if (greg_written(x, b, reg, first, i)) {
                /* the register moved since the group's first access (a
                 * push after a push): by a known amount, up to where this
                 * one's address was taken, or no join */
                int taken = at >= 0 ? at : i;
                if (taken <= g[k].lead || !greg_delta(x, b, def, reg, g[k].from + 1, taken, &delta) ||
                    delta > (1 << 24) || delta < -(1 << 24))
                    continue;
                dd = d + delta;
                moved = 1;
                first = g[k].from;
            }
            if (g[k].store != store && (store || dd < g[k].wlo || dd + size > g[k].whi))
                continue; /* a load joins a group of stores only to reload what they wrote */
            int lo = dd < x->tlbg_lo[k] ? dd : x->tlbg_lo[k];
            int hi = dd + size > x->tlbg_hi[k] ? dd + size : x->tlbg_hi[k];
            if (hi - lo > TLBG_SPAN)
                continue;
            d = dd;
            x->tlbg_moved[i] = (uint8_t)moved;
            x->tlbg_lo[k] = lo;
            x->tlbg_hi[k] = hi;
            g[k].from = first;
            x->tlbg[i] = (int8_t)k;
            members[k]++;
            if (store) {
                g[k].wlo = d < g[k].wlo ? d : g[k].wlo;
                g[k].whi = d + size > g[k].whi ? d + size : g[k].whi;
            }
            break;
        }
        if (k == ng && ng < NTLBG && !greg_written(x, b, reg, from, i)) {
            g[ng] = (typeof(g[0])){ reg, store, (int)op->aux, i, from, d, d + size };
            x->tlbg_reg[ng] = reg;
            x->tlbg_lo[ng] = d;
            x->tlbg_hi[ng] = d + size;
            x->tlbg[i] = (int8_t)ng;
            x->tlbg_lead[i] = 1;
            ng++;
        }
    }
    /* A group of one is a plain access. */
    for (int k = 0; k < ng; k++)
        if (!members[k])
            x->tlbg[g[k].lead] = -1, x->tlbg_lead[g[k].lead] = 0;
    /* A hit on the group's page covers its span without a 32-bit wrap (a
     * wrapped span's two ends index different TLB entries), so an access
     * adds register and displacement in 64 bits: the first one too, whose
     * probe reads the register itself. */
    clear_defs(def, b);
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        x->tlbg_fold[i] = 0;
        if (x->tlbg[i] >= 0 && !x->tlbg_moved[i] && is_temp(op->a) && def[op->a] >= 0 &&
            x->last[op->a] == i && x->alias[op->a] < 0 && !vconst(x, op->a)) {
            const struct ir_op *dop = &b->ops[def[op->a]];
            /* the address's one reader: not another access, nor this
             * store's value */
            if (nreads[op->a] == 1 && nwrites[op->a] == 1 && dop->opc == IR_ADDI &&
                dop->a == x->tlbg_reg[x->tlbg[i]] && !x->skip[def[op->a]]) {
                x->skip[def[op->a]] = 1;
                x->home[op->a] = -1;
                x->tlbg_fold[i] = 1;
                x->tlbg_disp[i] = (int32_t)dop->imm;
            }
        }
        if (ir_op_writes_d(op->opc) && is_temp(op->d))
            def[op->d] = (int16_t)i;
    }
}

/*
 * Loads whose address is computed from a loaded value, in this block or in
 * an earlier round of it (a guest register the block writes with one): a
 * pointer chase, a table lookup, a field of a node just reached.  Only
 * their latency gains from a guess of the host addend (emit_tlb_probe),
 * which costs two instructions; a loop's induction variable does not wait.
 */
static void find_late_loads(struct xc *x, const struct ir_block *b, uint32_t nvals)
{
    static uint8_t taint[IR_NVALUES];
    unsigned entry = 0; /* guest registers loaded values reach: by the second pass */
    if (!b->mem_hint)
        return; /* (no guess to make: late[] is not read) */
    for (int pass = 0; pass < 2; pass++) {
        memset(taint, 0, nvals);
        for (int g = 0; g < V_TEMP0; g++)
            taint[g] = (uint8_t)(entry >> g & 1);
        for (int i = 0; i < b->nops; i++) {
            const struct ir_op *op = &b->ops[i];
            const uint16_t *fld[4] = { &op->d, &op->a, &op->b, &op->c };
            int load = op->opc >= IR_LD8 && op->opc <= IR_LD32;
            x->late[i] = (uint8_t)(load && op->a < nvals && taint[op->a]);
            if (!ir_op_writes_d(op->opc) || op->d >= nvals)
                continue;
            int t = load;
            for (int k = 1; k < 4; k++)
                if (op_reads(op, 1 << k) && *fld[k] < nvals && taint[*fld[k]])
                    t = 1;
            taint[op->d] = (uint8_t)t;
            if (t && op->d < V_TEMP0)
                entry |= 1u << op->d;
        }
    }
}

/* Accesses outside TLB groups whose addresses ir_value_range() keeps in one page. */
static void find_known_pages(struct xc *x, const struct ir_block *b)
{
    static int16_t def[IR_NVALUES];
    clear_defs(def, b);
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        int store = op->opc >= IR_ST8 && op->opc <= IR_ST32;
        uint32_t lo, hi;
        x->kpage[i] = 0;
        if ((store || (op->opc >= IR_LD8 && op->opc <= IR_LD32)) && x->tlbg[i] < 0 &&
            !vconst(x, op->a) && ir_value_range(b, def, op->a, i, &lo, &hi)) {
            uint32_t last = store ? (1u << (op->opc - IR_ST8)) - 1 : (1u << (op->opc - IR_LD8)) - 1;
            if (hi <= UINT32_MAX - last && (lo & PAGE_MASK) == ((hi + last) & PAGE_MASK)) {
                x->kpage[i] = 1;
                x->kpage_va[i] = lo;
            }
        }
        if (ir_op_writes_d(op->opc) && is_temp(op->d))
            def[op->d] = (int16_t)i;
    }
}

/*
 * The chain entry, where chained exits and the jump cache come in:
 * tb_chain_enter() in one compare (cpu->chain_limit is the budget, or 0
 * once an exit is requested), then the block's length charged to rbx.
 * Refused, the block leaves at once with its own EIP, unentered.
 */
/* tb_chain_enter()'s checks and the charge, in the fast code; the cold
 * code at `refuse` leaves for the run loop instead. */
static void emit_entry_checks(struct xc *x, size_t refuse)
{
    struct xbuf *f = &x->f;
    emit_alu_mr64(f, XALU_CMP, CPUF(chain_limit), X_ENTERED);
    fix_add(x, emit_jcc32(f, XCC_LE), refuse, 0);
    if (backend_count_blocks) {
        emit_tb_addr(x, f, X_RAX, 0);
        emit_inc_m64(f, xmem_bd(X_RAX, (int32_t)offsetof(struct tb, exec_count)));
    }
    emit_alu_ri64(f, XALU_ADD, X_ENTERED, x->b->ninsns);
}

static void emit_chain_entry(struct xc *x)
{
    struct xbuf *c = &x->c;
    size_t refuse = xbuf_len(c);
    emit_store_i32(c, CPUF(eip), x->b->eip);
    emit_leave(x, c, -1);
    emit_entry_checks(x, refuse);
    x->pro_len = (uint32_t)xbuf_len(&x->f);
}

/*
 * Whether block b loops on itself through its final conditional exit with
 * its flags dead at its start: the first op that could see them is a full
 * SETCC, with nothing before it that may call out, leave or read the
 * CPU's state.  The flags of its last compare then need to reach memory
 * only on the way out: the exit's other side, and a round the chain
 * entry's checks refuse, which the way round makes on its own
 * (emit_loop_round).  Not when the compare feeds the exit's own test
 * through memory (no fused compare).  Memory accesses before that SETCC
 * may fault or miss with the previous round's compare pending: *pre is
 * the SETCC's index when there are any (the way round copies them), else
 * -1.
 */
static int loop_flags_dead(const struct ir_block *b, int *pre)
{
    int last = b->nops - 1, access = 0;
    *pre = -1;
    while (last >= 0 && b->ops[last].opc == IR_NOP)
        last--;
    if (last < 0 || !may_chain(b) || b->ops[last].opc != IR_EXITCC || b->ops[last].imm != b->eip)
        return 0;
    for (int i = 0; i < last; i++) {
        const struct ir_op *op = &b->ops[i];
        if (op->opc == IR_SETCC && !op->aux) {
            if (access)
                *pre = i;
            return 1;
        }
        if (op->opc >= IR_LD8 && op->opc <= IR_ST32) {
            access = 1;
            continue;
        }
        if (ir_op_info[op->opc].flags & (IRF_READS_FLAGS | IRF_WRITES_FLAGS | IRF_CALL | IRF_EXIT |
                                         IRF_READS_CPU | IRF_WRITES_CPU | IRF_MAY_FAULT))
            return 0;
    }
    return 0;
}

/* What emitting an op changes and a later op's code relies on. */
struct emit_state {
    int owner[16];
    int16_t home[IR_NVALUES];
    int pending, mul_hi, ov_sub, fused_cc, hint_fix;
    int rax_grp, hf_alu, hf_val, hf_a, hf_b;
    int rax_live, hf_live; /* rax_pos, hf_pos: where the fast code ends */
    size_t ov_pos;
};

static void state_save(const struct xc *x, struct emit_state *st)
{
    size_t end = xbuf_len(&x->f);
    memcpy(st->owner, x->owner, sizeof(st->owner));
    memcpy(st->home, x->home, sizeof(st->home));
    st->pending = x->pending, st->mul_hi = x->mul_hi, st->ov_sub = x->ov_sub;
    st->fused_cc = x->fused_cc, st->hint_fix = x->hint_fix, st->ov_pos = x->ov_pos;
    st->rax_grp = x->rax_grp, st->rax_live = x->rax_grp >= 0 && x->rax_pos == end;
    st->hf_live = x->hf_pos == end;
    st->hf_alu = x->hf_alu, st->hf_val = x->hf_val, st->hf_a = x->hf_a, st->hf_b = x->hf_b;
}

/* Back to st, as if the fast code ended here when st was saved. */
static void state_load(struct xc *x, const struct emit_state *st)
{
    size_t end = xbuf_len(&x->f);
    memcpy(x->owner, st->owner, sizeof(st->owner));
    memcpy(x->home, st->home, sizeof(st->home));
    x->pending = st->pending, x->mul_hi = st->mul_hi, x->ov_sub = st->ov_sub;
    x->fused_cc = st->fused_cc, x->hint_fix = st->hint_fix, x->ov_pos = st->ov_pos;
    x->rax_grp = st->rax_grp, x->rax_pos = st->rax_live ? end : (size_t)-1;
    x->hf_pos = st->hf_live ? end : (size_t)-1;
    x->hf_alu = st->hf_alu, x->hf_val = st->hf_val, x->hf_a = st->hf_a, x->hf_b = st->hf_b;
}

/* Whether code emitted for state b may go on where code for state a was
 * emitted: the same registers hold the same temporaries, and what a holds
 * in rax and the host flags b does too. */
static int state_joins(const struct emit_state *a, const struct emit_state *b)
{
    if (memcmp(a->owner, b->owner, sizeof(a->owner)) || memcmp(a->home, b->home, sizeof(a->home)) ||
        a->mul_hi != b->mul_hi || a->ov_sub >= 0 || b->ov_sub >= 0 || a->fused_cc != b->fused_cc ||
        a->hint_fix != b->hint_fix)
        return 0;
    if (a->rax_live && (!b->rax_live || a->rax_grp != b->rax_grp))
        return 0;
    return !a->hf_live || (b->hf_live && a->hf_alu == b->hf_alu && a->hf_val == b->hf_val &&
                           a->hf_a == b->hf_a && a->hf_b == b->hf_b);
}

static struct emit_state body_state, pre_state;

/* Whether value v is still where it was at the miss path of access k, the
 * last before loop_pre, when the ops before it run again (the miss comes
 * before the access's own result). */
static int survives_prefix(const struct xc *x, int v, int k)
{
    if (vconst(x, v))
        return 1;
    int g = v < V_TEMP0 ? v : x->alias[v];
    return g >= 0 && !greg_written(x, x->b, g, -1, k);
}

/* The fields (PF_*) of sunk SETCC op that the miss paths of the accesses
 * before loop_pre can still store when those ops run again; -1 when they
 * cannot store it at all. */
static int prefix_keeps(const struct xc *x, const struct ir_op *op)
{
    int k = 0;
    for (int i = 0; i < x->loop_pre; i++)
        if (x->b->ops[i].opc >= IR_LD8 && x->b->ops[i].opc <= IR_ST32)
            k = i;
    int how = x->sink[op - x->b->ops];
    int ra = (how >> 1) & 7, rb = (how >> 4) & 7;
    if (rb == SRC_CF_CALL)
        return -1;
    int d = survives_prefix(x, op->d, k), a = survives_prefix(x, op->a, k);
    int b = survives_prefix(x, op->b, k);
    int keep = PF_OP | (d ? PF_DST : 0);
    if (ra == SRC_VAL ? a : ra == SRC_DST || ra == SRC_DST_MINUS_IMM ? d :
        ra == SRC_DST_MINUS_B || ra == SRC_DST_PLUS_B ? d && b : 1)
        keep |= PF_SRC1;
    if (rb == SRC_VAL ? b : rb == SRC_DST ? d : 1)
        keep |= PF_SRC2;
    return keep;
}

static void emit_body_op(struct xc *x, int i);

/*
 * The copy of the ops before loop_pre for the way round, entered with the
 * last compare pending: the fields of it the copy would overwrite are
 * stored first, its miss paths store the rest, and it goes on in the body
 * at loop_pre.  Returns 0, having emitted nothing, when the copy cannot go
 * on there (its registers would differ) or cannot store the compare.
 */
static int emit_loop_copy(struct xc *x)
{
    struct xbuf *f = &x->f, *c = &x->c;
    const struct ir_op *l = &x->b->ops[x->pending];
    int keep = prefix_keeps(x, l);
    if (keep < 0)
        return 0;
    for (int i = 0, early = 0; i < x->loop_pre; i++) {
        const struct ir_op *op = &x->b->ops[i];
        early |= x->early_g[i] >= 0;
        if (early && op->opc >= IR_LD8 && op->opc <= IR_ST32)
            return 0; /* its miss path would store over the early cc_src1 */
    }
    static struct emit_state end_state, copy_state;
    uint8_t *fp = f->p, *cp = c->p;
    int nfix = x->nfix, ntbfix = x->ntbfix, cur = x->cur;
    size_t ret_stub = x->ret_stub;
    int f_over = f->overflow, c_over = c->overflow;
    state_save(x, &end_state);
    x->pend_mask = PF_ALL & ~keep;
    emit_setcc_stores(x, f, l, 0);
    state_load(x, &body_state);
    x->pending = (int)(l - x->b->ops);
    x->pend_mask = keep;
    x->copying = 1;
    for (int i = 0; i < x->loop_pre; i++)
        emit_body_op(x, i);
    x->copying = 0;
    x->pend_mask = PF_ALL;
    state_save(x, &copy_state);
    int ok = state_joins(&pre_state, &copy_state) && !f->overflow && !c->overflow;
    if (ok) {
        emit_patch_rel32(f, emit_jmp32(f), x->pre_off);
    } else {
        f->p = fp, c->p = cp;
        x->nfix = nfix, x->ntbfix = ntbfix, x->ret_stub = ret_stub;
        f->overflow = f_over, c->overflow = c_over;
    }
    state_load(x, &end_state);
    x->pending = end_state.pending;
    x->cur = cur;
    return ok;
}

/*
 * The way round of a loop_sink block whose last compare is pending: the
 * chain entry's checks again, whose refusal stores the compare's flags
 * before it leaves, then back to the body (through a copy of its accesses
 * before its first compare, with loop_pre).
 */
static void emit_loop_round(struct xc *x)
{
    struct xbuf *f = &x->f, *c = &x->c;
    size_t refuse = xbuf_len(c);
    emit_setcc_stores(x, c, &x->b->ops[x->pending], 0);
    emit_store_i32(c, CPUF(eip), x->b->eip);
    emit_leave(x, c, -1);
    emit_entry_checks(x, refuse);
    if (x->loop_pre >= 0 && emit_loop_copy(x))
        return;
    if (x->loop_pre >= 0)
        emit_setcc_stores(x, f, &x->b->ops[x->pending], 0); /* the accesses see them */
    emit_patch_rel32(f, emit_jmp32(f), x->pro_len);
}

/* Op i of the block into the fast code (and its miss into the cold). */
static void emit_body_op(struct xc *x, int i)
{
    const struct ir_block *b = x->b;
    const struct ir_op *op = &b->ops[i];
    if (op->opc == IR_NOP)
        return;
    x->cur = i;
    if (!x->copying && op->insn < b->ninsns && x->insn_off[op->insn] == UINT32_MAX)
        x->insn_off[op->insn] = (uint32_t)xbuf_len(&x->f);
    if (x->early_g[i] >= 0) /* src1_early() */
        emit_store32(&x->f, CPUF(cc_src1), greg[x->early_g[i]]);
    if (op->opc == IR_TESTCC && is_temp(op->d)) {
        int j = next_op(b, i);
        if (j >= 0 && (b->ops[j].opc == IR_EXITCC || b->ops[j].opc == IR_BRANCH) &&
            b->ops[j].a == op->d && x->last[op->d] == j) {
            int cc = emit_testcc_cmp(x, op);
            if (cc >= 0) {
                x->fused_cc = cc;
                free_dead(x);
                return;
            }
        }
    }
    free_dead(x);
    if (op->opc == IR_MOVI && is_temp(op->d)) {
        x->is_const[op->d] = 1;
        x->cval[op->d] = op->imm;
        return;
    }
    if (x->skip[i])
        return;
    if (x->byte_g[i] >= 0 && op->opc == IR_DEP8L) {
        emit_mov_rr8(&x->f, greg[x->byte_g[i]], greg[x->byte_h[i]]);
        return;
    }
    if (x->byte_g[i] >= 0) {
        int alu = op->opc == IR_ADD ? XALU_ADD : op->opc == IR_SUB ? XALU_SUB :
                  op->opc == IR_AND ? XALU_AND : op->opc == IR_OR ? XALU_OR : XALU_XOR;
        if (x->byte_h[i] >= 0)
            emit_alu_rr8(&x->f, alu, greg[x->byte_g[i]], greg[x->byte_h[i]]);
        else
            emit_alu_ri8(&x->f, alu, greg[x->byte_g[i]], x->byte_imm[i]);
        return;
    }
    if (op->opc == IR_SETCC) {
        /* flag stores keep the host flags (an unconditional SETCC that
         * computes no src1 here: emit_setcc_stores' sub or add) */
        int keep = x->hf_pos == xbuf_len(&x->f) && !op->aux &&
                   !(x->src1_recalc[i] && !x->sink[i] && x->src1_recalc[i] != SRC_DST_MINUS_IMM &&
                     x->src1_recalc[i] != SRC_EARLY);
        x->pending = -1;
        if (x->sink[i]) {
            emit_setcc_stores(x, &x->f, op, 1);
            x->pending = i;
        } else {
            emit_op(x, op);
        }
        if (keep)
            x->hf_pos = xbuf_len(&x->f);
        return;
    }
    if (x->cf_deferred[i])
        return; /* cf_only_for(): on the miss paths */
    if (ir_op_writes_d(op->opc) && is_temp(op->d) && x->alias[op->d] < 0)
        alloc_temp(x, op->d);
    emit_op(x, op);
}

/* Compile b into the scratch buffers; returns the total size with the header, 0 if too big. */
static size_t x64_translate(const struct ir_block *b)
{
    struct xc *x = &xc_state;
    x->b = b;
    x->f = (struct xbuf){ .p = fast_buf, .start = fast_buf, .end = fast_buf + BUF_SIZE };
    x->c = (struct xbuf){ .p = cold_buf, .start = cold_buf, .end = cold_buf + BUF_SIZE };
    x->nfix = 0;
    x->ntbfix = 0;
    x->fused_cc = -1;
    x->ret_stub = (size_t)-1;
    if (backend_host_bmi2 < 0)
        backend_host_bmi2 = __builtin_cpu_supports("bmi2") != 0;
    x->bmi2 = backend_host_bmi2;
    memset(x->owner, 0, sizeof(x->owner));
    uint32_t nvals = V_TEMP0 + b->ntemps;
    if (nvals > IR_NVALUES)
        nvals = IR_NVALUES;
    memset(x->last, 0, nvals * sizeof(x->last[0]));
    memset(x->is_const, 0, nvals);
    for (int i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        const uint16_t *fld[4] = { &op->d, &op->a, &op->b, &op->c };
        for (int k = 0; k < 4; k++)
            if (op_reads(op, 1 << k) && is_temp(*fld[k]))
                x->last[*fld[k]] = (uint16_t)i;
        if (ir_op_writes_d(op->opc) && is_temp(op->d) && x->last[op->d] < i)
            x->last[op->d] = (uint16_t)i;
    }
    find_aliases(x, b, nvals);
    count_uses(b, nvals);
    find_byteops(x, b, nvals);
    x->loop_sink = loop_flags_dead(b, &x->loop_pre);
    x->pend_mask = PF_ALL;
    x->copying = 0;
    find_sinks(x, b);
    find_tlb_groups(x, b);
    find_known_pages(x, b);
    find_late_loads(x, b, nvals);
    x->pending = -1;
    x->mul_hi = -1;
    x->ov_sub = -1;
    x->hf_pos = (size_t)-1;
    x->rax_grp = -1;
    x->hint_fix = 0;
    for (int s = 0; s < TB_NSLOTS; s++)
        x->slot_jmp[s] = x->slot_stub[s] = NO_SLOT;
    emit_chain_entry(x);
    for (int i = 0; i < b->ninsns; i++)
        x->insn_off[i] = UINT32_MAX;
    state_save(x, &body_state);
    for (int i = 0; i < b->nops; i++) {
        if (i == x->loop_pre) {
            state_save(x, &pre_state);
            x->pre_off = xbuf_len(&x->f);
        }
        emit_body_op(x, i);
    }
    /* Instructions with no op of their own start where the next one does. */
    uint32_t next = (uint32_t)xbuf_len(&x->f);
    for (int i = b->ninsns - 1; i >= 0; i--) {
        if (x->insn_off[i] == UINT32_MAX)
            x->insn_off[i] = next;
        next = x->insn_off[i];
    }
    if (x->f.overflow || x->c.overflow)
        return 0;
    return hdr_size(b->ninsns) + xbuf_len(&x->f) + xbuf_len(&x->c);
}

static void x64_fatal_size(const struct ir_block *b)
{
    fprintf(stderr, "bt86: x86_64 backend: block at 0x%08x does not fit its buffers\n", b->eip);
    abort();
}

static size_t x64_code_size(const struct ir_block *b)
{
    size_t n = x64_translate(b);
    if (!n)
        x64_fatal_size(b);
    cached.b = b;
    cached.eip = b->eip;
    cached.mem_hint = b->mem_hint;
    cached.nops = b->nops;
    cached.ninsns = b->ninsns;
    cached.size = n;
    memcpy(cached_ops, b->ops, (size_t)b->nops * sizeof(b->ops[0]));
    return n;
}

/* -perfmap (backend_perfmap): each block's guest address in /tmp/perf-PID.map. */
static void perf_map_add(const void *code, size_t len, uint32_t eip)
{
    static FILE *f;
    static int state; /* 0 unknown, 1 on, -1 off */
    if (!state) {
        state = backend_perfmap ? 1 : -1;
        if (state > 0) {
            char path[64];
            snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
            f = fopen(path, "w");
            if (!f)
                state = -1;
        }
    }
    if (state > 0) {
        fprintf(f, "%" PRIxPTR " %zx guest_%08x\n", (uintptr_t)code, len, eip);
        fflush(f);
    }
}

static const void *x64_compile(const struct ir_block *b, void *code, const void *exec,
                               const struct tb *tb)
{
    if (cached.b != b || cached.eip != b->eip || cached.mem_hint != b->mem_hint ||
        cached.nops != b->nops ||
        cached.ninsns != b->ninsns ||
        memcmp(cached_ops, b->ops, (size_t)b->nops * sizeof(b->ops[0])))
        x64_code_size(b);
    struct xc *x = &xc_state;
    size_t hs = hdr_size(b->ninsns), fl = xbuf_len(&x->f), cl = xbuf_len(&x->c);
    uint8_t *entry = (uint8_t *)code + hs;
    memcpy(entry, fast_buf, fl);
    memcpy(entry + fl, cold_buf, cl);
    for (int i = 0; i < x->nfix; i++) {
        const struct fixup *fx = &x->fix[i];
        size_t at = fx->in_cold ? fl + fx->at : fx->at;
        size_t target = fx->in_cold ? fx->target : fl + fx->target;
        uint32_t rel = (uint32_t)(target - (at + 4));
        memcpy(entry + at, &rel, 4);
    }
    for (int i = 0; i < x->ntbfix; i++) {
        const struct tbfix *fx = &x->tbfix[i];
        uint64_t a = (uint64_t)(uintptr_t)tb + (uint64_t)(int64_t)fx->addend;
        memcpy(entry + (fx->in_cold ? fl : 0) + fx->at, &a, 8);
    }
    struct x64_hdr *h = code;
    h->magic = X64_MAGIC;
    h->fast_len = (uint32_t)fl;
    h->cold_len = (uint32_t)cl;
    h->ninsns = (uint32_t)b->ninsns;
    h->pro_len = x->pro_len;
    for (int s = 0; s < TB_NSLOTS; s++) {
        uint32_t j = x->slot_jmp[s];
        h->slot_jmp[s] = j == NO_SLOT          ? NO_SLOT
                         : (j & SLOT_COLD) ? (uint32_t)fl + (j & ~SLOT_COLD)
                                           : j;
        h->slot_stub[s] = x->slot_stub[s] == NO_SLOT ? NO_SLOT : (uint32_t)fl + x->slot_stub[s];
    }
    memcpy(h->insn_off, x->insn_off, 4 * (size_t)b->ninsns);
    const uint8_t *run_at = (const uint8_t *)exec + hs;
    perf_map_add(run_at, fl + cl, b->eip);
    return run_at;
}

/* ---------------------------------------------------------------- entry */

/* The way in from C, once per process: save the callee-saved registers,
 * set the frame up and load the guest registers, then enter the block. */
static void x64_make_entry(void)
{
    size_t size = 4096;
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("bt86: x86_64 backend: mmap");
        exit(1);
    }
    struct xbuf b = { .p = p, .start = p, .end = p + size };
    emit_push(&b, X_RBX);
    emit_push(&b, X_RBP);
    emit_push(&b, X_R12);
    emit_push(&b, X_R13);
    emit_push(&b, X_R14);
    emit_push(&b, X_R15);
    emit_alu_ri64(&b, XALU_SUB, X_RSP, FRAME_SIZE);
    emit_mov_rr64(&b, X_RBP, X_RDI);
    for (int g = 0; g < 8; g++)
        emit_load32(&b, greg[g], GMEM(g));
    /* the run loop charged this block (tb_enter): into its body */
    emit_alu_rr32(&b, XALU_XOR, X_ENTERED, X_ENTERED);
    emit_jmp_r(&b, X_RDX);
    if (mprotect(p, size, PROT_READ | PROT_EXEC) != 0) {
        perror("bt86: x86_64 backend: mprotect");
        exit(1);
    }
    x64_entry = (x64_entry_fn)(void *)p;
}

static struct tb *x64_exec(struct cpu *cpu, struct tb *tb, int *slot)
{
    if (!x64_entry)
        x64_make_entry();
    if (!tb->invalid)
        cpu->tbs->jump_cache[tb_jc_slot(tb->pc)] = tb;
    const struct x64_hdr *h = hdr_of(tb);
    struct x64_ret r = x64_entry(cpu, tb, (const uint8_t *)tb->code + h->pro_len);
    *slot = r.slot;
    return r.tb;
}

/* Point exit `slot` of src at dst's chain entry, or back at its stub. */
static void x64_link(struct code_cache *cc, struct tb *src, int slot, struct tb *dst)
{
    const struct x64_hdr *h = hdr_of(src);
    if (h->slot_jmp[slot] == NO_SLOT)
        return; /* a loop on itself: never patched */
    const uint8_t *at = (const uint8_t *)src->code + h->slot_jmp[slot];
    const uint8_t *to = dst ? (const uint8_t *)dst->code : (const uint8_t *)src->code + h->slot_stub[slot];
    int64_t rel = to - (at + 4);
    if (rel != (int32_t)rel)
        return; /* beyond a rel32 (a huge -tb-size): the stub goes on leaving */
    int32_t r32 = (int32_t)rel;
    memcpy(code_cache_rw(cc, at), &r32, 4);
}


/* ---------------------------------------------------------------- dump */

static void dump_range(FILE *f, csh cs, const uint8_t *code, size_t len)
{
    cs_insn *insn;
    size_t n = cs_disasm(cs, code, len, (uint64_t)(uintptr_t)code, 0, &insn);
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  0x%012" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
        done += insn[i].size;
    }
    if (n)
        cs_free(insn, n);
    if (done < len)
        fprintf(f, "  0x%012" PRIxPTR ":  (%zu bytes Capstone does not decode)\n",
                (uintptr_t)(code + done), len - done);
}

/* The block's code header and a Capstone handle, or NULL (said on f). */
static const struct x64_hdr *dump_setup(FILE *f, const struct tb *tb, csh *csp)
{
    const uint8_t *entry = tb->code;
    const struct x64_hdr *h = (const void *)(entry - hdr_size((int)tb->ninsns));
    if (h->magic != X64_MAGIC || h->ninsns != tb->ninsns) {
        fprintf(f, "  (no x86_64 code header)\n");
        return NULL;
    }
    static csh cs;
    static int cs_ok;
    if (!cs_ok) {
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
            fprintf(f, "  (Capstone cannot disassemble x86-64)\n");
            return NULL;
        }
        cs_ok = 1;
    }
    *csp = cs;
    return h;
}

/* The inline code guest instruction i became (the out-of-line part is shared). */
static void x64_dump_insn(FILE *f, const struct tb *tb, int i)
{
    csh cs;
    const struct x64_hdr *h = dump_setup(f, tb, &cs);
    if (!h || i < 0 || (uint32_t)i >= h->ninsns)
        return;
    uint32_t from = h->insn_off[i], to = (uint32_t)i + 1 < h->ninsns ? h->insn_off[i + 1] : h->fast_len;
    if (to > from)
        dump_range(f, cs, (const uint8_t *)tb->code + from, to - from);
    else
        fprintf(f, "  (no code of its own: folded into the next instruction's)\n");
}

static void x64_dump(FILE *f, const struct tb *tb)
{
    csh cs;
    const struct x64_hdr *h = dump_setup(f, tb, &cs);
    if (!h)
        return;
    const uint8_t *entry = tb->code;
    if (h->pro_len) {
        fprintf(f, " -- chain entry: chained exits come in here, the run loop after it\n");
        dump_range(f, cs, entry, h->pro_len);
    }
    for (uint32_t i = 0; i < h->ninsns; i++) {
        fprintf(f, " -- guest 0x%08x\n", tb->insn_eip[i]);
        x64_dump_insn(f, tb, (int)i);
    }
    if (h->cold_len) {
        fprintf(f, " -- out of line: TLB misses, exits to the run loop\n");
        dump_range(f, cs, entry + h->fast_len, h->cold_len);
    }
}

const struct backend backend_x86_64 = {
    .name = "x86_64",
    .help = "native x86-64 code generator (x86-64 hosts)",
    .executable = 1,
    .code_size = x64_code_size,
    .compile = x64_compile,
    .exec = x64_exec,
    .link = x64_link,
    .flush = NULL, /* the jump cache is the block cache's, which empties it */
    .dump = x64_dump,
    .dump_insn = x64_dump_insn,
};
