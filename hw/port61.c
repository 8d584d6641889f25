/*
 * port61.c - system control port B.  Bit 0 is PIT channel 2's gate, bit 5
 * reads OUT2 (how software times short delays and calibrates the TSC), bit 4
 * is the DRAM refresh request, which toggles every 15.085 us: delay loops
 * count its edges, so it follows virtual time rather than the host.
 */
#include "hw/port61.h"

#include "base/timer.h"
#include "hw/pit8254.h"
#include "softmmu/ioport.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PORT61_VERSION 1

#define P61_GATE2 0x01
#define P61_SPEAKER 0x02
#define P61_CHECKS 0x0c /* parity and IOCHK check disables: kept, no effect */
#define P61_REFRESH 0x10
#define P61_OUT2 0x20
#define REFRESH_HALF_NS 15085

struct port61 {
    struct clock *clock;
    struct pit *pit;
    uint8_t bits; /* speaker data and check disables */
};

static uint32_t p61_read(void *opaque, uint32_t off, int size)
{
    struct port61 *s = opaque;
    uint8_t v = s->bits;

    if (pit_get_gate(s->pit, 2))
        v |= P61_GATE2;
    if ((clock_now(s->clock) / REFRESH_HALF_NS) & 1)
        v |= P61_REFRESH;
    if (pit_get_out(s->pit, 2))
        v |= P61_OUT2;
    return v;
}

static void p61_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct port61 *s = opaque;
    s->bits = v & (P61_SPEAKER | P61_CHECKS);
    pit_set_gate(s->pit, 2, v & P61_GATE2);
}

struct port61 *port61_create(struct ioports *io, struct clock *clock, struct pit *pit)
{
    struct port61 *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->clock = clock;
    s->pit = pit;
    ioport_register(io, 0x61, 1, p61_read, p61_write, s, "port61");
    return s;
}

/* The gate lives in the PIT (reset with it); only the speaker and check bits are here. */
void port61_reset(struct port61 *s)
{
    s->bits = 0;
}

int port61_save(struct port61 *s, FILE *f)
{
    uint8_t rec[2] = { PORT61_VERSION, s->bits };
    return fwrite(rec, sizeof(rec), 1, f) == 1 ? 0 : -1;
}

int port61_load(struct port61 *s, FILE *f)
{
    uint8_t rec[2];
    if (fread(rec, sizeof(rec), 1, f) != 1 || rec[0] != PORT61_VERSION)
        return -1;
    s->bits = rec[1] & (P61_SPEAKER | P61_CHECKS);
    return 0;
}
