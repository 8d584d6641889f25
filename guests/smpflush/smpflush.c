/*
 * smpflush - a translator's code cache fills up while another CPU is in
 * the middle of a call, and the code at that call's return address changes.
 *
 * A translator that predicts near RETs (bt86's native backend) records, at
 * each CALL, where the host code for its return address is.  That record
 * is the CPU's own, but the code cache is shared by every CPU: when the
 * cache fills and is flushed, the records of the CPUs that were not running
 * point at code that is no longer there (or not yet overwritten, and
 * stale).  The application processor here calls ap_round(), whose CALL
 * waits in ap_wait() until the BSP says go; meanwhile the BSP runs enough
 * new code that the cache (-accel tcg,tb-size=1, a 1 MiB cache) fills in
 * some rounds, then rewrites the immediate at the CALL's return address.
 * The AP must return to the new immediate, in every round.
 *
 * Each round first runs the AP's CALL/RET twice with the old immediate, so
 * that the return is predicted and chained.  ap_round's page holds ap_round
 * and ap_wait alone: the rewrite may invalidate the AP's waiting loop,
 * translated again after the flush, but the block the AP's prediction
 * points at is from before the flush, which no invalidation finds; the
 * AP's own table must be emptied on the flush (or on any invalidation).
 * The expected output is QEMU's (qemu-system-i386 -smp 2).
 */
#include "guest.h"
#include "smp_boot.h"

#include <stdint.h>

#define ROUNDS 12
#define BLOCKS 4096 /* the BSP's new blocks per round: add eax, 1; jmp $+2 */
#define BLOCK_LEN 5

static uint8_t filler[ROUNDS][BLOCKS * BLOCK_LEN + 1] __attribute__((aligned(4096)));

volatile uint32_t ap_in, ap_release;
static volatile uint32_t go, done, warm[ROUNDS][2], result[ROUNDS];

/* ap_round(key): CALL ap_wait, which announces key in ap_in and returns
 * once ap_release is key; then EAX = the immediate at ap_site + 1. */
uint32_t ap_round(uint32_t key);
extern uint8_t ap_site[];
__asm__(".text\n"
	".balign 4096\n"
	".globl ap_round, ap_site\n"
	"ap_round:\n"
	"  movl 4(%esp), %eax\n"
	"  call ap_wait\n"
	"ap_site:\n"
	"  movl $0, %eax\n"
	"  ret\n"
	"ap_wait:\n"
	"  movl %eax, ap_in\n"
	"1: pause\n"
	"  cmpl %eax, ap_release\n"
	"  jne 1b\n"
	/* cross-modifying code: serialize before running what the BSP
	 * wrote; the RET in a block of its own, not CPUID's (a block with
	 * a monitor call never chains, so its RET would not be predicted) */
	"  pushl %ebx\n"
	"  cpuid\n"
	"  popl %ebx\n"
	"  testl %esp, %esp\n"
	"  jnz 2f\n"
	"2: ret\n"
	".balign 4096\n");

static void set_site(uint32_t imm)
{
	__builtin_memcpy(ap_site + 1, &imm, 4);
}

static void ap_main(void)
{
	for (uint32_t r = 0; r < ROUNDS; r++) {
		while (go != r + 1)
			__asm__ volatile("pause");
		warm[r][0] = ap_round(2 * r + 1);
		warm[r][1] = ap_round(2 * r + 1);
		result[r] = ap_round(2 * r + 2);
		done = r + 1;
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

int main(const char *cmdline)
{
	(void)cmdline;
	smp_load_gdt();
	outb(0x21, 0xff); /* no interrupts: nothing here takes one */
	outb(0xa1, 0xff);
	unsigned ncpus = smp_fw_cfg_cpus();
	printf("smpflush: %u CPUs, %d rounds of %d new blocks\n", ncpus, ROUNDS, BLOCKS);
	if (ncpus < 2) {
		printf("this test wants 2 CPUs or more (-smp 2)\n");
		return 3;
	}
	for (int r = 0; r < ROUNDS; r++) {
		uint8_t *p = filler[r];
		for (int i = 0; i < BLOCKS; i++, p += BLOCK_LEN) {
			p[0] = 0x83, p[1] = 0xc0, p[2] = 0x01; /* add eax, 1 */
			p[3] = 0xeb, p[4] = 0x00;             /* jmp $+2: a block each */
		}
		*p = 0xc3; /* ret */
	}
	lapic_wr(0xf0, 0x1ff);
	smp_start_aps(ap_main);

	int bad = 0;
	for (uint32_t r = 0; r < ROUNDS; r++) {
		uint32_t old = 0x5a000000u | r, new = 0xc0000000u | r;
		set_site(old);
		ap_release = 2 * r + 1;
		go = r + 1;
		if (smp_wait_for(&ap_in, 2 * r + 2) < 0) {
			printf("round %u: the AP did not reach its third call\n", r);
			return 3;
		}
		uint32_t sum;
		__asm__ volatile("call *%1" : "=a"(sum) : "r"(filler[r]), "0"(0) : "memory", "cc");
		set_site(new);
		ap_release = 2 * r + 2;
		if (smp_wait_for(&done, r + 1) < 0) {
			printf("round %u: the AP did not come back\n", r);
			return 3;
		}
		printf("round %u: new code %u blocks, warm 0x%x 0x%x, after the rewrite 0x%x\n", r,
		       sum, warm[r][0], warm[r][1], result[r]);
		bad |= warm[r][0] != old || warm[r][1] != old || result[r] != new;
	}
	printf(bad ? "FAIL\n" : "ok\n");
	return bad ? 3 : 0;
}
