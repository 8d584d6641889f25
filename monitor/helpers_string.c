/*
 * helpers_string.c - MOVS CMPS SCAS LODS STOS INS OUTS, with and without
 * REP, in both directions and both address sizes.
 *
 * One helper runs the whole instruction, or a slice of a long REP: it
 * sets EIP itself, past the instruction when done, on the instruction
 * when work remains (translator/frontend_sys.c ends the block after it).
 *
 * Constraints:
 *   - Restartable at every element.  ESI, EDI and ECX are written back
 *     after each iteration, so a page fault in iteration k unwinds with
 *     k-1 elements done and the registers saying so; the run loop
 *     restarts the instruction, which carries on from there.  This is the
 *     architectural behaviour, and guests (demand paging) rely on it.
 *   - Interruptible.  Interrupts are taken only between blocks, so a REP
 *     gives up after REP_SLICE elements with EIP left on itself: the run
 *     loop looks at devices and comes back.
 *   - 16-bit addressing uses SI, DI and CX: they wrap at 64 KiB and the
 *     upper halves of ESI, EDI and ECX are preserved.
 *
 * Fast path: REP MOVS / REP STOS going up with 32-bit addressing copy a
 * run of elements at once through host pointers, but only while the soft
 * TLB already holds both pages with exactly the tag the inline fast path
 * would accept (that excludes MMIO, ROM and pages holding translated
 * code, which need the slow path's side effects).  Anything else, an
 * element that straddles a page included, takes the element-by-element
 * path, which also refills the TLB for the next run.
 *
 * Example: REP STOSD with ECX = 1000 and DI page-aligned, TLB warm: one
 * run of 1000 stores, EIP = next.  ECX = 100000: 4096 elements per call.
 */
#include "monitor/helpers_impl.h"
#include "cpu/flags.h"
#include "monitor/monitor.h"
#include "softmmu/ioport.h"
#include "softmmu/tlb.h"
#include "monitor/string_op.h"

#include <string.h>

/* Elements per call before a REP lets the run loop look around. */
#define REP_SLICE 4096

struct strop {
    int op, size, rep;
    uint32_t amask; /* 0xffff or 0xffffffff: the address size */
    uint32_t step;  /* +size or -size (modulo 2^32), from EFLAGS.DF */
    uint32_t src_base, dst_base;
    int src_seg;
    int check_src, check_dst; /* HF_SEGCHK: the segments are not flat */
};

static inline uint32_t size_mask(int size)
{
    return size == 1 ? 0xffu : size == 2 ? 0xffffu : 0xffffffffu;
}

/* Advance an index register by delta within the address size. */
static inline void bump(struct cpu *cpu, int r, uint32_t delta, uint32_t amask)
{
    cpu->r[r] = (cpu->r[r] & ~amask) | ((cpu->r[r] + delta) & amask);
}

static inline uint32_t src_lin(const struct cpu *cpu, const struct strop *s)
{
    return s->src_base + (cpu->r[R_ESI] & s->amask);
}

static inline uint32_t dst_lin(const struct cpu *cpu, const struct strop *s)
{
    return s->dst_base + (cpu->r[R_EDI] & s->amask);
}

static void set_cmp_flags(struct cpu *cpu, int size, uint32_t x, uint32_t y)
{
    cpu->cc_op = CC_KIND(CCB_SUB, size_index(size));
    cpu->cc_dst = x - y;
    cpu->cc_src1 = x;
    cpu->cc_src2 = y;
}

/*
 * One element.  Everything that can fault comes before the register
 * updates.  Returns whether the two compared values were equal (CMPS,
 * SCAS), for REPE/REPNE.
 */
static int one(struct cpu *cpu, const struct strop *s)
{
    int size = s->size;
    uint32_t v, w;
    int op = s->op;
    if (s->check_src && (op == STR_MOVS || op == STR_CMPS || op == STR_LODS || op == STR_OUTS))
        seg_check(cpu, s->src_seg, cpu->r[R_ESI] & s->amask, size, 0);
    if (s->check_dst && op != STR_LODS && op != STR_OUTS)
        seg_check(cpu, S_ES, cpu->r[R_EDI] & s->amask, size,
                  op == STR_MOVS || op == STR_STOS || op == STR_INS);
    switch (s->op) {
    case STR_MOVS:
        v = mem_read(cpu, src_lin(cpu, s), size);
        mem_write(cpu, dst_lin(cpu, s), v, size);
        bump(cpu, R_ESI, s->step, s->amask);
        bump(cpu, R_EDI, s->step, s->amask);
        return 0;
    case STR_CMPS:
        v = mem_read(cpu, src_lin(cpu, s), size);
        w = mem_read(cpu, dst_lin(cpu, s), size);
        set_cmp_flags(cpu, size, v, w);
        bump(cpu, R_ESI, s->step, s->amask);
        bump(cpu, R_EDI, s->step, s->amask);
        return v == w;
    case STR_SCAS:
        v = cpu->r[R_EAX] & size_mask(size);
        w = mem_read(cpu, dst_lin(cpu, s), size);
        set_cmp_flags(cpu, size, v, w);
        bump(cpu, R_EDI, s->step, s->amask);
        return v == w;
    case STR_LODS:
        v = mem_read(cpu, src_lin(cpu, s), size);
        cpu->r[R_EAX] = (cpu->r[R_EAX] & ~size_mask(size)) | v;
        bump(cpu, R_ESI, s->step, s->amask);
        return 0;
    case STR_STOS:
        mem_write(cpu, dst_lin(cpu, s), cpu->r[R_EAX], size);
        bump(cpu, R_EDI, s->step, s->amask);
        return 0;
    case STR_INS:
        /* A port read has side effects: make sure the store cannot fault first. */
        mem_probe_write(cpu, dst_lin(cpu, s), (uint32_t)size);
        v = ioport_read(cpu->io, (uint16_t)cpu->r[R_EDX], size);
        mem_write(cpu, dst_lin(cpu, s), v, size);
        bump(cpu, R_EDI, s->step, s->amask);
        return 0;
    case STR_OUTS:
        v = mem_read(cpu, src_lin(cpu, s), size);
        ioport_write(cpu->io, (uint16_t)cpu->r[R_EDX], v, size);
        bump(cpu, R_ESI, s->step, s->amask);
        return 0;
    }
    return 0;
}

/* Host pointer to [lin, lin+len) if the TLB maps it as plain RAM for this access, else NULL. */
static uint8_t *host_range(struct cpu *cpu, uint32_t lin, int write)
{
    const struct tlb_entry *e = &cpu->tlb[cpu_cpl(cpu) == 3][TLB_INDEX(lin)];
    uint32_t tag = write ? e->tag_write : e->tag_read;
    if (tag != (lin & PAGE_MASK))
        return NULL;
    return (uint8_t *)(uintptr_t)(lin + e->addend);
}

/*
 * A run of REP MOVS/STOS elements inside one source and one destination
 * page, upward, 32-bit addressing.  Returns how many were done (0: take
 * the slow path for the next element).  Nothing here can fault.
 */
static uint32_t fast_run(struct cpu *cpu, const struct strop *s, uint32_t max)
{
    int size = s->size;
    uint32_t dl = dst_lin(cpu, s);
    uint32_t n = (0x1000 - (dl & 0xfff)) / (uint32_t)size;
    uint8_t *d = host_range(cpu, dl, 1), *src = NULL;
    if (!d)
        return 0;
    if (s->op == STR_MOVS) {
        uint32_t sl = src_lin(cpu, s);
        uint32_t room = (0x1000 - (sl & 0xfff)) / (uint32_t)size;
        src = host_range(cpu, sl, 0);
        if (!src)
            return 0;
        if (room < n)
            n = room;
    }
    if (max < n)
        n = max;
    if (n == 0)
        return 0;

    size_t len = (size_t)n * (size_t)size;
    if (s->op == STR_STOS) {
        uint32_t v = cpu->r[R_EAX];
        if (size == 1)
            memset(d, (int)(v & 0xff), len);
        else
            for (uint32_t i = 0; i < n; i++)
                host_st(d + (size_t)i * size, v, size);
    } else if (d <= src || d >= src + len) {
        /* No overlap, or one where a forward copy reads before it writes: memmove's result. */
        memmove(d, src, len);
    } else {
        /* Destination just above the source: the guest sees its pattern repeat. */
        for (uint32_t i = 0; i < n; i++)
            host_st(d + (size_t)i * size, host_ld(src + (size_t)i * size, size), size);
    }
    if (s->op == STR_MOVS)
        cpu->r[R_ESI] += (uint32_t)len;
    cpu->r[R_EDI] += (uint32_t)len;
    return n;
}

uint32_t helper_string(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    struct strop s;
    s.op = string_op_of(a);
    s.size = string_size_of(a);
    s.rep = string_rep_of(a);
    s.amask = string_addrsize_of(a) == 4 ? 0xffffffffu : 0xffffu;
    s.step = (cpu->eflags & F_DF) ? 0 - (uint32_t)s.size : (uint32_t)s.size;
    s.src_seg = (int)(b & 7);
    s.src_base = cpu->seg[s.src_seg].base;
    s.dst_base = cpu->seg[S_ES].base;
    s.check_src = (cpu->hflags & HF_SEGCHK(s.src_seg)) != 0;
    s.check_dst = (cpu->hflags & HF_SEGCHK(S_ES)) != 0;

    uint32_t count = cpu->r[R_ECX] & s.amask;
    if (s.rep != STR_REP_NONE && count == 0) {
        cpu->eip = next;
        return 0;
    }
    /*
     * IOPL and the TSS bitmap are checked once per call, before the first
     * element; a REP with a zero count does not check (as Bochs and the
     * manual's per-iteration reading suggest).
     */
    if ((s.op == STR_INS || s.op == STR_OUTS) &&
        !monitor_io_allowed(cpu, cpu->r[R_EDX] & 0xffff, s.size))
        cpu_raise(cpu, EXC_GP, 0, 1);

    if (s.rep == STR_REP_NONE) {
        one(cpu, &s);
        cpu->eip = next;
        return 0;
    }

    int cmp = s.op == STR_CMPS || s.op == STR_SCAS;
    int fast = (s.op == STR_MOVS || s.op == STR_STOS) && s.amask == 0xffffffffu &&
               !(cpu->eflags & F_DF) && !s.check_src && !s.check_dst;
    uint32_t done = 0;
    for (;;) {
        uint32_t n = fast ? fast_run(cpu, &s, count < REP_SLICE - done ? count : REP_SLICE - done) : 0;
        int equal = 0;
        if (n == 0) {
            equal = one(cpu, &s);
            n = 1;
        }
        count -= n;
        done += n;
        cpu->r[R_ECX] = (cpu->r[R_ECX] & ~s.amask) | count;
        if (count == 0)
            break;
        /* REPE (F3) goes on while equal, REPNE (F2) while different. */
        if (cmp && equal != (s.rep == STR_REP_E))
            break;
        if (done >= REP_SLICE) {
            cpu->eip = cpu->insn_eip;
            return 0;
        }
    }
    cpu->eip = next;
    return 0;
}
