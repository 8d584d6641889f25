/*
 * rtc_mc146818.h - the MC146818 real-time clock and its 128 bytes of CMOS
 * RAM, at ports 0x70 (index, bit 7 masks NMI) and 0x71 (data).
 *
 *   struct rtc *r = rtc_create(&m->io, &m->clock, 0x70, irq8, pic, time(NULL));
 *   rtc_set_memory(r, ram_bytes);   // the memory-size bytes the BIOS would set
 *
 * The clock is base + virtual time, so under -icount (a fixed base) a run
 * reads the same dates every time.  The IRQ output is a level: 1 while
 * register C's IRQF is set, cleared by reading register C.
 */
#ifndef BT86_HW_RTC_MC146818_H
#define BT86_HW_RTC_MC146818_H

struct ioports;

#include <stdint.h>
#include <stdio.h>

struct clock;
struct rtc;

/* base_unix: the Unix time the clock shows at virtual time 0. irq may be NULL. */
struct rtc *rtc_create(struct ioports *io, struct clock *clock, uint16_t iobase,
                       void (*irq)(void *opaque, int level), void *irq_opaque, int64_t base_unix);
void rtc_reset(struct rtc *r);
/* Fill the CMOS memory-size bytes (base, extended, above 16 MiB) and the checksum. */
void rtc_set_memory(struct rtc *r, uint32_t ram_bytes);
/* A byte of the board's CMOS memory (above the clock registers, 0x0e-0x7f),
 * as the BIOS setup would have left it: the firmware's boot order. */
void rtc_cmos_set(struct rtc *r, int index, uint8_t v);
/* A CMOS byte as the guest would read it through port 0x71 (for tests and tools). */
uint8_t rtc_cmos_read(struct rtc *r, int index);
/* Register state as a small versioned binary record; 0 on success, -1 on error. */
int rtc_save(struct rtc *r, FILE *f);
int rtc_load(struct rtc *r, FILE *f);

#endif
