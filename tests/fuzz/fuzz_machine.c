/*
 * fuzz_machine.c - a whole PC for the fuzz targets, loaded with the smallest
 * multiboot kernel there is (the a.out kludge: a header, then HLT), so that
 * machine_init() runs exactly as for a user.
 */
#include "tests/fuzz/fuzz.h"
#include "machine/machine.h"
#include "translator/backend.h"
#include "translator/tbcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct machine *fuzz_machine(uint32_t ram_mb)
{
    static struct machine m;
    static char path[] = "/tmp/bt86-fuzz-kernel.XXXXXX";
    const uint32_t load = 0x100000, flags = 1u << 16; /* addresses in the header */
    uint32_t image[9] = { 0x1badb002, flags, -(0x1badb002 + flags), load, load, load + 36,
                          load + 36, load + 32, 0xfeebf4f4 /* hlt; hlt; jmp $ */ };
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, image, sizeof(image)) != (ssize_t)sizeof(image)) {
        perror("fuzz: kernel file");
        exit(1);
    }
    close(fd);
    m.opt.ram_mb = ram_mb;
    m.opt.kernel = path;
    m.opt.display = DISPLAY_NONE;
    m.opt.vga = 1;
    m.opt.icount = 1;
    m.opt.no_reboot = 1;
    m.opt.rtc_base = 946684800; /* 2000-01-01, as -icount: runs repeat */
    m.opt.rtc_base_set = 1;
    /* BT86_BACKEND=NAME: replay or fuzz on that backend (the default otherwise). */
    const char *bename = getenv("BT86_BACKEND");
    if (bename) {
        const struct backend *be = backend_find(bename);
        if (!be) {
            fprintf(stderr, "fuzz: unknown backend '%s' in BT86_BACKEND\n", bename);
            exit(1);
        }
        tb_set_backend(be);
    }
    int r = machine_init(&m);
    unlink(path);
    if (r != 0) {
        fprintf(stderr, "fuzz: machine_init failed\n");
        exit(1);
    }
    return &m;
}
