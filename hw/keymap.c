/*
 * keymap.c - host keys to PS/2 scan code set 2 key codes.
 *
 * The host side speaks USB HID usages (SDL_Scancode uses the same numbers:
 * HID Usage Tables, page 0x07 "Keyboard/Keypad").  Each usage maps to the
 * set 2 make code of the key in the same position, from the IBM PS/2
 * keyboard technical reference and Microsoft's "Keyboard Scan Code
 * Specification" (rev 1.3a), which also gives F13-F24, the international
 * keys and the multimedia keys.  Extended keys are 0xE0xx.
 *
 *   uint16_t code = keymap_from_usb(SDL_SCANCODE_UP);   // 0xE075
 */
#include "hw/keymap.h"

#include <stddef.h>

/* Indexed by HID usage; 0 = no key. */
static const uint16_t usb_to_set2[] = {
    [0x04] = 0x1c, /* A */
    [0x05] = 0x32, /* B */
    [0x06] = 0x21, /* C */
    [0x07] = 0x23, /* D */
    [0x08] = 0x24, /* E */
    [0x09] = 0x2b, /* F */
    [0x0a] = 0x34, /* G */
    [0x0b] = 0x33, /* H */
    [0x0c] = 0x43, /* I */
    [0x0d] = 0x3b, /* J */
    [0x0e] = 0x42, /* K */
    [0x0f] = 0x4b, /* L */
    [0x10] = 0x3a, /* M */
    [0x11] = 0x31, /* N */
    [0x12] = 0x44, /* O */
    [0x13] = 0x4d, /* P */
    [0x14] = 0x15, /* Q */
    [0x15] = 0x2d, /* R */
    [0x16] = 0x1b, /* S */
    [0x17] = 0x2c, /* T */
    [0x18] = 0x3c, /* U */
    [0x19] = 0x2a, /* V */
    [0x1a] = 0x1d, /* W */
    [0x1b] = 0x22, /* X */
    [0x1c] = 0x35, /* Y */
    [0x1d] = 0x1a, /* Z */
    [0x1e] = 0x16, /* 1 */
    [0x1f] = 0x1e, /* 2 */
    [0x20] = 0x26, /* 3 */
    [0x21] = 0x25, /* 4 */
    [0x22] = 0x2e, /* 5 */
    [0x23] = 0x36, /* 6 */
    [0x24] = 0x3d, /* 7 */
    [0x25] = 0x3e, /* 8 */
    [0x26] = 0x46, /* 9 */
    [0x27] = 0x45, /* 0 */
    [0x28] = 0x5a, /* Enter */
    [0x29] = 0x76, /* Escape */
    [0x2a] = 0x66, /* Backspace */
    [0x2b] = 0x0d, /* Tab */
    [0x2c] = 0x29, /* Space */
    [0x2d] = 0x4e, /* - */
    [0x2e] = 0x55, /* = */
    [0x2f] = 0x54, /* [ */
    [0x30] = 0x5b, /* ] */
    [0x31] = 0x5d, /* \ */
    [0x32] = 0x5d, /* non-US # (the same key position on ISO boards) */
    [0x33] = 0x4c, /* ; */
    [0x34] = 0x52, /* ' */
    [0x35] = 0x0e, /* ` */
    [0x36] = 0x41, /* , */
    [0x37] = 0x49, /* . */
    [0x38] = 0x4a, /* / */
    [0x39] = 0x58, /* Caps Lock */
    [0x3a] = 0x05, /* F1 */
    [0x3b] = 0x06, /* F2 */
    [0x3c] = 0x04, /* F3 */
    [0x3d] = 0x0c, /* F4 */
    [0x3e] = 0x03, /* F5 */
    [0x3f] = 0x0b, /* F6 */
    [0x40] = 0x83, /* F7 */
    [0x41] = 0x0a, /* F8 */
    [0x42] = 0x01, /* F9 */
    [0x43] = 0x09, /* F10 */
    [0x44] = 0x78, /* F11 */
    [0x45] = 0x07, /* F12 */
    [0x46] = KEYCODE_PRINT,
    [0x47] = 0x7e, /* Scroll Lock */
    [0x48] = KEYCODE_PAUSE,
    [0x49] = 0xe070, /* Insert */
    [0x4a] = 0xe06c, /* Home */
    [0x4b] = 0xe07d, /* Page Up */
    [0x4c] = 0xe071, /* Delete */
    [0x4d] = 0xe069, /* End */
    [0x4e] = 0xe07a, /* Page Down */
    [0x4f] = 0xe074, /* Right */
    [0x50] = 0xe06b, /* Left */
    [0x51] = 0xe072, /* Down */
    [0x52] = 0xe075, /* Up */
    [0x53] = 0x77,   /* Num Lock */
    [0x54] = 0xe04a, /* keypad / */
    [0x55] = 0x7c,   /* keypad * */
    [0x56] = 0x7b,   /* keypad - */
    [0x57] = 0x79,   /* keypad + */
    [0x58] = 0xe05a, /* keypad Enter */
    [0x59] = 0x69,   /* keypad 1 */
    [0x5a] = 0x72,   /* keypad 2 */
    [0x5b] = 0x7a,   /* keypad 3 */
    [0x5c] = 0x6b,   /* keypad 4 */
    [0x5d] = 0x73,   /* keypad 5 */
    [0x5e] = 0x74,   /* keypad 6 */
    [0x5f] = 0x6c,   /* keypad 7 */
    [0x60] = 0x75,   /* keypad 8 */
    [0x61] = 0x7d,   /* keypad 9 */
    [0x62] = 0x70,   /* keypad 0 */
    [0x63] = 0x71,   /* keypad . */
    [0x64] = 0x61,   /* non-US \ (the 102nd key) */
    [0x65] = 0xe02f, /* Application (menu) */
    [0x66] = 0xe037, /* Power */
    [0x67] = 0x0f,   /* keypad = */
    [0x68] = 0x08,   /* F13 */
    [0x69] = 0x10,   /* F14 */
    [0x6a] = 0x18,   /* F15 */
    [0x6b] = 0x20,   /* F16 */
    [0x6c] = 0x28,   /* F17 */
    [0x6d] = 0x30,   /* F18 */
    [0x6e] = 0x38,   /* F19 */
    [0x6f] = 0x40,   /* F20 */
    [0x70] = 0x48,   /* F21 */
    [0x71] = 0x50,   /* F22 */
    [0x72] = 0x57,   /* F23 */
    [0x73] = 0x5f,   /* F24 */
    [0x7f] = 0xe023, /* Mute */
    [0x80] = 0xe032, /* Volume Up */
    [0x81] = 0xe021, /* Volume Down */
    [0x85] = 0x6d,   /* keypad , (Brazilian) */
    [0x87] = 0x51,   /* International1: Ro */
    [0x88] = 0x13,   /* International2: Katakana/Hiragana */
    [0x89] = 0x6a,   /* International3: Yen */
    [0x8a] = 0x64,   /* International4: Henkan */
    [0x8b] = 0x67,   /* International5: Muhenkan */
    [0xe0] = 0x14,   /* Left Ctrl */
    [0xe1] = 0x12,   /* Left Shift */
    [0xe2] = 0x11,   /* Left Alt */
    [0xe3] = 0xe01f, /* Left GUI */
    [0xe4] = 0xe014, /* Right Ctrl */
    [0xe5] = 0x59,   /* Right Shift */
    [0xe6] = 0xe011, /* Right Alt */
    [0xe7] = 0xe027, /* Right GUI */
};

uint16_t keymap_from_usb(int usage)
{
    if (usage < 0 || (size_t)usage >= sizeof(usb_to_set2) / sizeof(usb_to_set2[0]))
        return 0;
    return usb_to_set2[usage];
}

/* US layout: the unshifted and shifted character of each key, by set 2 code. */
static const struct {
    char plain, shifted;
    uint8_t code;
} us_keys[] = {
    { '1', '!', 0x16 }, { '2', '@', 0x1e }, { '3', '#', 0x26 }, { '4', '$', 0x25 },
    { '5', '%', 0x2e }, { '6', '^', 0x36 }, { '7', '&', 0x3d }, { '8', '*', 0x3e },
    { '9', '(', 0x46 }, { '0', ')', 0x45 }, { '-', '_', 0x4e }, { '=', '+', 0x55 },
    { '[', '{', 0x54 }, { ']', '}', 0x5b }, { '\\', '|', 0x5d }, { ';', ':', 0x4c },
    { '\'', '"', 0x52 }, { '`', '~', 0x0e }, { ',', '<', 0x41 }, { '.', '>', 0x49 },
    { '/', '?', 0x4a }, { ' ', 0, 0x29 }, { '\n', 0, 0x5a }, { '\t', 0, 0x0d },
    { '\b', 0, 0x66 }, { 27, 0, 0x76 },
};

/* Set 2 codes of A..Z. */
static const uint8_t letters[26] = {
    0x1c, 0x32, 0x21, 0x23, 0x24, 0x2b, 0x34, 0x33, 0x43, 0x3b, 0x42, 0x4b, 0x3a,
    0x31, 0x44, 0x4d, 0x15, 0x2d, 0x1b, 0x2c, 0x3c, 0x2a, 0x1d, 0x22, 0x35, 0x1a,
};

int keymap_ascii(char c, uint16_t *code, int *shift)
{
    if (c >= 'a' && c <= 'z') {
        *code = letters[c - 'a'];
        *shift = 0;
        return 0;
    }
    if (c >= 'A' && c <= 'Z') {
        *code = letters[c - 'A'];
        *shift = 1;
        return 0;
    }
    for (size_t i = 0; i < sizeof(us_keys) / sizeof(us_keys[0]); i++) {
        if (c == us_keys[i].plain || (us_keys[i].shifted && c == us_keys[i].shifted)) {
            *code = us_keys[i].code;
            *shift = c != us_keys[i].plain;
            return 0;
        }
    }
    return -1;
}
