/*
 * a20 - the A20 gate through port 0x92 and through the keyboard controller's
 * output port (command 0xd1), seen from memory: with A20 off, address
 * 0x190000 is 0x090000.
 *
 * The guest runs at 1 MiB, where A20 off would alias its own code, stack and
 * data to low memory: the probe is copied to 0x7000 and runs on a stack
 * below 0x8000 while the gate is off.
 */
#include "guest.h"
#include "io.h"

#define LOW	0x090000u
#define HIGH	0x190000u

struct probe {
	uint32_t high_read_off;	/* read of HIGH with A20 off */
	uint32_t low_after;	/* LOW after writing HIGH with A20 off */
	uint32_t high_after;	/* HIGH after that write */
};

/* probe(method, struct probe *): method 0 = port 0x92, 1 = i8042 0xd1. */
__asm__(
	".text\n"
	".globl probe_code, probe_end\n"
	"probe_code:\n"
	"	pushl %ebx\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	pushl %ebp\n"
	"	movl 20(%esp), %ebx\n"		/* method */
	"	movl 24(%esp), %esi\n"		/* result */
	"	movl %esp, %ebp\n"
	"	movl $0x8000, %esp\n"		/* below 1 MiB: never aliased */
	"	movl $0xa5a5a5a5, 0x090000\n"
	"	movl $0x5a5a5a5a, 0x190000\n"
	"	xorl %ecx, %ecx\n"		/* A20 off */
	"	call 1f\n"
	"	movl 0x190000, %edi\n"
	"	movl $0x11111111, 0x190000\n"
	"	movl $1, %ecx\n"		/* A20 on */
	"	call 1f\n"
	"	movl %edi, 0(%esi)\n"
	"	movl 0x090000, %eax\n"
	"	movl %eax, 4(%esi)\n"
	"	movl 0x190000, %eax\n"
	"	movl %eax, 8(%esi)\n"
	"	movl %ebp, %esp\n"
	"	popl %ebp\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	popl %ebx\n"
	"	ret\n"
	/* Set A20 to ECX by the method in EBX. */
	"1:	testl %ebx, %ebx\n"
	"	jnz 2f\n"
	"	inb $0x92, %al\n"
	"	andb $0xfc, %al\n"		/* never bit 0: that resets */
	"	shlb $1, %cl\n"
	"	orb %cl, %al\n"
	"	outb %al, $0x92\n"
	"	ret\n"
	"2:	inb $0x64, %al\n"
	"	testb $2, %al\n"
	"	jnz 2b\n"
	"	movb $0xd1, %al\n"
	"	outb %al, $0x64\n"
	"3:	inb $0x64, %al\n"
	"	testb $2, %al\n"
	"	jnz 3b\n"
	"	movb $0xdd, %al\n"		/* output port: reset high, A20 = bit 1 */
	"	shlb $1, %cl\n"
	"	orb %cl, %al\n"
	"	outb %al, $0x60\n"
	"4:	inb $0x64, %al\n"
	"	testb $2, %al\n"
	"	jnz 4b\n"
	"	ret\n"
	"probe_end:\n");

extern char probe_code[], probe_end[];

static uint8_t kbc_output_port(void)
{
	while (inb(0x64) & 2)
		;
	outb(0x64, 0xd0);
	while (!(inb(0x64) & 1))
		;
	return inb(0x60);
}

static void run(const char *name, int method)
{
	void (*fn)(int, struct probe *) = (void (*)(int, struct probe *))0x7000;
	struct probe p;

	memcpy((void *)0x7000, probe_code, (size_t)(probe_end - probe_code));
	fn(method, &p);
	printf("a20 via %s: off: read %08x at 0x190000, a write there left 0x090000=%08x "
	       "0x190000=%08x\n", name, p.high_read_off, p.low_after, p.high_after);
	printf("a20 via %s: back on: 0x092 bit1=%u\n", name, inb(0x92) >> 1 & 1);
}

int main(const char *cmdline __attribute__((unused)))
{
	printf("a20: at start port 0x92=%02x, i8042 output port bit1=%u\n", inb(0x92) & 0x03,
	       kbc_output_port() >> 1 & 1);
	run("port 0x92", 0);
	run("i8042 0xd1", 1);
	printf("a20: i8042 output port bit1=%u\n", kbc_output_port() >> 1 & 1);
	return 0;
}
