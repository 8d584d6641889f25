/*
 * drive.c - -drive, -hda..-hdd and -snapshot.
 *
 * bt86 has IDE hard disks and ATAPI CD-ROMs on raw images, so anything else
 * QEMU would accept (another format, if=virtio/scsi/floppy, two drives at
 * one index) is an error that says so, never silently a different machine.
 * Unlike QEMU, which refuses a read-only IDE hard disk, readonly=on is
 * allowed: the guest reads it, and its writes end in ABRT.
 */
#include "ui/drive.h"

#include "machine/machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int errorf(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errorf(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* on/off as QEMU's boolean properties; -1 if neither. */
static int boolean(const char *v)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        return 1;
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        return 0;
    return -1;
}

/* The next KEY=VALUE of spec, with QEMU's ",," for a comma in a value;
 * returns a malloc'ed copy with the comma doubling undone, or NULL at the end. */
static char *next_item(const char **p)
{
    if (!**p)
        return NULL;
    size_t len = strlen(*p);
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    const char *s = *p;
    while (*s) {
        if (*s == ',') {
            if (s[1] == ',') {
                *o++ = ',';
                s += 2;
                continue;
            }
            s++;
            break;
        }
        *o++ = *s++;
    }
    *o = 0;
    *p = s;
    return out;
}

static int set_drive(struct machine_options *o, int index, const char *file, int readonly,
                     int snapshot, int cdrom, char *err, size_t errlen)
{
    if (index < 0) {
        for (index = 0; index < 4 && o->drive[index].file; index++)
            ;
        if (index == 4)
            return errorf(err, errlen, "the IDE bus is full (four drives: indexes 0-3)");
    }
    if (o->drive[index].file)
        return errorf(err, errlen, "drive with bus=%d, unit=%d (index=%d) exists", index / 2,
                      index % 2, index);
    char *f = strdup(file);
    if (!f)
        return errorf(err, errlen, "out of memory");
    o->drive[index] = (struct drive_option){ f, readonly || cdrom, snapshot, cdrom };
    return 0;
}

int parse_drive(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    char *file = NULL;
    int index = -1, bus = -1, unit = -1, readonly = 0, snapshot = 0, cdrom = 0, r = -1;
    const char *p = spec;
    for (char *t; (t = next_item(&p)); free(t)) {
        char *eq = strchr(t, '=');
        if (!eq) {
            errorf(err, errlen, "expected KEY=VALUE, not '%s'", t);
            free(t);
            goto out;
        }
        *eq = 0;
        const char *k = t, *v = eq + 1;
        char *end;
        if (!strcmp(k, "file")) {
            free(file);
            file = strdup(v);
        } else if (!strcmp(k, "if")) {
            if (!strcmp(v, "virtio")) {
                errorf(err, errlen, "if=virtio: bt86 has no virtio-blk yet (use if=ide)");
                free(t);
                goto out;
            }
            if (strcmp(v, "ide")) {
                errorf(err, errlen, "if=%s: bt86's PC has IDE disks only (if=ide)", v);
                free(t);
                goto out;
            }
        } else if (!strcmp(k, "format")) {
            if (strcmp(v, "raw")) {
                errorf(err, errlen, "format=%s: bt86 reads raw images only (format=raw)", v);
                free(t);
                goto out;
            }
        } else if (!strcmp(k, "index") || !strcmp(k, "bus") || !strcmp(k, "unit")) {
            long n = strtol(v, &end, 10);
            long max = !strcmp(k, "index") ? 3 : 1;
            if (!*v || *end || n < 0 || n > max) {
                errorf(err, errlen, "%s=%s: expected 0 to %ld for IDE", k, v, max);
                free(t);
                goto out;
            }
            *(!strcmp(k, "index") ? &index : !strcmp(k, "bus") ? &bus : &unit) = (int)n;
        } else if (!strcmp(k, "media")) {
            if (!strcmp(v, "cdrom"))
                cdrom = 1;
            else if (strcmp(v, "disk")) {
                errorf(err, errlen, "media=%s: expected disk or cdrom", v);
                free(t);
                goto out;
            }
        } else if (!strcmp(k, "readonly") || !strcmp(k, "snapshot")) {
            int b = boolean(v);
            if (b < 0) {
                errorf(err, errlen, "%s=%s: expected on or off", k, v);
                free(t);
                goto out;
            }
            *(!strcmp(k, "readonly") ? &readonly : &snapshot) = b;
        } else if (!strcmp(k, "cache") || !strcmp(k, "aio") || !strcmp(k, "id") ||
                   !strcmp(k, "discard") || !strcmp(k, "werror") || !strcmp(k, "rerror")) {
            /* How QEMU's host side does I/O: nothing the guest sees. */
        } else {
            errorf(err, errlen, "unknown property '%s' (bt86 knows file, if, format, index, "
                                "bus, unit, media, readonly, snapshot)", k);
            free(t);
            goto out;
        }
    }
    if (!file || !*file) {
        errorf(err, errlen, "no image: give file=IMG");
        goto out;
    }
    if (index >= 0 && (bus >= 0 || unit >= 0)) {
        errorf(err, errlen, "index cannot be used with bus and unit");
        goto out;
    }
    if (bus >= 0 || unit >= 0)
        index = (bus < 0 ? 0 : bus) * 2 + (unit < 0 ? 0 : unit);
    r = set_drive(o, index, file, readonly, snapshot, cdrom, err, errlen);
out:
    free(file);
    return r;
}

int add_hd(const char *file, int index, struct machine_options *o, char *err, size_t errlen)
{
    if (!*file)
        return errorf(err, errlen, "no image named");
    return set_drive(o, index, file, 0, 0, 0, err, errlen);
}

int add_cdrom(const char *file, struct machine_options *o, char *err, size_t errlen)
{
    if (!*file)
        return errorf(err, errlen, "no image named");
    return set_drive(o, 2, file, 1, 0, 1, err, errlen);
}

void set_snapshot_all(struct machine_options *o)
{
    for (int i = 0; i < 4; i++)
        o->drive[i].snapshot = 1;
}
