/*
 * ide_atapi.c - an ATAPI CD-ROM: the PACKET protocol and the SCSI commands
 * (MMC) a BIOS and an OS use to find the drive and read the medium.
 *
 * PACKET: the drive asks for the 12-byte command with DRQ and the sector
 * count register's interrupt reason at CoD=1, IO=0 (no interrupt); data
 * then goes to the host in DRQ blocks of at most the byte count limit the
 * host wrote to the cylinder registers (the drive writes the block's size
 * back there), each announced by INTRQ with reason IO=1; the end is
 * reason IO=1, CoD=1 with INTRQ.  With the DMA bit in the features
 * register, the data goes through the bus master instead.  A failed
 * command reports its SCSI sense key in the error register's high nibble
 * and keeps the sense data for REQUEST SENSE.  The medium is always there
 * and never changes, so there is no UNIT ATTENTION to report.
 */
#include "hw/ide_internal.h"

#include <string.h>

enum { REASON_COD = 0x01, REASON_IO = 0x02 };
enum { SENSE_NONE = 0, SENSE_NOT_READY = 2, SENSE_ILLEGAL_REQUEST = 5, SENSE_ABORTED = 0x0b };
enum {
    ASC_INVALID_OPCODE = 0x20,
    ASC_LBA_OUT_OF_RANGE = 0x21,
    ASC_INVALID_FIELD = 0x24,
    ASC_SAVING_NOT_SUPPORTED = 0x39,
};

static void put_string(uint16_t *w, const char *s, int words)
{
    for (int i = 0; i < words; i++) {
        char a = *s ? *s++ : ' ';
        char b = *s ? *s++ : ' ';
        w[i] = (uint16_t)((uint8_t)a << 8 | (uint8_t)b);
    }
}

void atapi_identify_build(struct ide_drive *d, const char *serial)
{
    uint16_t *w = d->id;
    memset(w, 0, sizeof(d->id));
    w[0] = 0x85c0; /* ATAPI, CD-ROM, removable, DRQ within 50 us, 12-byte packets */
    put_string(w + 10, serial, 10);
    w[20] = 3;
    w[21] = 512;
    put_string(w + 23, "1.0", 4);
    put_string(w + 27, "BT86 CD-ROM", 20);
    w[48] = 1;
    w[49] = 0x0300; /* LBA, DMA */
    w[53] = 0x0007;
    w[62] = 0x07;
    w[63] = 0x07;
    w[64] = 0x03;
    w[65] = w[66] = w[67] = w[68] = 0xb4;
    w[71] = w[72] = 30;
    w[80] = 0x1e; /* ATA/ATAPI-1 to -4 */
    w[88] = 0x203f;
}

void atapi_set_signature(struct ide_channel *ch)
{
    ch->nsector = ch->sector = 1;
    ch->lcyl = 0x14;
    ch->hcyl = 0xeb;
}

static uint32_t cd_blocks(const struct ide_drive *d)
{
    return (uint32_t)(d->sectors / (CD_BLOCK / BLOCK_SECTOR));
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16));
    put_be16(p + 2, (uint16_t)v);
}

static void cmd_ok(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    d->status = ST_DRDY | ST_DSC;
    d->error = 0;
    d->sense_key = SENSE_NONE;
    d->asc = 0;
    ch->nsector = (uint8_t)((ch->nsector & ~7) | REASON_IO | REASON_COD);
    ch->xfer = X_NONE;
    ch->pos = ch->end = 0;
    ide_raise_irq(ch);
}

static void cmd_error(struct ide_channel *ch, uint8_t key, uint8_t asc)
{
    struct ide_drive *d = ide_cur(ch);
    d->status = ST_DRDY | ST_ERR;
    d->error = (uint8_t)(key << 4);
    d->sense_key = key;
    d->asc = asc;
    ch->nsector = (uint8_t)((ch->nsector & ~7) | REASON_IO | REASON_COD);
    ch->xfer = X_NONE;
    ch->pos = ch->end = 0;
    ide_raise_irq(ch);
}

/* The next DRQ block of the data in buf[pos, chunk). */
static void drq_start(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    unsigned n = ch->chunk - ch->pos;
    if (n > ch->limit)
        n = ch->limit;
    ch->end = ch->pos + n;
    ch->lcyl = (uint8_t)n;
    ch->hcyl = (uint8_t)(n >> 8);
    ch->nsector = (uint8_t)((ch->nsector & ~7) | REASON_IO);
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
    ide_raise_irq(ch);
}

/* Load the next CD block of a read into buf; -1 on a host I/O error. */
static int load_block(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    if (block_read(d->blk, ch->lba * (CD_BLOCK / BLOCK_SECTOR), ch->buf,
                   CD_BLOCK / BLOCK_SECTOR) < 0)
        return -1;
    ch->lba++;
    ch->remaining--;
    ch->chunk = CD_BLOCK;
    ch->pos = 0;
    return 0;
}

/* Send the reply in buf (len bytes, cut to what the host allocated). */
static void reply(struct ide_channel *ch, unsigned len, unsigned alloc)
{
    ch->chunk = len < alloc ? len : alloc;
    ch->pos = 0;
    ch->remaining = 0;
    if (!ch->chunk) {
        cmd_ok(ch);
        return;
    }
    if (ch->feature & 1) {
        ch->xfer = X_ATAPI_DMA;
        ide_cur(ch)->status = ST_DRDY | ST_DSC | ST_BSY;
        return;
    }
    ch->xfer = X_ATAPI_IN;
    drq_start(ch);
}

static void read_blocks(struct ide_channel *ch, uint32_t lba, uint32_t count)
{
    struct ide_drive *d = ide_cur(ch);
    if (lba > cd_blocks(d) || count > cd_blocks(d) - lba) {
        cmd_error(ch, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    if (!count) {
        cmd_ok(ch);
        return;
    }
    ch->lba = lba;
    ch->remaining = count;
    ch->chunk = 0;
    if (ch->feature & 1) {
        ch->xfer = X_ATAPI_DMA;
        d->status = ST_DRDY | ST_DSC | ST_BSY;
        return;
    }
    if (load_block(ch) < 0) {
        cmd_error(ch, SENSE_ABORTED, 0);
        return;
    }
    ch->xfer = X_ATAPI_IN;
    drq_start(ch);
}

/* MODE SENSE pages: read/write error recovery (01h), capabilities (2Ah). */
static unsigned mode_page(uint8_t *p, int page)
{
    if (page == 0x01) {
        static const uint8_t err_recovery[8] = { 0x01, 0x06, 0x00, 0x05 };
        memcpy(p, err_recovery, sizeof(err_recovery));
        return sizeof(err_recovery);
    }
    /* Reads CD-R, CD-RW; audio, multisession; tray with lock and eject;
     * 4x (706 kB/s); 512 KiB buffer. */
    static const uint8_t caps[22] = { 0x2a, 0x14, 0x03, 0x00, 0x71, 0x7f, 0x29, 0x00,
                                      0x02, 0xc2, 0x00, 0x02, 0x02, 0x00, 0x02, 0xc2 };
    memcpy(p, caps, sizeof(caps));
    return sizeof(caps);
}

static void mode_sense10(struct ide_channel *ch, const uint8_t *cdb)
{
    int pc = cdb[2] >> 6, page = cdb[2] & 0x3f;
    unsigned alloc = (unsigned)(cdb[7] << 8 | cdb[8]);
    if (pc == 3) {
        cmd_error(ch, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED);
        return;
    }
    if (page != 0x01 && page != 0x2a && page != 0x3f) {
        cmd_error(ch, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    uint8_t *b = ch->buf;
    memset(b, 0, 8);
    unsigned len = 8;
    if (page == 0x01 || page == 0x3f)
        len += mode_page(b + len, 0x01);
    if (page == 0x2a || page == 0x3f)
        len += mode_page(b + len, 0x2a);
    put_be16(b, (uint16_t)(len - 2));
    b[2] = 0x70; /* medium type, as QEMU reports it */
    reply(ch, len, alloc);
}

static void put_addr(uint8_t *p, uint32_t lba, int msf)
{
    if (!msf) {
        put_be32(p, lba);
        return;
    }
    lba += 150; /* the 2-second pregap */
    p[0] = 0;
    p[1] = (uint8_t)(lba / (60 * 75));
    p[2] = (uint8_t)(lba / 75 % 60);
    p[3] = (uint8_t)(lba % 75);
}

static void read_toc(struct ide_channel *ch, const uint8_t *cdb)
{
    struct ide_drive *d = ide_cur(ch);
    int msf = cdb[1] & 2, format = cdb[2] & 0x0f, start = cdb[6];
    unsigned alloc = (unsigned)(cdb[7] << 8 | cdb[8]);
    if (!format)
        format = cdb[9] >> 6; /* the old place of the format field */
    uint8_t *b = ch->buf;
    unsigned len = 4;
    memset(b, 0, 32);
    if (format == 0) {
        if (start > 1 && start != 0xaa) {
            cmd_error(ch, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        b[2] = b[3] = 1; /* first and last track */
        if (start <= 1) { /* track 1: data, from LBA 0 */
            b[len + 1] = 0x14;
            b[len + 2] = 1;
            put_addr(b + len + 4, 0, msf);
            len += 8;
        }
        b[len + 1] = 0x16; /* the lead-out */
        b[len + 2] = 0xaa;
        put_addr(b + len + 4, cd_blocks(d), msf);
        len += 8;
    } else if (format == 1) { /* session information: one session */
        b[2] = b[3] = 1;
        b[len + 1] = 0x14;
        b[len + 2] = 1;
        put_addr(b + len + 4, 0, msf);
        len += 8;
    } else {
        cmd_error(ch, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    put_be16(b, (uint16_t)(len - 2));
    reply(ch, len, alloc);
}

static void process_packet(struct ide_channel *ch)
{
    struct ide_drive *d = ide_cur(ch);
    const uint8_t *cdb = ch->packet;
    uint8_t *b = ch->buf;
    switch (cdb[0]) {
    case 0x00: /* TEST UNIT READY */
    case 0x1b: /* START STOP UNIT: the medium stays */
    case 0x1e: /* PREVENT ALLOW MEDIUM REMOVAL */
    case 0x2b: /* SEEK(10) */
        cmd_ok(ch);
        return;
    case 0x03: { /* REQUEST SENSE: the last error, then no sense */
        memset(b, 0, 18);
        b[0] = 0xf0;
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        d->sense_key = SENSE_NONE;
        d->asc = 0;
        reply(ch, 18, cdb[4]);
        return;
    }
    case 0x12: /* INQUIRY */
        memset(b, 0, 36);
        b[0] = 0x05; /* CD/DVD */
        b[1] = 0x80; /* removable */
        b[3] = 0x21; /* ATAPI, response format 1 */
        b[4] = 31;
        memcpy(b + 8, "BT86    BT86 CD-ROM     1.0 ", 28);
        reply(ch, 36, cdb[4]);
        return;
    case 0x25: /* READ CAPACITY */
        put_be32(b, cd_blocks(d) - 1);
        put_be32(b + 4, CD_BLOCK);
        reply(ch, 8, 8);
        return;
    case 0x28: /* READ(10) */
        read_blocks(ch, (uint32_t)cdb[2] << 24 | cdb[3] << 16 | cdb[4] << 8 | cdb[5],
                    (uint32_t)(cdb[7] << 8 | cdb[8]));
        return;
    case 0xa8: /* READ(12) */
        read_blocks(ch, (uint32_t)cdb[2] << 24 | cdb[3] << 16 | cdb[4] << 8 | cdb[5],
                    (uint32_t)cdb[6] << 24 | cdb[7] << 16 | cdb[8] << 8 | cdb[9]);
        return;
    case 0x5a:
        mode_sense10(ch, cdb);
        return;
    case 0x43:
        read_toc(ch, cdb);
        return;
    default:
        cmd_error(ch, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        return;
    }
}

void atapi_execute(struct ide_channel *ch, uint8_t cmd)
{
    struct ide_drive *d = ide_cur(ch);
    switch (cmd) {
    case 0xa0: { /* PACKET */
        unsigned limit = (unsigned)(ch->hcyl << 8 | ch->lcyl);
        if (limit == 0 || limit == 0xffff)
            limit = 0xfffe;
        ch->limit = limit & ~1u;
        ch->xfer = X_PACKET;
        ch->identify = 0;
        ch->pos = 0;
        ch->end = sizeof(ch->packet);
        ch->nsector = (uint8_t)((ch->nsector & ~7) | REASON_COD);
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        return;
    }
    case 0xa1: /* IDENTIFY PACKET DEVICE */
        for (int i = 0; i < 256; i++) {
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
    case 0x08: /* DEVICE RESET: the signature, no interrupt */
        atapi_set_signature(ch);
        ch->select &= SEL_DEV;
        ch->select |= 0xa0;
        d->status = 0;
        d->error = 0;
        return;
    default:
        /* An ATA command: refused, with the signature that says why. */
        atapi_set_signature(ch);
        d->status = ST_DRDY | ST_ERR;
        d->error = ER_ABRT;
        ch->xfer = X_NONE;
        ide_raise_irq(ch);
        return;
    }
}

void atapi_drq_done(struct ide_channel *ch)
{
    if (ch->xfer == X_PACKET) {
        memcpy(ch->packet, ch->buf, sizeof(ch->packet));
        ch->pos = ch->end = 0;
        process_packet(ch);
        return;
    }
    if (ch->pos < ch->chunk) {
        drq_start(ch);
        return;
    }
    if (ch->remaining) {
        if (load_block(ch) < 0) {
            cmd_error(ch, SENSE_ABORTED, 0);
            return;
        }
        drq_start(ch);
        return;
    }
    cmd_ok(ch);
}

int atapi_dma_run(struct ide_channel *ch, ide_xfer_fn xfer, void *opaque)
{
    if (ch->chunk && xfer(opaque, ch->buf, ch->chunk, 1) < 0) {
        cmd_error(ch, SENSE_ABORTED, 0);
        return -1;
    }
    while (ch->remaining) {
        if (load_block(ch) < 0 || xfer(opaque, ch->buf, CD_BLOCK, 1) < 0) {
            cmd_error(ch, SENSE_ABORTED, 0);
            return -1;
        }
    }
    cmd_ok(ch);
    return 0;
}
