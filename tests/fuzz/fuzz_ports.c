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
 */
#include "tests/fuzz/fuzz.h"
#include "emu/machine.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

static struct machine *m;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    m = fuzz_machine(4);
    return 0;
}

static void one_access(int op, uint16_t port, uint32_t value)
{
    static const int sizes[4] = { 1, 2, 4, 4 };
    int size = sizes[op >> 1 & 3];
    if (op & 8) {
        uint32_t a = 0xa0000 + (port & 0x1ffff & ~(size - 1u));
        if (op & 1)
            phys_write(a, value, size);
        else
            (void)phys_read(a, size);
    } else if (op & 1) {
        ioport_write(port, value, size);
    } else {
        (void)ioport_read(port, size);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        LLVMFuzzerInitialize(NULL, NULL);
    machine_reset(m);
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
            (void)machine_irq_ack(m);
        }
    }
    m->reset_request = 0;
    return 0;
}
