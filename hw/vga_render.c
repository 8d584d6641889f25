/*
 * vga_render.c - draw what the VGA shows into an XRGB8888 buffer, and save
 * it as a PPM.
 *
 * One picture per call, at the mode's own size with no border: text is
 * columns x (8 or 9) by rows x cell height; graphics modes are drawn once
 * per memory line, so the double-scanned 320x200 modes come out 320x200.
 * The kinds, by what the registers say:
 *   VBE enabled                 8 bpp through the DAC, 15/16/24/32 bpp direct
 *   GR6 bit 0 clear             text: plane 0 characters, plane 1 attributes,
 *                               plane 2 fonts (char map select A/B by attr bit 3)
 *   GR5 bit 6 (256-colour)      one byte per pixel, plane x & 3
 *   otherwise                   4 planes -> 4-bit colour -> attribute palette
 * Colours go attribute palette -> DAC; the DAC's 6-bit components are
 * widened as v << 2 | v >> 4.  Text blinks on host time: characters every
 * 16 frames (about 266 ms), the cursor every 8; a still picture shows
 * blinking characters and no cursor.
 */
#include "hw/vga_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DIM 4096

struct geometry {
    int width, height;
};

static uint32_t host_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static uint32_t dac_rgb(const struct vga *v, int i)
{
    const uint8_t *c = v->r.dac[i & v->r.dac_mask];
    if (v->r.vbe[VBE_ENABLE] & VBE_8BIT_DAC)
        return (uint32_t)c[0] << 16 | c[1] << 8 | c[2];
    uint32_t rgb = 0;
    for (int k = 0; k < 3; k++)
        rgb = rgb << 8 | (c[k] << 2 | c[k] >> 4);
    return rgb;
}

/* A 4-bit attribute colour through the palette registers to XRGB. */
static void attr_palette(const struct vga *v, uint32_t pal[16])
{
    const uint8_t *ar = v->r.ar;
    for (int i = 0; i < 16; i++) {
        uint8_t p = ar[i & ar[AR_PLANE_ENABLE]];
        int idx;
        if (ar[AR_MODE] & 0x80) /* P5/P4 from the colour select register */
            idx = (p & 0x0f) | (ar[AR_COLOR_SELECT] & 3) << 4;
        else
            idx = p & 0x3f;
        idx |= (ar[AR_COLOR_SELECT] & 0x0c) << 4;
        pal[i] = dac_rgb(v, idx);
    }
}

static int crtc_vde(const uint8_t *cr)
{
    return cr[0x12] | (cr[0x07] & 0x02) << 7 | (cr[0x07] & 0x40) << 3;
}

static int crtc_line_compare(const uint8_t *cr)
{
    return cr[0x18] | (cr[0x07] & 0x10) << 4 | (cr[0x09] & 0x40) << 3;
}

static int text_mode(const struct vga *v)
{
    return !(v->r.gr[GR_MISC] & 1);
}

static int char_width(const struct vga *v)
{
    return v->r.seq[SR_CLOCKING] & 1 ? 8 : 9;
}

static struct geometry geometry(const struct vga *v)
{
    const struct vga_regs *r = &v->r;
    const uint8_t *cr = r->crtc;
    struct geometry g = { 0, 0 };
    if (vga_vbe_enabled(v)) {
        g.width = r->vbe[VBE_XRES];
        g.height = r->vbe[VBE_YRES];
        return g;
    }
    int cols = cr[0x01] + 1, lines = crtc_vde(cr) + 1;
    int cell = (cr[0x09] & 0x1f) + 1;
    if (text_mode(v)) {
        g.width = cols * char_width(v);
        g.height = lines / cell * cell;
    } else {
        g.width = cols * (r->gr[GR_MODE] & 0x40 ? 4 : 8);
        g.height = lines / cell / (cr[0x09] & 0x80 ? 2 : 1);
    }
    return g;
}

static int fb_resize(struct vga *v, struct geometry g)
{
    if (g.width <= 0 || g.height <= 0 || g.width > MAX_DIM || g.height > MAX_DIM)
        return -1;
    size_t n = (size_t)g.width * g.height;
    if (n > v->fb_pixels) {
        uint32_t *fb = realloc(v->fb, n * sizeof(*fb));
        if (!fb)
            return -1;
        v->fb = fb;
        v->fb_pixels = n;
    }
    v->fb_width = g.width;
    v->fb_height = g.height;
    return 0;
}

static const uint8_t *plane(const struct vga *v, uint32_t addr)
{
    return v->vram + (addr & (VGA_PLANE_SIZE - 1)) * 4;
}

/* Plane 2 offset of character map m (0-7) of the char map select register. */
static uint32_t font_base(int m)
{
    return ((m & 3) * 2 + (m >> 2)) * 0x2000;
}

static void render_text(struct vga *v, unsigned flags)
{
    const struct vga_regs *r = &v->r;
    const uint8_t *cr = r->crtc;
    uint32_t pal[16];
    attr_palette(v, pal);
    int cw = char_width(v), cell = (cr[0x09] & 0x1f) + 1;
    int cols = v->fb_width / cw, rows = v->fb_height / cell;
    uint32_t start = cr[0x0c] << 8 | cr[0x0d], pitch = cr[0x13] * 2;
    uint32_t cursor = cr[0x0e] << 8 | cr[0x0f];
    int cur_start = cr[0x0a] & 0x1f, cur_end = cr[0x0b] & 0x1f, ul = cr[0x14] & 0x1f;
    int cursor_on = !(flags & VGA_RENDER_STILL) && !(cr[0x0a] & 0x20) && cur_start <= cur_end;
    uint32_t now = host_ms();
    int blink_on = (flags & VGA_RENDER_STILL) || !((now / 266) & 1);
    if ((now / 133) & 1)
        cursor_on = 0;
    int blink = r->ar[AR_MODE] & 0x08, line_gfx = r->ar[AR_MODE] & 0x04;
    uint8_t cmap = r->seq[SR_CHAR_MAP];
    uint32_t font_a = font_base((cmap >> 5 & 1) << 2 | (cmap >> 2 & 3));
    uint32_t font_b = font_base((cmap >> 4 & 1) << 2 | (cmap & 3));

    for (int row = 0; row < rows; row++) {
        for (int col = 0; col < cols; col++) {
            uint32_t addr = start + row * pitch + col;
            const uint8_t *p = plane(v, addr);
            uint8_t ch = p[0], attr = p[1];
            uint32_t fg = pal[attr & 0x0f], bg = pal[attr >> 4];
            int hide = 0;
            if (blink) {
                bg = pal[(attr >> 4) & 7];
                hide = (attr & 0x80) && !blink_on;
            }
            uint32_t font = (attr & 0x08 ? font_a : font_b) + ch * 32;
            int dup9 = line_gfx && ch >= 0xc0 && ch <= 0xdf;
            int is_cursor = cursor_on && addr == cursor;
            int underline = (attr & 0x77) == 0x01;
            for (int y = 0; y < cell; y++) {
                unsigned bits = hide ? 0 : plane(v, font + y)[2];
                bits = bits << 1 | (dup9 ? bits & 1 : 0); /* 9 bits, column 8 last */
                if ((underline && y == ul && !hide) ||
                    (is_cursor && y >= cur_start && y <= cur_end))
                    bits = 0x1ff;
                uint32_t *out = v->fb + (size_t)(row * cell + y) * v->fb_width + col * cw;
                for (int x = 0; x < cw; x++)
                    out[x] = bits & (0x100 >> x) ? fg : bg;
            }
        }
    }
}

/* Plane address of output line y, with the split screen of the line compare. */
static uint32_t line_addr(const struct vga *v, int y, int scans)
{
    const uint8_t *cr = v->r.crtc;
    uint32_t start = cr[0x0c] << 8 | cr[0x0d], pitch = cr[0x13] * 2;
    int lc = crtc_line_compare(cr) / scans;
    if (y > lc)
        return (y - lc - 1) * pitch;
    return start + y * pitch;
}

static void render_graphics(struct vga *v)
{
    const struct vga_regs *r = &v->r;
    const uint8_t *cr = r->crtc;
    int w = v->fb_width, scans = ((cr[0x09] & 0x1f) + 1) * (cr[0x09] & 0x80 ? 2 : 1);
    if (r->gr[GR_MODE] & 0x40) {
        uint32_t pal[256];
        for (int i = 0; i < 256; i++)
            pal[i] = dac_rgb(v, i);
        int pan = (r->ar[AR_PAN] >> 1) & 3;
        for (int y = 0; y < v->fb_height; y++) {
            uint32_t addr = line_addr(v, y, scans), *out = v->fb + (size_t)y * w;
            for (int x = 0; x < w; x++) {
                int px = x + pan;
                out[x] = pal[plane(v, addr + px / 4)[px & 3]];
            }
        }
        return;
    }
    uint32_t pal[16];
    attr_palette(v, pal);
    int pan = r->ar[AR_PAN] & 7;
    for (int y = 0; y < v->fb_height; y++) {
        uint32_t addr = line_addr(v, y, scans), *out = v->fb + (size_t)y * w;
        for (int x = 0; x < w; x++) {
            int px = x + pan;
            const uint8_t *p = plane(v, addr + px / 8);
            int bit = 7 - (px & 7);
            int c = (p[0] >> bit & 1) | (p[1] >> bit & 1) << 1 | (p[2] >> bit & 1) << 2 |
                    (p[3] >> bit & 1) << 3;
            out[x] = pal[c];
        }
    }
}

static void render_vbe(struct vga *v)
{
    const uint16_t *vbe = v->r.vbe;
    int bpp = vbe[VBE_BPP], bytes = (bpp + 7) / 8;
    size_t pitch = (size_t)vbe[VBE_VIRT_WIDTH] * bytes;
    size_t base = vbe[VBE_Y_OFFSET] * pitch + (size_t)vbe[VBE_X_OFFSET] * bytes;
    uint32_t pal[256];
    if (bpp == 8)
        for (int i = 0; i < 256; i++)
            pal[i] = dac_rgb(v, i);
    for (int y = 0; y < v->fb_height; y++) {
        uint32_t *out = v->fb + (size_t)y * v->fb_width;
        size_t line = base + y * pitch;
        for (int x = 0; x < v->fb_width; x++) {
            size_t a = line + (size_t)x * bytes;
            if (a + bytes > VGA_VRAM_SIZE) {
                out[x] = 0;
                continue;
            }
            const uint8_t *p = v->vram + a;
            uint32_t c = p[0] | p[1 % bytes] << 8, r8, g8, b8;
            switch (bpp) {
            case 8: out[x] = pal[p[0]]; continue;
            case 15:
                r8 = (c >> 10 & 0x1f) << 3, g8 = (c >> 5 & 0x1f) << 3, b8 = (c & 0x1f) << 3;
                out[x] = (r8 | r8 >> 5) << 16 | (g8 | g8 >> 5) << 8 | (b8 | b8 >> 5);
                continue;
            case 16:
                r8 = (c >> 11 & 0x1f) << 3, g8 = (c >> 5 & 0x3f) << 2, b8 = (c & 0x1f) << 3;
                out[x] = (r8 | r8 >> 5) << 16 | (g8 | g8 >> 6) << 8 | (b8 | b8 >> 5);
                continue;
            default: /* 24 and 32: B, G, R in memory order */
                out[x] = (uint32_t)p[2] << 16 | p[1] << 8 | p[0];
                continue;
            }
        }
    }
}

uint64_t vga_stamp(struct vga *v)
{
    /* The linear framebuffer is mapped as RAM: its writes are not seen. */
    if (vga_vbe_enabled(v))
        return ++v->writes << 24;
    /* Text blinks (266 ms) and the cursor flashes (133 ms) on host time; the
     * same tick also catches a rare write through the LFB in a VGA mode. */
    return v->writes << 24 | (host_ms() / 133 & 0xffffff);
}

int vga_render(struct vga *v, struct vga_surface *s, unsigned flags)
{
    const struct vga_regs *r = &v->r;
    int vbe = vga_vbe_enabled(v);
    int blank = !vbe && ((r->seq[SR_CLOCKING] & 0x20) || !(r->ar_index & AR_PAS));
    if (fb_resize(v, geometry(v)) < 0) {
        /* Registers half set up: keep showing the last picture's size, black. */
        if (!v->fb_width)
            return -1;
        blank = 1;
    }
    if (blank)
        memset(v->fb, 0, (size_t)v->fb_width * v->fb_height * sizeof(*v->fb));
    else if (vbe)
        render_vbe(v);
    else if (text_mode(v))
        render_text(v, flags);
    else
        render_graphics(v);
    s->pixels = v->fb;
    s->width = v->fb_width;
    s->height = v->fb_height;
    s->pitch = v->fb_width * 4;
    return 0;
}

int vga_screendump(struct vga *v, const char *path, char *err, size_t errlen)
{
    struct vga_surface s;
    if (vga_render(v, &s, VGA_RENDER_STILL) < 0) {
        snprintf(err, errlen, "the display is not set up (no valid mode)");
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    fprintf(f, "P6\n%d %d\n255\n", s.width, s.height);
    uint8_t *line = malloc((size_t)s.width * 3);
    for (int y = 0; line && y < s.height; y++) {
        const uint32_t *px = s.pixels + (size_t)y * (s.pitch / 4);
        for (int x = 0; x < s.width; x++) {
            line[x * 3 + 0] = px[x] >> 16;
            line[x * 3 + 1] = px[x] >> 8;
            line[x * 3 + 2] = px[x];
        }
        if (fwrite(line, 3, s.width, f) != (size_t)s.width)
            break;
    }
    int oom = !line, bad = oom || ferror(f);
    int e = errno;
    free(line);
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        snprintf(err, errlen, "%s", oom ? "out of memory" : strerror(e));
        return -1;
    }
    return 0;
}

int vga_text_contains(struct vga *v, const char *needle)
{
    if (vga_vbe_enabled(v) || !text_mode(v))
        return 0;
    const uint8_t *cr = v->r.crtc;
    struct geometry g = geometry(v);
    int cols = g.width / char_width(v), rows = g.height / ((cr[0x09] & 0x1f) + 1);
    uint32_t start = cr[0x0c] << 8 | cr[0x0d], pitch = cr[0x13] * 2;
    char line[MAX_DIM / 8 + 1];
    if (cols <= 0 || cols >= (int)sizeof(line))
        return 0;
    for (int row = 0; row < rows; row++) {
        for (int col = 0; col < cols; col++) {
            uint8_t ch = plane(v, start + row * pitch + col)[0];
            line[col] = ch ? (char)ch : ' ';
        }
        line[cols] = 0;
        if (strstr(line, needle))
            return 1;
    }
    return 0;
}
