/*
 * image.h - a raw disk image file as a device sees it: a count of 512-byte
 * sectors to read and write.
 *
 * Opening checks everything a guest could otherwise trip over later: the
 * file exists and can be opened (for writing too, unless read-only), its
 * size is a positive multiple of 512, and no other bt86 (or QEMU) has it:
 * an OFD lock on the whole file, shared when read-only, exclusive when
 * written, held until exit.  With snapshot, the image is opened read-only
 * and writes go to an unlinked temporary file, copied in 64 KiB clusters on
 * first write, so the image is never touched.  Writes reach the file with
 * pwrite as they happen; block_flush() (the guest's FLUSH CACHE) and
 * block_close() make them durable with fdatasync.
 *
 *   char err[256];
 *   struct block *b = block_open("disk.img", 0, 0, err, sizeof(err));
 *   if (!b) fprintf(stderr, "bt86: %s\n", err);
 */
#ifndef BT86_BLOCK_IMAGE_H
#define BT86_BLOCK_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define BLOCK_SECTOR 512

struct block;

struct block *block_open(const char *path, int readonly, int snapshot, char *err,
                         size_t errlen);
uint64_t block_sectors(const struct block *b);
/* Writes are refused (read-only image). */
int block_readonly(const struct block *b);
/* 0, or -1 (out of range, read-only, host I/O error). */
int block_read(struct block *b, uint64_t lba, void *buf, uint32_t count);
int block_write(struct block *b, uint64_t lba, const void *buf, uint32_t count);
int block_flush(struct block *b);
/* Flush, unlock, close. */
void block_close(struct block *b);

#endif
