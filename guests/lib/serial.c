/* serial.c - polled 16550 UART on COM1 (0x3f8), 115200 8N1. */
#include "guest.h"

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding (write) */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_DLL	0	/* divisor low, with DLAB */
#define UART_IER	1
#define UART_DLM	1	/* divisor high, with DLAB */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);	/* no interrupts: we poll */
	outb(COM1 + UART_LCR, 0x80);	/* DLAB on */
	outb(COM1 + UART_DLL, 1);	/* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0x07);	/* enable and clear FIFOs */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

int putchar(int c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		;
	outb(COM1 + UART_THR, (uint8_t)c);
	return (unsigned char)c;
}

int puts(const char *s)
{
	while (*s)
		putchar(*s++);
	putchar('\n');
	return 0;
}

int getchar(void)
{
	while (!(inb(COM1 + UART_LSR) & LSR_DR))
		;
	return inb(COM1 + UART_RBR);
}
