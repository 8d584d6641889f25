/*
 * vgafont.h - the VGA's built-in 8x16 text font, in code page 437 order.
 *
 * The tables are generated at build time by hw/vgafont/mkfont from the
 * console font that configure names (--vga-font, a PSF1 file): each CP437
 * code gets the glyph the PSF's Unicode table gives for its character.
 * Row 0 is the top of the glyph; bit 7 of a row is its leftmost pixel.
 *
 *   const uint8_t *g = vga_font8x16['A'];   // 16 rows
 */
#ifndef BT86_HW_VGAFONT_VGAFONT_H
#define BT86_HW_VGAFONT_VGAFONT_H

#include <stdint.h>

extern const uint8_t vga_font8x16[256][16];
/* The Unicode character each CP437 code stands for (0 for code 0). */
extern const uint16_t vga_cp437_unicode[256];

#endif
