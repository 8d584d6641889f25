/*
 * test_fw_cfg.c - QEMU's fw_cfg through its ports, as QEMU 7.2 answers
 * (guests/acpi checked the same reads against qemu-system-i386): the
 * signature and ID, little-endian items, zeros past an item's end and for
 * keys no one added, the selector rewinding, the file directory sorted by
 * name with big-endian fields, and the DMA interface (select, read, skip,
 * the zero fill, the error bit for a write and for a target outside RAM).
 * Exits 0 when every check passes.
 */
#include "hw/fw_cfg.h"
#include "softmmu/ioport.h"
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

static struct ioports io;
static struct mem_map mem;
static uint8_t ram[0x10000];

static void sel(uint16_t key)
{
    ioport_write(&io, 0x510, key, 2);
}

static uint8_t data(void)
{
    return (uint8_t)ioport_read(&io, 0x511, 1);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A DMA request at 0x100 for len bytes to dst; the control word it leaves. */
static uint32_t dma(uint32_t control, uint32_t len, uint32_t dst)
{
    uint8_t *req = ram + 0x100;
    put_be32(req, control);
    put_be32(req + 4, len);
    put_be32(req + 8, 0);
    put_be32(req + 12, dst);
    ioport_write(&io, 0x514, 0, 4);
    ioport_write(&io, 0x518, 0x00010000u, 4); /* 0x100, big-endian */
    return be32(req);
}

int main(void)
{
    ioport_init(&io);
    mem_init(&mem, NULL);
    mem_add_ram(&mem, 0, sizeof(ram), ram, "ram");
    struct fw_cfg *f = fw_cfg_create(&io, &mem);
    fw_cfg_add_i16(f, FW_CFG_NB_CPUS, 3);
    fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, 0x123456789abull);
    CHECK_EQ(fw_cfg_add_file(f, "etc/zz", "zz", 2), 0x20);
    CHECK_EQ(fw_cfg_add_file(f, "etc/aa", "abcdef", 6), 0x20); /* sorts first */
    fw_cfg_add_file(f, "etc/zz", "ZZZ", 3);                    /* replaces, keeps the key */

    sel(0);
    char sig[5] = { 0 };
    for (int i = 0; i < 4; i++)
        sig[i] = (char)data();
    CHECK(!strcmp(sig, "QEMU"));
    CHECK_EQ(data(), 0); /* past the end */
    sel(0);
    CHECK_EQ(ioport_read(&io, 0x510, 1), 'Q'); /* a byte read at the selector reads data */
    sel(1);
    CHECK_EQ(data(), 3); /* traditional and DMA */
    sel(FW_CFG_NB_CPUS);
    CHECK_EQ(data(), 3);
    CHECK_EQ(data(), 0);
    sel(FW_CFG_RAM_SIZE);
    uint64_t rs = 0;
    for (int i = 0; i < 8; i++)
        rs |= (uint64_t)data() << 8 * i;
    CHECK_EQ(rs, 0x123456789abull);
    sel(0x1a); /* no item */
    CHECK_EQ(data(), 0);
    sel(0x7fff);
    CHECK_EQ(data(), 0);
    ioport_write(&io, 0x511, 0x55, 1); /* data writes are ignored */
    sel(FW_CFG_NB_CPUS);
    CHECK_EQ(data(), 3);

    sel(FW_CFG_FILE_DIR);
    uint8_t dir[4 + 2 * 64];
    for (size_t i = 0; i < sizeof(dir); i++)
        dir[i] = data();
    CHECK_EQ(be32(dir), 2);
    CHECK_EQ(be32(dir + 4), 6);
    CHECK_EQ(dir[8] << 8 | dir[9], 0x20);
    CHECK(!strcmp((char *)dir + 12, "etc/aa"));
    CHECK_EQ(be32(dir + 68), 3);
    CHECK_EQ(dir[72] << 8 | dir[73], 0x21);
    CHECK(!strcmp((char *)dir + 76, "etc/zz"));
    sel(0x21);
    CHECK_EQ(data(), 'Z');

    /* DMA: the signature port, then transfers. */
    CHECK_EQ(ioport_read(&io, 0x514, 4), 0x554d4551u); /* "QEMU" */
    CHECK_EQ(ioport_read(&io, 0x518, 4), 0x47464320u); /* " CFG" */
    memset(ram + 0x200, 0xaa, 16);
    CHECK_EQ(dma(0x20u << 16 | 0x08 | 0x02, 8, 0x200), 0); /* select etc/aa, read 8 */
    CHECK(!memcmp(ram + 0x200, "abcdef\0\0", 8));           /* zero-filled past the end */
    CHECK_EQ(ram[0x208], 0xaa);
    CHECK_EQ(dma(0x20u << 16 | 0x08 | 0x04, 2, 0), 0); /* select, skip 2 */
    CHECK_EQ(dma(0x02, 2, 0x300), 0);                  /* read on from there */
    CHECK(!memcmp(ram + 0x300, "cd", 2));
    CHECK_EQ(data(), 'e'); /* the port reads on from where DMA left it */
    CHECK_EQ(dma(0x01u << 16 | 0x08 | 0x10, 4, 0x300), 1); /* write: error */
    CHECK_EQ(dma(0x02, 4, 0xfffe), 1);                    /* past RAM: error */
    CHECK_EQ(dma(0, 4, 0x300), 0);                        /* no operation */

    fw_cfg_reset(f);
    CHECK_EQ(data(), 'Q'); /* the signature is selected at reset */
    return check_done("test_fw_cfg");
}
