/*
 * uartfifo - the 16550A's FIFOs on COM2 in loopback (MCR bit 4), checked
 * byte by byte against the datasheet:
 *   - the receive FIFO holds exactly 16 bytes: 16 written set DR and no
 *     OE, the 17th sets OE (and is lost), the 16 come back in order;
 *   - without the FIFO (16450 mode) a second byte overruns the first;
 *   - the received-data interrupt (IIR 0x04) appears at the trigger level
 *     (1, 4, 8, 14) and goes once the FIFO falls below it;
 *   - the character timeout (IIR 0x0C): bytes below the trigger level sit
 *     for more than 4 character times; reading one clears it, and it comes
 *     back after 4 more;
 *   - the THR-empty interrupt (IIR 0x02) once the transmit FIFO drains,
 *     cleared by reading IIR.
 * Every byte written is waited for (LSR TEMT: it has left the shift
 * register, so in loopback it has arrived), as a real UART takes a
 * character time to send each.  The timeouts wait a fixed time on PIT
 * channel 2.  Only register values and counts are printed.
 */
#include "guest.h"
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

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_TEMT 0x40

static unsigned lsr_seen; /* reading LSR clears OE: every read is kept */

static unsigned lsr(void)
{
	unsigned v = inb(LSR);
	lsr_seen |= v;
	return v;
}

/* Send a byte and wait until it has left (and, in loopback, arrived). */
static void send(unsigned char b)
{
	outb(THR, b);
	for (unsigned long n = 0; !(lsr() & LSR_TEMT) && n < 10000000; n++)
		;
}

/* Wait `clocks` PIT clocks (838 ns each) on channel 2, mode 0, by OUT2. */
static void pit_wait(unsigned clocks)
{
	outb(0x61, (inb(0x61) & ~3) | 1);
	outb(0x43, 0xb0);
	outb(0x42, clocks & 0xff);
	outb(0x42, clocks >> 8);
	while (!(inb(0x61) & 0x20))
		;
}

/* 2 ms: more than 4 character times (4 x 10 bits at 115200 baud: 347 us). */
#define TIMEOUT_WAIT 2386
/* 3 character times (260 us), and 3 more: the timeout comes between them
 * (4 characters; 4.4 by the datasheet's formula, 4 x 8 + 12 bits). */
#define CHARS3_WAIT 310

static void fifo_fill(void)
{
	outb(IER, 0x00);
	outb(FCR, 0xc7); /* enable, clear both, trigger 14 */
	printf("uartfifo: empty: lsr %02x iir %02x\n", lsr(), inb(IIR));
	lsr_seen = 0;
	for (int i = 0; i < 16; i++)
		send('A' + i);
	unsigned after16 = lsr_seen | lsr();
	printf("uartfifo: 16 bytes in: lsr %02x (DR %u, OE %u)\n", after16 & 0x7f,
	       after16 & LSR_DR, (after16 & LSR_OE) >> 1);
	lsr_seen = 0;
	send('Q');
	unsigned after17 = lsr_seen;
	printf("uartfifo: the 17th: OE %u; lsr read again %02x\n", (after17 & LSR_OE) >> 1,
	       lsr() & 0x7f);

	char got[20];
	int n = 0;
	while (n < 19 && (lsr() & LSR_DR))
		got[n++] = inb(RBR);
	got[n] = 0;
	printf("uartfifo: read back %d: %s; lsr %02x\n", n, got, lsr() & 0x7f);
}

static void no_fifo_overrun(void)
{
	outb(FCR, 0x00);
	lsr_seen = 0;
	send('x');
	send('y');
	unsigned seen = lsr_seen;
	unsigned b = inb(RBR);
	printf("uartfifo: 16450 mode, two bytes: OE %u, rbr %c, lsr %02x\n", (seen & LSR_OE) >> 1,
	       b, lsr() & 0x7f);
}

static void trigger_levels(void)
{
	static const unsigned char fcr[4] = { 0x07, 0x47, 0x87, 0xc7 };

	outb(IER, 0x01); /* received data (and timeout) only */
	for (int l = 0; l < 4; l++) {
		outb(FCR, fcr[l]);
		int first = 0, gaps = 0, below = 0;
		for (int k = 1; k <= 16; k++) {
			send('a' + k);
			unsigned iir = inb(IIR) & 0x0f;
			if (iir == 0x04 && !first)
				first = k;
			else if (iir != 0x04 && first)
				gaps++;
		}
		/* Drain: the indication stays until the count falls below the level. */
		for (int k = 16; k > 0; k--) {
			unsigned iir = inb(IIR) & 0x0f;
			if (iir == 0x04)
				below = k;
			inb(RBR);
		}
		printf("uartfifo: fcr %02x: iir 04 from byte %d on%s, down to %d bytes; then iir %02x\n",
		       fcr[l], first, gaps ? " (with gaps)" : "", below, inb(IIR));
	}
}

static void char_timeout(void)
{
	outb(IER, 0x01);
	outb(FCR, 0xc7);
	send('1');
	send('2');
	send('3');
	pit_wait(CHARS3_WAIT);
	unsigned t0 = inb(IIR);
	pit_wait(CHARS3_WAIT);
	unsigned t1 = inb(IIR);
	unsigned b = inb(RBR);
	unsigned t2 = inb(IIR);
	pit_wait(TIMEOUT_WAIT);
	unsigned t3 = inb(IIR);
	inb(RBR);
	inb(RBR);
	printf("uartfifo: 3 bytes, trigger 14: 3 characters later iir %02x, 6 later %02x\n", t0, t1);
	printf("uartfifo: read %c: iir %02x; 2 ms: iir %02x; emptied: iir %02x lsr %02x\n", b, t2,
	       t3, inb(IIR), lsr() & 0x7f);
	/* Without ERBFI the timeout is not indicated. */
	outb(IER, 0x00);
	send('4');
	pit_wait(TIMEOUT_WAIT);
	printf("uartfifo: timeout with IER 0: iir %02x\n", inb(IIR));
	outb(FCR, 0xc7);
}

static void thre(void)
{
	outb(FCR, 0xc7);
	outb(IER, 0x02);
	unsigned a = inb(IIR), b = inb(IIR);
	printf("uartfifo: ETBEI set with THR empty: iir %02x, read again %02x\n", a, b);
	for (int i = 0; i < 16; i++) /* fill the transmit FIFO at once */
		outb(THR, 'a' + i);
	for (unsigned long n = 0; !(lsr() & LSR_TEMT) && n < 10000000; n++)
		;
	a = inb(IIR);
	b = inb(IIR);
	printf("uartfifo: 16 sent, drained: lsr %02x, iir %02x, read again %02x\n", lsr() & 0x7f, a,
	       b);
	outb(IER, 0x00);
	outb(FCR, 0xc7);
}

int main(const char *cmdline __attribute__((unused)))
{
	outb(IER, 0x00);
	outb(LCR, 0x83);
	outb(COM2 + 0, 1); /* 115200 baud */
	outb(COM2 + 1, 0);
	outb(LCR, 0x03);
	outb(MCR, 0x10); /* loopback; OUT2 off: nothing reaches the PIC */

	fifo_fill();
	no_fifo_overrun();
	outb(FCR, 0xc7);
	trigger_levels();
	char_timeout();
	thre();

	outb(MCR, 0x00);
	return 0;
}
