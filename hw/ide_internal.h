/*
 * ide_internal.h - the state of an ATA channel and its drives, shared by
 * the ATA command set (hw/ide.c) and the ATAPI one (hw/ide_atapi.c).  Not
 * for other devices: the controller sees only hw/ide.h.
 */
#ifndef BT86_HW_IDE_INTERNAL_H
#define BT86_HW_IDE_INTERNAL_H

#include "block/image.h"
#include "hw/ide.h"

#include <stdint.h>

enum {
    ST_ERR = 0x01, ST_DRQ = 0x08, ST_DSC = 0x10, ST_DRDY = 0x40, ST_BSY = 0x80,
    ER_ABRT = 0x04, ER_IDNF = 0x10, ER_UNC = 0x40,
    DC_NIEN = 0x02, DC_SRST = 0x04, DC_HOB = 0x80,
    SEL_LBA = 0x40, SEL_DEV = 0x10,
};

#define MAX_MULT 16
#define BUF_BYTES (MAX_MULT * BLOCK_SECTOR)
#define DMA_CHUNK 128 /* sectors per trip through the bus master */
#define CD_BLOCK 2048

enum xfer {
    X_NONE, X_PIO_IN, X_PIO_OUT, X_DMA_IN, X_DMA_OUT,
    X_PACKET,    /* ATAPI: the host writes the command packet */
    X_ATAPI_IN,  /* ATAPI: data to the host by PIO */
    X_ATAPI_DMA, /* ATAPI: data to the host when the bus master runs */
};

struct ide_drive {
    struct block *blk; /* NULL: nothing here */
    int cdrom;         /* an ATAPI CD-ROM (read-only, 2048-byte blocks) */
    uint64_t sectors;  /* 512-byte sectors of the image */
    unsigned cyls, heads, spt;
    uint16_t id[256];
    unsigned mult; /* sectors per DRQ block of READ/WRITE MULTIPLE; 0: off */
    uint8_t status, error;
    uint8_t sense_key, asc; /* ATAPI: what REQUEST SENSE reports */
};

struct ide_channel {
    struct ide_drive drive[2];
    uint8_t feature, nsector, sector, lcyl, hcyl;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t select, ctl;
    int pending; /* INTRQ before nIEN */
    int irq_level;
    void (*irq)(void *opaque, int level);
    void *opaque;
    /* The command in progress. */
    enum xfer xfer;
    uint64_t lba;
    uint32_t remaining; /* sectors (ATAPI: CD blocks still to read) */
    unsigned per_block; /* sectors per DRQ block */
    unsigned pos, end;  /* bytes of buf the guest has moved, and where this DRQ block ends */
    int identify;       /* the block is IDENTIFY data, not sectors */
    int lba48;          /* the command's addressing, for the registers it leaves */
    /* ATAPI */
    uint8_t packet[12];
    unsigned limit;     /* the host's byte count limit per DRQ block */
    unsigned chunk;     /* bytes of buf holding reply data */
    uint8_t buf[DMA_CHUNK * BLOCK_SECTOR];
};

struct ide_drive *ide_cur(struct ide_channel *ch);
void ide_update_irq(struct ide_channel *ch);
void ide_raise_irq(struct ide_channel *ch);

/* hw/ide_atapi.c */
void atapi_identify_build(struct ide_drive *d, const char *serial);
void atapi_set_signature(struct ide_channel *ch);
/* An ATA command written to a CD-ROM's command register. */
void atapi_execute(struct ide_channel *ch, uint8_t cmd);
/* The host moved the bytes of the DRQ block (packet or data). */
void atapi_drq_done(struct ide_channel *ch);
int atapi_dma_run(struct ide_channel *ch, ide_xfer_fn xfer, void *opaque);

#endif
