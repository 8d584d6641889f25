/*
 * x87irq13 - the PC/AT way of reporting x87 errors, with CR0.NE clear: an
 * unmasked exception pends in the FPU (FSW.ES), the next waiting x87
 * instruction signals FERR#, which the chipset turns into IRQ 13 (slave
 * 8259, input 5); the handler clears the latch with an OUT to port 0xF0,
 * clears the exception with FNCLEX and acknowledges both 8259s.  With
 * CR0.NE set the same error is #MF instead, and no IRQ 13 comes.
 *
 * QEMU 7.2 aborts on the IRQ 13 path (an assertion in its TCG interrupt
 * code), so the expected output was recorded from Bochs (tests/bochs-run.sh);
 * tests/run-tests.sh checks it against Bochs, not QEMU (file "reference").
 */
#include "../sys_common/sys.h"

static volatile unsigned irq13, mf, fsw_seen;

static int hook(struct frame *f)
{
	unsigned short sw;

	if (f->vec == 0x2d) {
		__asm__ volatile("fnstsw %0" : "=m"(sw));
		fsw_seen = sw;
		irq13++;
		outb(0xf0, 0);		/* release FERR# */
		__asm__ volatile("fnclex");
		outb(0xa0, 0x20);
		outb(0x20, 0x20);
		return 1;
	}
	if (f->vec == 16) {
		__asm__ volatile("fnstsw %0" : "=m"(sw));
		fsw_seen = sw;
		mf++;
		__asm__ volatile("fnclex");
		return 1;
	}
	return 0;
}

static void set_ne(int on)
{
	if (on)
		__asm__ volatile("movl %%cr0, %%eax; orl $0x20, %%eax; movl %%eax, %%cr0" : : : "eax");
	else
		__asm__ volatile("movl %%cr0, %%eax; andl $~0x20, %%eax; movl %%eax, %%cr0" : : : "eax");
}

/* 1/0 with ZE unmasked, then FWAIT: the error is reported there. */
static void divide_by_zero(void)
{
	unsigned short cw = 0x037b; /* all masked but ZE */

	__asm__ volatile("fninit\n\t"
			 "fldcw %0\n\t"
			 "fldz\n\t"
			 "fld1\n\t"
			 "fdivp\n\t"
			 "fwait\n\t"
			 "fninit"
			 : : "m"(cw));
}

int main(const char *cmdline __attribute__((unused)))
{
	sys_init();
	trap_hook = hook;
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xfb); outb(0xa1, 0xdf); /* cascade and IRQ 13 only */
	__asm__ volatile("sti");

	set_ne(0);
	divide_by_zero();
	for (volatile int i = 0; i < 100000 && !irq13; i++)
		;
	printf("x87irq13: NE=0: irq13=%u #MF=%u fsw in handler: es=%u ze=%u\n", irq13, mf,
	       fsw_seen >> 7 & 1, fsw_seen >> 2 & 1);

	irq13 = mf = fsw_seen = 0;
	set_ne(1);
	divide_by_zero();
	for (volatile int i = 0; i < 100000 && !irq13; i++)
		;
	printf("x87irq13: NE=1: irq13=%u #MF=%u fsw in handler: es=%u ze=%u\n", irq13, mf,
	       fsw_seen >> 7 & 1, fsw_seen >> 2 & 1);
	__asm__ volatile("cli");
	return 0;
}
