/*
 * vgatext - writes text straight into VGA text memory at B8000, as a
 * multiboot kernel with no BIOS call would, then exits (or, with "wait" on
 * the command line, says so on COM1 and halts, so that a script can take
 * QEMU's screendump through its monitor).  tests/display.test.sh reads the
 * text back from bt86's -screendump image and compares it with expected.txt.
 */
#include "guest.h"
#include "io.h"

static volatile uint16_t *const vram = (volatile uint16_t *)0xb8000;

static void put(int row, int col, unsigned char attr, const char *s)
{
    for (; *s; s++, col++)
        vram[row * 80 + col] = (uint16_t)(attr << 8 | (unsigned char)*s);
}

static int has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (!strncmp(s, w, n))
            return 1;
    return 0;
}

int main(const char *cmdline)
{
    for (int i = 0; i < 80 * 25; i++)
        vram[i] = 0x0720;
    put(0, 0, 0x07, "bt86 VGA text test");
    put(3, 10, 0x1f, "Hello, world!");
    put(12, 30, 0x4e, "0123456789 ABCDEF abcdef");
    put(16, 2, 0x0a, "The quick brown fox jumps over the lazy dog. {}[]()<>|\\/~^$#@%&*+-=_");
    put(20, 60, 0x0f, "\xda\xc4\xc4\xc4\xc4\xbf");
    put(21, 60, 0x0f, "\xb3 ok \xb3");
    put(22, 60, 0x0f, "\xc0\xc4\xc4\xc4\xc4\xd9");
    for (int c = 0; c < 80; c++)
        vram[24 * 80 + c] = 0x7000 | (c % 10 + '0');
    /* The hardware cursor goes to an empty cell (row 8, column 0). */
    unsigned pos = 8 * 80;
    outb(0x3d4, 0x0e);
    outb(0x3d5, pos >> 8);
    outb(0x3d4, 0x0f);
    outb(0x3d5, pos & 0xff);
    printf("vgatext: done\n");
    if (has_word(cmdline, "wait"))
        for (;;)
            __asm__ volatile("cli; hlt");
    return 0;
}
