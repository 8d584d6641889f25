/*
 * lapic.c - the local APIC (xAPIC) of a P6-class CPU, as the SDM (Vol. 3,
 * chapter 10) describes it and QEMU's `pc` machine shows it to a guest.
 *
 * Interrupts are 256 bits in each of IRR (accepted), ISR (in service) and
 * TMR (level-triggered when accepted).  The CPU takes the highest IRR
 * vector whose priority class (vector >> 4) is above the processor
 * priority, PPR: the TPR, or the class of the highest ISR vector when that
 * is higher.  EOI retires the highest ISR vector and, when it was accepted
 * level-triggered, tells the I/O APIC (remote IRR).  Vectors 0-15 are
 * illegal: they are never accepted and set the error status instead.
 *
 * The 8259 is wired to LINT0: while LINT0 is an unmasked ExtINT entry, or
 * the APIC is globally off (IA32_APIC_BASE.EN clear, when LINT0/LINT1 are
 * the plain INTR/NMI pins), the 8259's INT reaches the CPU and INTA goes to
 * the 8259.  APIC vectors come first, as in QEMU.
 *
 * The timer: the initial count and the virtual time it was written at are
 * enough to know the current count and the next expiry (one-shot or
 * periodic, initial count ticks per period), so nothing counts while the
 * guest runs and a late poll loses no periods' phase.  The time base is
 * 1 GHz (QEMU's) divided by the divide configuration register.  A period
 * is the initial count's ticks, as the count runs from it down to 1 and
 * reloads at 0 (QEMU's is one tick longer).
 *
 * The ICR sends on the APIC bus (struct lapic_bus) to the APICs its
 * destination or shorthand names; an APIC on no bus reaches only itself.
 * INIT and Startup messages go to the CPU through the wiring (init, sipi);
 * an INIT of the bootstrap processor is not modelled (bt86 boots with no
 * firmware at the reset vector to run).  The delivery-status bit always
 * reads idle, because delivery completes within the write.
 */
#include "hw/lapic.h"

#include "base/log.h"
#include "base/timer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Register indexes: offset >> 4. */
enum {
    R_ID = 0x02,
    R_VERSION = 0x03,
    R_TPR = 0x08,
    R_APR = 0x09,
    R_PPR = 0x0a,
    R_EOI = 0x0b,
    R_RRD = 0x0c,
    R_LDR = 0x0d,
    R_DFR = 0x0e,
    R_SVR = 0x0f,
    R_ISR = 0x10,
    R_TMR = 0x18,
    R_IRR = 0x20,
    R_ESR = 0x28,
    R_ICR_LO = 0x30,
    R_ICR_HI = 0x31,
    R_LVT = 0x32, /* timer, thermal, perf, LINT0, LINT1, error */
    R_TIMER_INIT = 0x38,
    R_TIMER_CUR = 0x39,
    R_TIMER_DIV = 0x3e,
};

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)
#define LVT_PERIODIC (1u << 17)
#define SVR_ENABLE (1u << 8)
#define VERSION 0x14 /* an integrated APIC, as QEMU's */
/* IA32_APIC_BASE's reserved bits: 0-7, 9 (none), 10 (x2APIC, not implemented), 36-63. */
#define BASE_RESERVED (~(LAPIC_BASE_ADDR | LAPIC_BASE_EN | LAPIC_BASE_BSP))

/* ESR bits. */
#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)
#define ESR_ILLEGAL_REG (1u << 7)

/* The bits of each LVT entry that exist: vector, delivery mode (not the
 * timer's nor the error's), polarity and trigger (LINT only), mask, and the
 * timer's mode (no TSC-deadline: CPUID does not show it). */
static const uint32_t lvt_bits[LVT_COUNT] = {
    [LVT_TIMER] = 0x300ff,   [LVT_THERMAL] = 0x107ff, [LVT_PERF] = 0x107ff,
    [LVT_LINT0] = 0x1a7ff,   [LVT_LINT1] = 0x1a7ff,   [LVT_ERROR] = 0x100ff,
};

struct lapic {
    struct lapic_wiring w;
    uint64_t base; /* IA32_APIC_BASE */
    uint8_t id, hw_id; /* the ID register; the one the board gave (reset) */
    uint8_t tpr;
    uint8_t ldr, dfr; /* LDR bits 24-31; DFR model bits 28-31 */
    uint32_t svr;
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t esr, esr_pending;
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint32_t timer_init, timer_div;
    uint64_t timer_load; /* virtual ns when the initial count was written */
    struct timer timer;
    int lint[2];    /* input levels */
    int extint_msg; /* an ExtINT message (I/O APIC) waiting for INTA */
    struct lapic_bus *bus; /* kept across resets */
};

static int get_bit(const uint32_t *v, int n)
{
    return (v[n >> 5] >> (n & 31)) & 1;
}

static void set_bit(uint32_t *v, int n, int on)
{
    if (on)
        v[n >> 5] |= 1u << (n & 31);
    else
        v[n >> 5] &= ~(1u << (n & 31));
}

/* The highest vector set, or -1. */
static int highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--)
        if (v[i])
            return i * 32 + 31 - __builtin_clz(v[i]);
    return -1;
}

static int sw_enabled(const struct lapic *a)
{
    return (a->base & LAPIC_BASE_EN) && (a->svr & SVR_ENABLE);
}

static uint8_t ppr(const struct lapic *a)
{
    int isrv = highest(a->isr);
    uint8_t isr_class = isrv < 0 ? 0 : (uint8_t)(isrv & 0xf0);
    return (a->tpr & 0xf0) >= isr_class ? a->tpr : isr_class;
}

/* The IRR vector the CPU would take now, or -1. */
static int deliverable(const struct lapic *a)
{
    if (!sw_enabled(a))
        return -1;
    int v = highest(a->irr);
    if (v < 0 || (v & 0xf0) <= (ppr(a) & 0xf0))
        return -1;
    return v;
}

static int extint_pending(const struct lapic *a)
{
    if (a->extint_msg)
        return 1;
    if (!a->lint[0])
        return 0;
    if (!(a->base & LAPIC_BASE_EN))
        return 1; /* the APIC is off: LINT0 is the CPU's INTR pin */
    uint32_t lvt = a->lvt[LVT_LINT0];
    return !(lvt & LVT_MASKED) && ((lvt >> 8) & 7) == LAPIC_DM_EXTINT;
}

int lapic_intr_level(const struct lapic *a)
{
    return deliverable(a) >= 0 || extint_pending(a);
}

static void update(struct lapic *a)
{
    a->w.intr(a->w.opaque, lapic_intr_level(a));
}

/* An error condition: latched in the ESR at its next write, and the error
 * LVT entry's interrupt (itself an edge on a legal vector or nothing). */
static void error(struct lapic *a, uint32_t bits)
{
    int fresh = (a->esr_pending & bits) != bits;
    a->esr_pending |= bits;
    uint32_t lvt = a->lvt[LVT_ERROR];
    if (fresh && !(lvt & LVT_MASKED) && (lvt & 0xff) >= 16) {
        set_bit(a->irr, lvt & 0xff, 1);
        set_bit(a->tmr, lvt & 0xff, 0);
    }
}

static void accept_fixed(struct lapic *a, int vector, int level_trig)
{
    if (vector < 16) {
        error(a, ESR_RECV_ILLEGAL);
        return;
    }
    set_bit(a->irr, vector, 1);
    set_bit(a->tmr, vector, level_trig);
}

void lapic_accept(struct lapic *a, int mode, int vector, int level_trig)
{
    if (!(a->base & LAPIC_BASE_EN))
        return; /* off: no APIC messages reach the CPU */
    switch (mode) {
    case LAPIC_DM_FIXED:
    case LAPIC_DM_LOWEST: /* the lowest priority of one CPU is that CPU */
        accept_fixed(a, vector & 0xff, level_trig);
        break;
    case LAPIC_DM_NMI:
        a->w.nmi(a->w.opaque);
        break;
    case LAPIC_DM_EXTINT:
        a->extint_msg = 1;
        break;
    case LAPIC_DM_INIT:
        if (!(a->base & LAPIC_BASE_BSP) && a->w.init) {
            /* INIT resets the APIC but for its ID (SDM 10.4.7.3). */
            uint8_t id = a->id;
            lapic_reset(a);
            a->id = id;
            a->w.init(a->w.opaque);
            return;
        }
        goto unmodelled;
    case LAPIC_DM_STARTUP:
        if (a->w.sipi) {
            a->w.sipi(a->w.opaque, vector & 0xff);
            return;
        }
        goto unmodelled;
    case LAPIC_DM_SMI:
    default:
    unmodelled:
        /* No INIT of the BSP (no firmware to restart), no SMM. */
        if (log_enabled(LOG_UNIMP))
            fprintf(log_file ? log_file : stderr,
                    "lapic: delivery mode %d to APIC %d ignored\n", mode, a->id);
        break;
    }
    update(a);
}

/* An LVT entry fires (the timer, LINT0/1 as fixed or NMI, thermal, perf). */
static void lvt_fire(struct lapic *a, int n)
{
    uint32_t lvt = a->lvt[n];
    if ((lvt & LVT_MASKED) || !(a->base & LAPIC_BASE_EN))
        return;
    int mode = n == LVT_TIMER || n == LVT_ERROR ? LAPIC_DM_FIXED : (lvt >> 8) & 7;
    switch (mode) {
    case LAPIC_DM_FIXED:
        if ((lvt & 0xff) < 16) {
            error(a, ESR_RECV_ILLEGAL); /* a local interrupt is received, not sent */
            break;
        }
        accept_fixed(a, lvt & 0xff, (n == LVT_LINT0 || n == LVT_LINT1) && (lvt & LVT_LEVEL));
        break;
    case LAPIC_DM_NMI:
        a->w.nmi(a->w.opaque);
        break;
    default:
        break; /* ExtINT is a level (extint_pending); SMI and INIT: none here */
    }
    update(a);
}

/* ---------------------------------------------------------------- timer */

static unsigned timer_shift(const struct lapic *a)
{
    unsigned d = (a->timer_div & 3) | ((a->timer_div & 8) >> 1);
    return (d + 1) & 7; /* 0b111: divide by 1 */
}

static uint64_t now(struct lapic *a)
{
    return clock_now(a->w.clock);
}

static uint32_t timer_current(struct lapic *a)
{
    if (!a->timer_init)
        return 0;
    uint64_t ticks = (now(a) - a->timer_load) >> timer_shift(a);
    if (a->lvt[LVT_TIMER] & LVT_PERIODIC)
        return a->timer_init - (uint32_t)(ticks % a->timer_init);
    return ticks >= a->timer_init ? 0 : a->timer_init - (uint32_t)ticks;
}

/* Arm the timer at the next time after virtual time t the count reaches
 * zero, if it will and that interrupt is unmasked. */
static void timer_rearm_at(struct lapic *a, uint64_t t)
{
    if (!a->timer_init || (a->lvt[LVT_TIMER] & LVT_MASKED)) {
        timer_del(&a->timer);
        return;
    }
    unsigned shift = timer_shift(a);
    uint64_t ticks = (t - a->timer_load) >> shift, next;
    if (a->lvt[LVT_TIMER] & LVT_PERIODIC) {
        next = (ticks / a->timer_init + 1) * a->timer_init;
    } else {
        if (ticks >= a->timer_init) {
            timer_del(&a->timer);
            return;
        }
        next = a->timer_init;
    }
    timer_mod(&a->timer, a->timer_load + (next << shift));
}

static void timer_rearm(struct lapic *a)
{
    timer_rearm_at(a, now(a));
}

static void timer_expired(void *opaque)
{
    struct lapic *a = opaque;
    lvt_fire(a, LVT_TIMER);
    timer_rearm(a);
}

/* ---------------------------------------------------------------- the ICR */

static void send_ipi(struct lapic *a)
{
    uint32_t lo = a->icr_lo;
    int mode = (lo >> 8) & 7, vector = lo & 0xff;
    int shorthand = (lo >> 18) & 3, logical = (lo >> 11) & 1;
    int level_trig = (lo >> 15) & 1;
    uint8_t dest = (uint8_t)(a->icr_hi >> 24);
    int to_self;

    if (mode == LAPIC_DM_INIT && level_trig && !(lo & (1u << 14)))
        return; /* INIT level de-assert: only resynchronizes arbitration IDs */
    switch (shorthand) {
    case 1: /* self */
    case 2: to_self = 1; break; /* all including self */
    case 3: to_self = 0; break; /* all excluding self */
    default: to_self = lapic_match_dest(a, dest, logical); break;
    }
    if ((mode == LAPIC_DM_FIXED || mode == LAPIC_DM_LOWEST) && vector < 16) {
        error(a, ESR_SEND_ILLEGAL);
        if (to_self)
            error(a, ESR_RECV_ILLEGAL);
        update(a);
        return;
    }
    /* An IPI is an edge: the trigger mode bit matters only to INIT. */
    if (shorthand == 0 && a->bus) {
        lapic_bus_deliver(a->bus, dest, logical, mode, vector, 0);
        return;
    }
    if (shorthand >= 2 && a->bus) {
        for (int i = 0; i < a->bus->n; i++)
            if (a->bus->apic[i] != a)
                lapic_accept(a->bus->apic[i], mode, vector, 0);
    }
    if (to_self)
        lapic_accept(a, mode, vector, 0);
}

void lapic_bus_attach(struct lapic_bus *bus, struct lapic *a)
{
    if (bus->n < LAPIC_BUS_MAX) {
        bus->apic[bus->n++] = a;
        a->bus = bus;
    }
}

int lapic_bus_deliver(struct lapic_bus *bus, uint8_t dest, int logical, int mode, int vector,
                      int level_trig)
{
    if (mode == LAPIC_DM_LOWEST) {
        /* Arbitration among the matching APICs (bt86 has no focus): the
         * lowest task priority, the lowest bus position on a tie. */
        struct lapic *best = NULL;
        for (int i = 0; i < bus->n; i++) {
            struct lapic *a = bus->apic[i];
            if ((a->base & LAPIC_BASE_EN) && lapic_match_dest(a, dest, logical) &&
                (!best || a->tpr < best->tpr))
                best = a;
        }
        if (!best)
            return 0;
        lapic_accept(best, mode, vector, level_trig);
        return 1;
    }
    int n = 0;
    for (int i = 0; i < bus->n; i++)
        if (lapic_match_dest(bus->apic[i], dest, logical)) {
            lapic_accept(bus->apic[i], mode, vector, level_trig);
            n++;
        }
    return n;
}

int lapic_match_dest(const struct lapic *a, uint8_t dest, int logical)
{
    if (!logical)
        return dest == 0xff || dest == a->id;
    if (a->dfr == 0xf) /* flat model: one bit per APIC */
        return (a->ldr & dest) != 0;
    /* cluster model: cluster in the high nibble (15: all), APICs in the low */
    return ((dest >> 4) == 0xf || (dest >> 4) == (a->ldr >> 4)) && (dest & a->ldr & 0xf);
}

/* ---------------------------------------------------------------- registers */

static void eoi(struct lapic *a)
{
    int v = highest(a->isr);
    if (v < 0)
        return;
    set_bit(a->isr, v, 0);
    if (get_bit(a->tmr, v))
        a->w.eoi(a->w.opaque, v);
    update(a);
}

static uint32_t read_reg(struct lapic *a, unsigned r)
{
    switch (r) {
    case R_ID: return (uint32_t)a->id << 24;
    case R_VERSION: return VERSION | ((LVT_COUNT - 1) << 16);
    case R_TPR: return a->tpr;
    case R_APR: return 0; /* arbitration priority: nothing to arbitrate with */
    case R_PPR: return ppr(a);
    case R_EOI: return 0;
    case R_RRD: return 0;
    case R_LDR: return (uint32_t)a->ldr << 24;
    case R_DFR: return ((uint32_t)a->dfr << 28) | 0x0fffffffu;
    case R_SVR: return a->svr;
    case R_ESR: return a->esr;
    case R_ICR_LO: return a->icr_lo; /* delivery status (bit 12) is always idle */
    case R_ICR_HI: return a->icr_hi;
    case R_TIMER_INIT: return a->timer_init;
    case R_TIMER_CUR: return timer_current(a);
    case R_TIMER_DIV: return a->timer_div;
    default:
        break;
    }
    if (r >= R_ISR && r < R_ISR + 8)
        return a->isr[r - R_ISR];
    if (r >= R_TMR && r < R_TMR + 8)
        return a->tmr[r - R_TMR];
    if (r >= R_IRR && r < R_IRR + 8)
        return a->irr[r - R_IRR];
    if (r >= R_LVT && r < R_LVT + LVT_COUNT)
        return a->lvt[r - R_LVT];
    error(a, ESR_ILLEGAL_REG);
    update(a);
    return 0;
}

static void write_lvt(struct lapic *a, int n, uint32_t v)
{
    v &= lvt_bits[n];
    /* Software-disabled: the mask bits stay set (SDM 10.4.7.2). */
    if (!(a->svr & SVR_ENABLE))
        v |= LVT_MASKED;
    a->lvt[n] = v;
    if (n == LVT_TIMER)
        timer_rearm(a);
    update(a); /* LINT0 may now pass the 8259's INT, or no longer */
}

static void write_reg(struct lapic *a, unsigned r, uint32_t v)
{
    switch (r) {
    case R_ID: a->id = v >> 24; return;
    case R_TPR: a->tpr = v & 0xff; update(a); return;
    case R_EOI: eoi(a); return;
    case R_LDR: a->ldr = v >> 24; return;
    case R_DFR: a->dfr = v >> 28; return;
    case R_SVR:
        a->svr = v & 0x1ff; /* vector and enable; no focus check nor EOI suppression */
        if (!(a->svr & SVR_ENABLE)) {
            for (int i = 0; i < LVT_COUNT; i++)
                a->lvt[i] |= LVT_MASKED;
            timer_rearm(a);
        }
        update(a);
        return;
    case R_ESR:
        a->esr = a->esr_pending;
        a->esr_pending = 0;
        return;
    case R_ICR_LO:
        a->icr_lo = v & 0x000ccfffu; /* vector, mode, dest mode, level, trigger, shorthand */
        send_ipi(a);
        return;
    case R_ICR_HI: a->icr_hi = v & 0xff000000u; return;
    case R_TIMER_INIT:
        a->timer_init = v;
        a->timer_load = now(a);
        /* From the same instant: a second reading of the clock may already
         * be past a short count, which would then never fire. */
        timer_rearm_at(a, a->timer_load);
        return;
    case R_TIMER_DIV:
        a->timer_div = v & 0xb;
        timer_rearm(a);
        return;
    case R_VERSION: case R_APR: case R_PPR: case R_RRD: case R_TIMER_CUR:
        return; /* read-only */
    default:
        break;
    }
    if (r >= R_LVT && r < R_LVT + LVT_COUNT) {
        write_lvt(a, r - R_LVT, v);
        return;
    }
    if (r >= R_ISR && r < R_IRR + 8)
        return; /* ISR, TMR, IRR: read-only */
    error(a, ESR_ILLEGAL_REG);
    update(a);
}

uint32_t lapic_read(struct lapic *a, uint32_t offset, int size)
{
    if (offset >= LAPIC_SIZE)
        return 0;
    /* Bytes 4-15 of each 16-byte slot are not part of the register. */
    if ((offset & 0xf) + size > 4)
        return 0;
    uint32_t v = read_reg(a, offset >> 4) >> (8 * (offset & 3));
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void lapic_write(struct lapic *a, uint32_t offset, uint32_t value, int size)
{
    if (offset >= LAPIC_SIZE || size != 4 || (offset & 0xf))
        return;
    write_reg(a, offset >> 4, value);
}

/* ---------------------------------------------------------------- pins, INTA */

void lapic_set_lint(struct lapic *a, int pin, int level)
{
    pin &= 1;
    int was = a->lint[pin];
    a->lint[pin] = level != 0;
    if (!(a->base & LAPIC_BASE_EN)) {
        if (pin == 1 && level && !was)
            a->w.nmi(a->w.opaque); /* off: LINT1 is the NMI pin */
        update(a);
        return;
    }
    int n = pin ? LVT_LINT1 : LVT_LINT0;
    uint32_t lvt = a->lvt[n];
    int mode = (lvt >> 8) & 7;
    if (mode == LAPIC_DM_EXTINT) {
        update(a);
        return;
    }
    /* Level-triggered fixed entries follow the pin into IRR; the others
     * take the rising edge. */
    if (mode == LAPIC_DM_FIXED && (lvt & LVT_LEVEL) && !level && (lvt & 0xff) >= 16)
        set_bit(a->irr, lvt & 0xff, 0);
    if (level && !was)
        lvt_fire(a, n);
    update(a);
}

int lapic_ack(struct lapic *a)
{
    int v = deliverable(a);
    if (v >= 0) {
        set_bit(a->irr, v, 0);
        set_bit(a->isr, v, 1);
        update(a);
        return v;
    }
    if (extint_pending(a)) {
        a->extint_msg = 0;
        v = a->w.extint_ack(a->w.opaque);
        update(a);
        return v;
    }
    return -1;
}

/* ---------------------------------------------------------------- save, load */

static const uint8_t save_magic[8] = { 'L', 'A', 'P', 'I', 'C', 0, 0, 1 };

/* The record: one 64-bit word per field, in this order. */
enum {
    S_BASE, S_ID, S_HW_ID, S_TPR, S_LDR, S_DFR, S_SVR, S_ESR, S_ESR_PENDING, S_ICR_LO,
    S_ICR_HI, S_TIMER_INIT, S_TIMER_DIV, S_TIMER_LOAD, S_LINT0, S_LINT1, S_EXTINT,
    S_LVT, S_IRR = S_LVT + LVT_COUNT, S_ISR = S_IRR + 8, S_TMR = S_ISR + 8, S_SIZE = S_TMR + 8
};

int lapic_save(struct lapic *a, FILE *f)
{
    uint64_t s[S_SIZE] = {
        [S_BASE] = a->base, [S_ID] = a->id, [S_HW_ID] = a->hw_id, [S_TPR] = a->tpr,
        [S_LDR] = a->ldr, [S_DFR] = a->dfr, [S_SVR] = a->svr, [S_ESR] = a->esr,
        [S_ESR_PENDING] = a->esr_pending, [S_ICR_LO] = a->icr_lo, [S_ICR_HI] = a->icr_hi,
        [S_TIMER_INIT] = a->timer_init, [S_TIMER_DIV] = a->timer_div,
        [S_TIMER_LOAD] = a->timer_load, [S_LINT0] = a->lint[0], [S_LINT1] = a->lint[1],
        [S_EXTINT] = a->extint_msg,
    };
    for (int i = 0; i < LVT_COUNT; i++)
        s[S_LVT + i] = a->lvt[i];
    for (int i = 0; i < 8; i++) {
        s[S_IRR + i] = a->irr[i];
        s[S_ISR + i] = a->isr[i];
        s[S_TMR + i] = a->tmr[i];
    }
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    return 0;
}

int lapic_load(struct lapic *a, FILE *f)
{
    uint8_t magic[sizeof(save_magic)];
    uint64_t s[S_SIZE];
    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1)
        return -1;
    if (s[S_BASE] & BASE_RESERVED)
        return -1;
    a->base = s[S_BASE];
    a->id = (uint8_t)s[S_ID];
    a->hw_id = (uint8_t)s[S_HW_ID];
    a->tpr = (uint8_t)s[S_TPR];
    a->ldr = (uint8_t)s[S_LDR];
    a->dfr = s[S_DFR] & 0xf;
    a->svr = s[S_SVR] & 0x1ff;
    a->esr = (uint32_t)s[S_ESR];
    a->esr_pending = (uint32_t)s[S_ESR_PENDING];
    a->icr_lo = s[S_ICR_LO] & 0x000ccfffu;
    a->icr_hi = s[S_ICR_HI] & 0xff000000u;
    a->timer_init = (uint32_t)s[S_TIMER_INIT];
    a->timer_div = s[S_TIMER_DIV] & 0xb;
    a->timer_load = s[S_TIMER_LOAD];
    a->lint[0] = s[S_LINT0] != 0;
    a->lint[1] = s[S_LINT1] != 0;
    a->extint_msg = s[S_EXTINT] != 0;
    for (int i = 0; i < LVT_COUNT; i++)
        a->lvt[i] = s[S_LVT + i] & lvt_bits[i];
    for (int i = 0; i < 8; i++) {
        a->irr[i] = (uint32_t)s[S_IRR + i];
        a->isr[i] = (uint32_t)s[S_ISR + i];
        a->tmr[i] = (uint32_t)s[S_TMR + i];
    }
    a->irr[0] &= ~0xffffu; /* vectors 0-15 are never accepted */
    a->isr[0] &= ~0xffffu;
    timer_rearm(a);
    update(a);
    return 0;
}

/* ---------------------------------------------------------------- base, reset */

uint64_t lapic_get_base(const struct lapic *a)
{
    return a->base;
}

int lapic_enabled(const struct lapic *a)
{
    return (a->base & LAPIC_BASE_EN) != 0;
}


int lapic_set_base(struct lapic *a, uint64_t value)
{
    if (value & BASE_RESERVED)
        return -1;
    uint64_t en = a->base & value & LAPIC_BASE_EN;
    a->base = (value & LAPIC_BASE_ADDR) | (a->base & LAPIC_BASE_BSP) | en;
    if (!en) {
        /* Off: the APIC's interrupts are gone, its LVTs masked as after a
         * software disable; LINT0/LINT1 are the plain INTR/NMI pins now. */
        memset(a->irr, 0, sizeof(a->irr));
        memset(a->isr, 0, sizeof(a->isr));
        a->svr &= ~SVR_ENABLE;
        for (int i = 0; i < LVT_COUNT; i++)
            a->lvt[i] |= LVT_MASKED;
        a->extint_msg = 0;
        timer_del(&a->timer);
    }
    update(a);
    return 0;
}

void lapic_reset(struct lapic *a)
{
    timer_del(&a->timer);
    int lint0 = a->lint[0], lint1 = a->lint[1];
    uint8_t id = a->hw_id;
    struct lapic_wiring w = a->w;
    struct lapic_bus *bus = a->bus;
    uint64_t bsp = a->base & LAPIC_BASE_BSP;
    memset(a, 0, sizeof(*a));
    a->w = w;
    a->bus = bus;
    timer_init(&a->timer, w.clock, timer_expired, a);
    a->id = a->hw_id = id;
    a->lint[0] = lint0;
    a->lint[1] = lint1;
    a->base = LAPIC_DEFAULT_BASE | LAPIC_BASE_EN | bsp;
    a->dfr = 0xf;
    a->svr = 0xff;
    for (int i = 0; i < LVT_COUNT; i++)
        a->lvt[i] = LVT_MASKED;
    if (bsp)
        a->lvt[LVT_LINT0] = LAPIC_DM_EXTINT << 8;
    update(a);
}

struct lapic *lapic_create(const struct lapic_wiring *w, uint8_t id)
{
    struct lapic *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->w = *w;
    a->hw_id = id;
    a->base = id == 0 ? LAPIC_BASE_BSP : 0;
    lapic_reset(a);
    return a;
}

void lapic_free(struct lapic *a)
{
    if (a)
        timer_del(&a->timer);
    free(a);
}
