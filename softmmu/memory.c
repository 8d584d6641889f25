/*
 * memory.c - guest physical address space: region list and dispatch.
 *
 * PCs have a handful of regions, so a linear search is fine; the soft TLB
 * caches the result per page, and only TLB misses and MMIO come here.
 */
#include "softmmu/memory.h"
#include "base/exit_status.h"
#include "softmmu/smc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

void mem_init(struct mem_map *mm, struct smc *smc)
{
    memset(mm, 0, sizeof(*mm));
    mm->smc = smc;
}

static struct mem_region *add_region(struct mem_map *mm, struct mem_region r)
{
    if (mm->nregions == MEM_MAX_REGIONS) {
        fprintf(stderr, "bt86: too many memory regions (adding %s)\n", r.name);
        exit(EXIT_FATAL);
    }
    /* Later regions shadow earlier ones: search runs newest first. */
    mm->regions[mm->nregions] = r;
    return &mm->regions[mm->nregions++];
}

uint8_t *mem_alloc_ram(uint32_t size)
{
    void *low = (void *)(uintptr_t)0x50000000u;
    int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
    void *p = MAP_FAILED;
#ifdef MAP_FIXED_NOREPLACE
    /* (a kernel without the flag takes the address as a hint) */
    p = mmap(low, size, prot, flags | MAP_FIXED_NOREPLACE, -1, 0);
#endif
    if (p == MAP_FAILED)
        p = mmap(NULL, size, prot, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void mem_add_ram(struct mem_map *mm, uint32_t base, uint32_t size, uint8_t *host, const char *name)
{
    add_region(mm, (struct mem_region){ .base = base, .size = size, .kind = MEM_RAM,
                                    .host = host, .name = name });
}

void mem_add_rom(struct mem_map *mm, uint32_t base, uint32_t size, uint8_t *host, const char *name)
{
    add_region(mm, (struct mem_region){ .base = base, .size = size, .kind = MEM_ROM,
                                    .host = host, .name = name });
}

struct mem_region *mem_add_mmio(struct mem_map *mm, uint32_t base, uint32_t size,
                                const struct mem_ops *ops, void *opaque, const char *name)
{
    return add_region(mm, (struct mem_region){ .base = base, .size = size, .kind = MEM_MMIO,
                                    .ops = ops, .opaque = opaque, .name = name });
}

void mem_region_move(struct mem_region *r, uint32_t base, uint32_t size)
{
    r->base = base;
    r->size = size;
}

struct mem_region *mem_find(struct mem_map *mm, uint32_t paddr)
{
    for (int i = mm->nregions - 1; i >= 0; i--) {
        struct mem_region *r = &mm->regions[i];
        if (paddr - r->base < r->size)
            return r;
    }
    return NULL;
}

uint8_t *mem_host_ptr(struct mem_map *mm, uint32_t paddr)
{
    struct mem_region *r = mem_find(mm, paddr);
    if (!r || r->kind == MEM_MMIO)
        return NULL;
    return r->host + (paddr - r->base);
}

int mem_timing;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t read_bytes(const uint8_t *p, int size)
{
    uint32_t v = 0;
    for (int i = size - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

uint32_t phys_read(struct mem_map *mm, uint32_t paddr, int size)
{
    struct mem_region *r = mem_find(mm, paddr);
    if (r && paddr - r->base + size <= r->size) {
        r->accesses++;
        if (r->kind == MEM_MMIO) {
            if (!mem_timing)
                return r->ops->read(r->opaque, paddr - r->base, size);
            uint64_t t0 = now_ns();
            uint32_t v = r->ops->read(r->opaque, paddr - r->base, size);
            r->ns += now_ns() - t0;
            return v;
        }
        return read_bytes(r->host + (paddr - r->base), size);
    }
    if (!r && size == 1)
        return 0xff;
    /* Straddles a region edge or unmapped: one byte at a time. */
    uint32_t v = 0;
    for (int i = size - 1; i >= 0; i--) {
        struct mem_region *b = mem_find(mm, paddr + i);
        v <<= 8;
        if (!b)
            v |= 0xff;
        else if (b->kind == MEM_MMIO)
            v |= b->ops->read(b->opaque, paddr + i - b->base, 1) & 0xff;
        else
            v |= b->host[paddr + i - b->base];
    }
    return v;
}

void phys_write(struct mem_map *mm, uint32_t paddr, uint32_t value, int size)
{
    struct mem_region *r = mem_find(mm, paddr);
    if (r && paddr - r->base + size <= r->size) {
        r->accesses++;
        if (r->kind == MEM_MMIO) {
            uint64_t t0 = mem_timing ? now_ns() : 0;
            r->ops->write(r->opaque, paddr - r->base, value, size);
            if (mem_timing)
                r->ns += now_ns() - t0;
        } else if (r->kind == MEM_RAM) {
            if (mm->smc)
                smc_notify_write(mm->smc, paddr, size);
            uint8_t *p = r->host + (paddr - r->base);
            for (int i = 0; i < size; i++)
                p[i] = value >> (8 * i);
        }
        return;
    }
    for (int i = 0; i < size; i++) {
        struct mem_region *b = mem_find(mm, paddr + i);
        uint8_t byte = value >> (8 * i);
        if (!b)
            continue;
        if (b->kind == MEM_MMIO) {
            b->ops->write(b->opaque, paddr + i - b->base, byte, 1);
        } else if (b->kind == MEM_RAM) {
            if (mm->smc)
                smc_notify_write(mm->smc, paddr + i, 1);
            b->host[paddr + i - b->base] = byte;
        }
    }
}

int phys_copy_to(struct mem_map *mm, uint32_t paddr, const void *src, uint32_t len)
{
    const uint8_t *s = src;
    for (uint32_t i = 0; i < len; i++) {
        struct mem_region *r = mem_find(mm, paddr + i);
        /* Not a ROM's bytes either (the firmware, a write-protected shadow):
         * QEMU's DMA to one fails too, and leaves it as it was. */
        if (!r || r->kind != MEM_RAM)
            return -1;
        r->host[paddr + i - r->base] = s[i];
    }
    if (mm->smc)
        smc_notify_write_range(mm->smc, paddr, len);
    return 0;
}

int phys_copy_from(struct mem_map *mm, void *dst, uint32_t paddr, uint32_t len)
{
    uint8_t *d = dst;
    for (uint32_t i = 0; i < len; i++) {
        struct mem_region *r = mem_find(mm, paddr + i);
        if (!r || r->kind == MEM_MMIO)
            return -1;
        d[i] = r->host[paddr + i - r->base];
    }
    return 0;
}

void mem_foreach(struct mem_map *mm, void (*fn)(const struct mem_region *r, void *arg), void *arg)
{
    for (int i = 0; i < mm->nregions; i++)
        fn(&mm->regions[i], arg);
}
