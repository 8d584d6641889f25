/*
 * virtio_pci.c - the virtio-pci transport: a transitional function as
 * QEMU's pc plugs one (1af4:1000 net, 1001 block, 1003 console, 1005 rng; revision 0;
 * subsystem 1af4:type).
 *
 *   BAR0  I/O, the legacy interface (virtio 1.0, 4.1.4.8): features, queue
 *         PFN, size, select, notify, status, ISR, [MSI-X vectors], config
 *   BAR1  4 KiB memory: the MSI-X table (0x000) and pending bits (0x800)
 *   BAR4  16 KiB memory, 32-bit (bt86's PCI has no 64-bit BARs): common
 *         configuration 0x0000, ISR 0x1000, device configuration 0x2000,
 *         notifications 0x3000 (queue q at 4q)
 *
 * The capability list (0x40-0x97): MSI-X, then the four virtio structures.
 * Interrupts: with MSI-X enabled, each queue's (and the configuration's)
 * vector is a message to the APICs through the board's msi callback;
 * otherwise the ISR register and INTA#, which PIIX3 routes.  A masked
 * vector's message waits in the pending bits until it is unmasked.
 */
#include "hw/virtio.h"
#include "hw/virtio_queue.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdlib.h>
#include <string.h>

#define NO_VECTOR 0xffff
#define MSIX_MAX (VIRTIO_MAX_QUEUES + 1)

enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };
enum { REG_COMMON = 0x0000, REG_ISR = 0x1000, REG_DEVICE = 0x2000, REG_NOTIFY = 0x3000 };
enum { NOTIFY_MULT = 4, MODERN_BAR = 4, MSIX_BAR = 1, LEGACY_BAR = 0 };
enum { CAP_MSIX_AT = 0x40, MSIX_PBA = 0x800 };
enum { MSIX_ENABLE = 0x8000, MSIX_FN_MASK = 0x4000 };

struct virtio_pci {
    struct pci_dev pci;
    struct mem_map *mem;
    const struct virtio_device_ops *ops;
    void *dev;
    struct virtio_wiring w;
    uint32_t dfselect, gfselect;
    uint64_t guest_features;
    uint8_t status, isr, generation;
    int legacy; /* a legacy driver placed a queue: it may use it before DRIVER_OK */
    uint16_t queue_select;
    uint16_t msix_config;
    struct virtq q[VIRTIO_MAX_QUEUES];
    int nvectors;
    uint8_t msix_table[MSIX_MAX * 16];
    uint32_t msix_pending;
};

static uint64_t device_features(const struct virtio_pci *v)
{
    return v->ops->features | 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_RING_INDIRECT_DESC |
           1ull << VIRTIO_F_RING_EVENT_IDX;
}

/* ------------------------------------------------------------ interrupts */

static uint16_t msix_control(const struct virtio_pci *v)
{
    return pci_get_word(v->pci.config + CAP_MSIX_AT + 2);
}

static int msix_enabled(const struct virtio_pci *v)
{
    return (msix_control(v) & MSIX_ENABLE) != 0;
}

static void msix_fire(struct virtio_pci *v, int vec)
{
    const uint8_t *e = v->msix_table + 16 * vec;
    if ((msix_control(v) & MSIX_FN_MASK) || (e[12] & 1) || !pci_bus_master(&v->pci)) {
        v->msix_pending |= 1u << vec;
        return;
    }
    v->msix_pending &= ~(1u << vec);
    uint32_t addr = pci_get_long(e), hi = pci_get_long(e + 4), data = pci_get_long(e + 8);
    /* Only the APICs' window: a message elsewhere would be a DMA write. */
    if (!hi && (addr & 0xfff00000u) == 0xfee00000u && v->w.msi)
        v->w.msi(v->w.opaque, addr, data);
}

static void msix_retry_pending(struct virtio_pci *v)
{
    for (int vec = 0; vec < v->nvectors; vec++)
        if (v->msix_pending & (1u << vec))
            msix_fire(v, vec);
}

static void interrupt(struct virtio_pci *v, uint8_t isr_bit, uint16_t vector)
{
    if (msix_enabled(v)) {
        if (vector < v->nvectors)
            msix_fire(v, vector);
        return;
    }
    v->isr |= isr_bit;
    pci_set_intx(&v->pci, 1);
}

static uint8_t isr_read(struct virtio_pci *v)
{
    uint8_t r = v->isr;
    v->isr = 0;
    pci_set_intx(&v->pci, 0);
    return r;
}

/* A queue the driver broke: the device needs a reset (virtio 1.0, 2.1.2). */
static void needs_reset(struct virtio_pci *v)
{
    if (v->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    v->status |= VIRTIO_STATUS_NEEDS_RESET;
    virtio_config_changed(v);
}

/* ------------------------------------------------- the device's interface */

uint64_t virtio_features(const struct virtio_pci *v)
{
    return v->guest_features;
}

int virtio_queue_ready(const struct virtio_pci *v, int q)
{
    return q >= 0 && q < v->ops->nqueues &&
           ((v->status & VIRTIO_STATUS_DRIVER_OK) || v->legacy) &&
           !(v->status & VIRTIO_STATUS_NEEDS_RESET) && v->q[q].enabled && v->q[q].size &&
           !v->q[q].broken;
}

int virtio_queue_pending(struct virtio_pci *v, int q)
{
    return virtio_queue_ready(v, q) && virtq_pending(v->mem, &v->q[q]);
}

int virtio_pop(struct virtio_pci *v, int q, struct virtio_req *r)
{
    if (!virtio_queue_ready(v, q))
        return v->status & VIRTIO_STATUS_NEEDS_RESET ? -1 : 0;
    int rc = virtq_pop(v->mem, &v->q[q], v->guest_features, r);
    if (rc < 0)
        needs_reset(v);
    return rc;
}

uint32_t virtio_req_from(struct virtio_pci *v, const struct virtio_req *r, uint32_t off,
                         void *buf, uint32_t len)
{
    return virtq_copy_from(v->mem, r, off, buf, len);
}

uint32_t virtio_req_to(struct virtio_pci *v, const struct virtio_req *r, uint32_t off,
                       const void *buf, uint32_t len)
{
    return virtq_copy_to(v->mem, r, off, buf, len);
}

void virtio_push(struct virtio_pci *v, int q, const struct virtio_req *r, uint32_t written)
{
    if (!virtio_queue_ready(v, q))
        return;
    if (written > r->in_len)
        written = r->in_len;
    if (virtq_push(v->mem, &v->q[q], r->head, written) < 0)
        needs_reset(v);
}

void virtio_notify(struct virtio_pci *v, int q)
{
    if (virtio_queue_ready(v, q) && virtq_should_notify(v->mem, &v->q[q], v->guest_features))
        interrupt(v, 1, v->q[q].msix_vector);
}

void virtio_config_changed(struct virtio_pci *v)
{
    v->generation++;
    /* ISR bits 0 and 1, as QEMU's: a driver that only looks at bit 0 still
     * scans its queues. */
    if (v->status & VIRTIO_STATUS_DRIVER_OK)
        interrupt(v, 3, v->msix_config);
}

/* -------------------------------------------------------- device reset */

static void device_reset(struct virtio_pci *v)
{
    v->dfselect = v->gfselect = 0;
    v->guest_features = 0;
    v->status = 0;
    v->legacy = 0;
    v->queue_select = 0;
    v->msix_config = NO_VECTOR;
    v->isr = 0;
    pci_set_intx(&v->pci, 0);
    for (int i = 0; i < VIRTIO_MAX_QUEUES; i++)
        v->q[i] = (struct virtq){ .size = i < v->ops->nqueues ? v->ops->queue_size : 0,
                                  .msix_vector = NO_VECTOR };
    if (v->ops->reset)
        v->ops->reset(v->dev);
}

void virtio_pci_reset(struct virtio_pci *v)
{
    pci_dev_reset(&v->pci);
    memset(v->msix_table, 0, sizeof(v->msix_table));
    for (int i = 0; i < v->nvectors; i++)
        v->msix_table[16 * i + 12] = 1; /* vectors start masked */
    v->msix_pending = 0;
    v->generation = 0; /* a driver's reset keeps counting; power-on starts over */
    device_reset(v);
}

static void kick(struct virtio_pci *v, unsigned q)
{
    if (q < (unsigned)v->ops->nqueues && virtio_queue_ready(v, (int)q) && v->ops->kick)
        v->ops->kick(v->dev, (int)q);
    else if (q < (unsigned)v->ops->nqueues && (v->status & VIRTIO_STATUS_DRIVER_OK) &&
             v->q[q].broken)
        needs_reset(v);
}

static void set_status(struct virtio_pci *v, uint8_t s)
{
    if (!s) {
        device_reset(v);
        return;
    }
    /* FEATURES_OK only for features the device offered, VERSION_1 among them. */
    if ((s & VIRTIO_STATUS_FEATURES_OK) && !(v->status & VIRTIO_STATUS_FEATURES_OK) &&
        ((v->guest_features & ~device_features(v)) ||
         !(v->guest_features & 1ull << VIRTIO_F_VERSION_1)))
        s &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    v->status = (uint8_t)(s | (v->status & VIRTIO_STATUS_NEEDS_RESET));
}

static uint16_t checked_vector(const struct virtio_pci *v, uint32_t vec)
{
    return vec < (uint32_t)v->nvectors ? (uint16_t)vec : NO_VECTOR;
}

/* --------------------------------------------- common configuration */

static struct virtq *selected(struct virtio_pci *v)
{
    return v->queue_select < v->ops->nqueues ? &v->q[v->queue_select] : NULL;
}

/* The structure as the driver reads it (virtio 1.0, 4.1.4.3). */
static void common_snapshot(struct virtio_pci *v, uint8_t *c)
{
    memset(c, 0, 0x38);
    uint64_t f = device_features(v);
    pci_put_long(c + 0x00, v->dfselect);
    pci_put_long(c + 0x04, v->dfselect < 2 ? (uint32_t)(f >> (32 * v->dfselect)) : 0);
    pci_put_long(c + 0x08, v->gfselect);
    pci_put_long(c + 0x0c,
                 v->gfselect < 2 ? (uint32_t)(v->guest_features >> (32 * v->gfselect)) : 0);
    pci_put_word(c + 0x10, v->msix_config);
    pci_put_word(c + 0x12, (uint16_t)v->ops->nqueues);
    c[0x14] = v->status;
    c[0x15] = v->generation;
    pci_put_word(c + 0x16, v->queue_select);
    struct virtq *q = selected(v);
    if (q) {
        pci_put_word(c + 0x18, q->size);
        pci_put_word(c + 0x1a, q->msix_vector);
        pci_put_word(c + 0x1c, q->enabled);
        pci_put_word(c + 0x1e, v->queue_select);
        pci_put_long(c + 0x20, (uint32_t)q->desc);
        pci_put_long(c + 0x24, (uint32_t)(q->desc >> 32));
        pci_put_long(c + 0x28, (uint32_t)q->avail);
        pci_put_long(c + 0x2c, (uint32_t)(q->avail >> 32));
        pci_put_long(c + 0x30, (uint32_t)q->used);
        pci_put_long(c + 0x34, (uint32_t)(q->used >> 32));
    }
}

static uint32_t common_read(struct virtio_pci *v, uint32_t off, int size)
{
    uint8_t c[0x38];
    if (off >= sizeof(c) || (uint32_t)size > sizeof(c) - off)
        return 0;
    common_snapshot(v, c);
    uint32_t r = 0;
    for (int i = 0; i < size; i++)
        r |= (uint32_t)c[off + i] << (8 * i);
    return r;
}

/* The field [fo, fo + fs) with the bytes of a write at off merged in. */
static uint64_t merge(uint64_t old, uint32_t fo, int fs, uint32_t off, uint32_t val, int size)
{
    for (int i = 0; i < size; i++) {
        uint32_t b = off + i;
        if (b >= fo && b < fo + (uint32_t)fs) {
            int sh = 8 * (int)(b - fo);
            old = (old & ~(0xffull << sh)) | (uint64_t)((val >> (8 * i)) & 0xff) << sh;
        }
    }
    return old;
}

static int touches(uint32_t fo, int fs, uint32_t off, int size)
{
    return off < fo + (uint32_t)fs && fo < off + (uint32_t)size;
}

static void common_write(struct virtio_pci *v, uint32_t off, uint32_t val, int size)
{
    struct virtq *q = selected(v);
    /* Queue addresses and size are the driver's only until it enables the queue. */
    int q_open = q && !q->enabled && !(v->status & VIRTIO_STATUS_DRIVER_OK);
    if (touches(0x00, 4, off, size))
        v->dfselect = (uint32_t)merge(v->dfselect, 0x00, 4, off, val, size);
    if (touches(0x08, 4, off, size))
        v->gfselect = (uint32_t)merge(v->gfselect, 0x08, 4, off, val, size);
    if (touches(0x0c, 4, off, size) && v->gfselect < 2 &&
        !(v->status & VIRTIO_STATUS_FEATURES_OK)) {
        int sh = 32 * (int)v->gfselect;
        uint32_t half = (uint32_t)(v->guest_features >> sh);
        half = (uint32_t)merge(half, 0x0c, 4, off, val, size);
        v->guest_features = (v->guest_features & ~(0xffffffffull << sh)) | (uint64_t)half << sh;
    }
    if (touches(0x10, 2, off, size))
        v->msix_config = checked_vector(v, (uint32_t)merge(v->msix_config, 0x10, 2, off, val, size));
    if (touches(0x14, 1, off, size))
        set_status(v, (uint8_t)merge(v->status, 0x14, 1, off, val, size));
    if (touches(0x16, 2, off, size))
        v->queue_select = (uint16_t)merge(v->queue_select, 0x16, 2, off, val, size);
    if (!q)
        return;
    if (touches(0x18, 2, off, size) && q_open) {
        uint32_t n = (uint32_t)merge(q->size, 0x18, 2, off, val, size);
        /* A power of two no larger than the device's (virtio 1.0, 2.4). */
        if (n && n <= v->ops->queue_size && !(n & (n - 1)))
            q->size = (uint16_t)n;
    }
    if (touches(0x1a, 2, off, size))
        q->msix_vector = checked_vector(v, (uint32_t)merge(q->msix_vector, 0x1a, 2, off, val, size));
    if (touches(0x1c, 2, off, size) && merge(q->enabled, 0x1c, 2, off, val, size) == 1)
        q->enabled = 1;
    if (q_open) {
        if (touches(0x20, 8, off, size))
            q->desc = merge(q->desc, 0x20, 8, off, val, size);
        if (touches(0x28, 8, off, size))
            q->avail = merge(q->avail, 0x28, 8, off, val, size);
        if (touches(0x30, 8, off, size))
            q->used = merge(q->used, 0x30, 8, off, val, size);
    }
}

/* ------------------------------------------------------------- BAR4 */

static uint32_t device_cfg_read(struct virtio_pci *v, uint32_t off, int size)
{
    if (!v->ops->config_read || off >= v->ops->config_size ||
        (uint32_t)size > v->ops->config_size - off)
        return 0;
    return v->ops->config_read(v->dev, off, size);
}

static void device_cfg_write(struct virtio_pci *v, uint32_t off, uint32_t val, int size)
{
    if (v->ops->config_write && off < v->ops->config_size &&
        (uint32_t)size <= v->ops->config_size - off)
        v->ops->config_write(v->dev, off, val, size);
}

static uint32_t modern_read(void *opaque, uint32_t off, int size)
{
    struct virtio_pci *v = opaque;
    switch (off & 0xf000) {
    case REG_COMMON: return common_read(v, off, size);
    case REG_ISR: return off == REG_ISR ? isr_read(v) : 0;
    case REG_DEVICE: return device_cfg_read(v, off - REG_DEVICE, size);
    default: return 0;
    }
}

static void modern_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct virtio_pci *v = opaque;
    switch (off & 0xf000) {
    case REG_COMMON: common_write(v, off, val, size); break;
    case REG_DEVICE: device_cfg_write(v, off - REG_DEVICE, val, size); break;
    case REG_NOTIFY: kick(v, (off - REG_NOTIFY) / NOTIFY_MULT); break;
    default: break;
    }
}

static const struct mem_ops modern_ops = { modern_read, modern_write };

/* ---------------------------------------------------- BAR1: MSI-X */

static uint32_t msix_read(void *opaque, uint32_t off, int size)
{
    struct virtio_pci *v = opaque;
    uint32_t r = 0;
    for (int i = 0; i < size; i++) {
        uint32_t o = off + i;
        uint8_t b = 0;
        if (o < 16u * v->nvectors)
            b = v->msix_table[o];
        else if (o >= MSIX_PBA && o < MSIX_PBA + 8)
            b = (uint8_t)((uint64_t)v->msix_pending >> (8 * (o - MSIX_PBA)));
        r |= (uint32_t)b << (8 * i);
    }
    return r;
}

static void msix_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct virtio_pci *v = opaque;
    for (int i = 0; i < size; i++) {
        uint32_t o = off + i;
        if (o >= 16u * v->nvectors)
            continue;
        /* Vector control: only the mask bit is defined. */
        v->msix_table[o] = (uint8_t)(val >> (8 * i)) & ((o & 15) == 12 ? 1 : (o & 15) > 12 ? 0 : 0xff);
    }
    msix_retry_pending(v); /* an unmask sends what waited */
}

static const struct mem_ops msix_ops = { msix_read, msix_write };

/* -------------------------------------------------- BAR0: legacy */

static uint32_t legacy_cfg_base(const struct virtio_pci *v)
{
    return msix_enabled(v) ? 24 : 20;
}

static void legacy_set_pfn(struct virtio_pci *v, uint32_t pfn)
{
    struct virtq *q = selected(v);
    if (!q)
        return;
    if (!pfn) {
        *q = (struct virtq){ .size = v->ops->queue_size, .msix_vector = q->msix_vector };
        return;
    }
    /* The legacy layout: one block, the used ring on the next 4 KiB boundary. */
    uint64_t base = (uint64_t)pfn << 12;
    q->size = v->ops->queue_size;
    q->desc = base;
    q->avail = base + 16ull * q->size;
    q->used = (q->avail + 6 + 2ull * q->size + 4095) & ~4095ull;
    q->enabled = 1;
    /* Old Linux virtio_blk read the partition table before DRIVER_OK; QEMU
     * serves a legacy driver's queue as soon as it is placed. */
    v->legacy = 1;
}

/* The legacy header as the driver reads it (virtio 1.0, 4.1.4.8). */
static void legacy_snapshot(struct virtio_pci *v, uint8_t *c)
{
    struct virtq *q = selected(v);
    memset(c, 0, 24);
    pci_put_long(c + 0, (uint32_t)device_features(v));
    pci_put_long(c + 4, (uint32_t)v->guest_features);
    pci_put_long(c + 8, q && q->enabled ? (uint32_t)(q->desc >> 12) : 0);
    pci_put_word(c + 12, q ? q->size : 0);
    pci_put_word(c + 14, v->queue_select);
    c[18] = v->status;
    pci_put_word(c + 20, v->msix_config);
    pci_put_word(c + 22, q ? q->msix_vector : NO_VECTOR);
}

static uint32_t legacy_read(void *opaque, uint32_t off, int size)
{
    struct virtio_pci *v = opaque;
    uint32_t cfg = legacy_cfg_base(v);
    if (off >= cfg)
        return device_cfg_read(v, off - cfg, size);
    if (off == 19)
        return isr_read(v);
    uint8_t c[24];
    legacy_snapshot(v, c);
    uint32_t r = 0;
    for (int i = 0; i < size && off + i < cfg; i++)
        r |= (uint32_t)c[off + i] << (8 * i);
    return r;
}

static void legacy_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct virtio_pci *v = opaque;
    uint32_t cfg = legacy_cfg_base(v);
    if (off >= cfg) {
        device_cfg_write(v, off - cfg, val, size);
        return;
    }
    struct virtq *q = selected(v);
    switch (off) {
    case 4:
        if (!(v->status & VIRTIO_STATUS_FEATURES_OK))
            v->guest_features = val & (uint32_t)device_features(v);
        break;
    case 8: legacy_set_pfn(v, val); break;
    case 14: v->queue_select = (uint16_t)val; break;
    case 16: kick(v, val & 0xffff); break;
    case 18:
        if (!(val & 0xff))
            device_reset(v);
        else
            v->status = (uint8_t)(val | (v->status & VIRTIO_STATUS_NEEDS_RESET));
        break;
    case 20: v->msix_config = checked_vector(v, val & 0xffff); break;
    case 22:
        if (q)
            q->msix_vector = checked_vector(v, val & 0xffff);
        break;
    default: break;
    }
}

/* -------------------------------------------------- configuration space */

static void config_write(struct pci_dev *d, unsigned off, int size)
{
    struct virtio_pci *v = d->opaque;
    if (touches(CAP_MSIX_AT + 2, 2, off, size)) {
        if (msix_enabled(v)) {
            v->isr = 0;
            pci_set_intx(&v->pci, 0); /* MSI-X replaces INTx */
        }
        msix_retry_pending(v);
    }
    if (touches(PCI_COMMAND, 2, off, size))
        msix_retry_pending(v); /* bus mastering just enabled */
}

static uint8_t add_vcap(struct pci_dev *d, uint8_t at, uint8_t next, uint8_t type,
                        uint32_t offset, uint32_t length)
{
    uint8_t *c = d->config + at;
    int len = type == CAP_NOTIFY ? 20 : 16;
    c[0] = 0x09; /* vendor-specific */
    c[1] = next;
    c[2] = (uint8_t)len;
    c[3] = type;
    c[4] = MODERN_BAR;
    pci_put_long(c + 8, offset);
    pci_put_long(c + 12, length);
    if (type == CAP_NOTIFY)
        pci_put_long(c + 16, NOTIFY_MULT);
    return at;
}

/* virtio 1.0, 4.1.2.1: the IDs a transitional device keeps from legacy. */
static uint16_t transitional_id(uint16_t type)
{
    switch (type) {
    case VIRTIO_ID_NET: return 0x1000;
    case VIRTIO_ID_BLOCK: return 0x1001;
    case VIRTIO_ID_CONSOLE: return 0x1003;
    case VIRTIO_ID_RNG: return 0x1005;
    default: return (uint16_t)(0x1040 + type); /* modern only */
    }
}

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 32;
    while (p < n)
        p <<= 1;
    return p;
}

struct virtio_pci *virtio_pci_create(struct pci_host *host, int devfn,
                                     const struct virtio_device_ops *ops, void *dev,
                                     const struct virtio_wiring *w)
{
    if (ops->nqueues < 1 || ops->nqueues > VIRTIO_MAX_QUEUES || ops->queue_size < 2 ||
        ops->queue_size > VIRTIO_QUEUE_MAX || (ops->queue_size & (ops->queue_size - 1)) ||
        ops->config_size > 0x1000)
        return NULL;
    struct virtio_pci *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->mem = pci_host_mem(host);
    v->ops = ops;
    v->dev = dev;
    if (w)
        v->w = *w;
    v->nvectors = ops->nqueues + 1;
    struct pci_dev *d = &v->pci;
    pci_dev_init(d, 0x1af4, transitional_id(ops->device_type), ops->pci_class, 0);
    pci_put_word(d->config + PCI_SUBSYS_ID, ops->device_type);
    d->config[PCI_INT_PIN] = 1;
    pci_put_word(d->config + PCI_STATUS, 0x0010); /* capability list */
    d->config[0x34] = CAP_MSIX_AT;
    memset(d->wmask + 0x40, 0, 0xc0);
    uint8_t *m = d->config + CAP_MSIX_AT;
    m[0] = 0x11;
    m[1] = 0x50; /* the list in QEMU's order */
    pci_put_word(m + 2, (uint16_t)(v->nvectors - 1));
    pci_put_long(m + 4, 0x000 | MSIX_BAR);
    pci_put_long(m + 8, MSIX_PBA | MSIX_BAR);
    d->wmask[CAP_MSIX_AT + 3] = (MSIX_ENABLE | MSIX_FN_MASK) >> 8;
    /* Each area a page long, as QEMU's. */
    add_vcap(d, 0x50, 0x68, CAP_NOTIFY, REG_NOTIFY, 0x1000);
    add_vcap(d, 0x68, 0x78, CAP_DEVICE, REG_DEVICE, 0x1000);
    add_vcap(d, 0x78, 0x88, CAP_ISR, REG_ISR, 0x1000);
    add_vcap(d, 0x88, 0x00, CAP_COMMON, REG_COMMON, 0x1000);
    d->config_write = config_write;
    d->opaque = v;
    pci_set_bar(d, LEGACY_BAR, pow2_at_least(24 + ops->config_size), PCI_BAR_IO, legacy_read,
                legacy_write, NULL, v);
    pci_set_bar(d, MSIX_BAR, 0x1000, PCI_BAR_MEM32, NULL, NULL, &msix_ops, v);
    pci_set_bar(d, MODERN_BAR, 0x4000, PCI_BAR_MEM32, NULL, NULL, &modern_ops, v);
    if (pci_host_plug(host, d, devfn) < 0) {
        free(v);
        return NULL;
    }
    virtio_pci_reset(v);
    return v;
}
