/*
 * vga_vbe.c - the Bochs VBE "DISPI" interface: a 16-bit index port at
 * 0x1ce and a data port at 0x1cf (0x1d0 answers as data too, as on Bochs).
 *
 * XRES, YRES and BPP are taken only while the display is disabled.
 * Enabling (ENABLE bit 0) checks the mode fits the video memory, resets the
 * virtual size to the visible one, the offsets and the bank to 0, and clears
 * the memory unless NOCLEARMEM.  With GETCAPS in the last ENABLE value,
 * XRES, YRES and BPP read as the largest values accepted.  8BIT_DAC makes
 * the DAC take and render 8-bit components.
 *
 *   outw(0x1ce, VBE_XRES); outw(0x1cf, 640);   ... BPP 32
 *   outw(0x1ce, VBE_ENABLE); outw(0x1cf, VBE_ENABLED | VBE_LFB_ENABLED);
 *   then pixels at VGA_LFB_BASE + y * 640 * 4 + x * 4
 */
#include "hw/vga_internal.h"
#include "softmmu/ioport.h"

#include <string.h>

int vga_vbe_enabled(const struct vga *v)
{
    return v->r.vbe[VBE_ENABLE] & VBE_ENABLED;
}

static int bytes_per_pixel(int bpp)
{
    return (bpp + 7) / 8;
}

static int valid_bpp(int bpp)
{
    return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

/* The virtual height follows from the width: all of video memory. */
static void fix_virtual(uint16_t *vbe)
{
    uint32_t pitch = vbe[VBE_VIRT_WIDTH] * bytes_per_pixel(vbe[VBE_BPP]);
    uint32_t h = pitch ? VGA_VRAM_SIZE / pitch : 0;
    vbe[VBE_VIRT_HEIGHT] = h > 0xffff ? 0xffff : h;
}

static void write_enable(struct vga *v, uint16_t val)
{
    uint16_t *vbe = v->r.vbe;
    val &= VBE_ENABLED | VBE_GETCAPS | VBE_8BIT_DAC | VBE_LFB_ENABLED | VBE_NOCLEARMEM;
    if ((val & VBE_ENABLED) && !vga_vbe_enabled(v)) {
        uint32_t x = vbe[VBE_XRES], y = vbe[VBE_YRES], bpp = vbe[VBE_BPP];
        if (!x || !y || !valid_bpp(bpp) || x * y * bytes_per_pixel(bpp) > VGA_VRAM_SIZE)
            val &= ~VBE_ENABLED; /* refused, as Bochs does */
        else {
            vbe[VBE_VIRT_WIDTH] = x;
            fix_virtual(vbe);
            vbe[VBE_X_OFFSET] = vbe[VBE_Y_OFFSET] = vbe[VBE_BANK] = 0;
            if (!(val & VBE_NOCLEARMEM))
                memset(v->vram, 0, VGA_VRAM_SIZE);
        }
    }
    vbe[VBE_ENABLE] = val;
}

static void vbe_write(struct vga *v, uint16_t val)
{
    uint16_t *vbe = v->r.vbe;
    int on = vga_vbe_enabled(v);
    switch (v->r.vbe_index) {
    case VBE_ID:
        if (val >= 0xb0c0 && val <= VBE_ID5)
            vbe[VBE_ID] = val;
        break;
    case VBE_XRES:
        if (!on && val <= VBE_MAX_XRES)
            vbe[VBE_XRES] = val;
        break;
    case VBE_YRES:
        if (!on && val <= VBE_MAX_YRES)
            vbe[VBE_YRES] = val;
        break;
    case VBE_BPP:
        if (!on && (valid_bpp(val) || val == 0))
            vbe[VBE_BPP] = val ? val : 8;
        break;
    case VBE_ENABLE:
        write_enable(v, val);
        break;
    case VBE_BANK:
        if (val < VGA_VRAM_SIZE / 0x10000)
            vbe[VBE_BANK] = val;
        break;
    case VBE_VIRT_WIDTH:
        if (val && (uint32_t)val * bytes_per_pixel(vbe[VBE_BPP]) * vbe[VBE_YRES] <= VGA_VRAM_SIZE) {
            vbe[VBE_VIRT_WIDTH] = val;
            fix_virtual(vbe);
        }
        break;
    case VBE_X_OFFSET:
    case VBE_Y_OFFSET:
        vbe[v->r.vbe_index] = val;
        break;
    default: /* VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only */
        break;
    }
}

static uint16_t vbe_read(struct vga *v)
{
    const uint16_t *vbe = v->r.vbe;
    int i = v->r.vbe_index;
    if (vbe[VBE_ENABLE] & VBE_GETCAPS) {
        if (i == VBE_XRES)
            return VBE_MAX_XRES;
        if (i == VBE_YRES)
            return VBE_MAX_YRES;
        if (i == VBE_BPP)
            return VBE_MAX_BPP;
    }
    if (i == VBE_VIDEO_MEMORY_64K)
        return VGA_VRAM_SIZE / 0x10000;
    return i < VBE_NREGS ? vbe[i] : 0;
}

static uint32_t vbe_io_read(void *opaque, uint32_t off, int size)
{
    struct vga *v = opaque;
    return off == 0 ? v->r.vbe_index : vbe_read(v);
}

static void vbe_io_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct vga *v = opaque;
    v->writes++;
    if (off == 0)
        v->r.vbe_index = val & 0xffff;
    else
        vbe_write(v, val & 0xffff);
}

void vga_vbe_init(struct vga *v, struct ioports *io)
{
    ioport_register(io, 0x1ce, 3, vbe_io_read, vbe_io_write, v, "vga-vbe");
}

void vga_vbe_reset(struct vga *v)
{
    uint16_t *vbe = v->r.vbe;
    memset(vbe, 0, sizeof(v->r.vbe));
    v->r.vbe_index = 0;
    vbe[VBE_ID] = VBE_ID5;
    vbe[VBE_XRES] = 640;
    vbe[VBE_YRES] = 480;
    vbe[VBE_BPP] = 8;
    vbe[VBE_VIDEO_MEMORY_64K] = VGA_VRAM_SIZE / 0x10000;
}
