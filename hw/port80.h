/*
 * port80.h - port 0x80, where firmware and kernels write POST codes (and
 * which Linux also writes to as an I/O delay).  -d post logs each code.
 */
#ifndef BT86_HW_PORT80_H
#define BT86_HW_PORT80_H

struct ioports;

#include <stdint.h>
#include <stdio.h>

struct port80;

struct port80 *port80_create(struct ioports *io);
void port80_reset(struct port80 *p);
/* The last code written. */
uint8_t port80_last(const struct port80 *p);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int port80_save(struct port80 *p, FILE *f);
int port80_load(struct port80 *p, FILE *f);

#endif
