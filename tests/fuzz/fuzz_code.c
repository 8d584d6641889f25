/*
 * fuzz_code.c - any bytes as ring-3 code in a paged guest.
 *
 * The input's first 36 bytes are the eight registers and EFLAGS, the rest
 * is code at 1 MiB.  The guest runs at CPL 3 on a whole PC, with identity
 * paging by 4 MiB pages: the first one user-writable (code, data, stack),
 * the second supervisor-only (the ring-0 stack), nothing above, so wild
 * pointers fault.  The GDT, IDT, TSS, page directory and the exception stubs
 * sit in ROM where the code cannot change them; each stub reports its
 * vector on a port, which ends the run, as does a budget of 20000
 * instructions.  bt86 must deliver an architectural exception or keep
 * running: never crash, never touch memory outside the guest's (ASan), never
 * stop the process (a triple fault or a stop on an unimplemented feature
 * would exit, which libFuzzer reports).
 *
 * One machine serves every input, and only what an input could change is
 * put back: the pages it reached (below), the blocks translated from them,
 * the CPU, the VGA when it wrote to its window.  Other devices are out of
 * its reach (CPL 3, no I/O permission, every IRQ masked since reset), and
 * the blocks of the ROM stubs stay valid.
 */
#include "tests/fuzz/fuzz.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "base/timer.h"
#include "hw/vga.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"
#include "translator/tbcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_MB 8
#define VGA_PAGE_FIRST 0xa0
#define VGA_PAGE_LAST 0xbf
#define RAM_PAGES (RAM_MB << 8)

#define ROM_BASE 0xf0000u
#define GDT_OFF 0x0000u
#define TSS_OFF 0x0080u
#define IDT_OFF 0x0100u
#define STUB_OFF 0x1000u
#define PD_OFF 0x2000u
#define CODE_ADDR 0x100000u
#define USER_TOP 0x400000u
#define REPORT_PORT 0x4f0
#define BUDGET_INSNS 20000

static struct machine *m;
static uint8_t rom[0x10000];
static struct timer budget;
static int last_vector;
static int verbose;

/*
 * Every RAM write goes through a TLB entry, and the TLB is empty when an
 * input starts (the code cannot flush it: CPL 3), so the pages filled into
 * it are all the pages the input may have written; the mapping is the
 * identity.  The debugger's watch hook is the one that sees each fill.
 */
static uint32_t touched[RAM_PAGES];
static int ntouched;
static uint8_t is_touched[RAM_PAGES];

static int note_page(struct cpu *cpu, uint32_t vpage)
{
    (void)cpu;
    uint32_t p = vpage >> 12;
    if (vpage - ROM_BASE < sizeof(rom))
        return 0; /* read-only, and its stub blocks stay valid */
    if (p < RAM_PAGES && !is_touched[p]) {
        is_touched[p] = 1;
        touched[ntouched++] = p;
    }
    return 0; /* never watched: the fast path stays as without the hook */
}

static void watch_access(struct cpu *cpu, uint32_t vaddr, int size, int is_write)
{
}

static const struct tlb_watch page_notes = { note_page, watch_access };

/*
 * A page that is zero again is as the next input finds it, and the blocks
 * translated from it still match it (a write to code invalidates): keeping
 * them matters, since code that runs off its end, or jumps anywhere, runs
 * on through pages of zeros (ADD [EAX], AL) until the budget ends it, and
 * translating 20000 instructions anew would cost more than all the rest.
 */
static void clear_touched(void)
{
    static const uint8_t zero[0x1000];
    int vga = 0;
    for (int i = 0; i < ntouched; i++) {
        /* The VGA window is in the user page: its memory and registers
         * (reached through the window's latches) are the input's doing. */
        vga |= touched[i] >= VGA_PAGE_FIRST && touched[i] <= VGA_PAGE_LAST;
        uint8_t *p = m->ram + (touched[i] << 12);
        if (memcmp(p, zero, sizeof(zero))) {
            memset(p, 0, sizeof(zero));
            tb_invalidate_phys(m->tbs, touched[i] << 12, sizeof(zero));
        }
        is_touched[touched[i]] = 0;
    }
    ntouched = 0;
    if (vga)
        vga_reset(m->vga); /* 16 MiB: only after an input that reached it */
}

static void report(void *opaque, uint32_t off, uint32_t v, int size)
{
    last_vector = v & 0xff;
    m->stop = 1;
    m->cpu.exit_request = 1;
}

static void out_of_budget(void *opaque)
{
    m->stop = 1;
    m->cpu.exit_request = 1;
}

static void put32(uint32_t off, uint32_t v)
{
    memcpy(rom + off, &v, 4);
}

static void build_rom(void)
{
    static const uint32_t gdt[14] = {
        0, 0, 0, 0,
        0x0000ffff, 0x00cf9b00, /* 0x10 ring-0 code */
        0x0000ffff, 0x00cf9300, /* 0x18 ring-0 data */
        0x0000ffff, 0x00cffb00, /* 0x20 ring-3 code */
        0x0000ffff, 0x00cff300, /* 0x28 ring-3 data */
        ((ROM_BASE + TSS_OFF) << 16) | 0x67, /* 0x30 32-bit TSS, available */
        ((ROM_BASE + TSS_OFF) & 0xff000000u) | 0x8900 | (((ROM_BASE + TSS_OFF) >> 16) & 0xff),
    };
    memcpy(rom + GDT_OFF, gdt, sizeof(gdt));
    put32(TSS_OFF + 4, 0x7ff000); /* esp0: in the supervisor-only page */
    put32(TSS_OFF + 8, 0x18);     /* ss0 */
    put32(TSS_OFF + 0x66, 0x68u << 16); /* I/O bitmap beyond the limit: no port allowed */
    for (int v = 0; v < 32; v++) {
        uint32_t stub = ROM_BASE + STUB_OFF + v * 16;
        put32(IDT_OFF + v * 8, (0x10u << 16) | (stub & 0xffff));
        put32(IDT_OFF + v * 8 + 4, (stub & 0xffff0000u) | 0x8e00); /* DPL 0 interrupt gate */
        static const uint8_t code[] = { 0xb0, 0, 0x66, 0xba, REPORT_PORT & 0xff, REPORT_PORT >> 8,
                                        0xee, 0xf4, 0xeb, 0xfd };
        memcpy(rom + STUB_OFF + v * 16, code, sizeof(code));
        rom[STUB_OFF + v * 16 + 1] = v;
    }
    put32(PD_OFF + 0, 0x000000 | 0xe7); /* P W U A D PS */
    put32(PD_OFF + 4, 0x400000 | 0xe3); /* P W A D PS, supervisor */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    m = fuzz_machine(RAM_MB);
    /* What the loader left (its GDT, the kernel) would be seen by the first
     * input only. */
    memset(m->ram, 0, m->ram_size);
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    build_rom();
    mem_add_rom(&m->mem, ROM_BASE, sizeof(rom), rom, "fuzz-rom");
    ioport_register(&m->io, REPORT_PORT, 1, NULL, report, NULL, "fuzz-report");
    timer_init(&budget, &m->clock, out_of_budget, NULL);
    return 0;
}

static void load_seg(struct cpu *cpu, int s, uint32_t sel)
{
    uint32_t lo, hi;
    desc_read(cpu, sel, &lo, &hi);
    seg_set_cache(&cpu->seg[s], sel, lo, hi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    uint32_t regs[9] = { 0 };
    memcpy(regs, data, size < sizeof(regs) ? size : sizeof(regs));
    size_t skip = size < sizeof(regs) ? size : sizeof(regs);
    size_t len = size - skip;
    if (len > 0x10000)
        len = 0x10000;

    clear_touched();
    for (uint32_t a = CODE_ADDR & ~0xfffu; a < CODE_ADDR + len; a += 0x1000)
        note_page(&m->cpu, a);
    memcpy(m->ram + CODE_ADDR, data + skip, len);
    /* A host write: no SMC check.  Blocks of zeros may be cached there. */
    tb_invalidate_phys(m->tbs, CODE_ADDR, len);
    cpu_reset(&m->cpu); /* also clears the TLB (and removes the watch hook) */
    m->cpu.icount = 0; /* each input starts at virtual time 0 (-icount) */
    tlb_set_watch(&m->cpu, &page_notes);
    struct cpu *cpu = &m->cpu;
    cpu->cr[0] |= CR0_PE | CR0_EM | CR0_PG; /* x87 escapes: #NM */
    cpu->cr[3] = ROM_BASE + PD_OFF;
    cpu->cr[4] |= CR4_PSE;
    cpu->gdt = (struct dtable){ ROM_BASE + GDT_OFF, 0x37 };
    cpu->idt = (struct dtable){ ROM_BASE + IDT_OFF, 32 * 8 - 1 };
    load_seg(cpu, S_TR, 0x30);
    load_seg(cpu, S_CS, 0x23);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            load_seg(cpu, s, 0x2b);
    cpu->hflags = (cpu->hflags & ~HF_CPL_MASK) | (3u << HF_CPL_SHIFT);
    cpu_update_hflags(cpu);
    tlb_flush(cpu);
    for (int r = 0; r < 8; r++)
        cpu->r[r] = regs[r];
    cpu->r[R_ESP] = 0x200000 | (regs[R_ESP] & 0x1ffffc);
    cpu_set_eflags(cpu, regs[8] | F_IF, F_ARITH | F_DF | F_TF | F_IF | F_AC);
    cpu->eip = CODE_ADDR;
    m->stop = 0;
    last_vector = -1;
    uint64_t start = cpu->icount;
    timer_mod(&budget, machine_clock_ns(m) + BUDGET_INSNS);
    cpu_exec(cpu);
    timer_del(&budget);
    if (verbose)
        fprintf(stderr, "fuzz_code: %zu bytes of code: %s %d after %llu instructions\n", len,
                last_vector < 0 ? "budget spent" : "vector", last_vector,
                (unsigned long long)(cpu->icount - start));
    return 0;
}

uint64_t fuzz_result_hash(void)
{
    struct cpu *cpu = &m->cpu;
    uint64_t h = fuzz_hash(FUZZ_HASH_INIT, cpu->r, sizeof(cpu->r));
    uint32_t v[8] = { cpu->eip, cpu_get_eflags(cpu), cpu->cr[2], (uint32_t)last_vector,
                      (uint32_t)cpu->icount, cpu->seg[S_CS].sel, cpu->seg[S_SS].sel,
                      cpu->seg[S_DS].sel };
    h = fuzz_hash(h, v, sizeof(v));
    return fuzz_hash(h, m->ram, m->ram_size);
}
