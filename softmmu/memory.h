/*
 * memory.h - the guest physical address space.
 *
 * A short list of regions (RAM, ROM, MMIO), each (base, size, name) plus a
 * host pointer for RAM/ROM or read/write callbacks for MMIO.  A device sees
 * only (offset, size); accesses wider than the device's natural width are
 * split by the caller.  Unmapped space reads as all ones and ignores
 * writes, as on a PC bus.
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

/* Non-zero (-stats): time each MMIO callback. */
extern int mem_timing;

void mem_init(void);
void mem_add_ram(uint32_t base, uint32_t size, uint8_t *host, const char *name);
void mem_add_rom(uint32_t base, uint32_t size, uint8_t *host, const char *name);
void mem_add_mmio(uint32_t base, uint32_t size, const struct mem_ops *ops, void *opaque,
                  const char *name);
/* Region containing paddr, or NULL when unmapped. */
struct mem_region *mem_find(uint32_t paddr);
/* Each region in turn (statistics: accesses per device). */
void mem_foreach(void (*fn)(const struct mem_region *r, void *arg), void *arg);
/* Host pointer for a RAM/ROM physical address, or NULL. */
uint8_t *mem_host_ptr(uint32_t paddr);

/* Physical accesses, for loaders, devices (DMA) and page walks. */
uint32_t phys_read(uint32_t paddr, int size);
void phys_write(uint32_t paddr, uint32_t value, int size);
/* Copy to/from guest physical memory; returns 0, or -1 if any byte is not RAM. */
int phys_copy_to(uint32_t paddr, const void *src, uint32_t len);
int phys_copy_from(void *dst, uint32_t paddr, uint32_t len);

#endif
