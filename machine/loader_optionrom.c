/*
 * loader_optionrom.c - the NIC's boot ROM (QEMU's romfile= property): the
 * file read here goes behind the e1000's PCI expansion ROM BAR, where
 * SeaBIOS finds it, copies it below 1 MiB and runs it (iPXE, which then
 * offers SeaBIOS a network boot entry: -boot n).
 *
 * As QEMU: romfile= empty means no ROM; a name with a '/' is a path; a
 * bare name is looked for where bt86's firmware is (BT86_FIRMWARE_DIR),
 * then where Debian's ipxe-qemu puts its ROMs (BT86_IPXE_DIR, configure's
 * IPXE_DIR).  A ROM the user named must be there (QEMU refuses to start
 * too); the default one may be missing, and the NIC then works as before,
 * only without a boot ROM, which a note says when firmware boots.
 */
#include "config.h"
#include "machine/loader.h"
#include "machine/loader_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The expansion ROM register decodes up to 2 GiB; nothing real is near 16 MiB. */
#define OPTIONROM_MAX (16u << 20)

int loader_nic_rom(const char *romfile, const char *default_name, int firmware, uint8_t **rom,
                   size_t *len, char *err, size_t errlen)
{
    *rom = NULL;
    *len = 0;
    const char *name = romfile ? romfile : default_name;
    if (!*name)
        return 0;
    char path[1024];
    if (strchr(name, '/')) {
        snprintf(path, sizeof(path), "%s", name);
    } else {
        const char *dirs[] = { BT86_FIRMWARE_DIR, BT86_IPXE_DIR };
        size_t i;
        for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
            snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
            if (access(path, F_OK) == 0)
                break;
        }
        if (i == sizeof(dirs) / sizeof(dirs[0])) {
            if (romfile)
                return loader_errorf(err, errlen, "romfile=%s: not in %s or %s", name,
                                     BT86_FIRMWARE_DIR, BT86_IPXE_DIR);
            if (firmware)
                fprintf(stderr, "bt86: note: no %s in %s or %s (install ipxe-qemu): the NIC has "
                                "no boot ROM, so the firmware cannot boot from the network\n",
                        name, BT86_FIRMWARE_DIR, BT86_IPXE_DIR);
            return 0;
        }
    }
    uint8_t *buf = loader_read_file(path, len, err, errlen);
    if (!buf)
        return -1;
    if (*len == 0 || *len > OPTIONROM_MAX) {
        free(buf);
        return loader_errorf(err, errlen, "romfile '%s' is %zu bytes: an option ROM has 1 to "
                                          "16 MiB", path, *len);
    }
    *rom = buf;
    return 0;
}
