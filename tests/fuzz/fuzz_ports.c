/*
 * fuzz_ports.c - any sequence of port and MMIO accesses on a whole PC.
 *
 * The input is a list of 5-byte records: an operation byte, a 16-bit port
 * (or an offset into the VGA window at 0xa0000 for MMIO) and a 16-bit value.
 * Operation bits: 0 write (else read), 1-2 size (1, 2, 4, 4 bytes), 3 MMIO
 * instead of port I/O, 4 let virtual time pass (timers, interrupts
 * acknowledged), 5 a string of 16 such accesses (as REP OUTS/INS would),
 * 6 (with 3) MMIO to the board's windows instead of the VGA's: with port
 * bit 15 the I/O APIC's at 0xfec00000, else with bit 14 the HPET's at
 * 0xfed00000, else the local APIC's page at 0xfee00000.
 * Devices must answer anything without crashing or growing without bound.
 * A reset request (port 0x92 bit 0, i8042 command 0xfe) is dropped: acting
 * on it would end the process, which is right for bt86 and useless here.
 *
 * One machine serves every input; before each, the devices go back to
 * their power-on state through their reset functions, then their load
 * functions from copies saved at start (for what a reset keeps).  The VGA's reset clears 16 MiB,
 * so it runs only after an input that reached the VGA; RAM is cleared only
 * after an input that reached fw_cfg's DMA port (which writes anywhere).
 */
#include "tests/fuzz/fuzz.h"
#include "machine/machine.h"
#include "hw/acpi_pm.h"
#include "hw/fw_cfg.h"
#include "hw/hpet.h"
#include "hw/i440fx.h"
#include "hw/i8042.h"
#include "hw/ioapic.h"
#include "hw/lapic.h"
#include "hw/pci_host.h"
#include "hw/piix3.h"
#include "hw/piix_ide.h"
#include "hw/pic8259.h"
#include "hw/pit8254.h"
#include "hw/port_cf9.h"
#include "hw/port61.h"
#include "hw/port80.h"
#include "hw/port92.h"
#include "hw/rtc_mc146818.h"
#include "hw/uart16550.h"
#include "hw/vga.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VGA_WINDOW 0xa0000u
#define VGA_WINDOW_SIZE 0x20000u

static struct machine *m;
static int vga_touched, dma_touched;
static uint64_t result; /* what the input read */

/*
 * What the reset functions leave as it was, restored from copies saved at
 * start: the RTC's CMOS and clock (the battery keeps them), the UARTs'
 * receive buffer (an empty RBR still reads it), and the PIT's record of
 * the last tick it delivered, which would hold back IRQ 0 once virtual
 * time starts again from 0 (the fuzzer sets the instruction count to 0).
 */
struct saved {
    void *dev;
    int (*save)(void *dev, FILE *f);
    int (*load)(void *dev, FILE *f);
    char *buf;
    size_t len;
};
static struct saved saved[12];
static int nsaved;

static void save(void *dev, int (*save_fn)(void *, FILE *), int (*load_fn)(void *, FILE *))
{
    struct saved *s = &saved[nsaved++];
    *s = (struct saved){ dev, save_fn, load_fn, NULL, 0 };
    FILE *f = open_memstream(&s->buf, &s->len);
    if (!f || save_fn(dev, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "fuzz_ports: cannot save a device\n");
        exit(1);
    }
}

static void restore_saved(void)
{
    for (int i = 0; i < nsaved; i++) {
        FILE *f = fmemopen(saved[i].buf, saved[i].len, "rb");
        if (!f || saved[i].load(saved[i].dev, f) < 0) {
            fprintf(stderr, "fuzz_ports: cannot restore a device\n");
            abort();
        }
        fclose(f);
    }
}

/* The save and load functions, each taking its own device type. */
#define SAVER(dev, type)                                                                        \
    static int dev##_save_any(void *d, FILE *f) { return dev##_save((struct type *)d, f); }   \
    static int dev##_load_any(void *d, FILE *f) { return dev##_load((struct type *)d, f); }
SAVER(pic, pic)
SAVER(pit, pit)
SAVER(port61, port61)
SAVER(port80, port80)
SAVER(port92, port92)
SAVER(rtc, rtc)
SAVER(i8042, i8042)
SAVER(pci_host, pci_host)
SAVER(uart, uart)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    m = fuzz_machine(4);
    save(m->pic, pic_save_any, pic_load_any);
    save(m->pit, pit_save_any, pit_load_any);
    save(m->port61, port61_save_any, port61_load_any);
    save(m->port80, port80_save_any, port80_load_any);
    save(m->port92, port92_save_any, port92_load_any);
    save(m->rtc, rtc_save_any, rtc_load_any);
    save(m->kbc, i8042_save_any, i8042_load_any);
    save(m->pci, pci_host_save_any, pci_host_load_any);
    for (int i = 0; i < 4; i++)
        if (m->uart[i])
            save(m->uart[i], uart_save_any, uart_load_any);
    return 0;
}

/* machine_reset() without the translation cache (no code runs here). */
static void reset_devices(void)
{
    cpu_reset(&m->cpu);
    m->cpu.icount = 0; /* virtual time back to 0 (-icount) */
    lapic_reset(m->lapic);
    ioapic_reset(m->ioapic);
    pic_reset(m->pic);
    pit_reset(m->pit);
    for (int i = 0; i < 4; i++)
        if (m->uart[i])
            uart_reset(m->uart[i]);
    port61_reset(m->port61);
    port80_reset(m->port80);
    rtc_reset(m->rtc);
    restore_saved();
    i8042_reset(m->kbc);
    pci_host_reset(m->pci);
    i440fx_reset(m->i440fx);
    piix3_reset(m->piix3);
    piix_ide_reset(m->ide);
    port92_reset(m->port92);
    hpet_reset(m->hpet);
    acpi_pm_reset(m->acpi_pm);
    fw_cfg_reset(m->fw_cfg);
    port_cf9_reset(m->port_cf9);
    m->stop = 0; /* an S5 through PM1_CNT */
    if (dma_touched)
        memset(m->ram, 0, m->ram_size);
    dma_touched = 0;
    if (vga_touched)
        vga_reset(m->vga);
    vga_touched = 0;
    /* With the VGA's memory off, window writes land in the RAM below. */
    memset(m->ram + VGA_WINDOW, 0, VGA_WINDOW_SIZE);
}

static void one_access(int op, uint16_t port, uint32_t value)
{
    static const int sizes[4] = { 1, 2, 4, 4 };
    int size = sizes[op >> 1 & 3];
    if (!(op & 8) && port >= FW_CFG_PORT_DMA && port < FW_CFG_PORT_DMA + 8)
        dma_touched = 1;
    if ((op & 0x48) == 0x48) {
        uint32_t off = port & 0xfff & ~(size - 1u);
        uint32_t a = port & 0x8000   ? IOAPIC_BASE + off
                     : port & 0x4000 ? HPET_BASE + (port & (HPET_SIZE - 1) & ~(size - 1u))
                                     : LAPIC_DEFAULT_BASE + off;
        if (op & 1)
            phys_write(&m->mem, a, value, size);
        else
            result = fuzz_hash(result, &(uint32_t){ phys_read(&m->mem, a, size) }, 4);
        return;
    }
    if (op & 8 || (port >= 0x3b0 && port < 0x3e0) || (port >= 0x1ce && port < 0x1d1))
        vga_touched = 1;
    if (op & 8) {
        uint32_t a = VGA_WINDOW + (port & 0x1ffff & ~(size - 1u));
        if (op & 1)
            phys_write(&m->mem, a, value, size);
        else
            result = fuzz_hash(result, &(uint32_t){ phys_read(&m->mem, a, size) }, 4);
    } else if (op & 1) {
        ioport_write(&m->io, port, value, size);
    } else {
        result = fuzz_hash(result, &(uint32_t){ ioport_read(&m->io, port, size) }, 4);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    reset_devices();
    result = FUZZ_HASH_INIT;
    for (size_t i = 0; i + 5 <= size; i += 5) {
        int op = data[i];
        uint16_t port = data[i + 1] | data[i + 2] << 8;
        uint32_t value = data[i + 3] | data[i + 4] << 8;
        value |= value << 16;
        for (int n = op & 0x20 ? 16 : 1; n > 0; n--)
            one_access(op, port, value);
        m->reset_request = 0;
        if (op & 0x10) {
            m->cpu.icount += 1000000; /* 1 ms of virtual time (-icount) */
            machine_poll(m);
            result = fuzz_hash(result, &(int){ machine_irq_ack(m) }, sizeof(int));
        }
    }
    m->reset_request = 0;
    return 0;
}

uint64_t fuzz_result_hash(void)
{
    return fuzz_hash(result, m->ram + VGA_WINDOW, VGA_WINDOW_SIZE);
}
