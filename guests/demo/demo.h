/* demo.h - what the parts of the demo OS share (see demo.c for the tour). */
#ifndef DEMO_H
#define DEMO_H

#include "guest.h"
#include "io.h"
#include "pvops.h"

#define HZ		100	/* PIT interrupts per second */

/* GDT selectors: slots 1-5. SYSENTER needs the user slots right after the
 * kernel ones (SYSEXIT loads CS = SYSENTER_CS + 16, SS = SYSENTER_CS + 24). */
#define KCODE		0x08
#define KDATA		0x10
#define UCODE		0x1b
#define UDATA		0x23
#define TSS_SEL		0x28

/* What isr.S pushes, lowest address first. */
struct frame {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax;
	uint32_t vec, err;
	uint32_t eip, cs, eflags;
	uint32_t uesp, uss;	/* only when coming from ring 3 */
};

/* cpu.c: descriptor tables, traps, PIC */
void cpu_init(void);
void trap_set_handler(int vec, int (*fn)(struct frame *f));
void irq_set_handler(int irq, void (*fn)(void));
void halt_forever(void) __attribute__((noreturn));
void enter_user(void (*fn)(void), uint32_t user_esp);	/* isr.S */
extern uint32_t sysenter_calls;				/* isr.S */
extern char sysenter_entry[];				/* isr.S */

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* timer.c: the tick (PIT at HZ, or BT86_HC_TIMER re-armed every 1/HZ s),
 * the TSC's rate, and the "timer" workload */
extern volatile uint32_t ticks;
extern uint32_t tsc_khz;	/* 0 when there is no usable TSC */
void timer_init(void);
void timer_pv_irq(void);
uint64_t tsc_to_ns(uint64_t cycles);
void cmd_timer(uint32_t n, uint32_t us);

/* CPUID leaf 1 EDX bits we use. */
#define CPUID_PSE	(1u << 3)
#define CPUID_TSC	(1u << 4)
#define CPUID_SEP	(1u << 11)
uint32_t cpu_features(void);	/* leaf 1 EDX, 0 without CPUID */
void cmd_cpuid(void);

/* mm.c: paging */
#define DEMAND_BASE	0x40000000u	/* 4 MiB of demand-paged address space */
#define DEMAND_PAGES	1024
extern volatile uint32_t demand_faults;
extern uint32_t page_dir[1024];	/* the kernel's address space */
void mm_init(void);
void demand_reset(void);
void mm_map_mmio(uint32_t pa, uint32_t size);
int cow_fault(uint32_t va, uint32_t err);	/* fork.c: 1 when handled */

/* fork.c: the address-space copy workload */
void cmd_fork(uint32_t n);

/* disk.c: the disk workload over ide.c or virtio_blk.c */
struct disk {
	const char *name;
	uint32_t sectors;
	int (*rw)(uint32_t lba, void *buf, uint32_t count, int write);	/* 0 ok */
};
void disk_init(void);
void cmd_disk(uint32_t n);
int ide_probe(struct disk *d);
int virtio_blk_probe(struct disk *d);
uint32_t pci_read(uint32_t bdf, uint32_t reg);
void pci_write(uint32_t bdf, uint32_t reg, uint32_t v);

/* console.c: the VGA text screen (status bar + console) and COM1 output */
void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_clear(void);
void console_sync_cursor(void);	/* the hardware cursor to the text's end */
void console_color(uint8_t attr);
void status_draw(void);
void status_set_cost(const char *what, uint32_t ms);

/* input.c: PS/2 keyboard (IRQ 1) and COM1 receive (IRQ 4) into one queue */
extern volatile uint32_t keys_pressed;
void input_init(void);
int input_get(void);	/* -1 when the queue is empty */
void i8042_reset(void) __attribute__((noreturn));

/* bench.c: the measured commands */
void cmd_bench(uint32_t scale);
void cmd_pf(uint32_t n);
void cmd_syscalls(uint32_t n);
uint32_t crc32(const void *p, size_t n, uint32_t crc);
struct meter {
	uint32_t t0;
	uint64_t c0;
};
void meter_start(struct meter *m);
void meter_report(struct meter *m, const char *name, uint32_t n, const char *unit);

#endif
