/*
 * gdbstub.h - the GDB remote serial protocol over TCP, as QEMU's -s, -S and
 * -gdb tcp::PORT offer it:
 *
 *   bt86 -S -gdb tcp::1234 -kernel k.elf ...    # then, in gdb:
 *   (gdb) target remote :1234
 */
#ifndef BT86_MACHINE_GDBSTUB_H
#define BT86_MACHINE_GDBSTUB_H

struct gdbstub;
struct machine;

/*
 * Listen on `spec` ("tcp::PORT", "tcp:HOST:PORT", ":PORT" or "PORT"), before
 * the machine is built, so that a bad address is a command-line error.
 * With wait (-S), the guest does not start before gdb connects and resumes
 * it.  Returns NULL with a message on stderr if the address is bad or busy.
 */
struct gdbstub *gdbstub_init(const char *spec, int wait);
/* Become m's debug front end (m->gdb); with wait, stop before the first block. */
void gdbstub_attach(struct gdbstub *g, struct machine *m);
/* The guest is gone: tell gdb the exit status ("W" packet). */
void gdbstub_exit(struct gdbstub *g, int status);

#endif
