/*
 * loader_bzimage.c - the Linux x86 boot protocol (Documentation/x86/boot.rst),
 * 32-bit entry, the way qemu-system-i386 -kernel runs a bzImage without a
 * BIOS:
 *
 *   - the setup header ("HdrS" at 0x202, protocol 2.04 or later, LOADED_HIGH)
 *     is checked, then the protected-mode code (after the 1 + setup_sects
 *     real-mode sectors, syssize paragraphs long, zero-padded when the file
 *     ends inside the last paragraphs) is copied to 1 MiB;
 *   - the zero page (struct boot_params) gets a copy of the setup header,
 *     type_of_loader 0xff, CAN_USE_HEAP, the -append command line, the
 *     -initrd ramdisk page aligned as high as initrd_addr_max and RAM allow,
 *     an e820 map made from -m and a screen_info for the 80x25 VGA text mode;
 *   - the CPU enters code32_start in flat protected mode (__BOOT_CS 0x10,
 *     __BOOT_DS 0x18), ESI = the zero page, interrupts and paging off.
 *
 * Example: bt86 -kernel vmlinuz -initrd initrd.img -append console=ttyS0 -m 256
 */
#include "machine/loader_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Guest-physical layout of what the loader writes below 640 KiB. */
#define ZERO_PAGE 0x10000u
#define CMDLINE_ADDR 0x20000u
#define KERNEL_ADDR 0x100000u

/* Offsets in struct boot_params / the setup header (boot.rst, zero-page.rst). */
#define BP_ALT_MEM_K 0x1e0
#define BP_E820_ENTRIES 0x1e8
#define BP_SETUP_SECTS 0x1f1
#define BP_VID_MODE 0x1fa
#define BP_BOOT_FLAG 0x1fe
#define BP_JUMP 0x200
#define BP_VERSION 0x206
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_CODE32_START 0x214
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_HEAP_END_PTR 0x224
#define BP_CMD_LINE_PTR 0x228
#define BP_INITRD_ADDR_MAX 0x22c
#define BP_CMDLINE_SIZE 0x238
#define BP_PREF_ADDRESS 0x258
#define BP_INIT_SIZE 0x260
#define BP_E820_TABLE 0x2d0

#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80

static uint32_t get16(const uint8_t *p, unsigned off)
{
    return p[off] | (uint32_t)p[off + 1] << 8;
}

static uint32_t get32(const uint8_t *p, unsigned off)
{
    return get16(p, off) | get16(p, off + 2) << 16;
}

static void put16(uint8_t *p, unsigned off, uint32_t v)
{
    p[off] = v;
    p[off + 1] = v >> 8;
}

static void put32(uint8_t *p, unsigned off, uint32_t v)
{
    put16(p, off, v);
    put16(p, off + 2, v >> 16);
}

static void put64(uint8_t *p, unsigned off, uint64_t v)
{
    put32(p, off, (uint32_t)v);
    put32(p, off + 4, (uint32_t)(v >> 32));
}

/* The map a PC with a BIOS gives: the EBDA and the BIOS ROM are reserved. */
static int fill_e820(uint8_t *bp, uint32_t ram_size)
{
    static const struct {
        uint32_t base, len, type;
    } low[3] = { { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 } };
    int n = 0;
    for (; n < 3; n++) {
        put64(bp, BP_E820_TABLE + 20 * n, low[n].base);
        put64(bp, BP_E820_TABLE + 20 * n + 8, low[n].len);
        put32(bp, BP_E820_TABLE + 20 * n + 16, low[n].type);
    }
    put64(bp, BP_E820_TABLE + 20 * n, KERNEL_ADDR);
    put64(bp, BP_E820_TABLE + 20 * n + 8, ram_size - KERNEL_ADDR);
    put32(bp, BP_E820_TABLE + 20 * n + 16, 1);
    return n + 1;
}

/* What a BIOS leaves after setting mode 3: vgacon and the early console use it. */
static void fill_screen_info(uint8_t *bp, uint32_t ram_size)
{
    uint32_t ext_k = (ram_size - KERNEL_ADDR) >> 10;
    bp[0x00] = 0;                                  /* orig_x: the cursor column */
    bp[0x01] = 0;                                  /* orig_y: the cursor row */
    put16(bp, 0x02, ext_k > 0xffff ? 0xffff : ext_k); /* ext_mem_k */
    put16(bp, 0x04, 0);                            /* orig_video_page */
    bp[0x06] = 3;                                  /* orig_video_mode */
    bp[0x07] = 80;                                 /* orig_video_cols */
    put16(bp, 0x0a, 0x0003);                       /* orig_video_ega_bx: colour, 256 KiB */
    bp[0x0e] = 25;                                 /* orig_video_lines */
    bp[0x0f] = 1;                                  /* orig_video_isVGA: VIDEO_TYPE_VGAC */
    put16(bp, 0x10, 16);                           /* orig_video_points: 8x16 font */
    put32(bp, BP_ALT_MEM_K, ext_k);
}

/* The ramdisk, page aligned as high as the kernel allows and RAM holds; it
 * must stay clear of where the kernel decompresses itself. */
static int load_initrd(struct machine *m, uint8_t *bp, uint32_t low_limit, char *err,
                       size_t errlen)
{
    const char *path = m->opt.initrd;
    size_t size;
    uint8_t *rd = loader_read_file(path, &size, err, errlen);
    if (!rd)
        return -1;
    uint64_t top = (uint64_t)get32(bp, BP_INITRD_ADDR_MAX) + 1;
    if (top > m->ram_size)
        top = m->ram_size;
    uint64_t addr = size <= top ? (top - size) & ~0xfffull : 0;
    if (size > top || addr < low_limit) {
        free(rd);
        return loader_errorf(err, errlen,
                             "initrd '%s' (%zu KiB) does not fit in %u MiB of guest RAM above the "
                             "kernel (it needs memory from 0x%x up; try a larger -m)",
                             path, (size + 1023) >> 10, m->ram_size >> 20, low_limit);
    }
    memcpy(m->ram + addr, rd, size);
    free(rd);
    put32(bp, BP_RAMDISK_IMAGE, (uint32_t)addr);
    put32(bp, BP_RAMDISK_SIZE, (uint32_t)size);
    return 0;
}

int loader_bzimage(struct machine *m, const uint8_t *buf, size_t size, char *err, size_t errlen)
{
    const char *path = m->opt.kernel;
    if (size < 0x264)
        return loader_errorf(err, errlen, "'%s': truncated Linux setup header", path);
    uint32_t version = get16(buf, BP_VERSION);
    if (version < 0x204)
        return loader_errorf(err, errlen, "'%s' uses Linux boot protocol %u.%02u; bt86 needs 2.04 "
                                          "or later (a kernel from 2.6.14 on)",
                             path, version >> 8, version & 0xff);
    if (get16(buf, BP_BOOT_FLAG) != 0xaa55)
        return loader_errorf(err, errlen, "'%s': bad Linux setup header (boot_flag is 0x%04x, "
                                          "not 0xaa55)", path, get16(buf, BP_BOOT_FLAG));
    if (!(buf[BP_LOADFLAGS] & LOADED_HIGH))
        return loader_errorf(err, errlen, "'%s' is a zImage (loaded at 0x10000), not a bzImage; "
                                          "bt86 boots only bzImages", path);
    uint32_t setup_sects = buf[BP_SETUP_SECTS] ? buf[BP_SETUP_SECTS] : 4;
    uint64_t setup_size = (uint64_t)(setup_sects + 1) * 512;
    /* syssize counts 16-byte paragraphs, rounded up, so the file may end up
     * to 15 bytes short of it (Debian's memtest86+ia32.bin does): as GRUB and
     * QEMU, load what the file holds and let zeros fill the rest. */
    uint64_t pm_size = (uint64_t)get32(buf, 0x1f4) * 16; /* syssize, 32 bits from 2.04 */
    if (size <= setup_size)
        return loader_errorf(err, errlen, "'%s': truncated bzImage (%zu bytes, no protected-mode "
                                          "code after the %llu bytes of setup)", path, size,
                             (unsigned long long)setup_size);
    uint64_t file_pm = size - setup_size;
    if (pm_size < file_pm)
        pm_size = file_pm;

    /* Where the kernel will decompress itself: it must fit, and the initrd
     * must stay above it. */
    uint64_t kernel_end = KERNEL_ADDR + pm_size;
    if (version >= 0x20a) {
        uint64_t need = get32(buf, BP_PREF_ADDRESS) + (uint64_t)get32(buf, BP_INIT_SIZE);
        if (get32(buf, BP_PREF_ADDRESS + 4) == 0 && need > kernel_end)
            kernel_end = need;
    }
    if (kernel_end > m->ram_size)
        return loader_errorf(err, errlen, "'%s' needs guest RAM up to 0x%llx to decompress itself, "
                                          "more than the %u MiB given (try a larger -m)",
                             path, (unsigned long long)kernel_end, m->ram_size >> 20);

    uint8_t *bp = calloc(1, 4096);
    /* The setup header runs from 0x1f1 to the end its jump instruction gives. */
    size_t hdr_end = 0x202 + buf[BP_JUMP + 1];
    memcpy(bp + BP_SETUP_SECTS, buf + BP_SETUP_SECTS, hdr_end - BP_SETUP_SECTS);
    bp[BP_TYPE_OF_LOADER] = 0xff;
    bp[BP_LOADFLAGS] |= CAN_USE_HEAP;
    put16(bp, BP_VID_MODE, 0xffff); /* "normal": the text mode the BIOS left */
    put16(bp, BP_HEAP_END_PTR, 0xde00);
    fill_screen_info(bp, m->ram_size);
    bp[BP_E820_ENTRIES] = fill_e820(bp, m->ram_size);

    const char *cmd = m->opt.append ? m->opt.append : "";
    uint32_t cmd_max = version >= 0x206 ? get32(buf, BP_CMDLINE_SIZE) : 255;
    if (strlen(cmd) > cmd_max) {
        free(bp);
        return loader_errorf(err, errlen, "-append: the command line is %zu bytes, more than the "
                                          "%u this kernel accepts", strlen(cmd), cmd_max);
    }
    put32(bp, BP_CMD_LINE_PTR, CMDLINE_ADDR);

    uint8_t *pm = calloc(1, pm_size);
    if (!pm) {
        free(bp);
        return loader_errorf(err, errlen, "'%s': out of memory", path);
    }
    memcpy(pm, buf + setup_size, file_pm);
    int r = loader_place(m, KERNEL_ADDR, pm, (uint32_t)pm_size, 0, "Linux kernel", err, errlen);
    free(pm);
    if (r == 0 && m->opt.initrd && *m->opt.initrd)
        r = load_initrd(m, bp, (uint32_t)((kernel_end + 0xfff) & ~0xfffull), err, errlen);
    if (r == 0)
        r = loader_place(m, CMDLINE_ADDR, cmd, strlen(cmd) + 1, 0, "command line", err, errlen);
    if (r == 0)
        r = loader_place(m, ZERO_PAGE, bp, 4096, 0, "boot parameters", err, errlen);
    uint32_t entry = get32(bp, BP_CODE32_START);
    free(bp);
    if (r < 0)
        return -1;
    loader_enter_flat32(m, entry);
    m->cpu.r[R_ESI] = ZERO_PAGE;
    return 0;
}
