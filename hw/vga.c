/*
 * vga.c - the VGA's I/O registers: miscellaneous output, sequencer, CRTC,
 * graphics controller, attribute controller, DAC, input status; and the
 * device lifecycle (create, save, load).  Memory is in vga_mem.c, Bochs VBE
 * in vga_vbe.c, the power-on state in vga_reset.c, drawing in vga_render.c.
 *
 * The CRTC and input status 1 answer at 0x3dX when Misc Output bit 0 is set
 * (colour) and at 0x3bX when it is clear (mono); the other set floats.
 * Word writes (outw 0x3c4, index | value << 8) are split into bytes.
 *
 * Input status 1 must let retrace-polling loops finish without blocking, so
 * its bits follow the count of reads rather than time: display-enable
 * toggles on every read, vertical retrace is on for 8 reads of every 64.
 * That keeps runs under -icount repeatable.
 */
#include "hw/vga_internal.h"
#include "base/exit_status.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"

#include <stdlib.h>
#include <string.h>

#define VGA_SAVE_VERSION 1

static const uint8_t seq_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0, 0, 0 };
static const uint8_t gr_mask[16] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff };

static int color_mode(struct vga *v)
{
    return v->r.misc & 1;
}

static uint8_t status1(struct vga *v)
{
    struct vga_regs *r = &v->r;
    uint32_t n = r->status_reads++;
    int vretrace = (n & 63) >= 56;
    r->ar_flipflop = 0;
    return (vretrace ? 0x08 : 0) | (vretrace || (n & 1) ? 0x01 : 0);
}

static void ar_write(struct vga *v, uint8_t val)
{
    struct vga_regs *r = &v->r;
    if (!r->ar_flipflop) {
        r->ar_index = val & 0x3f;
    } else {
        int i = r->ar_index & 0x1f;
        static const uint8_t ar_mask[0x15] = {
            0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
            0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0xef, 0xff, 0x3f, 0x0f, 0x0f,
        };
        if (i < 0x15)
            r->ar[i] = val & ar_mask[i];
    }
    r->ar_flipflop ^= 1;
}

static void crtc_write(struct vga *v, uint8_t val)
{
    struct vga_regs *r = &v->r;
    int i = r->crtc_index;
    if (i > 0x18)
        return;
    /* Protect bit: registers 0-7 are read-only, but for line compare bit 8. */
    if ((r->crtc[0x11] & 0x80) && i <= 7) {
        if (i == 7)
            r->crtc[7] = (r->crtc[7] & ~0x10) | (val & 0x10);
        return;
    }
    r->crtc[i] = val;
}

static void dac_write_data(struct vga *v, uint8_t val)
{
    struct vga_regs *r = &v->r;
    r->dac_rgb[r->dac_step++] = (r->vbe[VBE_ENABLE] & VBE_8BIT_DAC) ? val : val & 0x3f;
    if (r->dac_step == 3) {
        memcpy(r->dac[r->dac_write_index++], r->dac_rgb, 3);
        r->dac_step = 0;
    }
}

static uint8_t dac_read_data(struct vga *v)
{
    struct vga_regs *r = &v->r;
    uint8_t val = r->dac[r->dac_read_index][r->dac_step++];
    if (r->dac_step == 3) {
        r->dac_read_index++;
        r->dac_step = 0;
    }
    return val;
}

/* One byte at port 0x3b0 + off. */
static void port_write(struct vga *v, uint32_t port, uint8_t val)
{
    struct vga_regs *r = &v->r;
    if ((port >= 0x3b0 && port < 0x3c0 && color_mode(v)) ||
        (port >= 0x3d0 && !color_mode(v)))
        return;
    switch (port) {
    case 0x3b4: case 0x3d4: r->crtc_index = val & 0x3f; break;
    case 0x3b5: case 0x3d5: crtc_write(v, val); break;
    case 0x3ba: case 0x3da: r->feature = val; break;
    case 0x3c0: ar_write(v, val); break;
    case 0x3c2: r->misc = val; break;
    case 0x3c3: r->video_enable = val & 1; break;
    case 0x3c4: r->seq_index = val & 7; break;
    case 0x3c5: r->seq[r->seq_index] = val & seq_mask[r->seq_index]; break;
    case 0x3c6: r->dac_mask = val; break;
    case 0x3c7: r->dac_read_index = val; r->dac_step = 0; r->dac_reading = 1; break;
    case 0x3c8: r->dac_write_index = val; r->dac_step = 0; r->dac_reading = 0; break;
    case 0x3c9: dac_write_data(v, val); break;
    case 0x3ce: r->gr_index = val & 0x0f; break;
    case 0x3cf: r->gr[r->gr_index] = val & gr_mask[r->gr_index]; break;
    default: break;
    }
}

static uint8_t port_read(struct vga *v, uint32_t port)
{
    struct vga_regs *r = &v->r;
    if ((port >= 0x3b0 && port < 0x3c0 && color_mode(v)) ||
        (port >= 0x3d0 && !color_mode(v)))
        return 0xff;
    switch (port) {
    case 0x3b4: case 0x3d4: return r->crtc_index;
    case 0x3b5: case 0x3d5: return r->crtc_index <= 0x18 ? r->crtc[r->crtc_index] : 0xff;
    case 0x3ba: case 0x3da: return status1(v);
    case 0x3c0: return r->ar_index;
    case 0x3c1: return r->ar[r->ar_index & 0x1f];
    case 0x3c2: return 0x10; /* input status 0: switch sense, no CRT interrupt */
    case 0x3c3: return r->video_enable;
    case 0x3c4: return r->seq_index;
    case 0x3c5: return r->seq[r->seq_index];
    case 0x3c6: return r->dac_mask;
    case 0x3c7: return r->dac_reading ? 0x03 : 0x00;
    case 0x3c8: return r->dac_write_index;
    case 0x3c9: return dac_read_data(v);
    case 0x3ca: return r->feature;
    case 0x3cc: return r->misc;
    case 0x3ce: return r->gr_index;
    case 0x3cf: return r->gr[r->gr_index];
    default: return 0xff;
    }
}

static uint32_t vga_io_read(void *opaque, uint32_t off, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint32_t)port_read(opaque, 0x3b0 + off + i) << (8 * i);
    return v;
}

static void vga_io_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    ((struct vga *)opaque)->writes++;
    for (int i = 0; i < size; i++)
        port_write(opaque, 0x3b0 + off + i, val >> (8 * i));
}

struct vga *vga_create(struct ioports *io, struct mem_map *mem)
{
    struct vga *v = calloc(1, sizeof(*v));
    if (v)
        v->vram = calloc(1, VGA_VRAM_SIZE);
    if (!v || !v->vram) {
        fprintf(stderr, "bt86: vga: out of memory for %u MiB of video memory\n",
                VGA_VRAM_SIZE >> 20);
        exit(EXIT_FATAL);
    }
    ioport_register(io, 0x3b0, 0x30, vga_io_read, vga_io_write, v, "vga");
    vga_vbe_init(v, io);
    vga_mem_init(v, mem);
    vga_reset(v);
    return v;
}

/* Record: version, sizeof(regs) (u32), regs, VRAM size (u32), VRAM. */
int vga_save(struct vga *v, FILE *f)
{
    uint8_t ver = VGA_SAVE_VERSION;
    uint32_t rsize = sizeof(v->r), vsize = VGA_VRAM_SIZE;
    if (fwrite(&ver, 1, 1, f) != 1 || fwrite(&rsize, 4, 1, f) != 1 ||
        fwrite(&v->r, rsize, 1, f) != 1 || fwrite(&vsize, 4, 1, f) != 1 ||
        fwrite(v->vram, vsize, 1, f) != 1)
        return -1;
    return 0;
}

int vga_load(struct vga *v, FILE *f)
{
    uint8_t ver;
    uint32_t rsize, vsize;
    struct vga_regs r;
    if (fread(&ver, 1, 1, f) != 1 || ver != VGA_SAVE_VERSION || fread(&rsize, 4, 1, f) != 1 ||
        rsize != sizeof(r) || fread(&r, rsize, 1, f) != 1 || fread(&vsize, 4, 1, f) != 1 ||
        vsize != VGA_VRAM_SIZE || fread(v->vram, vsize, 1, f) != 1)
        return -1;
    v->r = r;
    return 0;
}
