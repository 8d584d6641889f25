/*
 * console.c - the VGA text screen and COM1 output of the demo OS.
 *
 * Row 0 of the 80x25 screen is a status bar (inverse colours) with the
 * uptime, the tick and key counts and what the last command cost; rows 1-24
 * are a scrolling console. Everything written to the console is also sent
 * to COM1 (with CR LF line ends), so the demo works on a terminal too.
 * The status bar is redrawn once a second by the timer interrupt and after
 * each key and command, never per character.
 *
 * With bt86's paravirtual ABI (pvops.h) the COM1 copy goes out with
 * BT86_HC_CONSOLE_WRITE, one call per write instead of two port accesses
 * per character, and the hardware cursor (four OUTs to the CRTC) moves
 * only when the command line waits for a key: console_sync_cursor().
 */
#include "demo.h"

#define VGA		((volatile uint16_t *)0xb8000)
#define COLS		80
#define ROWS		25
#define TOP		1	/* first console row */
#define CRTC_INDEX	0x3d4
#define CRTC_DATA	0x3d5

static int row = TOP, col;
static uint8_t attr = 0x07;
static char last_cost[40] = "-";

void console_color(uint8_t a)
{
	attr = a;
}

static void cursor_update(void)
{
	if (pv_on)
		return;
	console_sync_cursor();
}

void console_sync_cursor(void)
{
	uint16_t pos = (uint16_t)(row * COLS + col);

	outb(CRTC_INDEX, 0x0e);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_INDEX, 0x0f);
	outb(CRTC_DATA, pos & 0xff);
}

static void clear_rows(int from, int to)
{
	for (int i = from * COLS; i < to * COLS; i++)
		VGA[i] = 0x0700 | ' ';
}

static void scroll(void)
{
	for (int i = TOP * COLS; i < (ROWS - 1) * COLS; i++)
		VGA[i] = VGA[i + COLS];
	clear_rows(ROWS - 1, ROWS);
	row = ROWS - 1;
}

static void vga_putc(char c)
{
	switch (c) {
	case '\n':
		col = 0;
		row++;
		break;
	case '\r':
		col = 0;
		break;
	case '\b':
		if (col > 0)
			col--;
		else if (row > TOP) {
			row--;
			col = COLS - 1;
		}
		VGA[row * COLS + col] = (uint16_t)(attr << 8 | ' ');
		break;
	case '\t':
		col = (col + 8) & ~7;
		if (col >= COLS) {
			col = 0;
			row++;
		}
		break;
	default:
		VGA[row * COLS + col] = (uint16_t)(attr << 8 | (uint8_t)c);
		if (++col == COLS) {
			col = 0;
			row++;
		}
	}
	if (row == ROWS)
		scroll();
}

static void serial_putc(char c)
{
	if (c == '\n')
		putchar('\r');
	if (c == '\b') {	/* erase, not just move back */
		putchar('\b');
		putchar(' ');
	}
	putchar(c);
}

/* The serial copy of s[0..n) in one hypercall (CR LF, erasing backspace). */
static void pv_serial_write(const char *s, size_t n)
{
	char out[512];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k > sizeof(out) - 3) {
			pv_console_write(out, k);
			k = 0;
		}
		if (s[i] == '\n')
			out[k++] = '\r';
		if (s[i] == '\b') {
			out[k++] = '\b';
			out[k++] = ' ';
		}
		out[k++] = s[i];
	}
	pv_console_write(out, k);
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vga_putc(s[i]);
	if (pv_on)
		pv_serial_write(s, n);
	else
		for (size_t i = 0; i < n; i++)
			serial_putc(s[i]);
	cursor_update();
}

void console_putc(char c)
{
	console_write(&c, 1);
}

int kprintf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	console_write(buf, (size_t)n);
	return n;
}

void console_clear(void)
{
	clear_rows(TOP, ROWS);
	row = TOP;
	col = 0;
	cursor_update();
}

void status_set_cost(const char *what, uint32_t ms)
{
	snprintf(last_cost, sizeof(last_cost), "%s %u.%02u s", what, ms / 1000,
		 ms % 1000 / 10);
}

/* Runs from the timer interrupt and from the command loop: no console
 * state is touched, only row 0. */
void status_draw(void)
{
	char buf[COLS + 1];
	uint32_t flags = irq_save();
	uint32_t t = ticks, s = t / HZ;
	int n, i;

	n = snprintf(buf, sizeof(buf),
		     " bt86 demo \263 up %u:%02u:%02u \263 ticks %u \263 keys %u \263 last: %s",
		     s / 3600, s / 60 % 60, s % 60, t, keys_pressed, last_cost);
	if (n > COLS)
		n = COLS;
	for (i = 0; i < n; i++) {
		uint8_t a = i < 10 ? 0x71 : 0x70;	/* title in blue */

		VGA[i] = (uint16_t)(a << 8 | (uint8_t)buf[i]);
	}
	for (; i < COLS; i++)
		VGA[i] = 0x7000 | ' ';
	irq_restore(flags);
}

void console_init(void)
{
	outb(CRTC_INDEX, 0x0a);		/* cursor: scan lines 14-15, visible */
	outb(CRTC_DATA, 14);
	outb(CRTC_INDEX, 0x0b);
	outb(CRTC_DATA, 15);
	clear_rows(0, ROWS);
	row = TOP;
	col = 0;
	cursor_update();
	status_draw();
}
