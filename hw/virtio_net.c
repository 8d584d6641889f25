/*
 * virtio_net.c - virtio-net on the virtio-pci transport and a netdev.
 *
 * Every buffer starts with the virtio_net_hdr: 12 bytes (num_buffers
 * included) once VERSION_1 is negotiated, 10 for a legacy driver.  The
 * chain is one byte stream (any layout), so the header may share a buffer
 * with the frame or not.
 *
 * Features: MAC, STATUS (the link is always up), CSUM: the guest may
 * leave a TCP or UDP checksum to the device (NEEDS_CSUM), which fills it in
 * before the frame reaches the netdev, so Linux neither sums what it sends
 * nor copies it to do so; and GUEST_CSUM: the device checks the TCP or UDP
 * checksum of a received IPv4 or IPv6 frame (not a fragment, no extension
 * headers) as a NIC's receive offload does, and says DATA_VALID when it is
 * right, so Linux does not sum it again (anything else goes up with flags
 * 0, for the guest to check).  Not offered: the segmentation offloads
 * (GUEST_TSO, HOST_TSO), since the user network has no use for frames past
 * the MTU; MRG_RXBUF, which pays only
 * with such big frames (Linux's small receive buffers hold a whole 1518-byte
 * frame); the control queue (no receive filter: the device passes every
 * frame, as QEMU's does in its default promiscuous mode).
 *
 * Receiving: the netdev asks can_receive() before each frame: whether the
 * driver has a receive chain available.  None: the netdev keeps the frames
 * until the driver adds buffers and notifies queue 0.  A frame larger than
 * the chain (a driver that broke the spec's 1526-byte minimum) is dropped
 * and the chain returned empty; so is a frame whose chain turns out broken
 * (the transport then sets DEVICE_NEEDS_RESET).
 */
#include "hw/virtio_net.h"
#include "hw/virtio.h"
#include "net/net.h"

#include <stdlib.h>
#include <string.h>

enum { RXQ = 0, TXQ = 1 };
enum { F_CSUM = 0, F_GUEST_CSUM = 1, F_MAC = 5, F_STATUS = 16, F_MRG_RXBUF = 15 };
enum { HDR_F_NEEDS_CSUM = 1, HDR_F_DATA_VALID = 2 };
enum { S_LINK_UP = 1 };

#define QUEUE_SIZE 256 /* QEMU's rx_queue_size and tx_queue_size */
#define HDR_MAX 12

struct virtio_net {
    struct virtio_pci *v;
    struct netdev *nd;
    uint8_t mac[6];
    struct virtio_req rx, tx;
    uint8_t buf[HDR_MAX + NET_FRAME_MAX + 4];
};

static uint32_t hdr_len(struct virtio_net *n)
{
    uint64_t f = virtio_features(n->v);
    return f & (1ull << VIRTIO_F_VERSION_1 | 1ull << F_MRG_RXBUF) ? 12 : 10;
}

static uint32_t net_config_read(void *opaque, uint32_t off, int size)
{
    struct virtio_net *n = opaque;
    uint8_t c[8];
    memcpy(c, n->mac, 6);
    c[6] = S_LINK_UP;
    c[7] = 0;
    uint32_t r = 0;
    for (int i = 0; i < size; i++)
        r |= (uint32_t)c[off + i] << (8 * i);
    return r;
}

/* The 16-bit big-endian ones' complement sum of p[0..n), added to sum. */
static uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t sum)
{
    for (uint32_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The frame is TCP or UDP over IPv4 or IPv6, whole (no fragment, no IPv6
 * extension header), with a right checksum: what DATA_VALID vouches for. */
static int l4_csum_good(const uint8_t *f, size_t len)
{
    size_t l3 = 14;
    if (len < 14)
        return 0;
    uint16_t type = be16(f + 12);
    if (type == 0x8100 && len >= 18) { /* one VLAN tag */
        type = be16(f + 16);
        l3 = 18;
    }
    const uint8_t *ip = f + l3;
    size_t room = len - l3;
    uint32_t sum, l4len;
    const uint8_t *l4;
    int proto;
    if (type == 0x0800) {
        if (room < 20)
            return 0;
        uint32_t ihl = (ip[0] & 15) * 4u, tot;
        if (ip[0] >> 4 != 4 || ihl < 20 || (tot = be16(ip + 2)) > room || tot < ihl ||
            (be16(ip + 6) & 0x3fff) || fold(sum16(ip, ihl, 0)) != 0xffff)
            return 0;
        proto = ip[9];
        l4 = ip + ihl;
        l4len = tot - ihl;
        sum = sum16(ip + 12, 8, 0);
    } else if (type == 0x86dd) {
        if (room < 40 || ip[0] >> 4 != 6 || be16(ip + 4) > room - 40)
            return 0;
        proto = ip[6];
        l4 = ip + 40;
        l4len = be16(ip + 4);
        sum = sum16(ip + 8, 32, 0);
    } else {
        return 0;
    }
    if (proto == 6 ? l4len < 20 : proto == 17 ? l4len < 8 || be16(l4 + 6) == 0 : 1)
        return 0; /* a UDP checksum of 0 is none: nothing to vouch for */
    sum += (uint32_t)proto + l4len;
    return fold(sum16(l4, l4len, sum)) == 0xffff;
}

/* ------------------------------------------------------------- receive */

static int can_receive(void *opaque)
{
    struct virtio_net *n = opaque;
    return virtio_queue_pending(n->v, RXQ);
}

static void receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct virtio_net *n = opaque;
    if (virtio_pop(n->v, RXQ, &n->rx) <= 0)
        return;
    uint32_t hl = hdr_len(n), written = 0;
    if (n->rx.in_len >= hl + len) {
        uint8_t h[HDR_MAX] = { 0 };
        h[10] = 1; /* num_buffers */
        if ((virtio_features(n->v) & 1ull << F_GUEST_CSUM) && l4_csum_good(frame, len))
            h[0] = HDR_F_DATA_VALID;
        virtio_req_to(n->v, &n->rx, 0, h, hl);
        written = hl + virtio_req_to(n->v, &n->rx, hl, frame, (uint32_t)len);
    }
    virtio_push(n->v, RXQ, &n->rx, written);
    virtio_notify(n->v, RXQ);
}

/* ------------------------------------------------------------ transmit */

/* NEEDS_CSUM: the ones' complement sum of frame[start..len), whose
 * checksum field already holds the pseudo-header's sum, stored at
 * start + off (virtio 1.0, 5.1.6.2). */
static void fill_csum(uint8_t *f, uint32_t len, uint32_t start, uint32_t off)
{
    if (start >= len || off > len - start || len - start - off < 2)
        return;
    uint16_t c = (uint16_t)~fold(sum16(f + start, len - start, 0));
    f[start + off] = (uint8_t)(c >> 8);
    f[start + off + 1] = (uint8_t)c;
}

static void transmit(struct virtio_net *n, const struct virtio_req *r)
{
    uint32_t hl = hdr_len(n);
    /* Shorter than a header, or longer than a frame without segmentation
     * (which is not offered): nothing goes on the wire. */
    if (r->out_len <= hl || r->out_len > sizeof(n->buf))
        return;
    uint32_t len = virtio_req_from(n->v, r, 0, n->buf, r->out_len);
    if (len != r->out_len)
        return;
    uint8_t *f = n->buf + hl;
    len -= hl;
    if ((n->buf[0] & HDR_F_NEEDS_CSUM) && (virtio_features(n->v) & 1ull << F_CSUM))
        fill_csum(f, len, n->buf[6] | n->buf[7] << 8, n->buf[8] | n->buf[9] << 8);
    netdev_send(n->nd, f, len);
}

static void net_kick(void *opaque, int q)
{
    struct virtio_net *n = opaque;
    if (q == RXQ) {
        netdev_nic_ready(n->nd);
        return;
    }
    if (q != TXQ)
        return;
    /* Bounded: the driver cannot add chains while the device runs, and
     * virtio_pop refuses an avail index that claims more than the ring. */
    while (virtio_pop(n->v, TXQ, &n->tx) > 0) {
        transmit(n, &n->tx);
        virtio_push(n->v, TXQ, &n->tx, 0);
    }
    virtio_notify(n->v, TXQ);
}

static void net_reset(void *opaque)
{
    struct virtio_net *n = opaque;
    netdev_purge(n->nd);
}

static const struct virtio_device_ops net_ops = {
    .name = "virtio-net",
    .device_type = VIRTIO_ID_NET,
    .pci_class = 0x020000, /* Ethernet */
    .features = 1ull << F_CSUM | 1ull << F_GUEST_CSUM | 1ull << F_MAC | 1ull << F_STATUS,
    .nqueues = 2,
    .queue_size = QUEUE_SIZE,
    .config_size = 8, /* mac, status: max_virtqueue_pairs is for MQ */
    .config_read = net_config_read,
    .kick = net_kick,
    .reset = net_reset,
};

void virtio_net_reset(struct virtio_net *n)
{
    virtio_pci_reset(n->v);
}

struct virtio_net *virtio_net_create(struct pci_host *host, int devfn, struct netdev *nd,
                                     const uint8_t mac[6], const struct virtio_wiring *w)
{
    struct virtio_net *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->nd = nd;
    memcpy(n->mac, mac, 6);
    if (netdev_attach_nic(nd, can_receive, receive, n) < 0) {
        free(n);
        return NULL;
    }
    n->v = virtio_pci_create(host, devfn, &net_ops, n, w);
    if (!n->v) {
        nd->nic = NULL; /* detach: nothing may call back into n */
        free(n);
        return NULL;
    }
    return n;
}
