/*
 * keymap.h - host keys to PS/2 key codes: scan code set 2, with 0xE0xx for
 * the extended keys (0xE012E07C-style sequences such as Print Screen and
 * Pause are the keyboard's business, given KEYCODE_PRINT / KEYCODE_PAUSE).
 */
#ifndef BT86_HW_KEYMAP_H
#define BT86_HW_KEYMAP_H

#include <stdint.h>

#define KEYCODE_LSHIFT 0x12
#define KEYCODE_PRINT 0xe07c
#define KEYCODE_PAUSE 0xe1 /* sends E1 14 77 E1 F0 14 F0 77 on make, nothing on break */

/* A USB HID usage (= SDL_Scancode) to a key code; 0 when the key has none. */
uint16_t keymap_from_usb(int usage);
/* The key (and whether Shift is needed) that types ASCII c on a US layout; -1 if none. */
int keymap_ascii(char c, uint16_t *code, int *shift);

#endif
