/*
 * loader.c - what -kernel is: a Linux bzImage (the "HdrS" setup header at
 * 0x202) goes to the Linux boot protocol, a file with a multiboot header in
 * its first 8 KiB to multiboot; anything else is refused with a reason.
 */
#include "machine/loader.h"
#include "machine/loader_common.h"

#include <stdlib.h>
#include <string.h>

#define MB_MAGIC 0x1badb002u

int loader_load_kernel(struct machine *m, char *err, size_t errlen)
{
    const char *path = m->opt.kernel;
    size_t size;
    uint8_t *buf = loader_read_file(path, &size, err, errlen);
    if (!buf)
        return -1;
    int r;
    if (size >= 0x206 && !memcmp(buf + 0x202, "HdrS", 4)) {
        r = loader_bzimage(m, buf, size, err, errlen);
        free(buf);
        return r;
    }
    /* The multiboot header is 32-bit aligned in the first 8 KiB. */
    for (size_t off = 0; off + 12 <= size && off < 8192; off += 4) {
        uint32_t w[3];
        memcpy(w, buf + off, 12);
        if (w[0] == MB_MAGIC && w[0] + w[1] + w[2] == 0) {
            r = loader_multiboot(m, buf, size, off, err, errlen);
            free(buf);
            return r;
        }
    }
    free(buf);
    return loader_errorf(err, errlen, "'%s' is not a multiboot kernel (no multiboot header in "
                                      "its first 8 KiB), nor a Linux bzImage (no \"HdrS\" setup "
                                      "header at 0x202)", path);
}
