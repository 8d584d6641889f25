/*
 * isr.S - the demo OS's ways into ring 0: exception and IRQ stubs (vectors
 * 0-48, 16 bytes apart from isr_base), the INT 0x80 system call stub, the
 * SYSENTER entry, and the trip to ring 3 and back (enter_user).
 *
 * Every stub pushes a dummy error code when the CPU does not, then the
 * vector, and joins isr_common, which saves the rest as a struct frame
 * (demo.h) and calls trap(frame).
 */
#define KCODE	0x08
#define KDATA	0x10
#define UCODE	0x1b
#define UDATA	0x23

	.text
	.p2align 4
	.globl	isr_base
isr_base:
	.set	vec, 0
	.rept	49		/* 0x30: the paravirtual one-shot timer */
	.p2align 4
	/* #DF, #TS, #NP, #SS, #GP, #PF, #AC push an error code themselves. */
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17)
	pushl	$vec
	.else
	pushl	$0
	pushl	$vec
	.endif
	jmp	isr_common
	.set	vec, vec + 1
	.endr

	.p2align 4
	.globl	isr_syscall
isr_syscall:
	pushl	$0
	pushl	$0x80

isr_common:
	pushal
	pushl	%ds
	pushl	%es
	pushl	%fs
	pushl	%gs
	movl	$KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	cld
	pushl	%esp
	call	trap
	addl	$4, %esp
	popl	%gs
	popl	%fs
	popl	%es
	popl	%ds
	popal
	addl	$8, %esp		/* vector and error code */
	iretl

/*
 * enter_user(fn, user_esp): run fn at CPL3 with IF=1 on user_esp. Returns
 * when ring 3 makes system call 0, whose handler resumes ring 0 at
 * back_to_kernel.
 */
	.globl	enter_user
enter_user:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	pushfl
	movl	%esp, kernel_esp
	movl	24(%esp), %eax
	movl	28(%esp), %ecx
	pushl	$UDATA			/* SS */
	pushl	%ecx			/* ESP */
	pushl	$0x202			/* EFLAGS: IF, IOPL 0 */
	pushl	$UCODE			/* CS */
	pushl	%eax			/* EIP */
	movl	$UDATA, %edx
	movl	%edx, %ds
	movl	%edx, %es
	movl	%edx, %fs
	movl	%edx, %gs
	iretl

	.globl	back_to_kernel
back_to_kernel:
	movl	$KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	movl	kernel_esp, %esp
	popfl
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

/*
 * SYSENTER lands here at CPL0 with IF=0, on the stack of MSR 0x175; the
 * caller left its ESP in ECX and its return address in EDX, which SYSEXIT
 * takes back. A null system call: count it and return. STI's one
 * instruction shadow lets SYSEXIT go first, so ring 3 gets its IF back.
 */
	.globl	sysenter_entry
sysenter_entry:
	incl	%ss:sysenter_calls
	sti
	sysexit

	.data
	.p2align 2
	.globl	sysenter_calls
sysenter_calls:
	.long	0
kernel_esp:
	.long	0

	.section .note.GNU-stack, "", @progbits
