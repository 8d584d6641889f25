/*
 * ioport.h - the x86 I/O port space (64 KiB of ports).
 *
 * A device registers a port range with read/write callbacks and sees the
 * port offset within its range and the access size (1, 2 or 4).  Ports no
 * device claims read as all ones and ignore writes, as on a PC.
 */
#ifndef BT86_SOFTMMU_IOPORT_H
#define BT86_SOFTMMU_IOPORT_H

#include <stdint.h>

typedef uint32_t (*ioport_read_fn)(void *opaque, uint32_t offset, int size);
typedef void (*ioport_write_fn)(void *opaque, uint32_t offset, uint32_t value, int size);

void ioport_init(void);
void ioport_register(uint16_t base, uint32_t len, ioport_read_fn read, ioport_write_fn write,
                     void *opaque, const char *name);
uint32_t ioport_read(uint16_t port, int size);
void ioport_write(uint16_t port, uint32_t value, int size);

/* Per-device access counts and time (ns, with -stats), for each range. */
void ioport_foreach(void (*fn)(const char *name, uint16_t base, uint64_t count, uint64_t ns,
                               void *arg),
                    void *arg);
/* Non-zero (-stats): time each device callback. */
extern int ioport_timing;

#endif
