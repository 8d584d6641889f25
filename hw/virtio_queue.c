/*
 * virtio_queue.c - the device side of a split virtqueue: descriptor table
 * (16-byte entries: addr, len, flags NEXT/WRITE/INDIRECT, next), avail ring
 * (flags, idx, ring[size], used_event) and used ring (flags, idx,
 * ring[size] of {id, len}, avail_event), all little-endian in guest RAM.
 *
 * An indirect table is followed only from a chain's head, as QEMU does;
 * nested, chained (INDIRECT with NEXT) or empty indirect tables, zero-length
 * buffers (QEMU refuses them too) and a readable buffer after a writable
 * one are errors.  With EVENT_IDX the device publishes avail_event after
 * each take, so the driver kicks for the next chain, and interrupts only
 * when the used index passes the driver's used_event.
 */
#include "hw/virtio_queue.h"
#include "softmmu/memory.h"

#include <string.h>

enum { DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4 };
enum { AVAIL_F_NO_INTERRUPT = 1 };

/* len bytes at addr lie in one RAM region (so phys_copy_* will not split). */
static int in_ram(struct mem_map *mem, uint64_t addr, uint64_t len)
{
    if (addr > 0xffffffffull || len > 0x100000000ull - addr)
        return 0;
    struct mem_region *r = mem_find(mem, (uint32_t)addr);
    return r && r->kind == MEM_RAM && len <= (uint64_t)r->size - ((uint32_t)addr - r->base);
}

static int rings_in_ram(struct mem_map *mem, const struct virtq *q)
{
    return q->size && in_ram(mem, q->desc, 16ull * q->size) &&
           in_ram(mem, q->avail, 6 + 2ull * q->size) && in_ram(mem, q->used, 6 + 8ull * q->size);
}

/* Only after rings_in_ram (or in_ram) said the bytes are RAM. */
static uint16_t rd16(struct mem_map *mem, uint64_t addr)
{
    uint8_t b[2];
    phys_copy_from(mem, b, (uint32_t)addr, 2);
    return (uint16_t)(b[0] | b[1] << 8);
}

static void wr16(struct mem_map *mem, uint64_t addr, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    phys_copy_to(mem, (uint32_t)addr, b, 2);
}

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static void read_desc(struct mem_map *mem, uint64_t table, unsigned i, struct desc *d)
{
    uint8_t e[16];
    phys_copy_from(mem, e, (uint32_t)(table + 16ull * i), 16);
    d->addr = 0;
    for (int k = 7; k >= 0; k--)
        d->addr = d->addr << 8 | e[k];
    d->len = e[8] | e[9] << 8 | e[10] << 16 | (uint32_t)e[11] << 24;
    d->flags = (uint16_t)(e[12] | e[13] << 8);
    d->next = (uint16_t)(e[14] | e[15] << 8);
}

static int broken(struct virtq *q)
{
    q->broken = 1;
    return -1;
}

int virtq_pop(struct mem_map *mem, struct virtq *q, uint64_t features, struct virtio_req *r)
{
    if (q->broken || !rings_in_ram(mem, q))
        return broken(q);
    uint16_t avail_idx = rd16(mem, q->avail + 2);
    uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
    if (pending > q->size)
        return broken(q); /* the driver claims more chains than the ring holds */
    if (!pending)
        return 0;
    uint16_t head = rd16(mem, q->avail + 4 + 2ull * (q->last_avail % q->size));
    if (head >= q->size)
        return broken(q);

    uint64_t table = q->desc;
    unsigned tsize = q->size, i = head, steps = 0;
    uint64_t out_len = 0, in_len = 0;
    r->head = head;
    r->nout = r->nin = 0;
    struct desc d;
    read_desc(mem, table, i, &d);
    if (d.flags & DESC_F_INDIRECT) {
        if ((d.flags & DESC_F_NEXT) || d.len == 0 || d.len % 16 ||
            d.len / 16 > VIRTIO_MAX_SEGS || !in_ram(mem, d.addr, d.len))
            return broken(q);
        table = d.addr;
        tsize = d.len / 16;
        i = 0;
        read_desc(mem, table, i, &d);
    }
    for (;;) {
        /* A chain longer than its table must revisit an entry: a loop. */
        if (++steps > tsize || r->nout + r->nin == VIRTIO_MAX_SEGS)
            return broken(q);
        if ((d.flags & DESC_F_INDIRECT) || d.len == 0 || !in_ram(mem, d.addr, d.len))
            return broken(q);
        struct virtio_seg *s = &r->seg[r->nout + r->nin];
        s->addr = (uint32_t)d.addr;
        s->len = d.len;
        if (d.flags & DESC_F_WRITE) {
            r->nin++;
            in_len += d.len;
        } else {
            if (r->nin)
                return broken(q); /* readable after writable (2.4.4.2) */
            r->nout++;
            out_len += d.len;
        }
        if (out_len > 0xffffffffu || in_len > 0xffffffffu)
            return broken(q);
        if (!(d.flags & DESC_F_NEXT))
            break;
        i = d.next;
        if (i >= tsize)
            return broken(q);
        read_desc(mem, table, i, &d);
    }
    r->out_len = (uint32_t)out_len;
    r->in_len = (uint32_t)in_len;
    q->last_avail++;
    if (features & (1ull << VIRTIO_F_RING_EVENT_IDX))
        wr16(mem, q->used + 4 + 8ull * q->size, q->last_avail);
    return 1;
}

int virtq_pending(struct mem_map *mem, const struct virtq *q)
{
    return !q->broken && rings_in_ram(mem, q) && rd16(mem, q->avail + 2) != q->last_avail;
}

int virtq_push(struct mem_map *mem, struct virtq *q, uint16_t head, uint32_t written)
{
    if (!rings_in_ram(mem, q))
        return broken(q);
    uint8_t e[8] = { (uint8_t)head, (uint8_t)(head >> 8), 0, 0,
                     (uint8_t)written, (uint8_t)(written >> 8), (uint8_t)(written >> 16),
                     (uint8_t)(written >> 24) };
    phys_copy_to(mem, (uint32_t)(q->used + 4 + 8ull * (q->used_idx % q->size)), e, 8);
    q->used_idx++;
    wr16(mem, q->used + 2, q->used_idx);
    return 0;
}

/* virtio 1.0, 2.4.7.2: whether new_idx has passed event since old. */
static int need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

int virtq_should_notify(struct mem_map *mem, struct virtq *q, uint64_t features)
{
    if (!rings_in_ram(mem, q))
        return 0;
    if (!(features & (1ull << VIRTIO_F_RING_EVENT_IDX))) {
        q->signalled_used = q->used_idx;
        return !(rd16(mem, q->avail) & AVAIL_F_NO_INTERRUPT);
    }
    int valid = q->signalled_valid;
    uint16_t old = q->signalled_used;
    q->signalled_valid = 1;
    q->signalled_used = q->used_idx;
    if (old == q->used_idx && valid)
        return 0;
    uint16_t event = rd16(mem, q->avail + 4 + 2ull * q->size);
    return !valid || need_event(event, q->used_idx, old);
}

/* Walk the segments [first, first + n) from byte off; copy len bytes. */
static uint32_t copy(struct mem_map *mem, const struct virtio_seg *seg, unsigned n, uint32_t off,
                     uint8_t *buf, uint32_t len, int to_guest)
{
    uint32_t done = 0;
    for (unsigned k = 0; k < n && done < len; k++) {
        if (off >= seg[k].len) {
            off -= seg[k].len;
            continue;
        }
        uint32_t c = seg[k].len - off;
        if (c > len - done)
            c = len - done;
        /* The segments were checked to be RAM when the chain was taken. */
        int rc = to_guest ? phys_copy_to(mem, seg[k].addr + off, buf + done, c)
                          : phys_copy_from(mem, buf + done, seg[k].addr + off, c);
        if (rc < 0)
            break;
        done += c;
        off = 0;
    }
    return done;
}

uint32_t virtq_copy_from(struct mem_map *mem, const struct virtio_req *r, uint32_t off,
                         void *buf, uint32_t len)
{
    return copy(mem, r->seg, r->nout, off, buf, len, 0);
}

uint32_t virtq_copy_to(struct mem_map *mem, const struct virtio_req *r, uint32_t off,
                       const void *buf, uint32_t len)
{
    return copy(mem, r->seg + r->nout, r->nin, off, (uint8_t *)buf, len, 1);
}
