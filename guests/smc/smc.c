/*
 * smc - self-modifying code, as a P6 sees it.
 *
 * 1. A store that rewrites the very next instruction of the running block:
 *    the CPU must execute the new bytes.
 * 2. A function rewritten between calls (its translation must go).
 * 3. A loop that patches its own immediate on every iteration.
 * 4. Code copied into a buffer with REP MOVSB and called, then rewritten.
 * 5. Code rewritten below a block's first instruction, which the block
 *    reaches by a jump back (a translator that follows jumps must track it).
 */
#include "guest.h"

static int __attribute__((noinline)) patch_next(int v)
{
    int r;
    __asm__ volatile("movl %1, 1f+1\n\t"
                     "1: movl $7, %0\n\t"
                     : "=&a"(r)
                     : "r"(v)
                     : "memory");
    return r;
}

static int __attribute__((noinline, aligned(16))) victim(void)
{
    int r;
    __asm__ volatile("2: movl $1000, %0\n\t" : "=a"(r));
    return r;
}

static void set_victim(int v)
{
    /* victim's first instruction is the mov: patch its immediate. */
    unsigned char *p = (unsigned char *)victim;
    while (*p != 0xb8)
        p++;
    *(volatile int *)(p + 1) = v;
}

static int __attribute__((noinline)) self_counting_loop(int n)
{
    int total = 0, r;
    for (int i = 0; i < n; i++) {
        __asm__ volatile("3: movl $0, %0\n\t"
                         "incl 3b+1\n\t"
                         : "=&r"(r)
                         :
                         : "memory");
        total += r;
    }
    return total;
}

static unsigned char buffer[64] __attribute__((aligned(16)));

/* back_entry: jmp back_lo, which is below it: mov eax, imm32; ret */
int back_entry(void);
extern unsigned char back_lo[];
__asm__(".text\n\t"
        ".balign 64\n"
        "back_lo:\n\t"
        "movl $100, %eax\n\t"
        "ret\n\t"
        ".globl back_entry\n"
        "back_entry:\n\t"
        "jmp back_lo\n\t");

int main(const char *cmdline __attribute__((unused)))
{
    printf("smc: next instruction patched: %d %d %d\n", patch_next(42), patch_next(-5),
           patch_next(123456));
    int a = victim();
    set_victim(2000);
    int b = victim();
    set_victim(3000);
    printf("smc: victim rewritten: %d %d %d\n", a, b, victim());
    printf("smc: self-counting loop: %d\n", self_counting_loop(100));

    /* mov eax, imm32; ret */
    static const unsigned char code[6] = { 0xb8, 0x11, 0x11, 0x00, 0x00, 0xc3 };
    unsigned dst = (unsigned)buffer, src = (unsigned)code, n = sizeof(code);
    __asm__ volatile("cld\n\trep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    int (*fn)(void) = (int (*)(void))buffer;
    int x = fn();
    buffer[1] = 0x22;
    int y = fn();
    printf("smc: copied code: %x %x\n", x, y);

    int lo1 = back_entry();
    *(volatile int *)(back_lo + 1) = 200;
    int lo2 = back_entry();
    printf("smc: rewritten below the block: %d %d\n", lo1, lo2);
    return 0;
}
