/*
 * stats.h - what the run cost: -stats (text at exit) and -stats-json FILE.
 */
#ifndef BT86_MACHINE_STATS_H
#define BT86_MACHINE_STATS_H

#include <stdio.h>

struct machine;

void stats_print(struct machine *m, FILE *f);
int stats_write_json(struct machine *m, const char *path);

#endif
