/*
 * i8042.c - the keyboard controller: port 0x60 (data), port 0x64 (status
 * on read, command on write), a one-byte output buffer fed by the
 * controller itself, the keyboard and the mouse, and the output port lines
 * (CPU reset, A20).
 *
 * The controller is infinitely fast: IBF is never set, a command's reply
 * is in the output buffer by the next instruction, and reading port 0x60
 * refills the buffer at once from whoever has a byte (the controller's own
 * replies first, then the keyboard, then the mouse).  So that an
 * edge-triggered PIC sees every byte, the IRQ line drops when the buffer
 * empties and rises again when it refills.
 *
 * The state after power-on is the one a guest finds after SeaBIOS on QEMU
 * (guests/kbd/expected.out): command byte 0x61 (keyboard IRQ on, mouse
 * clock off, translation on), SYS set, keyboard enabled, A20 on.
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Keyboard/
 * Auxiliary Device Controller" (status bits, command byte, commands 20-FF,
 * output port); the OSDev wiki "8042 PS/2 Controller" page for the later
 * additions (A4, DD/DF).
 *
 *   struct i8042_wiring w = { irq, reset, set_a20, m };
 *   struct i8042 *k = i8042_create(&w);
 *   ps2kbd_key(i8042_kbd(k), 0x1c, 1);  // A pressed: the guest reads 0x1E
 */
#include "hw/i8042.h"

#include "hw/ps2kbd.h"
#include "hw/ps2mouse.h"
#include "softmmu/ioport.h"

#include <stdlib.h>
#include <string.h>

/* Status register (port 0x64) */
#define ST_OBF 0x01
#define ST_IBF 0x02
#define ST_SYS 0x04
#define ST_CMD 0x08      /* the last write was to port 0x64 */
#define ST_UNLOCKED 0x10 /* the keyboard lock switch is open */
#define ST_AUXB 0x20     /* the output buffer holds a mouse byte */

/* Command byte (controller RAM 0) */
#define CB_KBD_IRQ 0x01
#define CB_AUX_IRQ 0x02
#define CB_SYS 0x04
#define CB_KBD_OFF 0x10
#define CB_AUX_OFF 0x20
#define CB_XLATE 0x40
#define CB_RESET 0x61 /* as SeaBIOS leaves it */

/* Output port (commands D0/D1) */
#define OP_RESET 0x01 /* active low */
#define OP_A20 0x02
#define OP_KBD_OBF 0x10
#define OP_AUX_OBF 0x20
#define OP_RESET_VALUE 0xcf /* reset released, A20 on, clock and data lines high */

#define INPUT_PORT 0x80 /* keyboard not inhibited */
#define CTL_QUEUE 4

struct i8042 {
    struct i8042_wiring w;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;

    uint8_t ram[32]; /* ram[0] is the command byte */
    uint8_t sys;     /* status bit 2 */
    uint8_t last_was_cmd;
    uint8_t outport;
    uint8_t pending; /* command waiting for its data byte on port 0x60, or 0 */
    uint8_t xlate_break; /* translation saw F0: the next byte gets bit 7 */

    uint8_t out, out_full, out_aux;
    /* The controller's own replies (and D2/D3 bytes), with bit 8 = from the mouse. */
    uint16_t ctl[CTL_QUEUE];
    int ctl_head, ctl_count;

    int irq1, irq12; /* the levels last driven */
    int refilling;
};

static void update_irq(struct i8042 *k)
{
    int l1 = k->out_full && !k->out_aux && (k->ram[0] & CB_KBD_IRQ);
    int l12 = k->out_full && k->out_aux && (k->ram[0] & CB_AUX_IRQ);

    if (l1 != k->irq1) {
        k->irq1 = l1;
        k->w.irq(k->w.opaque, 1, l1);
    }
    if (l12 != k->irq12) {
        k->irq12 = l12;
        k->w.irq(k->w.opaque, 12, l12);
    }
}

/* Fill an empty output buffer from the controller, the keyboard or the mouse. */
static void refill(struct i8042 *k)
{
    int b;

    if (k->refilling)
        return;
    k->refilling = 1;
    while (!k->out_full) {
        if (k->ctl_count) {
            uint16_t v = k->ctl[k->ctl_head];
            k->ctl_head = (k->ctl_head + 1) % CTL_QUEUE;
            k->ctl_count--;
            k->out = (uint8_t)v;
            k->out_aux = v >> 8;
            k->out_full = 1;
        } else if (!(k->ram[0] & CB_KBD_OFF) && (b = ps2kbd_read(k->kbd)) >= 0) {
            if (k->ram[0] & CB_XLATE) {
                if (b == 0xf0) {
                    k->xlate_break = 1;
                    continue;
                }
                b = ps2kbd_set2_to_set1((uint8_t)b) | (k->xlate_break ? 0x80 : 0);
                k->xlate_break = 0;
            }
            k->out = (uint8_t)b;
            k->out_aux = 0;
            k->out_full = 1;
        } else if (!(k->ram[0] & CB_AUX_OFF) && (b = ps2mouse_read(k->mouse)) >= 0) {
            k->out = (uint8_t)b;
            k->out_aux = 1;
            k->out_full = 1;
        } else {
            break;
        }
    }
    k->refilling = 0;
    update_irq(k);
}

static void device_update(void *opaque)
{
    refill(opaque);
}

static void ctl_reply(struct i8042 *k, uint8_t b, int aux)
{
    if (k->ctl_count < CTL_QUEUE)
        k->ctl[(k->ctl_head + k->ctl_count++) % CTL_QUEUE] = (uint16_t)(b | (aux ? 0x100 : 0));
    refill(k);
}

/* Always passed on: port 0x92 also drives A20, so our bit may be stale. */
static void set_a20(struct i8042 *k, int on)
{
    k->outport = on ? (k->outport | OP_A20) : (k->outport & ~OP_A20);
    k->w.set_a20(k->w.opaque, on);
}

static void write_outport(struct i8042 *k, uint8_t v)
{
    set_a20(k, (v & OP_A20) != 0);
    k->outport = (v & ~(OP_KBD_OBF | OP_AUX_OBF)) | OP_RESET;
    if (!(v & OP_RESET))
        k->w.reset(k->w.opaque);
}

static uint8_t read_outport(struct i8042 *k)
{
    uint8_t v = k->outport & ~(OP_KBD_OBF | OP_AUX_OBF);
    if (k->out_full)
        v |= k->out_aux ? OP_AUX_OBF : OP_KBD_OBF;
    return v;
}

static void write_command_byte(struct i8042 *k, uint8_t v)
{
    k->ram[0] = v;
    k->sys = (v & CB_SYS) != 0;
    refill(k); /* a clock enabled may let a byte through; the IRQ enables may change */
}

static void command(struct i8042 *k, uint8_t cmd)
{
    if (cmd >= 0x20 && cmd <= 0x3f) {
        ctl_reply(k, k->ram[cmd & 0x1f], 0);
        return;
    }
    if ((cmd >= 0x60 && cmd <= 0x7f) || (cmd >= 0xd1 && cmd <= 0xd4)) {
        k->pending = cmd;
        return;
    }
    if (cmd >= 0xf0) { /* pulse the output lines whose bit is 0; bit 0 is the CPU reset */
        if (!(cmd & 1))
            k->w.reset(k->w.opaque);
        return;
    }
    switch (cmd) {
    case 0xa4: /* password installed? no */
        ctl_reply(k, 0xf1, 0);
        break;
    case 0xa7:
        k->ram[0] |= CB_AUX_OFF;
        update_irq(k);
        break;
    case 0xa8:
        k->ram[0] &= ~CB_AUX_OFF;
        refill(k);
        break;
    case 0xa9: /* mouse interface test: no error */
    case 0xab: /* keyboard interface test: no error */
        ctl_reply(k, 0x00, 0);
        break;
    case 0xaa:
        k->sys = 1;
        ctl_reply(k, 0x55, 0);
        break;
    case 0xad:
        k->ram[0] |= CB_KBD_OFF;
        update_irq(k);
        break;
    case 0xae:
        k->ram[0] &= ~CB_KBD_OFF;
        refill(k);
        break;
    case 0xc0:
        ctl_reply(k, INPUT_PORT, 0);
        break;
    case 0xd0:
        ctl_reply(k, read_outport(k), 0);
        break;
    case 0xdd: /* A20 off, on: HP Vectra commands that QEMU also takes */
        set_a20(k, 0);
        break;
    case 0xdf:
        set_a20(k, 1);
        break;
    case 0xe0: /* test inputs: clock and data low */
        ctl_reply(k, 0x00, 0);
        break;
    default: /* unknown commands do nothing, as on most controllers */
        break;
    }
}

static void write_data(struct i8042 *k, uint8_t v)
{
    uint8_t cmd = k->pending;

    k->pending = 0;
    if (cmd >= 0x60 && cmd <= 0x7f) {
        if (cmd == 0x60)
            write_command_byte(k, v);
        else
            k->ram[cmd & 0x1f] = v;
        return;
    }
    switch (cmd) {
    case 0xd1:
        write_outport(k, v);
        break;
    case 0xd2: /* as if from the keyboard (untranslated) or the mouse */
        ctl_reply(k, v, 0);
        break;
    case 0xd3:
        ctl_reply(k, v, 1);
        break;
    case 0xd4:
        ps2mouse_write(k->mouse, v);
        break;
    default:
        /* Sending to the keyboard enables its interface, as the controller does. */
        if (k->ram[0] & CB_KBD_OFF)
            k->ram[0] &= ~CB_KBD_OFF;
        ps2kbd_write(k->kbd, v);
        refill(k);
        break;
    }
}

static uint8_t read_status(struct i8042 *k)
{
    uint8_t st = ST_UNLOCKED;

    if (k->out_full)
        st |= ST_OBF | (k->out_aux ? ST_AUXB : 0);
    if (k->sys)
        st |= ST_SYS;
    if (k->last_was_cmd)
        st |= ST_CMD;
    return st;
}

static uint8_t read_data(struct i8042 *k)
{
    uint8_t v = k->out;

    if (k->out_full) {
        k->out_full = 0;
        update_irq(k); /* lower, then a refill raises it again: a new edge */
        refill(k);
    }
    return v;
}

static uint32_t data_ioread(void *opaque, uint32_t offset, int size)
{
    return read_data(opaque);
}

static void data_iowrite(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct i8042 *k = opaque;
    k->last_was_cmd = 0;
    write_data(k, (uint8_t)value);
}

static uint32_t status_ioread(void *opaque, uint32_t offset, int size)
{
    return read_status(opaque);
}

static void command_iowrite(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct i8042 *k = opaque;
    k->last_was_cmd = 1;
    k->pending = 0; /* a command cancels one waiting for its data */
    command(k, (uint8_t)value);
}

void i8042_reset(struct i8042 *k)
{
    memset(k->ram, 0, sizeof(k->ram));
    k->ram[0] = CB_RESET;
    k->sys = 1;
    k->last_was_cmd = 0;
    k->outport = OP_RESET_VALUE;
    k->pending = 0;
    k->xlate_break = 0;
    k->out = 0;
    k->out_full = k->out_aux = 0;
    k->ctl_head = k->ctl_count = 0;
    ps2kbd_reset(k->kbd);
    ps2mouse_reset(k->mouse);
    update_irq(k);
}

struct i8042 *i8042_create(struct ioports *io, const struct i8042_wiring *w)
{
    struct i8042 *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    k->w = *w;
    k->kbd = ps2kbd_create(device_update, k);
    k->mouse = ps2mouse_create(device_update, k);
    if (!k->kbd || !k->mouse) {
        free(k->kbd);
        free(k->mouse);
        free(k);
        return NULL;
    }
    /* Two ranges: 0x61 (port B) sits between them and belongs to someone else. */
    ioport_register(io, 0x60, 1, data_ioread, data_iowrite, k, "i8042");
    ioport_register(io, 0x64, 1, status_ioread, command_iowrite, k, "i8042");
    i8042_reset(k);
    return k;
}

struct ps2kbd *i8042_kbd(struct i8042 *k)
{
    return k->kbd;
}

struct ps2mouse *i8042_mouse(struct i8042 *k)
{
    return k->mouse;
}

int i8042_output_empty(struct i8042 *k)
{
    return !k->out_full;
}

/* ------------------------------------------------------------------ save/load */

static const uint8_t save_magic[8] = { 'I', '8', '0', '4', '2', 0, 0, 1 };

enum {
    S_SYS, S_LAST_CMD, S_OUTPORT, S_PENDING, S_XLATE_BREAK, S_OUT, S_OUT_FULL, S_OUT_AUX,
    S_CTL_COUNT, S_CTL, S_RAM = S_CTL + 2 * CTL_QUEUE, S_SIZE = S_RAM + 32
};

int i8042_save(struct i8042 *k, FILE *f)
{
    uint8_t s[S_SIZE] = { 0 };

    s[S_SYS] = k->sys;
    s[S_LAST_CMD] = k->last_was_cmd;
    s[S_OUTPORT] = k->outport;
    s[S_PENDING] = k->pending;
    s[S_XLATE_BREAK] = k->xlate_break;
    s[S_OUT] = k->out;
    s[S_OUT_FULL] = k->out_full;
    s[S_OUT_AUX] = k->out_aux;
    s[S_CTL_COUNT] = (uint8_t)k->ctl_count;
    for (int i = 0; i < k->ctl_count; i++) { /* oldest first: byte, from-mouse flag */
        uint16_t v = k->ctl[(k->ctl_head + i) % CTL_QUEUE];
        s[S_CTL + 2 * i] = (uint8_t)v;
        s[S_CTL + 2 * i + 1] = (uint8_t)(v >> 8);
    }
    memcpy(s + S_RAM, k->ram, 32);
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    if (ps2kbd_save(k->kbd, f) < 0 || ps2mouse_save(k->mouse, f) < 0)
        return -1;
    return 0;
}

int i8042_load(struct i8042 *k, FILE *f)
{
    uint8_t magic[sizeof(save_magic)], s[S_SIZE];

    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1 || s[S_CTL_COUNT] > CTL_QUEUE)
        return -1;
    if (ps2kbd_load(k->kbd, f) < 0 || ps2mouse_load(k->mouse, f) < 0)
        return -1;
    k->sys = s[S_SYS] != 0;
    k->last_was_cmd = s[S_LAST_CMD] != 0;
    k->pending = s[S_PENDING];
    k->xlate_break = s[S_XLATE_BREAK] != 0;
    k->out = s[S_OUT];
    k->out_full = s[S_OUT_FULL] != 0;
    k->out_aux = s[S_OUT_AUX] != 0;
    k->ctl_head = 0;
    k->ctl_count = s[S_CTL_COUNT];
    for (int i = 0; i < CTL_QUEUE; i++)
        k->ctl[i] = (uint16_t)(s[S_CTL + 2 * i] | (s[S_CTL + 2 * i + 1] & 1) << 8);
    memcpy(k->ram, s + S_RAM, 32);
    k->outport = s[S_OUTPORT] | OP_RESET;
    k->w.set_a20(k->w.opaque, (k->outport & OP_A20) != 0);
    refill(k);
    return 0;
}
