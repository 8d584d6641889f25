/*
 * pc.c - the machine: RAM, the devices on their ports, the event loop
 * between blocks, and how the machine stops.
 *
 * The board is an ISA PC: 8259A pair, 8254 PIT, ports 0x61/0x80/0x92,
 * MC146818 RTC, i8042 with PS/2 keyboard and mouse, COM1-2 (up to 4), and
 * the VGA unless -vga none; a PCI bus as on QEMU's pc (i440FX host bridge
 * 00:00.0, PIIX3 ISA bridge 00:01.0, PIIX3 IDE 00:01.1 with the -drive
 * disks).
 *
 * The event loop runs only between blocks (every BUDGET instructions or
 * when a block asks): it runs due device timers (virtual time), polls host
 * input into the UARTs, and lets the screen refresh and take window input
 * (host time, machine/screen.c).  A halted CPU sleeps in poll(2) on the input
 * descriptors until the next timer or frame, so an idle guest costs no
 * host CPU beyond drawing its window.
 */
#include "machine/debug.h"
#include "base/exit_status.h"
#include "machine/gdbstub.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "machine/stats.h"
#include "base/timer.h"
#include "hw/debug_exit.h"
#include "hw/debugcon.h"
#include "machine/screen.h"
#include "block/image.h"
#include "hw/i440fx.h"
#include "hw/i8042.h"
#include "hw/ide.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "hw/piix3.h"
#include "hw/piix_ide.h"
#include "hw/pic8259.h"
#include "hw/pit8254.h"
#include "hw/port61.h"
#include "hw/port80.h"
#include "hw/port92.h"
#include "hw/port_f0.h"
#include "fpu/x87.h"
#include "hw/rtc_mc146818.h"
#include "hw/uart16550.h"
#include "hw/vga.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"
#include "softmmu/tlb.h"
#include "translator/decode.h"
#include "translator/tbcache.h"
#include "base/chardev.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct machine *bt86_machine;

static const uint16_t com_base[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

uint64_t machine_clock_ns(struct machine *m)
{
    if (m->opt.icount)
        return m->cpu.icount; /* one instruction = one nanosecond of virtual time */
    return clock_visible_ns(&m->clock, host_clock_ns() - m->start_ns, !m->cpu.halted, m->cpu.icount);
}

uint64_t machine_tsc(struct cpu *cpu)
{
    struct machine *m = cpu->machine;
    if (m->opt.icount)
        return cpu->icount;
    return machine_clock_ns(m) + cpu->tsc_offset;
}

static uint64_t clock_read(void *opaque)
{
    return machine_clock_ns(opaque);
}

/* A timer armed from a block (an OUT to the PIT): end the block chain so
 * that it fires on time. */
static void clock_kick(void *opaque)
{
    struct machine *m = opaque;
    m->cpu.exit_request = 1;
}

/* As QEMU: a signal stops the machine cleanly (statistics, -screendump, the
 * terminal restored); a second one kills bt86 the default way. */
static volatile sig_atomic_t stop_signal;

static _Noreturn void at_exit_status(struct machine *m, int status)
{
    if (m && m->screen)
        screen_exit(m); /* -screendump shows the screen as the guest left it */
    if (stop_signal)
        fprintf(stderr, "bt86: terminating on signal %d\n", (int)stop_signal);
    gdbstub_exit(status);
    for (int i = 0; m && i < 4; i++)
        if (m->disk[i]) {
            block_close(m->disk[i]); /* the guest's writes made durable */
            m->disk[i] = NULL;
        }
    if (m && m->opt.stats)
        stats_print(m, stderr);
    if (m && m->opt.stats_json)
        stats_write_json(m, m->opt.stats_json);
    fflush(stdout);
    fflush(stderr);
    exit(status);
}

static void debug_exit_status(void *opaque, int status)
{
    at_exit_status(opaque, status);
}

void machine_shutdown(struct machine *m, int status)
{
    m->exit_status = status;
    m->stop = 1;
    m->cpu.exit_request = 1;
}

static void on_stop_signal(int sig)
{
    struct machine *m = bt86_machine;
    stop_signal = sig;
    if (m) {
        m->stop = 1;
        m->cpu.exit_request = 1;
    }
}

static void catch_stop_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_stop_signal;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* The PIC's INTR output: only note it; interrupts are taken between blocks. */
static void cpu_intr(void *opaque, int level)
{
    struct machine *m = opaque;
    m->cpu.irq_pending = level;
    if (level)
        m->cpu.exit_request = 1;
}

/* A device's IRQ output drives its PIC input (opaque: &m->irq[n]). */
static void isa_irq_set(void *opaque, int level)
{
    struct isa_irq *irq = opaque;
    pic_set_irq(irq->m->pic, irq->line, level);
}

/* PCI interrupts (through the PIIX3's PIRQ routes) and the IDE channels'
 * legacy IRQ 14 and 15 reach the board's ISA IRQ lines the way every ISA
 * device does, so whatever isa_irq_set feeds (the PICs, an I/O APIC's ISA
 * pins) sees them too. */
static void pci_isa_irq(void *opaque, int irq, int level)
{
    struct machine *m = opaque;
    isa_irq_set(&m->irq[irq & 15], level);
}

static void ferr_clear(void *opaque)
{
    struct machine *m = opaque;
    x87_clear_ferr(&m->cpu);
}

static void set_a20(void *opaque, int on)
{
    struct machine *m = opaque;
    uint32_t mask = on ? 0xffffffffu : ~(1u << 20);
    if (m->cpu.a20_mask != mask) {
        m->cpu.a20_mask = mask;
        tlb_flush(&m->cpu); /* TLB entries hold physical pages */
        m->cpu.exit_request = 1;
    }
}

static void request_reset(struct machine *m, const char *why)
{
    m->reset_why = why;
    m->reset_request = 1;
    m->cpu.exit_request = 1;
}

static void fast_reset(void *opaque)
{
    request_reset(opaque, "reset through port 0x92");
}

static void kbc_reset(void *opaque)
{
    request_reset(opaque, "reset through the keyboard controller");
}

static void kbc_irq(void *opaque, int line, int level)
{
    struct machine *m = opaque;
    pic_set_irq(m->pic, line, level);
}

/* The keyboard controller's A20 line: the gate is one, port 0x92 shows it too. */
static void kbc_set_a20(void *opaque, int on)
{
    struct machine *m = opaque;
    set_a20(m, on);
    if (m->port92)
        port92_note_a20(m->port92, on);
}

/* Each device's reset, as machine_reset() calls it. */
#define DEVICE_RESET(fn, type)             \
    static void fn##_dev(void *dev)        \
    {                                      \
        fn((struct type *)dev);            \
    }
DEVICE_RESET(pic_reset, pic)
DEVICE_RESET(pit_reset, pit)
DEVICE_RESET(port61_reset, port61)
DEVICE_RESET(port80_reset, port80)
DEVICE_RESET(rtc_reset, rtc)
DEVICE_RESET(i8042_reset, i8042)
DEVICE_RESET(vga_reset, vga)
DEVICE_RESET(uart_reset, uart)
DEVICE_RESET(port92_reset, port92)
DEVICE_RESET(pci_host_reset, pci_host)
DEVICE_RESET(i440fx_reset, i440fx)
DEVICE_RESET(piix3_reset, piix3)
DEVICE_RESET(piix_ide_reset, piix_ide)
#undef DEVICE_RESET

/* A device with state joins the list machine_reset() walks, once it exists. */
static void *add_device(struct machine *m, void *dev, void (*reset)(void *dev))
{
    if (!dev) {
        fprintf(stderr, "bt86: out of memory for the devices\n");
        exit(EXIT_FATAL);
    }
    if (m->ndevices == MACHINE_MAX_DEVICES) {
        fprintf(stderr, "bt86: more than %d devices\n", MACHINE_MAX_DEVICES);
        exit(EXIT_FATAL);
    }
    m->devices[m->ndevices++] = (struct machine_device){ reset, dev };
    return dev;
}

static void screen_at_exit(void)
{
    if (bt86_machine && bt86_machine->screen)
        screen_exit(bt86_machine);
}

int machine_init(struct machine *m)
{
    char err[512];
    bt86_machine = m;
    /* Virtual time starts here, before any device schedules a timer on it. */
    m->start_ns = host_clock_ns();
    clock_init(&m->clock, clock_read, clock_kick, m);
    m->ram_size = m->opt.ram_mb << 20;
    m->ram = calloc(1, m->ram_size);
    if (!m->ram) {
        fprintf(stderr, "bt86: cannot allocate %u MiB of guest RAM\n", m->opt.ram_mb);
        return EXIT_FATAL;
    }
    /* Disks first: a bad image is the whole error, before anything runs. */
    for (int i = 0; i < 4; i++) {
        const struct drive_option *d = &m->opt.drive[i];
        if (!d->file)
            continue;
        m->disk[i] = block_open(d->file, d->readonly || d->cdrom, d->snapshot, err, sizeof(err));
        if (!m->disk[i]) {
            fprintf(stderr, "bt86: %s%s: %s\n", d->cdrom ? "-cdrom " : "-drive file=", d->file,
                    err);
            return EXIT_USAGE;
        }
    }
    catch_stop_signals(); /* before the chardevs, which leave owned signals alone */
    mem_init();
    ioport_init();
    smc_init(m->ram_size);
    if (decode_init() < 0) {
        fprintf(stderr, "bt86: cannot initialize the Capstone decoder\n");
        return EXIT_FATAL;
    }
    mem_add_ram(0, m->ram_size, m->ram, "ram");

    for (int i = 0; i < m->opt.nserial && i < 4; i++) {
        m->serial_chr[i] = chardev_open(m->opt.serial[i], err, sizeof(err));
        if (!m->serial_chr[i]) {
            fprintf(stderr, "bt86: -serial %s: %s\n", m->opt.serial[i], err);
            return EXIT_USAGE;
        }
    }
    m->pic = add_device(m, pic_create(cpu_intr, m), pic_reset_dev);
    for (int i = 0; i < 16; i++)
        m->irq[i] = (struct isa_irq){ m, i };
    m->pit = add_device(m, pit_create(&m->clock, isa_irq_set, &m->irq[0]), pit_reset_dev);
    m->port61 = add_device(m, port61_create(&m->clock, m->pit), port61_reset_dev);
    m->port80 = add_device(m, port80_create(), port80_reset_dev);
    m->rtc = add_device(m, rtc_create(&m->clock, 0x70, isa_irq_set, &m->irq[8], m->opt.rtc_base),
                        rtc_reset_dev);
    rtc_set_memory(m->rtc, m->ram_size);
    struct i8042_wiring kw = { kbc_irq, kbc_reset, kbc_set_a20, m };
    m->kbc = add_device(m, i8042_create(&kw), i8042_reset_dev);
    m->kbd = i8042_kbd(m->kbc);
    m->mouse = i8042_mouse(m->kbc);
    if (m->opt.vga)
        m->vga = add_device(m, vga_create(), vga_reset_dev);
    /* The PC has four COM ports (IRQ 4, 3, 4, 3); unconnected ones still answer. */
    for (int i = 0; i < 4; i++) {
        static const char *const names[4] = { "com1", "com2", "com3", "com4" };
        if (i < m->opt.nserial || i < 2)
            m->uart[i] = add_device(m,
                                    uart_create(&m->clock, com_base[i], m->serial_chr[i],
                                                isa_irq_set, &m->irq[i & 1 ? 3 : 4], names[i]),
                                    uart_reset_dev);
    }
    if (m->opt.debugcon) {
        m->debugcon_chr = chardev_open(m->opt.debugcon, err, sizeof(err));
        if (!m->debugcon_chr) {
            fprintf(stderr, "bt86: -debugcon %s: %s\n", m->opt.debugcon, err);
            return EXIT_USAGE;
        }
        debugcon_create(0xe9, m->debugcon_chr);
    }
    if (m->opt.debug_exit)
        debug_exit_create(m->opt.debug_exit_base, m->opt.debug_exit_size, debug_exit_status, m);
    m->port92 = add_device(m, port92_create(set_a20, fast_reset, m), port92_reset_dev);
    m->pci = add_device(m, pci_host_create(), pci_host_reset_dev);
    m->i440fx = add_device(m, i440fx_create(m->pci, NULL, NULL), i440fx_reset_dev);
    /* pirq: where an I/O APIC's PCI pins 16-19 would listen, as on QEMU's pc. */
    struct piix3_wiring pw = { pci_isa_irq, NULL, m };
    m->piix3 = add_device(m, piix3_create(m->pci, &pw), piix3_reset_dev);
    m->ide = add_device(m, piix_ide_create(m->pci, 0x09, pci_isa_irq, m), piix_ide_reset_dev);
    for (int i = 0; i < 4; i++)
        if (m->disk[i]) {
            char serial[21];
            snprintf(serial, sizeof(serial), "BT86%05d", i + 1);
            if (m->opt.drive[i].cdrom)
                ide_attach_cdrom(piix_ide_channel(m->ide, i / 2), i % 2, m->disk[i], serial);
            else
                ide_attach_disk(piix_ide_channel(m->ide, i / 2), i % 2, m->disk[i], serial);
        }
    /* The x87's FERR# reaches the PIC as IRQ 13 (CR0.NE=0 error reporting). */
    m->cpu.ferr = isa_irq_set;
    m->cpu.ferr_opaque = &m->irq[13];
    m->cpu.stop_before = debug_stop_before;
    port_f0_create(ferr_clear, m);

    tb_init();
    machine_reset(m);
    if (loader_load_kernel(m, err, sizeof(err)) < 0) {
        fprintf(stderr, "bt86: -kernel: %s\n", err);
        return EXIT_USAGE;
    }
    /* Last: "no display available" is news only once the machine can run. */
    if (screen_init(m) < 0)
        return EXIT_FATAL;
    atexit(screen_at_exit); /* -screendump also when bt86 stops on a guest error */
    return 0;
}

/*
 * bt86 boots kernels without firmware, but a PC's BIOS leaves the PCI bus
 * set up, and Linux relies on it: ata_piix ignores an IDE channel whose
 * decode bit (IDETIM bit 15) is clear, and PCI interrupts need PIRQ routes.
 * So after each reset the board does what SeaBIOS does on QEMU's pc: both
 * IDE channels decoded; PIRQ A-D to IRQ 10, 10, 11, 11; each function's
 * interrupt line register names its IRQ.  (SeaBIOS also makes IRQ 10 and
 * 11 level-triggered in the ELCR; that is a PIC write no board code may do
 * through the ports, which count guest accesses: left to the first device
 * with an INTx pin, which has none to share yet.)
 */
static void pci_firmware_setup(struct machine *m)
{
    static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };
    struct pci_dev *ide = pci_host_dev(m->pci, PCI_DEVFN(1, 1));
    struct pci_dev *isa = pci_host_dev(m->pci, PCI_DEVFN(1, 0));
    if (ide) {
        pci_config_write(ide, 0x40, 0x8000, 2);
        pci_config_write(ide, 0x42, 0x8000, 2);
    }
    if (isa)
        for (int i = 0; i < 4; i++)
            pci_config_write(isa, PIIX3_PIRQ_ROUTE + i, pirq_irq[i], 1);
    for (int devfn = 0; devfn < 256; devfn++) {
        struct pci_dev *d = pci_host_dev(m->pci, devfn);
        int pin = d ? d->config[PCI_INT_PIN] : 0;
        if (pin)
            pci_config_write(d, PCI_INT_LINE, pirq_irq[((devfn >> 3) - 1 + pin - 1) & 3], 1);
    }
}

void machine_reset(struct machine *m)
{
    m->cpu.machine = m;
    cpu_reset(&m->cpu);
    tb_flush_all();
    for (int i = 0; i < m->ndevices; i++)
        m->devices[i].reset(m->devices[i].dev);
    if (m->pci)
        pci_firmware_setup(m);
}

void machine_poll(struct machine *m)
{
    if (m->reset_request) {
        m->reset_request = 0;
        machine_reboot(m, m->reset_why);
    }
    for (int i = 0; i < 4; i++)
        if (m->uart[i])
            uart_poll(m->uart[i]);
    timers_run(&m->clock, machine_clock_ns(m));
    uint64_t t0 = host_clock_ns();
    screen_poll(m);
    clock_steal(host_clock_ns() - t0);
}

void machine_wait(struct machine *m)
{
    struct pollfd fds[4];
    int n = 0;
    for (int i = 0; i < 4; i++)
        if (m->serial_chr[i] && chardev_pending(m->serial_chr[i])) {
            machine_poll(m);
            return;
        }
    for (int i = 0; i < 4; i++) {
        int fd = m->serial_chr[i] ? chardev_fd(m->serial_chr[i]) : -1;
        if (fd >= 0)
            fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
    }
    uint64_t now = machine_clock_ns(m), next = timers_next_deadline(&m->clock);
    if (m->opt.icount && next != TIMER_NEVER) {
        /* Nothing runs while halted: virtual time jumps to the next event. */
        m->cpu.icount += next > now ? next - now : 0;
        machine_poll(m);
        return;
    }
    /* Sleep until input or the next timer; never spin (100 ms at most). */
    int ms = 100;
    if (next != TIMER_NEVER)
        ms = next <= now ? 0 : (int)((next - now + 999999) / 1000000);
    if (ms > 100)
        ms = 100;
    ms = screen_wait_ms(m, ms);
    poll(fds, n, ms);
    machine_poll(m);
}

int machine_irq_ack(struct machine *m)
{
    return pic_ack(m->pic);
}

/* A reset of the whole PC: with no firmware, bt86 boots the kernel again. */
void machine_reboot(struct machine *m, const char *why)
{
    if (m->opt.no_reboot) {
        /* As QEMU: -no-reboot turns the reset into a normal shutdown. */
        fprintf(stderr, "bt86: %s: exiting (-no-reboot)\n", why);
        at_exit_status(m, 0);
    }
    char err[512];
    machine_reset(m);
    if (loader_load_kernel(m, err, sizeof(err)) < 0) {
        fprintf(stderr, "bt86: reset: %s\n", err);
        at_exit_status(m, EXIT_FATAL);
    }
}

void machine_triple_fault(struct machine *m)
{
    struct cpu *cpu = &m->cpu;
    fprintf(stderr, "bt86: triple fault at %04x:%08x (a fault while delivering a double fault;"
                    " IDT base 0x%08x limit 0x%x)\n",
            cpu->seg[S_CS].sel, cpu->eip, cpu->idt.base, cpu->idt.limit);
    request_reset(m, "triple fault");
}

_Noreturn void machine_exit(struct machine *m, int status)
{
    at_exit_status(m, status);
}
