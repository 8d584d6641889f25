/*
 * guest.h - the freestanding runtime for bt86 test guests.
 *
 * A guest is a multiboot v1 kernel whose entry code (start.S) calls
 *	int main(const char *cmdline);
 * with the -append string and exits with main's return value through the
 * isa-debug-exit port (0xf4). Output goes to COM1.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "io.h"

int main(const char *cmdline);

/* serial.c: COM1, 115200 8N1, polled */
void serial_init(void);
int putchar(int c);
int puts(const char *s);	/* appends '\n' like the C library */
int getchar(void);

/* printf.c: %d %i %u %x %X %o %c %s %p %%, flags '-' '0', width, .prec, l, ll */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strchr(const char *s, int c);

/* exit.c */
#define DEBUG_EXIT_PORT 0xf4
void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));

/* multiboot.c */
extern uint32_t multiboot_info;	/* physical address from EBX, set by start.S */
void print_memory_map(void);

#endif
