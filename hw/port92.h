/*
 * port92.h - system control port A (0x92): the "fast" A20 gate (bit 1)
 * and the fast reset (bit 0), as on PS/2 and every later PC.
 */
#ifndef BT86_HW_PORT92_H
#define BT86_HW_PORT92_H

struct ioports;

#include <stdio.h>

struct port92;

/* set_a20(opaque, on) and reset(opaque) are the machine's. */
struct port92 *port92_create(struct ioports *io, void (*set_a20)(void *opaque, int on),
                             void (*reset)(void *opaque), void *opaque);
void port92_reset(struct port92 *p);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int port92_save(struct port92 *p, FILE *f);
int port92_load(struct port92 *p, FILE *f);
/* The A20 line changed through another path (the keyboard controller). */
void port92_note_a20(struct port92 *p, int on);

#endif
