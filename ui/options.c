/*
 * options.c - the values of bt86's command-line options, as
 * qemu-system-i386 spells them.
 *
 * bt86 accepts the QEMU options that scripts and test harnesses pass
 * routinely, with QEMU's meaning where bt86 can honour it: -smp 1-8,
 * -machine pc,accel=tcg, -accel tcg.  What it cannot honour (a second
 * ninth CPU, KVM, another board) is an error that says why, never ignored:
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

int parse_device(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    if (strncmp(spec, "isa-debug-exit", 14) || (spec[14] && spec[14] != ','))
        return errorf(err, errlen, "unknown device (bt86 has: isa-debug-exit)");
    o->debug_exit = 1;
    o->debug_exit_base = 0x501;
    o->debug_exit_size = 2;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec + 14);
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
    int first = 1, given = 0; /* bits: sockets, cores, threads */
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save), first = 0) {
        const char *eq = strchr(t, '=');
        size_t klen = eq ? (size_t)(eq - t) + 1 : 0;
        if (first && !eq) {
            if (!count_of(t, &cpus))
                return errorf(err, errlen, "expected a CPU count, 1 to %d", SMP_MAX_CPUS);
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
            given |= i == 0 ? 1 : i == 3 ? 2 : i == 4 ? 4 : 0;
        }
    }
    /* QEMU: without a count, the topology's product is the count. */
    if (!cpus)
        cpus = product;
    if (cpus > SMP_MAX_CPUS)
        return errorf(err, errlen, "%lu CPUs: bt86 emulates 1 to %d", cpus, SMP_MAX_CPUS);
    /* QEMU: a topology given in full must multiply out to the count; a
     * level left out is what the count leaves for it. */
    if (given == 7 ? product != cpus : cpus % product != 0)
        return errorf(err, errlen, "the topology gives %lu CPUs, not %lu", product, cpus);
    if (maxcpus && maxcpus != cpus)
        return errorf(err, errlen, "maxcpus=%lu: bt86 has no CPU hotplug (maxcpus must be %lu)",
                      maxcpus, cpus);
    return (int)cpus;
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
