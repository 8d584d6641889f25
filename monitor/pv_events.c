/*
 * pv_events.c - bt86's paravirtual events: the shared page with the
 * virtual interrupt flag, halt until an event, the one-shot timer.
 *
 * A paravirtual kernel does not execute CLI, STI, PUSHF and POPF (each a
 * monitor entry under full virtualization): it writes the `vif` word of a
 * page it shares with bt86.  bt86 reads that word whenever it could
 * deliver a maskable interrupt, and delivers only while it is non-zero;
 * the real EFLAGS.IF still masks too, so that interrupt gates and IRET
 * keep their meaning (a handler runs with IF clear, and needs no vif
 * write).  An interrupt held back by vif sets `pending`, which the guest
 * checks after it sets vif again; if set, BT86_HC_EVENTS has it delivered
 * at once (a plain store does not end the block chain, so without the call
 * the interrupt would wait for the run loop's next look, up to a budget
 * of instructions).  docs/paravirt.md has the protocol.
 *
 * The one-shot timer runs on the machine's virtual clock (so under
 * -icount too) and delivers its vector as an external interrupt, under
 * the same two masks, before the PIC's.
 */
#include "monitor/monitor.h"
#include "monitor/paravirt_impl.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

void pv_update_gate(struct pv_state *pv)
{
    pv->cpu->pv_gate = pv->shared_on || pv->timer_fired;
}

static void timer_expired(void *opaque)
{
    struct pv_state *pv = opaque;
    pv->timer_fired = 1;
    pv_update_gate(pv);
}

void pv_events_init(struct pv_state *pv)
{
    timer_init(&pv->timer, pv->w.clock, timer_expired, pv);
}

void pv_events_reset(struct pv_state *pv)
{
    if (pv->w.clock)
        timer_del(&pv->timer);
    pv->shared_on = 0;
    pv->shared_pa = 0;
    pv->timer_vector = 0;
    pv->timer_fired = 0;
    pv_update_gate(pv);
}

static uint32_t shared_read(struct pv_state *pv, uint32_t field)
{
    return phys_read(pv->cpu->mem, pv->shared_pa + field, 4);
}

/* Only when it changes: the page may hold code (SMC checks the write). */
static void shared_write(struct pv_state *pv, uint32_t field, uint32_t v)
{
    if (phys_read(pv->cpu->mem, pv->shared_pa + field, 4) != v)
        phys_write(pv->cpu->mem, pv->shared_pa + field, v, 4);
}

#define VIF_OFF 0u
#define PENDING_OFF 4u

int32_t pv_hc_shared_page(struct cpu *cpu, uint32_t arg)
{
    struct pv_state *pv = cpu->pv;
    (void)cpu;
    if (arg == 0) {
        pv->shared_on = 0;
        pv_update_gate(pv);
        return 0;
    }
    uint32_t pa = arg & PAGE_MASK;
    if ((arg & 0xfff) != 1)
        return -BT86_EINVAL;
    if (!pv_ram_range(pv, pa, 0x1000))
        return -BT86_EFAULT;
    pv->shared_pa = pa;
    pv->shared_on = 1;
    shared_write(pv, PENDING_OFF, 0);
    pv_update_gate(pv);
    return 0;
}

int32_t pv_hc_events(struct cpu *cpu)
{
    struct pv_state *pv = cpu->pv;
    (void)cpu;
    if (pv->shared_on)
        shared_write(pv, VIF_OFF, 1);
    return 0;
}

/* STI; HLT in one call, without STI's one-instruction window to close. */
int32_t pv_hc_halt(struct cpu *cpu)
{
    struct pv_state *pv = cpu->pv;
    if (!(cpu->eflags & F_IF))
        return -BT86_EINVAL; /* nothing could wake it */
    if (pv->shared_on)
        shared_write(pv, VIF_OFF, 1);
    cpu->halted = 1;
    return 0;
}

int32_t pv_hc_timer(struct cpu *cpu, uint32_t lo, uint32_t hi, uint32_t vector)
{
    struct pv_state *pv = cpu->pv;
    (void)cpu;
    if (vector == 0) {
        timer_del(&pv->timer);
        pv->timer_vector = 0;
        pv->timer_fired = 0;
        pv_update_gate(pv);
        return 0;
    }
    if (vector < 32 || vector > 255)
        return -BT86_EINVAL; /* 0-31 are the exceptions' */
    pv->timer_vector = (int)vector;
    pv->timer_fired = 0;
    pv_update_gate(pv);
    /* A deadline already past fires at the run loop's next look (the
     * block ends after the VMCALL). */
    timer_mod(&pv->timer, (uint64_t)hi << 32 | lo);
    return 0;
}

int pv_interrupt_gate_slow(struct cpu *cpu)
{
    struct pv_state *pv = cpu->pv;
    int ready = cpu->irq_pending || pv->timer_fired;
    if (pv->shared_on) {
        int vif = shared_read(pv, VIF_OFF) != 0;
        shared_write(pv, PENDING_OFF, ready && !vif ? BT86_PENDING_IRQ : 0);
        if (!vif)
            return 0;
    }
    if (!pv->timer_fired)
        return -1;
    if (!(cpu->eflags & F_IF))
        return 0;
    int vector = pv->timer_vector;
    pv->timer_fired = 0;
    pv->timer_vector = 0;
    pv_update_gate(pv);
    cpu_do_interrupt(cpu, vector, INT_HW, 0, 0, 0);
    return 1;
}
