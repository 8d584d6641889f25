/*
 * sysnative - the native twins of sysbench's guests, where a Linux process
 * can do the same thing: "sysnative TEST N" prints the checksum sysbench
 * prints for "t=TEST n=N".
 *
 *	int80     INT 0x80 getppid (the i386 system call gate; x86 hosts only)
 *	sysenter  syscall(SYS_getppid): the host's fast system call instruction
 *	          (SYSCALL on x86-64), the counterpart of SYSENTER/SYSEXIT
 *	pagefault first write to each page of fresh anonymous memory
 *	divide    DIV by zero -> SIGFPE -> handler skips the DIV (x86 hosts only)
 *
 * portio, cr3 and invlpg need ring 0: no twin (exit status 3, message);
 * nor int80 where the kernel has no i386 system call gate.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define DEMAND_PAGES 1024

static uint32_t bench_mix(uint32_t h, uint32_t v)
{
	return (h ^ v) * 0x01000193u + (h >> 15);
}

static volatile uint32_t faults;

#if defined(__x86_64__) || defined(__i386__)
#ifdef __x86_64__
static sigjmp_buf no_gate;

static void on_sigsegv(int sig)
{
	siglongjmp(no_gate, sig);
}

/* A kernel built without IA32_EMULATION, or booted with ia32_emulation=off,
 * has no INT 0x80 gate for 64-bit processes either: the INT raises #GP,
 * which arrives as SIGSEGV. */
static int have_int80(void)
{
	struct sigaction sa = { .sa_handler = on_sigsegv }, old;
	volatile int ok = 0;
	long r;

	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(no_gate, 1)) {
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(64L)
				 : "memory", "cc", "r8", "r9", "r10", "r11");
		ok = r == getppid();
	}
	sigaction(SIGSEGV, &old, NULL);
	return ok;
}
#else
static int have_int80(void)
{
	return 1;
}
#endif

static uint32_t run_int80(uint32_t n)
{
	long expect = getppid();
	uint32_t ok = 0;

	for (uint32_t i = 0; i < n; i++) {
		long r;

		/* 64 is getppid in the i386 system call table. */
#ifdef __x86_64__
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(64L)
				 : "memory", "cc", "r8", "r9", "r10", "r11");
#else
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(64L) : "memory", "cc");
#endif
		ok += r == expect;
	}
	return ok;
}

static void on_sigfpe(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig, (void)si;
#ifdef __x86_64__
	uc->uc_mcontext.gregs[REG_RIP] += 2;	/* divl %ecx: F7 F1 */
#else
	uc->uc_mcontext.gregs[REG_EIP] += 2;
#endif
	faults++;
}

static uint32_t run_divide(uint32_t n)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigfpe;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGFPE, &sa, NULL);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = i, d = 0;

		__asm__ volatile("divl %%ecx" : "+a"(a), "+d"(d) : "c"(0) : "memory", "cc");
	}
	return faults;
}
#endif

static uint32_t run_sysenter(uint32_t n)
{
	long expect = getppid();
	uint32_t ok = 0;

	for (uint32_t i = 0; i < n; i++)
		ok += syscall(SYS_getppid) == expect;
	return ok;
}

static uint32_t run_pagefault(uint32_t n)
{
	size_t len = (size_t)DEMAND_PAGES * 4096;
	uint8_t *mem = NULL;
	uint32_t sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = i % DEMAND_PAGES;

		if (k == 0) {	/* fresh memory: the next round faults again */
			if (mem)
				munmap(mem, len);
			mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (mem == MAP_FAILED) {
				perror("sysnative: mmap");
				exit(1);
			}
		}
		*(volatile uint32_t *)(mem + (size_t)k * 4096) = i;
		sum += *(volatile uint32_t *)(mem + (size_t)k * 4096) == i;
	}
	/* The guest also counts its faults: one per touch, as here. */
	return sum + 1;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long n;
	uint32_t r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s int80|sysenter|pagefault|divide ITERATIONS\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[2], &end, 10);
	if (*end || !n || n > 0xffffffffUL) {
		fprintf(stderr, "%s: bad iteration count '%s'\n", argv[0], argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "sysenter"))
		r = run_sysenter((uint32_t)n);
	else if (!strcmp(argv[1], "pagefault"))
		r = run_pagefault((uint32_t)n);
#if defined(__x86_64__) || defined(__i386__)
	else if (!strcmp(argv[1], "int80") && !have_int80()) {
		fprintf(stderr, "%s: this kernel has no INT 0x80 gate (32-bit emulation disabled)\n",
			argv[0]);
		return 3;
	} else if (!strcmp(argv[1], "int80"))
		r = run_int80((uint32_t)n);
	else if (!strcmp(argv[1], "divide"))
		r = run_divide((uint32_t)n);
#endif
	else {
		fprintf(stderr, "%s: no native twin for '%s' on this host\n", argv[0], argv[1]);
		return 3;
	}
	printf("checksum %08x\n", (unsigned)bench_mix(bench_mix(0x811c9dc5u, (uint32_t)n), r));
	return 0;
}
