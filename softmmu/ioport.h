/*
 * ioport.h - the x86 I/O port space (64 KiB of ports).
 *
 * A device registers a port range with read/write callbacks and sees the
 * port offset within its range and the access size (1, 2 or 4).  Ports no
 * device claims read as all ones and ignore writes, as on a PC.
 *
 * Each machine owns its port space (struct ioports): a device gets it at
 * creation to register its ranges, the CPU reaches it as cpu->io.
 */
#ifndef BT86_SOFTMMU_IOPORT_H
#define BT86_SOFTMMU_IOPORT_H

#include <stdint.h>

typedef uint32_t (*ioport_read_fn)(void *opaque, uint32_t offset, int size);
typedef void (*ioport_write_fn)(void *opaque, uint32_t offset, uint32_t value, int size);

struct io_range {
    uint16_t base;
    uint32_t len;
    ioport_read_fn read;
    ioport_write_fn write;
    void *opaque;
    const char *name;
    uint64_t count;
    uint64_t ns;
};

#define IOPORT_MAX_RANGES 128

struct ioports {
    uint8_t port_map[65536]; /* 0 = unassigned, else range index + 1 */
    struct io_range ranges[IOPORT_MAX_RANGES];
    int nranges;
};

void ioport_init(struct ioports *io);
void ioport_register(struct ioports *io, uint16_t base, uint32_t len, ioport_read_fn read,
                     ioport_write_fn write, void *opaque, const char *name);
uint32_t ioport_read(struct ioports *io, uint16_t port, int size);
void ioport_write(struct ioports *io, uint16_t port, uint32_t value, int size);

/* Per-device access counts and time (ns, with -stats), for each range. */
void ioport_foreach(struct ioports *io,
                    void (*fn)(const char *name, uint16_t base, uint64_t count, uint64_t ns, void *arg),
                    void *arg);
/* Non-zero (-stats): time each device callback. */
extern int ioport_timing;

#endif
