/*
 * vga_internal.h - the VGA's state, shared by its files and no one else:
 *   vga.c         create, register ports, save/load
 *   vga_mem.c     the 0xa0000-0xbffff window: planes, latches, write modes
 *   vga_vbe.c     the Bochs VBE DISPI registers
 *   vga_reset.c   mode 03h as the BIOS leaves it, the default palettes
 *   vga_render.c  registers + memory -> XRGB8888 picture, screendump
 *
 * Memory layout.  vram is one buffer of VGA_VRAM_SIZE bytes, which is also
 * the linear framebuffer guest RAM at VGA_LFB_BASE.  Its first 256 KiB are
 * the four planes, interleaved: byte p of plane address a is
 * vram[a * 4 + p].  The CRTC's memory address counter is a plane address,
 * and the CPU's byte addresses are packed down to plane addresses the way
 * most emulators do rather than the way the wires go:
 *   planar       CPU a -> plane address a, planes from the map mask
 *   odd/even     CPU a -> plane address a >> 1, plane a & 1 (text: chars
 *                in plane 0, attributes in plane 1, the font in plane 2)
 *   chain-4      CPU a -> vram[a] (plane a & 3, address a >> 2)
 * so that text, mode 13h and mode X all read back linearly, with a line
 * pitch of CRTC offset * 2 plane addresses.  VBE modes use vram linearly
 * from 0, with the banked window at 0xa0000.
 */
#ifndef BT86_HW_VGA_INTERNAL_H
#define BT86_HW_VGA_INTERNAL_H

#include "hw/vga.h"

#define VGA_PLANE_SIZE 0x10000 /* plane addresses */

/* Bochs VBE DISPI register indexes and ENABLE bits */
#define VBE_ID 0x0
#define VBE_XRES 0x1
#define VBE_YRES 0x2
#define VBE_BPP 0x3
#define VBE_ENABLE 0x4
#define VBE_BANK 0x5
#define VBE_VIRT_WIDTH 0x6
#define VBE_VIRT_HEIGHT 0x7
#define VBE_X_OFFSET 0x8
#define VBE_Y_OFFSET 0x9
#define VBE_VIDEO_MEMORY_64K 0xa
#define VBE_NREGS 0x10

#define VBE_ENABLED 0x01
#define VBE_GETCAPS 0x02
#define VBE_8BIT_DAC 0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM 0x80

#define VBE_ID5 0xb0c5
#define VBE_MAX_XRES 2560
#define VBE_MAX_YRES 1600
#define VBE_MAX_BPP 32

/* Everything here is guest-visible state and goes into save files as is. */
struct vga_regs {
    uint8_t misc;         /* 0x3c2 write, 0x3cc read */
    uint8_t feature;      /* 0x3da/0x3ba write, 0x3ca read */
    uint8_t video_enable; /* 0x3c3 */
    uint8_t seq_index, seq[8];
    uint8_t gr_index, gr[16];
    uint8_t ar_index; /* with the palette address source bit, 0x20 */
    uint8_t ar_flipflop; /* 0: next 0x3c0 write is an index */
    uint8_t ar[32];
    uint8_t crtc_index, crtc[64];
    uint8_t dac_mask, dac_read_index, dac_write_index;
    uint8_t dac_step;     /* 0..2: red, green, blue */
    uint8_t dac_reading;  /* DAC state: last index written was 0x3c7 */
    uint8_t dac_rgb[3];   /* the colour being written */
    uint8_t dac[256][3];  /* 6 bits, or 8 with VBE_8BIT_DAC */
    uint8_t latch[4];
    uint32_t status_reads; /* drives the retrace bits of input status 1 */
    uint16_t vbe_index;
    uint16_t vbe[VBE_NREGS];
};

struct vga {
    struct vga_regs r;
    uint8_t *vram;
    uint32_t *fb; /* the last render */
    uint64_t writes; /* guest writes to ports and the legacy window: vga_stamp */
    size_t fb_pixels;
    int fb_width, fb_height;
};

/* Register numbers used across files */
#define SR_CLOCKING 1
#define SR_MAP_MASK 2
#define SR_CHAR_MAP 3
#define SR_MEM_MODE 4
#define GR_SET_RESET 0
#define GR_ENABLE_SR 1
#define GR_COLOR_COMPARE 2
#define GR_ROTATE 3
#define GR_READ_MAP 4
#define GR_MODE 5
#define GR_MISC 6
#define GR_DONT_CARE 7
#define GR_BIT_MASK 8
#define AR_MODE 0x10
#define AR_OVERSCAN 0x11
#define AR_PLANE_ENABLE 0x12
#define AR_PAN 0x13
#define AR_COLOR_SELECT 0x14
#define AR_PAS 0x20

/* vga_mem.c */
void vga_mem_init(struct vga *v, struct mem_map *mem);
/* vga_vbe.c */
void vga_vbe_init(struct vga *v, struct ioports *io);
void vga_vbe_reset(struct vga *v);
int vga_vbe_enabled(const struct vga *v);
/* vga_reset.c */
void vga_default_dac(uint8_t dac[256][3]);

#endif
