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

static uint32_t pm_seg_needs_check(const struct segment *s);
static uint32_t addseg(const struct segment *s);

/*
 * cpu_update_hflags() after a protected-mode load of data segment seg,
 * which changes only that segment's check bit, SS.B and ADDSEG.
 */
static void seg_loaded_hflags(struct cpu *cpu, int seg)
{
    uint32_t h = cpu->hflags & ~(HF_SEGCHK(seg) | HF_ADDSEG | HF_SS32);
    h |= pm_seg_needs_check(&cpu->seg[seg]) << (HF_SEGCHK_SHIFT + seg);
    if (cpu->seg[S_SS].flags & DESC_B)
        h |= HF_SS32;
    cpu->hflags = h | addseg(cpu->seg);
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
        seg_loaded_hflags(cpu, seg);
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
    seg_loaded_hflags(cpu, seg);
}

/*
 * Whether accesses through a segment need seg_check: all but an expand-up,
 * writable, 4 GiB data segment in protected mode, the flat segment every
 * modern OS uses, so that its code pays nothing.  CS is a code segment:
 * its overrides are always checked.  Straight-line, as cpu_update_hflags
 * runs at every far transfer and segment load.
 */
static uint32_t pm_seg_needs_check(const struct segment *s)
{
    const uint32_t mask = DESC_P | (0xeu << DESC_TYPE_SHIFT), flat = DESC_P | (0x2u << DESC_TYPE_SHIFT);
    return ((s->flags & mask) != flat) | (s->limit != 0xffffffffu);
}

static uint32_t addseg(const struct segment *s)
{
    return s[S_DS].base | s[S_ES].base | s[S_SS].base | s[S_CS].base ? HF_ADDSEG : 0;
}

void cpu_update_hflags(struct cpu *cpu)
{
    uint32_t h = cpu->hflags & (HF_CPL_MASK | HF_INHIBIT_IRQ);
    const struct segment *s = cpu->seg;
    if ((cpu->cr[0] & CR0_PE) && !(cpu->eflags & F_VM)) {
        h |= HF_PE | addseg(s) | HF_SEGCHK(S_CS);
        if (s[S_CS].flags & DESC_B)
            h |= HF_CODE32;
        if (s[S_SS].flags & DESC_B)
            h |= HF_SS32;
        h |= pm_seg_needs_check(&s[S_ES]) << (HF_SEGCHK_SHIFT + S_ES);
        h |= pm_seg_needs_check(&s[S_SS]) << (HF_SEGCHK_SHIFT + S_SS);
        h |= pm_seg_needs_check(&s[S_DS]) << (HF_SEGCHK_SHIFT + S_DS);
        h |= pm_seg_needs_check(&s[S_FS]) << (HF_SEGCHK_SHIFT + S_FS);
        h |= pm_seg_needs_check(&s[S_GS]) << (HF_SEGCHK_SHIFT + S_GS);
    } else {
        /* virtual-8086: CPL 3; real mode: CPL 0 */
        h |= HF_ADDSEG;
        if (cpu->eflags & F_VM)
            h |= HF_VM86 | HF_PE | (3u << HF_CPL_SHIFT);
        if (!(cpu->cr[0] & CR0_PE))
            h &= ~HF_CPL_MASK;
        for (int seg = S_ES; seg <= S_GS; seg++)
            if (s[seg].limit != 0xffffffffu)
                h |= HF_SEGCHK(seg);
    }
    if (cpu->cr[0] & CR0_PG)
        h |= HF_PG;
    cpu->hflags = h;
}

static void flat_seg(struct segment *s, uint16_t sel, int code, int dpl)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->flags = DESC_P | DESC_S | DESC_B | DESC_G | ((uint32_t)dpl << DESC_DPL_SHIFT) |
               ((code ? 0xbu : 0x3u) << DESC_TYPE_SHIFT);
}

void seg_load_flat_cs_ss(struct cpu *cpu, uint16_t cs, uint16_t ss, int cpl)
{
    flat_seg(&cpu->seg[S_CS], cs, 1, cpl);
    flat_seg(&cpu->seg[S_SS], ss, 0, cpl);
    uint32_t h = cpu->hflags & ~(HF_CPL_MASK | HF_SEGCHK(S_SS) | HF_ADDSEG);
    h |= (uint32_t)cpl << HF_CPL_SHIFT;
    if (h & HF_VM86) {
        /* SYSENTER from virtual-8086 mode: every segment's bits change */
        cpu->hflags = h;
        cpu_update_hflags(cpu);
        return;
    }
    /* what cpu_update_hflags() gives in protected mode for these two */
    cpu->hflags = h | HF_CODE32 | HF_SS32 | addseg(cpu->seg);
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
