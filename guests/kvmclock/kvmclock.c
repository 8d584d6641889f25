/*
 * kvmclock - KVM's paravirtual interface as bt86 gives it (-cpu
 * bt86,kvm=on,pv=on): the CPUID leaves (KVM's at 0x40000000, bt86's moved
 * to 0x40000100), kvmclock's MSRs and pvclock records, KVM's hypercalls.
 *
 * Run with -icount shift=0: the TSC is then the instruction count and so
 * is virtual time, and kvmclock must read exactly what RDTSC reads; the
 * RTC base (2000-01-01) is kvmclock's wall clock.  QEMU without KVM has
 * no kvmclock, so expected.out follows Linux's
 * Documentation/virt/kvm/x86/msr.rst and cpuid.rst and docs/paravirt.md
 * (reference: bt86-abi).
 */
#include "../sys_common/sys.h"
#include "pv.h"

struct pvclock {
	volatile uint32_t version, pad0;
	volatile uint64_t tsc_timestamp, system_time;
	volatile uint32_t mul;
	volatile int8_t shift;
	volatile uint8_t flags, pad[2];
} __attribute__((packed));

struct wall_clock {
	volatile uint32_t version, sec, nsec;
};

static struct pvclock pvti __attribute__((aligned(64)));
static struct pvclock pvti_old __attribute__((aligned(64)));
static struct wall_clock wc __attribute__((aligned(16)));

static inline uint64_t rdmsr(uint32_t n)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(n));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t n, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(n), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* What Linux's pvclock_clocksource_read() computes, with the TSC it read. */
static uint64_t kvmclock_read(struct pvclock *p, uint64_t *tsc_out)
{
	uint32_t v;
	uint64_t t, tsc, d;

	do {
		v = p->version;
		__asm__ volatile("rdtsc" : "=A"(tsc));
		d = tsc - p->tsc_timestamp;
		if (p->shift < 0)
			d >>= -p->shift;
		else
			d <<= p->shift;
		/* (d * mul) >> 32, in 32-bit pieces */
		t = p->system_time + ((d >> 32) * p->mul) +
		    (((d & 0xffffffffu) * p->mul) >> 32);
	} while ((v & 1) || v != p->version);
	*tsc_out = tsc;
	return t;
}

static void print_record(const char *what, struct pvclock *p)
{
	printf("%s: version %s, mul %x, shift %d, flags %x\n", what,
	       p->version && !(p->version & 1) ? "even, non-zero" : "BAD", p->mul, p->shift,
	       p->flags);
}

/* kvmclock read on both sides of bt86's own BT86_HC_TIME, the same virtual
 * clock: with or without -icount (tests/paravirt.test.sh runs this guest
 * without it too), and after the guest moved the TSC. */
static void brackets(const char *what)
{
	uint64_t tsc, t1 = kvmclock_read(&pvti, &tsc), h = pv_time(), t2 = kvmclock_read(&pvti, &tsc);

	printf("%s brackets BT86_HC_TIME (10 us slack): %s\n", what,
	       t1 <= h + 10000 && h <= t2 + 10000 ? "yes" : "no");
}

static void user_part(void)
{
	uint32_t a = 1;	/* KVM_HC_VAPIC_POLL_IRQ */

	__asm__ volatile("vmcall" : "+a"(a) : : "memory");
	sys_printf("CPL3 KVM_HC_VAPIC_POLL_IRQ: %d\n", a, 0);
	sys_exit();
}

int main(const char *cmdline)
{
	uint32_t r[4], v;
	char sig[13];
	uint64_t tsc, t;

	(void)cmdline;
	sys_init();

	cpuid(1, r);
	printf("cpuid 1: hypervisor bit %u\n", r[2] >> 31);
	cpuid(0x40000000, r);
	memcpy(sig, &r[1], 12);
	sig[12] = 0;
	printf("cpuid 40000000: max leaf %x, signature %s\n", r[0], sig);
	cpuid(0x40000001, r);
	printf("cpuid 40000001: features %08x, hints %x\n", r[0], r[3]);
	cpuid(0x40000100, r);
	memcpy(sig, &r[1], 12);
	printf("cpuid 40000100: max leaf %x, signature %s\n", r[0], sig);

	printf("MSR_KVM_SYSTEM_TIME_NEW before: %x\n", (uint32_t)rdmsr(0x4b564d01));
	wrmsr(0x4b564d01, (uint32_t)&pvti | 1);
	printf("MSR_KVM_SYSTEM_TIME_NEW: %s\n",
	       rdmsr(0x4b564d01) == ((uint32_t)&pvti | 1) ? "reads back" : "BAD");
	print_record("pvclock", &pvti);
	t = kvmclock_read(&pvti, &tsc);
	printf("kvmclock - TSC under -icount: %d\n", (int)(t - tsc));

	brackets("kvmclock");

	/* Moving the TSC: a new record (under -icount the TSC stays the
	 * instruction count; the record is rewritten all the same). */
	v = pvti.version;
	wrmsr(0x10, 0x100000000ull);
	t = kvmclock_read(&pvti, &tsc);
	printf("after WRMSR TSC: version +%u, kvmclock - TSC %d\n", pvti.version - v,
	       (int)(t - tsc));
	brackets("after WRMSR TSC, kvmclock");

	/* The old MSRs (KVM_FEATURE_CLOCKSOURCE) work the same. */
	wrmsr(0x12, (uint32_t)&pvti_old | 1);
	print_record("old MSR 0x12 pvclock", &pvti_old);
	wrmsr(0x12, 0);

	wrmsr(0x4b564d00, (uint32_t)&wc);
	printf("wall clock: version %s, sec %u, nsec %u\n",
	       wc.version && !(wc.version & 1) ? "even, non-zero" : "BAD", wc.sec, wc.nsec);

	/* Addresses outside RAM: no fault, nothing written, the MSR keeps them. */
	wrmsr(0x4b564d01, 0x7ffff001);
	printf("system time outside RAM: no fault, reads %x\n", (uint32_t)rdmsr(0x4b564d01));
	wrmsr(0x4b564d00, 0x7ffff000);
	printf("wall clock outside RAM: no fault\n");
	v = pvti.version;
	wrmsr(0x4b564d01, 0);
	wrmsr(0x10, 0);
	printf("disabled: record untouched by a TSC write: %s\n", pvti.version == v ? "yes" : "no");

	printf("KVM_HC_VAPIC_POLL_IRQ: %d\n", hypercall(1, 0, 0, 0));
	printf("KVM_HC_KICK_CPU: %d\n", hypercall(5, 0, 0, 0));
	printf("KVM_HC_FEATURES (removed from KVM): %d\n", hypercall(3, 0, 0, 0));
	printf("bt86's version call: %d\n", hypercall(BT86_HC_VERSION, 0, 0, 0));
	printf("bt86's unknown call: %d\n", hypercall(0x62740099, 0, 0, 0));
	enter_user(user_part, USER_STACK_TOP, 0x2);
	puts("done");
	return 0;
}
