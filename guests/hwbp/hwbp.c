/*
 * hwbp - instruction breakpoints in DR0-DR3.  A breakpoint is a fault:
 * the #DB handler sees EIP on the instruction, DR6 names the breakpoint,
 * and the handler sets RF in the saved EFLAGS so that IRET runs the
 * instruction once instead of faulting again.  Disabled breakpoints and
 * data breakpoints on other addresses do nothing.
 */
#include "guest.h"
#include "idt.h"

static volatile unsigned hits, last_dr6, last_eip;

struct frame {
    unsigned eip, cs, eflags;
};

void db_body(struct frame *f)
{
    unsigned dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    hits++;
    last_dr6 = dr6 & 0xf;
    last_eip = f->eip;
    f->eflags |= 1u << 16; /* RF: resume without hitting it again */
    __asm__ volatile("mov %0, %%dr6" : : "r"(0u));
}

extern void db_entry(void);
__asm__(".globl db_entry\n"
        "db_entry:\n"
        "  pushal\n"
        "  lea 32(%esp), %eax\n"
        "  push %eax\n"
        "  call db_body\n"
        "  add $4, %esp\n"
        "  popal\n"
        "  iret\n");

extern char target1[], target2[];
static int __attribute__((noinline)) run(int x)
{
    __asm__ volatile("target1: addl $1, %0\n\t"
                     "target2: addl $2, %0\n\t"
                     : "+r"(x));
    return x;
}

int main(const char *cmdline __attribute__((unused)))
{
    idt_set(1, db_entry);
    idt_load();

    printf("hwbp: no breakpoint: %d hits=%u\n", run(10), hits);
    __asm__ volatile("mov %0, %%dr0" : : "r"(target1));
    __asm__ volatile("mov %0, %%dr2" : : "r"(target2));
    __asm__ volatile("mov %0, %%dr7" : : "r"(0x01u)); /* L0 only */
    int r = run(10);
    printf("hwbp: dr0 on: %d hits=%u dr6=%x at target1=%d\n", r, hits, last_dr6,
           last_eip == (unsigned)target1);
    __asm__ volatile("mov %0, %%dr7" : : "r"(0x21u)); /* L0 and G2 */
    r = run(20);
    printf("hwbp: dr0+dr2 on: %d hits=%u dr6=%x at target2=%d\n", r, hits, last_dr6,
           last_eip == (unsigned)target2);
    __asm__ volatile("mov %0, %%dr7" : : "r"(0u));
    printf("hwbp: off again: %d hits=%u\n", run(30), hits);
    return 0;
}
