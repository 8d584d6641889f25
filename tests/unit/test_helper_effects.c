/*
 * test_helper_effects.c - every helper and monitor entry does no more than
 * its row in helper_table (monitor/helpers.c) declares.
 *
 * Each helper runs on random CPU states (flat protected mode, CPL 0 or
 * 3, registers, flags, a GDT in RAM) with arguments of the kinds the
 * frontend passes.  A run that returns must have changed only what the
 * row declares it writes (general registers one by one, the lazy flags,
 * the other EFLAGS bits, EIP, segments, system state, the x87, memory); a
 * run that raises needs HE_FAULT, one that returns must not be
 * HE_NORETURN.  Then the same run is repeated with every general register
 * the row does not declare read (and the arithmetic flags, when it does
 * not read them) changed: the outcome must not change.  Not run:
 * H_UNIMPLEMENTED, which stops bt86 by design.  H_VMCALL runs twice: as
 * #UD (no paravirtual interface), then with -cpu ...,pv=on,kvm=on on calls
 * of both ABIs (monitor/paravirt.h).
 */
#include "check.h"
#include "cpu/flags.h"
#include "monitor/helpers.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "monitor/paravirt.h"
#include "monitor/string_op.h"
#include "cpu/cpu_model.h"
#include "fpu/x87.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"
#include "translator/decode.h"
#include "translator/tbcache.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (2u << 20)
#define WINDOW 0x140000u  /* what helpers can reach from the states below */
#define PTR_BASE 0x80000u /* ESP EBP ESI EDI and addresses: 0x80000-0xfffff */
#define GDT_BASE 0x1000u
#define TRIALS 24

static struct machine m;
static uint8_t *ram_saved, *ram_after;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t pick(const uint32_t *v, int n)
{
    return v[rnd() % (uint32_t)n];
}
#define PICK(...) pick((const uint32_t[]){ __VA_ARGS__ }, sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)

static uint32_t ptr(void)
{
    return PTR_BASE + (rnd() & 0x7fffc);
}

static uint32_t reg_value(int r)
{
    return (r == R_ESP || r == R_EBP || r == R_ESI || r == R_EDI) ? ptr() : rnd();
}

static uint32_t sel(void)
{
    return PICK(0, 3, 0x10, 0x13, 0x18, 0x1b, 0x20, 0x28, rnd() & 0xffff);
}

static void put_desc(int i, uint32_t lo, uint32_t hi)
{
    phys_write(&m.mem, GDT_BASE + 8 * i, lo, 4);
    phys_write(&m.mem, GDT_BASE + 8 * i + 4, hi, 4);
}

/* The state every trial starts from: flat 32-bit protected mode, CPL 0. */
static struct cpu base;

static void make_base(void)
{
    put_desc(2, 0x0000ffff, 0x00cf9b00); /* 0x10: code, DPL 0 */
    put_desc(3, 0x0000ffff, 0x00cf9300); /* 0x18: data, DPL 0 */
    put_desc(4, 0x0000ffff, 0x00cffb00); /* 0x20: code, DPL 3 */
    put_desc(5, 0x0000ffff, 0x00cff300); /* 0x28: data, DPL 3 */
    put_desc(6, 0x30000067, 0x00008900); /* 0x30: 32-bit TSS at 0x3000 */
    put_desc(7, 0x40000fff, 0x00008200); /* 0x38: LDT at 0x4000 */
    m.cpu.machine = &m;
    cpu_reset(&m.cpu);
    m.cpu.cr[0] |= CR0_PE;
    m.cpu.gdt = (struct dtable){ GDT_BASE, 0x3f };
    m.cpu.idt = (struct dtable){ 0x2000, 0x7ff };
    seg_set_cache(&m.cpu.seg[S_CS], 0x10, 0x0000ffff, 0x00cf9b00);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            seg_set_cache(&m.cpu.seg[s], 0x18, 0x0000ffff, 0x00cf9300);
    seg_set_cache(&m.cpu.seg[S_TR], 0x30, 0x30000067, 0x00008b00);
    phys_write(&m.mem, 0x3004, 0x90000, 4); /* ESP0 */
    phys_write(&m.mem, 0x3008, 0x18, 4);    /* SS0 */
    for (uint32_t v = 0; v < 256; v++) {
        /* 32-bit interrupt gates, DPL 3, to 0x10:0x5000+v */
        phys_write(&m.mem, 0x2000 + 8 * v, 0x00100000u | (0x5000 + v), 4);
        phys_write(&m.mem, 0x2000 + 8 * v + 4, 0x0000ee00u, 4);
    }
    cpu_update_hflags(&m.cpu);
    base = m.cpu;
}

static void random_state(struct cpu *cpu)
{
    *cpu = base;
    for (int r = 0; r < 8; r++)
        cpu->r[r] = reg_value(r);
    cpu->eip = 0x10000 + (rnd() & 0xfff);
    uint32_t fl = rnd() & (F_ARITH | F_DF | F_IF | F_IOPL | F_NT | F_AC | F_ID);
    cpu_set_eflags(cpu, fl, 0x003f7fd7u & ~(F_VM | F_RF | F_TF | F_VIF | F_VIP));
    if (rnd() % 4 == 0) {
        cpu->hflags |= 3u << HF_CPL_SHIFT;
        seg_set_cache(&cpu->seg[S_CS], 0x23, 0x0000ffff, 0x00cffb00);
        seg_set_cache(&cpu->seg[S_SS], 0x2b, 0x0000ffff, 0x00cff300);
        cpu_update_hflags(cpu);
    }
    if (rnd() % 4 == 0)
        cpu->cr[0] |= PICK(CR0_TS, CR0_EM, CR0_MP, CR0_TS | CR0_MP);
    cpu->msr_sysenter_cs = PICK(0, 0x10);
    cpu->msr_sysenter_esp = ptr();
    cpu->msr_sysenter_eip = rnd();
    cpu->insn_eip = cpu->eip;
}

struct args {
    uint32_t a, b, c;
};

/* Arguments of the kinds the frontend passes to helper `id`; may set registers. */
static struct args make_args(int id, struct cpu *cpu)
{
    uint32_t size = PICK(1, 2, 4), size24 = PICK(2, 4);
    switch (id) {
    case H_DIV: case H_IDIV: return (struct args){ rnd() | (rnd() & 1), size, 0 };
    case H_ROTATE:
        return (struct args){ rnd(), rnd() & 31,
                              PICK(HOP_RCL, HOP_RCR, HOP_ROL, HOP_ROR) | size << 8 | (rnd() & 1) << 16 };
    case H_SHLD: case H_SHRD:
        return (struct args){ rnd(), rnd(), (rnd() & 31) | size24 << 8 | (rnd() & 1) << 16 };
    case H_BSF: case H_BSR: return (struct args){ rnd() & PICK(0, 0xffffffffu, 0x00f00000u), rnd(), size };
    case H_BCD:
        return (struct args){ PICK(HOP_DAA, HOP_DAS, HOP_AAA, HOP_AAS, HOP_AAM, HOP_AAD), PICK(0, 10, rnd() & 0xff), 0 };
    case H_CMPXCHG8B: {
        uint32_t addr = ptr() & ~7u;
        if (rnd() & 1) {
            phys_write(&m.mem, addr, cpu->r[R_EAX], 4);
            phys_write(&m.mem, addr + 4, cpu->r[R_EDX], 4);
        }
        return (struct args){ addr, 0, 0 };
    }
    case H_STRING: case H_INS: case H_OUTS: {
        enum string_op op = id == H_INS ? STR_INS : id == H_OUTS ? STR_OUTS
                          : (enum string_op)PICK(STR_MOVS, STR_CMPS, STR_SCAS, STR_LODS, STR_STOS);
        cpu->r[R_ECX] = PICK(0, 1, 5, rnd() & 0xfff, rnd());
        return (struct args){ string_pack(op, size, PICK(2, 4), (enum string_rep)PICK(0, 1, 2)),
                              PICK(S_DS, S_ES, S_SS, S_FS), 0 };
    }
    case H_ENTER: return (struct args){ rnd() & 0xffff, PICK(0, 1, 2, rnd() & 31), size24 };
    case H_PUSHA: case H_POPA: case H_PUSHF: case H_POPF: return (struct args){ size24, 0, 0 };
    case H_RETF: case H_IRET: {
        /* Often a frame that returns to the same privilege level. */
        uint32_t sp = cpu->r[R_ESP], cs = cpu_cpl(cpu) ? 0x23 : 0x10;
        if (rnd() & 1) {
            phys_write(&m.mem, sp, rnd() & 0xfffff, size24);
            phys_write(&m.mem, sp + size24, cs, size24);
            phys_write(&m.mem, sp + 2 * size24, (rnd() & 0xcd5) | 2, size24);
            if (rnd() & 1)
                cpu->eflags &= ~F_NT;
        }
        return (struct args){ id == H_RETF ? PICK(0, rnd() & 0xff) : size24, size24, 0 };
    }
    case H_BOUND: return (struct args){ rnd(), ptr(), size24 };
    case H_RAISE: return (struct args){ rnd() & 31, 0, 0 };
    case H_SEGCHK: return (struct args){ rnd(), PICK(0, 2, 3, 4, 5) | size << 4 | (rnd() & 1) << 8, 0 };
    case H_X87:
        return (struct args){ 0, X87_PACK(PICK(X87_FNSTSW_AX, X87_FNINIT, X87_FNCLEX, X87_FNOP, X87_FXCH,
                                               X87_FINCSTP, X87_FDECSTP, X87_FCOMI, X87_FTST, X87_FXAM,
                                               X87_FFREE),
                                          rnd() & 7, 0, 7, 0, 0, 0, 0),
                              0 };
    case H_IN: return (struct args){ rnd() & 0xffff, size, 0 };
    case H_OUT: return (struct args){ rnd() & 0xffff, rnd(), size };
    case H_LGDT: case H_LIDT: case H_SGDT: case H_SIDT: return (struct args){ ptr(), size24, 0 };
    case H_LLDT: case H_LTR: case H_VERR: case H_VERW: return (struct args){ PICK(0x30, 0x38, sel()), 0, 0 };
    case H_LMSW: return (struct args){ rnd() & 0xf, 0, 0 };
    case H_MOV_TO_CR:
        return (struct args){ PICK(0, 1, 2, 3, 4, 5), PICK(rnd(), base.cr[0] | CR0_TS, rnd() & 0xb0), 0 };
    case H_MOV_FROM_CR: return (struct args){ PICK(0, 1, 2, 3, 4, 5), 0, 0 };
    case H_MOV_TO_DR: return (struct args){ rnd() % 9, rnd(), 0 };
    case H_MOV_FROM_DR: return (struct args){ rnd() % 9, 0, 0 };
    case H_INVLPG: return (struct args){ rnd(), 0, 0 };
    case H_RDMSR: case H_WRMSR:
        cpu->r[R_ECX] = PICK(0x10, 0x1b, 0x8b, 0x174, 0x175, 0x176, 0x277, 0xc0000080u, 0xfe, 0x200,
                             0x2ff, rnd());
        if (rnd() & 1)
            cpu->r[R_EAX] = cpu->r[R_EDX] = 0;
        return (struct args){ 0, 0, 0 };
    case H_LAR: case H_LSL: return (struct args){ PICK(0x30, 0x38, sel()), rnd(), size24 };
    case H_LOAD_SEG: return (struct args){ PICK(S_ES, S_SS, S_DS, S_FS, S_GS), sel(), 0 };
    case H_JMPF: case H_CALLF:
        return (struct args){ PICK(0x10, 0x23, 0x30, sel()), rnd() & PICK(0xffff, 0xffffffffu), size24 };
    case H_INT: return (struct args){ rnd() & 0xff, rnd() & 3, 0 };
    case H_ARPL: return (struct args){ rnd() & 0xffff, rnd() & 0xffff, 0 };
    case H_CPUID:
        cpu->r[R_EAX] = PICK(0, 1, 2, 0x80000000u, 0x80000001u, 0x80000002u, 0x80000004u,
                             0x40000000u, 0x40000001u, 0x40000100u, rnd());
        return (struct args){ 0, 0, 0 };
    case H_VMCALL: {
        /* Every call of both ABIs; a batch of two entries of any op. */
        cpu->r[R_EAX] = PICK(BT86_HC_VERSION, BT86_HC_CONSOLE_WRITE, BT86_HC_MMU_BATCH,
                             BT86_HC_SHARED_PAGE, BT86_HC_EVENTS, BT86_HC_HALT, BT86_HC_TIMER,
                             BT86_HC_TIME, BT86_HC_END, KVM_HC_VAPIC_POLL_IRQ, KVM_HC_KICK_CPU, 3,
                             rnd());
        uint32_t list = ptr() & ~15u;
        cpu->r[R_EBX] = PICK(list, ptr() & ~0xfffu, (ptr() & ~0xfffu) | 1, 0, rnd());
        cpu->r[R_ECX] = PICK(0, 1, 2, 16, 4097, rnd());
        cpu->r[R_EDX] = PICK(0, 31, 0x40, rnd());
        for (int i = 0; i < 2; i++) {
            phys_write(&m.mem, list + 16 * i, rnd() % 6, 4);
            phys_write(&m.mem, list + 16 * i + 4, PICK(0, ptr() & ~7u, rnd()), 4);
            phys_write(&m.mem, list + 16 * i + 8, PICK(0, rnd()), 4);
            phys_write(&m.mem, list + 16 * i + 12, PICK(0, rnd()), 4);
        }
        return (struct args){ 0, 0, 0 };
    }
    default: return (struct args){ rnd(), rnd(), rnd() };
    }
}

struct outcome {
    int fault; /* 0, or 1 + the vector (0 for a restart) */
    uint32_t ret;
};

static struct outcome run(int id, struct args g)
{
    struct cpu *cpu = &m.cpu;
    struct outcome o = { 0, 0 };
    if (setjmp(cpu->jmp)) {
        o.fault = 1 + (cpu->pending_vector < 0 ? 0 : cpu->pending_vector);
        return o;
    }
    o.ret = helper_table[id].fn(cpu, g.a, g.b, g.c, cpu->insn_eip + 3);
    return o;
}

/* Which HS_* parts of the guest state differ between two CPUs and their memory. */
static uint32_t changed(const struct cpu *x, const struct cpu *y, const uint8_t *mx, const uint8_t *my)
{
    uint32_t d = 0;
    for (int r = 0; r < 8; r++)
        if (x->r[r] != y->r[r])
            d |= 1u << r;
    if (x->eip != y->eip)
        d |= HS_EIP;
    if (x->eflags != y->eflags)
        d |= HS_EFLAGS;
    if (x->cc_op != y->cc_op || x->cc_dst != y->cc_dst || x->cc_src1 != y->cc_src1 ||
        x->cc_src2 != y->cc_src2)
        d |= HS_FLAGS;
    if (memcmp(x->seg, y->seg, sizeof(x->seg)))
        d |= HS_SEGS;
    if (memcmp(x->cr, y->cr, sizeof(x->cr)) || memcmp(x->dr, y->dr, sizeof(x->dr)) ||
        memcmp(&x->gdt, &y->gdt, sizeof(x->gdt)) || memcmp(&x->idt, &y->idt, sizeof(x->idt)) ||
        x->hflags != y->hflags || x->halted != y->halted || x->tsc_offset != y->tsc_offset ||
        x->msr_sysenter_cs != y->msr_sysenter_cs || x->msr_sysenter_esp != y->msr_sysenter_esp ||
        x->msr_sysenter_eip != y->msr_sysenter_eip || x->msr_apicbase != y->msr_apicbase ||
        x->msr_pat != y->msr_pat || x->msr_efer != y->msr_efer)
        d |= HS_SYS;
    if (memcmp(&x->fpu, &y->fpu, sizeof(x->fpu)))
        d |= HS_FPU;
    if (memcmp(mx, my, WINDOW))
        d |= HS_MEM;
    return d;
}

static const char *const part_names[16] = {
    "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI",
    "flags", "eflags", "EIP", "segments", "system", "x87", "memory", "I/O",
};

/* The hypercalls' clock: the instruction count, as the TSC here. */
static uint64_t pv_clock_now(void *opaque)
{
    return m.cpu.icount;
}

static void report(const char *what, int id, uint32_t parts)
{
    fprintf(stderr, "  %s %s:", helper_table[id].name, what);
    for (int i = 0; i < 16; i++)
        if (parts & (1u << i))
            fprintf(stderr, " %s", part_names[i]);
    fputc('\n', stderr);
}

int main(void)
{
    m.ram_size = RAM_SIZE;
    m.ram = calloc(1, m.ram_size);
    m.opt.icount = 1; /* RDTSC from the instruction count, not the host clock */
    ram_saved = malloc(WINDOW);
    ram_after = malloc(WINDOW);
    machine_init_core(&m);
    if (decode_init() < 0)
        return 1;
    make_base();
    for (uint32_t i = 0; i < WINDOW - GDT_BASE - 0x100; i += 4)
        if (i >= PTR_BASE - GDT_BASE)
            phys_write(&m.mem, GDT_BASE + i, rnd(), 4);

    static struct clock pv_clock;
    clock_init(&pv_clock, pv_clock_now, NULL, NULL);
    struct pv_wiring pw = { &pv_clock, NULL, NULL, 0 };
    struct pv_state *pvs = pv_create(&m.cpu, &pw);
    base.pv = pvs; /* random_state() starts from base, taken before */

    static struct cpu start, after, start2;
    /* Once per helper, then VMCALL again with the interfaces on. */
    for (int k = 1; k <= H_COUNT; k++) {
        int id = k < H_COUNT ? k : H_VMCALL;
        cpu_model.pv = cpu_model.kvm = k == H_COUNT;
        pv_reset(pvs);
        const struct helper_info *h = &helper_table[id];
        if (id == H_UNIMPLEMENTED)
            continue;
        int faults = 0, returns = 0, stale_hflags = 0;
        uint32_t undeclared_w = 0, undeclared_r = 0;
        for (int t = 0; t < TRIALS; t++) {
            random_state(&m.cpu);
            memcpy(ram_saved, m.ram, WINDOW);
            struct args g = make_args(id, &m.cpu);
            memcpy(ram_saved, m.ram, WINDOW); /* make_args may have written memory */
            start = m.cpu;
            struct outcome o1 = run(id, g);
            after = m.cpu;
            memcpy(ram_after, m.ram, WINDOW);
            if (o1.fault) {
                faults++;
            } else {
                returns++;
                undeclared_w |= changed(&start, &after, ram_saved, ram_after) & ~h->writes;
                /* hflags as a whole recomputation gives it (seg_load updates
                 * only the loaded segment's bits) */
                cpu_update_hflags(&m.cpu);
                if (m.cpu.hflags != after.hflags) {
                    stale_hflags++;
                    fprintf(stderr, "  %s left hflags %#x, not %#x\n", h->name, after.hflags,
                            m.cpu.hflags);
                }
            }

            /* Same run, with what it does not declare read changed. */
            memcpy(m.ram, ram_saved, WINDOW);
            m.cpu = start;
            for (int r = 0; r < 8; r++)
                if (!(h->reads & (1u << r)))
                    m.cpu.r[r] = reg_value(r);
            if (!(h->reads & HS_FLAGS))
                cpu_set_eflags(&m.cpu, ~cpu_get_eflags(&start), F_ARITH);
            start2 = m.cpu;
            struct outcome o2 = run(id, g);
            uint32_t diff = 0;
            if (o1.fault != o2.fault || (!o1.fault && o1.ret != o2.ret)) {
                diff = HS_IO; /* stands for "the outcome" in the report */
            } else if (!o1.fault) {
                /* Only what either run wrote can be compared: the rest differs by
                 * construction (a REP with ECX = 0 leaves the flags as they were). */
                uint32_t wrote = changed(&start, &after, ram_saved, ram_after) |
                                 changed(&start2, &m.cpu, ram_saved, m.ram);
                diff = changed(&after, &m.cpu, ram_after, m.ram) & wrote;
                if ((h->writes & HS_FLAGS) &&
                    (cpu_get_eflags(&after) & F_ARITH) == (cpu_get_eflags(&m.cpu) & F_ARITH))
                    diff &= ~HS_FLAGS; /* same flags, other lazy form */
            }
            if (diff)
                undeclared_r |= (changed(&start, &start2, ram_saved, ram_saved) & ~h->reads) | diff;
            memcpy(m.ram, ram_saved, WINDOW);
        }
        CHECK(!stale_hflags);
        CHECK(!undeclared_w);
        if (undeclared_w)
            report("writes, undeclared", id, undeclared_w);
        CHECK(!undeclared_r);
        if (undeclared_r)
            report("depends on one of", id, undeclared_r);
        if (faults) {
            CHECK(h->effects & HE_FAULT);
            if (!(h->effects & HE_FAULT))
                fprintf(stderr, "  %s raised an exception; not declared HE_FAULT\n", h->name);
        }
        if (returns) {
            CHECK(!(h->effects & HE_NORETURN));
            if (h->effects & HE_NORETURN)
                fprintf(stderr, "  %s returned; declared HE_NORETURN\n", h->name);
        }
        /* Writing EIP or the mode is leaving the block. */
        if (h->writes & HS_EIP)
            CHECK(h->effects & HE_EXIT);
    }
    return check_done("helper_effects");
}
