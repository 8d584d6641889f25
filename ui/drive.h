/*
 * drive.h - the disk options, as qemu-system-i386 spells them:
 *
 *   -drive file=IMG[,if=ide][,format=raw][,index=N][,media=disk][,readonly=on]
 *          [,snapshot=on][,cache=...][,id=...]
 *   -drive file=IMG,if=virtio[,readonly=on]: a virtio-blk-pci function
 *   -drive file=IMG,if=none,id=ID with -device virtio-blk-pci,drive=ID[,serial=S]
 *   -device virtio-rng-pci; -device virtio-serial-pci -device virtconsole,chardev=ID
 *   -chardev stdio|null|file,id=ID[,path=FILE]
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

/* -chardev: a backend a virtconsole names by id. */
int parse_chardev(const char *spec, char *err, size_t errlen);
/* -device VALUE names a virtio device (parse_virtio_device takes it). */
int is_virtio_device(const char *spec);
int parse_virtio_device(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* After the whole command line: drive= and chardev= names resolved. */
int virtio_options_finish(struct machine_options *o, char *err, size_t errlen);

#endif
