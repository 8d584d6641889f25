/*
 * port61.h - system control port B at 0x61: bit 0 PIT channel 2 gate (r/w),
 * bit 1 speaker data (r/w), bits 2-3 parity/IOCHK check disables (r/w),
 * bit 4 refresh toggle (toggles every 15.085 us of virtual time), bit 5 PIT
 * OUT2; bits 6-7 (parity and IOCHK errors) read 0.
 */
#ifndef BT86_HW_PORT61_H
#define BT86_HW_PORT61_H

struct ioports;

#include <stdio.h>

struct clock;
struct pit;
struct port61;

struct port61 *port61_create(struct ioports *io, struct clock *clock, struct pit *pit);
void port61_reset(struct port61 *s);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int port61_save(struct port61 *s, FILE *f);
int port61_load(struct port61 *s, FILE *f);

#endif
