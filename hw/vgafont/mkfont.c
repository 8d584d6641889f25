/*
 * mkfont.c - build-time tool: turns a PSF1 console font with a Unicode
 * table into the VGA's 8x16 font in code page 437 order.
 *
 * PSF1 layout: magic 36 04, a mode byte (0x01: 512 glyphs, 0x02 or 0x04:
 * a Unicode table follows the glyphs), the glyph height, then the glyphs
 * (height bytes each, bit 7 leftmost).  The table has, per glyph, 16-bit
 * little-endian code points ending in 0xffff; 0xfffe starts the glyph's
 * combining sequences, which we skip.  Each CP437 code takes the glyph whose
 * list holds its Unicode character; a code with none stays blank, with a
 * warning.  The output is C initializers for hw/vgafont/vgafont.c.
 *
 *   gzip -dc Uni2-VGA16.psf.gz > font.psf
 *   mkfont font.psf [fallback.psf...] > hw/vgafont/vgafont_data.h
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FONTS 4

/* Code page 437: the character each code is drawn as. */
static const uint16_t cp437[256] = {
    /* 0x00 */ 0x0000, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
    /* 0x08 */ 0x25d8, 0x25cb, 0x25d9, 0x2642, 0x2640, 0x266a, 0x266b, 0x263c,
    /* 0x10 */ 0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7, 0x25ac, 0x21a8,
    /* 0x18 */ 0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc,
    /* 0x20-0x7e: ASCII, filled in by main() */
    [0x7f] = 0x2302,
    /* 0x80 */ 0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
    /* 0x88 */ 0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
    /* 0x90 */ 0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
    /* 0x98 */ 0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
    /* 0xa0 */ 0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
    /* 0xa8 */ 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
    /* 0xb0 */ 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    /* 0xb8 */ 0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
    /* 0xc0 */ 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    /* 0xc8 */ 0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
    /* 0xd0 */ 0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
    /* 0xd8 */ 0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
    /* 0xe0 */ 0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
    /* 0xe8 */ 0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
    /* 0xf0 */ 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
    /* 0xf8 */ 0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

static uint8_t *read_file(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "mkfont: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = (long)n;
    return buf;
}

struct font {
    const char *path;
    uint8_t *data;
    const uint8_t *glyphs;
    int height;
    int *glyph_of; /* [0x10000]: first glyph listing Unicode character u, or -1 */
};

static void load_font(struct font *f, const char *path)
{
    long len;
    uint8_t *p = read_file(path, &len);
    f->path = path;
    f->data = p;
    if (len < 4 || p[0] != 0x36 || p[1] != 0x04) {
        fprintf(stderr, "mkfont: %s: not a PSF1 font (no 36 04 magic)\n", path);
        exit(1);
    }
    int mode = p[2], height = p[3];
    int nglyphs = mode & 0x01 ? 512 : 256;
    if (height < 1 || height > 32 || 4 + (long)nglyphs * height > len) {
        fprintf(stderr, "mkfont: %s: bad glyph height %d or truncated\n", path, height);
        exit(1);
    }
    if (!(mode & 0x06)) {
        fprintf(stderr, "mkfont: %s: the font has no Unicode table\n", path);
        exit(1);
    }
    f->glyphs = p + 4;
    f->height = height;
    f->glyph_of = malloc(0x10000 * sizeof(int));
    memset(f->glyph_of, 0xff, 0x10000 * sizeof(int));
    long pos = 4 + (long)nglyphs * height;
    for (int g = 0; g < nglyphs && pos + 1 < len; g++) {
        int in_seq = 0;
        for (; pos + 1 < len; pos += 2) {
            unsigned u = p[pos] | p[pos + 1] << 8;
            if (u == 0xffff)
                break;
            if (u == 0xfffe)
                in_seq = 1;
            else if (!in_seq && f->glyph_of[u] < 0)
                f->glyph_of[u] = g;
        }
        pos += 2;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 1 + MAX_FONTS) {
        fprintf(stderr, "usage: mkfont FONT.psf [FALLBACK.psf...] > vgafont_data.h\n");
        return 2;
    }
    struct font fonts[MAX_FONTS];
    int nfonts = argc - 1;
    for (int i = 0; i < nfonts; i++)
        load_font(&fonts[i], argv[i + 1]);

    uint16_t uni[256];
    memcpy(uni, cp437, sizeof(uni));
    for (int c = 0x20; c < 0x7f; c++)
        uni[c] = c;

    printf("/* Generated by hw/vgafont/mkfont from");
    for (int i = 0; i < nfonts; i++)
        printf(" %s", argv[i + 1]);
    printf(": do not edit. */\n\n");
    printf("const uint8_t vga_font8x16[256][16] = {\n");
    for (int c = 0; c < 256; c++) {
        uint8_t rows[16] = { 0 };
        /* The first font that has the character draws it; the others only
         * fill the gaps (Uni2-VGA16 lacks the CP437 symbols and blocks). */
        const struct font *f = NULL;
        int g = -1;
        for (int i = 0; c != 0 && g < 0 && i < nfonts; i++) {
            f = &fonts[i];
            g = f->glyph_of[uni[c]];
        }
        if (c != 0 && g < 0)
            fprintf(stderr, "mkfont: warning: no glyph for CP437 0x%02x (U+%04X): blank\n", c,
                    uni[c]);
        /* Fonts other than 16 lines high are cut or padded at the bottom. */
        for (int r = 0; g >= 0 && r < 16 && r < f->height; r++)
            rows[r] = f->glyphs[g * f->height + r];
        printf("    [0x%02x] = {", c);
        for (int r = 0; r < 16; r++)
            printf("%s0x%02x", r ? ", " : " ", rows[r]);
        printf(" },\n");
    }
    printf("};\n\nconst uint16_t vga_cp437_unicode[256] = {\n");
    for (int c = 0; c < 256; c++)
        printf("%s0x%04x,%s", c % 8 ? " " : "    ", uni[c], c % 8 == 7 ? "\n" : "");
    printf("};\n");
    for (int i = 0; i < nfonts; i++) {
        free(fonts[i].data);
        free(fonts[i].glyph_of);
    }
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "mkfont: cannot write the output\n");
        return 1;
    }
    return 0;
}
