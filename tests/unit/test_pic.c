/*
 * test_pic.c - the cascaded 8259A pair through the I/O port bus, programmed
 * as Linux and PC BIOSes do.  Exits 0 when every check passes.
 */
#include "hw/pic8259.h"
#include "softmmu/ioport.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdio.h>

static struct ioports io; /* the devices' port space */

static int intr, intr_calls;

static void fake_intr(void *opaque, int level)
{
    intr = level;
    intr_calls++;
}

static uint8_t in8(uint16_t port)
{
    return (uint8_t)ioport_read(&io, port, 1);
}

static void out8(uint16_t port, uint8_t v)
{
    ioport_write(&io, port, v, 1);
}

/* Linux's init_8259A: vectors 0x20/0x28, cascade on IRQ2, 8086 mode, normal EOI. */
static void init_linux(uint8_t master_mask, uint8_t slave_mask)
{
    out8(0x21, 0xff);
    out8(0xa1, 0xff);
    out8(0x20, 0x11);
    out8(0x21, 0x20);
    out8(0x21, 0x04);
    out8(0x21, 0x01);
    out8(0xa0, 0x11);
    out8(0xa1, 0x28);
    out8(0xa1, 0x02);
    out8(0xa1, 0x01);
    out8(0x21, master_mask);
    out8(0xa1, slave_mask);
}

static uint8_t read_isr(uint16_t base)
{
    out8(base, 0x0b);
    uint8_t v = in8(base);
    out8(base, 0x0a);
    return v;
}

static void eoi_master(void)
{
    out8(0x20, 0x20);
}

int main(void)
{
    ioport_init(&io);
    struct pic *p = pic_create(&io, fake_intr, NULL);

    /* Reset: the BIOS state, everything masked but the cascade. */
    CHECK_EQ(in8(0x21), 0xfb);
    CHECK_EQ(in8(0xa1), 0xff);
    CHECK_EQ(intr, 0);
    pic_set_irq(p, 0, 1);
    CHECK_EQ(intr, 0);
    CHECK_EQ(in8(0x20), 0x01); /* IRR shows the masked request */
    out8(0x21, 0xfa);
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x08);
    CHECK_EQ(intr, 0);
    pic_set_irq(p, 0, 0);
    eoi_master();

    init_linux(0x00, 0x00);
    CHECK_EQ(intr, 0);
    CHECK_EQ(in8(0x21), 0x00);
    CHECK_EQ(in8(0x20), 0x00);

    /* Edge: a rising edge requests, INTA moves it to ISR, a held line does not repeat. */
    pic_set_irq(p, 3, 1);
    CHECK_EQ(intr, 1);
    CHECK_EQ(in8(0x20), 0x08);
    CHECK_EQ(pic_ack(p), 0x23);
    CHECK_EQ(intr, 0);
    CHECK_EQ(in8(0x20), 0x00);
    CHECK_EQ(read_isr(0x20), 0x08);
    eoi_master();
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(intr, 0);
    pic_set_irq(p, 3, 0);
    pic_set_irq(p, 3, 1);
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x23);
    eoi_master();
    pic_set_irq(p, 3, 0);

    /* Priorities: IRQ0 first; a lower one waits for the EOI, a higher one nests. */
    pic_set_irq(p, 5, 1);
    pic_set_irq(p, 1, 1);
    CHECK_EQ(pic_ack(p), 0x21);
    CHECK_EQ(intr, 0); /* IRQ5 is below IRQ1 in service */
    pic_set_irq(p, 0, 1);
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x20);
    CHECK_EQ(read_isr(0x20), 0x03);
    eoi_master(); /* non-specific: the highest, IRQ0 */
    CHECK_EQ(read_isr(0x20), 0x02);
    CHECK_EQ(intr, 0);
    eoi_master();
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x25);
    out8(0x20, 0x65); /* specific EOI 5 */
    CHECK_EQ(read_isr(0x20), 0x00);
    pic_set_irq(p, 5, 0);
    pic_set_irq(p, 1, 0);
    pic_set_irq(p, 0, 0);

    /* Masking: a masked request stays in IRR and comes out when unmasked. */
    out8(0x21, 0x10);
    pic_set_irq(p, 4, 1);
    CHECK_EQ(intr, 0);
    CHECK_EQ(in8(0x20), 0x10);
    out8(0x21, 0x00);
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x24);
    eoi_master();
    pic_set_irq(p, 4, 0);

    /* Spurious: the request went away before INTA: IR7, no ISR bit. */
    pic_set_irq(p, 6, 1);
    CHECK_EQ(intr, 1);
    pic_set_irq(p, 6, 0);
    CHECK_EQ(intr, 0);
    CHECK_EQ(pic_ack(p), 0x27);
    CHECK_EQ(read_isr(0x20), 0x00);

    /* Level triggered through the ELCR: IRR follows the pin, INTA does not clear it. */
    out8(0x4d1, 0xff);
    CHECK_EQ(in8(0x4d1), 0xde); /* IRQ8 and IRQ13 are always edge */
    out8(0x4d1, 0x08);          /* IRQ11 level */
    pic_set_irq(p, 11, 1);
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x2b);
    CHECK_EQ(read_isr(0xa0), 0x08);
    CHECK_EQ(read_isr(0x20), 0x04);
    CHECK_EQ(in8(0xa0), 0x08); /* still requested: the line is high */
    CHECK_EQ(intr, 0);
    out8(0xa0, 0x20);
    eoi_master();
    CHECK_EQ(intr, 1); /* still high after EOI: again */
    CHECK_EQ(pic_ack(p), 0x2b);
    pic_set_irq(p, 11, 0); /* the handler quiets the device before EOI */
    out8(0xa0, 0x20);
    eoi_master();
    CHECK_EQ(intr, 0);
    CHECK_EQ(in8(0xa0), 0x00);
    out8(0x4d1, 0x00);

    /* Cascade: slave IRQs ride IRQ2; a master IRQ above 2 preempts while the slave waits. */
    pic_set_irq(p, 14, 1);
    CHECK_EQ(intr, 1);
    CHECK_EQ(in8(0x20), 0x04);
    CHECK_EQ(in8(0xa0), 0x40);
    pic_set_irq(p, 1, 1);
    CHECK_EQ(pic_ack(p), 0x21);
    CHECK_EQ(intr, 0);
    eoi_master();
    pic_set_irq(p, 1, 0);
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x2e);
    CHECK_EQ(read_isr(0xa0), 0x40);
    CHECK_EQ(read_isr(0x20), 0x04);
    /* A higher slave IRQ is held off by the master's IRQ2 in service (fully nested). */
    pic_set_irq(p, 8, 1);
    CHECK_EQ(intr, 0);
    out8(0xa0, 0x20);
    eoi_master();
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x28);
    out8(0xa0, 0x20);
    eoi_master();
    pic_set_irq(p, 8, 0);
    pic_set_irq(p, 14, 0);
    CHECK_EQ(intr, 0);
    /* Two slave requests: the second reaches the master once the first is done. */
    pic_set_irq(p, 12, 1);
    pic_set_irq(p, 10, 1);
    CHECK_EQ(pic_ack(p), 0x2a);
    CHECK_EQ(intr, 0);
    out8(0xa0, 0x20);
    eoi_master();
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x2c);
    out8(0xa0, 0x20);
    eoi_master();
    pic_set_irq(p, 12, 0);
    pic_set_irq(p, 10, 0);
    CHECK_EQ(intr, 0);

    /* Slave spurious: the request is gone; IRQ15's vector, only the master's IRQ2 in service. */
    pic_set_irq(p, 9, 1);
    CHECK_EQ(intr, 1);
    pic_set_irq(p, 9, 0);
    CHECK_EQ(pic_ack(p), 0x2f);
    CHECK_EQ(read_isr(0xa0), 0x00);
    CHECK_EQ(read_isr(0x20), 0x04);
    eoi_master();
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(intr, 0);
    /* Masking a slave IRQ hides it from the master. */
    out8(0xa1, 0x02);
    pic_set_irq(p, 9, 1);
    CHECK_EQ(intr, 0);
    CHECK_EQ(in8(0x20) & 0x04, 0);
    out8(0xa1, 0x00);
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x29);
    out8(0xa0, 0x20);
    eoi_master();
    pic_set_irq(p, 9, 0);
    /* ISA IRQ2 is IRQ9 on an AT. */
    pic_set_irq(p, 2, 1);
    CHECK_EQ(pic_ack(p), 0x29);
    out8(0xa0, 0x20);
    eoi_master();
    pic_set_irq(p, 2, 0);

    /* Rotation: set priority makes IRQ3 the lowest, so IRQ4 wins over IRQ1. */
    out8(0x20, 0xc3);
    pic_set_irq(p, 1, 1);
    pic_set_irq(p, 4, 1);
    CHECK_EQ(pic_ack(p), 0x24);
    /* Rotate on non-specific EOI: IRQ4 becomes lowest; IRQ1 next... */
    out8(0x20, 0xa0);
    CHECK_EQ(pic_ack(p), 0x21);
    out8(0x20, 0xa0); /* IRQ1 lowest now */
    pic_set_irq(p, 1, 0);
    pic_set_irq(p, 4, 0);
    pic_set_irq(p, 1, 1);
    pic_set_irq(p, 3, 1);
    CHECK_EQ(pic_ack(p), 0x23); /* 2..7,0 come before 1 */
    out8(0x20, 0xe3);          /* rotate on specific EOI 3 */
    CHECK_EQ(pic_ack(p), 0x21);
    eoi_master();
    pic_set_irq(p, 1, 0);
    pic_set_irq(p, 3, 0);
    out8(0x20, 0xc7); /* back to IRQ0 highest */

    /* Poll mode: the read acknowledges. */
    pic_set_irq(p, 5, 1);
    out8(0x20, 0x0c);
    CHECK_EQ(in8(0x20), 0x85);
    CHECK_EQ(read_isr(0x20), 0x20);
    out8(0x20, 0x0c);
    CHECK_EQ(in8(0x20), 0x00);
    eoi_master();
    pic_set_irq(p, 5, 0);

    /* Special mask mode: masking the level in service lets lower levels in. */
    pic_set_irq(p, 3, 1);
    CHECK_EQ(pic_ack(p), 0x23);
    pic_set_irq(p, 6, 1);
    CHECK_EQ(intr, 0);
    out8(0x21, 0x08);
    out8(0x20, 0x68); /* OCW3: set SMM */
    CHECK_EQ(intr, 1);
    CHECK_EQ(pic_ack(p), 0x26);
    CHECK_EQ(read_isr(0x20), 0x48);
    out8(0x20, 0x66);
    out8(0x20, 0x48); /* OCW3: reset SMM */
    out8(0x21, 0x00);
    out8(0x20, 0x63);
    pic_set_irq(p, 3, 0);
    pic_set_irq(p, 6, 0);
    CHECK_EQ(read_isr(0x20), 0x00);

    /* Automatic EOI: nothing stays in service. */
    out8(0x20, 0x11);
    out8(0x21, 0x20);
    out8(0x21, 0x04);
    out8(0x21, 0x03);
    CHECK_EQ(in8(0x21), 0x00); /* ICW1 cleared the mask */
    pic_set_irq(p, 4, 1);
    CHECK_EQ(pic_ack(p), 0x24);
    CHECK_EQ(read_isr(0x20), 0x00);
    pic_set_irq(p, 4, 0);
    pic_set_irq(p, 3, 1);
    pic_set_irq(p, 4, 1);
    CHECK_EQ(pic_ack(p), 0x23);
    CHECK_EQ(pic_ack(p), 0x24);
    pic_set_irq(p, 3, 0);
    pic_set_irq(p, 4, 0);
    /* Rotate in AEOI: the IRQ just served becomes the lowest. */
    out8(0x20, 0x80);
    pic_set_irq(p, 0, 1);
    CHECK_EQ(pic_ack(p), 0x20);
    pic_set_irq(p, 0, 0);
    pic_set_irq(p, 0, 1);
    pic_set_irq(p, 7, 1);
    CHECK_EQ(pic_ack(p), 0x27);
    CHECK_EQ(pic_ack(p), 0x20);
    pic_set_irq(p, 0, 0);
    pic_set_irq(p, 7, 0);

    /* Level triggering for the whole chip with ICW1 LTIM. */
    out8(0x20, 0x19);
    out8(0x21, 0x40);
    out8(0x21, 0x04);
    out8(0x21, 0x01);
    pic_set_irq(p, 1, 1);
    CHECK_EQ(pic_ack(p), 0x41);
    pic_set_irq(p, 1, 0);
    CHECK_EQ(in8(0x20), 0x00);
    eoi_master();

    /* Word access: IRR/ISR select then IMR in one go. */
    init_linux(0x00, 0x00);
    ioport_write(&io, 0x20, 0xa50a, 2); /* OCW3 read IRR, then IMR = 0xa5 */
    CHECK_EQ(ioport_read(&io, 0x20, 2), 0xa500);

    /* Save, reset, load. */
    out8(0x21, 0x00);
    pic_set_irq(p, 5, 1);
    CHECK_EQ(pic_ack(p), 0x25);
    pic_set_irq(p, 1, 1);
    FILE *f = tmpfile();
    CHECK_EQ(pic_save(p, f), 0);
    pic_reset(p);
    CHECK_EQ(intr, 0);
    CHECK_EQ(in8(0x21), 0xfb);
    rewind(f);
    CHECK_EQ(pic_load(p, f), 0);
    CHECK_EQ(intr, 1);
    CHECK_EQ(read_isr(0x20), 0x20);
    CHECK_EQ(pic_ack(p), 0x21);
    rewind(f);
    CHECK_EQ(fwrite("garbage!", 8, 1, f), 1);
    rewind(f);
    CHECK_EQ(pic_load(p, f), -1);
    fclose(f);

    return check_done("test_pic");
}
