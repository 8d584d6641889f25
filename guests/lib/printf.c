/*
 * printf.c - a small printf family for guests.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%; flags '-' (left-justify) and
 * '0' (zero-pad); a field width and a precision (precision applies to %s
 * only), each a number or '*'; length modifiers h, hh (accepted, values are
 * promoted anyway), l and ll (64-bit). Everything is formatted by vsnprintf
 * into a bounded buffer; printf writes through it in chunks.
 */
#include "guest.h"

struct out {
	char *buf;
	size_t size;	/* capacity of buf, including the final NUL */
	size_t len;	/* characters produced so far (may exceed size) */
};

static void emit(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

/* Digits of v in the given base, least significant first; returns the count. */
static int digits(char *tmp, unsigned long long v, unsigned base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

static void format_number(struct out *o, unsigned long long v, int negative,
			  unsigned base, int upper, int width, int left,
			  int zero, const char *prefix)
{
	char tmp[24];
	int n = digits(tmp, v, base, upper);
	int plen = (negative ? 1 : 0) + (int)strlen(prefix);
	int fill = width - n - plen;

	if (!left && !zero)
		pad(o, ' ', fill);
	if (negative)
		emit(o, '-');
	while (*prefix)
		emit(o, *prefix++);
	if (!left && zero)
		pad(o, '0', fill);
	while (n)
		emit(o, tmp[--n]);
	if (left)
		pad(o, ' ', fill);
}

static void format_string(struct out *o, const char *s, int width, int prec,
			  int left)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (prec < 0 || n < prec))
		n++;
	if (!left)
		pad(o, ' ', width - n);
	for (int i = 0; i < n; i++)
		emit(o, s[i]);
	if (left)
		pad(o, ' ', width - n);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'h') {
			if (*fmt == 'l')
				lng++;
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long)
				     : lng ? va_arg(ap, long) : va_arg(ap, int);
			u = s < 0 ? 0 - (unsigned long long)s : (unsigned long long)s;
			format_number(&o, u, s < 0, 10, 0, width, left, zero, "");
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long)
				     : lng ? va_arg(ap, unsigned long)
					   : va_arg(ap, unsigned int);
			format_number(&o, u, 0,
				      *fmt == 'o' ? 8 : *fmt == 'u' ? 10 : 16,
				      *fmt == 'X', width, left, zero, "");
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			format_number(&o, u, 0, 16, 0, width, left, zero, "0x");
			break;
		case 'c':
			pad(&o, ' ', left ? 0 : width - 1);
			emit(&o, (char)va_arg(ap, int));
			pad(&o, ' ', left ? width - 1 : 0);
			break;
		case 's':
			format_string(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			fmt--;	/* lone '%' at the end: stop at the NUL */
			break;
		default:	/* unknown: print it verbatim */
			emit(&o, '%');
			emit(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (int i = 0; buf[i]; i++)
		putchar(buf[i]);
	if (n >= (int)sizeof(buf))
		puts("[printf: output truncated]");
	return n;
}
