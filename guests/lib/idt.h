/*
 * idt.h - a flat-mode IDT for the small guests that take a few interrupts
 * or exceptions in the runtime's own protected mode (no GDT of their own):
 * idt_set() installs a 32-bit interrupt gate (DPL 0) for the current code
 * segment, idt_load() makes the table the CPU's.  Header only: a guest
 * includes it once.
 */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

struct gate {
	unsigned short off_lo, sel;
	unsigned char zero, type;
	unsigned short off_hi;
} __attribute__((packed));

static struct gate idt[256];

static inline void idt_set(int vector, void (*handler)(void))
{
	unsigned a = (unsigned)handler, cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	idt[vector] = (struct gate){ a & 0xffff, cs, 0, 0x8e, a >> 16 };
}

static inline void idt_load(void)
{
	struct {
		unsigned short limit;
		unsigned base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (unsigned)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* An interrupt entry point `entry` that saves every register, calls the C
 * function `body` (void body(void)) with DF clear, and returns with IRET:
 * for handlers that need no error code and no frame. */
#define IDT_ENTRY(entry, body)                 \
	void body(void);                       \
	extern void entry(void);               \
	__asm__(".globl " #entry "\n"          \
		#entry ":\n"                   \
		"  pushal\n"                    \
		"  cld\n"                       \
		"  call " #body "\n"            \
		"  popal\n"                     \
		"  iret\n")

#endif
