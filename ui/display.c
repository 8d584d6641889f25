/*
 * display.c - the host display as the machine sees it: whichever of
 * ui/sdl.c and ui/nodisplay.c this bt86 was built with.
 */
#include "ui/display.h"

const struct display_ops ui_display = { display_open, display_update, display_poll, display_close };
