/*
 * vga.h - a VGA with the Bochs VBE extensions ("std" VGA in QEMU's terms).
 *
 * Registers at 0x3b4-0x3df (sequencer, CRTC, graphics controller,
 * attribute controller, DAC), 256 KiB of planar memory behind the legacy
 * window 0xa0000-0xbffff, and the Bochs VBE DISPI interface (0x1ce/0x1cf)
 * with a linear framebuffer of VGA_VRAM_SIZE at VGA_LFB_BASE.
 *
 *   struct vga *v = vga_create(&m->io, &m->mem);
 *   struct vga_surface s;
 *   if (vga_render(v, &s, 0) == 0) show(s.pixels, s.width, s.height, s.pitch);
 */
#ifndef BT86_HW_VGA_H
#define BT86_HW_VGA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VGA_LFB_BASE 0xe0000000u
#define VGA_VRAM_SIZE (16u << 20)

struct vga;
struct ioports;
struct mem_map;

struct vga_surface {
    const uint32_t *pixels; /* XRGB8888, owned by the VGA, valid until the next render */
    int width, height;
    int pitch; /* bytes */
};

/* vga_render flags */
#define VGA_RENDER_STILL 1 /* for a still image: no cursor, blinking text shown */

struct vga *vga_create(struct ioports *io, struct mem_map *mem);
/* Power-on state: mode 03h (80x25 text) with the font loaded, as after the BIOS. */
void vga_reset(struct vga *v);
/* Draw the screen as the guest has set it up (a black frame of the last size
 * while the guest has the display turned off); -1 only before any mode. */
int vga_render(struct vga *v, struct vga_surface *s, unsigned flags);
/* Changes whenever the next render may differ from the last (guest writes,
 * blinking); a display skips the render while it stays the same. */
uint64_t vga_stamp(struct vga *v);
/* Non-zero when the text-mode screen shows needle within one row (0 in
 * graphics modes): what a person reading the screen would see. */
int vga_text_contains(struct vga *v, const char *needle);
/* Write the screen (a still render) as a binary PPM; -1 and the reason in err. */
int vga_screendump(struct vga *v, const char *path, char *err, size_t errlen);
int vga_save(struct vga *v, FILE *f);
int vga_load(struct vga *v, FILE *f);

#endif
