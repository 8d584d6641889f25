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

#endif
