/*
 * icount - under -icount shift=0 one guest instruction is one nanosecond of
 * virtual time, and the TSC reads the instruction count (as in QEMU, where
 * shift=N makes an instruction 2^N ns). Checked two ways, each with an answer
 * known by hand, not read off an emulator:
 *   - a loop of N iterations of "dec ecx; jnz" between two RDTSCs: the count
 *     grows by exactly 2 per extra iteration (the fixed cost around the loop
 *     cancels in the difference: hence one out-of-line copy of the loop, since
 *     bt86 adds a block's instructions to the count as the block starts, so
 *     that an RDTSC also counts the rest of its block);
 *   - the PIT in mode 2 with a count of 11932 interrupts every
 *     11932 / 1193182 Hz = 10000150.8 ns, so 10 periods, timed with RDTSC in
 *     the IRQ 0 handler while the guest sleeps in HLT, are 100001508 ns. The
 *     slack allowed (1 us) is far below what one count more or less per
 *     period gives (838 ns a period, 8381 ns over 10).
 * Run with options "-icount shift=0,sleep=off", so QEMU checks the same
 * output (with sleep=on, its default, QEMU lets real time pass in HLT).
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

#include <stdint.h>

#define PIT_COUNT 11932
#define PERIODS 10
#define EXPECT_NS 100001508u /* PERIODS * PIT_COUNT * 1e9 / 1193182, rounded */
#define SLACK_NS 1000u

/* TSC ticks across N iterations of a two-instruction loop, and what is around it. */
static __attribute__((noinline)) uint32_t loop_ticks(uint32_t n)
{
    uint32_t lo0, hi0, lo1, hi1;
    __asm__ volatile("rdtsc\n"
                     "mov %%eax, %%esi\n"
                     "mov %%edx, %%edi\n"
                     "1: dec %%ecx\n"
                     "jnz 1b\n"
                     "rdtsc"
                     : "=a"(lo1), "=d"(hi1), "=S"(lo0), "=D"(hi0), "+c"(n)
                     :
                     : "cc");
    return (uint32_t)((((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0)));
}

static volatile unsigned ticks;
static volatile uint64_t tick_tsc[PERIODS + 2];

void irq0_body(void)
{
    if (ticks < PERIODS + 2)
        tick_tsc[ticks] = rdtsc();
    ticks++;
    outb(0x20, 0x20); /* non-specific EOI */
}

IDT_ENTRY(irq0_entry, irq0_body);

int main(const char *cmdline __attribute__((unused)))
{
    uint32_t d1 = loop_ticks(1000), d2 = loop_ticks(2000), d3 = loop_ticks(3000);
    printf("icount: 1000 more loop iterations: %u and %u more ticks (2 instructions each)\n",
           d2 - d1, d3 - d2);

    idt_set(0x20, irq0_entry);
    idt_load();
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, 0x20); outb(0xa1, 0x28);
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xfe); outb(0xa1, 0xff);
    outb(0x43, 0x34); /* channel 0, lo/hi, mode 2 */
    outb(0x40, PIT_COUNT & 0xff);
    outb(0x40, PIT_COUNT >> 8);
    __asm__ volatile("sti");
    while (ticks < PERIODS + 2)
        __asm__ volatile("hlt");
    __asm__ volatile("cli");
    /* From the second tick: the first may come early or late after programming. */
    uint32_t d = (uint32_t)(tick_tsc[PERIODS + 1] - tick_tsc[1]);
    if (d >= EXPECT_NS - SLACK_NS && d <= EXPECT_NS + SLACK_NS)
        printf("icount: %d PIT periods of %d counts: %u ns +- %u\n", PERIODS, PIT_COUNT,
               EXPECT_NS, SLACK_NS);
    else
        printf("icount: %d PIT periods of %d counts: %u ns, expected %u +- %u\n", PERIODS,
               PIT_COUNT, d, EXPECT_NS, SLACK_NS);
    return 0;
}
