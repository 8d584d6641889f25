/*
 * strio - the string I/O instructions: REP OUTSB writes a line to COM1,
 * REP INSB reads the master PIC's mask register back several times, and
 * single OUTSW/INSW go through the POST port and the slave PIC.
 *
 * INS and OUTS are privileged (IOPL and the TSS bitmap), so each one is a
 * monitor entry: tests/string-io.test.sh counts exactly the entries this
 * guest makes (3 OUTS, 2 INS) with -stats-json and -d monitor.
 */
#include "guest.h"
#include "io.h"

static const char line[] = "written by rep outsb\n";

int main(const char *cmdline)
{
	(void)cmdline;
	serial_init();

	/* 1st OUTS: the whole line in one REP OUTSB (the UART's FIFO is 16 bytes
	 * deep, but an emulated transmitter is never busy). */
	unsigned n = sizeof(line) - 1;
	const char *p = line;
	__asm__ volatile("cld; rep outsb" : "+S"(p), "+c"(n) : "d"(0x3f8) : "memory");
	printf("after rep outsb: ecx=%u esi advanced by %u\n", n, (unsigned)(p - line));

	/* 1st INS: the master PIC's IMR, read 4 times into a buffer. */
	outb(0x21, 0xb5);
	unsigned char buf[8] = { 0 };
	unsigned char *d = buf;
	n = 4;
	__asm__ volatile("cld; rep insb" : "+D"(d), "+c"(n) : "d"(0x21) : "memory");
	printf("rep insb from port 0x21: %02x %02x %02x %02x %02x, edi advanced by %u\n", buf[0],
	       buf[1], buf[2], buf[3], buf[4], (unsigned)(d - buf));

	/* 2nd OUTS: one word to the POST port; 3rd: a byte going down (DF=1). */
	static const unsigned short w = 0x1234;
	const unsigned short *pw = &w;
	__asm__ volatile("cld; outsw" : "+S"(pw) : "d"(0x80) : "memory");
	static const char two[2] = { 'B', 'A' };
	const char *pb = &two[1];
	__asm__ volatile("std; outsb; cld" : "+S"(pb) : "d"(0x3f8) : "memory");
	printf("\noutsw advanced esi by %u, outsb with DF=1 moved it by %d\n",
	       (unsigned)((const char *)pw - (const char *)&w), (int)(pb - &two[1]));

	/* 2nd INS: the slave PIC's IMR as a word (0xa1, then 0xa2 is unassigned). */
	outb(0xa1, 0x5a);
	unsigned char b2[2] = { 0 };
	unsigned char *d2 = b2;
	__asm__ volatile("cld; insb" : "+D"(d2) : "d"(0xa1) : "memory");
	printf("insb from port 0xa1: %02x\n", b2[0]);
	return 0;
}
