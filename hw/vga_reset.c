/*
 * vga_reset.c - the VGA as the BIOS leaves it after setting mode 03h: the
 * IBM register values of 80x25 colour text (720x400, 9-dot characters,
 * 16-line cells), the EGA-compatible palette (attribute controller values
 * 00-05 14 07 38-3F pointing into a 64-colour rgbRGB DAC table), the 8x16
 * font in plane 2 (font 0: 32 bytes per character at plane address 0),
 * every text cell a light grey space, the cursor on lines 13-14 at 0,0.
 *
 * DAC entries 64-255 hold the rest of the VGA's default 256-colour table,
 * which is what mode 13h shows before a program sets its own colours.
 */
#include "hw/vga_internal.h"
#include "hw/vgafont/vgafont.h"

#include <string.h>

static const uint8_t mode3_seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_crtc[0x19] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
    0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
static const uint8_t mode3_ar[0x15] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
    0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00,
};

/* Entry i of the EGA palette: bits 0-2 blue, green, red at 2/3, bits 3-5 at 1/3. */
static void ega_color(int i, uint8_t rgb[3])
{
    rgb[0] = (i & 4 ? 0x2a : 0) + (i & 0x20 ? 0x15 : 0);
    rgb[1] = (i & 2 ? 0x2a : 0) + (i & 0x10 ? 0x15 : 0);
    rgb[2] = (i & 1 ? 0x2a : 0) + (i & 0x08 ? 0x15 : 0);
}

/*
 * The default 256-colour table: 16 CGA colours, 16 greys, then 9 rings of
 * 24 hues (blue, magenta, red, yellow, green, cyan, back to blue in 4 steps
 * each) at 3 intensities x 3 saturations, then 8 blacks.
 */
static void vga256_color(int i, uint8_t rgb[3])
{
    static const uint8_t grey[16] = { 0x00, 0x05, 0x08, 0x0b, 0x0e, 0x11, 0x14, 0x18,
                                      0x1c, 0x20, 0x24, 0x28, 0x2d, 0x32, 0x38, 0x3f };
    /* Per ring: the 5 component levels from "off" to "full". */
    static const uint8_t level[9][5] = {
        { 0x00, 0x10, 0x1f, 0x2f, 0x3f }, { 0x1f, 0x27, 0x2f, 0x37, 0x3f },
        { 0x2d, 0x31, 0x36, 0x3a, 0x3f }, { 0x00, 0x07, 0x0e, 0x15, 0x1c },
        { 0x0e, 0x11, 0x15, 0x18, 0x1c }, { 0x14, 0x16, 0x18, 0x1a, 0x1c },
        { 0x00, 0x04, 0x08, 0x0c, 0x10 }, { 0x08, 0x0a, 0x0c, 0x0e, 0x10 },
        { 0x0b, 0x0c, 0x0d, 0x0f, 0x10 },
    };
    if (i < 16) {
        rgb[0] = (i & 4 ? 0x2a : 0) + (i & 8 ? 0x15 : 0);
        rgb[1] = (i == 6 ? 0x15 : i & 2 ? 0x2a : 0) + (i & 8 ? 0x15 : 0);
        rgb[2] = (i & 1 ? 0x2a : 0) + (i & 8 ? 0x15 : 0);
    } else if (i < 32) {
        rgb[0] = rgb[1] = rgb[2] = grey[i - 16];
    } else if (i < 248) {
        const uint8_t *l = level[(i - 32) / 24];
        int h = (i - 32) % 24, seg = h / 4, k = h % 4;
        /* Each sixth of the ring moves one component up or down. */
        int up = l[k], down = l[4 - k];
        static const char *const ring[6] = { "u0f", "f0d", "fu0", "df0", "0fu", "0df" };
        for (int c = 0; c < 3; c++) {
            char s = ring[seg][c];
            rgb[c] = s == 'f' ? l[4] : s == 'u' ? up : s == 'd' ? down : l[0];
        }
    } else {
        rgb[0] = rgb[1] = rgb[2] = 0;
    }
}

void vga_default_dac(uint8_t dac[256][3])
{
    for (int i = 0; i < 256; i++) {
        if (i < 64)
            ega_color(i, dac[i]);
        else
            vga256_color(i, dac[i]);
    }
}

void vga_reset(struct vga *v)
{
    struct vga_regs *r = &v->r;
    memset(r, 0, sizeof(*r));
    r->misc = 0x67; /* colour, RAM on, 28 MHz dot clock, 400-line sync polarity */
    r->video_enable = 1;
    memcpy(r->seq, mode3_seq, sizeof(mode3_seq));
    memcpy(r->crtc, mode3_crtc, sizeof(mode3_crtc));
    memcpy(r->gr, mode3_gr, sizeof(mode3_gr));
    memcpy(r->ar, mode3_ar, sizeof(mode3_ar));
    r->ar_index = AR_PAS;
    r->dac_mask = 0xff;
    vga_default_dac(r->dac);
    vga_vbe_reset(v);

    memset(v->vram, 0, VGA_VRAM_SIZE);
    for (int a = 0; a < 0x4000; a++) { /* the 32K at B8000 */
        v->vram[a * 4 + 0] = ' ';
        v->vram[a * 4 + 1] = 0x07;
    }
    for (int c = 0; c < 256; c++)
        for (int l = 0; l < 16; l++)
            v->vram[(c * 32 + l) * 4 + 2] = vga_font8x16[c][l];
}
