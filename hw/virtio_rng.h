/*
 * virtio_rng.h - a virtio entropy device (virtio 1.0, 5.4): each buffer
 * the driver offers comes back full of the host's getrandom() bytes.
 *
 *   struct virtio_rng *r = virtio_rng_create(host, PCI_DEVFN(5, 0), &wiring);
 */
#ifndef BT86_HW_VIRTIO_RNG_H
#define BT86_HW_VIRTIO_RNG_H

struct pci_host;
struct virtio_rng;
struct virtio_wiring;

struct virtio_rng *virtio_rng_create(struct pci_host *host, int devfn,
                                     const struct virtio_wiring *w);
void virtio_rng_reset(struct virtio_rng *r);
/* Where the bytes come from instead of getrandom (a fuzz target's fixed
 * bytes, so that results repeat): fill returns how many it wrote, <= 0 none. */
void virtio_rng_set_source(struct virtio_rng *r, long (*fill)(void *buf, unsigned long len));

#endif
