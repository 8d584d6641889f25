/*
 * loader.h - putting the -kernel file into guest memory: a Linux bzImage
 * (boot protocol 2.04+, 32-bit entry) or a multiboot v1 kernel (ELF or the
 * a.out address kludge), told apart by their headers.
 */
#ifndef BT86_MACHINE_LOADER_H
#define BT86_MACHINE_LOADER_H

#include "machine/machine.h"

#include <stddef.h>
#include <stdint.h>

/* Returns 0, or -1 with a message for the user in err. */
int loader_load_kernel(struct machine *m, char *err, size_t errlen);

/* The i440FX's 13 PAM segments, 0xC0000-0xFFFFF. */
#define LOADER_PAM_SEGMENTS 13

/* -bios (or the default firmware): read the ROM at path and map it below
 * 4 GiB and, through the PAM segments, at the top of the first megabyte.
 * Returns 0, or -1 with a message for the user in err. */
int loader_load_bios(struct machine *m, const char *path, char *err, size_t errlen);
/* The firmware's fw_cfg files: ACPI tables, the VGA BIOS.  0, or -1 with err. */
int loader_bios_fw_cfg(struct machine *m, char *err, size_t errlen);
/* The default firmware, when neither -kernel nor -bios is given. */
#define LOADER_DEFAULT_BIOS "bios-256k.bin"
/* The i440FX's PAM registers (0x59-0x5F) changed: remap the segments.
 * Nothing without firmware (m->bios NULL). */
void loader_bios_pam(void *m, const uint8_t pam[7]);

/* The option ROM a NIC's romfile= names (NULL: default_name, "": none),
 * in a malloc'd *rom (NULL when there is none).  A missing default is a
 * note on stderr when firmware boots, not an error.  0, or -1 with err. */
int loader_nic_rom(const char *romfile, const char *default_name, int firmware, uint8_t **rom,
                   size_t *len, char *err, size_t errlen);

struct fw_cfg;
/* The ACPI tables (machine/acpi_tables.c) as fw_cfg files and QEMU's
 * etc/table-loader script, for firmware to place (machine/loader_acpi.c).
 * Returns 0, or -1 if they do not fit. */
int loader_acpi_fw_cfg(struct fw_cfg *f, int ncpus);

#endif
