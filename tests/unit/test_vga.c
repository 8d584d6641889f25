/*
 * test_vga.c - the VGA through its ports and memory, as a guest sees it,
 * and its rendered picture.  Expected values come from the IBM VGA
 * register tables and the Bochs VBE DISPI interface.
 */
#include "hw/vga.h"
#include "hw/vgafont/vgafont.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct ioports io; /* the devices' port space */
static struct mem_map mem;

/* memory.c links against the SMC map; this memory map has none (mem_init(&mem, NULL)). */
void smc_notify_write(struct smc *smc, uint32_t paddr, int size) {}
void smc_notify_write_range(struct smc *smc, uint32_t paddr, uint32_t len) {}

static const uint8_t mode13_seq[5] = { 0x03, 0x01, 0x0f, 0x00, 0x0e };
static const uint8_t mode13_crtc[25] = {
    0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode13_gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff };
static const uint8_t mode13_ar[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00,
};
static const uint8_t mode12_seq[5] = { 0x03, 0x01, 0x0f, 0x00, 0x06 };
static const uint8_t mode12_crtc[25] = {
    0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe3, 0x04, 0xe3, 0xff,
};
static const uint8_t mode12_gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff };
static const uint8_t mode12_ar[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
    0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00, 0x00,
};

static void wreg(uint16_t port, uint8_t index, uint8_t val)
{
    ioport_write(&io, port, index, 1);
    ioport_write(&io, port + 1, val, 1);
}

static uint8_t rreg(uint16_t port, uint8_t index)
{
    ioport_write(&io, port, index, 1);
    return ioport_read(&io, port + 1, 1);
}

/* A mode switch the way a BIOS does it, from a register table. */
static void set_mode(uint8_t misc, const uint8_t *seq, const uint8_t *crtc, const uint8_t *gr,
                     const uint8_t *ar)
{
    ioport_write(&io, 0x3c2, misc, 1);
    wreg(0x3c4, 0, 0x01); /* synchronous reset */
    for (int i = 1; i < 5; i++)
        wreg(0x3c4, i, seq[i]);
    wreg(0x3c4, 0, 0x03);
    wreg(0x3d4, 0x11, rreg(0x3d4, 0x11) & 0x7f); /* unprotect 0-7 */
    for (int i = 0; i < 25; i++)
        wreg(0x3d4, i, crtc[i]);
    for (int i = 0; i < 9; i++)
        wreg(0x3ce, i, gr[i]);
    ioport_read(&io, 0x3da, 1);
    for (int i = 0; i < 21; i++) {
        ioport_write(&io, 0x3c0, i, 1);
        ioport_write(&io, 0x3c0, ar[i], 1);
    }
    ioport_write(&io, 0x3c0, 0x20, 1); /* palette address source: display on */
    /* and clear the window, as the BIOS does (all planes, plain writes) */
    for (uint32_t a = 0; a < 0x10000; a += 4)
        phys_write(&mem, 0xa0000 + a, 0, 4);
}

static void vbe_write(uint16_t index, uint16_t val)
{
    ioport_write(&io, 0x1ce, index, 2);
    ioport_write(&io, 0x1cf, val, 2);
}

static uint16_t vbe_read(uint16_t index)
{
    ioport_write(&io, 0x1ce, index, 2);
    return ioport_read(&io, 0x1cf, 2);
}

static uint32_t px(const struct vga_surface *s, int x, int y)
{
    return s->pixels[(size_t)y * (s->pitch / 4) + x] & 0xffffff;
}

/* The 9x16 cell at (col,row) shows glyph c in fg on bg; column 8 as dup9 says. */
static int cell_ok(const struct vga_surface *s, int col, int row, const uint8_t *glyph, int cell_h,
                   uint32_t fg, uint32_t bg, int dup9)
{
    for (int y = 0; y < cell_h; y++) {
        for (int x = 0; x < 9; x++) {
            int on = x < 8 ? glyph[y] & (0x80 >> x) : dup9 && (glyph[y] & 1);
            if (px(s, col * 9 + x, row * cell_h + y) != (on ? fg : bg))
                return 0;
        }
    }
    return 1;
}

static void test_reset_state(void)
{
    CHECK_EQ(phys_read(&mem, 0xb8000, 2), 0x0720);
    CHECK_EQ(phys_read(&mem, 0xb8000 + 2 * (80 * 25 - 1), 2), 0x0720);
    CHECK_EQ(ioport_read(&io, 0x3cc, 1), 0x67);
    CHECK_EQ(rreg(0x3d4, 0x0a), 0x0d);
    CHECK_EQ(rreg(0x3d4, 0x0b), 0x0e);
    CHECK_EQ(rreg(0x3d4, 0x0e), 0x00);
    CHECK_EQ(rreg(0x3d4, 0x0f), 0x00);
    CHECK_EQ(rreg(0x3d4, 0x01), 0x4f);
    CHECK_EQ(rreg(0x3c4, 0x04), 0x02);
    CHECK_EQ(rreg(0x3ce, 0x06), 0x0e);
    CHECK_EQ(ioport_read(&io, 0x3b5, 1), 0xff); /* mono CRTC floats in colour mode */
    /* CRTC 0-7 are write-protected by 0x11 bit 7 (set in mode 3). */
    wreg(0x3d4, 0x01, 0x27);
    CHECK_EQ(rreg(0x3d4, 0x01), 0x4f);

    /* The font in plane 2, read the way a BIOS reaches it. */
    wreg(0x3c4, 0x02, 0x04);
    wreg(0x3c4, 0x04, 0x06);
    wreg(0x3ce, 0x04, 0x02);
    wreg(0x3ce, 0x05, 0x00);
    wreg(0x3ce, 0x06, 0x04);
    int font_ok = 1;
    for (int y = 0; y < 16; y++)
        font_ok &= phys_read(&mem, 0xa0000 + 'A' * 32 + y, 1) == vga_font8x16['A'][y];
    CHECK(font_ok);
    CHECK_EQ(phys_read(&mem, 0xa0000 + 'A' * 32 + 16, 1), 0); /* 32 bytes per character */
}

static void test_text_render(struct vga *v)
{
    struct vga_surface s;
    phys_write(&mem, 0xb8000 + (2 * 80 + 5) * 2, 0x1e41, 2);    /* 'A', yellow on blue */
    phys_write(&mem, 0xb8000 + (3 * 80 + 7) * 2, 0x07c4, 2);    /* line graphics: dup9 */
    phys_write(&mem, 0xb8000 + (4 * 80 + 9) * 2, 0x8f42, 2);    /* blinking 'B' */
    CHECK_EQ(vga_render(v, &s, VGA_RENDER_STILL), 0);
    CHECK_EQ(s.width, 720);
    CHECK_EQ(s.height, 400);
    CHECK_EQ(s.pitch, 720 * 4);
    /* Mode 3's palette: 0x3e (yellow) = 3f,3f,15; 0x01 (blue) = 0,0,2a. */
    CHECK(cell_ok(&s, 5, 2, vga_font8x16['A'], 16, 0xffff55, 0x0000aa, 0));
    CHECK(cell_ok(&s, 7, 3, vga_font8x16[0xc4], 16, 0xaaaaaa, 0x000000, 1));
    CHECK(cell_ok(&s, 0, 0, vga_font8x16[' '], 16, 0xaaaaaa, 0x000000, 0));
    /* Blink mode: bit 7 blinks, background is colour 0; a still shows the text. */
    CHECK(cell_ok(&s, 9, 4, vga_font8x16['B'], 16, 0xffffff, 0x000000, 0));
    /* With blinking off, bit 7 is a bright background: 0x38 -> 15,15,15. */
    ioport_read(&io, 0x3da, 1);
    ioport_write(&io, 0x3c0, 0x30, 1);
    ioport_write(&io, 0x3c0, 0x04, 1);
    CHECK_EQ(vga_render(v, &s, VGA_RENDER_STILL), 0);
    CHECK(cell_ok(&s, 9, 4, vga_font8x16['B'], 16, 0xffffff, 0x555555, 0));

    /* 80x50: 8-line cells, whatever is in plane 2 drawn 8 lines high. */
    wreg(0x3d4, 0x09, 0x47);
    phys_write(&mem, 0xb8000 + (30 * 80 + 1) * 2, 0x0741, 2);
    CHECK_EQ(vga_render(v, &s, VGA_RENDER_STILL), 0);
    CHECK_EQ(s.height, 400);
    CHECK(cell_ok(&s, 1, 30, vga_font8x16['A'], 8, 0xaaaaaa, 0x000000, 0));

    /* Screen off (sequencer clocking mode bit 5): black, same size. */
    wreg(0x3c4, 0x01, 0x20);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(s.width, 720);
    CHECK_EQ(px(&s, 5 * 9 + 2, 2 * 8 + 3), 0);
}

static void test_mode13(struct vga *v)
{
    struct vga_surface s;
    set_mode(0x63, mode13_seq, mode13_crtc, mode13_gr, mode13_ar);
    ioport_write(&io, 0x3c8, 0x28, 1);
    ioport_write(&io, 0x3c9, 0x3f, 1);
    ioport_write(&io, 0x3c9, 0x00, 1);
    ioport_write(&io, 0x3c9, 0x00, 1);
    phys_write(&mem, 0xa0000 + 50 * 320 + 100, 0x28, 1);
    phys_write(&mem, 0xa0000 + 199 * 320 + 319, 0x60, 1);
    CHECK_EQ(phys_read(&mem, 0xa0000 + 50 * 320 + 100, 1), 0x28);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(s.width, 320);
    CHECK_EQ(s.height, 200);
    CHECK_EQ(px(&s, 100, 50), 0xff0000);
    CHECK_EQ(px(&s, 99, 50), 0x000000);
    /* Default DAC entry 0x60: high intensity, low saturation green (2d,3f,2d). */
    CHECK_EQ(px(&s, 319, 199), 0xb6ffb6);
}

static void test_planar(struct vga *v)
{
    struct vga_surface s;
    set_mode(0xe3, mode12_seq, mode12_crtc, mode12_gr, mode12_ar);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(s.width, 640);
    CHECK_EQ(s.height, 480);

    /* Write mode 0, set/reset 0101 on all planes, bit mask 0xf0. */
    phys_read(&mem, 0xa0000, 1); /* latches: zero */
    wreg(0x3ce, 0x01, 0x0f);
    wreg(0x3ce, 0x00, 0x05);
    wreg(0x3ce, 0x08, 0xf0);
    phys_write(&mem, 0xa0000, 0x00, 1);
    wreg(0x3ce, 0x01, 0x00);
    wreg(0x3ce, 0x08, 0xff);
    uint8_t plane[4];
    for (int p = 0; p < 4; p++) {
        wreg(0x3ce, 0x04, p);
        plane[p] = phys_read(&mem, 0xa0000, 1);
    }
    CHECK_EQ(plane[0], 0xf0);
    CHECK_EQ(plane[1], 0x00);
    CHECK_EQ(plane[2], 0xf0);
    CHECK_EQ(plane[3], 0x00);

    /* Read mode 1: 1 where the pixel's colour is the compare colour. */
    wreg(0x3ce, 0x05, 0x08);
    wreg(0x3ce, 0x07, 0x0f);
    wreg(0x3ce, 0x02, 0x05);
    CHECK_EQ(phys_read(&mem, 0xa0000, 1), 0xf0);
    wreg(0x3ce, 0x02, 0x00);
    CHECK_EQ(phys_read(&mem, 0xa0000, 1), 0x0f);
    wreg(0x3ce, 0x07, 0x00); /* all don't care: all match */
    CHECK_EQ(phys_read(&mem, 0xa0000, 1), 0xff);

    /* Write mode 1 copies the latches (loaded by the read above) to row 1. */
    wreg(0x3ce, 0x05, 0x01);
    phys_write(&mem, 0xa0000 + 80, 0x00, 1);
    wreg(0x3ce, 0x05, 0x00);
    for (int p = 0; p < 4; p++) {
        wreg(0x3ce, 0x04, p);
        CHECK_EQ(phys_read(&mem, 0xa0000 + 80, 1), plane[p]);
    }

    /* Write mode 2: colour 0x0c into the pixels of the bit mask. */
    phys_read(&mem, 0xa0000 + 2, 1);
    wreg(0x3ce, 0x05, 0x02);
    wreg(0x3ce, 0x08, 0x81);
    phys_write(&mem, 0xa0000 + 2, 0x0c, 1);
    wreg(0x3ce, 0x05, 0x00);
    wreg(0x3ce, 0x08, 0xff);
    wreg(0x3ce, 0x04, 3);
    CHECK_EQ(phys_read(&mem, 0xa0000 + 2, 1), 0x81);
    wreg(0x3ce, 0x04, 0);
    CHECK_EQ(phys_read(&mem, 0xa0000 + 2, 1), 0x00);

    /* Logical op XOR with the latches (mode 0, rotate 0). */
    phys_read(&mem, 0xa0000, 1);
    wreg(0x3ce, 0x03, 0x18);
    wreg(0x3c4, 0x02, 0x01);
    phys_write(&mem, 0xa0000 + 3, 0xff, 1);
    wreg(0x3ce, 0x03, 0x00);
    wreg(0x3c4, 0x02, 0x0f);
    CHECK_EQ(phys_read(&mem, 0xa0000 + 3, 1), 0x0f);

    /* Rotate by 4, no set/reset: data 0x0f lands as 0xf0. */
    phys_read(&mem, 0xa0000 + 4, 1);
    wreg(0x3ce, 0x03, 0x04);
    phys_write(&mem, 0xa0000 + 4, 0x0f, 1);
    wreg(0x3ce, 0x03, 0x00);
    CHECK_EQ(phys_read(&mem, 0xa0000 + 4, 1), 0xf0);

    /* Colour 5 -> palette 0x05 (2a,00,2a); colour 0x0c -> 0x3c (3f,15,15). */
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(px(&s, 0, 0), 0xaa00aa);
    CHECK_EQ(px(&s, 4, 0), 0x000000);
    CHECK_EQ(px(&s, 0, 1), 0xaa00aa);
    CHECK_EQ(px(&s, 16, 0), 0xff5555);
    CHECK_EQ(px(&s, 17, 0), 0x000000);
    CHECK_EQ(px(&s, 23, 0), 0xff5555);
}

static void test_dac_and_ports(void)
{
    ioport_write(&io, 0x3c8, 0x10, 1);
    static const uint8_t rgb[6] = { 0x01, 0x02, 0x03, 0xff, 0x20, 0x3f };
    for (int i = 0; i < 6; i++)
        ioport_write(&io, 0x3c9, rgb[i], 1);
    CHECK_EQ(ioport_read(&io, 0x3c8, 1), 0x12);
    CHECK_EQ(ioport_read(&io, 0x3c7, 1) & 3, 0x00); /* write mode */
    ioport_write(&io, 0x3c7, 0x10, 1);
    CHECK_EQ(ioport_read(&io, 0x3c7, 1) & 3, 0x03); /* read mode */
    for (int i = 0; i < 6; i++)
        CHECK_EQ(ioport_read(&io, 0x3c9, 1), rgb[i] & 0x3f);
    ioport_write(&io, 0x3c6, 0x0f, 1);
    CHECK_EQ(ioport_read(&io, 0x3c6, 1), 0x0f);
    ioport_write(&io, 0x3c6, 0xff, 1);

    /* Attribute flip-flop: reading 0x3da makes the next 0x3c0 write an index. */
    ioport_read(&io, 0x3da, 1);
    ioport_write(&io, 0x3c0, 0x31, 1);
    ioport_write(&io, 0x3c0, 0x05, 1);
    CHECK_EQ(ioport_read(&io, 0x3c1, 1), 0x05);
    ioport_write(&io, 0x3c0, 0x31, 1); /* index */
    ioport_read(&io, 0x3da, 1);        /* back to index */
    ioport_write(&io, 0x3c0, 0x32, 1);
    CHECK_EQ(ioport_read(&io, 0x3c0, 1), 0x32);
    ioport_write(&io, 0x3c0, 0x0f, 1);
    ioport_write(&io, 0x3c0, 0x31, 1);
    CHECK_EQ(ioport_read(&io, 0x3c1, 1), 0x05);

    /* Retrace comes and goes while polled. */
    int on = 0, off = 0;
    for (int i = 0; i < 200; i++) {
        if (ioport_read(&io, 0x3da, 1) & 0x08)
            on++;
        else
            off++;
    }
    CHECK(on > 0 && off > 0);

    /* Word writes to index/data pairs. */
    ioport_write(&io, 0x3ce, 0x0f08 << 0, 2);
    CHECK_EQ(rreg(0x3ce, 0x08), 0x0f);
    wreg(0x3ce, 0x08, 0xff);
}

static void test_vbe(struct vga *v)
{
    struct vga_surface s;
    CHECK_EQ(vbe_read(0), 0xb0c5);
    vbe_write(0, 0xb0c0);
    CHECK_EQ(vbe_read(0), 0xb0c0);
    vbe_write(0, 0xb0c5);
    CHECK_EQ(vbe_read(0x0a), VGA_VRAM_SIZE / 0x10000);

    vbe_write(4, 0x02); /* GETCAPS */
    CHECK_EQ(vbe_read(1), 2560);
    CHECK_EQ(vbe_read(2), 1600);
    CHECK_EQ(vbe_read(3), 32);
    vbe_write(4, 0x00);

    vbe_write(1, 640);
    vbe_write(2, 480);
    vbe_write(3, 32);
    vbe_write(4, 0x41); /* enabled, LFB */
    CHECK_EQ(vbe_read(1), 640);
    CHECK_EQ(vbe_read(4), 0x41);
    CHECK_EQ(vbe_read(6), 640);
    CHECK_EQ(vbe_read(7), VGA_VRAM_SIZE / (640 * 4));
    CHECK(mem_host_ptr(&mem, VGA_LFB_BASE) != NULL);
    phys_write(&mem, VGA_LFB_BASE + (10 * 640 + 20) * 4, 0x00123456, 4);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(s.width, 640);
    CHECK_EQ(s.height, 480);
    CHECK_EQ(px(&s, 20, 10), 0x123456);
    CHECK_EQ(px(&s, 21, 10), 0);
    /* Bank 1 of the A0000 window is LFB offset 64K. */
    vbe_write(5, 1);
    phys_write(&mem, 0xa0000 + 4, 0x00abcdef, 4);
    CHECK_EQ(phys_read(&mem, VGA_LFB_BASE + 0x10004, 4), 0x00abcdef);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(px(&s, 0x10004 / 4 % 640, 0x10004 / 4 / 640), 0xabcdef);
    /* Y offset scrolls: line 10 becomes line 0. */
    vbe_write(9, 10);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(px(&s, 20, 0), 0x123456);
    /* XRES cannot change while enabled. */
    vbe_write(1, 800);
    CHECK_EQ(vbe_read(1), 640);

    /* 16 bpp 5:6:5, enabling clears memory. */
    vbe_write(4, 0);
    vbe_write(3, 16);
    vbe_write(4, 0x41);
    CHECK_EQ(phys_read(&mem, VGA_LFB_BASE + (10 * 640 + 20) * 4, 4), 0);
    phys_write(&mem, VGA_LFB_BASE + (1 * 640 + 2) * 2, 0xf800, 2);
    phys_write(&mem, VGA_LFB_BASE + (1 * 640 + 3) * 2, 0x07e0, 2);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK_EQ(px(&s, 2, 1), 0xff0000);
    CHECK_EQ(px(&s, 3, 1), 0x00ff00);

    /* Disabled again: the VGA's own mode. */
    vbe_write(4, 0);
    CHECK_EQ(vga_render(v, &s, 0), 0);
    CHECK(s.width != 640 || s.height != 480);
}

static void test_screendump(struct vga *v)
{
    char path[] = "/tmp/test_vga_XXXXXX", err[256];
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    vga_reset(v);
    CHECK_EQ(vga_screendump(v, path, err, sizeof(err)), 0);
    FILE *f = fopen(path, "rb");
    char head[16] = { 0 };
    CHECK(f && fread(head, 1, 15, f) == 15);
    CHECK(!memcmp(head, "P6\n720 400\n255\n", 15));
    if (f) {
        fseek(f, 0, SEEK_END);
        CHECK_EQ(ftell(f), 15 + 720 * 400 * 3);
        fclose(f);
    }
    unlink(path);
    CHECK_EQ(vga_screendump(v, "/nonexistent-dir/x.ppm", err, sizeof(err)), -1);
    CHECK(strstr(err, "No such file") != NULL);
}

static void test_save_load(struct vga *v)
{
    vga_reset(v);
    phys_write(&mem, 0xb8000, 0x4e58, 2);
    wreg(0x3d4, 0x0f, 0x42);
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_EQ(vga_save(v, f), 0);
    vga_reset(v);
    CHECK_EQ(phys_read(&mem, 0xb8000, 2), 0x0720);
    rewind(f);
    CHECK_EQ(vga_load(v, f), 0);
    CHECK_EQ(phys_read(&mem, 0xb8000, 2), 0x4e58);
    CHECK_EQ(rreg(0x3d4, 0x0f), 0x42);
    rewind(f);
    fputc(99, f); /* unknown version */
    rewind(f);
    CHECK_EQ(vga_load(v, f), -1);
    fclose(f);
}

int main(void)
{
    ioport_init(&io);
    mem_init(&mem, NULL);
    struct vga *v = vga_create(&io, &mem);
    test_reset_state();
    vga_reset(v);
    test_text_render(v);
    vga_reset(v);
    test_mode13(v);
    vga_reset(v);
    test_planar(v);
    vga_reset(v);
    test_dac_and_ports();
    vga_reset(v);
    test_vbe(v);
    test_screendump(v);
    test_save_load(v);
    return check_done("test_vga");
}
