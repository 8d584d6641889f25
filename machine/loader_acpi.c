/*
 * loader_acpi.c - bt86's ACPI tables (machine/acpi_tables.c) handed to the
 * firmware the way QEMU hands its own: three fw_cfg files.
 *
 *   etc/acpi/rsdp    the RSDP, for the firmware's F segment
 *   etc/acpi/tables  the RSDT and every table it leads to
 *   etc/table-loader QEMU's linker/loader script: allocate both, patch each
 *                    pointer with the address the other file got, and
 *                    recompute the checksums those patches break
 *
 * The tables are built as if at address 0, so that each pointer in them is
 * an offset in the tables file (whose first bytes, the RSDP's, are cleared);
 * the loader's ADD_POINTER adds the file's address to it.  The
 * pointers are found by walking the tables as ACPI defines them (RSDP ->
 * RSDT entries; the FADT's FACS and DSDT), so whatever acpi_tables.c puts
 * in them follows without a second list of offsets here.  SeaBIOS runs the
 * script (romfile_loader_execute) and then uses the RSDP's address.
 */
#include "hw/fw_cfg.h"
#include "machine/acpi_tables.h"
#include "machine/loader.h"

#include <string.h>

/* QEMU's bios-linker-loader commands: 128 bytes each. */
enum { CMD_ALLOCATE = 1, CMD_ADD_POINTER = 2, CMD_ADD_CHECKSUM = 3 };
enum { ZONE_HIGH = 1, ZONE_FSEG = 2 };
#define CMD_SIZE 128
#define MAX_CMDS 32

static const char RSDP_FILE[] = "etc/acpi/rsdp";
static const char TABLES_FILE[] = "etc/acpi/tables";

struct script {
    uint8_t cmd[MAX_CMDS][CMD_SIZE];
    int n;
};

static uint8_t *next_cmd(struct script *s, uint32_t type)
{
    if (s->n == MAX_CMDS)
        return NULL;
    uint8_t *c = s->cmd[s->n++];
    memset(c, 0, CMD_SIZE);
    memcpy(c, &type, 4);
    return c;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void allocate(struct script *s, const char *file, uint32_t align, uint8_t zone)
{
    uint8_t *c = next_cmd(s, CMD_ALLOCATE);
    if (!c)
        return;
    strncpy((char *)c + 4, file, FW_CFG_NAME_LEN - 1);
    put32(c + 4 + FW_CFG_NAME_LEN, align);
    c[8 + FW_CFG_NAME_LEN] = zone;
}

static void add_pointer(struct script *s, const char *dest, const char *src, uint32_t off)
{
    uint8_t *c = next_cmd(s, CMD_ADD_POINTER);
    if (!c)
        return;
    strncpy((char *)c + 4, dest, FW_CFG_NAME_LEN - 1);
    strncpy((char *)c + 4 + FW_CFG_NAME_LEN, src, FW_CFG_NAME_LEN - 1);
    put32(c + 4 + 2 * FW_CFG_NAME_LEN, off);
    c[8 + 2 * FW_CFG_NAME_LEN] = 4;
}

static void add_checksum(struct script *s, const char *file, uint32_t at, uint32_t start,
                         uint32_t len)
{
    uint8_t *c = next_cmd(s, CMD_ADD_CHECKSUM);
    if (!c)
        return;
    strncpy((char *)c + 4, file, FW_CFG_NAME_LEN - 1);
    put32(c + 4 + FW_CFG_NAME_LEN, at);
    put32(c + 8 + FW_CFG_NAME_LEN, start);
    put32(c + 12 + FW_CFG_NAME_LEN, len);
}

int loader_acpi_fw_cfg(struct fw_cfg *f, int ncpus)
{
    static uint8_t blob[ACPI_TABLES_SIZE];
    static struct script s;
    memset(blob, 0, sizeof(blob));
    s.n = 0;
    size_t used = acpi_tables_build(blob, 0, ncpus);
    /* The RSDP (ACPI 1.0: 20 bytes) comes first, then the tables. */
    if (used < 36 || memcmp(blob, "RSD PTR ", 8))
        return -1;
    /* The tables file is the whole blob, RSDP bytes cleared, so that each
     * table keeps the alignment the builder gave it (the FACS's 64 bytes)
     * in a file allocated on a 64-byte boundary. */
    uint8_t rsdp[20];
    memcpy(rsdp, blob, sizeof(rsdp));
    memset(blob, 0, sizeof(rsdp));
    uint32_t rsdt = get32(rsdp + 16);
    uint8_t *tables = blob;
    uint32_t tlen = (uint32_t)used;
    if (rsdt + 36 > tlen)
        return -1;

    allocate(&s, RSDP_FILE, 16, ZONE_FSEG);
    allocate(&s, TABLES_FILE, 64, ZONE_HIGH);
    uint32_t rsdt_len = get32(tables + rsdt + 4);
    if (rsdt + rsdt_len > tlen)
        return -1;
    for (uint32_t e = rsdt + 36; e + 4 <= rsdt + rsdt_len; e += 4) {
        uint32_t t = get32(tables + e);
        if (t + 36 > tlen)
            return -1;
        add_pointer(&s, TABLES_FILE, TABLES_FILE, e);
        if (!memcmp(tables + t, "FACP", 4)) {
            add_pointer(&s, TABLES_FILE, TABLES_FILE, t + 36); /* FIRMWARE_CTRL: the FACS */
            add_pointer(&s, TABLES_FILE, TABLES_FILE, t + 40); /* the DSDT */
            add_checksum(&s, TABLES_FILE, t + 9, t, get32(tables + t + 4));
        }
    }
    add_checksum(&s, TABLES_FILE, rsdt + 9, rsdt, rsdt_len);
    add_pointer(&s, RSDP_FILE, TABLES_FILE, 16);
    add_checksum(&s, RSDP_FILE, 8, 0, 20);
    if (s.n == MAX_CMDS)
        return -1;
    if (fw_cfg_add_file(f, RSDP_FILE, rsdp, sizeof(rsdp)) < 0 ||
        fw_cfg_add_file(f, TABLES_FILE, tables, tlen) < 0 ||
        fw_cfg_add_file(f, "etc/table-loader", s.cmd, (size_t)s.n * CMD_SIZE) < 0)
        return -1;
    return 0;
}
