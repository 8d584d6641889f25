/*
 * start.S - multiboot v1 header and entry point for bt86 test guests.
 *
 * The loader (bt86, QEMU or GRUB) enters _start in 32-bit protected mode with
 * paging off, EAX = 0x2BADB002 and EBX = physical address of the multiboot
 * info structure. The loader has already zeroed .bss, so we only set up a
 * stack, find the command line, call main and exit with its return value.
 */

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* bit 0: page-align modules, bit 1: memory info */
#define MB_INFO_CMDLINE	(1 << 2)

	.section .multiboot, "a"
	.p2align 2
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.globl	_start
	.type	_start, @function
_start:
	cli
	movl	$stack_top, %esp
	xorl	%ebp, %ebp
	cld
	movl	%ebx, multiboot_info	/* keep it for the memory-map helper */

	movl	$empty_string, %ecx
	cmpl	$0x2BADB002, %eax
	jne	1f
	testl	$MB_INFO_CMDLINE, (%ebx)
	jz	1f
	movl	16(%ebx), %ecx		/* multiboot_info.cmdline */
1:
	pushl	%ecx
	call	serial_init
	call	main
	movl	%eax, (%esp)
	call	exit
	.size	_start, . - _start

	.section .rodata
empty_string:
	.byte	0

	.bss
	.p2align 4
	.globl	multiboot_info
multiboot_info:
	.skip	4
	.p2align 4
stack_bottom:
	.skip	65536
stack_top:
	.section .note.GNU-stack, "", @progbits
