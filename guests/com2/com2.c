/*
 * com2 - the second 16550A UART at 0x2f8 on IRQ 3, tested in loopback
 * (MCR bit 4) so that no host backend is needed: scratch register,
 * divisor latch, FIFO trigger levels, the modem lines looped back into
 * MSR, and the receive, transmit-empty and line-status interrupts seen
 * through the slave-free master 8259A on IRQ 3.  Also the POST port 0x80.
 * Everything printed is a state or a count, so QEMU and bt86 agree.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

#define COM2 0x2f8
#define RBR (COM2 + 0)
#define THR (COM2 + 0)
#define IER (COM2 + 1)
#define IIR (COM2 + 2)
#define FCR (COM2 + 2)
#define LCR (COM2 + 3)
#define MCR (COM2 + 4)
#define LSR (COM2 + 5)
#define MSR (COM2 + 6)
#define SCR (COM2 + 7)

static volatile unsigned irq3s, iir_seen[8];

void irq3_body(void)
{
    unsigned iir;
    irq3s++;
    /* Service until no interrupt is pending, as a driver does. */
    while (!((iir = inb(IIR)) & 1)) {
        iir_seen[(iir >> 1) & 7]++;
        switch ((iir >> 1) & 7) {
        case 3: inb(LSR); break;             /* line status */
        case 2: case 6: inb(RBR); break;     /* data / character timeout */
        case 1: break;                       /* THRE: reading IIR cleared it */
        case 0: inb(MSR); break;             /* modem status */
        }
    }
    outb(0x20, 0x20);
}

IDT_ENTRY(irq3_entry, irq3_body);

static void pic_init(void)
{
    outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
    outb(0x21, 0xff & ~(1 << 3));
    outb(0xa1, 0xff);
}

static void settle(void)
{
    /* Let a pending interrupt in: a few instructions with IF set. */
    for (volatile int i = 0; i < 1000; i++)
        ;
}

int main(const char *cmdline)
{
    (void)cmdline;
    serial_init();
    idt_set(0x23, irq3_entry);
    idt_load();
    pic_init();

    outb(0x80, 0x42);
    printf("com2: post port written\n");

    outb(SCR, 0x5a);
    printf("com2: scratch %02x\n", inb(SCR));
    outb(LCR, 0x83); /* DLAB, 8N1 */
    outb(COM2 + 0, 0x0c); outb(COM2 + 1, 0x00); /* 9600 baud */
    printf("com2: divisor %02x%02x lcr %02x\n", inb(COM2 + 1), inb(COM2 + 0), inb(LCR));
    outb(LCR, 0x03);
    printf("com2: lsr %02x iir %02x msr-low %x\n", inb(LSR), inb(IIR), inb(MSR) & 0x0f);

    /* Loopback: OUT2 set too (the PC's IRQ enable); modem lines loop back. */
    outb(MCR, 0x1f);
    printf("com2: loopback msr %02x\n", inb(MSR) & 0xf0);
    outb(MCR, 0x18);
    printf("com2: loopback msr out2 only %02x\n", inb(MSR) & 0xf0);

    /* FIFO on, trigger level 1: each byte looped back is a receive interrupt. */
    outb(FCR, 0x07);
    printf("com2: fifo iir %02x\n", inb(IIR) & 0xc0);
    outb(IER, 0x01);
    __asm__ volatile("sti");
    for (int i = 0; i < 3; i++) {
        outb(THR, 'a' + i);
        settle();
    }
    __asm__ volatile("cli");
    printf("com2: rx interrupts %s, data-available %u, lsr %02x\n",
           irq3s >= 1 ? "taken" : "missing", iir_seen[2] ? 1u : 0u, inb(LSR) & 0x61);

    /* Trigger level 4: four bytes queued without reading, then read back in order. */
    outb(IER, 0x00);
    outb(FCR, 0x47);
    for (int i = 0; i < 4; i++)
        outb(THR, '0' + i);
    printf("com2: iir with 4 bytes, no ier %02x\n", inb(IIR) & 0x0f);
    printf("com2: read back");
    for (int i = 0; i < 20 && (inb(LSR) & 1); i++)
        printf(" %c", inb(RBR));
    printf("\n");

    /* Transmit-empty interrupt: enabling ETBEI with THR empty raises it. */
    irq3s = 0;
    for (int i = 0; i < 8; i++)
        iir_seen[i] = 0;
    outb(IER, 0x02);
    __asm__ volatile("sti");
    settle();
    __asm__ volatile("cli");
    printf("com2: thre interrupt %s\n", iir_seen[1] ? "taken" : "missing");

    /* Overrun: 17 bytes into a 16-byte FIFO sets OE in LSR. */
    outb(IER, 0x00);
    outb(FCR, 0x07);
    for (int i = 0; i < 17; i++)
        outb(THR, 'A' + i);
    printf("com2: after 17 bytes lsr %02x\n", inb(LSR) & 0x03);
    printf("com2: lsr again %02x\n", inb(LSR) & 0x03);
    outb(FCR, 0x07);
    printf("com2: after fifo reset lsr %02x\n", inb(LSR) & 0x01);
    outb(MCR, 0x00);
    printf("com2: done\n");
    return 0;
}
