/*
 * nodisplay.c - the display when bt86 is built without SDL2: opening one
 * always fails with the reason, and the machine runs headless.
 */
#include "config.h"
#include "ui/display.h"

#include <stdio.h>

#if !CONFIG_SDL
struct display *display_open(const char *title, const struct display_input *in, char *err,
                             size_t errlen)
{
    snprintf(err, errlen, "this bt86 was built without SDL2 (configure --disable-sdl, or "
                          "libsdl2-dev missing)");
    return NULL;
}

void display_update(struct display *d, const uint32_t *pixels, int w, int h, int pitch)
{
}

void display_poll(struct display *d)
{
}

void display_set_status(struct display *d, const char *status)
{
}

void display_close(struct display *d)
{
}
#endif
