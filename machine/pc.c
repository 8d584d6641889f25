/*
 * pc.c - the machine: RAM, the devices on their ports, the event loop
 * between blocks, and how the machine stops.
 *
 * The board is an ISA PC: 8259A pair, 8254 PIT, ports 0x61/0x80/0x92,
 * MC146818 RTC, i8042 with PS/2 keyboard and mouse, COM1-2 (up to 4), and
 * the VGA unless -vga none; a PCI bus as on QEMU's pc (i440FX host bridge
 * 00:00.0, PIIX3 ISA bridge 00:01.0, PIIX3 IDE 00:01.1 with the -drive
 * disks); the CPU's
 * local APIC at 0xFEE00000, with the 8259 on its LINT0, and an I/O APIC at
 * 0xFEC00000.  Each ISA IRQ line goes to both the 8259 and the I/O APIC,
 * to pin n but IRQ0 to pin 2, as QEMU's `pc` wires them.  The PIIX reset
 * control register at 0xcf9; the HPET, the ACPI PM block (PIIX4's, SCI on
 * IRQ 9) with the ACPI tables a BIOS would leave in the F segment
 * (machine/acpi_tables.c), and QEMU's fw_cfg.
 *
 * The event loop runs only between blocks (every BUDGET instructions or
 * when a block asks): it runs due device timers (virtual time), polls host
 * input into the UARTs, and lets the screen refresh and take window input
 * (host time, machine/screen.c).  A halted CPU sleeps in poll(2) on the input
 * descriptors until the next timer or frame, so an idle guest costs no
 * host CPU beyond drawing its window.
 */
#include "cpu/cpu_model.h"
#include "machine/debug.h"
#include "base/exit_status.h"
#include "machine/gdbstub.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "monitor/monitor.h"
#include "monitor/paravirt.h"
#include "machine/stats.h"
#include "base/timer.h"
#include "hw/debug_exit.h"
#include "hw/pc_testdev.h"
#include "hw/debugcon.h"
#include "hw/acpi_pm.h"
#include "hw/fw_cfg.h"
#include "hw/hpet.h"
#include "machine/acpi_tables.h"
#include "machine/screen.h"
#include "block/image.h"
#include "hw/i440fx.h"
#include "hw/i8042.h"
#include "hw/ioapic.h"
#include "hw/lapic.h"
#include "hw/e1000.h"
#include "hw/ide.h"
#include "hw/pci.h"
#include "hw/pci_host.h"
#include "hw/piix3.h"
#include "hw/piix_ide.h"
#include "hw/virtio.h"
#include "hw/virtio_blk.h"
#include "hw/virtio_console.h"
#include "hw/virtio_net.h"
#include "hw/virtio_rng.h"
#include "hw/pic8259.h"
#include "hw/pit8254.h"
#include "hw/port61.h"
#include "hw/port80.h"
#include "hw/port92.h"
#include "hw/port_cf9.h"
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
#include "net/net.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint16_t com_base[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

uint64_t machine_icount(struct machine *m)
{
    uint64_t n = m->cpu.icount;
    for (int i = 1; i < m->ncpus; i++)
        n += m->cpus[i]->icount;
    return n;
}

/* Whether some CPU has instructions to run (not halted, not waiting for SIPI). */
static int cpus_running(struct machine *m)
{
    if (m->ncpus <= 1)
        return !m->cpu.halted;
    for (int i = 0; i < m->ncpus; i++)
        if (!m->cpus[i]->halted && !m->cpus[i]->sipi_wait)
            return 1;
    return 0;
}

uint64_t machine_icount_until(struct machine *m, uint64_t deadline_ns)
{
    uint64_t now = machine_clock_ns(m), unit = 1ull << m->opt.icount_shift;
    return deadline_ns > now ? (deadline_ns - now + unit - 1) >> m->opt.icount_shift : 0;
}

uint64_t machine_clock_ns(struct machine *m)
{
    /* One instruction of any CPU = 2^shift nanoseconds of virtual time: the
     * CPUs run in turn, so their counts add up to the time that passed. */
    if (m->opt.icount)
        return machine_icount(m) << m->opt.icount_shift;
    return clock_visible_ns(&m->clock, host_clock_ns() - m->start_ns, cpus_running(m),
                            machine_icount(m));
}

uint64_t machine_tsc(struct cpu *cpu)
{
    struct machine *m = cpu->machine;
    /* Every CPU's counter reads the one clock, so that they are in step
     * (Linux checks the TSCs' synchronization across CPUs). */
    if (m->opt.icount)
        return machine_clock_ns(m);
    return machine_clock_ns(m) + cpu->tsc_offset;
}

/* The CPU running now: the one whose access a device answers. */
static struct cpu *current_cpu(struct machine *m)
{
    return m->current ? m->current : &m->cpu;
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
    cpu_request_exit(current_cpu(m));
}

static _Noreturn void at_exit_status(struct machine *m, int status)
{
    if (m && m->screen)
        screen_exit(m); /* -screendump shows the screen as the guest left it */
    if (m && m->stop_signal)
        fprintf(stderr, "bt86: terminating on signal %d\n", m->stop_signal);
    if (m && m->gdb)
        gdbstub_exit(m->gdb, status);
    for (int i = 0; m && i < 4; i++)
        if (m->disk[i]) {
            block_close(m->disk[i]); /* the guest's writes made durable */
            m->disk[i] = NULL;
        }
    for (int i = 0; m && i < 8; i++)
        if (m->vdisk[i]) {
            block_close(m->vdisk[i]);
            m->vdisk[i] = NULL;
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
    cpu_request_exit(current_cpu(m));
}

/* Something for cpu, which is not the one running: end the running one's
 * time slice, so that cpu gets its turn soon (an IPI waking a halted CPU,
 * the sender of a TLB shootdown spinning until it answers). */
static void kick_other(struct cpu *cpu)
{
    struct machine *m = cpu->machine;
    struct cpu *cur = current_cpu(m);
    if (cur != cpu) {
        m->resched = 1;
        cpu_request_exit(cur);
    }
}

/* A local APIC's INTR output (opaque: its CPU): only note it; interrupts
 * are taken between blocks. */
static void cpu_intr(void *opaque, int level)
{
    struct cpu *cpu = opaque;
    cpu->irq_pending = level;
    if (level) {
        cpu_request_exit(cpu);
        kick_other(cpu);
    }
}

static void cpu_nmi(void *opaque)
{
    struct cpu *cpu = opaque;
    cpu->nmi_pending = 1;
    cpu_request_exit(cpu);
    kick_other(cpu);
}

/* INIT and Startup messages: latched for the run loop (machine_cpu_init_sipi),
 * which resets or starts the CPU between its blocks. */
static void cpu_init(void *opaque)
{
    struct cpu *cpu = opaque;
    cpu->init_pending = 1;
    cpu->sipi_pending = 0;
    cpu_request_exit(cpu);
    kick_other(cpu);
}

static void cpu_sipi(void *opaque, int vector)
{
    struct cpu *cpu = opaque;
    /* Only a CPU in wait-for-SIPI (or about to be) takes it; the second
     * SIPI of the usual pair finds it running and is dropped. */
    if (!(cpu->sipi_wait || cpu->init_pending) || cpu->sipi_pending)
        return;
    cpu->sipi_pending = 1;
    cpu->sipi_vector = vector;
    cpu_request_exit(cpu);
    kick_other(cpu);
}

int machine_cpu_init_sipi(struct cpu *cpu)
{
    int changed = 0;
    if (cpu->init_pending) {
        int sipi = cpu->sipi_pending, vector = cpu->sipi_vector;
        cpu_reset(cpu);
        cpu->sipi_wait = 1;
        cpu->sipi_pending = sipi;
        cpu->sipi_vector = vector;
        changed = 1;
    }
    if (cpu->sipi_pending) {
        cpu->sipi_pending = 0;
        if (cpu->sipi_wait) {
            /* Real mode at vector << 12 (SDM Vol. 3, 8.4.4.1). */
            cpu->sipi_wait = 0;
            cpu->halted = 0;
            cpu->seg[S_CS].sel = (uint16_t)(cpu->sipi_vector << 8);
            cpu->seg[S_CS].base = (uint32_t)cpu->sipi_vector << 12;
            cpu->eip = 0;
            cpu_update_hflags(cpu);
            changed = 1;
        }
    }
    if (changed && cpu->machine->apic_bus && cpu->index < cpu->machine->apic_bus->n)
        cpu->msr_apicbase = lapic_get_base(cpu->machine->apic_bus->apic[cpu->index]);
    return changed;
}

/* The 8259's INT output is every local APIC's LINT0 (the APs' are masked
 * from reset; only the BSP's passes it as ExtINT, as firmware leaves it). */
static void pic_intr(void *opaque, int level)
{
    struct machine *m = opaque;
    for (int i = 0; i < m->apic_bus->n; i++)
        lapic_set_lint(m->apic_bus->apic[i], 0, level);
}

static int pic_inta(void *opaque)
{
    struct cpu *cpu = opaque;
    return pic_ack(cpu->machine->pic);
}

static void lapic_eoi(void *opaque, int vector)
{
    struct cpu *cpu = opaque;
    ioapic_eoi(cpu->machine->ioapic, vector);
}

/* An I/O APIC message on the APIC bus. */
static void ioapic_deliver(void *opaque, uint8_t dest, int logical, int mode, int vector,
                           int level_trig)
{
    struct machine *m = opaque;
    lapic_bus_deliver(m->apic_bus, dest, logical, mode, vector, level_trig);
}

/* ISA IRQ n on the I/O APIC: pin n, but IRQ0 (the PIT) on pin 2, as QEMU's
 * `pc` and the MADT's interrupt source override say; IRQ2 is IRQ9 on an
 * AT, as the 8259 pair has it. */
static int isa_irq_pin(int line)
{
    return line == 0 ? 2 : line == 2 ? 9 : line;
}

static void isa_irq_drive(struct machine *m, int line, int level)
{
    pic_set_irq(m->pic, line, level);
    ioapic_set_irq(m->ioapic, isa_irq_pin(line), level);
}

/* pc-testdev's lines: QEMU's gsi array, so 0-15 are the ISA lines and the
 * pins above them reach only the I/O APIC. */
static void testdev_irq(void *opaque, int line, int level)
{
    struct machine *m = opaque;
    if (line < 16)
        isa_irq_drive(m, line, level);
    else
        ioapic_set_irq(m->ioapic, line, level);
}

/* A device's IRQ output drives its ISA line (opaque: &m->irq[n]).  The
 * HPET's legacy replacement mode takes IRQ 0 and 8 from the PIT and RTC. */
static void isa_irq_set(void *opaque, int level)
{
    struct isa_irq *irq = opaque;
    if (irq->m->hpet_legacy && (irq->line == 0 || irq->line == 8))
        return;
    isa_irq_drive(irq->m, irq->line, level);
}

/* The HPET's outputs are lines of QEMU's gsi array: 0-15 reach the PIC but
 * for 2, the cascade (pic_set_irq would take it for IRQ 9, the SCI's line);
 * the I/O APIC takes line n on pin n, 0 on 2. */
static void hpet_irq(void *opaque, int line, int level)
{
    struct machine *m = opaque;
    if (line < 16 && line != 2)
        pic_set_irq(m->pic, line, level);
    ioapic_set_irq(m->ioapic, line == 0 ? 2 : line, level);
}

static void hpet_legacy(void *opaque, int on)
{
    struct machine *m = opaque;
    m->hpet_legacy = on;
    /* Back to the PIT: IRQ 0 shows its OUT0 again (the RTC raises IRQ 8 at its next event). */
    if (!on)
        isa_irq_drive(m, 0, pit_get_out(m->pit, 0));
}

/* S5 through PM1_CNT: QEMU ends with status 0 on a guest's power-off. */
static void acpi_power_off(void *opaque)
{
    machine_shutdown(opaque, 0);
}

/* What QEMU's pc machine puts in fw_cfg that bt86 has too (no kernel items:
 * bt86 loads the kernel itself). */
static void fw_cfg_fill(struct machine *m)
{
    struct fw_cfg *f = m->fw_cfg;
    fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, m->ram_size);
    fw_cfg_add_i16(f, FW_CFG_NB_CPUS, (uint16_t)m->ncpus);
    fw_cfg_add_i16(f, FW_CFG_MAX_CPUS, (uint16_t)m->ncpus);
    fw_cfg_add_i32(f, FW_CFG_IRQ0_OVERRIDE, 1);
    /* struct hpet_fw_config: a count, then 8 entries of id, address, min tick, protection */
    uint8_t hpet[1 + 8 * 15] = { 1, 0x01, 0xa2, 0x86, 0x80 };
    for (int i = 0; i < 4; i++)
        hpet[5 + i] = (uint8_t)(HPET_BASE >> 8 * i);
    fw_cfg_add_bytes(f, FW_CFG_ARCH_LOCAL + 4, hpet, sizeof(hpet));
    /* QEMU's etc/e820 is the RAM it has: one entry, {address, length, type 1} */
    uint8_t e820[20] = { 0 };
    for (int i = 0; i < 4; i++)
        e820[8 + i] = (uint8_t)(m->ram_size >> 8 * i);
    e820[16] = 1;
    fw_cfg_add_file(f, "etc/e820", e820, sizeof(e820));
}

/* What a BIOS leaves in RAM: the ACPI tables in the F segment. */
static void write_firmware_tables(struct machine *m)
{
    static uint8_t seg[ACPI_TABLES_SIZE];
    if (!acpi_tables_build(seg, ACPI_TABLES_BASE, m->ncpus) ||
        phys_copy_to(&m->mem, ACPI_TABLES_BASE, seg, sizeof(seg)) < 0) {
        fprintf(stderr, "bt86: cannot place the ACPI tables at 0x%x\n", ACPI_TABLES_BASE);
        exit(EXIT_FATAL);
    }
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
    x87_clear_ferr(current_cpu(m));
}

static void set_a20(void *opaque, int on)
{
    struct machine *m = opaque;
    uint32_t mask = on ? 0xffffffffu : ~(1u << 20);
    for (int i = 0; i < m->ncpus; i++) {
        struct cpu *cpu = m->cpus[i];
        if (cpu->a20_mask != mask) {
            cpu->a20_mask = mask;
            tlb_flush(cpu); /* TLB entries hold physical pages */
            cpu_request_exit(cpu);
        }
    }
}

static void request_reset(struct machine *m, const char *why)
{
    m->reset_why = why;
    m->reset_request = 1;
    cpu_request_exit(current_cpu(m));
}

static void fast_reset(void *opaque)
{
    request_reset(opaque, "reset through port 0x92");
}

static void cf9_reset(void *opaque)
{
    request_reset(opaque, "reset through port 0xcf9");
}

static void kbc_reset(void *opaque)
{
    request_reset(opaque, "reset through the keyboard controller");
}

static void kbc_irq(void *opaque, int line, int level)
{
    struct machine *m = opaque;
    isa_irq_drive(m, line, level);
}

/* The keyboard controller's A20 line: the gate is one, port 0x92 shows it too. */
static void kbc_set_a20(void *opaque, int on)
{
    struct machine *m = opaque;
    set_a20(m, on);
    if (m->port92)
        port92_note_a20(m->port92, on);
}

/* BT86_HC_CONSOLE_WRITE: to COM1's host side, as the guest's own output. */
static void pv_console(void *opaque, const uint8_t *buf, size_t len)
{
    struct machine *m = opaque;
    if (m->serial_chr[0])
        chardev_write(m->serial_chr[0], buf, len);
}

/* Each device's reset, as machine_reset() calls it. */
#define DEVICE_RESET(fn, type)             \
    static void fn##_dev(void *dev)        \
    {                                      \
        fn((struct type *)dev);            \
    }
DEVICE_RESET(ioapic_reset, ioapic)
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
DEVICE_RESET(hpet_reset, hpet)
DEVICE_RESET(acpi_pm_reset, acpi_pm)
DEVICE_RESET(fw_cfg_reset, fw_cfg)
DEVICE_RESET(port_cf9_reset, port_cf9)
DEVICE_RESET(i440fx_reset, i440fx)
DEVICE_RESET(piix3_reset, piix3)
DEVICE_RESET(piix_ide_reset, piix_ide)
DEVICE_RESET(virtio_blk_reset, virtio_blk)
DEVICE_RESET(virtio_rng_reset, virtio_rng)
DEVICE_RESET(virtio_console_reset, virtio_console)
DEVICE_RESET(e1000_reset, e1000)
DEVICE_RESET(virtio_net_reset, virtio_net)
#undef DEVICE_RESET

/* Each CPU sees its own local APIC at the same address. */
static uint32_t lapic_mmio_read(void *opaque, uint32_t offset, int size)
{
    struct machine *m = opaque;
    return lapic_read(m->apic_bus->apic[current_cpu(m)->index], offset, size);
}

static void lapic_mmio_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct machine *m = opaque;
    lapic_write(m->apic_bus->apic[current_cpu(m)->index], offset, value, size);
}

static const struct mem_ops lapic_mmio = { lapic_mmio_read, lapic_mmio_write };

static uint32_t ioapic_mmio_read(void *opaque, uint32_t offset, int size)
{
    return ioapic_read(opaque, offset, size);
}

static void ioapic_mmio_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    ioapic_write(opaque, offset, value, size);
}

static const struct mem_ops ioapic_mmio = { ioapic_mmio_read, ioapic_mmio_write };

/* The local APIC's registers where IA32_APIC_BASE puts them, or nowhere
 * when it is off (or above 4 GiB, out of bt86's physical bus): what was
 * under them shows again.  Cached translations of the old and new pages go. */
/* The local APICs' registers where cpu's IA32_APIC_BASE puts them, or
 * nowhere when it is off (or above 4 GiB, out of bt86's physical bus): what
 * was under them shows again.  One region serves every CPU, so the last
 * CPU to move its APIC moves it for all (operating systems keep them all at
 * the default).  Cached translations of the old and new pages go. */
static void lapic_map(struct machine *m, struct cpu *cpu)
{
    struct lapic *a = m->apic_bus->apic[cpu->index];
    uint64_t base = lapic_get_base(a);
    uint64_t addr = base & LAPIC_BASE_ADDR;
    cpu->msr_apicbase = base;
    m->lapic_region->base = (uint32_t)addr;
    m->lapic_region->size = lapic_enabled(a) && addr < (1ull << 32) ? LAPIC_SIZE : 0;
    for (int i = 0; i < m->ncpus; i++)
        tlb_flush(m->cpus[i]);
}

static int apic_base_write(struct cpu *cpu, uint64_t value)
{
    struct machine *m = cpu->machine;
    if (lapic_set_base(m->apic_bus->apic[cpu->index], value) < 0)
        return -1;
    lapic_map(m, cpu);
    return 0;
}

/* The APICs reset with their CPUs; -cpu ...,-apic is a CPU without one, as
 * an APIC turned off through IA32_APIC_BASE is. */
static void lapic_reset_dev(void *dev)
{
    struct machine *m = dev;
    for (int i = m->ncpus - 1; i >= 0; i--) {
        struct lapic *a = m->apic_bus->apic[i];
        lapic_reset(a);
        if (!cpu_has(CPUID_APIC))
            lapic_set_base(a, lapic_get_base(a) & ~LAPIC_BASE_EN);
        lapic_map(m, m->cpus[i]);
    }
}

/* Each CPU's paravirtual state resets with the board. */
static void pv_reset_all(void *dev)
{
    struct machine *m = dev;
    for (int i = 0; i < m->ncpus; i++)
        pv_reset(m->cpus[i]->pv);
}

/* An MSI from a PCI function: a message to the local APIC, as the I/O
 * APIC sends (destination in address bits 19-12, logical in bit 2; vector,
 * delivery mode and trigger in the data). */
static void pci_msi(void *opaque, uint32_t addr, uint32_t data)
{
    ioapic_deliver(opaque, (uint8_t)(addr >> 12), addr >> 2 & 1, data >> 8 & 7, data & 0xff,
                   data >> 15 & 1);
}

static void *add_device(struct machine *m, void *dev, void (*reset)(void *dev));

/* The virtio functions, each in the next free slot from 2 (from 3 with a
 * VGA, which is 00:02.0 on QEMU's pc), in the order QEMU gives them. */
static int plug_virtio(struct machine *m)
{
    struct virtio_wiring w = { pci_msi, m };
    int slot = m->opt.vga ? 3 : 2;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < m->opt.nvirtio; i++) {
            const struct virtio_option *v = &m->opt.virtio[i];
            /* -drive if=virtio after every -device, as QEMU creates them later. */
            if (v->kind == VIRTIO_OPT_DRIVE_NONE || (v->kind == VIRTIO_OPT_DRIVE) != pass)
                continue;
            while (slot < 32 && pci_host_dev(m->pci, PCI_DEVFN(slot, 0)))
                slot++;
            if (slot == 32) {
                fprintf(stderr, "bt86: no free PCI slot for a virtio device\n");
                return -1;
            }
            int devfn = PCI_DEVFN(slot, 0);
            switch (v->kind) {
            case VIRTIO_OPT_DRIVE:
            case VIRTIO_OPT_BLK:
                add_device(m, virtio_blk_create(m->pci, devfn, m->vdisk[i], v->serial, &w),
                           virtio_blk_reset_dev);
                break;
            case VIRTIO_OPT_RNG:
                add_device(m, virtio_rng_create(m->pci, devfn, &w), virtio_rng_reset_dev);
                break;
            case VIRTIO_OPT_CONSOLE: {
                char err[256];
                struct chardev *chr = NULL;
                if (v->chardev && !(chr = chardev_open(v->chardev, err, sizeof(err)))) {
                    fprintf(stderr, "bt86: -chardev %s: %s\n", v->chardev, err);
                    return -1;
                }
                m->vconsole[i] = add_device(m, virtio_console_create(m->pci, devfn, chr, &w),
                                            virtio_console_reset_dev);
                break;
            }
            }
        }
    return 0;
}

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

void machine_init_core(struct machine *m)
{
    smc_init(&m->smc, m->ram_size);
    mem_init(&m->mem, &m->smc);
    ioport_init(&m->io);
    m->cpu.machine = m;
    m->cpu.mem = &m->mem;
    m->cpu.io = &m->io;
    m->cpu.smc = &m->smc;
    mem_add_ram(&m->mem, 0, m->ram_size, m->ram, "ram");
    m->tbs = tb_init(&m->cpu, m->opt.backend, m->opt.tb_size, &m->clock);
    debug_init(&m->debug, &m->cpu);
    m->cpu.stop_before = debug_stop_before;
    m->cpu.stop_before_opaque = &m->debug;
    m->cpus[0] = &m->cpu;
    m->ncpus = 1;
    m->current = &m->cpu;
}

/* The application processors: wired as the BSP is, over its buses and block cache. */
static void create_aps(struct machine *m)
{
    int n = m->opt.ncpus < 1 ? 1 : m->opt.ncpus > MACHINE_MAX_CPUS ? MACHINE_MAX_CPUS : m->opt.ncpus;
    for (int i = 1; i < n; i++) {
        struct cpu *cpu = aligned_alloc(64, (sizeof(struct cpu) + 63) & ~(size_t)63);
        if (!cpu) {
            fprintf(stderr, "bt86: out of memory for CPU %d\n", i);
            exit(EXIT_FATAL);
        }
        memset(cpu, 0, sizeof(*cpu));
        cpu->machine = m;
        cpu->mem = &m->mem;
        cpu->io = &m->io;
        cpu->smc = &m->smc;
        cpu->tbs = m->tbs;
        cpu->stop_before = m->cpu.stop_before;
        cpu->stop_before_opaque = m->cpu.stop_before_opaque;
        cpu->index = i;
        cpu->apic_id = (uint8_t)i;
        m->cpus[i] = cpu;
    }
    m->ncpus = n;
}

/* Only every this many looks at a serial port with no input buffered poll
 * its host descriptor (chardev_poll_every(), below). */
#define SERIAL_POLL_EVERY 16

int machine_init(struct machine *m)
{
    char err[512];
    /* Virtual time starts here, before any device schedules a timer on it. */
    m->start_ns = host_clock_ns();
    clock_init(&m->clock, clock_read, clock_kick, m);
    m->ram_size = m->opt.ram_mb << 20;
    m->ram = mem_alloc_ram(m->ram_size);
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
    for (int i = 0; i < m->opt.nvirtio; i++) {
        const struct virtio_option *v = &m->opt.virtio[i];
        if (v->kind != VIRTIO_OPT_DRIVE && v->kind != VIRTIO_OPT_BLK)
            continue;
        m->vdisk[i] = block_open(v->file, v->readonly, v->snapshot, err, sizeof(err));
        if (!m->vdisk[i]) {
            fprintf(stderr, "bt86: -drive file=%s: %s\n", v->file, err);
            return EXIT_USAGE;
        }
    }
    if (decode_init() < 0) {
        fprintf(stderr, "bt86: cannot initialize the Capstone decoder\n");
        return EXIT_FATAL;
    }
    machine_init_core(m);

    for (int i = 0; i < m->opt.nserial && i < 4; i++) {
        m->serial_chr[i] = chardev_open(m->opt.serial[i], err, sizeof(err));
        if (!m->serial_chr[i]) {
            fprintf(stderr, "bt86: -serial %s: %s\n", m->opt.serial[i], err);
            return EXIT_USAGE;
        }
        /* The UART asks for input at every look at the devices, which is
         * every exit request: each character the guest writes.  poll(2) is
         * 1.5 us where the host is itself a virtual machine; a Linux boot
         * asked 360,000 times.  A halted guest still reads input at once:
         * machine_wait() kicks the chardev when its own poll saw it. */
        chardev_poll_every(m->serial_chr[i], SERIAL_POLL_EVERY);
    }
    /* The interrupt path from the CPUs outwards: the local APICs on their
     * bus, then the I/O APIC and the 8259, which both drive it. */
    create_aps(m);
    m->apic_bus = calloc(1, sizeof(*m->apic_bus));
    for (int i = 0; m->apic_bus && i < m->ncpus; i++) {
        struct cpu *cpu = m->cpus[i];
        struct lapic_wiring lw = { &m->clock, cpu_intr, cpu_nmi, pic_inta, lapic_eoi, cpu,
                                   cpu_init, cpu_sipi };
        struct lapic *a = lapic_create(&lw, (uint8_t)i);
        if (!a)
            break;
        lapic_bus_attach(m->apic_bus, a);
        cpu->apic_base_write = apic_base_write;
    }
    m->lapic = m->apic_bus && m->apic_bus->n == m->ncpus ? m->apic_bus->apic[0] : NULL;
    add_device(m, m->lapic ? m : NULL, lapic_reset_dev);
    mem_add_mmio(&m->mem, LAPIC_DEFAULT_BASE, LAPIC_SIZE, &lapic_mmio, m, "lapic");
    m->lapic_region = mem_find(&m->mem, LAPIC_DEFAULT_BASE);
    m->ioapic = add_device(m, ioapic_create(ioapic_deliver, m), ioapic_reset_dev);
    mem_add_mmio(&m->mem, IOAPIC_BASE, IOAPIC_SIZE, &ioapic_mmio, m->ioapic, "ioapic");
    m->pic = add_device(m, pic_create(&m->io, pic_intr, m), pic_reset_dev);
    for (int i = 0; i < 16; i++)
        m->irq[i] = (struct isa_irq){ m, i };
    m->pit = add_device(m, pit_create(&m->io, &m->clock, isa_irq_set, &m->irq[0]), pit_reset_dev);
    m->port61 = add_device(m, port61_create(&m->io, &m->clock, m->pit), port61_reset_dev);
    m->port80 = add_device(m, port80_create(&m->io), port80_reset_dev);
    m->rtc = add_device(m,
                        rtc_create(&m->io, &m->clock, 0x70, isa_irq_set, &m->irq[8],
                                   m->opt.rtc_base),
                        rtc_reset_dev);
    rtc_set_memory(m->rtc, m->ram_size);
    rtc_cmos_set(m->rtc, 0x5f, (uint8_t)(m->ncpus - 1)); /* QEMU's pc: CPUs beyond the first */
    struct i8042_wiring kw = { kbc_irq, kbc_reset, kbc_set_a20, m };
    m->kbc = add_device(m, i8042_create(&m->io, &kw), i8042_reset_dev);
    m->kbd = i8042_kbd(m->kbc);
    m->mouse = i8042_mouse(m->kbc);
    if (m->opt.vga)
        m->vga = add_device(m, vga_create(&m->io, &m->mem), vga_reset_dev);
    /* The PC has four COM ports (IRQ 4, 3, 4, 3); unconnected ones still answer. */
    for (int i = 0; i < 4; i++) {
        static const char *const names[4] = { "com1", "com2", "com3", "com4" };
        if (i < m->opt.nserial || i < 2)
            m->uart[i] = add_device(m,
                                    uart_create(&m->io, &m->clock, com_base[i], m->serial_chr[i],
                                                isa_irq_set, &m->irq[i & 1 ? 3 : 4], names[i]),
                                    uart_reset_dev);
    }
    if (m->opt.debugcon) {
        m->debugcon_chr = chardev_open(m->opt.debugcon, err, sizeof(err));
        if (!m->debugcon_chr) {
            fprintf(stderr, "bt86: -debugcon %s: %s\n", m->opt.debugcon, err);
            return EXIT_USAGE;
        }
        debugcon_create(&m->io, m->opt.debugcon_base ? m->opt.debugcon_base : 0xe9,
                        m->debugcon_chr);
    }
    if (m->opt.debug_exit)
        debug_exit_create(&m->io, m->opt.debug_exit_base, m->opt.debug_exit_size,
                          debug_exit_status, m);
    m->port92 = add_device(m, port92_create(&m->io, set_a20, fast_reset, m), port92_reset_dev);
    m->pci = add_device(m, pci_host_create(&m->io, &m->mem), pci_host_reset_dev);
    pci_host_set_ram_top(m->pci, m->ram_size);
    /* After the PCI host: its port window (0x1000 up) must not hide 0x2000. */
    if (m->opt.pc_testdev)
        pc_testdev_create(&m->io, &m->mem, testdev_irq, m);
    /* Over CONFIG_ADDRESS's byte 1, as on the PIIX. */
    m->port_cf9 = add_device(m, port_cf9_create(&m->io, cf9_reset, m), port_cf9_reset_dev);
    m->hpet = add_device(m, hpet_create(&m->clock, hpet_irq, hpet_legacy, m), hpet_reset_dev);
    mem_add_mmio(&m->mem, HPET_BASE, HPET_SIZE, &hpet_mem_ops, m->hpet, "hpet");
    m->acpi_pm = add_device(m,
                            acpi_pm_create(&m->io, &m->clock, isa_irq_set, &m->irq[ACPI_SCI_IRQ],
                                           acpi_power_off, m),
                            acpi_pm_reset_dev);
    m->fw_cfg = add_device(m, fw_cfg_create(&m->io, &m->mem), fw_cfg_reset_dev);
    fw_cfg_fill(m);
    m->i440fx = add_device(m, i440fx_create(m->pci, loader_bios_pam, m), i440fx_reset_dev);
    /* pirq: where an I/O APIC's PCI pins 16-19 would listen, as on QEMU's pc. */
    struct piix3_wiring piw = { pci_isa_irq, NULL, m };
    m->piix3 = add_device(m, piix3_create(m->pci, &piw), piix3_reset_dev);
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
    if (plug_virtio(m) < 0)
        return EXIT_USAGE;
    for (int i = 0; i < m->opt.nnetdev; i++) {
        const struct netdev_option *no = &m->opt.netdev[i];
        m->netdev[i] = netdev_user_create(no->id, no->options, &m->clock, err, sizeof(err));
        if (!m->netdev[i]) {
            fprintf(stderr, "bt86: -netdev %s,id=%s: %s\n", no->type, no->id, err);
            return EXIT_USAGE;
        }
    }
    for (int i = 0; i < m->opt.nnic; i++) {
        struct netdev *nd = NULL;
        for (int k = 0; k < m->opt.nnetdev; k++)
            if (!strcmp(m->opt.netdev[k].id, m->opt.nic[i].netdev))
                nd = m->netdev[k];
        /* The first free slot from 3, where QEMU's pc puts its first NIC. */
        int slot = 3;
        while (slot < 32 && pci_host_dev(m->pci, PCI_DEVFN(slot, 0)))
            slot++;
        if (!nd || slot == 32) {
            fprintf(stderr, "bt86: -device %s: no netdev or no free PCI slot\n",
                    m->opt.nic[i].model);
            return EXIT_USAGE;
        }
        const struct nic_option *no = &m->opt.nic[i];
        if (!strcmp(no->model, "virtio-net-pci")) {
            struct virtio_wiring w = { pci_msi, m };
            m->nic[i] = add_device(m, virtio_net_create(m->pci, PCI_DEVFN(slot, 0), nd, no->mac, &w),
                                   virtio_net_reset_dev);
            continue;
        }
        /* QEMU's pc gives the e1000 iPXE's combined legacy and EFI ROM. */
        uint8_t *rom;
        size_t rom_len;
        if (loader_nic_rom(no->romfile, "efi-e1000.rom", !m->opt.kernel, &rom, &rom_len, err,
                           sizeof(err)) < 0) {
            fprintf(stderr, "bt86: -device %s: %s\n", no->model, err);
            return EXIT_USAGE;
        }
        m->nic[i] = add_device(m, e1000_create(m->pci, PCI_DEVFN(slot, 0), nd, no->mac, rom,
                                               (uint32_t)rom_len),
                               e1000_reset_dev);
        free(rom);
    }
    /* The x87's FERR# reaches the PIC as IRQ 13 (CR0.NE=0 error reporting). */
    for (int i = 0; i < m->ncpus; i++) {
        m->cpus[i]->ferr = isa_irq_set;
        m->cpus[i]->ferr_opaque = &m->irq[13];
    }
    port_f0_create(&m->io, ferr_clear, m);
    /* The paravirtual interfaces' timer and shared page are the board's
     * state too: a reset drops them. */
    struct pv_wiring pw = { &m->clock, pv_console, m, m->opt.rtc_base };
    for (int i = 0; i < m->ncpus; i++)
        pv_create(m->cpus[i], &pw);
    add_device(m, m, pv_reset_all);

    /* Without -kernel the PC boots as one does: the firmware at the reset vector. */
    if (!m->opt.kernel && (loader_load_bios(m, m->opt.bios, err, sizeof(err)) < 0 ||
                           loader_bios_fw_cfg(m, err, sizeof(err)) < 0)) {
        fprintf(stderr, "bt86: -bios: %s\n", err);
        return EXIT_USAGE;
    }
    machine_reset(m);
    if (m->opt.kernel && loader_load_kernel(m, err, sizeof(err)) < 0) {
        fprintf(stderr, "bt86: -kernel: %s\n", err);
        return EXIT_USAGE;
    }
    /* Last: "no display available" is news only once the machine can run. */
    if (screen_init(m) < 0)
        return EXIT_FATAL;
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
    if (!m->ncpus) { /* a test's machine without machine_init_core */
        m->cpus[0] = &m->cpu;
        m->ncpus = 1;
    }
    if (!m->current)
        m->current = &m->cpu;
    for (int i = 0; i < m->ncpus; i++) {
        cpu_reset(m->cpus[i]);
        /* The application processors wait for the BSP's Startup IPI. */
        m->cpus[i]->sipi_wait = i > 0;
    }
    tb_flush_all(m->tbs);
    for (int i = 0; i < m->ndevices; i++)
        m->devices[i].reset(m->devices[i].dev);
    if (m->bios)
        return; /* the firmware sets the board up itself */
    write_firmware_tables(m);
    if (m->pci)
        pci_firmware_setup(m);
}

/* The network backends' host sockets, without waiting, and their timers
 * (libslirp runs TCP's in its poll).  At most every NET_POLL_NS of host
 * time: the loop comes here after every block budget. */
#define NET_POLL_NS 20000
#define NET_MAX_FDS 256

static void net_poll(struct machine *m)
{
    if (!m->netdev[0])
        return;
    uint64_t now = host_clock_ns();
    if (now - m->net_polled_ns < NET_POLL_NS)
        return;
    m->net_polled_ns = now;
    for (int i = 0; i < MACHINE_MAX_NICS && m->netdev[i]; i++) {
        struct pollfd fds[NET_MAX_FDS];
        int timeout = -1;
        int n = netdev_poll_fill(m->netdev[i], fds, NET_MAX_FDS, &timeout);
        int rc = n ? poll(fds, (nfds_t)n, 0) : 0;
        netdev_poll_done(m->netdev[i], fds, n, rc < 0);
    }
}

void machine_poll(struct machine *m)
{
    if (m->reset_request) {
        m->reset_request = 0;
        machine_reboot(m, m->reset_why);
    }
    if (m->tb_flush_request) {
        m->tb_flush_request = 0;
        tb_flush_all(m->tbs);
    }
    for (int i = 0; i < 4; i++)
        if (m->uart[i])
            uart_poll(m->uart[i]);
    for (int i = 0; i < 8; i++)
        if (m->vconsole[i])
            virtio_console_poll(m->vconsole[i]);
    net_poll(m);
    timers_run(&m->clock, machine_clock_ns(m));
    uint64_t t0 = host_clock_ns();
    screen_poll(m);
    clock_steal(&m->clock, host_clock_ns() - t0);
}

void machine_wait(struct machine *m)
{
    struct pollfd fds[4 + NET_MAX_FDS];
    int net_first[MACHINE_MAX_NICS + 1];
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
    /* Sleep until input or the next timer; never spin (100 ms at most). */
    int ms = 100;
    if (next != TIMER_NEVER)
        ms = next <= now ? 0 : (int)((next - now + 999999) / 1000000);
    if (ms > 100)
        ms = 100;
    /* A frame from the network wakes the guest too. */
    int nnet = 0, first = n;
    for (; nnet < MACHINE_MAX_NICS && m->netdev[nnet]; nnet++) {
        net_first[nnet] = n;
        n += netdev_poll_fill(m->netdev[nnet], fds + n, NET_MAX_FDS - (n - first), &ms);
    }
    net_first[nnet] = n;
    if (m->opt.icount && next != TIMER_NEVER) {
        /* Nothing runs while halted: virtual time jumps to the next event.
         * With a network, the host's side of a connection runs in host
         * time: the guest waits for it as long as the jump (10 ms at most),
         * and an answer that comes wakes it before the jump. */
        int rc = 0;
        if (nnet) {
            rc = poll(fds + first, (nfds_t)(n - first), ms < 10 ? ms : 10);
            for (int i = 0; i < nnet; i++)
                netdev_poll_done(m->netdev[i], fds + net_first[i],
                                 net_first[i + 1] - net_first[i], rc < 0);
            m->net_polled_ns = host_clock_ns();
        }
        if (rc <= 0)
            current_cpu(m)->icount += machine_icount_until(m, next);
        machine_poll(m);
        return;
    }
    ms = screen_wait_ms(m, ms);
    int rc = poll(fds, (nfds_t)n, ms);
    for (int i = 0; i < 4 && rc > 0; i++)
        chardev_kick(m->serial_chr[i]);
    for (int i = 0; i < nnet; i++)
        netdev_poll_done(m->netdev[i], fds + net_first[i], net_first[i + 1] - net_first[i], rc < 0);
    if (nnet)
        m->net_polled_ns = host_clock_ns();
    machine_poll(m);
}

int machine_irq_ack(struct machine *m)
{
    if (!m->apic_bus || current_cpu(m)->index >= m->apic_bus->n)
        return -1;
    return lapic_ack(m->apic_bus->apic[current_cpu(m)->index]);
}

/* A reset of the whole PC: the CPU starts at the firmware's reset vector
 * again, or with no firmware, bt86 boots the kernel again. */
void machine_reboot(struct machine *m, const char *why)
{
    if (m->opt.no_reboot) {
        /* As QEMU: -no-reboot turns the reset into a normal shutdown. */
        fprintf(stderr, "bt86: %s: exiting (-no-reboot)\n", why);
        at_exit_status(m, 0);
    }
    char err[512];
    machine_reset(m);
    if (m->opt.kernel && loader_load_kernel(m, err, sizeof(err)) < 0) {
        fprintf(stderr, "bt86: reset: %s\n", err);
        at_exit_status(m, EXIT_FATAL);
    }
}

void machine_triple_fault(struct machine *m)
{
    struct cpu *cpu = current_cpu(m);
    fprintf(stderr, "bt86: triple fault at %04x:%08x (a fault while delivering a double fault;"
                    " IDT base 0x%08x limit 0x%x)\n",
            cpu->seg[S_CS].sel, cpu->eip, cpu->idt.base, cpu->idt.limit);
    request_reset(m, "triple fault");
}

_Noreturn void machine_exit(struct machine *m, int status)
{
    at_exit_status(m, status);
}
