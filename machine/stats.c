/*
 * stats.c - the statistics bt86 prints at exit with -stats (or writes with
 * -stats-json FILE): how much the guest ran, how much was translated, and
 * where the time went: translated code, the monitor (per sensitive
 * instruction and class), exception and interrupt delivery, the devices
 * (per port range and MMIO region), plus the soft TLB's hit rate and the
 * hottest blocks.
 *
 * Counters that cost nothing are always kept; timing and the TLB hit
 * count are on only with -stats or -stats-json (monitor_stats.timing).
 */
#include "machine/stats.h"
#include "monitor/helpers.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "monitor/paravirt.h"
#include "base/symbols.h"
#include "base/timer.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"
#include "translator/backend.h"
#include "translator/insn.h"
#include "translator/tbcache.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#define HOT_BLOCKS 10

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "coproc", "#TS", "#NP",
    "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM",
};

/* Where the run time went, in ns. */
struct split {
    double run, translate, exec, monitor, devices, exceptions, interrupts;
};

struct device_sum {
    uint64_t ns;
    FILE *f;
    int json, first;
};

static void sum_ports(const char *name, uint16_t base, uint64_t count, uint64_t ns, void *arg)
{
    struct device_sum *d = arg;
    (void)name, (void)base, (void)count;
    d->ns += ns;
}

static void print_port(const char *name, uint16_t base, uint64_t count, uint64_t ns, void *arg)
{
    struct device_sum *d = arg;
    if (!count)
        return;
    if (d->json)
        fprintf(d->f, "%s\n    { \"device\": \"%s\", \"base\": %u, \"accesses\": %llu, \"ns\": %llu }",
                d->first ? "" : ",", name, base, (unsigned long long)count,
                (unsigned long long)ns);
    else
        fprintf(d->f, "    %-16s 0x%04x %12llu  %9.3f ms\n", name, base, (unsigned long long)count,
                ns * 1e-6);
    d->first = 0;
}

static void print_mmio(const struct mem_region *r, void *arg)
{
    struct device_sum *d = arg;
    if (r->kind != MEM_MMIO || !r->accesses)
        return;
    if (d->json)
        fprintf(d->f, "%s\n    { \"device\": \"%s\", \"base\": %u, \"accesses\": %llu, \"ns\": %llu }",
                d->first ? "" : ",", r->name, r->base, (unsigned long long)r->accesses,
                (unsigned long long)r->ns);
    else
        fprintf(d->f, "    %-16s 0x%08x %12llu  %9.3f ms\n", r->name, r->base,
                (unsigned long long)r->accesses, r->ns * 1e-6);
    d->first = 0;
}

struct hot {
    const struct tb *tb[HOT_BLOCKS];
    int n;
};

static uint64_t weight(const struct tb *tb)
{
    return tb->exec_count * tb->ninsns; /* guest instructions it ran */
}

static void collect_hot(const struct tb *tb, void *arg)
{
    struct hot *h = arg;
    uint64_t w = weight(tb);
    if (!w || (h->n == HOT_BLOCKS && weight(h->tb[HOT_BLOCKS - 1]) >= w))
        return;
    int i = h->n < HOT_BLOCKS ? h->n++ : HOT_BLOCKS - 1;
    for (; i > 0 && weight(h->tb[i - 1]) < w; i--)
        h->tb[i] = h->tb[i - 1];
    h->tb[i] = tb;
}

static void sum_mmio(const struct mem_region *r, void *arg)
{
    struct device_sum *d = arg;
    if (r->kind == MEM_MMIO)
        d->ns += r->ns;
}

static struct split time_split(struct machine *m)
{
    struct split s = { 0 };
    s.run = (double)(host_clock_ns() - m->start_ns);
    s.translate = m->tbs->stats.translate_seconds * 1e9;
    s.exec = (double)monitor_stats.exec_ns;
    for (int i = 0; i < H_COUNT; i++)
        if (helper_table[i].cls != CLS_INNOCUOUS)
            s.monitor += (double)monitor_stats.helper_ns[i];
    struct device_sum d = { 0 };
    ioport_foreach(&m->io, sum_ports, &d);
    mem_foreach(&m->mem, sum_mmio, &d);
    s.devices = (double)(d.ns + monitor_stats.poll_ns);
    for (int v = 0; v < 32; v++)
        s.exceptions += (double)monitor_stats.exception_ns[v];
    s.interrupts = (double)monitor_stats.interrupt_ns;
    return s;
}

/* The most this process ever had resident (getrusage), in KiB. */
static long peak_rss_kib(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/* What CPU i did (-smp): its closed slices, and the open one if it runs. */
static struct cpu_share cpu_share(struct machine *m, int i)
{
    struct cpu_share s = m->cpu_share[i];
    if (m->share_open && m->current == m->cpus[i]) {
        uint64_t n = 0;
        for (size_t k = 0; k < sizeof(monitor_stats.helper_calls) / sizeof(monitor_stats.helper_calls[0]); k++)
            n += monitor_stats.helper_calls[k];
        s.monitor_entries += n - m->share_mark.monitor_entries;
        s.interrupts += monitor_stats.interrupts - m->share_mark.interrupts;
    }
    return s;
}

void stats_print(struct machine *m, FILE *f)
{
    uint64_t cls[CLS_COUNT] = { 0 }, cls_ns[CLS_COUNT] = { 0 };
    struct split t = time_split(m);
    double run_ns = t.run > 0 ? t.run : 1;
    fprintf(f, "bt86 statistics\n");
    fprintf(f, "  guest instructions executed  %llu\n", (unsigned long long)machine_icount(m));
    /* Under -icount a halted CPU's count also takes the time it skipped. */
    for (int i = 0; m->ncpus > 1 && i < m->ncpus; i++) {
        struct cpu_share sh = cpu_share(m, i);
        fprintf(f, "    CPU %d                      %llu (%llu monitor entries, %llu interrupts)\n",
                i, (unsigned long long)m->cpus[i]->icount, (unsigned long long)sh.monitor_entries,
                (unsigned long long)sh.interrupts);
    }
    fprintf(f, "  blocks executed              %llu\n", (unsigned long long)tb_blocks_executed(m->tbs));
    fprintf(f, "  blocks translated            %llu (%llu guest instructions, %.3f ms)\n",
            (unsigned long long)m->tbs->stats.translated,
            (unsigned long long)m->tbs->stats.guest_insns_translated, m->tbs->stats.translate_seconds * 1e3);
    if (m->tbs->stats.guest_insns_translated)
        fprintf(f, "  translation cost             %.2f us per guest instruction\n",
                m->tbs->stats.translate_seconds * 1e6 / m->tbs->stats.guest_insns_translated);
    if (m->tbs->stats.guest_insns_translated)
        fprintf(f, "  host code                    %.1f bytes per guest instruction (%s backend)\n",
                (double)m->tbs->stats.code_bytes / m->tbs->stats.guest_insns_translated,
                tb_backend(m->tbs)->name);
    fprintf(f, "  peak resident memory         %.1f MiB\n", peak_rss_kib() / 1024.0);
    fprintf(f, "  blocks chained               %llu\n", (unsigned long long)m->tbs->stats.chained);
    uint64_t ran = tb_blocks_executed(m->tbs), entries = m->tbs->stats.run_loop_entries;
    if (ran >= entries && ran)
        fprintf(f, "  entered through chains       %6.2f%%  (%llu from the run loop)\n",
                100.0 * (double)(ran - entries) / (double)ran, (unsigned long long)entries);
    uint64_t jc = m->tbs->stats.jc_hits + m->tbs->stats.jc_misses;
    if (jc)
        fprintf(f, "  jump cache hit rate          %6.2f%%  (%llu lookups by indirect exits and "
                   "jumps to other pages)\n",
                100.0 * (double)m->tbs->stats.jc_hits / (double)jc, (unsigned long long)jc);
    if (m->tbs->stats.quick_finds)
        fprintf(f, "  past the run loop            %llu blocks after monitor calls\n",
                (unsigned long long)m->tbs->stats.quick_finds);
    uint64_t ras = m->tbs->stats.ras_hits + m->tbs->stats.ras_misses;
    if (ras)
        fprintf(f, "  return prediction hit rate   %6.2f%%  (%llu near returns; a miss looks up "
                   "the jump cache)\n",
                100.0 * (double)m->tbs->stats.ras_hits / (double)ras, (unsigned long long)ras);
    fprintf(f, "  blocks invalidated (SMC)     %llu\n", (unsigned long long)m->tbs->stats.invalidated);
    fprintf(f, "  cache flushes                %llu\n", (unsigned long long)m->tbs->stats.flushes);
    fprintf(f, "  run time                     %.3f s\n", run_ns * 1e-9);
    fprintf(f, "  time in translated code      %6.2f%%  (monitor entries included)\n",
            100.0 * t.exec / run_ns);
    fprintf(f, "  time translating             %6.2f%%\n", 100.0 * t.translate / run_ns);
    fprintf(f, "  time in the monitor          %6.2f%%  (sensitive instructions)\n",
            100.0 * t.monitor / run_ns);
    fprintf(f, "  time delivering exceptions   %6.2f%%\n", 100.0 * t.exceptions / run_ns);
    fprintf(f, "  time delivering interrupts   %6.2f%%\n", 100.0 * t.interrupts / run_ns);
    fprintf(f, "  time in devices              %6.2f%%  (port and MMIO callbacks, timers, polling)\n",
            100.0 * t.devices / run_ns);
    uint64_t acc = tlb_stats.hits + tlb_stats.misses;
    if (acc)
        fprintf(f, "  TLB hit rate                 %6.2f%%  (%llu loads and stores, %llu refills)\n",
                100.0 * tlb_stats.hits / acc, (unsigned long long)acc,
                (unsigned long long)tlb_stats.refills);
    if (tlb_stats.guessed)
        fprintf(f, "  host addend guessed right    %6.2f%%  (%llu loads whose address was loaded)\n",
                100.0 * (double)(tlb_stats.guessed - tlb_stats.misguessed) / (double)tlb_stats.guessed,
                (unsigned long long)tlb_stats.guessed);
    fprintf(f, "  monitor entries               count   share of run time\n");
    for (int i = 0; i < H_COUNT; i++) {
        uint64_t n = monitor_stats.helper_calls[i];
        cls[helper_table[i].cls] += n;
        cls_ns[helper_table[i].cls] += monitor_stats.helper_ns[i];
        if (i == H_VMCALL) {
            /* One row per hypercall name: the VMCALLs split by what they asked. */
            for (int k = 0; k < PVS_COUNT; k++)
                if (pv_stats.calls[k])
                    fprintf(f, "    %-12s %-24s %9llu   %6.2f%%  (%.0f ns each)\n",
                            pv_stat_names[k], insn_class_names[CLS_HYPERCALL],
                            (unsigned long long)pv_stats.calls[k],
                            100.0 * pv_stats.ns[k] / run_ns,
                            (double)pv_stats.ns[k] / pv_stats.calls[k]);
            continue;
        }
        if (n && helper_table[i].cls != CLS_INNOCUOUS)
            fprintf(f, "    %-12s %-24s %9llu   %6.2f%%  (%.0f ns each)\n", helper_table[i].name,
                    insn_class_names[helper_table[i].cls], (unsigned long long)n,
                    100.0 * monitor_stats.helper_ns[i] / run_ns,
                    (double)monitor_stats.helper_ns[i] / n);
    }
    for (int c = CLS_PRIVILEGED; c < CLS_COUNT; c++)
        fprintf(f, "  %-28s %9llu   %6.2f%%\n", insn_class_names[c], (unsigned long long)cls[c],
                100.0 * cls_ns[c] / run_ns);
    for (int v = 0; v < 32; v++)
        if (monitor_stats.exceptions[v])
            fprintf(f, "  exception %-6s             %9llu   %6.2f%%  (%.0f ns each)\n",
                    exc_names[v] ? exc_names[v] : "?",
                    (unsigned long long)monitor_stats.exceptions[v],
                    100.0 * monitor_stats.exception_ns[v] / run_ns,
                    (double)monitor_stats.exception_ns[v] / monitor_stats.exceptions[v]);
    fprintf(f, "  interrupts delivered         %9llu\n",
            (unsigned long long)monitor_stats.interrupts);
    struct device_sum d = { .f = f, .first = 1 };
    fprintf(f, "  port accesses per device      base      accesses       time\n");
    ioport_foreach(&m->io, print_port, &d);
    fprintf(f, "  MMIO accesses per region\n");
    mem_foreach(&m->mem, print_mmio, &d);
    struct hot h = { 0 };
    tb_foreach(m->tbs, collect_hot, &h);
    fprintf(f, "  hottest blocks (since the last cache flush)   insns x runs\n");
    for (int i = 0; i < h.n; i++) {
        char sym[128];
        fprintf(f, "    0x%08x %-28s %3u x %llu\n", h.tb[i]->pc,
                symbols_format(h.tb[i]->pc, sym, sizeof(sym)), h.tb[i]->ninsns,
                (unsigned long long)h.tb[i]->exec_count);
    }
}

static void json_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
}

int stats_write_json(struct machine *m, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bt86: -stats-json %s: cannot open for writing: %s\n", path, strerror(errno));
        return -1;
    }
    struct split t = time_split(m);
    fprintf(f, "{\n  \"guest_instructions\": %llu,\n", (unsigned long long)machine_icount(m));
    if (m->ncpus > 1) {
        fprintf(f, "  \"cpus\": [");
        for (int i = 0; i < m->ncpus; i++) {
            struct cpu_share sh = cpu_share(m, i);
            fprintf(f, "%s\n    { \"guest_instructions\": %llu, \"monitor_entries\": %llu, "
                       "\"interrupts\": %llu }",
                    i ? "," : "", (unsigned long long)m->cpus[i]->icount,
                    (unsigned long long)sh.monitor_entries, (unsigned long long)sh.interrupts);
        }
        fprintf(f, "\n  ],\n");
    }
    fprintf(f, "  \"blocks_executed\": %llu,\n", (unsigned long long)tb_blocks_executed(m->tbs));
    fprintf(f, "  \"blocks_translated\": %llu,\n", (unsigned long long)m->tbs->stats.translated);
    fprintf(f, "  \"guest_instructions_translated\": %llu,\n",
            (unsigned long long)m->tbs->stats.guest_insns_translated);
    fprintf(f, "  \"translate_seconds\": %.6f,\n", m->tbs->stats.translate_seconds);
    fprintf(f, "  \"backend\": \"%s\",\n", tb_backend(m->tbs)->name);
    fprintf(f, "  \"code_bytes\": %llu,\n", (unsigned long long)m->tbs->stats.code_bytes);
    fprintf(f, "  \"peak_rss_kib\": %ld,\n", peak_rss_kib());
    fprintf(f, "  \"blocks_chained\": %llu,\n", (unsigned long long)m->tbs->stats.chained);
    fprintf(f, "  \"run_loop_entries\": %llu,\n", (unsigned long long)m->tbs->stats.run_loop_entries);
    fprintf(f, "  \"jump_cache\": { \"hits\": %llu, \"misses\": %llu },\n",
            (unsigned long long)m->tbs->stats.jc_hits, (unsigned long long)m->tbs->stats.jc_misses);
    fprintf(f, "  \"return_prediction\": { \"hits\": %llu, \"misses\": %llu },\n",
            (unsigned long long)m->tbs->stats.ras_hits, (unsigned long long)m->tbs->stats.ras_misses);
    fprintf(f, "  \"quick_finds\": %llu,\n", (unsigned long long)m->tbs->stats.quick_finds);
    fprintf(f, "  \"blocks_invalidated\": %llu,\n", (unsigned long long)m->tbs->stats.invalidated);
    fprintf(f, "  \"cache_flushes\": %llu,\n", (unsigned long long)m->tbs->stats.flushes);
    fprintf(f, "  \"time_seconds\": { \"run\": %.6f, \"translated_code\": %.6f, \"translate\": %.6f, "
               "\"monitor\": %.6f, \"exceptions\": %.6f, \"interrupts\": %.6f, \"devices\": %.6f },\n",
            t.run * 1e-9, t.exec * 1e-9, t.translate * 1e-9, t.monitor * 1e-9,
            t.exceptions * 1e-9, t.interrupts * 1e-9, t.devices * 1e-9);
    fprintf(f, "  \"tlb\": { \"hits\": %llu, \"misses\": %llu, \"refills\": %llu, "
               "\"addend_guessed\": %llu, \"addend_misguessed\": %llu },\n",
            (unsigned long long)tlb_stats.hits, (unsigned long long)tlb_stats.misses,
            (unsigned long long)tlb_stats.refills, (unsigned long long)tlb_stats.guessed,
            (unsigned long long)tlb_stats.misguessed);
    fprintf(f, "  \"monitor\": {");
    int first = 1;
    for (int i = 0; i < H_COUNT; i++) {
        if (i == H_VMCALL) {
            for (int k = 0; k < PVS_COUNT; k++) {
                if (!pv_stats.calls[k])
                    continue;
                fprintf(f, "%s\n    \"%s\": %llu", first ? "" : ",", pv_stat_names[k],
                        (unsigned long long)pv_stats.calls[k]);
                first = 0;
            }
            continue;
        }
        if (!monitor_stats.helper_calls[i])
            continue;
        fprintf(f, "%s\n    \"%s\": %llu", first ? "" : ",", helper_table[i].name,
                (unsigned long long)monitor_stats.helper_calls[i]);
        first = 0;
    }
    fprintf(f, "\n  },\n  \"monitor_by_class\": {");
    for (int c = CLS_PRIVILEGED; c < CLS_COUNT; c++) {
        uint64_t n = 0, ns = 0;
        for (int i = 0; i < H_COUNT; i++) {
            if (helper_table[i].cls == c) {
                n += monitor_stats.helper_calls[i];
                ns += monitor_stats.helper_ns[i];
            }
        }
        fprintf(f, "%s\n    \"%s\": { \"count\": %llu, \"seconds\": %.6f }",
                c == CLS_PRIVILEGED ? "" : ",", insn_class_names[c], (unsigned long long)n,
                ns * 1e-9);
    }
    fprintf(f, "\n  },\n  \"exceptions\": {");
    first = 1;
    for (int v = 0; v < 32; v++) {
        if (!monitor_stats.exceptions[v])
            continue;
        fprintf(f, "%s\n    \"%d\": { \"count\": %llu, \"seconds\": %.6f }", first ? "" : ",", v,
                (unsigned long long)monitor_stats.exceptions[v],
                monitor_stats.exception_ns[v] * 1e-9);
        first = 0;
    }
    fprintf(f, "\n  },\n  \"interrupts\": %llu,\n", (unsigned long long)monitor_stats.interrupts);
    struct device_sum d = { .f = f, .json = 1, .first = 1 };
    fprintf(f, "  \"ports\": [");
    ioport_foreach(&m->io, print_port, &d);
    fprintf(f, "\n  ],\n  \"mmio\": [");
    d.first = 1;
    mem_foreach(&m->mem, print_mmio, &d);
    fprintf(f, "\n  ],\n  \"hot_blocks\": [");
    struct hot h = { 0 };
    tb_foreach(m->tbs, collect_hot, &h);
    for (int i = 0; i < h.n; i++) {
        char sym[128];
        fprintf(f, "%s\n    { \"pc\": %u, \"symbol\": \"", i ? "," : "", h.tb[i]->pc);
        json_escape(f, symbols_format(h.tb[i]->pc, sym, sizeof(sym)));
        fprintf(f, "\", \"instructions\": %u, \"executions\": %llu }", h.tb[i]->ninsns,
                (unsigned long long)h.tb[i]->exec_count);
    }
    fprintf(f, "\n  ]\n}\n");
    fclose(f);
    return 0;
}
