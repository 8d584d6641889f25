/*
 * gdbstub.h - the GDB remote serial protocol over TCP, as QEMU's -s, -S and
 * -gdb tcp::PORT offer it:
 *
 *   bt86 -S -gdb tcp::1234 -kernel k.elf ...    # then, in gdb:
 *   (gdb) target remote :1234
 */
#ifndef BT86_MACHINE_GDBSTUB_H
#define BT86_MACHINE_GDBSTUB_H

struct cpu;

/*
 * Listen on `spec` ("tcp::PORT", "tcp:HOST:PORT", ":PORT" or "PORT").
 * With wait (-S), the guest does not start before gdb connects and resumes
 * it.  Returns -1 with a message on stderr if the address is bad or busy.
 */
int gdbstub_init(const char *spec, int wait);
/* The guest is gone: tell gdb the exit status ("W" packet). */
void gdbstub_exit(int status);

#endif
