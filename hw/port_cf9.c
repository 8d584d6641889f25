/*
 * port_cf9.c - the reset control register (PIIX3/PIIX4 RCR).  Only byte
 * accesses reach it: a wider one at 0xCF9 is not decoded (all ones, the
 * write ignored), as CONFIG_ADDRESS does for accesses that are not dwords.
 */
#include "hw/port_cf9.h"
#include "softmmu/ioport.h"

#include <stdint.h>
#include <stdlib.h>

#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04

struct port_cf9 {
    uint8_t rcr;
    void (*reset)(void *opaque);
    void *opaque;
};

static uint32_t cf9_read(void *opaque, uint32_t off, int size)
{
    struct port_cf9 *p = opaque;
    if (size != 1)
        return size == 2 ? 0xffff : 0xffffffffu;
    return p->rcr;
}

static void cf9_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct port_cf9 *p = opaque;
    if (size != 1)
        return;
    if (v & RCR_RST_CPU) {
        p->reset(p->opaque);
        return;
    }
    p->rcr = v & RCR_SYS_RST;
}

void port_cf9_reset(struct port_cf9 *p)
{
    p->rcr = 0;
}

struct port_cf9 *port_cf9_create(struct ioports *io, void (*reset)(void *opaque), void *opaque)
{
    struct port_cf9 *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->reset = reset;
    p->opaque = opaque;
    ioport_register(io, 0xcf9, 1, cf9_read, cf9_write, p, "reset-control");
    return p;
}
