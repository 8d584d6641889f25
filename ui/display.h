/*
 * display.h - the host window: SDL2 (ui/sdl.c), or without SDL a display
 * that never opens (ui/nodisplay.c), so that bt86 runs headless.  main()
 * hands ui_display to the machine (machine/display.h says how it is used).
 * Nothing here owns emulation state: the display never touches a device.
 */
#ifndef BT86_UI_DISPLAY_H
#define BT86_UI_DISPLAY_H

#include "machine/display.h"

#include <stddef.h>
#include <stdint.h>

extern const struct display_ops ui_display;

/* Open a window; NULL and the reason in err when there is no display. */
struct display *display_open(const char *title, const struct display_input *in, char *err,
                             size_t errlen);
/* Show a frame of w x h XRGB8888 pixels (pitch in bytes). */
void display_update(struct display *d, const uint32_t *pixels, int w, int h, int pitch);
/* Deliver pending host input through the callbacks; never blocks. */
void display_poll(struct display *d);
/* Show the keyboard LEDs or a status in the title (NULL: just the title). */
void display_set_status(struct display *d, const char *status);
void display_close(struct display *d);

#endif
