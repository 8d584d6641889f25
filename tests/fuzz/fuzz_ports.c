/*
 * fuzz_ports.c - any sequence of port and MMIO accesses on a whole PC.
 *
 * The input is a list of 5-byte records: an operation byte, a 16-bit port
 * (or an offset into the VGA window at 0xa0000 for MMIO) and a 16-bit value.
 * Operation bits: 0 write (else read), 1-2 size (1, 2, 4, 4 bytes), 3 MMIO
 * instead of port I/O, 4 let virtual time pass (timers, interrupts
 * acknowledged), 5 a string of 16 such accesses (as REP OUTS/INS would).
 * Devices must answer anything without crashing or growing without bound.
 * A reset request (port 0x92 bit 0, i8042 command 0xfe) is dropped: acting
 * on it would end the process, which is right for bt86 and useless here.
 *
 * One machine serves every input; before each, the devices go back to
 * their power-on state through their reset functions, and the RTC (whose
 * CMOS and clock outlive a reset, as the battery keeps them) through its
 * load function from a copy saved at start.  The VGA's reset clears 16 MiB,
 * so it runs only after an input that reached the VGA.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/machine.h"
#include "hw/i8042.h"
#include "hw/pci_host.h"
#include "hw/pic8259.h"
#include "hw/pit8254.h"
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
static char *rtc_state;
static size_t rtc_state_len;
static int vga_touched;
static uint64_t result; /* what the input read */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    m = fuzz_machine(4);
    FILE *f = open_memstream(&rtc_state, &rtc_state_len);
    if (!f || rtc_save(m->rtc, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "fuzz_ports: cannot save the RTC\n");
        exit(1);
    }
    return 0;
}

static void restore_rtc(void)
{
    FILE *f = fmemopen(rtc_state, rtc_state_len, "rb");
    if (!f || rtc_load(m->rtc, f) < 0) {
        fprintf(stderr, "fuzz_ports: cannot restore the RTC\n");
        abort();
    }
    fclose(f);
}

/* machine_reset() without the translation cache (no code runs here). */
static void reset_devices(void)
{
    cpu_reset(&m->cpu); /* virtual time back to 0 (-icount) */
    pic_reset(m->pic);
    pit_reset(m->pit);
    for (int i = 0; i < 4; i++)
        if (m->uart[i])
            uart_reset(m->uart[i]);
    port61_reset(m->port61);
    port80_reset(m->port80);
    rtc_reset(m->rtc);
    restore_rtc();
    i8042_reset(m->kbc);
    pci_host_reset(m->pci);
    port92_reset(m->port92);
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
    if (op & 8 || (port >= 0x3b0 && port < 0x3e0) || (port >= 0x1ce && port < 0x1d1))
        vga_touched = 1;
    if (op & 8) {
        uint32_t a = VGA_WINDOW + (port & 0x1ffff & ~(size - 1u));
        if (op & 1)
            phys_write(a, value, size);
        else
            result = fuzz_hash(result, &(uint32_t){ phys_read(a, size) }, 4);
    } else if (op & 1) {
        ioport_write(port, value, size);
    } else {
        result = fuzz_hash(result, &(uint32_t){ ioport_read(port, size) }, 4);
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
