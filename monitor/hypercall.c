/*
 * hypercall.c - VMCALL: bt86's own hypercalls (-cpu ...,pv=on) and KVM's
 * (-cpu ...,kvm=on), and the calls that need no event machinery: version,
 * console write, batched page-table updates, virtual time.
 *
 * On a CPU without VT-x, VMCALL is #UD; with an interface on, it is a
 * monitor entry like any sensitive instruction, except that the guest
 * chose to make it.  The call number is in EAX, arguments in EBX, ECX,
 * EDX and ESI, the result in EAX (docs/paravirt.md).  A bad call gets a
 * negative error code, never a guest exception and never an access
 * outside guest RAM: every guest address is translated with the guest's
 * own paging at CPL 0 (paging_translate, which reports a fault instead of
 * raising it) and the physical range checked against the RAM regions.
 */
#include "base/log.h"
#include "cpu/cpu_model.h"
#include "monitor/monitor_entries.h"
#include "monitor/monitor.h"
#include "monitor/paravirt_impl.h"
#include "base/exit_status.h"
#include "softmmu/memory.h"
#include "softmmu/paging.h"
#include "softmmu/tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pv_stats pv_stats;

const char *const pv_stat_names[PVS_COUNT] = {
    [PVS_UD] = "vmcall_ud",
    [PVS_EPERM] = "hc_eperm",
    [PVS_ENOSYS] = "hc_enosys",
    [PVS_VERSION] = "hc_version",
    [PVS_CONSOLE_WRITE] = "hc_console_write",
    [PVS_MMU_BATCH] = "hc_mmu_batch",
    [PVS_SHARED_PAGE] = "hc_shared_page",
    [PVS_EVENTS] = "hc_events",
    [PVS_HALT] = "hc_halt",
    [PVS_TIMER] = "hc_timer",
    [PVS_TIME] = "hc_time",
    [PVS_KVM_VAPIC_POLL_IRQ] = "kvm_vapic_poll_irq",
    [PVS_KVM_KICK_CPU] = "kvm_kick_cpu",
};

struct pv_state *pv_create(struct cpu *cpu, const struct pv_wiring *w)
{
    struct pv_state *pv = calloc(1, sizeof(*pv));
    if (!pv) {
        fprintf(stderr, "bt86: out of memory for the paravirtual interfaces\n");
        exit(EXIT_FATAL);
    }
    pv->w = *w;
    pv->cpu = cpu;
    cpu->pv = pv;
    pv_events_init(pv);
    return pv;
}

void pv_reset(void *opaque)
{
    struct pv_state *pv = opaque;
    pv_events_reset(pv);
    pv_kvm_reset(pv);
}

int pv_ram_range(struct pv_state *pv, uint32_t pa, uint32_t len)
{
    if (len == 0 || pa + len - 1 < pa)
        return 0;
    /* Page by page: a device's MMIO (the VGA window) may sit inside RAM's span. */
    uint32_t last = (pa + len - 1) & PAGE_MASK;
    for (uint32_t p = pa & PAGE_MASK;; p += 0x1000) {
        struct mem_region *r = mem_find(pv->cpu->mem, p);
        if (!r || r->kind != MEM_RAM || mem_find(pv->cpu->mem, p | 0xfff) != r)
            return 0;
        if (p == last)
            return 1;
    }
}

/*
 * Copy len bytes at a linear address into buf, as a CPL 0 read through the
 * guest's paging (accessed bits set as a real read would), all-or-nothing:
 * 0, or -BT86_EFAULT for a page that is not present or not RAM.
 */
static int32_t read_linear(struct cpu *cpu, uint32_t lin, uint8_t *buf, uint32_t len)
{
    if (len && lin + len - 1 < lin)
        return -BT86_EFAULT;
    while (len) {
        uint32_t n = 0x1000 - (lin & 0xfff), pa, prot;
        if (n > len)
            n = len;
        if (paging_translate(cpu, lin, ACC_READ, 0, &pa, &prot) || !pv_ram_range(cpu->pv, pa, n) ||
            phys_copy_from(cpu->mem, buf, pa, n) < 0)
            return -BT86_EFAULT;
        buf += n;
        lin += n;
        len -= n;
    }
    return 0;
}

#define CONSOLE_MAX 4096

static int32_t hc_console_write(struct cpu *cpu, uint32_t lin, uint32_t len)
{
    struct pv_state *pv = cpu->pv;
    static uint8_t buf[CONSOLE_MAX];
    if (len > CONSOLE_MAX)
        return -BT86_EINVAL;
    int32_t r = read_linear(cpu, lin, buf, len);
    if (r < 0)
        return r;
    if (len && pv->w.console)
        pv->w.console(pv->w.opaque, buf, len);
    return (int32_t)len;
}

/* The table a CR3 value points to: a page directory, or PAE's 32-byte PDPT. */
static int cr3_table_ok(struct cpu *cpu, uint32_t cr3)
{
    if (cpu->cr[4] & CR4_PAE)
        return pv_ram_range(cpu->pv, cr3 & ~0x1fu, 32);
    return pv_ram_range(cpu->pv, cr3 & PAGE_MASK, 0x1000);
}

static int mmu_op_ok(struct cpu *cpu, const struct bt86_mmu_op *o)
{
    switch (o->op) {
    case BT86_MMU_PTE32:
        return !(o->addr & 3) && o->hi == 0 && pv_ram_range(cpu->pv, o->addr, 4);
    case BT86_MMU_PTE64:
        return !(o->addr & 7) && pv_ram_range(cpu->pv, o->addr, 8);
    case BT86_MMU_INVLPG:
        return o->lo == 0 && o->hi == 0;
    case BT86_MMU_FLUSH:
        return o->addr == 0 && o->lo == 0 && o->hi == 0;
    case BT86_MMU_NEW_CR3:
        return o->addr == 0 && o->hi == 0 && cr3_table_ok(cpu, o->lo);
    default:
        return 0;
    }
}

/*
 * Every entry is checked before any is applied: a batch with one bad entry
 * changes nothing.  The writes go through phys_write, so a page-table page
 * that also holds translated code still invalidates it; if it is the
 * calling block's own code, tbcache restarts the VMCALL alone, and the
 * batch, whose entries carry their values, applies again to the same end.
 */
static int32_t hc_mmu_batch(struct cpu *cpu, uint32_t lin, uint32_t count)
{
    static struct bt86_mmu_op ops[BT86_MMU_MAX];
    if (count == 0 || count > BT86_MMU_MAX)
        return -BT86_EINVAL;
    int32_t r = read_linear(cpu, lin, (uint8_t *)ops, count * sizeof(ops[0]));
    if (r < 0)
        return r;
    for (uint32_t i = 0; i < count; i++) {
        /* The guest's little-endian words, whatever the host's order. */
        uint32_t *w = &ops[i].op;
        for (int k = 0; k < 4; k++)
            w[k] = host_ld(&w[k], 4);
        if (!mmu_op_ok(cpu, &ops[i]))
            return -BT86_EINVAL;
    }
    for (uint32_t i = 0; i < count; i++) {
        const struct bt86_mmu_op *o = &ops[i];
        switch (o->op) {
        case BT86_MMU_PTE32:
            phys_write(cpu->mem, o->addr, o->lo, 4);
            break;
        case BT86_MMU_PTE64:
            /* The high half first: the entry never shows the new present
             * bit with the old frame's high bits (one CPU: only order). */
            phys_write(cpu->mem, o->addr + 4, o->hi, 4);
            phys_write(cpu->mem, o->addr, o->lo, 4);
            break;
        case BT86_MMU_INVLPG:
            tlb_flush_page(cpu, o->addr);
            break;
        case BT86_MMU_FLUSH:
            tlb_flush_nonglobal(cpu);
            break;
        case BT86_MMU_NEW_CR3:
            cpu->cr[3] = o->lo;
            tlb_flush_nonglobal(cpu);
            break;
        }
    }
    return (int32_t)count;
}

static int32_t bt86_hypercall(struct cpu *cpu, uint32_t nr, int *stat)
{
    struct pv_state *pv = cpu->pv;
    uint32_t ebx = cpu->r[R_EBX], ecx = cpu->r[R_ECX], edx = cpu->r[R_EDX];
    switch (nr) {
    case BT86_HC_VERSION:
        *stat = PVS_VERSION;
        return BT86_PV_VERSION;
    case BT86_HC_CONSOLE_WRITE:
        *stat = PVS_CONSOLE_WRITE;
        return hc_console_write(cpu, ebx, ecx);
    case BT86_HC_MMU_BATCH:
        *stat = PVS_MMU_BATCH;
        return hc_mmu_batch(cpu, ebx, ecx);
    case BT86_HC_SHARED_PAGE:
        *stat = PVS_SHARED_PAGE;
        return pv_hc_shared_page(cpu, ebx);
    case BT86_HC_EVENTS:
        *stat = PVS_EVENTS;
        return pv_hc_events(cpu);
    case BT86_HC_HALT:
        *stat = PVS_HALT;
        return pv_hc_halt(cpu);
    case BT86_HC_TIMER:
        *stat = PVS_TIMER;
        return pv_hc_timer(cpu, ebx, ecx, edx);
    case BT86_HC_TIME: {
        *stat = PVS_TIME;
        uint64_t t = clock_now(pv->w.clock);
        cpu->r[R_EDX] = (uint32_t)(t >> 32);
        return (int32_t)(uint32_t)t;
    }
    default:
        *stat = PVS_ENOSYS;
        return -BT86_ENOSYS;
    }
}

/*
 * The monitor entry.  Every path returns to the run loop (the frontend
 * ends the block at EIP = next), so that an event a call made deliverable
 * (the virtual IF set, a timer due) is taken before the next instruction.
 */
uint32_t helper_vmcall(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t next)
{
    if (!cpu_model.pv && !cpu_model.kvm) {
        /* No interface: VMCALL outside VMX operation is #UD. */
        pv_stats.calls[PVS_UD]++;
        cpu_raise(cpu, EXC_UD, 0, 0);
    }
    uint64_t t0 = monitor_stats.timing ? host_clock_ns() : 0;
    uint32_t nr = cpu->r[R_EAX];
    int stat;
    int32_t r;
    cpu->eip = next;
    if (cpu_cpl(cpu) != 0) {
        /* KVM's answer (-KVM_EPERM), which bt86's ABI shares: a user
         * program probing VMCALL learns nothing and changes nothing. */
        stat = PVS_EPERM;
        r = -BT86_EPERM; /* == -KVM_EPERM */
    } else if (cpu_model.pv && nr - BT86_HC_BASE < 0x10000) {
        r = bt86_hypercall(cpu, nr, &stat);
    } else if (cpu_model.kvm) {
        r = pv_kvm_hypercall(cpu, nr, &stat);
    } else {
        stat = PVS_ENOSYS;
        r = -BT86_ENOSYS;
    }
    if (log_enabled(LOG_MONITOR)) /* the entry's own line shows no registers */
        fprintf(log_file ? log_file : stderr,
                "MONITOR:   hypercall %s eax=%x ebx=%x ecx=%x edx=%x -> %d\n",
                pv_stat_names[stat], nr, cpu->r[R_EBX], cpu->r[R_ECX], cpu->r[R_EDX], r);
    cpu->r[R_EAX] = (uint32_t)r;
    pv_stats.calls[stat]++;
    if (monitor_stats.timing)
        pv_stats.ns[stat] += host_clock_ns() - t0;
    return 0;
}
