/*
 * ide.c - ATA hard disks on a channel: the task file, the PIO and DMA data
 * protocols, and the commands an OS and a BIOS use.
 *
 * Register semantics follow ATA/ATAPI-6: writes to the command block go to
 * both drives' task files (one shared copy here, plus the previous value of
 * each LBA48 register for HOB reads); status and error belong to the
 * selected drive; reading status acknowledges INTRQ, the alternate status
 * does not; nIEN masks INTRQ; SRST resets both drives and leaves the
 * diagnostic signature.  Where ATA leaves a choice, bt86 answers as QEMU's
 * IDE does (so the same guest prints the same on both): a sector range past
 * the end of the disk aborts (ABRT), and the IDENTIFY layout and the
 * default geometry (16 heads, 63 sectors) are QEMU's.
 */
#include "hw/ide.h"
#include "hw/ide_internal.h"

#include <stdlib.h>
#include <string.h>

struct ide_drive *ide_cur(struct ide_channel *ch)
{
    return &ch->drive[ch->select & SEL_DEV ? 1 : 0];
}

void ide_update_irq(struct ide_channel *ch)
{
    int level = ch->pending && !(ch->ctl & DC_NIEN);
    if (level != ch->irq_level) {
        ch->irq_level = level;
        ch->irq(ch->opaque, level);
    }
}

void ide_raise_irq(struct ide_channel *ch)
{
    ch->pending = 1;
    ide_update_irq(ch);
}

static void put_string(uint16_t *w, const char *s, int words)
{
    for (int i = 0; i < words; i++) {
        char a = *s ? *s++ : ' ';
        char b = *s ? *s++ : ' ';
        w[i] = (uint16_t)((uint8_t)a << 8 | (uint8_t)b);
    }
}

static void identify_build(struct ide_drive *d, const char *serial)
{
    uint16_t *w = d->id;
    memset(w, 0, sizeof(d->id));
    uint64_t chs = (uint64_t)d->cyls * d->heads * d->spt;
    uint32_t lba28 = d->sectors > 0x0fffffff ? 0x0fffffff : (uint32_t)d->sectors;
    w[0] = 0x0040; /* fixed disk */
    w[1] = (uint16_t)d->cyls;
    w[3] = (uint16_t)d->heads;
    w[4] = (uint16_t)(BLOCK_SECTOR * d->spt);
    w[5] = BLOCK_SECTOR;
    w[6] = (uint16_t)d->spt;
    put_string(w + 10, serial, 10);
    w[20] = 3; /* buffer type, as old drives report it */
    w[21] = BUF_BYTES / BLOCK_SECTOR;
    put_string(w + 23, "1.0", 4);
    put_string(w + 27, "BT86 HARDDISK", 20);
    w[47] = 0x8000 | MAX_MULT;
    w[49] = 0x0b00; /* LBA, DMA, IORDY */
    w[51] = 0x0200; /* PIO timing mode 2 */
    w[52] = 0x0200;
    w[53] = 0x0007; /* words 54-58, 64-70 and 88 are valid */
    w[54] = (uint16_t)d->cyls;
    w[55] = (uint16_t)d->heads;
    w[56] = (uint16_t)d->spt;
    w[57] = (uint16_t)chs;
    w[58] = (uint16_t)(chs >> 16);
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[62] = 0x07;
    w[63] = 0x07;
    w[64] = 0x03; /* PIO 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x00f0; /* ATA/ATAPI-4 to -7 */
    w[81] = 0x16;
    w[82] = 0x4021; /* write cache, SMART */
    w[83] = 0x7400; /* FLUSH CACHE EXT, FLUSH CACHE, LBA48 */
    w[84] = 0x4000;
    w[85] = 0x4021;
    w[86] = 0x3400;
    w[87] = 0x4000;
    w[88] = 0x203f; /* UDMA 0-5, mode 5 selected */
    w[93] = 0x6001; /* hardware reset result: device 0, passed */
    for (int i = 0; i < 4; i++)
        w[100 + i] = (uint16_t)(d->sectors >> (16 * i));
}

void ide_attach_disk(struct ide_channel *ch, int unit, struct block *blk, const char *serial)
{
    struct ide_drive *d = &ch->drive[unit & 1];
    d->blk = blk;
    d->sectors = block_sectors(blk);
    d->heads = 16;
    d->spt = 63;
    uint64_t c = d->sectors / (16 * 63);
    d->cyls = c > 16383 ? 16383 : c < 1 ? 1 : (unsigned)c;
    identify_build(d, serial);
    d->status = ST_DRDY | ST_DSC;
    d->error = 0x01;
    d->mult = MAX_MULT;
    d->id[59] = 0x0100 | MAX_MULT;
}

void ide_attach_cdrom(struct ide_channel *ch, int unit, struct block *blk, const char *serial)
{
    struct ide_drive *d = &ch->drive[unit & 1];
    memset(d, 0, sizeof(*d));
    d->blk = blk;
    d->cdrom = 1;
    d->sectors = block_sectors(blk);
    atapi_identify_build(d, serial);
    d->error = 0x01;
    if (((ch->select & SEL_DEV) != 0) == (unit & 1))
        atapi_set_signature(ch);
}

/* The signature a reset or diagnostic leaves: an ATA device. */
static void set_signature(struct ide_channel *ch)
{
    ch->select &= SEL_DEV;
    ch->select |= 0xa0;
    ch->nsector = ch->sector = 1;
    ch->lcyl = ch->hcyl = 0;
    ch->hob_nsector = ch->hob_sector = ch->hob_lcyl = ch->hob_hcyl = 0;
    if (ide_cur(ch)->cdrom)
        atapi_set_signature(ch);
}

static void drives_reset(struct ide_channel *ch)
{
    ch->xfer = X_NONE;
    ch->pos = ch->end = 0;
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        d->status = d->blk && !d->cdrom ? ST_DRDY | ST_DSC : 0; /* ATAPI: DRDY clear */
        d->error = 0x01; /* diagnostic: no error */
        d->mult = MAX_MULT;
        if (d->blk) {
            d->id[62] = d->id[63] = 0x07;
            d->id[88] = 0x203f;
            d->id[59] = 0x0100 | MAX_MULT;
        }
    }
    ch->select = 0;
    set_signature(ch);
}

void ide_channel_reset(struct ide_channel *ch)
{
    ch->ctl = 0;
    ch->feature = ch->hob_feature = 0;
    ch->pending = 0;
    ide_update_irq(ch);
    drives_reset(ch);
}

struct ide_channel *ide_channel_create(void (*irq)(void *opaque, int level), void *opaque)
{
    struct ide_channel *ch = calloc(1, sizeof(*ch));
    if (!ch)
        return NULL;
    ch->irq = irq;
    ch->opaque = opaque;
    ide_channel_reset(ch);
    return ch;
}

static void finish_ok(struct ide_channel *ch, int irq)
{
    struct ide_drive *d = ide_cur(ch);
    d->status = ST_DRDY | ST_DSC;
    ch->xfer = X_NONE;
    if (irq)
        ide_raise_irq(ch);
}

static void finish_error(struct ide_channel *ch, uint8_t error)
{
    struct ide_drive *d = ide_cur(ch);
    d->status = ST_DRDY | ST_ERR;
    d->error = error;
    ch->xfer = X_NONE;
    ch->pos = ch->end = 0;
    ide_raise_irq(ch);
}

/* The command's first sector and count, from the task file. */
static void command_range(struct ide_channel *ch, int lba48, uint64_t *lba, uint32_t *count)
{
    if (lba48) {
        *lba = (uint64_t)ch->hob_hcyl << 40 | (uint64_t)ch->hob_lcyl << 32 |
               (uint64_t)ch->hob_sector << 24 | (uint32_t)ch->hcyl << 16 | ch->lcyl << 8 |
               ch->sector;
        *count = (uint32_t)(ch->hob_nsector << 8 | ch->nsector);
        if (!*count)
            *count = 65536;
        return;
    }
    *count = ch->nsector ? ch->nsector : 256;
    if (ch->select & SEL_LBA) {
        *lba = (uint32_t)(ch->select & 0x0f) << 24 | (uint32_t)ch->hcyl << 16 | ch->lcyl << 8 |
               ch->sector;
    } else {
        struct ide_drive *d = ide_cur(ch);
        unsigned cyl = ch->hcyl << 8 | ch->lcyl, head = ch->select & 0x0f, s = ch->sector;
        if (s == 0 || s > d->spt || head >= d->heads)
            *lba = UINT64_MAX; /* no such sector */
        else
            *lba = ((uint64_t)cyl * d->heads + head) * d->spt + s - 1;
    }
}

/* The next sector of the command; the task file shows it, as after each
 * sector on a real drive (an error leaves the failing address there). */
static void set_position(struct ide_channel *ch, uint64_t lba)
{
    ch->lba = lba;
    if (ch->lba48) {
        ch->hob_sector = (uint8_t)(lba >> 24);
        ch->hob_lcyl = (uint8_t)(lba >> 32);
        ch->hob_hcyl = (uint8_t)(lba >> 40);
    } else if (ch->select & SEL_LBA) {
        ch->select = (uint8_t)((ch->select & 0xf0) | (lba >> 24 & 0x0f));
    } else {
        return; /* CHS: left as written */
    }
    ch->sector = (uint8_t)lba;
    ch->lcyl = (uint8_t)(lba >> 8);
    ch->hcyl = (uint8_t)(lba >> 16);
}

/* Fill buf with the next DRQ block of a PIO read and assert DRQ and INTRQ. */
static void pio_in_block(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    unsigned n = ch->remaining < ch->per_block ? ch->remaining : ch->per_block;
    if (block_read(d->blk, ch->lba, ch->buf, n) < 0) {
        finish_error(ch, ER_UNC);
        return;
    }
    ch->pos = 0;
    ch->end = n * BLOCK_SECTOR;
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
    ide_raise_irq(ch);
}

static void pio_out_block(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    unsigned n = ch->remaining < ch->per_block ? ch->remaining : ch->per_block;
    ch->pos = 0;
    ch->end = n * BLOCK_SECTOR;
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
}

/* The guest moved the whole DRQ block. */
static void block_done(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    if (ch->xfer == X_PACKET || ch->xfer == X_ATAPI_IN) {
        atapi_drq_done(ch);
        return;
    }
    if (ch->identify) {
        ch->identify = 0;
        ch->xfer = X_NONE;
        d->status = ST_DRDY | ST_DSC;
        ch->pos = ch->end = 0;
        return;
    }
    unsigned n = ch->end / BLOCK_SECTOR;
    if (ch->xfer == X_PIO_OUT && block_write(d->blk, ch->lba, ch->buf, n) < 0) {
        finish_error(ch, ER_ABRT);
        return;
    }
    set_position(ch, ch->lba + n);
    ch->remaining -= n;
    ch->pos = ch->end = 0;
    if (ch->xfer == X_PIO_IN) {
        if (ch->remaining)
            pio_in_block(ch);
        else
            finish_ok(ch, 0);
    } else {
        if (ch->remaining) {
            pio_out_block(ch);
            ide_raise_irq(ch);
        } else {
            finish_ok(ch, 1);
        }
    }
}

static int range_ok(struct ide_drive *d, uint64_t lba, uint32_t count)
{
    return lba != UINT64_MAX && lba <= d->sectors && count <= d->sectors - lba;
}

static void start_rw(struct ide_channel *ch, enum xfer x, int lba48, unsigned per_block)
{
    struct ide_drive *d = ide_cur(ch);
    uint64_t lba;
    uint32_t count;
    command_range(ch, lba48, &lba, &count);
    if (!range_ok(d, lba, count)) {
        finish_error(ch, ER_ABRT);
        return;
    }
    if ((x == X_PIO_OUT || x == X_DMA_OUT) && block_readonly(d->blk)) {
        finish_error(ch, ER_ABRT);
        return;
    }
    ch->xfer = x;
    ch->lba = lba;
    ch->lba48 = lba48;
    ch->remaining = count;
    ch->per_block = per_block;
    ch->identify = 0;
    if (x == X_PIO_IN)
        pio_in_block(ch);
    else if (x == X_PIO_OUT)
        pio_out_block(ch);
    else
        d->status = ST_DRDY | ST_DSC | ST_BSY; /* until the bus master runs */
}

static void set_features(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    switch (ch->feature) {
    case 0x02: case 0x82: /* write cache on/off: writes reach the file anyway */
    case 0xaa: case 0x55: /* read look-ahead */
    case 0x66: case 0xcc: /* keep features over reset */
        finish_ok(ch, 1);
        return;
    case 0x03: { /* transfer mode, from the sector count */
        unsigned mode = ch->nsector & 7;
        switch (ch->nsector >> 3) {
        case 0: case 1: /* PIO default, PIO mode n */
            if (ch->nsector >> 3 && mode > 4)
                break;
            d->id[62] = d->id[63] = 0x07;
            d->id[88] = 0x3f;
            finish_ok(ch, 1);
            return;
        case 4: /* multiword DMA n */
            if (mode > 2)
                break;
            d->id[62] = 0x07;
            d->id[63] = (uint16_t)(0x07 | 1u << (mode + 8));
            d->id[88] = 0x3f;
            finish_ok(ch, 1);
            return;
        case 8: /* Ultra DMA n */
            if (mode > 5)
                break;
            d->id[62] = d->id[63] = 0x07;
            d->id[88] = (uint16_t)(0x3f | 1u << (mode + 8));
            finish_ok(ch, 1);
            return;
        }
        break;
    }
    }
    finish_error(ch, ER_ABRT);
}

static void execute(struct ide_channel *ch, uint8_t cmd)
{
    struct ide_drive *d = ide_cur(ch);
    /* A command to an absent drive goes nowhere. */
    if (!d->blk)
        return;
    ch->pending = 0; /* a new command clears INTRQ */
    ide_update_irq(ch);
    ch->xfer = X_NONE;
    ch->pos = ch->end = 0;
    d->error = 0;
    /* A CD-ROM shares only the housekeeping commands with a disk. */
    if (d->cdrom && cmd != 0xef && cmd != 0x90 && cmd != 0xe5 && (cmd < 0xe0 || cmd > 0xe3)) {
        atapi_execute(ch, cmd);
        return;
    }
    switch (cmd) {
    case 0xec: /* IDENTIFY DEVICE */
        for (int i = 0; i < 256; i++) { /* little-endian words */
            ch->buf[2 * i] = (uint8_t)d->id[i];
            ch->buf[2 * i + 1] = (uint8_t)(d->id[i] >> 8);
        }
        ch->xfer = X_PIO_IN;
        ch->identify = 1;
        ch->pos = 0;
        ch->end = BLOCK_SECTOR;
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        ide_raise_irq(ch);
        return;
    case 0x20: case 0x21: start_rw(ch, X_PIO_IN, 0, 1); return;
    case 0x24: start_rw(ch, X_PIO_IN, 1, 1); return;
    case 0x30: case 0x31: start_rw(ch, X_PIO_OUT, 0, 1); return;
    case 0x34: start_rw(ch, X_PIO_OUT, 1, 1); return;
    case 0xc4: case 0x29: case 0xc5: case 0x39:
        if (!d->mult) {
            finish_error(ch, ER_ABRT);
            return;
        }
        start_rw(ch, cmd == 0xc4 || cmd == 0x29 ? X_PIO_IN : X_PIO_OUT,
                 cmd == 0x29 || cmd == 0x39, d->mult);
        return;
    case 0xc8: case 0xc9: start_rw(ch, X_DMA_IN, 0, DMA_CHUNK); return;
    case 0x25: start_rw(ch, X_DMA_IN, 1, DMA_CHUNK); return;
    case 0xca: case 0xcb: start_rw(ch, X_DMA_OUT, 0, DMA_CHUNK); return;
    case 0x35: start_rw(ch, X_DMA_OUT, 1, DMA_CHUNK); return;
    case 0x40: case 0x41: case 0x42: { /* READ VERIFY SECTORS (EXT) */
        uint64_t lba;
        uint32_t count;
        command_range(ch, cmd == 0x42, &lba, &count);
        if (!range_ok(d, lba, count))
            finish_error(ch, ER_ABRT);
        else
            finish_ok(ch, 1);
        return;
    }
    case 0xc6: /* SET MULTIPLE MODE: a power of two up to 16, or 0 (off) */
        if (ch->nsector > MAX_MULT || (ch->nsector & (ch->nsector - 1))) {
            finish_error(ch, ER_ABRT);
            return;
        }
        d->mult = ch->nsector;
        d->id[59] = (uint16_t)(d->mult ? 0x0100 | d->mult : 0);
        finish_ok(ch, 1);
        return;
    case 0xe7: case 0xea: /* FLUSH CACHE (EXT) */
        if (block_flush(d->blk) < 0)
            finish_error(ch, ER_ABRT);
        else
            finish_ok(ch, 1);
        return;
    case 0xef:
        set_features(ch);
        return;
    case 0x90: /* EXECUTE DEVICE DIAGNOSTIC: both drives report; device 0 answers */
        ch->select &= ~SEL_DEV;
        set_signature(ch);
        for (int i = 0; i < 2; i++) {
            ch->drive[i].error = 0x01;
            if (ch->drive[i].blk)
                ch->drive[i].status = ch->drive[i].cdrom ? 0 : ST_DRDY | ST_DSC;
        }
        ide_raise_irq(ch);
        return;
    case 0x91: /* INITIALIZE DEVICE PARAMETERS: bt86 keeps its translation */
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: /* standby, idle */
        finish_ok(ch, 1);
        return;
    case 0xe5: /* CHECK POWER MODE: active */
        ch->nsector = 0xff;
        finish_ok(ch, 1);
        return;
    default:
        if (cmd >= 0x10 && cmd <= 0x1f) { /* RECALIBRATE */
            finish_ok(ch, 1);
            return;
        }
        finish_error(ch, ER_ABRT);
        return;
    }
}

int ide_dma_pending(const struct ide_channel *ch)
{
    return ch->xfer == X_DMA_IN || ch->xfer == X_DMA_OUT || ch->xfer == X_ATAPI_DMA;
}

int ide_dma_run(struct ide_channel *ch, ide_xfer_fn xfer, void *opaque)
{
    struct ide_drive *d = ide_cur(ch);
    if (ch->xfer == X_ATAPI_DMA)
        return atapi_dma_run(ch, xfer, opaque);
    while (ch->remaining) {
        uint32_t n = ch->remaining < DMA_CHUNK ? ch->remaining : DMA_CHUNK;
        uint32_t len = n * BLOCK_SECTOR;
        if (ch->xfer == X_DMA_IN) {
            if (block_read(d->blk, ch->lba, ch->buf, n) < 0) {
                finish_error(ch, ER_UNC);
                return -1;
            }
            if (xfer(opaque, ch->buf, len, 1) < 0) {
                finish_error(ch, ER_ABRT);
                return -1;
            }
        } else {
            if (xfer(opaque, ch->buf, len, 0) < 0) {
                finish_error(ch, ER_ABRT);
                return -1;
            }
            if (block_write(d->blk, ch->lba, ch->buf, n) < 0) {
                finish_error(ch, ER_ABRT);
                return -1;
            }
        }
        set_position(ch, ch->lba + n);
        ch->remaining -= n;
    }
    finish_ok(ch, 1);
    return 0;
}

static uint32_t data_read(struct ide_channel *ch, int size)
{
    if ((ch->xfer != X_PIO_IN && ch->xfer != X_ATAPI_IN) || ch->pos >= ch->end)
        return size == 4 ? 0xffffffffu : 0xffff; /* no DRQ: nothing to read */
    uint32_t v = 0;
    for (int i = 0; i < size && ch->pos < ch->end; i++)
        v |= (uint32_t)ch->buf[ch->pos++] << (8 * i);
    if (ch->pos >= ch->end)
        block_done(ch);
    return v;
}

static void data_write(struct ide_channel *ch, uint32_t v, int size)
{
    if ((ch->xfer != X_PIO_OUT && ch->xfer != X_PACKET) || ch->pos >= ch->end)
        return;
    for (int i = 0; i < size && ch->pos < ch->end; i++)
        ch->buf[ch->pos++] = (uint8_t)(v >> (8 * i));
    if (ch->pos >= ch->end)
        block_done(ch);
}

static int no_drive(struct ide_channel *ch)
{
    return !ide_cur(ch)->blk;
}

uint32_t ide_cmd_read(struct ide_channel *ch, uint32_t off, int size)
{
    if (off == 0 && size > 1)
        return no_drive(ch) ? 0 : data_read(ch, size);
    if (size > 1) { /* a wide access to the byte registers: one byte each */
        uint32_t v = 0;
        for (int i = 0; i < size && off + i < 8; i++)
            v |= ide_cmd_read(ch, off + i, 1) << (8 * i);
        return v;
    }
    if (no_drive(ch))
        return 0;
    int hob = ch->ctl & DC_HOB;
    struct ide_drive *d = ide_cur(ch);
    switch (off) {
    case 0: return 0xff;
    case 1: return hob ? ch->hob_feature : d->error;
    case 2: return hob ? ch->hob_nsector : ch->nsector;
    case 3: return hob ? ch->hob_sector : ch->sector;
    case 4: return hob ? ch->hob_lcyl : ch->lcyl;
    case 5: return hob ? ch->hob_hcyl : ch->hcyl;
    case 6: return ch->select;
    default:
        ch->pending = 0;
        ide_update_irq(ch);
        return d->status;
    }
}

void ide_cmd_write(struct ide_channel *ch, uint32_t off, uint32_t v, int size)
{
    if (off == 0 && size > 1) {
        if (!no_drive(ch))
            data_write(ch, v, size);
        return;
    }
    if (size > 1) {
        for (int i = 0; i < size && off + i < 8; i++)
            ide_cmd_write(ch, off + i, v >> (8 * i) & 0xff, 1);
        return;
    }
    uint8_t b = (uint8_t)v;
    /* Writing a task-file register clears HOB, as ATA says. */
    if (off >= 1 && off <= 6)
        ch->ctl &= ~DC_HOB;
    switch (off) {
    case 0: return;
    case 1: ch->hob_feature = ch->feature; ch->feature = b; return;
    case 2: ch->hob_nsector = ch->nsector; ch->nsector = b; return;
    case 3: ch->hob_sector = ch->sector; ch->sector = b; return;
    case 4: ch->hob_lcyl = ch->lcyl; ch->lcyl = b; return;
    case 5: ch->hob_hcyl = ch->hcyl; ch->hcyl = b; return;
    case 6:
        /* Not while a command runs: its drive must stay the selected one
         * (ATA leaves such a write undefined; a DMA command would then run
         * on the other drive, or on none). */
        if (ch->xfer == X_NONE)
            ch->select = b | 0xa0;
        return;
    default:
        if (ch->ctl & DC_SRST)
            return;
        execute(ch, b);
        return;
    }
}

uint8_t ide_ctl_read(struct ide_channel *ch)
{
    return no_drive(ch) ? 0 : ide_cur(ch)->status;
}

void ide_ctl_write(struct ide_channel *ch, uint8_t v)
{
    uint8_t old = ch->ctl;
    ch->ctl = v;
    if ((v & DC_SRST) && !(old & DC_SRST)) {
        for (int i = 0; i < 2; i++)
            if (ch->drive[i].blk)
                ch->drive[i].status = ST_BSY | ST_DSC;
        ch->xfer = X_NONE;
        ch->pending = 0;
    } else if (!(v & DC_SRST) && (old & DC_SRST)) {
        drives_reset(ch);
    }
    ide_update_irq(ch);
}
