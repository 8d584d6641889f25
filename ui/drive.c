/*
 * drive.c - -drive, -hda..-hdd and -snapshot.
 *
 * bt86 has IDE hard disks, ATAPI CD-ROMs and virtio-blk disks on raw
 * images, so anything else QEMU would accept (another format,
 * if=scsi/floppy, two drives at one index) is an error that says so, never
 * silently a different machine.  The virtio devices' -device and -chardev
 * options are here too: a virtio-blk-pci names its drive, a virtconsole
 * its chardev, and those names are resolved once the whole command line
 * is read (virtio_options_finish), since QEMU takes them in any order.
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

static struct virtio_option *new_virtio(struct machine_options *o, char *err, size_t errlen)
{
    int max = (int)(sizeof(o->virtio) / sizeof(o->virtio[0]));
    if (o->nvirtio == max) {
        errorf(err, errlen, "too many virtio devices and drives (bt86 takes %d)", max);
        return NULL;
    }
    return &o->virtio[o->nvirtio++];
}

int parse_drive(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    char *file = NULL;
    char *id = NULL;
    int index = -1, bus = -1, unit = -1, readonly = 0, snapshot = 0, cdrom = 0, r = -1;
    int iface = -1; /* IDE, else VIRTIO_OPT_DRIVE or VIRTIO_OPT_DRIVE_NONE */
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
            if (!strcmp(v, "virtio") || !strcmp(v, "none")) {
                iface = v[0] == 'v' ? VIRTIO_OPT_DRIVE : VIRTIO_OPT_DRIVE_NONE;
            } else if (strcmp(v, "ide")) {
                errorf(err, errlen, "if=%s: bt86's PC has IDE and virtio disks (if=ide, "
                                    "if=virtio, if=none)", v);
                free(t);
                goto out;
            } else {
                iface = -1;
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
        } else if (!strcmp(k, "id")) {
            free(id);
            id = strdup(v);
        } else if (!strcmp(k, "cache") || !strcmp(k, "aio") ||
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
    if (iface >= 0) {
        if (index >= 0 || bus >= 0 || unit >= 0 || cdrom) {
            errorf(err, errlen, "index, bus, unit and media=cdrom are for IDE drives (if=ide)");
            goto out;
        }
        if (iface == VIRTIO_OPT_DRIVE_NONE && (!id || !*id)) {
            errorf(err, errlen, "if=none needs id=ID (for -device virtio-blk-pci,drive=ID)");
            goto out;
        }
        struct virtio_option *vo = new_virtio(o, err, errlen);
        if (!vo)
            goto out;
        *vo = (struct virtio_option){ .kind = iface, .file = strdup(file), .readonly = readonly,
                                      .snapshot = snapshot };
        if (id) {
            vo->id = id;
            id = NULL;
        }
        r = 0;
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
    free(id);
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
    for (int i = 0; i < o->nvirtio; i++)
        o->virtio[i].snapshot = 1;
}

/* -chardev BACKEND,id=ID: the ids a virtconsole may name, with the spec
 * base/chardev.c opens. */
static struct chardev_def {
    char *id, *spec;
} chardevs[8];
static int nchardevs;

int parse_chardev(const char *spec, char *err, size_t errlen)
{
    char *backend = NULL, *id = NULL, *path = NULL;
    int r = -1, first = 1;
    const char *p = spec;
    for (char *t; (t = next_item(&p)); free(t), first = 0) {
        char *eq = strchr(t, '=');
        if (first && !eq) {
            backend = strdup(t);
            continue;
        }
        if (!eq) {
            errorf(err, errlen, "expected KEY=VALUE, not '%s'", t);
            free(t);
            goto out;
        }
        *eq = 0;
        char **slot = !strcmp(t, "id") ? &id : !strcmp(t, "path") ? &path
                    : !strcmp(t, "backend") ? &backend : NULL;
        if (!slot) {
            if (!strcmp(t, "signal") || !strcmp(t, "mux") || !strcmp(t, "logfile"))
                continue; /* stdio's signal=, mux=off: nothing bt86 changes */
            errorf(err, errlen, "unknown property '%s' (bt86 knows id, path)", t);
            free(t);
            goto out;
        }
        free(*slot);
        *slot = strdup(eq + 1);
    }
    if (!backend || !id || !*id) {
        errorf(err, errlen, "expected BACKEND,id=ID (stdio, null or file,path=FILE)");
        goto out;
    }
    if (nchardevs == (int)(sizeof(chardevs) / sizeof(chardevs[0]))) {
        errorf(err, errlen, "too many -chardev options");
        goto out;
    }
    for (int i = 0; i < nchardevs; i++)
        if (!strcmp(chardevs[i].id, id)) {
            errorf(err, errlen, "duplicate chardev id '%s'", id);
            goto out;
        }
    char *s = NULL;
    if (!strcmp(backend, "stdio") || !strcmp(backend, "null")) {
        s = strdup(backend);
    } else if (!strcmp(backend, "file")) {
        if (!path || !*path) {
            errorf(err, errlen, "file needs path=FILE");
            goto out;
        }
        s = malloc(strlen(path) + 6);
        if (s)
            sprintf(s, "file:%s", path);
    } else {
        errorf(err, errlen, "backend '%s': bt86 has stdio, null and file", backend);
        goto out;
    }
    chardevs[nchardevs++] = (struct chardev_def){ id, s };
    id = NULL;
    r = 0;
out:
    free(backend);
    free(id);
    free(path);
    return r;
}

static const char *const virtio_devices[] = { "virtio-blk-pci", "virtio-rng-pci",
                                              "virtio-serial-pci", "virtconsole" };

int is_virtio_device(const char *spec)
{
    size_t len = strcspn(spec, ",");
    for (size_t i = 0; i < sizeof(virtio_devices) / sizeof(virtio_devices[0]); i++)
        if (strlen(virtio_devices[i]) == len && !strncmp(spec, virtio_devices[i], len))
            return 1;
    return 0;
}

int parse_virtio_device(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    size_t len = strcspn(spec, ",");
    int kind = !strncmp(spec, "virtio-blk-pci", len) ? VIRTIO_OPT_BLK
             : !strncmp(spec, "virtio-rng-pci", len) ? VIRTIO_OPT_RNG
             : !strncmp(spec, "virtio-serial-pci", len) ? VIRTIO_OPT_CONSOLE : -1;
    char *drive = NULL, *serial = NULL, *chardev = NULL;
    int r = -1;
    const char *p = spec + len + (spec[len] == ',');
    for (char *t; (t = next_item(&p)); free(t)) {
        char *eq = strchr(t, '=');
        if (!eq) {
            errorf(err, errlen, "expected KEY=VALUE, not '%s'", t);
            free(t);
            goto out;
        }
        *eq = 0;
        char **slot = kind == VIRTIO_OPT_BLK && !strcmp(t, "drive") ? &drive
                    : kind == VIRTIO_OPT_BLK && !strcmp(t, "serial") ? &serial
                    : kind < 0 && !strcmp(t, "chardev") ? &chardev : NULL;
        if (!slot) {
            if (!strcmp(t, "id") || !strcmp(t, "bus") || !strcmp(t, "name") ||
                !strcmp(t, "rng") || !strcmp(t, "max_ports"))
                continue; /* names and placement QEMU needs and bt86 does not */
            errorf(err, errlen, "unknown property '%s' of %.*s", t, (int)len, spec);
            free(t);
            goto out;
        }
        free(*slot);
        *slot = strdup(eq + 1);
    }
    if (kind < 0) { /* virtconsole: the port of the last virtio-serial-pci */
        if (!chardev) {
            errorf(err, errlen, "virtconsole needs chardev=ID");
            goto out;
        }
        int i = o->nvirtio - 1;
        while (i >= 0 && o->virtio[i].kind != VIRTIO_OPT_CONSOLE)
            i--;
        if (i < 0 || o->virtio[i].chardev) {
            errorf(err, errlen, "virtconsole needs a -device virtio-serial-pci before it "
                                "(bt86's has one port)");
            goto out;
        }
        o->virtio[i].chardev = chardev;
        chardev = NULL;
        r = 0;
        goto out;
    }
    if (kind == VIRTIO_OPT_BLK && (!drive || !*drive)) {
        errorf(err, errlen, "virtio-blk-pci needs drive=ID (of a -drive if=none,id=ID)");
        goto out;
    }
    struct virtio_option *vo = new_virtio(o, err, errlen);
    if (!vo)
        goto out;
    *vo = (struct virtio_option){ .kind = kind, .drive_id = drive, .serial = serial };
    drive = serial = NULL;
    r = 0;
out:
    free(drive);
    free(serial);
    free(chardev);
    return r;
}

int virtio_options_finish(struct machine_options *o, char *err, size_t errlen)
{
    for (int i = 0; i < o->nvirtio; i++) {
        struct virtio_option *vo = &o->virtio[i];
        if (vo->kind == VIRTIO_OPT_BLK) {
            int j = 0;
            while (j < o->nvirtio && !(o->virtio[j].kind == VIRTIO_OPT_DRIVE_NONE &&
                                       !strcmp(o->virtio[j].id, vo->drive_id)))
                j++;
            if (j == o->nvirtio)
                return errorf(err, errlen, "-device virtio-blk-pci,drive=%s: no -drive "
                                           "if=none,id=%s", vo->drive_id, vo->drive_id);
            for (int k = 0; k < i; k++)
                if (o->virtio[k].kind == VIRTIO_OPT_BLK && !strcmp(o->virtio[k].drive_id,
                                                                   vo->drive_id))
                    return errorf(err, errlen, "-device virtio-blk-pci,drive=%s: the drive "
                                               "is in use", vo->drive_id);
            vo->file = o->virtio[j].file;
            vo->readonly = o->virtio[j].readonly;
            vo->snapshot = o->virtio[j].snapshot;
        } else if (vo->kind == VIRTIO_OPT_CONSOLE && vo->chardev) {
            int j = 0;
            while (j < nchardevs && strcmp(chardevs[j].id, vo->chardev))
                j++;
            if (j == nchardevs)
                return errorf(err, errlen, "-device virtconsole,chardev=%s: no -chardev with "
                                           "id=%s", vo->chardev, vo->chardev);
            vo->chardev = chardevs[j].spec;
        }
    }
    return 0;
}
