/*
 * loader_multiboot.c - the multiboot v1 loader (what -kernel does with a
 * multiboot kernel), mirroring qemu-system-i386 so that the same kernel and
 * command line behave the same:
 *
 *   - the kernel's ELF segments are read with libelf and placed at their
 *     physical addresses (or, with header flag 16, the a.out kludge
 *     addresses are used);
 *   - the command line is "<kernel path> <append>", as QEMU passes it;
 *   - each -initrd entry ("file args", comma separated) becomes a module;
 *   - the information structure carries lower/upper memory, the command
 *     line, the modules, a memory map built from -m and the loader name;
 *   - the CPU starts in flat 32-bit protected mode with EAX = 0x2BADB002,
 *     EBX = the information structure, interrupts off.
 */
#include "machine/loader_common.h"
#include "monitor/monitor.h"
#include "softmmu/memory.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u
#define MB_AOUT_KLUDGE 0x10000u

static int load_elf(struct machine *m, const uint8_t *buf, size_t size, const char *path, uint32_t *entry,
                    uint32_t *end, char *err, size_t errlen)
{
    elf_version(EV_CURRENT);
    Elf *e = elf_memory((char *)(uintptr_t)buf, size);
    if (!e || elf_kind(e) != ELF_K_ELF) {
        if (e)
            elf_end(e);
        return loader_errorf(err, errlen, "'%s' has a multiboot header but is not an ELF file, and its "
                                   "header does not give load addresses (flag 16)", path);
    }
    GElf_Ehdr eh;
    if (!gelf_getehdr(e, &eh)) {
        elf_end(e);
        return loader_errorf(err, errlen, "'%s': bad ELF header: %s", path, elf_errmsg(-1));
    }
    if (gelf_getclass(e) != ELFCLASS32 || eh.e_machine != EM_386) {
        elf_end(e);
        return loader_errorf(err, errlen, "'%s' is a %d-bit ELF for machine %u, not an i386 (EM_386) "
                                   "kernel; build it with -m32", path,
                      gelf_getclass(e) == ELFCLASS64 ? 64 : 32, eh.e_machine);
    }
    size_t nph;
    if (elf_getphdrnum(e, &nph) != 0) {
        elf_end(e);
        return loader_errorf(err, errlen, "'%s': no program headers", path);
    }
    uint32_t hi = 0;
    int loaded = 0;
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_offset + ph.p_filesz > size || ph.p_filesz > ph.p_memsz) {
            elf_end(e);
            return loader_errorf(err, errlen, "'%s': segment %zu lies outside the file", path, i);
        }
        char what[64];
        snprintf(what, sizeof(what), "kernel segment %zu", i);
        if (loader_place(m, ph.p_paddr, buf + ph.p_offset, ph.p_filesz, ph.p_memsz - ph.p_filesz, what, err,
                  errlen) < 0) {
            elf_end(e);
            return -1;
        }
        if (ph.p_paddr + ph.p_memsz > hi)
            hi = ph.p_paddr + ph.p_memsz;
        loaded = 1;
    }
    elf_end(e);
    if (!loaded)
        return loader_errorf(err, errlen, "'%s': no loadable segments", path);
    *entry = eh.e_entry;
    *end = hi;
    return 0;
}

static void put32(struct machine *m, uint32_t addr, uint32_t v)
{
    phys_write(&m->mem, addr, v, 4);
}

int loader_multiboot(struct machine *m, const uint8_t *buf, size_t size, size_t hoff, char *err,
                     size_t errlen)
{
    const char *path = m->opt.kernel;
    uint32_t h[8];
    memset(h, 0, sizeof(h));
    memcpy(h, buf + hoff, size - hoff < 32 ? size - hoff : 32);
    uint32_t flags = h[1];
    if (flags & 0xfff8u)
        return loader_errorf(err, errlen, "'%s' requires multiboot features 0x%x that bt86 does "
                                          "not provide", path, flags & 0xfff8u);
    uint32_t entry = 0, kend = 0;
    if (flags & MB_AOUT_KLUDGE) {
        uint32_t header_addr = h[3], load_addr = h[4], load_end = h[5], bss_end = h[6];
        entry = h[7];
        uint32_t file_off = hoff - (header_addr - load_addr);
        uint32_t len = load_end ? load_end - load_addr : size - file_off;
        if (file_off > size || len > size - file_off)
            return loader_errorf(err, errlen, "'%s': multiboot load addresses lie outside the "
                                              "file", path);
        uint32_t zero = bss_end > load_addr + len ? bss_end - (load_addr + len) : 0;
        if (loader_place(m, load_addr, buf + file_off, len, zero, "kernel", err, errlen) < 0)
            return -1;
        kend = load_addr + len + zero;
    } else if (load_elf(m, buf, size, path, &entry, &kend, err, errlen) < 0) {
        return -1;
    }

    /* Modules, then the information structure, page aligned after the kernel. */
    uint32_t next = (kend + 0xfff) & ~0xfffu;
    uint32_t mods[16][4];
    int nmods = 0;
    if (m->opt.initrd && *m->opt.initrd) {
        char *list = strdup(m->opt.initrd), *save = NULL;
        for (char *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
            if (nmods == 16) {
                free(list);
                return loader_errorf(err, errlen, "too many multiboot modules (at most 16)");
            }
            char *file = strdup(item), *sp = strchr(file, ' ');
            if (sp)
                *sp = 0;
            size_t msize;
            uint8_t *mb = loader_read_file(file, &msize, err, errlen);
            if (!mb) {
                free(file);
                free(list);
                return -1;
            }
            char what[300];
            snprintf(what, sizeof(what), "module '%s'", file);
            next = (next + 0xfff) & ~0xfffu; /* QEMU page-aligns every module */
            if (loader_place(m, next, mb, msize, 0, what, err, errlen) < 0) {
                free(mb);
                free(file);
                free(list);
                return -1;
            }
            free(mb);
            mods[nmods][0] = next;
            mods[nmods][1] = next + msize;
            mods[nmods][3] = 0;
            next = (next + msize + 0xfff) & ~0xfffu;
            uint32_t slen = strlen(item) + 1;
            if (loader_place(m, next, item, slen, 0, "module string", err, errlen) < 0) {
                free(file);
                free(list);
                return -1;
            }
            mods[nmods][2] = next;
            next += (slen + 15) & ~15u;
            nmods++;
            free(file);
        }
        free(list);
    }
    uint32_t mbi = (next + 0xfff) & ~0xfffu;
    uint32_t p = mbi + 128;
    uint8_t zero[128] = { 0 };
    if (loader_place(m, mbi, zero, 128, 0, "multiboot information", err, errlen) < 0)
        return -1;

    char *cmd;
    const char *app = m->opt.append ? m->opt.append : "";
    size_t clen = strlen(path) + strlen(app) + 2;
    cmd = malloc(clen);
    snprintf(cmd, clen, "%s%s%s", path, *app ? " " : "", app);
    if (loader_place(m, p, cmd, strlen(cmd) + 1, 0, "command line", err, errlen) < 0) {
        free(cmd);
        return -1;
    }
    uint32_t cmd_addr = p;
    p += (strlen(cmd) + 16) & ~15u;
    free(cmd);

    uint32_t mods_addr = p;
    for (int i = 0; i < nmods; i++, p += 16)
        if (loader_place(m, p, mods[i], 16, 0, "module list", err, errlen) < 0)
            return -1;

    static const char name[] = "bt86";
    uint32_t name_addr = p;
    if (loader_place(m, p, name, sizeof(name), 0, "loader name", err, errlen) < 0)
        return -1;
    p += 16;

    uint32_t mmap_addr = p;
    /*
     * The map QEMU's firmware gives: the top 128 KiB of RAM are reserved
     * (SeaBIOS keeps its tables there) and the BIOS ROM shows below 4 GiB.
     * Guests written against QEMU see the same numbers here.
     */
    struct {
        uint64_t base, len;
        uint32_t type;
    } map[6] = {
        { 0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0xf0000, 0x10000, 2 },
        { 0x100000, m->ram_size - 0x20000 - 0x100000, 1 },
        { m->ram_size - 0x20000, 0x20000, 2 },
        { 0xfffc0000u, 0x40000, 2 },
    };
    for (int i = 0; i < 6; i++, p += 24) {
        uint8_t e[24];
        uint32_t sz = 20;
        memcpy(e, &sz, 4);
        memcpy(e + 4, &map[i].base, 8);
        memcpy(e + 12, &map[i].len, 8);
        memcpy(e + 20, &map[i].type, 4);
        if (loader_place(m, p, e, 24, 0, "memory map", err, errlen) < 0)
            return -1;
    }

    put32(m, mbi + 0, 1u << 0 | 1u << 2 | 1u << 3 | 1u << 6 | 1u << 9);
    put32(m, mbi + 4, 0x9fc00 / 1024);
    put32(m, mbi + 8, (m->ram_size - 0x20000 - 0x100000) / 1024);
    put32(m, mbi + 16, cmd_addr);
    put32(m, mbi + 20, nmods);
    put32(m, mbi + 24, mods_addr);
    put32(m, mbi + 44, 6 * 24);
    put32(m, mbi + 48, mmap_addr);
    put32(m, mbi + 64, name_addr);
    loader_enter_flat32(m, entry);
    m->cpu.r[R_EAX] = MB_BOOT_MAGIC;
    m->cpu.r[R_EBX] = mbi;
    /* Undefined by the spec, but kernels that call before setting their own
     * stack work on GRUB and QEMU: give them conventional memory. */
    m->cpu.r[R_ESP] = 0x7000;
    return 0;
}
