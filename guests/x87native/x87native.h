/* x87native.h - the interface between the shared x87 workload and its two mains. */
#ifndef X87NATIVE_H
#define X87NATIVE_H

/* core.c: run every case, one x87n_out() line each. */
void x87n_run(void);

/* Provided by each main (x87native.c for the guest, native.c for Linux). */
void x87n_out(const char *line);

#endif
