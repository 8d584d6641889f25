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

int ioport_timing;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define MAX_RANGES 128
static struct io_range ranges[MAX_RANGES];
static int nranges;
static uint8_t port_map[65536]; /* 0 = unassigned, else range index + 1 */

void ioport_init(void)
{
    nranges = 0;
    memset(port_map, 0, sizeof(port_map));
}

void ioport_register(uint16_t base, uint32_t len, ioport_read_fn read, ioport_write_fn write,
                     void *opaque, const char *name)
{
    if (nranges == MAX_RANGES || nranges >= 255) {
        fprintf(stderr, "bt86: too many I/O port ranges (adding %s)\n", name);
        exit(EXIT_FATAL);
    }
    ranges[nranges] = (struct io_range){ base, len, read, write, opaque, name, 0, 0 };
    nranges++;
    for (uint32_t p = base; p < base + len && p < 65536; p++)
        port_map[p] = nranges;
}

/* The device sees the access size; byte-wide devices split wide accesses themselves. */
uint32_t ioport_read(uint16_t port, int size)
{
    int idx = port_map[port];
    if (!idx)
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    struct io_range *r = &ranges[idx - 1];
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

void ioport_write(uint16_t port, uint32_t value, int size)
{
    int idx = port_map[port];
    if (!idx)
        return;
    struct io_range *r = &ranges[idx - 1];
    r->count++;
    if (!r->write)
        return;
    uint64_t t0 = ioport_timing ? now_ns() : 0;
    r->write(r->opaque, port - r->base, value, size);
    if (ioport_timing)
        r->ns += now_ns() - t0;
}

void ioport_foreach(void (*fn)(const char *name, uint16_t base, uint64_t count, uint64_t ns,
                               void *arg),
                    void *arg)
{
    for (int i = 0; i < nranges; i++)
        fn(ranges[i].name, ranges[i].base, ranges[i].count, ranges[i].ns, arg);
}
