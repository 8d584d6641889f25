/*
 * test_loader_bzimage.c - the Linux boot protocol loader against
 * Documentation/x86/boot.rst: a synthetic bzImage (setup header only, with
 * a recognisable protected-mode payload) is loaded, then the zero page, the
 * placement of kernel, command line and initrd, and the 32-bit entry state
 * are checked; bad headers and too little RAM must give errors.
 */
#include "check.h"
#include "machine/loader.h"
#include "machine/machine.h"
#include "softmmu/memory.h"
#include "softmmu/smc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct machine mach;

static uint32_t rd32(uint32_t a)
{
    uint32_t v;
    memcpy(&v, mach.ram + a, 4);
    return v;
}

static uint64_t rd64(uint32_t a)
{
    return rd32(a) | (uint64_t)rd32(a + 4) << 32;
}

static void w16(uint8_t *p, unsigned off, uint16_t v) { memcpy(p + off, &v, 2); }
static void w32(uint8_t *p, unsigned off, uint32_t v) { memcpy(p + off, &v, 4); }

/* A bzImage of protocol `version`: 4 setup sectors + 1, then 8 KiB of code. */
static size_t make_bzimage(uint8_t *img, uint16_t version, uint8_t loadflags)
{
    memset(img, 0, 5 * 512 + 8192);
    img[0x1f1] = 4;              /* setup_sects */
    w32(img, 0x1f4, 8192 / 16);  /* syssize */
    w16(img, 0x1fe, 0xaa55);
    img[0x200] = 0xeb;           /* jmp: the header ends at 0x202 + 0x66 */
    img[0x201] = 0x66;
    memcpy(img + 0x202, "HdrS", 4);
    w16(img, 0x206, version);
    img[0x211] = loadflags;
    w32(img, 0x214, 0x100000);   /* code32_start */
    w32(img, 0x22c, 0x37ffffff); /* initrd_addr_max */
    w32(img, 0x238, 2047);       /* cmdline_size */
    w32(img, 0x258, 0x1000000);  /* pref_address: 16 MiB */
    w32(img, 0x260, 0x800000);   /* init_size: 8 MiB */
    for (int i = 0; i < 8192; i++)
        img[5 * 512 + i] = (uint8_t)(i * 7 + 1);
    return 5 * 512 + 8192;
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

static int load(uint32_t ram_mb, char *err)
{
    memset(mach.ram, 0xcc, mach.ram_size);
    mach.ram_size = ram_mb << 20;
    cpu_reset(&mach.cpu);
    return loader_load_kernel(&mach, err, 512);
}

int main(void)
{
    static uint8_t img[5 * 512 + 8192];
    char kpath[] = "/tmp/bt86-bzimage-XXXXXX", rpath[] = "/tmp/bt86-initrd-XXXXXX", err[512];
    close(mkstemp(kpath));
    close(mkstemp(rpath));
    mach.ram_size = 64 << 20;
    mach.ram = calloc(1, mach.ram_size);
    machine_init_core(&mach);

    size_t n = make_bzimage(img, 0x20f, 0x01);
    write_file(kpath, img, n);
    static uint8_t initrd[10000];
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i ^ 0x5a);
    write_file(rpath, initrd, sizeof(initrd));
    mach.opt.kernel = kpath;
    mach.opt.initrd = rpath;
    mach.opt.append = "console=ttyS0 quiet";

    CHECK_EQ(load(64, err), 0);
    /* The protected-mode code at 1 MiB. */
    CHECK(!memcmp(mach.ram + 0x100000, img + 5 * 512, 8192));
    /* The 32-bit entry: flat protected mode, __BOOT_CS/__BOOT_DS, ESI = zero page. */
    struct cpu *c = &mach.cpu;
    uint32_t bp = c->r[R_ESI];
    CHECK_EQ(c->eip, 0x100000);
    CHECK_EQ(c->seg[S_CS].sel, 0x10);
    CHECK_EQ(c->seg[S_DS].sel, 0x18);
    CHECK_EQ(c->seg[S_ES].sel, 0x18);
    CHECK_EQ(c->seg[S_SS].sel, 0x18);
    CHECK_EQ(c->seg[S_CS].base, 0);
    CHECK_EQ(c->seg[S_DS].limit, 0xffffffffu);
    CHECK(c->cr[0] & CR0_PE);
    CHECK(!(c->cr[0] & CR0_PG));
    CHECK(!(c->eflags & 0x200));
    CHECK_EQ(c->r[R_EBP], 0);
    CHECK_EQ(c->r[R_EDI], 0);
    CHECK_EQ(c->r[R_EBX], 0);
    CHECK(bp < 0x9f000 && (bp & 0xfff) == 0);
    /* The GDT holds flat 4 GiB code at 0x10 and data at 0x18. */
    CHECK_EQ(rd64(c->gdt.base + 0x10), 0x00cf9b000000ffffull);
    CHECK_EQ(rd64(c->gdt.base + 0x18), 0x00cf93000000ffffull);
    /* The zero page: the setup header copied, then what the loader fills. */
    CHECK_EQ(mach.ram[bp + 0x1f1], 4);
    CHECK(!memcmp(mach.ram + bp + 0x202, "HdrS", 4));
    CHECK_EQ(rd32(bp + 0x22c), 0x37ffffff);
    CHECK_EQ(mach.ram[bp + 0x210], 0xff);                /* type_of_loader */
    CHECK_EQ(mach.ram[bp + 0x211], 0x81);                /* LOADED_HIGH | CAN_USE_HEAP */
    CHECK_EQ(mach.ram[bp + 0x268], 0);                   /* past the header: zero */
    CHECK(!strcmp((char *)mach.ram + rd32(bp + 0x228), "console=ttyS0 quiet"));
    /* The initrd: page aligned, as high as RAM allows. */
    uint32_t ri = rd32(bp + 0x218);
    CHECK_EQ(rd32(bp + 0x21c), sizeof(initrd));
    CHECK_EQ(ri, ((64u << 20) - sizeof(initrd)) & ~0xfffu);
    CHECK(!memcmp(mach.ram + ri, initrd, sizeof(initrd)));
    /* e820: low RAM, EBDA and BIOS reserved, RAM from 1 MiB to the end. */
    static const uint64_t e820[4][3] = {
        { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 }, { 0x100000, 63 << 20, 1 }
    };
    CHECK_EQ(mach.ram[bp + 0x1e8], 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(rd64(bp + 0x2d0 + 20 * i), e820[i][0]);
        CHECK_EQ(rd64(bp + 0x2d0 + 20 * i + 8), e820[i][1]);
        CHECK_EQ(rd32(bp + 0x2d0 + 20 * i + 16), e820[i][2]);
    }
    /* screen_info: VGA colour text mode 3, 80x25. */
    CHECK_EQ(mach.ram[bp + 0x06], 3);
    CHECK_EQ(mach.ram[bp + 0x07], 80);
    CHECK_EQ(mach.ram[bp + 0x0e], 25);
    CHECK_EQ(mach.ram[bp + 0x0f], 1);
    CHECK_EQ(rd32(bp + 0x1e0), 63 * 1024);               /* alt_mem_k */

    /* initrd_addr_max below the end of RAM bounds the initrd. */
    w32(img, 0x22c, 0x01ffffff);
    write_file(kpath, img, n);
    CHECK_EQ(load(64, err), 0);
    bp = c->r[R_ESI];
    CHECK_EQ(rd32(bp + 0x218), (0x2000000 - sizeof(initrd)) & ~0xfffu);

    /* RAM too small: the kernel decompresses up to 24 MiB. */
    CHECK_EQ(load(16, err), -1);
    CHECK(strstr(err, "larger -m") != NULL);
    /* Room for the kernel but not for the initrd above it. */
    w32(img, 0x22c, 0x7fffffff);
    write_file(kpath, img, n);
    CHECK_EQ(load(24, err), -1);
    CHECK(strstr(err, "initrd") != NULL);

    /* Old protocol, zImage, bad boot flag, truncated file. */
    make_bzimage(img, 0x203, 0x01);
    write_file(kpath, img, n);
    CHECK_EQ(load(64, err), -1);
    CHECK(strstr(err, "2.04") != NULL);
    make_bzimage(img, 0x20f, 0x00);
    write_file(kpath, img, n);
    CHECK_EQ(load(64, err), -1);
    CHECK(strstr(err, "zImage") != NULL);
    make_bzimage(img, 0x20f, 0x01);
    w16(img, 0x1fe, 0);
    write_file(kpath, img, n);
    CHECK_EQ(load(64, err), -1);
    CHECK(strstr(err, "boot_flag") != NULL);
    make_bzimage(img, 0x20f, 0x01);
    write_file(kpath, img, 5 * 512);
    CHECK_EQ(load(64, err), -1);
    CHECK(strstr(err, "truncated") != NULL);

    /* A file that ends before syssize says (it is rounded up to 16 bytes, and
     * memtest86+ia32.bin is 8 bytes short): loaded, the rest zeros. */
    write_file(kpath, img, n - 8);
    CHECK_EQ(load(64, err), 0);
    CHECK_EQ(mach.ram[0x100000 + 8192 - 9], img[5 * 512 + 8192 - 9]);
    for (int i = 8192 - 8; i < 8192; i++)
        CHECK_EQ(mach.ram[0x100000 + i], 0);
    CHECK_EQ(mach.ram[0x100000 + 8192], 0xcc);

    unlink(kpath);
    unlink(rpath);
    return check_done("test_loader_bzimage");
}
