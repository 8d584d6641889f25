/*
 * ps2mouse.h - a PS/2 mouse (with the IntelliMouse wheel, ID 3, after the
 * 200-100-80 sample-rate knock): stream and remote modes, the command set
 * and a queue of 3- or 4-byte packets.
 */
#ifndef BT86_HW_PS2MOUSE_H
#define BT86_HW_PS2MOUSE_H

#include <stdint.h>
#include <stdio.h>

struct ps2mouse;

/* update(opaque) is called whenever a byte becomes available. */
struct ps2mouse *ps2mouse_create(void (*update)(void *opaque), void *opaque);
void ps2mouse_reset(struct ps2mouse *m);
/* Host motion: dx right, dy up, dz wheel; buttons bit 0 left, 1 right, 2 middle. */
void ps2mouse_event(struct ps2mouse *m, int dx, int dy, int dz, unsigned buttons);
void ps2mouse_write(struct ps2mouse *m, uint8_t byte);
int ps2mouse_read(struct ps2mouse *m);
int ps2mouse_idle(const struct ps2mouse *m);
int ps2mouse_save(struct ps2mouse *m, FILE *f);
int ps2mouse_load(struct ps2mouse *m, FILE *f);

#endif
