/*
 * test_two_machines.c - two machines in one process share nothing.
 *
 * Each has its own RAM, memory map, port space, code-page map, block cache
 * and CPU.  Both run the same program at the same addresses (so that their
 * blocks have the same cache keys), on different data and with different
 * immediates, through the real run loop, one stop at a time, interleaved.
 * Machine A then patches its own code (SMC); machine B stores to data
 * instead.  Each machine must report its own values, and A's invalidation
 * must leave B's blocks alone.
 */
#include "check.h"
#include "machine/machine.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/segment.h"
#include "softmmu/smc.h"
#include "translator/decode.h"
#include "translator/tbcache.h"

#include <stdlib.h>
#include <string.h>

#define CODE 0x1000
#define DATA 0x2000
#define REPORT_PORT 0x80

struct reports {
    struct machine *m;
    uint32_t v[16];
    int n;
};

static struct machine a, b;
static struct reports ra, rb;

/* The guest's OUT: note the value and stop this machine (cpu_exec returns). */
static void report(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct reports *r = opaque;
    (void)off;
    (void)size;
    if (r->n < 16)
        r->v[r->n++] = v;
    machine_shutdown(r->m, 0);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/*
 *   1000: mov eax, [DATA]        a1 DATA
 *   1005: out 0x80, eax          e7 80
 *   1007: jmp 1009               eb 00
 *   1009: mov eax, imm           b8 imm          (imm at 100a)
 *   100e: out 0x80, eax          e7 80
 *   1010: jmp 1012               eb 00
 *   1012: mov dword [target], patch             c7 05 target patch (patch at 1018)
 *   101c: jmp 1009               eb eb
 * target is 100a (the imm of 1009: self-modifying) or DATA.  A block
 * with a monitor call is never chained, so each OUT's stop is seen at
 * the jmp after it.
 */
#define IMM (CODE + 0xa)
#define PATCH (CODE + 0x18)

static void program(uint8_t *ram, uint32_t data, uint32_t imm, uint32_t target, uint32_t patch)
{
    static const uint8_t text[0x1e] = { 0xa1, 0, 0, 0, 0, 0xe7, REPORT_PORT, 0xeb, 0x00,
                                        0xb8, 0, 0, 0, 0, 0xe7, REPORT_PORT, 0xeb, 0x00,
                                        0xc7, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0xeb, 0xeb };
    memcpy(ram + CODE, text, sizeof(text));
    put32(ram + CODE + 1, DATA);
    put32(ram + IMM, imm);
    put32(ram + CODE + 0x14, target);
    put32(ram + PATCH, patch);
    put32(ram + DATA, data);
}

static void build(struct machine *m, struct reports *r)
{
    m->ram_size = 1 << 20;
    m->ram = calloc(1, m->ram_size);
    m->opt.icount = 1;
    m->opt.tb_size = 1 << 20;
    machine_init_core(m);
    r->m = m;
    ioport_register(&m->io, REPORT_PORT, 1, NULL, report, r, "report");
    cpu_reset(&m->cpu);
    /* Flat 32-bit protected mode, as a loader leaves it. */
    static const uint32_t code[2] = { 0x0000ffff, 0x00cf9b00 }, data[2] = { 0x0000ffff, 0x00cf9300 };
    struct cpu *cpu = &m->cpu;
    cpu->cr[0] |= CR0_PE;
    seg_set_cache(&cpu->seg[S_CS], 0x10, code[0], code[1]);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            seg_set_cache(&cpu->seg[s], 0x18, data[0], data[1]);
    cpu_update_hflags(cpu);
    cpu->eip = CODE;
}

/* Run m until its guest's next OUT. */
static uint32_t step(struct machine *m, struct reports *r)
{
    int n = r->n;
    m->stop = 0;
    cpu_exec(&m->cpu);
    CHECK_EQ(r->n, n + 1);
    return r->n > n ? r->v[n] : 0xdeadbeef;
}

int main(void)
{
    if (decode_init() < 0)
        return 1;
    build(&a, &ra);
    build(&b, &rb);
    CHECK(a.tbs != b.tbs);
    CHECK(a.cpu.mem == &a.mem && b.cpu.mem == &b.mem);
    program(a.ram, 0x11111111, 0xaaaa0001, IMM, 0xaaaa0002);
    program(b.ram, 0x22222222, 0xbbbb0001, DATA, 0xbbbb0003);

    /* Same code addresses, same cache keys: each machine reads its own RAM. */
    CHECK_EQ(step(&a, &ra), 0x11111111);
    CHECK_EQ(step(&b, &rb), 0x22222222);
    CHECK_EQ(step(&a, &ra), 0xaaaa0001);
    CHECK_EQ(step(&b, &rb), 0xbbbb0001);
    CHECK(smc_is_code_page(&a.smc, CODE));
    CHECK(smc_is_code_page(&b.smc, CODE));
    uint64_t b_translated = b.tbs->stats.translated;
    CHECK_EQ(a.tbs->stats.translated, b_translated);
    CHECK_EQ(a.tbs->stats.invalidated, 0);
    CHECK_EQ(b.tbs->stats.invalidated, 0);

    /* A patches its own code: its blocks at 1009 and 1012 (which went on
     * through the jmp into 1009's code) go, B's stay. */
    CHECK_EQ(step(&a, &ra), 0xaaaa0002);
    CHECK_EQ(a.tbs->stats.invalidated, 2);
    CHECK_EQ(b.tbs->stats.invalidated, 0);
    CHECK(smc_is_code_page(&b.smc, CODE));

    /* B's store goes to data: it runs its old block at 1009 again. */
    CHECK_EQ(step(&b, &rb), 0xbbbb0001);
    CHECK_EQ(b.tbs->stats.invalidated, 0);
    CHECK_EQ(b.tbs->stats.translated, b_translated + 1); /* the block at 1012 only */
    CHECK_EQ(step(&a, &ra), 0xaaaa0002);
    CHECK_EQ(step(&b, &rb), 0xbbbb0001);

    /* Neither store reached the other machine's RAM. */
    uint32_t v;
    memcpy(&v, a.ram + DATA, 4);
    CHECK_EQ(v, 0x11111111);
    memcpy(&v, b.ram + DATA, 4);
    CHECK_EQ(v, 0xbbbb0003);
    memcpy(&v, a.ram + IMM, 4);
    CHECK_EQ(v, 0xaaaa0002);
    memcpy(&v, b.ram + IMM, 4);
    CHECK_EQ(v, 0xbbbb0001);

    /* A host write (a loader, DMA) to A's code reaches A's cache only: the
     * patch value of A's block at 1012 changes, and A stores that next. */
    uint64_t a_inval = a.tbs->stats.invalidated;
    phys_write(&a.mem, PATCH, 0xaaaa0003, 4);
    CHECK_EQ(a.tbs->stats.invalidated, a_inval + 1);
    CHECK_EQ(b.tbs->stats.invalidated, 0);
    CHECK_EQ(phys_read(&b.mem, PATCH, 4), 0xbbbb0003);
    /* A flush of B's cache unmarks B's code page, not A's. */
    tb_flush_all(b.tbs);
    CHECK(!smc_is_code_page(&b.smc, CODE));
    CHECK(smc_is_code_page(&a.smc, CODE));
    CHECK_EQ(step(&b, &rb), 0xbbbb0001);
    CHECK_EQ(step(&a, &ra), 0xaaaa0003);

    /* Every OUT reached its own machine's handler. */
    CHECK_EQ(ra.n, 5);
    CHECK_EQ(rb.n, 5);

    tb_free(a.tbs);
    tb_free(b.tbs);
    smc_destroy(&a.smc);
    smc_destroy(&b.smc);
    free(a.ram);
    free(b.ram);
    return check_done("test_two_machines");
}
