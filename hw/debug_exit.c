/*
 * debug_exit.c - isa-debug-exit, the way test guests leave QEMU with a status.
 *
 * QEMU takes the value exactly as written, whatever the access size and the
 * port within the range, and calls exit((value << 1) | 1): an odd status, so a
 * guest can never fake a clean 0.  With qemu-system-i386 7.2, outb/outw/outl
 * of 0x12345678 to 0x501 and outb to 0x502 all give status 241 (0xf1).
 * Reads return 0.
 */
#include "hw/debug_exit.h"

#include "softmmu/ioport.h"

#include <stdio.h>
#include <stdlib.h>

struct debug_exit {
    void (*exit)(void *opaque, int status);
    void *opaque;
};

static uint32_t debug_exit_read(void *opaque, uint32_t offset, int size)
{
    return 0;
}

static void debug_exit_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct debug_exit *d = opaque;
    int status = (int)((value << 1) | 1);

    if (d->exit) {
        d->exit(d->opaque, status);
        return;
    }
    fflush(NULL);
    exit(status);
}

void debug_exit_create(struct ioports *io, uint16_t iobase, uint16_t iosize,
                       void (*exit_fn)(void *opaque, int status), void *opaque)
{
    struct debug_exit *d = calloc(1, sizeof(*d));
    if (!d) {
        fprintf(stderr, "bt86: out of memory\n");
        exit(1);
    }
    d->exit = exit_fn;
    d->opaque = opaque;
    ioport_register(io, iobase, iosize, debug_exit_read, debug_exit_write, d, "isa-debug-exit");
}
