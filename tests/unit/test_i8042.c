/*
 * test_i8042.c - the keyboard controller with its PS/2 keyboard and mouse,
 * driven through ports 0x60/0x64 as a driver would.  Exits 0 when every
 * check passes.
 *
 * Where the expected bytes come from:
 *  - controller: IBM PS/2 Hardware Interface Technical Reference, keyboard/
 *    auxiliary device controller (self test 55, interface tests 00, status
 *    and command byte bits, output port bit 0 reset / bit 1 A20, FE pulse);
 *    the power-on command byte 61 is what guests/kbd/expected.out recorded
 *    on QEMU after SeaBIOS.
 *  - keyboard: IBM Keyboards technical reference and Microsoft's Keyboard
 *    Scan Code Specification 1.3a: A is set 2 1C / set 1 1E, Up is set 2
 *    E0 75 / set 1 E0 48, breaks are F0-prefixed (set 2) or +80 (set 1);
 *    ACK FA, BAT AA, echo EE, resend FE, ID AB 83 (AB 41 once translated,
 *    as 83 -> 41 in the controller's table), overrun 00 in set 2.
 *  - mouse: IBM PS/2 mouse technical reference (reset FA AA 00, status
 *    bytes, packet layout with X/Y sign bits 4/5, bit 3 always set) and
 *    Microsoft's IntelliMouse (knock 200-100-80 gives ID 3 and a 4th byte).
 */
#include "hw/i8042.h"
#include "hw/ps2kbd.h"
#include "hw/ps2mouse.h"
#include "softmmu/ioport.h"
#include "tests/unit/check.h"
#include "hw/keymap.h"

#include <stdint.h>
#include <stdio.h>

static struct ioports io; /* the devices' port space */

#define ST_OBF 0x01
#define ST_SYS 0x04
#define ST_CMD 0x08
#define ST_AUXB 0x20

static int irq_level[16], irq_rises[16];
static int resets, a20 = 1, a20_calls;

static void fake_irq(void *opaque, int line, int level)
{
    if (level && !irq_level[line])
        irq_rises[line]++;
    irq_level[line] = level;
}

static void fake_reset(void *opaque)
{
    resets++;
}

static void fake_a20(void *opaque, int on)
{
    a20 = on;
    a20_calls++;
}

static uint8_t in8(uint16_t port)
{
    return (uint8_t)ioport_read(&io, port, 1);
}

static void out8(uint16_t port, uint8_t v)
{
    ioport_write(&io, port, v, 1);
}

/* The next byte of the output buffer, or -1 when OBF is clear. */
static int next(void)
{
    if (!(in8(0x64) & ST_OBF))
        return -1;
    return in8(0x60);
}

static int ctl(uint8_t cmd)
{
    out8(0x64, cmd);
    return next();
}

static void set_cb(uint8_t v)
{
    out8(0x64, 0x60);
    out8(0x60, v);
}

static void drain(void)
{
    while (next() >= 0)
        ;
}

/* Read up to n bytes into b; the count read. */
static int read_bytes(uint8_t *b, int n)
{
    int i, v;
    for (i = 0; i < n && (v = next()) >= 0; i++)
        b[i] = (uint8_t)v;
    return i;
}

#define CHECK_BYTES(...)                                                        \
    do {                                                                        \
        static const uint8_t want_[] = { __VA_ARGS__ };                         \
        uint8_t got_[sizeof(want_) + 1];                                        \
        int n_ = read_bytes(got_, sizeof(got_));                                \
        CHECK_EQ(n_, sizeof(want_));                                            \
        for (int i_ = 0; i_ < n_ && i_ < (int)sizeof(want_); i_++)              \
            CHECK_EQ(got_[i_], want_[i_]);                                      \
    } while (0)

static void mouse(uint8_t v)
{
    out8(0x64, 0xd4);
    out8(0x60, v);
}

static void test_controller(void)
{
    /* After power-on: SYS set, unlocked, nothing to read. */
    CHECK_EQ(in8(0x64), 0x14);
    CHECK_EQ(ctl(0x20), 0x61);
    CHECK_EQ(in8(0x64) & ST_CMD, ST_CMD);
    CHECK_EQ(ctl(0xaa), 0x55);
    CHECK_EQ(ctl(0xab), 0x00);
    CHECK_EQ(ctl(0xa9), 0x00);
    CHECK_EQ(next(), -1);

    set_cb(0x45);
    CHECK_EQ(in8(0x64) & ST_CMD, 0); /* the last write was data */
    CHECK_EQ(ctl(0x20), 0x45);
    CHECK_EQ(in8(0x64) & ST_SYS, ST_SYS);
    set_cb(0x41); /* bit 2 of the command byte is the status SYS flag */
    CHECK_EQ(in8(0x64) & ST_SYS, 0);
    set_cb(0x65);
    CHECK_EQ(in8(0x64) & ST_SYS, ST_SYS);
    out8(0x64, 0xa8); /* mouse clock on */
    CHECK_EQ(ctl(0x20), 0x45);
    out8(0x64, 0xa7);
    CHECK_EQ(ctl(0x20), 0x65);
    out8(0x64, 0xad);
    CHECK_EQ(ctl(0x20), 0x75);
    out8(0x64, 0xae);
    CHECK_EQ(ctl(0x20), 0x65);

    /* Other controller RAM bytes. */
    out8(0x64, 0x65);
    out8(0x60, 0x5a);
    CHECK_EQ(ctl(0x25), 0x5a);

    /* D2/D3: bytes as if from the keyboard (not translated) or the mouse. */
    out8(0x64, 0xd2);
    out8(0x60, 0x1c);
    CHECK_EQ(in8(0x64) & (ST_OBF | ST_AUXB), ST_OBF);
    CHECK_EQ(next(), 0x1c);
    out8(0x64, 0xd3);
    out8(0x60, 0x42);
    CHECK_EQ(in8(0x64) & (ST_OBF | ST_AUXB), ST_OBF | ST_AUXB);
    CHECK_EQ(next(), 0x42);

    /* An unknown command does nothing. */
    out8(0x64, 0xc8);
    CHECK_EQ(next(), -1);
}

static void test_lines(void)
{
    int r = resets, calls = a20_calls;

    CHECK_EQ(ctl(0xd0), 0xcf); /* reset released, A20 on */
    out8(0x64, 0xd1);
    out8(0x60, 0xcd); /* A20 off */
    CHECK_EQ(a20, 0);
    CHECK_EQ(a20_calls, calls + 1);
    CHECK_EQ(resets, r);
    CHECK_EQ(ctl(0xd0) & 0x03, 0x01);
    out8(0x64, 0xd1);
    out8(0x60, 0xcf);
    CHECK_EQ(a20, 1);
    out8(0x64, 0xdd);
    CHECK_EQ(a20, 0);
    out8(0x64, 0xdf);
    CHECK_EQ(a20, 1);
    CHECK_EQ(resets, r);

    out8(0x64, 0xd1); /* output port bit 0 low: CPU reset */
    out8(0x60, 0xce);
    CHECK_EQ(resets, r + 1);
    CHECK_EQ(a20, 1);
    out8(0x64, 0xfe); /* pulse output line 0 */
    CHECK_EQ(resets, r + 2);
    out8(0x64, 0xff); /* pulse nothing */
    CHECK_EQ(resets, r + 2);
    CHECK_EQ(next(), -1);
}

static void test_keys(struct ps2kbd *kbd)
{
    set_cb(0x61); /* kbd IRQ, translation */
    drain();

    /* A: set 2 1C, translated to set 1 1E; break F0 1C -> 9E. */
    int rises = irq_rises[1];
    ps2kbd_key(kbd, keymap_from_usb(4), 1);
    CHECK_EQ(irq_level[1], 1);
    CHECK_EQ(irq_rises[1], rises + 1);
    CHECK_EQ(in8(0x64) & (ST_OBF | ST_AUXB), ST_OBF);
    CHECK_EQ(in8(0x60), 0x1e);
    CHECK_EQ(irq_level[1], 0);
    CHECK_EQ(in8(0x64) & ST_OBF, 0);
    ps2kbd_key(kbd, 0x1c, 0);
    CHECK_EQ(in8(0x60), 0x9e);
    CHECK_EQ(irq_level[1], 0);

    /* Up: E0 75 -> E0 48; break E0 F0 75 -> E0 C8.  Each byte a new edge. */
    rises = irq_rises[1];
    ps2kbd_key(kbd, keymap_from_usb(82), 1);
    ps2kbd_key(kbd, keymap_from_usb(82), 0);
    CHECK_EQ(irq_rises[1], rises + 1);
    CHECK_BYTES(0xe0, 0x48, 0xe0, 0xc8);
    CHECK_EQ(irq_rises[1], rises + 4);
    CHECK_EQ(irq_level[1], 0);

    /* Right Ctrl, keypad Enter, Left Shift. */
    ps2kbd_key(kbd, keymap_from_usb(228), 1);
    ps2kbd_key(kbd, keymap_from_usb(88), 1);
    ps2kbd_key(kbd, keymap_from_usb(225), 1);
    CHECK_BYTES(0xe0, 0x1d, 0xe0, 0x1c, 0x2a);

    /* Print Screen and Pause (Microsoft spec, set 1 columns). */
    ps2kbd_key(kbd, KEYCODE_PRINT, 1);
    ps2kbd_key(kbd, KEYCODE_PRINT, 0);
    CHECK_BYTES(0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);
    ps2kbd_key(kbd, KEYCODE_PAUSE, 1);
    ps2kbd_key(kbd, KEYCODE_PAUSE, 0);
    CHECK_BYTES(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);

    /* No IRQ with command byte bit 0 clear, but OBF still says so. */
    set_cb(0x60);
    ps2kbd_key(kbd, 0x1c, 1);
    CHECK_EQ(irq_level[1], 0);
    CHECK_EQ(in8(0x64) & ST_OBF, ST_OBF);
    set_cb(0x61); /* enabling the IRQ with a byte waiting raises it */
    CHECK_EQ(irq_level[1], 1);
    CHECK_EQ(in8(0x60), 0x1e);

    /* Untranslated: set 2 bytes as the keyboard sends them. */
    set_cb(0x21);
    ps2kbd_key(kbd, 0x1c, 0);
    ps2kbd_key(kbd, 0xe075, 1);
    ps2kbd_key(kbd, 0xe075, 0);
    CHECK_BYTES(0xf0, 0x1c, 0xe0, 0x75, 0xe0, 0xf0, 0x75);
    set_cb(0x61);

    /* Keyboard clock off (AD): bytes wait in the keyboard until AE. */
    out8(0x64, 0xad);
    ps2kbd_key(kbd, 0x1c, 1);
    CHECK_EQ(in8(0x64) & ST_OBF, 0);
    CHECK_EQ(irq_level[1], 0);
    CHECK_EQ(ps2kbd_idle(kbd), 0);
    out8(0x64, 0xae);
    CHECK_EQ(irq_level[1], 1);
    CHECK_BYTES(0x1e);
    CHECK(ps2kbd_idle(kbd));

    /* Disabled keyboard (F5): keys are dropped; F4 scans again. */
    out8(0x60, 0xf5);
    CHECK_BYTES(0xfa);
    ps2kbd_key(kbd, 0x1c, 1);
    CHECK_EQ(next(), -1);
    out8(0x60, 0xf4);
    CHECK_BYTES(0xfa);
    ps2kbd_key(kbd, 0x1c, 0);
    CHECK_BYTES(0x9e);
}

static void test_kbd_commands(struct ps2kbd *kbd)
{
    set_cb(0x61);
    drain();
    out8(0x60, 0xff);
    CHECK_BYTES(0xfa, 0xaa);
    out8(0x60, 0xf2);
    CHECK_BYTES(0xfa, 0xab, 0x41); /* 83 goes through translation */
    out8(0x60, 0xee);
    CHECK_BYTES(0xee);
    out8(0x60, 0xed);
    CHECK_BYTES(0xfa);
    out8(0x60, 0x05);
    CHECK_BYTES(0xfa);
    CHECK_EQ(ps2kbd_leds(kbd), 0x05);
    out8(0x60, 0xf0);
    out8(0x60, 0x00);
    CHECK_BYTES(0xfa, 0xfa, 0x41); /* set 2, translated */
    out8(0x60, 0xf3);
    out8(0x60, 0x20);
    CHECK_BYTES(0xfa, 0xfa);
    out8(0x60, 0xe1); /* not a command */
    CHECK_BYTES(0xfe);
    out8(0x60, 0xfe); /* resend: the last byte sent other than a Resend */
    CHECK_BYTES(0xfa);

    set_cb(0x21);
    out8(0x60, 0xf2);
    CHECK_BYTES(0xfa, 0xab, 0x83);
    out8(0x60, 0xf0);
    out8(0x60, 0x00);
    CHECK_BYTES(0xfa, 0xfa, 0x02);

    /* Scan code set 1 from the keyboard itself. */
    out8(0x60, 0xf0);
    out8(0x60, 0x01);
    CHECK_BYTES(0xfa, 0xfa);
    ps2kbd_key(kbd, 0x1c, 1);
    ps2kbd_key(kbd, 0x1c, 0);
    ps2kbd_key(kbd, 0xe075, 0);
    CHECK_BYTES(0x1e, 0x9e, 0xe0, 0xc8);
    out8(0x60, 0xf0);
    out8(0x60, 0x00);
    CHECK_BYTES(0xfa, 0xfa, 0x01);
    out8(0x60, 0xf0);
    out8(0x60, 0x02);
    CHECK_BYTES(0xfa, 0xfa);

    /* Writing to the keyboard turns its clock back on. */
    out8(0x64, 0xad);
    out8(0x60, 0xee);
    CHECK_BYTES(0xee);
    CHECK_EQ(ctl(0x20) & 0x10, 0);

    /* Overflow (set 2, untranslated): one byte in the controller, 15 in
     * the keyboard, then the overrun code 00; later keys are lost. */
    for (int i = 0; i < 20; i++)
        ps2kbd_key(kbd, 0x1c, 1);
    uint8_t b[20];
    int n = read_bytes(b, sizeof(b));
    CHECK_EQ(n, 17);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(b[i], 0x1c);
    CHECK_EQ(b[16], 0x00);
    CHECK(ps2kbd_idle(kbd));
    ps2kbd_key(kbd, 0x1c, 0); /* room again */
    CHECK_BYTES(0xf0, 0x1c);

    /* Translated, the overrun code is set 1's FF. */
    set_cb(0x61);
    for (int i = 0; i < 20; i++)
        ps2kbd_key(kbd, 0x1c, 1);
    n = read_bytes(b, sizeof(b));
    CHECK_EQ(n, 17);
    CHECK_EQ(b[16], 0xff);
}

static void test_mouse(struct ps2mouse *ms)
{
    set_cb(0x47); /* both IRQs, SYS, translation; both clocks on */
    drain();
    int rises = irq_rises[12];

    mouse(0xff);
    CHECK_EQ(in8(0x64) & (ST_OBF | ST_AUXB), ST_OBF | ST_AUXB);
    CHECK_EQ(irq_level[12], 1);
    CHECK_EQ(irq_level[1], 0);
    CHECK_BYTES(0xfa, 0xaa, 0x00);
    CHECK_EQ(irq_rises[12], rises + 3);
    CHECK_EQ(irq_level[12], 0);
    mouse(0xf2);
    CHECK_BYTES(0xfa, 0x00);

    /* Movement before F4 is not reported. */
    ps2mouse_event(ms, 10, 10, 0, 0);
    CHECK_EQ(next(), -1);

    static const uint8_t knock[3] = { 200, 100, 80 };
    for (int i = 0; i < 3; i++) {
        mouse(0xf3);
        mouse(knock[i]);
        CHECK_BYTES(0xfa, 0xfa);
    }
    mouse(0xf2);
    CHECK_BYTES(0xfa, 0x03);
    mouse(0xe9);
    CHECK_BYTES(0xfa, 0x00, 0x02, 0x50); /* stream, disabled, 4 counts/mm, 80/s */
    mouse(0xe8);
    mouse(0x03);
    CHECK_BYTES(0xfa, 0xfa);

    mouse(0xf4);
    CHECK_BYTES(0xfa);
    /* Right 5, down 3, wheel 1 toward the user, left button. */
    ps2mouse_event(ms, 5, -3, 1, 1);
    CHECK_EQ(irq_level[12], 1);
    CHECK_BYTES(0x29, 0x05, 0xfd, 0x01); /* 08 | left | Y sign */
    /* Left 2, up 7, wheel -2, right and middle. */
    ps2mouse_event(ms, -2, 7, -2, 6);
    CHECK_BYTES(0x1e, 0xfe, 0x07, 0xfe); /* 08 | right | middle | X sign */
    /* 300 right is two packets: 255 then 45; -300 is -256 then -44. */
    ps2mouse_event(ms, 300, -300, 0, 0);
    CHECK_BYTES(0x28, 0xff, 0x00, 0x00, 0x28, 0x2d, 0xd4, 0x00);
    mouse(0xe9);
    CHECK_BYTES(0xfa, 0x20, 0x03, 0x50); /* enabled */

    /* A long move is cut into packets as the guest reads; no motion lost. */
    ps2mouse_event(ms, 255 * 40, 0, 0, 0);
    long total = 0;
    int packets = 0;
    uint8_t p[4];
    while (read_bytes(p, 4) == 4) {
        CHECK_EQ(p[0] & 0xd8, 0x08); /* no sign, no overflow */
        total += p[1];
        packets++;
    }
    CHECK_EQ(total, 255 * 40);
    CHECK_EQ(packets, 40);

    /* The mouse's IRQ 12 needs command byte bit 1; its clock, bit 5 clear. */
    set_cb(0x45);
    ps2mouse_event(ms, 1, 0, 0, 0);
    CHECK_EQ(in8(0x64) & (ST_OBF | ST_AUXB), ST_OBF | ST_AUXB);
    CHECK_EQ(irq_level[12], 0);
    CHECK_BYTES(0x08, 0x01, 0x00, 0x00);
    out8(0x64, 0xa7);
    ps2mouse_event(ms, 1, 0, 0, 0);
    CHECK_EQ(next(), -1);
    out8(0x64, 0xa8);
    CHECK_BYTES(0x08, 0x01, 0x00, 0x00);

    /* Wrap mode echoes; EC leaves it. */
    mouse(0xee);
    CHECK_BYTES(0xfa);
    mouse(0x12);
    CHECK_BYTES(0x12);
    mouse(0xec);
    CHECK_BYTES(0xfa);

    /* Remote mode: nothing streams; EB reads the counters. */
    mouse(0xf0);
    CHECK_BYTES(0xfa);
    ps2mouse_event(ms, 3, 4, 0, 0);
    CHECK_EQ(next(), -1);
    mouse(0xeb);
    CHECK_BYTES(0xfa, 0x08, 0x03, 0x04, 0x00);
    mouse(0xea);
    CHECK_BYTES(0xfa);

    mouse(0xf5);
    CHECK_BYTES(0xfa);
    ps2mouse_event(ms, 1, 1, 0, 0);
    CHECK_EQ(next(), -1);
    mouse(0xff);
    CHECK_BYTES(0xfa, 0xaa, 0x00);
    mouse(0xf2);
    CHECK_BYTES(0xfa, 0x00);
}

static void test_save_load(struct i8042 *k, struct ps2kbd *kbd, struct ps2mouse *ms)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;

    set_cb(0x47);
    drain();
    out8(0x60, 0xed);
    out8(0x60, 0x02);
    CHECK_BYTES(0xfa, 0xfa);
    static const uint8_t knock[3] = { 200, 100, 80 };
    for (int i = 0; i < 3; i++) {
        mouse(0xf3);
        mouse(knock[i]);
    }
    mouse(0xf4);
    drain();
    ps2kbd_key(kbd, 0x1c, 1);
    ps2kbd_key(kbd, 0xe075, 1);
    ps2mouse_event(ms, 7, 0, 0, 0);
    /* In the buffer: 1E; waiting: E0 48 from the keyboard, a 4-byte packet. */
    CHECK_EQ(i8042_save(k, f), 0);

    i8042_reset(k);
    CHECK_EQ(ps2kbd_leds(kbd), 0);
    CHECK(i8042_output_empty(k));
    rewind(f);
    CHECK_EQ(i8042_load(k, f), 0);
    CHECK_EQ(ctl(0x20), 0x1e); /* the byte in the buffer came before the reply */
    CHECK_EQ(next(), 0x47);
    CHECK_EQ(ps2kbd_leds(kbd), 0x02);
    CHECK_BYTES(0xe0, 0x48, 0x08, 0x07, 0x00, 0x00);
    mouse(0xf2);
    CHECK_BYTES(0xfa, 0x03);

    /* A damaged record is refused. */
    rewind(f);
    fputc('X', f);
    rewind(f);
    CHECK_EQ(i8042_load(k, f), -1);
    fclose(f);
}

static void test_keymap(void)
{
    uint16_t code;
    int shift;

    CHECK_EQ(keymap_from_usb(4), 0x1c);      /* A */
    CHECK_EQ(keymap_from_usb(29), 0x1a);     /* Z */
    CHECK_EQ(keymap_from_usb(30), 0x16);     /* 1 */
    CHECK_EQ(keymap_from_usb(39), 0x45);     /* 0 */
    CHECK_EQ(keymap_from_usb(40), 0x5a);     /* Enter */
    CHECK_EQ(keymap_from_usb(64), 0x83);     /* F7 */
    CHECK_EQ(keymap_from_usb(70), KEYCODE_PRINT);
    CHECK_EQ(keymap_from_usb(72), KEYCODE_PAUSE);
    CHECK_EQ(keymap_from_usb(82), 0xe075);   /* Up */
    CHECK_EQ(keymap_from_usb(88), 0xe05a);   /* keypad Enter */
    CHECK_EQ(keymap_from_usb(225), KEYCODE_LSHIFT);
    CHECK_EQ(keymap_from_usb(227), 0xe01f);  /* Left GUI */
    CHECK_EQ(keymap_from_usb(230), 0xe011);  /* Right Alt */
    CHECK_EQ(keymap_from_usb(0), 0);
    CHECK_EQ(keymap_from_usb(-1), 0);
    CHECK_EQ(keymap_from_usb(100000), 0);

    CHECK_EQ(keymap_ascii('a', &code, &shift), 0);
    CHECK_EQ(code, 0x1c);
    CHECK_EQ(shift, 0);
    CHECK_EQ(keymap_ascii('A', &code, &shift), 0);
    CHECK_EQ(code, 0x1c);
    CHECK_EQ(shift, 1);
    CHECK_EQ(keymap_ascii('?', &code, &shift), 0);
    CHECK_EQ(code, 0x4a);
    CHECK_EQ(shift, 1);
    CHECK_EQ(keymap_ascii('\n', &code, &shift), 0);
    CHECK_EQ(code, 0x5a);
    CHECK_EQ(shift, 0);
    CHECK_EQ(keymap_ascii(27, &code, &shift), 0);
    CHECK_EQ(code, 0x76);
    CHECK_EQ(keymap_ascii('"', &code, &shift), 0);
    CHECK_EQ(code, 0x52);
    CHECK_EQ(shift, 1);
    CHECK_EQ(keymap_ascii(1, &code, &shift), -1);

    /* The controller's table is a permutation of 01..7F (Brouwer). */
    uint8_t seen[0x80] = { 0 };
    int perm = 1;
    for (int c = 1; c < 0x80; c++) {
        uint8_t t = ps2kbd_set2_to_set1((uint8_t)c);
        if (t == 0 || t >= 0x80 || seen[t]++)
            perm = 0;
    }
    CHECK(perm);
    CHECK_EQ(ps2kbd_set2_to_set1(0x00), 0xff);
    CHECK_EQ(ps2kbd_set2_to_set1(0x83), 0x41);
    CHECK_EQ(ps2kbd_set2_to_set1(0xfa), 0xfa);
}

int main(void)
{
    ioport_init(&io);
    struct i8042_wiring w = { fake_irq, fake_reset, fake_a20, NULL };
    struct i8042 *k = i8042_create(&io, &w);
    CHECK(k != NULL);
    if (!k)
        return 1;
    struct ps2kbd *kbd = i8042_kbd(k);
    struct ps2mouse *ms = i8042_mouse(k);

    test_controller();
    test_lines();
    test_keys(kbd);
    test_kbd_commands(kbd);
    test_mouse(ms);
    test_save_load(k, kbd, ms);
    test_keymap();
    return check_done("test_i8042");
}
