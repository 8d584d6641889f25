/*
 * input.c - keystrokes for the demo OS, from two sources into one queue:
 *  - the PS/2 keyboard on IRQ 1: scan code set 1 as the i8042 translates
 *    it, US layout, shift, caps lock (with its LED), ctrl, E0 prefixes;
 *  - COM1 on IRQ 4 (receive interrupt only), CR read as Enter and DEL as
 *    backspace, so that the demo can be typed at on a terminal.
 * The queue holds ASCII: '\n' for Enter, '\b' for backspace, 1-26 for
 * ctrl+letter.
 */
#include "demo.h"

#define I8042_DATA	0x60
#define I8042_CMD	0x64	/* write: command, read: status */
#define ST_OBF		0x01
#define ST_IBF		0x02

#define COM1		0x3f8

static volatile uint8_t queue[64];
static volatile uint32_t q_head, q_tail;	/* written by IRQs, read by main */
volatile uint32_t keys_pressed;

static void queue_put(int c)
{
	if (q_head - q_tail < sizeof(queue))
		queue[q_head++ % sizeof(queue)] = (uint8_t)c;
}

int input_get(void)
{
	int c;

	if (q_tail == q_head)
		return -1;
	c = queue[q_tail % sizeof(queue)];
	q_tail++;
	return c;
}

/* ------------------------------------------------------------ i8042 */

static void i8042_wait_write(void)
{
	for (int n = 0; n < 100000 && (inb(I8042_CMD) & ST_IBF); n++)
		;
}

static void i8042_command(uint8_t cmd)
{
	i8042_wait_write();
	outb(I8042_CMD, cmd);
}

static void i8042_write(uint8_t v)
{
	i8042_wait_write();
	outb(I8042_DATA, v);
}

/* Pulse the CPU reset line (command 0xfe); triple fault if that fails. */
void i8042_reset(void)
{
	static const struct { uint16_t limit; uint32_t base; } __attribute__((packed))
		no_idt = { 0, 0 };

	__asm__ volatile("cli");
	i8042_command(0xfe);
	for (volatile int n = 0; n < 1000000; n++)
		;
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	halt_forever();
}

/* Scan code set 1, keys 0x00-0x39: unshifted and shifted. */
static const char keymap[0x3a] =
	"\0\033" "1234567890-=\b"
	"\tqwertyuiop[]\n"
	"\0asdfghjkl;'`"
	"\0\\zxcvbnm,./\0*\0 ";
static const char keymap_shift[0x3a] =
	"\0\033" "!@#$%^&*()_+\b"
	"\tQWERTYUIOP{}\n"
	"\0ASDFGHJKL:\"~"
	"\0|ZXCVBNM<>?\0*\0 ";

#define SC_LCTRL	0x1d
#define SC_LSHIFT	0x2a
#define SC_RSHIFT	0x36
#define SC_CAPS		0x3a
#define SC_KP_SLASH	0x35	/* after E0 */

static int shift, ctrl, caps, e0;
static int led_pending;	/* LED byte to send once the keyboard ACKs 0xed */

static void kbd_irq(void)
{
	uint8_t sc, key;
	int make, ext = e0;
	char c;

	/* An edge latched while we polled the controller at init leaves
	 * nothing to read. */
	if (!(inb(I8042_CMD) & ST_OBF))
		return;
	sc = inb(I8042_DATA);
	key = sc & 0x7f;
	make = !(sc & 0x80);

	if (sc == 0xfa && led_pending) {	/* ACK of "set LEDs" */
		i8042_write((uint8_t)(caps ? 4 : 0));
		led_pending = 0;
		return;
	}
	if (sc == 0xe0) {
		e0 = 1;
		return;
	}
	e0 = 0;
	if (sc == 0xfa || sc == 0xfe || sc == 0x00 || sc == 0xff)
		return;		/* ACK, resend, errors */

	if (key == SC_LSHIFT || key == SC_RSHIFT) {
		if (!ext)	/* E0 2A / E0 AA are fake shifts */
			shift = make;
		return;
	}
	if (key == SC_LCTRL) {
		ctrl = make;
		return;
	}
	if (!make)
		return;
	keys_pressed++;
	if (key == SC_CAPS) {
		caps = !caps;
		led_pending = 1;
		i8042_write(0xed);
		return;
	}
	if (ext) {	/* keypad Enter and /, the rest of E0 we ignore */
		if (key == 0x1c)
			queue_put('\n');
		else if (key == SC_KP_SLASH)
			queue_put('/');
		return;
	}
	if (key >= sizeof(keymap) || !keymap[key])
		return;
	c = shift ? keymap_shift[key] : keymap[key];
	if (caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c ^= 0x20;
	if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c &= 0x1f;
	queue_put(c);
}

/* Keyboard interrupts on, scan codes translated to set 1, whatever state
 * the firmware (or none) left the controller in. */
static void kbd_init(void)
{
	uint8_t cb;

	for (int n = 0; n < 32 && (inb(I8042_CMD) & ST_OBF); n++)
		inb(I8042_DATA);
	i8042_command(0x20);	/* read the command byte */
	for (int n = 0; n < 100000 && !(inb(I8042_CMD) & ST_OBF); n++)
		;
	cb = inb(I8042_DATA);
	cb |= 0x41;		/* IRQ 1, translation */
	cb &= (uint8_t)~0x10;	/* keyboard clock on */
	i8042_command(0x60);
	i8042_write(cb);
	i8042_command(0xae);	/* enable the keyboard interface */
	irq_set_handler(1, kbd_irq);
}

/* ------------------------------------------------------------ COM1 */

static void com1_irq(void)
{
	static int after_cr;

	while (inb(COM1 + 5) & 0x01) {	/* LSR: data ready */
		uint8_t c = inb(COM1);

		if (c == '\n' && after_cr) {	/* the LF of a CR LF */
			after_cr = 0;
			continue;
		}
		after_cr = c == '\r';
		if (c == '\r')
			c = '\n';
		else if (c == 0x7f)
			c = '\b';
		queue_put(c);
	}
}

static void com1_init(void)
{
	irq_set_handler(4, com1_irq);
	outb(COM1 + 4, 0x0b);	/* MCR: DTR, RTS, OUT2 (IRQ line to the PIC) */
	outb(COM1 + 1, 0x01);	/* IER: received data available */
	inb(COM1 + 2);		/* IIR */
	/* Keep what arrived before: commands piped in at boot are typed ahead. */
	com1_irq();
}

void input_init(void)
{
	kbd_init();
	com1_init();
}
