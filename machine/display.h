/*
 * display.h - the window the guest's screen is shown in, as the machine
 * uses it: a set of functions the user's side (ui/) provides and passes in
 * (machine_options.display), so that the machine never calls up into ui/.
 * The machine renders the VGA into pixels and hands them over; the display
 * hands back host keyboard and mouse input as PS/2 events.
 *
 *   struct display_input in = { .key = kbd_key, .mouse = mouse_move,
 *                               .quit = close_clicked, .opaque = m };
 *   struct display *d = ops->open("bt86", &in, err, sizeof(err));
 *   if (!d) fprintf(stderr, "bt86: %s; running headless\n", err);
 *   ...every refresh period (host time):
 *   ops->update(d, pixels, 720, 400, 720 * 4);   // XRGB8888
 *   ops->poll(d);                                 // input -> callbacks
 */
#ifndef BT86_MACHINE_DISPLAY_H
#define BT86_MACHINE_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

struct display;

struct display_input {
    /* A key went down or up: a PS/2 scan code set 2 key code (0xE0xx extended). */
    void (*key)(void *opaque, uint16_t keycode, int down);
    /* Relative motion (dy > 0 is up, as PS/2 counts it), wheel, buttons 0/1/2 = L/R/M. */
    void (*mouse)(void *opaque, int dx, int dy, int dz, unsigned buttons);
    /* The window was closed. */
    void (*quit)(void *opaque);
    void *opaque;
};

struct display_ops {
    /* Open a window; NULL and the reason in err when there is no display. */
    struct display *(*open)(const char *title, const struct display_input *in, char *err,
                            size_t errlen);
    /* Show a frame of w x h XRGB8888 pixels (pitch in bytes). */
    void (*update)(struct display *d, const uint32_t *pixels, int w, int h, int pitch);
    /* Deliver pending host input through the callbacks; never blocks. */
    void (*poll)(struct display *d);
    void (*close)(struct display *d);
};

#endif
