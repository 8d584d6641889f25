/*
 * port_f0.c - the coprocessor error latch at port 0xF0 (see port_f0.h).
 * It holds no state of its own: the latch is the IRQ 13 line, which the
 * machine drives from the CPU's FERR#.
 */
#include "hw/port_f0.h"

#include "softmmu/ioport.h"

#include <stdlib.h>

struct port_f0 {
    void (*clear)(void *opaque);
    void *opaque;
};

static uint32_t port_f0_read(void *opaque, uint32_t off, int size)
{
    return size == 1 ? 0xff : 0xffffffffu;
}

static void port_f0_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct port_f0 *p = opaque;
    p->clear(p->opaque);
}

struct port_f0 *port_f0_create(struct ioports *io, void (*clear)(void *opaque), void *opaque)
{
    struct port_f0 *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->clear = clear;
    p->opaque = opaque;
    ioport_register(io, 0xf0, 1, port_f0_read, port_f0_write, p, "ferr");
    return p;
}
