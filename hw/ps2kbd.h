/*
 * ps2kbd.h - a PS/2 keyboard: a key matrix seen as scan code set 2 (sets 1
 * and 3 on request), the command set (reset, identify, LEDs, scan code set,
 * typematic rate, enable/disable...) and a 16-byte output queue.
 *
 * Host keys arrive as set 2 key codes (0xE0xx for extended keys, see
 * hw/keymap.h); the keyboard makes the make/break bytes.  Typematic repeat
 * is not generated (the host's own repeat is dropped by the display too).
 */
#ifndef BT86_HW_PS2KBD_H
#define BT86_HW_PS2KBD_H

#include <stdint.h>
#include <stdio.h>

struct ps2kbd;

/* update(opaque) is called whenever a byte becomes available. */
struct ps2kbd *ps2kbd_create(void (*update)(void *opaque), void *opaque);
void ps2kbd_reset(struct ps2kbd *k);
/* A key went down or up. */
void ps2kbd_key(struct ps2kbd *k, uint16_t keycode, int down);
/* A byte from the host (the controller) to the keyboard. */
void ps2kbd_write(struct ps2kbd *k, uint8_t byte);
/* The next byte for the host; -1 when there is none. */
int ps2kbd_read(struct ps2kbd *k);
/* No byte is waiting to be sent. */
int ps2kbd_idle(const struct ps2kbd *k);
/* The LED state last set by the guest (bit 0 scroll, 1 num, 2 caps). */
uint8_t ps2kbd_leds(const struct ps2kbd *k);
int ps2kbd_save(struct ps2kbd *k, FILE *f);
/* The i8042's translation of one set 2 byte to set 1 (a break's 0xF0 prefix
 * is the caller's business: it sets bit 7 of the next translated byte). */
uint8_t ps2kbd_set2_to_set1(uint8_t code);
int ps2kbd_load(struct ps2kbd *k, FILE *f);

#endif
