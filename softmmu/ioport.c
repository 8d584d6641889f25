/*
 * ioport.c - I/O port dispatch.  A 64 Ki-entry table maps each port to its
 * range, so dispatch is one index; ranges are few and never removed.
 */
#include "softmmu/ioport.h"
#include "base/exit_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int ioport_timing;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ioport_init(struct ioports *io)
{
    io->nranges = 0;
    memset(io->port_map, 0, sizeof(io->port_map));
}

void ioport_register(struct ioports *io, uint16_t base, uint32_t len, ioport_read_fn read,
                     ioport_write_fn write, void *opaque, const char *name)
{
    if (io->nranges == IOPORT_MAX_RANGES || io->nranges >= 255) {
        fprintf(stderr, "bt86: too many I/O port ranges (adding %s)\n", name);
        exit(EXIT_FATAL);
    }
    io->ranges[io->nranges] = (struct io_range){ base, len, read, write, opaque, name, 0, 0 };
    io->nranges++;
    for (uint32_t p = base; p < base + len && p < 65536; p++)
        io->port_map[p] = io->nranges;
}

/* The device sees the access size; byte-wide devices split wide accesses themselves. */
uint32_t ioport_read(struct ioports *io, uint16_t port, int size)
{
    int idx = io->port_map[port];
    if (!idx)
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    struct io_range *r = &io->ranges[idx - 1];
    r->count++;
    if (!r->read)
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    if (__builtin_expect(ioport_timing, 0)) {
        uint64_t t0 = now_ns();
        uint32_t v = r->read(r->opaque, port - r->base, size);
        r->ns += now_ns() - t0;
        return v;
    }
    return r->read(r->opaque, port - r->base, size);
}

void ioport_write(struct ioports *io, uint16_t port, uint32_t value, int size)
{
    int idx = io->port_map[port];
    if (!idx)
        return;
    struct io_range *r = &io->ranges[idx - 1];
    r->count++;
    if (!r->write)
        return;
    uint64_t t0 = ioport_timing ? now_ns() : 0;
    r->write(r->opaque, port - r->base, value, size);
    if (ioport_timing)
        r->ns += now_ns() - t0;
}

void ioport_foreach(struct ioports *io,
                    void (*fn)(const char *name, uint16_t base, uint64_t count, uint64_t ns, void *arg),
                    void *arg)
{
    for (int i = 0; i < io->nranges; i++)
        fn(io->ranges[i].name, io->ranges[i].base, io->ranges[i].count, io->ranges[i].ns, arg);
}
