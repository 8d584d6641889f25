/*
 * test_virtio_queue.c - the device side of a split virtqueue given what a
 * broken or hostile driver writes: chains that loop or leave their table,
 * buffers past the end of RAM, across it, in MMIO or above 4 GiB, nested
 * or malformed indirect tables, a readable buffer after a writable one,
 * chains longer than VIRTIO_MAX_SEGS, an avail index that runs ahead of
 * the ring.  Each is refused (-1) and the queue stays broken; good chains
 * come back with the right segments, copies stop at their ends, and the
 * used ring and EVENT_IDX interrupts follow virtio 1.0, 2.4.
 * Exits 0 when every check passes.
 */
#include "hw/virtio_queue.h"
#include "softmmu/memory.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* memory.c tells the SMC tracker about writes; nothing is translated here. */
void smc_notify_write(uint32_t paddr, int size)
{
    (void)paddr;
    (void)size;
}

void smc_notify_write_range(uint32_t paddr, uint32_t len)
{
    (void)paddr;
    (void)len;
}

#define RAM_SIZE 0x100000u
#define MMIO_BASE 0x200000u
#define DESC 0x10000u
#define AVAIL 0x20000u
#define USED 0x30000u
#define IND 0x40000u

static struct mem_map mem;
static uint8_t ram[RAM_SIZE];
static struct virtq q;
static struct virtio_req req;
static int mmio_accesses;

static uint32_t mmio_read(void *opaque, uint32_t off, int size)
{
    (void)opaque, (void)off, (void)size;
    mmio_accesses++;
    return 0;
}

static void mmio_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    (void)opaque, (void)off, (void)v, (void)size;
    mmio_accesses++;
}

static const struct mem_ops mmio_ops = { mmio_read, mmio_write };

static void put16(uint32_t a, uint16_t v)
{
    ram[a] = (uint8_t)v;
    ram[a + 1] = (uint8_t)(v >> 8);
}

static uint16_t get16(uint32_t a)
{
    return (uint16_t)(ram[a] | ram[a + 1] << 8);
}

static uint32_t get32(uint32_t a)
{
    return ram[a] | ram[a + 1] << 8 | ram[a + 2] << 16 | (uint32_t)ram[a + 3] << 24;
}

static void desc(uint32_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    uint8_t *e = ram + table + 16 * i;
    for (int k = 0; k < 8; k++)
        e[k] = (uint8_t)(addr >> (8 * k));
    for (int k = 0; k < 4; k++)
        e[8 + k] = (uint8_t)(len >> (8 * k));
    e[12] = (uint8_t)flags;
    e[13] = (uint8_t)(flags >> 8);
    e[14] = (uint8_t)next;
    e[15] = (uint8_t)(next >> 8);
}

enum { NEXT = 1, WRITE = 2, INDIRECT = 4 };
#define EVENT_IDX (1ull << VIRTIO_F_RING_EVENT_IDX)

static void fresh(uint16_t size)
{
    memset(ram, 0, sizeof(ram));
    q = (struct virtq){ .size = size, .enabled = 1, .desc = DESC, .avail = AVAIL, .used = USED };
}

/* Offer the chain at head as the next avail entry. */
static void offer(uint16_t head)
{
    uint16_t idx = get16(AVAIL + 2);
    put16(AVAIL + 4 + 2 * (idx % q.size), head);
    put16(AVAIL + 2, (uint16_t)(idx + 1));
}

/* A chain that must be refused, and the queue broken after it. */
static void refused(const char *what)
{
    int rc = virtq_pop(&mem, &q, 0, &req);
    if (rc != -1 || !q.broken)
        fprintf(stderr, "refused: %s\n", what);
    CHECK_EQ(rc, -1);
    CHECK(q.broken);
    CHECK_EQ(virtq_pop(&mem, &q, 0, &req), -1);
    CHECK_EQ(virtq_pending(&mem, &q), 0); /* a broken queue offers nothing */
}

int main(void)
{
    mem_init(&mem, NULL);
    mem_add_ram(&mem, 0, RAM_SIZE, ram, "ram");
    mem_add_mmio(&mem, MMIO_BASE, 0x1000, &mmio_ops, NULL, "mmio");

    /* A good chain: header out, data in (two buffers), status in. */
    fresh(16);
    CHECK_EQ(virtq_pop(&mem, &q, 0, &req), 0); /* nothing offered */
    CHECK_EQ(virtq_pending(&mem, &q), 0);
    desc(DESC, 3, 0x50000, 16, NEXT, 7);
    desc(DESC, 7, 0x51000, 1000, NEXT | WRITE, 2);
    desc(DESC, 2, 0x52000, 24, NEXT | WRITE, 9);
    desc(DESC, 9, 0x53000, 1, WRITE, 0);
    offer(3);
    CHECK_EQ(virtq_pending(&mem, &q), 1);
    CHECK_EQ(virtq_pop(&mem, &q, EVENT_IDX, &req), 1);
    CHECK_EQ(virtq_pending(&mem, &q), 0);
    CHECK_EQ(req.head, 3);
    CHECK_EQ(req.nout, 1);
    CHECK_EQ(req.nin, 3);
    CHECK_EQ(req.out_len, 16);
    CHECK_EQ(req.in_len, 1025);
    CHECK_EQ(req.seg[1].addr, 0x51000);
    CHECK_EQ(get16(USED + 4 + 8 * 16), 1); /* avail_event: kick for the next one */
    /* Copies: from byte 990 of the writable part, across into the second buffer. */
    uint8_t buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(i + 1);
    CHECK_EQ(virtq_copy_to(&mem, &req, 990, buf, 64), 35); /* 10 + 24 + 1: then the end */
    CHECK_EQ(ram[0x51000 + 990], 1);
    CHECK_EQ(ram[0x51000 + 999], 10);
    CHECK_EQ(ram[0x52000], 11);
    CHECK_EQ(ram[0x53000], 35);
    CHECK_EQ(ram[0x53001], 0);
    CHECK_EQ(virtq_copy_from(&mem, &req, 10, buf, 64), 6);
    /* The used ring, and EVENT_IDX: the first interrupt, then only past used_event. */
    CHECK_EQ(virtq_push(&mem, &q, req.head, 1025), 0);
    CHECK_EQ(get16(USED + 2), 1);
    CHECK_EQ(get32(USED + 4), 3);
    CHECK_EQ(get32(USED + 8), 1025);
    CHECK_EQ(virtq_should_notify(&mem, &q, EVENT_IDX), 1);
    virtq_push(&mem, &q, 3, 0);
    put16(AVAIL + 4 + 2 * 16, 5); /* used_event: not before the 6th */
    CHECK_EQ(virtq_should_notify(&mem, &q, EVENT_IDX), 0);
    put16(AVAIL + 4 + 2 * 16, 1); /* entry 1 was used before the last decision */
    virtq_push(&mem, &q, 3, 0);
    CHECK_EQ(virtq_should_notify(&mem, &q, EVENT_IDX), 0);
    put16(AVAIL + 4 + 2 * 16, 3); /* the 4th entry: the next push */
    virtq_push(&mem, &q, 3, 0);
    CHECK_EQ(virtq_should_notify(&mem, &q, EVENT_IDX), 1);
    /* Without EVENT_IDX: NO_INTERRUPT in avail.flags. */
    put16(AVAIL, 1);
    CHECK_EQ(virtq_should_notify(&mem, &q, 0), 0);
    put16(AVAIL, 0);
    CHECK_EQ(virtq_should_notify(&mem, &q, 0), 1);

    /* Loops: 0 -> 1 -> 0, and a descriptor naming itself. */
    fresh(16);
    desc(DESC, 0, 0x50000, 16, NEXT, 1);
    desc(DESC, 1, 0x50100, 16, NEXT, 0);
    offer(0);
    refused("loop of two");
    fresh(16);
    desc(DESC, 4, 0x50000, 16, NEXT, 4);
    offer(4);
    refused("self loop");
    /* Leaving the table: next and head past the queue size. */
    fresh(16);
    desc(DESC, 0, 0x50000, 16, NEXT, 16);
    offer(0);
    refused("next past the table");
    fresh(16);
    offer(16);
    refused("head past the table");
    /* The avail index running more than a ring ahead. */
    fresh(16);
    desc(DESC, 0, 0x50000, 16, 0, 0);
    put16(AVAIL + 2, 17);
    refused("avail idx 17 ahead in a ring of 16");

    /* Buffers: past RAM, across its end, in MMIO, above 4 GiB, wrapping, empty. */
    static const struct {
        uint64_t addr;
        uint32_t len;
        const char *what;
    } bad[] = {
        { RAM_SIZE, 16, "just past RAM" },
        { RAM_SIZE - 8, 16, "across the end of RAM" },
        { MMIO_BASE, 16, "in MMIO" },
        { 0x100000000ull, 16, "above 4 GiB" },
        { 0xffffffffull, 2, "wrapping at 4 GiB" },
        { 0xfffffffffffffff0ull, 0x20, "wrapping at 2^64" },
        { 0x50000, 0, "zero length" },
        { 0x1000, 0xffffffffu, "4 GiB long" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fresh(16);
        desc(DESC, 0, 0x50000, 16, NEXT, 1);
        desc(DESC, 1, bad[i].addr, bad[i].len, WRITE, 0);
        offer(0);
        refused(bad[i].what);
    }
    CHECK_EQ(mmio_accesses, 0);
    /* A readable buffer after a writable one (virtio 1.0, 2.4.4.2). */
    fresh(16);
    desc(DESC, 0, 0x50000, 16, WRITE | NEXT, 1);
    desc(DESC, 1, 0x50100, 16, 0, 0);
    offer(0);
    refused("readable after writable");
    /* Rings outside RAM. */
    fresh(16);
    q.used = RAM_SIZE - 8;
    refused("used ring across the end of RAM");
    fresh(16);
    q.desc = MMIO_BASE;
    refused("descriptor table in MMIO");

    /* Indirect tables. */
    fresh(16);
    desc(IND, 0, 0x50000, 16, NEXT, 1);
    desc(IND, 1, 0x51000, 512, NEXT | WRITE, 2);
    desc(IND, 2, 0x52000, 1, WRITE, 0);
    desc(DESC, 5, IND, 3 * 16, INDIRECT, 0);
    offer(5);
    CHECK_EQ(virtq_pop(&mem, &q, 0, &req), 1);
    CHECK_EQ(req.head, 5);
    CHECK_EQ(req.nout + req.nin, 3);
    CHECK_EQ(req.in_len, 513);
    static const struct {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        const char *what;
    } badind[] = {
        { IND, 3 * 16, INDIRECT | NEXT, "indirect with next" },
        { IND, 3 * 16 + 8, INDIRECT, "a table of 3.5 entries" },
        { IND, 0, INDIRECT, "an empty table" },
        { RAM_SIZE - 16, 32, INDIRECT, "a table across the end of RAM" },
        { IND, 16 * (VIRTIO_MAX_SEGS + 1), INDIRECT, "a table longer than VIRTIO_MAX_SEGS" },
    };
    for (size_t i = 0; i < sizeof(badind) / sizeof(badind[0]); i++) {
        fresh(16);
        desc(IND, 0, 0x50000, 16, NEXT, 1);
        desc(IND, 1, 0x52000, 1, WRITE, 0);
        desc(DESC, 0, badind[i].addr, badind[i].len, badind[i].flags, 1);
        offer(0);
        refused(badind[i].what);
    }
    fresh(16);
    desc(IND, 0, 0x50000, 16, NEXT, 1);
    desc(IND, 1, IND, 32, INDIRECT, 0);
    desc(DESC, 0, IND, 32, INDIRECT, 0);
    offer(0);
    refused("a nested indirect table");
    fresh(16);
    desc(IND, 0, 0x50000, 16, NEXT, 1);
    desc(IND, 1, 0x50100, 16, NEXT, 0);
    desc(DESC, 0, IND, 32, INDIRECT, 0);
    offer(0);
    refused("a loop in an indirect table");
    fresh(16);
    desc(DESC, 0, 0x50000, 16, NEXT, 1);
    desc(DESC, 1, IND, 32, INDIRECT, 0);
    offer(0);
    refused("an indirect table after the head");

    /* The longest chains: a whole queue of VIRTIO_QUEUE_MAX, and a full indirect table. */
    fresh(VIRTIO_QUEUE_MAX);
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++)
        desc(DESC, i, 0x80000 + i, 1, i + 1 < VIRTIO_QUEUE_MAX ? NEXT : 0, (uint16_t)(i + 1));
    offer(0);
    CHECK_EQ(virtq_pop(&mem, &q, 0, &req), 1);
    CHECK_EQ(req.nout, VIRTIO_QUEUE_MAX);
    CHECK_EQ(req.out_len, VIRTIO_QUEUE_MAX);
    fresh(16);
    for (unsigned i = 0; i < VIRTIO_MAX_SEGS; i++)
        desc(IND, i, 0x90000 + i, 1, i + 1 < VIRTIO_MAX_SEGS ? NEXT : 0, (uint16_t)(i + 1));
    desc(DESC, 0, IND, 16 * VIRTIO_MAX_SEGS, INDIRECT, 0);
    offer(0);
    CHECK_EQ(virtq_pop(&mem, &q, 0, &req), 1);
    CHECK_EQ(req.nout, VIRTIO_MAX_SEGS);
    /* The same table, its last entry pointing back to the first: a loop. */
    fresh(16);
    for (unsigned i = 0; i < VIRTIO_MAX_SEGS; i++)
        desc(IND, i, 0x90000 + i, 1, NEXT, (uint16_t)((i + 1) % VIRTIO_MAX_SEGS));
    desc(DESC, 0, IND, 16 * VIRTIO_MAX_SEGS, INDIRECT, 0);
    offer(0);
    refused("a loop through a full indirect table");

    return check_done("test_virtio_queue");
}
