/*
 * options.c - the values of bt86's command-line options, as
 * qemu-system-i386 spells them.
 *
 * bt86 accepts the QEMU options that scripts and test harnesses pass
 * routinely, with QEMU's meaning where bt86 can honour it: -smp 1,
 * -machine pc,accel=tcg, -accel tcg.  What it cannot honour (a second
 * CPU, KVM, another board) is an error that says why, never ignored:
 * a harness must not believe it tested what it did not.
 */
#define _GNU_SOURCE /* strptime, timegm, tm_gmtoff */
#include "ui/options.h"

#include "machine/machine.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int parse_size_mb(const char *s, uint32_t *mb, char *err, size_t errlen)
{
    if (!strncmp(s, "size=", 5))
        s += 5;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        return errorf(err, errlen, "not a size (try -m 128 or -m 1G)");
    switch (*end) {
    case 0: case 'M': case 'm': break;
    case 'G': case 'g': v *= 1024; break;
    case 'K': case 'k': v /= 1024; break;
    default: return errorf(err, errlen, "not a size (try -m 128 or -m 1G)");
    }
    if (*end && end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
        return errorf(err, errlen, "not a size (try -m 128 or -m 1G)");
    if (v < 2 || v > 3072) /* the PCI hole starts at 3 GiB */
        return errorf(err, errlen, "guest RAM must be between 2 MiB and 3 GiB");
    *mb = (uint32_t)v;
    return 0;
}

/* The devices -device creates, as QEMU lists them for -device help (test
 * harnesses grep that list for a device's quoted name before using it). */
static const struct {
    const char *name, *bus, *desc;
} device_list[] = {
    { "isa-debug-exit", "ISA", "a guest write of V to iobase exits with (V<<1)|1" },
    { "pc-testdev", "ISA", "QEMU's test device: scratch ports 0xe0/0xe8, IRQ lines at 0x2000, MMIO at 0xff000000" },
    { "virtio-blk-pci", "PCI", "a virtio disk: drive=ID (a -drive if=none,id=ID)[,serial=S]" },
    { "virtio-rng-pci", "PCI", "a virtio entropy source (the host's getrandom)" },
    { "virtio-serial-pci", "PCI", "a virtio console device with one port" },
    { "virtconsole", "virtio-serial-bus", "the console port: chardev=ID (a -chardev)" },
};

void print_device_list(FILE *f)
{
    fprintf(f, "Misc devices:\n");
    for (size_t i = 0; i < sizeof(device_list) / sizeof(device_list[0]); i++)
        fprintf(f, "name \"%s\", bus %s, desc \"%s\"\n", device_list[i].name, device_list[i].bus,
                device_list[i].desc);
}

static int parse_debug_exit(const char *props, struct machine_options *o, char *err, size_t errlen)
{
    o->debug_exit = 1;
    o->debug_exit_base = 0x501;
    o->debug_exit_size = 2;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", props);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        char *end = NULL;
        unsigned long v = eq ? strtoul(eq + 1, &end, 0) : 0;
        if (!eq || *end || end == eq + 1 || v > 0xffff ||
            (strncmp(t, "iobase=", 7) && strncmp(t, "iosize=", 7)))
            return errorf(err, errlen, "bad property (isa-debug-exit takes iobase=N,iosize=N)");
        if (!strncmp(t, "iobase=", 7))
            o->debug_exit_base = v;
        else
            o->debug_exit_size = v;
    }
    return 0;
}

/* DEVICE[,PROP=V...]: true when spec names `name` (followed by nothing or a comma). */
static int device_is(const char *spec, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(spec, name, n) && (!spec[n] || spec[n] == ',');
}

int parse_device(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    if (device_is(spec, "isa-debug-exit"))
        return parse_debug_exit(spec + strlen("isa-debug-exit"), o, err, errlen);
    if (device_is(spec, "pc-testdev")) {
        if (spec[strlen("pc-testdev")])
            return errorf(err, errlen, "pc-testdev has no properties");
        o->pc_testdev = 1;
        return 0;
    }
    return errorf(err, errlen, "unknown device (-device help lists them)");
}

static const char rtc_expected[] =
    "expected base=utc, base=localtime or base=YYYY-MM-DDTHH:MM:SS (or YYYY-MM-DD)";

/* Only base matters: bt86's RTC always follows the guest's virtual clock. */
int parse_rtc(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    int seen = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, "clock=", 6) || !strncmp(t, "driftfix=", 9))
            continue;
        if (strncmp(t, "base=", 5))
            return errorf(err, errlen, "%s", rtc_expected);
        const char *b = t + 5;
        time_t now = time(NULL);
        if (!strcmp(b, "utc")) {
            o->rtc_base = now;
        } else if (!strcmp(b, "localtime")) {
            struct tm lt;
            localtime_r(&now, &lt);
            o->rtc_base = (int64_t)now + lt.tm_gmtoff;
        } else {
            struct tm tm = { 0 };
            const char *end = strptime(b, "%Y-%m-%dT%H:%M:%S", &tm);
            if (!end || *end) {
                memset(&tm, 0, sizeof(tm));
                end = strptime(b, "%Y-%m-%d", &tm);
            }
            if (!end || *end)
                return errorf(err, errlen, "%s", rtc_expected);
            o->rtc_base = (int64_t)timegm(&tm);
        }
        seen++;
    }
    o->rtc_base_set = seen;
    return seen ? 0 : errorf(err, errlen, "%s", rtc_expected);
}

/* A count in an option: a positive decimal number. */
static int count_of(const char *s, unsigned long *n)
{
    char *end;
    errno = 0;
    *n = strtoul(s, &end, 10);
    return !errno && end != s && !*end && *n > 0 && s[0] != '-';
}

int parse_smp(const char *spec, char *err, size_t errlen)
{
    static const char *const topology[] = { "sockets=", "dies=", "clusters=", "cores=",
                                            "threads=" };
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    unsigned long cpus = 0, product = 1, maxcpus = 0, n;
    int first = 1;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save), first = 0) {
        const char *eq = strchr(t, '=');
        size_t klen = eq ? (size_t)(eq - t) + 1 : 0;
        if (first && !eq) {
            if (!count_of(t, &cpus))
                return errorf(err, errlen, "expected a CPU count (bt86 has one CPU: -smp 1)");
            continue;
        }
        if (!eq || !count_of(eq + 1, &n))
            return errorf(err, errlen, "expected cpus=N,sockets=N,dies=N,clusters=N,cores=N,"
                                       "threads=N,maxcpus=N with positive counts");
        if (!strncmp(t, "cpus=", klen)) {
            cpus = n;
        } else if (!strncmp(t, "maxcpus=", klen)) {
            maxcpus = n;
        } else {
            size_t i = 0;
            while (i < sizeof(topology) / sizeof(topology[0]) && strncmp(t, topology[i], klen))
                i++;
            if (i == sizeof(topology) / sizeof(topology[0]))
                return errorf(err, errlen, "unknown property '%.*s'", (int)klen - 1, t);
            product *= n;
        }
    }
    /* QEMU: without a count, the topology's product is the count. */
    if (!cpus)
        cpus = product;
    if (cpus > 1 || product > 1 || maxcpus > 1)
        return errorf(err, errlen, "bt86 emulates one CPU for now (use -smp 1)");
    return 0;
}

static const char *const hardware_accels[] = { "kvm", "hvf", "whpx", "xen", "nvmm", "hax" };

static int is_hardware_accel(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(hardware_accels) / sizeof(hardware_accels[0]); i++)
        if (strlen(hardware_accels[i]) == len && !strncmp(hardware_accels[i], name, len))
            return 1;
    return 0;
}

/* accel=A[:B...]: QEMU tries each in turn, so tcg anywhere in it will do. */
static int check_accel_list(const char *list, char *err, size_t errlen)
{
    const char *first_hw = NULL;
    size_t first_hw_len = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ":");
        if (len == 3 && !strncmp(p, "tcg", 3))
            return 0;
        if (!is_hardware_accel(p, len))
            return errorf(err, errlen, "unknown accelerator '%.*s' (bt86 has tcg)", (int)len, p);
        if (!first_hw) {
            first_hw = p;
            first_hw_len = len;
        }
        p += len + (p[len] == ':');
    }
    if (first_hw)
        return errorf(err, errlen, "bt86 is software only: no %.*s (use tcg, or leave it out)",
                      (int)first_hw_len, first_hw);
    return errorf(err, errlen, "no accelerator named (bt86 has tcg)");
}

int parse_machine(const char *spec, char *err, size_t errlen)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    int first = 1;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save), first = 0) {
        char *eq = strchr(t, '=');
        if ((first && !eq) || !strncmp(t, "type=", 5)) {
            const char *type = eq ? eq + 1 : t;
            /* pc is QEMU's alias of the newest pc-i440fx-X.Y.  Not isapc:
             * bt86's PC has a PCI host bridge, which isapc lacks. */
            if (strcmp(type, "pc") && strncmp(type, "pc-i440fx-", 10))
                return errorf(err, errlen, "unknown or unsupported machine '%s': bt86 emulates "
                                           "only the PC (pc; see -machine help)", type);
            continue;
        }
        if (!eq)
            return errorf(err, errlen, "expected a machine type or PROPERTY=VALUE");
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(t, "accel")) {
            if (check_accel_list(v, err, errlen) < 0)
                return -1;
        } else if (!strcmp(t, "usb") || !strcmp(t, "vmport") || !strcmp(t, "hpet")) {
            /* Devices bt86's PC does not have: off is what it is. */
            if (strcmp(v, "off") && strcmp(v, "false") && strcmp(v, "no"))
                return errorf(err, errlen, "bt86's PC has no %s (only %s=off)", t, t);
        } else {
            return errorf(err, errlen, "unknown machine property '%s' (bt86 knows accel=tcg, "
                                       "usb=off, vmport=off, hpet=off)", t);
        }
    }
    return 0;
}

int parse_accel(const char *spec, char *err, size_t errlen)
{
    size_t len = strcspn(spec, ",");
    if (len == 3 && !strncmp(spec, "tcg", 3)) {
        /* Properties of QEMU's TCG that change nothing bt86 shows the guest. */
        char buf[256];
        snprintf(buf, sizeof(buf), "%s", spec + len);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            if (strcmp(t, "thread=single") && strncmp(t, "tb-size=", 8))
                return errorf(err, errlen, "unknown tcg property '%s' (bt86 accepts "
                                           "thread=single and tb-size=N)", t);
        }
        return 0;
    }
    if (is_hardware_accel(spec, len))
        return errorf(err, errlen, "bt86 is software only: no %.*s (use -accel tcg, or leave "
                                   "it out)", (int)len, spec);
    return errorf(err, errlen, "unknown accelerator '%.*s' (bt86 has tcg)", (int)len, spec);
}

/* QEMU's letters; SeaBIOS reads the order from CMOS as QEMU's pc writes it. */
static int boot_letters(const char *v, struct machine_options *o, char *err, size_t errlen)
{
    size_t n = strlen(v);
    for (size_t i = 0; i < n; i++) {
        if (!strchr("abcdnop", v[i]))
            return errorf(err, errlen, "invalid boot device '%c' (a, b: floppy; c: disk; "
                                       "d: CD-ROM; n-p: network)", v[i]);
        if (memchr(v, v[i], i))
            return errorf(err, errlen, "boot device '%c' was given twice", v[i]);
    }
    if (n > 3)
        return errorf(err, errlen, "too many boot devices for PC (at most 3)");
    snprintf(o->boot_order, sizeof(o->boot_order), "%s", v);
    return 0;
}

static int on_off(const char *v, int *out)
{
    if (!strcmp(v, "on"))
        *out = 1;
    else if (!strcmp(v, "off"))
        *out = 0;
    else
        return -1;
    return 0;
}

int parse_boot(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    int first = 1;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save), first = 0) {
        char *eq = strchr(t, '=');
        if (first && !eq) {
            if (boot_letters(t, o, err, errlen) < 0)
                return -1;
            continue;
        }
        if (!eq)
            return errorf(err, errlen, "expected order=DRIVES, menu=on|off or splash-time=MS");
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(t, "order")) {
            if (boot_letters(v, o, err, errlen) < 0)
                return -1;
        } else if (!strcmp(t, "menu")) {
            if (on_off(v, &o->boot_menu) < 0)
                return errorf(err, errlen, "menu expects 'on' or 'off'");
        } else if (!strcmp(t, "splash-time")) {
            char *end;
            errno = 0;
            long ms = strtol(v, &end, 10);
            if (errno || end == v || *end || ms < 0 || ms > 0xffff)
                return errorf(err, errlen, "splash-time expects milliseconds, 0 to 65535");
            o->boot_menu_wait = (int)ms;
        } else {
            return errorf(err, errlen, "unknown boot property '%s' (bt86 knows order, menu, "
                                       "splash-time)", t);
        }
    }
    return 0;
}

void machine_help(FILE *f)
{
    fprintf(f, "Supported machines are:\n"
               "pc                   the PC bt86 emulates (default): 8259A pair, 8254 PIT,\n"
               "                     MC146818 RTC, i8042 with PS/2 keyboard and mouse, COM1-4,\n"
               "                     VGA with Bochs VBE, i440FX PCI with PIIX3 (IDE disks and\n"
               "                     CD-ROM); one i686 CPU\n"
               "pc-i440fx-X.Y        the same (QEMU's versioned names of pc)\n"
               "Properties: accel=tcg (kvm:tcg also), usb=off, vmport=off, hpet=off\n");
}

void accel_help(FILE *f)
{
    fprintf(f, "Accelerators supported in QEMU binary:\ntcg\n");
}
