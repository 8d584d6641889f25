/*
 * machine.h - the PC around the CPU, as the run loop sees it.
 */
#ifndef BT86_MACHINE_MACHINE_H
#define BT86_MACHINE_MACHINE_H

#include "cpu/cpu.h"
#include "base/timer.h"
#include "machine/debug.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"

#include <stddef.h>
#include <stdint.h>

struct backend;
struct block;
struct chardev;
struct acpi_pm;
struct display_ops;
struct gdbstub;
struct fw_cfg;
struct hpet;
struct i440fx;
struct piix3;
struct piix_ide;
struct i8042;
struct ioapic;
struct lapic;
struct lapic_bus;
struct mem_region;
struct pci_host;
struct netdev;
struct e1000;
struct pic;
struct port80;
struct ps2kbd;
struct ps2mouse;
struct rtc;
struct screen;
struct vga;
struct virtio_console;
struct pit;
struct pam_seg;
struct port61;
struct port92;
struct port_cf9;
struct uart;

#define MACHINE_MAX_NICS 4

struct machine_options {
    uint32_t ram_mb;
    const char *kernel;
    const char *bios;       /* -bios: the firmware ROM, used when there is no -kernel */
    char boot_order[4];     /* -boot order=: QEMU's drive letters; "": QEMU's cad */
    int boot_menu;          /* -boot menu=on */
    int boot_menu_wait;     /* -boot splash-time=MS; 0: SeaBIOS's default */
    const char *initrd;
    const char *append;
    const char *serial[4];
    int nserial;
    const char *debugcon;
    uint16_t debugcon_base; /* -global isa-debugcon.iobase; 0: 0xe9 */
    int debug_exit;
    uint16_t debug_exit_base, debug_exit_size;
    int pc_testdev; /* -device pc-testdev */
    int no_reboot;
    int no_shutdown;
    int icount; /* -icount: virtual time from the instruction count */
    int icount_shift; /* -icount shift=N: 2^N ns of virtual time per instruction */
    int ncpus;  /* -smp: 1..MACHINE_MAX_CPUS; 0 means 1 */
    int stats;
    const char *stats_json;
    int display;            /* DISPLAY_xxx */
    int nographic;          /* -nographic: the firmware mirrors its screen on COM1 */
    int vga;                /* 0 with -vga none */
    const char *screendump; /* -screendump FILE.ppm: the screen at exit */
    const char *sendkeys;   /* -sendkeys TEXT: typed on the PS/2 keyboard */
    const char *sendkeys_when; /* -sendkeys-when TEXT: ...once the screen shows TEXT */
    int64_t rtc_base;       /* Unix time of the RTC at virtual time 0 */
    int rtc_base_set;
    const char *name;       /* -name: the window title */
    const struct backend *backend; /* -backend; NULL: the default */
    size_t tb_size;         /* -tb-size in bytes; 0: the default */
    /* IDE drives by index (0 primary master .. 3 secondary slave): -drive, -hda.. */
    struct drive_option {
        const char *file; /* NULL: no drive there */
        int readonly;
        int snapshot;     /* snapshot=on, or -snapshot for all */
        int cdrom;        /* media=cdrom, -cdrom: an ATAPI CD-ROM (read-only) */
    } drive[4];
    /* virtio-pci functions (ui/drive.c): -device virtio-*-pci in order, then
     * -drive if=virtio, as QEMU plugs them; -drive if=none waits for a
     * -device virtio-blk-pci,drive=ID. */
    struct virtio_option {
        int kind;             /* VIRTIO_OPT_xxx */
        const char *file;     /* an image: if=virtio or if=none */
        const char *id;       /* if=none,id=ID */
        const char *drive_id; /* -device virtio-blk-pci,drive=ID */
        const char *serial;   /* GET_ID's answer */
        const char *chardev;  /* virtconsole: a chardev spec */
        int readonly, snapshot;
    } virtio[8];
    int nvirtio;
    /* Network backends (-netdev, and the ones -nic makes) and the NICs on them
     * (-device e1000|virtio-net-pci,netdev=ID, -nic); ui/options.c checks that each NIC names
     * a backend and no backend has two. */
    struct netdev_option {
        const char *id;
        const char *type;    /* "user" */
        const char *options; /* the rest, for the backend to parse */
    } netdev[MACHINE_MAX_NICS];
    int nnetdev;
    struct nic_option {
        const char *model; /* "e1000" or "virtio-net-pci" */
        const char *netdev;
        uint8_t mac[6];
        /* romfile=: NULL for the default (iPXE's efi-e1000.rom), "" for none,
         * a name (looked for where the firmware is) or a path. */
        const char *romfile;
    } nic[MACHINE_MAX_NICS];
    int nnic;
    /* The host window (ui/display.c); none: headless, as with -display none. */
    const struct display_ops *display_ops;
};

enum { DISPLAY_DEFAULT, DISPLAY_NONE, DISPLAY_SDL };
enum { VIRTIO_OPT_DRIVE_NONE, VIRTIO_OPT_DRIVE, VIRTIO_OPT_BLK, VIRTIO_OPT_RNG,
       VIRTIO_OPT_CONSOLE };

/* One ISA IRQ line, as a device's IRQ output is wired to it: an input of
 * the PIC pair and one of the I/O APIC, as on a real board. */
struct isa_irq {
    struct machine *m;
    int line;
};

/* A device of the board with state to reset: machine_reset() walks the
 * list in the order the devices were created (the PIC first, so that a
 * device lowering its IRQ on reset finds it ready). */
struct machine_device {
    void (*reset)(void *dev);
    void *dev;
};

#define MACHINE_MAX_DEVICES 48
#define MACHINE_MAX_CPUS 8

struct machine {
    struct cpu cpu; /* CPU 0, the bootstrap processor: what the loaders set up */
    /* Every CPU by index (= its APIC ID): cpus[0] is &cpu, the application
     * processors are allocated by machine_init.  They share the buses, the
     * code-page map and the block cache; each has its own registers, TLB,
     * local APIC and paravirtual state.  One host thread runs them in turn
     * (machine/cpu_exec.c); `current` is the one running now, whose
     * accesses the local APIC's page and port F0 answer. */
    struct cpu *cpus[MACHINE_MAX_CPUS];
    int ncpus;
    struct cpu *current;
    int resched; /* the running CPU's slice ends: another has something to do */
    /* -stats with several CPUs: monitor entries and interrupts delivered by
     * each, counted by the run loop around each CPU's slices. */
    struct cpu_share {
        uint64_t monitor_entries, interrupts;
    } cpu_share[MACHINE_MAX_CPUS];
    struct cpu_share share_mark; /* the totals when the running slice began */
    int share_open;              /* a slice runs: its share is not added yet */
    struct lapic_bus *apic_bus; /* every CPU's local APIC, by index */
    struct machine_options opt;
    struct clock clock; /* virtual time: the devices' timers */
    /* The machine's buses and code tracking; the CPU points at them
     * (cpu->mem, cpu->io, cpu->smc, cpu->tbs). */
    struct mem_map mem;
    struct ioports io;
    struct smc smc;
    struct tb_cache *tbs;
    struct debug debug; /* breakpoints, watchpoints, stops of m->cpu */
    struct gdbstub *gdb; /* the gdb stub, if -gdb */
    uint8_t *ram;
    uint32_t ram_size;
    struct uart *uart[4];
    struct chardev *serial_chr[4];
    struct chardev *debugcon_chr;
    struct lapic *lapic;       /* the BSP's local APIC (lapics[0]); the 8259 is on LINT0 */
    struct mem_region *lapic_region; /* moved by IA32_APIC_BASE */
    struct ioapic *ioapic;
    struct pic *pic;
    struct isa_irq irq[16];
    struct pit *pit;
    struct port92 *port92;
    struct port_cf9 *port_cf9;
    struct pci_host *pci;
    struct i440fx *i440fx;
    struct piix3 *piix3;
    struct piix_ide *ide;
    struct block *disk[4]; /* by IDE index, as opt.drive */
    struct block *vdisk[8]; /* by opt.virtio index: the virtio-blk images */
    struct virtio_console *vconsole[8]; /* by opt.virtio index: polled for input */
    struct netdev *netdev[MACHINE_MAX_NICS]; /* as opt.netdev */
    void *nic[MACHINE_MAX_NICS];             /* as opt.nic: a struct e1000 or virtio_net */
    uint64_t net_polled_ns;                  /* host time of the last look at their sockets */
    struct port61 *port61;
    struct port80 *port80;
    struct rtc *rtc;
    struct i8042 *kbc;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;
    struct vga *vga;
    struct hpet *hpet;
    struct acpi_pm *acpi_pm;
    struct fw_cfg *fw_cfg;
    int hpet_legacy; /* the HPET's legacy replacement owns IRQ 0 and 8 */
    struct screen *screen;
    struct machine_device devices[MACHINE_MAX_DEVICES];
    int ndevices;
    volatile int stop;
    volatile int stop_signal; /* the host signal that stopped the machine (ui/main.c) */
    /* Firmware (-bios): the ROM image, and the i440FX's PAM segments over
     * 0xC0000-0xFFFFF (machine/loader_bios.c). NULL: -kernel, no firmware. */
    uint8_t *bios;
    uint32_t bios_size;
    struct mem_region *pam[13];
    struct pam_seg *pam_seg;
    struct mem_region *smram; /* DRAM at 0xA0000 over the VGA, while SMRAM is open */
    int tb_flush_request; /* the memory map changed under code: flush between blocks */
    int reset_request;   /* serviced between blocks (machine_poll) */
    const char *reset_why;
    int exit_status;
    uint64_t start_ns;
};

/* 0, or the exit status (base/exit_status.h) for the error it printed. */
int machine_init(struct machine *m);
/* machine_init's first step, and a test's whole machine: the memory map with
 * m->ram (m->ram_size bytes) at 0, the port space, the code-page map and the
 * block cache, wired to m->cpu; no device, no reset. */
void machine_init_core(struct machine *m);
/* Every device on the list, the CPU, the block cache: the machine as at power-on. */
void machine_reset(struct machine *m);
/* Between blocks: devices, host input.  Cheap when nothing happens. */
void machine_poll(struct machine *m);
/* Every CPU halted with nothing pending: sleep until something happens. */
void machine_wait(struct machine *m);
/* Vector of a pending maskable interrupt for the current CPU (acknowledging
 * it at its local APIC, or through it at the 8259), or -1. */
int machine_irq_ack(struct machine *m);
/* INIT and Startup IPIs that reached cpu, taken between blocks: 1 when the
 * CPU changed state (reset into wait-for-SIPI, or started). */
int machine_cpu_init_sipi(struct cpu *cpu);
/* The one clock of every CPU: instructions retired by all of them under
 * -icount. */
uint64_t machine_icount(struct machine *m);
/* Under -icount: the instructions until virtual time reaches deadline_ns (rounded up). */
uint64_t machine_icount_until(struct machine *m, uint64_t deadline_ns);
/* A shutdown cycle: the board resets the machine (as port 0x92 bit 0 and the
 * keyboard controller's pulse do), between blocks, in machine_poll(). */
void machine_triple_fault(struct machine *m);
/* Reset the PC (reboot the kernel), or exit with status 0 under -no-reboot. */
void machine_reboot(struct machine *m, const char *why);
void machine_shutdown(struct machine *m, int status);
/* Print statistics, flush output and exit the process with status. */
_Noreturn void machine_exit(struct machine *m, int status);
uint64_t machine_clock_ns(struct machine *m);
/* The time-stamp counter (cpu->tsc): the instruction count under -icount,
 * else the virtual clock in ns moved by WRMSR to IA32_TIME_STAMP_COUNTER. */
uint64_t machine_tsc(struct cpu *cpu);

/* machine/cpu_exec.c */
void cpu_reset(struct cpu *cpu);
int cpu_exec(struct cpu *cpu);

#endif
