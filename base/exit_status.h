/*
 * exit_status.h - what bt86's exit status means, for scripts and harnesses.
 *
 *   0          the guest shut down (or -no-reboot after a reset, Ctrl-A x, a signal)
 *   odd        isa-debug-exit: the guest wrote V, bt86 exits with (V << 1) | 1
 *   2          usage error: a bad option or value, or a file named on the
 *              command line that cannot be used; the guest never ran
 *   70         bt86 cannot go on: an unimplemented instruction, out of memory
 *
 * None of the errors is odd: a harness that reads isa-debug-exit's 1 as
 * success (the guest wrote 0) never mistakes a bt86 error for a pass.
 * QEMU exits 1 on most of these; 70 is sysexits.h's EX_SOFTWARE.
 */
#ifndef BT86_BASE_EXIT_STATUS_H
#define BT86_BASE_EXIT_STATUS_H

enum {
    EXIT_USAGE = 2,
    EXIT_FATAL = 70,
};

#endif
