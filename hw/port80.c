/*
 * port80.c - the POST code port.  Reads return the last code written, as
 * on chipsets that latch it; QEMU leaves the port unassigned (0xff), but no
 * software depends on either answer.
 */
#include "hw/port80.h"

#include "base/log.h"
#include "softmmu/ioport.h"

#include <stdlib.h>

#define PORT80_VERSION 1

struct port80 {
    uint8_t last;
    uint64_t writes;
};

static uint32_t port80_read(void *opaque, uint32_t off, int size)
{
    struct port80 *p = opaque;
    return size == 1 ? p->last : 0xffffff00u | p->last;
}

static void port80_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct port80 *p = opaque;
    p->last = (uint8_t)v;
    p->writes++;
    if (log_enabled(LOG_POST))
        fprintf(log_file ? log_file : stderr, "POST code 0x%02x\n", p->last);
}

struct port80 *port80_create(struct ioports *io)
{
    struct port80 *p = calloc(1, sizeof(*p));
    if (p)
        ioport_register(io, 0x80, 1, port80_read, port80_write, p, "post");
    return p;
}

void port80_reset(struct port80 *p)
{
    p->last = 0;
}

uint8_t port80_last(const struct port80 *p)
{
    return p->last;
}

int port80_save(struct port80 *p, FILE *f)
{
    uint8_t rec[2] = { PORT80_VERSION, p->last };
    return fwrite(rec, sizeof(rec), 1, f) == 1 ? 0 : -1;
}

int port80_load(struct port80 *p, FILE *f)
{
    uint8_t rec[2];
    if (fread(rec, sizeof(rec), 1, f) != 1 || rec[0] != PORT80_VERSION)
        return -1;
    p->last = rec[1];
    return 0;
}
