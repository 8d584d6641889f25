/*
 * stepper.c - the block stepper: watch the translator work, one block (or
 * one guest instruction) at a time.
 *
 * It is a debug front end (machine/debug.h) like the gdb stub: the run loop
 * calls stopped() between blocks, and this file reads commands from stdin
 * until one lets the guest run.  To show the block about to run it looks
 * it up (translating it if needed) with exceptions caught, so that a block
 * whose code is not mapped yet is reported, not delivered early: the fault
 * is taken for real when the run loop fetches the block.
 *
 * At the end of its input the stepper lets the guest run to its end, so a
 * script may stop after the part it cares about.
 */
#include "ui/stepper.h"
#include "machine/debug.h"
#include "monitor/helpers.h"
#include "machine/machine.h"
#include "machine/stats.h"
#include "base/symbols.h"
#include "softmmu/memory.h"
#include "softmmu/paging.h"
#include "softmmu/tlb.h"
#include "translator/backend.h"
#include "translator/decode.h"
#include "translator/insn.h"
#include "translator/ir.h"
#include "translator/tbcache.h"
#include "base/chardev.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct machine *machine;
static int at_eof;
static int colour;
static uint32_t prev_regs[10];
static uint16_t prev_seg[6];
static int prev_cpl;

static const char *const reg_names[10] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                           "eip", "eflags" };
static const char *const seg_names[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

static void snapshot(struct cpu *cpu, uint32_t *r, uint16_t *s, int *cpl)
{
    *cpl = cpu_cpl(cpu);
    for (int i = 0; i < 8; i++)
        r[i] = cpu->r[i];
    r[8] = cpu->eip;
    r[9] = cpu_get_eflags(cpu);
    for (int i = 0; i < 6; i++)
        s[i] = cpu->seg[i].sel;
}

/* ------------------------------------------------------------ guest memory */

static int read_lin(struct cpu *cpu, uint32_t lin, uint8_t *out)
{
    uint32_t phys;
    if (paging_debug_translate(cpu, lin, &phys) < 0)
        return -1;
    uint8_t *h = mem_host_ptr(cpu->mem, phys);
    if (!h)
        return -1;
    *out = *h;
    return 0;
}

/* ADDR: 0x1234, 1234 (hex), SYMBOL or SYMBOL+OFFSET. */
static int parse_addr(const char *s, uint32_t *addr)
{
    if (!s || !*s)
        return -1;
    char name[128];
    const char *plus = strchr(s, '+');
    size_t n = plus ? (size_t)(plus - s) : strlen(s);
    if (n < sizeof(name)) {
        memcpy(name, s, n);
        name[n] = 0;
        if (!symbols_find(name, addr)) {
            if (plus)
                *addr += (uint32_t)strtoul(plus + 1, NULL, 0);
            return 0;
        }
    }
    char *end;
    unsigned long v = strtoul(s, &end, 16);
    if (*end)
        return -1;
    *addr = (uint32_t)v;
    return 0;
}

/* ------------------------------------------------------------ blocks */

/* The block the guest runs next, or NULL if fetching it faults. */
static struct tb *peek_block(struct cpu *cpu)
{
    jmp_buf saved;
    memcpy(&saved, &cpu->jmp, sizeof(saved));
    uint32_t eip = cpu->eip, cr2 = cpu->cr[2], insn_eip = cpu->insn_eip;
    int ssn = cpu->single_step_next;
    struct tb *volatile tb = NULL;
    if (!setjmp(cpu->jmp)) {
        cpu->single_step_next = 0;
        tb = tb_find(cpu);
    }
    memcpy(&cpu->jmp, &saved, sizeof(saved));
    cpu->eip = eip;
    cpu->cr[2] = cr2;
    cpu->insn_eip = insn_eip;
    cpu->pending_vector = -1;
    cpu->single_step_next = ssn;
    return tb;
}

static void show_insn(struct cpu *cpu, uint32_t eip, int mark)
{
    uint32_t lin = cpu->seg[S_CS].base + eip;
    uint8_t buf[16];
    int n = 0;
    while (n < 16 && read_lin(cpu, lin + n, &buf[n]) == 0)
        n++;
    struct insn in;
    char sym[128];
    if (!n || decode_insn(buf, n, eip, (cpu->hflags & HF_CODE32) != 0, &in) < 0) {
        printf("  %s0x%08x: (cannot decode)\n", mark ? "=> " : "   ", lin);
        return;
    }
    char hex[40] = "";
    for (int i = 0; i < in.len && i < 8; i++)
        sprintf(hex + 3 * i, "%02x ", in.bytes[i]);
    const char *cls = insn_class_names[in.cls];
    int sensitive = in.cls != CLS_INNOCUOUS && in.cls != CLS_CONTROL;
    printf("  %s0x%08x %-16s %-24s %-36s %s[%s]%s\n", mark ? "=> " : "   ", lin,
           symbols_format(lin, sym, sizeof(sym)), hex, in.text,
           colour && sensitive ? "\033[1;31m" : "", cls, colour && sensitive ? "\033[0m" : "");
}

static void show_block(struct cpu *cpu, int one_insn)
{
    struct tb *tb = peek_block(cpu);
    if (!tb) {
        printf("block: code at 0x%08x is not mapped: the fetch will fault\n",
               cpu->seg[S_CS].base + cpu->eip);
        return;
    }
    char sym[128];
    printf("block 0x%08x %s: %u guest instructions, %u bytes, run %llu times before%s\n", tb->pc,
           symbols_format(tb->pc, sym, sizeof(sym)), tb->ninsns, tb->guest_bytes,
           (unsigned long long)tb->exec_count, one_insn ? " (stepping its first instruction)" : "");
    printf("guest code:\n");
    for (uint32_t i = 0; i < tb->ninsns; i++)
        show_insn(cpu, tb->insn_eip[i], i == 0);
    if (!strcmp(tb_backend(cpu->tbs)->name, "interp"))
        printf("translated (IR micro-ops as the interp backend threads them):\n");
    else
        printf("translated (host code from the %s backend):\n", tb_backend(cpu->tbs)->name);
    tb_dump_code(cpu->tbs, stdout, tb);
}

/*
 * The next block three ways at once: each guest instruction, the IR ops it
 * became and the backend's code for them, one under the other.  Blocks keep
 * no IR, so it is translated again (exceptions caught as in peek_block).
 */
static void show_side_by_side(struct cpu *cpu)
{
    struct tb *tb = peek_block(cpu);
    if (!tb) {
        printf("block: code at 0x%08x is not mapped: the fetch will fault\n",
               cpu->seg[S_CS].base + cpu->eip);
        return;
    }
    static struct ir_block *b;
    static struct insn *insns;
    if (!b) {
        b = malloc(sizeof(*b));
        insns = malloc(sizeof(*insns) * IR_MAX_INSNS);
        if (!b || !insns) {
            printf("out of memory\n");
            return;
        }
    }
    jmp_buf saved;
    memcpy(&saved, &cpu->jmp, sizeof(saved));
    volatile int ok = 0;
    if (!setjmp(cpu->jmp))
        ok = tb_ir_again(cpu, tb, b, insns) == 0;
    memcpy(&cpu->jmp, &saved, sizeof(saved));
    cpu->pending_vector = -1;
    if (!ok) {
        printf("the block's code changed since it was translated: see 'block'\n");
        return;
    }
    char sym[128];
    printf("block 0x%08x %s: guest instruction, then its IR, then the %s backend's code\n",
           tb->pc, symbols_format(tb->pc, sym, sizeof(sym)), tb_backend(cpu->tbs)->name);
    for (int i = 0; i < b->ninsns; i++) {
        show_insn(cpu, b->insns[i].eip, i == 0);
        int any = 0;
        for (int k = 0; k < b->nops; k++) {
            if (b->ops[k].insn != i || b->ops[k].opc == IR_NOP)
                continue;
            printf("      ir    ");
            ir_dump_op(stdout, &b->ops[k]);
            any = 1;
        }
        if (!any)
            printf("      ir    (nothing left after optimization)\n");
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        int split = m && tb_dump_insn_code(cpu->tbs, m, tb, i) == 0;
        if (m)
            fclose(m);
        if (!split)
            printf("      host  (the %s backend cannot split its code per instruction)\n",
                   tb_backend(cpu->tbs)->name);
        /* The backend indents its own dump by two: one more level here. */
        char *save = NULL;
        for (char *line = split ? strtok_r(text, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save))
            printf("      host%s\n", line);
        free(text);
    }
}

/* ------------------------------------------------------------ commands */

static void show_regs(struct cpu *cpu)
{
    uint32_t r[10];
    uint16_t s[6];
    int cpl;
    snapshot(cpu, r, s, &cpl);
    for (int i = 0; i < 10; i++) {
        int changed = r[i] != prev_regs[i];
        printf("%s%-6s %08x%s%s", changed && colour ? "\033[1;33m" : "", reg_names[i], r[i],
               changed ? (colour ? "\033[0m " : "*") : " ", i % 4 == 3 ? "\n" : "  ");
    }
    printf("\n");
    for (int i = 0; i < 6; i++) {
        int changed = s[i] != prev_seg[i];
        printf("%s%-2s %04x%s%s", changed && colour ? "\033[1;33m" : "", seg_names[i], s[i],
               changed ? (colour ? "\033[0m " : "*") : " ", "  ");
    }
    int changed = cpl != prev_cpl;
    printf("%scpl %d%s\ncr0 %08x  cr2 %08x  cr3 %08x  cr4 %08x\n",
           changed && colour ? "\033[1;33m" : "", cpl, changed ? (colour ? "\033[0m" : "*") : "",
           cpu->cr[0], cpu->cr[2], cpu->cr[3], cpu->cr[4]);
    printf("(* changed since the last stop)\n");
}

static void dump_mem(struct cpu *cpu, uint32_t addr, uint32_t len)
{
    if (len > 4096)
        len = 4096;
    for (uint32_t off = 0; off < len; off += 16) {
        printf("0x%08x:", addr + off);
        for (uint32_t i = off; i < off + 16 && i < len; i++) {
            uint8_t b;
            if (read_lin(cpu, addr + i, &b) < 0)
                printf(" ??");
            else
                printf(" %02x", b);
        }
        printf("\n");
    }
}

static void show_tlb(struct cpu *cpu)
{
    int n = 0;
    for (int m = 0; m < 2; m++) {
        for (int i = 0; i < TLB_SIZE; i++) {
            const struct tlb_entry *e = &cpu->tlb[m][i];
            uint32_t tags[3] = { e->tag_read, e->tag_write, e->tag_code };
            uint32_t page = 0, any = 0, flags = 0;
            for (int k = 0; k < 3; k++) {
                if (!(tags[k] & TLB_INVALID)) {
                    page = tags[k] & PAGE_MASK;
                    any |= 1u << k;
                    flags |= tags[k] & ~PAGE_MASK;
                }
            }
            if (!any)
                continue;
            printf("%s %3d  virt 0x%08x -> phys 0x%08x  %c%c%c%s%s%s%s\n", m ? "user" : "sup ", i,
                   page, e->phys, any & 1 ? 'r' : '-', any & 2 ? 'w' : '-', any & 4 ? 'x' : '-',
                   flags & TLB_MMIO ? " mmio" : "", flags & TLB_NOTDIRTY ? " code-page" : "",
                   flags & TLB_WATCH ? " watched" : "", e->global ? " global" : "");
            n++;
        }
    }
    printf("%d valid TLB entries\n", n);
}

static void pte_bits(uint64_t e)
{
    printf("%s%s%s%s%s%s%s", e & 1 ? " P" : " not-present", e & 2 ? " W" : " R/O",
           e & 4 ? " U" : " S", e & 0x20 ? " A" : "", e & 0x40 ? " D" : "", e & 0x80 ? " PS" : "",
           e & 0x100 ? " G" : "");
}

static uint64_t phys64(struct cpu *cpu, uint32_t a)
{
    return phys_read(cpu->mem, a, 4) | (uint64_t)phys_read(cpu->mem, a + 4, 4) << 32;
}

static void walk(struct cpu *cpu, uint32_t va)
{
    if (!(cpu->cr[0] & CR0_PG)) {
        printf("paging is off (CR0.PG=0): linear 0x%08x = physical 0x%08x\n", va,
               va & cpu->a20_mask);
        return;
    }
    printf("CR3 0x%08x, %s\n", cpu->cr[3], cpu->cr[4] & CR4_PAE ? "PAE" : "two-level");
    if (cpu->cr[4] & CR4_PAE) {
        uint32_t a = (cpu->cr[3] & ~0x1fu) + ((va >> 30) & 3) * 8;
        uint64_t e = phys64(cpu, a);
        printf("PDPTE[%u] at 0x%08x = 0x%016llx", (va >> 30) & 3, a, (unsigned long long)e);
        pte_bits(e & 1);
        printf("\n");
        if (!(e & 1))
            return;
        a = (uint32_t)(e & 0xffffff000ull) + ((va >> 21) & 0x1ff) * 8;
        e = phys64(cpu, a);
        printf("PDE[%u] at 0x%08x = 0x%016llx", (va >> 21) & 0x1ff, a, (unsigned long long)e);
        pte_bits(e);
        printf("\n");
        if (!(e & 1) || (e & 0x80))
            goto result;
        a = (uint32_t)(e & 0xffffff000ull) + ((va >> 12) & 0x1ff) * 8;
        e = phys64(cpu, a);
        printf("PTE[%u] at 0x%08x = 0x%016llx", (va >> 12) & 0x1ff, a, (unsigned long long)e);
        pte_bits(e);
        printf("\n");
    } else {
        uint32_t a = (cpu->cr[3] & PAGE_MASK) + (va >> 22) * 4;
        uint32_t e = phys_read(cpu->mem, a, 4);
        printf("PDE[%u] at 0x%08x = 0x%08x", va >> 22, a, e);
        pte_bits(e);
        printf("\n");
        if (!(e & 1) || ((e & 0x80) && (cpu->cr[4] & CR4_PSE)))
            goto result;
        a = (e & PAGE_MASK) + ((va >> 12) & 0x3ff) * 4;
        e = phys_read(cpu->mem, a, 4);
        printf("PTE[%u] at 0x%08x = 0x%08x", (va >> 12) & 0x3ff, a, e);
        pte_bits(e);
        printf("\n");
    }
result:;
    uint32_t phys;
    if (paging_debug_translate(cpu, va, &phys) < 0)
        printf("linear 0x%08x is not mapped: an access faults (#PF)\n", va);
    else
        printf("linear 0x%08x -> physical 0x%08x\n", va, phys);
}

static void help(void)
{
    printf("commands (bt86 stops before each block; as in gdb, an empty line repeats\n"
           "the last command, and at the first stop it means step):\n"
           "  s, step            run this block, stop before the next\n"
           "  si, stepi          run one guest instruction\n"
           "  c, continue        run until a breakpoint or watchpoint\n"
           "  b, break ADDR      stop before the instruction at ADDR (hex or symbol[+off])\n"
           "  watch ADDR LEN     stop after an instruction writes [ADDR, ADDR+LEN)\n"
           "  delete             remove every breakpoint and watchpoint\n"
           "  regs               registers (* or colour: changed since the last stop)\n"
           "  x ADDR LEN         dump guest memory (linear addresses)\n"
           "  tlb                the soft TLB's valid entries\n"
           "  walk ADDR          the page-table walk for a linear address\n"
           "  block              show the next block again\n"
           "  side               the next block side by side: each guest instruction,\n"
           "                     its IR and the backend's code under it\n"
           "  stats              the statistics so far (as -stats)\n"
           "  help               this list\n"
           "  q, quit            stop the guest and exit bt86\n");
}

/* Handle one command line; returns 1 when the guest should run. */
static int command(struct cpu *cpu, char *line)
{
    char *argv[4] = { 0 };
    int argc = 0;
    for (char *save = NULL, *t = strtok_r(line, " \t\r\n", &save); t && argc < 4;
         t = strtok_r(NULL, " \t\r\n", &save))
        argv[argc++] = t;
    if (!argc)
        return 0;
    const char *c = argv[0];
    uint32_t addr, len;
    if (!strcmp(c, "s") || !strcmp(c, "step")) {
        debug_resume(&machine->debug, cpu, DEBUG_RUN_BLOCK);
        return 1;
    } else if (!strcmp(c, "si") || !strcmp(c, "stepi")) {
        debug_resume(&machine->debug, cpu, DEBUG_RUN_STEP);
        return 1;
    } else if (!strcmp(c, "c") || !strcmp(c, "continue")) {
        debug_resume(&machine->debug, cpu, DEBUG_RUN_CONTINUE);
        return 1;
    } else if (!strcmp(c, "b") || !strcmp(c, "break")) {
        if (parse_addr(argv[1], &addr) < 0)
            printf("break: expected an address (hex) or a symbol\n");
        else if (debug_bp_insert(&machine->debug, addr, 0) < 0)
            printf("break: too many breakpoints\n");
        else
            printf("breakpoint at 0x%08x\n", addr);
    } else if (!strcmp(c, "watch")) {
        if (parse_addr(argv[1], &addr) < 0 || !argv[2] || !(len = strtoul(argv[2], NULL, 0)))
            printf("watch: expected ADDR LEN\n");
        else if (debug_wp_insert(&machine->debug, addr, len, WATCH_WRITE) < 0)
            printf("watch: too many watchpoints\n");
        else
            printf("watchpoint on writes to 0x%08x, %u bytes\n", addr, len);
    } else if (!strcmp(c, "delete")) {
        debug_clear_all(&machine->debug);
        printf("no breakpoints or watchpoints\n");
    } else if (!strcmp(c, "regs")) {
        show_regs(cpu);
    } else if (!strcmp(c, "x")) {
        if (parse_addr(argv[1], &addr) < 0)
            printf("x: expected ADDR [LEN]\n");
        else
            dump_mem(cpu, addr, argv[2] ? (uint32_t)strtoul(argv[2], NULL, 0) : 16);
    } else if (!strcmp(c, "tlb")) {
        show_tlb(cpu);
    } else if (!strcmp(c, "walk")) {
        if (parse_addr(argv[1], &addr) < 0)
            printf("walk: expected a linear address\n");
        else
            walk(cpu, addr);
    } else if (!strcmp(c, "block")) {
        show_block(cpu, 0);
    } else if (!strcmp(c, "side")) {
        show_side_by_side(cpu);
    } else if (!strcmp(c, "stats")) {
        fflush(stdout);
        stats_print(machine, stdout);
    } else if (!strcmp(c, "help") || !strcmp(c, "h") || !strcmp(c, "?")) {
        help();
    } else if (!strcmp(c, "q") || !strcmp(c, "quit")) {
        debug_clear_all(&machine->debug);
        debug_resume(&machine->debug, cpu, DEBUG_RUN_CONTINUE);
        machine_shutdown(machine, 0);
        return 1;
    } else {
        printf("unknown command '%s' (try help)\n", c);
    }
    return 0;
}

static void stopped(void *opaque, struct cpu *cpu, enum debug_stop why)
{
    (void)opaque; /* the machine, as in `machine` */
    static char last[256] = "step";
    char sym[128];
    uint32_t pc = cpu->seg[S_CS].base + cpu->eip;
    if (at_eof) {
        debug_resume(&machine->debug, cpu, DEBUG_RUN_CONTINUE);
        return;
    }
    static const char *const reason[] = { "", "breakpoint", "step", "watchpoint", "start" };
    printf("\n== stopped (%s) at %04x:%08x %s\n", reason[why], cpu->seg[S_CS].sel, cpu->eip,
           symbols_format(pc, sym, sizeof(sym)));
    if (why == DEBUG_WATCH)
        printf("watchpoint 0x%08x: written at 0x%08x by the instruction before this one\n",
               machine->debug.watch_hit.addr, machine->debug.watch_hit.access_addr);
    show_block(cpu, 0);
    for (;;) {
        printf("(bt86) ");
        fflush(stdout);
        char line[256];
        if (!fgets(line, sizeof(line), stdin)) {
            printf("\n(end of input: the guest runs on)\n");
            fflush(stdout);
            at_eof = 1;
            debug_clear_all(&machine->debug);
            debug_resume(&machine->debug, cpu, DEBUG_RUN_CONTINUE);
            break;
        }
        if (strspn(line, " \t\r\n") == strlen(line))
            strcpy(line, last);
        else
            snprintf(last, sizeof(last), "%s", line);
        if (!isatty(STDIN_FILENO))
            printf("%s", line); /* echo, so that a transcript reads like a session */
        if (command(cpu, line))
            break;
    }
    snapshot(cpu, prev_regs, prev_seg, &prev_cpl);
    fflush(stdout);
}

static const struct debug_frontend stepper_frontend = { stopped, NULL };

void stepper_init(struct machine *m)
{
    machine = m;
    colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    snapshot(&m->cpu, prev_regs, prev_seg, &prev_cpl);
    debug_set_frontend(&m->debug, &stepper_frontend, m);
    debug_request_stop(&m->debug);
    printf("bt86 block stepper: 'help' lists the commands\n");
}
