/*
 * vmcall_ud - VMCALL on a CPU without VT-x (bt86 without -cpu ...,pv=on or
 * kvm=on, QEMU without KVM): #UD at CPL 0 and at CPL 3, with EIP at the
 * VMCALL and no register changed.  The paravirtual ABI itself is
 * guests/pv's (docs/paravirt.md).
 */
#include "../sys_common/sys.h"

static void user_part(void)
{
	U_PROBE("vmcall at CPL3", "vmcall", : : "a"(0x62740000) : "memory");
	sys_exit();
}

int main(const char *cmdline)
{
	(void)cmdline;
	sys_init();

	uint32_t a = 0x62740000, b = 0x11, c = 0x22, d = 0x33;
	probe_begin("vmcall at CPL0, EAX=0x62740000");
	PROBE("vmcall", : "+a"(a), "+b"(b), "+c"(c), "+d"(d) : : "memory");
	probe_end();
	printf("  registers after: eax=%x ebx=%x ecx=%x edx=%x\n", a, b, c, d);

	a = 1;	/* KVM_HC_VAPIC_POLL_IRQ */
	probe_begin("vmcall at CPL0, EAX=1 (a KVM number)");
	PROBE("vmcall", : "+a"(a) : : "memory");
	probe_end();
	printf("  eax after: %x\n", a);

	enter_user(user_part, USER_STACK_TOP, 0x2);
	puts("done");
	return 0;
}
