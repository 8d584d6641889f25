/*
 * monitor_far.c - far control transfers and segment loads: MOV/POP to a
 * segment register, LDS..LSS, far JMP/CALL/RET, INT n, IRET.
 *
 * These are sensitive but unprivileged: a deprivileged kernel executing
 * them would see its own CPL in the selectors, so the monitor emulates
 * each against the virtual CPU.  Call gates and task switches are in
 * monitor/task.c; virtual-8086 mode takes the real-mode paths here, and IRET
 * enters and (at IOPL 3) runs inside it.
 */
#include "cpu/flags.h"
#include "monitor/monitor_entries.h"
#include "monitor/monitor.h"
#include "softmmu/tlb.h"

uint32_t helper_load_seg(struct cpu *cpu, uint32_t seg, uint32_t sel, uint32_t c, uint32_t next)
{
    seg_load(cpu, seg, sel & 0xffff);
    return 0;
}

static int pmode(struct cpu *cpu)
{
    return (cpu->cr[0] & CR0_PE) && !(cpu->eflags & F_VM);
}

/* Checks for a direct far JMP/CALL/RET target; returns the new CPL. */
static void code_desc(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, EXC_GP, 0, 1);
    if (desc_read(cpu, sel, lo, hi) < 0)
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
}

static void far_transfer(struct cpu *cpu, uint16_t sel, uint32_t off, int size, int is_call,
                         uint32_t next)
{
    if (!pmode(cpu)) {
        uint32_t sp = cpu->r[R_ESP];
        if (is_call) {
            stack_push(cpu, &sp, cpu->seg[S_CS].sel, size);
            stack_push(cpu, &sp, next, size);
        }
        stack_commit(cpu, sp);
        seg_load_real(cpu, S_CS, sel);
        cpu->eip = size == 2 ? off & 0xffff : off;
        return;
    }
    uint32_t lo, hi;
    code_desc(cpu, sel, &lo, &hi);
    int cpl = cpu_cpl(cpu), dpl = (hi >> DESC_DPL_SHIFT) & 3, rpl = sel & 3;
    int stype = (hi >> DESC_TYPE_SHIFT) & 0xf;
    if (!(hi & DESC_S)) {
        enum task_source ts = is_call ? TASK_CALL : TASK_JMP;
        switch (stype) {
        case 4: case 12: /* call gate */
            call_gate(cpu, sel, lo, hi, is_call, next);
            return;
        case 1: case 9: /* available TSS */
            if (dpl < cpl || dpl < rpl)
                cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
            task_switch(cpu, sel, ts, next, 0, 0);
            return;
        case 5: /* task gate */
            if (dpl < cpl || dpl < rpl)
                cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
            if (!(hi & DESC_P))
                cpu_raise(cpu, EXC_NP, sel & 0xfffc, 1);
            task_switch(cpu, lo >> 16, ts, next, 0, 0);
            return;
        default: /* busy TSS, LDT, interrupt gates...: no transfer */
            cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
        }
    }
    if (!(hi & DESC_CODE))
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    if (hi & (4u << DESC_TYPE_SHIFT)) {
        if (dpl > cpl)
            cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    } else if (rpl > cpl || dpl != cpl) {
        cpu_raise(cpu, EXC_GP, sel & 0xfffc, 1);
    }
    if (!(hi & DESC_P))
        cpu_raise(cpu, EXC_NP, sel & 0xfffc, 1);
    struct segment tmp;
    seg_set_cache(&tmp, sel, lo, hi);
    if (size == 2)
        off &= 0xffff;
    if (off > tmp.limit)
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint32_t sp = cpu->r[R_ESP];
    if (is_call) {
        stack_push(cpu, &sp, cpu->seg[S_CS].sel, size);
        stack_push(cpu, &sp, next, size);
    }
    stack_commit(cpu, sp);
    seg_load_cs(cpu, sel, lo, hi, cpl);
    cpu->eip = off;
}

uint32_t helper_jmpf(struct cpu *cpu, uint32_t sel, uint32_t off, uint32_t size, uint32_t next)
{
    far_transfer(cpu, sel, off, size, 0, next);
    return 0;
}

uint32_t helper_callf(struct cpu *cpu, uint32_t sel, uint32_t off, uint32_t size, uint32_t next)
{
    far_transfer(cpu, sel, off, size, 1, next);
    return 0;
}

/* Data segments the outer level may not see are nulled on a return outward. */
static void null_inaccessible(struct cpu *cpu, int cpl)
{
    static const int segs[4] = { S_ES, S_DS, S_FS, S_GS };
    for (int i = 0; i < 4; i++) {
        struct segment *s = &cpu->seg[segs[i]];
        int dpl = (s->flags >> DESC_DPL_SHIFT) & 3;
        int conforming_code = (s->flags & DESC_CODE) && (s->flags & (4u << DESC_TYPE_SHIFT));
        if ((s->sel & ~3u) && !conforming_code && dpl < cpl)
            *s = (struct segment){ .sel = 0 };
    }
}

/* Common tail of RETF and IRET: CS:EIP popped, maybe SS:ESP too. */
static void return_far(struct cpu *cpu, uint32_t *sp, uint16_t cs, uint32_t eip, int size,
                       uint32_t imm)
{
    int cpl = cpu_cpl(cpu), rpl = cs & 3;
    uint32_t lo, hi;
    code_desc(cpu, cs, &lo, &hi);
    int dpl = (hi >> DESC_DPL_SHIFT) & 3;
    if (rpl < cpl || !(hi & DESC_S) || !(hi & DESC_CODE))
        cpu_raise(cpu, EXC_GP, cs & 0xfffc, 1);
    if ((hi & (4u << DESC_TYPE_SHIFT)) ? dpl > rpl : dpl != rpl)
        cpu_raise(cpu, EXC_GP, cs & 0xfffc, 1);
    if (!(hi & DESC_P))
        cpu_raise(cpu, EXC_NP, cs & 0xfffc, 1);
    *sp += imm;
    if (rpl > cpl) {
        uint32_t nsp = stack_pop(cpu, sp, size);
        uint16_t nss = stack_pop(cpu, sp, size);
        uint32_t slo, shi;
        if ((nss & ~3u) == 0 || desc_read(cpu, nss, &slo, &shi) < 0)
            cpu_raise(cpu, EXC_GP, nss & 0xfffc, 1);
        int stype = (shi >> DESC_TYPE_SHIFT) & 0xf;
        if ((nss & 3) != rpl || (int)((shi >> DESC_DPL_SHIFT) & 3) != rpl || !(shi & DESC_S) ||
            (stype & 0xa) != 0x2)
            cpu_raise(cpu, EXC_GP, nss & 0xfffc, 1);
        if (!(shi & DESC_P))
            cpu_raise(cpu, EXC_SS, nss & 0xfffc, 1);
        seg_load_cs(cpu, cs, lo, hi, rpl);
        seg_set_cache(&cpu->seg[S_SS], nss, slo, shi);
        cpu->r[R_ESP] = nsp + imm;
        null_inaccessible(cpu, rpl);
    } else {
        seg_load_cs(cpu, cs, lo, hi, cpl);
        stack_commit(cpu, *sp);
    }
    cpu->eip = eip;
    cpu_update_hflags(cpu);
}

uint32_t helper_retf(struct cpu *cpu, uint32_t imm, uint32_t size, uint32_t c, uint32_t next)
{
    uint32_t sp = cpu->r[R_ESP];
    uint32_t eip = stack_pop(cpu, &sp, size);
    uint16_t cs = stack_pop(cpu, &sp, size);
    if (size == 2)
        eip &= 0xffff;
    if (!pmode(cpu)) {
        sp += imm;
        stack_commit(cpu, sp);
        seg_load_real(cpu, S_CS, cs);
        cpu->eip = eip;
        return 0;
    }
    return_far(cpu, &sp, cs, eip, size, imm);
    return 0;
}

uint32_t helper_int(struct cpu *cpu, uint32_t vector, uint32_t kind, uint32_t c, uint32_t next)
{
    if (kind == 3) { /* ICEBP (F1): a #DB trap, without the DPL check of INT n */
        cpu->eip = next;
        cpu_do_interrupt(cpu, EXC_DB, INT_EXC, 0, 0, next);
        return 0;
    }
    if (kind == 2) { /* INTO */
        if (!(cpu_get_eflags(cpu) & F_OF)) {
            cpu->eip = next;
            return 0;
        }
    }
    if ((cpu->eflags & F_VM) && ((cpu->eflags & F_IOPL) >> 12) < 3 && kind == 0)
        cpu_raise(cpu, EXC_GP, 0, 1);
    cpu->eip = cpu->insn_eip;
    cpu_do_interrupt(cpu, vector, kind ? INT_SOFT_EXC : INT_SOFT, 0, 0, next);
    return 0;
}

/*
 * IRET inside virtual-8086 mode: a real-mode IRET when IOPL is 3 (without
 * VME there is nothing else), except that it cannot change IOPL or leave
 * the mode; below IOPL 3 the monitor above gets a #GP(0) to emulate it.
 */
static uint32_t iret_in_vm86(struct cpu *cpu, int size)
{
    if (((cpu->eflags & F_IOPL) >> 12) < 3)
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint32_t sp = cpu->r[R_ESP];
    uint32_t eip = stack_pop(cpu, &sp, size);
    uint16_t cs = stack_pop(cpu, &sp, size);
    uint32_t fl = stack_pop(cpu, &sp, size);
    if (size == 2)
        eip &= 0xffff;
    else if (eip > 0xffff)
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint32_t mask = 0x257fd5u & ~(F_IOPL | F_VM | F_VIP | F_VIF);
    if (size == 2)
        mask &= 0xffff;
    stack_commit(cpu, sp);
    seg_load_real(cpu, S_CS, cs);
    cpu->eip = eip;
    cpu_set_eflags(cpu, fl, mask);
    return 0;
}

/*
 * IRET at CPL 0 with VM set in the popped EFLAGS: the rest of the 9-dword
 * frame an interrupt from virtual-8086 mode pushed (ESP, SS, ES, DS, FS,
 * GS), every segment loaded real-mode style, CPL 3.
 */
static uint32_t iret_to_vm86(struct cpu *cpu, uint32_t sp, uint16_t cs, uint32_t eip, uint32_t fl)
{
    static const int segs[5] = { S_SS, S_ES, S_DS, S_FS, S_GS };
    uint32_t esp = stack_pop(cpu, &sp, 4);
    uint16_t sel[5];
    for (int i = 0; i < 5; i++)
        sel[i] = stack_pop(cpu, &sp, 4);
    if (eip > 0xffff)
        cpu_raise(cpu, EXC_GP, 0, 1);
    cpu_set_eflags(cpu, fl, 0x003f7fd7u);
    seg_load_real(cpu, S_CS, cs);
    for (int i = 0; i < 5; i++)
        seg_load_real(cpu, segs[i], sel[i]);
    cpu->r[R_ESP] = esp;
    cpu->eip = eip;
    cpu_update_hflags(cpu);
    return 0;
}

uint32_t helper_iret(struct cpu *cpu, uint32_t size, uint32_t b, uint32_t c, uint32_t next)
{
    uint32_t sp = cpu->r[R_ESP];
    cpu->nmi_blocked = 0; /* the end of an NMI handler lets the next NMI in */
    if (!(cpu->cr[0] & CR0_PE)) {
        uint32_t eip = stack_pop(cpu, &sp, size);
        uint16_t cs = stack_pop(cpu, &sp, size);
        uint32_t fl = stack_pop(cpu, &sp, size);
        stack_commit(cpu, sp);
        seg_load_real(cpu, S_CS, cs);
        cpu->eip = size == 2 ? eip & 0xffff : eip;
        uint32_t mask = size == 2 ? 0xffff : (0x257fd5u & ~(F_VM | F_VIP | F_VIF | F_RF));
        cpu_set_eflags(cpu, fl, mask & ~0x2u);
        return 0;
    }
    if (cpu->eflags & F_VM)
        return iret_in_vm86(cpu, size);
    if (cpu->eflags & F_NT) {
        /* Return to the task that called or interrupted this one. */
        uint16_t back = mem_ld(cpu, cpu->seg[S_TR].base, 2, 0);
        task_switch(cpu, back, TASK_IRET, next, 0, 0);
        return 0;
    }
    int cpl = cpu_cpl(cpu);
    uint32_t eip = stack_pop(cpu, &sp, size);
    uint16_t cs = stack_pop(cpu, &sp, size);
    uint32_t fl = stack_pop(cpu, &sp, size);
    if (size == 2)
        eip &= 0xffff;
    if ((fl & F_VM) && cpl == 0 && size == 4)
        return iret_to_vm86(cpu, sp, cs, eip, fl);
    return_far(cpu, &sp, cs, eip, size, 0);
    uint32_t iopl = (cpu->eflags & F_IOPL) >> 12;
    uint32_t mask = F_ARITH | F_TF | F_DF | F_NT | F_RF | F_AC | F_ID;
    if (cpl == 0)
        mask |= F_IOPL | F_IF | F_VIF | F_VIP;
    else if (cpl <= (int)iopl)
        mask |= F_IF;
    if (size == 2)
        mask &= 0xffff;
    cpu_set_eflags(cpu, fl, mask);
    return 0;
}
