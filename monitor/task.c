/*
 * task.c - hardware task switching (32-bit and 16-bit TSS) and call gates.
 *
 * A task switch saves the running task's registers in its TSS, marks the
 * TSS descriptors busy or free as the manual prescribes for JMP, CALL,
 * INT and IRET, links the tasks for CALL/INT (NT and the back link), then
 * loads CR3, the LDT, the registers and the segments from the new TSS
 * (real-mode style when its EFLAGS has VM set: a virtual-8086 task).
 * Linux uses it for one thing: the double-fault handler runs as its own
 * task, so that a kernel stack overflow still ends with a message.
 */
#include "cpu/flags.h"
#include "monitor/monitor.h"
#include "softmmu/tlb.h"

#define TSS_BUSY (2u << DESC_TYPE_SHIFT)

static void set_busy(struct cpu *cpu, uint16_t sel, int busy)
{
    uint32_t addr = cpu->gdt.base + (sel & ~7u) + 4;
    uint32_t hi = mem_ld(cpu, addr, 4, 0);
    mem_st(cpu, addr, busy ? hi | TSS_BUSY : hi & ~TSS_BUSY, 4, 0);
}

static void task_push_error(struct cpu *cpu, int big, int has_error, uint32_t error)
{
    if (has_error) {
        uint32_t sp = cpu->r[R_ESP];
        stack_push(cpu, &sp, error, big ? 4 : 2);
        stack_commit(cpu, sp);
    }
}

void task_switch(struct cpu *cpu, uint16_t sel, enum task_source src, uint32_t next_eip,
                 int has_error, uint32_t error)
{
    uint32_t lo, hi;
    uint32_t ext = (src == TASK_EXC) ? 1 : 0;
    if ((sel & 4) || desc_read(cpu, sel, &lo, &hi) < 0)
        cpu_raise(cpu, src == TASK_IRET ? EXC_TS : EXC_GP, (sel & 0xfffc) + ext, 1);
    int type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    if ((hi & DESC_S) || (type & 5) != 1 /* TSS: 1, 3, 9, 11 (busy or not) */)
        cpu_raise(cpu, EXC_GP, (sel & 0xfffc) + ext, 1);
    int busy = (type & 2) != 0;
    if (src == TASK_IRET ? !busy : busy)
        cpu_raise(cpu, src == TASK_IRET ? EXC_TS : EXC_GP, (sel & 0xfffc) + ext, 1);
    if (!(hi & DESC_P))
        cpu_raise(cpu, EXC_NP, (sel & 0xfffc) + ext, 1);
    struct segment nt;
    seg_set_cache(&nt, sel, lo, hi);
    int big = (type & 8) != 0;
    if (nt.limit < (big ? 0x67u : 0x2bu))
        cpu_raise(cpu, EXC_TS, (sel & 0xfffc) + ext, 1);

    /* Save the current task. */
    struct segment *ot = &cpu->seg[S_TR];
    int obig = ((ot->flags >> DESC_TYPE_SHIFT) & 8) != 0;
    uint32_t eflags = cpu_get_eflags(cpu);
    if (src == TASK_IRET)
        eflags &= ~F_NT;
    uint32_t eip = (src == TASK_EXC) ? cpu->eip : next_eip;
    if (obig) {
        mem_probe_write(cpu, ot->base + 0x20, 0x48);
        mem_st(cpu, ot->base + 0x20, eip, 4, 0);
        mem_st(cpu, ot->base + 0x24, eflags, 4, 0);
        for (int r = 0; r < 8; r++)
            mem_st(cpu, ot->base + 0x28 + r * 4, cpu->r[r], 4, 0);
        for (int s = 0; s < 6; s++)
            mem_st(cpu, ot->base + 0x48 + s * 4, cpu->seg[s].sel, 2, 0);
    } else {
        mem_st(cpu, ot->base + 0x0e, eip, 2, 0);
        mem_st(cpu, ot->base + 0x10, eflags, 2, 0);
        for (int r = 0; r < 8; r++)
            mem_st(cpu, ot->base + 0x12 + r * 2, cpu->r[r], 2, 0);
        for (int s = 0; s < 4; s++)
            mem_st(cpu, ot->base + 0x22 + s * 2, cpu->seg[s].sel, 2, 0);
    }
    if (src == TASK_JMP || src == TASK_IRET)
        set_busy(cpu, ot->sel, 0);

    /* Read the new task's state before committing anything. */
    uint32_t n_cr3 = 0, n_eip, n_eflags, n_regs[8], n_ldt;
    uint16_t n_seg[6];
    if (big) {
        n_cr3 = mem_ld(cpu, nt.base + 0x1c, 4, 0);
        n_eip = mem_ld(cpu, nt.base + 0x20, 4, 0);
        n_eflags = mem_ld(cpu, nt.base + 0x24, 4, 0);
        for (int r = 0; r < 8; r++)
            n_regs[r] = mem_ld(cpu, nt.base + 0x28 + r * 4, 4, 0);
        for (int s = 0; s < 6; s++)
            n_seg[s] = mem_ld(cpu, nt.base + 0x48 + s * 4, 2, 0);
        n_ldt = mem_ld(cpu, nt.base + 0x60, 2, 0);
    } else {
        n_eip = mem_ld(cpu, nt.base + 0x0e, 2, 0);
        n_eflags = mem_ld(cpu, nt.base + 0x10, 2, 0) | (eflags & 0xffff0000u & ~F_VM);
        for (int r = 0; r < 8; r++)
            n_regs[r] = (cpu->r[r] & 0xffff0000u) | mem_ld(cpu, nt.base + 0x12 + r * 2, 2, 0);
        for (int s = 0; s < 4; s++)
            n_seg[s] = mem_ld(cpu, nt.base + 0x22 + s * 2, 2, 0);
        n_seg[S_FS] = n_seg[S_GS] = 0;
        n_ldt = mem_ld(cpu, nt.base + 0x2a, 2, 0);
    }
    if (src == TASK_CALL || src == TASK_EXC || src == TASK_INT) {
        mem_st(cpu, nt.base, ot->sel, 2, 0); /* back link */
        n_eflags |= F_NT;
    }
    if (src != TASK_IRET) {
        set_busy(cpu, sel, 1);
        hi |= TSS_BUSY;
    }

    /* Commit: from here on, faults belong to the new task. */
    seg_set_cache(&cpu->seg[S_TR], sel, lo, hi);
    cpu->cr[0] |= CR0_TS;
    if (big && (cpu->cr[0] & CR0_PG)) {
        cpu->cr[3] = n_cr3;
        tlb_flush_nonglobal(cpu);
    }
    for (int r = 0; r < 8; r++)
        cpu->r[r] = n_regs[r];
    cpu->eip = n_eip;
    cpu_set_eflags(cpu, n_eflags, 0x003f7fd7u);
    /* Selectors first without checks, so a fault below reports the new task. */
    for (int s = 0; s < 6; s++)
        cpu->seg[s].sel = n_seg[s];
    cpu->seg[S_LDTR] = (struct segment){ .sel = 0 };
    if (n_ldt & ~3u) {
        uint32_t llo, lhi;
        if ((n_ldt & 4) || desc_read(cpu, n_ldt, &llo, &lhi) < 0 || (lhi & DESC_S) ||
            ((lhi >> DESC_TYPE_SHIFT) & 0xf) != 2)
            cpu_raise(cpu, EXC_TS, n_ldt & 0xfffc, 1);
        seg_set_cache(&cpu->seg[S_LDTR], n_ldt, llo, lhi);
    }
    if (n_eflags & F_VM) {
        /* A virtual-8086 task: selectors are paragraph numbers, CPL 3. */
        for (int s = 0; s < 6; s++)
            seg_load_real(cpu, s, n_seg[s]);
        cpu->hflags &= ~HF_INHIBIT_IRQ;
        cpu_update_hflags(cpu);
        task_push_error(cpu, big, has_error, error);
        return;
    }
    uint16_t cs = n_seg[S_CS];
    uint32_t clo, chi;
    if ((cs & ~3u) == 0 || desc_read(cpu, cs, &clo, &chi) < 0 || !(chi & DESC_S) ||
        !(chi & DESC_CODE))
        cpu_raise(cpu, EXC_TS, cs & 0xfffc, 1);
    if (!(chi & DESC_P))
        cpu_raise(cpu, EXC_NP, cs & 0xfffc, 1);
    seg_load_cs(cpu, cs, clo, chi, cs & 3);
    seg_load(cpu, S_SS, n_seg[S_SS]);
    seg_load(cpu, S_DS, n_seg[S_DS]);
    seg_load(cpu, S_ES, n_seg[S_ES]);
    seg_load(cpu, S_FS, n_seg[S_FS]);
    seg_load(cpu, S_GS, n_seg[S_GS]);
    cpu->hflags &= ~HF_INHIBIT_IRQ;
    cpu_update_hflags(cpu);
    task_push_error(cpu, big, has_error, error);
}

void call_gate(struct cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi, int is_call,
               uint32_t next_eip)
{
    int cpl = cpu_cpl(cpu), rpl = sel & 3, gdpl = (hi >> DESC_DPL_SHIFT) & 3;
    int gate32 = ((hi >> DESC_TYPE_SHIFT) & 8) != 0;
    if (gdpl < cpl || gdpl < rpl)
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    if (!(hi & DESC_P))
        cpu_raise(cpu, EXC_NP, sel & 0xfffc, 1);
    uint16_t tsel = lo >> 16;
    uint32_t off = (lo & 0xffff) | (gate32 ? (hi & 0xffff0000u) : 0);
    uint32_t clo, chi;
    if ((tsel & ~3u) == 0)
        cpu_raise(cpu, EXC_GP, 0, 1);
    if (desc_read(cpu, tsel, &clo, &chi) < 0 || !(chi & DESC_S) || !(chi & DESC_CODE))
        cpu_raise(cpu, EXC_GP, tsel & 0xfffc, 1);
    int dpl = (chi >> DESC_DPL_SHIFT) & 3, conforming = (chi >> DESC_TYPE_SHIFT) & 4;
    if (dpl > cpl || (!is_call && !conforming && dpl != cpl))
        cpu_raise(cpu, EXC_GP, tsel & 0xfffc, 1);
    if (!(chi & DESC_P))
        cpu_raise(cpu, EXC_NP, tsel & 0xfffc, 1);
    int size = gate32 ? 4 : 2;
    if (!is_call) {
        seg_load_cs(cpu, tsel, clo, chi, cpl);
        cpu->eip = off;
        return;
    }
    if (!conforming && dpl < cpl) {
        /* More privileged: new stack from the TSS, parameters copied over. */
        struct segment *tr = &cpu->seg[S_TR];
        int tss32 = ((tr->flags >> DESC_TYPE_SHIFT) & 8) != 0;
        uint32_t pos = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
        if (pos + (tss32 ? 5 : 3) > tr->limit)
            cpu_raise(cpu, EXC_TS, tr->sel & 0xfffc, 1);
        uint32_t nsp = tss32 ? mem_ld(cpu, tr->base + pos, 4, 0) : mem_ld(cpu, tr->base + pos, 2, 0);
        uint16_t nss = mem_ld(cpu, tr->base + pos + (tss32 ? 4 : 2), 2, 0);
        uint32_t slo, shi;
        if ((nss & ~3u) == 0 || desc_read(cpu, nss, &slo, &shi) < 0 || (nss & 3) != dpl ||
            (int)((shi >> DESC_DPL_SHIFT) & 3) != dpl || !(shi & DESC_S) ||
            (((shi >> DESC_TYPE_SHIFT) & 0xa) != 0x2))
            cpu_raise(cpu, EXC_TS, nss & 0xfffc, 1);
        if (!(shi & DESC_P))
            cpu_raise(cpu, EXC_SS, nss & 0xfffc, 1);
        int nparams = hi & 0x1f;
        uint32_t params[32];
        uint32_t osp = cpu->r[R_ESP];
        for (int i = 0; i < nparams; i++) {
            uint32_t sp_i = osp + i * size;
            params[i] = stack_pop(cpu, &sp_i, size);
        }
        struct segment ss;
        seg_set_cache(&ss, nss, slo, shi);
        /* Push on the new stack, then commit. */
        struct stackp s = { ss.base, nsp, (shi & DESC_B) != 0, dpl == 3 };
        stackp_push(cpu, &s, cpu->seg[S_SS].sel, size);
        stackp_push(cpu, &s, osp, size);
        for (int i = nparams - 1; i >= 0; i--)
            stackp_push(cpu, &s, params[i], size);
        stackp_push(cpu, &s, cpu->seg[S_CS].sel, size);
        stackp_push(cpu, &s, next_eip, size);
        cpu->seg[S_SS] = ss;
        cpu->r[R_ESP] = s.sp;
        seg_load_cs(cpu, tsel, clo, chi, dpl);
        cpu->eip = off;
        cpu_update_hflags(cpu);
        return;
    }
    uint32_t sp = cpu->r[R_ESP];
    stack_push(cpu, &sp, cpu->seg[S_CS].sel, size);
    stack_push(cpu, &sp, next_eip, size);
    stack_commit(cpu, sp);
    seg_load_cs(cpu, tsel, clo, chi, cpl);
    cpu->eip = off;
}
