/*
 * screentext.c - read the text back from a picture of an 80x25 VGA text
 * screen: tests/screentext FILE.ppm prints 25 lines of UTF-8, trailing
 * spaces trimmed.
 *
 * The picture is a binary PPM (P6) of 720x400 (9-dot cells) or 640x400
 * (8-dot), as bt86's -screendump and QEMU's screendump write.  In each
 * cell the commonest colour is the background and the commonest other
 * colour the foreground; the cell's foreground pattern (its first 8
 * columns) is matched to the nearest glyph of bt86's font, with a distance
 * that forgives one-column differences, so another VGA font (QEMU's BIOS
 * has its own, a pixel wider) reads the same.  When glyphs are identical
 * (the font draws two characters the same), ASCII wins, then single-line
 * box drawing.  A text cursor (full
 * rows across all 9 columns) is taken off a cell before matching.
 */
#include "hw/vgafont/vgafont.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLS 80
#define ROWS 25
#define CELL_H 16

static int ppm_int(FILE *f, int *out)
{
    int c;
    for (;;) {
        c = getc(f);
        if (c == '#')
            while (c != '\n' && c != EOF)
                c = getc(f);
        else if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
    }
    if (c < '0' || c > '9')
        return -1;
    int v = 0;
    for (; c >= '0' && c <= '9'; c = getc(f))
        v = v * 10 + (c - '0');
    *out = v; /* the single whitespace after the number is consumed here */
    return 0;
}

static uint8_t *read_ppm(const char *path, int *w, int *h)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "screentext: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    int maxval;
    uint8_t *px = NULL;
    if (getc(f) != 'P' || getc(f) != '6' || ppm_int(f, w) || ppm_int(f, h) ||
        ppm_int(f, &maxval) || maxval != 255 || *w <= 0 || *h <= 0 || *w > 8192 ||
        *h > 8192) {
        fprintf(stderr, "screentext: %s: not a binary PPM (P6) with 8-bit samples\n", path);
    } else {
        size_t n = (size_t)*w * *h * 3;
        px = malloc(n);
        if (px && fread(px, 1, n, f) != n) {
            fprintf(stderr, "screentext: %s: the picture is cut short\n", path);
            free(px);
            px = NULL;
        }
    }
    fclose(f);
    return px;
}

static int rank(int c)
{
    static const uint8_t box[] = { 0xb3, 0xb4, 0xbf, 0xc0, 0xc1, 0xc2,
                                   0xc3, 0xc4, 0xc5, 0xd9, 0xda };
    if (c >= 0x20 && c < 0x7f)
        return 0;
    if (memchr(box, c, sizeof(box)))
        return 1;
    return 2;
}

static int popcount8(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* Pixels of a not within one column of a pixel of b. */
static int uncovered(const uint8_t *a, const uint8_t *b)
{
    int n = 0;
    for (int y = 0; y < CELL_H; y++)
        n += popcount8(a[y] & ~(b[y] | b[y] << 1 | b[y] >> 1) & 0xff);
    return n;
}

/*
 * Fonts differ by a column here and there (IBM's glyphs are a pixel wider
 * than the Linux console's), so the distance counts the pixels of either
 * pattern that the other does not come within one column of; plain
 * differing pixels only break ties.
 */
static int nearest_glyph(const uint8_t rows[CELL_H])
{
    int best = ' ', best_d = 1 << 30;
    for (int c = 0; c < 256; c++) {
        const uint8_t *g = vga_font8x16[c];
        int d = 0;
        for (int y = 0; y < CELL_H; y++)
            d += popcount8(rows[y] ^ g[y]);
        d += 16 * (uncovered(rows, g) + uncovered(g, rows));
        if (d < best_d || (d == best_d && rank(c) < rank(best))) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

static uint32_t pixel(const uint8_t *px, int w, int x, int y)
{
    const uint8_t *p = px + ((size_t)y * w + x) * 3;
    return (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
}

/* The CP437 code in the cell at (col, row). */
static int read_cell(const uint8_t *px, int w, int cw, int col, int row)
{
    uint32_t colors[9 * CELL_H];
    int counts[9 * CELL_H], n = 0;
    for (int y = 0; y < CELL_H; y++) {
        for (int x = 0; x < cw; x++) {
            uint32_t c = pixel(px, w, col * cw + x, row * CELL_H + y);
            int i = 0;
            while (i < n && colors[i] != c)
                i++;
            if (i == n) {
                colors[n] = c;
                counts[n++] = 0;
            }
            counts[i]++;
        }
    }
    int bg = 0, fg = -1;
    for (int i = 1; i < n; i++)
        if (counts[i] > counts[bg])
            bg = i;
    for (int i = 0; i < n; i++)
        if (i != bg && (fg < 0 || counts[i] > counts[fg]))
            fg = i;
    if (fg < 0)
        return ' ';
    uint8_t rows[CELL_H];
    unsigned full = (1u << cw) - 1;
    int cursor = 0;
    for (int y = 0; y < CELL_H; y++) {
        unsigned bits = 0;
        for (int x = 0; x < cw; x++)
            if (pixel(px, w, col * cw + x, row * CELL_H + y) == colors[fg])
                bits |= 1u << (cw - 1 - x);
        rows[y] = bits >> (cw - 8);
        /* A full row through the 9th column on a character that does not
         * extend to it is the cursor. */
        if (cw == 9 && bits == full)
            cursor = 1;
    }
    int c = nearest_glyph(rows);
    if (cursor && (c < 0xc0 || c > 0xdf)) {
        for (int y = 0; y < CELL_H; y++) {
            unsigned bits = 0;
            for (int x = 0; x < cw; x++)
                if (pixel(px, w, col * cw + x, row * CELL_H + y) == colors[fg])
                    bits |= 1u << (cw - 1 - x);
            if (bits == full)
                rows[y] = 0;
        }
        c = nearest_glyph(rows);
    }
    return c;
}

static void put_utf8(char **p, unsigned u)
{
    char *s = *p;
    if (u < 0x80) {
        *s++ = u;
    } else if (u < 0x800) {
        *s++ = 0xc0 | u >> 6;
        *s++ = 0x80 | (u & 0x3f);
    } else {
        *s++ = 0xe0 | u >> 12;
        *s++ = 0x80 | (u >> 6 & 0x3f);
        *s++ = 0x80 | (u & 0x3f);
    }
    *p = s;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: screentext FILE.ppm\n"
                        "prints the text of an 80x25 VGA text screen (720x400 or 640x400)\n");
        return 2;
    }
    int w, h;
    uint8_t *px = read_ppm(argv[1], &w, &h);
    if (!px)
        return 1;
    int cw = w / COLS;
    if (w % COLS || (cw != 8 && cw != 9) || h != ROWS * CELL_H) {
        fprintf(stderr, "screentext: %s: %dx%d is not an 80x25 text screen "
                        "(720x400 or 640x400)\n", argv[1], w, h);
        free(px);
        return 1;
    }
    for (int row = 0; row < ROWS; row++) {
        char line[COLS * 3 + 2], *p = line, *end = line;
        for (int col = 0; col < COLS; col++) {
            int c = read_cell(px, w, cw, col, row);
            put_utf8(&p, c ? vga_cp437_unicode[c] : ' ');
            if (c != ' ' && c != 0 && c != 0xff)
                end = p;
        }
        *end = 0;
        printf("%s\n", line);
    }
    free(px);
    return fflush(stdout) ? 1 : 0;
}
