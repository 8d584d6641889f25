/*
 * interrupt.c - delivering interrupts and exceptions (real and protected
 * mode), and the stack pushes they share with the far-transfer monitor
 * entries.
 *
 * Protected mode follows the manual's gate checks: IDT limit, gate type,
 * DPL for software interrupts, present bit, target code segment; a gate to
 * a more privileged non-conforming segment switches to the stack named in
 * the TSS.  From virtual-8086 mode the target must be a non-conforming
 * ring 0 segment; the ring 0 stack then also receives GS, FS, DS and ES
 * (the 9-dword frame that IRET pops to go back) and those four are nulled,
 * so that the handler cannot use a real-mode segment base by accident.
 */
#include "cpu/flags.h"
#include "base/log.h"
#include "monitor/monitor.h"
#include "base/symbols.h"
#include "base/timer.h"
#include "softmmu/tlb.h"

struct monitor_stats monitor_stats;

void stackp_push(struct cpu *cpu, struct stackp *s, uint32_t v, int size)
{
    if (s->ss32) {
        s->sp -= size;
        mem_st(cpu, s->base + s->sp, v, size, s->mmu);
    } else {
        uint32_t sp16 = (s->sp - size) & 0xffff;
        s->sp = (s->sp & ~0xffffu) | sp16;
        mem_st(cpu, s->base + sp16, v, size, s->mmu);
    }
}

static uint32_t sp_pop(struct cpu *cpu, struct stackp *s, int size)
{
    uint32_t off = s->ss32 ? s->sp : (s->sp & 0xffff);
    uint32_t v = mem_ld(cpu, s->base + off, size, s->mmu);
    if (s->ss32)
        s->sp += size;
    else
        s->sp = (s->sp & ~0xffffu) | ((s->sp + size) & 0xffff);
    return v;
}

static struct stackp cur_stack(struct cpu *cpu, uint32_t sp)
{
    return (struct stackp){ cpu->seg[S_SS].base, sp, (cpu->hflags & HF_SS32) != 0,
                            cpu_cpl(cpu) == 3 };
}

void stack_push(struct cpu *cpu, uint32_t *sp, uint32_t val, int size)
{
    struct stackp s = cur_stack(cpu, *sp);
    stackp_push(cpu, &s, val, size);
    *sp = s.sp;
}

uint32_t stack_pop(struct cpu *cpu, uint32_t *sp, int size)
{
    struct stackp s = cur_stack(cpu, *sp);
    uint32_t v = sp_pop(cpu, &s, size);
    *sp = s.sp;
    return v;
}

void stack_commit(struct cpu *cpu, uint32_t sp)
{
    cpu->r[R_ESP] = sp;
}

static void deliver_real(struct cpu *cpu, int vector, uint32_t ret_eip)
{
    if ((uint32_t)vector * 4 + 3 > cpu->idt.limit)
        cpu_raise(cpu, EXC_GP, 0, 1);
    uint32_t sp = cpu->r[R_ESP];
    stack_push(cpu, &sp, cpu_get_eflags(cpu) & 0xffff, 2);
    stack_push(cpu, &sp, cpu->seg[S_CS].sel, 2);
    stack_push(cpu, &sp, ret_eip & 0xffff, 2);
    uint32_t ent = mem_ld(cpu, cpu->idt.base + vector * 4, 4, 0);
    stack_commit(cpu, sp);
    cpu_set_eflags(cpu, 0, F_IF | F_TF | F_AC | F_RF);
    seg_load_real(cpu, S_CS, ent >> 16);
    cpu->eip = ent & 0xffff;
}

/* #DE #BR #UD #NM #TS #NP #SS #GP #PF #MF #AC #XM: faults (#DB's instruction breakpoints aside). */
#define FAULT_VECTORS 0x000b7ce1u

static void deliver_protected(struct cpu *cpu, int vector, enum int_kind kind, int has_error,
                              uint32_t error, uint32_t ret_eip)
{
    uint32_t ext = (kind == INT_HW || kind == INT_EXC) ? 1 : 0;
    uint32_t gate_err = vector * 8 + 2 + ext;
    int cpl = cpu_cpl(cpu);
    int vm = (cpu->eflags & F_VM) != 0;
    if ((uint32_t)vector * 8 + 7 > cpu->idt.limit)
        cpu_raise(cpu, EXC_GP, gate_err, 1);
    uint32_t lo = mem_ld(cpu, cpu->idt.base + vector * 8, 4, 0);
    uint32_t hi = mem_ld(cpu, cpu->idt.base + vector * 8 + 4, 4, 0);
    int type = (hi >> 8) & 0x1f;
    int dpl = (hi >> DESC_DPL_SHIFT) & 3;
    if (type != 0x05 && type != 0x06 && type != 0x07 && type != 0x0e && type != 0x0f)
        cpu_raise(cpu, EXC_GP, gate_err, 1);
    if ((kind == INT_SOFT || kind == INT_SOFT_EXC) && dpl < cpl)
        cpu_raise(cpu, EXC_GP, vector * 8 + 2, 1);
    if (!(hi & DESC_P))
        cpu_raise(cpu, EXC_NP, gate_err, 1);
    if (type == 0x05) {
        task_switch(cpu, lo >> 16, kind == INT_EXC || kind == INT_HW ? TASK_EXC : TASK_INT, ret_eip,
                    has_error, error);
        return;
    }
    int gsize = (type & 8) ? 4 : 2;
    uint16_t sel = lo >> 16;
    uint32_t off = (lo & 0xffff) | (gsize == 4 ? (hi & 0xffff0000u) : 0);
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, EXC_GP, ext, 1);
    uint32_t clo, chi;
    if (desc_read(cpu, sel, &clo, &chi) < 0)
        cpu_raise(cpu, EXC_GP, (sel & 0xfffc) + ext, 1);
    int cdpl = (chi >> DESC_DPL_SHIFT) & 3;
    if (!(chi & DESC_S) || !(chi & DESC_CODE) || cdpl > cpl)
        cpu_raise(cpu, EXC_GP, (sel & 0xfffc) + ext, 1);
    if (!(chi & DESC_P))
        cpu_raise(cpu, EXC_NP, (sel & 0xfffc) + ext, 1);
    int conforming = (chi >> DESC_TYPE_SHIFT) & 4;
    if (vm && (conforming || cdpl != 0))
        cpu_raise(cpu, EXC_GP, (sel & 0xfffc) + ext, 1);
    uint32_t eflags = cpu_get_eflags(cpu);
    /* A fault pushes RF set, so that the handler's IRET does not break again on the
     * instruction it restarts (SDM 17.3.1.1); traps and interrupts push it as it is. */
    if (kind == INT_EXC && vector < 32 && (FAULT_VECTORS >> vector) & 1)
        eflags |= F_RF;
    /* INT n, INT3, INTO completed: the RF an IRET left for them is spent. */
    if (kind == INT_SOFT || kind == INT_SOFT_EXC)
        eflags &= ~F_RF;
    int new_cpl = cpl;
    struct stackp s;
    uint32_t sslo = 0, sshi = 0;
    uint16_t new_ss = 0;
    int switch_stack = !conforming && cdpl < cpl;
    if (switch_stack) {
        struct segment *tr = &cpu->seg[S_TR];
        int tss32 = ((tr->flags >> DESC_TYPE_SHIFT) & 8) != 0;
        uint32_t pos = tss32 ? 4 + cdpl * 8 : 2 + cdpl * 4;
        if (pos + (tss32 ? 5 : 3) > tr->limit)
            cpu_raise(cpu, EXC_TS, (tr->sel & 0xfffc) + ext, 1);
        uint32_t new_sp = tss32 ? mem_ld(cpu, tr->base + pos, 4, 0) : mem_ld(cpu, tr->base + pos, 2, 0);
        new_ss = mem_ld(cpu, tr->base + pos + (tss32 ? 4 : 2), 2, 0);
        if ((new_ss & ~3u) == 0 || desc_read(cpu, new_ss, &sslo, &sshi) < 0)
            cpu_raise(cpu, EXC_TS, (new_ss & 0xfffc) + ext, 1);
        int sstype = (sshi >> DESC_TYPE_SHIFT) & 0xf;
        if ((new_ss & 3) != cdpl || (int)((sshi >> DESC_DPL_SHIFT) & 3) != cdpl ||
            !(sshi & DESC_S) || (sstype & 0xa) != 0x2)
            cpu_raise(cpu, EXC_TS, (new_ss & 0xfffc) + ext, 1);
        if (!(sshi & DESC_P))
            cpu_raise(cpu, EXC_SS, (new_ss & 0xfffc) + ext, 1);
        struct segment tmp;
        seg_set_cache(&tmp, new_ss, sslo, sshi);
        s = (struct stackp){ tmp.base, new_sp, (sshi & DESC_B) != 0, cdpl == 3 };
        if (vm) {
            stackp_push(cpu, &s, cpu->seg[S_GS].sel, gsize);
            stackp_push(cpu, &s, cpu->seg[S_FS].sel, gsize);
            stackp_push(cpu, &s, cpu->seg[S_DS].sel, gsize);
            stackp_push(cpu, &s, cpu->seg[S_ES].sel, gsize);
        }
        stackp_push(cpu, &s, cpu->seg[S_SS].sel, gsize);
        stackp_push(cpu, &s, cpu->r[R_ESP], gsize);
        new_cpl = cdpl;
    } else {
        s = cur_stack(cpu, cpu->r[R_ESP]); /* conforming or same level: CPL stays */
    }
    stackp_push(cpu, &s, eflags, gsize);
    stackp_push(cpu, &s, cpu->seg[S_CS].sel, gsize);
    stackp_push(cpu, &s, ret_eip, gsize);
    if (has_error)
        stackp_push(cpu, &s, error, gsize);
    /* Nothing faulted: commit the new state. */
    if (switch_stack) {
        seg_set_cache(&cpu->seg[S_SS], new_ss, sslo, sshi);
    }
    cpu->r[R_ESP] = s.sp;
    if (vm) {
        static const int data_segs[4] = { S_ES, S_DS, S_FS, S_GS };
        for (int i = 0; i < 4; i++)
            cpu->seg[data_segs[i]] = (struct segment){ .sel = 0 };
    }
    /* EFLAGS first: with VM still set, hflags would keep CPL 3. */
    uint32_t clear = F_TF | F_NT | F_VM | F_RF;
    if (!(type & 1))
        clear |= F_IF;
    cpu_set_eflags(cpu, 0, clear);
    seg_load_cs(cpu, sel, clo, chi, new_cpl);
    cpu->eip = off;
    cpu_update_hflags(cpu);
}

void cpu_do_interrupt(struct cpu *cpu, int vector, enum int_kind kind, int has_error,
                      uint32_t error, uint32_t next_eip)
{
    uint32_t ret_eip = (kind == INT_SOFT || kind == INT_SOFT_EXC) ? next_eip : cpu->eip;
    if (log_enabled(LOG_INT)) {
        FILE *f = log_file ? log_file : stderr;
        char sym[128];
        fprintf(f, "INT: vector 0x%02x %s at %04x:%08x cpl=%d %s", vector,
                kind == INT_HW ? "(hardware)" : kind == INT_EXC ? "(exception)" : "(software)",
                cpu->seg[S_CS].sel, cpu->eip, cpu_cpl(cpu),
                symbols_format(cpu->seg[S_CS].base + cpu->eip, sym, sizeof(sym)));
        if (has_error)
            fprintf(f, " error=0x%x", error);
        if (vector == EXC_PF)
            fprintf(f, " cr2=0x%08x", cpu->cr[2]);
        fputc('\n', f);
    }
    if (kind == INT_EXC && vector < 32)
        monitor_stats.exceptions[vector]++;
    else
        monitor_stats.interrupts++;
    cpu->halted = 0;
    /* A delivery that faults unwinds from here: its time is not counted. */
    uint64_t t0 = monitor_stats.timing ? host_clock_ns() : 0;
    if (!(cpu->cr[0] & CR0_PE))
        deliver_real(cpu, vector, ret_eip);
    else
        deliver_protected(cpu, vector, kind, has_error, error, ret_eip);
    if (monitor_stats.timing) {
        if (kind == INT_EXC && vector < 32)
            monitor_stats.exception_ns[vector] += host_clock_ns() - t0;
        else
            monitor_stats.interrupt_ns += host_clock_ns() - t0;
    }
}
