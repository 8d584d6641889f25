/*
 * ps2kbd.c - a PS/2 (MF II) keyboard as the controller sees it: bytes in
 * (commands and their parameters), bytes out (replies and scan codes).
 *
 * Replies to commands go to a small queue of their own that is read before
 * the key queue, so a driver always gets its ACK next, even while keys are
 * waiting (a real keyboard stops scanning while it answers).  The key queue
 * holds 16 bytes; a key that does not fit is dropped and the overrun code
 * (0x00 in sets 2 and 3, 0xFF in set 1) takes the last place, as the IBM
 * keyboard technical reference describes.
 *
 * Scan code sets: set 2 is native; set 1 is set 2 passed through the same
 * table the i8042 uses for translation (which is how the two relate on
 * IBM's keyboards); set 3 is approximated by set 2 bytes (make xx, break
 * F0 xx, which set 3 shares for most of the main block; its distinct codes
 * for the function and navigation keys are not generated).
 *
 * Sources: IBM "Keyboards" technical reference (101/102-key keyboard,
 * commands ED..FF, BAT code AA, ID AB 83), Microsoft "Keyboard Scan Code
 * Specification" rev 1.3a (set 1/set 2 codes, Pause and Print Screen
 * sequences), A. Brouwer's "Keyboard scancodes" notes on the i8042
 * translation table (a permutation of 01..7F, with 00->FF, 83->41, 84->54).
 */
#include "hw/ps2kbd.h"

#include "hw/keymap.h"

#include <stdlib.h>
#include <string.h>

#define KEY_QUEUE 16
#define REPLY_QUEUE 4

#define ACK 0xfa
#define RESEND 0xfe
#define BAT_OK 0xaa
#define ECHO 0xee

#define TYPEMATIC_DEFAULT 0x2b /* 10.9 characters/s after 500 ms */

/*
 * Set 1 code of each set 2 byte below 0x80.  Rows of eight, indexed by the
 * set 2 code; the names are the keys of a 101/102-key board (F13-F24 and the
 * Japanese keys from the Microsoft specification).  Entries without a key
 * hold the values of the controller's table, which make 01..7F a
 * permutation.
 */
static const uint8_t set2_to_set1[0x80] = {
    /* 00 overrun, F9, -, F5, F3, F1, F2, F12 */
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58,
    /* 08 F13, F10, F8, F6, F4, Tab, `, keypad = */
    0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    /* 10 F14, LAlt, LShift, Katakana, LCtrl, Q, 1, - */
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a,
    /* 18 F15, -, Z, S, A, W, 2, (E0: LGUI) */
    0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    /* 20 F16, C, X, D, E, 4, 3, (E0: RGUI) */
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c,
    /* 28 F17, Space, V, F, T, R, 5, (E0: Application) */
    0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    /* 30 F18, N, B, H, G, Y, 6, (E0: Power) */
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e,
    /* 38 F19, -, M, J, U, 7, 8, (E0: Sleep) */
    0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    /* 40 F20, ",", K, I, O, 0, 9, - */
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60,
    /* 48 F21, ".", /, L, ;, P, -, - */
    0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    /* 50 F22, Ro, ', -, [, =, -, F23 */
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e,
    /* 58 CapsLock, RShift, Enter, ], -, \, (E0: Wake), F24 */
    0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    /* 60 -, non-US \, -, -, Henkan, -, Backspace, Muhenkan */
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b,
    /* 68 -, KP1, Yen, KP4, KP7, keypad ",", -, - */
    0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    /* 70 KP0, KP., KP2, KP5, KP6, KP8, Esc, NumLock */
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,
    /* 78 F11, KP+, KP3, KP-, KP*, KP9, ScrollLock, - */
    0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

uint8_t ps2kbd_set2_to_set1(uint8_t code)
{
    if (code < 0x80)
        return set2_to_set1[code];
    if (code == 0x83) /* F7, the one key past 7F */
        return 0x41;
    if (code == 0x84) /* Alt+SysRq */
        return 0x54;
    return code; /* prefixes and replies (E0, E1, FA, AA...) pass unchanged */
}

struct ps2kbd {
    void (*update)(void *opaque);
    void *opaque;

    uint8_t reply[REPLY_QUEUE];
    int reply_head, reply_count;
    uint8_t keys[KEY_QUEUE];
    int key_head, key_count;
    int overflowed; /* the overrun code is in the queue; cleared when it empties */

    uint8_t param_cmd; /* command waiting for its parameter byte, or 0 */
    uint8_t set;       /* scan code set 1, 2 or 3 */
    uint8_t leds;
    uint8_t typematic;
    uint8_t enabled;   /* scanning on (F4) or off (F5) */
    uint8_t last_sent; /* for Resend */
};

static void notify(struct ps2kbd *k)
{
    if (k->update)
        k->update(k->opaque);
}

static void reply(struct ps2kbd *k, uint8_t b)
{
    if (k->reply_count < REPLY_QUEUE)
        k->reply[(k->reply_head + k->reply_count++) % REPLY_QUEUE] = b;
}

static void clear_keys(struct ps2kbd *k)
{
    k->key_head = k->key_count = 0;
    k->overflowed = 0;
}

static void set_defaults(struct ps2kbd *k)
{
    k->typematic = TYPEMATIC_DEFAULT;
}

static void push_keys(struct ps2kbd *k, const uint8_t *b, int n)
{
    /* One place stays free for the overrun code. */
    if (k->key_count + n > KEY_QUEUE - 1) {
        if (!k->overflowed && k->key_count < KEY_QUEUE) {
            k->keys[(k->key_head + k->key_count++) % KEY_QUEUE] = k->set == 1 ? 0xff : 0x00;
            k->overflowed = 1;
        }
        return;
    }
    for (int i = 0; i < n; i++)
        k->keys[(k->key_head + k->key_count++) % KEY_QUEUE] = b[i];
}

/* A set 2 byte sequence in set 1: F0 becomes bit 7 of the next byte. */
static int to_set1(const uint8_t *in, int n, uint8_t *out)
{
    int m = 0, brk = 0;
    for (int i = 0; i < n; i++) {
        if (in[i] == 0xf0) {
            brk = 1;
            continue;
        }
        out[m++] = ps2kbd_set2_to_set1(in[i]) | (brk ? 0x80 : 0);
        brk = 0;
    }
    return m;
}

void ps2kbd_key(struct ps2kbd *k, uint16_t keycode, int down)
{
    uint8_t s2[8], s1[8];
    int n = 0;

    if (!k->enabled)
        return;
    if (keycode == KEYCODE_PAUSE) {
        static const uint8_t pause[8] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
        if (!down) /* Pause has no break code */
            return;
        memcpy(s2, pause, sizeof(pause));
        n = 8;
    } else if (keycode == KEYCODE_PRINT) {
        /* A fake Left Shift around the key (E0 12 / E0 F0 12), as without modifiers. */
        static const uint8_t make[4] = { 0xe0, 0x12, 0xe0, 0x7c };
        static const uint8_t brk[6] = { 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12 };
        memcpy(s2, down ? make : brk, down ? sizeof(make) : sizeof(brk));
        n = down ? sizeof(make) : sizeof(brk);
    } else {
        unsigned prefix = keycode >> 8, code = keycode & 0xff;
        if ((prefix != 0 && prefix != 0xe0) || code == 0)
            return;
        if (prefix)
            s2[n++] = 0xe0;
        if (!down)
            s2[n++] = 0xf0;
        s2[n++] = (uint8_t)code;
    }
    if (k->set == 1) {
        n = to_set1(s2, n, s1);
        push_keys(k, s1, n);
    } else {
        push_keys(k, s2, n);
    }
    notify(k);
}

static void command(struct ps2kbd *k, uint8_t cmd)
{
    switch (cmd) {
    case 0xff: /* reset: ACK, then the basic assurance test passed */
        clear_keys(k);
        set_defaults(k);
        k->set = 2;
        k->leds = 0;
        k->enabled = 1;
        reply(k, ACK);
        reply(k, BAT_OK);
        break;
    case 0xfe: /* resend */
        reply(k, k->last_sent);
        break;
    case 0xf2: /* identify: an MF II keyboard */
        reply(k, ACK);
        reply(k, 0xab);
        reply(k, 0x83);
        break;
    case 0xf4:
        clear_keys(k);
        k->enabled = 1;
        reply(k, ACK);
        break;
    case 0xf5: /* disable scanning and restore the defaults */
        clear_keys(k);
        set_defaults(k);
        k->enabled = 0;
        reply(k, ACK);
        break;
    case 0xf6:
        clear_keys(k);
        set_defaults(k);
        reply(k, ACK);
        break;
    case 0xee:
        reply(k, ECHO);
        break;
    case 0xed: /* LEDs, F0 scan code set, F3 typematic: a parameter follows */
    case 0xf0:
    case 0xf3:
    case 0xfb: /* set 3 key types: a list of keys follows */
    case 0xfc:
    case 0xfd:
        k->param_cmd = cmd;
        reply(k, ACK);
        break;
    case 0xf7: /* set 3: all keys typematic / make-break / make / all */
    case 0xf8:
    case 0xf9:
    case 0xfa:
        reply(k, ACK);
        break;
    default:
        reply(k, RESEND);
        break;
    }
}

static void parameter(struct ps2kbd *k, uint8_t cmd, uint8_t v)
{
    switch (cmd) {
    case 0xed:
        k->leds = v & 7;
        reply(k, ACK);
        break;
    case 0xf3:
        k->typematic = v & 0x7f;
        reply(k, ACK);
        break;
    case 0xf0:
        if (v == 0) {
            reply(k, ACK);
            reply(k, k->set);
        } else if (v <= 3) {
            k->set = v;
            clear_keys(k);
            reply(k, ACK);
        } else {
            reply(k, RESEND);
        }
        break;
    default: /* FB..FD: every key of the list is acknowledged */
        k->param_cmd = cmd;
        reply(k, ACK);
        break;
    }
}

void ps2kbd_write(struct ps2kbd *k, uint8_t byte)
{
    uint8_t cmd = k->param_cmd;

    k->param_cmd = 0;
    /* No parameter has bit 7 set: such a byte is a new command instead. */
    if (cmd && !(byte & 0x80))
        parameter(k, cmd, byte);
    else
        command(k, byte);
    notify(k);
}

int ps2kbd_read(struct ps2kbd *k)
{
    uint8_t b;

    if (k->reply_count) {
        b = k->reply[k->reply_head];
        k->reply_head = (k->reply_head + 1) % REPLY_QUEUE;
        k->reply_count--;
    } else if (k->key_count) {
        b = k->keys[k->key_head];
        k->key_head = (k->key_head + 1) % KEY_QUEUE;
        if (--k->key_count == 0)
            k->overflowed = 0;
    } else {
        return -1;
    }
    if (b != RESEND) /* a Resend asks for the byte before it */
        k->last_sent = b;
    return b;
}

int ps2kbd_idle(const struct ps2kbd *k)
{
    return k->reply_count == 0 && k->key_count == 0;
}

uint8_t ps2kbd_leds(const struct ps2kbd *k)
{
    return k->leds;
}

void ps2kbd_reset(struct ps2kbd *k)
{
    k->reply_head = k->reply_count = 0;
    clear_keys(k);
    set_defaults(k);
    k->param_cmd = 0;
    k->set = 2;
    k->leds = 0;
    k->enabled = 1; /* as a BIOS leaves it */
    k->last_sent = 0;
}

struct ps2kbd *ps2kbd_create(void (*update)(void *opaque), void *opaque)
{
    struct ps2kbd *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    k->update = update;
    k->opaque = opaque;
    ps2kbd_reset(k);
    return k;
}

/* ------------------------------------------------------------------ save/load */

static const uint8_t save_magic[8] = { 'P', 'S', '2', 'K', 'B', 'D', 0, 1 };

enum {
    S_PARAM, S_SET, S_LEDS, S_TYPEMATIC, S_ENABLED, S_LAST, S_OVERFLOWED,
    S_REPLY_COUNT, S_REPLY, S_KEY_COUNT = S_REPLY + REPLY_QUEUE, S_KEYS,
    S_SIZE = S_KEYS + KEY_QUEUE
};

int ps2kbd_save(struct ps2kbd *k, FILE *f)
{
    uint8_t s[S_SIZE] = { 0 };

    s[S_PARAM] = k->param_cmd;
    s[S_SET] = k->set;
    s[S_LEDS] = k->leds;
    s[S_TYPEMATIC] = k->typematic;
    s[S_ENABLED] = k->enabled;
    s[S_LAST] = k->last_sent;
    s[S_OVERFLOWED] = (uint8_t)k->overflowed;
    s[S_REPLY_COUNT] = (uint8_t)k->reply_count;
    for (int i = 0; i < k->reply_count; i++) /* oldest byte first */
        s[S_REPLY + i] = k->reply[(k->reply_head + i) % REPLY_QUEUE];
    s[S_KEY_COUNT] = (uint8_t)k->key_count;
    for (int i = 0; i < k->key_count; i++)
        s[S_KEYS + i] = k->keys[(k->key_head + i) % KEY_QUEUE];
    if (fwrite(save_magic, sizeof(save_magic), 1, f) != 1 || fwrite(s, sizeof(s), 1, f) != 1)
        return -1;
    return 0;
}

int ps2kbd_load(struct ps2kbd *k, FILE *f)
{
    uint8_t magic[sizeof(save_magic)], s[S_SIZE];

    if (fread(magic, sizeof(magic), 1, f) != 1 || memcmp(magic, save_magic, sizeof(magic)) ||
        fread(s, sizeof(s), 1, f) != 1 || s[S_REPLY_COUNT] > REPLY_QUEUE ||
        s[S_KEY_COUNT] > KEY_QUEUE || s[S_SET] < 1 || s[S_SET] > 3)
        return -1;
    k->param_cmd = s[S_PARAM];
    k->set = s[S_SET];
    k->leds = s[S_LEDS] & 7;
    k->typematic = s[S_TYPEMATIC] & 0x7f;
    k->enabled = s[S_ENABLED] != 0;
    k->last_sent = s[S_LAST];
    k->overflowed = s[S_OVERFLOWED] != 0;
    k->reply_head = 0;
    k->reply_count = s[S_REPLY_COUNT];
    memcpy(k->reply, s + S_REPLY, REPLY_QUEUE);
    k->key_head = 0;
    k->key_count = s[S_KEY_COUNT];
    memcpy(k->keys, s + S_KEYS, KEY_QUEUE);
    return 0;
}
