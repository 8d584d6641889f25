/*
 * virtio_rng.c - virtio-rng: one request queue of writable buffers.
 *
 * getrandom() without GRND_RANDOM never blocks once the host's pool is
 * initialised, which it is long before an emulator runs; a short read is
 * answered with the bytes it gave, as the device may return fewer bytes
 * than the buffer holds (virtio 1.0, 5.4.6).
 */
#include "hw/virtio_rng.h"
#include "hw/virtio.h"

#include <stdlib.h>
#include <sys/random.h>

#define CHUNK 4096
/* Per buffer: a driver offering gigabytes gets a part of them. */
#define MAX_PER_REQ (64 * 1024)

struct virtio_rng {
    struct virtio_pci *v;
    long (*fill)(void *buf, unsigned long len);
    struct virtio_req req;
    uint8_t buf[CHUNK];
};

static void rng_kick(void *opaque, int q)
{
    struct virtio_rng *rng = opaque;
    struct virtio_req *r = &rng->req;
    while (virtio_pop(rng->v, q, r) > 0) {
        uint32_t want = r->in_len < MAX_PER_REQ ? r->in_len : MAX_PER_REQ, done = 0;
        while (done < want) {
            size_t n = want - done < CHUNK ? want - done : CHUNK;
            long got = rng->fill ? rng->fill(rng->buf, n) : (long)getrandom(rng->buf, n, 0);
            if (got <= 0)
                break;
            uint32_t c = virtio_req_to(rng->v, r, done, rng->buf, (uint32_t)got);
            done += c;
            if (c < (uint32_t)got)
                break;
        }
        virtio_push(rng->v, q, r, done);
    }
    virtio_notify(rng->v, q);
}

static const struct virtio_device_ops rng_ops = {
    .name = "virtio-rng",
    .device_type = VIRTIO_ID_RNG,
    .pci_class = 0x00ff00, /* "unclassified, other", as QEMU's */
    .nqueues = 1,
    .queue_size = 8, /* QEMU's */
    .kick = rng_kick,
};

void virtio_rng_set_source(struct virtio_rng *r, long (*fill)(void *buf, unsigned long len))
{
    r->fill = fill;
}

void virtio_rng_reset(struct virtio_rng *r)
{
    virtio_pci_reset(r->v);
}

struct virtio_rng *virtio_rng_create(struct pci_host *host, int devfn,
                                     const struct virtio_wiring *w)
{
    struct virtio_rng *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->v = virtio_pci_create(host, devfn, &rng_ops, r, w);
    if (!r->v) {
        free(r);
        return NULL;
    }
    return r;
}
