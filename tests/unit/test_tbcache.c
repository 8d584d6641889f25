/*
 * test_tbcache.c - the block cache: a block is translated once and found
 * again by its key, a write to its code invalidates it, and a different
 * CPU mode gets a different block.
 */
#include "check.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"
#include "softmmu/tlb.h"
#include "translator/decode.h"
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

    /* mov eax, 5; add eax, ebx; jmp $ */
    static const uint8_t code[] = { 0xb8, 5, 0, 0, 0, 0x01, 0xd8, 0xeb, 0xfe };
    phys_copy_to(&m.mem, 0x10000, code, sizeof(code));
    m.cpu.eip = 0x10000;

    uint64_t before = m.tbs->stats.translated;
    struct tb *a = tb_find(&m.cpu);
    CHECK_EQ(m.tbs->stats.translated, before + 1);
    CHECK_EQ(a->ninsns, 3);
    CHECK_EQ(a->phys_pc, 0x10000);
    CHECK_EQ(a->guest_bytes, sizeof(code));
    struct tb *b = tb_find(&m.cpu);
    CHECK(a == b); /* found, not decoded again */
    CHECK_EQ(m.tbs->stats.translated, before + 1);
    CHECK(smc_is_code_page(&m.smc, 0x10000));

    /* Data written elsewhere on another page leaves it alone. */
    phys_write(&m.mem, 0x20000, 0x12345678, 4);
    CHECK(tb_find(&m.cpu) == a);

    /* Writing its code invalidates it; the next lookup translates anew. */
    uint64_t inval = m.tbs->stats.invalidated;
    phys_write(&m.mem, 0x10001, 7, 1); /* mov eax, 7 */
    CHECK_EQ(m.tbs->stats.invalidated, inval + 1);
    struct tb *c = tb_find(&m.cpu);
    CHECK(c != a);
    CHECK_EQ(m.tbs->stats.translated, before + 2);
    CHECK(!smc_is_code_page(&m.smc, 0x30000));

    /* Same address in 16-bit mode is another block. */
    m.cpu.seg[S_CS].flags &= ~DESC_B;
    cpu_update_hflags(&m.cpu);
    struct tb *d = tb_find(&m.cpu);
    CHECK(d != c);
    CHECK(!(d->hflags & HF_CODE32));

    return check_done("test_tbcache");
}
