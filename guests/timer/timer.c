/*
 * timer - interrupts from the PIT through the 8259A: the guest programs
 * the PIC as Linux does (vectors 0x20/0x28), runs PIT channel 0 in mode 2
 * at 1 kHz, takes IRQ0 on an interrupt gate, sends EOIs, and sleeps with
 * STI; HLT between ticks.  Also: the PIC's IRR/ISR reads, masking, and a
 * PIT read-back in mode 0.  Only counts are printed, never times: the
 * PIT's rate is guests/pitrate's, checked against the RTC and the TSC.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

static volatile unsigned ticks;

void irq0_body(void)
{
    ticks++;
    outb(0x20, 0x20); /* non-specific EOI */
}

IDT_ENTRY(irq0_entry, irq0_body);

int main(const char *cmdline __attribute__((unused)))
{
    idt_set(0x20, irq0_entry);
    idt_load();

    /* PIC: ICW1..4, then mask all but IRQ0. */
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, 0x20); outb(0xa1, 0x28);
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xfe); outb(0xa1, 0xff);
    printf("timer: pic imr master=%02x slave=%02x\n", inb(0x21), inb(0xa1));

    /* PIT channel 0, mode 2, 1193 counts (about 1 kHz). */
    outb(0x43, 0x34);
    outb(0x40, 1193 & 0xff);
    outb(0x40, 1193 >> 8);
    __asm__ volatile("sti");
    while (ticks < 25)
        __asm__ volatile("hlt");
    __asm__ volatile("cli");
    printf("timer: %s25 ticks taken with sti; hlt\n", ticks >= 25 ? "" : "NOT ");

    /* With IRQ0 masked, the request shows in IRR but is not delivered. */
    outb(0x21, 0xff);
    unsigned before = ticks;
    for (volatile int i = 0; i < 2000000; i++)
        ;
    outb(0x20, 0x0a); /* OCW3: read IRR */
    unsigned irr = inb(0x20);
    outb(0x20, 0x0b); /* OCW3: read ISR */
    unsigned isr = inb(0x20);
    printf("timer: masked: delivered %u, irr.irq0=%u isr=%02x\n", ticks - before, irr & 1, isr);

    /* Channel 2, mode 0, count 0xffff: read-back status shows the mode and null count clear. */
    outb(0x61, (inb(0x61) & ~3) | 1); /* gate 2 on, speaker off */
    outb(0x43, 0xb0);                  /* channel 2, lo/hi, mode 0 */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    for (volatile int i = 0; i < 1000; i++)
        ;
    outb(0x43, 0xe8); /* read-back: status of channel 2 only */
    unsigned st = inb(0x42);
    printf("timer: pit ch2 status mode=%u access=%u bcd=%u\n", (st >> 1) & 7, (st >> 4) & 3, st & 1);
    return 0;
}
