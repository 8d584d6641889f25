/* isahash.h - the interface between the shared workload and its two mains. */
#ifndef ISAHASH_H
#define ISAHASH_H

/* core.c: run every group, one isahash_out() line each. */
void isahash_run(void);

/* Provided by each main (isahash.c for the guest, native.c for Linux). */
void isahash_out(const char *line);

#endif
