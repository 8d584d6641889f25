/*
 * virtio_net.h - a virtio network device (virtio 1.0, 5.1) on a netdev
 * (net/net.h): queue 0 receives, queue 1 transmits; the MAC and the link
 * status (always up) are in its configuration.  PCI 1af4:1000, class
 * 020000, as QEMU's virtio-net-pci on the pc board; Linux drives it with
 * its virtio_net module.
 *
 *   struct virtio_net *n = virtio_net_create(host, PCI_DEVFN(3, 0), nd, mac, &wiring);
 *   add to the machine's reset list: virtio_net_reset(n)
 */
#ifndef BT86_HW_VIRTIO_NET_H
#define BT86_HW_VIRTIO_NET_H

#include <stdint.h>

struct netdev;
struct pci_host;
struct virtio_net;
struct virtio_wiring;

/* NULL when out of memory, devfn is taken, or nd has a NIC already. */
struct virtio_net *virtio_net_create(struct pci_host *host, int devfn, struct netdev *nd,
                                     const uint8_t mac[6], const struct virtio_wiring *w);
void virtio_net_reset(struct virtio_net *n);

#endif
