/*
 * debugcon.h - the Bochs/QEMU debug console port (-debugcon, port 0xe9):
 * bytes written go to a chardev; reading the port returns 0xe9, which is how
 * a guest detects it.
 *
 *   debugcon_create(&m->io, 0xe9, chardev_open("stdio", err, sizeof(err)));
 */
#ifndef BT86_HW_DEBUGCON_H
#define BT86_HW_DEBUGCON_H

struct ioports;

#include <stdint.h>

struct chardev;

/* chr may be NULL (writes are dropped). */
void debugcon_create(struct ioports *io, uint16_t iobase, struct chardev *chr);

#endif
