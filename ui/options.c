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
#include "net/net.h"

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

/* QEMU's MAC for the first NIC, 52:54:00:12:34:56, and the next ones up. */
static void default_mac(struct machine_options *o, uint8_t mac[6])
{
    static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    memcpy(mac, qemu_mac, 6);
    mac[5] = (uint8_t)(mac[5] + o->nnic);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char end;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return mac[0] & 1 ? -1 : 0; /* a multicast address is no NIC's */
}

static int is_model(const char *model, size_t n, const char *name)
{
    return n == strlen(name) && !strncmp(model, name, n);
}

/* The NIC a -device or -nic model= names, as bt86 calls it; NULL: none.
 * "virtio" is QEMU's short name for virtio-net-pci in -nic and -net. */
static const char *nic_model(const char *model, size_t n)
{
    if (is_model(model, n, "e1000") || is_model(model, n, "e1000-82540em"))
        return "e1000";
    if (is_model(model, n, "virtio-net-pci") || is_model(model, n, "virtio"))
        return "virtio-net-pci";
    return NULL;
}

static int parse_nic_device(const char *model, const char *spec, struct machine_options *o,
                            char *err, size_t errlen)
{
    if (o->nnic == MACHINE_MAX_NICS)
        return errorf(err, errlen, "at most %d NICs", MACHINE_MAX_NICS);
    struct nic_option *n = &o->nic[o->nnic];
    memset(n, 0, sizeof(*n));
    n->model = model;
    default_mac(o, n->mac);
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, "netdev=", 7) && t[7]) {
            n->netdev = strdup(t + 7);
        } else if (!strncmp(t, "mac=", 4)) {
            if (parse_mac(t + 4, n->mac) < 0)
                return errorf(err, errlen, "mac=%s: expected a unicast XX:XX:XX:XX:XX:XX", t + 4);
        } else if (!strncmp(t, "romfile=", 8) && (!strcmp(model, "e1000") || !t[8])) {
            /* bt86 has a boot ROM for the e1000 only; "none" is fine for any NIC. */
            n->romfile = strdup(t + 8);
        } else if (strncmp(t, "id=", 3) && strncmp(t, "bus=", 4) && strncmp(t, "addr=", 5)) {
            return errorf(err, errlen, "bad property '%s' (%s takes netdev=ID, mac=MAC%s)", t,
                          model, strcmp(model, "e1000") ? "" : ", romfile=FILE");
        }
    }
    if (!n->netdev)
        return errorf(err, errlen, "%s needs netdev=ID (a -netdev user,id=ID)", model);
    o->nnic++;
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
    { "e1000", "PCI", "Intel 82540EM Gigabit Ethernet: netdev=ID[,mac=MAC][,romfile=FILE]" },
    { "e1000-82540em", "PCI", "the same as e1000" },
    { "virtio-net-pci", "PCI", "a virtio network device: netdev=ID[,mac=MAC]" },
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
    size_t model = strcspn(spec, ",");
    /* Not "virtio": QEMU knows that short name only as a -nic/-net model. */
    if (!is_model(spec, model, "virtio") && nic_model(spec, model))
        return parse_nic_device(nic_model(spec, model), spec + model, o, err, errlen);
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

static int add_netdev(struct machine_options *o, const char *id, const char *options, char *err,
                      size_t errlen)
{
    if (o->nnetdev == MACHINE_MAX_NICS)
        return errorf(err, errlen, "at most %d network backends", MACHINE_MAX_NICS);
    for (int i = 0; i < o->nnetdev; i++)
        if (!strcmp(o->netdev[i].id, id))
            return errorf(err, errlen, "a netdev with id=%s exists already", id);
    char msg[256];
    if (netdev_user_check(options, msg, sizeof(msg)) < 0)
        return errorf(err, errlen, "%s", msg);
    o->netdev[o->nnetdev++] = (struct netdev_option){ strdup(id), "user", strdup(options) };
    return 0;
}

/* Splits "TYPE,..." into the id= and the backend's own options. */
static int netdev_spec(const char *spec, char *id, size_t idlen, char *rest, size_t restlen,
                       char *err, size_t errlen)
{
    size_t tl = strcspn(spec, ",");
    if (tl != 4 || strncmp(spec, "user", 4)) {
        if ((tl == 3 && !strncmp(spec, "tap", 3)) || (tl == 6 && !strncmp(spec, "bridge", 6)) ||
            (tl == 6 && !strncmp(spec, "socket", 6)))
            return errorf(err, errlen, "bt86 has only the user network (user)");
        return errorf(err, errlen, "unknown network backend (bt86 has: user)");
    }
    *id = *rest = 0;
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", spec + tl);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, "id=", 3)) {
            snprintf(id, idlen, "%s", t + 3);
        } else {
            size_t used = strlen(rest);
            snprintf(rest + used, restlen - used, "%s%s", used ? "," : "", t);
        }
    }
    return 0;
}

int parse_netdev(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    char id[64], rest[1024];
    if (netdev_spec(spec, id, sizeof(id), rest, sizeof(rest), err, errlen) < 0)
        return -1;
    if (!*id)
        return errorf(err, errlen, "a netdev needs id=NAME");
    return add_netdev(o, id, rest, err, errlen);
}

/* -nic user,model=e1000|virtio-net-pci,mac=...: a backend and its NIC in one. */
int parse_nic(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    if (!strcmp(spec, "none"))
        return 0;
    char id[64], rest[1024], user[1024] = "", model[32] = "e1000", mac[64] = "";
    if (netdev_spec(spec, id, sizeof(id), rest, sizeof(rest), err, errlen) < 0)
        return -1;
    for (char *save = NULL, *t = strtok_r(rest, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, "model=", 6)) {
            snprintf(model, sizeof(model), "%s", t + 6);
        } else if (!strncmp(t, "mac=", 4)) {
            snprintf(mac, sizeof(mac), ",%s", t);
        } else {
            size_t used = strlen(user);
            snprintf(user + used, sizeof(user) - used, "%s%s", used ? "," : "", t);
        }
    }
    const char *nic = nic_model(model, strlen(model));
    if (!nic)
        return errorf(err, errlen, "model=%s: bt86 has e1000 and virtio-net-pci", model);
    if (!*id)
        snprintf(id, sizeof(id), "__nic%d", o->nnic);
    if (add_netdev(o, id, user, err, errlen) < 0)
        return -1;
    char dev[160];
    snprintf(dev, sizeof(dev), ",netdev=%s%s", id, mac);
    return parse_nic_device(nic, dev, o, err, errlen);
}

int check_net_options(struct machine_options *o, char *err, size_t errlen)
{
    for (int i = 0; i < o->nnic; i++) {
        int found = 0;
        for (int k = 0; k < o->nnetdev; k++)
            found |= !strcmp(o->netdev[k].id, o->nic[i].netdev);
        if (!found)
            return errorf(err, errlen, "-device %s,netdev=%s: no -netdev with id=%s",
                          o->nic[i].model, o->nic[i].netdev, o->nic[i].netdev);
        for (int k = 0; k < i; k++)
            if (!strcmp(o->nic[k].netdev, o->nic[i].netdev))
                return errorf(err, errlen, "netdev %s is used by two NICs", o->nic[i].netdev);
    }
    for (int k = 0; k < o->nnetdev; k++) {
        int used = 0;
        for (int i = 0; i < o->nnic; i++)
            used |= !strcmp(o->netdev[k].id, o->nic[i].netdev);
        if (!used)
            fprintf(stderr, "bt86: warning: netdev %s has no NIC (add -device e1000,netdev=%s)\n",
                    o->netdev[k].id, o->netdev[k].id);
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

int parse_accel(const char *spec, struct machine_options *o, char *err, size_t errlen)
{
    size_t len = strcspn(spec, ",");
    if (len == 3 && !strncmp(spec, "tcg", 3)) {
        char buf[256];
        snprintf(buf, sizeof(buf), "%s", spec + len);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            if (!strncmp(t, "tb-size=", 8)) {
                /* QEMU's translation-cache size in MiB: -tb-size's */
                char *end;
                long n = strtol(t + 8, &end, 10);
                if (*end || end == t + 8 || n < 1 || n > 2048)
                    return errorf(err, errlen, "tcg property '%s': expected the code "
                                               "cache's size in MiB, 1 to 2048", t);
                o->tb_size = (size_t)n << 20;
            } else if (strcmp(t, "thread=single")) {
                /* (one host thread is what bt86 runs anyway) */
                return errorf(err, errlen, "unknown tcg property '%s' (bt86 accepts "
                                           "thread=single and tb-size=N)", t);
            }
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
