/*
 * screen.h - the machine's display side (machine/screen.c): the VGA shown in a
 * window, host keys and mouse to the i8042, -sendkeys and -screendump.
 * Called from the event loop in machine/pc.c.
 */
#ifndef BT86_MACHINE_SCREEN_H
#define BT86_MACHINE_SCREEN_H

struct machine;

/* Open the display the options ask for (or say why not and run headless). */
int screen_init(struct machine *m);
/* Between blocks: refresh the window when due, take host input, type keys. */
void screen_poll(struct machine *m);
/* How long a halted CPU may sleep, at most ms, before the next refresh. */
int screen_wait_ms(struct machine *m, int ms);
/* At exit: write -screendump and close the window. */
void screen_exit(struct machine *m);

#endif
