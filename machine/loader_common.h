/*
 * loader_common.h - what the kernel loaders (multiboot, bzImage) share:
 * reading the file, placing bytes in guest RAM with a clear error when they
 * do not fit, and the flat 32-bit CPU both boot protocols start in.
 */
#ifndef BT86_MACHINE_LOADER_COMMON_H
#define BT86_MACHINE_LOADER_COMMON_H

#include "machine/machine.h"

#include <stddef.h>
#include <stdint.h>

/* Where both protocols leave a GDT with 0x10 = flat code, 0x18 = flat data. */
#define LOADER_GDT_ADDR 0x500u

/* Formats into err and returns -1, so a loader can `return errorf(...)`. */
int loader_errorf(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The whole file in a malloc'd buffer, or NULL with a message. */
uint8_t *loader_read_file(const char *path, size_t *size, char *err, size_t errlen);

/* len bytes of src then zero_len zeroes at paddr, or -1 naming `what`. */
int loader_place(struct machine *m, uint32_t paddr, const void *src, uint32_t len, uint32_t zero_len,
                 const char *what, char *err, size_t errlen);

/* Flat protected mode, ring 0, paging and interrupts off, CS=0x10 DS..SS=0x18,
 * EIP=entry; general registers zero (the caller sets what its protocol passes). */
void loader_enter_flat32(struct machine *m, uint32_t entry);

/* Each loader takes the file already read; buf stays owned by the caller. */
int loader_multiboot(struct machine *m, const uint8_t *buf, size_t size, size_t header_off,
                     char *err, size_t errlen);
int loader_bzimage(struct machine *m, const uint8_t *buf, size_t size, char *err, size_t errlen);

#endif
