/*
 * pvops.h - the demo OS's "pv ops": the few places where a kernel either
 * executes a sensitive instruction (full virtualization: bt86's monitor
 * traps and emulates it) or asks bt86 with a hypercall (docs/paravirt.md).
 *
 * Which one is chosen twice: at compile time (-DDEMO_PV builds demo-pv.elf;
 * without it every pv_on test below is the constant 0 and the hypercall
 * paths vanish, so demo.elf is the unmodified OS), and in demo-pv.elf once
 * more at boot, from CPUID 0x40000000, so that the same demo-pv.elf still
 * runs, natively, where there is no bt86 ABI (QEMU): it says so and keeps
 * only its paravirtual device, virtio-blk, which QEMU has.  Compile time
 * rather than a boot-time choice alone because the full build must contain
 * no trace of paravirtualization (no branch before each CLI), as an
 * unmodified guest would.
 */
#ifndef DEMO_PVOPS_H
#define DEMO_PVOPS_H

#include <stddef.h>
#include <stdint.h>

#include "pv.h"

#ifdef DEMO_PV
extern int pv_on;			/* bt86's ABI answered CPUID 0x40000000 */
extern int pv_pte_direct;		/* PTE writes outside the batches */
extern struct bt86_shared pv_shared;	/* vif and pending (docs/paravirt.md) */
#else
#define pv_on 0
#define pv_pte_direct 0
extern struct bt86_shared pv_shared;	/* never referenced: pv_on is 0 */
#endif

#define PV_TIMER_VEC	0x30	/* BT86_HC_TIMER's vector: the IDT stub after the IRQs' */

void pv_init(void);		/* detect, register the shared page; prints nothing */
void pv_console_write(const char *s, size_t n);

/* Interrupt masking: EFLAGS.IF by CLI/STI, or the vif word. */
static inline void irq_disable(void)
{
	if (pv_on) {
		pv_shared.vif = 0;
		__asm__ volatile("" : : : "memory");
	} else {
		__asm__ volatile("cli" : : : "memory");
	}
}

static inline void irq_enable(void)
{
	if (pv_on) {
		__asm__ volatile("" : : : "memory");
		pv_shared.vif = 1;
		__asm__ volatile("" : : : "memory");
		/* An interrupt that came while vif was 0 waits for this call. */
		if (pv_shared.pending)
			hypercall(BT86_HC_EVENTS, 0, 0, 0);
	} else {
		__asm__ volatile("sti" : : : "memory");
	}
}

static inline uint32_t irq_save(void)
{
	uint32_t f;

	if (pv_on) {
		f = pv_shared.vif ? 0x200 : 0;
		irq_disable();
		return f;
	}
	__asm__ volatile("pushfl; popl %0; cli" : "=r"(f) : : "memory");
	return f;
}

static inline void irq_restore(uint32_t f)
{
	if (f & 0x200)
		irq_enable();
}

/* Called with interrupts disabled; returns with them enabled, after an
 * interrupt (STI's shadow covers HLT, and HC_HALT sets vif and halts in
 * one call: no interrupt slips in between). */
static inline void irq_enable_and_halt(void)
{
	if (pv_on)
		hypercall(BT86_HC_HALT, 0, 0, 0);
	else
		__asm__ volatile("sti; hlt" : : : "memory");
}

/* Page tables and the TLB.  The full build stores PTEs and executes
 * INVLPG and MOV CR3 at once; the paravirtual one queues all three and
 * mmu_commit() hands the queue to bt86 as one BT86_HC_MMU_BATCH (it also
 * commits by itself when the queue is full).  So a PTE written with
 * mmu_set_pte() may be read back only after mmu_commit(). */
void mmu_set_pte(uint32_t *pte, uint32_t v);
void mmu_invlpg(uint32_t va);
void mmu_load_cr3(uint32_t pd);
#ifdef DEMO_PV
void mmu_commit(void);
#else
static inline void mmu_commit(void)
{
}
#endif

/* Virtual time in ns (BT86_HC_TIME), and the one-shot timer. */
static inline uint64_t pv_now(void)
{
	return pv_time();
}

static inline void pv_timer_at(uint64_t deadline)
{
	hypercall(BT86_HC_TIMER, (uint32_t)deadline, (uint32_t)(deadline >> 32), PV_TIMER_VEC);
}

#endif
