/*
 * port92.c - system control port A.  Bit 1 drives A20; writing bit 0 from
 * 0 to 1 resets the CPU.  Other bits read back as written.
 */
#include "hw/port92.h"
#include "softmmu/ioport.h"

#include <stdio.h>
#include <stdlib.h>

#define PORT92_VERSION 1

struct port92 {
    uint8_t value;
    void (*set_a20)(void *opaque, int on);
    void (*reset)(void *opaque);
    void *opaque;
};

static uint32_t p92_read(void *opaque, uint32_t off, int size)
{
    struct port92 *p = opaque;
    return p->value;
}

static void p92_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct port92 *p = opaque;
    uint8_t old = p->value;
    p->value = v & 0xfe; /* the reset bit does not stay set */
    if ((old ^ v) & 2)
        p->set_a20(p->opaque, (v & 2) != 0);
    if (v & 1)
        p->reset(p->opaque);
}

struct port92 *port92_create(struct ioports *io, void (*set_a20)(void *opaque, int on),
                             void (*reset)(void *opaque), void *opaque)
{
    struct port92 *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->set_a20 = set_a20;
    p->reset = reset;
    p->opaque = opaque;
    ioport_register(io, 0x92, 1, p92_read, p92_write, p, "port92");
    port92_reset(p);
    return p;
}

void port92_reset(struct port92 *p)
{
    p->value = 0x02; /* A20 on: how bt86's loaders leave the machine */
}

void port92_note_a20(struct port92 *p, int on)
{
    p->value = (p->value & ~2) | (on ? 2 : 0);
}

int port92_save(struct port92 *p, FILE *f)
{
    uint8_t rec[2] = { PORT92_VERSION, p->value };
    return fwrite(rec, sizeof(rec), 1, f) == 1 ? 0 : -1;
}

int port92_load(struct port92 *p, FILE *f)
{
    uint8_t rec[2];
    if (fread(rec, sizeof(rec), 1, f) != 1 || rec[0] != PORT92_VERSION)
        return -1;
    p->value = rec[1] & 0xfe;
    p->set_a20(p->opaque, (p->value & 2) != 0);
    return 0;
}
