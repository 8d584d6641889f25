/*
 * resetcf9 - the reset control register at 0xCF9 (PIIX3/PIIX4 RCR), as
 * QEMU's pc machine has it: a byte inside PCI CONFIG_ADDRESS, which keeps
 * its dword; SYS_RST (bit 1) reads back, other bits do not; writing
 * RST_CPU (bit 2) resets the PC, which with -no-reboot ends the emulator
 * with status 0 (guests/resetcf9/options).  Nothing may be printed after.
 */
#include "guest.h"
#include "io.h"

int main(const char *cmdline __attribute__((unused)))
{
	printf("rcr: at reset 0x%02x\n", inb(0xcf9));
	outb(0xcf9, 0x0a);
	printf("rcr: after writing 0x0a: 0x%02x\n", inb(0xcf9));
	outl(0xcf8, 0x80000000u);
	outb(0xcf9, 0x00);
	printf("rcr: after writing 0x00: 0x%02x; CONFIG_ADDRESS kept 0x%08x\n", inb(0xcf9),
	       inl(0xcf8));
	outb(0xcf9, 0x02);
	printf("rcr: hard reset\n");
	outb(0xcf9, 0x06);
	for (;;)
		__asm__ volatile("cli; hlt");
}
