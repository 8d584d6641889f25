/*
 * smp_boot.h - starting the application processors of a multiprocessor
 * guest as an operating system does: a flat GDT every CPU loads, INIT and
 * two Startup IPIs broadcast to all but the BSP, a real-mode trampoline at
 * the Startup vector's page that switches the AP to protected mode on that
 * GDT, gives it a stack by APIC ID and calls smp_ap_entry.  The guest
 * waits for its APs by whatever it has them do first.
 */
#ifndef GUEST_SMP_BOOT_H
#define GUEST_SMP_BOOT_H

#include <stdint.h>

#define LAPIC 0xfee00000u
#define SMP_MAXCPUS 8

static inline uint32_t lapic_rd(uint32_t off)
{
	return *(volatile uint32_t *)(LAPIC + off);
}

static inline void lapic_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + off) = v;
}

static inline unsigned apic_id(void)
{
	return lapic_rd(0x20) >> 24;
}

/* Switch this CPU to the GDT the APs use (code 0x08, data 0x10, flat), so
 * that one IDT serves all. */
void smp_load_gdt(void);

/* The interrupt command register: hi (the destination), then lo; waits
 * until the local APIC has sent it. */
void smp_icr(uint32_t hi, uint32_t lo);

/* Start every AP at entry (with IF clear, on its own 4 KiB stack); it
 * must not return. */
void smp_start_aps(void (*entry)(void));

/* Wait (a few seconds at most) for another CPU to make *v want: 0 on
 * time, -1 if it never did. */
int smp_wait_for(volatile uint32_t *v, uint32_t want);

/* The number of CPUs fw_cfg reports (QEMU's FW_CFG_NB_CPUS). */
unsigned smp_fw_cfg_cpus(void);

#endif
