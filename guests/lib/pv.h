/*
 * pv.h - bt86's hypercall ABI as a guest sees it (docs/paravirt.md is the
 * contract; bt86's own copy of the numbers is monitor/paravirt.h, and
 * guests/pv checks that the two agree by using these against bt86).
 * Header only.
 */
#ifndef GUEST_PV_H
#define GUEST_PV_H

#include <stdint.h>

#define BT86_HC_VERSION		0x62740000u
#define BT86_HC_CONSOLE_WRITE	0x62740001u
#define BT86_HC_MMU_BATCH	0x62740002u
#define BT86_HC_SHARED_PAGE	0x62740003u
#define BT86_HC_EVENTS		0x62740004u
#define BT86_HC_HALT		0x62740005u
#define BT86_HC_TIMER		0x62740006u
#define BT86_HC_TIME		0x62740007u

#define BT86_EPERM	1
#define BT86_EFAULT	14
#define BT86_EINVAL	22
#define BT86_ENOSYS	38

struct bt86_mmu_op {
	uint32_t op, addr, lo, hi;
};
#define BT86_MMU_PTE32		0
#define BT86_MMU_PTE64		1
#define BT86_MMU_INVLPG		2
#define BT86_MMU_FLUSH		3
#define BT86_MMU_NEW_CR3	4
#define BT86_MMU_MAX		256

struct bt86_shared {
	volatile uint32_t vif;
	volatile uint32_t pending;
};
#define BT86_PENDING_IRQ 1u

/* VMCALL: number in EAX, arguments in EBX, ECX, EDX, ESI; result in EAX. */
static inline int32_t hypercall(uint32_t nr, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t a = nr;

	__asm__ volatile("vmcall" : "+a"(a), "+b"(b), "+c"(c), "+d"(d) : : "memory");
	return (int32_t)a;
}

/* BT86_HC_TIME: virtual ns in EDX:EAX. */
static inline uint64_t pv_time(void)
{
	uint32_t a = BT86_HC_TIME, d;

	__asm__ volatile("vmcall" : "+a"(a), "=d"(d) : : "memory");
	return (uint64_t)d << 32 | a;
}

static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

#endif
