/*
 * fuzz_hypercall.c - any sequence of hypercalls, KVM MSR writes and
 * interrupt checks, with any registers, paging mode and guest memory.
 *
 * Input: a 16-byte header (mode, CR3, number of calls, spare), that many
 * 24-byte calls (kind, EAX, EBX, ECX, EDX, ESI), then bytes copied to guest
 * RAM at 64 KiB (page tables, batch lists, buffers: CR3 and the addresses
 * may point there).  mode: bit 0 CR0.PG, 1 CR4.PAE, 2 CR4.PSE, 3 CR0.WP,
 * 4-5 the CPL, 6 pv=on, 7 kvm=on, 8 EFLAGS.IF.  Each call runs the monitor
 * entry as translated code would (helper_call), or writes one of KVM's
 * MSRs, or lets virtual time pass and asks the interrupt gate.
 *
 * docs/paravirt.md promises that a hypercall never raises an exception
 * (but #UD when no interface is on), never crashes and never touches
 * memory outside guest RAM (ASan: RAM is a heap block of exactly its
 * size), whatever the arguments: that is what this checks, and that each
 * input's result does not depend on the one before it.
 */
#include "tests/fuzz/fuzz.h"
#include "cpu/cpu_model.h"
#include "machine/machine.h"
#include "monitor/helpers.h"
#include "monitor/monitor.h"
#include "monitor/paravirt.h"
#include "base/timer.h"
#include "softmmu/tlb.h"
#include "translator/tbcache.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_MB 4
#define BLOB_ADDR 0x10000u
#define MAX_CALLS 64
#define IDT_ADDR 0x1000u /* an IDT of not-present gates: a delivery faults cleanly */

static struct machine *m;
static int verbose;
static uint64_t results;
static int raised;

/* The hypercalls' own clock, so that letting time pass runs their timer
 * only, not the devices' (whose state would carry over to the next
 * input).  It reads the instruction count, as the machine's clock and the
 * TSC do under -icount: kvmclock's records stay exact. */
static struct clock pv_clock;
static struct pv_state *volatile machine_pv;

static uint64_t pv_clock_now(void *opaque)
{
    return m->cpu.icount;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    m = fuzz_machine(RAM_MB);
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    clock_init(&pv_clock, pv_clock_now, NULL, NULL);
    struct pv_wiring w = { &pv_clock, NULL, NULL, 946684800 };
    /* The machine's own stays allocated (its timer is on the machine's
     * clock) and referenced, for the leak checker. */
    machine_pv = m->cpu.pv;
    pv_create(&m->cpu, &w); /* replaces the machine's, on its own clock */
    return 0;
}

static uint32_t word(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static const uint32_t kvm_msrs[4] = { 0x11, 0x12, 0x4b564d00, 0x4b564d01 };

/* One call; an exception unwinds back here (cpu->jmp), as to the run loop. */
static void run_call(struct cpu *cpu, const uint8_t *c)
{
    uint32_t kind = word(c) & 3;
    if (setjmp(cpu->jmp)) {
        raised++;
        if (verbose)
            fprintf(stderr, "fuzz_hypercall: kind %u raised vector %d\n", kind,
                    cpu->pending_vector);
        results = fuzz_hash(results, &cpu->pending_vector, sizeof(cpu->pending_vector));
        cpu->pending_vector = -1;
        return;
    }
    for (int r = 0; r < 5; r++)
        cpu->r[(int[]){ R_EAX, R_EBX, R_ECX, R_EDX, R_ESI }[r]] = word(c + 4 + 4 * r);
    switch (kind) {
    case 0:
        cpu->insn_eip = cpu->eip;
        helper_call(cpu, H_VMCALL, 0, 0, 0, cpu->eip + 3);
        break;
    case 1:
        pv_wrmsr(cpu, kvm_msrs[cpu->r[R_ECX] & 3], (uint64_t)cpu->r[R_EBX] << 32 | cpu->r[R_EAX]);
        break;
    case 2:
        /* Time passes (at most 1 ms): the one-shot timer may expire. */
        cpu->icount += cpu->r[R_EBX] % 1000000;
        timers_run(&pv_clock, clock_now(&pv_clock));
        /* fall through */
    case 3:
        if (pv_interrupt_gate(cpu) > 0) {
            /* Delivered through the IDT of not-present gates: #NP, then
             * #DF, then a triple fault; the machine asks for a reset, which
             * nothing here services. */
            cpu->halted = 0;
        }
        break;
    }
    results = fuzz_hash(results, cpu->r, sizeof(cpu->r));
    if (verbose)
        fprintf(stderr, "fuzz_hypercall: kind %u -> eax %d\n", kind, (int32_t)cpu->r[R_EAX]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    uint8_t head[16] = { 0 };
    memcpy(head, data, size < sizeof(head) ? size : sizeof(head));
    size_t off = size < sizeof(head) ? size : sizeof(head);
    uint32_t mode = word(head), ncalls = word(head + 8) % (MAX_CALLS + 1);
    if (ncalls > (size - off) / 24)
        ncalls = (uint32_t)((size - off) / 24);
    const uint8_t *calls = data + off;
    off += ncalls * 24;
    size_t blob = size - off;
    if (blob > m->ram_size - BLOB_ADDR)
        blob = m->ram_size - BLOB_ADDR;

    /* Everything an input could change, as at power-on. */
    memset(m->ram, 0, m->ram_size);
    tb_flush_all(m->tbs);
    pv_reset(m->cpu.pv);
    cpu_reset(&m->cpu);
    m->cpu.icount = 0;
    memcpy(m->ram + BLOB_ADDR, data + off, blob);

    struct cpu *cpu = &m->cpu;
    cpu_model.pv = (mode >> 6) & 1;
    cpu_model.kvm = (mode >> 7) & 1;
    cpu->cr[0] |= CR0_PE | ((mode & 1) ? CR0_PG : 0) | ((mode & 8) ? CR0_WP : 0);
    cpu->cr[3] = word(head + 4);
    cpu->cr[4] |= ((mode & 2) ? CR4_PAE : 0) | ((mode & 4) ? CR4_PSE : 0);
    cpu->idt = (struct dtable){ IDT_ADDR, 0xff };
    cpu->hflags = (cpu->hflags & ~HF_CPL_MASK) | (((mode >> 4) & 3) << HF_CPL_SHIFT);
    cpu_update_hflags(cpu);
    cpu_set_eflags(cpu, (mode & 0x100) ? F_IF : 0, F_IF);
    tlb_flush(cpu);
    m->reset_request = 0;

    results = FUZZ_HASH_INIT;
    raised = 0;
    for (uint32_t i = 0; i < ncalls; i++)
        run_call(cpu, calls + 24 * i);
    /* A clean slate for whatever comes next: no timer left armed. */
    pv_reset(m->cpu.pv);
    cpu_model.pv = cpu_model.kvm = 0;
    return 0;
}

uint64_t fuzz_result_hash(void)
{
    uint64_t h = fuzz_hash(results, &raised, sizeof(raised));
    return fuzz_hash(h, m->ram, m->ram_size);
}
