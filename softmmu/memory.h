/*
 * memory.h - the guest physical address space.
 *
 * A short list of regions (RAM, ROM, MMIO), each (base, size, name) plus a
 * host pointer for RAM/ROM or read/write callbacks for MMIO.  A device sees
 * only (offset, size); accesses wider than the device's natural width are
 * split by the caller.  Unmapped space reads as all ones and ignores
 * writes, as on a PC bus.
 *
 * Each machine owns its map (struct mem_map) and hands it to whatever
 * accesses physical memory: the CPU (cpu->mem), devices that add regions
 * or do DMA, loaders.  RAM writes are reported to the map's SMC tracker.
 */
#ifndef BT86_SOFTMMU_MEMORY_H
#define BT86_SOFTMMU_MEMORY_H

#include <stdint.h>

struct mem_ops {
    uint32_t (*read)(void *opaque, uint32_t offset, int size);
    void (*write)(void *opaque, uint32_t offset, uint32_t value, int size);
};

enum mem_kind { MEM_RAM, MEM_ROM, MEM_MMIO };

struct mem_region {
    uint32_t base;
    uint32_t size;
    enum mem_kind kind;
    uint8_t *host; /* RAM and ROM */
    const struct mem_ops *ops; /* MMIO */
    void *opaque;
    const char *name;
    uint64_t accesses;
    uint64_t ns; /* time in the MMIO callbacks, with mem_timing */
};

#define MEM_MAX_REGIONS 64

struct smc;

struct mem_map {
    struct mem_region regions[MEM_MAX_REGIONS];
    int nregions;
    struct smc *smc; /* told of every write to RAM */
};

/* Non-zero (-stats): time each MMIO callback. */
extern int mem_timing;

/* An empty map whose RAM writes go to smc's code-page tracking. */
void mem_init(struct mem_map *mm, struct smc *smc);
void mem_add_ram(struct mem_map *mm, uint32_t base, uint32_t size, uint8_t *host, const char *name);
/*
 * size bytes of zeroed guest RAM, NULL when out of memory.  Placed at
 * 1.25 GiB in the host's address space when that is free, so that a host
 * addend of the RAM fits a 32-bit displacement both without paging and
 * in a kernel's direct map at 1, 2 or 3 GiB (ir_block mem_hint), and is
 * never 0 there (a TLB group's frame slot takes 0 for no page); anywhere
 * otherwise.
 */
uint8_t *mem_alloc_ram(uint32_t size);
void mem_add_rom(struct mem_map *mm, uint32_t base, uint32_t size, uint8_t *host, const char *name);
struct mem_region *mem_add_mmio(struct mem_map *mm, uint32_t base, uint32_t size,
                                const struct mem_ops *ops, void *opaque, const char *name);
/* Moves an MMIO region that something relocatable (a PCI BAR) decodes; size
 * 0 decodes nothing.  The region keeps its place in the shadowing order.
 * The caller flushes what may have cached the old decode (MMIO is never
 * cached by the TLB, so only RAM it stops or starts shadowing matters). */
void mem_region_move(struct mem_region *r, uint32_t base, uint32_t size);

/* Region containing paddr, or NULL when unmapped. */
struct mem_region *mem_find(struct mem_map *mm, uint32_t paddr);
/* Each region in turn (statistics: accesses per device). */
void mem_foreach(struct mem_map *mm, void (*fn)(const struct mem_region *r, void *arg), void *arg);
/* Host pointer for a RAM/ROM physical address, or NULL. */
uint8_t *mem_host_ptr(struct mem_map *mm, uint32_t paddr);

/* Physical accesses, for loaders, devices (DMA) and page walks. */
uint32_t phys_read(struct mem_map *mm, uint32_t paddr, int size);
void phys_write(struct mem_map *mm, uint32_t paddr, uint32_t value, int size);
/* Copy to/from guest physical memory; returns 0, or -1 if any byte is not
 * RAM (to: a ROM's bytes are left as they are; from: ROM reads). */
int phys_copy_to(struct mem_map *mm, uint32_t paddr, const void *src, uint32_t len);
int phys_copy_from(struct mem_map *mm, void *dst, uint32_t paddr, uint32_t len);

#endif
