/*
 * debugcon.c - one write-only byte port into a chardev.  The port is byte
 * wide: a wider write sends its low byte, a wider read sees 0xe9 in the low
 * byte and an unassigned port (0xff) above it.
 */
#include "hw/debugcon.h"

#include "softmmu/ioport.h"
#include "base/chardev.h"

static uint32_t debugcon_read(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0xffffff00u | 0xe9;
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void debugcon_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    uint8_t b = (uint8_t)value;
    chardev_write(opaque, &b, 1);
}

void debugcon_create(struct ioports *io, uint16_t iobase, struct chardev *chr)
{
    ioport_register(io, iobase, 1, debugcon_read, debugcon_write, chr, "debugcon");
}
