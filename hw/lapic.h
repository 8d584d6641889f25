/*
 * lapic.h - the local APIC of one CPU, in xAPIC mode: 4 KiB of registers
 * that the machine maps where IA32_APIC_BASE (MSR 0x1B) says, by default
 * 0xFEE00000.
 *
 *   struct lapic_wiring w = { &m->clock, cpu_intr, cpu_nmi, pic_inta, ioapic_eoi, m };
 *   struct lapic *a = lapic_create(&w, 0);
 *   lapic_set_lint(a, 0, level);       // the 8259's INT output on LINT0
 *   lapic_accept(a, LAPIC_DM_FIXED, 0x31, 0);   // a message from the I/O APIC
 *   ...between blocks, intr high and IF=1:
 *   int vector = lapic_ack(a);          // the INTA cycle
 *
 * The timer counts at 1 GHz before its divider (one tick per virtual ns,
 * as QEMU's), so under -icount it is a function of the instruction count.
 * The device knows neither the CPU nor the I/O APIC: its outputs are the
 * callbacks of its wiring.  It reaches the softmmu through no global: the
 * machine maps its region and moves it when lapic_set_base() says so.
 */
#ifndef BT86_HW_LAPIC_H
#define BT86_HW_LAPIC_H

#include <stdint.h>
#include <stdio.h>

struct clock;
struct lapic;

/* Delivery modes (ICR, LVT, I/O APIC redirection entries: bits 8-10). */
enum {
    LAPIC_DM_FIXED = 0,
    LAPIC_DM_LOWEST = 1,
    LAPIC_DM_SMI = 2,
    LAPIC_DM_NMI = 4,
    LAPIC_DM_INIT = 5,
    LAPIC_DM_STARTUP = 6,
    LAPIC_DM_EXTINT = 7,
};

#define LAPIC_DEFAULT_BASE 0xfee00000u
#define LAPIC_SIZE 0x1000u
/* IA32_APIC_BASE bits. */
#define LAPIC_BASE_BSP (1ull << 8)
#define LAPIC_BASE_EN (1ull << 11)
#define LAPIC_BASE_ADDR 0xffffff000ull /* bits 12-35: a 36-bit physical address */

struct lapic_wiring {
    struct clock *clock;
    /* The CPU's INTR: something to acknowledge with lapic_ack(). */
    void (*intr)(void *opaque, int level);
    /* An NMI for the CPU (LVT or ICR delivery mode NMI; LINT1 when disabled). */
    void (*nmi)(void *opaque);
    /* The 8259's INTA cycle, for an ExtINT: the vector it answers. */
    int (*extint_ack)(void *opaque);
    /* EOI of a level-triggered vector, broadcast to the I/O APIC. */
    void (*eoi)(void *opaque, int vector);
    void *opaque;
    /* An INIT message reached an application processor (the APIC has reset
     * itself): the CPU resets and waits for a Startup IPI.  NULL: ignored. */
    void (*init)(void *opaque);
    /* A Startup message with its vector: a waiting CPU starts in real mode
     * at vector << 12.  NULL: ignored. */
    void (*sipi)(void *opaque, int vector);
};

/*
 * The APIC bus: every local APIC of the machine, by CPU index.  IPIs and
 * the I/O APIC's messages go to the APICs whose destination matches
 * (physical: the APIC ID, or 0xFF for all; logical: the LDR and DFR), a
 * lowest-priority message to the matching APIC of lowest TPR (the first
 * of them on a tie).
 *
 *   struct lapic_bus bus = { 0 };
 *   lapic_bus_attach(&bus, lapic_create(&w0, 0));
 *   lapic_bus_attach(&bus, lapic_create(&w1, 1));
 *   lapic_bus_deliver(&bus, 0x01, 0, LAPIC_DM_FIXED, 0x31, 0);  // to APIC 1
 */
#define LAPIC_BUS_MAX 8
struct lapic_bus {
    struct lapic *apic[LAPIC_BUS_MAX];
    int n;
};
/* a joins the bus: its ICR sends to the others from then on. */
void lapic_bus_attach(struct lapic_bus *bus, struct lapic *a);
/* A message to a destination: the number of APICs that accepted it. */
int lapic_bus_deliver(struct lapic_bus *bus, uint8_t dest, int logical, int mode, int vector,
                      int level_trig);

struct lapic *lapic_create(const struct lapic_wiring *w, uint8_t id);
void lapic_free(struct lapic *a);
/* Power-on state: enabled at 0xFEE00000 (BSP), software-disabled, every LVT
 * masked but LINT0, which is ExtINT as firmware leaves it on the BSP (bt86
 * boots kernels with no firmware; QEMU's reset does the same), so that the
 * 8259 reaches the CPU. */
void lapic_reset(struct lapic *a);

/* IA32_APIC_BASE as RDMSR reads it. */
uint64_t lapic_get_base(const struct lapic *a);
/* WRMSR: -1 (#GP) for reserved bits.  As on a P6, whose APIC bus loses
 * arbitration when it is off, EN cleared stays cleared until reset, and
 * the BSP flag is read-only. */
int lapic_set_base(struct lapic *a, uint64_t value);
/* Whether the registers answer (EN) and where: the machine maps them there. */
int lapic_enabled(const struct lapic *a);

/* The register page: offset 0..0xfff, size 1, 2 or 4 (the registers are
 * 32 bits at 16-byte boundaries; narrower writes are ignored, as QEMU's). */
uint32_t lapic_read(struct lapic *a, uint32_t offset, int size);
void lapic_write(struct lapic *a, uint32_t offset, uint32_t value, int size);

/* The LINT0 (pin 0) and LINT1 (pin 1) inputs: the 8259 and NMI lines. */
void lapic_set_lint(struct lapic *a, int pin, int level);
/* Whether a message for (dest, logical) reaches this APIC. */
int lapic_match_dest(const struct lapic *a, uint8_t dest, int logical);
/* An interrupt message from the I/O APIC or an IPI: mode LAPIC_DM_xxx. */
void lapic_accept(struct lapic *a, int mode, int vector, int level_trig);
/* The INTA cycle: the vector to deliver (moved from IRR to ISR), or an
 * ExtINT's from the 8259, or -1 when nothing is pending. */
int lapic_ack(struct lapic *a);
/* The CPU's INTR level: lapic_ack() would return a vector. */
int lapic_intr_level(const struct lapic *a);
/* Register state as a small versioned binary record; 0 on success, -1 on
 * error.  The timer's load time is in absolute virtual time. */
int lapic_save(struct lapic *a, FILE *f);
int lapic_load(struct lapic *a, FILE *f);

#endif
