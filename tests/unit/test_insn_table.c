/*
 * test_insn_table.c - the instruction table (translator/insn_table.c) and
 * the monitor's helper table (monitor/helpers.c) agree, and the frontend does
 * what the table says.
 *
 * 1. Every op has a row; every row that names a helper names one whose
 *    class matches: the same class for a monitor class, innocuous for the
 *    others (a disagreement like INS/OUTS being "privileged" in the decoder
 *    and "innocuous" in the monitor's statistics fails here).
 * 2. Byte sequences of every sensitive instruction are decoded and
 *    translated; the IR of each must IR_CALL a monitor entry of the class
 *    the decoder gave (and the table's helper, when the row has one),
 *    unless the sequence is a form the table documents as not entering
 *    the monitor, in which case it must not call one.  Every monitor entry
 *    must be reached by some sequence.  A call of an entry that declares
 *    HE_EXIT must be followed by the end of the block, through
 *    IR_EXITEIP when the entry sets EIP (HS_EIP).
 */
#include "check.h"
#include "monitor/helpers.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"
#include "translator/decode.h"
#include "translator/frontend.h"
#include "translator/insn_table.h"
#include "translator/tbcache.h"

#include <stdlib.h>
#include <string.h>

static struct machine m;

static void flat32(struct cpu *cpu)
{
    static const uint32_t code[2] = { 0x0000ffff, 0x00cf9b00 }, data[2] = { 0x0000ffff, 0x00cf9300 };
    cpu->cr[0] |= CR0_PE;
    seg_set_cache(&cpu->seg[S_CS], 0x10, code[0], code[1]);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            seg_set_cache(&cpu->seg[s], 0x18, data[0], data[1]);
    cpu_update_hflags(cpu);
}

static void check_rows(void)
{
    for (int op = 0; op < OP_COUNT; op++) {
        const struct insn_info *r = &insn_table[op];
        CHECK(r->name != NULL);
        if (!r->name) {
            fprintf(stderr, "  op %d has no row in insn_table\n", op);
            continue;
        }
        CHECK(r->cls < CLS_COUNT);
        CHECK(r->helper < H_COUNT);
        if (r->helper == H_NONE)
            continue;
        const struct helper_info *h = &helper_table[r->helper];
        int want = insn_class_is_monitor(r->cls) ? r->cls : CLS_INNOCUOUS;
        CHECK(h->fn != NULL);
        if (h->cls != want) {
            CHECK_EQ(h->cls, want);
            fprintf(stderr, "  %s is %s in insn_table, its helper %s is %s\n", r->name,
                    insn_class_names[r->cls], h->name, insn_class_names[h->cls]);
        }
    }
    for (int i = 1; i < H_COUNT; i++) {
        CHECK(helper_table[i].fn != NULL);
        CHECK(helper_table[i].name != NULL);
    }
}

struct sample {
    const char *hex;  /* 32-bit code */
    const char *text; /* what it is, for messages */
    int inline_ok;    /* a form insn_table documents as not entering the monitor */
};

static const struct sample samples[] = {
    { "fa", "cli", 0 }, { "fb", "sti", 0 }, { "f4", "hlt", 0 },
    { "e460", "in al, 0x60", 0 }, { "ed", "in eax, dx", 0 }, { "e680", "out 0x80, al", 0 }, { "ee", "out dx, al", 0 },
    { "6c", "insb", 0 }, { "6d", "insd", 0 }, { "f36c", "rep insb", 0 }, { "6e", "outsb", 0 }, { "f36f", "rep outsd", 0 },
    { "0f0110", "lgdt [eax]", 0 }, { "0f0118", "lidt [eax]", 0 }, { "0f00d0", "lldt ax", 0 },
    { "0f00d8", "ltr ax", 0 }, { "0f01f0", "lmsw ax", 0 }, { "0f06", "clts", 0 },
    { "0f22c0", "mov cr0, eax", 0 }, { "0f22d8", "mov cr3, eax", 0 }, { "0f20c0", "mov eax, cr0", 0 },
    { "0f23f8", "mov dr7, eax", 0 }, { "0f21f0", "mov eax, dr6", 0 },
    { "0f08", "invd", 0 }, { "0f09", "wbinvd", 0 }, { "0f0138", "invlpg [eax]", 0 },
    { "0f32", "rdmsr", 0 }, { "0f30", "wrmsr", 0 }, { "0f33", "rdpmc", 0 }, { "0f35", "sysexit", 0 },
    { "0f0100", "sgdt [eax]", 0 }, { "0f0108", "sidt [eax]", 0 }, { "0f00c0", "sldt ax", 0 },
    { "0f01e0", "smsw ax", 0 }, { "0f00c8", "str ax", 0 }, { "9c", "pushf", 0 }, { "9d", "popf", 0 },
    { "0f02c1", "lar eax, ecx", 0 }, { "0f03c1", "lsl eax, ecx", 0 }, { "0f00e0", "verr ax", 0 },
    { "0f00e8", "verw ax", 0 },
    { "8ed8", "mov ds, ax", 0 }, { "8ed0", "mov ss, ax", 0 }, { "8e03", "mov es, [ebx]", 0 },
    { "8cd8", "mov ax, ds", 1 }, { "8c03", "mov [ebx], es", 1 }, { "8ec8", "mov cs, ax", 1 },
    { "06", "push es", 1 }, { "0fa0", "push fs", 1 }, { "07", "pop es", 0 }, { "0fa1", "pop fs", 0 },
    { "17", "pop ss", 0 },
    { "c503", "lds eax, [ebx]", 0 }, { "c403", "les eax, [ebx]", 0 }, { "0fb403", "lfs eax, [ebx]", 0 },
    { "0fb503", "lgs eax, [ebx]", 0 }, { "0fb203", "lss eax, [ebx]", 0 },
    { "ea001000000800", "jmp 0x8:0x1000", 0 }, { "ff28", "jmp far [eax]", 0 },
    { "9a001000000800", "call 0x8:0x1000", 0 }, { "ff18", "call far [eax]", 0 },
    { "cb", "retf", 0 }, { "ca0800", "retf 8", 0 }, { "cd80", "int 0x80", 0 }, { "cf", "iret", 0 },
    { "63c8", "arpl ax, cx", 0 }, { "0fa2", "cpuid", 0 }, { "0f31", "rdtsc", 0 }, { "0f34", "sysenter", 0 },
    { "0f01c1", "vmcall", 0 },
};

static int hexbytes(const char *hex, uint8_t *out)
{
    int n = 0;
    for (; hex[0] && hex[1]; hex += 2)
        out[n++] = (uint8_t)strtoul((char[3]){ hex[0], hex[1], 0 }, NULL, 16);
    return n;
}

static void check_translation(void)
{
    static struct ir_block b;
    static struct insn insns[IR_MAX_INSNS];
    int reached[H_COUNT] = { 0 };
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const struct sample *s = &samples[i];
        uint8_t code[20];
        int n = hexbytes(s->hex, code);
        code[n++] = 0xeb; /* jmp $: ends the block without a call */
        code[n++] = 0xfe;
        uint32_t addr = 0x10000 + (uint32_t)i * 0x100;
        phys_copy_to(&m.mem, addr, code, n);
        frontend_translate(&m.cpu, addr, 0, m.cpu.hflags, &b, insns);
        const struct insn *in = &insns[0];
        if (!insn_class_is_monitor(in->cls)) {
            CHECK(insn_class_is_monitor(in->cls));
            fprintf(stderr, "  %s: decoded as %s, class %s\n", s->text, in->text,
                    insn_class_names[in->cls]);
            continue;
        }
        int end = b.ninsns > 1 ? b.insns[1].first_op : b.nops;
        int monitor = 0, table_helper = 0, want = insn_table[in->op].helper;
        for (int k = b.insns[0].first_op; k < end; k++) {
            if (b.ops[k].opc != IR_CALL)
                continue;
            uint32_t h = b.ops[k].imm;
            if (h < H_COUNT && helper_table[h].cls == in->cls) {
                monitor = 1;
                reached[h] = 1;
            }
            table_helper |= h == (uint32_t)want;
            /* What the helper declares about leaving the block, the IR must honour. */
            int exits = 0, exits_eip = 0;
            for (int j = k + 1; j < end; j++) {
                exits |= (ir_op_info[b.ops[j].opc].flags & IRF_EXIT) != 0;
                exits_eip |= b.ops[j].opc == IR_EXITEIP;
            }
            if (h < H_COUNT && (helper_table[h].effects & HE_EXIT) && !exits) {
                CHECK(exits);
                fprintf(stderr, "  %s: the block goes on after %s (HE_EXIT)\n", s->text,
                        helper_table[h].name);
            }
            if (h < H_COUNT && (helper_table[h].writes & HS_EIP) && !exits_eip) {
                CHECK(exits_eip);
                fprintf(stderr, "  %s: %s sets EIP, the block does not exit through it\n",
                        s->text, helper_table[h].name);
            }
        }
        if (s->inline_ok) {
            CHECK(!monitor);
            if (monitor)
                fprintf(stderr, "  %s: enters the monitor; drop its exception\n", s->text);
            CHECK(insn_table[in->op].note != NULL || in->op == OP_PUSH);
            continue;
        }
        CHECK(monitor);
        if (!monitor)
            fprintf(stderr, "  %s (%s): no IR_CALL of a %s monitor entry\n", s->text, in->text,
                    insn_class_names[in->cls]);
        if (want != H_NONE) {
            CHECK(table_helper);
            if (!table_helper)
                fprintf(stderr, "  %s: does not call %s, its helper in insn_table\n", s->text,
                        helper_table[want].name);
        }
    }
    for (int h = 1; h < H_COUNT; h++) {
        if (helper_table[h].cls == CLS_INNOCUOUS)
            continue;
        CHECK(reached[h]);
        if (!reached[h])
            fprintf(stderr, "  monitor entry %s: no sample reaches it\n", helper_table[h].name);
    }
}

int main(void)
{
    m.ram_size = 4 << 20;
    m.ram = calloc(1, m.ram_size);
    machine_init_core(&m);
    if (decode_init() < 0)
        return 1;
    m.cpu.machine = &m;
    cpu_reset(&m.cpu);
    flat32(&m.cpu);

    check_rows();
    check_translation();
    return check_done("insn_table");
}
