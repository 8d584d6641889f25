/*
 * rtc - the MC146818 RTC and CMOS as a PC BIOS leaves them: registers
 * A-D, the date at a fixed -rtc base (virtual time, -icount), the
 * once-per-second update seen through UIP, periodic and update-ended
 * interrupts on IRQ 8 through the slave 8259A, an alarm, binary mode,
 * and the memory-size bytes.  Counts and states are printed, never times,
 * so the output is the same on QEMU and bt86.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

static volatile unsigned irq8s, last_c;

void irq8_body(void)
{
    irq8s++;
    last_c |= cmos(0x0c); /* reading C acknowledges the interrupt */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

IDT_ENTRY(irq8_entry, irq8_body);

/* Wait for the end of an update: UIP goes 1 then 0. */
/* UIP (register A bit 7) rises 244 us before an update and falls after it. */
static int wait_uip(void)
{
    unsigned long n = 0;
    while (!(cmos(0x0a) & 0x80))
        if (++n > 400000000)
            return -1;
    while (cmos(0x0a) & 0x80)
        if (++n > 400000000)
            return -1;
    return 0;
}

/* The next update: UF (register C bit 4) latches until C is read, so a
 * guest that is descheduled on a busy host cannot miss it as it can the
 * short UIP window. */
static int wait_update(void)
{
    unsigned long n = 0;
    cmos(0x0c);
    while (!(cmos(0x0c) & 0x10))
        if (++n > 400000000)
            return -1;
    return 0;
}

static void halt_until(volatile unsigned *count, unsigned target)
{
    while (*count < target)
        __asm__ volatile("sti; hlt; cli");
}

int main(const char *cmdline __attribute__((unused)))
{
    idt_set(0x28, irq8_entry);
    idt_load();
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, 0x20); outb(0xa1, 0x28);
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xfb); outb(0xa1, 0xfe); /* cascade and IRQ 8 only */

    printf("rtc: A=%02x B=%02x D=%02x\n", cmos(0x0a), cmos(0x0b) & 0x7f, cmos(0x0d));
    printf("rtc: date %02x%02x-%02x-%02x %02x:%02x\n", cmos(0x32), cmos(0x09), cmos(0x08),
           cmos(0x07), cmos(0x04), cmos(0x02));
    printf("rtc: base memory %u KiB, extended %u KiB, above 16M %u x 64 KiB\n",
           cmos(0x15) | cmos(0x16) << 8, cmos(0x17) | cmos(0x18) << 8,
           cmos(0x34) | cmos(0x35) << 8);
    printf("rtc: extended (0x30) %u KiB\n", cmos(0x30) | cmos(0x31) << 8);

    if (wait_uip() < 0) {
        printf("rtc: UIP never toggles\n");
        return 1;
    }
    unsigned s0 = cmos(0x00);
    if (wait_update() < 0)
        return 1;
    unsigned s1 = cmos(0x00);
    printf("rtc: one update later the seconds advanced by %d\n",
           (int)((s1 >> 4) * 10 + (s1 & 15)) - (int)((s0 >> 4) * 10 + (s0 & 15)));

    /* Set a time just before midnight of a leap day, in binary mode. */
    cmos_set(0x0b, 0x82); /* SET, 24h, BCD */
    cmos_set(0x0b, 0x86); /* SET, 24h, binary */
    cmos_set(0x00, 58);
    cmos_set(0x02, 59);
    cmos_set(0x04, 23);
    cmos_set(0x07, 29);
    cmos_set(0x08, 2);
    cmos_set(0x09, 24);
    cmos_set(0x32, 20); /* the century is CMOS RAM the OS keeps, in the same mode */
    cmos_set(0x0b, 0x06); /* run */
    wait_update();
    wait_update();
    printf("rtc: binary after two updates: %u-%u-%u %u:%u:%u\n", cmos(0x09), cmos(0x08),
           cmos(0x07), cmos(0x04), cmos(0x02), cmos(0x00));
    /* The chip does not convert on a mode change: software sets the time again. */
    cmos_set(0x0b, 0x86);
    cmos_set(0x0b, 0x82);
    cmos_set(0x00, 0x59);
    cmos_set(0x02, 0x59);
    cmos_set(0x04, 0x23);
    cmos_set(0x07, 0x31);
    cmos_set(0x08, 0x12);
    cmos_set(0x09, 0x99);
    cmos_set(0x32, 0x19);
    cmos_set(0x0b, 0x02);
    wait_update();
    printf("rtc: BCD after new year's eve: %02x-%02x-%02x %02x:%02x\n", cmos(0x09),
           cmos(0x08), cmos(0x07), cmos(0x04), cmos(0x02));

    /* Periodic interrupt at 1024 Hz (rate 6): 64 of them. */
    cmos(0x0c);
    cmos_set(0x0a, 0x26);
    cmos_set(0x0b, 0x42); /* PIE */
    irq8s = 0;
    last_c = 0;
    halt_until(&irq8s, 64);
    cmos_set(0x0b, 0x02);
    printf("rtc: periodic: 64 interrupts, C had IRQF=%u PF=%u\n", last_c >> 7 & 1,
           last_c >> 6 & 1);

    /* Update-ended interrupts: three of them. */
    cmos(0x0c);
    irq8s = 0;
    last_c = 0;
    cmos_set(0x0b, 0x12); /* UIE */
    halt_until(&irq8s, 3);
    cmos_set(0x0b, 0x02);
    printf("rtc: update-ended: 3 interrupts, C had UF=%u\n", last_c >> 4 & 1);

    /* An alarm two seconds ahead, hours and minutes don't care. */
    wait_update();
    unsigned s = cmos(0x00);
    unsigned bin = (s >> 4) * 10 + (s & 15);
    bin = (bin + 2) % 60;
    cmos_set(0x01, (bin / 10) << 4 | bin % 10);
    cmos_set(0x03, 0xc0);
    cmos_set(0x05, 0xc0);
    cmos(0x0c);
    irq8s = 0;
    last_c = 0;
    cmos_set(0x0b, 0x22); /* AIE */
    halt_until(&irq8s, 1);
    cmos_set(0x0b, 0x02);
    unsigned now = cmos(0x00);
    printf("rtc: alarm: fired with AF=%u at the alarm second: %s\n", last_c >> 5 & 1,
           now == cmos(0x01) ? "yes" : "no");
    cmos(0x0c);

    /* Register C reads as zero once read. */
    printf("rtc: C after read=%02x\n", cmos(0x0c));
    return 0;
}
