/*
 * stepper.h - the block stepper (-step): a line-oriented console that
 * stops before each translated block and shows its guest code (with each
 * instruction's class) and the backend code it became.
 *
 * Commands come from standard input and answers go to standard output, so
 * a script can drive it through a pipe:
 *
 *   printf 'step\nregs\ncontinue\n' | bt86 -step -kernel k.elf
 *
 * The guest's COM1 still writes to standard output but reads nothing.
 */
#ifndef BT86_UI_STEPPER_H
#define BT86_UI_STEPPER_H

struct machine;

/* Take standard input and stop before the guest's first block. */
void stepper_init(struct machine *m);

#endif
