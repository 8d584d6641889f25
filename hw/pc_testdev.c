/*
 * pc_testdev.c - QEMU's pc-testdev (see pc_testdev.h for the map).
 *
 * The scratch register exists so that tests can check the emulation of
 * port I/O instructions (IN/OUT of every size, INS/OUTS with REP and DF):
 * an access of n bytes at port 0xe0+k reads or writes byte lanes k..k+n-1
 * of one 32-bit value.  The byte-wise window at 0xe8 holds the same value;
 * the difference in QEMU is only how a wide access is split, which gives
 * the same result on a plain register.
 *
 * "Flush page" makes KVM drop its shadow mappings of a page; bt86's soft
 * TLB is the guest's own and needs nothing, so the write is accepted and
 * has no effect (as under QEMU's TCG, where it only re-protects host memory).
 */
#include "hw/pc_testdev.h"

#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdio.h>
#include <stdlib.h>

struct pc_testdev {
    uint32_t data;
    uint8_t iomem[PC_TESTDEV_IOMEM_SIZE];
    void (*set_irq)(void *opaque, int line, int level);
    void *opaque;
};

static uint32_t lane_mask(uint32_t offset, int size)
{
    uint32_t bits = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return bits << 8 * (offset & 3);
}

static uint32_t scratch_read(void *opaque, uint32_t offset, int size)
{
    struct pc_testdev *t = opaque;
    return (t->data & lane_mask(offset, size)) >> 8 * (offset & 3);
}

static void scratch_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pc_testdev *t = opaque;
    uint32_t mask = lane_mask(offset, size);
    t->data = (t->data & ~mask) | ((value << 8 * (offset & 3)) & mask);
}

static uint32_t none_read(void *opaque, uint32_t offset, int size)
{
    (void)opaque, (void)offset, (void)size;
    return 0xffffffffu >> (32 - 8 * (size > 4 ? 4 : size));
}

static void flush_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    (void)opaque, (void)offset, (void)value, (void)size;
}

static void irq_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pc_testdev *t = opaque;
    (void)size;
    if (offset < PC_TESTDEV_IRQ_LINES)
        t->set_irq(t->opaque, (int)offset, (value & 0xff) != 0);
}

static uint32_t iomem_read(void *opaque, uint32_t offset, int size)
{
    struct pc_testdev *t = opaque;
    uint32_t v = 0;
    for (int i = 0; i < size && offset + i < PC_TESTDEV_IOMEM_SIZE; i++)
        v |= (uint32_t)t->iomem[offset + i] << 8 * i;
    return v;
}

static void iomem_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pc_testdev *t = opaque;
    for (int i = 0; i < size && offset + i < PC_TESTDEV_IOMEM_SIZE; i++)
        t->iomem[offset + i] = (uint8_t)(value >> 8 * i);
}

static const struct mem_ops iomem_ops = { iomem_read, iomem_write };

struct pc_testdev *pc_testdev_create(struct ioports *io, struct mem_map *mm,
                                     void (*set_irq)(void *opaque, int line, int level),
                                     void *opaque)
{
    struct pc_testdev *t = calloc(1, sizeof(*t));
    if (!t) {
        fprintf(stderr, "bt86: out of memory\n");
        exit(1);
    }
    t->set_irq = set_irq;
    t->opaque = opaque;
    ioport_register(io, 0xe0, 4, scratch_read, scratch_write, t, "pc-testdev-ioport");
    ioport_register(io, 0xe4, 4, none_read, flush_write, t, "pc-testdev-flush-page");
    ioport_register(io, 0xe8, 4, scratch_read, scratch_write, t, "pc-testdev-ioport-byte");
    ioport_register(io, PC_TESTDEV_IRQ_PORT, PC_TESTDEV_IRQ_LINES, none_read, irq_write, t,
                    "pc-testdev-irq-line");
    mem_add_mmio(mm, PC_TESTDEV_IOMEM_BASE, PC_TESTDEV_IOMEM_SIZE, &iomem_ops, t,
                 "pc-testdev-iomem");
    return t;
}
