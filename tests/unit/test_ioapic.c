/*
 * test_ioapic.c - the I/O APIC's registers and redirection entries, after
 * the 82093AA datasheet: edge and level pins, remote IRR and EOI, masks,
 * polarity, and indexes out of range; the version (0x20) and its EOI
 * register are QEMU's.
 */
#include "check.h"
#include "hw/ioapic.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct msg {
    uint8_t dest;
    int logical, mode, vector, level;
};

static struct msg msgs[16];
static int nmsgs;

static void deliver(void *opaque, uint8_t dest, int logical, int mode, int vector, int level)
{
    (void)opaque;
    if (nmsgs < 16)
        msgs[nmsgs] = (struct msg){ dest, logical, mode, vector, level };
    nmsgs++;
}

static struct ioapic *io;

static uint32_t rd(unsigned reg)
{
    ioapic_write(io, 0, reg, 4);
    return ioapic_read(io, 0x10, 4);
}

static void wr(unsigned reg, uint32_t v)
{
    ioapic_write(io, 0, reg, 4);
    ioapic_write(io, 0x10, v, 4);
}

static void test_registers(void)
{
    ioapic_reset(io);
    CHECK_EQ(rd(0x00), 0);
    CHECK_EQ(rd(0x01), 0x170020); /* 24 entries, version 0x20 (QEMU's) */
    CHECK_EQ(rd(0x02), 0);
    for (unsigned n = 0; n < IOAPIC_PINS; n++) {
        CHECK_EQ(rd(0x10 + 2 * n), 0x10000);
        CHECK_EQ(rd(0x11 + 2 * n), 0);
    }
    /* ID: bits 24-27; the arbitration ID follows it; the version is read-only. */
    wr(0x00, 0xff000000);
    CHECK_EQ(rd(0x00), 0x0f000000);
    CHECK_EQ(rd(0x02), 0x0f000000);
    wr(0x01, 0);
    CHECK_EQ(rd(0x01), 0x170020);
    /* IOREGSEL reads back. */
    ioapic_write(io, 0, 0x23, 4);
    CHECK_EQ(ioapic_read(io, 0, 4), 0x23);
    /* Past entry 23 (0x3f) and elsewhere: reads 0, writes ignored. */
    wr(0x40, 0x1234);
    CHECK_EQ(rd(0x40), 0);
    CHECK_EQ(rd(0xff), 0);
    CHECK_EQ(rd(0x03), 0);
    /* Remote IRR and delivery status are read-only; reserved bits are 0. */
    wr(0x10, 0xffffffff);
    CHECK_EQ(rd(0x10), 0x1afff);
    wr(0x11, 0xffffffff);
    CHECK_EQ(rd(0x11), 0xff000000);
    /* A byte read of IOWIN. */
    CHECK_EQ(ioapic_read(io, 0x13, 1), 0xff);
}

static void test_edge(void)
{
    ioapic_reset(io);
    nmsgs = 0;
    /* Masked: an edge is lost, not held. */
    ioapic_set_irq(io, 2, 1);
    ioapic_set_irq(io, 2, 0);
    wr(0x14, 0x30); /* pin 2: vector 0x30, fixed, physical, edge, unmasked */
    wr(0x15, 0x00000000);
    CHECK_EQ(nmsgs, 0);
    ioapic_set_irq(io, 2, 1);
    CHECK_EQ(nmsgs, 1);
    CHECK_EQ(msgs[0].vector, 0x30);
    CHECK_EQ(msgs[0].mode, 0);
    CHECK_EQ(msgs[0].level, 0);
    CHECK_EQ(msgs[0].dest, 0);
    ioapic_set_irq(io, 2, 1); /* still high: no new edge */
    CHECK_EQ(nmsgs, 1);
    ioapic_set_irq(io, 2, 0);
    ioapic_set_irq(io, 2, 1);
    CHECK_EQ(nmsgs, 2);
    CHECK_EQ(rd(0x14) & 0x4000, 0); /* no remote IRR on an edge entry */
    /* Destination, logical mode, lowest priority. */
    wr(0x15, 0x03000000);
    wr(0x14, 0x931);
    ioapic_set_irq(io, 2, 0);
    ioapic_set_irq(io, 2, 1);
    CHECK_EQ(nmsgs, 3);
    CHECK_EQ(msgs[2].dest, 3);
    CHECK_EQ(msgs[2].logical, 1);
    CHECK_EQ(msgs[2].mode, 1);
    /* Active low: the falling edge is the assertion. */
    wr(0x16, 0x2032);
    ioapic_set_irq(io, 3, 1);
    CHECK_EQ(nmsgs, 3);
    ioapic_set_irq(io, 3, 0);
    CHECK_EQ(nmsgs, 4);
    CHECK_EQ(msgs[3].vector, 0x32);
    /* Out-of-range pins are ignored. */
    ioapic_set_irq(io, 24, 1);
    ioapic_set_irq(io, -1, 1);
    CHECK_EQ(nmsgs, 4);
}

static void test_level(void)
{
    ioapic_reset(io);
    nmsgs = 0;
    wr(0x20, 0x18040); /* pin 8: vector 0x40, level, masked */
    ioapic_set_irq(io, 8, 1);
    CHECK_EQ(nmsgs, 0);
    /* Unmasking an asserted level pin sends, and sets remote IRR. */
    wr(0x20, 0x8040);
    CHECK_EQ(nmsgs, 1);
    CHECK_EQ(msgs[0].level, 1);
    CHECK_EQ(rd(0x20), 0xc040);
    /* Remote IRR holds the pin back until the EOI. */
    ioapic_set_irq(io, 8, 0);
    ioapic_set_irq(io, 8, 1);
    CHECK_EQ(nmsgs, 1);
    ioapic_eoi(io, 0x41); /* another vector: nothing */
    CHECK_EQ(rd(0x20), 0xc040);
    ioapic_eoi(io, 0x40); /* still asserted: sent again */
    CHECK_EQ(nmsgs, 2);
    CHECK_EQ(rd(0x20), 0xc040);
    ioapic_write(io, 0x40, 0x40, 4); /* the EOI register: the same */
    CHECK_EQ(nmsgs, 3);
    CHECK_EQ(rd(0x20), 0xc040);
    ioapic_set_irq(io, 8, 0);
    ioapic_eoi(io, 0x40); /* deasserted: remote IRR clears, no message */
    CHECK_EQ(nmsgs, 3);
    CHECK_EQ(rd(0x20), 0x8040);
    /* Remote IRR survives a rewrite of the entry, but not a change to edge. */
    ioapic_set_irq(io, 8, 1);
    CHECK_EQ(nmsgs, 4);
    wr(0x20, 0x8040);
    CHECK_EQ(rd(0x20), 0xc040);
    wr(0x20, 0x0040);
    CHECK_EQ(rd(0x20), 0x0040);
}

static void test_save_load(void)
{
    ioapic_reset(io);
    nmsgs = 0;
    wr(0x00, 0x03000000);
    wr(0x20, 0x8040);
    wr(0x21, 0x05000000);
    ioapic_set_irq(io, 8, 1); /* sent: remote IRR set */
    wr(0x14, 0x2031);
    ioapic_write(io, 0, 0x21, 4);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(ioapic_save(io, f), 0);
    fclose(f);
    ioapic_reset(io);
    f = fmemopen(buf, len, "rb");
    CHECK_EQ(ioapic_load(io, f), 0);
    fclose(f);
    CHECK_EQ(nmsgs, 1);
    CHECK_EQ(ioapic_read(io, 0, 4), 0x21);
    CHECK_EQ(rd(0x00), 0x03000000);
    CHECK_EQ(rd(0x20), 0xc040);
    CHECK_EQ(rd(0x21), 0x05000000);
    CHECK_EQ(rd(0x14), 0x2031);
    /* The pin levels came back too: the EOI sends pin 8 again. */
    ioapic_eoi(io, 0x40);
    CHECK_EQ(nmsgs, 2);
    buf[1] ^= 1;
    f = fmemopen(buf, len, "rb");
    CHECK_EQ(ioapic_load(io, f), -1);
    fclose(f);
    free(buf);
}

int main(void)
{
    io = ioapic_create(deliver, NULL);
    if (!io)
        return 1;
    test_registers();
    test_edge();
    test_level();
    test_save_load();
    ioapic_free(io);
    return check_done("ioapic");
}
