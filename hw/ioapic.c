/*
 * ioapic.c - the I/O APIC, after Intel's 82093AA datasheet.
 *
 * Registers (through IOREGSEL/IOWIN): 0x00 the ID (bits 24-27), 0x01 the
 * version (0x20, and the highest entry, 23, in bits 16-23), 0x02 the
 * arbitration ID (the ID, as after reset), 0x10 + 2n / 0x11 + 2n the low
 * and high halves of redirection entry n.  Anything else reads 0 and
 * ignores writes.  Version 0x20, QEMU's since 2.x (the 82093AA is 0x11),
 * also has the EOI register at offset 0x40: writing a vector there does
 * what the local APICs' EOI broadcast does.
 *
 * A redirection entry: vector (0-7), delivery mode (8-10), destination
 * mode (11), delivery status (12, read-only: messages leave at once, so
 * it reads idle), polarity (13), remote IRR (14, read-only), trigger (15),
 * mask (16), destination (56-63).
 *
 * An edge entry sends a message on each assertion of its pin; a masked
 * edge is lost (the datasheet: "not delivered or held pending").  A level
 * entry sends one while its pin is asserted, and then sets remote IRR,
 * which holds back further messages until the local APIC's EOI for the
 * vector clears it; a pin still asserted then sends again.  Unmasking an
 * asserted level entry sends its message.
 */
#include "hw/ioapic.h"

#include <stdlib.h>
#include <string.h>

#define RTE_DELIVERY_STATUS (1ull << 12)
#define RTE_POLARITY_LOW (1ull << 13)
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_LEVEL (1ull << 15)
#define RTE_MASKED (1ull << 16)
/* What a guest can write: all but delivery status, remote IRR and reserved bits. */
#define RTE_WRITABLE (0xff00000000000000ull | 0x1afffull)

#define VERSION 0x20

struct ioapic {
    ioapic_deliver_fn *deliver;
    void *opaque;
    uint8_t regsel;
    uint8_t id; /* bits 24-27 of register 0 */
    uint32_t pins; /* electrical levels */
    uint64_t rte[IOAPIC_PINS];
};

static int asserted(const struct ioapic *io, int pin)
{
    int level = (io->pins >> pin) & 1;
    return io->rte[pin] & RTE_POLARITY_LOW ? !level : level;
}

static void send(struct ioapic *io, int pin)
{
    uint64_t e = io->rte[pin];
    int level = (e & RTE_LEVEL) != 0;
    if (level)
        io->rte[pin] |= RTE_REMOTE_IRR;
    io->deliver(io->opaque, (uint8_t)(e >> 56), (e >> 11) & 1, (e >> 8) & 7, e & 0xff, level);
}

/* A level entry whose pin is asserted, unmasked and not waiting for an EOI. */
static void service_level(struct ioapic *io, int pin)
{
    uint64_t e = io->rte[pin];
    if ((e & RTE_LEVEL) && !(e & (RTE_MASKED | RTE_REMOTE_IRR)) && asserted(io, pin))
        send(io, pin);
}

void ioapic_set_irq(struct ioapic *io, int pin, int level)
{
    if (pin < 0 || pin >= IOAPIC_PINS)
        return;
    int was = asserted(io, pin);
    io->pins = level ? io->pins | (1u << pin) : io->pins & ~(1u << pin);
    int now = asserted(io, pin);
    uint64_t e = io->rte[pin];
    if (e & RTE_LEVEL)
        service_level(io, pin);
    else if (now && !was && !(e & RTE_MASKED))
        send(io, pin);
}

void ioapic_eoi(struct ioapic *io, int vector)
{
    for (int pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t e = io->rte[pin];
        if ((e & RTE_LEVEL) && (e & RTE_REMOTE_IRR) && (int)(e & 0xff) == vector) {
            io->rte[pin] &= ~RTE_REMOTE_IRR;
            service_level(io, pin);
        }
    }
}

static uint32_t read_reg(struct ioapic *io)
{
    unsigned r = io->regsel;
    switch (r) {
    case 0x00:
    case 0x02:
        return (uint32_t)io->id << 24;
    case 0x01:
        return VERSION | ((IOAPIC_PINS - 1) << 16);
    default:
        break;
    }
    if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_PINS) {
        uint64_t e = io->rte[(r - 0x10) / 2];
        return r & 1 ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    return 0;
}

static void write_reg(struct ioapic *io, uint32_t v)
{
    unsigned r = io->regsel;
    if (r == 0x00) {
        io->id = (v >> 24) & 0xf;
        return;
    }
    if (r < 0x10 || r >= 0x10 + 2 * IOAPIC_PINS)
        return; /* the version, arbitration and unimplemented registers */
    int pin = (r - 0x10) / 2;
    uint64_t e = io->rte[pin];
    uint64_t w = r & 1 ? ((uint64_t)v << 32) | (e & 0xffffffffu) : (e & ~0xffffffffull) | v;
    io->rte[pin] = (w & RTE_WRITABLE) | (e & RTE_REMOTE_IRR);
    if (!(io->rte[pin] & RTE_LEVEL))
        io->rte[pin] &= ~RTE_REMOTE_IRR; /* an edge entry has no EOI to wait for */
    service_level(io, pin);
}

uint32_t ioapic_read(struct ioapic *io, uint32_t offset, int size)
{
    uint32_t v;
    if (offset < 4)
        v = io->regsel;
    else if (offset >= 0x10 && offset < 0x14)
        v = read_reg(io);
    else
        return 0;
    v >>= 8 * (offset & 3);
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void ioapic_write(struct ioapic *io, uint32_t offset, uint32_t value, int size)
{
    if (offset == 0)
        io->regsel = (uint8_t)value;
    else if (offset == 0x10 && size == 4)
        write_reg(io, value);
    else if (offset == 0x40)
        ioapic_eoi(io, value & 0xff);
}

static const uint8_t save_magic[8] = { 'I', 'O', 'A', 'P', 'I', 'C', 0, 1 };

int ioapic_save(struct ioapic *io, FILE *f)
{
    uint64_t s[3 + IOAPIC_PINS] = { io->regsel, io->id, io->pins };
    memcpy(s + 3, io->rte, sizeof(io->rte));
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    return 0;
}

int ioapic_load(struct ioapic *io, FILE *f)
{
    uint8_t magic[sizeof(save_magic)];
    uint64_t s[3 + IOAPIC_PINS];
    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1)
        return -1;
    io->regsel = (uint8_t)s[0];
    io->id = s[1] & 0xf;
    io->pins = s[2] & ((1u << IOAPIC_PINS) - 1);
    for (int i = 0; i < IOAPIC_PINS; i++) {
        io->rte[i] = s[3 + i] & (RTE_WRITABLE | RTE_REMOTE_IRR);
        if (!(io->rte[i] & RTE_LEVEL))
            io->rte[i] &= ~RTE_REMOTE_IRR;
    }
    return 0;
}

void ioapic_reset(struct ioapic *io)
{
    io->regsel = 0;
    io->id = 0;
    for (int i = 0; i < IOAPIC_PINS; i++)
        io->rte[i] = RTE_MASKED;
}

struct ioapic *ioapic_create(ioapic_deliver_fn *deliver, void *opaque)
{
    struct ioapic *io = calloc(1, sizeof(*io));
    if (!io)
        return NULL;
    io->deliver = deliver;
    io->opaque = opaque;
    ioapic_reset(io);
    return io;
}

void ioapic_free(struct ioapic *io)
{
    free(io);
}
