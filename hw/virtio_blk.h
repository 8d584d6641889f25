/*
 * virtio_blk.h - a virtio block device (virtio 1.0, 5.2) on a raw image:
 * read, write, flush, get-id; read-only images advertise VIRTIO_BLK_F_RO
 * and fail writes with IOERR, as QEMU's.
 *
 *   struct virtio_blk *vb = virtio_blk_create(host, PCI_DEVFN(4, 0), disk, "", &wiring);
 */
#ifndef BT86_HW_VIRTIO_BLK_H
#define BT86_HW_VIRTIO_BLK_H

struct block;
struct pci_host;
struct virtio_blk;
struct virtio_wiring;

/* serial: what GET_ID answers (at most 20 bytes kept; "" as QEMU's default). */
struct virtio_blk *virtio_blk_create(struct pci_host *host, int devfn, struct block *disk,
                                     const char *serial, const struct virtio_wiring *w);
void virtio_blk_reset(struct virtio_blk *vb);
/* Another image of the same size and mode behind the device (the fuzz
 * target's fresh -snapshot overlay for each input). */
void virtio_blk_set_disk(struct virtio_blk *vb, struct block *disk);

#endif
