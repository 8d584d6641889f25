/*
 * i8042.h - the PC keyboard controller (ports 0x60 and 0x64) with its two
 * PS/2 ports: the keyboard (IRQ 1) and the mouse (IRQ 12).  It also drives
 * two lines of the board: the CPU reset (command 0xfe, output port bit 0)
 * and the A20 gate (output port bit 1).
 *
 *   struct i8042_wiring w = { irq, reset, set_a20, m };
 *   struct i8042 *k = i8042_create(&m->io, &w);
 *   struct ps2kbd *kbd = i8042_kbd(k);     // host keys go here
 *
 * With translation on (command byte bit 6, the default), scan code set 2
 * bytes from the keyboard reach the guest as set 1, as on every AT.
 */
#ifndef BT86_HW_I8042_H
#define BT86_HW_I8042_H

struct ioports;

#include <stdio.h>

struct i8042;
struct ps2kbd;
struct ps2mouse;

struct i8042_wiring {
    void (*irq)(void *opaque, int line, int level); /* line 1 or 12 */
    void (*reset)(void *opaque);                    /* pulse the CPU reset line */
    void (*set_a20)(void *opaque, int on);
    void *opaque;
};

struct i8042 *i8042_create(struct ioports *io, const struct i8042_wiring *w);
/* Controller, keyboard and mouse back to power-on state. */
void i8042_reset(struct i8042 *k);
struct ps2kbd *i8042_kbd(struct i8042 *k);
struct ps2mouse *i8042_mouse(struct i8042 *k);
/* No byte waiting for the guest in the output buffer (port 0x60). */
int i8042_output_empty(struct i8042 *k);
/* Controller, keyboard and mouse state; 0 on success, -1 on error. */
int i8042_save(struct i8042 *k, FILE *f);
int i8042_load(struct i8042 *k, FILE *f);

#endif
