/*
 * helpers.c - the table translated code calls through (IR_CALL imm = id).
 *
 * helper_call() (helpers.h) counts every call per entry
 * (monitor_stats.helper_calls), whichever backend makes it; per-class
 * totals come from the `cls` column.
 */
#include "monitor/helpers.h"
#include "monitor/helpers_impl.h"
#include "monitor/helpers_unsupported.h"
#include "base/log.h"
#include "monitor/monitor.h"
#include "monitor/monitor_entries.h"
#include "monitor/helpers_unsupported.h"
#include "fpu/x87.h"
#include "base/symbols.h"
#include "base/timer.h"

#include <stdio.h>

static void log_change(FILE *f, const char *what, uint32_t before, uint32_t after)
{
    if (before != after)
        fprintf(f, " %s %x->%x", what, before, after);
}

uint32_t helper_call_logged(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b, uint32_t c,
                            uint32_t aux)
{
    const struct helper_info *h = &helper_table[id];
    if (h->cls == CLS_INNOCUOUS)
        return h->fn(cpu, a, b, c, aux);
    FILE *f = log_file ? log_file : stderr;
    char sym[128];
    uint32_t fl = cpu_get_eflags(cpu), cr0 = cpu->cr[0], cr3 = cpu->cr[3], cr4 = cpu->cr[4];
    int cpl = cpu_cpl(cpu);
    uint16_t cs = cpu->seg[S_CS].sel;
    fprintf(f, "MONITOR: %-12s [%s] at %04x:%08x %s cpl=%d args=(%x,%x,%x,%x)\n", h->name,
            insn_class_names[h->cls], cs, cpu->insn_eip,
            symbols_format(cpu->seg[S_CS].base + cpu->insn_eip, sym, sizeof(sym)), cpl, a, b, c,
            aux);
    /* If it raises an exception, -d int says so; this line is not printed. */
    uint32_t r = h->fn(cpu, a, b, c, aux);
    uint32_t nfl = cpu_get_eflags(cpu);
    fprintf(f, "MONITOR:   -> %s result=%x", h->name, r);
    log_change(f, "IF", (fl & F_IF) != 0, (nfl & F_IF) != 0);
    log_change(f, "IOPL", (fl & F_IOPL) >> 12, (nfl & F_IOPL) >> 12);
    log_change(f, "CPL", (uint32_t)cpl, (uint32_t)cpu_cpl(cpu));
    log_change(f, "CS", cs, cpu->seg[S_CS].sel);
    log_change(f, "CR0", cr0, cpu->cr[0]);
    log_change(f, "CR3", cr3, cpu->cr[3]);
    log_change(f, "CR4", cr4, cpu->cr[4]);
    if (cpu->halted)
        fprintf(f, " halted");
    fputc('\n', f);
    return r;
}

uint32_t helper_call_timed(struct cpu *cpu, uint32_t id, uint32_t a, uint32_t b, uint32_t c,
                           uint32_t aux)
{
    uint64_t t0 = host_clock_ns();
    uint32_t r = helper_table[id].fn(cpu, a, b, c, aux);
    monitor_stats.helper_ns[id] += host_clock_ns() - t0;
    return r;
}

/*
 * The columns after the class say what each helper touches (HS_*, HE_*
 * in helpers.h), read off its code; tests/unit/test_helper_effects.c runs
 * each one on random states and fails when it changes, or depends on,
 * a register it does not declare.  HS_MEM implies the soft MMU's reads of
 * the CPL and paging state.  Monitor entries that may switch tasks or
 * deliver an interrupt (far JMP/CALL, INT, IRET) touch everything.
 */
#define STACK (HS_ESP | HS_SEGS | HS_SYS | HS_MEM) /* push/pop: ESP, SS, SS.B */
#define ALL_GUEST (HS_GPRS | HS_FLAGS | HS_EFLAGS | HS_EIP | HS_SEGS | HS_SYS | HS_MEM)
const struct helper_info helper_table[H_COUNT] = {
    [H_NONE] = { NULL, "none", CLS_INNOCUOUS, 0, 0, 0 },
    [H_DIV] = { helper_div, "div", CLS_INNOCUOUS, HS_EAX | HS_EDX, HS_EAX | HS_EDX, HE_FAULT },
    [H_IDIV] = { helper_idiv, "idiv", CLS_INNOCUOUS, HS_EAX | HS_EDX, HS_EAX | HS_EDX, HE_FAULT },
    [H_ROTATE] = { helper_rotate, "rotate", CLS_INNOCUOUS, HS_FLAGS, HS_FLAGS, 0 },
    [H_SHLD] = { helper_shld, "shld", CLS_INNOCUOUS, HS_FLAGS, HS_FLAGS, 0 },
    [H_SHRD] = { helper_shrd, "shrd", CLS_INNOCUOUS, HS_FLAGS, HS_FLAGS, 0 },
    [H_BSF] = { helper_bsf, "bsf", CLS_INNOCUOUS, HS_FLAGS, HS_FLAGS, 0 },
    [H_BSR] = { helper_bsr, "bsr", CLS_INNOCUOUS, HS_FLAGS, HS_FLAGS, 0 },
    [H_BCD] = { helper_bcd, "bcd", CLS_INNOCUOUS, HS_EAX | HS_FLAGS, HS_EAX | HS_FLAGS, HE_FAULT },
    [H_CMPXCHG8B] = { helper_cmpxchg8b, "cmpxchg8b", CLS_INNOCUOUS,
                      HS_EAX | HS_ECX | HS_EDX | HS_EBX | HS_FLAGS | HS_MEM,
                      HS_EAX | HS_EDX | HS_FLAGS | HS_MEM, HE_FAULT },
    [H_STRING] = { helper_string, "string", CLS_INNOCUOUS,
                   HS_EAX | HS_ECX | HS_ESI | HS_EDI | HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM,
                   HS_EAX | HS_ECX | HS_ESI | HS_EDI | HS_FLAGS | HS_EIP | HS_MEM,
                   HE_FAULT | HE_EXIT },
    [H_ENTER] = { helper_enter, "enter", CLS_INNOCUOUS, STACK | HS_EBP, HS_ESP | HS_EBP | HS_MEM,
                  HE_FAULT },
    [H_PUSHA] = { helper_pusha, "pusha", CLS_INNOCUOUS, STACK | HS_GPRS, HS_ESP | HS_MEM, HE_FAULT },
    [H_POPA] = { helper_popa, "popa", CLS_INNOCUOUS, STACK | HS_GPRS, HS_GPRS, HE_FAULT },
    [H_BOUND] = { helper_bound, "bound", CLS_INNOCUOUS, HS_MEM, 0, HE_FAULT },
    [H_RAISE] = { helper_raise, "raise", CLS_INNOCUOUS, 0, 0, HE_FAULT | HE_NORETURN },
    [H_SEGCHK] = { helper_segchk, "segchk", CLS_INNOCUOUS, HS_EFLAGS | HS_SEGS | HS_SYS, 0,
                   HE_FAULT },
    [H_UNIMPLEMENTED] = { helper_unimplemented, "unimplemented", CLS_INNOCUOUS,
                          HS_SEGS | HS_SYS | HS_MEM, 0, HE_FAULT | HE_NORETURN },
    [H_X87] = { helper_x87, "x87", CLS_INNOCUOUS,
                HS_EAX | HS_FLAGS | HS_EFLAGS | HS_SEGS | HS_SYS | HS_FPU | HS_MEM,
                HS_EAX | HS_FLAGS | HS_FPU | HS_MEM | HS_IO, HE_FAULT },
    [H_FWAIT] = { helper_fwait, "fwait", CLS_INNOCUOUS, HS_EFLAGS | HS_SYS | HS_FPU,
                  HS_FPU | HS_IO, HE_FAULT },
    [H_NO_EXTENSION] = { helper_no_extension, "no_extension", CLS_INNOCUOUS,
                         HS_SEGS | HS_SYS | HS_MEM, 0, HE_FAULT | HE_NORETURN },
    [H_PAUSE] = { helper_pause, "pause", CLS_INNOCUOUS, 0, 0, 0 },
    [H_CLI] = { helper_cli, "cli", CLS_PRIVILEGED, HS_EFLAGS | HS_SYS, HS_EFLAGS, HE_FAULT },
    [H_STI] = { helper_sti, "sti", CLS_PRIVILEGED, HS_EFLAGS | HS_SYS, HS_EFLAGS | HS_SYS,
                HE_FAULT | HE_EXIT },
    [H_HLT] = { helper_hlt, "hlt", CLS_PRIVILEGED, HS_SYS, HS_EIP | HS_SYS, HE_FAULT | HE_EXIT },
    [H_IN] = { helper_in, "in", CLS_PRIVILEGED, HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM | HS_IO,
               HS_IO, HE_FAULT },
    [H_OUT] = { helper_out, "out", CLS_PRIVILEGED, HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM | HS_IO,
                HS_IO, HE_FAULT },
    [H_INS] = { helper_string, "ins", CLS_PRIVILEGED,
                HS_ECX | HS_EDX | HS_EDI | HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM | HS_IO,
                HS_ECX | HS_EDI | HS_EIP | HS_MEM | HS_IO, HE_FAULT | HE_EXIT },
    [H_OUTS] = { helper_string, "outs", CLS_PRIVILEGED,
                 HS_ECX | HS_EDX | HS_ESI | HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM | HS_IO,
                 HS_ECX | HS_ESI | HS_EIP | HS_IO, HE_FAULT | HE_EXIT },
    [H_LGDT] = { helper_lgdt, "lgdt", CLS_PRIVILEGED, HS_SYS | HS_MEM, HS_SYS, HE_FAULT },
    [H_LIDT] = { helper_lidt, "lidt", CLS_PRIVILEGED, HS_SYS | HS_MEM, HS_SYS, HE_FAULT },
    [H_LLDT] = { helper_lldt, "lldt", CLS_PRIVILEGED, HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM,
                 HS_SEGS, HE_FAULT },
    [H_LTR] = { helper_ltr, "ltr", CLS_PRIVILEGED, HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM,
                HS_SEGS | HS_MEM, HE_FAULT },
    [H_LMSW] = { helper_lmsw, "lmsw", CLS_PRIVILEGED, HS_SYS, HS_SYS, HE_FAULT | HE_EXIT },
    [H_CLTS] = { helper_clts, "clts", CLS_PRIVILEGED, HS_SYS, HS_SYS, HE_FAULT },
    [H_MOV_TO_CR] = { helper_mov_to_cr, "mov_to_cr", CLS_PRIVILEGED, HS_SYS, HS_SYS,
                      HE_FAULT | HE_EXIT },
    [H_MOV_FROM_CR] = { helper_mov_from_cr, "mov_from_cr", CLS_PRIVILEGED, HS_SYS, 0, HE_FAULT },
    [H_MOV_TO_DR] = { helper_mov_to_dr, "mov_to_dr", CLS_PRIVILEGED, HS_SYS, HS_SYS, HE_FAULT },
    [H_MOV_FROM_DR] = { helper_mov_from_dr, "mov_from_dr", CLS_PRIVILEGED, HS_SYS, 0, HE_FAULT },
    [H_INVD] = { helper_invd, "invd", CLS_PRIVILEGED, HS_SYS, 0, HE_FAULT },
    [H_INVLPG] = { helper_invlpg, "invlpg", CLS_PRIVILEGED, HS_SYS, HS_SYS, HE_FAULT | HE_EXIT },
    [H_RDMSR] = { helper_rdmsr, "rdmsr", CLS_PRIVILEGED, HS_ECX | HS_SYS, HS_EAX | HS_EDX,
                  HE_FAULT },
    [H_WRMSR] = { helper_wrmsr, "wrmsr", CLS_PRIVILEGED, HS_EAX | HS_ECX | HS_EDX | HS_SYS, HS_SYS,
                  HE_FAULT | HE_EXIT },
    [H_RDPMC] = { helper_rdpmc, "rdpmc", CLS_PRIVILEGED, 0, 0, HE_FAULT | HE_NORETURN },
    [H_SYSEXIT] = { helper_sysexit, "sysexit", CLS_PRIVILEGED, HS_ECX | HS_EDX | HS_SYS,
                    HS_ESP | HS_EIP | HS_SEGS | HS_SYS, HE_FAULT | HE_EXIT },
    [H_SGDT] = { helper_sgdt, "sgdt", CLS_SENSITIVE, HS_SYS, HS_MEM, HE_FAULT },
    [H_SIDT] = { helper_sidt, "sidt", CLS_SENSITIVE, HS_SYS, HS_MEM, HE_FAULT },
    [H_SLDT] = { helper_sldt, "sldt", CLS_SENSITIVE, HS_EFLAGS | HS_SEGS | HS_SYS, 0, HE_FAULT },
    [H_STR] = { helper_str, "str", CLS_SENSITIVE, HS_EFLAGS | HS_SEGS | HS_SYS, 0, HE_FAULT },
    [H_SMSW] = { helper_smsw, "smsw", CLS_SENSITIVE, HS_SYS, 0, 0 },
    [H_PUSHF] = { helper_pushf, "pushf", CLS_SENSITIVE, STACK | HS_FLAGS | HS_EFLAGS,
                  HS_ESP | HS_MEM, HE_FAULT },
    [H_POPF] = { helper_popf, "popf", CLS_SENSITIVE, STACK | HS_FLAGS | HS_EFLAGS,
                 HS_ESP | HS_FLAGS | HS_EFLAGS, HE_FAULT | HE_EXIT },
    [H_LAR] = { helper_lar, "lar", CLS_SENSITIVE, HS_FLAGS | HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM,
                HS_FLAGS, HE_FAULT },
    [H_LSL] = { helper_lsl, "lsl", CLS_SENSITIVE, HS_FLAGS | HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM,
                HS_FLAGS, HE_FAULT },
    [H_VERR] = { helper_verr, "verr", CLS_SENSITIVE,
                 HS_FLAGS | HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM, HS_FLAGS, HE_FAULT },
    [H_VERW] = { helper_verw, "verw", CLS_SENSITIVE,
                 HS_FLAGS | HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM, HS_FLAGS, HE_FAULT },
    [H_LOAD_SEG] = { helper_load_seg, "load_seg", CLS_SENSITIVE,
                     HS_EFLAGS | HS_SEGS | HS_SYS | HS_MEM, HS_SEGS | HS_SYS | HS_MEM,
                     HE_FAULT | HE_EXIT },
    [H_JMPF] = { helper_jmpf, "jmpf", CLS_SENSITIVE, ALL_GUEST, ALL_GUEST, HE_FAULT | HE_EXIT },
    [H_CALLF] = { helper_callf, "callf", CLS_SENSITIVE, ALL_GUEST, ALL_GUEST, HE_FAULT | HE_EXIT },
    [H_RETF] = { helper_retf, "retf", CLS_SENSITIVE, STACK | HS_EFLAGS,
                 HS_ESP | HS_EIP | HS_SEGS | HS_SYS | HS_MEM, HE_FAULT | HE_EXIT },
    [H_INT] = { helper_int, "int", CLS_SENSITIVE, ALL_GUEST, ALL_GUEST, HE_FAULT | HE_EXIT },
    [H_IRET] = { helper_iret, "iret", CLS_SENSITIVE, ALL_GUEST, ALL_GUEST, HE_FAULT | HE_EXIT },
    [H_ARPL] = { helper_arpl, "arpl", CLS_SENSITIVE, HS_FLAGS, HS_FLAGS, 0 },
    [H_CPUID] = { helper_cpuid, "cpuid", CLS_VIRT, HS_EAX | HS_SYS,
                  HS_EAX | HS_ECX | HS_EDX | HS_EBX, 0 },
    [H_RDTSC] = { helper_rdtsc, "rdtsc", CLS_VIRT, HS_SYS, HS_EAX | HS_EDX, HE_FAULT },
    [H_SYSENTER] = { helper_sysenter, "sysenter", CLS_VIRT, HS_FLAGS | HS_EFLAGS | HS_SYS,
                     HS_ESP | HS_FLAGS | HS_EFLAGS | HS_EIP | HS_SEGS | HS_SYS,
                     HE_FAULT | HE_EXIT },
    /* Reads and writes what the calls do (monitor/hypercall.c): EDX for the
     * time, memory for the console, page tables and the shared page. */
    [H_VMCALL] = { helper_vmcall, "vmcall", CLS_HYPERCALL,
                   HS_EAX | HS_ECX | HS_EDX | HS_EBX | HS_EFLAGS | HS_SYS | HS_MEM | HS_IO,
                   HS_EAX | HS_EDX | HS_EIP | HS_SYS | HS_MEM | HS_IO, HE_FAULT | HE_EXIT },
};
#undef STACK
#undef ALL_GUEST
