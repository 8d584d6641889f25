/*
 * kbd - the i8042 keyboard controller, the PS/2 keyboard and the PS/2
 * mouse as a driver sees them after a PC BIOS: the controller's self and
 * interface tests, the command byte, keyboard reset, identify, echo, LEDs,
 * scan code set query, the mouse reset, ID and the IntelliMouse knock, all
 * polled with IRQs masked.  With "type" on the command line it then takes
 * keys on IRQ 1 (scan code set 1, as the controller translates them) until
 * Enter and prints the line; tests/keyboard.test.sh types it with -sendkeys.
 */
#include "guest.h"
#include "idt.h"
#include "io.h"

#define ST_OBF 0x01
#define ST_IBF 0x02
#define ST_AUX 0x20

static int read_byte(int *aux)
{
    for (long n = 0; n < 20000000; n++) {
        unsigned st = inb(0x64);
        if (st & ST_OBF) {
            *aux = !!(st & ST_AUX);
            return inb(0x60);
        }
    }
    return -1;
}

static void wait_ibf(void)
{
    for (long n = 0; n < 20000000 && (inb(0x64) & ST_IBF); n++)
        ;
}

static void ctl(unsigned cmd)
{
    wait_ibf();
    outb(0x64, cmd);
}

static void data(unsigned v)
{
    wait_ibf();
    outb(0x60, v);
}

/* Print every byte the controller has for us (what, then "kbd:"/"aux:" bytes). */
static void drain(const char *what, int want)
{
    printf("kbd: %-22s", what);
    for (int i = 0; i < want; i++) {
        int aux, b = read_byte(&aux);
        if (b < 0) {
            printf(" (timeout)");
            break;
        }
        printf(" %s%02x", aux ? "m" : "", b);
    }
    printf("\n");
}

static void mouse(unsigned v)
{
    ctl(0xd4);
    data(v);
}

/* ---- typing on IRQ 1 ---- */

static volatile unsigned char scq[64];
static volatile unsigned sc_head, sc_tail;

void irq1_body(void)
{
    unsigned char b = inb(0x60);
    if (sc_head - sc_tail < sizeof(scq))
        scq[sc_head++ % sizeof(scq)] = b;
    outb(0x20, 0x20);
}

IDT_ENTRY(irq1_entry, irq1_body);

static const char normal[0x3a] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char shifted[0x3a] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

static void type_line(void)
{
    idt_set(0x21, irq1_entry);
    idt_load();
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, 0x20); outb(0xa1, 0x28);
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xfd); outb(0xa1, 0xff); /* IRQ 1 only */

    char line[128];
    unsigned len = 0, shift = 0, breaks = 0, e0 = 0;
    printf("kbd: type a line\n");
    for (;;) {
        __asm__ volatile("cli");
        if (sc_tail == sc_head) {
            __asm__ volatile("sti; hlt");
            continue;
        }
        __asm__ volatile("sti");
        unsigned char b = scq[sc_tail++ % sizeof(scq)];
        if (b == 0xe0) {
            e0 = 1;
            continue;
        }
        unsigned code = b & 0x7f, up = b & 0x80;
        if (up)
            breaks++;
        if (!e0 && (code == 0x2a || code == 0x36)) {
            shift = !up;
        } else if (!up && !e0 && code < sizeof(normal)) {
            char c = shift ? shifted[code] : normal[code];
            if (c == '\n')
                break;
            if (c == '\b' && len)
                len--;
            else if (c && c != '\b' && len < sizeof(line) - 1)
                line[len++] = c;
        }
        e0 = 0;
    }
    line[len] = 0;
    printf("kbd: typed \"%s\" (%u key releases)\n", line, breaks);
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
    int aux;
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    while (inb(0x64) & ST_OBF) /* whatever the firmware left */
        inb(0x60);

    ctl(0x20);
    drain("command byte", 1);
    ctl(0xaa);
    drain("self test", 1);
    ctl(0xab);
    drain("keyboard port test", 1);
    ctl(0xa9);
    drain("mouse port test", 1);
    /* Keyboard IRQ and translation on, mouse IRQ off, as Linux sets it. */
    ctl(0x60);
    data(0x45);
    ctl(0x20);
    drain("command byte now", 1);

    data(0xff);
    drain("keyboard reset", 2);
    data(0xf2);
    drain("identify", 3);
    data(0xee);
    drain("echo", 1);
    data(0xed);
    drain("set leds", 1);
    data(0x07);
    drain("led byte", 1);
    data(0xf0);
    drain("scan code set", 1);
    data(0x00);
    drain("query", 2);
    data(0xf4);
    drain("enable", 1);

    ctl(0xa8);
    mouse(0xff);
    drain("mouse reset", 3);
    mouse(0xf2);
    drain("mouse id", 2);
    static const unsigned char knock[] = { 200, 100, 80 };
    for (int i = 0; i < 3; i++) {
        mouse(0xf3);
        mouse(knock[i]);
        drain(i == 0 ? "sample rate 200" : i == 1 ? "sample rate 100" : "sample rate 80", 2);
    }
    mouse(0xf2);
    drain("mouse id after knock", 2);
    mouse(0xe9);
    drain("mouse status", 4);
    ctl(0xa7);
    ctl(0x20);
    drain("command byte, no mouse", 1);
    (void)aux;

    if (has_word(cmdline, "type"))
        type_line();
    return 0;
}
