/*
 * vga_mem.c - the legacy window 0xa0000-0xbffff and the linear framebuffer.
 *
 * The graphics controller's Miscellaneous register picks which part of the
 * window answers (A0000 128K, A0000 64K, B0000 32K, B8000 32K).  A CPU
 * address in it then reaches the planes one of three ways (see
 * vga_internal.h for the packing): chain-4, odd/even, or planar, where
 * writes go through the graphics controller's pipeline:
 *
 *   mode 0: data rotated, or set/reset per plane where enabled
 *   mode 1: the latches as they are (fast copies)
 *   mode 2: each plane gets data bit p spread over the byte
 *   mode 3: set/reset, masked by the rotated data AND the bit mask
 *   then (modes 0, 2, 3) the logical operation with the latches, and the
 *   bit mask chooses per bit between that result and the latch.
 *
 * Reads load the four latches; read mode 0 returns one plane (read map
 * select), read mode 1 the colour compare of all planes not "don't care".
 * With VBE on, the window is a 64K bank of linear video memory instead.
 * The LFB is plain guest RAM over the same buffer, so the CPU's TLB fast
 * path writes it without coming here.
 */
#include "hw/vga_internal.h"
#include "softmmu/memory.h"

static uint8_t alu(struct vga_regs *r, uint8_t val, uint8_t latch)
{
    switch ((r->gr[GR_ROTATE] >> 3) & 3) {
    case 1: return val & latch;
    case 2: return val | latch;
    case 3: return val ^ latch;
    default: return val;
    }
}

static uint8_t rotate(struct vga_regs *r, uint8_t val)
{
    int n = r->gr[GR_ROTATE] & 7;
    return (uint8_t)(val >> n | val << (8 - n));
}

/* The graphics controller's write pipeline, to the planes in 'planes'. */
static void planar_write(struct vga *v, uint32_t addr, unsigned planes, uint8_t val)
{
    struct vga_regs *r = &v->r;
    uint8_t *p = v->vram + (addr & (VGA_PLANE_SIZE - 1)) * 4;
    int mode = r->gr[GR_MODE] & 3;
    uint8_t mask = r->gr[GR_BIT_MASK];
    uint8_t rot = rotate(r, val);
    if (mode == 3)
        mask &= rot;
    for (int i = 0; i < 4; i++) {
        if (!(planes & (1u << i)))
            continue;
        uint8_t sr = r->gr[GR_SET_RESET] & (1u << i) ? 0xff : 0x00;
        uint8_t d;
        switch (mode) {
        case 0: d = r->gr[GR_ENABLE_SR] & (1u << i) ? sr : rot; break;
        case 1: p[i] = r->latch[i]; continue;
        case 2: d = val & (1u << i) ? 0xff : 0x00; break;
        default: d = sr; break;
        }
        d = alu(r, d, r->latch[i]);
        p[i] = (d & mask) | (r->latch[i] & ~mask);
    }
}

static uint8_t planar_read(struct vga *v, uint32_t addr, int plane)
{
    struct vga_regs *r = &v->r;
    const uint8_t *p = v->vram + (addr & (VGA_PLANE_SIZE - 1)) * 4;
    for (int i = 0; i < 4; i++)
        r->latch[i] = p[i];
    if (!(r->gr[GR_MODE] & 0x08))
        return p[plane];
    /* Read mode 1: 1 where every plane that matters matches the compare colour. */
    uint8_t diff = 0;
    for (int i = 0; i < 4; i++) {
        if (!(r->gr[GR_DONT_CARE] & (1u << i)))
            continue;
        diff |= p[i] ^ (r->gr[GR_COLOR_COMPARE] & (1u << i) ? 0xff : 0x00);
    }
    return ~diff;
}

/* Window offset (from 0xa0000) to an offset within the mapped range, or -1. */
static int32_t window(struct vga *v, uint32_t off)
{
    static const uint32_t base[4] = { 0, 0, 0x10000, 0x18000 };
    static const uint32_t size[4] = { 0x20000, 0x10000, 0x8000, 0x8000 };
    int map = (v->r.gr[GR_MISC] >> 2) & 3;
    if (off - base[map] >= size[map])
        return -1;
    return off - base[map];
}

static uint8_t mem_readb(struct vga *v, uint32_t off)
{
    struct vga_regs *r = &v->r;
    if (vga_vbe_enabled(v)) {
        uint32_t a = (uint32_t)r->vbe[VBE_BANK] * 0x10000 + off;
        return off < 0x10000 && a < VGA_VRAM_SIZE ? v->vram[a] : 0xff;
    }
    int32_t a = window(v, off);
    if (a < 0)
        return 0xff;
    if (r->seq[SR_MEM_MODE] & 0x08)
        return v->vram[a & (4 * VGA_PLANE_SIZE - 1)];
    if (r->gr[GR_MODE] & 0x10) /* odd/even reads */
        return planar_read(v, a >> 1, (r->gr[GR_READ_MAP] & 2) | (a & 1));
    return planar_read(v, a, r->gr[GR_READ_MAP] & 3);
}

static void mem_writeb(struct vga *v, uint32_t off, uint8_t val)
{
    struct vga_regs *r = &v->r;
    if (vga_vbe_enabled(v)) {
        uint32_t a = (uint32_t)r->vbe[VBE_BANK] * 0x10000 + off;
        if (off < 0x10000 && a < VGA_VRAM_SIZE)
            v->vram[a] = val;
        return;
    }
    int32_t a = window(v, off);
    if (a < 0)
        return;
    unsigned planes = r->seq[SR_MAP_MASK] & 0x0f;
    if (r->seq[SR_MEM_MODE] & 0x08) {
        a &= 4 * VGA_PLANE_SIZE - 1;
        if (planes & (1u << (a & 3)))
            v->vram[a] = val;
    } else if (!(r->seq[SR_MEM_MODE] & 0x04)) { /* odd/even writes */
        planar_write(v, a >> 1, planes & (a & 1 ? 0x0a : 0x05), val);
    } else {
        planar_write(v, a, planes, val);
    }
}

static uint32_t vga_mmio_read(void *opaque, uint32_t off, int size)
{
    uint32_t val = 0;
    for (int i = 0; i < size; i++)
        val |= (uint32_t)mem_readb(opaque, off + i) << (8 * i);
    return val;
}

static void vga_mmio_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    ((struct vga *)opaque)->writes++;
    for (int i = 0; i < size; i++)
        mem_writeb(opaque, off + i, val >> (8 * i));
}

static const struct mem_ops vga_mmio_ops = { vga_mmio_read, vga_mmio_write };

void vga_mem_init(struct vga *v, struct mem_map *mem)
{
    mem_add_mmio(mem, 0xa0000, 0x20000, &vga_mmio_ops, v, "vga");
    mem_add_ram(mem, VGA_LFB_BASE, VGA_VRAM_SIZE, v->vram, "vga-lfb");
}
