/*
 * ide.h - an ATA channel (task file, device control, two drive positions)
 * with hard disks on a raw image (block/image.h).
 *
 * The channel is the register interface: the controller that owns it
 * (hw/piix_ide.c) routes the eight command-block ports and the control
 * port here, wires INTRQ, and runs bus-master DMA when the drive has a DMA
 * command waiting: ide_dma_run() moves the data through the controller's
 * xfer callback, which walks its PRD table and checks every address.
 *
 * Commands are executed when written and complete at once (the guest never
 * sees BSY); PIO data moves through the data port one DRQ block at a time,
 * with INTRQ at each block (reads) or after each block (writes), as the ATA
 * protocols say.  Absent drives read 0 in every register, as QEMU's.
 */
#ifndef BT86_HW_IDE_H
#define BT86_HW_IDE_H

#include <stdint.h>

struct block;
struct ide_channel;

/* Move len bytes between buf and guest memory (to_memory: a read from the
 * disk); 0, or -1 when the PRD table or an address is bad. */
typedef int (*ide_xfer_fn)(void *opaque, uint8_t *buf, uint32_t len, int to_memory);

struct ide_channel *ide_channel_create(void (*irq)(void *opaque, int level), void *opaque);
/* Attach a disk at position 0 (master) or 1 (slave); the channel does not own it. */
void ide_attach_disk(struct ide_channel *ch, int unit, struct block *blk, const char *serial);
/* An ATAPI CD-ROM on a read-only image of 2048-byte blocks (a partial last
 * block is not read). */
void ide_attach_cdrom(struct ide_channel *ch, int unit, struct block *blk, const char *serial);
void ide_channel_reset(struct ide_channel *ch);

/* Command block (offset 0-7: data ... status/command) and control (alt status/DC). */
uint32_t ide_cmd_read(struct ide_channel *ch, uint32_t off, int size);
void ide_cmd_write(struct ide_channel *ch, uint32_t off, uint32_t v, int size);
uint8_t ide_ctl_read(struct ide_channel *ch);
void ide_ctl_write(struct ide_channel *ch, uint8_t v);

/* A DMA command waits for the bus master. */
int ide_dma_pending(const struct ide_channel *ch);
/* Run it: 0 when the data moved, -1 when xfer failed (the command ends in error). */
int ide_dma_run(struct ide_channel *ch, ide_xfer_fn xfer, void *opaque);

#endif
