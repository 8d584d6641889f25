/*
 * virtio.h - the virtio-pci transport (virtio 1.0, "modern") and the split
 * virtqueues behind it, as a virtio device model sees them.
 *
 * A device (virtio-blk, -rng, -console, -net) describes
 * itself with a struct virtio_device_ops: its virtio device type, feature
 * bits, queue count and size, its configuration space and a kick callback.
 * The transport owns everything else: the PCI function (transitional IDs
 * 1af4:1001 block, 1003 console, 1005 rng, 1000 net, as QEMU's pc; the virtio capabilities in a 16 KiB memory
 * BAR4; MSI-X in BAR1), feature negotiation, the device status byte, the
 * queues' addresses, notifications and interrupts (MSI-X when the driver
 * enables it, else INTx with the ISR register), and reset.
 *
 * Guest memory is never touched directly by a device.  virtio_pop() walks
 * the next available descriptor chain (direct or one indirect table) and
 * hands back its buffers as guest-physical segments that lie wholly in
 * guest RAM; virtio_req_from()/virtio_req_to() copy between them and host
 * buffers; virtio_push() returns the chain with the count of bytes written
 * and virtio_notify() interrupts the driver if it wants to be.  A chain
 * that loops, is longer than the queue (or than VIRTIO_MAX_SEGS), nests
 * indirect tables, puts a readable buffer after a writable one, or points
 * outside RAM, and a ring outside RAM, is the driver's error: the device
 * sets DEVICE_NEEDS_RESET (virtio 1.0, 2.1.2), raises a configuration
 * interrupt and serves that queue no more until the driver resets it.
 *
 * Everything runs synchronously in the guest's notify write: a request is
 * complete (and its interrupt raised) before the write returns.
 *
 * How a device uses it (hw/virtio_net.c): its ops give the queues
 * (receive, transmit), its own feature bits (the transport adds VERSION_1,
 * RING_INDIRECT_DESC and RING_EVENT_IDX) and config_read for its
 * configuration (the MAC).  kick(TX) pops each chain, reads the packet with
 * virtio_req_from, pushes it with 0 bytes written, then calls
 * virtio_notify once.  Receiving happens when the host has data (from the
 * board's poll between blocks, as hw/virtio_console.c does, or when the
 * netdev hands a frame over): virtio_queue_pending says whether the driver
 * has a buffer (none: it is behind; keep or drop the data), then pop it,
 * virtio_req_to, virtio_push with the bytes written, virtio_notify.  A
 * struct virtio_req holds VIRTIO_MAX_SEGS segments (8 KiB): keep one in
 * the device, not on the stack.  The board plugs the device with
 * virtio_pci_create and resets it with virtio_pci_reset (machine/pc.c).
 *
 *   static const struct virtio_device_ops rng_ops = {
 *       .name = "virtio-rng", .device_type = VIRTIO_ID_RNG, .pci_class = 0x00ff00,
 *       .nqueues = 1, .queue_size = 64, .kick = rng_kick,
 *   };
 *   struct virtio_pci *v = virtio_pci_create(host, devfn, &rng_ops, rng, &wiring);
 *   ...in rng_kick:
 *   struct virtio_req *r = &rng->req;
 *   while (virtio_pop(v, 0, r) > 0) {
 *       uint32_t n = virtio_req_to(v, r, 0, bytes, r->in_len);
 *       virtio_push(v, 0, r, n);
 *   }
 *   virtio_notify(v, 0);
 */
#ifndef BT86_HW_VIRTIO_H
#define BT86_HW_VIRTIO_H

#include <stdint.h>

struct pci_host;
struct virtio_pci;

/* Device types (virtio 1.0, 5). */
enum { VIRTIO_ID_NET = 1, VIRTIO_ID_BLOCK = 2, VIRTIO_ID_CONSOLE = 3, VIRTIO_ID_RNG = 4 };

/* Feature bits the transport offers for every device (virtio 1.0, 6). */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

/* Device status bits (virtio 1.0, 2.1). */
enum {
    VIRTIO_STATUS_ACKNOWLEDGE = 1,
    VIRTIO_STATUS_DRIVER = 2,
    VIRTIO_STATUS_DRIVER_OK = 4,
    VIRTIO_STATUS_FEATURES_OK = 8,
    VIRTIO_STATUS_NEEDS_RESET = 64,
    VIRTIO_STATUS_FAILED = 128,
};

#define VIRTIO_MAX_QUEUES 8
#define VIRTIO_QUEUE_MAX 1024 /* the largest queue size a device may declare */
/* Buffers in one chain: the most a queue of VIRTIO_QUEUE_MAX allows. */
#define VIRTIO_MAX_SEGS VIRTIO_QUEUE_MAX

/* A buffer of a chain: len bytes at guest-physical addr, all in RAM. */
struct virtio_seg {
    uint32_t addr;
    uint32_t len;
};

/* One descriptor chain: the device-readable buffers first (nout of them,
 * out_len bytes), then the device-writable ones (nin, in_len bytes). */
struct virtio_req {
    uint16_t head;
    unsigned nout, nin;
    uint32_t out_len, in_len;
    struct virtio_seg seg[VIRTIO_MAX_SEGS];
};

struct virtio_device_ops {
    const char *name;        /* the PCI function's name in logs and statistics */
    uint16_t device_type;    /* VIRTIO_ID_xxx */
    uint32_t pci_class;      /* class, subclass, prog-if */
    uint64_t features;       /* device-specific feature bits offered */
    int nqueues;             /* 1..VIRTIO_MAX_QUEUES */
    uint16_t queue_size;     /* a power of two, 2..VIRTIO_QUEUE_MAX */
    uint32_t config_size;    /* bytes of device configuration (0..0x1000) */
    /* The driver reads/writes the device configuration at off (within
     * config_size; the transport checks) with 1, 2 or 4 bytes. */
    uint32_t (*config_read)(void *dev, uint32_t off, int size);
    void (*config_write)(void *dev, uint32_t off, uint32_t value, int size);
    /* The driver notified queue q (its ring addresses are valid RAM). */
    void (*kick)(void *dev, int q);
    /* The driver reset the device (or the machine reset): drop state. */
    void (*reset)(void *dev);
};

/* How the function reaches the board: MSI-X messages go to the APICs. */
struct virtio_wiring {
    /* A message-signalled interrupt: data written to addr (0xFEExxxxx). */
    void (*msi)(void *opaque, uint32_t addr, uint32_t data);
    void *opaque;
};

/* Plugs the function in at devfn; NULL if out of memory or devfn is taken. */
struct virtio_pci *virtio_pci_create(struct pci_host *host, int devfn,
                                     const struct virtio_device_ops *ops, void *dev,
                                     const struct virtio_wiring *w);
/* The whole function as at power-on (the device's reset is called too). */
void virtio_pci_reset(struct virtio_pci *v);

/* The features the driver accepted (meaningful once FEATURES_OK is set). */
uint64_t virtio_features(const struct virtio_pci *v);
/* The driver set DRIVER_OK and queue q is enabled, and no error stopped it. */
int virtio_queue_ready(const struct virtio_pci *v, int q);

/* Queue q is ready and the driver has a chain available in it (which
 * virtio_pop may still find broken): a device's "can I take data". */
int virtio_queue_pending(struct virtio_pci *v, int q);
/* The next available chain of queue q: 1 and *r filled, 0 if none is
 * available, -1 if the driver broke the queue (NEEDS_RESET is now set). */
int virtio_pop(struct virtio_pci *v, int q, struct virtio_req *r);
/* Copy from the readable buffers starting at byte off of them, or into the
 * writable ones; returns the bytes copied (less than len at their end). */
uint32_t virtio_req_from(struct virtio_pci *v, const struct virtio_req *r, uint32_t off,
                         void *buf, uint32_t len);
uint32_t virtio_req_to(struct virtio_pci *v, const struct virtio_req *r, uint32_t off,
                       const void *buf, uint32_t len);
/* Return the chain to the driver: written bytes of its writable buffers used. */
void virtio_push(struct virtio_pci *v, int q, const struct virtio_req *r, uint32_t written);
/* Interrupt the driver for queue q's used buffers, unless it asked not to be. */
void virtio_notify(struct virtio_pci *v, int q);
/* The device configuration changed (a configuration interrupt). */
void virtio_config_changed(struct virtio_pci *v);

#endif
