/*
 * chardev.h - character backends for serial ports and debug consoles.
 *
 * Specs follow QEMU's -serial / -debugcon syntax:
 *   stdio      the terminal (or whatever stdin/stdout are); only one chardev
 *              owns stdin, later stdio chardevs are output-only.
 *              "stdio,signal=off" also passes Ctrl-C to the guest (as with
 *              QEMU's -nographic).  On a terminal, Ctrl-A is an escape:
 *              Ctrl-A x quits, Ctrl-A h prints help, Ctrl-A Ctrl-A sends Ctrl-A.
 *   vc[:...]   a virtual console; without a display, the same as stdio
 *   null       discards output, never has input
 *   none       like null; chardev_is_none() tells the machine to omit the device
 *   file:PATH  output to PATH (created or truncated), no input
 *
 *   char err[256];
 *   struct chardev *c = chardev_open("file:serial.log", err, sizeof(err));
 *   if (!c) { fprintf(stderr, "bt86: -serial: %s\n", err); exit(1); }
 *   chardev_write(c, (const uint8_t *)"hi\n", 3);
 */
#ifndef BT86_BASE_CHARDEV_H
#define BT86_BASE_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

struct chardev;

/* NULL and a message in err on a bad spec or a file that cannot be opened. */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
/* Something else (the block stepper) reads stdin: stdio chardevs only write. */
void chardev_reserve_stdin(void);
/* A chardev on existing descriptors (either may be -1); they are not closed by
 * chardev_close.  Input is read with poll+read, so in_fd may stay blocking. */
struct chardev *chardev_open_fds(int in_fd, int out_fd);

void chardev_write(struct chardev *chr, const uint8_t *buf, size_t n);
/* Non-blocking: 1 and *byte set if a byte was available, else 0. */
int chardev_read(struct chardev *chr, uint8_t *byte);
/* With nothing buffered, only every n-th chardev_read() polls the input
 * descriptor (1, the default: every one).  A count, not host time, so that
 * under -icount input from a file arrives at the same instruction in every
 * run. */
void chardev_poll_every(struct chardev *chr, unsigned n);
/* The next chardev_read() with nothing buffered polls: the caller's own
 * poll(2) said the descriptor is readable. */
void chardev_kick(struct chardev *chr);
/* Bytes already taken from the fd and buffered (poll on the fd will not see them). */
int chardev_pending(struct chardev *chr);
/* The input descriptor to poll for readability, or -1 (no input, or EOF seen). */
int chardev_fd(struct chardev *chr);
int chardev_is_none(struct chardev *chr);
void chardev_close(struct chardev *chr);

/* Put the terminal back as it was (safe to call any time, also repeatedly). */
void chardev_restore_terminal(void);

#endif
