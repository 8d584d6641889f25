/*
 * segment.c - segment registers and descriptor tables.
 *
 * Every segment load in protected mode comes here and gets the checks of
 * the manual (present, type, DPL/RPL/CPL) with the architectural fault and
 * error code.  In real and virtual-8086 mode a load just sets base =
 * selector * 16.
 */
#include "softmmu/segment.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

int desc_read(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    uint32_t base, limit;
    if (sel & 4) {
        /* No LDT loaded (null LDTR) or not present: nothing to index. */
        if (!(cpu->seg[S_LDTR].flags & DESC_P) || (cpu->seg[S_LDTR].sel & ~3u) == 0)
            return -1;
        base = cpu->seg[S_LDTR].base;
        limit = cpu->seg[S_LDTR].limit;
    } else {
        base = cpu->gdt.base;
        limit = cpu->gdt.limit;
    }
    uint32_t off = sel & ~7u;
    if (off + 7 > limit)
        return -1;
    /* Descriptor tables are read with supervisor rights, whatever the CPL. */
    *lo = mem_ld(cpu, base + off, 4, 0);
    *hi = mem_ld(cpu, base + off + 4, 4, 0);
    return 0;
}

static void desc_set_accessed(struct cpu *cpu, uint16_t sel, uint32_t hi)
{
    if (hi & (1u << 8))
        return;
    uint32_t base = (sel & 4) ? cpu->seg[S_LDTR].base : cpu->gdt.base;
    mem_st(cpu, base + (sel & ~7u) + 4, hi | (1u << 8), 4, 0);
}

void seg_set_cache(struct segment *s, uint16_t sel, uint32_t lo, uint32_t hi)
{
    s->sel = sel;
    s->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    uint32_t limit = (lo & 0xffff) | (hi & 0x000f0000u);
    if (hi & DESC_G)
        limit = (limit << 12) | 0xfff;
    s->limit = limit;
    s->flags = hi & 0x00f0ff00u;
}

void seg_load_real(struct cpu *cpu, int seg, uint16_t sel)
{
    struct segment *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu->eflags & F_VM) {
        s->limit = 0xffff;
        s->flags = DESC_P | DESC_S | (3u << DESC_DPL_SHIFT) | (seg == S_CS ? (0xbu << 8) : (0x3u << 8));
    }
    cpu_update_hflags(cpu);
}

void seg_load_cs(struct cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi, int cpl)
{
    seg_set_cache(&cpu->seg[S_CS], (sel & ~3u) | cpl, lo, hi);
    desc_set_accessed(cpu, sel, hi);
    cpu->hflags = (cpu->hflags & ~HF_CPL_MASK) | ((uint32_t)cpl << HF_CPL_SHIFT);
    cpu_update_hflags(cpu);
}

void seg_load(struct cpu *cpu, int seg, uint16_t sel)
{
    if (!(cpu->cr[0] & CR0_PE) || (cpu->eflags & F_VM)) {
        seg_load_real(cpu, seg, sel);
        if (seg == S_SS)
            cpu->hflags |= HF_INHIBIT_IRQ;
        return;
    }
    int cpl = cpu_cpl(cpu), rpl = sel & 3;
    uint32_t err = sel & 0xfffc;
    if ((sel & ~3u) == 0) {
        if (seg == S_SS)
            cpu_raise(cpu, EXC_GP, 0, 1);
        /* A null selector loads fine; using it faults (not present). */
        cpu->seg[seg] = (struct segment){ .sel = sel };
        cpu_update_hflags(cpu);
        return;
    }
    uint32_t lo, hi;
    if (desc_read(cpu, sel, &lo, &hi) < 0)
        cpu_raise(cpu, EXC_GP, err, 1);
    int dpl = (hi >> DESC_DPL_SHIFT) & 3;
    int type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    if (!(hi & DESC_S))
        cpu_raise(cpu, EXC_GP, err, 1);
    if (seg == S_SS) {
        /* Writable data, RPL = DPL = CPL. */
        if ((type & 0xa) != 0x2 || rpl != cpl || dpl != cpl)
            cpu_raise(cpu, EXC_GP, err, 1);
        if (!(hi & DESC_P))
            cpu_raise(cpu, EXC_SS, err, 1);
    } else {
        /* Data, or readable code. */
        if ((type & 0xa) == 0x8)
            cpu_raise(cpu, EXC_GP, err, 1);
        int conforming_code = (type & 0xc) == 0xc;
        if (!conforming_code && (dpl < cpl || dpl < rpl))
            cpu_raise(cpu, EXC_GP, err, 1);
        if (!(hi & DESC_P))
            cpu_raise(cpu, EXC_NP, err, 1);
    }
    desc_set_accessed(cpu, sel, hi);
    seg_set_cache(&cpu->seg[seg], sel, lo, hi | (1u << 8));
    if (seg == S_SS)
        cpu->hflags |= HF_INHIBIT_IRQ;
    cpu_update_hflags(cpu);
}

/*
 * Whether accesses through a segment need seg_check: all but an expand-up,
 * writable, 4 GiB data segment in protected mode, the flat segment every
 * modern OS uses, so that its code pays nothing.  CS is a code segment:
 * its overrides are always checked.
 */
static int seg_needs_check(const struct cpu *cpu, int seg, int pm)
{
    const struct segment *s = &cpu->seg[seg];
    if (!pm)
        return s->limit != 0xffffffffu;
    if (seg == S_CS || !(s->flags & DESC_P))
        return 1;
    uint32_t type = (s->flags >> DESC_TYPE_SHIFT) & 0xf;
    return (type & 0xe) != 0x2 || s->limit != 0xffffffffu;
}

void cpu_update_hflags(struct cpu *cpu)
{
    uint32_t h = cpu->hflags & (HF_CPL_MASK | HF_INHIBIT_IRQ);
    int pe = (cpu->cr[0] & CR0_PE) != 0, vm = (cpu->eflags & F_VM) != 0;
    if (pe && !vm) {
        if (cpu->seg[S_CS].flags & DESC_B)
            h |= HF_CODE32;
        if (cpu->seg[S_SS].flags & DESC_B)
            h |= HF_SS32;
        h |= HF_PE;
    }
    if (vm)
        h |= HF_VM86 | HF_PE | (3u << HF_CPL_SHIFT);
    if (!pe)
        h &= ~HF_CPL_MASK;
    if (cpu->cr[0] & CR0_PG)
        h |= HF_PG;
    if (!pe || vm || cpu->seg[S_DS].base || cpu->seg[S_ES].base || cpu->seg[S_SS].base ||
        cpu->seg[S_CS].base)
        h |= HF_ADDSEG;
    for (int seg = S_ES; seg <= S_GS; seg++)
        if (seg_needs_check(cpu, seg, pe && !vm))
            h |= HF_SEGCHK(seg);
    cpu->hflags = h;
}

void seg_check(struct cpu *cpu, int seg, uint32_t off, int size, int write)
{
    const struct segment *s = &cpu->seg[seg];
    /* Beyond the limit of SS is #SS(0); everything else is #GP(0). */
    int vec = seg == S_SS ? EXC_SS : EXC_GP;
    uint32_t last = off + (uint32_t)(size - 1);
    if ((cpu->cr[0] & CR0_PE) && !(cpu->eflags & F_VM)) {
        if (!(s->flags & DESC_P)) /* a null selector */
            cpu_raise(cpu, EXC_GP, 0, 1);
        uint32_t type = (s->flags >> DESC_TYPE_SHIFT) & 0xf;
        /* Code is never writable and readable only with R; data needs W to be written. */
        if ((type & 0x8) ? (write || !(type & 0x2)) : (write && !(type & 0x2)))
            cpu_raise(cpu, EXC_GP, 0, 1);
        if ((type & 0xc) == 0x4) {
            /* Expand-down: offsets above the limit, up to 64 KiB or 4 GiB by B. */
            uint32_t upper = (s->flags & DESC_B) ? 0xffffffffu : 0xffffu;
            if (off <= s->limit || last > upper || last < off)
                cpu_raise(cpu, vec, 0, 1);
            return;
        }
    }
    if (last < off || last > s->limit)
        cpu_raise(cpu, vec, 0, 1);
}
