/*
 * virtio_console.h - a virtio console (virtio 1.0, 5.3) with one port and
 * no MULTIPORT feature: Linux makes it hvc0.  Output goes to a chardev as
 * the driver sends it; input is taken from the chardev between blocks
 * (virtio_console_poll) into the receive buffers the driver offered.
 *
 *   struct virtio_console *c = virtio_console_create(host, devfn, chr, &wiring);
 *   ...between blocks: virtio_console_poll(c);
 */
#ifndef BT86_HW_VIRTIO_CONSOLE_H
#define BT86_HW_VIRTIO_CONSOLE_H

struct chardev;
struct pci_host;
struct virtio_console;
struct virtio_wiring;

/* chr may be NULL: output is dropped, no input. */
struct virtio_console *virtio_console_create(struct pci_host *host, int devfn,
                                             struct chardev *chr, const struct virtio_wiring *w);
void virtio_console_reset(struct virtio_console *c);
void virtio_console_poll(struct virtio_console *c);

#endif
