/*
 * test_backend_x86_64.c - the native backend against the interpreter on
 * random IR blocks: every op but the calls out, many temporaries live at
 * once (so that some live in the frame, and across the C calls GETCC,
 * TESTCC and CCFLAGS make), constants, guest-register destinations,
 * loads and stores through a TLB entry that hits, and every exit form,
 * side exits (IR_BRANCH) among them.
 * Both backends run the same block on the same state; the registers, EIP,
 * the lazy flags, the exit slot and the memory must come out the same.
 */
#include "check.h"
#include "cpu/flags.h"
#include "monitor/insn_class.h"
#include "softmmu/tlb.h"
#include "translator/backend.h"
#include "translator/ir.h"
#include "translator/tbcache.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 0x5000u
/*
 * A second guest page for stack frames, right below the first, so that a
 * frame at the first one's start that pushes goes on into it (a TLB group
 * whose span crosses the boundary: each access probes its own page); and
 * where both are in one host buffer: apart, with unused bytes between, so
 * that an access through one page's host addend at the other page's
 * address lands in the buffer and shows in its comparison.
 */
#define PAGE2 0x4000u
#define HOST_PAGE 0x4000u
#define HOST_PAGE2 0x1000u
#define HOST_SIZE 0x5000u

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

static uint32_t rnd_val(void)
{
    switch (rnd() % 6) {
    case 0: return 0;
    case 1: return 0xffffffffu;
    case 2: return 0x80000000u;
    case 3: return rnd() & 0xff;
    case 4: return 0x7fff8000u + (rnd() & 0xffff);
    default: return rnd();
    }
}

/* A random value already defined: a guest register or a temporary. */
static uint16_t pick(uint16_t ntemps)
{
    if (ntemps == 0 || rnd() % 3 == 0)
        return (uint16_t)(rnd() % 8);
    return (uint16_t)(V_TEMP0 + rnd() % ntemps);
}

static int rnd_kind(void)
{
    return (int)(rnd() % CC_EFLAGS);
}

static void gen_block(struct ir_block *b, int *self_loop)
{
    /* with paging, a direct exit to another page (0x2000, 0x2800) goes
     * through the jump cache, never a link: side exits too */
    ir_block_init(b, 0x1000, HF_CODE32 | (rnd() % 4 == 0 ? HF_PG : 0));
    b->ninsns = 1;
    b->insns[0].eip = 0x1000;
    b->insns[0].len = 1;
    int n = 10 + (int)(rnd() % 120);
    uint16_t nt = 0;
    int frame = -1; /* a guest register that holds an address in the mapped page */
    int frame_moved = 0, frame_pushes = 0;
    static const int alu[] = {
        IR_MOV, IR_ADD, IR_SUB, IR_AND, IR_OR, IR_XOR, IR_SHL, IR_SHR, IR_SAR, IR_ROL, IR_ROR,
        IR_ADDI, IR_LEA, IR_IDX, IR_ANDI, IR_MUL, IR_MULHU, IR_MULHS, IR_NOT, IR_NEG, IR_EXT8U,
        IR_EXT8S, IR_EXT16U, IR_EXT16S, IR_HI8, IR_DEP8L, IR_DEP8H, IR_DEP16, IR_BSWAP,
        IR_SELECT, IR_SETEQ, IR_MOVI, IR_LDCPU,
    };
    int branched = 0;
    /* A loop on itself whose flags are dead at its start (a full SETCC
     * first): the backend stores its last compare's flags only on the way
     * out, and where a round is refused (here, every one: chain_limit 0) */
    *self_loop = rnd() % 4 == 0;
    if (*self_loop)
        ir_emit(b, IR_SETCC, pick(0), pick(0), pick(0), 0, (uint32_t)rnd_kind(), 0);
    for (int i = 0; i < n && b->nops < IR_MAX_OPS - 8 && nt < IR_MAX_TEMPS - 8; i++) {
        if (branched < IR_MAX_BRANCHES && i > 0 && rnd() % 24 == 0) {
            /* a side exit, taken or not, with the flags of an earlier
             * SETCC sunk into its taken path or stored; a compare fused
             * into it or a value; instructions to give back or none */
            uint16_t c = pick(nt);
            if (nt && rnd() % 2) {
                c = (uint16_t)(V_TEMP0 + nt++);
                ir_emit(b, IR_TESTCC, c, pick(nt - 1), pick(nt - 1), pick(nt - 1), rnd() % 16,
                        (uint32_t)rnd_kind());
            }
            if (rnd() % 4 == 0) {
                /* a side exit with no chain slot, as after a segment load */
                ir_emit_exit(b, IR_BRANCH, IR_EXIT_MONITOR, c, 0x2400,
                             IR_BRANCH_AUX(IR_BRANCH_NO_SLOT, rnd() % 3 ? rnd() % 20 : 0));
                continue;
            }
            ir_emit_exit(b, IR_BRANCH, IR_EXIT_COND, c, 0x2800 + 0x100 * branched,
                         IR_BRANCH_AUX(2 + branched, rnd() % 3 ? rnd() % 20 : 0));
            branched++;
            continue;
        }
        uint32_t k = rnd() % 23;
        if (k == 22) {
            /* one-operand MUL/IMUL: both halves of one product, into two
             * registers (g = low, h = high), as the frontend emits it */
            uint16_t g = (uint16_t)(rnd() % 8), h = (uint16_t)(rnd() % 8), src = (uint16_t)(rnd() % 8);
            if (g == frame)
                g = (uint16_t)((g + 1) % 8);
            if (h == frame || h == g)
                h = (uint16_t)((h + 1) % 8) == frame ? (uint16_t)((h + 2) % 8) : (uint16_t)((h + 1) % 8);
            if (h == g || h == frame)
                continue;
            uint16_t t0 = (uint16_t)(V_TEMP0 + nt), t1 = (uint16_t)(t0 + 1);
            nt += 2;
            if (rnd() % 2) {
                /* two-operand IMUL g, src (or g, imm): the low half, and
                 * its overflow as hi - (lo >> 31) in the flags, which a
                 * later access's miss path may store */
                uint16_t t2 = (uint16_t)(t0 + 2), t3 = (uint16_t)(t0 + 3), t4 = (uint16_t)(t0 + 4);
                uint16_t t5 = (uint16_t)(t0 + 5);
                nt += 4;
                if (rnd() % 3 == 0) {
                    ir_emit(b, IR_MOVI, t5, 0, 0, 0, rnd_val(), 0);
                    src = t5;
                } else {
                    ir_emit(b, IR_MOVI, t5, 0, 0, 0, 0, 0); /* every temporary defined */
                }
                ir_emit(b, IR_MUL, t0, g, src, 0, 0, 0);
                ir_emit(b, IR_MULHS, t1, g, src, 0, 0, 0);
                ir_emit(b, IR_MOVI, t2, 0, 0, 0, 31, 0);
                ir_emit(b, IR_SAR, t3, t0, t2, 0, 0, 0);
                ir_emit(b, IR_SUB, t4, t1, t3, 0, 0, 0);
                ir_emit(b, IR_MOV, g, t0, 0, 0, 0, 0);
                ir_emit(b, IR_SETCC, t0, t4, 0, 0, CC_KIND(CCB_IMUL, 2), 0);
                continue;
            }
            ir_emit(b, IR_MUL, t0, g, src, 0, 0, 0);
            ir_emit(b, rnd() % 2 ? IR_MULHU : IR_MULHS, t1, g, src, 0, 0, 0);
            ir_emit(b, IR_MOV, g, t0, 0, 0, 0, 0);
            ir_emit(b, IR_MOV, h, t1, 0, 0, 0, 0);
            continue;
        }
        if (k >= 20) {
            /* x86's own idioms, which the backend maps onto host forms: a
             * byte op on a register's low byte (xor cl, al; mov bl, cl;
             * xadd bl, al reads bl's byte twice), add reg, imm and inc reg
             * with the flags kept (src1 = result - imm), a shift of a
             * register with the flags kept (src1 stored before the shift) */
            uint16_t g = (uint16_t)(rnd() % 8), h = (uint16_t)(rnd() % 8);
            if (g == frame)
                g = (uint16_t)((g + 1) % 8);
            uint16_t t0 = (uint16_t)(V_TEMP0 + nt), t1 = (uint16_t)(t0 + 1), t2 = (uint16_t)(t0 + 2);
            nt += 3;
            if (k == 20) {
                static const int ops[] = { IR_ADD, IR_SUB, IR_AND, IR_OR, IR_XOR };
                ir_emit(b, IR_EXT8U, t0, g, 0, 0, 0, 0);
                if (rnd() % 3)
                    ir_emit(b, IR_EXT8U, t1, h, 0, 0, 0, 0);
                else
                    ir_emit(b, IR_MOVI, t1, 0, 0, 0, rnd() & 0xff, 0);
                if (rnd() % 3 == 0) { /* mov g8, h8 */
                    ir_emit(b, IR_DEP8L, g, g, t1, 0, 0, 0);
                    ir_emit(b, IR_MOVI, t2, 0, 0, 0, 0, 0); /* every temporary defined */
                    continue;
                }
                ir_emit(b, ops[rnd() % 5], t2, t0, t1, 0, 0, 0);
                if (rnd() % 3 == 0)
                    ir_emit(b, IR_SETCC, t2, t2, t0, t1, CC_KIND(CCB_LOGIC, 0), 0);
                if (rnd() % 3 == 0 && h != frame) /* xadd: h's byte = g's old one */
                    ir_emit(b, IR_DEP8L, h, h, t0, 0, 0, 0);
                ir_emit(b, IR_DEP8L, g, g, t2, 0, 0, 0);
            } else if (rnd() % 3 == 0) {
                static const int ops[] = { IR_SHL, IR_SHR, IR_SAR };
                int s = (int)(rnd() % 3);
                ir_emit(b, IR_MOVI, t1, 0, 0, 0, 1 + rnd() % 31, 0);
                ir_emit(b, ops[s], t0, g, t1, 0, 0, 0);
                ir_emit(b, IR_SETCC, t0, g, t1, 0, CC_KIND(CCB_SHL + s, 2), 0);
                ir_emit(b, IR_MOV, g, t0, 0, 0, 0, 0);
                if (rnd() % 2) /* the flags' carry read back */
                    ir_emit(b, IR_GETCC, t2, 0, 0, 0, CC_B, 0);
                else
                    ir_emit(b, IR_MOVI, t2, 0, 0, 0, 0, 0);
            } else {
                int inc = rnd() % 2;
                uint32_t imm = inc ? 1 : rnd_val();
                if (inc && rnd() % 2) /* INC keeps CF: its carry-in from the lazy state */
                    ir_emit(b, IR_GETCC, t1, 0, 0, 0, CC_B, 0);
                else
                    ir_emit(b, IR_MOVI, t1, 0, 0, 0, inc ? rnd() % 2 : imm, 0);
                if (inc || rnd() % 2)
                    ir_emit(b, IR_ADDI, t0, g, 0, 0, imm, 0);
                else
                    ir_emit(b, IR_ADD, t0, g, t1, 0, 0, 0);
                ir_emit(b, IR_SETCC, t0, g, t1, 0, CC_KIND(inc ? CCB_INC : CCB_ADD, 2), 0);
                ir_emit(b, IR_MOV, g, t0, 0, 0, 0, 0);
                if (rnd() % 2) /* the flags' carry read back */
                    ir_emit(b, IR_GETCC, t2, 0, 0, 0, CC_B, 0);
                else
                    ir_emit(b, IR_MOVI, t2, 0, 0, 0, 0, 0);
            }
            continue;
        }
        if (k < 12) {
            int opc = alu[rnd() % (sizeof(alu) / sizeof(alu[0]))];
            /* a fresh temporary, or now and then a guest register */
            uint16_t d = rnd() % 4 == 0 ? (uint16_t)(rnd() % 8) : (uint16_t)(V_TEMP0 + nt);
            if (d == frame)
                d = (uint16_t)(V_TEMP0 + nt);
            uint16_t a = pick(nt), bb = pick(nt), c = pick(nt);
            uint32_t imm = rnd_val(), aux = rnd_val();
            if (opc == IR_LEA || opc == IR_IDX)
                imm = rnd() % 6;
            if (opc == IR_LDCPU)
                imm = (uint32_t)offsetof(struct cpu, eflags);
            ir_emit(b, opc, d, a, bb, c, imm, aux);
            if (d >= V_TEMP0)
                nt++;
        } else if (k == 12) {
            ir_emit(b, IR_SETCC, pick(nt), pick(nt), pick(nt), pick(nt), (uint32_t)rnd_kind(),
                    rnd() % 2);
        } else if (k == 13) {
            ir_emit(b, IR_TESTCC, (uint16_t)(V_TEMP0 + nt), pick(nt), pick(nt), pick(nt),
                    rnd() % 16, (uint32_t)rnd_kind());
            nt++;
        } else if (k == 14) {
            ir_emit(b, IR_GETCC, (uint16_t)(V_TEMP0 + nt), 0, 0, 0, rnd() % 16, 0);
            nt++;
        } else if (k == 15) {
            ir_emit(b, IR_SETFL, 0, pick(nt), 0, pick(nt), rnd() & F_ARITH, rnd() % 2);
        } else if (k == 16 && rnd() % 2) {
            ir_emit(b, IR_CCFLAGS, (uint16_t)(V_TEMP0 + nt), pick(nt), pick(nt), pick(nt), 0,
                    (uint32_t)rnd_kind());
            nt++;
        } else if (k == 16) {
            /* a rotate's flags, as the frontend writes them: CF alone when the
             * count is not 1 (the backend then leaves OF out), else CF and OF */
            uint16_t t = (uint16_t)(V_TEMP0 + nt++);
            ir_emit(b, IR_CCFLAGS, t, pick(nt - 1), pick(nt - 1), pick(nt - 1), 0,
                    (uint32_t)CC_KIND(rnd() % 2 ? CCB_ROL : CCB_ROR, (int)(rnd() % 3)));
            ir_emit(b, IR_SETFL, 0, t, 0, pick(nt), rnd() % 2 ? F_CF : F_CF | F_OF, rnd() % 2);
        } else if (k == 17) {
            ir_emit(b, IR_STCPU, 0, pick(nt), 0, 0, (uint32_t)offsetof(struct cpu, cc_fix), 0);
        } else {
            /* an access in the one mapped page, at a computed or a constant address */
            uint16_t addr = (uint16_t)(V_TEMP0 + nt);
            int moved = 0;
            if (frame >= 0 && frame_pushes > 0 && rnd() % 3 == 0) {
                /* a push (frame -= 4 by ADDI, or SUB of a constant, the
                 * store, then the register moves) or a pop: TLB groups
                 * follow the register by what it moved */
                uint16_t t = (uint16_t)(V_TEMP0 + nt++);
                frame_pushes--;
                if (rnd() % 3 == 0) {
                    uint16_t d = (uint16_t)(V_TEMP0 + nt++);
                    ir_emit(b, IR_LD32, d, (uint16_t)frame, 0, 0, 0, 0);
                    ir_emit(b, IR_ADDI, t, (uint16_t)frame, 0, 0, 4, 0);
                    ir_emit(b, IR_MOV, (uint16_t)frame, t, 0, 0, 0, 0);
                    continue;
                }
                if (rnd() % 2) {
                    ir_emit(b, IR_ADDI, t, (uint16_t)frame, 0, 0, 0xfffffffcu, 0);
                } else {
                    uint16_t c = (uint16_t)(V_TEMP0 + nt++);
                    ir_emit(b, IR_MOVI, c, 0, 0, 0, 4, 0);
                    ir_emit(b, IR_SUB, t, (uint16_t)frame, c, 0, 0, 0);
                }
                ir_emit(b, IR_ST32, 0, t, pick(nt - 1), 0, 0, 0);
                ir_emit(b, IR_MOV, (uint16_t)frame, t, 0, 0, 0, 0);
                continue;
            }
            if (rnd() % 2 == 0) {
                /* a stack frame's slots: register + displacement, within 64
                 * bytes (the backend's TLB groups), the register now and then
                 * moved (a new group) */
                if (frame < 0 || rnd() % 6 == 0) {
                    uint32_t off = rnd() % 4 ? rnd() & 0xf00 : 0, page = rnd() % 2 ? PAGE : PAGE2;
                    frame = (int)(rnd() % 8);
                    frame_moved = 0;
                    /* 48 bytes down, at most, or 16 up: from PAGE's start into PAGE2 */
                    frame_pushes = off || page == PAGE ? 12 : 0;
                    ir_emit(b, IR_MOVI, (uint16_t)frame, 0, 0, 0, page + off, 0);
                } else if (rnd() % 5 == 0) {
                    /* the register loads itself from its frame, and points
                     * to the other page: mov ebp, [ebp+d] */
                    uint16_t t = (uint16_t)(V_TEMP0 + nt++);
                    uint16_t at = (uint16_t)frame; /* mov ebp, [ebp] */
                    uint32_t off = rnd() % 4 ? rnd() & 0xf00 : 0, page = rnd() % 2 ? PAGE : PAGE2;
                    frame_pushes = off || page == PAGE ? 12 : 0;
                    ir_emit(b, IR_MOVI, t, 0, 0, 0, page + off, 0);
                    if (rnd() % 2) { /* mov ebp, [ebp+d] */
                        at = (uint16_t)(V_TEMP0 + nt++);
                        ir_emit(b, IR_ADDI, at, (uint16_t)frame, 0, 0, rnd() % 61 & ~3u, 0);
                    }
                    ir_emit(b, IR_ST32, 0, at, t, 0, 0, 0);
                    ir_emit(b, IR_LD32, (uint16_t)frame, at, 0, 0, 0, 0);
                    frame_moved = 0;
                    addr = (uint16_t)(V_TEMP0 + nt);
                }
                if (rnd() % 4 == 0) {
                    addr = (uint16_t)frame;
                } else {
                    /* below the register too, where there is room: from
                     * PAGE's start, into PAGE2 */
                    uint32_t d = rnd() % 61;
                    if (frame_pushes >= 4 && rnd() % 3 == 0)
                        d -= 16;
                    ir_emit(b, IR_ADDI, addr, (uint16_t)frame, 0, 0, d, 0);
                    nt++;
                }
                /* now and then the register moves to the address, as LEA or
                 * ADD then a load through it: the backend computes the
                 * address straight into the register */
                moved = addr != frame && !frame_moved && rnd() % 4 == 0;
            } else if (rnd() % 3 == 0) {
                ir_emit(b, IR_MOVI, addr, 0, 0, 0, PAGE + (rnd() & 0xff0), 0);
                nt++;
            } else {
                ir_emit(b, IR_ANDI, addr, pick(nt), 0, 0, 0xff0, 0);
                ir_emit(b, IR_ADDI, (uint16_t)(addr + 1), addr, 0, 0, PAGE + (rnd() & 0xc), 0);
                addr++;
                nt += 2;
            }
            int size = (int)(rnd() % 3);
            if (k == 18) {
                uint16_t d = rnd() % 3 == 0 ? (uint16_t)(rnd() % 8) : (uint16_t)(V_TEMP0 + nt++);
                if (d == frame)
                    d = (uint16_t)(V_TEMP0 + nt++);
                ir_emit(b, IR_LD8 + size, d, addr, 0, 0, 0, 0);
            } else {
                ir_emit(b, IR_ST8 + size, 0, addr, pick(nt), 0, 0, 0);
            }
            if (moved) {
                ir_emit(b, IR_MOV, (uint16_t)frame, addr, 0, 0, 0, 0);
                frame_moved = 1; /* once: up to 60 + 64 bytes on, still in the page */
            }
        }
    }
    /* Fold every temporary into EAX: they all stay live until here. */
    if (rnd() % 2)
        for (uint16_t t = 0; t < nt; t++)
            ir_emit(b, IR_XOR, R_EAX, R_EAX, (uint16_t)(V_TEMP0 + t), 0, 0, 0);
    switch (rnd() % 4) {
    case 0:
        ir_emit_exit(b, IR_EXIT, IR_EXIT_JUMP, 0, 0x2000, 0);
        break;
    case 1:
        ir_emit_exit(b, IR_EXITCC, IR_EXIT_COND, pick(nt), *self_loop ? 0x1000 : 0x2000, 0x3000);
        break;
    case 2: {
        /* a compare fused into the branch */
        uint16_t t = (uint16_t)(V_TEMP0 + nt++);
        ir_emit(b, IR_TESTCC, t, pick(nt - 1), pick(nt - 1), pick(nt - 1), rnd() % 16,
                (uint32_t)rnd_kind());
        ir_emit_exit(b, IR_EXITCC, IR_EXIT_COND, t, *self_loop ? 0x1000 : 0x2000, 0x3000);
        break;
    }
    default: {
        /* an indirect JMP, CALL or RET: a CALL's return prediction entry
         * and a RET's lookup (which finds none) must change no state */
        static const uint8_t kinds[3] = { IR_EXIT_JUMP, IR_EXIT_CALL, IR_EXIT_RET };
        int kind = kinds[rnd() % 3];
        ir_emit_exit(b, IR_EXITIND, kind, pick(nt), 0, 0)->imm = kind == IR_EXIT_RET ? 4 : 0;
        break;
    }
    }
    b->ntemps = nt;
}

static void run(const struct backend *be, const struct ir_block *b, struct cpu *cpu,
                uint8_t *page, int *slot)
{
    size_t n = (be->code_size(b) + 4095) & ~(size_t)4095;
    void *mem = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(mem != MAP_FAILED);
    struct tb tb;
    static uint32_t eips[1] = { 0x1000 };
    memset(&tb, 0, sizeof(tb));
    tb.code = be->compile(b, mem, mem, &tb);
    if (be->executable)
        CHECK(mprotect(mem, n, PROT_READ | PROT_EXEC) == 0);
    tb.insn_eip = eips;
    tb.ninsns = 1;
    tb.invalid = 1; /* on this stack only: never into the jump cache */
    struct tlb_entry *e = &cpu->tlb[0][TLB_INDEX(PAGE)];
    e->tag_read = e->tag_write = PAGE;
    e->addend = (uintptr_t)page + HOST_PAGE - PAGE;
    e = &cpu->tlb[0][TLB_INDEX(PAGE2)];
    e->tag_read = e->tag_write = PAGE2;
    e->addend = (uintptr_t)page + HOST_PAGE2 - PAGE2;
    cpu->budget = 100;
    be->exec(cpu, &tb, slot);
    munmap(mem, n);
}

/*
 * Two loads of one TLB group in a row, [ebx - 8] then [ebx + 4] with EBX at
 * PAGE's start: the span crosses into PAGE2, so the group has no page, the
 * first load probes its own (PAGE2) and the second must not take that
 * page's host addend, left in rax, for its own (PAGE).
 */
static void test_group_across_pages(const struct backend *native)
{
    static struct ir_block b;
    static struct cpu c[2];
    static uint8_t mem[2][HOST_SIZE];
    static struct tb_cache empty_cache;
    tb_jump_cache_clear(&empty_cache);
    for (int pass = 0; pass < 2; pass++) {
        ir_block_init(&b, 0x1000, HF_CODE32);
        b.ninsns = 1;
        b.insns[0].eip = 0x1000;
        b.insns[0].len = 1;
        ir_emit(&b, IR_ADDI, V_TEMP0, R_EBX, 0, 0, 0xfffffff8u, 0);
        ir_emit(&b, IR_LD32, R_EAX, V_TEMP0, 0, 0, 0, 0);
        ir_emit(&b, IR_ADDI, V_TEMP0 + 1, R_EBX, 0, 0, 4, 0);
        ir_emit(&b, IR_LD32, R_ECX, V_TEMP0 + 1, 0, 0, 0, 0);
        ir_emit_exit(&b, IR_EXIT, IR_EXIT_JUMP, 0, 0x2000, 0);
        b.ntemps = 2;
        memset(&c[pass], 0, sizeof(c[pass]));
        cpu_ras_clear(&c[pass]);
        c[pass].tbs = &empty_cache;
        c[pass].r[R_EBX] = PAGE;
        for (unsigned j = 0; j < HOST_SIZE; j++)
            mem[pass][j] = (uint8_t)(j * 7 + j / 256);
        int slot;
        run(pass ? native : &backend_interp, &b, &c[pass], mem[pass], &slot);
    }
    CHECK_EQ(c[1].r[R_EAX], c[0].r[R_EAX]);
    CHECK_EQ(c[1].r[R_ECX], c[0].r[R_ECX]);
}

/* A block of one instruction at eip (len bytes) for test_ras(), compiled into code. */
static struct tb *ras_block(const struct backend *be, struct ir_block *b, uint32_t eip, uint32_t len,
                            uint32_t hflags, void **mem, size_t *size)
{
    static struct tb tbs[4];
    static uint32_t eips[4];
    static int n;
    struct tb *tb = &tbs[n];
    eips[n] = eip;
    memset(tb, 0, sizeof(*tb));
    b->hflags = hflags;
    b->eip = eip;
    b->insns[0] = (struct ir_insn_info){ eip, (uint8_t)len, CLS_CONTROL, 0 };
    b->ninsns = 1;
    *size = (be->code_size(b) + 4095) & ~(size_t)4095;
    *mem = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(*mem != MAP_FAILED);
    tb->code = be->compile(b, *mem, *mem, tb);
    CHECK(mprotect(*mem, *size, PROT_READ | PROT_EXEC) == 0);
    tb->pc = eip;
    tb->hflags = hflags;
    tb->insn_eip = &eips[n];
    tb->ninsns = 1;
    tb->invalid = 1; /* never into the jump cache */
    n = (n + 1) % 4;
    return tb;
}

/* Run a RET block that popped `target` and left ESP at esp: the slot it leaves by. */
static struct tb *ras_ret(const struct backend *be, struct tb *ret, struct cpu *c, uint32_t esp,
                          uint32_t target, int *slot)
{
    c->r[R_ESP] = esp;
    c->r[R_EAX] = target;
    c->budget = 100;
    c->chain_limit = 100;
    *slot = -2;
    return be->exec(c, ret, slot);
}

/*
 * Return prediction: a CALL block's entry takes a RET with the same return
 * address, ESP slot and mode to the CALL block's exit through slot 1 (which,
 * unlinked here, leaves with that block and slot); any other RET, and any
 * after a TLB flush or cpu_ras_clear(), leaves as an indirect exit.
 */
static void test_ras(const struct backend *be)
{
    static struct ir_block b;
    static struct cpu c;
    static struct tb_cache empty_cache;
    tb_jump_cache_clear(&empty_cache);
    memset(&c, 0, sizeof(c));
    c.tbs = &empty_cache;
    cpu_ras_clear(&c);
    uint32_t mode = HF_CODE32 | HF_SS32 | HF_PE;
    void *m1, *m2, *m3;
    size_t n1, n2, n3;
    /* call 0x1800 at 0x1000 (5 bytes), with ESP 0x3ffc after the push */
    ir_block_init(&b, 0x1000, mode);
    ir_emit_exit(&b, IR_EXIT, IR_EXIT_CALL, 0, 0x1800, 0);
    struct tb *call = ras_block(be, &b, 0x1000, 5, mode, &m1, &n1);
    /* ret at 0x1800, to EAX; and the same at CPL 3 */
    ir_block_init(&b, 0x1800, mode);
    ir_emit_exit(&b, IR_EXITIND, IR_EXIT_RET, R_EAX, 0, 0)->imm = 4;
    struct tb *ret = ras_block(be, &b, 0x1800, 1, mode, &m2, &n2);
    ir_block_init(&b, 0x1800, mode | HF_CPL_MASK);
    ir_emit_exit(&b, IR_EXITIND, IR_EXIT_RET, R_EAX, 0, 0)->imm = 4;
    struct tb *ret3 = ras_block(be, &b, 0x1800, 1, mode | HF_CPL_MASK, &m3, &n3);
    static const struct { int flush; uint32_t esp, target; int cpl3, hit; } cases[] = {
        { 0, 0x4000, 0x1005, 0, 1 }, /* the CALL's own return */
        { 0, 0x4000, 0x1005, 0, 1 }, /* again: entries stay */
        { 0, 0x4000, 0x1006, 0, 0 }, /* a return address the callee rewrote */
        { 0, 0x4004, 0x1005, 0, 0 }, /* another stack slot */
        { 0, 0x4000, 0x1005, 1, 0 }, /* another mode (CPL 3) */
        { 1, 0x4000, 0x1005, 0, 0 }, /* after a TLB flush */
        { 2, 0x4000, 0x1005, 0, 0 }, /* after cpu_ras_clear */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        c.r[R_ESP] = 0x3ffc;
        c.budget = 100;
        c.chain_limit = 100;
        int slot = -2;
        struct tb *last = be->exec(&c, call, &slot);
        CHECK(last == call && slot == 0 && c.eip == 0x1800);
        if (cases[i].flush == 1)
            tlb_flush(&c);
        else if (cases[i].flush == 2)
            cpu_ras_clear(&c);
        last = ras_ret(be, cases[i].cpl3 ? ret3 : ret, &c, cases[i].esp, cases[i].target, &slot);
        check_count++;
        if (cases[i].hit ? last != call || slot != 1 || c.eip != 0x1005
                         : last != (cases[i].cpl3 ? ret3 : ret) || slot != -1 ||
                               c.eip != cases[i].target) {
            check_failures++;
            fprintf(stderr, "return prediction case %zu: left by slot %d of %s, eip %x\n", i, slot,
                    last == call ? "the call" : "the ret", c.eip);
        }
    }
    munmap(m1, n1);
    munmap(m2, n2);
    munmap(m3, n3);
}

int main(void)
{
    const struct backend *native = backend_find("x86_64");
    CHECK(native != NULL);
    if (!native)
        return check_done("test_backend_x86_64");
    test_ras(native);
    test_group_across_pages(native);
    static struct ir_block b;
    static struct cpu c1, c2;
    static struct tb_cache empty_cache;
    tb_jump_cache_clear(&empty_cache);
    static uint8_t p1[HOST_SIZE];
    /* The native side's memory in the low 2 GiB, where its host addend
     * fits the 32 bits of a block's guess of it (ir_block mem_hint) */
    uint8_t *p2 = mmap(NULL, HOST_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    CHECK(p2 != MAP_FAILED);
    if (p2 == MAP_FAILED)
        return check_done("test_backend_x86_64");
    int64_t right = (int64_t)((uintptr_t)p2 + HOST_PAGE - PAGE);
    int64_t wrong = (int64_t)((uintptr_t)p2 + HOST_PAGE2 - PAGE2);
    CHECK(right == (int32_t)right && wrong == (int32_t)wrong);
    int blocks = 3000, bad = 0;
    int bmi2 = __builtin_cpu_supports("bmi2") != 0;
    for (int i = 0; i < blocks && bad < 5; i++) {
        int self_loop;
        gen_block(&b, &self_loop);
        backend_host_bmi2 = bmi2 && (i & 1); /* both forms of the TLB probe */
        if (i % 3 == 0)
            ir_optimize(&b); /* the blocks the translator hands over: dead compares gone */
        /* no guess of the host addend, PAGE's, or PAGE2's: a wrong one
         * used unchecked puts an access into the other page's bytes */
        b.mem_hint = (int32_t)(i % 3 == 0 ? 0 : i % 3 == 1 ? right : wrong);
        memset(&c1, 0, sizeof(c1));
        cpu_ras_clear(&c1);
        c1.tbs = &empty_cache; /* indirect exits look there, and find nothing */
        for (int r = 0; r < 8; r++)
            c1.r[r] = rnd_val();
        c1.eflags = 0x202;
        c1.cc_op = (uint32_t)rnd_kind() | (rnd() % 3 == 0 ? (rnd() & F_ARITH) << CC_OVR_SHIFT : 0);
        c1.cc_dst = rnd_val();
        c1.cc_src1 = rnd_val();
        c1.cc_src2 = rnd_val();
        c1.cc_fix = rnd() & F_ARITH;
        c2 = c1;
        for (unsigned j = 0; j < HOST_SIZE; j++)
            p1[j] = p2[j] = (uint8_t)rnd();
        int s1 = -2, s2 = -2;
        run(&backend_interp, &b, &c1, p1, &s1);
        run(native, &b, &c2, p2, &s2);
        uint32_t kind = c1.cc_op & CC_KIND_MASK;
        /* a word no reader of the kind looks at holds anything (cpu/flags.h) */
        /* with paging, the native code leaves a direct exit to another
         * page as it leaves an indirect one (slot -1): tb_link() would
         * not link it */
        /* a loop's way round, which the native code's chain entry
         * refuses (chain_limit 0), leaves by no slot */
        int slot_same = s1 == s2 || ((b.hflags & HF_PG) && s1 >= 0 && s2 == -1) ||
                        (self_loop && s1 == 0 && s2 == -1);
        int same = !memcmp(c1.r, c2.r, sizeof(c1.r)) && c1.eip == c2.eip && slot_same &&
                   c1.cc_op == c2.cc_op &&
                   (c1.cc_src1 == c2.cc_src1 || !cc_stores_src1(kind) ||
                    /* a product's overflow is only zero or not (cpu/flags.h) */
                    ((CC_BASE(kind) == CCB_MUL || CC_BASE(kind) == CCB_IMUL) && kind < CC_EFLAGS &&
                     !c1.cc_src1 == !c2.cc_src1)) &&
                   /* a SUB's result is src1 - src2, stored or not (cpu/flags.h) */
                   (c1.cc_dst == c2.cc_dst ||
                    (kind < CC_EFLAGS && CC_BASE(kind) == CCB_SUB)) &&
                   cpu_arith_flags(&c1) == cpu_arith_flags(&c2) &&
                   (c1.cc_src2 == c2.cc_src2 || !cc_stores_src2(kind)) && c1.cc_fix == c2.cc_fix &&
                   c1.icount == c2.icount && c1.budget == c2.budget && !memcmp(p1, p2, HOST_SIZE);
        check_count++;
        if (!same) {
            check_failures++;
            bad++;
            fprintf(stderr, "block %d differs (slot %d/%d eip %x/%x):\n", i, s1, s2, c1.eip,
                    c2.eip);
            for (int r = 0; r < 8; r++)
                if (c1.r[r] != c2.r[r])
                    fprintf(stderr, "  r%d interp %08x native %08x\n", r, c1.r[r], c2.r[r]);
            fprintf(stderr, "  cc interp %x %x %x %x %x native %x %x %x %x %x\n", c1.cc_op,
                    c1.cc_dst, c1.cc_src1, c1.cc_src2, c1.cc_fix, c2.cc_op, c2.cc_dst,
                    c2.cc_src1, c2.cc_src2, c2.cc_fix);
            if (memcmp(p1, p2, HOST_SIZE))
                fprintf(stderr, "  memory differs\n");
            ir_dump(stderr, &b);
        }
    }
    return check_done("test_backend_x86_64");
}
