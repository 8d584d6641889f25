/*
 * drive.h - the disk options, as qemu-system-i386 spells them:
 *
 *   -drive file=IMG[,if=ide][,format=raw][,index=N][,media=disk][,readonly=on]
 *          [,snapshot=on][,cache=...][,id=...]
 *   -hda IMG (index 0), -hdb (1), -hdc (2), -hdd (3); -cdrom IMG (index 2,
 *   media=cdrom); -snapshot
 *
 * Each returns 0, or -1 with a message in err that main prints after
 * "bt86: -OPTION VALUE: ".
 */
#ifndef BT86_UI_DRIVE_H
#define BT86_UI_DRIVE_H

#include <stddef.h>

struct machine_options;

int parse_drive(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* -hda..-hdd: the drive at index (0-3). */
int add_hd(const char *file, int index, struct machine_options *o, char *err, size_t errlen);
/* -cdrom: the ATAPI CD-ROM at index 2 (secondary master), as QEMU's. */
int add_cdrom(const char *file, struct machine_options *o, char *err, size_t errlen);
/* -snapshot: every drive's writes go to a temporary file. */
void set_snapshot_all(struct machine_options *o);

#endif
