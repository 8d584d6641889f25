/*
 * fw_cfg.c - the firmware configuration device: a table of items by key,
 * a byte-wide data port, and the DMA interface that copies a whole item
 * into guest memory with one write.
 *
 * Keys are 14 bits plus the architecture bit (0x8000); the write-channel
 * bit (0x4000) is ignored since nothing here is writable.  The file
 * directory is rebuilt on every add: files keep the order of their names,
 * and their keys follow that order from FW_CFG_FILE_FIRST, as in QEMU.
 */
#include "hw/fw_cfg.h"

#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MASK 0x3fff
#define NKEYS (FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)

/* FWCfgDmaAccess.control */
#define DMA_ERROR 0x01u
#define DMA_READ 0x02u
#define DMA_SKIP 0x04u
#define DMA_SELECT 0x08u
#define DMA_WRITE 0x10u

#define DMA_SIGNATURE 0x51454d5520434647ull /* "QEMU CFG" */

struct item {
    uint8_t *data;
    uint32_t len;
};

struct file {
    char name[FW_CFG_NAME_LEN];
    struct item item;
};

struct fw_cfg {
    struct mem_map *mem; /* where DMA reads and writes guest memory */
    struct item items[2][NKEYS]; /* generic, then architecture-local */
    struct file files[FW_CFG_MAX_FILES];
    int nfiles;
    uint16_t key;
    int valid;
    uint32_t offset;
    uint64_t dma_addr;
};

static struct item *item_at(struct fw_cfg *f, uint16_t key)
{
    int arch = (key & FW_CFG_ARCH_LOCAL) != 0;
    key &= KEY_MASK;
    return key < NKEYS ? &f->items[arch][key] : NULL;
}

static void set_item(struct item *it, const void *data, size_t len)
{
    uint8_t *copy = len ? malloc(len) : NULL;
    if (len && !copy) {
        fprintf(stderr, "bt86: out of memory for fw_cfg\n");
        exit(1);
    }
    if (len)
        memcpy(copy, data, len);
    free(it->data);
    it->data = copy;
    it->len = (uint32_t)len;
}

void fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, size_t len)
{
    struct item *it = item_at(f, key);
    if (it)
        set_item(it, data, len);
}

void fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    fw_cfg_add_bytes(f, key, b, sizeof(b));
}

void fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> 8 * i);
    fw_cfg_add_bytes(f, key, b, sizeof(b));
}

void fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> 8 * i);
    fw_cfg_add_bytes(f, key, b, sizeof(b));
}

static void put_be(uint8_t *p, uint32_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> 8 * (n - 1 - i));
}

/* The directory (big-endian count, then size, key, reserved, name per file)
 * and the files' keys, in name order. */
static void rebuild_dir(struct fw_cfg *f)
{
    uint8_t dir[4 + FW_CFG_MAX_FILES * 64];
    memset(dir, 0, sizeof(dir));
    put_be(dir, (uint32_t)f->nfiles, 4);
    for (int i = 0; i < f->nfiles; i++) {
        uint8_t *e = dir + 4 + 64 * i;
        put_be(e, f->files[i].item.len, 4);
        put_be(e + 4, FW_CFG_FILE_FIRST + i, 2);
        memcpy(e + 8, f->files[i].name, FW_CFG_NAME_LEN);
        f->items[0][FW_CFG_FILE_FIRST + i] = f->files[i].item;
    }
    /* The file items share their data with files[]: only the directory is a copy. */
    set_item(&f->items[0][FW_CFG_FILE_DIR], dir, 4 + 64 * (size_t)f->nfiles);
}

int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, size_t len)
{
    int i;
    for (i = 0; i < f->nfiles; i++)
        if (!strncmp(f->files[i].name, name, FW_CFG_NAME_LEN))
            break;
    if (i == f->nfiles) {
        if (f->nfiles == FW_CFG_MAX_FILES)
            return -1;
        int at = 0;
        while (at < f->nfiles && strncmp(f->files[at].name, name, FW_CFG_NAME_LEN) < 0)
            at++;
        memmove(&f->files[at + 1], &f->files[at], (size_t)(f->nfiles - at) * sizeof(f->files[0]));
        memset(&f->files[at], 0, sizeof(f->files[at]));
        strncpy(f->files[at].name, name, FW_CFG_NAME_LEN - 1);
        f->nfiles++;
        i = at;
    }
    set_item(&f->files[i].item, data, len);
    rebuild_dir(f);
    return FW_CFG_FILE_FIRST + i;
}

static void select_key(struct fw_cfg *f, uint16_t key)
{
    struct item *it = item_at(f, key);
    f->key = key;
    f->valid = it && it->data;
    f->offset = 0;
}

static uint8_t data_byte(struct fw_cfg *f)
{
    struct item *it = item_at(f, f->key);
    if (!f->valid || f->offset >= it->len)
        return 0;
    return it->data[f->offset++];
}

static uint32_t port_read(void *opaque, uint32_t off, int size)
{
    struct fw_cfg *f = opaque;
    (void)off;
    /* QEMU reads a byte at either port; wider reads are not decoded. */
    if (size != 1)
        return size == 2 ? 0xffff : 0xffffffffu;
    return data_byte(f);
}

static void port_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct fw_cfg *f = opaque;
    /* A 16-bit write at 0x510 selects; data writes are ignored, as QEMU has done since 2.4. */
    if (off == 0 && size == 2)
        select_key(f, (uint16_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void dma_run(struct fw_cfg *f)
{
    uint64_t addr = f->dma_addr;
    uint8_t req[16];
    f->dma_addr = 0;
    if (addr > 0xffffffffull - 16 || phys_copy_from(f->mem, req, (uint32_t)addr, 16) < 0)
        return; /* nowhere to report the error */
    uint32_t control = get_be32(req), len = get_be32(req + 4);
    uint64_t dst = (uint64_t)get_be32(req + 8) << 32 | get_be32(req + 12);
    uint32_t status = 0;
    if (control & DMA_SELECT)
        select_key(f, (uint16_t)(control >> 16));
    int read = (control & DMA_READ) != 0, write = !read && (control & DMA_WRITE);
    if (!read && !write && !(control & DMA_SKIP))
        len = 0;
    if (write && len)
        status |= DMA_ERROR; /* no item is writable */
    struct item *it = item_at(f, f->key);
    while (len && !(status & DMA_ERROR)) {
        uint32_t n = len;
        const uint8_t *src = NULL;
        if (f->valid && f->offset < it->len) {
            if (n > it->len - f->offset)
                n = it->len - f->offset;
            src = it->data + f->offset;
            f->offset += n;
        }
        if (read) {
            if (dst + n > 0x100000000ull) {
                status |= DMA_ERROR;
                break;
            }
            int r;
            if (src) {
                r = phys_copy_to(f->mem, (uint32_t)dst, src, n);
            } else {
                uint8_t zero[256] = { 0 };
                r = 0;
                for (uint32_t done = 0; done < n && !r; done += sizeof(zero))
                    r = phys_copy_to(f->mem, (uint32_t)dst + done, zero,
                                     n - done < sizeof(zero) ? n - done : (uint32_t)sizeof(zero));
            }
            if (r < 0)
                status |= DMA_ERROR;
        }
        dst += n;
        len -= n;
    }
    uint8_t out[4];
    put_be(out, status, 4);
    phys_copy_to(f->mem, (uint32_t)addr, out, 4);
}

static uint32_t dma_read(void *opaque, uint32_t off, int size)
{
    (void)opaque;
    /* The signature, big-endian, whatever the width: "QEMU CFG" at 0x514. */
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        uint32_t o = off + (uint32_t)i;
        uint8_t b = o < 8 ? (uint8_t)(DMA_SIGNATURE >> 8 * (7 - o)) : 0xff;
        v |= (uint32_t)b << 8 * i;
    }
    return v;
}

static uint32_t bswap32(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

static void dma_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct fw_cfg *f = opaque;
    if (size != 4)
        return;
    if (off == 0) {
        f->dma_addr = (uint64_t)bswap32(v) << 32 | (f->dma_addr & 0xffffffffu);
    } else if (off == 4) {
        f->dma_addr = (f->dma_addr & ~0xffffffffull) | bswap32(v);
        dma_run(f);
    }
}

void fw_cfg_reset(struct fw_cfg *f)
{
    select_key(f, FW_CFG_SIGNATURE);
    f->dma_addr = 0;
}

struct fw_cfg *fw_cfg_create(struct ioports *io, struct mem_map *mem)
{
    struct fw_cfg *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->mem = mem;
    fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(f, FW_CFG_ID, 3); /* traditional and DMA */
    rebuild_dir(f);
    ioport_register(io, FW_CFG_PORT_SEL, 2, port_read, port_write, f, "fw_cfg");
    ioport_register(io, FW_CFG_PORT_DMA, 8, dma_read, dma_write, f, "fw_cfg-dma");
    fw_cfg_reset(f);
    return f;
}
