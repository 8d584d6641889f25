/*
 * cpu_exec.c - the run loop: find a block, run it, handle why it stopped.
 *
 * Exceptions raised inside a block (or a helper, or the page walk) unwind
 * here with longjmp; cpu->eip was restored to the faulting instruction by
 * cpu_raise(), and the registers are intact because the frontend commits
 * register writes only after everything that can fault.  Interrupts are
 * taken only between blocks: that is where the CPU state is complete.
 *
 * Several CPUs (-smp) run in turn on this one thread, as QEMU's
 * single-threaded TCG runs them: each for a time slice of BUDGET
 * instructions, less when it halts, waits for a Startup IPI, or sends
 * another CPU something to do (m->resched: an IPI should not wait a whole
 * slice for its answer).  The slices are counted in instructions, so under
 * -icount the interleaving, and with it virtual time, is deterministic.
 */
#include "cpu/cpu_model.h"
#include "machine/debug.h"
#include "base/exit_status.h"
#include "cpu/fatal.h"
#include "cpu/flags.h"
#include "base/log.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "monitor/paravirt.h"
#include "base/symbols.h"
#include "base/timer.h"
#include "softmmu/tlb.h"
#include "translator/decode.h"
#include "translator/tbcache.h"

#include "fpu/x87.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET 20000 /* instructions between looks at devices and interrupts */

/* A guest write to DR0-DR3 or DR7: the data breakpoints ride the debugger's watch path. */
static void dr_changed(struct cpu *cpu)
{
    debug_guest_dr_changed(&cpu->machine->debug, cpu);
}

/*
 * PAUSE with several CPUs on the one thread: the others cannot change what
 * this one waits for before its slice ends, so end it now (as QEMU's
 * round-robin TCG does).  With one CPU nothing can change meanwhile but a
 * device, which the budget already bounds.
 */
static void spin_wait(struct cpu *cpu)
{
    if (cpu->machine && cpu->machine->ncpus > 1) {
        cpu->budget = 0;
        cpu->chain_limit = 0;
    }
}

/*
 * Whether take_events() would run the next block straight away and the run
 * loop would check nothing around it: the conditions of take_events(),
 * take_interrupt() and the traps, each answered without side effects.  A
 * "no" costs only a trip through the run loop, so anything unusual says no.
 */
static int no_events(struct cpu *cpu)
{
    const struct machine *m = cpu->machine;
    if (cpu->exit_request || cpu->budget <= 0 || cpu->pending_vector >= 0 || cpu->halted)
        return 0;
    if (cpu->init_pending | cpu->sipi_pending | cpu->sipi_wait | cpu->single_step_next)
        return 0;
    if ((cpu->hflags & HF_INHIBIT_IRQ) || cpu->pv_gate || (m && m->debug.active))
        return 0;
    if ((cpu->nmi_pending && !cpu->nmi_blocked) || (cpu->irq_pending && (cpu->eflags & F_IF)))
        return 0;
    /* code breakpoints, single-step, RF's one instruction, data breakpoints */
    if ((cpu->dr[7] & 0xff) || (cpu->eflags & (F_TF | F_RF)) || cpu->data_bp_hit)
        return 0;
    return !(log_mask & (LOG_EXEC | LOG_CPU));
}

void cpu_reset(struct cpu *cpu)
{
    /* Instructions retired: the machine's clock under -icount, which a reset
     * of the CPU must not turn back (the devices' deadlines stay where they are). */
    uint64_t icount = cpu->icount;
    jmp_buf jb;
    /* Not the CPU's state: the wiring (from `machine` to the end of struct
     * cpu), and the run loop's anchor (the machine resets between blocks,
     * from inside cpu_exec). */
    memcpy(&jb, &cpu->jmp, sizeof(jb));
    memset(cpu, 0, offsetof(struct cpu, machine));
    memcpy(&cpu->jmp, &jb, sizeof(jb));
    cpu->icount = icount;
    cpu->eflags = 0x2;
    cpu->cc_op = CC_EFLAGS;
    cpu->cr[0] = CR0_ET | CR0_CD | CR0_NW;
    cpu->a20_mask = 0xffffffffu;
    cpu->eip = 0xfff0;
    for (int i = 0; i < S_COUNT; i++)
        cpu->seg[i] = (struct segment){ 0, 0, 0xffff, DESC_P | DESC_S | (0x3u << DESC_TYPE_SHIFT) };
    cpu->seg[S_CS] = (struct segment){ 0xf000, 0xffff0000u, 0xffff,
                                       DESC_P | DESC_S | (0xbu << DESC_TYPE_SHIFT) };
    cpu->seg[S_LDTR].flags = DESC_P | (0x2u << DESC_TYPE_SHIFT);
    cpu->seg[S_TR].flags = DESC_P | (0xbu << DESC_TYPE_SHIFT);
    cpu->idt.limit = 0x3ff;
    cpu->gdt.limit = 0xffff;
    cpu->r[R_EDX] = cpu_model.signature; /* family, model, stepping: as CPUID says */
    cpu->msr_apicbase = 0xfee00900ull;
    cpu->msr_pat = 0x0007040600070406ull;
    cpu->msr_misc_enable = 1; /* fast strings, as QEMU's reset leaves it */
    cpu->pending_vector = -1;
    cpu->delivering = -1;
    x87_reset(&cpu->fpu, 1);
    cpu_update_hflags(cpu);
    tlb_attach_cpu(cpu);
    cpu->tsc = machine_tsc;
    cpu->dr_changed = dr_changed;
    cpu->spin_wait = spin_wait;
    cpu->no_events = no_events;
    cpu->disasm = decode_text;
    dr_changed(cpu); /* DR7 is clear: no data breakpoint survives a reset */
}

/* Exceptions that make a fault during their delivery a double fault. */
static int contributory(int v)
{
    return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP;
}

static void deliver_pending(struct cpu *cpu)
{
    /* cpu->delivering: the vector being delivered when a delivery faults
     * and unwinds here. */
    int v = cpu->pending_vector;
    cpu->pending_vector = -1;
    if (cpu->delivering >= 0) {
        int first = cpu->delivering;
        if (first == EXC_DF) {
            cpu->delivering = -1;
            machine_triple_fault(cpu->machine);
            return;
        }
        if ((contributory(first) && contributory(v)) ||
            (first == EXC_PF && (contributory(v) || v == EXC_PF))) {
            v = EXC_DF;
            cpu->pending_error = 0;
            cpu->pending_has_error = 1;
        }
    }
    cpu->delivering = v;
    cpu_do_interrupt(cpu, v, INT_EXC, cpu->pending_has_error, cpu->pending_error, 0);
    cpu->delivering = -1;
}

/*
 * NMIs (from the local APIC) and maskable hardware interrupts: not in the
 * shadow of STI or MOV SS, nor while a debugger single-steps (as QEMU's
 * gdb stub: a step does not enter interrupt handlers, but a halted CPU
 * needs one to get anywhere).  An NMI ignores IF but waits for the IRET
 * of the NMI handler before it.  Returns 1 when the next block must not be
 * chained to the last one: it delivered an NMI, acknowledged an interrupt
 * at the local APIC, or one waits for the end of a shadow.
 */
static int take_interrupt(struct cpu *cpu, struct debug *d)
{
    if (cpu->hflags & HF_INHIBIT_IRQ) {
        cpu->hflags &= ~HF_INHIBIT_IRQ;
        /* Something waits for the shadow to end: run its one instruction
         * alone and look again.  Otherwise chained blocks would run on to
         * the end of the budget, past a CLI that closes an STI window. */
        if (cpu->nmi_pending || (cpu->irq_pending && (cpu->eflags & F_IF))) {
            cpu->single_step_next = 1;
            cpu_request_exit(cpu);
            return 1;
        }
        return 0;
    }
    if (__builtin_expect(d->active, 0) && debug_stepping(d) && !cpu->halted)
        return 0;
    if (cpu->nmi_pending && !cpu->nmi_blocked) {
        cpu->nmi_pending = 0;
        cpu->nmi_blocked = 1;
        cpu_do_interrupt(cpu, EXC_NMI, INT_HW, 0, 0, 0);
        return 1;
    }
    /* pv=on: the virtual IF masks too, and the one-shot timer comes first. */
    int pv = pv_interrupt_gate(cpu);
    if (pv >= 0)
        return pv;
    if (!cpu->irq_pending || !(cpu->eflags & F_IF))
        return 0;
    int vec = machine_irq_ack(cpu->machine);
    if (vec >= 0)
        cpu_do_interrupt(cpu, vec, INT_HW, 0, 0, 0);
    return 1;
}

/* Every BUDGET instructions, or when something asked (exit_request): a
 * requested reset, device timers, host input, the debugger's connection. */
static void service_machine(struct cpu *cpu)
{
    struct machine *m = cpu->machine;
    /* With several CPUs a request inside a slice does not lengthen it. */
    int64_t left = m->ncpus > 1 && m->current == cpu && cpu->budget > 0 ? cpu->budget : BUDGET;
    cpu->exit_request = 0;
    uint64_t t0 = monitor_stats.timing ? host_clock_ns() : 0;
    machine_poll(m);
    if (monitor_stats.timing)
        monitor_stats.poll_ns += host_clock_ns() - t0;
    debug_poll(&m->debug, cpu);
    cpu->budget = BUDGET;
    /* Under -icount a timer is due after a known number of instructions:
     * stop there, so that it fires on time rather than up to a budget
     * late (a guest spinning on an APIC timer or PIT interrupt, as QEMU's
     * icount deadline does). */
    if (m->opt.icount) {
        uint64_t next = timers_next_deadline(&m->clock);
        uint64_t n = next == TIMER_NEVER ? BUDGET : machine_icount_until(m, next);
        if (n > 0 && n < BUDGET)
            cpu->budget = (int64_t)n;
    }
    if (cpu->budget > left)
        cpu->budget = left;
}

/* A debugger (gdb stub, stepper) watching: 1 when it stopped the guest here. */
static int debugger_stop(struct cpu *cpu)
{
    struct debug *d = &cpu->machine->debug;
    enum debug_stop why = debug_check(d, cpu);
    if (why == DEBUG_NONE)
        return 0;
    debug_stop_now(d, cpu, why);
    return 1;
}

/*
 * Instruction breakpoints (DR0-DR3, R/W = 00), a fault before the
 * instruction: 1 when one hit and #DB was delivered.  RF lets the
 * instruction a handler returns to run once without re-faulting.
 */
static int code_breakpoint(struct cpu *cpu)
{
    uint32_t lin = cpu->seg[S_CS].base + cpu->eip, hit = 0;
    for (int n = 0; n < 4; n++)
        if (((cpu->dr[7] >> (2 * n)) & 3) && !((cpu->dr[7] >> (16 + 4 * n)) & 3) &&
            cpu->dr[n] == lin)
            hit |= 1u << n;
    if (!hit || (cpu->eflags & F_RF))
        return 0;
    cpu->dr[6] = (cpu->dr[6] & ~0xfu) | hit;
    cpu_do_interrupt(cpu, EXC_DB, INT_EXC, 0, 0, 0);
    return 1;
}

enum event_result {
    EV_RUN,  /* run the next block */
    EV_LOOP, /* something was delivered or waited for: look again */
    EV_STOP, /* the machine stops */
    EV_YIELD, /* another CPU's turn (-smp): the slice is over, or this one waits */
};

/*
 * Everything that happens between two blocks, in the order of the SDM's
 * "Priority Among Simultaneous Exceptions and Interrupts" (Vol. 3, 6.9),
 * where bt86 has the event: hardware reset (a requested reset, serviced in
 * machine_poll), external interventions (a debugger's stop), maskable
 * hardware interrupts, then the code breakpoint fault on the next
 * instruction.  Traps on the previous instruction (single-step, data
 * breakpoints) come before all but the reset: the run loop delivers them
 * as soon as the block ends (deliver_traps).  NMIs come before the
 * maskable interrupts (take_interrupt).  A
 * fault raised inside the last block is no simultaneous event: it belongs
 * to the instruction that faulted and is delivered first.  *unchain is set
 * when the next block must not be chained to the last one.
 */
static enum event_result take_events(struct cpu *cpu, int *unchain)
{
    struct machine *m = cpu->machine;
    int smp = m->ncpus > 1;

    if (__builtin_expect(cpu->init_pending | cpu->sipi_pending, 0)) {
        machine_cpu_init_sipi(cpu);
        *unchain = 1;
    }
    if (__builtin_expect(cpu->sipi_wait, 0))
        return smp ? EV_YIELD : EV_STOP;
    if (cpu->pending_vector >= 0) {
        deliver_pending(cpu);
        return EV_LOOP;
    }
    if (cpu->budget <= 0 || cpu->exit_request) {
        /* The next slice starts with the machine's service (cpu_exec_smp). */
        if (smp && (cpu->budget <= 0 || m->resched || m->stop || m->reset_request))
            return m->stop ? EV_STOP : EV_YIELD;
        service_machine(cpu);
        if (m->stop)
            return EV_STOP;
    }
    if (__builtin_expect(m->debug.active, 0)) {
        *unchain = 1;
        if (debugger_stop(cpu))
            return EV_LOOP;
    }
    if (take_interrupt(cpu, &m->debug))
        *unchain = 1;
    if (cpu->halted) {
        if (smp)
            return EV_YIELD;
        machine_wait(m);
        cpu->budget = 0;
        return EV_LOOP;
    }
    cpu->insn_eip = cpu->eip;
    if ((cpu->dr[7] & 0xff) && code_breakpoint(cpu)) {
        *unchain = 1;
        return EV_LOOP;
    }
    return EV_RUN;
}

/*
 * Traps after the block's last instruction: data breakpoints (DR7 R/W 01,
 * 11) and single-step; one #DB reports both in DR6.  deliveries: the
 * interrupt count before the block (INT n and friends clear TF on entry:
 * no single-step trap after them).  Returns 1 when there was a trap.
 */
static int deliver_traps(struct cpu *cpu, int tf, uint64_t deliveries)
{
    uint32_t db = 0;
    int trapped = 0;
    if (cpu->data_bp_hit) {
        trapped = 1;
        db = cpu->data_bp_hit;
        cpu->data_bp_hit = 0;
        cpu->dr[6] &= ~0xfu;
    }
    if (tf) {
        trapped = 1;
        if (monitor_stats.interrupts == deliveries)
            db |= 0x4000; /* BS */
    }
    if (db) {
        cpu->dr[6] |= db;
        cpu_do_interrupt(cpu, EXC_DB, INT_EXC, 0, 0, 0);
    }
    return trapped;
}

static void log_block(struct cpu *cpu, struct tb *tb)
{
    if (log_enabled(LOG_EXEC)) {
        FILE *f = log_file ? log_file : stderr;
        char sym[128];
        fprintf(f, "Trace: [%08x] %04x:%08x %s\n", tb->pc, cpu->seg[S_CS].sel, cpu->eip,
                symbols_format(tb->pc, sym, sizeof(sym)));
    }
    if (log_enabled(LOG_CPU)) {
        FILE *f = log_file ? log_file : stderr;
        fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
                   "EIP=%08x EFL=%08x CPL=%d CR0=%08x CR3=%08x CR4=%08x\n"
                   "CS=%04x SS=%04x DS=%04x ES=%04x FS=%04x GS=%04x\n",
                cpu->r[R_EAX], cpu->r[R_EBX], cpu->r[R_ECX], cpu->r[R_EDX], cpu->r[R_ESI],
                cpu->r[R_EDI], cpu->r[R_EBP], cpu->r[R_ESP], cpu->eip, cpu_get_eflags(cpu),
                cpu_cpl(cpu), cpu->cr[0], cpu->cr[3], cpu->cr[4], cpu->seg[S_CS].sel,
                cpu->seg[S_SS].sel, cpu->seg[S_DS].sel, cpu->seg[S_ES].sel,
                cpu->seg[S_FS].sel, cpu->seg[S_GS].sel);
    }
}

static struct tb *run_block(struct cpu *cpu, struct debug *d, struct tb *tb, int *slot)
{
    tb_enter(cpu, tb);
    cpu->tbs->stats.run_loop_entries++;
    if (__builtin_expect(d->active, 0) && debug_no_chain(d))
        cpu_request_exit(cpu); /* run this block alone: chained ones would skip checks */
    cpu->chain_limit = cpu->exit_request ? 0 : cpu->budget;
    if (__builtin_expect(monitor_stats.timing, 0)) {
        uint64_t t0 = host_clock_ns();
        struct tb *last = tb_exec(cpu, tb, slot);
        monitor_stats.exec_ns += host_clock_ns() - t0;
        return last;
    }
    return tb_exec(cpu, tb, slot);
}

/* Runs cpu until the machine stops or (with several CPUs) its slice ends. */
static void run_cpu(struct cpu *cpu)
{
    struct machine *m = cpu->machine;
    struct tb_cache *tc = cpu->tbs; /* neither changes while the CPU runs */
    struct debug *d = &m->debug;
    struct tb *volatile last = NULL;
    volatile int slot = -1;
    /* The flush count when `last` ran: a flush since (the cache filling up
     * during tb_find, a reset, a debugger change) freed it. */
    volatile uint64_t last_flushes = 0;

    if (setjmp(cpu->jmp)) {
        /* Unwound from a block, a helper or a delivery: state is consistent. */
        cpu->cur_tb = NULL;
        cpu->data_bp_hit = 0; /* the instruction did not complete: no trap */
        last = NULL;
    }
    while (!m->stop) {
        int unchain = 0;
        enum event_result ev = take_events(cpu, &unchain);
        if (unchain)
            last = NULL;
        if (ev == EV_STOP || ev == EV_YIELD)
            break;
        if (ev == EV_LOOP)
            continue;
        /* Instruction breakpoints armed, or single-step (EFLAGS.TF): one
         * instruction per block, each checked before it runs. */
        int hwbp = (cpu->dr[7] & 0xff) != 0;
        int rf = (cpu->eflags & F_RF) != 0;
        int tf = (cpu->eflags & F_TF) != 0;
        uint64_t deliveries = monitor_stats.interrupts;
        if (hwbp || tf)
            cpu->single_step_next = 1;
        struct tb *tb = tb_find(cpu);
        if (last && slot >= 0 && last_flushes == tc->stats.flushes)
            tb_link(tc, last, slot, tb);
        last_flushes = tc->stats.flushes;
        log_block(cpu, tb);
        int s;
        last = run_block(cpu, d, tb, &s);
        slot = s;
        cpu->cur_tb = NULL;
        if (hwbp)
            last = NULL;
        /* RF lasts for the one instruction that started with it (IRET may set it anew). */
        if (rf)
            cpu->eflags &= ~F_RF;
        if (deliver_traps(cpu, tf, deliveries))
            last = NULL;
        if (log_mask & (LOG_EXEC | LOG_CPU))
            last = NULL; /* no chaining, so that every block is logged */
    }
}

/*
 * The CPUs in turn.  Each slice starts with the machine's service (devices,
 * timers, host input), as every BUDGET instructions with one CPU.  When a
 * whole round of CPUs had nothing to run (halted, or waiting for SIPI) and
 * none was sent anything meanwhile, the machine waits for the next event.
 */
static uint64_t monitor_entries(void)
{
    uint64_t n = 0;
    for (size_t k = 0; k < sizeof(monitor_stats.helper_calls) / sizeof(monitor_stats.helper_calls[0]); k++)
        n += monitor_stats.helper_calls[k];
    return n;
}

static void cpu_exec_smp(struct machine *m, int first)
{
    int i = first, idle = 0;
    int counting = m->opt.stats || m->opt.stats_json; /* -stats splits the counts by CPU */
    while (!m->stop) {
        struct cpu *cpu = m->cpus[i];
        m->resched = 0;
        if (cpu->sipi_wait && !cpu->init_pending && !cpu->sipi_pending) {
            idle++;
        } else {
            m->current = cpu;
            m->tbs->cpu = cpu; /* whose running block an SMC store may hit */
            cpu->budget = 0; /* a new slice */
            service_machine(cpu);
            if (m->stop)
                break;
            if (counting) {
                /* A guest's exit ends the process inside run_cpu: stats
                 * adds the open slice's share then. */
                m->share_mark.monitor_entries = monitor_entries();
                m->share_mark.interrupts = monitor_stats.interrupts;
                m->share_open = 1;
                run_cpu(cpu);
                m->share_open = 0;
                m->cpu_share[i].monitor_entries += monitor_entries() - m->share_mark.monitor_entries;
                m->cpu_share[i].interrupts += monitor_stats.interrupts - m->share_mark.interrupts;
            } else {
                run_cpu(cpu);
            }
            idle = (cpu->halted || cpu->sipi_wait) && !m->resched ? idle + 1 : 0;
        }
        if (idle >= m->ncpus) {
            machine_wait(m);
            idle = 0;
        }
        if (++i == m->ncpus)
            i = 0;
    }
}

int cpu_exec(struct cpu *cpu)
{
    struct machine *m = cpu->machine;
    if (m->ncpus > 1) {
        cpu_exec_smp(m, cpu->index);
        return m->exit_status;
    }
    m->current = cpu;
    run_cpu(cpu);
    return m->exit_status;
}
