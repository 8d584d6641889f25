/*
 * main.c - the command line, as qemu-system-i386 spells it.
 *
 *   bt86 -kernel guest.elf -append "args" -nographic \
 *        -device isa-debug-exit,iobase=0xf4,iosize=0x04
 *
 * Options QEMU has keep QEMU's names and meaning; bt86's own are -backend,
 * -step, -stats and -stats-json.  A bad option or value, or a file named
 * on the command line that cannot be used, is an error with a message and
 * exit status 2 (EXIT_USAGE), never a guess: status 1 is what a guest that
 * writes 0 to isa-debug-exit makes, and harnesses read it as a pass.
 * Everything given is checked before the machine is built, so the first
 * message is about the command line, not about the display.
 */
#define _GNU_SOURCE /* prctl */
#include "config.h"
#include "cpu/cpu_model.h"
#include "base/exit_status.h"
#include "machine/gdbstub.h"
#include "machine/loader.h"
#include "base/log.h"
#include "machine/machine.h"
#include "machine/screen.h"
#include "monitor/monitor.h"
#include "ui/display.h"
#include "ui/drive.h"
#include "ui/options.h"
#include "base/symbols.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "translator/backend.h"
#include "base/chardev.h"
#include "ui/stepper.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/*
 * The one machine of the process.  It is a global only for what has no
 * opaque to carry it, both here in ui/: the stop-signal handler and the
 * atexit() screen dump.  Nothing below ui/ reads it.
 */
static struct machine machine;

/*
 * As QEMU: a signal stops the machine cleanly (statistics, -screendump, the
 * terminal restored).  Another one, a second or more later, kills bt86 the
 * default way, for a bt86 that does not stop.  One sooner is the same
 * request again: timeout(1) sends its signal to the command and then to
 * its whole process group, so bt86 under timeout gets it twice at once.
 */
static struct timespec stop_signal_time;

static void on_stop_signal(int sig)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now); /* async-signal-safe */
    if (machine.stop_signal) {
        if (now.tv_sec - stop_signal_time.tv_sec >= 2 ||
            (now.tv_sec - stop_signal_time.tv_sec == 1 && now.tv_nsec >= stop_signal_time.tv_nsec)) {
            signal(sig, SIG_DFL);
            raise(sig);
        }
        return;
    }
    stop_signal_time = now;
    machine.stop_signal = sig;
    machine.stop = 1;
    cpu_request_exit(&machine.cpu);
}

static void catch_stop_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* -screendump also when bt86 stops on a guest error (fatal.h exits). */
static void screen_at_exit(void)
{
    if (machine.screen)
        screen_exit(&machine);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bt86 [options]\n"
            "\n"
            "Guest:\n"
            "  -kernel FILE        Linux bzImage or multiboot kernel (ELF, i386) to boot\n"
            "  -append CMDLINE     kernel command line\n"
            "  -bios FILE          firmware ROM (a multiple of 64 KiB, at most 16 MiB) to\n"
            "                      start at F000:FFF0, when there is no -kernel\n"
            "  -initrd FILE[,FILE] Linux: the initial ramdisk; multiboot: modules\n"
            "                      (\"file args\", comma separated)\n"
            "  -m SIZE             guest RAM, in MiB or with a M/G suffix (default 128)\n"
            "  -cpu MODEL[,-feat]  the CPU CPUID shows: bt86 (default), max, base, qemu32,\n"
            "                      pentium, pentium2, pentium3, coreduo, n270, kvm32, 486;\n"
            "                      +feat/-feat for fpu pse tsc msr pae cx8 apic sep pge cmov fxsr\n"
            "                      nx (-cpu help)\n"
            "  -smp N              N CPUs, 1 to 8 ([cpus=]N[,sockets=,cores=,threads=])\n"
            "  -machine pc[,accel=tcg]  also -M; the PC is the only machine (-machine help)\n"
            "  -accel tcg[,tb-size=N]  software translation, the only accelerator (tb-size:\n"
            "                      as -tb-size); -enable-kvm and -accel kvm are errors\n"
            "  -name NAME          the window title and the process name\n"
            "Devices and display:\n"
            "  -nographic          no window; COM1 on the terminal, with the Ctrl-A keys\n"
            "  -display sdl|none   the VGA in a window (default when a display is\n"
            "                      available), or no window\n"
            "  -vga std|none       the VGA with Bochs VBE (default), or no VGA\n"
            "  -nodefaults         no default devices: no COM1 on the terminal, no VGA\n"
            "                      (give -serial and -vga std for them)\n"
            "  -screendump FILE    write the screen as a PPM image when bt86 exits\n"
            "  -sendkeys TEXT      type TEXT on the PS/2 keyboard once the guest listens\n"
            "                      (\\n is Enter)\n"
            "  -sendkeys-when TEXT wait with -sendkeys until the text screen shows TEXT\n"
            "  -rtc base=utc|localtime|YYYY-MM-DDTHH:MM:SS\n"
            "                      start time of the RTC (default: the host's UTC time;\n"
            "                      with -icount, 2000-01-01T00:00:00 so runs repeat)\n"
            "  -serial DEV         next COM port (repeatable; default COM1 on stdio):\n"
            "                      stdio (also mon:stdio), vc (the same as stdio: bt86 has\n"
            "                      no virtual console of its own), null, none, file:PATH\n"
            "  -debugcon DEV       port 0xe9 console: stdio, null, file:PATH\n"
            "  -boot [order=]DRIVES[,menu=on|off][,splash-time=MS]\n"
            "                      the firmware's boot order: c disk, d CD-ROM, n network\n"
            "                      (the NIC's iPXE ROM; default cad, as QEMU); menu=on:\n"
            "                      SeaBIOS's boot menu\n"
            "  -global isa-debugcon.iobase=PORT\n"
            "                      -debugcon on another port (SeaBIOS logs to 0x402)\n"
            "  -drive file=IMG[,if=ide][,format=raw][,index=N][,media=disk][,readonly=on]\n"
            "                      an IDE hard disk on a raw image (index 0-3: primary\n"
            "                      master, slave, secondary master, slave)\n"
            "  -hda/-hdb/-hdc/-hdd IMG  the IDE disk at index 0/1/2/3\n"
            "  -cdrom IMG          an ATAPI CD-ROM at index 2 (media=cdrom in -drive)\n"
            "  -snapshot           disk writes go to a temporary file, never to the images\n"
            "  -drive file=IMG,if=virtio[,format=raw][,readonly=on]\n"
            "                      a virtio-blk-pci disk (or if=none,id=ID with\n"
            "                      -device virtio-blk-pci,drive=ID[,serial=S])\n"
            "  -device virtio-rng-pci   a virtio entropy source (the host's getrandom)\n"
            "  -device virtio-serial-pci -device virtconsole,chardev=ID\n"
            "                      a virtio console (one port) on a -chardev\n"
            "  -chardev stdio|null|file,id=ID[,path=FILE]  a backend for virtconsole\n"
            "  -device isa-debug-exit[,iobase=0xf4][,iosize=0x04]\n"
            "                      a guest write of V to iobase exits with (V<<1)|1\n"
            "  -device e1000,netdev=ID[,mac=52:54:00:12:34:56][,romfile=FILE]\n"
            "                      an Intel 82540EM NIC on the PCI bus (Linux: e1000); its\n"
            "                      boot ROM: iPXE's efi-e1000.rom, FILE, or none (romfile=)\n"
            "  -device virtio-net-pci,netdev=ID[,mac=MAC]\n"
            "                      a virtio network device (Linux: virtio_net)\n"
            "  -netdev user,id=ID[,net=10.0.2.0/24][,hostfwd=tcp::HOSTPORT-:GUESTPORT]\n"
            "                      the user network (libslirp): NAT to the host's sockets,\n"
            "                      DHCP gives 10.0.2.15, the host is 10.0.2.2;\n"
            "                      ,tftp=DIR,bootfile=FILE: TFTP and DHCP's boot file (-boot n)\n"
            "  -nic user[,model=e1000|virtio-net-pci][,mac=MAC][,USER OPTIONS]  both at once\n"
            "  -device pc-testdev  QEMU's test device (kvm-unit-tests): ports 0xe0-0xeb,\n"
            "                      IRQ lines at 0x2000, 64 KiB MMIO at 0xff000000\n"
            "  -device help        list the devices\n"
            "  -vnc none, -monitor none  accepted (bt86 has neither)\n"
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
            "  -icount [shift=]N   virtual time from the instruction count, 2^N ns each\n"
            "                      (N 0-10, auto: 3); runs repeat exactly\n"
            "  -backend NAME       translation backend (-backend help lists them)\n"
            "  -tb-size N          translated-code cache of N MiB (default 48); full: flush\n"
            "  -perfmap            name the generated code's blocks for perf in\n"
            "                      /tmp/perf-PID.map (the x86_64 backend)\n"
            "  -stats              print statistics at exit\n"
            "  -stats-json FILE    write statistics as JSON at exit\n"
            "  -version, -h        version, this help\n"
            "\n"
            "Keys on a terminal that is COM1's stdio (as QEMU's -nographic):\n"
            "  Ctrl-A x            exit bt86 (status 0)\n"
            "  Ctrl-A h            list these keys\n"
            "  Ctrl-A Ctrl-A       send Ctrl-A to the guest\n"
            "\n"
            "Exit status:\n"
            "  0    the guest shut down or rebooted under -no-reboot; Ctrl-A x; a signal\n"
            "  odd  isa-debug-exit: the guest wrote V, the status is (V<<1)|1\n"
            "  2    command-line error: a bad option or value, or a file named on the\n"
            "       command line that cannot be used (the guest did not run)\n"
            "  70   bt86 could not go on: an instruction it does not implement yet, out\n"
            "       of memory\n");
}

static const char *need_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "bt86: option %s needs an argument (see bt86 -h)\n", argv[*i]);
        exit(EXIT_USAGE);
    }
    return argv[++*i];
}

/* "bt86: -OPTION VALUE: message", and the usage status. */
static _Noreturn void bad_value(const char *opt, const char *value, const char *msg)
{
    fprintf(stderr, "bt86: %s %s: %s\n", opt, value, msg);
    exit(EXIT_USAGE);
}

/* A file the loader reads later: said now, naming the option, so no other
 * message comes first.  For -initrd, each comma-separated "file args". */
static void check_readable(const char *opt, const char *list, int is_list)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", list);
    char *save = NULL;
    for (char *item = is_list ? strtok_r(buf, ",", &save) : buf; item;
         item = is_list ? strtok_r(NULL, ",", &save) : NULL) {
        char *sp = is_list ? strchr(item, ' ') : NULL;
        if (sp)
            *sp = 0;
        FILE *f = fopen(item, "rb");
        if (!f) {
            fprintf(stderr, "bt86: %s: cannot open '%s': %s\n", opt, item, strerror(errno));
            exit(EXIT_USAGE);
        }
        fclose(f);
    }
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
    int nodefaults = 0, vga_given = 0;
    int snapshot = 0;
    char err[512];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-')
            a++; /* QEMU accepts --option too */
        if (!strcmp(a, "-bios")) {
            o->bios = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-kernel")) {
            o->kernel = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-append")) {
            o->append = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-initrd")) {
            o->initrd = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-m")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_size_mb(v, &o->ram_mb, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-cpu")) {
            const char *v = need_arg(argc, argv, &i);
            char warn[512];
            if (!strcmp(v, "help") || !strcmp(v, "?")) {
                cpu_model_help(stdout);
                return 0;
            }
            if (cpu_model_parse(v, err, sizeof(err), warn, sizeof(warn)) < 0)
                bad_value(a, v, err);
            if (*warn)
                fprintf(stderr, "bt86: warning: -cpu %s: %s\n", v, warn);
        } else if (!strcmp(a, "-smp")) {
            const char *v = need_arg(argc, argv, &i);
            int ncpus = parse_smp(v, err, sizeof(err));
            if (ncpus < 0)
                bad_value(a, v, err);
            o->ncpus = ncpus;
        } else if (!strcmp(a, "-boot")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_boot(v, o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-machine") || !strcmp(a, "-M")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "help") || !strcmp(v, "?")) {
                machine_help(stdout);
                return 0;
            }
            if (parse_machine(v, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-accel")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "help") || !strcmp(v, "?")) {
                accel_help(stdout);
                return 0;
            }
            if (parse_accel(v, o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-enable-kvm")) {
            fprintf(stderr, "bt86: -enable-kvm: bt86 is software only: no KVM "
                            "(leave it out, or use -accel tcg)\n");
            return EXIT_USAGE;
        } else if (!strcmp(a, "-name")) {
            const char *v = need_arg(argc, argv, &i);
            /* name[,debug-threads=on|off][,process=P]: bt86 has one thread. */
            static char name[256];
            snprintf(name, sizeof(name), "%s", v);
            char *comma = strchr(name, ',');
            if (comma)
                *comma = 0;
            if (!strncmp(name, "guest=", 6))
                memmove(name, name + 6, strlen(name + 6) + 1);
            o->name = name;
            const char *proc = strstr(v, ",process=");
            char pname[16];
            snprintf(pname, sizeof(pname), "%.*s", proc ? (int)strcspn(proc + 9, ",") : 15,
                     proc ? proc + 9 : name);
            prctl(PR_SET_NAME, pname, 0, 0, 0);
        } else if (!strcmp(a, "-vnc") || !strcmp(a, "-monitor")) {
            /* Harnesses written for QEMU turn these off explicitly. */
            const char *v = need_arg(argc, argv, &i);
            if (strcmp(v, "none"))
                bad_value(a, v, !strcmp(a, "-vnc") ? "bt86 has no VNC server (only -vnc none)"
                                                   : "bt86 has no QEMU monitor (only -monitor none)");
        } else if (!strcmp(a, "-nodefaults")) {
            nodefaults = 1;
        } else if (!strcmp(a, "-nographic")) {
            o->display = DISPLAY_NONE;
            o->nographic = 1;
        } else if (!strcmp(a, "-display")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "sdl") || !strncmp(v, "sdl,", 4) || !strcmp(v, "gtk") ||
                !strncmp(v, "gtk,", 4) || !strcmp(v, "default")) {
                o->display = DISPLAY_SDL; /* gtk: the window bt86 has */
            } else if (!strcmp(v, "none")) {
                o->display = DISPLAY_NONE;
            } else {
                bad_value(a, v, "unknown display (use sdl or none)");
            }
        } else if (!strcmp(a, "-vga")) {
            const char *v = need_arg(argc, argv, &i);
            if (strcmp(v, "std") && strcmp(v, "none"))
                bad_value(a, v, "bt86 has the standard VGA with Bochs VBE (std) or none");
            o->vga = !strcmp(v, "std");
            vga_given = 1;
        } else if (!strcmp(a, "-screendump")) {
            o->screendump = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-sendkeys")) {
            o->sendkeys = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-sendkeys-when")) {
            o->sendkeys_when = need_arg(argc, argv, &i);
            if (!*o->sendkeys_when) {
                fprintf(stderr, "bt86: -sendkeys-when: the text to wait for is empty\n");
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "-rtc")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_rtc(v, o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-serial")) {
            const char *v = need_arg(argc, argv, &i);
            if (o->nserial == 4) {
                fprintf(stderr, "bt86: too many -serial options (a PC has 4 COM ports)\n");
                return EXIT_USAGE;
            }
            o->serial[o->nserial++] = !strcmp(v, "mon:stdio") ? "stdio" : v;
        } else if (!strcmp(a, "-debugcon")) {
            const char *v = need_arg(argc, argv, &i);
            o->debugcon = !strcmp(v, "mon:stdio") ? "stdio" : v;
        } else if (!strcmp(a, "-global")) {
            /* The one QEMU global bt86 has: where -debugcon listens (SeaBIOS
             * logs to port 0x402). */
            const char *v = need_arg(argc, argv, &i);
            char *end;
            unsigned long port = 0;
            if (!strncmp(v, "isa-debugcon.iobase=", 20))
                port = strtoul(v + 20, &end, 0);
            if (strncmp(v, "isa-debugcon.iobase=", 20) || !v[20] || *end || port > 0xffff)
                bad_value(a, v, "bt86 knows isa-debugcon.iobase=PORT");
            o->debugcon_base = (uint16_t)port;
        } else if (!strcmp(a, "-drive")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_drive(v, o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-hda") || !strcmp(a, "-hdb") || !strcmp(a, "-hdc") ||
                   !strcmp(a, "-hdd")) {
            const char *v = need_arg(argc, argv, &i);
            if (add_hd(v, a[3] - 'a', o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-cdrom")) {
            const char *v = need_arg(argc, argv, &i);
            if (add_cdrom(v, o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-snapshot")) {
            snapshot = 1;
        } else if (!strcmp(a, "-device")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "help") || !strcmp(v, "?")) {
                print_device_list(stdout);
                exit(0);
            }
            if ((is_virtio_device(v) ? parse_virtio_device : parse_device)(v, o, err,
                                                                          sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-chardev")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_chardev(v, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-netdev")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_netdev(v, o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
        } else if (!strcmp(a, "-net")) {
            const char *v = need_arg(argc, argv, &i);
            bad_value(a, v, "QEMU's old -net is not supported: use -nic user,model=e1000, or "
                            "-netdev user,id=n0 -device e1000,netdev=n0");
        } else if (!strcmp(a, "-nic")) {
            const char *v = need_arg(argc, argv, &i);
            if (parse_nic(v, o, err, sizeof(err)) < 0)
                bad_value(a, v, err);
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
                return EXIT_USAGE;
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
            const char *n = strncmp(v, "shift=", 6) ? v : v + 6;
            char *end;
            long shift = strtol(n, &end, 0);
            if (!strncmp(n, "auto", 4) && (!n[4] || n[4] == ','))
                shift = 3; /* QEMU's first guess; bt86 does not adapt it */
            else if ((*end && *end != ',') || end == n || shift < 0 || shift > 10)
                bad_value(a, v, "expected shift=N or N, N from 0 to 10 (2^N ns per instruction), or auto");
            o->icount = 1;
            o->icount_shift = (int)shift;
        } else if (!strcmp(a, "-backend")) {
            const char *v = need_arg(argc, argv, &i);
            if (!strcmp(v, "help")) {
                backend_list(stdout);
                exit(0);
            }
            const struct backend *be = backend_find(v);
            if (!be)
                bad_value(a, v, "unknown backend (-backend help lists them)");
            o->backend = be;
        } else if (!strcmp(a, "-perfmap")) {
            backend_perfmap = 1;
        } else if (!strcmp(a, "-tb-size")) {
            const char *v = need_arg(argc, argv, &i);
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 1 || n > 2048)
                bad_value(a, v, "expected the code cache's size in MiB, 1 to 2048");
            o->tb_size = (size_t)n << 20;
        } else if (!strcmp(a, "-stats")) {
            o->stats = 1;
        } else if (!strcmp(a, "-stats-json")) {
            o->stats_json = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "-version")) {
            printf("bt86 version %s, a binary-translating x86 PC emulator\n", BT86_VERSION);
            return 0;
        } else if (!strcmp(a, "-h") || !strcmp(a, "-help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "bt86: unknown option '%s' (see bt86 -h)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (o->kernel && o->bios) {
        fprintf(stderr, "bt86: -bios and -kernel: bt86 starts a -kernel itself, without "
                        "firmware; give one of them\n");
        return EXIT_USAGE;
    }
    static char default_bios[512];
    if (!o->kernel && !o->bios) {
        /* As a PC boots: the firmware, SeaBIOS, from the disks (-boot). */
        snprintf(default_bios, sizeof(default_bios), "%s/%s", BT86_FIRMWARE_DIR,
                 LOADER_DEFAULT_BIOS);
        if (access(default_bios, R_OK) < 0) {
            fprintf(stderr, "bt86: no guest to run: no -kernel, and no firmware at %s (install "
                            "Debian's seabios, or give -kernel FILE or -bios FILE; see bt86 -h)\n",
                    default_bios);
            return EXIT_USAGE;
        }
        o->bios = default_bios;
    }
    if (o->kernel)
        check_readable("-kernel", o->kernel, 0);
    else
        check_readable("-bios", o->bios, 0);
    if (snapshot)
        set_snapshot_all(o);
    if (virtio_options_finish(o, err, sizeof(err)) < 0 ||
        check_net_options(o, err, sizeof(err)) < 0) {
        fprintf(stderr, "bt86: %s\n", err);
        return EXIT_USAGE;
    }
    if (o->initrd && *o->initrd)
        check_readable("-initrd", o->initrd, 1);
    if (log_path && log_set_file(log_path) < 0)
        return EXIT_USAGE;
    /* As QEMU: -nodefaults drops the default COM1 and VGA, not given ones. */
    if (o->nserial == 0 && !nodefaults)
        o->serial[o->nserial++] = "stdio"; /* COM1 on the terminal, also with a window */
    if (nodefaults && !vga_given)
        o->vga = 0;
    if (!o->rtc_base_set)
        o->rtc_base = o->icount ? 946684800 /* 2000-01-01 */ : (int64_t)time(NULL);
    if (symbols_path && symbols_load(symbols_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "bt86: -symbols: %s\n", err);
        return EXIT_USAGE;
    }
    if (!symbols_path && o->kernel)
        symbols_load(o->kernel, err, sizeof(err)); /* a stripped kernel just has none */
    if (o->sendkeys_when && !o->sendkeys) {
        fprintf(stderr, "bt86: -sendkeys-when waits before typing: give -sendkeys TEXT too\n");
        return EXIT_USAGE;
    }
    /* Written at exit: a path that cannot be written is a command-line
     * error, said now rather than after the whole run. */
    if (o->stats_json) {
        FILE *f = fopen(o->stats_json, "w");
        if (!f) {
            fprintf(stderr, "bt86: -stats-json %s: cannot open for writing: %s\n", o->stats_json,
                    strerror(errno));
            return EXIT_USAGE;
        }
        fclose(f);
    }
    if (gdb_wait && !gdb_spec) {
        fprintf(stderr, "bt86: -S waits for gdb: give -s or -gdb tcp::PORT too\n");
        return EXIT_USAGE;
    }
    if (step && gdb_spec) {
        fprintf(stderr, "bt86: -step and -gdb both want to stop the guest: choose one\n");
        return EXIT_USAGE;
    }
    struct gdbstub *gdb = NULL;
    if (gdb_spec && !(gdb = gdbstub_init(gdb_spec, gdb_wait)))
        return EXIT_USAGE;
    if (step)
        chardev_reserve_stdin(); /* the stepper's commands */
    machine.opt.display_ops = &ui_display;
    catch_stop_signals(); /* before the chardevs, which leave owned signals alone */
    int r = machine_init(&machine);
    if (r)
        return r;
    atexit(screen_at_exit);
    if (gdb)
        gdbstub_attach(gdb, &machine);
    monitor_stats.timing = o->stats || o->stats_json;
    ioport_timing = mem_timing = monitor_stats.timing;
    backend_count_blocks = monitor_stats.timing || step;
    if (step)
        stepper_init(&machine);
    int status = cpu_exec(&machine.cpu);
    machine_exit(&machine, status);
    return status;
}
