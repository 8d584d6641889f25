/*
 * loader_common.c - file reading, RAM placement and the flat 32-bit entry
 * state shared by the multiboot and Linux loaders.
 */
#include "machine/loader_common.h"
#include "monitor/monitor.h"
#include "softmmu/memory.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int loader_errorf(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

uint8_t *loader_read_file(const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        loader_errorf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (!r)
            break;
        n += r;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        loader_errorf(err, errlen, "cannot read '%s'", path);
        return NULL;
    }
    *size = n;
    return buf;
}

int loader_place(struct machine *m, uint32_t paddr, const void *src, uint32_t len, uint32_t zero_len,
                 const char *what, char *err, size_t errlen)
{
    uint64_t end = (uint64_t)paddr + len + zero_len;
    if (end > m->ram_size)
        return loader_errorf(err, errlen,
                             "%s at 0x%08x-0x%08llx does not fit in %u MiB of guest RAM (try a "
                             "larger -m)",
                             what, paddr, (unsigned long long)end, m->ram_size >> 20);
    memcpy(m->ram + paddr, src, len);
    memset(m->ram + paddr + len, 0, zero_len);
    return 0;
}

void loader_enter_flat32(struct machine *m, uint32_t entry)
{
    struct cpu *cpu = &m->cpu;
    /* Both protocols promise 0x10/0x18; a guest may reload them from here. */
    static const uint32_t gdt[8] = { 0, 0, 0, 0, 0x0000ffff, 0x00cf9b00, 0x0000ffff, 0x00cf9300 };
    phys_copy_to(&m->mem, LOADER_GDT_ADDR, gdt, sizeof(gdt));
    cpu->gdt.base = LOADER_GDT_ADDR;
    cpu->gdt.limit = sizeof(gdt) - 1;
    cpu->idt.base = 0;
    cpu->idt.limit = 0;
    cpu->cr[0] |= CR0_PE;
    seg_set_cache(&cpu->seg[S_CS], 0x10, gdt[4], gdt[5]);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            seg_set_cache(&cpu->seg[s], 0x18, gdt[6], gdt[7]);
    cpu->hflags &= ~HF_CPL_MASK;
    cpu->eflags = 0x2;
    for (int r = 0; r < 8; r++)
        cpu->r[r] = 0;
    cpu->eip = entry;
    cpu_update_hflags(cpu);
}
