/*
 * main.c - the command line, as qemu-system-i386 spells it.
 *
 *   bt86 -kernel guest.elf -append "args" -nographic \
 *        -device isa-debug-exit,iobase=0xf4,iosize=0x04
 *
 * Options QEMU has keep QEMU's names and meaning; bt86's own are -backend,
 * -step, -stats and -stats-json.  A bad option or value is an error with a
 * message and exit status 1, never a guess.
 */
#define _GNU_SOURCE /* strptime, timegm, tm_gmtoff */
#include "config.h"
#include "emu/gdbstub.h"
#include "emu/log.h"
#include "emu/machine.h"
#include "emu/monitor.h"
#include "emu/symbols.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "translator/backend.h"
#include "ui/chardev.h"
#include "ui/stepper.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct machine machine;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bt86 [options]\n"
            "\n"
            "Guest:\n"
            "  -kernel FILE        Linux bzImage or multiboot kernel (ELF, i386) to boot\n"
            "  -append CMDLINE     kernel command line\n"
            "  -initrd FILE[,FILE] Linux: the initial ramdisk; multiboot: modules\n"
            "                      (\"file args\", comma separated)\n"
            "  -m SIZE             guest RAM, in MiB or with a M/G suffix (default 128)\n"
            "Devices and display:\n"
            "  -nographic          no window; COM1 on the terminal\n"
            "  -display sdl|none   the VGA in a window (default when a display is\n"
            "                      available), or no window\n"
            "  -vga std|none       the VGA with Bochs VBE (default), or no VGA\n"
            "  -screendump FILE    write the screen as a PPM image when bt86 exits\n"
            "  -sendkeys TEXT      type TEXT on the PS/2 keyboard once the guest listens\n"
            "                      (\\n is Enter)\n"
            "  -sendkeys-when TEXT wait with -sendkeys until the text screen shows TEXT\n"
            "  -rtc base=utc|localtime|YYYY-MM-DDTHH:MM:SS\n"
            "                      start time of the RTC (default: the host's UTC time;\n"
            "                      with -icount, 2000-01-01T00:00:00 so runs repeat)\n"
            "  -serial DEV         next COM port: stdio, null, none, file:PATH (repeatable)\n"
            "  -debugcon DEV       port 0xe9 console: stdio, null, file:PATH\n"
            "  -device isa-debug-exit[,iobase=0xf4][,iosize=0x04]\n"
            "                      a guest write of V to iobase exits with (V<<1)|1\n"
            "  -no-reboot          exit instead of rebooting (after a triple fault)\n"
            "  -no-shutdown        accepted for compatibility\n"
            "Debugging and measurement:\n"
            "  -d ITEM[,ITEM]      logs: in_asm, op, out_asm, int, exec, cpu, monitor (-d help)\n"
            "  -D FILE             write logs to FILE instead of standard error\n"
            "  -symbols FILE       guest symbols for logs, -step and -stats: an ELF or a\n"
            "                      System.map (default: the -kernel ELF's own symbols)\n"
            "  -step               block stepper: stop before each block, commands on stdin\n"
            "                      (COM1 on stdio then only writes; see docs/tutorial.md)\n"
            "  -gdb tcp::PORT      wait for gdb on TCP port PORT (also tcp:HOST:PORT)\n"
            "  -s                  shorthand for -gdb tcp::1234\n"
            "  -S                  do not start the guest before gdb connects and continues\n"
            "  -icount [shift=]N   virtual time from the instruction count (runs repeat exactly)\n"
            "  -backend NAME       translation backend (-backend help lists them)\n"
            "  -stats              print statistics at exit\n"
            "  -stats-json FILE    write statistics as JSON at exit\n"
            "  -version, -h        version, this help\n");
}

static int parse_size_mb(const char *s, uint32_t *mb)
{
    if (!strncmp(s, "size=", 5))
        s += 5;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        return -1;
    switch (*end) {
    case 0: case 'M': case 'm': break;
    case 'G': case 'g': v *= 1024; break;
    case 'K': case 'k': v /= 1024; break;
    default: return -1;
    }
    if (*end && end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
        return -1;
    if (v < 2 || v > 3072) /* the PCI hole starts at 3 GiB */
        return -2;
    *mb = (uint32_t)v;
    return 0;
}

static int parse_debug_exit(const char *spec, struct machine_options *o)
{
    if (strncmp(spec, "isa-debug-exit", 14) || (spec[14] && spec[14] != ','))
        return -1;
    o->debug_exit = 1;
    o->debug_exit_base = 0x501;
    o->debug_exit_size = 2;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec + 14);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq)
            return -2;
        *eq = 0;
        char *end;
        unsigned long v = strtoul(eq + 1, &end, 0);
        if (*end || end == eq + 1 || v > 0xffff)
            return -2;
        if (!strcmp(t, "iobase"))
            o->debug_exit_base = v;
        else if (!strcmp(t, "iosize"))
            o->debug_exit_size = v;
        else
            return -2;
    }
    return 0;
}

/* -rtc base=utc|localtime|DATE[,clock=...][,driftfix=...]: only base matters. */
static int parse_rtc(const char *spec, struct machine_options *o)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    int seen = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, "clock=", 6) || !strncmp(t, "driftfix=", 9))
            continue;
        if (strncmp(t, "base=", 5))
            return -1;
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
                return -1;
            o->rtc_base = (int64_t)timegm(&tm);
        }
        seen = 1;
    }
    o->rtc_base_set = seen;
    return seen ? 0 : -1;
}

static const char *need_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "bt86: option %s needs an argument (see bt86 -h)\n", argv[*i]);
        exit(1);
    }
    return argv[++*i];
}

int main(int argc, char **argv)
{
    struct machine_options *o = &machine.opt;
    o->ram_mb = 128;
    o->vga = 1;
    const char *log_path = NULL;
    const char *gdb_spec = NULL;
    const char *symbols_path = NULL;
    int gdb_wait = 0;
    int step = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-')
            a++; /* QEMU accepts --option too */
        if (!strcmp(a, "-kernel")) {
            o->kernel = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-append")) {
            o->append = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-initrd")) {
            o->initrd = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-m")) {
            const char *v = need_arg(argc, argv, &i);
            int r = parse_size_mb(v, &o->ram_mb);
            if (r == -2) {
                fprintf(stderr, "bt86: -m %s: guest RAM must be between 2 MiB and 3 GiB\n", v);
                return 1;
            }
            if (r < 0) {
                fprintf(stderr, "bt86: -m %s: not a size (try -m 128 or -m 1G)\n", v);
                return 1;
            }
        } else if (!strcmp(a, "-nographic")) {
            o->display = DISPLAY_NONE;
        } else if (!strcmp(a, "-display")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "sdl") || !strncmp(v, "sdl,", 4) || !strcmp(v, "gtk") ||
                !strncmp(v, "gtk,", 4) || !strcmp(v, "default")) {
                o->display = DISPLAY_SDL; /* gtk: the window bt86 has */
            } else if (!strcmp(v, "none")) {
                o->display = DISPLAY_NONE;
            } else {
                fprintf(stderr, "bt86: -display %s: unknown display (use sdl or none)\n", v);
                return 1;
            }
        } else if (!strcmp(a, "-vga")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "std") || !strcmp(v, "none")) {
                o->vga = !strcmp(v, "std");
            } else {
                fprintf(stderr, "bt86: -vga %s: bt86 has the standard VGA with Bochs VBE "
                                "(std) or none\n", v);
                return 1;
            }
        } else if (!strcmp(a, "-screendump")) {
            o->screendump = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-sendkeys")) {
            o->sendkeys = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-sendkeys-when")) {
            o->sendkeys_when = need_arg(argc, argv, &i);
            if (!*o->sendkeys_when) {
                fprintf(stderr, "bt86: -sendkeys-when: the text to wait for is empty\n");
                return 1;
            }
        } else if (!strcmp(a, "-rtc")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_rtc(v, o) < 0) {
                fprintf(stderr, "bt86: -rtc %s: expected base=utc, base=localtime or "
                                "base=YYYY-MM-DDTHH:MM:SS (or YYYY-MM-DD)\n", v);
                return 1;
            }
        } else if (!strcmp(a, "-serial")) {
            const char *v = need_arg(argc, argv, &i);
            if (o->nserial == 4) {
                fprintf(stderr, "bt86: too many -serial options (a PC has 4 COM ports)\n");
                return 1;
            }
            o->serial[o->nserial++] = !strcmp(v, "mon:stdio") ? "stdio" : v;
        } else if (!strcmp(a, "-debugcon")) {
            const char *v = need_arg(argc, argv, &i);
            o->debugcon = !strcmp(v, "mon:stdio") ? "stdio" : v;
        } else if (!strcmp(a, "-device")) {
            const char *v = need_arg(argc, argv, &i);
            int r = parse_debug_exit(v, o);
            if (r == -1) {
                fprintf(stderr, "bt86: -device %s: unknown device (bt86 has: isa-debug-exit)\n", v);
                return 1;
            }
            if (r < 0) {
                fprintf(stderr, "bt86: -device %s: bad property (isa-debug-exit takes "
                                "iobase=N,iosize=N)\n", v);
                return 1;
            }
        } else if (!strcmp(a, "-no-reboot")) {
            o->no_reboot = 1;
        } else if (!strcmp(a, "-no-shutdown")) {
            o->no_shutdown = 1;
        } else if (!strcmp(a, "-d")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "help")) {
                log_help(stdout);
                return 0;
            }
            if (log_parse(v) < 0)
                return 1;
        } else if (!strcmp(a, "-D")) {
            log_path = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-symbols")) {
            symbols_path = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-step")) {
            step = 1;
        } else if (!strcmp(a, "-gdb")) {
            gdb_spec = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-s")) {
            gdb_spec = "tcp::1234";
        } else if (!strcmp(a, "-S")) {
            gdb_wait = 1;
        } else if (!strcmp(a, "-icount")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strncmp(v, "shift=", 6))
                v += 6;
            char *end;
            strtol(v, &end, 0);
            if ((*end && strncmp(end, ",", 1)) || end == v) {
                if (strcmp(v, "auto")) {
                    fprintf(stderr, "bt86: -icount %s: expected shift=N or N\n", v);
                    return 1;
                }
            }
            o->icount = 1;
        } else if (!strcmp(a, "-backend")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "help")) {
                backend_list(stdout);
                exit(0);
            }
            const struct backend *be = backend_find(v);
            if (!be) {
                fprintf(stderr, "bt86: -backend %s: unknown backend (-backend help lists them)\n", v);
                return 1;
            }
            tb_set_backend(be);
        } else if (!strcmp(a, "-stats")) {
            o->stats = 1;
        } else if (!strcmp(a, "-stats-json")) {
            o->stats_json = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-machine") || !strcmp(a, "-M")) {
            const char *v = need_arg(argc, argv, &i);
            if (strncmp(v, "pc", 2) && strncmp(v, "type=pc", 7) && strncmp(v, "isapc", 5)) {
                fprintf(stderr, "bt86: -machine %s: bt86 emulates only the PC (pc)\n", v);
                return 1;
            }
        } else if (!strcmp(a, "-accel")) {
            const char *v = need_arg(argc, argv, &i);
            if (strncmp(v, "tcg", 3)) {
                fprintf(stderr, "bt86: -accel %s: bt86 is a pure software emulator (tcg only)\n", v);
                return 1;
            }
        } else if (!strcmp(a, "-version")) {
            printf("bt86 version %s, a binary-translating x86 PC emulator\n", BT86_VERSION);
            return 0;
        } else if (!strcmp(a, "-h") || !strcmp(a, "-help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "bt86: unknown option '%s' (see bt86 -h)\n", argv[i]);
            return 1;
        }
    }
    if (!o->kernel) {
        fprintf(stderr, "bt86: no guest to run: give a kernel with -kernel FILE (see bt86 -h)\n");
        return 1;
    }
    if (log_path && log_set_file(log_path) < 0)
        return 1;
    if (o->nserial == 0)
        o->serial[o->nserial++] = "stdio"; /* COM1 on the terminal, also with a window */
    if (!o->rtc_base_set)
        o->rtc_base = o->icount ? 946684800 /* 2000-01-01 */ : (int64_t)time(NULL);
    char err[512];
    if (symbols_path && symbols_load(symbols_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "bt86: -symbols: %s\n", err);
        return 1;
    }
    if (!symbols_path)
        symbols_load(o->kernel, err, sizeof(err)); /* a stripped kernel just has none */
    if (o->sendkeys_when && !o->sendkeys) {
        fprintf(stderr, "bt86: -sendkeys-when waits before typing: give -sendkeys TEXT too\n");
        return 1;
    }
    /* Written at exit: a path that cannot be written is a command-line
     * error, said now rather than after the whole run. */
    if (o->stats_json) {
        FILE *f = fopen(o->stats_json, "w");
        if (!f) {
            fprintf(stderr, "bt86: -stats-json %s: cannot open for writing: %s\n", o->stats_json,
                    strerror(errno));
            return 1;
        }
        fclose(f);
    }
    if (gdb_wait && !gdb_spec) {
        fprintf(stderr, "bt86: -S waits for gdb: give -s or -gdb tcp::PORT too\n");
        return 1;
    }
    if (step && gdb_spec) {
        fprintf(stderr, "bt86: -step and -gdb both want to stop the guest: choose one\n");
        return 1;
    }
    if (gdb_spec && gdbstub_init(gdb_spec, gdb_wait) < 0)
        return 1;
    if (step)
        chardev_reserve_stdin(); /* the stepper's commands */
    if (machine_init(&machine) < 0)
        return 1;
    monitor_stats.timing = o->stats || o->stats_json;
    ioport_timing = mem_timing = monitor_stats.timing;
    if (step)
        stepper_init(&machine);
    int status = cpu_exec(&machine.cpu);
    machine_exit(&machine, status);
    return status;
}
