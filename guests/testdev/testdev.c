/*
 * testdev - QEMU's pc-testdev (-device pc-testdev), the device kvm-unit-tests
 * drives: the scratch register's byte lanes through IN/OUT of every size at
 * every offset, through the byte-wise window at 0xe8 and through REP
 * INSB/OUTSB; the 64 KiB MMIO buffer at 0xff000000; and the IRQ lines at
 * 0x2000, which raise ISA interrupts through the 8259 pair (edge
 * triggered: a second write of 1 without a 0 between is no new edge).
 * Everything printed is a value or a count, so QEMU and bt86 agree.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

static volatile unsigned irq5s, irq10s;

void irq5_body(void)
{
	irq5s++;
	outb(0x20, 0x20);
}

void irq10_body(void)
{
	irq10s++;
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

IDT_ENTRY(irq5_entry, irq5_body);
IDT_ENTRY(irq10_entry, irq10_body);

static void scratch(void)
{
	outl(0xe0, 0x12345678);
	printf("testdev: inb e0-e3 %02x %02x %02x %02x\n", inb(0xe0), inb(0xe1), inb(0xe2), inb(0xe3));
	printf("testdev: inw e0 %04x, inw e2 %04x\n", inw(0xe0), inw(0xe2));
	outb(0xe2, 0xab);
	outw(0xe0, 0xcdef);
	printf("testdev: after outb e2 ab, outw e0 cdef: inl e0 %08x, inl e8 %08x\n", inl(0xe0),
	       inl(0xe8));
	outl(0xe8, 0xa1b2c3d4);
	outb(0xeb, 0x99);
	printf("testdev: after outl e8 a1b2c3d4, outb eb 99: inl e0 %08x, inw ea %04x\n", inl(0xe0),
	       inw(0xea));

	/* REP OUTSB writes every byte to lane 0: the last one stays. */
	static const unsigned char out[4] = { 0x11, 0x22, 0x33, 0x44 };
	unsigned char in[4] = { 0 };
	const void *s = out;
	unsigned n = 4;
	__asm__ volatile("cld; rep outsb" : "+S"(s), "+c"(n) : "d"(0xe0) : "memory");
	printf("testdev: rep outsb 11 22 33 44 to e0: inl e0 %08x\n", inl(0xe0));
	void *d = in;
	n = 4;
	__asm__ volatile("rep insb" : "+D"(d), "+c"(n) : "d"(0xe1) : "memory");
	printf("testdev: rep insb from e1: %02x %02x %02x %02x\n", in[0], in[1], in[2], in[3]);
}

static void iomem(void)
{
	volatile unsigned char *b = (volatile unsigned char *)0xff000000u;
	volatile unsigned *l = (volatile unsigned *)0xff000000u;
	l[0] = 0xdeadbeef;
	b[1] = 0x55;
	*(volatile unsigned short *)(b + 2) = 0x1234;
	l[0x3fff] = 0xcafef00d; /* the last dword of the 64 KiB */
	printf("testdev: iomem dword 0 %08x, byte 0 %02x, word 2 %04x, last dword %08x\n", l[0],
	       b[0], *(volatile unsigned short *)(b + 2), l[0x3fff]);
	unsigned sum = 0;
	for (unsigned i = 0; i < 256; i++)
		b[0x100 + i] = (unsigned char)(i * 7);
	for (unsigned i = 0; i < 256; i++)
		sum += b[0x100 + i] * (i + 1);
	printf("testdev: iomem 256 bytes written and read back, weighted sum %u\n", sum);
}

/* The count once it has moved past `was`, or after a while if it does not:
 * an interrupt comes some instructions after the OUT that raised it, on
 * hardware as in emulators, never at a defined one. */
static unsigned wait_for(volatile unsigned *count, unsigned was)
{
	for (unsigned i = 0; i < 100000 && *count == was; i++)
		__asm__ volatile("pause");
	return *count;
}

static void irq_lines(void)
{
	/* Master at 0x20, slave at 0x28; only IRQ 5, the cascade and IRQ 10 unmasked. */
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	/* Edge triggered, whatever firmware left in the ELCR (SeaBIOS makes
	 * the PCI interrupt lines 10 and 11 level triggered). */
	outb(0x4d0, 0);
	outb(0x4d1, 0);
	outb(0x21, (unsigned char)~((1 << 5) | (1 << 2)));
	outb(0xa1, (unsigned char)~(1 << 2));
	idt_set(0x25, irq5_entry);
	idt_set(0x2a, irq10_entry);
	idt_load();
	__asm__ volatile("sti");

	outb(0x2005, 1);
	unsigned first = wait_for(&irq5s, 0);
	outb(0x2005, 1); /* still high: no edge */
	unsigned again = wait_for(&irq5s, first);
	outb(0x2005, 0);
	outb(0x2005, 1);
	unsigned third = wait_for(&irq5s, again);
	printf("testdev: IRQ 5 raised: %u interrupt(s); raised again: %u; lowered and raised: %u\n",
	       first, again, third);
	outb(0x2005, 0);
	outb(0x200a, 0xff); /* any nonzero byte is 1 */
	unsigned slave = wait_for(&irq10s, 0);
	outb(0x200a, 0);
	printf("testdev: IRQ 10 through the slave: %u interrupt(s)\n", slave);
	__asm__ volatile("cli");
}

int main(const char *cmdline)
{
	(void)cmdline;
	scratch();
	iomem();
	irq_lines();
	return 0;
}
