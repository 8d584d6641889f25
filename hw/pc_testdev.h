/*
 * pc_testdev.h - QEMU's pc-testdev, the ISA device that kvm-unit-tests and
 * other test programs written for QEMU's pc machine drive directly:
 *
 *   0xe0-0xe3    a 32-bit scratch register, any access size and byte lane
 *   0xe4-0xe7    "flush page": a 32-bit write of a guest physical address
 *   0xe8-0xeb    the same scratch register, accessed a byte at a time
 *   0x2000-0x2017  a byte write of V sets IRQ line N (the port's offset) to !!V
 *   0xff000000   64 KiB of MMIO that reads back what was written
 *
 * Created with -device pc-testdev, as in QEMU.
 */
#ifndef BT86_HW_PC_TESTDEV_H
#define BT86_HW_PC_TESTDEV_H

struct ioports;
struct mem_map;

#include <stdint.h>

#define PC_TESTDEV_IOMEM_BASE 0xff000000u
#define PC_TESTDEV_IOMEM_SIZE 0x10000u
#define PC_TESTDEV_IRQ_PORT 0x2000
#define PC_TESTDEV_IRQ_LINES 24

struct pc_testdev;

/* set_irq(opaque, line, level) drives the board's interrupt line `line`
 * (0-23: the ISA lines 0-15, and the I/O APIC's pins above them). */
struct pc_testdev *pc_testdev_create(struct ioports *io, struct mem_map *mm,
                                     void (*set_irq)(void *opaque, int line, int level),
                                     void *opaque);

#endif
