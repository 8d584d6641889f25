/*
 * nofault_idt - a fault with no IDT.  Multiboot leaves no usable IDT, so
 * UD2 cannot be delivered: #UD becomes #GP, then a double fault, then a
 * triple fault, which resets the machine -- or, with -no-reboot, ends the
 * run with status 0, as on QEMU.  Nothing after UD2 may print.
 */
#include "guest.h"

int main(const char *cmdline __attribute__((unused)))
{
    static const struct {
        unsigned short limit;
        unsigned base;
    } __attribute__((packed)) empty = { 0, 0 };
    printf("nofault_idt: before ud2\n");
    __asm__ volatile("lidt %0\n\tud2" : : "m"(empty));
    printf("nofault_idt: after ud2 (wrong)\n");
    return 1;
}
