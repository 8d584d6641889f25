/*
 * virtio_blk.c - virtio-blk on the virtio-pci transport.
 *
 * A request is a chain: a 16-byte readable header (type, reserved, sector),
 * the data (readable for OUT, writable for IN), and a writable status byte
 * at its very end.  Data moves through a 64 KiB bounce buffer, a sector
 * count at a time, so a request of any size costs no more host memory; a
 * length that is not whole sectors, or a range past the end of the disk,
 * is IOERR.  A chain too short to hold a header and a status byte has
 * nowhere to report an error: it is returned with nothing written.
 * Writes reach the image file as they happen (block_write); FLUSH makes
 * them durable (fdatasync), as does exit.
 */
#include "hw/virtio_blk.h"
#include "hw/virtio.h"
#include "block/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8 };
enum { S_OK = 0, S_IOERR = 1, S_UNSUPP = 2 };
enum { F_SEG_MAX = 2, F_RO = 5, F_BLK_SIZE = 6, F_FLUSH = 9 };

#define QUEUE_SIZE 256
#define ID_BYTES 20
#define BOUNCE (64 * 1024)

struct virtio_blk {
    struct virtio_pci *v;
    struct virtio_device_ops ops;
    struct block *disk;
    char serial[ID_BYTES + 1];
    struct virtio_req req;
    uint8_t buf[BOUNCE];
};

static uint32_t blk_config_read(void *opaque, uint32_t off, int size)
{
    struct virtio_blk *vb = opaque;
    uint8_t c[36] = { 0 };
    uint64_t cap = block_sectors(vb->disk);
    for (int i = 0; i < 8; i++)
        c[i] = (uint8_t)(cap >> (8 * i));
    c[12] = QUEUE_SIZE - 2; /* seg_max, as QEMU's */
    c[21] = BLOCK_SECTOR >> 8; /* blk_size */
    c[34] = 1;                 /* num_queues */
    uint32_t r = 0;
    for (int i = 0; i < size; i++)
        r |= (uint32_t)c[off + i] << (8 * i);
    return r;
}

/* Sectors [lba, lba + len / 512) of the disk, with len whole sectors. */
static int range_ok(struct virtio_blk *vb, uint64_t lba, uint32_t len)
{
    uint64_t n = block_sectors(vb->disk);
    return len % BLOCK_SECTOR == 0 && lba <= n && len / BLOCK_SECTOR <= n - lba;
}

static uint8_t do_in(struct virtio_blk *vb, const struct virtio_req *r, uint64_t lba,
                     uint32_t len)
{
    if (!range_ok(vb, lba, len))
        return S_IOERR;
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < BOUNCE ? len - done : BOUNCE;
        if (block_read(vb->disk, lba + done / BLOCK_SECTOR, vb->buf, n / BLOCK_SECTOR) < 0)
            return S_IOERR;
        virtio_req_to(vb->v, r, done, vb->buf, n);
        done += n;
    }
    return S_OK;
}

static uint8_t do_out(struct virtio_blk *vb, const struct virtio_req *r, uint64_t lba,
                      uint32_t len)
{
    if (!range_ok(vb, lba, len) || block_readonly(vb->disk))
        return S_IOERR;
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < BOUNCE ? len - done : BOUNCE;
        virtio_req_from(vb->v, r, 16 + done, vb->buf, n);
        if (block_write(vb->disk, lba + done / BLOCK_SECTOR, vb->buf, n / BLOCK_SECTOR) < 0)
            return S_IOERR;
        done += n;
    }
    return S_OK;
}

/* The request's status and the bytes written into its writable buffers. */
static uint32_t handle(struct virtio_blk *vb, const struct virtio_req *r)
{
    uint8_t h[16];
    if (r->out_len < sizeof(h) || r->in_len < 1)
        return 0;
    virtio_req_from(vb->v, r, 0, h, sizeof(h));
    uint32_t type = (h[0] | h[1] << 8 | h[2] << 16 | (uint32_t)h[3] << 24) & 0x7fffffffu;
    uint64_t lba = 0;
    for (int i = 15; i >= 8; i--)
        lba = lba << 8 | h[i];
    uint32_t status_at = r->in_len - 1, written = 1;
    uint8_t st;
    switch (type) {
    case T_IN:
        st = do_in(vb, r, lba, status_at);
        if (st == S_OK)
            written += status_at;
        break;
    case T_OUT:
        st = do_out(vb, r, lba, r->out_len - 16);
        break;
    case T_FLUSH:
        st = block_flush(vb->disk) < 0 ? S_IOERR : S_OK;
        break;
    case T_GET_ID: {
        /* The serial and its NUL, if they fit (QEMU's answer). */
        uint32_t n = (uint32_t)strlen(vb->serial) + 1;
        if (n > ID_BYTES)
            n = ID_BYTES;
        if (n > status_at)
            n = status_at;
        virtio_req_to(vb->v, r, 0, vb->serial, n);
        written += n;
        st = S_OK;
        break;
    }
    default:
        st = S_UNSUPP;
        break;
    }
    virtio_req_to(vb->v, r, status_at, &st, 1);
    return written;
}

static void blk_kick(void *opaque, int q)
{
    struct virtio_blk *vb = opaque;
    while (virtio_pop(vb->v, q, &vb->req) > 0)
        virtio_push(vb->v, q, &vb->req, handle(vb, &vb->req));
    virtio_notify(vb->v, q);
}

void virtio_blk_reset(struct virtio_blk *vb)
{
    virtio_pci_reset(vb->v);
}

void virtio_blk_set_disk(struct virtio_blk *vb, struct block *disk)
{
    vb->disk = disk;
}

struct virtio_blk *virtio_blk_create(struct pci_host *host, int devfn, struct block *disk,
                                     const char *serial, const struct virtio_wiring *w)
{
    struct virtio_blk *vb = calloc(1, sizeof(*vb));
    if (!vb)
        return NULL;
    vb->disk = disk;
    snprintf(vb->serial, sizeof(vb->serial), "%s", serial ? serial : "");
    vb->ops = (struct virtio_device_ops){
        .name = "virtio-blk",
        .device_type = VIRTIO_ID_BLOCK,
        .pci_class = 0x010000, /* mass storage, SCSI: what QEMU reports */
        .features = 1ull << F_SEG_MAX | 1ull << F_BLK_SIZE | 1ull << F_FLUSH |
                    (block_readonly(disk) ? 1ull << F_RO : 0),
        .nqueues = 1,
        .queue_size = QUEUE_SIZE,
        .config_size = 36,
        .config_read = blk_config_read,
        .kick = blk_kick,
    };
    vb->v = virtio_pci_create(host, devfn, &vb->ops, vb, w);
    if (!vb->v) {
        free(vb);
        return NULL;
    }
    return vb;
}
