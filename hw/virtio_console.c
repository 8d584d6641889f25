/*
 * virtio_console.c - virtio-console, port 0 only: queue 0 receives (the
 * device fills the driver's writable buffers), queue 1 transmits.
 *
 * Input bytes are read from the chardev only while the driver has a
 * receive buffer to put them in, a few at a time, so a guest that stops
 * reading applies back-pressure instead of losing input.
 */
#include "hw/virtio_console.h"
#include "hw/virtio.h"
#include "base/chardev.h"

#include <stdlib.h>

enum { RXQ = 0, TXQ = 1 };
#define CHUNK 256

struct virtio_console {
    struct virtio_pci *v;
    struct chardev *chr;
    struct virtio_req req;
    uint8_t buf[CHUNK];
    uint8_t pending[CHUNK]; /* input read from the chardev, not yet delivered */
    unsigned npending;
};

static void deliver(struct virtio_console *c)
{
    while (c->npending && virtio_pop(c->v, RXQ, &c->req) > 0) {
        uint32_t n = virtio_req_to(c->v, &c->req, 0, c->pending, c->npending);
        virtio_push(c->v, RXQ, &c->req, n);
        for (unsigned i = n; i < c->npending; i++)
            c->pending[i - n] = c->pending[i];
        c->npending -= n;
        if (!n)
            break;
    }
    virtio_notify(c->v, RXQ);
}

void virtio_console_poll(struct virtio_console *c)
{
    if (!c->chr || !virtio_queue_ready(c->v, RXQ))
        return;
    uint8_t b;
    while (c->npending < CHUNK && chardev_read(c->chr, &b))
        c->pending[c->npending++] = b;
    if (c->npending)
        deliver(c);
}

static void console_kick(void *opaque, int q)
{
    struct virtio_console *c = opaque;
    if (q == RXQ) {
        if (c->npending)
            deliver(c);
        return;
    }
    while (virtio_pop(c->v, TXQ, &c->req) > 0) {
        for (uint32_t off = 0; off < c->req.out_len;) {
            uint32_t n = virtio_req_from(c->v, &c->req, off, c->buf, CHUNK);
            if (!n)
                break;
            if (c->chr)
                chardev_write(c->chr, c->buf, n);
            off += n;
        }
        virtio_push(c->v, TXQ, &c->req, 0);
    }
    virtio_notify(c->v, TXQ);
}

static uint32_t console_config_read(void *opaque, uint32_t off, int size)
{
    (void)opaque;
    /* cols, rows (0: unknown), max_nr_ports 1 at offset 4 */
    uint8_t cfg[8] = { 0, 0, 0, 0, 1, 0, 0, 0 };
    uint32_t r = 0;
    for (int i = 0; i < size; i++)
        r |= (uint32_t)cfg[off + i] << (8 * i);
    return r;
}

static void console_reset(void *opaque)
{
    struct virtio_console *c = opaque;
    c->npending = 0;
}

static const struct virtio_device_ops console_ops = {
    .name = "virtio-console",
    .device_type = VIRTIO_ID_CONSOLE,
    .pci_class = 0x078000, /* communication, other: QEMU's virtio-serial-pci */
    .nqueues = 2,
    .queue_size = 128,
    .config_size = 8,
    .config_read = console_config_read,
    .kick = console_kick,
    .reset = console_reset,
};

void virtio_console_reset(struct virtio_console *c)
{
    virtio_pci_reset(c->v);
}

struct virtio_console *virtio_console_create(struct pci_host *host, int devfn,
                                             struct chardev *chr, const struct virtio_wiring *w)
{
    struct virtio_console *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->chr = chr;
    c->v = virtio_pci_create(host, devfn, &console_ops, c, w);
    if (!c->v) {
        free(c);
        return NULL;
    }
    return c;
}
