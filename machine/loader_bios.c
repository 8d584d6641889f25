/*
 * loader_bios.c - the firmware ROM (-bios, or SeaBIOS by default) and the
 * i440FX's shadowing of it.
 *
 * As on QEMU's pc: the whole ROM ends at 0xFFFFFFFF, where the CPU's first
 * fetch after reset (CS base 0xFFFF0000, EIP 0xFFF0) finds it, and its last
 * 128 KiB (all of a smaller ROM) end at 0xFFFFF, the "ISA BIOS" a real-mode
 * far jump to F000:xxxx reaches.  The ROM's size must be a multiple of
 * 64 KiB (QEMU refuses other sizes with "could not load PC BIOS"; so does
 * bt86), at most 16 MiB, so that it stays above the I/O APIC, HPET and
 * local APIC pages at 0xFEC00000-0xFEEFFFFF.
 *
 * The 0xC0000-0xFFFFF window is cut in the 13 segments of the i440FX's
 * PAM registers (0xC0000-0xEFFFF in 16 KiB pieces, 0xF0000-0xFFFFF whole).
 * Each segment's two bits say where reads and writes go: to DRAM, or to the
 * PCI bus, where the ROM answers reads and ignores writes (below the ISA
 * BIOS, QEMU's empty option ROM space reads zeros up to 0xDFFFF; above it
 * reads float to all ones).  Firmware copies
 * itself to DRAM this way ("shadowing"), then write-protects it.  Each
 * segment is one region of the memory map, changed in place; the soft TLB
 * is flushed at once (its entries hold host pointers) and the block cache
 * between blocks (code translated from the ROM may differ from what DRAM
 * now holds at the same address, and the running block must finish first).
 * The same for SMRAM: the i440FX's D_OPEN shows the DRAM under the VGA's
 * 0xA0000-0xBFFFF window.
 */
#include "base/exit_status.h"
#include "config.h"
#include "hw/fw_cfg.h"
#include "hw/i440fx.h"
#include "hw/rtc_mc146818.h"
#include "machine/loader.h"
#include "machine/loader_common.h"
#include "softmmu/smc.h"
#include "softmmu/tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROM_UNIT (64u << 10)
#define ROM_MAX (16u << 20)
#define ISA_BIOS_MAX (128u << 10)
#define PAM_BASE 0xc0000u
/* QEMU's pc has a 128 KiB ROM of zeros at 0xC0000 for option ROMs ("pc.rom"),
 * which its firmware finds empty (SeaBIOS takes its option ROMs from fw_cfg):
 * the bus reads zeros there, all ones elsewhere. */
#define PC_ROM_END 0xe0000u

/* Segment i: 0 is 0xF0000-0xFFFFF (PAM0's high nibble), 1-12 are the 16 KiB
 * pieces from 0xC0000, PAM1's low nibble first. */
static uint32_t seg_base(int i)
{
    return i == 0 ? 0xf0000u : PAM_BASE + (uint32_t)(i - 1) * 0x4000u;
}

static uint32_t seg_size(int i)
{
    return i == 0 ? 0x10000u : 0x4000u;
}

/* The segment's read-enable and write-enable bits. */
static void seg_bits(const uint8_t pam[7], int i, int *re, int *we)
{
    unsigned v = i == 0 ? pam[0] >> 4 : (pam[(i + 1) / 2] >> ((i - 1) % 2 ? 4 : 0)) & 0xf;
    *re = v & 1;
    *we = (v >> 1) & 1;
}

/* What the PCI bus answers at paddr in the low window: the ISA BIOS, or NULL. */
static const uint8_t *isa_bios_byte(struct machine *m, uint32_t paddr)
{
    uint32_t isa = m->bios_size < ISA_BIOS_MAX ? m->bios_size : ISA_BIOS_MAX;
    if (paddr < 0x100000u - isa)
        return NULL;
    return m->bios + m->bios_size - (0x100000u - paddr);
}

/* A segment whose reads go to the bus where no ROM answers, or whose reads
 * go to the bus and writes to DRAM (RE=0, WE=1: the copy loop of a
 * firmware that shadows itself in place). */
struct pam_seg {
    struct machine *m;
    uint32_t base;
    int we;
};

static uint32_t pam_seg_read(void *opaque, uint32_t offset, int size)
{
    struct pam_seg *s = opaque;
    uint32_t v = 0;
    for (int i = size - 1; i >= 0; i--) {
        uint32_t paddr = s->base + offset + (uint32_t)i;
        const uint8_t *p = isa_bios_byte(s->m, paddr);
        v = (v << 8) | (p ? *p : paddr < PC_ROM_END ? 0 : 0xff);
    }
    return v;
}

static void pam_seg_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pam_seg *s = opaque;
    uint32_t paddr = s->base + offset;
    if (!s->we)
        return;
    smc_notify_write(&s->m->smc, paddr, size);
    for (int i = 0; i < size; i++)
        s->m->ram[paddr + (uint32_t)i] = (uint8_t)(value >> 8 * i);
}

static const struct mem_ops pam_seg_ops = { pam_seg_read, pam_seg_write };

void loader_bios_pam(void *opaque, const uint8_t pam[7])
{
    struct machine *m = opaque;
    if (!m->bios)
        return;
    for (int i = 0; i < LOADER_PAM_SEGMENTS; i++) {
        struct mem_region *r = m->pam[i];
        uint32_t base = seg_base(i);
        int re, we;
        seg_bits(pam, i, &re, &we);
        r->size = seg_size(i);
        if (re) {
            /* Writes to a read-only DRAM segment go to the bus: lost, as on a ROM. */
            r->kind = we ? MEM_RAM : MEM_ROM;
            r->host = m->ram + base;
        } else if (!we && isa_bios_byte(m, base)) {
            r->kind = MEM_ROM;
            r->host = (uint8_t *)isa_bios_byte(m, base);
        } else {
            r->kind = MEM_MMIO;
            r->ops = &pam_seg_ops;
            m->pam_seg[i] = (struct pam_seg){ m, base, we };
            r->opaque = &m->pam_seg[i];
        }
    }
    tlb_flush(&m->cpu);
    m->tb_flush_request = 1;
    cpu_request_exit(&m->cpu);
}

/* SMRAM open: the DRAM under the VGA window shows (bt86 has no SMM, so
 * D_OPEN is the only way in, as on QEMU's i440FX). */
static void smram_changed(void *opaque, int open)
{
    struct machine *m = opaque;
    m->smram->size = open ? 0x20000u : 0;
    tlb_flush(&m->cpu);
    m->tb_flush_request = 1;
    cpu_request_exit(&m->cpu);
}

int loader_load_bios(struct machine *m, const char *path, char *err, size_t errlen)
{
    size_t size;
    uint8_t *buf = loader_read_file(path, &size, err, errlen);
    if (!buf)
        return -1;
    if (size == 0 || size % ROM_UNIT || size > ROM_MAX) {
        free(buf);
        return loader_errorf(err, errlen, "'%s' is %zu bytes: a firmware ROM is a multiple of "
                                          "64 KiB, at most 16 MiB, as QEMU requires",
                             path, size);
    }
    if (m->ram_size < 0x100000u) {
        free(buf);
        return loader_errorf(err, errlen, "firmware needs at least 1 MiB of RAM");
    }
    m->pam_seg = calloc(LOADER_PAM_SEGMENTS, sizeof(*m->pam_seg));
    if (!m->pam_seg) {
        free(buf);
        return loader_errorf(err, errlen, "out of memory");
    }
    m->bios = buf;
    m->bios_size = (uint32_t)size;
    mem_add_rom(&m->mem, (uint32_t)(0x100000000ull - size), (uint32_t)size, buf, "bios");
    for (int i = 0; i < LOADER_PAM_SEGMENTS; i++) {
        mem_add_rom(&m->mem, seg_base(i), 0, NULL, "pam");
        m->pam[i] = &m->mem.regions[m->mem.nregions - 1];
    }
    static const uint8_t reset_pam[7];
    loader_bios_pam(m, reset_pam);
    mem_add_ram(&m->mem, 0xa0000u, 0, m->ram + 0xa0000u, "smram");
    m->smram = &m->mem.regions[m->mem.nregions - 1];
    if (m->i440fx)
        i440fx_set_smram_fn(m->i440fx, smram_changed);
    return 0;
}

/*
 * What QEMU's pc gives its firmware beyond fw_cfg_fill's items: the ACPI
 * tables through the table loader, and the VGA BIOS for the ISA VGA as a
 * "vgaroms/" file, which SeaBIOS runs as the video option ROM.  bt86's VGA
 * is QEMU's isa-vga (Bochs VBE, its framebuffer at 0xE0000000, no PCI
 * function), whose ROM is vgabios-isavga.bin; vgabios-stdvga.bin, the
 * PCI VGA's, falls back to the same framebuffer address without a PCI
 * device, so it serves too.
 */
/* -boot: QEMU's pc writes the order to CMOS 0x3d (first and second device)
 * and 0x38's high nibble (third), 1 floppy, 2 disk, 3 CD-ROM, 4 network;
 * 0x38 bit 0 set skips the floppy's boot signature check (QEMU's
 * fd_bootchk is on: clear).  menu=on is fw_cfg key 0x0e, splash-time the
 * file etc/boot-menu-wait.  -nographic sets key 0x04, as QEMU's does: SeaBIOS
 * then mirrors the text screen on COM1 (its "sercon"). */
static void boot_settings(struct machine *m)
{
    const char *order = m->opt.boot_order[0] ? m->opt.boot_order : "cad";
    uint8_t code[3] = { 0 };
    for (int i = 0; i < 3 && order[i]; i++)
        code[i] = order[i] <= 'b' ? 1 : order[i] == 'c' ? 2 : order[i] == 'd' ? 3 : 4;
    rtc_cmos_set(m->rtc, 0x3d, (uint8_t)(code[1] << 4 | code[0]));
    rtc_cmos_set(m->rtc, 0x38, (uint8_t)(code[2] << 4));
    fw_cfg_add_i16(m->fw_cfg, FW_CFG_BOOT_MENU, (uint16_t)m->opt.boot_menu);
    fw_cfg_add_i16(m->fw_cfg, FW_CFG_NOGRAPHIC, (uint16_t)m->opt.nographic);
    if (m->opt.boot_menu_wait) {
        uint8_t ms[2] = { (uint8_t)m->opt.boot_menu_wait, (uint8_t)(m->opt.boot_menu_wait >> 8) };
        fw_cfg_add_file(m->fw_cfg, "etc/boot-menu-wait", ms, sizeof(ms));
    }
}

int loader_bios_fw_cfg(struct machine *m, char *err, size_t errlen)
{
    boot_settings(m);
    if (loader_acpi_fw_cfg(m->fw_cfg, m->ncpus) < 0)
        return loader_errorf(err, errlen, "the ACPI tables do not fit the table loader");
    if (!m->vga)
        return 0;
    static const char *const roms[] = { "vgabios-isavga.bin", "vgabios-stdvga.bin" };
    for (size_t i = 0; i < sizeof(roms) / sizeof(roms[0]); i++) {
        char path[512], name[FW_CFG_NAME_LEN];
        size_t size;
        snprintf(path, sizeof(path), "%s/%s", BT86_FIRMWARE_DIR, roms[i]);
        uint8_t *rom = loader_read_file(path, &size, err, errlen);
        if (!rom)
            continue;
        snprintf(name, sizeof(name), "vgaroms/%s", roms[i]);
        int r = fw_cfg_add_file(m->fw_cfg, name, rom, size);
        free(rom);
        if (r < 0)
            return loader_errorf(err, errlen, "no room in fw_cfg for %s", name);
        return 0;
    }
    fprintf(stderr, "bt86: no VGA BIOS in %s (install seabios): the screen shows only what "
                    "the firmware writes to it\n", BT86_FIRMWARE_DIR);
    return 0;
}
