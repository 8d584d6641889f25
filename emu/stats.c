/*
 * stats.c - the statistics bt86 prints at exit with -stats: how much the
 * guest ran, how much was translated, and how often each sensitive
 * instruction and exception brought the monitor in.
 */
#include "emu/stats.h"
#include "emu/helpers.h"
#include "emu/machine.h"
#include "emu/monitor.h"
#include "emu/timer.h"
#include "translator/insn.h"
#include "translator/tbcache.h"

#include <stdio.h>

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "coproc", "#TS", "#NP",
    "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM",
};

void stats_print(struct machine *m, FILE *f)
{
    struct cpu *cpu = &m->cpu;
    uint64_t cls[CLS_COUNT] = { 0 }, cls_ns[CLS_COUNT] = { 0 };
    double run_ns = (double)(host_clock_ns() - m->start_ns);
    fprintf(f, "bt86 statistics\n");
    fprintf(f, "  guest instructions executed  %llu\n", (unsigned long long)cpu->icount);
    fprintf(f, "  blocks translated            %llu (%llu guest instructions, %.3f ms)\n",
            (unsigned long long)tb_stats.translated,
            (unsigned long long)tb_stats.guest_insns_translated, tb_stats.translate_seconds * 1e3);
    if (tb_stats.guest_insns_translated)
        fprintf(f, "  translation cost             %.2f us per guest instruction\n",
                tb_stats.translate_seconds * 1e6 / tb_stats.guest_insns_translated);
    fprintf(f, "  blocks chained               %llu\n", (unsigned long long)tb_stats.chained);
    fprintf(f, "  blocks invalidated (SMC)     %llu\n", (unsigned long long)tb_stats.invalidated);
    fprintf(f, "  cache flushes                %llu\n", (unsigned long long)tb_stats.flushes);
    fprintf(f, "  run time                     %.3f s\n", run_ns * 1e-9);
    fprintf(f, "  monitor entries               count   share of run time\n");
    for (int i = 0; i < H_COUNT; i++) {
        uint64_t n = monitor_stats.helper_calls[i];
        cls[helper_table[i].cls] += n;
        cls_ns[helper_table[i].cls] += monitor_stats.helper_ns[i];
        if (n && helper_table[i].cls != CLS_INNOCUOUS)
            fprintf(f, "    %-12s %-15s %9llu   %6.2f%%  (%.0f ns each)\n", helper_table[i].name,
                    insn_class_names[helper_table[i].cls], (unsigned long long)n,
                    100.0 * monitor_stats.helper_ns[i] / run_ns,
                    (double)monitor_stats.helper_ns[i] / n);
    }
    for (int c = CLS_PRIVILEGED; c < CLS_COUNT; c++)
        fprintf(f, "  %-28s %9llu   %6.2f%%\n", insn_class_names[c], (unsigned long long)cls[c],
                100.0 * cls_ns[c] / run_ns);
    for (int v = 0; v < 32; v++)
        if (monitor_stats.exceptions[v])
            fprintf(f, "  exception %-6s             %llu\n", exc_names[v] ? exc_names[v] : "?",
                    (unsigned long long)monitor_stats.exceptions[v]);
    fprintf(f, "  interrupts delivered         %llu\n", (unsigned long long)monitor_stats.interrupts);
}

int stats_write_json(struct machine *m, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    fprintf(f, "{\n  \"guest_instructions\": %llu,\n", (unsigned long long)m->cpu.icount);
    fprintf(f, "  \"blocks_translated\": %llu,\n", (unsigned long long)tb_stats.translated);
    fprintf(f, "  \"guest_instructions_translated\": %llu,\n",
            (unsigned long long)tb_stats.guest_insns_translated);
    fprintf(f, "  \"translate_seconds\": %.6f,\n", tb_stats.translate_seconds);
    fprintf(f, "  \"blocks_chained\": %llu,\n", (unsigned long long)tb_stats.chained);
    fprintf(f, "  \"blocks_invalidated\": %llu,\n", (unsigned long long)tb_stats.invalidated);
    fprintf(f, "  \"monitor\": {");
    int first = 1;
    for (int i = 0; i < H_COUNT; i++) {
        if (!monitor_stats.helper_calls[i])
            continue;
        fprintf(f, "%s\n    \"%s\": %llu", first ? "" : ",", helper_table[i].name,
                (unsigned long long)monitor_stats.helper_calls[i]);
        first = 0;
    }
    fprintf(f, "\n  },\n  \"exceptions\": {");
    first = 1;
    for (int v = 0; v < 32; v++) {
        if (!monitor_stats.exceptions[v])
            continue;
        fprintf(f, "%s\n    \"%d\": %llu", first ? "" : ",", v,
                (unsigned long long)monitor_stats.exceptions[v]);
        first = 0;
    }
    fprintf(f, "\n  }\n}\n");
    fclose(f);
    return 0;
}
